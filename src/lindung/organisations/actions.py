"""Changing organisations: every change is one ``do_*`` action that checks who may make it,
writes the rows and the audit event in the caller's transaction."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lindung.audit.service import record
from lindung.errors import Conflict, InvalidInput, NotFound
from lindung.organisations.models import KIND_LABELS, ORGANISATION_KINDS, Organisation
from lindung.organisations.queries import get_organisation, organisations_under, pemda_id_of
from lindung.principal import Forbidden, Principal
from lindung.registry.models import Region
from lindung.text import clean_code, required_text

UNDER_A_PEMDA = ("opd", "village", "counter", "donor")
"""Kinds a Pemda's admin may add under their own Pemda."""


NEEDS_A_PEMDA = ("opd", "village", "counter")
"""Kinds that always belong to a Pemda: their parent is the Pemda or an organisation under it."""
STANDALONE = ("pemda", "bpjs_branch")
"""Kinds with no parent; only the installation (system) creates them."""


def _pemda_of(session: Session, parent: Organisation) -> Organisation | None:
    pemda_id = pemda_id_of(session, parent.id)
    return session.get(Organisation, pemda_id) if pemda_id is not None else None


def _inside(region_code: str, area: str) -> bool:
    return region_code == area or region_code.startswith(area + ".")


def _check_place(session: Session, kind: str, region_code: str | None,
                 parent: Organisation | None) -> str | None:
    """Where an organisation of ``kind`` may sit: a Pemda at a province, regency or city; an
    OPD, village or counter under a Pemda, inside its region (a village at a village's own
    code); a BPJS branch with no parent. Returns the region code to record."""
    if kind in STANDALONE:
        if parent is not None:
            raise InvalidInput(f"{KIND_LABELS[kind]} tidak berada di bawah organisasi lain",
                               "parent")
        if kind == "pemda" and (region_code is None or region_code.count(".") > 1):
            raise InvalidInput("wilayah Pemda harus provinsi atau kabupaten/kota, misalnya 18 "
                               "atau 18.72", "region")
        return region_code
    if parent is None:
        if kind in NEEDS_A_PEMDA:
            raise InvalidInput(f"{KIND_LABELS[kind]} harus berada di bawah Pemda: sebutkan "
                               "organisasi induknya", "parent")
        return region_code
    if not parent.active:
        raise InvalidInput(f"organisasi induk {parent.name} sudah dinonaktifkan", "parent")
    pemda = _pemda_of(session, parent)
    if pemda is None:
        raise InvalidInput(f"organisasi induk harus Pemda atau organisasi di bawah Pemda, bukan "
                           f"{KIND_LABELS[parent.kind]}", "parent")
    area = pemda.region_code or ""
    if kind == "village" and (region_code is None or region_code.count(".") != 3):
        raise InvalidInput("desa/kelurahan dicatat dengan kode wilayah desanya sendiri "
                           "(Kemendagri, 4 bagian), misalnya 18.72.01.1001", "region")
    region_code = region_code or area
    if not _inside(region_code, area):
        raise Forbidden(f"wilayah {region_code} di luar wilayah {pemda.name}")
    return region_code


def do_create_organisation(session: Session, principal: Principal, *, code: str, kind: str,
                           name: str, region_code: str | None = None,
                           parent_code: str | None = None) -> Organisation:
    """A new organisation. The installation (system) may add any kind; a Pemda's admin adds
    OPDs, villages, counters and donors under their own Pemda (or an organisation under it),
    inside its region. An OPD, village or counter always sits under a Pemda; a village at its
    own village code; a Pemda or a BPJS branch under nothing."""
    principal.require("accounts.manage")
    if kind not in ORGANISATION_KINDS:
        raise InvalidInput("jenis organisasi harus salah satu dari "
                           f"{', '.join(KIND_LABELS[k] for k in ORGANISATION_KINDS)}", "kind")
    code = clean_code(code, label="kode organisasi", field="code", example="DINSOS-METRO")
    name = required_text(name, label="nama organisasi", field="name", max_length=200)
    region_code = region_code.strip()[:13] if region_code and region_code.strip() else None
    if principal.kind != "system":
        if kind not in UNDER_A_PEMDA or principal.pemda_id is None:
            raise Forbidden("admin Pemda hanya dapat menambah OPD, desa/kelurahan, loket atau "
                            "donatur di bawah Pemda-nya")
        own = session.get(Organisation, principal.pemda_id)
        assert own is not None
        mine = {o.code for o in organisations_under(session, own.id)}
        if not parent_code or parent_code not in mine:
            parent_code = own.code
    if region_code is not None and session.get(Region, region_code) is None:
        raise InvalidInput("kode wilayah tidak dikenal (Kemendagri), misalnya 18.72", "region")
    parent = get_organisation(session, parent_code) if parent_code else None
    region_code = _check_place(session, kind, region_code, parent)
    if session.scalar(select(Organisation.id).where(Organisation.code == code)) is not None:
        raise Conflict(f"organisasi dengan kode {code!r} sudah ada")
    org = Organisation(code=code, kind=kind, name=name, region_code=region_code,
                       parent_id=parent.id if parent else None, active=True)
    session.add(org)
    session.flush()
    record(session, actor=principal.actor, action="organisation.create", entity="organisation",
           entity_id=code, pemda_id=pemda_id_of(session, org.id),
           after={"kind": kind, "name": name, "region_code": region_code,
                  "parent": parent.code if parent else None})
    return org


def do_deactivate_organisation(session: Session, principal: Principal, code: str) -> int:
    """Deactivate an organisation and every organisation under it; returns how many. Their
    people can no longer sign in and their API tokens stop (the principal is refused when its
    organisation is inactive, ``accounts.queries``); agreements, payers and the audit log keep
    naming them. The installation may deactivate any; a Pemda's admin only an organisation
    under their Pemda (not the Pemda itself). One outside the admin's Pemda is not found."""
    principal.require("accounts.manage")
    org = session.scalar(select(Organisation).where(Organisation.code == code[:40]))
    if org is not None and principal.kind != "system":
        mine = {o.id for o in organisations_under(session, principal.pemda_id)} \
            if principal.pemda_id is not None else set()
        if org.id not in mine:
            org = None
        elif org.id == principal.pemda_id:
            raise Forbidden("Pemda sendiri hanya dapat dinonaktifkan dari baris perintah server")
    if org is None:
        raise NotFound(f"organisasi {code[:40]!r} tidak ditemukan")
    if not org.active:
        raise Conflict(f"organisasi {org.code} sudah nonaktif")
    if org.id == principal.organisation_id:
        raise Forbidden("organisasi Anda sendiri tidak dapat Anda nonaktifkan")
    under = [o for o in organisations_under(session, org.id) if o.active]
    for each in under:
        each.active = False
    record(session, actor=principal.actor, action="organisation.deactivate",
           entity="organisation", entity_id=org.code, pemda_id=pemda_id_of(session, org.id),
           before={"active": True}, after={"active": False},
           detail={"also_deactivated": sorted(o.code for o in under if o.id != org.id)})
    return len(under)
