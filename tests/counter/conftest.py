"""A KIR counter of Lampung Tengah with its two agreements (self-paid and APBD), on SQLite and
PostgreSQL, and the principals that act at it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import Engine

from lindung.accounts.actions import do_create_user
from lindung.accounts.queries import principal_of
from lindung.agreements.actions import do_create_agreement
from lindung.db import transaction
from lindung.organisations.actions import do_create_organisation
from lindung.principal import Principal
from tests.factories import SYSTEM

PASSWORD = "rahasia-loket-2026"


@dataclass(frozen=True)
class Desk:
    engine: Engine
    officer: Principal
    other_counter: Principal
    pemda_admin: Principal


@pytest.fixture
def desk(engine: Engine) -> Desk:
    with transaction(engine) as s:
        do_create_organisation(s, SYSTEM, code="PEMKAB-LAMTENG", kind="pemda",
                               region_code="18.02", name="Pemerintah Kabupaten Lampung Tengah")
        do_create_organisation(s, SYSTEM, code="BPJS-KC-LAMTENG", kind="bpjs_branch",
                               region_code="18.02",
                               name="BPJS Ketenagakerjaan KC Lampung Tengah")
        for code in ("DISHUB-LAMTENG-KIR", "DISHUB-LAMTENG-TERMINAL"):
            do_create_organisation(s, SYSTEM, code=code, kind="counter", name=f"Loket {code}",
                                   region_code="18.02", parent_code="PEMKAB-LAMTENG")
        for code, funded in (("KIR-MANDIRI-2026", "self"), ("KIR-APBD-2026", "apbd")):
            do_create_agreement(s, SYSTEM, code=code, region_code="18.02", segment="bpu",
                                programs=["jkk", "jkm"], funded_by=funded,
                                start=date(2026, 1, 1), end=date(2026, 12, 31), quota=10_000,
                                declared_income=1_000_000, pemda_code="PEMKAB-LAMTENG",
                                branch_code="BPJS-KC-LAMTENG")
        users = [do_create_user(s, SYSTEM, username=name, display_name=name, password=PASSWORD,
                                role=role, organisation_code=org)
                 for name, role, org in (
                     ("loket.kir", "counter_officer", "DISHUB-LAMTENG-KIR"),
                     ("loket.terminal", "counter_officer", "DISHUB-LAMTENG-TERMINAL"),
                     ("admin.lamteng", "pemda_admin", "PEMKAB-LAMTENG"))]
        officer, other, admin = (principal_of(s, u) for u in users)
    return Desk(engine, officer, other, admin)
