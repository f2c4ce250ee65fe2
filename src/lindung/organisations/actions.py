"""Changing organisations: every change is one ``do_*`` action that checks who may make it,
writes the rows and the audit event in the caller's transaction."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lindung.audit.service import record
from lindung.errors import Conflict, InvalidInput
from lindung.organisations.models import KIND_LABELS, ORGANISATION_KINDS, Organisation
from lindung.organisations.queries import get_organisation, pemda_id_of
from lindung.principal import Forbidden, Principal
from lindung.registry.models import Region
from lindung.text import clean_code, required_text

UNDER_A_PEMDA = ("opd", "village", "counter", "donor")
"""Kinds a Pemda's admin may add under their own Pemda."""


def do_create_organisation(session: Session, principal: Principal, *, code: str, kind: str,
                           name: str, region_code: str | None = None,
                           parent_code: str | None = None) -> Organisation:
    """A new organisation. The installation (system) may add any kind anywhere; a Pemda's admin
    adds OPDs, villages, counters and donors under their own Pemda, inside its region."""
    principal.require("accounts.manage")
    if kind not in ORGANISATION_KINDS:
        raise InvalidInput("jenis organisasi harus salah satu dari "
                           f"{', '.join(KIND_LABELS[k] for k in ORGANISATION_KINDS)}", "kind")
    code = clean_code(code, label="kode organisasi", field="code", example="DINSOS-METRO")
    name = required_text(name, label="nama organisasi", field="name", max_length=200)
    if principal.kind != "system":
        if kind not in UNDER_A_PEMDA or principal.pemda_id is None:
            raise Forbidden("admin Pemda hanya dapat menambah OPD, desa/kelurahan, loket atau "
                            "donatur di bawah Pemda-nya")
        own = session.get(Organisation, principal.pemda_id)
        assert own is not None
        parent_code = own.code
        own_region = own.region_code or ""
        region_code = region_code or own_region
        if not (region_code == own_region or region_code.startswith(own_region + ".")):
            raise Forbidden(f"wilayah {region_code} di luar wilayah {own.name}")
    if region_code is not None and session.get(Region, region_code[:13]) is None:
        raise InvalidInput("kode wilayah tidak dikenal (Kemendagri), misalnya 18.72", "region")
    if session.scalar(select(Organisation.id).where(Organisation.code == code)) is not None:
        raise Conflict(f"organisasi dengan kode {code!r} sudah ada")
    parent = get_organisation(session, parent_code) if parent_code else None
    org = Organisation(code=code, kind=kind, name=name, region_code=region_code,
                       parent_id=parent.id if parent else None)
    session.add(org)
    session.flush()
    record(session, actor=principal.actor, action="organisation.create", entity="organisation",
           entity_id=code, pemda_id=pemda_id_of(session, org.id),
           after={"kind": kind, "name": name, "region_code": region_code,
                  "parent": parent_code})
    return org
