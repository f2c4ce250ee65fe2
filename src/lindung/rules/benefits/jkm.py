"""JKM (Jaminan Kematian): the death benefit when death is not from a work accident."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from lindung.rules.benefits.base import (
    check_count,
    check_date,
    provenance,
    tracer_for,
)
from lindung.rules.benefits.scholarship import (
    CashAndScholarship,
    Child,
    children_of,
    scholarship,
)
from lindung.rules.params import ParameterSet


@dataclass(frozen=True, kw_only=True)
class JkmResult(CashAndScholarship):
    """The JKM cash (lump sum, periodic benefit paid at once, funeral cost) and scholarship."""

    kind: ClassVar[str] = "jkm"

    lump_sum: int
    periodic: int
    """The periodic benefit, all its months paid at once."""
    funeral: int

    @property
    def amounts(self) -> dict[str, int | list[int]]:
        return {"lump_sum": self.lump_sum, "periodic": self.periodic, "funeral": self.funeral}

    def _details(self) -> dict[str, Any]:
        return {"cash_total": self.cash_total}


def jkm(*, death_date: date, contribution_months: int,
        children: Sequence[Child | Mapping[str, Any]] | None = None,
        params: ParameterSet | None = None) -> JkmResult:
    """JKM death benefit (death not from a work accident): lump sum, periodic, funeral, scholarship.

    PP 44/2015 as amended by PP 82/2019 (santunan sekaligus, santunan berkala 24 months paid at
    once, biaya pemakaman, beasiswa). The amounts in force on ``death_date`` apply. No minimum
    contribution period for the cash was found in any source; the scholarship needs one (3 years
    from PP 82/2019). ``total`` is the cash plus, when ``children`` are given, the largest
    scholarship they may still receive.
    """
    death_date = check_date("death_date", death_date)
    contribution_months = check_count("contribution_months", contribution_months)
    kids = children_of(children)
    t = tracer_for(params)
    lump: int = t.use("lump_sum", "jkm.lump_sum", death_date)
    per_month: int = t.use("periodic", "jkm.periodic.monthly_amount", death_date)
    months: int = t.use("periodic", "jkm.periodic.months", death_date)
    funeral: int = t.use("funeral", "jkm.funeral", death_date)
    sch = scholarship(t, death_date, "jkm", contribution_months, kids)
    return JkmResult(event_date=death_date, lump_sum=lump, periodic=per_month * months,
                     funeral=funeral, scholarship=sch, **provenance(t))
