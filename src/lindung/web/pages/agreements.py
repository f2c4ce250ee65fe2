"""Pages: agreements (PKS): list with quota use, detail with phases, amendments, contribution per
member and budget against the ceiling; create and amend forms for the Pemda admin.

Thin: scopes and permissions are enforced by :mod:`lindung.agreements.access`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from lindung import clock
from lindung.accounts.permissions import Principal
from lindung.agreements.access import (
    agreement_for,
    amend_for,
    branches,
    budget_of,
    create_for,
    used_quota,
    visible_agreements,
)
from lindung.agreements.models import Agreement, FundingSource, Organisation
from lindung.agreements.service import PhaseTerms, quota_usage
from lindung.db import session_factory
from lindung.errors import InvalidInput, LindungError
from lindung.limits import MAX_PHASE, MAX_QUOTA, MAX_RUPIAH
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


def _form_choices(session: Session) -> dict[str, Any]:
    return {"segments": SEGMENTS, "programs": PROGRAMMES, "branches": branches(session),
            "funding": list(session.scalars(select(FundingSource)
                                            .order_by(FundingSource.code)))}


# --- pages -----------------------------------------------------------------------------------


@router.get("/pks", include_in_schema=False)
def agreement_list(request: Request, page: str = "1",
                   principal: Principal = Depends(MAY_AGREEMENTS_READ),
                   session: Session = DB) -> Response:
    number = forms.page_number(page)
    agreements, total = visible_agreements(session, principal, page=number, per_page=PER_PAGE)
    used = used_quota(session, [a.id for a in agreements])
    return _page(request, "agreements/list.html", principal, agreements=agreements, used=used,
                 page=number, pages=max((total + PER_PAGE - 1) // PER_PAGE, 1), total=total)


@router.get("/pks/baru", include_in_schema=False)
def agreement_new(request: Request,
                  principal: Principal = Depends(MAY_AGREEMENTS_WRITE),
                  session: Session = DB) -> Response:
    values = {"region": principal.region_code or "", "segment": "bpu", "programs": ["jkk", "jkm"],
              "funded_by": "apbd"}
    return _page(request, "agreements/new.html", principal, values=values, error=None,
                 **_form_choices(session))


@router.post("/pks/baru", include_in_schema=False)
async def agreement_create(request: Request,
                           principal: Principal = Depends(MAY_AGREEMENTS_WRITE),
                           session: Session = DB) -> Response:
    form = await request.form()
    values: dict[str, Any] = {k: _text(form, k) for k in form if k != "csrf_token"}
    values["programs"] = [p for p in form.getlist("programs") if isinstance(p, str)]
    try:
        if not _text(form, "code"):
            raise InvalidInput("kode PKS wajib diisi", "code")
        agreement = create_for(
            session, principal, code=_text(form, "code"), region_code=_text(form, "region"),
            segment=_text(form, "segment"), programs=values["programs"],
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
            phases=_phases(_text(form, "phases")))
        code = agreement.code
    except LindungError as exc:
        with refused(session, request) as fresh:
            return _page(request, "agreements/new.html", principal, status=422, values=values,
                         error=str(exc), **_form_choices(fresh))
    return RedirectResponse(f"/pks/{code}", status_code=303)


@router.get("/pks/{code}", include_in_schema=False)
def agreement_detail(code: str, request: Request,
                     principal: Principal = Depends(MAY_AGREEMENTS_READ),
                     session: Session = DB) -> Response:
    agreement = agreement_for(session, principal, code)
    usage = quota_usage(session, agreement)
    names = {o.id: o.name for o in session.scalars(select(Organisation).where(
        Organisation.id.in_([i for i in (agreement.pemda_id, agreement.branch_id) if i])))}
    funding = session.get(FundingSource, agreement.funding_source_code)
    return _page(request, "agreements/detail.html", principal, agreement=agreement, usage=usage,
                 budget=budget_of(agreement, usage["used"]), names=names, funding=funding)


def _amend_page(request: Request, principal: Principal, agreement: Agreement,
                session: Session, values: dict[str, Any], error: str | None,
                status: int = 200) -> Response:
    return _page(request, "agreements/amend.html", principal, status=status, agreement=agreement,
                 values=values, error=error, **_form_choices(session))


@router.get("/pks/{code}/addendum", include_in_schema=False)
def agreement_amend_form(code: str, request: Request,
                         principal: Principal = Depends(MAY_AGREEMENTS_WRITE),
                         session: Session = DB) -> Response:
    agreement = agreement_for(session, principal, code, write=True)
    return _amend_page(request, principal, agreement, session,
                       {"effective": clock.today().isoformat(),
                        "programs": agreement.program_list}, None)


@router.post("/pks/{code}/addendum", include_in_schema=False)
async def agreement_amend(code: str, request: Request,
                          principal: Principal = Depends(MAY_AGREEMENTS_WRITE),
                          session: Session = DB) -> Response:
    agreement = agreement_for(session, principal, code, write=True)
    form = await request.form()
    values: dict[str, Any] = {k: _text(form, k) for k in form if k != "csrf_token"}
    picked = [p for p in form.getlist("programs") if isinstance(p, str)]
    values["programs"] = picked
    try:
        changes: dict[str, Any] = {}
        for name, field, label, high in (
                ("quota", "quota", "kuota", MAX_QUOTA),
                ("budget_ceiling", "budget_ceiling", "pagu anggaran", MAX_RUPIAH),
                ("income", "declared_income", "penghasilan", MAX_RUPIAH),
                ("wage", "wage", "upah", MAX_RUPIAH),
                ("risk_class", "risk_class", "kelas risiko", 5)):
            number = forms.form_number(form, name, label=label, high=high,
                                       low=0 if high == MAX_RUPIAH else 1)
            if number is not None:
                changes[field] = number
        for name, field, label in (("start", "start_date", "tanggal mulai"),
                                   ("end", "end_date", "tanggal akhir")):
            day = forms.form_day(form, name, label=label)
            if day is not None:
                changes[field] = day
        for name, field in (("number", "number"), ("title", "title"),
                            ("funded_by", "funding_source_code")):
            if _text(form, name):
                changes[field] = _text(form, name)
        if picked and ",".join(picked) != agreement.programs:
            changes["programs"] = ",".join(picked)
        if not changes:
            raise InvalidInput("tidak ada yang diubah: isi paling sedikit satu ketentuan baru",
                               "changes")
        amend_for(session, principal, code, changes,
                  effective=forms.form_day(form, "effective", label="tanggal berlaku",
                                           required=True) or date.min,
                  reason=_text(form, "reason"))
    except LindungError as exc:
        with refused(session, request) as fresh:
            agreement = agreement_for(fresh, principal, code, write=True)
            return _amend_page(request, principal, agreement, fresh, values, str(exc), 422)
    return RedirectResponse(f"/pks/{code}", status_code=303)
