"""Reading memberships and workers within a principal's scope: how much of a quota is used,
who is covered on a day, who is already enrolled elsewhere, finding a worker and their page.

A worker is visible only through a membership the principal may see (agreement scope and member
scope: agency, village); outside scope a worker is *not found*, never *forbidden*, so asking
cannot tell anyone whether a person is registered elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

import polars as pl
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    and_,
    any_,
    bindparam,
    exists,
    false,
    func,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session, aliased

from lindung import clock
from lindung.agreements.models import Agreement, FundingSource
from lindung.enrollment.models import (
    MEMBERSHIP_STATUSES,
    OPEN_STATUSES,
    Membership,
    MembershipEvent,
    MembershipOverride,
)
from lindung.errors import InvalidInput, NotFound
from lindung.paging import Page, paginate
from lindung.principal import Principal
from lindung.registry.models import Occupation, Worker, occupation_in_reach
from lindung.registry.nik import mask_nik
from lindung.registry.normalize import to_name_key
from lindung.registry.regions import region_name

CHUNK = 20_000
MIN_NAME_LETTERS = 2
"""Fewer letters or digits than this would list much of the registry, one page at a time."""

NAME_QUERY_REGEX = r"^[^0-9]*([0-9]{1,7}[^0-9]+)*[0-9]{0,7}$"
"""A name search may not hold eight digits in a row: that is (part of) a NIK, and a name
search travels in the page's address. The page's input and the API state the same rule."""

NIK_IN_NAME_SEARCH = ("pencarian nama tidak menerima NIK atau potongan NIK; gunakan formulir "
                      "Cari menurut NIK (NIK tidak boleh tampil di alamat halaman)")


def chunks(values: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def in_scope(principal: Principal) -> ColumnElement[bool]:
    """Memberships the principal may see (a query joining Membership, Agreement and Worker)."""
    return and_(principal.agreement_filter(Agreement),
                principal.membership_filter(Membership, Worker))


# --- quota: the one count of members that use it ---------------------------------------------


def members_by_status(session: Session, agreement_ids: list[int]
                      ) -> dict[int, dict[str, int]]:
    """Memberships per agreement and status."""
    counts: dict[int, dict[str, int]] = {}
    if agreement_ids:
        for agreement_id, status, n in session.execute(
                select(Membership.agreement_id, Membership.status, func.count())
                .where(Membership.agreement_id.in_(agreement_ids))
                .group_by(Membership.agreement_id, Membership.status)):
            counts.setdefault(agreement_id, {})[status] = int(n)
    return counts


def used_quota(session: Session, agreement_ids: list[int]) -> dict[int, int]:
    """Open memberships (proposed, submitted, active) per agreement: the quota in use."""
    return {agreement_id: sum(n for s, n in statuses.items() if s in OPEN_STATUSES)
            for agreement_id, statuses in members_by_status(session, agreement_ids).items()}


def open_members(session: Session, agreement: Agreement, phase_number: int | None = None, *,
                 on: date | None = None) -> int:
    """Memberships that use the agreement's quota (of one phase when ``phase_number``); with
    ``on``, only those not ended before that day (the members an amendment from ``on`` keeps)."""
    query = select(func.count()).select_from(Membership).where(
        Membership.agreement_id == agreement.id, Membership.status.in_(OPEN_STATUSES))
    if phase_number is not None:
        query = query.where(Membership.phase_number == phase_number)
    if on is not None:
        query = query.where(or_(Membership.end_date.is_(None), Membership.end_date >= on))
    return int(session.scalar(query) or 0)


def quota_usage(session: Session, agreement: Agreement, quota: int) -> dict[str, Any]:
    """How much of ``quota`` (the terms in force) and of each phase's is used, by status."""
    rows = session.execute(
        select(Membership.status, Membership.phase_number, func.count())
        .where(Membership.agreement_id == agreement.id)
        .group_by(Membership.status, Membership.phase_number)).all()
    by_status: dict[str, int] = {}
    by_phase: dict[int, int] = {}
    for status, phase, count in rows:
        by_status[status] = by_status.get(status, 0) + count
        if phase is not None and status in OPEN_STATUSES:
            by_phase[phase] = by_phase.get(phase, 0) + count
    used = sum(n for s, n in by_status.items() if s in OPEN_STATUSES)
    spans = session.execute(
        select(Membership.start_date, Membership.end_date, func.count())
        .where(Membership.agreement_id == agreement.id, Membership.status.in_(OPEN_STATUSES))
        .group_by(Membership.start_date, Membership.end_date)).all()
    return {"quota": quota, "used": used, "by_status": by_status,
            "spans": [(start, end, int(count)) for start, end, count in spans],
            "phases": [{"number": p.number, "start_date": p.start_date.isoformat(),
                        "quota": p.quota, "used": by_phase.get(p.number, 0)}
                       for p in agreement.phases]}


