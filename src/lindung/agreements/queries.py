"""Reading agreements within a principal's scope: the list, one agreement, its terms on a day,
who pays for a member, and what the agreement costs against its ceiling.

An agreement outside the principal's scope is reported as not found (its existence is not
disclosed); a missing permission is Forbidden.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lindung.agreements.models import Agreement, AgreementTerms, FundingSource, PayerAssignment
from lindung.agreements.terms import agreement_terms_on, contribution_inputs, in_force
from lindung.errors import NotFound
from lindung.organisations.models import Organisation
from lindung.paging import check_page
from lindung.principal import Forbidden, Principal
from lindung.rules import ContributionResult, InvalidContribution, contribution
from lindung.rules.dates import add_months


def visible_agreements(session: Session, principal: Principal, *, page: int = 1,
                       per_page: int = 50) -> tuple[list[Agreement], int]:
    """The agreements in the principal's scope (newest first) and how many there are."""
    principal.require("agreements.read")
    check_page(page, per_page)
    scope = principal.agreement_filter(Agreement)
    total = int(session.scalar(select(func.count()).select_from(Agreement).where(scope)) or 0)
    rows = session.scalars(select(Agreement).where(scope)
                           .order_by(Agreement.created_at.desc(), Agreement.code)
                           .offset((page - 1) * per_page).limit(per_page))
    return list(rows), total


def agreement_in_scope(session: Session, principal: Principal, code: str, *,
                       write: bool = False) -> Agreement:
    """An agreement in the principal's scope; the caller has checked the permission it needs
    (importing, exporting or answering does not require ``agreements.read``).

    With ``write`` (amending, importing members, sending or answering), a Pemda's people act
    only on their own Pemda's agreements: a province reads its regencies' PKS but does not
    change them; a BPJS branch acts on the PKS signed with it."""
    agreement = session.scalar(select(Agreement).where(
        Agreement.code == code[:40], principal.agreement_filter(Agreement)))
    if agreement is None:
        raise NotFound(f"PKS dengan kode {code[:40]!r} tidak ditemukan di wilayah kerja Anda")
    if write and principal.pemda_id is not None and agreement.pemda_id != principal.pemda_id:
        raise Forbidden(f"PKS {agreement.code} milik Pemda lain: hanya Pemda yang "
                        "menandatanganinya dapat mengubahnya atau menambah pesertanya")
    return agreement


def agreement_for(session: Session, principal: Principal, code: str, *,
                  write: bool = False) -> Agreement:
    """One agreement the principal may read (or, with ``write``, amend)."""
    principal.require("agreements.write" if write else "agreements.read")
    return agreement_in_scope(session, principal, code, write=write)


def organisation_codes(session: Session, ids: set[int | None]) -> dict[int, str]:
    """Codes of the organisations named by id (pemda, branch, payers), for display."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {ident: code for ident, code in session.execute(
        select(Organisation.id, Organisation.code).where(Organisation.id.in_(wanted)))}


def organisation_names(session: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {ident: name for ident, name in session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_(wanted)))}


def funding_sources(session: Session) -> list[FundingSource]:
    return list(session.scalars(select(FundingSource).order_by(FundingSource.code)))


# --- who pays --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Payer:
    """Who pays for a member on a day, and from which source (``payer_id`` None: the worker)."""

    payer_id: int | None
    funding_source_code: str


def payer_for(agreement: Agreement, day: date, *, phase_number: int | None = None,
              group_id: int | None = None) -> Payer:
    """The payer of a member of ``agreement`` on ``day``: the most specific assignment in force
    (phase and organisation, then organisation, then phase), else the agreement's own terms."""
    best: tuple[int, PayerAssignment] | None = None
    for assignment in agreement.payers:
        if assignment.valid_from > day or (assignment.valid_to is not None
                                           and assignment.valid_to < day):
            continue
        if assignment.phase_number is not None and assignment.phase_number != phase_number:
            continue
        if assignment.group_id is not None and assignment.group_id != group_id:
            continue
        rank = (2 if assignment.group_id is not None else 0) + \
            (1 if assignment.phase_number is not None else 0)
        if best is None or rank > best[0]:
            best = (rank, assignment)
    if best is not None:
        return Payer(best[1].payer_id, best[1].funding_source_code)
    terms = agreement_terms_on(agreement, day)
    return Payer(terms.payer_id, terms.funding_source_code)


