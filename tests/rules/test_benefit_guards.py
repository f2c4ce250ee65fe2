"""The guards every benefit entry point shares (regulations.md §13, issue 10): an event before the
first date lindung covers is refused with one line naming that date (read from the parameter
``coverage.first_date``, never a literal), and a zero or negative wage or income is refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from lindung.rules.benefits import (
    BenefitError,
    heirs,
    jht,
    jkk_care_maxima,
    jkk_death,
    jkk_disability,
    jkm,
    jkp,
    jp_benefit_limits,
    jp_old_age,
    stmb,
)
from lindung.rules.benefits.base import FIRST_COVERED_DATE
from lindung.rules.params import load_parameters

FIRST: date = load_parameters()[FIRST_COVERED_DATE].values[0].value
FAMILY = {"spouses": [{"name": "Siti"}]}

# Each entry point with its event date as the only variable input.
BY_EVENT_DATE: dict[str, Callable[[date], Any]] = {
    "jkm": lambda d: jkm(death_date=d, contribution_months=12),
    "jkk_death": lambda d: jkk_death(accident_date=d, wage=4_000_000),
    "jkk_disability": lambda d: jkk_disability(accident_date=d, wage=4_000_000, kind="total"),
    "stmb": lambda d: stmb(accident_date=d, wage=4_000_000, months=1),
    "jkk_care_maxima": lambda d: jkk_care_maxima(accident_date=d),
    "jht": lambda d: jht(event="resignation", event_date=d, membership_months=12),
    "heirs": lambda d: heirs(family=FAMILY, programme="jkm", death_date=d),
    "jkp": lambda d: jkp(dismissal_date=d, wage=4_000_000, contribution_months=30),
    "jp_benefit_limits": lambda d: jp_benefit_limits(pension_start=d),
    "jp_old_age (claim date)": lambda d: jp_old_age(
        birth_date=date(1959, 6, 1), contribution_months=10, average_monthly_wage=3_000_000,
        claim_date=d),
}

# Each entry point that takes a wage or income, with that amount as the only variable input.
BY_WAGE: dict[str, Callable[[int], Any]] = {
    "jkk_death": lambda w: jkk_death(accident_date=date(2024, 5, 1), wage=w),
    "jkk_disability": lambda w: jkk_disability(accident_date=date(2024, 5, 1), wage=w,
                                               kind="total"),
    "stmb": lambda w: stmb(accident_date=date(2024, 5, 1), wage=w, months=1),
    "jkp": lambda w: jkp(dismissal_date=date(2025, 6, 1), wage=w, contribution_months=30),
    "jp_old_age": lambda w: jp_old_age(birth_date=date(1985, 1, 15), contribution_months=240,
                                       average_monthly_wage=w),
}


def test_the_first_date_is_1_july_2015() -> None:
    # PP 44/2015 and PP 45/2015 in force; before it, Jamsostek (PP 53/2012), out of scope.
    assert date(2015, 7, 1) == FIRST


@pytest.mark.parametrize("name", sorted(BY_EVENT_DATE))
def test_an_event_the_day_before_the_first_date_is_refused_in_one_line(name: str) -> None:
    with pytest.raises(BenefitError) as refused:
        BY_EVENT_DATE[name](FIRST - timedelta(days=1))
    message = str(refused.value)
    assert FIRST.isoformat() in message and "\n" not in message
    assert refused.value.field is not None


@pytest.mark.parametrize("name", sorted(BY_EVENT_DATE))
def test_an_event_long_before_is_refused_not_a_crash(name: str) -> None:
    with pytest.raises(BenefitError, match=FIRST.isoformat()):
        BY_EVENT_DATE[name](date(2010, 1, 1))


@pytest.mark.parametrize("name", sorted(set(BY_EVENT_DATE) - {"jp_old_age (claim date)"}))
def test_an_event_on_the_first_date_is_not_refused_for_its_date(name: str) -> None:
    try:
        BY_EVENT_DATE[name](FIRST)
    except BenefitError as exc:  # pragma: no cover - the failure message
        pytest.fail(f"{name} on {FIRST} refused: {exc}")


@pytest.mark.parametrize("wage", [0, -1, -4_000_000])
@pytest.mark.parametrize("name", sorted(BY_WAGE))
def test_a_zero_or_negative_wage_is_refused(name: str, wage: int) -> None:
    with pytest.raises(BenefitError, match="lebih dari Rp0") as refused:
        BY_WAGE[name](wage)
    assert "\n" not in str(refused.value)


def test_a_zero_wage_no_longer_pays_the_jkk_death_floor() -> None:
    # Before issue 10 a zero wage paid the Rp20.000.000 floor plus the rest (Rp42.000.000 in all).
    with pytest.raises(BenefitError, match="wage"):
        jkk_death(accident_date=date(2024, 5, 1), wage=0)
    assert jkk_death(accident_date=date(2024, 5, 1), wage=1).total > 0
