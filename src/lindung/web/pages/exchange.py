"""Pages: the exchange with the BPJS branch. Download an agreement's submission file (its
proposed members become submitted) and upload the branch's answer (KPJ numbers or refusals)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy.orm import Session

from lindung.enrollment.actions import do_fetch_answers, do_import_answer, do_submit_to_branch
from lindung.enrollment.connector import partner_api_of
from lindung.enrollment.queries import members_by_status, scoped_agreements
from lindung.errors import InvalidInput, LindungError
from lindung.organisations.models import Organisation
from lindung.principal import Principal
from lindung.web import texts_counter, texts_enrolment, uploads  # noqa: F401  (page words)
from lindung.web.api.exchange import submission_download
from lindung.web.deps import DB, language, page_requires
from lindung.web.pages.agreements import refused
from lindung.web.templating import templates

router = APIRouter()
MAY_EXCHANGE_ANSWER = page_requires("exchange.answer")
MAY_EXCHANGE_EXPORT = page_requires("exchange.export")


def _page(request: Request, name: str, principal: Principal, status: int = 200,
          **context: Any) -> Response:
    return templates.TemplateResponse(request, name, {
        "lang": language(request), "principal": principal, "csrf_token": request.state.csrf,
        **context}, status_code=status)


def _rows(session: Session, principal: Principal) -> list[dict[str, object]]:
    """Agreements in scope with their members by status: what is waiting to go to BPJS."""
    agreements = scoped_agreements(session, principal, "exchange.export")
    counts = members_by_status(session, [a.id for a in agreements])
    branches = {o.id: o.code for o in session.query(Organisation).filter(
        Organisation.id.in_({a.branch_id for a in agreements if a.branch_id}))}
    return [{"agreement": a, "counts": counts.get(a.id, {}),
             "api": a.branch_id in branches and partner_api_of(branches[a.branch_id]) is not None}
            for a in agreements]


def _overview(request: Request, principal: Principal, session: Session, *,
              error: str | None = None, status: int = 200) -> Response:
    return _page(request, "exchange/index.html", principal, status=status, error=error,
                 rows=_rows(session, principal))


@router.get("/pertukaran", include_in_schema=False)
def exchange_overview(request: Request,
                      principal: Principal = Depends(MAY_EXCHANGE_EXPORT),
                      session: Session = DB) -> Response:
    return _overview(request, principal, session)


@router.post("/pertukaran/{code}/kirim", include_in_schema=False)
def exchange_submission(code: str,
                        principal: Principal = Depends(MAY_EXCHANGE_EXPORT),
                        session: Session = DB) -> Response:
    return submission_download(session, principal, code)


@router.post("/pertukaran/jawaban", include_in_schema=False)
def exchange_answer(request: Request, agreement: str = Form(""),
                    file: UploadFile | None = File(None),
                    principal: Principal = Depends(MAY_EXCHANGE_ANSWER),
                    session: Session = DB) -> Response:
    try:
        if file is None or not file.filename:
            raise InvalidInput("pilih berkas jawaban BPJS", "file")
        with uploads.temporary(file.file, file.filename) as path:
            result = do_import_answer(session, principal, path, agreement)
    except LindungError as exc:
        with refused(session, request) as fresh:
            return _overview(request, principal, fresh, error=str(exc), status=422)
    return _page(request, "exchange/answer.html", principal, result=result,
                 agreement=agreement, file_name=file.filename)


@router.post("/pertukaran/{code}/kirim-api", include_in_schema=False)
def exchange_send_api(code: str, request: Request,
                      principal: Principal = Depends(MAY_EXCHANGE_EXPORT),
                      session: Session = DB) -> Response:
    """The branch's partner API: the proposed members go out and its answers come back at
    once (a branch without one exchanges files: ``/pertukaran/{code}/kirim``)."""
    try:
        outcome = do_submit_to_branch(session, principal, code[:40])
    except LindungError as exc:
        with refused(session, request) as fresh:
            return _overview(request, principal, fresh, error=str(exc), status=409)
    return _page(request, "exchange/answer.html", principal, result=outcome.answers,
                 agreement=outcome.agreement, file_name=None, via_api=True)


@router.post("/pertukaran/{code}/jawaban-api", include_in_schema=False)
def exchange_fetch_api(code: str, request: Request,
                       principal: Principal = Depends(MAY_EXCHANGE_ANSWER),
                       session: Session = DB) -> Response:
    try:
        result = do_fetch_answers(session, principal, code[:40])
    except LindungError as exc:
        with refused(session, request) as fresh:
            return _overview(request, principal, fresh, error=str(exc), status=409)
    return _page(request, "exchange/answer.html", principal, result=result,
                 agreement=code[:40], file_name=None, via_api=True)
