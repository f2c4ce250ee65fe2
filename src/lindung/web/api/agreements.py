"""API: agreements (PKS): list and read within the caller's scope (the terms in force on any
day, and their history), create, amend (a new period of terms) and assign payers (Pemda admin).
Money is integer rupiah, dates are ISO strings (``2026-01-31``)."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi import Path as ApiPath
from pydantic import BaseModel, BeforeValidator, Field
from sqlalchemy.orm import Session

from lindung import clock
from lindung.agreements.actions import (
    PhaseTerms,
    do_amend_agreement,
    do_assign_payer,
    do_create_agreement,
)
from lindung.agreements.models import Agreement, AgreementTerms
from lindung.agreements.queries import (
    agreement_for,
    budget_of,
    organisation_codes,
    terms_periods,
    visible_agreements,
)
from lindung.agreements.terms import agreement_terms_on
from lindung.enrollment.queries import open_members, quota_usage, used_quota
from lindung.limits import MAX_CODE, MAX_PHASE, MAX_QUOTA, MAX_RUPIAH, MAX_TEXT
from lindung.principal import Principal
from lindung.text import CODE_REGEX
from lindung.web.api.common import PAGE, PER_PAGE, STRICT, errors, text_field, whole_number
from lindung.web.deps import DB, api_requires, csrf_guard

router = APIRouter(tags=["PKS"], dependencies=[Depends(csrf_guard)])
MAY_AGREEMENTS_READ = api_requires("agreements.read")
MAY_AGREEMENTS_WRITE = api_requires("agreements.write")


ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def _iso_date(value: Any) -> Any:
    """Dates travel as ISO text only: a number is never taken for a date."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not ISO_DAY.fullmatch(value):
        raise ValueError("tanggal harus teks seperti 2026-01-31 (tahun-bulan-hari)")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"tanggal harus seperti 2026-01-31, bukan {value!r}") from exc


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
Rupiah = Annotated[int, Field(ge=0, le=MAX_RUPIAH), BeforeValidator(whole_number)]
Quota = Annotated[int, Field(ge=1, le=MAX_QUOTA), BeforeValidator(whole_number)]
RiskClass = Annotated[int, Field(ge=1, le=5), BeforeValidator(whole_number)]
Code = Annotated[str, Field(min_length=1, max_length=MAX_CODE, pattern=CODE_REGEX,
                            description="huruf, angka, - atau _; mis. METRO-2026")]
Programs = Annotated[list[Annotated[str, Field(max_length=10)]],
                     Field(min_length=1, max_length=5, description="mis. [\"jkk\", \"jkm\"]")]
CodePath = Annotated[str, ApiPath(max_length=MAX_CODE, description="kode PKS")]


PayerCode = Annotated[str, Field(min_length=1, max_length=MAX_CODE,
                                 description="kode organisasi pembayar, atau self (pekerja)")]


class PhaseIn(BaseModel):
    model_config = STRICT
    number: Annotated[int, Field(ge=1, le=MAX_PHASE), BeforeValidator(whole_number)]
    start_date: IsoDate
    quota: Quota


class PhaseOut(PhaseIn):
    used: int


class AmendmentOut(BaseModel):
    model_config = STRICT
    number: int
    effective_date: date
    reason: str
    changes: dict[str, list[Any]]
    actor: str


class TermsOut(BaseModel):
    """The terms of one validity period (``valid_to`` null: until a later amendment)."""

    model_config = STRICT
    valid_from: date
    valid_to: date | None
    programs: list[str]
    funded_by: str
    payer: str | None = Field(description="kode organisasi pembayar; null: pekerja sendiri")
    declared_income: int | None
    wage: int | None
    risk_class: int | None
    contract_months: int | None
    quota: int
    budget_ceiling: int | None
    start_date: date
    end_date: date


class AgreementOut(TermsOut):
    """An agreement with the terms in force on the day asked (``valid_from``/``valid_to``:
    the period of those terms)."""

    code: str
    number: str | None
    title: str | None
    region_code: str
    segment: str
    pemda: str | None
    branch: str | None
    used: int


