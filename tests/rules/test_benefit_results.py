"""The typed benefit results and what every programme module shares: the parameters it is given,
its refusals (BenefitError), and the JSON its result turns into."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from lindung.rules.benefits import (
    BenefitError,
    BenefitResult,
    CareMaxima,
    Child,
    HeirsResult,
    JhtResult,
    JkkDeathResult,
    JkmResult,
    JkpResult,
    JpOldAgeResult,
    PartialDisabilityResult,
    Recipient,
    Residual,
    TotalDisabilityResult,
    heirs,
    jht,
    jkk_care_maxima,
    jkk_death,
    jkk_disability,
    jkm,
    jkp,
    jp_benefit_limits,
    jp_old_age,
    retirement_age,
    stmb,
)
from lindung.rules.params import ParameterSet, load_parameters

D = date(2024, 5, 1)

CALLS: dict[str, Callable[..., Any]] = {
    "jkm": lambda **p: jkm(death_date=D, contribution_months=40, **p),
    "jkk_death": lambda **p: jkk_death(accident_date=D, wage=3_000_000, **p),
    "jkk_disability": lambda **p: jkk_disability(accident_date=D, wage=3_000_000, kind="total",
                                                 **p),
    "stmb": lambda **p: stmb(accident_date=D, wage=3_000_000, months=2, **p),
    "jkk_care_maxima": lambda **p: jkk_care_maxima(accident_date=D, **p),
    "jht": lambda **p: jht(event="dismissal", event_date=D, balance=1_000_000, **p),
    "retirement_age": lambda **p: retirement_age(date(1970, 1, 1), **p),
    "jp_benefit_limits": lambda **p: jp_benefit_limits(pension_start=D, **p),
    "jp_old_age": lambda **p: jp_old_age(birth_date=date(1970, 1, 1), contribution_months=200,
                                         average_monthly_wage=5_000_000, **p),
    "jkp": lambda **p: jkp(dismissal_date=D, wage=4_000_000, contribution_months=30, **p),
    "heirs": lambda **p: heirs(family={}, programme="jkm", death_date=D, **p),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_every_benefit_reads_only_the_parameters_it_is_given(name: str) -> None:
    """With no parameters at all there is nothing to compute from: none is loaded behind the
    caller's back."""
    assert CALLS[name]() is not None
    with pytest.raises(KeyError, match="unknown parameter"):
        CALLS[name](params=ParameterSet({}))


def test_changed_parameters_change_the_amount() -> None:
    real = load_parameters()
    lump = real["jkm.lump_sum"]
    doubled = dataclasses.replace(lump, values=tuple(
        dataclasses.replace(v, value=2 * v.value) for v in lump.values))
    params = ParameterSet({**real.parameters, "jkm.lump_sum": doubled})
    assert jkm(death_date=D, contribution_months=40, params=params).lump_sum == 40_000_000


# --- typed results ------------------------------------------------------------------------------


def test_jkm_result_fields() -> None:
    out = jkm(death_date=D, contribution_months=40, children=[Child("pt", 5)])
    assert isinstance(out, JkmResult) and isinstance(out, BenefitResult)
    assert (out.lump_sum, out.periodic, out.funeral) == (20_000_000, 12_000_000, 10_000_000)
    assert out.scholarship.per_child[0].entitlement == 12_000_000
    assert out.total == 54_000_000
    assert out.to_dict()["details"] == {"cash_total": 42_000_000}


def test_results_are_frozen() -> None:
    out = jkk_death(accident_date=D, wage=3_000_000)
    assert isinstance(out, JkkDeathResult)
    with pytest.raises(dataclasses.FrozenInstanceError):
        out.death = 0  # type: ignore[misc]


def test_total_and_partial_disability_are_different_results() -> None:
    total = jkk_disability(accident_date=D, wage=3_000_000, kind="total")
    partial = jkk_disability(accident_date=D, wage=3_000_000, kind="partial", parts=["one_eye"],
                             function_loss="0.5")
    assert isinstance(total, TotalDisabilityResult)
    assert (total.lump_sum, total.to_dict()["details"]["kind"]) == (168_000_000, "total")
    assert isinstance(partial, PartialDisabilityResult)
    assert (partial.table_share, partial.function_loss, partial.lump_sum) == (
        Decimal("0.35"), Decimal("0.5"), 42_000_000)
    assert partial.to_dict()["details"] == {"kind": "partial", "parts": ["one_eye"],
                                            "table_share": "0.35", "function_loss": "0.5"}
    assert "scholarship" not in partial.to_dict()


