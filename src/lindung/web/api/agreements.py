"""API: agreements (PKS): list and read within the caller's scope, create and amend (Pemda
admin). Money is integer rupiah, dates are ISO strings (``2026-01-31``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from fastapi import Path as ApiPath
from pydantic import BaseModel, BeforeValidator, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from lindung.accounts.permissions import Principal
from lindung.agreements.access import (
    agreement_for,
    amend_for,
    budget_of,
    create_for,
    used_quota,
    visible_agreements,
)
from lindung.agreements.models import Agreement, Organisation
from lindung.agreements.service import PhaseTerms, quota_usage
from lindung.limits import MAX_CODE, MAX_PHASE, MAX_QUOTA, MAX_RUPIAH, MAX_TEXT
from lindung.text import CODE_REGEX
from lindung.web.api.common import PAGE, PER_PAGE, STRICT, errors, text_field, whole_number
from lindung.web.deps import DB, api_requires, csrf_guard

router = APIRouter(tags=["PKS"], dependencies=[Depends(csrf_guard)])
MAY_AGREEMENTS_READ = api_requires("agreements.read")
MAY_AGREEMENTS_WRITE = api_requires("agreements.write")


def _iso_date(value: Any) -> Any:
    """Dates travel as ISO text only: a number is never taken for a date."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError("tanggal harus teks ISO seperti 2026-01-31")
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


class AgreementOut(BaseModel):
    model_config = STRICT
    code: str
    number: str | None
    title: str | None
    region_code: str
    segment: str
    programs: list[str]
    funded_by: str
    declared_income: int | None
    wage: int | None
    risk_class: int | None
    start_date: date
    end_date: date
    quota: int
    used: int
    budget_ceiling: int | None
    pemda: str | None
    branch: str | None


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


class AgreementDetail(AgreementOut):
    by_status: dict[str, int]
    phases: list[PhaseOut]
    amendments: list[AmendmentOut]
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
    number: str | None = text_field(120, default=None)
    title: str | None = text_field(250, default=None)
    budget_ceiling: Rupiah | None = None
    branch: str | None = Field(None, max_length=MAX_CODE)
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
    declared_income: Rupiah | None = None
    wage: Rupiah | None = None
    risk_class: RiskClass | None = None
    start_date: IsoDate | None = None
    end_date: IsoDate | None = None
    quota: Quota | None = None
    budget_ceiling: Rupiah | None = None


def _codes(session: Session, agreements: list[Agreement]) -> dict[int, str]:
    ids = {i for a in agreements for i in (a.pemda_id, a.branch_id) if i}
    if not ids:
        return {}
    rows = session.execute(select(Organisation.id, Organisation.code)
                           .where(Organisation.id.in_(ids))).all()
    return {ident: code for ident, code in rows}


def _out(agreement: Agreement, used: int, codes: dict[int, str]) -> dict[str, Any]:
    return dict(
        code=agreement.code, number=agreement.number, title=agreement.title,
        region_code=agreement.region_code, segment=agreement.segment,
        programs=agreement.program_list, funded_by=agreement.funding_source_code,
        declared_income=agreement.declared_income, wage=agreement.wage,
        risk_class=agreement.risk_class, start_date=agreement.start_date,
        end_date=agreement.end_date, quota=agreement.quota, used=used,
        budget_ceiling=agreement.budget_ceiling,
        pemda=codes.get(agreement.pemda_id) if agreement.pemda_id else None,
        branch=codes.get(agreement.branch_id) if agreement.branch_id else None)


