"""Reading organisations: by code, the Pemda one belongs to, what lies under a Pemda."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lindung.errors import NotFound
from lindung.organisations.models import Organisation
from lindung.principal import Principal


def get_organisation(session: Session, code: str) -> Organisation:
    org = session.scalar(select(Organisation).where(Organisation.code == code[:40]))
    if org is None:
        raise NotFound(f"organisasi {code[:40]!r} tidak ditemukan")
    return org


def pemda_id_of(session: Session, organisation_id: int | None) -> int | None:
    """The Pemda an organisation belongs to: itself when it is a Pemda, else the nearest Pemda
    above it (an OPD, a village, a counter); None when there is none (a BPJS branch)."""
    seen: set[int] = set()
    while organisation_id is not None and organisation_id not in seen:
        seen.add(organisation_id)
        org = session.get(Organisation, organisation_id)
        if org is None:
            return None
        if org.kind == "pemda":
            return org.id
        organisation_id = org.parent_id
    return None


def organisations_under(session: Session, organisation_id: int) -> list[Organisation]:
    """An organisation and every organisation under it (its OPDs, villages, counters), by code."""
    found: dict[int, Organisation] = {}
    layer = [organisation_id]
    while layer:
        rows = list(session.scalars(select(Organisation).where(
            (Organisation.id.in_(layer)) | (Organisation.parent_id.in_(layer)))))
        layer = [o.id for o in rows if o.id not in found]
        found.update({o.id: o for o in rows})
    return sorted(found.values(), key=lambda o: o.code)


def branches(session: Session) -> list[Organisation]:
    """BPJS branch offices an agreement can be signed with."""
    return list(session.scalars(select(Organisation).where(Organisation.kind == "bpjs_branch")
                                .order_by(Organisation.name)))


def managed_organisations(session: Session, principal: Principal) -> list[Organisation]:
    """The organisations whose people and places the principal manages (``accounts.manage``),
    by code, inactive ones too: every one for the installation; a Pemda admin's own Pemda and
    everything under it."""
    principal.require("accounts.manage")
    if principal.kind == "system":
        return list(session.scalars(select(Organisation).order_by(Organisation.code)))
    if principal.pemda_id is None:
        return []
    return organisations_under(session, principal.pemda_id)
