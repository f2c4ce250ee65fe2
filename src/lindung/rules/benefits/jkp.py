"""JKP (Jaminan Kehilangan Pekerjaan): the cash benefit after a dismissal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from lindung.rules.benefits.base import (
    BenefitError,
    MonthlyBenefit,
    by_schedule,
    check_count,
    check_date,
    check_event_date,
    check_wage,
    provenance,
    tracer_for,
)
from lindung.rules.dates import add_months
from lindung.rules.params import ParameterSet
from lindung.rules.trace import Tracer


@dataclass(frozen=True, kw_only=True)
class JkpResult(MonthlyBenefit):
    """The monthly JKP cash (none when not eligible) and the facts of the claim."""

    kind: ClassVar[str] = "jkp"

    claim_deadline: date | None = None
    """None only when JKP did not exist yet on the dismissal date."""
    paid_months_last_24: int | None = None
    consecutive_months: int | None = None
    wage_used: int | None = None
    """The last wage, capped; None when no benefit is computed."""
    payment_dates: tuple[date, ...] = ()
    """The day each monthly amount is taken as paid (its regime is the one in force then)."""

    def _details(self) -> dict[str, Any]:
        if self.claim_deadline is None:
            return {}
        out: dict[str, Any] = {"claim_deadline": self.claim_deadline,
                               "paid_months_last_24": self.paid_months_last_24,
                               "consecutive_months": self.consecutive_months}
        if self.wage_used is not None:
            out["wage_used"] = self.wage_used
        if self.payment_dates:
            out["payment_dates"] = list(self.payment_dates)
        return out


def jkp(*, dismissal_date: date, wage: int, contribution_months: int,
        paid_months_last_24: int | None = None, consecutive_months: int | None = None,
        reason: str = "dismissal", claim_number: int = 1, claim_date: date | None = None,
        months_since_previous_benefit: int | None = None,
        age_at_registration: int | None = None, params: ParameterSet | None = None) -> JkpResult:
    """JKP job-loss cash benefit: monthly shares of the capped last wage.

    Eligibility, as of the dismissal date: 12 paid months within the 24 before the dismissal
    (PP 37/2021 Pasal 19; PP 6/2025 Pasal 19 ayat (3)); until 6 Feb 2025 also 6 consecutive
    months, a condition PP 6/2025 deleted; under 54 when registered; no JKP after resignation,
    the end of a fixed-term contract (PKWT), retirement, death or total disability. Repeat claims
    (PP 37/2021 Pasal 35): at most 3; the second and third need 5 years of contributions counted
    from the previous JKP benefit (``months_since_previous_benefit``). Claim deadline: 3 months,
    6 from 7 Feb 2025 (PP 6/2025 Pasal 40 huruf a).

    Amounts, by payment month (PP 6/2025 Pasal II ayat (2)): payment ``k`` is taken as paid ``k``
    months after the claim (the dismissal when no ``claim_date``) and follows the schedule in
    force that day: 45% × 3 then 25% × 3 under PP 37/2021, 60% × 6 from 7 Feb 2025 (also the
    remaining months of a benefit already running), of the last wage capped at Rp5.000.000.
    When only ``contribution_months`` is given, they are taken as consecutive months up to the
    dismissal.
    """
    dismissal_date = check_event_date("dismissal_date", dismissal_date, params)
    wage = check_wage(wage)
    contribution_months = check_count("contribution_months", contribution_months)
    if paid_months_last_24 is not None:
        paid_months_last_24 = check_count("paid_months_last_24", paid_months_last_24)
    consecutive = contribution_months if consecutive_months is None \
        else check_count("consecutive_months", consecutive_months)
    claim_number = check_count("claim_number", claim_number, 1)
    if claim_date is not None:
        claim_date = check_date("claim_date", claim_date)
        if claim_date < dismissal_date:
            raise BenefitError(f"claim_date {claim_date.isoformat()} sebelum dismissal_date "
                               f"{dismissal_date.isoformat()}", field="claim_date")
    if months_since_previous_benefit is not None:
        months_since_previous_benefit = check_count("months_since_previous_benefit",
                                                    months_since_previous_benefit)
        if months_since_previous_benefit > contribution_months:
            raise BenefitError(f"months_since_previous_benefit ({months_since_previous_benefit})"
                               f" cannot exceed contribution_months ({contribution_months})",
                               field="months_since_previous_benefit")
    elif claim_number > 1:
        raise BenefitError(f"claim number {claim_number} needs months_since_previous_benefit: "
                           "the contribution months paid since the previous JKP benefit "
                           "(PP 37/2021 Pasal 35)", field="months_since_previous_benefit")
    if age_at_registration is not None:
        age_at_registration = check_count("age_at_registration", age_at_registration)
    t = tracer_for(params)
    d = dismissal_date
    first_payable = t.use_or_none("eligibility", "jkp.benefit.first_payable_date", d)
    if first_payable is None:
        began = t.params["jkp.benefit.first_payable_date"].values[0].effective_from
        return JkpResult(event_date=d, eligible=False, monthly=(), **provenance(t), reasons=(
            f"JKP did not exist yet: it began with PP 37/2021 ({began.day} {began:%b %Y})",))
    excluded: tuple[str, ...] = t.use("eligibility", "jkp.eligibility.excluded_reasons", d)
    if reason != "dismissal" and reason not in excluded:
        raise BenefitError(f"reason must be 'dismissal' or one of {', '.join(excluded)}, "
                           f"got {reason!r}", field="reason")
    window: int = t.use("eligibility", "jkp.eligibility.window_months", d)
    paid = min(contribution_months, window) if paid_months_last_24 is None \
        else paid_months_last_24
    if paid > min(window, contribution_months):
        raise BenefitError(f"paid_months_last_24 ({paid}) cannot exceed contribution_months "
                           f"({contribution_months}) or the {window}-month window",
                           field="paid_months_last_24")
    if consecutive > contribution_months:
        raise BenefitError(f"consecutive_months ({consecutive}) cannot exceed "
                           f"contribution_months ({contribution_months})",
                           field="consecutive_months")
    reasons: list[str] = []
    if d < first_payable:
        reasons.append(f"JKP benefits are paid for dismissals from {first_payable.isoformat()}")
    if reason in excluded:
        reasons.append(f"no JKP when the job ends by {reason.replace('_', ' ')}")
    min_paid: int = t.use("eligibility", "jkp.eligibility.min_paid_months", d)
    if paid < min_paid:
        reasons.append(f"{paid} paid months in the last {window}; at least {min_paid} needed")
    # Deleted by PP 6/2025 Pasal 19 ayat (3): no value in force from 7 Feb 2025.
    min_consecutive: int | None = t.use_or_none(
        "eligibility", "jkp.eligibility.min_consecutive_months", d)
    if min_consecutive is not None and consecutive < min_consecutive:
        reasons.append(f"{consecutive} consecutive paid months; at least {min_consecutive} "
                       "needed")
    if claim_number > 1 and months_since_previous_benefit is not None:
        max_claims: int = t.use("eligibility", "jkp.eligibility.max_claims", d)
        repeat: int = t.use("eligibility", "jkp.eligibility.repeat_claim_min_months", d)
        if claim_number > max_claims:
            reasons.append(f"claim number {claim_number}: at most {max_claims} claims")
        elif months_since_previous_benefit < repeat:
            reasons.append(f"claim number {claim_number} needs {repeat} contribution months "
                           f"since the previous JKP benefit; {months_since_previous_benefit} "
                           "paid")
    if age_at_registration is not None:
        max_age: int = t.use("eligibility", "jkp.eligibility.max_age_at_registration", d)
        if age_at_registration >= max_age:
            reasons.append(f"registered at age {age_at_registration}; JKP needs registration "
                           f"before {max_age}")
    deadline_months: int = t.use("claim deadline", "jkp.benefit.claim_deadline_months", d)
    deadline = add_months(d, deadline_months)
    if claim_date is not None and claim_date > deadline:
        reasons.append(f"claimed on {claim_date.isoformat()}, after the deadline "
                       f"{deadline.isoformat()} ({deadline_months} months after dismissal)")
    if reasons:
        return JkpResult(event_date=d, eligible=False, reasons=tuple(reasons), monthly=(),
                         claim_deadline=deadline, paid_months_last_24=paid,
                         consecutive_months=consecutive, **provenance(t))
    monthly, paid_on, base = _payments(t, claim_date or d, wage)
    return JkpResult(event_date=d, monthly=tuple(monthly), claim_deadline=deadline,
                     paid_months_last_24=paid, consecutive_months=consecutive, wage_used=base,
                     payment_dates=tuple(paid_on), **provenance(t))


def _payments(t: Tracer, start: date, wage: int) -> tuple[list[int], list[date], int]:
    """Each monthly amount under the regime in force on the day it is paid (``k`` months after
    ``start``), until the schedule then in force has no ``k``-th month. Each regime's values
    are recorded in the trace once."""
    seen: set[tuple[str, date]] = set()

    def use(line: str, name: str, on: date) -> Any:
        value = t.params.at(name, on)
        if (name, value.effective_from) not in seen:
            seen.add((name, value.effective_from))
            t.record(line, value, on)
        return value.value

    monthly: list[int] = []
    paid_on: list[date] = []
    base = wage
    k = 1
    while True:
        on = add_months(start, k)
        cap: int = use("monthly", "jkp.benefit.wage_cap", on)
        steps = by_schedule(min(wage, cap), use("monthly", "jkp.benefit.schedule", on), None)
        if k > len(steps):
            return monthly, paid_on, base
        base = min(wage, cap)
        monthly.append(steps[k - 1])
        paid_on.append(on)
        k += 1
