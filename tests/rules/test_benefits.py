"""Unit tests of lindung.rules.benefits beyond the YAML cases: bad input, caps, trace, warnings."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lindung.rules.benefits import (
    BenefitError,
    Child,
    ChildPerson,
    Family,
    Person,
    Recipient,
    heirs,
    jht,
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


# --- result shape -------------------------------------------------------------------------------


def test_result_is_plain_json_with_the_agreed_keys() -> None:
    out = jkm(death_date=D, contribution_months=40, children=[Child("sma", 2)]).to_dict()
    assert json.loads(json.dumps(out)) == out
    assert list(out) == ["benefit", "event_date", "amounts", "total", "eligible", "reasons",
                         "trace", "warnings", "scholarship", "details", "payer"]
    assert out["payer"]["payer"] == "bpjs"
    assert out["event_date"] == "2024-05-01"
    assert set(out["scholarship"]) == {"eligible", "min_contribution_months", "max_children",
                                       "cap", "per_child", "total", "levels"}
    assert out["scholarship"]["levels"][0] == {"level": "tk_sd", "per_year": 1500000,
                                               "max_years": 8}


def test_scholarship_is_absent_where_it_does_not_apply() -> None:
    out = stmb(accident_date=D, wage=3_000_000, months=2).to_dict()
    assert "scholarship" not in out


# --- trace and warnings -------------------------------------------------------------------------


def test_trace_names_the_regulation_of_each_amount() -> None:
    out = jkm(death_date=D, contribution_months=40).to_dict()
    by_param = {e["parameter"]: e for e in out["trace"]}
    assert by_param["jkm.lump_sum"]["value"] == "Rp20.000.000"
    assert "PP 82/2019" in by_param["jkm.lump_sum"]["basis"]
    assert by_param["jkm.lump_sum"]["period"].startswith("2019-12-02")
    old = jkm(death_date=date(2019, 12, 1), contribution_months=40).to_dict()
    assert "PP 44/2015" in {e["parameter"]: e for e in old["trace"]}["jkm.lump_sum"]["basis"]


def test_confirmed_jkm_carries_no_unconfirmed_warning() -> None:
    out = jkm(death_date=D, contribution_months=40)
    assert not [w for w in out.warnings if "UNCONFIRMED" in w]


def test_jkk_death_warns_that_the_floor_is_unconfirmed() -> None:
    out = jkk_death(accident_date=D, wage=100_000)
    assert out.death == 20_000_000
    assert any("jkk.death.floor" in w and "UNCONFIRMED" in w for w in out.warnings)


def test_old_regime_scholarship_minimum_is_the_primary_text() -> None:
    # PP 44/2015 Art. 34(1)d, read 2026-11-29: 5 years, confirmed, so no warning any more.
    out = jkm(death_date=date(2019, 6, 1), contribution_months=70)
    assert not any("jkm.scholarship.min_contribution_months" in w for w in out.warnings)
    assert out.scholarship.min_contribution_months == 60


def test_a_pension_far_in_the_future_warns_that_the_limits_may_be_stale() -> None:
    out = jp_old_age(birth_date=date(1980, 3, 10), contribution_months=300,
                     average_monthly_wage=8_000_000)
    assert any("jp.benefit.max" in w and "last reviewed" in w for w in out.warnings)


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize("wage", [-1, 1.5, "3000000", True])
def test_a_wage_that_is_not_whole_positive_rupiah_is_refused(wage: object) -> None:
    with pytest.raises(ValueError, match="wage"):
        jkk_death(accident_date=D, wage=wage)  # type: ignore[arg-type]


def test_a_date_given_as_text_is_refused() -> None:
    with pytest.raises(ValueError, match="death_date must be a date"):
        jkm(death_date="2024-05-01", contribution_months=1)  # type: ignore[arg-type]


def test_negative_contribution_months_are_refused() -> None:
    with pytest.raises(ValueError, match="contribution_months"):
        jkm(death_date=D, contribution_months=-3)


def test_an_unknown_school_level_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown school level 'sd'"):
        jkm(death_date=D, contribution_months=40, children=[{"level": "sd"}])


def test_a_year_beyond_the_level_is_refused() -> None:
    with pytest.raises(ValueError, match="year_in_level 4 is beyond the 3 years of smp"):
        jkm(death_date=D, contribution_months=40, children=[Child("smp", 4)])


def test_an_unknown_body_part_is_refused_not_guessed() -> None:
    with pytest.raises(ValueError, match="unknown body part"):
        jkk_disability(accident_date=D, wage=3_000_000, kind="partial", parts=["left_leg"])


def test_function_loss_above_one_is_refused() -> None:
    with pytest.raises(ValueError, match="function_loss"):
        jkk_disability(accident_date=D, wage=3_000_000, kind="partial",
                       parts=["one_eye"], function_loss=Decimal("1.2"))


def test_partial_disability_gives_no_scholarship() -> None:
    with pytest.raises(ValueError, match="scholarship"):
        jkk_disability(accident_date=D, wage=3_000_000, kind="partial", parts=["one_eye"],
                       children=[Child("sma")])


def test_jht_retirement_needs_a_birth_date() -> None:
    with pytest.raises(ValueError, match="birth_date"):
        jht(event="retirement", event_date=D)


def test_jht_unknown_event_is_refused() -> None:
    with pytest.raises(ValueError, match="event must be one of"):
        jht(event="marriage", event_date=D)  # type: ignore[arg-type]


def test_jkp_unknown_reason_is_refused() -> None:
    with pytest.raises(ValueError, match="reason must be"):
        jkp(dismissal_date=D, wage=4_000_000, contribution_months=30, reason="fired")


def test_jkp_more_paid_months_than_contributions_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot exceed"):
        jkp(dismissal_date=D, wage=4_000_000, contribution_months=10, paid_months_last_24=12)


def test_jp_for_someone_who_retired_before_jp_began_is_refused() -> None:
    with pytest.raises(ValueError, match="before JP began"):
        jp_old_age(birth_date=date(1959, 3, 1), contribution_months=0,
                   average_monthly_wage=3_000_000)


# --- gaps in the law's values -------------------------------------------------------------------


@pytest.mark.parametrize("day", [date(2017, 3, 1), date(2018, 6, 1), date(2019, 2, 28)])
def test_unknown_jp_limits_are_refused_instead_of_guessed(day: date) -> None:
    # regulations.md §13: the 2017 and 2018 minimum and maximum were not found.
    with pytest.raises(BenefitError, match=r"jp\.benefit\.min.*UNCONFIRMED"):
        jp_benefit_limits(pension_start=day)


def test_jkm_before_the_programme_is_refused_naming_the_first_date() -> None:
    # regulations.md §13 "Before July 2015": refused with a message, never ParameterNotInForce.
    with pytest.raises(BenefitError, match="2015-07-01"):
        jkm(death_date=date(2015, 6, 30), contribution_months=10)


# --- retirement age -----------------------------------------------------------------------------

BPJS_TABLE = [(1959, 56), (1962, 56), (1963, 57), (1964, 57), (1965, 58), (1966, 58),
              (1967, 59), (1968, 59), (1969, 60), (1970, 60), (1971, 61), (1972, 61),
              (1973, 62), (1974, 62), (1975, 63), (1976, 63), (1977, 64), (1978, 64),
              (1979, 65), (1985, 65), (2000, 65)]


@pytest.mark.parametrize(("year", "age"), BPJS_TABLE)
def test_retirement_age_matches_the_bpjs_table_for_any_day_of_the_year(year: int, age: int) -> None:
    for day in (date(year, 1, 1), date(year, 6, 30), date(year, 12, 31)):
        got, reached = retirement_age(day)
        assert got == age
        assert reached == day.replace(year=year + age)


def test_retirement_age_of_a_leap_day_birth() -> None:
    assert retirement_age(date(1968, 2, 29)) == (59, date(2027, 2, 28))


# --- amounts ------------------------------------------------------------------------------------


@given(wage=st.integers(1, 200_000_000), months=st.integers(0, 600))
def test_jp_formula_is_rounded_once_half_up(wage: int, months: int) -> None:
    out = jp_old_age(birth_date=date(1985, 1, 15), contribution_months=max(months, 180),
                     average_monthly_wage=wage)
    exact = Fraction(1, 100) * Fraction(max(months, 180), 12) * wage
    assert out.formula_amount == int(exact + Fraction(1, 2))
    assert 411_400 <= out.monthly <= 4_932_300


@given(wage=st.integers(1, 1_000_000_000))
def test_jkk_death_is_never_below_the_jkm_lump_sum(wage: int) -> None:
    out = jkk_death(accident_date=D, wage=wage)
    assert out.death == max(48 * wage, 20_000_000)


def test_jkp_wage_is_capped_at_five_million() -> None:
    low = jkp(dismissal_date=D, wage=5_000_000, contribution_months=30)
    high = jkp(dismissal_date=D, wage=50_000_000, contribution_months=30)
    assert low.monthly == high.monthly
    assert high.wage_used == 5_000_000


def test_scholarship_total_is_capped() -> None:
    real = load_parameters()
    cap = real["scholarship.cap_total"]
    lowered = dataclasses.replace(cap, values=tuple(
        dataclasses.replace(v, value=100_000_000) for v in cap.values))
    fake = ParameterSet({**real.parameters, "scholarship.cap_total": lowered})
    out = jkm(death_date=D, contribution_months=40, children=[Child("tk_sd"), Child("tk_sd")],
              params=fake)
    assert [c.entitlement for c in out.scholarship.per_child] == [87_000_000, 87_000_000]
    assert out.scholarship.total == 100_000_000
    assert out.total == 42_000_000 + 100_000_000


def test_a_child_not_yet_at_school_is_entitled_to_every_level() -> None:
    out = jkm(death_date=D, contribution_months=40, children=[Child(None, age=2)])
    child = out.scholarship.per_child[0]
    assert child.entitlement == 87_000_000
    assert child.note is not None and "not yet at school" in child.note


def test_a_third_child_is_listed_but_not_counted() -> None:
    out = jkm(death_date=D, contribution_months=40,
              children=[Child("pt", 5), Child("pt", 5), Child("pt", 5)])
    assert [c.counted for c in out.scholarship.per_child] == [True, True, False]
    assert out.scholarship.total == 24_000_000


def test_jp_lump_sum_path_says_where_the_money_comes_from() -> None:
    out = jp_old_age(birth_date=date(1985, 1, 15), contribution_months=100,
                     average_monthly_wage=5_000_000)
    assert not out.eligible
    assert "lump sum" in out.reasons[0] and "BPJS" in out.reasons[0]


def test_jp_claim_before_retirement_age_is_not_eligible() -> None:
    out = jp_old_age(birth_date=date(1985, 1, 15), contribution_months=200,
                     average_monthly_wage=5_000_000, claim_date=date(2049, 1, 1))
    assert not out.eligible
    assert "2050-01-15" in out.reasons[0]


def test_jkp_lists_every_reason_for_refusal() -> None:
    out = jkp(dismissal_date=D, wage=4_000_000, contribution_months=5, reason="resignation",
              age_at_registration=55)
    assert not out.eligible
    assert len(out.reasons) == 4
    assert out.monthly == ()


# --- heirs --------------------------------------------------------------------------------------


def test_heirs_accept_dataclasses() -> None:
    family = Family(spouses=[Person("Siti")], children=[ChildPerson("Budi", 10)])
    out = heirs(family=family, programme="jkm", death_date=D)
    assert out.recipients == (Recipient("spouse", "Siti"), Recipient("child", "Budi"))


def test_jkk_heirs_after_spouse_and_children_are_one_group_of_blood_relatives() -> None:
    # PP 44/2015 Art. 37(5), 40(2): parents, grandchildren and grandparents share one group.
    family = Family(parents=[Person("Slamet")], grandchildren=[Person("Dewi")],
                    grandparents=[Person("Karto")])
    out = heirs(family=family, programme="jkk", death_date=D)
    assert out.group == "parent+grandchild+grandparent"
    assert [r.name for r in out.recipients] == ["Slamet", "Dewi", "Karto"]
    assert not any("heirs.order.jkk" in w for w in out.warnings)


def test_jkm_residual_goes_to_the_dana_jaminan_sosial() -> None:
    out = heirs(family=Family(), programme="jkm", death_date=D)
    assert out.residual is not None and out.residual.cash == "dana_jaminan_sosial"
    assert out.residual.funeral == "burial_organiser"
    assert not any("heirs.residual.jkm" in w for w in out.warnings)
    assert any("Balai Harta Peninggalan" in e.get("note", "") for e in out.to_dict()["trace"])


def test_jp_goes_to_one_spouse_at_most_two_children_or_one_parent() -> None:
    # PP 45/2015 Art. 14(1)
    two_spouses = heirs(family=Family(spouses=[Person("Siti"), Person("Rina")]),
                        programme="jp", death_date=D)
    assert [r.name for r in two_spouses.recipients] == ["Siti"]
    kids = Family(children=[ChildPerson("A", 5), ChildPerson("B", 7), ChildPerson("C", 9)])
    three = heirs(family=kids, programme="jp", death_date=D)
    assert [r.name for r in three.recipients] == ["A", "B"]
    assert three.reasons == ("C: the JP pension goes to at most 2 child (PP 45/2015 Art. 14(1))",)


def test_jp_children_who_do_not_qualify_are_explained() -> None:
    family = Family(children=[ChildPerson("Ani", 23)], parents=[Person("Slamet")])
    out = heirs(family=family, programme="jp", death_date=D)
    assert out.group == "parent"
    assert out.reasons == ("Ani: a JP child pension needs age under 23, unmarried, not working",)


def test_heirs_unknown_programme_is_refused() -> None:
    with pytest.raises(ValueError, match="programme must be one of"):
        heirs(family=Family(), programme="jkp", death_date=D)  # type: ignore[arg-type]


def test_heirs_unknown_family_field_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown field"):
        heirs(family={"cousins": [{"name": "X"}]}, programme="jht", death_date=D)
