"""Agreements as a principal may see and change them: the scope is enforced here, not in pages.

Web pages, the API and any future caller go through these functions with the acting
:class:`~lindung.accounts.permissions.Principal`. An agreement outside the principal's scope is
reported as not found (its existence is not disclosed); a missing permission is Forbidden.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lindung.accounts.permissions import Forbidden, Principal
from lindung.agreements.models import Agreement, AgreementAmendment, Organisation
from lindung.agreements.service import (
    PhaseTerms,
    amend_agreement,
    create_agreement,
)
from lindung.enrollment.models import OPEN_STATUSES, Membership
from lindung.errors import InvalidInput, NotFound
from lindung.rules import ContributionResult, InvalidContribution, contribution


def visible_agreements(session: Session, principal: Principal, *, page: int = 1,
                       per_page: int = 50) -> tuple[list[Agreement], int]:
    """The agreements in the principal's scope (newest start first) and how many there are."""
    principal.require("agreements.read")
    scope = principal.agreement_filter(Agreement)
    total = int(session.scalar(select(func.count()).select_from(Agreement).where(scope)) or 0)
    rows = session.scalars(select(Agreement).where(scope)
                           .order_by(Agreement.start_date.desc(), Agreement.code)
                           .offset((max(page, 1) - 1) * per_page).limit(per_page))
    return list(rows), total


def agreement_for(session: Session, principal: Principal, code: str, *,
                  write: bool = False) -> Agreement:
    """One agreement the principal may read (or, with ``write``, amend); NotFound outside scope."""
    principal.require("agreements.write" if write else "agreements.read")
    return agreement_in_scope(session, principal, code)


def agreement_in_scope(session: Session, principal: Principal, code: str) -> Agreement:
    """An agreement in the principal's scope; the caller has checked the permission it needs
    (importing, exporting or answering does not require ``agreements.read``)."""
    agreement = session.scalar(select(Agreement).where(
        Agreement.code == code, principal.agreement_filter(Agreement)))
    if agreement is None:
        raise NotFound(f"PKS dengan kode {code!r} tidak ditemukan di wilayah kerja Anda")
    return agreement


def used_quota(session: Session, agreement_ids: list[int]) -> dict[int, int]:
    """Open memberships (proposed, submitted, active) per agreement: the quota in use."""
    if not agreement_ids:
        return {}
    return {agreement_id: int(n) for agreement_id, n in session.execute(
        select(Membership.agreement_id, func.count())
        .where(Membership.agreement_id.in_(agreement_ids),
               Membership.status.in_(OPEN_STATUSES))
        .group_by(Membership.agreement_id))}


def branches(session: Session) -> list[Organisation]:
    """BPJS branch offices an agreement can be signed with."""
    return list(session.scalars(select(Organisation).where(Organisation.kind == "bpjs_branch")
                                .order_by(Organisation.name)))


def _in_region(principal: Principal, region_code: str) -> bool:
    own = principal.region_code
    return bool(own) and (region_code == own or region_code.startswith(f"{own}."))


def create_for(session: Session, principal: Principal, *, code: str, region_code: str,
               segment: str, programs: list[str], funded_by: str, start: date, end: date,
               quota: int, declared_income: int | None = None, wage: int | None = None,
               risk_class: int | None = None, number: str | None = None,
               title: str | None = None, budget_ceiling: int | None = None,
               branch_code: str | None = None,
               phases: list[PhaseTerms] | None = None) -> Agreement:
    """A new PKS of the principal's Pemda, in its region; signed with a BPJS branch."""
    principal.require("agreements.write")
    if not _in_region(principal, region_code):
        raise Forbidden(f"wilayah {region_code} di luar wilayah kerja "
                        f"{principal.organisation_name}")
    if branch_code is not None:
        branch = session.scalar(select(Organisation).where(Organisation.code == branch_code))
        if branch is None or branch.kind != "bpjs_branch":
            raise InvalidInput(f"{branch_code!r} bukan kantor cabang BPJS yang dikenal",
                               "branch")
    pemda = session.get(Organisation, principal.organisation_id)
    return create_agreement(
        session, code=code, region_code=region_code, segment=segment, programs=programs,
        funded_by=funded_by, start=start, end=end, quota=quota, actor=principal.actor,
        declared_income=declared_income, wage=wage, risk_class=risk_class, number=number,
        title=title, budget_ceiling=budget_ceiling,
        pemda_code=pemda.code if pemda is not None else None, branch_code=branch_code,
        phases=phases)


REQUIRED_TERMS = {"programs", "funding_source_code", "start_date", "end_date", "quota"}


def amend_for(session: Session, principal: Principal, code: str, changes: dict[str, Any], *,
              effective: date, reason: str) -> AgreementAmendment:
    """An addendum to an agreement in the principal's scope."""
    agreement_for(session, principal, code, write=True)
    if not changes:
        raise InvalidInput("tidak ada yang diubah: isi paling sedikit satu ketentuan baru",
                           "changes")
    for name in REQUIRED_TERMS & {k for k, v in changes.items() if v is None}:
        raise InvalidInput(f"{name} tidak boleh dikosongkan dengan addendum", name)
    return amend_agreement(session, code, changes, effective=effective, reason=reason,
                           actor=principal.actor)


# --- what the agreement costs ----------------------------------------------------------------


def months_of(agreement: Agreement) -> list[date]:
    """First days of every month the agreement covers (start and end months included)."""
    first = agreement.start_date.replace(day=1)
    months = []
    while first <= agreement.end_date:
        months.append(first)
        first = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return months


@dataclass(frozen=True)
class Budget:
    """The contribution per member and what the agreement costs, against its budget ceiling.

    ``per_member`` is the first month's contribution (with its trace); the totals price every
    month on its own, so a change of law inside the agreement's period is counted exactly.
    """

    per_member: ContributionResult | None
    months: int
    per_member_period: int
    monthly_at_quota: int
    annual_at_quota: int
    period_at_quota: int
    period_at_members: int
    members: int
    ceiling: int | None
    error: str | None = None

    @property
    def within_ceiling(self) -> bool | None:
        return None if self.ceiling is None else self.period_at_quota <= self.ceiling


def budget_of(agreement: Agreement, members: int) -> Budget:
    """Contribution per member per month (``lindung.rules.contribution``) and the budget."""
    months = months_of(agreement)
    inputs: dict[str, Any] = dict(
        programs=agreement.programs, declared_income=agreement.declared_income,
        wage=agreement.wage, risk_class=agreement.risk_class,
        funded_by=agreement.funding_source_code,
        contract_months=12 if agreement.segment == "pmi" else None)
    try:
        priced = [contribution(agreement.segment, month, **inputs) for month in months]
    except InvalidContribution as exc:
        return Budget(None, len(months), 0, 0, 0, 0, 0, members, agreement.budget_ceiling,
                      error="; ".join(e.message_id for e in exc.errors))
    first = priced[0].total if priced else 0
    period = sum(p.total for p in priced)
    return Budget(
        per_member=priced[0] if priced else None, months=len(months), per_member_period=period,
        monthly_at_quota=first * agreement.quota, annual_at_quota=first * agreement.quota * 12,
        period_at_quota=period * agreement.quota, period_at_members=period * members,
        members=members, ceiling=agreement.budget_ceiling)
