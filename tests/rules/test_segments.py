"""Each segment object on its own: the parameters it names, its per-month tables, its trace, and
the engine running a segment it has never seen (how a new segment plugs in)."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import polars as pl
import pytest

from lindung.rules.contributions import (
    AMOUNT_COLUMNS,
    BPU,
    JAKON,
    PMI,
    PU,
    SEGMENT_RULES,
    SEGMENTS,
    Segment,
    bpu,
    contribution,
    contributions,
    pmi,
    pu,
    relief,
)
from lindung.rules.contributions.engine import MonthRange, RowTrace, Run, assess
from lindung.rules.dates import month_index
from lindung.rules.money import IntArray
from lindung.rules.params import ParameterSet, load_parameters

PARAMS = load_parameters()


def _months(first: date, last: date) -> MonthRange:
    return MonthRange(PARAMS, month_index(first), month_index(last))


def _trace(result: Any) -> dict[str, list[str]]:
    """Parameter names per line, in trace order."""
    by_line: dict[str, list[str]] = {}
    for entry in result.trace:
        by_line.setdefault(entry.line, []).append(entry.parameter)
    return by_line


# --- the registry and the names each segment reads ----------------------------------------------


def test_the_four_segments_in_their_public_order() -> None:
    assert SEGMENTS == ("pu", "bpu", "jakon", "pmi")
    assert SEGMENT_RULES == (PU, BPU, JAKON, PMI)


def test_every_amount_line_belongs_to_a_segment() -> None:
    lines = {line for s in SEGMENT_RULES for line in s.lines}
    assert lines == set(AMOUNT_COLUMNS)


@pytest.mark.parametrize("segment", SEGMENT_RULES, ids=SEGMENTS)
def test_every_parameter_a_segment_names_exists(segment: Segment[Any]) -> None:
    """A misspelt name would leave the segment with no law in force in any month."""
    named = {*segment.law, segment.allowed, segment.compulsory, segment.default or segment.allowed,
             *(n for names in getattr(segment, "line_parameters", {}).values() for n in names)}
    assert named <= set(PARAMS.parameters)


def test_every_relief_parameter_named_in_code_exists() -> None:
    named = {relief.COVID_DISCOUNT, relief.COVID_SEGMENTS, relief.COVID_JP_DEFERRAL,
             pu.LABOUR_DISCOUNT, pu.LABOUR_INDUSTRIES, pu.LABOUR_MIN_WORKERS,
             bpu.TRANSPORT_DISCOUNT, bpu.OTHER_DISCOUNT, bpu.TRANSPORT_OCCUPATIONS,
             *bpu.EXCLUDED_FUNDING, bpu.EXCLUDED_OCCUPATIONS, pmi.PRE_PLACEMENT, *pmi.PLACEMENT}
    assert named <= set(PARAMS.parameters)


# --- per-month tables ---------------------------------------------------------------------------


def test_pu_tables_hold_each_variant_of_the_jkk_rate() -> None:
    """October 2020: 0.89% for class III, 0.0089% under the COVID-19 relief (99% off)."""
    t = PU.tables(_months(date(2020, 10, 1), date(2020, 10, 1)))
    assert t.jkk[pu.NORMAL, 0, 2] == 890_000
    assert t.jkk[pu.COVID, 0, 2] == 8_900
    assert t.jkk[pu.LABOUR_INTENSIVE, 0, 2] == 890_000  # PP 7/2025 not yet in force
    assert bool(t.covid[0]) and not bool(t.labour_intensive[0])


def test_bpu_tables_halve_the_flat_jkm_under_pp_50() -> None:
    t = BPU.tables(_months(date(2026, 6, 1), date(2026, 6, 1)))
    assert t.jkm_amount[0] == 6_800
    assert t.jkm_share[:, 0].tolist() == [100_000_000, 100_000_000, 50_000_000, 50_000_000]
    assert (t.grid_min[0], t.grid_max[0], t.grid_step[0]) == (1_000_000, 20_700_000, 100_000)


def test_jakon_tables_cut_the_contract_value_into_bands() -> None:
    t = JAKON.tables(_months(date(2024, 6, 1), date(2024, 6, 1)))
    assert t.band_lower[0].tolist() == [0, 100_000_000, 500_000_000, 1_000_000_000,
                                        5_000_000_000]
    assert t.band_width[0, :4].tolist() == [100_000_000, 400_000_000, 500_000_000,
                                            4_000_000_000]


def test_pmi_tables_are_empty_before_permenaker_18_2018() -> None:
    t = PMI.tables(_months(date(2018, 11, 1), date(2019, 1, 1)))
    assert t.term_up_to[0].tolist() == [-1, -1, -1]  # November 2018: no term covers any contract
    assert t.term_up_to[1].tolist() == [-1, -1, -1]  # December 2018: its first day is before
    assert t.term_up_to[2].tolist() == [6, 12, 24]
    assert t.pre_placement.tolist() == [0, 0, 37_500]


# --- each segment's trace -----------------------------------------------------------------------


def test_pu_traces_the_class_of_the_row_and_the_labour_intensive_discount() -> None:
    result = contribution("pu", "2025-06", wage=10_000_000, risk_class=3, industry="furniture",
                          workers_in_company=60)
    trace = _trace(result)
    assert trace["jkk"] == ["pu.jkk.rate.class_3", pu.LABOUR_DISCOUNT]
    assert trace["jkm"] == ["pu.jkm.rate"]
    assert result.amounts["jkk"] == 44_500


def test_pu_without_jp_has_no_jp_lines_nor_the_deferral_note() -> None:
    result = contribution("pu", "2020-10", wage=10_000_000, risk_class=3, programs="jkk,jkm")
    assert set(_trace(result)) == {"jkk", "jkm"}
    assert not any("deferred" in w for w in result.warnings)
    with_jp = contribution("pu", "2020-10", wage=10_000_000, risk_class=3)
    assert "PP 49/2020: JP may be 99% deferred on request; amounts show the full JP" \
        in with_jp.warnings


def test_bpu_traces_the_transport_discount_on_jkk_and_jkm_only() -> None:
    result = contribution("bpu", "2026-02", declared_income=2_000_000, occupation="courier",
                          programs="jkk,jkm,jht")
    trace = _trace(result)
    assert trace["jkk"] == ["bpu.jkk.rate", "bpu.income_grid", bpu.TRANSPORT_DISCOUNT]
    assert trace["jkm"] == ["bpu.jkm.amount", bpu.TRANSPORT_DISCOUNT]
    assert trace["jht_worker"] == ["bpu.jht.rate", "bpu.income_grid"]
    assert (result.amounts["jkk"], result.amounts["jkm"], result.amounts["jht_worker"]) == (
        10_000, 3_400, 40_000)


def test_bpu_paid_from_a_village_budget_gets_the_pp50_discount() -> None:
    result = contribution("bpu", "2026-06", declared_income=1_000_000, funded_by="apbdes")
    assert _trace(result)["jkk"][-1] == bpu.OTHER_DISCOUNT
    assert result.total == 8_400
    assert contributions(pl.DataFrame({"segment": ["bpu"], "declared_income": [1_000_000],
                                       "funded_by": ["apbdes"]}), "2026-06"
                         )["warnings"].to_list() == ["unconfirmed"]  # the income grid, not APBDes


def test_bpu_employer_pays_in_full_under_pp50() -> None:
    result = contribution("bpu", "2026-06", declared_income=1_000_000, occupation="employer")
    assert result.total == 16_800
    assert bpu.OTHER_DISCOUNT not in _trace(result)["jkk"]


@pytest.mark.parametrize(("inputs", "names"), [
    ({"wage": 4_000_000}, ["jakon.wage_known.jkk.rate"]),
    ({"contract_value": 4_000_000}, ["jakon.contract_value.bands"]),
])
def test_jakon_traces_the_base_it_was_charged_on(inputs: dict[str, Any],
                                                 names: list[str]) -> None:
    result = contribution("jakon", "2024-06", **inputs)
    assert _trace(result)["jkk"] == names
    assert result.employer_total == result.total and result.worker_total == 0


def test_pmi_already_placed_has_only_the_placement_line() -> None:
    result = contribution("pmi", "2024-06", contract_months=30, pre_placement=False)
    assert _trace(result) == {"jkk_jkm_placement": list(pmi.PLACEMENT)}
    assert result.amounts == {"jkk_jkm_placement": 332_500 + 6 * 13_500}


def test_a_risk_class_outside_the_five_is_refused_on_any_segment() -> None:
    frame = pl.DataFrame({"segment": ["jakon"], "wage": [4_000_000], "risk_class": [7]})
    assert contributions(frame, "2024-06")["errors"].to_list() == ["risk_class"]


def test_a_single_case_reads_the_parameters_it_is_given() -> None:
    amount = PARAMS["bpu.jkm.amount"]
    raised = dataclasses.replace(amount, values=tuple(
        dataclasses.replace(v, value=10_000) for v in amount.values))
    params = ParameterSet({**PARAMS.parameters, "bpu.jkm.amount": raised})
    assert contribution("bpu", "2024-06", declared_income=1_000_000, params=params).total \
        == 20_000
    assert contribution("bpu", "2024-06", declared_income=1_000_000).total == 16_800


# --- a segment the engine has never seen --------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _FlatTables:
    amount: IntArray


class _FlatJkm(Segment[_FlatTables]):
    """A made-up segment paying the BPU JKM amount and nothing else, to show the seam."""

    code = "flat"
    lines = ("jkm",)
    law = ("bpu.jkm.amount",)
    allowed = "programmes.jakon.allowed"
    compulsory = "programmes.jakon.compulsory"

    def tables(self, months: MonthRange) -> _FlatTables:
        return _FlatTables(months.amounts("bpu.jkm.amount"))

    def compute(self, run: Run, tables: _FlatTables, idx: IntArray, m: IntArray,
                programs: IntArray) -> None:
        ok = run.valid(idx)
        run.put("jkm", idx[ok], tables.amount[m[ok]])

    def trace(self, row: RowTrace) -> None:
        row.add("jkm", "bpu.jkm.amount")


def test_the_engine_runs_any_segment_it_is_given() -> None:
    frame = pl.DataFrame({"segment": ["flat", "bpu", "flat", "pu"],
                          "declared_income": [None, 1_000_000, None, None],
                          "programs": [None, None, "jkk,jkm,jht", None]})
    result = assess(frame, "2024-06", segments=(_FlatJkm(), BPU), params=PARAMS, trace=True)
    rows = result.frame.select("jkm", "total", "employer_total", "errors").rows()
    assert rows == [(6_800, 6_800, None, None),
                    (6_800, 16_800, None, None),
                    (None, None, None, "programme_not_allowed"),  # its own programme list
                    (None, None, None, "segment")]  # PU is not one of the segments given
    assert result.traces is not None
    assert [e.parameter for e in result.traces[0]] == ["bpu.jkm.amount"]
    assert result.traces[3] == []
