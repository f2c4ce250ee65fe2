"""The exchange with the BPJS branch: the submission file out, the branch's answer back in.

Submission: every proposed membership of an agreement goes into one XLSX (NIK written as text)
and becomes ``submitted``. Answer: the branch returns, per NIK, accepted with the KPJ number it
assigned (the membership becomes ``active``) or rejected with a reason (``rejected``). Re-reading
the same answer changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lindung.agreements.models import Agreement
from lindung.agreements.service import get_agreement
from lindung.audit.service import record
from lindung.enrollment.models import Membership
from lindung.enrollment.roster_read import read_roster
from lindung.enrollment.service import change_status
from lindung.errors import InvalidInput
from lindung.registry.models import Occupation, Worker
from lindung.spreadsheets import workbook, write_row

SUBMISSION_COLUMNS = ("No", "NIK", "Nama", "Tempat Lahir", "Tgl Lahir", "Jenis Kelamin", "Alamat",
                      "Kode Desa", "No HP", "Pekerjaan", "Program", "Penghasilan/Upah",
                      "Mulai", "Berakhir", "PKS", "Sumber Dana")
ACCEPTED = {"diterima", "terima", "accepted", "aktif", "active", "ok", "sukses", "berhasil"}
REJECTED = {"ditolak", "tolak", "rejected", "gagal", "failed"}


@dataclass
class SubmissionResult:
    agreement: str
    path: Path
    count: int


def export_submission(session: Session, agreement_code: str, out: Path, *,
                      actor: str) -> SubmissionResult:
    """Write the branch's registration file of every proposed member; mark them submitted."""
    agreement = get_agreement(session, agreement_code)
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
            change_status(session, membership, "submitted", actor=actor,
                        reason=f"dikirim ke BPJS dalam {out.name}")
    finally:
        book.close()
    record(session, actor=actor, action="roster.export_submission", entity="agreement",
           entity_id=agreement.code, pemda_id=agreement.pemda_id,
           detail={"file": out.name, "count": len(rows)})
    return SubmissionResult(agreement.code, out, len(rows))


@dataclass
class AnswerResult:
    rows: int
    activated: int = 0
    rejected: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "activated": self.activated, "rejected": self.rejected,
                "unchanged": self.unchanged, "errors": self.errors}


def import_answer(session: Session, path: Path, *, actor: str,
                  agreement_code: str | None = None) -> AnswerResult:
    """Apply the branch's answer: KPJ numbers activate, rejections record their reason.

    Each row must name a NIK with a submitted (or already answered) membership; a row that
    cannot be applied is reported and the others are applied, all in the caller's transaction.
    """
    roster = read_roster(path, required=("nik", "kpj", "status"))
    if roster.file_errors:
        raise InvalidInput("; ".join(roster.file_errors), "file")
    frame = roster.frame
    agreement: Agreement | None = (get_agreement(session, agreement_code)
                                   if agreement_code else None)
    result = AnswerResult(rows=frame.height)

    def error(row: int, field_name: str, value: Any, message: str) -> None:
        result.errors.append({"row": row, "field": field_name, "value": value,
                              "message": message})

    numeric = set(roster.numeric_nik_rows)
    touched: set[int] = set()  # agreements whose members this answer changed
    for record_row in frame.iter_rows(named=True):
        row = int(record_row["row"])
        nik = (record_row.get("nik") or "").strip()
        status_text = (record_row.get("status") or "").strip().lower()
        kpj = (record_row.get("kpj") or "").strip()
        reason = (record_row.get("reason") or "").strip() or None
        if row in numeric or not (len(nik) == 16 and nik.isascii() and nik.isdigit()):
            error(row, "nik", None, "NIK harus 16 digit teks; format kolom NIK sebagai Teks")
            continue
        query = (select(Membership).join(Worker, Worker.id == Membership.worker_id)
                 .where(Worker.nik == nik,
                        Membership.status.in_(("submitted", "active", "rejected"))))
        if agreement is not None:
            query = query.where(Membership.agreement_id == agreement.id)
        # A member proposed again after a refusal has one row per period under the agreement:
        # the answer is for the newest.
        newest = {m.agreement_id: m for m in session.scalars(query.order_by(Membership.id))}
        found = list(newest.values())
        if not found:
            error(row, "nik", None, "tidak ada pendaftaran terkirim untuk NIK ini")
            continue
        if len(found) > 1:
            error(row, "nik", None, "NIK terkirim pada lebih dari satu PKS; sebutkan --agreement")
            continue
        membership = found[0]
        touched.add(membership.agreement_id)
        if status_text in ACCEPTED:
            if not kpj:
                error(row, "kpj", None, "peserta diterima tetapi nomor KPJ kosong")
                continue
            if membership.status == "active" and membership.kpj == kpj:
                result.unchanged += 1
                continue
            if membership.status != "submitted":
                error(row, "status", status_text,
                      f"kepesertaan berstatus {membership.status}, bukan terkirim")
                continue
            membership.kpj = kpj
            change_status(session, membership, "active", actor=actor, reason="diterima BPJS",
                        detail={"kpj": kpj})
            result.activated += 1
        elif status_text in REJECTED:
            if membership.status == "rejected":
                result.unchanged += 1
                continue
            if membership.status != "submitted":
                error(row, "status", status_text,
                      f"kepesertaan berstatus {membership.status}, bukan terkirim")
                continue
            membership.status_reason = reason or "ditolak tanpa alasan tertulis"
            change_status(session, membership, "rejected", actor=actor, reason=reason)
            result.rejected += 1
        else:
            error(row, "status", status_text, "status harus 'diterima' atau 'ditolak'")
    # The event is the Pemda's whose agreements the answer concerned (one Pemda, or none).
    pemdas = {a.pemda_id for a in session.scalars(select(Agreement)
                                                  .where(Agreement.id.in_(touched)))}
    if agreement is not None:
        pemdas.add(agreement.pemda_id)
    record(session, actor=actor, action="roster.import_answer", entity="membership",
           pemda_id=pemdas.pop() if len(pemdas) == 1 else None,
           detail={"file": path.name, **{k: v for k, v in result.to_dict().items()
                                        if k != "errors"}, "errors": len(result.errors)})
    return result
