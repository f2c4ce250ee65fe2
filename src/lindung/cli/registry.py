"""``lindung db``, ``agreements``, ``roster``, ``workers`` and ``occupations`` commands.

Each command opens one transaction: what it changes lands whole, with its audit event, or not
at all. The actor recorded in the audit log is ``--actor`` or ``cli:<login name>``.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from lindung.cli.common import (
    ActorOption,
    CommandError,
    JsonOption,
    actor_name,
    console,
    emit_json,
    err_console,
    parse_day,
)
from lindung.formatting import format_date_id, format_number

db_app = typer.Typer(help="Basis data: migrasi.", no_args_is_help=True)
agreements_app = typer.Typer(help="PKS (perjanjian kerja sama).", no_args_is_help=True)
roster_app = typer.Typer(help="Impor daftar peserta dan pertukaran data dengan BPJS.",
                         no_args_is_help=True)
workers_app = typer.Typer(help="Pekerja (satu orang per NIK).", no_args_is_help=True)
occupations_app = typer.Typer(help="Taksonomi pekerjaan.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Migrasi basis data ke versi terbaru (SQLite di var/ atau LINDUNG_DATABASE_URL)."""
    from lindung.db import get_engine
    from lindung.migrate import current_revision, upgrade

    engine = get_engine()
    upgrade(engine)
    typer.echo(f"Basis data {engine.url.render_as_string(hide_password=True)} pada revisi "
               f"{current_revision(engine)}.")


def _phase(text: str) -> Any:
    from lindung.agreements.service import PhaseTerms

    try:
        number, start, quota = text.split(":")
        return PhaseTerms(int(number), date.fromisoformat(start), int(quota))
    except ValueError as exc:
        raise CommandError(f"--phase harus berbentuk NOMOR:TANGGAL:KUOTA, mis. "
                           f"2:2023-01-01:1500, bukan {text!r}") from exc


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
    number: Annotated[str | None, typer.Option(help="Nomor PKS")] = None,
    title: Annotated[str | None, typer.Option(help="Judul PKS")] = None,
    budget: Annotated[int | None, typer.Option(help="Pagu anggaran (Rp)")] = None,
    phase: Annotated[list[str] | None, typer.Option(
        help="Tahap NOMOR:TANGGAL:KUOTA (boleh berulang)")] = None,
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Mencatat PKS baru; ketentuannya diperiksa terhadap aturan iuran."""
    from lindung.agreements.service import create_agreement, quota_usage
    from lindung.db import transaction

    if income is not None and wage is not None:
        raise CommandError("isi --income (BPU) atau --wage (PU), bukan keduanya")
    with transaction() as session:
        agreement = create_agreement(
            session, code=code, region_code=region, segment=segment,
            programs=[p.strip().lower() for p in programs.split(",") if p.strip()],
            funded_by=funded_by, start=parse_day(start, "start"), end=parse_day(end, "end"),
            quota=quota, declared_income=income, wage=wage, risk_class=risk_class,
            number=number, title=title, budget_ceiling=budget,
            phases=[_phase(p) for p in phase or []], actor=actor_name(actor))
        data = {"code": agreement.code, "segment": agreement.segment,
                "programs": agreement.program_list, "funded_by": agreement.funding_source_code,
                "region": agreement.region_code, "start": agreement.start_date.isoformat(),
                "end": agreement.end_date.isoformat(), **quota_usage(session, agreement)}
    if as_json:
        emit_json(data)
    else:
        typer.echo(f"PKS {code} dicatat: {segment.upper()} {programs.upper()}, "
                   f"{funded_by.upper()}, {format_date_id(parse_day(start, 'start'))} s.d. "
                   f"{format_date_id(parse_day(end, 'end'))}, kuota {format_number(quota)}.")


@agreements_app.command("show")
def agreements_show(code: str, as_json: JsonOption = False) -> None:
    """PKS dengan tahap, addendum dan pemakaian kuota."""
    from lindung.agreements.service import get_agreement, quota_usage
    from lindung.db import transaction

    with transaction() as session:
        agreement = get_agreement(session, code)
        data = {"code": agreement.code, "number": agreement.number, "title": agreement.title,
                "segment": agreement.segment, "programs": agreement.program_list,
                "funded_by": agreement.funding_source_code, "region": agreement.region_code,
                "start": agreement.start_date.isoformat(), "end": agreement.end_date.isoformat(),
                "declared_income": agreement.declared_income, "wage": agreement.wage,
                "risk_class": agreement.risk_class, "budget_ceiling": agreement.budget_ceiling,
                "amendments": [{"number": a.number, "effective": a.effective_date.isoformat(),
                                "reason": a.reason, "changes": a.changes}
                               for a in agreement.amendments],
                **quota_usage(session, agreement)}
    if as_json:
        emit_json(data)
        return
    table = Table(title=f"PKS {code}", title_justify="left", show_header=False)
    for key, value in data.items():
        table.add_row(key, json.dumps(value, ensure_ascii=False, default=str)
                      if isinstance(value, list | dict) else str(value))
    console.print(table)


@agreements_app.command("amend")
def agreements_amend(
    code: str,
    reason: Annotated[str, typer.Option(help="Alasan addendum")],
    effective: Annotated[str, typer.Option(help="Tanggal berlaku addendum")],
    quota: Annotated[int | None, typer.Option()] = None,
    end: Annotated[str | None, typer.Option()] = None,
    budget: Annotated[int | None, typer.Option()] = None,
    programs: Annotated[str | None, typer.Option()] = None,
    actor: ActorOption = None,
) -> None:
    """Addendum: mengubah ketentuan PKS, riwayat sebelum/sesudah disimpan."""
    from lindung.agreements.service import amend_agreement
    from lindung.db import transaction

    changes: dict[str, Any] = {}
    if quota is not None:
        changes["quota"] = quota
    if end is not None:
        changes["end_date"] = parse_day(end, "end")
    if budget is not None:
        changes["budget_ceiling"] = budget
    if programs is not None:
        changes["programs"] = programs.lower().replace(" ", "")
    if not changes:
        raise CommandError("tidak ada yang diubah: isi --quota, --end, --budget atau --programs")
    with transaction() as session:
        amendment = amend_agreement(session, code, changes, effective=parse_day(effective,
                                                                            "effective"),
                                    reason=reason, actor=actor_name(actor))
        typer.echo(f"Addendum {amendment.number} PKS {code}: {amendment.changes}")


class _Bar:
    """Rich progress bar fed by the import service's (stage, done, total) callback."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.tasks: dict[str, TaskID] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage not in self.tasks:
            self.tasks[stage] = self.progress.add_task(stage, total=max(total, 1))
        self.progress.update(self.tasks[stage], completed=done, total=max(total, 1))


