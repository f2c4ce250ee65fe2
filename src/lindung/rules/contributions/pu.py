"""PU (Penerima Upah): wage earners, including non-ASN government workers.

Percentages of the monthly wage: JKK by the employer's risk class (PP 44/2015 Pasal 16 jo.
Lampiran I), JKM (Pasal 18), JHT employer and worker shares with no cap (PP 46/2015 Pasal 16), JP
employer and worker shares on the wage up to the JP wage cap of the month (PP 45/2015 Pasal
28-29), and JKP, the central government's share on the capped wage (PP 37/2021 Pasal 11): shown,
never billed. Relief: PP 49/2020 cuts JKK and JKM by 99% (``relief.py``); PP 7/2025 and PP 36/2025
halve JKK for listed labour-intensive industries with enough workers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from lindung.rules.contributions.engine import (
    BoolArray,
    MonthRange,
    Rows,
    RowTrace,
    Run,
    Segment,
)
from lindung.rules.contributions.relief import COVID_DISCOUNT, COVID_JP_DEFERRAL, covid_months
from lindung.rules.money import IntArray
from lindung.rules.trace import describe_value

RISK_CLASSES = (1, 2, 3, 4, 5)
"""PP 44/2015 Lampiran I: the five JKK risk classes, each with its rate ``pu.jkk.rate.class_k``.
They name the parameters, so they are the shape of the law rather than a value of it."""
JKK_RATES = tuple(f"pu.jkk.rate.class_{k}" for k in RISK_CLASSES)

LABOUR_DISCOUNT = "relief.labour_intensive_2025.jkk.discount"
LABOUR_INDUSTRIES = "relief.labour_intensive_2025.industries"
LABOUR_MIN_WORKERS = "relief.labour_intensive_2025.min_workers"

NORMAL, COVID, LABOUR_INTENSIVE = 0, 1, 2
"""Variants of the JKK and JKM rate tables: the first axis of ``PuTables.jkk`` and ``.jkm``."""


@dataclass(frozen=True)
class PuTables:
    """PU values per contribution month; rates in rate units, discounts already taken off."""

    jkk: IntArray
    """[variant, month, risk class - 1]"""
    jkm: IntArray
    """[variant, month]"""
    jht_employer: IntArray
    jht_worker: IntArray
    jp_employer: IntArray
    jp_worker: IntArray
    jp_wage_cap: IntArray
    jkp_rate: IntArray
    jkp_wage_cap: IntArray
    covid: BoolArray
    labour_intensive: BoolArray
    """Months in which the labour-intensive JKK discount is in force."""
    labour_min_workers: IntArray


class PuSegment(Segment[PuTables]):
    """Contributions of a wage earner: a share of the monthly wage per programme line."""

    code = "pu"
    lines = ("jkk", "jkm", "jht_employer", "jht_worker", "jp_employer", "jp_worker", "jkp")
    law = (*JKK_RATES, "pu.jkm.rate", "pu.jht.rate.employer", "pu.jht.rate.worker",
           "pu.jp.rate.employer", "pu.jp.rate.worker", "pu.jp.wage_cap",
           "programmes.pu.allowed", "programmes.pu.compulsory", "programmes.pu.default")
    allowed = "programmes.pu.allowed"
    compulsory = "programmes.pu.compulsory"
    default = "programmes.pu.default"
    employer_share = True

    line_parameters: ClassVar[Mapping[str, tuple[str, ...]]] = {
        "jkk": JKK_RATES,  # the trace names the row's own class only
        "jkm": ("pu.jkm.rate",),
        "jht_employer": ("pu.jht.rate.employer",),
        "jht_worker": ("pu.jht.rate.worker",),
        "jp_employer": ("pu.jp.rate.employer", "pu.jp.wage_cap"),
        "jp_worker": ("pu.jp.rate.worker", "pu.jp.wage_cap"),
        "jkp": ("jkp.contribution.government.rate", "jkp.contribution.wage_cap"),
    }
    """The parameters each line reads, for its warnings and its trace."""

    def tables(self, months: MonthRange) -> PuTables:
        discounts = (None, COVID_DISCOUNT, LABOUR_DISCOUNT)  # in the order of the variants
        return PuTables(
            jkk=np.array([[[m.units(rate, off) for rate in JKK_RATES] for m in months.rules]
                          for off in discounts], np.int64),
            jkm=np.stack([months.rates("pu.jkm.rate"),
                          months.rates("pu.jkm.rate", COVID_DISCOUNT),
                          months.rates("pu.jkm.rate")]),  # JKM is not discounted for industry
            jht_employer=months.rates("pu.jht.rate.employer"),
            jht_worker=months.rates("pu.jht.rate.worker"),
            jp_employer=months.rates("pu.jp.rate.employer"),
            jp_worker=months.rates("pu.jp.rate.worker"),
            jp_wage_cap=months.amounts("pu.jp.wage_cap"),
            jkp_rate=months.rates("jkp.contribution.government.rate"),
            jkp_wage_cap=months.amounts("jkp.contribution.wage_cap"),
            covid=covid_months(months, self.code),
            labour_intensive=months.present(LABOUR_DISCOUNT),
            labour_min_workers=months.amounts(LABOUR_MIN_WORKERS),
        )

    def column_errors(self, rows: Rows) -> Iterable[tuple[BoolArray, str]]:
        """A risk class that is none of the five is wrong on any row."""
        low, high = min(RISK_CLASSES), max(RISK_CLASSES)
        return [(rows.risk_given & ((rows.risk < low) | (rows.risk > high)), "risk_class")]

    def compute(self, run: Run, tables: PuTables, idx: IntArray, m: IntArray,
                programs: IntArray) -> None:
        """PP 44/2015 Pasal 16, 18; PP 46/2015 Pasal 16; PP 45/2015 Pasal 28-29; PP 37/2021
        Pasal 11; relief PP 49/2020 Pasal 9, PP 7/2025, PP 36/2025 Pasal 10A."""
        t, r = tables, run.rows
        run.flag(idx, ~r.wage_given[idx], "wage_missing")
        run.flag(idx, ~r.risk_given[idx], "risk_class")
        ok = run.valid(idx)
        idx, m, programs = idx[ok], m[ok], programs[ok]
        wage = r.wage[idx]
        covid = t.covid[m]
        listed = run.months.listed(LABOUR_INDUSTRIES, r.ind_cats)[m, r.ind_codes[idx]]
        labour = (t.labour_intensive[m] & listed & r.staff_given[idx]
                  & (r.staff[idx] >= t.labour_min_workers[m]))
        run.mark("covid", idx, covid)
        run.mark("labour_intensive", idx, labour)
        variant = np.where(covid, COVID, np.where(labour, LABOUR_INTENSIVE, NORMAL))
        jp_base = np.minimum(wage, t.jp_wage_cap[m])
        jkp_base = np.minimum(wage, t.jkp_wage_cap[m])
        for line, base, rate in (
            ("jkk", wage, t.jkk[variant, m, r.risk[idx] - 1]),
            ("jkm", wage, t.jkm[variant, m]),
            ("jht_employer", wage, t.jht_employer[m]),
            ("jht_worker", wage, t.jht_worker[m]),
            ("jp_employer", jp_base, t.jp_employer[m]),
            ("jp_worker", jp_base, t.jp_worker[m]),
            ("jkp", jkp_base, t.jkp_rate[m]),
        ):
            run.charge(line, idx, m, programs, base, rate, self.line_parameters[line])

    def trace(self, row: RowTrace) -> None:
        for line, programme in row.joined_lines(self.lines):
            if line == "jkk":
                row.add(line, JKK_RATES[int(row.rows.risk[row.i]) - 1])
            else:
                row.add(line, *self.line_parameters[line])
            if programme in ("jkk", "jkm") and row.applied("covid"):
                row.add(line, COVID_DISCOUNT)
            if line == "jkk" and row.applied("labour_intensive"):
                row.add(line, LABOUR_DISCOUNT)
        deferral = row.month.value(COVID_JP_DEFERRAL)
        if row.joined("jp") and deferral is not None:
            row.note(f"PP 49/2020: JP may be {describe_value(deferral)} deferred on request; "
                     "amounts show the full JP")


PU = PuSegment()
