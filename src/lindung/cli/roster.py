"""``lindung roster``: import a roster into an agreement (with a dry run and a per-row
report), write the submission file for the BPJS branch, apply the branch's answer."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from lindung.cli.common import AsOption, CommandError, JsonOption, acting, emit_json, err_console
from lindung.formatting import format_number

roster_app = typer.Typer(help="Impor daftar peserta dan pertukaran data dengan BPJS.",
                         no_args_is_help=True)


class _Bar:
    """Rich progress bar fed by the import's (stage, done, total) callback."""

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
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Impor daftar peserta (CSV/XLSX) ke sebuah PKS."""
    from lindung.db import transaction
    from lindung.enrollment.actions import do_export_report, do_import_roster

    if not file.exists():
        raise CommandError(f"berkas {file} tidak ada")
    show_bar = not as_json and err_console.is_terminal
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn(
            "{task.completed}/{task.total}"), TimeElapsedColumn(), console=err_console,
            disable=not show_bar) as progress, transaction() as session:
        principal = acting(session, as_user)
        result = do_import_roster(session, principal, file, agreement, dry_run=dry_run,
                                  all_or_nothing=all_or_nothing, phase=phase,
                                  progress=_Bar(progress))
        if report is not None:
            do_export_report(session, principal, result, report)
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
    as_user: AsOption = None,
) -> None:
    """Berkas pendaftaran untuk kantor cabang BPJS; peserta menjadi 'terkirim'."""
    from lindung.db import transaction
    from lindung.enrollment.actions import do_export_submission

    with transaction() as session:
        result = do_export_submission(session, acting(session, as_user), agreement, out)
    typer.echo(f"{format_number(result.count)} peserta PKS {agreement} ditulis ke {out}.")


@roster_app.command("import-answer")
def roster_import_answer(
    file: Path,
    agreement: Annotated[str | None, typer.Option(help="Kode PKS (bila NIK ada di >1 PKS)")]
    = None,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Jawaban kantor cabang BPJS: nomor KPJ (aktif) atau penolakan dengan alasan."""
    from lindung.db import transaction
    from lindung.enrollment.actions import do_import_answer

    if not file.exists():
        raise CommandError(f"berkas {file} tidak ada")
    with transaction() as session:
        result = do_import_answer(session, acting(session, as_user), file, agreement)
    if as_json:
        emit_json(result.to_dict())
        return
    typer.echo(f"{result.rows} baris: {result.activated} aktif, {result.rejected} ditolak, "
               f"{result.unchanged} tidak berubah, {len(result.errors)} galat.")
    for e in result.errors[:20]:
        typer.echo(f"  baris {e['row']}, {e['field']}: {e['message']}")