class BudgetOut(BaseModel):
    model_config = STRICT
    contribution_per_member_month: int | None
    months: int
    monthly_at_quota: int
    annual_at_quota: int
    period_at_quota: int
    period_at_members: int
    ceiling: int | None
    within_ceiling: bool | None
    error: str | None


class PayerOut(BaseModel):
    model_config = STRICT
    phase: int | None
    group: str | None
    payer: str | None
    funded_by: str
    valid_from: date
    valid_to: date | None


class AgreementDetail(AgreementOut):
    by_status: dict[str, int]
    phases: list[PhaseOut]
    amendments: list[AmendmentOut]
    terms_history: list[TermsOut]
    payers: list[PayerOut]
    budget: BudgetOut


class AgreementPage(BaseModel):
    model_config = STRICT
    items: list[AgreementOut]
    page: int
    per_page: int
    total: int


class AgreementCreate(BaseModel):
    model_config = STRICT
    code: Code
    region_code: str = Field(max_length=13, description="kode wilayah Kemendagri, mis. 18.72")
    segment: Literal["pu", "bpu", "jakon", "pmi"]
    programs: Programs
    funded_by: str = Field(max_length=10, description="apbd, apbdes, dbhcht, apbn, csr, self")
    start_date: IsoDate
    end_date: IsoDate
    quota: Quota
    declared_income: Rupiah | None = None
    wage: Rupiah | None = None
    risk_class: RiskClass | None = None
    contract_months: Annotated[int, Field(ge=1, le=120), BeforeValidator(whole_number)] | None \
        = None
    number: str | None = text_field(120, default=None)
    title: str | None = text_field(250, default=None)
    budget_ceiling: Rupiah | None = None
    branch: str | None = Field(None, max_length=MAX_CODE)
    payer: PayerCode | None = None
    phases: list[PhaseIn] = Field([], max_length=MAX_PHASE)


class AmendmentCreate(BaseModel):
    """An addendum: the date it takes effect, why, and only the terms that change."""

    model_config = STRICT
    effective_date: IsoDate
    reason: str = text_field(MAX_TEXT)
    number: str | None = text_field(120, default=None)
    title: str | None = text_field(250, default=None)
    programs: Programs | None = None
    funded_by: str | None = Field(None, max_length=10)
    payer: PayerCode | None = None
    declared_income: Rupiah | None = None
    wage: Rupiah | None = None
    risk_class: RiskClass | None = None
    contract_months: Annotated[int, Field(ge=1, le=120), BeforeValidator(whole_number)] | None \
        = None
    start_date: IsoDate | None = None
    end_date: IsoDate | None = None
    quota: Quota | None = None
    budget_ceiling: Rupiah | None = None
    phases: list[PhaseIn] = Field([], max_length=MAX_PHASE, description=(
        "Tahap baru yang ditambahkan addendum (mis. untuk tambahan kuota): mulai pada atau "
        "setelah tanggal berlaku dan setelah tahap terakhir; tahap yang sudah ada tidak diubah"))


class PayerAssign(BaseModel):
    """Who pays for one group of the agreement's members from a day on: the members of a phase,
    of an organisation (an OPD, a service counter), or both."""

    model_config = STRICT
    effective_date: IsoDate
    funded_by: str = Field(max_length=10)
    payer: PayerCode | None = Field(None, description="null: the Pemda; self: the worker")
    phase: Annotated[int, Field(ge=1, le=MAX_PHASE), BeforeValidator(whole_number)] | None = None
    group: str | None = Field(None, max_length=MAX_CODE, description="kode organisasi")


