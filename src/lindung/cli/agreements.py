"""``lindung agreements``: record a PKS, show its terms on any day, amend it (every term), add a
phase, assign a payer to a group of members. Each command is one transaction and one action,
acting as ``--as USER`` or the installation's system principal."""

from __future__ import annotations

from datetime import date
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
from lindung.formatting import format_date_id, format_number, format_rupiah

agreements_app = typer.Typer(help="PKS (perjanjian kerja sama).", no_args_is_help=True)


def _phase(text: str) -> Any:
    from lindung.agreements.actions import PhaseTerms

    try:
        number, start, quota = text.split(":")
        return PhaseTerms(int(number), date.fromisoformat(start), int(quota))
    except ValueError as exc:
        raise CommandError(f"--phase harus berbentuk NOMOR:TANGGAL:KUOTA, mis. "
                           f"2:2023-01-01:1500, bukan {text!r}") from exc


def _programs(text: str) -> list[str]:
    return [p.strip().lower() for p in text.split(",") if p.strip()]


@agreements_app.command("create")
def agreements_create(
    code: Annotated[str, typer.Option(help="Kode PKS, mis. METRO-2022")],
    region: Annotated[str, typer.Option(help="Kode wilayah Kemendagri, mis. 18.72")],
    segment: Annotated[str, typer.Option(help="pu, bpu, jakon atau pmi")],
    programs: Annotated[str, typer.Option(help="mis. jkk,jkm")],
    funded_by: Annotated[str, typer.Option(help="apbd, apbdes, dbhcht, apbn, csr, self")],
    start: Annotated[str, typer.Option(help="Tanggal mulai, mis. 2022-07-01")],
    end: Annotated[str, typer.Option(help="Tanggal akhir")],
    quota: Annotated[int, typer.Option(help="Kuota peserta")],
    income: Annotated[int | None, typer.Option(help="Penghasilan BPU (Rp)")] = None,
    wage: Annotated[int | None, typer.Option(help="Upah PU (Rp)")] = None,
    risk_class: Annotated[int | None, typer.Option(help="Kelas risiko JKK (PU)")] = None,
    contract_months: Annotated[int | None, typer.Option(help="Lama kontrak PMI (bulan)")]
    = None,
    number: Annotated[str | None, typer.Option(help="Nomor PKS")] = None,
    title: Annotated[str | None, typer.Option(help="Judul PKS")] = None,
    budget: Annotated[int | None, typer.Option(help="Pagu anggaran (Rp)")] = None,
    payer: Annotated[str | None, typer.Option(
        help="Kode organisasi pembayar; self: pekerja sendiri; bawaan: Pemda")] = None,
    pemda: Annotated[str | None, typer.Option(help="Kode Pemda (bila bertindak sebagai sistem)")]
    = None,
    branch: Annotated[str | None, typer.Option(help="Kode kantor cabang BPJS")] = None,
    phase: Annotated[list[str] | None, typer.Option(
        help="Tahap NOMOR:TANGGAL:KUOTA (boleh berulang)")] = None,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Mencatat PKS baru; ketentuannya diperiksa terhadap aturan iuran."""
    from lindung.agreements.actions import do_create_agreement
    from lindung.db import transaction
    from lindung.enrollment.queries import quota_usage

    if income is not None and wage is not None:
        raise CommandError("isi --income (BPU) atau --wage (PU), bukan keduanya")
    with transaction() as session:
        principal = acting(session, as_user)
        agreement = do_create_agreement(
            session, principal, code=code, region_code=region, segment=segment,
            programs=_programs(programs), funded_by=funded_by, start=parse_day(start, "start"),
            end=parse_day(end, "end"), quota=quota, declared_income=income, wage=wage,
            risk_class=risk_class, contract_months=contract_months, number=number,
            title=title, budget_ceiling=budget, payer_code=payer, pemda_code=pemda,
            branch_code=branch, phases=[_phase(p) for p in phase or []])
        terms = agreement.periods[0]
        data = {"code": agreement.code, "segment": agreement.segment,
                "programs": terms.program_list, "funded_by": terms.funding_source_code,
                "region": agreement.region_code, "start": terms.start_date.isoformat(),
                "end": terms.end_date.isoformat(),
                **quota_usage(session, agreement, terms.quota)}
    if as_json:
        emit_json(data)
    else:
        typer.echo(f"PKS {code} dicatat: {segment.upper()} {programs.upper()}, "
                   f"{funded_by.upper()}, {format_date_id(parse_day(start, 'start'))} s.d. "
                   f"{format_date_id(parse_day(end, 'end'))}, kuota {format_number(quota)}.")


@agreements_app.command("show")
def agreements_show(
    code: str,
    on: Annotated[str | None, typer.Option(help="Ketentuan yang berlaku pada tanggal ini "
                                                "(bawaan: hari ini)")] = None,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Ketentuan PKS yang berlaku pada suatu hari, dengan riwayat ketentuan dan kuota."""
    from lindung import clock
    from lindung.agreements.queries import agreement_for, organisation_codes, terms_periods
    from lindung.agreements.terms import agreement_terms_on, terms_view
    from lindung.db import transaction
    from lindung.enrollment.queries import quota_usage

    day = parse_day(on, "on") if on else clock.today()
    with transaction() as session:
        principal = acting(session, as_user)
        agreement = agreement_for(session, principal, code)
        terms = agreement_terms_on(agreement, day)
        periods = terms_periods(agreement)
        codes = organisation_codes(session, {p.payer_id for p in periods})
        view = terms_view(agreement, terms, codes.get(terms.payer_id) if terms.payer_id
                          else None)
        history = [terms_view(agreement, p, codes.get(p.payer_id) if p.payer_id else None)
                   for p in periods]
        usage = quota_usage(session, agreement, terms.quota)
    if as_json:
        emit_json(view.to_dict(day))
        return
    table = Table(title=f"PKS {code} pada {format_date_id(day)}", title_justify="left",
                  show_header=False)
    for key, value in view.terms.items():
        shown = (format_rupiah(value) if key in ("income", "wage", "budget") and value
                 else ", ".join(value).upper() if isinstance(value, list)
                 else format_date_id(value) if isinstance(value, date) else value)
        table.add_row(key, "" if shown is None else str(shown))
    table.add_row("kuota terpakai", f"{format_number(usage['used'])} / "
                                    f"{format_number(usage['quota'])}")
    console.print(table)
    periods_table = Table(title="Riwayat ketentuan", title_justify="left")
    for column in ("Berlaku", "Program", "Kuota", "Pagu", "Masa PKS"):
        periods_table.add_column(column)
    for period in history:
        until = format_date_id(period.valid_to) if period.valid_to else "seterusnya"
        periods_table.add_row(f"{format_date_id(period.valid_from)} – {until}",
                              ",".join(period.terms["programs"]).upper(),
                              format_number(period.terms["quota"]),
                              format_rupiah(period.terms["budget"])
                              if period.terms["budget"] is not None else "–",
                              f"{format_date_id(period.terms['start'])} – "
                              f"{format_date_id(period.terms['end'])}")
    console.print(periods_table)


@agreements_app.command("amend")
def agreements_amend(
    code: str,
    reason: Annotated[str, typer.Option(help="Alasan addendum")],
    effective: Annotated[str, typer.Option(help="Tanggal berlaku addendum")],
    segment: Annotated[str | None, typer.Option(help="Segmen (tidak dapat diubah)")] = None,
    programs: Annotated[str | None, typer.Option(help="mis. jkk,jkm,jht")] = None,
    funded_by: Annotated[str | None, typer.Option()] = None,
    income: Annotated[int | None, typer.Option()] = None,
    wage: Annotated[int | None, typer.Option()] = None,
    risk_class: Annotated[int | None, typer.Option()] = None,
    contract_months: Annotated[int | None, typer.Option()] = None,
    quota: Annotated[int | None, typer.Option()] = None,
    budget: Annotated[int | None, typer.Option()] = None,
    payer: Annotated[str | None, typer.Option(help="Kode organisasi, atau self")] = None,
    start: Annotated[str | None, typer.Option()] = None,
    end: Annotated[str | None, typer.Option()] = None,
    number: Annotated[str | None, typer.Option()] = None,
    title: Annotated[str | None, typer.Option()] = None,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Addendum: ketentuan baru mulai tanggal berlakunya; ketentuan lama tetap tersimpan."""
    from lindung.agreements.actions import do_amend_agreement
    from lindung.db import transaction
    from lindung.enrollment.queries import open_members

    if segment is not None:
        raise CommandError("segmen tidak dapat diubah dengan addendum; buat PKS baru")
    given: dict[str, Any] = {
        "programs": _programs(programs) if programs is not None else None,
        "funded_by": funded_by, "income": income, "wage": wage, "risk_class": risk_class,
        "contract_months": contract_months, "quota": quota, "budget": budget, "payer": payer,
        "start": parse_day(start, "start") if start else None,
        "end": parse_day(end, "end") if end else None, "number": number, "title": title}
    changes = {k: v for k, v in given.items() if v is not None}
    if not changes:
        raise CommandError("tidak ada yang diubah: isi paling sedikit satu ketentuan, mis. "
                           "--quota, --end, --budget, --programs, --payer")
    with transaction() as session:
        amendment = do_amend_agreement(session, acting(session, as_user), code, changes,
                                       effective=parse_day(effective, "effective"),
                                       reason=reason, members=open_members)
        done = {"code": code, "amendment": amendment.number,
                "effective": amendment.effective_date.isoformat(),
                "changes": amendment.changes}
    if as_json:
        emit_json(done)
        return
    typer.echo(f"Addendum {amendment.number} PKS {code}, berlaku "
               f"{format_date_id(amendment.effective_date)}:")
    for name, (before, after) in amendment.changes.items():
        typer.echo(f"  {name}: {before} -> {after}")


@agreements_app.command("assign-payer")
def agreements_assign_payer(
    code: str,
    funded_by: Annotated[str, typer.Option(help="Sumber dana")],
    effective: Annotated[str, typer.Option(help="Tanggal berlaku")],
    payer: Annotated[str | None, typer.Option(help="Kode organisasi pembayar, atau self")]
    = None,
    phase: Annotated[int | None, typer.Option(help="Tahap yang dibayar")] = None,
    group: Annotated[str | None, typer.Option(
        help="Kode organisasi yang pesertanya dibayar (OPD, loket)")] = None,
    as_user: AsOption = None,
) -> None:
    """Pembayar untuk sekelompok peserta (satu tahap, satu OPD, atau yang mendaftar di loket)."""
    from lindung.agreements.actions import do_assign_payer
    from lindung.db import transaction

    with transaction() as session:
        do_assign_payer(session, acting(session, as_user), code, payer_code=payer,
                        funded_by=funded_by, effective=parse_day(effective, "effective"),
                        phase_number=phase, group_code=group)
    typer.echo(f"Pembayar PKS {code} untuk kelompok "
               f"{group or ''}{' tahap ' + str(phase) if phase else ''} dicatat.")


@agreements_app.command("add-phase")
def agreements_add_phase(
    code: str,
    number: Annotated[int, typer.Option(help="Nomor tahap (1, 2, ...)")],
    start: Annotated[str, typer.Option(help="Tanggal mulai tahap")],
    quota: Annotated[int, typer.Option(help="Kuota peserta tahap ini")],
    as_user: AsOption = None,
) -> None:
    """Menambah tahap (mis. tahap 2 setelah APBD Perubahan) dalam kuota dan masa PKS."""
    from lindung.agreements.actions import PhaseTerms, do_add_phase
    from lindung.db import transaction

    with transaction() as session:
        do_add_phase(session, acting(session, as_user), code,
                     PhaseTerms(number=number, start_date=parse_day(start, "start"),
                                quota=quota))
    typer.echo(f"Tahap {number} PKS {code} dicatat.")