# --- who is enrolled where ---------------------------------------------------------------------


def open_memberships_of(session: Session, worker_ids: list[int]) -> pl.DataFrame:
    """Every open membership of these workers, under any agreement: worker, membership,
    agreement and its code, funding source, programmes. The one answer to "already enrolled
    elsewhere?" (the import and the counter both ask it)."""
    found: list[tuple[Any, ...]] = []
    postgres = session.get_bind().dialect.name == "postgresql"
    for chunk in chunks(worker_ids):
        where = (Membership.worker_id == any_(bindparam("ids", list(chunk),
                                                        type_=ARRAY(BigInteger)))
                 if postgres else Membership.worker_id.in_(chunk))
        found.extend(tuple(r) for r in session.execute(
            select(Membership.worker_id, Membership.id, Membership.agreement_id, Agreement.code,
                   Membership.funding_source_code, Membership.programs, Membership.status,
                   Membership.end_date)
            .join(Agreement, Agreement.id == Membership.agreement_id)
            .where(where, Membership.status.in_(OPEN_STATUSES))))
    return pl.DataFrame(found, schema={"worker_id": pl.Int64, "membership_id": pl.Int64,
                                       "agreement_id": pl.Int64, "agreement_code": pl.String,
                                       "funding": pl.String, "member_programs": pl.String,
                                       "member_status": pl.String, "member_end": pl.Date},
                        orient="row")


def visible_memberships(session: Session, principal: Principal,
                        membership_ids: list[int]) -> set[int]:
    """Those of ``membership_ids`` the principal may see."""
    found: set[int] = set()
    for chunk in chunks(membership_ids):
        found.update(session.scalars(
            select(Membership.id).join(Agreement, Agreement.id == Membership.agreement_id)
            .join(Worker, Worker.id == Membership.worker_id)
            .where(Membership.id.in_(chunk), in_scope(principal))))
    return found


def visible_workers(session: Session, principal: Principal, worker_ids: list[int]) -> set[int]:
    """Those of ``worker_ids`` with at least one membership the principal may see."""
    found: set[int] = set()
    for chunk in chunks(worker_ids):
        found.update(session.scalars(
            select(Membership.worker_id).distinct()
            .join(Agreement, Agreement.id == Membership.agreement_id)
            .join(Worker, Worker.id == Membership.worker_id)
            .where(Membership.worker_id.in_(chunk), in_scope(principal))))
    return found


def member_terms_on(session: Session, membership: Membership,
                    day: date) -> tuple[int | None, int | None]:
    """A member's own (declared income, wage) on ``day``: each as the last override from on or
    before that day that set it, else as enrolled."""
    return _own_on(membership, own_terms_of(session, [membership.id])[membership.id], day)


def own_terms_of(session: Session, ids: list[int]) -> dict[int, list[OwnTermsStep]]:
    """The dated overrides of each membership, oldest first."""
    own: dict[int, list[OwnTermsStep]] = {i: [] for i in ids}
    for o in session.scalars(select(MembershipOverride)
                             .where(MembershipOverride.membership_id.in_(ids))
                             .order_by(MembershipOverride.valid_from, MembershipOverride.id)):
        own[o.membership_id].append(OwnTermsStep(valid_from=o.valid_from,
                                                 declared_income=o.declared_income,
                                                 wage=o.wage, reason=o.reason, actor=o.actor))
    return own


def _own_on(membership: Membership, steps: list[OwnTermsStep],
            day: date) -> tuple[int | None, int | None]:
    income, wage = membership.declared_income, membership.wage
    for step in steps:
        if step.valid_from <= day:
            income = step.declared_income if step.declared_income is not None else income
            wage = step.wage if step.wage is not None else wage
    return income, wage


