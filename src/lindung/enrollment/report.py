"""The import report: what an import did (or a dry run would do), row by row, and the same as
a spreadsheet an operator can work through."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from lindung.agreements.queries import agreement_in_scope
from lindung.principal import Principal
from lindung.registry.models import Occupation, occupation_in_reach
from lindung.registry.regions import villages_in
from lindung.spreadsheets import workbook, write_cell, write_row

PROBLEM_SCHEMA = {"row": pl.Int64, "field": pl.String, "value": pl.String, "message": pl.String,
                  "what_to_do": pl.String, "severity": pl.String}


@dataclass
class ImportReport:
    """What an import did or, for a dry run, would do. ``problems`` has one line per row and
    field: the spreadsheet row a person sees (header = row 1), the value and what to do."""

    file_name: str
    agreement: str
    rows: int
    accepted: int
    unchanged: int
    rejected: int
    problems: pl.DataFrame
    dry_run: bool
    committed: bool
    import_id: int | None = None
    notes: list[str] = field(default_factory=list)
    start_date: date | None = None
    """The day new members are covered from (the later of the phase start and the day
    proposed, unless the agreement says from the phase)."""
    rejected_rows: pl.DataFrame | None = None
    """The refused rows as the file had them (``row`` and the file's own headers), for the
    sheet the operator fixes and uploads again."""

    @property
    def warnings(self) -> int:
        return int((self.problems["severity"] == "warning").sum())

    def to_dict(self) -> dict[str, Any]:
        errors = self.problems.filter(pl.col("severity") == "error")
        warnings = self.problems.filter(pl.col("severity") == "warning")
        return {
            "rows": self.rows, "accepted": self.accepted, "rejected": self.rejected,
            "unchanged": self.unchanged, "warnings": self.warnings,
            "dry_run": self.dry_run, "committed": self.committed,
            "errors": [{"row": r["row"], "field": r["field"], "value": r["value"],
                        "message": r["message"], "what_to_do": r["what_to_do"]}
                       for r in errors.iter_rows(named=True)],
            "warning_details": [{"row": r["row"], "field": r["field"], "value": r["value"],
                                 "message": r["message"]} for r in warnings.iter_rows(named=True)],
            "notes": self.notes,
            "start_date": self.start_date.isoformat() if self.start_date else None,
        }


def problems_frame(rows: Iterable[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=PROBLEM_SCHEMA)


def problem(row: int, field_name: str, value: Any, message: str, what_to_do: str,
             severity: str = "error") -> dict[str, Any]:
    return {"row": row, "field": field_name, "value": None if value is None else str(value),
            "message": message, "what_to_do": what_to_do, "severity": severity}



REASON_HEADER = "Alasan ditolak"


def rejected_rows(frame: pl.DataFrame, columns: Mapping[str, str], rows: pl.Series,
                  problems: pl.DataFrame) -> pl.DataFrame:
    """The refused ``rows`` of a roster ``frame`` under the file's own headers (``columns``:
    field -> header), with ``row`` first and the reasons (every error of the row) last."""
    reasons = (problems.filter(pl.col("severity") == "error")
               .group_by("row", maintain_order=True)
               .agg(pl.col("message").drop_nulls().str.join("; ").alias(REASON_HEADER)))
    taken = frame.filter(pl.col("row").is_in(rows.implode())).rename(
        {f: h for f, h in columns.items() if f in frame.columns and h not in frame.columns})
    return taken.join(reasons, on="row", how="left").sort("row")


REJECTED_SHEET = "Baris ditolak"
ORIGINAL_ROW_HEADER = "Baris asal"


def _write_rejected(sheet: Any, rows: pl.DataFrame, bold: Any, text: Any) -> None:
    columns = [c for c in rows.columns if c != "row"]
    write_row(sheet, 0, [*columns, ORIGINAL_ROW_HEADER], text_format=bold)
    for i, values in enumerate(rows.select(*columns, "row").iter_rows(), start=1):
        for j, value in enumerate(values[:-1]):
            # as text, whatever it looks like: a NIK keeps its digits, "=..." stays text
            sheet.write_string(i, j, "" if value is None else str(value), text)
        sheet.write_number(i, len(columns), values[-1])
    for j, name in enumerate(columns):
        sheet.set_column(j, j, 60 if name == REASON_HEADER else 18, text)
    sheet.freeze_panes(1, 0)


PROBLEM_HEADERS = ("Baris", "Kolom", "Isi sel", "Masalah", "Yang harus dilakukan", "Tingkat")
FIELD_LABELS = {"nik": "NIK", "name": "Nama", "birth_date": "Tgl Lahir",
                "birth_place": "Tempat Lahir", "sex": "Jenis Kelamin", "address": "Alamat",
                "village": "Desa/Kelurahan", "occupation": "Pekerjaan", "phone": "No HP",
                "income": "Upah/Penghasilan", "agency": "OPD", "district": "Kecamatan"}


def write_report(report: ImportReport, out: Path) -> Path:
    """Summary sheet plus one line per problem (row as the operator sees it, header = 1).

    When rows were refused, the first sheet is "Baris ditolak": those rows under the file's own
    headers with the reason beside them, every cell as text, so that the operator fixes them
    there and uploads this same file again (lindung reads the first sheet; the reason and the
    original row number are columns it ignores).
    """
    book = workbook(out)
    try:
        bold = book.add_format({"bold": True})
        text = book.add_format({"num_format": "@"})
        rejected = report.rejected_rows
        if rejected is not None and rejected.height:
            _write_rejected(book.add_worksheet(REJECTED_SHEET), rejected, bold, text)
        summary = book.add_worksheet("Ringkasan")
        lines = [("Berkas", report.file_name), ("PKS", report.agreement),
                 ("Jumlah baris", report.rows), ("Diterima", report.accepted),
                 ("Sudah terdaftar (tidak berubah)", report.unchanged),
                 ("Ditolak", report.rejected), ("Peringatan", report.warnings),
                 ("Uji coba (tidak disimpan)", "ya" if report.dry_run else "tidak"),
                 ("Disimpan", "ya" if report.committed else "tidak")]
        for i, (label, value) in enumerate(lines):
            write_cell(summary, i, 0, label, text_format=bold)
            write_cell(summary, i, 1, value)
        for j, note in enumerate(report.notes):
            write_cell(summary, len(lines) + 1 + j, 0, note)
        summary.set_column(0, 0, 34)
        summary.set_column(1, 1, 40)
        sheet = book.add_worksheet("Masalah")
        write_row(sheet, 0, PROBLEM_HEADERS, text_format=bold)
        for i, r in enumerate(report.problems.iter_rows(named=True), start=1):
            sheet.write_number(i, 0, r["row"])
            sheet.write_string(i, 1, FIELD_LABELS.get(r["field"], r["field"]))
            sheet.write_string(i, 2, r["value"] or "", text)
            sheet.write_string(i, 3, r["message"] or "")
            sheet.write_string(i, 4, r["what_to_do"] or "")
            sheet.write_string(i, 5, "kesalahan" if r["severity"] == "error" else "peringatan")
        sheet.set_column(0, 0, 7)
        sheet.set_column(1, 2, 18)
        sheet.set_column(3, 4, 60)
        sheet.autofilter(0, 0, max(report.problems.height, 1), len(PROBLEM_HEADERS) - 1)
        sheet.freeze_panes(1, 0)
    finally:
        book.close()
    return out


# --- the roster template -------------------------------------------------------------------------

TEMPLATE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("NIK", "16 angka dari KTP/KK, ditulis sebagai teks", "1872011203750001"),
    ("Nama", "nama lengkap sesuai KTP", "Budi Santoso"),
    ("Tempat Lahir", "kabupaten/kota tempat lahir", "Metro"),
    ("Tgl Lahir", "tanggal-bulan-tahun", "12-03-1975"),
    ("Jenis Kelamin", "L atau P", "L"),
    ("Alamat", "jalan, nomor rumah, RT/RW", "Jl. Jenderal Sudirman No. 5 RT 02/RW 01"),
    ("Kecamatan", "nama kecamatan (membantu mencocokkan nama desa)", "Metro Pusat"),
    ("Desa/Kelurahan", "nama desa/kelurahan atau kodenya (lembar Desa)", "Metro"),
    ("Pekerjaan", "nama dari lembar Pekerjaan; pekerjaan lain ditulis apa adanya", "Petani"),
    ("No HP", "satu nomor HP", "0812-3456-7890"),
    ("Upah/Penghasilan", "rupiah per bulan; kosong: sesuai PKS", "1.000.000"),
    ("OPD", "OPD atau instansi (bila ada)", ""),
)
"""Columns of the template: header (one of ``roster_read.HEADERS``), what to write, example."""

MAX_TEMPLATE_VILLAGES = 10_000
"""Villages listed in the template: those of a regency or a province; not all Indonesia."""


def write_template(out: Path, *, agreement: str, occupations: list[tuple[str, int | None]],
                   villages: pl.DataFrame | None) -> Path:
    """The roster template: a data sheet (the headers lindung reads, every cell formatted as
    text so a NIK keeps its 16 digits), "Petunjuk" (what each column takes and an example row,
    kept off the data sheet so it is never imported), "Pekerjaan" (the occupations, name and
    JKK risk class) and, when given, "Desa" (``code``, ``district``, ``name`` of the villages
    of the agreement's region)."""
    book = workbook(out)
    try:
        bold = book.add_format({"bold": True})
        text = book.add_format({"num_format": "@"})
        data = book.add_worksheet("Daftar Peserta")
        write_row(data, 0, [c[0] for c in TEMPLATE_COLUMNS], text_format=bold)
        data.set_column(0, len(TEMPLATE_COLUMNS) - 1, 20, text)
        data.freeze_panes(1, 0)
        guide = book.add_worksheet("Petunjuk")
        write_row(guide, 0, ["Kolom", "Isi", "Contoh"], text_format=bold)
        for i, (header, what, example) in enumerate(TEMPLATE_COLUMNS, start=1):
            write_row(guide, i, [header, what, example], text_format=text)
        write_cell(guide, len(TEMPLATE_COLUMNS) + 2, 0,
                   f"Isi satu pekerja per baris di lembar Daftar Peserta, lalu unggah untuk PKS "
                   f"{agreement}. Baris di bawah tabel tanpa NIK dan nama (tanda tangan, "
                   "jumlah) diabaikan.")
        guide.set_column(0, 0, 20)
        guide.set_column(1, 1, 60)
        guide.set_column(2, 2, 40, text)
        jobs = book.add_worksheet("Pekerjaan")
        write_row(jobs, 0, ["Pekerjaan", "Kelas risiko JKK"], text_format=bold)
        for i, (name, risk) in enumerate(occupations, start=1):
            write_cell(jobs, i, 0, name)
            write_cell(jobs, i, 1, risk)
        jobs.set_column(0, 0, 40)
        if occupations:
            column = [c[0] for c in TEMPLATE_COLUMNS].index("Pekerjaan")
            # a list to pick from; anything else may still be typed (kept with a warning)
            data.data_validation(1, column, 100_000, column, {
                "validate": "list", "source": f"=Pekerjaan!$A$2:$A${len(occupations) + 1}",
                "error_type": "information", "show_error": False})
        if villages is not None and villages.height:
            places = book.add_worksheet("Desa")
            write_row(places, 0, ["Kode", "Kecamatan", "Desa/Kelurahan"], text_format=bold)
            for i, values in enumerate(villages.select("code", "district", "name").iter_rows(),
                                       start=1):
                write_row(places, i, values, text_format=text)
            places.set_column(0, 0, 16)
            places.set_column(1, 2, 30)
    finally:
        book.close()
    return out


def roster_template(session: Session, principal: Principal, agreement_code: str,
                    out: Path) -> Path:
    """The template for an agreement in the principal's scope (a read: nothing personal)."""
    principal.require("roster.import")
    agreement = agreement_in_scope(session, principal, agreement_code)
    occupations = [(o.name, o.risk_class) for o in session.scalars(
        select(Occupation).where(occupation_in_reach(agreement.pemda_id))
        .order_by(Occupation.name))]
    return write_template(out, agreement=agreement.code, occupations=occupations,
                          villages=villages_in(agreement.region_code, MAX_TEMPLATE_VILLAGES))
