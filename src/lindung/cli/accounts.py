"""``lindung accounts``: the first web user of an installation; users (create, deactivate,
one-time codes, one's own password), organisations (create, deactivate) and API tokens (issue,
rotate, revoke) from the server's shell, as the system or ``--as`` a Pemda admin."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Annotated

import typer

from lindung.cli.common import AsOption, CommandError, JsonOption, acting, emit_json

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
    one_time_code: Annotated[bool, typer.Option(
        "--one-time-code", help="Tanpa kata sandi: cetak kode masuk sekali pakai untuk "
                                "diserahkan kepada orangnya")] = False,
    as_user: AsOption = None,
) -> None:
    """Pengguna baru dengan peran dan organisasinya."""
    from lindung.accounts.actions import do_create_user, do_reset_password
    from lindung.db import transaction

    password = None if one_time_code else _password(password_stdin)
    with transaction() as session:
        principal = acting(session, as_user)
        do_create_user(session, principal, username=username, display_name=name,
                       password=password, role=role, organisation_code=organisation)
        made = do_reset_password(session, principal, username) if one_time_code else None
    typer.echo(f"Pengguna {username} dibuat.")
    if made is not None:
        _print_code(username, made[0], made[1].expires_at, principal.region_code)


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


def _print_code(username: str, code: str, expires_at: datetime,
                region_code: str | None = None) -> None:
    from lindung.formatting import format_datetime_id
    from lindung.time_zones import zone_of

    until = format_datetime_id(expires_at, zone_of(region_code).tz)
    typer.echo(f"Kode masuk sekali pakai untuk {username}: {code}")
    typer.echo(f"Berlaku sampai {until} untuk satu kali masuk (ketik di kolom kata sandi); "
               "serahkan langsung atau bacakan, jangan lewat surel.")


@accounts_app.command("list-users")
def list_users_command(json_output: JsonOption = False, as_user: AsOption = None) -> None:
    """Pengguna yang Anda kelola."""
    from lindung.accounts.queries import list_users
    from lindung.cli.common import console
    from lindung.db import transaction
    from lindung.principal import ROLE_LABELS

    with transaction() as session:
        users = list_users(session, acting(session, as_user))
    if json_output:
        emit_json({"users": [vars(u) for u in users]})
        return
    for u in users:
        state = "aktif" if u.active else "nonaktif"
        if u.active and u.code_expires_at is not None:
            state = "menunggu masuk dengan kode"
        console.print(f"{u.username:<24} {ROLE_LABELS.get(u.role, u.role):<20} "
                      f"{u.organisation_code:<22} {state}")


@accounts_app.command("deactivate-user")
def deactivate_user(username: Annotated[str, typer.Argument(help="Nama pengguna")],
                    as_user: AsOption = None) -> None:
    """Nonaktifkan pengguna: tidak dapat masuk lagi, sesinya berakhir."""
    from lindung.accounts.actions import do_deactivate_user
    from lindung.db import transaction

    with transaction() as session:
        do_deactivate_user(session, acting(session, as_user), username)
    typer.echo(f"Pengguna {username} dinonaktifkan.")


@accounts_app.command("reset-password")
def reset_password(username: Annotated[str, typer.Argument(help="Nama pengguna")],
                   as_user: AsOption = None) -> None:
    """Atur ulang kata sandi: kata sandi lama berhenti, cetak kode masuk sekali pakai."""
    from lindung.accounts.actions import do_reset_password
    from lindung.db import transaction

    with transaction() as session:
        principal = acting(session, as_user)
        code, row = do_reset_password(session, principal, username)
        expires = row.expires_at
    _print_code(username, code, expires, principal.region_code)


@accounts_app.command("change-password")
def change_password(as_user: AsOption = None) -> None:
    """Ganti kata sandi sendiri (dengan --as NAMA): baris 1 masukan kata sandi sekarang,
    baris 2 kata sandi baru."""
    from lindung.accounts.actions import do_change_password
    from lindung.db import transaction

    if sys.stdin.isatty():
        current: str = typer.prompt("Kata sandi sekarang", hide_input=True)
        new: str = typer.prompt("Kata sandi baru", hide_input=True, confirmation_prompt=True)
    else:
        current = sys.stdin.readline().rstrip("\n")
        new = sys.stdin.readline().rstrip("\n")
    with transaction() as session:
        principal = acting(session, as_user)
        do_change_password(session, principal, current_password=current, new_password=new)
    typer.echo("Kata sandi diganti; sesi lain akun ini diakhiri.")


@accounts_app.command("list-organisations")
def list_organisations(json_output: JsonOption = False, as_user: AsOption = None) -> None:
    """Organisasi yang Anda kelola."""
    from lindung.cli.common import console
    from lindung.db import transaction
    from lindung.organisations.models import KIND_LABELS
    from lindung.organisations.queries import managed_organisations

    with transaction() as session:
        found = managed_organisations(session, acting(session, as_user))
        codes = {o.id: o.code for o in found}
        rows = [{"code": o.code, "kind": o.kind, "name": o.name, "region_code": o.region_code,
                 "parent": codes.get(o.parent_id) if o.parent_id else None,
                 "active": o.active} for o in found]
    if json_output:
        emit_json({"organisations": rows})
        return
    for r in rows:
        console.print(f"{r['code']:<22} {KIND_LABELS[str(r['kind'])]:<18} {r['name']} "
                      f"({'aktif' if r['active'] else 'nonaktif'})")


@accounts_app.command("deactivate-organisation")
def deactivate_organisation(code: Annotated[str, typer.Argument(help="Kode organisasi")],
                            as_user: AsOption = None) -> None:
    """Nonaktifkan organisasi dan yang di bawahnya: penggunanya tidak dapat masuk, tokennya
    berhenti."""
    from lindung.db import transaction
    from lindung.organisations.actions import do_deactivate_organisation

    with transaction() as session:
        count = do_deactivate_organisation(session, acting(session, as_user), code)
    typer.echo(f"{count} organisasi dinonaktifkan ({code} dan yang di bawahnya).")


@accounts_app.command("issue-token")
def issue_token(
    name: Annotated[str, typer.Option(help="Nama sistem yang memakainya")],
    organisation: Annotated[str, typer.Option(help="Kode organisasi, mis. loket")],
    permissions: Annotated[str, typer.Option(
        help="Izin dipisah koma, mis. coverage.check,counter.enrol")],
    rate: Annotated[int, typer.Option(help="Batas permintaan per menit")] = 600,
    as_user: AsOption = None,
) -> None:
    """Token API baru; rahasianya dicetak sekali ini saja."""
    from lindung.accounts.actions import do_issue_token
    from lindung.db import transaction

    with transaction() as session:
        secret, token = do_issue_token(
            session, acting(session, as_user), name=name, organisation_code=organisation,
            permissions=[p.strip() for p in permissions.split(",")[:50] if p.strip()],
            rate_per_minute=rate)
        ident = token.id
    typer.echo(f"Token {ident} dibuat (disimpan hanya sekali): {secret}")


@accounts_app.command("rotate-token")
def rotate_token(
    token_id: Annotated[int, typer.Argument(help="Nomor token")],
    overlap_minutes: Annotated[int, typer.Option(
        help="Berapa menit token lama tetap berlaku (0: berhenti seketika)")] = 60,
    as_user: AsOption = None,
) -> None:
    """Ganti rahasia token: token baru dengan izin yang sama; yang lama berhenti setelah masa
    peralihan."""
    from lindung.accounts.actions import do_rotate_token
    from lindung.db import transaction

    with transaction() as session:
        secret, token = do_rotate_token(session, acting(session, as_user), token_id,
                                        overlap_minutes=overlap_minutes)
        ident = token.id
    typer.echo(f"Token {ident} menggantikan token {token_id} (disimpan hanya sekali): {secret}")
    typer.echo("Token lama " + ("berhenti seketika." if overlap_minutes == 0 else
                                f"tetap berlaku {overlap_minutes} menit lagi."))


@accounts_app.command("revoke-token")
def revoke_token(token_id: Annotated[int, typer.Argument(help="Nomor token")],
                 as_user: AsOption = None) -> None:
    """Cabut token seketika."""
    from lindung.accounts.actions import do_revoke_token
    from lindung.db import transaction

    with transaction() as session:
        do_revoke_token(session, acting(session, as_user), token_id)
    typer.echo(f"Token {token_id} dicabut.")


@accounts_app.command("list-tokens")
def list_tokens_command(json_output: JsonOption = False, as_user: AsOption = None) -> None:
    """Token API organisasi Anda (juga yang sudah dicabut)."""
    from lindung.accounts.queries import list_tokens
    from lindung.cli.common import console
    from lindung.db import transaction

    with transaction() as session:
        tokens = list_tokens(session, acting(session, as_user))
    if json_output:
        emit_json({"tokens": [{**vars(t), "live": t.live} for t in tokens]})
        return
    for t in tokens:
        state = "berlaku" if t.live else "tidak berlaku"
        console.print(f"{t.id:>5} {t.prefix}… {t.name:<30} {t.organisation_code:<22} {state}")
