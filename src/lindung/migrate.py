"""Running the Alembic migrations from code (``lindung db upgrade``, tests, ``make run``)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from lindung.db import get_engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url)
    return config


def upgrade(engine: Engine | None = None, revision: str = "head") -> None:
    """Bring the database up to ``revision`` (default: the newest).

    On SQLite a migration that changes a table rebuilds it (Alembic's batch mode: copy, drop,
    rename); with foreign keys enforced, dropping a table that other rows reference fails. So
    the keys are off while migrating and checked whole afterwards: a migration that left a
    dangling reference is refused, nothing of it kept.
    """
    engine = engine or get_engine()
    config = alembic_config()
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"migration left {len(broken)} broken references "
                                           f"(first: {broken[0]})")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def current_revision(engine: Engine | None = None) -> str | None:
    from alembic.runtime.migration import MigrationContext

    engine = engine or get_engine()
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
