"""``lindung rules``: contributions and benefits as the law computes them, the parameters in
force on a day, and the check of the parameter files."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from lindung.cli.common import CommandError, JsonOption, console, emit_json
from lindung.formatting import AMOUNT_LABELS, format_date_id, format_rupiah, terbilang_rupiah
from lindung.rules import benefits as benefit_rules
from lindung.rules.benefits.arrears import Segment, check_segment
from lindung.rules.contributions import InvalidContribution, contribution
from lindung.rules.dates import InvalidDateError, parse_date, parse_month
from lindung.rules.params import (
    PARAMETERS_DIR,
    ParameterFileError,
    load_parameters,
    load_parameters_from,
)
from lindung.rules.trace import TraceEntry, describe_value

rules_app = typer.Typer(help="Aturan iuran dan manfaat (the law as code).", no_args_is_help=True)
benefit_app = typer.Typer(help="Manfaat per kasus, pada tanggal kejadian.", no_args_is_help=True)
rules_app.add_typer(benefit_app, name="benefit")


def _fail(message: str) -> None:
    raise CommandError(message)


def _trace_table(trace: Sequence[TraceEntry]) -> Table:
    table = Table(title="Dasar hukum (trace)", title_justify="left")
    for column in ("Baris", "Parameter", "Nilai", "Berlaku", "Dasar hukum", "Keyakinan"):
        table.add_column(column)
    for t in trace:
        confidence = t.confidence.upper() if t.confidence == "unconfirmed" else t.confidence
        table.add_row(t.line, t.parameter, t.value, t.period, t.basis, confidence)
    return table


def _print_warnings(warnings: Sequence[str]) -> None:
    for w in warnings:
        console.print(f"[yellow]Peringatan:[/yellow] {w}")


def _parse_programs(value: str | None) -> str | None:
    return value.replace(" ", "") if value else None


@rules_app.command("contribution")
def contribution_command(
    segment: Annotated[str, typer.Option(help="pu, bpu, jakon atau pmi")],
    month: Annotated[str, typer.Option(help="Bulan iuran, mis. 2024-06")],
    wage: Annotated[int | None, typer.Option(help="Upah sebulan (Rp)")] = None,
    risk_class: Annotated[int | None, typer.Option(help="Kelas risiko JKK 1-5 (PU)")] = None,
    income: Annotated[int | None, typer.Option(help="Penghasilan yang dilaporkan (BPU)")] = None,
    programs: Annotated[str | None, typer.Option(help="mis. jkk,jkm,jht")] = None,
    occupation: Annotated[str | None, typer.Option(help="Kelompok pekerjaan, mis. transport")]
    = None,
    funded_by: Annotated[str | None, typer.Option(
        help="self, apbn, apbd, apbdes, dbhcht, csr")] = None,
    contract_value: Annotated[int | None, typer.Option(help="Nilai kontrak (Jakon)")] = None,
    contract_months: Annotated[int | None, typer.Option(help="Lama kontrak (PMI)")] = None,
    industry: Annotated[str | None, typer.Option(help="Industri (diskon padat karya)")] = None,
    workers_in_company: Annotated[int | None, typer.Option(help="Jumlah pekerja perusahaan")]
    = None,
    as_json: Annotated[bool, typer.Option("--json", help="Keluaran JSON")] = False,
) -> None:
    """Iuran satu peserta untuk satu bulan iuran."""
    try:
        first = parse_month(month)
        result = contribution(
            segment, first, wage=wage, risk_class=risk_class, declared_income=income,
            programs=_parse_programs(programs), occupation=occupation, funded_by=funded_by,
            contract_value=contract_value, contract_months=contract_months, industry=industry,
            workers_in_company=workers_in_company,
        )
    except InvalidDateError as exc:
        _fail(str(exc))
        return
    except InvalidContribution as exc:
        _fail("; ".join(e.message_id for e in exc.errors))
        return
    if as_json:
        emit_json(result.to_dict())
        return
    table = Table(title=f"Iuran {segment.upper()} bulan {format_date_id(first)[2:]}",
                  title_justify="left")
    table.add_column("Program")
    table.add_column("Jumlah", justify="right")
    for line, amount in result.amounts.items():
        table.add_row(AMOUNT_LABELS.get(line, line), format_rupiah(amount))
    table.add_row("[bold]Total ditagihkan[/bold]", f"[bold]{format_rupiah(result.total)}[/bold]")
    if result.employer_total is not None and result.worker_total is not None:
        table.add_row("  dibayar pemberi kerja", format_rupiah(result.employer_total))
        table.add_row("  dibayar pekerja", format_rupiah(result.worker_total))
    for line, amount in result.government.items():
        table.add_row(AMOUNT_LABELS.get(line, line), format_rupiah(amount))
    console.print(table)
    console.print(f"Terbilang: {terbilang_rupiah(result.total)}")
    console.print(_trace_table(result.trace))
    _print_warnings(result.warnings)


def _print_benefit(result: benefit_rules.BenefitResult, as_json: bool) -> None:
    data = result.to_dict()
    if as_json:
        emit_json(data)
        return
    event = date.fromisoformat(data["event_date"])
    table = Table(title=f"Manfaat {data['benefit'].upper()}, kejadian {format_date_id(event)}",
                  title_justify="left")
    table.add_column("Komponen")
    table.add_column("Jumlah", justify="right")
    for key, amount in data["amounts"].items():
        label = AMOUNT_LABELS.get(key, key)
        if isinstance(amount, list):
            for i, month_amount in enumerate(amount, start=1):
                table.add_row(f"{label} bulan ke-{i}", format_rupiah(int(month_amount)))
        elif isinstance(amount, int):
            table.add_row(label, format_rupiah(amount))
    table.add_row("[bold]Total[/bold]", f"[bold]{format_rupiah(int(data['total']))}[/bold]")
    console.print(table)
    console.print(f"Terbilang: {terbilang_rupiah(int(data['total']))}")
    console.print(f"Berhak: {'ya' if data['eligible'] else 'tidak'}")
    for reason in data.get("reasons", []):
        console.print(f"  - {reason}")
    scholarship = data.get("scholarship")
    if scholarship:
        console.print(
            f"Beasiswa: {'berhak' if scholarship.get('eligible') else 'tidak berhak'}"
            + (f", paling banyak {format_rupiah(int(scholarship['cap']))}"
               if scholarship.get("cap") else "")
        )
    console.print(_trace_table(result.trace))
    _print_warnings(result.warnings)


def _run_benefit(compute: Callable[[], benefit_rules.BenefitResult], as_json: bool) -> None:
    try:
        result = compute()
    except (InvalidDateError, benefit_rules.BenefitError) as exc:
        _fail(str(exc))
        return
    _print_benefit(result, as_json)


SegmentOption = Annotated[str, typer.Option(help="Segmen peserta: pu, bpu, jakon atau pmi")]
MembershipStartOption = Annotated[str | None, typer.Option(
    help="Tanggal mulai kepesertaan, mis. 2025-08-10")]
ArrearsOption = Annotated[int, typer.Option(
    help="Tunggakan iuran (bulan) pada tanggal peristiwa")]


def _segment(value: str) -> Segment:
    """The segment named on the command line, or a one-line refusal."""
    return check_segment(value)


@benefit_app.command("jkm")
def benefit_jkm(
    death_date: Annotated[str, typer.Option(help="Tanggal meninggal, mis. 2024-05-01")],
    contribution_months: Annotated[int, typer.Option(help="Masa iur (bulan)")],
    segment: SegmentOption = "pu",
    membership_start: MembershipStartOption = None,
    arrears_months: ArrearsOption = 0,
    as_json: JsonOption = False,
) -> None:
    """Jaminan Kematian (meninggal bukan karena kecelakaan kerja)."""
    _run_benefit(lambda: benefit_rules.jkm(
        death_date=parse_date(death_date), contribution_months=contribution_months,
        segment=_segment(segment), arrears_months=arrears_months,
        membership_start=None if membership_start is None else parse_date(membership_start)),
        as_json)


@benefit_app.command("jkk-death")
def benefit_jkk_death(
    accident_date: Annotated[str, typer.Option(help="Tanggal kecelakaan kerja")],
    wage: Annotated[int, typer.Option(help="Upah sebulan (BPU: penghasilan dilaporkan)")],
    segment: SegmentOption = "pu",
    membership_start: MembershipStartOption = None,
    arrears_months: ArrearsOption = 0,
    as_json: JsonOption = False,
) -> None:
    """Santunan kematian akibat kecelakaan kerja (48 × upah, pemakaman, berkala, beasiswa)."""
    _run_benefit(lambda: benefit_rules.jkk_death(
        accident_date=parse_date(accident_date), wage=wage, segment=_segment(segment),
        arrears_months=arrears_months,
        membership_start=None if membership_start is None else parse_date(membership_start)),
        as_json)


@benefit_app.command("jkp")
def benefit_jkp(
    dismissal_date: Annotated[str, typer.Option(help="Tanggal PHK")],
    wage: Annotated[int, typer.Option(help="Upah terakhir yang dilaporkan")],
    contribution_months: Annotated[int, typer.Option(help="Masa iur (bulan)")],
    paid_last_24: Annotated[int | None, typer.Option(
        help="Bulan iur dalam 24 bulan terakhir")] = None,
    consecutive: Annotated[int | None, typer.Option(help="Bulan iur berturut-turut")] = None,
    as_json: JsonOption = False,
) -> None:
    """Jaminan Kehilangan Pekerjaan."""
    _run_benefit(lambda: benefit_rules.jkp(
        dismissal_date=parse_date(dismissal_date), wage=wage,
        contribution_months=contribution_months, paid_months_last_24=paid_last_24,
        consecutive_months=consecutive), as_json)


@rules_app.command("params")
def params_command(
    on: Annotated[str, typer.Option(help="Tanggal, mis. 2024-06-01")],
    as_json: JsonOption = False,
) -> None:
    """Setiap nilai parameter yang berlaku pada tanggal itu, dengan dasar hukum dan keyakinan."""
    try:
        day = parse_date(on)
    except InvalidDateError as exc:
        _fail(str(exc))
        return
    values = load_parameters().in_force_on(day)
    if as_json:
        emit_json({"on": day.isoformat(), "parameters": [
            {"name": v.name, "value": describe_value(v), "unit": v.unit, "period": v.period,
             "basis": v.basis, "confidence": v.confidence, "file": v.file,
             "last_reviewed": v.last_reviewed.isoformat(), "note": v.note} for v in values]})
        return
    table = Table(title=f"Parameter yang berlaku pada {format_date_id(day)}",
                  title_justify="left")
    for column in ("Parameter", "Nilai", "Berlaku", "Dasar hukum", "Keyakinan"):
        table.add_column(column, overflow="fold")
    for v in values:
        confidence = v.confidence.upper() if v.confidence == "unconfirmed" else v.confidence
        table.add_row(v.name, describe_value(v), v.period, v.basis, confidence)
    console.print(table)
    console.print(f"{len(values)} nilai berlaku.")


@rules_app.command("check")
def check_command(
    directory: Annotated[Path | None, typer.Option(help="Folder parameter lain")] = None,
) -> None:
    """Memeriksa semua berkas parameter; keluar dengan status 1 bila ada yang salah."""
    try:
        params = load_parameters_from(directory or PARAMETERS_DIR)
    except ParameterFileError as exc:
        typer.echo(f"lindung: parameter tidak valid: {exc}", err=True)
        raise typer.Exit(1) from exc
    counts: dict[str, int] = {}
    values = [v for p in params for v in p.values]
    for v in values:
        counts[v.confidence] = counts.get(v.confidence, 0) + 1
    summary = ", ".join(f"{k} {n}" for k, n in sorted(counts.items()))
    typer.echo(f"OK: {len(params.parameters)} parameter, {len(values)} nilai ({summary}).")
    for v in values:
        if v.confidence == "unconfirmed":
            typer.echo(f"  UNCONFIRMED {v.name} [{v.period}] {describe_value(v)}: {v.basis}")