def _terms(terms: AgreementTerms, codes: dict[int, str]) -> TermsOut:
    return TermsOut(
        valid_from=terms.valid_from, valid_to=terms.valid_to, programs=terms.program_list,
        funded_by=terms.funding_source_code,
        payer=codes.get(terms.payer_id) if terms.payer_id else None,
        declared_income=terms.declared_income, wage=terms.wage, risk_class=terms.risk_class,
        contract_months=terms.contract_months, quota=terms.quota,
        budget_ceiling=terms.budget_ceiling, start_date=terms.start_date,
        end_date=terms.end_date)


def _codes(session: Session, agreements: list[Agreement]) -> dict[int, str]:
    ids: set[int | None] = set()
    for a in agreements:
        ids |= {a.pemda_id, a.branch_id, *(p.payer_id for p in a.periods),
                *(p.payer_id for p in a.payers), *(p.group_id for p in a.payers)}
    return organisation_codes(session, ids)


def _out(agreement: Agreement, terms: AgreementTerms, used: int,
         codes: dict[int, str]) -> dict[str, Any]:
    return dict(
        code=agreement.code, number=agreement.number, title=agreement.title,
        region_code=agreement.region_code, segment=agreement.segment,
        pemda=codes.get(agreement.pemda_id) if agreement.pemda_id else None,
        branch=codes.get(agreement.branch_id) if agreement.branch_id else None,
        used=used, **_terms(terms, codes).model_dump())


def _detail(session: Session, agreement: Agreement, on: date) -> AgreementDetail:
    terms = agreement_terms_on(agreement, on)
    usage = quota_usage(session, agreement, terms.quota)
    budget = budget_of(agreement, terms, usage["spans"])
    codes = _codes(session, [agreement])
    return AgreementDetail(
        **_out(agreement, terms, usage["used"], codes),
        by_status=usage["by_status"],
        phases=[PhaseOut(number=p["number"], start_date=date.fromisoformat(p["start_date"]),
                         quota=p["quota"], used=p["used"]) for p in usage["phases"]],
        amendments=[AmendmentOut(number=a.number, effective_date=a.effective_date,
                                 reason=a.reason, changes=a.changes, actor=a.actor)
                    for a in agreement.amendments],
        terms_history=[_terms(p, codes) for p in terms_periods(agreement)],
        payers=[PayerOut(phase=p.phase_number,
                         group=codes.get(p.group_id) if p.group_id else None,
                         payer=codes.get(p.payer_id) if p.payer_id else None,
                         funded_by=p.funding_source_code, valid_from=p.valid_from,
                         valid_to=p.valid_to) for p in agreement.payers],
        budget=BudgetOut(
            contribution_per_member_month=budget.per_member.total if budget.per_member else None,
            months=budget.months, monthly_at_quota=budget.monthly_at_quota,
            annual_at_quota=budget.annual_at_quota, period_at_quota=budget.period_at_quota,
            period_at_members=budget.period_at_members, ceiling=budget.ceiling,
            within_ceiling=budget.within_ceiling, error=budget.error))


OnDay = Annotated[date | None,
                  BeforeValidator(lambda v: None if v is None else _iso_date(v)),
                  Query(description="hari yang ketentuannya ditampilkan (bawaan: hari ini), mis. "
                                    "2026-08-01")]


def _day(on: date | None) -> date:
    return on or clock.today()


@router.get("/agreements", response_model=AgreementPage,
            responses=errors(422), summary="Daftar PKS dalam wilayah kerja")
def list_agreements(page: int = PAGE, per_page: int = PER_PAGE, on: OnDay = None,
                    principal: Principal = Depends(MAY_AGREEMENTS_READ),
                    session: Session = DB) -> AgreementPage:
    agreements, total = visible_agreements(session, principal, page=page, per_page=per_page)
    used = used_quota(session, [a.id for a in agreements])
    codes = _codes(session, agreements)
    return AgreementPage(items=[AgreementOut(**_out(a, agreement_terms_on(a, _day(on)),
                                                    used.get(a.id, 0), codes))
                                for a in agreements], page=page, per_page=per_page, total=total)