def test_jht_partial_claim_fields_and_json() -> None:
    out = jht(event="partial_10", event_date=D, membership_months=130, balance=50_000_001)
    assert isinstance(out, JhtResult)
    assert (out.payout, out.max_share, out.purpose) == (5_000_000, Decimal("0.10"),
                                                        "retirement preparation")
    assert out.to_dict()["details"] == {"max_share": "0.10", "once_only": True,
                                        "purpose": "retirement preparation",
                                        "earliest_claim_date": "2024-05-01"}


def test_jht_without_a_balance_has_no_payout_line() -> None:
    out = jht(event="dismissal", event_date=D)
    assert (out.payout, out.total, out.amounts) == (None, 0, {})
    assert out.to_dict()["details"] == {"waiting_months": 1, "earliest_claim_date": "2024-06-01"}


def test_jp_old_age_details_keep_their_order() -> None:
    out = jp_old_age(birth_date=date(1968, 2, 29), contribution_months=200,
                     average_monthly_wage=7_000_000)
    assert isinstance(out, JpOldAgeResult)
    assert (out.retirement_age, out.retirement_age_reached, out.pension_start) == (
        59, date(2027, 2, 28), date(2027, 3, 1))
    assert list(out.to_dict()["details"]) == ["retirement_age", "retirement_age_reached",
                                              "pension_start", "formula_amount"]
    short = jp_old_age(birth_date=date(1968, 2, 29), contribution_months=100,
                       average_monthly_wage=7_000_000)
    assert (short.eligible, short.formula_amount) == (False, None)
    assert "formula_amount" not in short.to_dict()["details"]


def test_jkp_before_the_programme_has_no_details_and_says_when_it_began() -> None:
    out = jkp(dismissal_date=date(2020, 1, 1), wage=4_000_000, contribution_months=30)
    assert isinstance(out, JkpResult)
    assert out.reasons == ("JKP did not exist yet: it began with PP 37/2021 (2 Feb 2021)",)
    assert (out.monthly, out.claim_deadline) == ((), None)
    assert "details" not in out.to_dict()


def test_care_maxima_list_transport_by_mode() -> None:
    out = jkk_care_maxima(accident_date=D)
    assert isinstance(out, CareMaxima)
    assert list(out.amounts) == ["home_care", "transport_land", "transport_sea", "transport_air",
                                 "glasses"]
    assert out.total == 0 and out.home_care_max_months == 12


def test_heirs_result_names_its_programme_and_the_residual() -> None:
    out = heirs(family={}, programme="jht", death_date=D)
    assert isinstance(out, HeirsResult)
    assert (out.benefit, out.eligible, out.recipients) == ("heirs_jht", False, ())
    assert out.residual == Residual(balance="balai_harta_peninggalan")
    assert out.to_dict()["details"] == {"programme": "jht", "group": None, "recipients": [],
                                        "residual": {"balance": "balai_harta_peninggalan"}}
    found = heirs(family={"siblings": ["Sri"]}, programme="jkm", death_date=D)
    assert (found.group, found.recipients, found.residual) == (
        "sibling", (Recipient("sibling", "Sri"),), None)


# --- refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("call", "field"), [
    (lambda: jkk_death(accident_date=D, wage=-1), "wage"),
    (lambda: jkm(death_date="2024-05-01", contribution_months=1),  # type: ignore[arg-type]
     "death_date"),
    (lambda: jkm(death_date=D, contribution_months=40, children=[{"grade": 1}]), "children"),
    (lambda: jkk_disability(accident_date=D, wage=1, kind="partial", parts=["tail"]), "parts"),
    (lambda: jht(event="retirement", event_date=D), "birth_date"),
    (lambda: jkp(dismissal_date=D, wage=1, contribution_months=10, paid_months_last_24=12),
     "paid_months_last_24"),
    (lambda: heirs(family={"children": [{"name": "Budi"}]}, programme="jp", death_date=D),
     "family"),
])
def test_refusals_are_benefit_errors_naming_the_input(call: Callable[[], Any],
                                                      field: str) -> None:
    with pytest.raises(BenefitError) as caught:
        call()
    assert isinstance(caught.value, ValueError)
    assert caught.value.field == field


def test_the_cli_refuses_a_benefit_input_in_one_line() -> None:
    done = subprocess.run([sys.executable, "-m", "lindung", "rules", "benefit", "jkm",
                           "--death-date", "2024-05-01", "--contribution-months", "-4"],
                          capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip() == ("lindung: error: contribution_months must be a whole number "
                                   "of at least 0, got -4")
