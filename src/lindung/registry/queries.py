"""Reading the reference data of the registry: occupations (central and a Pemda's own) and the
Kemendagri regions."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lindung.errors import NotFound
from lindung.paging import Page, paginate
from lindung.principal import Principal
from lindung.registry.models import Occupation, Region, occupation_in_reach
from lindung.registry.regions import dotted_code


def list_occupations(session: Session, principal: Principal, *, group: str | None = None,
                     page: int = 1, per_page: int = 100) -> Page[Occupation]:
    """The central taxonomy and the principal's own Pemda's entries (the system: all)."""
    principal.require("reference.read")
    statement = select(Occupation).order_by(Occupation.group, Occupation.code)
    if principal.kind != "system":
        statement = statement.where(occupation_in_reach(principal.pemda_id))
    if group:
        statement = statement.where(Occupation.group == group)
    return paginate(session, statement, page, per_page)


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
