"""``lindung workers`` and ``lindung occupations``: a person's memberships and history (the
NIK masked; the lookup audited), the occupation taxonomy and its extension."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from lindung.cli.common import (
    AsOption,
    CommandError,
    JsonOption,
    acting,
    console,
    emit_json,
    parse_day,
)

workers_app = typer.Typer(help="Pekerja (satu orang per NIK).", no_args_is_help=True)
occupations_app = typer.Typer(help="Taksonomi pekerjaan.", no_args_is_help=True)


@workers_app.command("show")
def workers_show(
    nik: Annotated[str, typer.Option(help="NIK (16 digit)")],
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Kepesertaan seorang pekerja dan riwayatnya (NIK ditampilkan tersamar; dicatat di log
    audit)."""
    from lindung.db import transaction
    from lindung.enrollment.actions import do_lookup_worker
    from lindung.enrollment.queries import worker_profile

    with transaction() as session:
        principal = acting(session, as_user)
        found = do_lookup_worker(session, principal, nik.strip()[:64])
        profile = worker_profile(session, principal, found.id) if found is not None else None
    if profile is None:  # committed: the fruitless lookup stays audited
        raise CommandError("tidak ada pekerja dengan NIK itu (di wilayah kewenangan Anda)")
    w = profile.worker
    data: dict[str, Any] = {
        "nik": w.nik_masked, "name": w.name,
        "birth_date": w.birth_date.isoformat() if w.birth_date else None, "sex": w.sex,
        "village_code": w.village_code,
        "memberships": [{
            "id": m.id, "agreement": m.agreement_code, "programs": m.programs,
            "status": m.status, "kpj": m.kpj, "start_date": m.start_date.isoformat(),
            "end_date": m.end_date.isoformat() if m.end_date else None,
            "end_reason": m.end_reason, "status_reason": m.status_reason,
            "funding_source": m.funding_source_code, "occupation": m.occupation_code,
            "declared_income": m.declared_income, "wage": m.wage,
            "own_terms": [{"valid_from": t.valid_from.isoformat(),
                           "declared_income": t.declared_income, "wage": t.wage,
                           "reason": t.reason, "actor": t.actor} for t in m.own_terms],
            "history": [{"at": s.at.isoformat(), "from": s.from_status, "to": s.to_status,
                         "reason": s.reason, "actor": s.actor} for s in m.history]}
            for m in profile.memberships]}
    if as_json:
        emit_json(data)
        return
    console.print(f"{data['name']} (NIK {data['nik']})")
    table = Table(title_justify="left")
    for column in ("PKS", "Program", "Status", "KPJ", "Mulai", "Berakhir", "Sumber dana"):
        table.add_column(column)
    for m in data["memberships"]:
        table.add_row(m["agreement"], ",".join(m["programs"]).upper(), m["status"],
                      m["kpj"] or "", m["start_date"], m["end_date"] or "",
                      m["funding_source"].upper())
    console.print(table)


@workers_app.command("export")
def workers_export(
    out: Annotated[str, typer.Argument(help="berkas XLSX yang ditulis")],
    agreement: Annotated[str, typer.Option(help="kode PKS")] = "",
    status: Annotated[str, typer.Option(
        help="proposed, submitted, active, rejected (ditolak BPJS) atau ended")] = "",
    village: Annotated[str, typer.Option(help="kode desa/kelurahan, 18.72.01.1001")] = "",
    occupation: Annotated[str, typer.Option(help="kode pekerjaan")] = "",
    as_user: AsOption = None,
) -> None:
    """Daftar peserta (di wilayah kewenangan) sebagai XLSX: NIK tersamar, status dan pekerjaan
    dalam kata; dicatat di log audit."""
    from pathlib import Path

    from lindung.db import transaction
    from lindung.enrollment.corrections import do_export_members
    from lindung.enrollment.queries import MemberFilter

    wanted = MemberFilter(agreement=agreement, status=status, village=village,
                          occupation=occupation)
    with transaction() as session:
        count = do_export_members(session, acting(session, as_user), wanted, Path(out))
    console.print(f"{count} peserta ditulis ke {out}")


