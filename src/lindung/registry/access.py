"""The registry as a principal may see it: workers within scope, and the reference data.

Every function takes the acting :class:`~lindung.accounts.permissions.Principal`, checks its
permission and narrows every query to its scope (``agreement_filter`` and ``membership_filter``):
a worker is visible only through a membership the principal may see, and only those memberships
are shown. A worker outside scope is *not found*, never *forbidden*, so that asking cannot tell
anyone whether a person is registered elsewhere.

A NIK arrives only as an argument here (from a request body, never a URL), and every lookup of a
person by NIK is written to the audit log with the NIK masked, found or not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.orm import Session

from lindung.accounts.permissions import Forbidden, Principal
from lindung.agreements.models import Agreement, FundingSource
from lindung.audit.service import record
from lindung.db import column_length
from lindung.enrollment.models import Membership, MembershipEvent
from lindung.errors import InvalidInput, NotFound
from lindung.paging import Page, paginate
from lindung.registry.models import Occupation, Region, Worker, occupation_in_reach
from lindung.registry.nik import check_nik, mask_nik
from lindung.registry.normalize import to_name_key
from lindung.registry.regions import dotted_code, region_name
from lindung.registry.service import add_occupation
from lindung.text import clean_text, required_text

MIN_NAME_LETTERS = 2
"""Fewer letters or digits than this would list much of the registry, one page at a time."""

NIK_LIKE = re.compile(r"[0-9]{8}")
NAME_QUERY_REGEX = r"^[^0-9]*([0-9]{1,7}[^0-9]+)*[0-9]{0,7}$"
"""The same rule as a whole-value pattern (the API's description, the page's input)."""
"""Eight digits in a row in a name search are (part of) a NIK: the name search, whose words
travel in the page's address, refuses them and points to the NIK form."""

NIK_IN_NAME_SEARCH = ("pencarian nama tidak menerima NIK atau potongan NIK; gunakan formulir "
                      "Cari menurut NIK (NIK tidak boleh tampil di alamat halaman)")


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


@dataclass(frozen=True)
class WorkerProfile:
    worker: WorkerSummary
    memberships: list[MembershipView]