def covering_memberships(session: Session, nik: str, day: date) -> list[Membership]:
    """The memberships that cover the person with this NIK on ``day``
    (:meth:`Membership.covered_on`)."""
    return list(session.scalars(
        select(Membership).join(Worker, Worker.id == Membership.worker_id)
        .where(Worker.nik == nik, Membership.covering(day))))


# --- workers -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkerSummary:
    """A person as a list shows them: the NIK masked."""

    id: int
    name: str
    nik_masked: str
    birth_date: date | None
    sex: str | None
    village_code: str | None
    village_name: str | None


@dataclass(frozen=True)
class MembershipStep:
    at: datetime
    from_status: str | None
    to_status: str
    reason: str | None
    actor: str


@dataclass(frozen=True)
class OwnTermsStep:
    """A member's own income or wage from a day on (:class:`MembershipOverride`)."""

    valid_from: date
    declared_income: int | None
    wage: int | None
    reason: str
    actor: str


@dataclass(frozen=True)
class MembershipView:
    id: int
    agreement_code: str
    agreement_title: str | None
    programs: list[str]
    status: str
    kpj: str | None
    start_date: date
    end_date: date | None
    end_reason: str | None
    status_reason: str | None
    funding_source_code: str
    funding_source_name: str | None
    agency: str | None
    occupation_code: str | None
    history: list[MembershipStep]
    declared_income: int | None = None
    """The member's declared income (BPU) in force today: the last override, else as enrolled."""
    wage: int | None = None
    own_terms: list[OwnTermsStep] = field(default_factory=list)


@dataclass(frozen=True)
class WorkerProfile:
    worker: WorkerSummary
    memberships: list[MembershipView]


def _utc(moment: datetime) -> datetime:
    """SQLite gives timestamps back without their zone; lindung stores UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def summary(worker: Worker) -> WorkerSummary:
    return WorkerSummary(id=worker.id, name=worker.name, nik_masked=mask_nik(worker.nik),
                         birth_date=worker.birth_date, sex=worker.sex,
                         village_code=worker.village_code,
                         village_name=region_name(worker.village_code)
                         if worker.village_code else None)


def visible(principal: Principal) -> ColumnElement[bool]:
    """The worker in the enclosing query has at least one membership in scope."""
    return exists(select(Membership.id).select_from(Membership)
                  .join(Agreement, Agreement.id == Membership.agreement_id)
                  .where(Membership.worker_id == Worker.id, in_scope(principal)))


def search_workers(session: Session, principal: Principal, name: str, *, page: int = 1,
                   per_page: int = 25) -> Page[WorkerSummary]:
    """Workers in scope any of whose names starts with the words typed (titles ignored)."""
    principal.require("workers.read")
    if re.search(r"[0-9]{8}", name):
        raise InvalidInput(NIK_IN_NAME_SEARCH, "name")
    key = to_name_key(name[:150])
    # Fewer than 2 letters (or only titles, "Hj., S.Pd.") would scan everyone: nothing matches.
    if not key or sum(c.isalnum() for c in key) < MIN_NAME_LETTERS:
        return Page([], page, per_page, 0)
    matches = or_(Worker.name_key.startswith(key, autoescape=True),
                  Worker.name_key.contains(" " + key, autoescape=True))
    found = paginate(session, select(Worker).where(matches, visible(principal))
                     .order_by(Worker.name_key, Worker.id), page, per_page)
    return Page([summary(w) for w in found.items], found.page, found.per_page, found.total)


def worker_memberships(session: Session, principal: Principal,
                       worker_id: int) -> list[MembershipView]:
    """The worker's memberships in scope, with their history; NotFound when there are none."""
    principal.require("workers.read")
    rows = session.execute(
        select(Membership, Agreement.code, Agreement.title, FundingSource.name)
        .select_from(Membership)
        .join(Agreement, Agreement.id == Membership.agreement_id)
        .join(Worker, Worker.id == Membership.worker_id)
        .outerjoin(FundingSource, FundingSource.code == Membership.funding_source_code)
        .where(Membership.worker_id == worker_id, in_scope(principal))
        .order_by(Membership.start_date, Membership.id)).all()
    if not rows:
        raise NotFound(f"pekerja {worker_id} tidak ditemukan")
    ids = [membership.id for membership, *_ in rows]
    history: dict[int, list[MembershipStep]] = {i: [] for i in ids}
    for event in session.scalars(select(MembershipEvent)
                                 .where(MembershipEvent.membership_id.in_(ids))
                                 .order_by(MembershipEvent.at, MembershipEvent.id)):
        history[event.membership_id].append(MembershipStep(
            at=_utc(event.at), from_status=event.from_status, to_status=event.to_status,
            reason=event.reason, actor=event.actor))
    own = own_terms_of(session, ids)
    today = clock.today()
    return [MembershipView(
        id=m.id, agreement_code=code, agreement_title=title, programs=m.program_list,
        status=m.status, kpj=m.kpj, start_date=m.start_date, end_date=m.end_date,
        end_reason=m.end_reason, status_reason=m.status_reason,
        funding_source_code=m.funding_source_code, funding_source_name=funding,
        agency=m.agency, occupation_code=m.occupation_code, history=history[m.id],
        declared_income=_own_on(m, own[m.id], today)[0], wage=_own_on(m, own[m.id], today)[1],
        own_terms=own[m.id])
        for m, code, title, funding in rows]