@workers_app.command("resubmit")
def workers_resubmit(
    ids: Annotated[list[int], typer.Argument(help="id kepesertaan yang ditolak BPJS")],
    as_user: AsOption = None,
) -> None:
    """Usulkan ulang peserta yang ditolak BPJS (semua atau tidak sama sekali)."""
    from lindung.db import transaction
    from lindung.enrollment.corrections import do_resubmit_members

    with transaction() as session:
        made = do_resubmit_members(session, acting(session, as_user), ids)
        new_ids = [m.id for m in made]
    console.print(f"{len(new_ids)} peserta diusulkan ulang: kepesertaan baru "
                  f"{', '.join(str(i) for i in new_ids)}")


@occupations_app.command("list")
def occupations_list(as_user: AsOption = None, as_json: JsonOption = False) -> None:
    """Daftar pekerjaan dengan segmen dan kelas risiko bawaannya."""
    from lindung.db import transaction
    from lindung.paging import MAX_PAGE
    from lindung.registry.queries import list_occupations

    rows: list[dict[str, Any]] = []
    with transaction() as session:
        principal = acting(session, as_user)
        for page in range(1, MAX_PAGE):
            found = list_occupations(session, principal, page=page, per_page=100)
            rows.extend({"code": o.code, "name": o.name, "group": o.group,
                         "default_segment": o.default_segment, "risk_class": o.risk_class,
                         "aliases": o.aliases} for o in found.items)
            if page >= found.pages:
                break
    if as_json:
        emit_json({"occupations": rows})
        return
    table = Table()
    for column in ("Kode", "Nama", "Kelompok", "Segmen", "Kelas risiko"):
        table.add_column(column)
    for r in rows:
        table.add_row(str(r["code"]), str(r["name"]), str(r["group"]),
                      str(r["default_segment"]), str(r["risk_class"] or ""))
    console.print(table)


@occupations_app.command("add")
def occupations_add(
    code: str,
    name: Annotated[str, typer.Option()],
    group: Annotated[str, typer.Option()],
    segment: Annotated[str, typer.Option()] = "bpu",
    risk_class: Annotated[int | None, typer.Option()] = None,
    alias: Annotated[list[str] | None, typer.Option()] = None,
    as_user: AsOption = None,
) -> None:
    """Menambah pekerjaan: sebagai sistem, ke taksonomi pusat; sebagai admin Pemda, untuk
    Pemda-nya."""
    from lindung.db import transaction
    from lindung.registry.actions import do_add_occupation

    with transaction() as session:
        do_add_occupation(session, acting(session, as_user), code=code, name=name, group=group,
                          default_segment=segment, risk_class=risk_class,
                          aliases=alias or [])
    typer.echo(f"Pekerjaan {code} ditambahkan.")


@workers_app.command("end")
def workers_end(
    membership: Annotated[int, typer.Argument(help="Nomor kepesertaan (id di `workers show`)")],
    reason: Annotated[str, typer.Option(
        help="death, agreement_end, moved, duplicate, resigned atau lapsed")],
    on: Annotated[str, typer.Option(help="Tanggal berakhir")],
    as_user: AsOption = None,
) -> None:
    """Mengakhiri kepesertaan (meninggal, pindah, ganda, ...); riwayatnya tetap tersimpan."""
    from lindung.db import transaction
    from lindung.enrollment.actions import do_end_membership

    with transaction() as session:
        do_end_membership(session, acting(session, as_user), membership, reason=reason,
                          on=parse_day(on, "on"))
    typer.echo(f"Kepesertaan {membership} berakhir {on}.")


@workers_app.command("set-terms")
def workers_set_terms(
    membership: Annotated[int, typer.Argument(help="Nomor kepesertaan (id di `workers show`)")],
    valid_from: Annotated[str, typer.Option("--from", help="Berlaku mulai tanggal")],
    reason: Annotated[str, typer.Option(help="Alasan perubahan")],
    income: Annotated[int | None, typer.Option(help="Penghasilan yang dilaporkan (BPU)")] = None,
    wage: Annotated[int | None, typer.Option(help="Upah (PU, Jakon)")] = None,
    as_user: AsOption = None,
) -> None:
    """Penghasilan atau upah seorang peserta mulai suatu tanggal (tercatat bertanggal, tidak
    menimpa yang lama)."""
    from lindung.db import transaction
    from lindung.enrollment.actions import do_set_member_terms

    with transaction() as session:
        do_set_member_terms(session, acting(session, as_user), membership,
                            valid_from=parse_day(valid_from, "from"), reason=reason,
                            declared_income=income, wage=wage)
    typer.echo(f"Ketentuan peserta {membership} mulai {valid_from} dicatat.")
