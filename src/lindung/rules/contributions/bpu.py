"""BPU (Bukan Penerima Upah): workers outside an employment relationship.

Farmers, fishers, traders, drivers, religious workers, cadres. JKK is a share of the declared
income band and JKM a flat amount (PP 44/2015 Pasal 20 ayat (1) jo. Lampiran II, ayat (3)); the
optional JHT a share of the band, paid by the member (PP 46/2015 Pasal 16). No JP, no JKP. Relief:
PP 49/2020 cuts JKK and JKM by 99% (``relief.py``); PP 50/2025 halves them for transport BPU from
January 2026 and for the others from April 2026 (Pasal 7), not for members paid from the state's or
a regional budget (Pasal 3 ayat (5); a village budget is not named, so APBDes members get it) nor
for BPU who are employers (Pasal 3 ayat (4): occupation ``employer``). Arrears of a month before
the discount are owed in full (Pasal 6 ayat (2)): a month always takes its own values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from lindung.rules.contributions.engine import (
    BoolArray,
    MonthRange,
    RowTrace,
    Run,
    Segment,
)
from lindung.rules.contributions.relief import COVID_DISCOUNT, covid_months
from lindung.rules.money import IntArray

TRANSPORT_DISCOUNT = "relief.bpu_2026.transport.discount"
OTHER_DISCOUNT = "relief.bpu_2026.other.discount"
TRANSPORT_OCCUPATIONS = "relief.bpu_2026.transport_occupations"
EXCLUDED_FUNDING = ("relief.bpu_2026.excluded_funding", "relief.bpu_2026.excluded_funding_derived")
EXCLUDED_OCCUPATIONS = "relief.bpu_2026.excluded_occupations"
"""BPU groups outside the PP 50/2025 discount: BPU who are employers (Pasal 3 ayat (4))."""

NORMAL, COVID, TRANSPORT, OTHER = 0, 1, 2, 3
"""Variants of the JKK and JKM tables: the first axis of ``BpuTables.jkk`` and ``.jkm_share``."""


@dataclass(frozen=True)
class BpuTables:
    """BPU values per contribution month; rates in rate units, discounts already taken off."""

    grid_min: IntArray
    grid_max: IntArray
    grid_step: IntArray
    jkk: IntArray
    """[variant, month]"""
    jkm_amount: IntArray
    jkm_share: IntArray
    """[variant, month]: the share of the flat JKM amount that is paid (100% less discounts)."""
    jht: IntArray
    covid: BoolArray
    transport: BoolArray
    """Months in which the PP 50/2025 discount for transport BPU is in force."""
    other: BoolArray
    """Months in which the PP 50/2025 discount for the other BPU is in force."""


class BpuSegment(Segment[BpuTables]):
    """Contributions of a member without an employer, on a declared income band."""

    code = "bpu"
    lines = ("jkk", "jkm", "jht_worker")  # the member pays the JHT, so it is the worker's line
    law = ("bpu.income_grid", "bpu.jkk.rate", "bpu.jkm.amount", "bpu.jht.rate",
           "programmes.bpu.allowed", "programmes.bpu.compulsory")
    allowed = "programmes.bpu.allowed"
    compulsory = "programmes.bpu.compulsory"

    line_parameters: ClassVar[Mapping[str, tuple[str, ...]]] = {
        "jkk": ("bpu.jkk.rate", "bpu.income_grid"),
        "jkm": ("bpu.jkm.amount",),
        "jht_worker": ("bpu.jht.rate", "bpu.income_grid"),
    }
    """The parameters each line reads, for its warnings and its trace."""

    def tables(self, months: MonthRange) -> BpuTables:
        grids = [m.get("bpu.income_grid") or {"min": 0, "max": 0, "step": 1}
                 for m in months.rules]
        discounts = (None, COVID_DISCOUNT, TRANSPORT_DISCOUNT, OTHER_DISCOUNT)  # the variants
        return BpuTables(
            grid_min=np.array([g["min"] for g in grids], np.int64),
            grid_max=np.array([g["max"] for g in grids], np.int64),
            grid_step=np.array([g["step"] for g in grids], np.int64),
            jkk=np.stack([months.rates("bpu.jkk.rate", off) for off in discounts]),
            jkm_amount=months.amounts("bpu.jkm.amount"),
            jkm_share=np.stack([months.shares_after(off) for off in discounts]),
            jht=months.rates("bpu.jht.rate"),
            covid=covid_months(months, self.code),
            transport=months.present(TRANSPORT_DISCOUNT),
            other=months.present(OTHER_DISCOUNT),
        )

    def compute(self, run: Run, tables: BpuTables, idx: IntArray, m: IntArray,
                programs: IntArray) -> None:
        """PP 44/2015 Pasal 20 ayat (1), (3) jo. Lampiran II; PP 46/2015 Pasal 16; relief
        PP 49/2020 Pasal 9, PP 50/2025 Pasal 3 ayat (4)-(5), 4 ayat (1), 7."""
        t, r, months = tables, run.rows, run.months
        income, given = r.income[idx], r.income_given[idx]
        run.flag(idx, ~given, "income_missing")
        low = t.grid_min[m]
        off_grid = ((income < low) | (income > t.grid_max[m])
                    | ((income - low) % t.grid_step[m] != 0))
        run.flag(idx, given & off_grid, "income_band")
        ok = run.valid(idx)
        idx, m, programs, income = idx[ok], m[ok], programs[ok], income[ok]
        covid = t.covid[m]
        transport_occupation = months.listed(TRANSPORT_OCCUPATIONS, r.occ_cats)[
            m, r.occ_codes[idx]]
        fund = r.fund_codes[idx]
        excluded = ((months.listed(EXCLUDED_FUNDING[0], r.fund_cats)
                     | months.listed(EXCLUDED_FUNDING[1], r.fund_cats))[m, fund]
                    | months.listed(EXCLUDED_OCCUPATIONS, r.occ_cats)[m, r.occ_codes[idx]])
        # The PP 50/2025 discount for this row's group (transport or other), where in force.
        pp50 = np.where(transport_occupation, t.transport[m], t.other[m])
        # No PP 50/2025 discount on top of the COVID-19 relief (their periods do not meet).
        discounted = pp50 & ~covid & ~excluded
        transport = discounted & transport_occupation
        other = discounted & ~transport_occupation
        run.mark("covid", idx, covid)
        run.mark("bpu_transport", idx, transport)
        run.mark("bpu_other", idx, other)

        variant = np.select([covid, transport, other], [COVID, TRANSPORT, OTHER], NORMAL)
        for line, base, rate in (
            ("jkk", income, t.jkk[variant, m]),
            ("jkm", t.jkm_amount[m], t.jkm_share[variant, m]),
            ("jht_worker", income, t.jht[m]),
        ):
            run.charge(line, idx, m, programs, base, rate, self.line_parameters[line])

    def trace(self, row: RowTrace) -> None:
        for line, programme in row.joined_lines(self.lines):
            row.add(line, *self.line_parameters[line])
            if programme in ("jkk", "jkm"):
                if row.applied("covid"):
                    row.add(line, COVID_DISCOUNT)
                if row.applied("bpu_transport"):
                    row.add(line, TRANSPORT_DISCOUNT)
                if row.applied("bpu_other"):
                    row.add(line, OTHER_DISCOUNT)


BPU = BpuSegment()
