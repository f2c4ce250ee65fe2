"""Contributions that users quote and check: the figures in the news, the invoices of a regional
government, the rows a roster import must refuse, and where each rupiah comes from."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from lindung.rules.contributions import (
    ContributionInputError,
    InvalidContribution,
    contribution,
    contributions,
)

AMOUNTS = ("jkk", "jkm", "jht_employer", "jht_worker", "jp_employer", "jp_worker", "jkp",
           "jkk_jkm_pre_placement", "jkk_jkm_placement", "total", "employer_total",
           "worker_total")


def frame(*rows: dict[str, Any]) -> pl.DataFrame:
    """A roster as an import would give it: integer money, text categories, nulls for blanks."""
    schema: dict[str, Any] = {
        "segment": pl.String, "month": pl.String, "wage": pl.Int64, "risk_class": pl.Int64,
        "declared_income": pl.Int64, "programs": pl.String, "contract_value": pl.Int64,
        "contract_months": pl.Int64, "occupation": pl.String, "funded_by": pl.String,
        "industry": pl.String, "workers_in_company": pl.Int64, "pre_placement": pl.Boolean,
    }
    return pl.DataFrame([{c: r.get(c) for c in schema} for r in rows], schema=schema)


def one(month: str, **row: Any) -> dict[str, Any]:
    """The computed row of a single worker-month."""
    result = contributions(frame({"month": month, **row}))
    assert result.height == 1
    return result.row(0, named=True)


# --- BPU: the Rp16,800 package -------------------------------------------------------------------


def test_bpu_minimum_package_is_16800() -> None:
    """PP 44/2015 Lampiran II: 1% of the lowest band Rp1,000,000 plus JKM Rp6,800."""
    row = one("2024-06", segment="bpu", declared_income=1_000_000)
    assert (row["jkk"], row["jkm"], row["jht_worker"], row["total"]) == (10_000, 6_800, 0, 16_800)
    assert row["employer_total"] is None and row["worker_total"] is None


def test_bpu_with_jht_is_36800() -> None:
    """PP 46/2015: the optional JHT adds 2% of the band, Rp20,000 on Rp1,000,000."""
    row = one("2024-06", segment="bpu", declared_income=1_000_000, programs="jkk,jkm,jht")
    assert (row["jht_worker"], row["total"]) == (20_000, 36_800)


def test_bpu_highest_band() -> None:
    row = one("2024-06", segment="bpu", declared_income=20_700_000, programs="jkk,jkm,jht")
    assert (row["jkk"], row["jkm"], row["jht_worker"]) == (207_000, 6_800, 414_000)


def test_lampung_pthl_2700_daily_workers_cost_45_360_000_a_month() -> None:
    """2,700 daily contract workers on the BPU minimum, paid from the APBD: 2,700 × Rp16,800.

    The APBD pays, so PP 50/2025 gives no discount in 2026 either: the bill is the same."""
    for month in ("2024-06", "2026-01", "2026-05"):
        roster = pl.DataFrame({
            "segment": ["bpu"] * 2_700, "declared_income": [1_000_000] * 2_700,
            "funded_by": ["apbd"] * 2_700, "occupation": ["driver", "farmer"] * 1_350,
        })
        result = contributions(roster, month)
        assert result.height == 2_700
        assert result.get_column("valid").all()
        assert result.get_column("total").sum() == 45_360_000, month


def test_non_asn_as_pu_with_two_programmes_is_5400() -> None:
    """Sulsel pays Rp5,400 a person: JKK 0.24% (class I) + JKM 0.30% on a Rp1,000,000 base."""
    row = one("2022-05", segment="pu", wage=1_000_000, risk_class=1, programs="jkk,jkm")
    assert (row["jkk"], row["jkm"], row["total"], row["employer_total"]) == (
        2_400, 3_000, 5_400, 5_400)


# --- PU ------------------------------------------------------------------------------------------


def test_pu_10_million_class_3_in_june_2024() -> None:
    """PP 44/2015 Pasal 16, 18; PP 46/2015 Pasal 16; PP 45/2015 Pasal 28; PP 37/2021 Pasal 11."""
    row = one("2024-06", segment="pu", wage=10_000_000, risk_class=3)
    assert {k: row[k] for k in AMOUNTS} == {
        "jkk": 89_000, "jkm": 30_000, "jht_employer": 370_000, "jht_worker": 200_000,
        "jp_employer": 200_000, "jp_worker": 100_000,  # below the Rp10,042,300 cap
        "jkp": 11_000,  # government's 0.22% of Rp5,000,000: shown, not billed
        "jkk_jkm_pre_placement": 0, "jkk_jkm_placement": 0,
        "total": 989_000, "employer_total": 689_000, "worker_total": 300_000,
    }


@pytest.mark.parametrize(("month", "cap"), [("2024-02", 9_559_600), ("2024-03", 10_042_300),
                                            ("2016-02", 7_000_000), ("2026-03", 11_086_300)])
def test_jp_is_capped_at_the_cap_of_the_month(month: str, cap: int) -> None:
    """PP 45/2015 Pasal 29: the new cap applies from the March contribution month."""
    row = one(month, segment="pu", wage=20_000_000, risk_class=1)
    assert row["jp_employer"] == cap * 2 // 100
    assert row["jp_worker"] == cap // 100
    assert row["jht_employer"] == 740_000  # JHT has no cap


def test_february_and_march_2024_differ_only_in_jp() -> None:
    feb = one("2024-02", segment="pu", wage=20_000_000, risk_class=1)
    mar = one("2024-03", segment="pu", wage=20_000_000, risk_class=1)
    assert (feb["jp_employer"], feb["jp_worker"]) == (191_192, 95_596)
    assert (mar["jp_employer"], mar["jp_worker"]) == (200_846, 100_423)
    assert {k for k in AMOUNTS if feb[k] != mar[k]} == {
        "jp_employer", "jp_worker", "total", "employer_total", "worker_total"}


def test_each_line_is_rounded_once_half_up() -> None:
    """1% of Rp1,234,650 is Rp12,346.50: half up gives 12,347 (half-even would give 12,346)."""
    row = one("2024-06", segment="pu", wage=1_234_650, risk_class=1)
    assert row["jp_worker"] == 12_347
    assert row["jkk"] == 2_963  # 0.24% = 2,963.16


def test_jkp_is_not_billed_and_not_before_february_2021() -> None:
    jan = one("2021-01", segment="pu", wage=8_000_000, risk_class=2)
    feb = one("2021-02", segment="pu", wage=8_000_000, risk_class=2)
    assert jan["jkp"] == 0 and feb["jkp"] == 11_000
    assert feb["total"] == sum(feb[k] for k in AMOUNTS[:9] if k != "jkp")


def test_a_very_large_wage_is_exact() -> None:
    row = one("2024-06", segment="pu", wage=10**12 + 1, risk_class=5)
    assert row["jkk"] == 17_400_000_000  # 1.74% of 1,000,000,000,001 = ...000.0174
    assert row["jp_worker"] == 100_423


# --- relief --------------------------------------------------------------------------------------


def test_covid_relief_cuts_jkk_and_jkm_by_99_percent_from_august_2020() -> None:
    """PP 49/2020 Pasal 9, 12: contribution months August 2020 to January 2021."""
    july = one("2020-07", segment="pu", wage=10_000_000, risk_class=3)
    aug = one("2020-08", segment="pu", wage=10_000_000, risk_class=3)
    feb = one("2021-02", segment="pu", wage=10_000_000, risk_class=3)
    assert (july["jkk"], july["jkm"]) == (89_000, 30_000)
    assert (aug["jkk"], aug["jkm"]) == (890, 300)
    assert (feb["jkk"], feb["jkm"]) == (89_000, 30_000)
    assert aug["jp_employer"] == july["jp_employer"]  # the JP deferral is on request only
    bpu = one("2020-09", segment="bpu", declared_income=1_000_000)
    assert (bpu["jkk"], bpu["jkm"], bpu["total"]) == (100, 68, 168)
    jakon = one("2021-01", segment="jakon", contract_value=1_000_000_000)
    assert (jakon["jkk"], jakon["jkm"]) == (15_400, 2_100)


def test_pp_50_2025_halves_transport_bpu_but_not_members_paid_by_the_apbd() -> None:
    ojek = one("2026-01", segment="bpu", declared_income=1_000_000, occupation="ojek_online")
    apbd = one("2026-01", segment="bpu", declared_income=1_000_000, occupation="ojek_online",
               funded_by="apbd")
    assert (ojek["jkk"], ojek["jkm"], ojek["total"]) == (5_000, 3_400, 8_400)
    assert apbd["total"] == 16_800


@pytest.mark.parametrize(("month", "occupation", "funded_by", "total"), [
    ("2025-12", "driver", None, 16_800),   # before PP 50/2025
    ("2026-01", "driver", None, 8_400),
    ("2026-03", "farmer", "self", 16_800),  # other BPU only from April 2026
    ("2026-04", "farmer", "self", 8_400),
    ("2026-12", "farmer", "csr", 8_400),
    ("2027-01", "farmer", None, 16_800),
    ("2027-03", "courier", None, 8_400),    # transport to March 2027
    ("2027-04", "courier", None, 16_800),
    ("2026-06", "courier", "apbn", 16_800),
    ("2026-06", "courier", "dbhcht", 16_800),
    ("2026-06", "farmer", "apbdes", 8_400),   # PP 50/2025 Pasal 3 ayat (5) names only APBN/APBD
    ("2026-06", "employer", "self", 16_800),  # Pasal 3 ayat (4): not for BPU who are employers
    ("2026-02", "employer", None, 16_800),
])
def test_pp_50_2025_windows_and_exclusions(month: str, occupation: str, funded_by: str | None,
                                           total: int) -> None:
    row = one(month, segment="bpu", declared_income=1_000_000, occupation=occupation,
              funded_by=funded_by)
    assert row["total"] == total


def test_village_budget_gets_the_discount_without_a_warning() -> None:
    row = contribution("bpu", "2026-06", declared_income=1_000_000, funded_by="apbdes")
    assert row.total == 8_400
    assert not any("excluded_funding" in w for w in row.warnings)


@pytest.mark.parametrize(("month", "industry", "workers", "jkk"), [
    ("2025-06", "furniture", 50, 44_500),        # 0.445% after the 50% discount
    ("2025-10", "footwear", 1_200, 44_500),      # PP 36/2025 extension
    ("2025-06", "furniture", 49, 89_000),        # fewer than 50 workers
    ("2025-06", "mining", 500, 89_000),          # not a listed industry
    ("2025-06", "furniture", None, 89_000),      # head count unknown: no discount
    ("2025-01", "furniture", 500, 89_000),       # before PP 7/2025
    ("2026-02", "furniture", 500, 89_000),       # after the extension
])
def test_labour_intensive_industries_pay_half_jkk(month: str, industry: str, workers: int | None,
                                                  jkk: int) -> None:
    row = one(month, segment="pu", wage=10_000_000, risk_class=3, industry=industry,
              workers_in_company=workers)
    assert row["jkk"] == jkk
    assert row["jkm"] == 30_000  # JKM is not discounted


# --- Jakon and PMI ---------------------------------------------------------------------------


def test_jakon_one_billion_contract() -> None:
    """Marginal bands: 100M × 0.21% + 400M × 0.17% + 500M × 0.13%; JKM 30k + 80k + 100k."""
    row = one("2024-06", segment="jakon", contract_value=1_000_000_000)
    assert (row["jkk"], row["jkm"], row["total"]) == (1_540_000, 210_000, 1_750_000)
    assert (row["employer_total"], row["worker_total"]) == (1_750_000, 0)


def test_jakon_large_contract_crosses_every_band() -> None:
    row = one("2024-06", segment="jakon", contract_value=10_000_000_000)
    # + 4B × 0.11% + 5B × 0.09%; JKM + 4B × 0.01% + 5B × 0.01%
    assert (row["jkk"], row["jkm"]) == (1_540_000 + 4_400_000 + 4_500_000,
                                        210_000 + 400_000 + 500_000)


def test_jakon_with_known_wage_pays_2_04_percent() -> None:
    row = one("2024-06", segment="jakon", wage=4_000_000)
    assert (row["jkk"], row["jkm"]) == (69_600, 12_000)


@pytest.mark.parametrize(("months", "pre", "total"), [
    (24, None, 370_000),                       # the "Rp370 ribu" of the news
    (12, True, 37_500 + 189_000),
    (8, None, 37_500 + 189_000),               # up to 12 months pays the 12-month amount
    (6, None, 37_500 + 108_000),
    (30, None, 37_500 + 332_500 + 6 * 13_500),
    (24, False, 332_500),                      # already placed: no pre-placement amount
])
def test_pmi_amounts(months: int, pre: bool | None, total: int) -> None:
    row = one("2024-06", segment="pmi", contract_months=months, pre_placement=pre)
    assert row["total"] == total
    assert row["employer_total"] is None


def test_pmi_before_permenaker_4_2023_pays_the_same_under_permenaker_18_2018() -> None:
    row = one("2023-02", segment="pmi", contract_months=24)
    assert (row["valid"], row["errors"], row["total"]) == (True, None, 370_000)


def test_pmi_before_permenaker_18_2018_is_refused() -> None:
    row = one("2018-11", segment="pmi", contract_months=24)
    assert (row["valid"], row["errors"], row["total"]) == (False, "no_law", None)


def test_programmes_are_not_judged_when_no_law_is_in_force() -> None:
    assert one("2018-06", segment="pmi", contract_months=24, programs="jkk,jkm")["errors"] \
        == "no_law"


# --- refused rows ------------------------------------------------------------------------------


@pytest.mark.parametrize(("row", "code"), [
    ({"segment": "pu", "wage": 5_000_000, "risk_class": 7}, "risk_class"),
    ({"segment": "pu", "wage": 5_000_000}, "risk_class"),
    ({"segment": "pu", "wage": -5_000_000, "risk_class": 1}, "wage_invalid"),
    ({"segment": "pu", "risk_class": 1}, "wage_missing"),
    ({"segment": "bpu", "declared_income": 1_050_000}, "income_band"),
    ({"segment": "bpu", "declared_income": 20_800_000}, "income_band"),
    ({"segment": "bpu"}, "income_missing"),
    ({"segment": "bpu", "declared_income": 1_000_000, "programs": "jkk,jkm,jp"},
     "programme_not_allowed"),
    ({"segment": "pu", "wage": 5_000_000, "risk_class": 1, "programs": "jht,jp"},
     "programme_compulsory"),
    ({"segment": "pu", "wage": 5_000_000, "risk_class": 1, "programs": "jkk,jkm,jp,jkp"},
     "jkp_requires"),
    ({"segment": "pu", "wage": 5_000_000, "risk_class": 1, "programs": "jkk,jkm,jhtt"},
     "programme_unknown"),
    ({"segment": "jakon", "wage": 5_000_000, "contract_value": 1_000_000_000}, "jakon_base"),
    ({"segment": "jakon"}, "jakon_base"),
    ({"segment": "jakon", "contract_value": 0}, "contract_value"),
    ({"segment": "pmi"}, "contract_months"),
    ({"segment": "bpu", "declared_income": 1_000_000, "funded_by": "bank"}, "funded_by"),
    ({"segment": "pns"}, "segment"),
])
def test_invalid_rows_are_refused_with_the_reason_and_no_amounts(row: dict[str, Any],
                                                                 code: str) -> None:
    good = {"segment": "bpu", "declared_income": 1_000_000, "month": "2024-06"}
    result = contributions(frame(good, {"month": "2024-06", **row}, good))
    assert result.get_column("valid").to_list() == [True, False, True]
    refused = result.row(1, named=True)
    assert code in refused["errors"].split(";")
    assert all(refused[c] is None for c in AMOUNTS)
    assert result.get_column("total").to_list() == [16_800, None, 16_800]


def test_invalid_single_case_raises_with_the_codes() -> None:
    with pytest.raises(InvalidContribution) as caught:
        contribution("bpu", "2024-06", declared_income=1_000_000, programs=["jkk", "jkm", "jp"])
    assert [e.code for e in caught.value.errors] == ["programme_not_allowed"]
    assert "BPU cannot join JP" in str(caught.value)


def test_float_money_is_refused_for_the_whole_frame() -> None:
    roster = pl.DataFrame({"segment": ["pu"], "wage": [5_000_000.0], "risk_class": [1]})
    with pytest.raises(ContributionInputError, match="wage"):
        contributions(roster, "2024-06")


# --- shape of the output and the trace ---------------------------------------------------------


def test_one_output_row_per_input_row_in_order() -> None:
    rows = [
        {"segment": "pmi", "contract_months": 24},
        {"segment": "pu", "wage": 3_000_000, "risk_class": 2},
        {"segment": "bpu", "declared_income": 2_000_000},
        {"segment": "pu", "wage": 7_000_000, "risk_class": 2, "month": "2020-09"},
        {"segment": "bpu", "declared_income": 1_050_000},
        {"segment": "jakon", "contract_value": 100_000_000},
        {"segment": "pu", "wage": 1_000_000, "risk_class": 2},
    ]
    roster = frame(*({"month": "2024-06", **r} for r in rows))
    result = contributions(roster)
    assert result.height == len(rows)
    assert result.get_column("total").to_list() == [
        370_000, 286_200, 26_800, 609_588, None, 240_000, 95_400,
    ]
    for i in range(len(rows)):
        assert result.row(i, named=True) == contributions(roster.slice(i, 1)).row(0, named=True)


def test_trace_names_the_legal_basis_of_every_line() -> None:
    result = contribution("pu", "2024-06", wage=10_000_000, risk_class=3)
    by_line: dict[str, list[Any]] = {}
    for entry in result.trace:
        by_line.setdefault(entry.line, []).append(entry)
    assert set(by_line) == {"jkk", "jkm", "jht_employer", "jht_worker", "jp_employer",
                            "jp_worker", "jkp"}
    assert by_line["jkk"][0].parameter == "pu.jkk.rate.class_3"
    assert "PP 44/2015 Pasal 16" in by_line["jkk"][0].basis
    assert any("B/1387/022024" in e.basis for e in by_line["jp_employer"])
    assert all("PP 37/2021" in e.basis for e in by_line["jkp"][:1])
    assert result.amounts["jkk"] == 89_000 and "jkp" not in result.amounts
    assert result.government == {"jkp": 11_000}


def test_trace_shows_the_relief_applied() -> None:
    result = contribution("pu", "2020-10", wage=10_000_000, risk_class=3)
    assert any(e.parameter == "relief.covid_2020.jkk_jkm.discount" and "PP 49/2020" in e.basis
               for e in result.trace if e.line == "jkk")
    assert any("JP may be 99% deferred" in w for w in result.warnings)


def test_bpu_warns_that_the_income_grid_is_unconfirmed() -> None:
    result = contribution("bpu", "2024-06", declared_income=1_000_000)
    assert result.total == 16_800
    assert any("bpu.income_grid" in w and "UNCONFIRMED" in w for w in result.warnings)
    row = one("2024-06", segment="bpu", declared_income=1_000_000)
    assert "unconfirmed" in row["warnings"].split(";")
