"""The files exchanged with the BPJS branch: the submission out, the branch's answer back in
(the file side of :mod:`lindung.enrollment.connector`).

Submission: every proposed membership of an agreement goes into one XLSX (NIK written as text,
nothing as a formula). Answer: the branch returns, per NIK, accepted with the KPJ number it
assigned, or rejected with a reason. The actions that change statuses are in ``actions``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lindung.agreements.models import Agreement
from lindung.enrollment.models import Membership
from lindung.enrollment.roster_read import read_roster
from lindung.errors import InvalidInput
from lindung.registry.models import Occupation, Worker
from lindung.registry.nik import is_nik_text
from lindung.spreadsheets import workbook, write_row

if TYPE_CHECKING:
    from lindung.enrollment.connector import MemberOut

SUBMISSION_COLUMNS = ("No", "NIK", "Nama", "Tempat Lahir", "Tgl Lahir", "Jenis Kelamin", "Alamat",
                      "Kode Desa", "No HP", "Pekerjaan", "Program", "Penghasilan/Upah",
                      "Mulai", "Berakhir", "PKS", "Sumber Dana")
ACCEPTED = {"diterima", "terima", "accepted", "aktif", "active", "ok", "sukses", "berhasil"}
REJECTED = {"ditolak", "tolak", "rejected", "gagal", "failed"}

AnswerRow = tuple[int, str, bool, str | None, str | None]
"""(spreadsheet row, NIK, accepted, KPJ, reason)."""


def proposals(session: Session, agreement: Agreement,
              ids: Sequence[int] | None = None) -> list[tuple[Membership, MemberOut]]:
    """The proposed members of ``agreement`` (only ``ids`` when given), as sent to the branch."""
    from lindung.enrollment.connector import MemberOut

    query = (select(Membership, Worker, Occupation.name)
             .join(Worker, Worker.id == Membership.worker_id)
             .outerjoin(Occupation, Occupation.code == Membership.occupation_code)
             .where(Membership.agreement_id == agreement.id, Membership.status == "proposed")
             .order_by(Membership.id))
    if ids is not None:
        query = query.where(Membership.id.in_(list(ids)))
    return [(membership, MemberOut(
        reference=str(membership.id), nik=worker.nik, name=worker.name,
        birth_place=worker.birth_place, birth_date=worker.birth_date, sex=worker.sex,
        address=worker.address, village_code=worker.village_code, phone=worker.phone,
        occupation=occupation or membership.occupation_code, programs=membership.programs,
        income=membership.declared_income or membership.wage,
        start_date=membership.start_date, end_date=membership.end_date, agreement=agreement.code,
        funding_source=membership.funding_source_code))
        for membership, worker, occupation in session.execute(query).all()]


def write_members(members: Sequence[MemberOut], out: Path) -> None:
    """The registration file of ``members`` (NIK, names and addresses as text, no formula)."""
    book = workbook(out)
    try:
        sheet = book.add_worksheet("Pendaftaran")
        text = book.add_format({"num_format": "@"})
        day = book.add_format({"num_format": "dd-mm-yyyy"})
        bold = book.add_format({"bold": True})
        write_row(sheet, 0, SUBMISSION_COLUMNS, text_format=bold)
        sheet.set_column(1, 1, 20, text)
        for i, m in enumerate(members, start=1):
            values: list[Any] = [
                i, m.nik, m.name, m.birth_place, m.birth_date, m.sex, m.address,
                m.village_code, m.phone, m.occupation, m.programs.upper(), m.income,
                m.start_date, m.end_date, m.agreement, m.funding_source.upper()]
            # Names, addresses and the NIK are written as text: never a formula or a number.
            write_row(sheet, i, values, text_format=text, date_format=day)
    finally:
        book.close()


def write_submission(session: Session, agreement: Agreement, out: Path) -> list[Membership]:
    """Write the registration file of every proposed member of ``agreement``; returns them."""
    found = proposals(session, agreement)
    write_members([member for _membership, member in found], out)
    return [membership for membership, _member in found]


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


