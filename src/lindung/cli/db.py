"""``lindung db``: migrations."""

from __future__ import annotations

import typer

db_app = typer.Typer(help="Basis data: migrasi.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Migrasi basis data ke versi terbaru (SQLite di var/ atau LINDUNG_DATABASE_URL)."""
    from lindung.db import get_engine
    from lindung.migrate import current_revision, upgrade

    engine = get_engine()
    upgrade(engine)
    typer.echo(f"Basis data {engine.url.render_as_string(hide_password=True)} pada revisi "
               f"{current_revision(engine)}.")
