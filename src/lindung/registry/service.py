"""Use cases of the registry: finding a person by NIK, their memberships, and the taxonomy."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lindung.agreements.models import Agreement
from lindung.audit.service import record
from lindung.enrollment.models import Membership, MembershipEvent
from lindung.errors import Conflict, InvalidInput, NotFound
from lindung.registry.models import Occupation, Worker
from lindung.registry.nik import check_nik, mask_nik
from lindung.rules.contributions import SEGMENTS


def find_worker(session: Session, nik: str) -> Worker:
    """The person with this NIK; the error never repeats the NIK (it may end up in a log)."""
    check = check_nik(nik)
    if check.error:
        raise InvalidInput(check.message or "NIK tidak valid", "nik")
    worker = session.scalar(select(Worker).where(Worker.nik == check.nik))
    if worker is None:
        raise NotFound(f"tidak ada pekerja dengan NIK {mask_nik(nik)}")
    return worker


def worker_profile(session: Session, nik: str) -> dict[str, Any]:
    """A person with every membership and its history; the NIK masked."""
    worker = find_worker(session, nik)
    memberships = []
    for membership, code in session.execute(
            select(Membership, Agreement.code).join(Agreement)
            .where(Membership.worker_id == worker.id).order_by(Membership.id)):
        history = [{"at": e.at.isoformat(), "from": e.from_status, "to": e.to_status,
                    "reason": e.reason, "actor": e.actor}
                   for e in session.scalars(select(MembershipEvent)
                                            .where(MembershipEvent.membership_id == membership.id)
                                            .order_by(MembershipEvent.id))]
        memberships.append({
            "id": membership.id, "agreement": code, "programs": membership.program_list,
            "status": membership.status, "kpj": membership.kpj,
            "start_date": membership.start_date.isoformat(),
            "end_date": membership.end_date.isoformat() if membership.end_date else None,
            "end_reason": membership.end_reason, "status_reason": membership.status_reason,
            "funding_source": membership.funding_source_code,
            "occupation": membership.occupation_code, "history": history})
    return {"nik": mask_nik(worker.nik), "name": worker.name,
            "birth_date": worker.birth_date.isoformat() if worker.birth_date else None,
            "sex": worker.sex, "village_code": worker.village_code,
            "memberships": memberships}


def add_occupation(session: Session, *, code: str, name: str, group: str, default_segment: str,
                   actor: str, risk_class: int | None = None,
                   aliases: list[str] | None = None,
                   pemda_id: int | None = None) -> Occupation:
    """Extend the taxonomy: centrally (``pemda_id`` None), or for one Pemda only."""
    if session.get(Occupation, code) is not None:
        # Codes are one namespace; which Pemda holds a code is not said.
        raise Conflict(f"kode pekerjaan {code!r} sudah dipakai; pilih kode lain")
    if default_segment not in SEGMENTS:
        raise InvalidInput(f"segmen harus salah satu dari {', '.join(SEGMENTS)}",
                           "default_segment")
    if risk_class is not None and not 1 <= risk_class <= 5:
        raise InvalidInput("kelas risiko JKK harus 1 sampai 5", "risk_class")
    occupation = Occupation(code=code, name=name, group=group, default_segment=default_segment,
                            risk_class=risk_class, aliases=aliases or [], builtin=False,
                            pemda_id=pemda_id)
    session.add(occupation)
    record(session, actor=actor, action="occupation.create", entity="occupation",
           pemda_id=occupation.pemda_id,
           entity_id=code, after={"name": name, "group": group,
                                  "default_segment": default_segment, "risk_class": risk_class,
                                  "aliases": aliases or []})
    return occupation
