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

console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True, highlight=False)

JsonOption = Annotated[bool, typer.Option("--json", help="Keluaran JSON")]
ActorOption = Annotated[str | None, typer.Option(help="Nama pelaku untuk log audit")]


class CommandError(Exception):
    """A refused command: printed as one line, exit status 2 (see cli.main)."""


def actor_name(actor: str | None) -> str:
    if actor:
        return actor
    if os.environ.get("LINDUNG_ACTOR"):
        return os.environ["LINDUNG_ACTOR"]
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def parse_day(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--{name} harus tanggal seperti 2022-07-01, bukan {value!r}") from exc


def emit_json(data: dict[str, Any]) -> None:
    """JSON for scripts: UTF-8 text, indented, dates as ISO strings."""
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