@roster_app.command("import")
def roster_import(
    file: Path,
    agreement: Annotated[str, typer.Option(help="Kode PKS")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Periksa saja, jangan simpan")]
    = False,
    all_or_nothing: Annotated[bool, typer.Option(
        "--all-or-nothing", help="Simpan semua baris atau tidak sama sekali")] = False,
    report: Annotated[Path | None, typer.Option(help="Tulis laporan per baris ke XLSX")] = None,
    phase: Annotated[int | None, typer.Option(help="Tahap PKS")] = None,
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Impor daftar peserta (CSV/XLSX) ke sebuah PKS."""
    from lindung.db import transaction
    from lindung.enrollment.report import write_report
    from lindung.enrollment.service import import_roster

    if not file.exists():
        raise CommandError(f"berkas {file} tidak ada")
    show_bar = not as_json and err_console.is_terminal
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn(
            "{task.completed}/{task.total}"), TimeElapsedColumn(), console=err_console,
            disable=not show_bar) as progress, transaction() as session:
        result = import_roster(session, file, agreement, actor=actor_name(actor), dry_run=dry_run,
                               all_or_nothing=all_or_nothing, phase=phase,
                               progress=_Bar(progress))
    if report is not None:
        write_report(result, report)
    data = result.to_dict()
    if as_json:
        emit_json(data)
        return
    verb = "akan diterima" if dry_run else "diterima"
    typer.echo(f"{file.name}: {format_number(result.rows)} baris, {format_number(result.accepted)}"
               f" {verb}, {format_number(result.unchanged)} sudah terdaftar, "
               f"{format_number(result.rejected)} ditolak, {format_number(result.warnings)} "
               "peringatan.")
    errors = data["errors"]
    for e in errors[:20]:
        typer.echo(f"  baris {e['row']}, {e['field']}: {e['message']} ({e['what_to_do']})")
    if len(errors) > 20:
        typer.echo(f"  ... dan {len(errors) - 20} lagi (lihat --report)")
    for note in result.notes:
        typer.echo(note)


@roster_app.command("export-submission")
def roster_export_submission(
    out: Path,
    agreement: Annotated[str, typer.Option(help="Kode PKS")],
    actor: ActorOption = None,
) -> None:
    """Berkas pendaftaran untuk kantor cabang BPJS; peserta menjadi 'terkirim'."""
    from lindung.db import transaction
    from lindung.enrollment.exchange import export_submission

    with transaction() as session:
        result = export_submission(session, agreement, out, actor=actor_name(actor))
    typer.echo(f"{format_number(result.count)} peserta PKS {agreement} ditulis ke {out}.")


@roster_app.command("import-answer")
def roster_import_answer(
    file: Path,
    agreement: Annotated[str | None, typer.Option(help="Kode PKS (bila NIK ada di >1 PKS)")]
    = None,
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Jawaban kantor cabang BPJS: nomor KPJ (aktif) atau penolakan dengan alasan."""
    from lindung.db import transaction
    from lindung.enrollment.exchange import import_answer

    if not file.exists():
        raise CommandError(f"berkas {file} tidak ada")
    with transaction() as session:
        result = import_answer(session, file, actor=actor_name(actor), agreement_code=agreement)
    if as_json:
        emit_json(result.to_dict())
        return
    typer.echo(f"{result.rows} baris: {result.activated} aktif, {result.rejected} ditolak, "
               f"{result.unchanged} tidak berubah, {len(result.errors)} galat.")
    for e in result.errors[:20]:
        typer.echo(f"  baris {e['row']}, {e['field']}: {e['message']}")


@workers_app.command("show")
def workers_show(
    nik: Annotated[str, typer.Option(help="NIK (16 digit)")],
    as_json: JsonOption = False,
) -> None:
    """Kepesertaan seorang pekerja dan riwayatnya (NIK ditampilkan tersamar)."""
    from lindung.db import transaction
    from lindung.registry.service import worker_profile

    with transaction() as session:
        profile = worker_profile(session, nik)
    if as_json:
        emit_json(profile)
        return
    console.print(f"{profile['name']} (NIK {profile['nik']})")
    table = Table(title_justify="left")
    for column in ("PKS", "Program", "Status", "KPJ", "Mulai", "Berakhir", "Sumber dana"):
        table.add_column(column)
    for m in profile["memberships"]:
        table.add_row(m["agreement"], ",".join(m["programs"]).upper(), m["status"],
                      m["kpj"] or "", m["start_date"], m["end_date"] or "",
                      m["funding_source"].upper())
    console.print(table)


@occupations_app.command("list")
def occupations_list(as_json: JsonOption = False) -> None:
    """Daftar pekerjaan dengan segmen dan kelas risiko bawaannya."""
    from sqlalchemy import select

    from lindung.db import transaction
    from lindung.registry.models import Occupation

    with transaction() as session:
        rows = [{"code": o.code, "name": o.name, "group": o.group,
                 "default_segment": o.default_segment, "risk_class": o.risk_class,
                 "aliases": o.aliases} for o in session.scalars(
                     select(Occupation).order_by(Occupation.group, Occupation.code))]
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
    actor: ActorOption = None,
) -> None:
    """Menambah pekerjaan (admin)."""
    from lindung.db import transaction
    from lindung.registry.service import add_occupation

    with transaction() as session:
        add_occupation(session, code=code, name=name, group=group, default_segment=segment,
                       risk_class=risk_class, aliases=alias or [], actor=actor_name(actor))
    typer.echo(f"Pekerjaan {code} ditambahkan.")


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
    app.add_typer(agreements_app, name="agreements")
    app.add_typer(roster_app, name="roster")
    app.add_typer(workers_app, name="workers")
    app.add_typer(occupations_app, name="occupations")