@router.get("/agreements/{code}", response_model=AgreementDetail,
            responses=errors(404, 422),
            summary="PKS dengan ketentuan pada suatu hari, riwayatnya, tahap, pembayar, "
                    "addendum, iuran per peserta dan anggaran")
def read_agreement(code: CodePath, on: OnDay = None,
                   principal: Principal = Depends(MAY_AGREEMENTS_READ),
                   session: Session = DB) -> AgreementDetail:
    return _detail(session, agreement_for(session, principal, code), _day(on))


@router.post("/agreements", response_model=AgreementDetail, status_code=201,
             responses=errors(409, 422),
             summary="Mencatat PKS baru")
def create_agreement(body: AgreementCreate,
                     principal: Principal = Depends(MAY_AGREEMENTS_WRITE),
                     session: Session = DB) -> AgreementDetail:
    agreement = do_create_agreement(
        session, principal, code=body.code, region_code=body.region_code,
        segment=body.segment, programs=[p.lower() for p in body.programs],
        funded_by=body.funded_by, start=body.start_date, end=body.end_date, quota=body.quota,
        declared_income=body.declared_income, wage=body.wage, risk_class=body.risk_class,
        contract_months=body.contract_months, number=body.number, title=body.title,
        budget_ceiling=body.budget_ceiling, branch_code=body.branch, payer_code=body.payer,
        phases=[PhaseTerms(p.number, p.start_date, p.quota) for p in body.phases])
    return _detail(session, agreement, _day(None))


TERMS = {"programs": "programs", "funded_by": "funded_by", "payer": "payer",
         "declared_income": "income", "wage": "wage", "risk_class": "risk_class",
         "contract_months": "contract_months", "start_date": "start", "end_date": "end",
         "quota": "quota", "budget_ceiling": "budget", "number": "number", "title": "title"}
"""The amendment body's fields -> the terms' names."""


@router.post("/agreements/{code}/amendments", response_model=AmendmentOut, status_code=201,
             responses=errors(404, 409, 422),
             summary="Addendum PKS: ketentuan baru mulai tanggal berlakunya")
def amend_agreement(code: CodePath, body: AmendmentCreate,
                    principal: Principal = Depends(MAY_AGREEMENTS_WRITE),
                    session: Session = DB) -> AmendmentOut:
    changes: dict[str, Any] = {}
    for name in body.model_fields_set & set(TERMS):
        value = getattr(body, name)
        changes[TERMS[name]] = ([p.lower() for p in value]
                                if name == "programs" and value is not None else value)
    if body.phases:
        changes["phases"] = [PhaseTerms(p.number, p.start_date, p.quota) for p in body.phases]
    amendment = do_amend_agreement(session, principal, code, changes,
                                   effective=body.effective_date, reason=body.reason,
                                   members=open_members)
    return AmendmentOut(number=amendment.number, effective_date=amendment.effective_date,
                        reason=amendment.reason, changes=amendment.changes,
                        actor=amendment.actor)


@router.post("/agreements/{code}/payers", response_model=PayerOut, status_code=201,
             responses=errors(404, 409, 422),
             summary="Pembayar untuk satu kelompok peserta (tahap atau organisasi)")
def assign_payer(code: CodePath, body: PayerAssign,
                 principal: Principal = Depends(MAY_AGREEMENTS_WRITE),
                 session: Session = DB) -> PayerOut:
    assignment = do_assign_payer(session, principal, code, payer_code=body.payer,
                                 funded_by=body.funded_by, effective=body.effective_date,
                                 phase_number=body.phase, group_code=body.group)
    codes = organisation_codes(session, {assignment.payer_id, assignment.group_id})
    return PayerOut(phase=assignment.phase_number,
                    group=codes.get(assignment.group_id) if assignment.group_id else None,
                    payer=codes.get(assignment.payer_id) if assignment.payer_id else None,
                    funded_by=assignment.funding_source_code, valid_from=assignment.valid_from,
                    valid_to=assignment.valid_to)
