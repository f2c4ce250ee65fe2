"""The vectorised engine against the Decimal reference, over random populations.

Each example is one whole frame (mixed segments, one contribution month per row from July 2015 to
December 2027, so every relief window and every JP cap is crossed) computed by ONE call of
:func:`contributions`. Every row must then agree with :func:`reference_contribution` to the
rupiah on every line and total, and on whether it is refused and why.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from lindung.rules.contributions import ROW_ERRORS, contribution, contributions
from lindung.rules.params import load_parameters
from tests.rules.reference import ERROR_CODES, LINES, TOTALS, reference_contribution

PARAMS = load_parameters()

FIRST, LAST = date(2015, 7, 1), date(2027, 12, 1)

# Months where something changes: programme start, each JP cap (March), COVID window, JKP start,
# PMI rules (22 Feb 2023, so March is the first month), labour-intensive window, PP 50/2025.
EDGE_MONTHS = [
    (2015, 7), (2016, 2), (2016, 3), (2020, 2), (2020, 3), (2020, 7), (2020, 8), (2021, 1),
    (2021, 2), (2021, 3), (2023, 2), (2023, 3), (2024, 2), (2024, 3), (2025, 1), (2025, 2),
    (2025, 3), (2025, 7), (2025, 8), (2026, 1), (2026, 2), (2026, 3), (2026, 4), (2026, 12),
    (2027, 1), (2027, 3), (2027, 4), (2027, 12),
]
N_MONTHS = (LAST.year - FIRST.year) * 12 + LAST.month - FIRST.month + 1


def _month(index: int) -> date:
    y, m = divmod(FIRST.year * 12 + FIRST.month - 1 + index, 12)
    return date(y, m + 1, 1)


def _between(first: date, last: date) -> st.SearchStrategy[date]:
    def index(d: date) -> int:
        return (d.year - FIRST.year) * 12 + d.month - FIRST.month

    return st.integers(index(first), index(last)).map(_month)


# Uniform over the whole span, plus extra weight on the months where something changes and on
# every relief window, so each regime is met many times per run.
months = st.one_of(
    st.sampled_from([date(y, m, 1) for y, m in EDGE_MONTHS]),
    _between(FIRST, LAST),
    _between(FIRST, LAST),
    _between(date(2020, 8, 1), date(2021, 1, 1)),  # PP 49/2020
    _between(date(2025, 2, 1), date(2026, 1, 1)),  # PP 7/2025, PP 36/2025
    _between(date(2026, 1, 1), date(2027, 3, 1)),  # PP 50/2025
)
pmi_months = st.one_of(_between(date(2023, 3, 1), LAST),  # Permenaker 4/2023 from 22 Feb 2023
                       st.sampled_from([date(2023, 3, 1), date(2026, 4, 1)]))

# Wages: tiny ones (whose lines can end in exactly half a rupiah), everyday ones, the caps and
# their neighbours, and very large ones.
CAPS = sorted({v.value for v in PARAMS["pu.jp.wage_cap"].values}
              | {v.value for v in PARAMS["jkp.contribution.wage_cap"].values})
wages = st.one_of(
    st.integers(1, 10_000),
    st.integers(1_000_000, 30_000_000),
    st.integers(1_000_000, 30_000_000).map(lambda w: w // 100 * 100),
    st.sampled_from(CAPS).flatmap(lambda c: st.sampled_from([c - 1, c, c + 1])),
    st.integers(1, 10**12),
    st.just(10**12),
)
bad_wages = st.one_of(st.none(), st.integers(-10**6, 0))

grid_incomes = st.integers(0, 197).map(lambda k: 1_000_000 + 100_000 * k)
bad_incomes = st.one_of(
    st.sampled_from([1_050_000, 999_999, 900_000, 20_800_000, 0, -100_000, None]),
    st.integers(0, 30_000_000).filter(lambda i: i % 100_000 != 0),
)

risk_classes = st.integers(1, 5)
bad_risk_classes = st.sampled_from([0, 6, 7, -1, None])

GOOD_PROGRAMMES = {
    "pu": [None, "jkk,jkm", "jkk,jkm,jht", "jkk,jkm,jht,jp", "jkk,jkm,jht,jp,jkp",
           "jkk,jkm,jht,jkp", "JKK; JKM; JHT", " jkk , jkm , jht , jp ", "jkk,jkk,jkm", "",
           "jkm,jkk,,jp,jht"],
    "bpu": [None, "jkk,jkm", "jkk,jkm,jht", "JKK;JKM", "jht,jkm,jkk", ""],
    "jakon": [None, "jkk,jkm"],
    "pmi": [None, "jkk,jkm"],
}
BAD_PROGRAMMES = ["jkk", "jht", "jkk,jkm,jp", "jkk,jkm,jht,jp,foo", "foo", "jkk,jkm,jkp",
                  "jkk,jkm,jp,jkp", "jkk,jkm,jht,jp,jkp", "jkk,jkm,jht"]

OCCUPATIONS = [None, "transport", "ojek_online", "ojek_pangkalan", "driver", "courier",
               "logistics", "farmer", "fisher", "trader", "artist", "employer"]
FUNDING = [None, "self", "self", "csr", "apbn", "apbd", "apbdes", "dbhcht"]
BAD_FUNDING = ["bank", "APBD", ""]
INDUSTRIES = [None, "food_beverage_tobacco", "textiles_clothing", "leather", "footwear",
              "childrens_toys", "furniture", "mining", "retail"]

contract_values = st.one_of(
    st.integers(1, 10**13),
    st.integers(1, 10**13).map(lambda v: v // 1000 * 1000 + 500),
    st.sampled_from([100_000_000, 500_000_000, 1_000_000_000, 5_000_000_000]).flatmap(
        lambda v: st.sampled_from([v - 1, v, v + 1])),
    st.integers(1, 200_000),
)
contract_months = st.one_of(st.integers(1, 36), st.sampled_from([6, 7, 12, 13, 24, 25]),
                            st.integers(37, 10**5))
staff_counts = st.one_of(st.integers(0, 49), st.integers(50, 100_000), st.just(50), st.none())

SEGMENTS = ["pu"] * 4 + ["bpu"] * 4 + ["jakon"] * 2 + ["pmi"] * 2


@st.composite
def worker_months(draw: st.DrawFn) -> dict[str, Any]:
    """One input row shaped like its segment. One row in four is careless: any field may then be
    wrong, missing, or given to a segment it does not belong to."""
    careless = draw(st.integers(0, 3)) == 0

    def pick(good: st.SearchStrategy[Any], bad: st.SearchStrategy[Any]) -> Any:
        return draw(st.one_of(good, good, bad) if careless else good)

    segment = pick(st.sampled_from(SEGMENTS), st.sampled_from([None, "PU", "xyz"]))
    row: dict[str, Any] = {"segment": segment}
    row["month"] = draw(pmi_months) if segment == "pmi" and not careless else draw(months)
    stray = careless and draw(st.booleans())  # fields of other segments too
    if segment == "pu" or stray:
        row["wage"] = pick(wages, bad_wages)
        row["risk_class"] = pick(risk_classes, bad_risk_classes)
        row["industry"] = draw(st.sampled_from(INDUSTRIES))
        row["workers_in_company"] = pick(staff_counts, st.integers(-5, -1))
    if segment == "bpu" or stray:
        row["declared_income"] = pick(grid_incomes, bad_incomes)
        row["occupation"] = draw(st.sampled_from(OCCUPATIONS))
    if segment == "jakon" or stray:
        base = pick(st.sampled_from(["wage", "value", "value"]),
                    st.sampled_from(["both", "neither"]))
        if base in ("wage", "both"):
            row["wage"] = pick(wages, bad_wages)
        if base in ("value", "both"):
            row["contract_value"] = pick(contract_values, st.integers(-10**6, 0))
    if segment == "pmi" or stray:
        row["contract_months"] = pick(contract_months, st.sampled_from([0, -1, None]))
        row["pre_placement"] = draw(st.sampled_from([None, True, False]))
    row["programs"] = pick(st.sampled_from(GOOD_PROGRAMMES.get(segment, [None])),
                           st.sampled_from(BAD_PROGRAMMES))
    row["funded_by"] = pick(st.sampled_from(FUNDING), st.sampled_from(BAD_FUNDING))
    return row


COLUMNS: dict[str, Any] = {
    "segment": pl.String, "month": pl.Date, "wage": pl.Int64, "risk_class": pl.Int64,
    "declared_income": pl.Int64, "programs": pl.String, "contract_value": pl.Int64,
    "contract_months": pl.Int64, "occupation": pl.String, "funded_by": pl.String,
    "industry": pl.String, "workers_in_company": pl.Int64, "pre_placement": pl.Boolean,
}
CATEGORICAL = ("segment", "occupation", "funded_by", "industry", "programs")


def frame_of(rows: list[dict[str, Any]], *, enums: bool, programs_as_list: bool) -> pl.DataFrame:
    df = pl.DataFrame([{c: r.get(c) for c in COLUMNS} for r in rows], schema=COLUMNS)
    if enums:  # the fast path: categories known up front, as a roster import would give them
        df = df.with_columns(
            pl.col(c).cast(pl.Enum(sorted(df.get_column(c).drop_nulls().unique().to_list())))
            for c in CATEGORICAL
        )
    elif programs_as_list:
        df = df.with_columns(pl.col("programs").str.split(","))
    return df


def assert_agrees(rows: list[dict[str, Any]], result: pl.DataFrame) -> None:
    assert result.height == len(rows)
    for i, (row, got) in enumerate(zip(rows, result.iter_rows(named=True), strict=True)):
        want = reference_contribution(row, row["month"], PARAMS)
        where = f"row {i}: {row}"
        assert got["valid"] is want["valid"], f"{where}\nengine {got}\nreference {want}"
        if not want["valid"]:
            codes = set(got["errors"].split(";"))
            assert codes == want["errors"], \
                f"{where}\nengine errors {codes}\nreference {want['errors']}"
            assert all(got[c] is None for c in (*LINES, *TOTALS)), where
            continue
        assert got["errors"] is None, where
        for column in (*LINES, *TOTALS):
            assert got[column] == want[column], \
                f"{where}\n{column}: engine {got[column]} reference {want[column]}"


@settings(max_examples=900, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.data_too_large])
@given(rows=st.lists(worker_months(), min_size=1, max_size=200), enums=st.booleans(),
       programs_as_list=st.booleans())
def test_engine_agrees_with_reference_on_every_row(
    rows: list[dict[str, Any]], enums: bool, programs_as_list: bool
) -> None:
    frame = frame_of(rows, enums=enums, programs_as_list=programs_as_list)
    assert_agrees(rows, contributions(frame))


valid_rows = st.one_of(
    st.fixed_dictionaries({
        "segment": st.just("pu"), "month": months, "wage": wages, "risk_class": risk_classes,
        "industry": st.sampled_from(INDUSTRIES), "workers_in_company": staff_counts,
        "programs": st.sampled_from(["jkk,jkm", "jkk,jkm,jht", "jkk,jkm,jht,jp"]),
    }),
    st.fixed_dictionaries({
        "segment": st.just("bpu"), "month": months, "declared_income": grid_incomes,
        "occupation": st.sampled_from(OCCUPATIONS), "funded_by": st.sampled_from(FUNDING),
        "programs": st.sampled_from(GOOD_PROGRAMMES["bpu"]),
    }),
    st.fixed_dictionaries({"segment": st.just("jakon"), "month": months,
                           "contract_value": contract_values}),
    st.fixed_dictionaries({"segment": st.just("jakon"), "month": months, "wage": wages}),
    st.fixed_dictionaries({
        "segment": st.just("pmi"), "month": pmi_months, "contract_months": contract_months,
        "pre_placement": st.sampled_from([None, True, False]),
    }),
)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(valid_rows, min_size=1, max_size=100))
@example(rows=[{"segment": "pu", "month": date(2025, 3, 1), "wage": 50, "risk_class": 3,
                "industry": "furniture", "workers_in_company": 50}])
def test_valid_populations_are_never_refused(rows: list[dict[str, Any]]) -> None:
    """Well-formed rosters: every row is computed, and to the rupiah of the reference."""
    result = contributions(frame_of(rows, enums=False, programs_as_list=False))
    assert result.get_column("valid").all()
    assert_agrees(rows, result)


@settings(max_examples=200, deadline=None)
@given(row=valid_rows)
def test_single_case_agrees_with_reference(row: dict[str, Any]) -> None:
    """The one-worker path (:func:`contribution`, used by the CLI and the web) gives the same."""
    want = reference_contribution(row, row["month"], PARAMS)
    inputs = {k: v for k, v in row.items() if k not in ("segment", "month")}
    got = contribution(row["segment"], row["month"], **inputs)
    assert {line: got.amounts.get(line, 0) for line in LINES if line != "jkp"} == \
        {line: want[line] for line in LINES if line != "jkp"}
    assert got.government.get("jkp", 0) == want["jkp"]
    assert (got.total, got.employer_total, got.worker_total) == \
        (want["total"], want["employer_total"], want["worker_total"])


def test_reference_and_engine_use_the_same_error_codes() -> None:
    # ``month`` is the engine's "cannot read the month" code; the reference is given a date.
    assert set(ROW_ERRORS) == ERROR_CODES | {"month"}