def _detail(session: Session, agreement: Agreement) -> AgreementDetail:
    usage = quota_usage(session, agreement)
    budget = budget_of(agreement, usage["used"])
    return AgreementDetail(
        **_out(agreement, usage["used"], _codes(session, [agreement])),
        by_status=usage["by_status"],
        phases=[PhaseOut(number=p["number"], start_date=date.fromisoformat(p["start_date"]),
                         quota=p["quota"], used=p["used"]) for p in usage["phases"]],
        amendments=[AmendmentOut(number=a.number, effective_date=a.effective_date,
                                 reason=a.reason, changes=a.changes, actor=a.actor)
                    for a in agreement.amendments],
        budget=BudgetOut(
            contribution_per_member_month=budget.per_member.total if budget.per_member else None,
            months=budget.months, monthly_at_quota=budget.monthly_at_quota,
            annual_at_quota=budget.annual_at_quota, period_at_quota=budget.period_at_quota,
            period_at_members=budget.period_at_members, ceiling=budget.ceiling,
            within_ceiling=budget.within_ceiling, error=budget.error))


@router.get("/agreements", response_model=AgreementPage,
             responses=errors(422), summary="Daftar PKS dalam wilayah kerja")
def list_agreements(page: int = PAGE, per_page: int = PER_PAGE,
                    principal: Principal = Depends(MAY_AGREEMENTS_READ),
                    session: Session = DB) -> AgreementPage:
    agreements, total = visible_agreements(session, principal, page=page, per_page=per_page)
    used = used_quota(session, [a.id for a in agreements])
    codes = _codes(session, agreements)
    return AgreementPage(items=[AgreementOut(**_out(a, used.get(a.id, 0), codes))
                                for a in agreements], page=page, per_page=per_page, total=total)


@router.get("/agreements/{code}", response_model=AgreementDetail,
             responses=errors(404),
            summary="PKS dengan tahap, addendum, iuran per peserta dan anggaran")
def read_agreement(code: CodePath, principal: Principal = Depends(MAY_AGREEMENTS_READ),
                   session: Session = DB) -> AgreementDetail:
    return _detail(session, agreement_for(session, principal, code))


@router.post("/agreements", response_model=AgreementDetail, status_code=201,
             responses=errors(409, 422),
             summary="Mencatat PKS baru")
def create_agreement(body: AgreementCreate,
                     principal: Principal = Depends(MAY_AGREEMENTS_WRITE),
                     session: Session = DB) -> AgreementDetail:
    agreement = create_for(
        session, principal, code=body.code, region_code=body.region_code,
        segment=body.segment, programs=[p.lower() for p in body.programs],
        funded_by=body.funded_by, start=body.start_date, end=body.end_date, quota=body.quota,
        declared_income=body.declared_income, wage=body.wage, risk_class=body.risk_class,
        number=body.number, title=body.title, budget_ceiling=body.budget_ceiling,
        branch_code=body.branch,
        phases=[PhaseTerms(p.number, p.start_date, p.quota) for p in body.phases])
    return _detail(session, agreement)


FIELDS = {"number": "number", "title": "title", "programs": "programs",
          "funded_by": "funding_source_code", "declared_income": "declared_income",
          "wage": "wage", "risk_class": "risk_class", "start_date": "start_date",
          "end_date": "end_date", "quota": "quota", "budget_ceiling": "budget_ceiling"}


@router.post("/agreements/{code}/amendments", response_model=AmendmentOut, status_code=201,
             responses=errors(404, 409, 422),
             summary="Addendum PKS")
def amend_agreement(code: CodePath, body: AmendmentCreate,
                    principal: Principal = Depends(MAY_AGREEMENTS_WRITE),
                    session: Session = DB) -> AmendmentOut:
    changes: dict[str, Any] = {}
    for name in body.model_fields_set & set(FIELDS):
        value = getattr(body, name)
        changes[FIELDS[name]] = (",".join(p.lower() for p in value)
                                 if name == "programs" and value is not None else value)
    amendment = amend_for(session, principal, code, changes, effective=body.effective_date,
                          reason=body.reason)
    return AmendmentOut(number=amendment.number, effective_date=amendment.effective_date,
                        reason=amendment.reason, changes=amendment.changes,
                        actor=amendment.actor)
