"""API: the exchange with the BPJS branch for agreements in the caller's scope: the submission
XLSX (proposed members become submitted) and the branch's answer (KPJ numbers, refusals)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, UploadFile
from fastapi import Path as ApiPath
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from lindung.enrollment.actions import (
    do_export_submission,
    do_fetch_answers,
    do_import_answer,
    do_submit_to_branch,
)
from lindung.limits import MAX_CODE
from lindung.principal import Principal
from lindung.tempfiles import temporary_directory
from lindung.web import uploads
from lindung.web.api.common import errors
from lindung.web.deps import DB, api_requires, csrf_guard

AGREEMENT_FIELD = Form(..., min_length=1, max_length=MAX_CODE, description="Kode PKS")


def submission_download(session: Session, principal: Principal, code: str) -> Response:
    """The branch's registration file as a download (shared by the page and the API)."""
    with temporary_directory() as folder:
        result = do_export_submission(session, principal, code, Path(folder) / "kirim.xlsx")
        content = result.path.read_bytes()
    return Response(content, media_type=XLSX, headers={
        "Content-Disposition": f'attachment; filename="kirim-bpjs-{result.agreement}.xlsx"',
        "X-Lindung-Count": str(result.count)})


router = APIRouter(tags=["pertukaran BPJS"], dependencies=[Depends(csrf_guard)])
MAY_EXCHANGE_ANSWER = api_requires("exchange.answer")
MAY_EXCHANGE_EXPORT = api_requires("exchange.export")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STRICT = ConfigDict(strict=True, extra="forbid")


class AnswerError(BaseModel):
    model_config = STRICT
    row: int
    field: str
    value: Any
    message: str


class AnswerReport(BaseModel):
    model_config = STRICT
    rows: int
    activated: int
    rejected: int
    unchanged: int
    errors: list[AnswerError]


@router.post("/exchange/{code}/submission", summary="Berkas pendaftaran untuk BPJS (XLSX)",
             response_class=Response,
             responses={200: {"content": {XLSX: {}},
                              "description": "XLSX; X-Lindung-Count = jumlah peserta"},
                        **errors(404)})
def submission(code: Annotated[str, ApiPath(max_length=MAX_CODE)],
               principal: Principal = Depends(MAY_EXCHANGE_EXPORT),
               session: Session = DB) -> Response:
    return submission_download(session, principal, code)


@router.post("/exchange/answers", response_model=AnswerReport,
             responses=errors(404, 422),
             summary="Jawaban kantor cabang BPJS: KPJ (aktif) atau penolakan")
def answers(file: UploadFile = File(...),
                   agreement: str = AGREEMENT_FIELD,
            principal: Principal = Depends(MAY_EXCHANGE_ANSWER),
            session: Session = DB) -> AnswerReport:
    with uploads.temporary(file.file, file.filename) as path:
        result = do_import_answer(session, principal, path, agreement)
    return AnswerReport.model_validate(result.to_dict(), strict=False)


class PartnerSubmission(BaseModel):
    model_config = STRICT
    agreement: str
    sent: int
    answers: AnswerReport


@router.post("/exchange/{code}/partner-submission", response_model=PartnerSubmission,
             responses=errors(404, 409),
             summary="Kirim peserta diusulkan lewat API mitra cabang BPJS (jawaban seketika)")
def partner_submission(code: Annotated[str, ApiPath(max_length=MAX_CODE)],
                       principal: Principal = Depends(MAY_EXCHANGE_EXPORT),
                       session: Session = DB) -> PartnerSubmission:
    outcome = do_submit_to_branch(session, principal, code)
    return PartnerSubmission(agreement=outcome.agreement, sent=outcome.sent,
                             answers=AnswerReport.model_validate(outcome.answers.to_dict(),
                                                                 strict=False))


@router.post("/exchange/{code}/partner-answers", response_model=AnswerReport,
             responses=errors(404, 409),
             summary="Ambil jawaban dari API mitra cabang BPJS")
def partner_answers(code: Annotated[str, ApiPath(max_length=MAX_CODE)],
                    principal: Principal = Depends(MAY_EXCHANGE_ANSWER),
                    session: Session = DB) -> AnswerReport:
    result = do_fetch_answers(session, principal, code)
    return AnswerReport.model_validate(result.to_dict(), strict=False)
