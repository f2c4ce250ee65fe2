"""``lindung accounts``: the first web user of an installation, and users and organisations
from the server's shell."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from lindung.cli.common import AsOption, CommandError, acting

accounts_app = typer.Typer(help="Akun pengguna dan organisasi.", no_args_is_help=True)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    if not sys.stdin.isatty():
        raise CommandError("kata sandi diminta di terminal; tanpa terminal pakai "
                           "--password-stdin")
    value: str = typer.prompt("Kata sandi", hide_input=True, confirmation_prompt=True)
    return value


@accounts_app.command("create-admin")
def create_admin(
    username: Annotated[str, typer.Option(help="Nama pengguna, mis. admin.metro")],
    name: Annotated[str, typer.Option(help="Nama lengkap")],
    pemda: Annotated[str, typer.Option(help="Kode organisasi Pemda, mis. PEMKOT-METRO")],
    pemda_name: Annotated[str | None, typer.Option(
        help="Nama Pemda (bila Pemda belum ada)")] = None,
    region: Annotated[str | None, typer.Option(
        help="Kode wilayah Pemda (bila Pemda belum ada), mis. 18.72")] = None,
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Baca kata sandi dari baris pertama masukan")] = False,
) -> None:
    """Admin Pemda pertama untuk aplikasi web (Pemda dibuat bila belum ada)."""
    from lindung.accounts.actions import do_create_admin
    from lindung.cli.common import os_user
    from lindung.db import transaction
    from lindung.principal import system_principal

    password = _password(password_stdin)
    with transaction() as session:
        do_create_admin(session, system_principal(f"cli:{os_user()}"), username=username,
                        display_name=name, password=password, pemda_code=pemda,
                        pemda_name=pemda_name, region_code=region)
    typer.echo(f"Admin {username} untuk {pemda} dibuat; masuk di /masuk.")


@accounts_app.command("create-user")
def create_user(
    username: Annotated[str, typer.Option()],
    name: Annotated[str, typer.Option(help="Nama lengkap")],
    role: Annotated[str, typer.Option(help="pemda_admin, opd_operator, village_operator, "
                                           "bpjs_officer, counter_officer, auditor")],
    organisation: Annotated[str, typer.Option(help="Kode organisasi")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin")] = False,
    as_user: AsOption = None,
) -> None:
    """Pengguna baru dengan peran dan organisasinya."""
    from lindung.accounts.actions import do_create_user
    from lindung.db import transaction

    password = _password(password_stdin)
    with transaction() as session:
        do_create_user(session, acting(session, as_user), username=username,
                       display_name=name, password=password, role=role,
                       organisation_code=organisation)
    typer.echo(f"Pengguna {username} dibuat.")


@accounts_app.command("create-organisation")
def create_organisation(
    code: Annotated[str, typer.Option()],
    kind: Annotated[str, typer.Option(help="pemda, opd, village, bpjs_branch, counter, donor")],
    name: Annotated[str, typer.Option()],
    region: Annotated[str | None, typer.Option(help="Kode wilayah")] = None,
    parent: Annotated[str | None, typer.Option(help="Kode organisasi induk (Pemda)")] = None,
    as_user: AsOption = None,
) -> None:
    """Organisasi baru (Pemda, OPD, desa, kantor cabang BPJS, loket, donatur)."""
    from lindung.db import transaction
    from lindung.organisations.actions import do_create_organisation

    with transaction() as session:
        do_create_organisation(session, acting(session, as_user), code=code, kind=kind,
                               name=name, region_code=region, parent_code=parent)
    typer.echo(f"Organisasi {code} dibuat.")
