"""``lindung audit`` commands: the audit log's hash chain (decision 0014)."""

from __future__ import annotations

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from lindung.cli.common import CommandError, JsonOption, emit_json, err_console
from lindung.formatting import format_number

audit_app = typer.Typer(help="Log audit: pemeriksaan rantai hash.", no_args_is_help=True)


@audit_app.command("verify")
def audit_verify(as_json: JsonOption = False) -> None:
    """Memeriksa rantai hash log audit dari peristiwa pertama sampai kepala rantai.

    Status keluar 0 bila rantai utuh, 1 bila putus (mata rantai pertama yang putus disebut).
    """
    from sqlalchemy import inspect

    from lindung.audit.chain import verify_chain
    from lindung.db import get_engine

    engine = get_engine()
    if not inspect(engine).has_table("audit_chain_head"):
        raise CommandError("basis data belum memiliki rantai log audit: jalankan "
                           "lindung db upgrade")
    with Progress(TextColumn("Memeriksa rantai"), BarColumn(),
                  TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                  console=err_console, transient=True,
                  disable=as_json or not err_console.is_terminal) as bar:
        task = bar.add_task("verify", total=None)
        report = verify_chain(engine, progress=lambda done, total: bar.update(
            task, completed=done, total=max(total, 1)))
    if as_json:
        emit_json(report.to_dict())
    elif report.first_broken is None:
        typer.echo(f"Rantai log audit utuh: {format_number(report.events)} peristiwa, "
                   f"hash terakhir {report.last_hash}.")
    else:
        broken = report.first_broken
        where = "" if broken.seq is None else (
            f" pada seq {broken.seq} (id {broken.id}, "
            f"{broken.at:%Y-%m-%d %H:%M:%S} UTC, {broken.action})")
        typer.echo(f"Rantai log audit PUTUS{where}: {broken.message}.")
        typer.echo(f"{format_number(report.events)} peristiwa sebelumnya utuh "
                   f"(hash terakhir yang utuh {report.last_hash}).")
    if not report.ok:
        raise typer.Exit(1)