def worker_profile(session: Session, principal: Principal, worker_id: int) -> WorkerProfile:
    """A worker in scope with the memberships the principal may see; NotFound otherwise. The
    one profile of a person: pages, the API and ``lindung workers show`` read it."""
    memberships = worker_memberships(session, principal, worker_id)
    worker = session.get(Worker, worker_id)
    assert worker is not None  # a membership in scope has its worker
    return WorkerProfile(worker=summary(worker), memberships=memberships)


def scoped_agreements(session: Session, principal: Principal,
                      permission: str) -> list[Agreement]:
    """Agreements in the principal's scope, for those who hold ``permission`` (importing,
    exchanging), newest first."""
    principal.require(permission)
    return list(session.scalars(select(Agreement).where(principal.agreement_filter(Agreement))
                                .order_by(Agreement.created_at.desc(), Agreement.code)))


# --- the member list: filters, paging, export ----------------------------------------------------

MAX_EXPORT_ROWS = 100_000
"""An export holds at most this many members; a larger list is refused with a request to
narrow the filters (the workbook is built in memory)."""

MAX_FILTER_TEXT = 100
VILLAGE_REGEX = r"^([0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4})?$"
"""A village filter: a Kemendagri village code, or nothing (the API states the same rule)."""
CODE_FILTER_REGEX = r"^[a-z0-9_]{0,40}$"
"""An occupation or occupation-group filter: a code of the taxonomy, or nothing."""
VILLAGE_CODE = re.compile(VILLAGE_REGEX)
OCCUPATION_CODE = re.compile(CODE_FILTER_REGEX)


@dataclass(frozen=True)
class MemberFilter:
    """What the member list is narrowed to; every field optional ("" = any). Never a NIK: a
    filter travels in the page's address."""

    agreement: str = ""
    status: str = ""
    village: str = ""
    occupation: str = ""
    group: str = ""
    name: str = ""
    reason: str = ""

    def checked(self) -> MemberFilter:
        """The filter with its values cleaned and bounded; InvalidInput names the field."""
        values = {k: (v or "").strip()[:MAX_FILTER_TEXT] for k, v in vars(self).items()}
        if values["status"] and values["status"] not in MEMBERSHIP_STATUSES:
            raise InvalidInput("status harus salah satu dari: diusulkan, dikirim ke BPJS, aktif, "
                               "ditolak BPJS, berakhir", "status")
        if values["village"] and not VILLAGE_CODE.fullmatch(values["village"]):
            raise InvalidInput("kode desa/kelurahan seperti 18.72.01.1001", "village")
        for name in ("occupation", "group"):
            if values[name] and not OCCUPATION_CODE.fullmatch(values[name]):
                raise InvalidInput("pilih pekerjaan atau kelompok dari daftar", name)
        for name in ("name", "reason"):
            if re.search(r"[0-9]{8}", values[name]):
                raise InvalidInput(NIK_IN_NAME_SEARCH, name)
        return MemberFilter(**values)

    def as_params(self) -> dict[str, str]:
        """The filled fields, for a link to the same list."""
        return {k: v for k, v in vars(self).items() if v}


