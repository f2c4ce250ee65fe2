"""The law as data: loading, validating and resolving dated parameters.

Every rate, amount, cap, age and period lives in ``rules/parameters/*.yaml``. A file looks like::

    topic: pu
    description: Contributions of wage earners (Penerima Upah)
    parameters:
      pu.jkk.rate.class_1:
        description: JKK rate for risk class I (very low risk), paid by the employer
        unit: ratio
        values:
          - effective_from: 2015-07-01
            effective_to: null          # optional; inclusive last day; null = still in force
            value: "0.0024"
            basis: PP 44/2015 Pasal 16 ayat (1)
            confidence: confirmed       # confirmed | single-source | derived | unconfirmed
            last_reviewed: 2026-11-23
            note: optional text for people

The loader refuses to start on an invalid file, naming the file, the key and the problem. Periods of
one parameter may leave gaps (a value nobody has found yet) but never overlap.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from lindung.rules.dates import add_months
from lindung.rules.money import InexactRateError, rate_units

PARAMETERS_DIR = Path(__file__).parent / "parameters"
CONFIDENCE_LEVELS = ("confirmed", "single-source", "derived", "unconfirmed")
STALE_AFTER_MONTHS = 12


class ParameterFileError(ValueError):
    """A parameter file is invalid; the message names file, key and problem."""

    def __init__(self, file: str, key: str, problem: str) -> None:
        super().__init__(f"{file}: {key}: {problem}")
        self.file, self.key, self.problem = file, key, problem


class ParameterNotInForce(LookupError):
    """No value of a parameter is in force on the date asked for."""

    def __init__(self, name: str, on: date, periods: list[tuple[date, date | None]]) -> None:
        covered = ", ".join(f"{a.isoformat()}..{b.isoformat() if b else ''}" for a, b in periods)
        super().__init__(
            f"no value of {name} is in force on {on.isoformat()} (values known for: {covered})"
        )
        self.name, self.on = name, on


# --- units: each turns a raw YAML value into a typed one, or says what is wrong ------------------


class _Bad(ValueError):
    pass


def _ratio(raw: Any) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise _Bad(f"a ratio must be written as a quoted decimal like \"0.0089\", got {raw!r}")
    try:
        value = Decimal(str(raw))
    except InvalidOperation as exc:
        raise _Bad(f"not a decimal number: {raw!r}") from exc
    if not value.is_finite() or value < 0 or value > 1:
        raise _Bad(f"a ratio must be between 0 and 1, got {raw!r}")
    try:
        rate_units(value)
    except InexactRateError as exc:
        raise _Bad(str(exc)) from exc
    return value


def _whole(raw: Any) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise _Bad(f"expected a whole number, got {raw!r}")
    if raw < 0:
        raise _Bad(f"expected a non-negative number, got {raw!r}")
    return raw


def _multiple(raw: Any) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise _Bad(f"a multiple must be a whole number or a quoted decimal, got {raw!r}")
    try:
        value = Decimal(str(raw))
    except InvalidOperation as exc:
        raise _Bad(f"not a number: {raw!r}") from exc
    if not value.is_finite() or value < 0:
        raise _Bad(f"a multiple must be non-negative, got {raw!r}")
    return value


def _codes(raw: Any) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(x, str) and x for x in raw):
        raise _Bad(f"expected a list of codes, got {raw!r}")
    if len(set(raw)) != len(raw):
        raise _Bad("a code is listed twice")
    return tuple(raw)


def _date_value(raw: Any) -> date:
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    raise _Bad(f"expected a real date like 2022-02-01, got {raw!r}")


def _text(raw: Any) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise _Bad(f"expected text, got {raw!r}")
    return raw


def _mapping_of(convert: Callable[[Any], Any]) -> Callable[[Any], Mapping[str, Any]]:
    def parse(raw: Any) -> Mapping[str, Any]:
        if not isinstance(raw, dict) or not raw:
            raise _Bad(f"expected a mapping of code to value, got {raw!r}")
        out: dict[str, Any] = {}
        for key, item in raw.items():
            if not isinstance(key, str):
                raise _Bad(f"key {key!r} must be text")
            try:
                out[key] = convert(item)
            except _Bad as exc:
                raise _Bad(f"[{key}]: {exc}") from exc
        return out

    return parse


def _records(spec: dict[str, Callable[[Any], Any]], optional: frozenset[str] = frozenset()) -> (
    Callable[[Any], tuple[Mapping[str, Any], ...]]
):
    """A list of records with exactly the given fields (those in ``optional`` may be null)."""

    def parse(raw: Any) -> tuple[Mapping[str, Any], ...]:
        if not isinstance(raw, list) or not raw:
            raise _Bad(f"expected a non-empty list, got {raw!r}")
        out = []
        for i, item in enumerate(raw):
            if not isinstance(item, dict):
                raise _Bad(f"[{i}]: expected a mapping, got {item!r}")
            unknown = set(item) - set(spec)
            missing = set(spec) - set(item) - optional
            if unknown or missing:
                raise _Bad(f"[{i}]: fields must be {sorted(spec)}; "
                           f"unknown {sorted(unknown)}, missing {sorted(missing)}")
            record: dict[str, Any] = {}
            for key, convert in spec.items():
                value = item.get(key)
                if value is None and key in optional:
                    record[key] = None
                    continue
                try:
                    record[key] = convert(value)
                except _Bad as exc:
                    raise _Bad(f"[{i}].{key}: {exc}") from exc
            out.append(record)
        return tuple(out)

    return parse


def _bands(raw: Any) -> tuple[Mapping[str, Any], ...]:
    """Marginal bands: [{up_to: idr|null, jkk: ratio, jkm: ratio}], increasing, last open."""
    bands = _records({"up_to": _whole, "jkk": _ratio, "jkm": _ratio}, frozenset({"up_to"}))(raw)
    limits = [b["up_to"] for b in bands]
    if limits[-1] is not None or any(x is None for x in limits[:-1]):
        raise _Bad("only the last band may (and must) have up_to: null")
    if any(a >= b for a, b in itertools.pairwise(limits[:-1])):
        raise _Bad("band limits must increase")
    return bands


def _schedule(raw: Any) -> tuple[Mapping[str, Any], ...]:
    """Benefit schedule: [{months: n|null, ratio}] applied in order; null = until it ends."""
    steps = _records({"months": _whole, "ratio": _ratio}, frozenset({"months"}))(raw)
    if any(s["months"] is None for s in steps[:-1]):
        raise _Bad("only the last step may have months: null")
    return steps


def _income_grid(raw: Any) -> Mapping[str, int]:
    grid = _records({"min": _whole, "max": _whole, "step": _whole})([raw])[0]
    if grid["step"] <= 0 or grid["min"] > grid["max"] or (grid["max"] - grid["min"]) % grid["step"]:
        raise _Bad("need 0 < step, min <= max and max - min a multiple of step")
    return grid


def _order(raw: Any) -> tuple[tuple[str, ...], ...]:
    if not isinstance(raw, list) or not raw:
        raise _Bad("expected a list of groups, each a list of relations")
    return tuple(_codes(group) for group in raw)


UNITS: dict[str, Callable[[Any], Any]] = {
    "ratio": _ratio,
    "idr": _whole,
    "months": _whole,
    "years": _whole,
    "days": _whole,
    "count": _whole,
    "wage_multiple": _multiple,
    "codes": _codes,
    "date": _date_value,
    "text": _text,
    "ratio_table": _mapping_of(_ratio),
    "idr_table": _mapping_of(_whole),
    "marginal_bands": _bands,
    "schedule": _schedule,
    "income_grid": _income_grid,
    "heir_order": _order,
    "scholarship_levels": _records({"level": _text, "per_year": _whole, "max_years": _whole}),
    "idr_by_term": _records({"up_to_months": _whole, "amount": _whole},
                            frozenset({"up_to_months"})),
}
"""Known units. ``ratio`` is a share of 1 (0.0089 = 0.89%); ``idr`` whole rupiah."""

_VALUE_FIELDS = {"effective_from", "effective_to", "value", "basis", "confidence",
                 "last_reviewed", "note", "sources"}
_REQUIRED_VALUE_FIELDS = {"effective_from", "value", "basis", "confidence", "last_reviewed"}


@dataclass(frozen=True)
class ParameterValue:
    """One dated value of a parameter, with where it comes from and how sure we are."""

    name: str
    value: Any
    unit: str
    effective_from: date
    effective_to: date | None
    basis: str
    confidence: str
    last_reviewed: date
    note: str | None
    file: str

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def is_stale(self, on: date) -> bool:
        """True when ``on`` is more than 12 months after the value was last reviewed."""
        return on > add_months(self.last_reviewed, STALE_AFTER_MONTHS)

    @property
    def period(self) -> str:
        end = self.effective_to.isoformat() if self.effective_to else "…"
        return f"{self.effective_from.isoformat()} – {end}"


@dataclass(frozen=True)
class Parameter:
    name: str
    description: str
    unit: str
    file: str
    values: tuple[ParameterValue, ...]

    def at(self, on: date) -> ParameterValue:
        for value in self.values:
            if value.in_force(on):
                return value
        raise ParameterNotInForce(
            self.name, on, [(v.effective_from, v.effective_to) for v in self.values]
        )

    def at_or_none(self, on: date) -> ParameterValue | None:
        for value in self.values:
            if value.in_force(on):
                return value
        return None


@dataclass(frozen=True, eq=False)  # hashed by identity: caches key on it
class ParameterSet:
    """All parameters, by name. Obtain the validated set with :func:`load_parameters`."""

    parameters: Mapping[str, Parameter] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Parameter:
        try:
            return self.parameters[name]
        except KeyError:
            raise KeyError(f"unknown parameter {name!r}") from None

    def __iter__(self) -> Iterator[Parameter]:
        return iter(self.parameters.values())

    def __contains__(self, name: object) -> bool:
        return name in self.parameters

    def at(self, name: str, on: date) -> ParameterValue:
        """The value of ``name`` in force on ``on``; raises :class:`ParameterNotInForce`."""
        return self[name].at(on)

    def at_or_none(self, name: str, on: date) -> ParameterValue | None:
        """The value in force on ``on``, or None (for measures such as a temporary discount)."""
        return self[name].at_or_none(on)

    def in_force_on(self, on: date) -> list[ParameterValue]:
        """Every value in force on ``on``, ordered by file and name."""
        found = (p.at_or_none(on) for p in self.parameters.values())
        return sorted((v for v in found if v is not None), key=lambda v: (v.file, v.name))


def _as_date(raw: Any, file: str, key: str) -> date:
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    raise ParameterFileError(file, key, f"not a real date: {raw!r} (write YYYY-MM-DD)")


def _parse_value(name: str, unit: str, index: int, raw: Any, file: str) -> ParameterValue:
    key = f"{name}.values[{index}]"
    if not isinstance(raw, dict):
        raise ParameterFileError(file, key, "each value must be a mapping")
    unknown = set(raw) - _VALUE_FIELDS
    if unknown:
        raise ParameterFileError(file, key, f"unknown field(s) {sorted(unknown)}")
    missing = _REQUIRED_VALUE_FIELDS - set(raw)
    if missing:
        raise ParameterFileError(file, key, f"missing field(s) {sorted(missing)}")
    start = _as_date(raw["effective_from"], file, f"{key}.effective_from")
    end = raw.get("effective_to")
    end_date = None if end is None else _as_date(end, file, f"{key}.effective_to")
    if end_date is not None and end_date < start:
        raise ParameterFileError(file, f"{key}.effective_to", "ends before it starts")
    basis = raw["basis"]
    if not isinstance(basis, str) or not basis.strip():
        raise ParameterFileError(file, f"{key}.basis", "legal basis is required")
    confidence = raw["confidence"]
    if confidence not in CONFIDENCE_LEVELS:
        raise ParameterFileError(
            file, f"{key}.confidence", f"must be one of {', '.join(CONFIDENCE_LEVELS)}; "
            f"got {confidence!r}"
        )
    reviewed = _as_date(raw["last_reviewed"], file, f"{key}.last_reviewed")
    note = raw.get("note")
    if note is not None and not isinstance(note, str):
        raise ParameterFileError(file, f"{key}.note", "must be text")
    try:
        value = UNITS[unit](raw["value"])
    except _Bad as exc:
        raise ParameterFileError(file, f"{key}.value", str(exc)) from exc
    return ParameterValue(name, value, unit, start, end_date, basis.strip(), confidence,
                          reviewed, note, file)


def _parse_parameter(name: str, raw: Any, file: str) -> Parameter:
    if not isinstance(raw, dict):
        raise ParameterFileError(file, name, "must be a mapping with description, unit and values")
    unknown = set(raw) - {"description", "unit", "values"}
    if unknown:
        raise ParameterFileError(file, name, f"unknown field(s) {sorted(unknown)}")
    description = raw.get("description")
    if not isinstance(description, str) or not description.strip():
        raise ParameterFileError(file, f"{name}.description", "a description is required")
    unit = raw.get("unit")
    if unit not in UNITS:
        raise ParameterFileError(
            file, f"{name}.unit", f"unknown unit {unit!r}; known: {', '.join(sorted(UNITS))}"
        )
    raw_values = raw.get("values")
    if not isinstance(raw_values, list) or not raw_values:
        raise ParameterFileError(file, f"{name}.values", "at least one dated value is required")
    values = [_parse_value(name, unit, i, v, file) for i, v in enumerate(raw_values)]
    values.sort(key=lambda v: v.effective_from)
    for earlier, later in itertools.pairwise(values):
        if earlier.effective_to is None or earlier.effective_to >= later.effective_from:
            raise ParameterFileError(
                file, f"{name}.values",
                f"periods overlap: {earlier.period} and {later.period} "
                "(give the earlier value an effective_to before the later one starts)",
            )
    return Parameter(name, description.strip(), unit, file, tuple(values))


class _TextDateLoader(yaml.SafeLoader):
    """Safe YAML without implicit timestamps: dates stay text until we parse them, so that
    2020-02-30 is reported with its key instead of crashing the YAML parser."""


_TextDateLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_parameter_file(path: Path) -> list[Parameter]:
    """Parse and validate one YAML parameter file."""
    file = path.name
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_TextDateLoader)
    except yaml.YAMLError as exc:
        raise ParameterFileError(file, "(file)", f"not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ParameterFileError(file, "(file)", "must be a mapping with topic and parameters")
    unknown = set(data) - {"topic", "description", "parameters"}
    if unknown:
        raise ParameterFileError(file, "(file)", f"unknown top-level key(s) {sorted(unknown)}")
    if not isinstance(data.get("topic"), str):
        raise ParameterFileError(file, "topic", "a topic is required")
    params = data.get("parameters")
    if not isinstance(params, dict) or not params:
        raise ParameterFileError(file, "parameters", "must be a non-empty mapping")
    return [_parse_parameter(str(name), raw, file) for name, raw in params.items()]


def load_parameters_from(directory: Path) -> ParameterSet:
    """Load every ``*.yaml`` in ``directory``; a name defined twice is an error."""
    found: dict[str, Parameter] = {}
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise ParameterFileError(str(directory), "(directory)", "no parameter files found")
    for path in files:
        for parameter in parse_parameter_file(path):
            if parameter.name in found:
                raise ParameterFileError(
                    path.name, parameter.name, f"already defined in {found[parameter.name].file}"
                )
            found[parameter.name] = parameter
    return ParameterSet(found)


@functools.cache
def load_parameters() -> ParameterSet:
    """The packaged parameters, validated once per process."""
    return load_parameters_from(PARAMETERS_DIR)
