"""Who pays when contributions are in arrears: PP 44/2015 Art. 39, 42; PP 6/2025 Art. 39A."""

from __future__ import annotations

from datetime import date

import pytest

from lindung.rules.benefits import BenefitError
from lindung.rules.benefits.arrears import who_pays
from lindung.rules.benefits.base import tracer_for

D = date(2025, 10, 20)


@pytest.mark.parametrize(("segment", "months", "payer"), [
    ("bpu", 0, "bpjs"),
    ("bpu", 3, "bpjs_after_settlement"),
    ("bpu", 4, "none"),
    ("pu", 0, "bpjs"),
    ("pu", 3, "bpjs"),
    ("pu", 4, "employer_first"),
])
def test_both_sides_of_the_third_month(segment: str, months: int, payer: str) -> None:
    out = who_pays(tracer_for(None), on=D, programme="jkm", segment=segment,  # type: ignore[arg-type]
                   arrears_months=months)
    assert out.payer == payer
    assert out.basis == "PP 44/2015 Art. 39 and 42"


def test_a_bpu_in_arrears_gets_the_funeral_cost_at_once() -> None:
    out = who_pays(tracer_for(None), on=D, programme="jkm", segment="bpu", arrears_months=2)
    assert out.paid_at_once == ("funeral",)


def test_never_registered() -> None:
    t = tracer_for(None)
    assert who_pays(t, on=D, programme="jkk", segment="pu", arrears_months=0,
                    registered=False).payer == "employer_first"
    assert who_pays(t, on=D, programme="jkk", segment="pu", arrears_months=0, registered=False,
                    pemda_funded=True).payer == "pemda_first"
    assert who_pays(t, on=D, programme="jkk", segment="bpu", arrears_months=0,
                    registered=False).payer == "none"


@pytest.mark.parametrize(("months", "payer"), [(6, "bpjs"), (7, "employer_first")])
def test_jkp_closed_company_up_to_six_months(months: int, payer: str) -> None:
    out = who_pays(tracer_for(None), on=D, programme="jkp", segment="pu", arrears_months=months,
                   company_closed=True)
    assert out.payer == payer
    assert "PP 6/2025 Art. 39A" in out.basis


def test_jkp_before_pp_6_2025_has_no_closed_company_rule() -> None:
    out = who_pays(tracer_for(None), on=date(2024, 5, 1), programme="jkp", segment="pu",
                   arrears_months=2, company_closed=True)
    assert out.payer == "employer_first"


def test_assumed_segments_warn_unconfirmed() -> None:
    t = tracer_for(None)
    assert who_pays(t, on=D, programme="jkm", segment="jakon", arrears_months=4).payer \
        == "employer_first"
    assert who_pays(t, on=D, programme="jkm", segment="pmi", arrears_months=4).payer == "none"
    assert any("arrears.rule.jakon" in w and "UNCONFIRMED" in w for w in t.warnings)
    assert any("arrears.rule.pmi" in w and "UNCONFIRMED" in w for w in t.warnings)


def test_bad_inputs_are_one_line_refusals() -> None:
    with pytest.raises(BenefitError, match="segmen"):
        who_pays(tracer_for(None), on=D, programme="jkm", segment="xx",  # type: ignore[arg-type]
                 arrears_months=0)
    with pytest.raises(BenefitError):
        who_pays(tracer_for(None), on=D, programme="jkm", segment="pu", arrears_months=-1)
