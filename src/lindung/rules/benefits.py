"""Benefits (manfaat) of BPJS Ketenagakerjaan: JKM, JKK, JHT, JP, JKP, scholarships and heirs.

Every function is pure: it reads dated values from ``rules/parameters/`` (never a number of law
written here), chooses the value in force **on the event date** (death, accident, dismissal,
pension start) and returns a :class:`BenefitResult` whose trace says which value, of which period,
under which article produced every rupiah, with a warning for each UNCONFIRMED or stale value.

Money is whole rupiah (``int``); a ratio or wage multiple meets an amount only in
:func:`lindung.rules.money.rupiah`. A date with no known value (for example the JP minimum pension
for 2016-2022) raises :class:`lindung.rules.params.ParameterNotInForce` rather than guess.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, get_args

from lindung.rules.dates import add_months, add_years
from lindung.rules.money import (
    RATE_SCALE,
    divide_half_up,
    rate_units,
    ratio_units_product,
    rupiah,
)
from lindung.rules.params import ParameterNotInForce, load_parameters
from lindung.rules.trace import TraceEntry, Tracer

__all__ = [
    "BenefitResult",
    "Child",
    "ChildPerson",
    "Family",
    "HeirProgramme",
    "JhtEvent",
    "ParameterNotInForce",
    "Person",
    "heirs",
    "jht",
    "jkk_care_maxima",
    "jkk_death",
    "jkk_disability",
    "jkm",
    "jkp",
    "jp_benefit_limits",
    "jp_old_age",
    "retirement_age",
    "stmb",
]

JhtEvent = Literal["retirement", "resignation", "dismissal", "disability", "death",
                   "leave_country", "partial_10", "partial_30"]
HeirProgramme = Literal["jkm", "jkk", "jht", "jp"]
DisabilityKind = Literal["total", "partial"]


# --- results ------------------------------------------------------------------------------------


@dataclass
class BenefitResult:
    """The outcome of one benefit computation, ready to show, store or compare with a case."""

    benefit: str
    event_date: date
    amounts: dict[str, int | list[int]]
    total: int
    eligible: bool
    reasons: list[str] = field(default_factory=list)
    trace: list[TraceEntry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    scholarship: dict[str, Any] | None = None
    details: dict[str, Any] = field(default_factory=dict)

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
        if self.scholarship is not None:
            out["scholarship"] = _jsonable(self.scholarship)
        if self.details:
            out["details"] = _jsonable(self.details)
        return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _result(benefit: str, on: date, tracer: Tracer, **kwargs: Any) -> BenefitResult:
    return BenefitResult(benefit=benefit, event_date=on, trace=tracer.entries,
                         warnings=tracer.warnings, **kwargs)


# --- inputs -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Child:
    """A child of the participant, for the scholarship.

    ``level`` is the school level now (``tk_sd``, ``smp``, ``sma``, ``pt``) or None when the child
    is not yet at school; ``year_in_level`` is 1 for the first year of that level.
    """

    level: str | None = None
    year_in_level: int = 1
    age: int | None = None


@dataclass(frozen=True)
class Person:
    """Someone who may inherit; only the name is needed to say who receives."""

    name: str


@dataclass(frozen=True)
class ChildPerson:
    """A child of the participant as an heir (JP needs age, marriage and work)."""

    name: str
    age: int
    married: bool = False
    working: bool = False


@dataclass(frozen=True)
class Family:
    """The participant's family on the day of death."""

    spouses: list[Person] = field(default_factory=list)
    children: list[ChildPerson] = field(default_factory=list)
    parents: list[Person] = field(default_factory=list)
    grandchildren: list[Person] = field(default_factory=list)
    grandparents: list[Person] = field(default_factory=list)
    siblings: list[Person] = field(default_factory=list)
    parents_in_law: list[Person] = field(default_factory=list)
    will_beneficiary: Person | None = None


def _check_date(name: str, value: Any) -> date:
    if not isinstance(value, date):
        raise ValueError(f"{name} must be a date like 2024-05-01, got {value!r}")
    return value


