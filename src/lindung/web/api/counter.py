"""API for service counters (the KIR desk): coverage checks, enrolment (a proposal with the
payment's receipt), sending it to the BPJS branch, the receipt PDF and, once BPJS gave a KPJ,
the card PDF.

The NIK travels only in request bodies. A coverage check answers three fields and nothing else:
``covered`` only from a membership BPJS confirmed.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from fastapi import Path as ApiPath
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from lindung.counter import card
from lindung.counter.actions import (
    Coverage,
    Receipt,
    do_check_coverage,
    do_enrol_driver,
    do_send_enrolment,
)
from lindung.db import transaction
from lindung.formatting import format_rupiah, terbilang_rupiah
from lindung.limits import MAX_CODE, MAX_RUPIAH
from lindung.principal import Principal
from lindung.web.api.common import errors, text_field
from lindung.web.deps import DB, api_requires, engine_of

router = APIRouter(tags=["loket"])
CAN_CHECK = api_requires("coverage.check")
CAN_ENROL = api_requires("counter.enrol")


NikText = Annotated[str, Field(
    max_length=64, description="16 digit NIK, sebagai teks",
    # Documented, not enforced by the schema: a malformed NIK reaches the service, which audits
    # the attempt before refusing it (422).
    json_schema_extra={"pattern": "^[0-9]{16}$"})]


class CoverageCheckIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    nik: NikText


class CoverageOut(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    covered: bool
    valid_until: date | None
    programmes: list[str]


class EnrolmentIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    nik: NikText
    name: str = text_field(150, description="nama sesuai KTP")
    # JSON has no date type: the ISO text is read as a date (strict mode would refuse any text)
    birth_date: date = Field(strict=False, description="YYYY-MM-DD, sama dengan tanggal di NIK")
    sex: Literal["L", "P"]
    phone: str | None = Field(None, max_length=30)
    occupation: str = Field(max_length=MAX_CODE,
                            description="kode pekerjaan transportasi: sopir, sopir_truk, ...")
    declared_income: int = Field(1_000_000, ge=0, le=MAX_RUPIAH,
                                 description="penghasilan yang dilaporkan (BPU)")
    months: int = Field(ge=1, le=120,
                        description="lama pembayaran: payment.bpu.advance_terms (1, 3, 6, 12)")
    funded_by: Literal["self", "apbd"]


class EnrolmentOut(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    receipt_number: str = Field(description="nomor bukti pendaftaran, unik per loket")
    status: str = Field(description="proposed: belum terlindungi sampai BPJS mengonfirmasi")
    kpj: str | None
    programmes: list[str]
    valid_from: date
    valid_until: date
    months: int
    funded_by: str
    agreement: str
    amount: int = Field(description="iuran yang dibayar di loket, rupiah")
    amount_text: str
    amount_words: str
    renewal: bool
    receipt_url: str
    submission_url: str


class SubmissionOut(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    receipt_number: str
    status: str = Field(description="active (diterima, dengan KPJ), rejected (dengan alasan), "
                                    "submitted (menunggu jawaban) atau proposed")
    kpj: str | None
    reason: str | None
    card_url: str | None = Field(description="kartu peserta (PDF) bila sudah ada KPJ")


@router.post("/coverage-checks", response_model=CoverageOut, summary="Cek kepesertaan")
async def coverage_check(body: CoverageCheckIn, request: Request,
                         principal: Principal = Depends(CAN_CHECK)) -> CoverageOut:
    # The desk systems' hot path: the whole check and its audit event in one transaction on
    # one worker thread (a request-scoped session would cost two more thread hops).
    def check() -> Coverage:
        with transaction(engine_of(request)) as session:
            return do_check_coverage(session, principal, body.nik)

    found = await run_in_threadpool(check)
    return CoverageOut(covered=found.covered, valid_until=found.valid_until,
                       programmes=found.programmes)


@router.post("/counter-enrolments", response_model=EnrolmentOut, status_code=201,
             responses=errors(409, 422),
             summary="Daftarkan pengemudi di loket")
def counter_enrolment(body: EnrolmentIn, request: Request, session: Session = DB,
                      principal: Principal = Depends(CAN_ENROL)
                      ) -> EnrolmentOut:
    done = do_enrol_driver(
        session, principal, nik=body.nik, name=body.name, birth_date=body.birth_date,
        sex=body.sex, phone=body.phone, occupation=body.occupation,
        declared_income=body.declared_income, months=body.months, funded_by=body.funded_by)
    return EnrolmentOut(
        receipt_number=done.receipt_number, status=done.status, kpj=done.kpj,
        programmes=done.programmes, valid_from=done.valid_from, valid_until=done.valid_until,
        months=done.months, funded_by=done.funded_by, agreement=done.agreement_code,
        amount=done.amount, amount_text=format_rupiah(done.amount),
        amount_words=terbilang_rupiah(done.amount), renewal=done.renewal,
        receipt_url=str(request.url_for("counter_receipt_api", number=done.receipt_number)),
        submission_url=str(request.url_for("counter_submission",
                                           number=done.receipt_number)))


def _submission_out(request: Request, receipt: Receipt) -> SubmissionOut:
    card_url = (str(request.url_for("counter_card_pdf", number=receipt.receipt_number))
                if receipt.status == "active" and receipt.kpj else None)
    return SubmissionOut(receipt_number=receipt.receipt_number, status=receipt.status,
                         kpj=receipt.kpj, reason=receipt.reason, card_url=card_url)


@router.post("/counter-enrolments/{number}/submission", response_model=SubmissionOut,
             responses=errors(404, 409),
             summary="Kirim pendaftaran ke BPJS lewat API mitra cabang, dan jawabannya")
def counter_submission(number: Annotated[str, ApiPath(max_length=20)], request: Request,
                       session: Session = DB,
                       principal: Principal = Depends(CAN_ENROL)) -> SubmissionOut:
    return _submission_out(request, do_send_enrolment(session, principal, number))


@router.get("/counter-enrolments/{number}/receipt", response_class=Response,
            summary="Bukti pendaftaran (PDF, A6)",
            responses={200: {"content": {"application/pdf": {}}}, **errors(404)})
def counter_receipt_api(number: Annotated[str, ApiPath(max_length=20)],
                        session: Session = DB,
                        principal: Principal = Depends(CAN_ENROL)) -> Response:
    pdf = card.receipt_pdf(session, principal, number)
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="bukti-{number}.pdf"'})


@router.get("/counter-enrolments/{number}/card", response_class=Response,
            summary="Kartu peserta dengan KPJ (PDF, 85,6 × 54 mm), setelah BPJS menerima",
            responses={200: {"content": {"application/pdf": {}}}, **errors(404, 409)})
def counter_card_pdf(number: Annotated[str, ApiPath(max_length=20)], request: Request,
                     session: Session = DB,
                     principal: Principal = Depends(CAN_ENROL)) -> Response:
    pdf = card.card_pdf(session, principal, number,
                        base_url=card.public_base_url(str(request.base_url)))
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="kartu-{number}.pdf"'})
