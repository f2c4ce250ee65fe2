"""Pages: agreements (PKS): list with quota use, detail with the terms in force and their
history, phases, payers, contribution per member and budget against the ceiling; create and
amend forms for the Pemda admin.

Thin: scopes, permissions and the rules are the actions' and queries' of
:mod:`lindung.agreements` (and enrollment's for the members).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from lindung import clock
from lindung.agreements.actions import (
    SELF,
    PhaseTerms,
    do_amend_agreement,
    do_create_agreement,
)
from lindung.agreements.models import Agreement
from lindung.agreements.queries import (
    agreement_for,
    budget_of,
    funding_sources,
    organisation_names,
    terms_periods,
    visible_agreements,
)
from lindung.agreements.terms import agreement_terms_on
from lindung.db import session_factory
from lindung.enrollment.queries import open_members, quota_usage, used_quota
from lindung.errors import InvalidInput, LindungError
from lindung.limits import MAX_PHASE, MAX_QUOTA, MAX_RUPIAH
from lindung.organisations.queries import branches, organisations_under
from lindung.principal import Principal
from lindung.rules.contributions import PROGRAMMES, SEGMENTS
from lindung.web import (
    forms,
    texts_enrolment,  # noqa: F401  (registers the page words)
)
from lindung.web.deps import DB, engine_of, language, page_requires
from lindung.web.templating import templates

router = APIRouter()
MAY_AGREEMENTS_READ = page_requires("agreements.read")
MAY_AGREEMENTS_WRITE = page_requires("agreements.write")
PER_PAGE = 50


def _page(request: Request, name: str, principal: Principal, status: int = 200,
          **context: Any) -> Response:
    return templates.TemplateResponse(request, name, {
        "lang": language(request), "principal": principal, "csrf_token": request.state.csrf,
        **context}, status_code=status)


def refused(session: Session, request: Request) -> Session:
    """Undo whatever a refused change had begun; the page that says why is then read in a new
    session (the request's transaction is over). Use it in a ``with`` block."""
    session.rollback()
    return session_factory(engine_of(request))()


# --- reading form fields, naming the field that is wrong --------------------------------------

_text = forms.text


def _money(form: Any, name: str, label: str) -> int | None:
    return forms.form_number(form, name, label=label, low=0, high=MAX_RUPIAH)


def _phases(text: str) -> list[PhaseTerms]:
    """One phase per line, ``NOMOR;TANGGAL;KUOTA`` (``:`` also accepted)."""
    phases = []
    lines = [raw.strip() for raw in text.splitlines() if raw.strip()]
    if len(lines) > MAX_PHASE:
        raise InvalidInput(f"paling banyak {MAX_PHASE} tahap", "phases")
    for n, line in enumerate(lines, start=1):
        parts = [part.strip() for part in line.replace(":", ";").split(";")]
        if len(parts) != 3:
            raise InvalidInput(f"tahap baris {n} harus berbentuk NOMOR;TANGGAL;KUOTA, "
                               "mis. 1;2026-01-01;1200", "phases")
        label = f"tahap baris {n}:"
        number = forms.number(parts[0], label=f"{label} nomor", field="phases", low=1,
                              high=MAX_PHASE, required=True)
        start = forms.day(parts[1], label=f"{label} tanggal mulai", field="phases",
                          required=True)
        quota = forms.number(parts[2], label=f"{label} kuota", field="phases", low=1,
                             high=MAX_QUOTA, required=True)
        assert number is not None and start is not None and quota is not None
        phases.append(PhaseTerms(number, start, quota))
    return phases


def _form_choices(session: Session, principal: Principal) -> dict[str, Any]:
    payers = (organisations_under(session, principal.pemda_id)
              if principal.pemda_id is not None else [])
    return {"segments": SEGMENTS, "programs": PROGRAMMES, "branches": branches(session),
            "funding": funding_sources(session), "payers": payers, "self_code": SELF}


# --- pages -----------------------------------------------------------------------------------


@router.get("/pks", include_in_schema=False)
def agreement_list(request: Request, page: str = "1",
                   principal: Principal = Depends(MAY_AGREEMENTS_READ),
                   session: Session = DB) -> Response:
    number = forms.page_number(page)
    agreements, total = visible_agreements(session, principal, page=number, per_page=PER_PAGE)
    today = clock.today()
    terms = {a.id: agreement_terms_on(a, today) for a in agreements}
    used = used_quota(session, [a.id for a in agreements])
    return _page(request, "agreements/list.html", principal, agreements=agreements, used=used,
                 terms=terms, page=number, pages=max((total + PER_PAGE - 1) // PER_PAGE, 1),
                 total=total)


@router.get("/pks/baru", include_in_schema=False)
def agreement_new(request: Request,
                  principal: Principal = Depends(MAY_AGREEMENTS_WRITE),
                  session: Session = DB) -> Response:
    values = {"region": principal.region_code or "", "segment": "bpu", "programs": ["jkk", "jkm"],
              "funded_by": "apbd"}
    return _page(request, "agreements/new.html", principal, values=values, error=None,
                 **_form_choices(session, principal))


@router.post("/pks/baru", include_in_schema=False)
async def agreement_create(request: Request,
                           principal: Principal = Depends(MAY_AGREEMENTS_WRITE),
                           session: Session = DB) -> Response:
    form = await request.form()
    values: dict[str, Any] = {k: _text(form, k) for k in form if k != "csrf_token"}
    values["programs"] = [p for p in form.getlist("programs") if isinstance(p, str)]
    try:
        agreement = do_create_agreement(
            session, principal, code=_text(form, "code"), region_code=_text(form, "region"),
            segment=_text(form, "segment"), programs=values["programs"][:10],
            funded_by=_text(form, "funded_by"),
            start=forms.form_day(form, "start", label="tanggal mulai", required=True)
            or date.min,
            end=forms.form_day(form, "end", label="tanggal akhir", required=True) or date.min,
            quota=forms.form_number(form, "quota", label="kuota", low=1, high=MAX_QUOTA,
                                    required=True) or 0,
            declared_income=_money(form, "income", "penghasilan"),
            wage=_money(form, "wage", "upah"),
            risk_class=forms.form_number(form, "risk_class", label="kelas risiko", low=1,
                                         high=5),
            number=_text(form, "number") or None, title=_text(form, "title") or None,
            budget_ceiling=_money(form, "budget_ceiling", "pagu anggaran"),
            branch_code=_text(form, "branch") or None,
            payer_code=_text(form, "payer") or None,
            phases=_phases(_text(form, "phases")))
        code = agreement.code
    except LindungError as exc:
        with refused(session, request) as fresh:
            return _page(request, "agreements/new.html", principal, status=422, values=values,
                         error=str(exc), **_form_choices(fresh, principal))
    return RedirectResponse(f"/pks/{code}", status_code=303)


@router.get("/pks/{code}", include_in_schema=False)
def agreement_detail(code: str, request: Request,
                     principal: Principal = Depends(MAY_AGREEMENTS_READ),
                     session: Session = DB) -> Response:
    agreement = agreement_for(session, principal, code)
    terms = agreement_terms_on(agreement, clock.today())
    usage = quota_usage(session, agreement, terms.quota)
    periods = terms_periods(agreement)
    ids = {agreement.pemda_id, agreement.branch_id, *(p.payer_id for p in periods),
           *(p.payer_id for p in agreement.payers), *(p.group_id for p in agreement.payers)}
    return _page(request, "agreements/detail.html", principal, agreement=agreement,
                 terms=terms, periods=periods, usage=usage,
                 budget=budget_of(agreement, terms, usage["spans"]),
                 names=organisation_names(session, ids),
                 funding={f.code: f.name for f in funding_sources(session)})


def _amend_page(request: Request, principal: Principal, agreement: Agreement,
                session: Session, values: dict[str, Any], error: str | None,
                status: int = 200) -> Response:
    return _page(request, "agreements/amend.html", principal, status=status, agreement=agreement,
                 values=values, error=error, **_form_choices(session, principal))


@router.get("/pks/{code}/addendum", include_in_schema=False)
def agreement_amend_form(code: str, request: Request,
                         principal: Principal = Depends(MAY_AGREEMENTS_WRITE),
                         session: Session = DB) -> Response:
    agreement = agreement_for(session, principal, code, write=True)
    terms = agreement_terms_on(agreement, clock.today())
    return _amend_page(request, principal, agreement, session,
                       {"effective": clock.today().isoformat(),
                        "programs": terms.program_list}, None)


AMEND_NUMBERS = (("quota", "quota", "kuota", 1, MAX_QUOTA),
                 ("budget_ceiling", "budget", "pagu anggaran", 0, MAX_RUPIAH),
                 ("income", "income", "penghasilan", 0, MAX_RUPIAH),
                 ("wage", "wage", "upah", 0, MAX_RUPIAH),
                 ("risk_class", "risk_class", "kelas risiko", 1, 5))
"""Form field -> term, label and bounds of the numbers an addendum may change."""


@router.post("/pks/{code}/addendum", include_in_schema=False)
async def agreement_amend(code: str, request: Request,
                          principal: Principal = Depends(MAY_AGREEMENTS_WRITE),
                          session: Session = DB) -> Response:
    agreement = agreement_for(session, principal, code, write=True)
    form = await request.form()
    values: dict[str, Any] = {k: _text(form, k) for k in form if k != "csrf_token"}
    picked = [p for p in form.getlist("programs") if isinstance(p, str)][:10]
    values["programs"] = picked
    try:
        effective = forms.form_day(form, "effective", label="tanggal berlaku",
                                   required=True) or date.min
        changes: dict[str, Any] = {}
        for name, term, label, low, high in AMEND_NUMBERS:
            number = forms.form_number(form, name, label=label, low=low, high=high)
            if number is not None:
                changes[term] = number
        for name, term, label in (("start", "start", "tanggal mulai"),
                                  ("end", "end", "tanggal akhir")):
            day = forms.form_day(form, name, label=label)
            if day is not None:
                changes[term] = day
        for name in ("number", "title", "funded_by", "payer"):
            if _text(form, name):
                changes[name] = _text(form, name)
        phase_start = forms.form_day(form, "phase_start", label="tanggal mulai tahap baru")
        phase_quota = forms.form_number(form, "phase_quota", label="kuota tahap baru", low=1,
                                        high=MAX_QUOTA)
        if phase_start is not None or phase_quota is not None:
            if phase_start is None or phase_quota is None:
                raise InvalidInput("tahap baru perlu tanggal mulai dan kuota", "phases")
            changes["phases"] = [PhaseTerms(
                max((p.number for p in agreement.phases), default=0) + 1, phase_start,
                phase_quota)]
        in_force = agreement_terms_on(agreement, effective)
        if picked and picked != in_force.program_list:
            changes["programs"] = picked
        do_amend_agreement(session, principal, code, changes, effective=effective,
                           reason=_text(form, "reason"), members=open_members)
    except LindungError as exc:
        with refused(session, request) as fresh:
            agreement = agreement_for(fresh, principal, code, write=True)
            return _amend_page(request, principal, agreement, fresh, values, str(exc), 422)
    return RedirectResponse(f"/pks/{code}", status_code=303)