def _check_count(name: str, value: Any, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be a whole number of at least {minimum}, got {value!r}")
    return value


def _check_wage(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"wage must be whole rupiah (an int), got {value!r}")
    if value < 0:
        raise ValueError(f"wage cannot be negative, got {value}")
    return value


def _children(raw: Sequence[Child | Mapping[str, Any]] | None) -> list[Child] | None:
    if raw is None:
        return None
    out = []
    for i, item in enumerate(raw):
        if isinstance(item, Child):
            out.append(item)
        elif isinstance(item, Mapping):
            unknown = set(item) - {f.name for f in fields(Child)}
            if unknown:
                raise ValueError(f"child {i + 1}: unknown field(s) {sorted(unknown)}; "
                                 "expected level, year_in_level, age")
            out.append(Child(**item))
        else:
            raise ValueError(f"child {i + 1} must be a Child or a mapping, got {item!r}")
    return out


def _people(raw: Any, what: str) -> list[Person]:
    out = []
    for item in raw or []:
        if isinstance(item, Person):
            out.append(item)
        elif isinstance(item, str):
            out.append(Person(item))
        elif isinstance(item, Mapping) and set(item) == {"name"}:
            out.append(Person(str(item["name"])))
        else:
            raise ValueError(f"{what}: expected a name or {{name: ...}}, got {item!r}")
    return out


def _family(raw: Family | Mapping[str, Any]) -> Family:
    if isinstance(raw, Family):
        return raw
    if not isinstance(raw, Mapping):
        raise ValueError(f"family must be a Family or a mapping, got {raw!r}")
    known = {f.name for f in fields(Family)}
    unknown = set(raw) - known
    if unknown:
        raise ValueError(f"family: unknown field(s) {sorted(unknown)}; expected {sorted(known)}")
    children = []
    for item in raw.get("children") or []:
        if isinstance(item, ChildPerson):
            children.append(item)
        elif isinstance(item, Mapping):
            children.append(ChildPerson(**item))
        else:
            raise ValueError(f"children: expected {{name, age, married, working}}, got {item!r}")
    will = raw.get("will_beneficiary")
    return Family(
        spouses=_people(raw.get("spouses"), "spouses"),
        children=children,
        parents=_people(raw.get("parents"), "parents"),
        grandchildren=_people(raw.get("grandchildren"), "grandchildren"),
        grandparents=_people(raw.get("grandparents"), "grandparents"),
        siblings=_people(raw.get("siblings"), "siblings"),
        parents_in_law=_people(raw.get("parents_in_law"), "parents_in_law"),
        will_beneficiary=None if will is None else _people([will], "will_beneficiary")[0],
    )


def _rp(amount: int) -> str:
    """Rupiah as Indonesians write it: Rp1.234.567."""
    return "Rp" + f"{amount:,}".replace(",", ".")


def _times(amount: int, multiple: Decimal) -> int:
    """``amount`` × a wage multiple (48, 56, ...), through the one rounding helper."""
    return rupiah(amount, rate_units(multiple))


# --- scholarship --------------------------------------------------------------------------------


def _scholarship(tracer: Tracer, on: date, programme: Literal["jkm", "jkk"],
                 contribution_months: int | None,
                 children: list[Child] | None) -> dict[str, Any]:
    """Scholarship for the participant's children (PP 44/2015 as amended by PP 82/2019)."""
    min_months: int = tracer.use("scholarship: minimum contribution period",
                                 f"{programme}.scholarship.min_contribution_months", on)
    max_children: int = tracer.use("scholarship: number of children",
                                   "scholarship.max_children", on)
    cap: int = tracer.use("scholarship: cap for all children", "scholarship.cap_total", on)
    levels = tracer.use_or_none("scholarship: amount per school level", "scholarship.levels", on)
    eligible = contribution_months is None or contribution_months >= min_months
    out: dict[str, Any] = {
        "eligible": eligible,
        "min_contribution_months": min_months,
        "max_children": max_children,
        "cap": cap,
        "per_child": [],
        "total": 0,
        "levels": [dict(level) for level in levels] if levels is not None else [],
    }
    if not eligible:
        out["reason"] = (f"the participant paid {contribution_months} months; the scholarship "
                         f"needs at least {min_months}")
    if children is None:
        return out

    flat: int = 0
    max_age: int | None = None
    if levels is None:
        flat = tracer.use("scholarship: amount per child", "scholarship.flat_per_child", on)
    elif any(child.age is not None for child in children):
        max_age = tracer.use("scholarship: age at which it ends", "scholarship.max_child_age", on)
    codes = [level["level"] for level in levels] if levels is not None else []

    counted = 0
    per_child = []
    for i, child in enumerate(children):
        if child.level is not None and levels is not None and child.level not in codes:
            raise ValueError(f"child {i + 1}: unknown school level {child.level!r}; "
                             f"expected one of {', '.join(codes)} or none")
        if child.age is not None:
            _check_count(f"child {i + 1} age", child.age)
        entitlement: int = 0
        note = None
        if not eligible:
            note = "the participant's contribution period is too short"
        elif levels is None:
            if child.level is None:
                note = "not at school"
            else:
                entitlement = flat
        elif max_age is not None and child.age is not None and child.age >= max_age:
            note = f"aged {child.age}: the scholarship ends at {max_age}"
        else:
            start = 0 if child.level is None else codes.index(child.level)
            level = levels[start]
            year = _check_count(f"child {i + 1} year_in_level", child.year_in_level, 1)
            if year > level["max_years"]:
                raise ValueError(f"child {i + 1}: year_in_level {year} is beyond the "
                                 f"{level['max_years']} years of {level['level']}")
            remaining_years = level["max_years"] - year + 1 if child.level is not None \
                else level["max_years"]
            entitlement = remaining_years * level["per_year"] + sum(
                later["per_year"] * later["max_years"] for later in levels[start + 1:])
            if child.level is None:
                note = "not yet at school: paid from when the child starts school"
        # Only the first children with an entitlement count: a child who cannot receive
        # (aged out, not at school) does not use up one of the places.
        is_counted = entitlement > 0 and counted < max_children
        if entitlement > 0 and not is_counted:
            note = f"only {max_children} child(ren) may receive the scholarship"
        counted += is_counted
        entry: dict[str, Any] = {"level": child.level, "year_in_level": child.year_in_level,
                                 "age": child.age, "entitlement": entitlement,
                                 "counted": is_counted}
        if note:
            entry["note"] = note
        per_child.append(entry)
    out["per_child"] = per_child
    out["total"] = min(cap, sum(c["entitlement"] for c in per_child if c["counted"]))
    return out


# --- JKM ----------------------------------------------------------------------------------------


def jkm(*, death_date: date, contribution_months: int,
        children: Sequence[Child | Mapping[str, Any]] | None = None) -> BenefitResult:
    """JKM death benefit (death not from a work accident): lump sum, periodic, funeral, scholarship.

    PP 44/2015 as amended by PP 82/2019 (santunan sekaligus, santunan berkala 24 months paid at
    once, biaya pemakaman, beasiswa). The amounts in force on ``death_date`` apply. No minimum
    contribution period for the cash was found in any source; the scholarship needs one (3 years
    from PP 82/2019). ``total`` is the cash plus, when ``children`` are given, the largest
    scholarship they may still receive.
    """
    death_date = _check_date("death_date", death_date)
    contribution_months = _check_count("contribution_months", contribution_months)
    kids = _children(children)
    t = Tracer(load_parameters())
    lump: int = t.use("lump_sum", "jkm.lump_sum", death_date)
    per_month: int = t.use("periodic", "jkm.periodic.monthly_amount", death_date)
    months: int = t.use("periodic", "jkm.periodic.months", death_date)
    funeral: int = t.use("funeral", "jkm.funeral", death_date)
    periodic = per_month * months
    sch = _scholarship(t, death_date, "jkm", contribution_months, kids)
    cash = lump + periodic + funeral
    return _result("jkm", death_date, t,
                   amounts={"lump_sum": lump, "periodic": periodic, "funeral": funeral},
                   total=cash + (sch["total"] if kids is not None else 0),
                   eligible=True, scholarship=sch,
                   details={"cash_total": cash})


# --- JKK ----------------------------------------------------------------------------------------


def jkk_death(*, accident_date: date, wage: int,
              children: Sequence[Child | Mapping[str, Any]] | None = None) -> BenefitResult:
    """JKK death from a work accident: 48 × monthly wage (60% × 80), at least the JKM death benefit.

    PP 44/2015 Lampiran III as amended by PP 82/2019: santunan kematian 60% × 80 × upah, "paling
    sedikit sebesar santunan kematian JKM" (taken as the JKM lump sum; UNCONFIRMED), funeral cost,
    periodic benefit paid at once, and the scholarship with no minimum contribution period.
    """
    accident_date = _check_date("accident_date", accident_date)
    wage = _check_wage(wage)
    kids = _children(children)
    t = Tracer(load_parameters())
    multiple: Decimal = t.use("death", "jkk.death.wage_multiple", accident_date)
    floor: int = t.use("death", "jkk.death.floor", accident_date)
    funeral: int = t.use("funeral", "jkk.funeral", accident_date)
    periodic: int = t.use("periodic", "jkk.periodic", accident_date)
    by_wage = _times(wage, multiple)
    death = max(by_wage, floor)
    reasons = []
    if by_wage < floor:
        reasons.append(f"{multiple} × wage = {_rp(by_wage)} is below the minimum; "
                       f"the minimum {_rp(floor)} is paid")
    sch = _scholarship(t, accident_date, "jkk", None, kids)
    cash = death + funeral + periodic
    return _result("jkk_death", accident_date, t,
                   amounts={"death": death, "funeral": funeral, "periodic": periodic},
                   total=cash + (sch["total"] if kids is not None else 0),
                   eligible=True, reasons=reasons, scholarship=sch,
                   details={"cash_total": cash, "wage_multiple_amount": by_wage})


def jkk_disability(*, accident_date: date, wage: int, kind: DisabilityKind,
                   parts: Sequence[str] = (), function_loss: Decimal | str | None = None,
                   children: Sequence[Child | Mapping[str, Any]] | None = None) -> BenefitResult:
    """JKK permanent disability from a work accident.

    PP 44/2015 Lampiran III as amended by PP 82/2019:
    - total: 70% × 80 × upah (56 × wage) plus the periodic benefit and the scholarship;
    - partial, anatomical: % from the table × 80 × upah for each lost part (``parts``);
    - partial, functional: % loss of function (``function_loss``, 0-1) × % table × 80 × upah.
    Only some table entries are known (the full Annex III table is UNCONFIRMED); an unknown part
    is refused rather than guessed.
    """
    accident_date = _check_date("accident_date", accident_date)
    wage = _check_wage(wage)
    if kind not in get_args(DisabilityKind):
        raise ValueError(f"kind must be 'total' or 'partial', got {kind!r}")
    kids = _children(children)
    t = Tracer(load_parameters())
    if kind == "total":
        if parts or function_loss is not None:
            raise ValueError("parts and function_loss apply only to kind='partial'")
        multiple: Decimal = t.use("lump_sum", "jkk.total_disability.wage_multiple",
                                  accident_date)
        periodic: int = t.use("periodic", "jkk.periodic", accident_date)
        lump = _times(wage, multiple)
        sch = _scholarship(t, accident_date, "jkk", None, kids)
        return _result("jkk_disability", accident_date, t,
                       amounts={"lump_sum": lump, "periodic": periodic},
                       total=lump + periodic + (sch["total"] if kids is not None else 0),
                       eligible=True, scholarship=sch,
                       details={"kind": kind, "cash_total": lump + periodic})

    if kids is not None:
        raise ValueError("the scholarship follows death or total disability, not partial "
                         "disability: leave children out")
    if not parts:
        raise ValueError("partial disability needs at least one body part in parts")
    table: Mapping[str, Decimal] = t.use("lump_sum", "jkk.partial_disability.anatomical",
                                         accident_date)
    unknown = [p for p in parts if p not in table]
    if unknown:
        raise ValueError(f"unknown body part(s) {unknown}: the known table entries are "
                         f"{', '.join(sorted(table))} (the full table is UNCONFIRMED)")
    if len(set(parts)) != len(parts):
        raise ValueError("a body part is listed twice")
    share = sum((table[p] for p in parts), Decimal(0))
    if len(parts) > 1:
        cap: Decimal = t.use("lump_sum", "jkk.partial_disability.max_total_ratio", accident_date)
        share = min(share, cap)
    loss = Decimal(1)
    if function_loss is not None:
        try:
            loss = Decimal(str(function_loss))
        except InvalidOperation:
            raise ValueError(f"function_loss must be a decimal like 0.5, got {function_loss!r}")\
                from None
        if not loss.is_finite() or not 0 < loss <= 1:
            raise ValueError(f"function_loss must be above 0 and at most 1, got {function_loss}")
    multiple = t.use("lump_sum", "jkk.partial_disability.wage_multiple", accident_date)
    lump = rupiah(wage, ratio_units_product(share, loss, multiple))
    return _result("jkk_disability", accident_date, t,
                   amounts={"lump_sum": lump}, total=lump, eligible=True,
                   details={"kind": kind, "parts": list(parts), "table_share": str(share),
                            "function_loss": str(loss)})


def stmb(*, accident_date: date, wage: int, months: int) -> BenefitResult:
    """STMB (temporary inability to work): the wage share for each month off work, in order.

    PP 44/2015 Lampiran III (100% 6 months, 75% 6 months, then 50%) as amended by PP 82/2019
    (100% for the first 12 months, then 50% until recovery). The schedule in force on
    ``accident_date`` applies. Computed by whole months; BPJS pays by days actually lost.
    """
    accident_date = _check_date("accident_date", accident_date)
    wage = _check_wage(wage)
    months = _check_count("months", months, 1)
    t = Tracer(load_parameters())
    schedule = t.use("monthly", "jkk.stmb.schedule", accident_date)
    monthly = _by_schedule(wage, schedule, months)
    return _result("stmb", accident_date, t, amounts={"monthly": monthly}, total=sum(monthly),
                   eligible=True, details={"months": months})


def _by_schedule(base: int, schedule: Sequence[Mapping[str, Any]], months: int | None) -> list[int]:
    """Amount for each month of a schedule; ``months`` None = the schedule's fixed length."""
    out: list[int] = []
    for step in schedule:
        length = step["months"]
        if length is None:
            if months is None:
                raise ValueError("an open-ended schedule needs a number of months")
            length = months - len(out)
        if months is not None:
            length = min(length, months - len(out))
        out.extend([rupiah(base, rate_units(step["ratio"]))] * max(length, 0))
    return out


def jkk_care_maxima(*, accident_date: date) -> BenefitResult:
    """JKK maxima for home care, transport (per mode) and glasses on ``accident_date``.

    PP 44/2015 Lampiran III as amended by PP 82/2019. These are ceilings on reimbursements, not
    amounts paid, so ``total`` is 0. A maximum with no known value for the date is left out with
    a warning.
    """
    accident_date = _check_date("accident_date", accident_date)
    t = Tracer(load_parameters())
    amounts: dict[str, int | list[int]] = {}
    home = t.use_or_none("home_care", "jkk.home_care.max", accident_date)
    if home is not None:
        amounts["home_care"] = home
    transport = t.use_or_none("transport", "jkk.transport.max", accident_date)
    for mode, amount in (transport or {}).items():
        amounts[f"transport_{mode}"] = amount
    glasses = t.use_or_none("glasses", "jkk.glasses.max", accident_date)
    if glasses is not None:
        amounts["glasses"] = glasses
    details: dict[str, Any] = {}
    home_months = t.use_or_none("home_care", "jkk.home_care.max_months", accident_date)
    if home_months is not None:
        details["home_care_max_months"] = home_months
    for name in ("home_care", "glasses"):
        if name not in amounts:
            t.note(f"no known {name.replace('_', ' ')} maximum on {accident_date.isoformat()}")
    return _result("jkk_care_maxima", accident_date, t, amounts=amounts, total=0,
                   eligible=True, details=details)


# --- JP -----------------------------------------------------------------------------------------


def _retirement_age(t: Tracer, birth_date: date) -> tuple[int, date]:
    first = t.params["jp.programme_start"].values[0]
    ages = [v.value for v in t.params["jp.retirement_age"].values]
    for age in range(min(ages), max(ages) + 1):
        reached = add_years(birth_date, age)
        on = reached
        if reached < first.value:
            # Someone who reached the first age before JP began is held to that first age.
            on = t.record("retirement age", first, first.value).value
        value = t.params.at("jp.retirement_age", on)
        if value.value <= age:
            t.record("retirement age", value, on)
            return age, reached
    raise AssertionError("jp.retirement_age never reaches its final age")  # pragma: no cover


def retirement_age(birth_date: date) -> tuple[int, date]:
    """JP retirement age of a person and the day it is reached.

    PP 45/2015 Pasal 15: 56, then 57 from 1 Jan 2019, +1 every 3 years to 65 from 2043. The age is
    the first one whose value, in force on the birthday it is reached, is not above it: born 1962
    retires at 56, 1963-64 at 57, 1965-66 at 58, ..., 1979 and later at 65.
    """
    birth_date = _check_date("birth_date", birth_date)
    return _retirement_age(Tracer(load_parameters()), birth_date)


def jp_benefit_limits(*, pension_start: date) -> BenefitResult:
    """Minimum and maximum monthly JP pension for a pension starting on ``pension_start``.

    PP 45/2015 Pasal 18: Rp300.000 and Rp3.600.000 in 2015, indexed yearly by inflation. Years
    with no known value raise ParameterNotInForce.
    """
    pension_start = _check_date("pension_start", pension_start)
    t = Tracer(load_parameters())
    low: int = t.use("minimum", "jp.benefit.min", pension_start)
    high: int = t.use("maximum", "jp.benefit.max", pension_start)
    return _result("jp_benefit_limits", pension_start, t,
                   amounts={"minimum": low, "maximum": high}, total=0, eligible=True)


def jp_old_age(*, birth_date: date, contribution_months: int, average_monthly_wage: int,
               claim_date: date | None = None) -> BenefitResult:
    """JP old-age pension for the first year, from the 1st of the month after retirement age.

    PP 45/2015 Pasal 17 ayat (2): MP = 1% × masa iur / 12 × average annual wage / 12, where
    ``average_monthly_wage`` is the caller's weighted, inflation-indexed average of the capped
    monthly wage (Pasal 17 ayat (3)); bounded by the minimum and maximum of the year the pension
    starts (Pasal 18). Fewer than 180 months (Pasal 19): no pension, but a lump sum of the
    contributions plus returns, which only BPJS's account can give. ``claim_date`` after
    retirement age is when work stopped (Pasal 15 ayat (4)): the pension then starts the month
    after, at most 3 years after retirement age. From the second year the pension is indexed.
    """
    birth_date = _check_date("birth_date", birth_date)
    contribution_months = _check_count("contribution_months", contribution_months)
    if isinstance(average_monthly_wage, bool) or not isinstance(average_monthly_wage, int) \
            or average_monthly_wage < 0:
        raise ValueError("average_monthly_wage must be whole rupiah, not negative, got "
                         f"{average_monthly_wage!r}")
    if claim_date is not None:
        claim_date = _check_date("claim_date", claim_date)
    t = Tracer(load_parameters())
    age, reached = _retirement_age(t, birth_date)
    jp_start: date = t.params["jp.programme_start"].values[0].value
    if reached < jp_start:
        raise ValueError(f"retirement age {age} was reached on {reached.isoformat()}, before JP "
                         f"began on {jp_start.isoformat()}: there is no JP old-age pension")
    details: dict[str, Any] = {"retirement_age": age, "retirement_age_reached": reached}
    if claim_date is not None and claim_date < reached:
        start = _first_of_next_month(reached)
        details["pension_start"] = start
        return _result("jp_old_age", reached, t, amounts={"monthly": 0}, total=0,
                       eligible=False, details=details,
                       reasons=[f"retirement age {age} is reached on {reached.isoformat()}, "
                                f"after the claim date {claim_date.isoformat()}"])
    stop = reached
    if claim_date is not None and claim_date > reached:
        max_years: int = t.use("pension start", "jp.deferral.max_years", reached)
        stop = min(claim_date, add_years(reached, max_years))
    start = _first_of_next_month(stop)
    details["pension_start"] = start
    needed: int = t.use("pension", "jp.min_contribution_months", start)
    if contribution_months < needed:
        return _result("jp_old_age", start, t, amounts={"monthly": 0}, total=0, eligible=False,
                       details=details,
                       reasons=[f"{contribution_months} months of contributions is fewer than "
                                f"the {needed} a monthly pension needs: a lump sum of the "
                                "contributions plus returns is paid from the BPJS account "
                                "(amount not computable here)"])
    rate: Decimal = t.use("monthly", "jp.accrual_rate", start)
    low: int = t.use("monthly", "jp.benefit.min", start)
    high: int = t.use("monthly", "jp.benefit.max", start)
    # MP = wage × months × rate / 12, computed exactly and rounded once.
    formula = divide_half_up(average_monthly_wage * contribution_months * rate_units(rate),
                             12 * RATE_SCALE)
    monthly = min(max(formula, low), high)
    details["formula_amount"] = formula
    reasons = []
    if monthly != formula:
        bound = "minimum" if formula < low else "maximum"
        reasons.append(f"the formula gives {_rp(formula)}; the {bound} {_rp(monthly)} applies")
    return _result("jp_old_age", start, t, amounts={"monthly": monthly}, total=monthly,
                   eligible=True, reasons=reasons, details=details)


def _first_of_next_month(day: date) -> date:
    return add_months(day.replace(day=1), 1)


# --- JHT ----------------------------------------------------------------------------------------


def jht(*, event: JhtEvent, event_date: date, birth_date: date | None = None,
        membership_months: int = 0, balance: int | None = None,
        claim_date: date | None = None) -> BenefitResult:
    """JHT claim: whether and from when the balance (or part of it) may be paid.

    PP 46/2015 jo. PP 60/2015; Permenaker 4/2022: the whole balance at age 56 (``retirement``),
    on total permanent disability, on death, one month after resignation or dismissal, or on
    leaving Indonesia for good; while still a participant, after 10 years of membership, up to
    10% (``partial_10``) or up to 30% for housing (``partial_30``), once. The amount is the
    ``balance`` BPJS reports; there is no fixed return rate to compute it.
    """
    if event not in get_args(JhtEvent):
        raise ValueError(f"event must be one of {', '.join(get_args(JhtEvent))}, got {event!r}")
    event_date = _check_date("event_date", event_date)
    membership_months = _check_count("membership_months", membership_months)
    if balance is not None:
        balance = _check_count("balance", balance)
    if claim_date is not None:
        claim_date = _check_date("claim_date", claim_date)
    t = Tracer(load_parameters())
    eligible = True
    reasons: list[str] = []
    share = Decimal(1)
    details: dict[str, Any] = {}
    if event == "retirement":
        if birth_date is None:
            raise ValueError("a retirement claim needs birth_date")
        birth_date = _check_date("birth_date", birth_date)
        claim_age: int = t.use("claim age", "jht.claim_age", event_date)
        earliest = add_years(birth_date, claim_age)
        details["claim_age"] = claim_age
        if event_date < earliest:
            eligible = False
            reasons.append(f"the JHT claim age {claim_age} is reached on {earliest.isoformat()}")
    elif event in ("resignation", "dismissal"):
        wait: int = t.use("waiting period", "jht.stop_work.waiting_months", event_date)
        earliest = add_months(event_date, wait)
        details["waiting_months"] = wait
    elif event in ("partial_10", "partial_30"):
        needed: int = t.use("minimum membership", "jht.partial.min_membership_months",
                            event_date)
        name = "jht.partial.retirement_share" if event == "partial_10" \
            else "jht.partial.housing_share"
        share = t.use("payout", name, event_date)
        earliest = event_date
        details.update(max_share=str(share), once_only=True,
                       purpose="retirement preparation" if event == "partial_10" else "housing")
        if membership_months < needed:
            eligible = False
            reasons.append(f"{membership_months} months of membership; a partial claim needs "
                           f"{needed}")
    else:  # disability, death, leave_country: payable from the event itself
        earliest = event_date
    details["earliest_claim_date"] = earliest
    if eligible and claim_date is not None and claim_date < earliest:
        eligible = False
        reasons.append(f"claimed on {claim_date.isoformat()}, before the earliest claim date "
                       f"{earliest.isoformat()}")
    amounts: dict[str, int | list[int]] = {}
    if balance is not None:
        amounts["payout"] = rupiah(balance, rate_units(share)) if eligible else 0
    total = amounts.get("payout", 0)
    assert isinstance(total, int)
    return _result("jht", event_date, t, amounts=amounts, total=total, eligible=eligible,
                   reasons=reasons, details=details)


# --- JKP ----------------------------------------------------------------------------------------


def jkp(*, dismissal_date: date, wage: int, contribution_months: int,
        paid_months_last_24: int | None = None, consecutive_months: int | None = None,
        reason: str = "dismissal", claim_number: int = 1, claim_date: date | None = None,
        age_at_registration: int | None = None) -> BenefitResult:
    """JKP job-loss cash benefit: monthly shares of the capped last wage.

    PP 37/2021 (45% × 3 months then 25% × 3 months; claim within 3 months) as amended by PP
    6/2025 from 7 Feb 2025 (60% × 6 months; claim within 6 months); wage capped at Rp5.000.000
    (Pasal 21). Eligibility: 12 paid months in the last 24 with 6 consecutive; 5 years for a second
    or third claim; under 54 when registered; no JKP after resignation, the end of a fixed-term
    contract (PKWT), retirement, death or total disability. When only ``contribution_months`` is
    given, they are taken as consecutive months up to the dismissal.
    """
    dismissal_date = _check_date("dismissal_date", dismissal_date)
    wage = _check_wage(wage)
    contribution_months = _check_count("contribution_months", contribution_months)
    if paid_months_last_24 is not None:
        paid_months_last_24 = _check_count("paid_months_last_24", paid_months_last_24)
    consecutive = contribution_months if consecutive_months is None \
        else _check_count("consecutive_months", consecutive_months)
    claim_number = _check_count("claim_number", claim_number, 1)
    if claim_date is not None:
        claim_date = _check_date("claim_date", claim_date)
    if age_at_registration is not None:
        age_at_registration = _check_count("age_at_registration", age_at_registration)
    t = Tracer(load_parameters())
    d = dismissal_date
    first_payable = t.use_or_none("eligibility", "jkp.benefit.first_payable_date", d)
    if first_payable is None:
        return _result("jkp", d, t, amounts={"monthly": []}, total=0, eligible=False,
                       reasons=["JKP did not exist yet: it began with PP 37/2021 (2 Feb 2021)"])
    excluded: tuple[str, ...] = t.use("eligibility", "jkp.eligibility.excluded_reasons", d)
    if reason != "dismissal" and reason not in excluded:
        raise ValueError(f"reason must be 'dismissal' or one of {', '.join(excluded)}, "
                         f"got {reason!r}")
    window: int = t.use("eligibility", "jkp.eligibility.window_months", d)
    paid = min(contribution_months, window) if paid_months_last_24 is None \
        else paid_months_last_24
    if paid > min(window, contribution_months):
        raise ValueError(f"paid_months_last_24 ({paid}) cannot exceed contribution_months "
                         f"({contribution_months}) or the {window}-month window")
    if consecutive > contribution_months:
        raise ValueError(f"consecutive_months ({consecutive}) cannot exceed contribution_months "
                         f"({contribution_months})")
    reasons: list[str] = []
    if d < first_payable:
        reasons.append(f"JKP benefits are paid for dismissals from {first_payable.isoformat()}")
    if reason in excluded:
        reasons.append(f"no JKP when the job ends by {reason.replace('_', ' ')}")
    min_paid: int = t.use("eligibility", "jkp.eligibility.min_paid_months", d)
    min_consecutive: int = t.use("eligibility", "jkp.eligibility.min_consecutive_months", d)
    if paid < min_paid:
        reasons.append(f"{paid} paid months in the last {window}; at least {min_paid} needed")
    if consecutive < min_consecutive:
        reasons.append(f"{consecutive} consecutive paid months; at least {min_consecutive} "
                       "needed")
    if claim_number > 1:
        max_claims: int = t.use("eligibility", "jkp.eligibility.max_claims", d)
        repeat: int = t.use("eligibility", "jkp.eligibility.repeat_claim_min_months", d)
        if claim_number > max_claims:
            reasons.append(f"claim number {claim_number}: at most {max_claims} claims")
        elif contribution_months < repeat:
            reasons.append(f"claim number {claim_number} needs {repeat} contribution months; "
                           f"{contribution_months} paid")
    if age_at_registration is not None:
        max_age: int = t.use("eligibility", "jkp.eligibility.max_age_at_registration", d)
        if age_at_registration >= max_age:
            reasons.append(f"registered at age {age_at_registration}; JKP needs registration "
                           f"before {max_age}")
    deadline_months: int = t.use("claim deadline", "jkp.benefit.claim_deadline_months", d)
    deadline = add_months(d, deadline_months)
    if claim_date is not None and claim_date > deadline:
        reasons.append(f"claimed on {claim_date.isoformat()}, after the deadline "
                       f"{deadline.isoformat()} ({deadline_months} months after dismissal)")
    details: dict[str, Any] = {"claim_deadline": deadline, "paid_months_last_24": paid,
                               "consecutive_months": consecutive}
    if reasons:
        return _result("jkp", d, t, amounts={"monthly": []}, total=0, eligible=False,
                       reasons=reasons, details=details)
    cap: int = t.use("monthly", "jkp.benefit.wage_cap", d)
    schedule = t.use("monthly", "jkp.benefit.schedule", d)
    base = min(wage, cap)
    details["wage_used"] = base
    monthly = _by_schedule(base, schedule, None)
    return _result("jkp", d, t, amounts={"monthly": monthly}, total=sum(monthly), eligible=True,
                   details=details)


# --- heirs --------------------------------------------------------------------------------------

_GROUP_ATTR = {"spouse": "spouses", "child": "children", "parent": "parents",
               "grandchild": "grandchildren", "grandparent": "grandparents",
               "sibling": "siblings", "parent_in_law": "parents_in_law",
               "will_beneficiary": "will_beneficiary"}


def heirs(*, family: Family | Mapping[str, Any], programme: HeirProgramme,
          death_date: date) -> BenefitResult:
    """Who receives the benefits of a participant who died on ``death_date``.

    JKM and JHT (star.grid.id citing BPJS; PP 44/2015, PP 46/2015; article UNCONFIRMED): widow,
    widower or children; then parents, grandchildren, grandparents; siblings; parents-in-law; the
    person named in a will. With none, JKM funeral cost goes to whoever arranged the burial and the
    rest to the Dana Jaminan Sosial (one source says the Balai Harta Peninggalan), JHT to the Balai
    Harta Peninggalan. JKK death is assumed to follow JKM (UNCONFIRMED). JP (PP 45/2015): widow or
    widower; then children under 23, unmarried and not working; then parents.
    """
    if programme not in get_args(HeirProgramme):
        raise ValueError(f"programme must be one of {', '.join(get_args(HeirProgramme))}, "
                         f"got {programme!r}")
    death_date = _check_date("death_date", death_date)
    fam = _family(family)
    t = Tracer(load_parameters())
    order: tuple[tuple[str, ...], ...] = t.use("heirs", f"heirs.order.{programme}", death_date)
    child_age = None
    if programme == "jp":
        child_age = t.use("heirs", "jp.child.max_age", death_date)
    details: dict[str, Any] = {"programme": programme}
    left_out = []
    for group in order:
        people: list[dict[str, Any]] = []
        for relation in group:
            found = getattr(fam, _GROUP_ATTR[relation])
            members = [] if found is None else found if isinstance(found, list) else [found]
            for person in members:
                if (child_age is not None and isinstance(person, ChildPerson)
                        and (person.age >= child_age or person.married or person.working)):
                    left_out.append(f"{person.name}: a JP child pension needs age under "
                                    f"{child_age}, unmarried, not working")
                    continue
                people.append({"relation": relation, "name": person.name})
        if people:
            details.update(group="+".join(group), recipients=people, residual=None)
            break
    else:
        details.update(group=None, recipients=[])
        if programme in ("jkm", "jkk"):
            details["residual"] = {
                "funeral": t.use("residual", f"heirs.residual.{programme}.funeral", death_date),
                "cash": t.use("residual", f"heirs.residual.{programme}.cash", death_date),
            }
        elif programme == "jht":
            details["residual"] = {"balance": t.use("residual", "heirs.residual.jht",
                                                    death_date)}
        else:
            details["residual"] = None
            t.note("no JP survivor: the sources name no one else for the JP pension")
    reasons = left_out
    return _result(f"heirs_{programme}", death_date, t, amounts={}, total=0,
                   eligible=bool(details["recipients"]), reasons=reasons, details=details)
