"""The scholarship (beasiswa) for the children of a participant who died or is totally disabled.

PP 44/2015 as amended by PP 82/2019: a flat amount per child before 2 December 2019; from then,
an amount per year of each school level, for at most two children and a cap in all, ending at the
age in ``scholarship.max_child_age``. It follows JKM (after a minimum contribution period) and
JKK death or total disability (no minimum).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date
from typing import Any, Literal

from lindung.rules.benefits.base import BenefitError, BenefitResult, check_count
from lindung.rules.trace import Tracer


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
class SchoolLevel:
    """One school level of the scholarship: the amount per year and for how many years."""

    level: str
    per_year: int
    max_years: int

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level, "per_year": self.per_year, "max_years": self.max_years}


@dataclass(frozen=True)
class ChildScholarship:
    """What one child may still receive, and whether the child takes one of the places."""

    level: str | None
    year_in_level: int
    age: int | None
    entitlement: int
    counted: bool
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"level": self.level, "year_in_level": self.year_in_level,
                               "age": self.age, "entitlement": self.entitlement,
                               "counted": self.counted}
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True)
class Scholarship:
    """The scholarship of a benefit: who qualifies, the limits, and each child's entitlement."""

    eligible: bool
    min_contribution_months: int
    max_children: int
    cap: int
    per_child: tuple[ChildScholarship, ...]
    levels: tuple[SchoolLevel, ...]
    """The amounts per level (none before PP 82/2019: a flat amount per child)."""
    reason: str | None = None
    """Why the participant does not qualify."""

    @property
    def total(self) -> int:
        """The children counted, together, up to the cap."""
        return min(self.cap, sum(c.entitlement for c in self.per_child if c.counted))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "eligible": self.eligible,
            "min_contribution_months": self.min_contribution_months,
            "max_children": self.max_children,
            "cap": self.cap,
            "per_child": [c.to_dict() for c in self.per_child],
            "total": self.total,
            "levels": [level.to_dict() for level in self.levels],
        }
        if self.reason is not None:
            out["reason"] = self.reason
        return out


@dataclass(frozen=True, kw_only=True)
class CashAndScholarship(BenefitResult):
    """A benefit after death or total disability: cash lines (``amounts``) and the scholarship."""

    scholarship: Scholarship

    @property
    def cash_total(self) -> int:
        return sum(amount for amount in self.amounts.values() if isinstance(amount, int))

    @property
    def total(self) -> int:
        """The cash plus the largest scholarship the children given may still receive."""
        return self.cash_total + self.scholarship.total

    def _scholarship(self) -> Scholarship:
        return self.scholarship


def children_of(raw: Sequence[Child | Mapping[str, Any]] | None) -> list[Child] | None:
    """The children given as :class:`Child` or mappings of its fields; None when not given."""
    if raw is None:
        return None
    out = []
    for i, item in enumerate(raw):
        if isinstance(item, Child):
            out.append(item)
        elif isinstance(item, Mapping):
            unknown = set(item) - {f.name for f in fields(Child)}
            if unknown:
                raise BenefitError(f"child {i + 1}: unknown field(s) {sorted(unknown)}; "
                                   "expected level, year_in_level, age", field="children")
            out.append(Child(**item))
        else:
            raise BenefitError(f"child {i + 1} must be a Child or a mapping, got {item!r}",
                               field="children")
    return out


def scholarship(tracer: Tracer, on: date, programme: Literal["jkm", "jkk"],
                contribution_months: int | None, children: list[Child] | None,
                refused: str | None = None) -> Scholarship:
    """The scholarship after a ``programme`` benefit on ``on`` (PP 44/2015 as amended by PP
    82/2019). ``contribution_months`` None: no minimum period applies (JKK). ``refused``: why no
    scholarship is due whatever the period (the BPU first months, arrears with no benefit)."""
    t = tracer
    min_months: int = t.use("scholarship: minimum contribution period",
                            f"{programme}.scholarship.min_contribution_months", on)
    max_children: int = t.use("scholarship: number of children", "scholarship.max_children", on)
    cap: int = t.use("scholarship: cap for all children", "scholarship.cap_total", on)
    raw_levels = t.use_or_none("scholarship: amount per school level", "scholarship.levels", on)
    levels = tuple(SchoolLevel(lv["level"], lv["per_year"], lv["max_years"])
                   for lv in raw_levels or ())
    eligible = contribution_months is None or contribution_months >= min_months
    reason = None if eligible else (f"the participant paid {contribution_months} months; the "
                                    f"scholarship needs at least {min_months}")
    if refused is not None:
        eligible, reason = False, refused
    per_child: list[ChildScholarship] = []
    if children is not None:
        per_child = _per_child(t, on, children, eligible, max_children, levels,
                               flat=raw_levels is None, refused=refused)
    return Scholarship(eligible=eligible, min_contribution_months=min_months,
                       max_children=max_children, cap=cap, per_child=tuple(per_child),
                       levels=levels, reason=reason)


def _per_child(t: Tracer, on: date, children: list[Child], eligible: bool, max_children: int,
               levels: tuple[SchoolLevel, ...], *, flat: bool,
               refused: str | None = None) -> list[ChildScholarship]:
    flat_amount: int = 0
    max_age: int | None = None
    if flat:
        flat_amount = t.use("scholarship: amount per child", "scholarship.flat_per_child", on)
    elif any(child.age is not None for child in children):
        max_age = t.use("scholarship: age at which it ends", "scholarship.max_child_age", on)
    codes = [level.level for level in levels]

    counted = 0
    out = []
    for i, child in enumerate(children):
        if child.level is not None and not flat and child.level not in codes:
            raise BenefitError(f"child {i + 1}: unknown school level {child.level!r}; "
                               f"expected one of {', '.join(codes)} or none", field="children")
        if child.age is not None:
            check_count(f"child {i + 1} age", child.age)
        entitlement: int = 0
        note = None
        if not eligible:
            note = refused or "the participant's contribution period is too short"
        elif flat:
            if child.level is None:
                note = "not at school"
            else:
                entitlement = flat_amount
        elif max_age is not None and child.age is not None and child.age >= max_age:
            note = f"aged {child.age}: the scholarship ends at {max_age}"
        else:
            start = 0 if child.level is None else codes.index(child.level)
            level = levels[start]
            year = check_count(f"child {i + 1} year_in_level", child.year_in_level, 1)
            if year > level.max_years:
                raise BenefitError(f"child {i + 1}: year_in_level {year} is beyond the "
                                   f"{level.max_years} years of {level.level}",
                                   field="children")
            remaining_years = level.max_years - year + 1 if child.level is not None \
                else level.max_years
            entitlement = remaining_years * level.per_year + sum(
                later.per_year * later.max_years for later in levels[start + 1:])
            if child.level is None:
                note = "not yet at school: paid from when the child starts school"
        # Only the first children with an entitlement count: a child who cannot receive
        # (aged out, not at school) does not use up one of the places.
        is_counted = entitlement > 0 and counted < max_children
        if entitlement > 0 and not is_counted:
            note = f"only {max_children} child(ren) may receive the scholarship"
        counted += is_counted
        out.append(ChildScholarship(child.level, child.year_in_level, child.age, entitlement,
                                    is_counted, note))
    return out