def _utc(moment: datetime) -> datetime:
    """SQLite gives timestamps back without their zone; lindung stores UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _summary(worker: Worker) -> WorkerSummary:
    return WorkerSummary(id=worker.id, name=worker.name, nik_masked=mask_nik(worker.nik),
                         birth_date=worker.birth_date, sex=worker.sex,
                         village_code=worker.village_code,
                         village_name=region_name(worker.village_code)
                         if worker.village_code else None)


def _membership_scope(principal: Principal) -> ColumnElement[bool]:
    """Memberships the principal may see (in a query joining Membership, Agreement, Worker)."""
    return and_(principal.agreement_filter(Agreement),
                principal.membership_filter(Membership, Worker))


def _visible(principal: Principal) -> ColumnElement[bool]:
    """The worker in the enclosing query has at least one membership in scope."""
    return exists(select(Membership.id).select_from(Membership)
                  .join(Agreement, Agreement.id == Membership.agreement_id)
                  .where(Membership.worker_id == Worker.id, _membership_scope(principal)))


def search_workers(session: Session, principal: Principal, name: str, *, page: int = 1,
                   per_page: int = 25) -> Page[WorkerSummary]:
    """Workers in scope any of whose names starts with the words typed (titles ignored)."""
    principal.require("workers.read")
    if NIK_LIKE.search(name):
        raise InvalidInput(NIK_IN_NAME_SEARCH, "name")
    key = to_name_key(name[:150])
    # Fewer than 2 letters (or only titles, "Hj., S.Pd.") would scan everyone: nothing matches.
    if not key or sum(c.isalnum() for c in key) < MIN_NAME_LETTERS:
        return Page([], page, per_page, 0)
    matches = or_(Worker.name_key.startswith(key, autoescape=True),
                  Worker.name_key.contains(" " + key, autoescape=True))
    found = paginate(session, select(Worker).where(matches, _visible(principal))
                     .order_by(Worker.name_key, Worker.id), page, per_page)
    return Page([_summary(w) for w in found.items], found.page, found.per_page, found.total)


def lookup_worker(session: Session, principal: Principal, nik: str) -> WorkerSummary | None:
    """The worker with this NIK if the principal may see them, else None; always audited.

    Returns None rather than raising so that the audit event of a fruitless lookup is kept:
    the request's transaction is rolled back on errors.
    """
    principal.require("workers.read")
    check = check_nik(nik)
    if check.error or check.nik is None:
        raise InvalidInput(check.message or "NIK tidak valid", "nik")
    worker = session.scalar(select(Worker).where(Worker.nik == check.nik))
    visible = worker is not None and session.scalar(
        select(Worker.id).where(Worker.id == worker.id, _visible(principal))) is not None
    outcome = "found" if visible else "outside_scope" if worker is not None else "not_found"
    record(session, actor=principal.actor, action="worker.lookup", entity="worker",
           pemda_id=principal.pemda_id,
           entity_id=worker.id if worker is not None else None,
           detail={"nik": mask_nik(check.nik), "result": outcome})
    return _summary(worker) if visible and worker is not None else None


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
        .where(Membership.worker_id == worker_id, _membership_scope(principal))
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
    return [MembershipView(
        id=m.id, agreement_code=code, agreement_title=title, programs=m.program_list,
        status=m.status, kpj=m.kpj, start_date=m.start_date, end_date=m.end_date,
        end_reason=m.end_reason, status_reason=m.status_reason,
        funding_source_code=m.funding_source_code, funding_source_name=funding,
        agency=m.agency, occupation_code=m.occupation_code, history=history[m.id])
        for m, code, title, funding in rows]


def worker_profile(session: Session, principal: Principal, worker_id: int) -> WorkerProfile:
    """A worker in scope with the memberships the principal may see; NotFound otherwise."""
    memberships = worker_memberships(session, principal, worker_id)
    worker = session.get(Worker, worker_id)
    assert worker is not None  # a membership in scope has its worker
    return WorkerProfile(worker=_summary(worker), memberships=memberships)


# --- reference data ----------------------------------------------------------------------------

def list_occupations(session: Session, principal: Principal, *, group: str | None = None,
                     page: int = 1, per_page: int = 100) -> Page[Occupation]:
    """The central taxonomy and the principal's own Pemda's entries."""
    principal.require("reference.read")
    statement = (select(Occupation).where(occupation_in_reach(principal.pemda_id))
                 .order_by(Occupation.group, Occupation.code))
    if group:
        statement = statement.where(Occupation.group == group)
    return paginate(session, statement, page, per_page)


def create_occupation(session: Session, principal: Principal, *, code: str, name: str,
                      group: str, default_segment: str, risk_class: int | None = None,
                      aliases: list[str] | None = None) -> Occupation:
    """A Pemda's admin adds an occupation for their own Pemda's agreements and counters
    (audited by the registry service); the central taxonomy is the installation's, changed
    only at the server's command line."""
    principal.require("occupations.write")
    if principal.pemda_id is None:
        raise Forbidden("hanya admin Pemda yang dapat menambah pekerjaan untuk Pemda-nya")
    code, group = code.strip().lower(), group.strip().lower()
    name = required_text(name, label="nama pekerjaan", field="name",
                         max_length=column_length(Occupation, "name"))
    for field, label, value in (("code", "kode", code), ("group", "kelompok", group)):
        if not re.fullmatch(r"[a-z0-9_]{1,40}", value):
            raise InvalidInput(f"{label}: huruf kecil, angka dan garis bawah saja, paling "
                               "panjang 40 (contoh: sopir_angkot)", field)
    written = [clean_text(a, label="nama lain", field="aliases", max_length=80)
               for a in (aliases or [])[:31]]
    kept = [a for a in written if a]
    if len(kept) > 30:
        raise InvalidInput("paling banyak 30 nama lain", "aliases")
    occupation = add_occupation(session, code=code, name=name, group=group,
                                default_segment=default_segment, actor=principal.actor,
                                risk_class=risk_class, aliases=kept,
                                pemda_id=principal.pemda_id)
    session.flush()
    return occupation


def list_regions(session: Session, principal: Principal, *, parent: str | None = None,
                 page: int = 1, per_page: int = 100) -> Page[Region]:
    """Provinces, or the regions directly under ``parent`` (a Kemendagri code, dots optional)."""
    principal.require("reference.read")
    statement = select(Region).order_by(Region.code)
    if parent:
        parent_region = region(session, principal, parent)
        statement = statement.where(Region.parent_code == parent_region.code)
    else:
        statement = statement.where(Region.level == 1)
    return paginate(session, statement, page, per_page)


def region(session: Session, principal: Principal, code: str) -> Region:
    principal.require("reference.read")
    dotted = dotted_code(code[:20])
    found = session.get(Region, dotted) if dotted else None
    if found is None:
        raise NotFound("kode wilayah tidak ada di data Kemendagri; contoh kode: 18.72.01.1001")
    return found


def list_funding_sources(session: Session, principal: Principal, *, page: int = 1,
                         per_page: int = 100) -> Page[FundingSource]:
    """Who may pay, with the constraints each source puts on whom it pays for."""
    principal.require("reference.read")
    return paginate(session, select(FundingSource).order_by(FundingSource.code), page, per_page)
