"""What every benefit shares: its error, the shape of its result, the checks of its inputs, and
the monthly schedule of shares of a wage (STMB, JKP).

Every benefit function is pure: it reads dated values from ``rules/parameters/`` through a
:class:`~lindung.rules.trace.Tracer` (never a number of law written in Python), takes the value in
force **on the event date**, and returns a frozen result whose trace says which value, of which
period, under which article produced every rupiah.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, TypedDict

from lindung.rules.money import rate_units, rupiah
from lindung.rules.params import ParameterSet, load_parameters
from lindung.rules.trace import TraceEntry, Tracer

if TYPE_CHECKING:
    from lindung.rules.benefits.scholarship import Scholarship


class BenefitError(ValueError):
    """A benefit cannot be computed from these inputs; the message says which input and what is
    expected. ``field`` names the input when there is one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# --- the result ---------------------------------------------------------------------------------


class Provenance(TypedDict):
    """The trace and warnings of a computation, as the fields of its result."""

    trace: tuple[TraceEntry, ...]
    warnings: tuple[str, ...]


def provenance(tracer: Tracer) -> Provenance:
    """What ``tracer`` recorded, frozen for a result."""
    return {"trace": tuple(tracer.entries), "warnings": tuple(tracer.warnings)}


@dataclass(frozen=True, kw_only=True)
class BenefitResult(ABC):
    """The outcome of one benefit computation, ready to show, store or compare with a case.

    Each programme's result adds its own typed fields; ``amounts`` and ``total`` are derived
    from them, and :meth:`to_dict` gives the plain JSON every caller and case reads."""

    kind: ClassVar[str]
    """The benefit's name in the JSON and the cases (``jkm``, ``jkk_death``, ...)."""

    event_date: date
    """The date whose values apply: death, accident, dismissal, claim or pension start."""
    eligible: bool = True
    reasons: tuple[str, ...] = ()
    """Why the benefit is not (or not fully) paid, in words."""
    trace: tuple[TraceEntry, ...]
    warnings: tuple[str, ...]

    @property
    def benefit(self) -> str:
        return self.kind

    @property
    @abstractmethod
    def amounts(self) -> dict[str, int | list[int]]:
        """The amount lines by name (a list: one amount per month), in display order."""

    @property
    @abstractmethod
    def total(self) -> int:
        """What is paid in all, in whole rupiah (0 for ceilings and heirs)."""

    def _details(self) -> dict[str, Any]:
        """The JSON ``details``: the facts the amounts rest on. Empty: no ``details`` key."""
        return {}

    def _scholarship(self) -> Scholarship | None:
        """The scholarship part, for benefits that carry one (None: no ``scholarship`` key)."""
        return None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON: dates as ISO text, the trace as mappings."""
        out: dict[str, Any] = {
            "benefit": self.benefit,
            "event_date": self.event_date.isoformat(),
            "amounts": {k: list(v) if isinstance(v, list) else v for k, v in self.amounts.items()},
            "total": self.total,
            "eligible": self.eligible,
            "reasons": list(self.reasons),
            "trace": [entry.to_dict() for entry in self.trace],
            "warnings": list(self.warnings),
        }
        scholarship = self._scholarship()
        if scholarship is not None:
            out["scholarship"] = scholarship.to_dict()
        details = self._details()
        if details:
            out["details"] = jsonable(details)
        return out


@dataclass(frozen=True, kw_only=True)
class MonthlyBenefit(BenefitResult):
    """A benefit paid month by month: one amount per month, in order."""

    monthly: tuple[int, ...]

    @property
    def amounts(self) -> dict[str, int | list[int]]:
        return {"monthly": list(self.monthly)}

    @property
    def total(self) -> int:
        return sum(self.monthly)


def jsonable(value: Any) -> Any:
    """``value`` with dates as ISO text and tuples as lists."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


# --- inputs -------------------------------------------------------------------------------------


def tracer_for(params: ParameterSet | None) -> Tracer:
    """A tracer over ``params``; the packaged parameters when None (the public entry's default)."""
    return Tracer(load_parameters() if params is None else params)


def check_date(name: str, value: Any) -> date:
    if not isinstance(value, date):
        raise BenefitError(f"{name} must be a date like 2024-05-01, got {value!r}", field=name)
    return value


def check_count(name: str, value: Any, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise BenefitError(f"{name} must be a whole number of at least {minimum}, got {value!r}",
                           field=name)
    return value


def check_wage(value: Any, name: str = "wage") -> int:
    """A wage or declared income: whole rupiah above zero (a zero wage would pay only the fixed
    amounts, as if the worker had earned nothing; no benefit is computed from it)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise BenefitError(f"{name} harus rupiah bulat (bilangan bulat), bukan {value!r}",
                           field=name)
    if value <= 0:
        raise BenefitError(f"{name} harus lebih dari Rp0, bukan {value}", field=name)
    return value


FIRST_COVERED_DATE = "coverage.first_date"
"""The parameter naming the first event date lindung computes (PP 44/2015 and 45/2015 begin)."""


def check_event_date(name: str, value: Any, params: ParameterSet | None = None) -> date:
    """A benefit's event date, refused (one line, naming the first date covered) when it is
    before the laws lindung implements: an earlier event falls under Jamsostek (PP 53/2012 and
    before), which lindung does not compute. Call first in every benefit entry point."""
    day = check_date(name, value)
    ps = load_parameters() if params is None else params
    covered = ps[FIRST_COVERED_DATE].values[0]
    first: date = covered.value
    if day < first:
        raise BenefitError(
            f"{name} {day.isoformat()} di luar cakupan lindung: manfaat dihitung untuk peristiwa "
            f"sejak {first.isoformat()} ({covered.basis})", field=name)
    return day


# --- amounts ------------------------------------------------------------------------------------


def by_schedule(base: int, schedule: Sequence[Mapping[str, Any]], months: int | None) -> list[int]:
    """Amount for each month of a schedule of shares of ``base`` (unit ``schedule``), each month
    rounded once; ``months`` None = the schedule's fixed length."""
    out: list[int] = []
    for step in schedule:
        length = step["months"]
        if length is None:
            if months is None:
                raise BenefitError("an open-ended schedule needs a number of months",
                                   field="months")
            length = months - len(out)
        if months is not None:
            length = min(length, months - len(out))
        out.extend([rupiah(base, rate_units(step["ratio"]))] * max(length, 0))
    return out