@dataclass(frozen=True)
class MemberRow:
    """One member as the list and its export show them: the newest membership of a worker
    under an agreement, the NIK masked."""

    membership_id: int
    worker_id: int
    name: str
    nik_masked: str
    village_code: str | None
    village_name: str | None
    agreement_code: str
    status: str
    status_reason: str | None
    end_reason: str | None
    kpj: str | None
    start_date: date
    end_date: date | None
    occupation_code: str | None
    occupation_name: str | None
    occupation_group: str | None
    agency: str | None


def newest_period() -> ColumnElement[bool]:
    """The membership in the enclosing query is the newest row of its worker and agreement
    (docs/decisions/0012: a member proposed again has one row per period)."""
    later = aliased(Membership)
    # "+ 0" keeps the planner on the worker's index (a person has one or two rows); through
    # the agreement's, SQLite walked every later member of the agreement for each row.
    return ~exists(select(later.id).where(later.worker_id == Membership.worker_id,
                                          later.agreement_id + 0 == Membership.agreement_id,
                                          later.id > Membership.id))


def _member_select(principal: Principal, wanted: MemberFilter, *,
                   with_nik: bool = False) -> Select[Any]:
    columns: list[Any] = [
        Membership.id, Worker.id, Worker.name, Worker.nik, Worker.village_code, Agreement.code,
        Membership.status, Membership.status_reason, Membership.end_reason, Membership.kpj,
        Membership.start_date, Membership.end_date, Membership.occupation_code,
        func.coalesce(Occupation.name, Membership.occupation_text), Occupation.group,
        Membership.agency]
    query = (select(*columns).select_from(Membership)
             .join(Agreement, Agreement.id == Membership.agreement_id)
             .join(Worker, Worker.id == Membership.worker_id)
             .outerjoin(Occupation, Occupation.code == Membership.occupation_code)
             .where(in_scope(principal), newest_period()))
    if wanted.agreement:
        query = query.where(Agreement.code == wanted.agreement)
    if wanted.status:
        query = query.where(Membership.status == wanted.status)
    if wanted.village:
        query = query.where(Worker.village_code == wanted.village)
    if wanted.occupation:
        query = query.where(Membership.occupation_code == wanted.occupation)
    if wanted.group:
        query = query.where(Occupation.group == wanted.group)
    if wanted.reason:
        query = query.where(Membership.status_reason.icontains(wanted.reason, autoescape=True))
    if wanted.name:
        key = to_name_key(wanted.name) or ""
        # Fewer than 2 letters (or only titles, "Hj.") would list everyone: nothing matches.
        query = query.where(or_(Worker.name_key.startswith(key, autoescape=True),
                                Worker.name_key.contains(" " + key, autoescape=True))
                            if sum(c.isalnum() for c in key) >= MIN_NAME_LETTERS else false())
    return query.order_by(Worker.name_key, Worker.id, Membership.id)


def _member_row(row: Any) -> MemberRow:
    (membership_id, worker_id, name, nik, village, agreement_code, status, reason, end_reason,
     kpj, start, end, occupation_code, occupation_name, occupation_group, agency) = row
    return MemberRow(membership_id=membership_id, worker_id=worker_id, name=name,
                     nik_masked=mask_nik(nik), village_code=village,
                     village_name=region_name(village) if village else None,
                     agreement_code=agreement_code, status=status, status_reason=reason,
                     end_reason=end_reason, kpj=kpj, start_date=start, end_date=end,
                     occupation_code=occupation_code, occupation_name=occupation_name,
                     occupation_group=occupation_group, agency=agency)


def list_members(session: Session, principal: Principal, wanted: MemberFilter, *,
                 page: int = 1, per_page: int = 25) -> Page[MemberRow]:
    """Members in the principal's scope (the newest period of each worker under each
    agreement) narrowed by ``wanted``, one page at a time, by name."""
    principal.require("workers.read")
    found = paginate(session, _member_select(principal, wanted.checked()), page, per_page)
    return Page([_member_row(r) for r in found.items], found.page, found.per_page, found.total)


