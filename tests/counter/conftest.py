"""A KIR counter of Lampung Tengah with its two agreements (self-paid and APBD), on SQLite and
PostgreSQL, and the principals that act at it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import Engine

from lindung.accounts.permissions import Principal
from lindung.accounts.service import create_organisation, create_user, principal_of
from lindung.agreements.service import create_agreement
from lindung.db import transaction

ACTOR = "test:seed"
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
        create_organisation(s, code="PEMKAB-LAMTENG", kind="pemda", region_code="18.02",
                            name="Pemerintah Kabupaten Lampung Tengah", actor=ACTOR)
        create_organisation(s, code="BPJS-KC-LAMTENG", kind="bpjs_branch", region_code="18.02",
                            name="BPJS Ketenagakerjaan KC Lampung Tengah", actor=ACTOR)
        for code in ("DISHUB-LAMTENG-KIR", "DISHUB-LAMTENG-TERMINAL"):
            create_organisation(s, code=code, kind="counter", name=f"Loket {code}",
                                region_code="18.02", parent_code="PEMKAB-LAMTENG", actor=ACTOR)
        for code, funded in (("KIR-MANDIRI-2026", "self"), ("KIR-APBD-2026", "apbd")):
            create_agreement(s, code=code, region_code="18.02", segment="bpu",
                             programs=["jkk", "jkm"], funded_by=funded, start=date(2026, 1, 1),
                             end=date(2026, 12, 31), quota=10_000, declared_income=1_000_000,
                             pemda_code="PEMKAB-LAMTENG", branch_code="BPJS-KC-LAMTENG",
                             actor=ACTOR)
        users = [create_user(s, username=name, display_name=name, password=PASSWORD, role=role,
                             organisation_code=org, actor=ACTOR)
                 for name, role, org in (
                     ("loket.kir", "counter_officer", "DISHUB-LAMTENG-KIR"),
                     ("loket.terminal", "counter_officer", "DISHUB-LAMTENG-TERMINAL"),
                     ("admin.lamteng", "pemda_admin", "PEMKAB-LAMTENG"))]
        officer, other, admin = (principal_of(s, u) for u in users)
    return Desk(engine, officer, other, admin)
