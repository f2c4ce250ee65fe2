"""Jakon (Jasa Konstruksi): day, piece-rate and fixed-term workers on construction projects.

JKK and JKM only (Permenakertrans 44/2015). On the workers' wage when it is known (the rates of
Perdir BPJS 22/PERDIR.02/072022), otherwise on the contract value, marginally by band: each band's
rate applies to the part of the value inside it (Permenakertrans 44/2015; PP 44/2015 Pasal
19-20). Relief: PP 49/2020 cuts JKK and JKM by 99% (Pasal 12; ``relief.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from lindung.rules.contributions.engine import BoolArray, MonthRange, RowTrace, Run, Segment
from lindung.rules.contributions.relief import COVID_DISCOUNT, covid_months
from lindung.rules.money import IntArray, rate_units, rupiah_sum

WAGE_RATES = {"jkk": "jakon.wage_known.jkk.rate", "jkm": "jakon.wage_known.jkm.rate"}
BANDS = "jakon.contract_value.bands"


@dataclass(frozen=True)
class JakonTables:
    """Jakon values per contribution month; rates in rate units. Keys ``(line, covid)``: the
    rate of ``line`` without (False) or with (True) the COVID-19 relief taken off."""

    wage_rate: Mapping[tuple[str, bool], IntArray]
    """[month]"""
    band_lower: IntArray
    """[month, band]: the contract value at which each band starts."""
    band_width: IntArray
    """[month, band]: how much of the value each band holds (the last one: all the rest)."""
    band_rate: Mapping[tuple[str, bool], IntArray]
    """[month, band]"""
    covid: BoolArray


class JakonSegment(Segment[JakonTables]):
    """Contributions for a construction worker, on a known wage or on the contract value."""

    code = "jakon"
    lines = ("jkk", "jkm")
    law = (*WAGE_RATES.values(), BANDS, "programmes.jakon.allowed", "programmes.jakon.compulsory")
    allowed = "programmes.jakon.allowed"
    compulsory = "programmes.jakon.compulsory"
    employer_share = True

    def tables(self, months: MonthRange) -> JakonTables:
        bands = [m.get(BANDS) or () for m in months.rules]
        shape = (len(months), max((len(b) for b in bands), default=0))
        top = np.iinfo(np.int64).max
        lower, width = np.zeros(shape, np.int64), np.zeros(shape, np.int64)
        band_rate = {(line, c): np.zeros(shape, np.int64)
                     for line in self.lines for c in (False, True)}
        for i, (m, month_bands) in enumerate(zip(months.rules, bands, strict=True)):
            previous = 0
            off = m.get(COVID_DISCOUNT)
            for j, band in enumerate(month_bands):
                upper = top if band["up_to"] is None else band["up_to"]
                lower[i, j] = previous
                width[i, j] = upper - previous
                for line in self.lines:
                    band_rate[(line, False)][i, j] = rate_units(band[line])
                    band_rate[(line, True)][i, j] = (
                        rate_units(band[line] * (1 - off)) if off is not None else 0)
                previous = upper
        return JakonTables(
            wage_rate={(line, c): months.rates(WAGE_RATES[line], COVID_DISCOUNT if c else None)
                       for line in self.lines for c in (False, True)},
            band_lower=lower, band_width=width, band_rate=band_rate,
            covid=covid_months(months, self.code),
        )

    def compute(self, run: Run, tables: JakonTables, idx: IntArray, m: IntArray,
                programs: IntArray) -> None:
        """Permenakertrans 44/2015; Perdir BPJS 22/PERDIR.02/072022; relief PP 49/2020 Pasal 12.

        A contract-value line is rounded once, over the sum of its band parts."""
        t, r = tables, run.rows
        run.flag(idx, r.wage_given[idx] == r.cvalue_given[idx], "jakon_base")
        ok = run.valid(idx)
        idx, m = idx[ok], m[ok]
        covid = t.covid[m]
        run.mark("covid", idx, covid)
        by_wage = r.wage_given[idx]
        w_idx, w_m, w_covid = idx[by_wage], m[by_wage], covid[by_wage]
        v_idx, v_m, v_covid = idx[~by_wage], m[~by_wage], covid[~by_wage]
        value = r.cvalue[v_idx]
        for line in self.lines:
            rate = np.where(w_covid, t.wage_rate[(line, True)][w_m],
                            t.wage_rate[(line, False)][w_m])
            run.put(line, w_idx, rupiah_sum([(r.wage[w_idx], rate)]))
            run.use(w_idx, w_m, (WAGE_RATES[line],))
            terms = []
            for j in range(t.band_lower.shape[1]):
                part = np.clip(value - t.band_lower[v_m, j], 0, t.band_width[v_m, j])
                rate = np.where(v_covid, t.band_rate[(line, True)][v_m, j],
                                t.band_rate[(line, False)][v_m, j])
                terms.append((part, rate))
            if terms:
                run.put(line, v_idx, rupiah_sum(terms))
            run.use(v_idx, v_m, (BANDS,))

    def trace(self, row: RowTrace) -> None:
        by_wage = bool(row.rows.wage_given[row.i])
        for line, _ in row.joined_lines(self.lines):
            row.add(line, WAGE_RATES[line] if by_wage else BANDS)
            if row.applied("covid"):
                row.add(line, COVID_DISCOUNT)


JAKON = JakonSegment()
