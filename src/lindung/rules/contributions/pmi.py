"""PMI (Pekerja Migran Indonesia): Indonesian migrant workers.

Fixed JKK + JKM amounts (Permenaker 18/2018 from 10 December 2018; Permenaker 4/2023 Pasal 18 from
22 February 2023, the same amounts): one before placement, unless the worker is already placed or
placed individually (Pasal 18 ayat (2); input ``pre_placement`` false), and one for the placement
period by contract length; a contract longer than the longest term pays that term's amount plus a
monthly amount for each month beyond it (ayat (3)). No relief.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lindung.rules.contributions.engine import MonthRange, RowTrace, Run, Segment
from lindung.rules.money import IntArray

PRE_PLACEMENT = "pmi.pre_placement.amount"
BY_TERM = "pmi.placement.amount_by_term"
EXTENSION = "pmi.extension.monthly_amount"
LONGEST_TERM = "pmi.max_term_months"
PLACEMENT = (BY_TERM, EXTENSION, LONGEST_TERM)
"""The parameters of the placement line, for its warnings and its trace."""


@dataclass(frozen=True)
class PmiTables:
    """PMI amounts per contribution month."""

    pre_placement: IntArray
    term_up_to: IntArray
    """[month, term]: the longest contract (months) each amount covers; -1 where none."""
    term_amount: IntArray
    """[month, term]"""
    longest_term: IntArray
    extension: IntArray


class PmiSegment(Segment[PmiTables]):
    """Contributions of a migrant worker: fixed amounts by contract length."""

    code = "pmi"
    lines = ("jkk_jkm_pre_placement", "jkk_jkm_placement")
    law = (PRE_PLACEMENT, *PLACEMENT, "programmes.pmi.allowed", "programmes.pmi.compulsory")
    allowed = "programmes.pmi.allowed"
    compulsory = "programmes.pmi.compulsory"

    def tables(self, months: MonthRange) -> PmiTables:
        terms = [m.get(BY_TERM) or () for m in months.rules]
        shape = (len(months), max((len(t) for t in terms), default=0))
        up_to, amount = np.full(shape, -1, np.int64), np.zeros(shape, np.int64)
        for i, month_terms in enumerate(terms):
            for j, term in enumerate(month_terms):
                up_to[i, j] = term["up_to_months"]
                amount[i, j] = term["amount"]
        return PmiTables(
            pre_placement=months.amounts(PRE_PLACEMENT), term_up_to=up_to, term_amount=amount,
            longest_term=months.amounts(LONGEST_TERM), extension=months.amounts(EXTENSION),
        )

    def compute(self, run: Run, tables: PmiTables, idx: IntArray, m: IntArray,
                programs: IntArray) -> None:
        """Permenaker 4/2023 Pasal 18 ayat (1): before placement; by term; extension."""
        t, r = tables, run.rows
        months = r.cmonths[idx]
        run.flag(idx, ~r.cmonths_given[idx] | (months <= 0), "contract_months")
        ok = run.valid(idx)
        idx, m, months = idx[ok], m[ok], months[ok]
        pre = r.pre[idx]
        run.put("jkk_jkm_pre_placement", idx, np.where(pre, t.pre_placement[m], 0))
        amount = np.zeros(idx.size, np.int64)
        for j in reversed(range(t.term_up_to.shape[1])):  # the shortest term that covers it
            amount = np.where(months <= t.term_up_to[m, j], t.term_amount[m, j], amount)
        longest = t.longest_term[m]
        top = t.term_amount[m, -1] if t.term_amount.shape[1] else np.zeros(idx.size, np.int64)
        amount = np.where(months > longest, top + (months - longest) * t.extension[m], amount)
        run.put("jkk_jkm_placement", idx, amount)
        run.use(idx[pre], m[pre], (PRE_PLACEMENT,))
        run.use(idx, m, PLACEMENT)

    def trace(self, row: RowTrace) -> None:
        if row.rows.pre[row.i]:
            row.add("jkk_jkm_pre_placement", PRE_PLACEMENT)
        row.add("jkk_jkm_placement", *PLACEMENT)


PMI = PmiSegment()