def members_for_export(session: Session, principal: Principal,
                       wanted: MemberFilter) -> list[MemberRow]:
    """Every member of :func:`list_members` (all pages); refused above
    :data:`MAX_EXPORT_ROWS`."""
    principal.require("workers.read")
    query = _member_select(principal, wanted.checked())
    rows = list(session.execute(query.limit(MAX_EXPORT_ROWS + 1)))
    if len(rows) > MAX_EXPORT_ROWS:
        raise InvalidInput(f"lebih dari {MAX_EXPORT_ROWS:,} peserta".replace(",", ".")
                           + "; persempit saringan (PKS, status, desa) lalu unduh lagi",
                           "agreement")
    return [_member_row(r) for r in rows]


def rejection_reasons(session: Session, principal: Principal, wanted: MemberFilter,
                      limit: int = 10) -> list[tuple[str, int]]:
    """The most frequent reasons BPJS gave for the rejected members of the list, with their
    counts: what to fix before proposing them again."""
    principal.require("workers.read")
    rejected = replace(wanted.checked(), status="rejected")
    listed = _member_select(principal, rejected).order_by(None).subquery()
    reason = listed.c.status_reason
    return [(str(r or "-"), int(n)) for r, n in session.execute(
        select(reason, func.count()).group_by(reason)
        .order_by(func.count().desc(), reason).limit(limit))]


@dataclass(frozen=True)
class FilterChoices:
    """What the list's filters offer: the principal's agreements, the villages of their
    members, the occupations in reach and their groups."""

    agreements: list[tuple[str, str | None]]
    villages: list[tuple[str, str]]
    occupations: list[tuple[str, str, str]]
    groups: list[str]


MAX_CHOICES = 1_000


def filter_choices(session: Session, principal: Principal) -> FilterChoices:
    principal.require("workers.read")
    agreements = [(code, title) for code, title in session.execute(
        select(Agreement.code, Agreement.title).where(principal.agreement_filter(Agreement))
        .order_by(Agreement.code).limit(MAX_CHOICES))]
    codes = session.scalars(
        select(Worker.village_code).distinct().select_from(Membership)
        .join(Agreement, Agreement.id == Membership.agreement_id)
        .join(Worker, Worker.id == Membership.worker_id)
        .where(in_scope(principal), Worker.village_code.is_not(None)).limit(MAX_CHOICES))
    villages = sorted(((c, region_name(c) or c) for c in codes if c), key=lambda v: v[1])
    reach = (occupation_in_reach(principal.pemda_id) if principal.kind != "system"
             else Occupation.code.is_not(None))
    occupations = [(code, name, group) for code, name, group in session.execute(
        select(Occupation.code, Occupation.name, Occupation.group).where(reach)
        .order_by(Occupation.name).limit(MAX_CHOICES))]
    return FilterChoices(agreements=agreements, villages=villages, occupations=occupations,
                         groups=sorted({g for _, _, g in occupations}))


@dataclass(frozen=True)
class WorkerContact:
    """What a correction may change of a person besides the occupation: as on file."""

    name: str
    address: str | None
    phone: str | None


def worker_contact(session: Session, principal: Principal, worker_id: int) -> WorkerContact:
    """Name, address and phone of a worker in scope; NotFound otherwise."""
    principal.require("workers.read")
    found = session.execute(select(Worker.name, Worker.address, Worker.phone)
                            .where(Worker.id == worker_id, visible(principal))).first()
    if found is None:
        raise NotFound(f"pekerja {worker_id} tidak ditemukan")
    return WorkerContact(name=found[0], address=found[1], phone=found[2])


def member_names(session: Session, principal: Principal, membership_ids: list[int]
                 ) -> dict[int, str]:
    """The names of the members of ``membership_ids`` the principal may see (to say whom a
    refusal is about; the others stay unnamed)."""
    principal.require("workers.read")
    found: dict[int, str] = {}
    for chunk in chunks(membership_ids):
        found.update((ident, name) for ident, name in session.execute(
            select(Membership.id, Worker.name).select_from(Membership)
            .join(Agreement, Agreement.id == Membership.agreement_id)
            .join(Worker, Worker.id == Membership.worker_id)
            .where(Membership.id.in_(chunk), in_scope(principal))))
    return found
