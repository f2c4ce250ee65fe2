"""JP (Jaminan Pensiun): retirement age, the yearly limits of the pension, the old-age pension.

PP 45/2015. The minimum and maximum pension change every year by inflation and only some years
are known (2017 and 2018 were not found): a year with no known value is refused with
:class:`BenefitError` and the reason rather than guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from lindung.formatting import format_rupiah
from lindung.rules.benefits.base import (
    BenefitError,
    BenefitResult,
    check_count,
    check_date,
    check_event_date,
    check_wage,
    provenance,
    tracer_for,
)
from lindung.rules.dates import add_months, add_years
from lindung.rules.money import RATE_SCALE, divide_half_up, rate_units
from lindung.rules.params import ParameterSet
from lindung.rules.trace import Tracer

MONTHS_A_YEAR = 12
"""Pasal 17 ayat (2) counts the contribution period and the wage in years; we have months."""


def _first_of_next_month(day: date) -> date:
    return add_months(day.replace(day=1), 1)


# --- retirement age -----------------------------------------------------------------------------


def _retirement_age(t: Tracer, birth_date: date) -> tuple[int, date]:
    first = t.params["jp.programme_start"].values[0]
    ages = [v.value for v in t.params["jp.retirement_age"].values]
    for age in range(min(ages), max(ages) + 1):
        reached = add_years(birth_date, age)
        on = reached
        if reached < first.value:
            # Someone who reached the first age before JP began is held to that first age.
            on = t.record("retirement age", first, first.value).value
        value = t.params.at("jp.retirement_age", on)
        if value.value <= age:
            t.record("retirement age", value, on)
            return age, reached
    raise AssertionError("jp.retirement_age never reaches its final age")  # pragma: no cover


def retirement_age(birth_date: date, *, params: ParameterSet | None = None) -> tuple[int, date]:
    """JP retirement age of a person and the day it is reached.

    PP 45/2015 Pasal 15: 56, then 57 from 1 Jan 2019, +1 every 3 years to 65 from 2043. The age is
    the first one whose value, in force on the birthday it is reached, is not above it: born 1962
    retires at 56, 1963-64 at 57, 1965-66 at 58, ..., 1979 and later at 65.
    """
    birth_date = check_date("birth_date", birth_date)
    return _retirement_age(tracer_for(params), birth_date)


# --- limits -------------------------------------------------------------------------------------


def _limits(t: Tracer, on: date, line: str | None = None) -> tuple[int, int]:
    """The minimum and maximum pension in force on ``on``. A year whose values were not found
    (2017 and 2018, UNCONFIRMED) is refused with the reason, never guessed."""
    for name in ("jp.benefit.min", "jp.benefit.max"):
        if t.params.at_or_none(name, on) is None:
            raise BenefitError(
                f"manfaat pensiun minimum/maksimum JP yang berlaku pada {on.isoformat()} belum "
                f"ditemukan ({name} tidak diketahui, UNCONFIRMED): tidak dihitung agar tidak "
                "menebak", field="pension_start")
    low: int = t.use(line or "minimum", "jp.benefit.min", on)
    high: int = t.use(line or "maximum", "jp.benefit.max", on)
    return low, high



@dataclass(frozen=True, kw_only=True)
class JpBenefitLimits(BenefitResult):
    """The minimum and maximum monthly pension of a year."""

    kind: ClassVar[str] = "jp_benefit_limits"

    minimum: int
    maximum: int

    @property
    def amounts(self) -> dict[str, int | list[int]]:
        return {"minimum": self.minimum, "maximum": self.maximum}

    @property
    def total(self) -> int:
        """0: these are limits, not amounts paid."""
        return 0


def jp_benefit_limits(*, pension_start: date,
                      params: ParameterSet | None = None) -> JpBenefitLimits:
    """Minimum and maximum monthly JP pension for a pension starting on ``pension_start``.

    PP 45/2015 Pasal 18: Rp300.000 and Rp3.600.000 in 2015, indexed yearly by inflation. Years
    with no known value (2017, 2018) are refused with BenefitError.
    """
    pension_start = check_event_date("pension_start", pension_start, params)
    t = tracer_for(params)
    low, high = _limits(t, pension_start)
    return JpBenefitLimits(event_date=pension_start, minimum=low, maximum=high, **provenance(t))


# --- old-age pension ----------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class JpOldAgeResult(BenefitResult):
    """The monthly old-age pension of the first year, and the dates it rests on."""

    kind: ClassVar[str] = "jp_old_age"

    monthly: int
    retirement_age: int
    retirement_age_reached: date
    pension_start: date
    formula_amount: int | None = None
    """Pasal 17 ayat (2) before the limits of Pasal 18; None when no pension is computed."""

    @property
    def amounts(self) -> dict[str, int | list[int]]:
        return {"monthly": self.monthly}

    @property
    def total(self) -> int:
        return self.monthly

    def _details(self) -> dict[str, Any]:
        out: dict[str, Any] = {"retirement_age": self.retirement_age,
                               "retirement_age_reached": self.retirement_age_reached,
                               "pension_start": self.pension_start}
        if self.formula_amount is not None:
            out["formula_amount"] = self.formula_amount
        return out


def jp_old_age(*, birth_date: date, contribution_months: int, average_monthly_wage: int,
               claim_date: date | None = None,
               params: ParameterSet | None = None) -> JpOldAgeResult:
    """JP old-age pension for the first year, from the 1st of the month after retirement age.

    PP 45/2015 Pasal 17 ayat (2): MP = 1% × masa iur / 12 × average annual wage / 12, where
    ``average_monthly_wage`` is the caller's weighted, inflation-indexed average of the capped
    monthly wage (Pasal 17 ayat (3)); bounded by the minimum and maximum of the year the pension
    starts (Pasal 18). Fewer than 180 months (Pasal 19): no pension, but a lump sum of the
    contributions plus returns, which only BPJS's account can give. ``claim_date`` after
    retirement age is when work stopped (Pasal 15 ayat (4)): the pension then starts the month
    after, at most 3 years after retirement age. From the second year the pension is indexed.
    """
    birth_date = check_date("birth_date", birth_date)
    contribution_months = check_count("contribution_months", contribution_months)
    average_monthly_wage = check_wage(average_monthly_wage, "average_monthly_wage")
    if claim_date is not None:
        claim_date = check_event_date("claim_date", claim_date, params)
    t = tracer_for(params)
    age, reached = _retirement_age(t, birth_date)
    jp_start: date = t.params["jp.programme_start"].values[0].value
    if reached < jp_start:
        raise BenefitError(f"retirement age {age} was reached on {reached.isoformat()}, before "
                           f"JP began on {jp_start.isoformat()}: there is no JP old-age pension",
                           field="birth_date")
    if claim_date is not None and claim_date < reached:
        return JpOldAgeResult(
            event_date=reached, eligible=False, monthly=0, retirement_age=age,
            retirement_age_reached=reached, pension_start=_first_of_next_month(reached),
            reasons=(f"retirement age {age} is reached on {reached.isoformat()}, after the "
                     f"claim date {claim_date.isoformat()}",), **provenance(t))
    stop = reached
    if claim_date is not None and claim_date > reached:
        max_years: int = t.use("pension start", "jp.deferral.max_years", reached)
        stop = min(claim_date, add_years(reached, max_years))
    start = _first_of_next_month(stop)
    needed: int = t.use("pension", "jp.min_contribution_months", start)
    if contribution_months < needed:
        return JpOldAgeResult(
            event_date=start, eligible=False, monthly=0, retirement_age=age,
            retirement_age_reached=reached, pension_start=start,
            reasons=(f"{contribution_months} months of contributions is fewer than the {needed} "
                     "a monthly pension needs: a lump sum of the contributions plus returns is "
                     "paid from the BPJS account (amount not computable here)",),
            **provenance(t))
    rate: Decimal = t.use("monthly", "jp.accrual_rate", start)
    low, high = _limits(t, start, "monthly")
    # MP = wage × months × rate / 12, computed exactly and rounded once.
    formula = divide_half_up(average_monthly_wage * contribution_months * rate_units(rate),
                             MONTHS_A_YEAR * RATE_SCALE)
    monthly = min(max(formula, low), high)
    reasons = []
    if monthly != formula:
        bound = "minimum" if formula < low else "maximum"
        reasons.append(f"the formula gives {format_rupiah(formula)}; "
                       f"the {bound} {format_rupiah(monthly)} applies")
    return JpOldAgeResult(event_date=start, monthly=monthly, retirement_age=age,
                          retirement_age_reached=reached, pension_start=start,
                          formula_amount=formula, reasons=tuple(reasons), **provenance(t))
