"""Trace: which parameter value, of which period, under which article produced an amount."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from lindung.formatting import format_rupiah
from lindung.rules.params import ParameterSet, ParameterValue


def _pct(ratio: Any) -> str:
    """An exact rate as Indonesian writes it: 0.0024 -> ``0,24%`` (decimal comma, no rounding:
    a rate of law is shown as the law writes it)."""
    return f"{(ratio * 100).normalize():f}".replace(".", ",") + "%"


def describe_value(value: ParameterValue) -> str:
    """A parameter value as a person reads it: 0.89%, Rp20.000.000, 48 × upah, 56 tahun."""
    v, unit = value.value, value.unit
    if unit == "ratio":
        return _pct(v)
    if unit == "idr":
        return format_rupiah(v)
    if unit == "wage_multiple":
        return f"{v.normalize():f}".replace(".", ",") + " × upah"
    if unit in ("months", "years", "days", "count"):
        return f"{v} {dict(months='bulan', years='tahun', days='hari', count='')[unit]}".strip()
    if unit == "codes":
        return ", ".join(v)
    if unit == "date":
        return str(v.isoformat())
    if unit == "income_grid":
        return (f"{format_rupiah(v['min'])} – {format_rupiah(v['max'])}, "
                f"kelipatan {format_rupiah(v['step'])}")
    if unit == "marginal_bands":
        return "; ".join(
            f"{'s.d. ' + format_rupiah(b['up_to']) if b['up_to'] is not None else 'selebihnya'}: "
            f"JKK {_pct(b['jkk'])}, JKM {_pct(b['jkm'])}" for b in v)
    if unit == "idr_by_term":
        return "; ".join(f"s.d. {t['up_to_months']} bulan {format_rupiah(t['amount'])}" for t in v)
    if unit == "schedule":
        return "; ".join(
            f"{_pct(s['ratio'])} × {s['months']} bulan" if s["months"] is not None
            else f"{_pct(s['ratio'])} selanjutnya" for s in v)
    if unit == "ratio_table":
        return "; ".join(f"{k}: {_pct(r)}" for k, r in v.items())
    if unit == "idr_table":
        return "; ".join(f"{k}: {format_rupiah(a)}" for k, a in v.items())
    if unit == "heir_order":
        return " → ".join("/".join(group) for group in v)
    if unit == "scholarship_levels":
        return "; ".join(f"{lv['level']}: {format_rupiah(lv['per_year'])}/tahun × {lv['max_years']}"
                         for lv in v)
    return str(v)


@dataclass(frozen=True)
class TraceEntry:
    """One step of a computation: the amount line, the parameter value used, and its source."""

    line: str
    parameter: str
    value: str
    period: str
    basis: str
    confidence: str
    note: str | None = None

    @classmethod
    def of(cls, line: str, value: ParameterValue) -> TraceEntry:
        return cls(line, value.name, describe_value(value), value.period, value.basis,
                   value.confidence, value.note)

    def to_dict(self) -> dict[str, Any]:
        out = {"line": self.line, "parameter": self.parameter, "value": self.value,
               "period": self.period, "basis": self.basis, "confidence": self.confidence}
        if self.note:
            out["note"] = self.note
        return out


def value_warnings(value: ParameterValue, on: date) -> list[str]:
    """Warnings a result must carry when it used ``value`` for date ``on``."""
    found = []
    if value.confidence == "unconfirmed":
        found.append(f"{value.name} = {describe_value(value)} is UNCONFIRMED ({value.basis})")
    if value.is_stale(on):
        found.append(
            f"{value.name} was last reviewed on {value.last_reviewed.isoformat()}, more than 12 "
            f"months before {on.isoformat()}: check that the law has not changed"
        )
    return found


@dataclass
class Tracer:
    """Resolves parameters for one case and remembers each use, for the trace and warnings."""

    params: ParameterSet
    entries: list[TraceEntry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def use(self, line: str, name: str, on: date) -> Any:
        """The value of ``name`` in force on ``on``, recorded against amount ``line``."""
        return self.record(line, self.params.at(name, on), on).value

    def use_or_none(self, line: str, name: str, on: date) -> Any:
        """Like :meth:`use`, but None (and nothing recorded) when no value is in force."""
        value = self.params.at_or_none(name, on)
        return None if value is None else self.record(line, value, on).value

    def record(self, line: str, value: ParameterValue, on: date) -> ParameterValue:
        self.entries.append(TraceEntry.of(line, value))
        for warning in value_warnings(value, on):
            if warning not in self.warnings:
                self.warnings.append(warning)
        return value

    def note(self, message: str) -> None:
        """A warning that is not about one parameter (an assumption the computation made)."""
        if message not in self.warnings:
            self.warnings.append(message)
