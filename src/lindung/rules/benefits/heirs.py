"""Heirs (ahli waris): who receives the benefits of a participant who died."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any, ClassVar, Literal, get_args

from lindung.rules.benefits.base import (
    BenefitError,
    BenefitResult,
    check_event_date,
    provenance,
    tracer_for,
)
from lindung.rules.params import ParameterSet

HeirProgramme = Literal["jkm", "jkk", "jht", "jp"]


# --- the family ---------------------------------------------------------------------------------


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


_GROUP_ATTR = {"spouse": "spouses", "child": "children", "parent": "parents",
               "grandchild": "grandchildren", "grandparent": "grandparents",
               "sibling": "siblings", "parent_in_law": "parents_in_law",
               "will_beneficiary": "will_beneficiary"}
"""The relation codes of ``heirs.order.*`` and the :class:`Family` field of each."""


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
            raise BenefitError(f"{what}: expected a name or {{name: ...}}, got {item!r}",
                               field="family")
    return out


def _child(item: Any) -> ChildPerson:
    if isinstance(item, ChildPerson):
        return item
    names = {f.name for f in fields(ChildPerson)}
    if isinstance(item, Mapping) and {"name", "age"} <= set(item) <= names:
        return ChildPerson(**item)
    raise BenefitError(f"children: expected {{name, age, married, working}}, got {item!r}",
                       field="family")


def family_of(raw: Family | Mapping[str, Any]) -> Family:
    """The family given as a :class:`Family` or a mapping of its fields (names as text)."""
    if isinstance(raw, Family):
        return raw
    if not isinstance(raw, Mapping):
        raise BenefitError(f"family must be a Family or a mapping, got {raw!r}", field="family")
    known = {f.name for f in fields(Family)}
    unknown = set(raw) - known
    if unknown:
        raise BenefitError(f"family: unknown field(s) {sorted(unknown)}; expected "
                           f"{sorted(known)}", field="family")
    will = raw.get("will_beneficiary")
    return Family(
        spouses=_people(raw.get("spouses"), "spouses"),
        children=[_child(item) for item in raw.get("children") or []],
        parents=_people(raw.get("parents"), "parents"),
        grandchildren=_people(raw.get("grandchildren"), "grandchildren"),
        grandparents=_people(raw.get("grandparents"), "grandparents"),
        siblings=_people(raw.get("siblings"), "siblings"),
        parents_in_law=_people(raw.get("parents_in_law"), "parents_in_law"),
        will_beneficiary=None if will is None else _people([will], "will_beneficiary")[0],
    )


# --- the result ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    relation: str
    name: str

    def to_dict(self) -> dict[str, Any]:
        return {"relation": self.relation, "name": self.name}


@dataclass(frozen=True)
class Residual:
    """Who receives when no heir is found: for JKM and JKK the funeral cost and the cash, for
    JHT the balance (codes such as ``balai_harta_peninggalan``)."""

    funeral: str | None = None
    cash: str | None = None
    balance: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in (("funeral", self.funeral), ("cash", self.cash),
                                  ("balance", self.balance)) if v is not None}


@dataclass(frozen=True, kw_only=True)
class HeirsResult(BenefitResult):
    """The group of heirs that receives a programme's benefit; ``eligible`` when anyone does."""

    kind: ClassVar[str] = "heirs"

    programme: HeirProgramme
    group: str | None
    """The relations of the receiving group joined by ``+`` (``spouse+child``); None: nobody."""
    recipients: tuple[Recipient, ...]
    residual: Residual | None = None
    """When nobody receives: where the money goes (None for JP: the sources name no one)."""

    @property
    def benefit(self) -> str:
        return f"{self.kind}_{self.programme}"

    @property
    def amounts(self) -> dict[str, int | list[int]]:
        return {}

    @property
    def total(self) -> int:
        return 0

    def _details(self) -> dict[str, Any]:
        return {"programme": self.programme, "group": self.group,
                "recipients": [r.to_dict() for r in self.recipients],
                "residual": None if self.residual is None else self.residual.to_dict()}


def heirs(*, family: Family | Mapping[str, Any], programme: HeirProgramme,
          death_date: date, params: ParameterSet | None = None) -> HeirsResult:
    """Who receives the benefits of a participant who died on ``death_date``.

    JKM and JKK (PP 44/2015 Art. 37(5), 40(2)): widow, widower or children; then ONE group of blood
    relatives in the direct line to the second degree (parents, grandchildren, grandparents);
    siblings; parents-in-law; the person named in a will. With none, the funeral cost goes to
    whoever arranged the burial and the cash to the Dana Jaminan Sosial. JHT (PP 46/2015, article
    UNCONFIRMED) keeps its own order from the parameters; with none, the Balai Harta Peninggalan.
    JP (PP 45/2015 Art. 14(1)): one widow or widower; then at most two children under 23,
    unmarried and not working (the first given); then one parent. The order and the limits are
    parameters (``heirs.order.*``, ``heirs.jp.max_*``).
    """
    if programme not in get_args(HeirProgramme):
        raise BenefitError(f"programme must be one of {', '.join(get_args(HeirProgramme))}, "
                           f"got {programme!r}", field="programme")
    death_date = check_event_date("death_date", death_date, params)
    fam = family_of(family)
    t = tracer_for(params)
    order: tuple[tuple[str, ...], ...] = t.use("heirs", f"heirs.order.{programme}", death_date)
    child_age = None
    limits: dict[str, int] = {}
    if programme == "jp":
        child_age = t.use("heirs", "jp.child.max_age", death_date)
        limits = {relation: t.use("heirs", f"heirs.jp.max_{attr}", death_date)
                  for relation, attr in (("spouse", "spouses"), ("child", "children"),
                                         ("parent", "parents"))}
    left_out = []
    for group in order:
        people: list[Recipient] = []
        for relation in group:
            found = getattr(fam, _GROUP_ATTR[relation])
            members = [] if found is None else found if isinstance(found, list) else [found]
            taken = 0
            for person in members:
                if (child_age is not None and isinstance(person, ChildPerson)
                        and (person.age >= child_age or person.married or person.working)):
                    left_out.append(f"{person.name}: a JP child pension needs age under "
                                    f"{child_age}, unmarried, not working")
                    continue
                if relation in limits and taken >= limits[relation]:
                    left_out.append(f"{person.name}: the JP pension goes to at most "
                                    f"{limits[relation]} {relation} (PP 45/2015 Art. 14(1))")
                    continue
                taken += 1
                people.append(Recipient(relation, person.name))
        if people:
            return HeirsResult(event_date=death_date, eligible=True, reasons=tuple(left_out),
                               programme=programme, group="+".join(group),
                               recipients=tuple(people), **provenance(t))
    residual = None
    if programme in ("jkm", "jkk"):
        residual = Residual(
            funeral=t.use("residual", f"heirs.residual.{programme}.funeral", death_date),
            cash=t.use("residual", f"heirs.residual.{programme}.cash", death_date))
    elif programme == "jht":
        residual = Residual(balance=t.use("residual", "heirs.residual.jht", death_date))
    else:
        t.note("no JP survivor: the sources name no one else for the JP pension")
    return HeirsResult(event_date=death_date, eligible=False, reasons=tuple(left_out),
                       programme=programme, group=None, recipients=(), residual=residual,
                       **provenance(t))
