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
    check_wage,
    provenance,
    tracer_for,
)
from lindung.rules.dates import add_months
from lindung.rules.params import ParameterSet


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

    def _details(self) -> dict[str, Any]:
        if self.claim_deadline is None:
            return {}
        out: dict[str, Any] = {"claim_deadline": self.claim_deadline,
                               "paid_months_last_24": self.paid_months_last_24,
                               "consecutive_months": self.consecutive_months}
        if self.wage_used is not None:
            out["wage_used"] = self.wage_used
        return out


def jkp(*, dismissal_date: date, wage: int, contribution_months: int,
        paid_months_last_24: int | None = None, consecutive_months: int | None = None,
        reason: str = "dismissal", claim_number: int = 1, claim_date: date | None = None,
        age_at_registration: int | None = None, params: ParameterSet | None = None) -> JkpResult:
    """JKP job-loss cash benefit: monthly shares of the capped last wage.

    PP 37/2021 (45% × 3 months then 25% × 3 months; claim within 3 months) as amended by PP
    6/2025 from 7 Feb 2025 (60% × 6 months; claim within 6 months); wage capped at Rp5.000.000
    (Pasal 21). Eligibility: 12 paid months in the last 24 with 6 consecutive; 5 years for a second
    or third claim; under 54 when registered; no JKP after resignation, the end of a fixed-term
    contract (PKWT), retirement, death or total disability. When only ``contribution_months`` is
    given, they are taken as consecutive months up to the dismissal.
    """
    dismissal_date = check_date("dismissal_date", dismissal_date)
    wage = check_wage(wage)
    contribution_months = check_count("contribution_months", contribution_months)
    if paid_months_last_24 is not None:
        paid_months_last_24 = check_count("paid_months_last_24", paid_months_last_24)
    consecutive = contribution_months if consecutive_months is None \
        else check_count("consecutive_months", consecutive_months)
    claim_number = check_count("claim_number", claim_number, 1)
    if claim_date is not None:
        claim_date = check_date("claim_date", claim_date)
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
    min_consecutive: int = t.use("eligibility", "jkp.eligibility.min_consecutive_months", d)
    if paid < min_paid:
        reasons.append(f"{paid} paid months in the last {window}; at least {min_paid} needed")
    if consecutive < min_consecutive:
        reasons.append(f"{consecutive} consecutive paid months; at least {min_consecutive} "
                       "needed")
    if claim_number > 1:
        max_claims: int = t.use("eligibility", "jkp.eligibility.max_claims", d)
        repeat: int = t.use("eligibility", "jkp.eligibility.repeat_claim_min_months", d)
        if claim_number > max_claims:
            reasons.append(f"claim number {claim_number}: at most {max_claims} claims")
        elif contribution_months < repeat:
            reasons.append(f"claim number {claim_number} needs {repeat} contribution months; "
                           f"{contribution_months} paid")
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
    cap: int = t.use("monthly", "jkp.benefit.wage_cap", d)
    schedule = t.use("monthly", "jkp.benefit.schedule", d)
    base = min(wage, cap)
    return JkpResult(event_date=d, monthly=tuple(by_schedule(base, schedule, None)),
                     claim_deadline=deadline, paid_months_last_24=paid,
                     consecutive_months=consecutive, wage_used=base, **provenance(t))
