"""JKM (Jaminan Kematian): the death benefit when death is not from a work accident."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from lindung.rules.benefits.arrears import Payer, Segment, check_segment, who_pays
from lindung.rules.benefits.base import (
    BenefitError,
    check_count,
    check_date,
    check_event_date,
    provenance,
    tracer_for,
)
from lindung.rules.benefits.scholarship import (
    CashAndScholarship,
    Child,
    children_of,
    scholarship,
)
from lindung.rules.dates import add_months
from lindung.rules.params import ParameterSet


@dataclass(frozen=True, kw_only=True)
class JkmResult(CashAndScholarship):
    """The JKM cash (lump sum, periodic benefit paid at once, funeral cost) and scholarship."""

    kind: ClassVar[str] = "jkm"

    lump_sum: int
    periodic: int
    """The periodic benefit, all its months paid at once."""
    funeral: int
    payer: Payer | None = None
    """Who pays, given the segment and the arrears at the death (JSON ``payer``)."""

    @property
    def amounts(self) -> dict[str, int | list[int]]:
        return {"lump_sum": self.lump_sum, "periodic": self.periodic, "funeral": self.funeral}

    def _details(self) -> dict[str, Any]:
        return {"cash_total": self.cash_total}

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out["payer"] = None if self.payer is None else self.payer.to_dict()
        return out


def jkm(*, death_date: date, contribution_months: int,
        children: Sequence[Child | Mapping[str, Any]] | None = None,
        segment: Segment = "pu", membership_start: date | None = None,
        arrears_months: int = 0, registered: bool = True, pemda_funded: bool = False,
        params: ParameterSet | None = None) -> JkmResult:
    """JKM death benefit (death not from a work accident): lump sum, periodic, funeral, scholarship.

    PP 44/2015 as amended by PP 82/2019 (santunan sekaligus, santunan berkala 24 months paid at
    once, biaya pemakaman, beasiswa). The amounts in force on ``death_date`` apply. No minimum
    contribution period for the cash was found in any source; the scholarship needs one (3 years
    from PP 82/2019). ``total`` is the cash plus, when ``children`` are given, the largest
    scholarship they may still receive.

    A BPU (``segment``) who dies before ``membership_start`` + the first months
    (``jkm.bpu_early.*``, Permenaker 5/2021 as amended by Permenaker 1/2025) receives only the
    reduced lump sum and funeral cost, no periodic benefit or scholarship. ``arrears_months`` and
    ``registered`` decide who pays (:func:`lindung.rules.benefits.arrears.who_pays`); with no
    benefit due the amounts are 0.
    """
    death_date = check_event_date("death_date", death_date, params)
    contribution_months = check_count("contribution_months", contribution_months)
    kids = children_of(children)
    t = tracer_for(params)
    lump: int = t.use("lump_sum", "jkm.lump_sum", death_date)
    per_month: int = t.use("periodic", "jkm.periodic.monthly_amount", death_date)
    months: int = t.use("periodic", "jkm.periodic.months", death_date)
    funeral: int = t.use("funeral", "jkm.funeral", death_date)
    periodic = per_month * months
    segment = check_segment(segment)
    payer = who_pays(t, on=death_date, programme="jkm", segment=segment,
                     arrears_months=arrears_months, registered=registered,
                     pemda_funded=pemda_funded)
    reasons: list[str] = []
    refused: str | None = None
    if membership_start is not None:
        membership_start = check_date("membership_start", membership_start)
        if membership_start > death_date:
            raise BenefitError("membership_start tidak boleh sesudah tanggal meninggal",
                               field="membership_start")
        if segment == "bpu":
            early = t.use_or_none("lump_sum", "jkm.bpu_early.months", death_date)
            if early is not None and death_date < add_months(membership_start, early):
                lump = t.use("lump_sum", "jkm.bpu_early.lump_sum", death_date)
                funeral = t.use("funeral", "jkm.bpu_early.funeral", death_date)
                periodic = 0
                refused = (f"death within the first {early} months of BPU membership: no "
                           "periodic benefit and no scholarship")
                reasons.append(refused)
    if payer.payer != "bpjs":
        reasons.append(f"who pays: {payer.explanation} ({payer.basis})")
    if not payer.pays_benefit:
        lump = periodic = funeral = 0
        refused = f"no JKM benefit: {payer.explanation}"
    sch = scholarship(t, death_date, "jkm", contribution_months, kids, refused=refused)
    return JkmResult(event_date=death_date, eligible=payer.pays_benefit, reasons=tuple(reasons),
                     lump_sum=lump, periodic=periodic, funeral=funeral, scholarship=sch,
                     payer=payer, **provenance(t))
