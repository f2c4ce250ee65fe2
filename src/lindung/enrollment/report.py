"""The import report: what an import did (or a dry run would do), row by row, and the same as
a spreadsheet an operator can work through."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

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
        }


def problems_frame(rows: Iterable[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=PROBLEM_SCHEMA)


def problem(row: int, field_name: str, value: Any, message: str, what_to_do: str,
             severity: str = "error") -> dict[str, Any]:
    return {"row": row, "field": field_name, "value": None if value is None else str(value),
            "message": message, "what_to_do": what_to_do, "severity": severity}



PROBLEM_HEADERS = ("Baris", "Kolom", "Isi sel", "Masalah", "Yang harus dilakukan", "Tingkat")
FIELD_LABELS = {"nik": "NIK", "name": "Nama", "birth_date": "Tgl Lahir",
                "birth_place": "Tempat Lahir", "sex": "Jenis Kelamin", "address": "Alamat",
                "village": "Desa/Kelurahan", "occupation": "Pekerjaan", "phone": "No HP",
                "income": "Upah/Penghasilan", "agency": "OPD"}


def write_report(report: ImportReport, out: Path) -> Path:
    """Summary sheet plus one line per problem (row as the operator sees it, header = 1)."""
    book = workbook(out)
    try:
        bold = book.add_format({"bold": True})
        text = book.add_format({"num_format": "@"})
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
            sheet.write_string(i, 5, "galat" if r["severity"] == "error" else "peringatan")
        sheet.set_column(0, 0, 7)
        sheet.set_column(1, 2, 18)
        sheet.set_column(3, 4, 60)
        sheet.autofilter(0, 0, max(report.problems.height, 1), len(PROBLEM_HEADERS) - 1)
        sheet.freeze_panes(1, 0)
    finally:
        book.close()
    return out
