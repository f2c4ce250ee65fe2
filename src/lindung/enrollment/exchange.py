"""The files exchanged with the BPJS branch: the submission out, the branch's answer back in.

Submission: every proposed membership of an agreement goes into one XLSX (NIK written as text,
nothing as a formula). Answer: the branch returns, per NIK, accepted with the KPJ number it
assigned, or rejected with a reason. The actions that change statuses are in ``actions``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lindung.agreements.models import Agreement
from lindung.enrollment.models import Membership
from lindung.enrollment.roster_read import read_roster
from lindung.errors import InvalidInput
from lindung.registry.models import Occupation, Worker
from lindung.registry.nik import is_nik_text
from lindung.spreadsheets import workbook, write_row

SUBMISSION_COLUMNS = ("No", "NIK", "Nama", "Tempat Lahir", "Tgl Lahir", "Jenis Kelamin", "Alamat",
                      "Kode Desa", "No HP", "Pekerjaan", "Program", "Penghasilan/Upah",
                      "Mulai", "Berakhir", "PKS", "Sumber Dana")
ACCEPTED = {"diterima", "terima", "accepted", "aktif", "active", "ok", "sukses", "berhasil"}
REJECTED = {"ditolak", "tolak", "rejected", "gagal", "failed"}

AnswerRow = tuple[int, str, bool, str | None, str | None]
"""(spreadsheet row, NIK, accepted, KPJ, reason)."""


def write_submission(session: Session, agreement: Agreement, out: Path) -> list[Membership]:
    """Write the registration file of every proposed member of ``agreement``; returns them."""
    rows = session.execute(
        select(Membership, Worker, Occupation.name)
        .join(Worker, Worker.id == Membership.worker_id)
        .outerjoin(Occupation, Occupation.code == Membership.occupation_code)
        .where(Membership.agreement_id == agreement.id, Membership.status == "proposed")
        .order_by(Membership.id)).all()
    book = workbook(out)
    try:
        sheet = book.add_worksheet("Pendaftaran")
        text = book.add_format({"num_format": "@"})
        day = book.add_format({"num_format": "dd-mm-yyyy"})
        bold = book.add_format({"bold": True})
        write_row(sheet, 0, SUBMISSION_COLUMNS, text_format=bold)
        sheet.set_column(1, 1, 20, text)
        for i, (membership, worker, occupation) in enumerate(rows, start=1):
            values: list[Any] = [
                i, worker.nik, worker.name, worker.birth_place, worker.birth_date,
                worker.sex, worker.address, worker.village_code, worker.phone, occupation,
                membership.programs.upper(),
                membership.declared_income or membership.wage, membership.start_date,
                membership.end_date, agreement.code, membership.funding_source_code.upper()]
            # Names, addresses and the NIK are written as text: never a formula or a number.
            write_row(sheet, i, values, text_format=text, date_format=day)
    finally:
        book.close()
    return [membership for membership, _worker, _occupation in rows]


def answer_rows(path: Path) -> tuple[list[AnswerRow], list[dict[str, Any]]]:
    """The branch's answer file read into rows to apply, and the rows refused with why."""
    roster = read_roster(path, required=("nik", "kpj", "status"))
    if roster.file_errors:
        raise InvalidInput("; ".join(roster.file_errors), "file")
    numeric = set(roster.numeric_nik_rows)
    rows: list[AnswerRow] = []
    problems: list[dict[str, Any]] = []
    for found in roster.frame.iter_rows(named=True):
        row = int(found["row"])
        nik = (found.get("nik") or "").strip()
        status = (found.get("status") or "").strip().lower()
        kpj = (found.get("kpj") or "").strip() or None
        reason = (found.get("reason") or "").strip() or None
        if row in numeric or not is_nik_text(nik):
            problems.append({"row": row, "field": "nik", "value": None,
                             "message": "NIK harus 16 digit teks; format kolom NIK sebagai Teks"})
        elif status in ACCEPTED and not kpj:
            problems.append({"row": row, "field": "kpj", "value": None,
                             "message": "peserta diterima tetapi nomor KPJ kosong"})
        elif status in ACCEPTED or status in REJECTED:
            rows.append((row, nik, status in ACCEPTED, kpj, reason))
        else:
            problems.append({"row": row, "field": "status", "value": status[:40],
                             "message": "status harus 'diterima' atau 'ditolak'"})
    return rows, problems


