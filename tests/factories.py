"""What many tests arrange the same way: the installation's own principal, an agreement, a
roster import, organisations and people, all through the actions (as the product does)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from lindung.accounts.queries import user_principal
from lindung.agreements.actions import do_create_agreement
from lindung.agreements.models import Agreement
from lindung.db import transaction
from lindung.enrollment.actions import do_import_roster
from lindung.enrollment.report import ImportReport
from lindung.organisations.actions import do_create_organisation
from lindung.organisations.models import Organisation
from lindung.organisations.queries import get_organisation
from lindung.principal import Principal, permissions_for, system_principal

SYSTEM = system_principal("test")
"""The installation at its shell: every permission, every scope."""

METRO_TERMS: dict[str, Any] = dict(
    code="METRO-2022", region_code="18.72", segment="bpu", programs=["jkk", "jkm"],
    funded_by="apbd", start=date(2022, 7, 1), end=date(2022, 12, 31), quota=3000,
    declared_income=1_000_000)
"""Kota Metro's PKS of the news report of 30 June 2022."""


def agreement(engine: Engine, principal: Principal = SYSTEM, **overrides: Any) -> str:
    """Record an agreement (Kota Metro's 2022 terms unless overridden); returns its code. As
    the installation without a Pemda named, the region's Pemda is recorded first when there is
    none (every agreement belongs to a Pemda)."""
    terms = {**METRO_TERMS, **overrides}
    if principal.kind == "system" and not terms.get("pemda_code"):
        pemda(engine, ".".join(terms["region_code"].split(".")[:2]))
    with transaction(engine) as s:
        made: Agreement = do_create_agreement(s, principal, **terms)
        return made.code


def pemda(engine: Engine, region: str = "18.72") -> int:
    """The Pemda of a regency or city (``PEMDA-1872``), recorded when there is none yet."""
    with transaction(engine) as s:
        found = s.scalar(select(Organisation.id).where(Organisation.kind == "pemda",
                                                        Organisation.region_code == region))
        if found is not None:
            return found
        return do_create_organisation(s, SYSTEM, code=f"PEMDA-{region.replace('.', '')}",
                                      kind="pemda", name=f"Pemda {region}",
                                      region_code=region).id


def import_roster(engine: Engine, path: Path, code: str = "METRO-2022", *,
                  principal: Principal = SYSTEM, today: date = date(2026, 11, 23),
                  **options: Any) -> ImportReport:
    with transaction(engine) as s:
        return do_import_roster(s, principal, path, code, today=today, **options)


def organisation(engine: Engine, code: str, kind: str, name: str, region: str,
                 parent: str | None = None) -> int:
    with transaction(engine) as s:
        org = do_create_organisation(s, SYSTEM, code=code, kind=kind, name=name,
                                     region_code=region, parent_code=parent)
        return org.id


def organisation_id(engine: Engine, code: str | None) -> int | None:
    if code is None:
        return None
    with transaction(engine) as s:
        return get_organisation(s, code).id


def person(engine: Engine, username: str) -> Principal:
    """The principal of a user (signed in as them)."""
    with transaction(engine) as s:
        found = user_principal(s, username)
        assert found is not None, username
        return found


def principal_at(organisation_id: int, role: str, *, name: str, kind: str,
                 region: str | None, pemda_id: int | None) -> Principal:
    """A principal of ``role`` at an organisation, without an account (service tests)."""
    return Principal(kind="user", id=1, name=name, role=role, organisation_id=organisation_id,
                     organisation_name=name, organisation_kind=kind, region_code=region,
                     permissions=permissions_for(role), pemda_id=pemda_id)
