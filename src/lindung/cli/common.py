"""What every ``lindung`` command shares: the consoles, one-line refusals, JSON output."""

from __future__ import annotations

import getpass
import json
import os
import sys
from datetime import date
from typing import Annotated, Any

import typer
from rich.console import Console
from sqlalchemy.orm import Session

from lindung.principal import Principal, system_principal

console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True, highlight=False)

JsonOption = Annotated[bool, typer.Option("--json", help="Keluaran JSON")]
AsOption = Annotated[str | None, typer.Option(
    "--as", help="Bertindak sebagai pengguna ini (peran dan wilayahnya; juga LINDUNG_USER); "
                 "tanpa ini: sistem, atas nama pengguna sistem operasi")]


class CommandError(Exception):
    """A refused command: printed as one line, exit status 2 (see cli.main)."""


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def acting(session: Session, as_user: str | None) -> Principal:
    """Who a command acts as: the user named by ``--as`` or ``LINDUNG_USER`` (their role and
    scope, audited as them), else the installation's system principal, audited with the
    operating-system user's name (an administrator at the server's shell already holds the
    database)."""
    from lindung.accounts.queries import user_principal

    name = as_user or os.environ.get("LINDUNG_USER")
    if name:
        principal = user_principal(session, name)
        if principal is None:
            raise CommandError(f"pengguna {name[:60]!r} tidak ada atau tidak aktif")
        return principal
    return system_principal(f"cli:{os_user()}")


def parse_day(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--{name} harus tanggal seperti 2022-07-01, bukan {value!r}") from exc


def emit_json(data: dict[str, Any]) -> None:
    """JSON for scripts: UTF-8 text, indented, dates as ISO strings."""
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