def agreements_serving_group(session: Session, group_id: int, pemda_id: int,
                             segment: str, funding: str, day: date) -> list[Agreement]:
    """The Pemda's agreements of ``segment`` in force on ``day`` whose members of organisation
    ``group_id`` (a service counter, an OPD) are paid from ``funding``: those that name the
    group in a payer assignment; when none does, those whose own terms use that funding."""
    found = []
    for agreement in session.scalars(select(Agreement).where(
            Agreement.pemda_id == pemda_id, Agreement.segment == segment)
            .order_by(Agreement.code)):
        terms = agreement_terms_on(agreement, day)
        if in_force(terms, day):
            found.append(agreement)
    named = [a for a in found if any(
        p.group_id == group_id and p.funding_source_code == funding
        and p.valid_from <= day and (p.valid_to is None or p.valid_to >= day)
        for p in a.payers)]
    if named:
        return named
    return [a for a in found if payer_for(a, day).funding_source_code == funding
            and not any(p.group_id is not None for p in a.payers)]


# --- what it costs ---------------------------------------------------------------------------


def months_of(terms: AgreementTerms) -> list[date]:
    """First days of every month the terms cover (start and end months included)."""
    first = terms.start_date.replace(day=1)
    months = []
    while first <= terms.end_date:
        months.append(first)
        first = add_months(first, 1)
    return months


@dataclass(frozen=True)
class Budget:
    """The contribution per member and what the agreement costs, against its budget ceiling.

    ``per_member`` is the first month's contribution (with its trace); the totals price every
    month on its own under the terms in force that month, so a change of law or an amendment
    inside the agreement's period is counted exactly.
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


def member_cost(agreement: Agreement, terms: AgreementTerms) -> list[int]:
    """The contribution of one member for each month ``terms`` cover, each month priced under
    the terms in force in it (an amendment effective later changes the later months).
    InvalidContribution when a month cannot be priced."""
    priced = []
    for month in months_of(terms):
        month_terms = agreement_terms_on(agreement, month)
        priced.append(contribution(agreement.segment, month, **contribution_inputs(
            agreement.segment, month_terms, month)).total)
    return priced


MemberSpan = tuple[date, date | None, int]
"""(start date, end date or None, how many members) of the members an agreement holds."""


def budget_of(agreement: Agreement, terms: AgreementTerms,
              spans: Sequence[MemberSpan]) -> Budget:
    """Contribution per member per month (``lindung.rules.contribution``) and the budget at the
    quota and for the members held, under ``terms`` (the terms in force on the day of interest).
    A member costs the months from the month of his own start date (the later of the phase start
    and the day proposed, docs/decisions/0022) to the month of his end date, not the whole
    period (docs/decisions/0003: a month counts whole)."""
    months = months_of(terms)
    members = sum(count for _, _, count in spans)
    try:
        first = contribution(agreement.segment, months[0], **contribution_inputs(
            agreement.segment, terms, months[0])) if months else None
        per_month = member_cost(agreement, terms)
    except InvalidContribution as exc:
        return Budget(None, len(months), 0, 0, 0, 0, 0, members, terms.budget_ceiling,
                      error="; ".join(e.message_id for e in exc.errors))
    period = sum(per_month)
    at_members = 0
    for start, end, count in spans:
        held = sum(cost for month, cost in zip(months, per_month, strict=True)
                   if month >= start.replace(day=1) and (end is None or month <= end))
        at_members += held * count
    monthly = first.total if first else 0
    return Budget(
        per_member=first, months=len(months), per_member_period=period,
        monthly_at_quota=monthly * terms.quota, annual_at_quota=monthly * terms.quota * 12,
        period_at_quota=period * terms.quota, period_at_members=at_members,
        members=members, ceiling=terms.budget_ceiling)


@dataclass(frozen=True)
class RemainingCost:
    """What one member costs from an amendment's effective date to the end of its terms: the
    months counted (first days) and the contribution of each, in integer rupiah."""

    months: list[date]
    per_month: list[int]

    @property
    def per_member(self) -> int:
        return sum(self.per_month)


def remaining_cost(agreement: Agreement, new: AgreementTerms, effective: date) -> RemainingCost:
    """One member's contribution for every month from the month of ``effective`` to the end of
    ``new`` (terms that take effect on ``effective`` and are not yet stored): a month whose first
    day is on or after ``effective`` is priced under ``new``, an earlier one (the effective
    month, when the amendment starts mid-month) under the terms in force on its first day
    (docs/decisions/0003). InvalidContribution when a month cannot be priced."""
    first = max(effective, new.start_date).replace(day=1)
    months = [m for m in months_of(new) if m >= first]
    priced = []
    for month in months:
        terms = new if month >= effective else agreement_terms_on(agreement, month)
        priced.append(contribution(agreement.segment, month, **contribution_inputs(
            agreement.segment, terms, month)).total)
    return RemainingCost(months, priced)


def agreements_of_pemda(session: Session, pemda_id: int) -> list[Agreement]:
    return list(session.scalars(select(Agreement).where(Agreement.pemda_id == pemda_id)
                                .order_by(Agreement.code)))


def terms_periods(agreement: Agreement) -> list[AgreementTerms]:
    """Every period, in the order they were made (superseded ones included), for the history."""
    return sorted(agreement.periods, key=lambda p: p.id)
