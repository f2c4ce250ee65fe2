"""How fast the contributions engine computes a national-scale roster, and that it is still exact.

Builds N worker-months (default 1,000,000) of mixed segments, about 60% BPU, 30% PU, 5% Jakon
and 5% PMI, with contribution months from July 2015 to December 2026 (PMI from March 2023, when
Permenaker 4/2023 starts; earlier PMI months would only be refused). Categories are ``pl.Enum``
and money is integer rupiah, as a roster import gives them. Then it:

1. times :func:`contributions` over the whole frame several times (best and median, rows/s);
2. times the same frame with plain String category columns;
3. runs the Decimal reference (tests/rules/reference.py) over a random sample of rows, reports
   its rows/s and the ratio, and checks every line of every sampled row against the engine.

Prints figures only; the timings are never a pass/fail. Exits 1 if engine and reference disagree.

    .venv/bin/python benchmarks/bench_rules.py [--rows N] [--repeat R] [--sample S]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lindung.rules.contributions import contributions
from lindung.rules.params import load_parameters
from tests.rules.reference import LINES, TOTALS, reference_contribution

SEGMENTS = ["pu", "bpu", "jakon", "pmi"]
OCCUPATIONS = ["farmer", "fisher", "trader", "ojek_online", "driver", "courier", "artist"]
FUNDING = ["self", "apbn", "apbd", "apbdes", "dbhcht", "csr"]
INDUSTRIES = ["food_beverage_tobacco", "textiles_clothing", "furniture", "mining", "retail",
              "construction", "services"]
PROGRAMS = ["jkk,jkm", "jkk,jkm,jht", "jkk,jkm,jht,jp"]
CATEGORICAL = ("segment", "occupation", "funded_by", "industry", "programs")


def month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def build_roster(n: int, seed: int) -> pl.DataFrame:
    """N worker-months with realistic shapes; every row is a valid combination."""
    rng = np.random.default_rng(seed)
    seg = rng.choice(4, n, p=[0.30, 0.60, 0.05, 0.05])
    lo, hi = month_index(date(2015, 7, 1)), month_index(date(2026, 12, 1))
    pmi_lo = month_index(date(2023, 3, 1))
    midx = np.where(seg == 3, rng.integers(pmi_lo, hi + 1, n), rng.integers(lo, hi + 1, n))
    # days since 1970-01-01 of the first of each month, for a Date column
    first_days = np.array([(date(i // 12, i % 12 + 1, 1) - date(1970, 1, 1)).days
                           for i in range(lo, hi + 1)], dtype=np.int32)
    months = pl.Series("month", first_days[midx - lo]).cast(pl.Date)

    wage = (np.exp(rng.normal(np.log(4_500_000), 0.6, n)).astype(np.int64) // 1_000) * 1_000
    wage = np.maximum(wage, 1_000_000)
    band = np.where(rng.random(n) < 0.7, 0, rng.integers(0, 198, n))
    income = 1_000_000 + 100_000 * band
    contract_value = (10 ** rng.uniform(7, 11, n)).astype(np.int64)
    jakon_by_wage = rng.random(n) < 0.5
    contract_months = rng.choice([6, 12, 24, 24, 24, 30, 36], n)

    pu, bpu, jakon, pmi = (seg == i for i in range(4))
    # PU: default programmes (70%), non-ASN JKK+JKM (10%), small firm without JP (20%)
    pu_prog = rng.choice([-1, 0, 1], n, p=[0.7, 0.1, 0.2])
    bpu_prog = rng.choice([0, 1], n, p=[0.8, 0.2])
    prog = np.where(pu, pu_prog, np.where(bpu, bpu_prog, -1))

    def enum(name: str, categories: list[str], codes: np.ndarray[Any, Any],
             present: np.ndarray[Any, Any]) -> pl.Series:
        text = pl.Series(name, np.asarray(categories)[np.clip(codes, 0, len(categories) - 1)])
        return text.scatter(np.flatnonzero(~present), None).cast(pl.Enum(categories))

    def money(name: str, values: np.ndarray[Any, Any], present: np.ndarray[Any, Any]) -> pl.Series:
        return pl.Series(name, values, dtype=pl.Int64).scatter(np.flatnonzero(~present), None)

    return pl.DataFrame([
        enum("segment", SEGMENTS, seg, np.ones(n, bool)),
        months,
        money("wage", wage, pu | (jakon & jakon_by_wage)),
        money("risk_class", rng.integers(1, 6, n), pu),
        money("declared_income", income, bpu),
        enum("programs", PROGRAMS, prog, prog >= 0),
        money("contract_value", contract_value, jakon & ~jakon_by_wage),
        money("contract_months", contract_months, pmi),
        enum("occupation", OCCUPATIONS, rng.integers(0, len(OCCUPATIONS), n), bpu),
        enum("funded_by", FUNDING, rng.choice(len(FUNDING), n, p=[.4, .05, .35, .1, .05, .05]),
             bpu | pu),
        enum("industry", INDUSTRIES, rng.integers(0, len(INDUSTRIES), n), pu),
        money("workers_in_company", rng.integers(1, 2_000, n), pu),
        pl.Series("pre_placement", rng.random(n) < 0.8).scatter(np.flatnonzero(~pmi), None),
    ])


def timed(fn: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return times, result


def report(label: str, times: list[float], rows: int) -> float:
    best, median = min(times), statistics.median(times)
    print(f"{label:<34} best {best:8.3f} s   median {median:8.3f} s   "
          f"{rows / best:>12,.0f} rows/s (best)")
    return rows / best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="worker-months to build")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of the engine")
    parser.add_argument("--sample", type=int, default=20_000, help="rows for the reference")
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args()
    n = args.rows

    start = time.perf_counter()
    roster = build_roster(n, args.seed)
    print(f"roster: {n:,} worker-months, {roster.width} columns, built in "
          f"{time.perf_counter() - start:.2f} s")
    counts = roster.get_column("segment").value_counts().sort("segment")
    print("segments: " + ", ".join(f"{s} {c:,}" for s, c in counts.iter_rows()))

    params = load_parameters()
    start = time.perf_counter()
    first = contributions(roster, params=params)
    print(f"first call (parameters and month tables cold): {time.perf_counter() - start:.3f} s")
    invalid = first.height - int(first.get_column("valid").sum())
    print(f"rows refused: {invalid:,}; billed in total: Rp{first.get_column('total').sum():,}")

    times, result = timed(lambda: contributions(roster, params=params), args.repeat)
    engine_rate = report("engine, Enum categories", times, n)
    as_text = roster.with_columns(pl.col(c).cast(pl.String) for c in CATEGORICAL)
    text_times, _ = timed(lambda: contributions(as_text, params=params), args.repeat)
    report("engine, String categories", text_times, n)

    sample_size = min(args.sample, n)
    picks = np.sort(np.random.default_rng(args.seed + 1).choice(n, sample_size, replace=False))
    rows = roster[picks].to_dicts()
    start = time.perf_counter()
    expected = [reference_contribution(r, r["month"], params) for r in rows]
    elapsed = time.perf_counter() - start
    ref_rate = sample_size / elapsed
    print(f"{'Decimal reference, per row':<34} {elapsed:8.3f} s for {sample_size:,} rows   "
          f"{ref_rate:>12,.0f} rows/s   (~{n / ref_rate:,.0f} s for {n:,})")
    print(f"engine / reference speed: {engine_rate / ref_rate:,.0f}x")

    got = result[picks].to_dicts()
    mismatches = 0
    for i, (want, have) in enumerate(zip(expected, got, strict=True)):
        if want["valid"]:
            same = have["valid"] and all(have[c] == want[c] for c in (*LINES, *TOTALS))
        else:
            same = not have["valid"] and want["errors"] <= set(have["errors"].split(";"))
        if not same:
            mismatches += 1
            if mismatches <= 5:
                print(f"  row {int(picks[i])}: {rows[i]}\n    engine    {have}\n"
                      f"    reference {want}")
    engine_sum = sum(h["total"] or 0 for h in got)
    ref_sum = sum(w.get("total") or 0 for w in expected)
    verdict = "OK" if mismatches == 0 and engine_sum == ref_sum else "MISMATCH"
    print(f"sampled rows: {sample_size:,}; rows that differ: {mismatches:,}; "
          f"totals engine Rp{engine_sum:,} reference Rp{ref_sum:,}: {verdict}")
    return 0 if verdict == "OK" else 1


if __name__ == "__main__":
    sys.exit(main())
