"""``lindung`` command line: one Typer app, a sub-command group per domain.

Other tools script these commands, so their forms and JSON are a contract (see rules/README.md).
Errors in arguments exit with status 2 and one line on stderr: ``lindung: error: <reason>``.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from typer.exceptions import Abort, TyperException

from lindung.cli.accounts import accounts_app
from lindung.cli.agreements import agreements_app
from lindung.cli.audit import audit_app
from lindung.cli.common import CommandError, console
from lindung.cli.db import db_app
from lindung.cli.roster import roster_app
from lindung.cli.rules import rules_app
from lindung.cli.simulator import simulator_app
from lindung.cli.uploads import purge_now, uploads_app
from lindung.cli.workers import occupations_app, workers_app
from lindung.errors import DATABASE_BUSY, DATABASE_CONFLICT, LindungError

app = typer.Typer(
    help="lindung: jaminan sosial ketenagakerjaan untuk Pemda dan BPJS Ketenagakerjaan.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(rules_app, name="rules")
app.add_typer(audit_app, name="audit")
for sub, name in ((db_app, "db"), (agreements_app, "agreements"), (roster_app, "roster"),
                  (workers_app, "workers"), (occupations_app, "occupations"),
                  (accounts_app, "accounts"), (simulator_app, "simulator")):
    app.add_typer(sub, name=name)
app.add_typer(uploads_app, name="uploads")


@app.command("demo")
def demo_command() -> None:
    """Demonstrasi: iuran dan anggaran PKS Pemda, dan manfaat JKM dan JKK-kematian."""
    from lindung.demo import run_demo

    run_demo(console)


@app.command("demo-data")
def demo_data_command() -> None:
    """Mengisi basis data dengan data demo (Kota Metro, BPJS KCP Metro, loket KIR)."""
    from lindung.db import get_engine
    from lindung.demo_data import ACCOUNTS, DEMO_PASSWORD, load_demo

    for line in load_demo(get_engine()):
        typer.echo(line)
    typer.echo(f"Akun demo (kata sandi {DEMO_PASSWORD}):")
    for account in ACCOUNTS:
        typer.echo(f"  {account.username:<15} {account.role:<17} {account.organisation}")


@app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option(help="Alamat")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    secure_cookies: Annotated[bool, typer.Option(
        help="Cookie hanya lewat HTTPS (wajib di balik reverse proxy HTTPS)")] = False,
) -> None:
    """Menjalankan aplikasi web di http://HOST:PORT."""
    import uvicorn

    from lindung.logs import logging_config
    from lindung.web.app import create_app

    # Uploaded rosters (full NIKs) past their retention go before anything is served.
    deleted, _kept, days = purge_now()
    if deleted:
        typer.echo(f"{deleted} berkas unggahan lebih lama dari {days} hari dihapus")
    typer.echo(f"lindung melayani http://{host}:{port} (OpenAPI: /api/v1/openapi.json)")
    uvicorn.run(create_app(secure_cookies=secure_cookies), host=host, port=port,
                log_config=logging_config(), log_level="warning", access_log=False)


def main(argv: list[str] | None = None) -> None:
    """Entry point: Typer with one-line errors instead of usage boxes.

    Nothing reaches the terminal with personal data: a database refusal is told in words
    (the driver's own message can carry a NIK), and anything unexpected as its kind and a
    redacted message; the traceback only with ``LINDUNG_DEBUG=1``, redacted too.
    """
    from sqlalchemy.exc import IntegrityError, OperationalError

    from lindung.logs import configure, redact
    from lindung.tempfiles import sweep

    configure()
    sweep()
    try:
        status = app(args=argv, standalone_mode=False)
    except (CommandError, LindungError) as exc:
        typer.echo(f"lindung: error: {redact(str(exc))}", err=True)
        sys.exit(2)
    except IntegrityError:
        typer.echo(f"lindung: error: {DATABASE_CONFLICT}", err=True)
        sys.exit(3)
    except OperationalError:
        typer.echo(f"lindung: error: {DATABASE_BUSY}", err=True)
        sys.exit(3)
    except Abort:
        typer.echo("lindung: dibatalkan", err=True)
        sys.exit(1)
    except TyperException as exc:
        typer.echo(f"lindung: error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except Exception as exc:  # told in words, redacted (see _unexpected)
        _unexpected(exc)
    if isinstance(status, int) and status:
        sys.exit(status)


def _unexpected(exc: BaseException) -> None:
    import os
    import traceback

    from lindung.logs import redact

    if os.environ.get("LINDUNG_DEBUG"):
        typer.echo(redact("".join(traceback.format_exception(exc))), err=True)
    typer.echo(f"lindung: error: galat tak terduga ({type(exc).__name__}): "
               f"{redact(str(exc))[:300]}", err=True)
    sys.exit(1)
