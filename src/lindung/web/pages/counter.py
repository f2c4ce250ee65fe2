"""Pages: the counter officer's one screen (check, enrol, receipt, send to BPJS, print the
card) and the public card check.

``/loket``: the NIK is typed in a POST form (never in a URL); the answer shows only whether the
person is covered and until when (or that a proposal waits for BPJS); if not, the enrolment form
comes prefilled (birth date and sex read from the NIK). After enrolment: the receipt ("bukti
pendaftaran", PDF), "Kirim ke BPJS" when the branch answers at once through its partner API, and
once accepted "Cetak kartu" with the KPJ. ``/loket/bukti/{number}``: a receipt again (a driver
coming back once the branch answered a submission file).
``/kartu/{code}``: public, no sign-in (the QR code on the card links here); the state in words,
the holder's name masked and until when, nothing else.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from lindung import clock
from lindung.counter import card
from lindung.counter.actions import (
    do_check_coverage,
    do_enrol_driver,
    do_print_receipt,
    do_send_enrolment,
    do_verify_card,
)
from lindung.counter.queries import advance_terms, transport_occupations
from lindung.errors import Conflict, InvalidInput, NotFound
from lindung.limits import MAX_CODE, MAX_RUPIAH, MAX_SHORT_TEXT
from lindung.principal import Principal
from lindung.registry.nik import check_nik
from lindung.web import forms, texts_counter  # noqa: F401  (texts: page words)
from lindung.web.deps import ANONYMOUS_LIMIT, DB, client_address, language, page_requires
from lindung.web.pages.agreements import refused
from lindung.web.templating import templates

router = APIRouter()
CAN_CHECK = page_requires("coverage.check")
CAN_ENROL = page_requires("counter.enrol")

DEFAULT_INCOME = 1_000_000
DEFAULT_MONTHS = 3


def _page(request: Request, principal: Principal, session: Session, status: int = 200,
          **context: Any) -> Response:
    day = clock.today()
    return templates.TemplateResponse(request, "counter/loket.html", {
        "lang": language(request), "principal": principal, "csrf_token": request.state.csrf,
        "terms": advance_terms(day),
        "occupations": transport_occupations(session, principal.pemda_id),
        "can_enrol": principal.can("counter.enrol"), **context}, status_code=status)


def _prefill(nik: str) -> dict[str, Any]:
    """Birth date and sex as the NIK says (the officer corrects them from the KTP if needed)."""
    found = check_nik(nik, today=clock.today())
    birth = found.birth_date_from_nik
    return {"nik": nik, "name": "", "birth_date": birth.isoformat() if birth else "",
            "sex": found.sex_from_nik or "", "phone": "", "occupation": "sopir",
            "declared_income": DEFAULT_INCOME, "months": DEFAULT_MONTHS, "funded_by": "self"}


@router.get("/loket", include_in_schema=False)
def counter_home(request: Request, session: Session = DB,
                 principal: Principal = Depends(CAN_CHECK)) -> Response:
    return _page(request, principal, session)


@router.post("/loket/cek", include_in_schema=False)
def counter_check(request: Request, nik: str = Form(""), session: Session = DB,
                  principal: Principal = Depends(CAN_CHECK)) -> Response:
    try:
        found = do_check_coverage(session, principal, nik)
    except InvalidInput as exc:
        return _page(request, principal, session, 422, check_error=str(exc))
    form = None if found.covered or found.pending else _prefill(nik.strip())
    return _page(request, principal, session, coverage=found, form=form)


@router.post("/loket/daftar", include_in_schema=False)
def counter_enrol(request: Request, session: Session = DB,
                  principal: Principal = Depends(CAN_ENROL),
                  nik: str = Form(""), name: str = Form(""), birth_date: str = Form(""),
                  sex: str = Form(""), phone: str = Form(""), occupation: str = Form(""),
                  declared_income: str = Form(""), months: str = Form(""),
                  funded_by: str = Form("")) -> Response:
    form = {"nik": nik.strip(), "name": name, "birth_date": birth_date, "sex": sex,
            "phone": phone, "occupation": occupation, "declared_income": declared_income,
            "months": months, "funded_by": funded_by}
    try:
        born = forms.day(birth_date, label="tanggal lahir (sesuai KTP)", field="birth_date",
                         required=True)
        income = forms.number(declared_income, label="penghasilan", field="declared_income",
                              low=0, high=MAX_RUPIAH)
        term = forms.number(months, label="lama pembayaran", field="months", low=1, high=120,
                            required=True)
        assert born is not None and term is not None
        done = do_enrol_driver(
            session, principal, nik=nik[:64], name=name[:MAX_SHORT_TEXT], birth_date=born,
            sex=sex[:2], phone=phone[:30], occupation=occupation[:MAX_CODE],
            declared_income=DEFAULT_INCOME if income is None else income, months=term,
            funded_by=funded_by[:10])
    except (InvalidInput, Conflict) as exc:
        with refused(session, request) as fresh:
            return _page(request, principal, fresh, 409 if isinstance(exc, Conflict) else 422,
                         form=form, enrol_error=str(exc),
                         error_field=getattr(exc, "field", None))
    receipt = do_print_receipt(session, principal, done.receipt_number)
    return _page(request, principal, session, 201, done=done, receipt=receipt)


@router.get("/loket/bukti", include_in_schema=False)
def counter_receipt_find(nomor: str = "",
                         principal: Principal = Depends(CAN_ENROL)) -> Response:
    number = "".join(c for c in nomor.strip()[:20] if c.isalnum() or c == "-")
    return RedirectResponse(f"/loket/bukti/{number}" if number else "/loket", status_code=303)


@router.get("/loket/bukti/{number}.pdf", include_in_schema=False)
def counter_receipt_pdf(number: str, session: Session = DB,
                        principal: Principal = Depends(CAN_ENROL)) -> Response:
    pdf = card.receipt_pdf(session, principal, number[:20])
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="bukti-{number}.pdf"'})


@router.get("/loket/bukti/{number}", include_in_schema=False)
def counter_receipt(number: str, request: Request, session: Session = DB,
                    principal: Principal = Depends(CAN_ENROL)) -> Response:
    try:
        receipt = do_print_receipt(session, principal, number[:20])
    except NotFound as exc:
        return _page(request, principal, session, 404, check_error=str(exc))
    return _page(request, principal, session, receipt=receipt)


@router.post("/loket/bukti/{number}/kirim", include_in_schema=False)
def counter_send(number: str, request: Request, session: Session = DB,
                 principal: Principal = Depends(CAN_ENROL)) -> Response:
    try:
        receipt = do_send_enrolment(session, principal, number[:20])
    except Conflict as exc:
        with refused(session, request) as fresh:
            return _page(request, principal, fresh, 409, send_error=str(exc),
                         receipt=do_print_receipt(fresh, principal, number[:20]))
    return _page(request, principal, session, receipt=receipt)


@router.get("/loket/kartu/{number}.pdf", include_in_schema=False)
def counter_card(number: str, request: Request, session: Session = DB,
                 principal: Principal = Depends(CAN_ENROL)) -> Response:
    """The card of the payment with this receipt number, once BPJS gave the KPJ."""
    pdf = card.card_pdf(session, principal, number[:20],
                        base_url=card.public_base_url(str(request.base_url)))
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="kartu-{number}.pdf"'})


@router.get("/kartu/{code}", include_in_schema=False, dependencies=[ANONYMOUS_LIMIT])
def verify(code: str, request: Request, session: Session = DB) -> Response:
    """Public: no sign-in, on purpose (anyone holding the card can scan it); limited per
    client address."""
    status = do_verify_card(session, code[:64], client=client_address(request))
    return templates.TemplateResponse(request, "counter/verify.html", {
        "lang": language(request), "principal": None, "csrf_token": None,
        "status": status})
