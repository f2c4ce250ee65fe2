"""JHT (Jaminan Hari Tua): whether and from when the old-age savings may be paid."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar, Literal, get_args

from lindung.rules.benefits.base import (
    BenefitError,
    BenefitResult,
    check_count,
    check_date,
    check_event_date,
    provenance,
    tracer_for,
)
from lindung.rules.dates import add_months, add_years
from lindung.rules.money import rate_units, rupiah
from lindung.rules.params import ParameterSet

JhtEvent = Literal["retirement", "resignation", "dismissal", "disability", "death",
                   "leave_country", "partial_10", "partial_30"]
PARTIAL = {"partial_10": ("jht.partial.retirement_share", "retirement preparation"),
           "partial_30": ("jht.partial.housing_share", "housing")}
"""The two early partial claims: the parameter of the share paid, and the purpose."""


@dataclass(frozen=True, kw_only=True)
class JhtResult(BenefitResult):
    """A JHT claim: from when it may be paid and, given the balance, how much."""

    kind: ClassVar[str] = "jht"

    event: JhtEvent
    earliest_claim_date: date
    payout: int | None
    """The balance (or the share of it) paid; None when no balance was given."""
    claim_age: int | None = None
    """Retirement: the age from which JHT is paid."""
    waiting_months: int | None = None
    """Resignation or dismissal: the months to wait."""
    max_share: Decimal | None = None
    """Partial claims (once only): the largest share of the balance."""
    purpose: str | None = None

    @property
    def amounts(self) -> dict[str, int | list[int]]:
        return {} if self.payout is None else {"payout": self.payout}

    @property
    def total(self) -> int:
        return self.payout or 0

    def _details(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.claim_age is not None:
            out["claim_age"] = self.claim_age
        if self.waiting_months is not None:
            out["waiting_months"] = self.waiting_months
        if self.max_share is not None:
            out.update(max_share=str(self.max_share), once_only=True, purpose=self.purpose)
        out["earliest_claim_date"] = self.earliest_claim_date
        return out


def jht(*, event: JhtEvent, event_date: date, birth_date: date | None = None,
        membership_months: int = 0, balance: int | None = None,
        claim_date: date | None = None, params: ParameterSet | None = None) -> JhtResult:
    """JHT claim: whether and from when the balance (or part of it) may be paid.

    PP 46/2015 jo. PP 60/2015; Permenaker 4/2022: the whole balance at age 56 (``retirement``),
    on total permanent disability, on death, one month after resignation or dismissal, or on
    leaving Indonesia for good; while still a participant, after 10 years of membership, up to
    10% (``partial_10``) or up to 30% for housing (``partial_30``), once. The amount is the
    ``balance`` BPJS reports; there is no fixed return rate to compute it.
    """
    if event not in get_args(JhtEvent):
        raise BenefitError(f"event must be one of {', '.join(get_args(JhtEvent))}, "
                           f"got {event!r}", field="event")
    event_date = check_event_date("event_date", event_date, params)
    membership_months = check_count("membership_months", membership_months)
    if balance is not None:
        balance = check_count("balance", balance)
    if claim_date is not None:
        claim_date = check_date("claim_date", claim_date)
    t = tracer_for(params)
    eligible = True
    reasons: list[str] = []
    share = Decimal(1)  # the whole balance
    claim_age: int | None = None
    waiting: int | None = None
    max_share: Decimal | None = None
    purpose: str | None = None
    if event == "retirement":
        if birth_date is None:
            raise BenefitError("a retirement claim needs birth_date", field="birth_date")
        birth_date = check_date("birth_date", birth_date)
        claim_age = t.use("claim age", "jht.claim_age", event_date)
        earliest = add_years(birth_date, claim_age)
        if event_date < earliest:
            eligible = False
            reasons.append(f"the JHT claim age {claim_age} is reached on {earliest.isoformat()}")
    elif event in ("resignation", "dismissal"):
        waiting = t.use("waiting period", "jht.stop_work.waiting_months", event_date)
        earliest = add_months(event_date, waiting)
    elif event in PARTIAL:
        needed: int = t.use("minimum membership", "jht.partial.min_membership_months",
                            event_date)
        name, purpose = PARTIAL[event]
        share = max_share = t.use("payout", name, event_date)
        earliest = event_date
        if membership_months < needed:
            eligible = False
            reasons.append(f"{membership_months} months of membership; a partial claim needs "
                           f"{needed}")
    else:  # disability, death, leave_country: payable from the event itself
        earliest = event_date
    if eligible and claim_date is not None and claim_date < earliest:
        eligible = False
        reasons.append(f"claimed on {claim_date.isoformat()}, before the earliest claim date "
                       f"{earliest.isoformat()}")
    payout = None
    if balance is not None:
        payout = rupiah(balance, rate_units(share)) if eligible else 0
    return JhtResult(event_date=event_date, eligible=eligible, reasons=tuple(reasons),
                     event=event, earliest_claim_date=earliest, payout=payout,
                     claim_age=claim_age, waiting_months=waiting, max_share=max_share,
                     purpose=purpose, **provenance(t))
