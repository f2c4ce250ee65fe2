"""JKK (Jaminan Kecelakaan Kerja): benefits after a work accident or occupational disease.

PP 44/2015 Lampiran III as amended by PP 82/2019: death, total and partial permanent disability,
STMB (temporary inability to work) and the ceilings on care, transport and glasses. The values in
force on the accident date apply; a wage multiple meets the wage once, in
:func:`lindung.rules.money.rupiah`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar, Literal, get_args

from lindung.formatting import format_rupiah
from lindung.rules.benefits.arrears import Payer, Segment, check_segment, who_pays
from lindung.rules.benefits.base import (
    BenefitError,
    BenefitResult,
    MonthlyBenefit,
    by_schedule,
    check_count,
    check_date,
    check_event_date,
    check_wage,
    provenance,
    tracer_for,
)
from lindung.rules.benefits.scholarship import (
    CashAndScholarship,
    Child,
    children_of,
    scholarship,
)
from lindung.rules.money import rate_units, ratio_units_product, rupiah
from lindung.rules.params import ParameterSet

DisabilityKind = Literal["total", "partial"]


def _times(amount: int, multiple: Decimal) -> int:
    """``amount`` × a wage multiple (48, 56, ...), through the one rounding helper."""
    return rupiah(amount, rate_units(multiple))


# --- death --------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class JkkDeathResult(CashAndScholarship):
    """Death from a work accident: death benefit, funeral cost, periodic benefit, scholarship."""

    kind: ClassVar[str] = "jkk_death"

    death: int
    """The wage multiple, or the floor when that is more."""
    funeral: int
    periodic: int
    wage_multiple_amount: int
    """The wage multiple before the floor."""
    payer: Payer | None = None
    """Who pays, given the segment and the arrears at the accident (JSON ``payer``)."""

    @property
    def amounts(self) -> dict[str, int | list[int]]:
        return {"death": self.death, "funeral": self.funeral, "periodic": self.periodic}

    def _details(self) -> dict[str, Any]:
        return {"cash_total": self.cash_total, "wage_multiple_amount": self.wage_multiple_amount}

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out["payer"] = None if self.payer is None else self.payer.to_dict()
        return out


def jkk_death(*, accident_date: date, wage: int,
              children: Sequence[Child | Mapping[str, Any]] | None = None,
              segment: Segment = "pu", membership_start: date | None = None,
              arrears_months: int = 0, registered: bool = True, pemda_funded: bool = False,
              params: ParameterSet | None = None) -> JkkDeathResult:
    """JKK death from a work accident: 48 × monthly wage (60% × 80), at least the JKM death benefit.

    PP 44/2015 Lampiran III as amended by PP 82/2019: santunan kematian 60% × 80 × upah, "paling
    sedikit sebesar santunan kematian JKM" (taken as the JKM lump sum; UNCONFIRMED), funeral cost,
    periodic benefit paid at once, and the scholarship with no minimum contribution period.
    ``segment``, ``arrears_months`` and ``registered`` decide who pays
    (:func:`lindung.rules.benefits.arrears.who_pays`; no benefit due: the amounts are 0);
    ``membership_start`` is checked only (no first-months rule is known for JKK).
    """
    accident_date = check_event_date("accident_date", accident_date, params)
    wage = check_wage(wage)
    kids = children_of(children)
    t = tracer_for(params)
    multiple: Decimal = t.use("death", "jkk.death.wage_multiple", accident_date)
    floor: int = t.use("death", "jkk.death.floor", accident_date)
    funeral: int = t.use("funeral", "jkk.funeral", accident_date)
    periodic: int = t.use("periodic", "jkk.periodic", accident_date)
    by_wage = _times(wage, multiple)
    reasons = []
    if by_wage < floor:
        reasons.append(f"{multiple} × wage = {format_rupiah(by_wage)} is below the minimum; "
                       f"the minimum {format_rupiah(floor)} is paid")
    if membership_start is not None:
        membership_start = check_date("membership_start", membership_start)
        if membership_start > accident_date:
            raise BenefitError("membership_start tidak boleh sesudah tanggal kecelakaan",
                               field="membership_start")
    payer = who_pays(t, on=accident_date, programme="jkk", segment=check_segment(segment),
                     arrears_months=arrears_months, registered=registered,
                     pemda_funded=pemda_funded)
    death = max(by_wage, floor)
    refused: str | None = None
    if payer.payer != "bpjs":
        reasons.append(f"who pays: {payer.explanation} ({payer.basis})")
    if not payer.pays_benefit:
        death = funeral = periodic = 0
        refused = f"no JKK benefit: {payer.explanation}"
    sch = scholarship(t, accident_date, "jkk", None, kids, refused=refused)
    return JkkDeathResult(event_date=accident_date, eligible=payer.pays_benefit,
                          reasons=tuple(reasons), death=death, funeral=funeral,
                          periodic=periodic, wage_multiple_amount=by_wage, scholarship=sch,
                          payer=payer, **provenance(t))


# --- permanent disability -----------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class TotalDisabilityResult(CashAndScholarship):
    """Total permanent disability: a wage multiple, the periodic benefit and the scholarship."""

    kind: ClassVar[str] = "jkk_disability"

    lump_sum: int
    periodic: int

    @property
    def amounts(self) -> dict[str, int | list[int]]:
        return {"lump_sum": self.lump_sum, "periodic": self.periodic}

    def _details(self) -> dict[str, Any]:
        return {"kind": "total", "cash_total": self.cash_total}


@dataclass(frozen=True, kw_only=True)
class PartialDisabilityResult(BenefitResult):
    """Partial permanent disability: the table share of each part lost × loss of function ×
    the wage multiple."""

    kind: ClassVar[str] = "jkk_disability"

    lump_sum: int
    parts: tuple[str, ...]
    table_share: Decimal
    """The shares of the parts, together (capped when several)."""
    function_loss: Decimal
    """1 for an anatomical loss."""

    @property
    def amounts(self) -> dict[str, int | list[int]]:
        return {"lump_sum": self.lump_sum}

    @property
    def total(self) -> int:
        return self.lump_sum

    def _details(self) -> dict[str, Any]:
        return {"kind": "partial", "parts": list(self.parts), "table_share": str(self.table_share),
                "function_loss": str(self.function_loss)}


def jkk_disability(*, accident_date: date, wage: int, kind: DisabilityKind,
                   parts: Sequence[str] = (), function_loss: Decimal | str | None = None,
                   children: Sequence[Child | Mapping[str, Any]] | None = None,
                   params: ParameterSet | None = None,
                   ) -> TotalDisabilityResult | PartialDisabilityResult:
    """JKK permanent disability from a work accident.

    PP 44/2015 Lampiran III as amended by PP 82/2019:
    - total: 70% × 80 × upah (56 × wage) plus the periodic benefit and the scholarship;
    - partial, anatomical: % from the table × 80 × upah for each lost part (``parts``);
    - partial, functional: % loss of function (``function_loss``, 0-1) × % table × 80 × upah.
    Only some table entries are known (the full Annex III table is UNCONFIRMED); an unknown part
    is refused rather than guessed.
    """
    accident_date = check_event_date("accident_date", accident_date, params)
    wage = check_wage(wage)
    if kind not in get_args(DisabilityKind):
        raise BenefitError(f"kind must be 'total' or 'partial', got {kind!r}", field="kind")
    kids = children_of(children)
    t = tracer_for(params)
    if kind == "total":
        if parts or function_loss is not None:
            raise BenefitError("parts and function_loss apply only to kind='partial'",
                               field="parts")
        multiple: Decimal = t.use("lump_sum", "jkk.total_disability.wage_multiple",
                                  accident_date)
        periodic: int = t.use("periodic", "jkk.periodic", accident_date)
        lump = _times(wage, multiple)
        sch = scholarship(t, accident_date, "jkk", None, kids)
        return TotalDisabilityResult(event_date=accident_date, lump_sum=lump, periodic=periodic,
                                     scholarship=sch, **provenance(t))

    if kids is not None:
        raise BenefitError("the scholarship follows death or total disability, not partial "
                           "disability: leave children out", field="children")
    if not parts:
        raise BenefitError("partial disability needs at least one body part in parts",
                           field="parts")
    table: Mapping[str, Decimal] = t.use("lump_sum", "jkk.partial_disability.anatomical",
                                         accident_date)
    unknown = [p for p in parts if p not in table]
    if unknown:
        raise BenefitError(f"unknown body part(s) {unknown}: the known table entries are "
                           f"{', '.join(sorted(table))} (the full table is UNCONFIRMED)",
                           field="parts")
    if len(set(parts)) != len(parts):
        raise BenefitError("a body part is listed twice", field="parts")
    share = sum((table[p] for p in parts), Decimal(0))
    if len(parts) > 1:
        cap: Decimal = t.use("lump_sum", "jkk.partial_disability.max_total_ratio", accident_date)
        share = min(share, cap)
    loss = Decimal(1)
    if function_loss is not None:
        try:
            loss = Decimal(str(function_loss))
        except InvalidOperation:
            raise BenefitError(f"function_loss must be a decimal like 0.5, got "
                               f"{function_loss!r}", field="function_loss") from None
        if not loss.is_finite() or not 0 < loss <= 1:
            raise BenefitError(f"function_loss must be above 0 and at most 1, got "
                               f"{function_loss}", field="function_loss")
    multiple = t.use("lump_sum", "jkk.partial_disability.wage_multiple", accident_date)
    lump = rupiah(wage, ratio_units_product(share, loss, multiple))
    return PartialDisabilityResult(event_date=accident_date, lump_sum=lump, parts=tuple(parts),
                                   table_share=share, function_loss=loss, **provenance(t))


# --- temporary inability to work ----------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class StmbResult(MonthlyBenefit):
    """STMB: the wage share paid for each month off work, in order."""

    kind: ClassVar[str] = "stmb"

    months: int

    def _details(self) -> dict[str, Any]:
        return {"months": self.months}


def stmb(*, accident_date: date, wage: int, months: int,
         params: ParameterSet | None = None) -> StmbResult:
    """STMB (temporary inability to work): the wage share for each month off work, in order.

    PP 44/2015 Lampiran III (100% 6 months, 75% 6 months, then 50%) as amended by PP 82/2019
    (100% for the first 12 months, then 50% until recovery). The schedule in force on
    ``accident_date`` applies. Computed by whole months; BPJS pays by days actually lost.
    """
    accident_date = check_event_date("accident_date", accident_date, params)
    wage = check_wage(wage)
    months = check_count("months", months, 1)
    t = tracer_for(params)
    schedule = t.use("monthly", "jkk.stmb.schedule", accident_date)
    return StmbResult(event_date=accident_date, monthly=tuple(by_schedule(wage, schedule, months)),
                      months=months, **provenance(t))


# --- ceilings on care ---------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class CareMaxima(BenefitResult):
    """Ceilings on JKK reimbursements; a ceiling with no known value for the date is None."""

    kind: ClassVar[str] = "jkk_care_maxima"

    home_care: int | None
    home_care_max_months: int | None
    transport: Mapping[str, int]
    """By mode (land, sea, air)."""
    glasses: int | None

    @property
    def amounts(self) -> dict[str, int | list[int]]:
        out: dict[str, int | list[int]] = {}
        if self.home_care is not None:
            out["home_care"] = self.home_care
        for mode, amount in self.transport.items():
            out[f"transport_{mode}"] = amount
        if self.glasses is not None:
            out["glasses"] = self.glasses
        return out

    @property
    def total(self) -> int:
        """0: these are ceilings, not amounts paid."""
        return 0

    def _details(self) -> dict[str, Any]:
        if self.home_care_max_months is None:
            return {}
        return {"home_care_max_months": self.home_care_max_months}


def jkk_care_maxima(*, accident_date: date, params: ParameterSet | None = None) -> CareMaxima:
    """JKK maxima for home care, transport (per mode) and glasses on ``accident_date``.

    PP 44/2015 Lampiran III as amended by PP 82/2019. These are ceilings on reimbursements, not
    amounts paid, so ``total`` is 0. A maximum with no known value for the date is left out with
    a warning.
    """
    accident_date = check_event_date("accident_date", accident_date, params)
    t = tracer_for(params)
    home = t.use_or_none("home_care", "jkk.home_care.max", accident_date)
    transport = t.use_or_none("transport", "jkk.transport.max", accident_date)
    glasses = t.use_or_none("glasses", "jkk.glasses.max", accident_date)
    home_months = t.use_or_none("home_care", "jkk.home_care.max_months", accident_date)
    for name, value in (("home_care", home), ("glasses", glasses)):
        if value is None:
            t.note(f"no known {name.replace('_', ' ')} maximum on {accident_date.isoformat()}")
    return CareMaxima(event_date=accident_date, home_care=home, home_care_max_months=home_months,
                      transport=dict(transport or {}), glasses=glasses, **provenance(t))
