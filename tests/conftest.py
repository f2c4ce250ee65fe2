"""Database fixtures: every database test runs on SQLite and on PostgreSQL.

The schema is migrated once per engine per test session (Alembic, reference data included);
each test then gets a clean copy: a copied SQLite file, or truncated PostgreSQL tables. Locally
the PostgreSQL half skips with the reason when no server answers; with CI=true it must run.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from lindung.accounts.passwords import use_hasher
from lindung.audit.chain import GENESIS
from lindung.db import make_engine, session_factory
from lindung.demo_data import load_demo
from lindung.migrate import upgrade

TEST_TODAY = "2026-11-29"
"""The day the suite runs as (lindung.clock): its demo agreements, counters and fixtures are
of 2026, whatever the machine's date. Set in the environment, so the servers and commands the
tests start run as of that day too."""
os.environ["LINDUNG_TODAY"] = TEST_TODAY

# Passwords hashed at argon2id's lowest cost: the real cost, at every demo account and sign-in,
# would slow the suite by minutes and test nothing of ours (the hasher is lindung's, injected).
use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))

PG_ADMIN_URL = os.environ.get("LINDUNG_TEST_PG_ADMIN_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
BUSINESS_TABLES = ("web_session", "api_token", "app_user", "membership_event", "membership",
                   "roster_import", "agreement_amendment",
                   "agreement_phase", "agreement", "worker", "audit_event",
                   "upload_retention")
"""Emptied between PostgreSQL tests (with what references them; the audit chain's head is set
back to the empty log). ``organisation`` is emptied
by DELETE after them: a TRUNCATE ... CASCADE of it would empty the occupation taxonomy too
(occupations reference the Pemda that added them)."""


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("db") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped at the end."""
    import psycopg

    admin = PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    name = f"lindung_test_{uuid.uuid4().hex[:10]}"
    try:
        conn = psycopg.connect(admin, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but PostgreSQL does not answer at {PG_ADMIN_URL}: {exc}")
        pytest.skip(f"PostgreSQL does not answer at {PG_ADMIN_URL} ({exc}); "
                    "start it with scripts/ensure-postgres.sh")
    with conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated database holding reference data only (regions, occupations, funding)."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "lindung.sqlite3"
        shutil.copy(template, path)
        eng = make_engine(f"sqlite:///{path}")
    else:
        url: str = request.getfixturevalue("pg_url")
        eng = make_engine(url)
        with eng.begin() as conn:
            conn.execute(text(f"TRUNCATE {', '.join(BUSINESS_TABLES)} RESTART IDENTITY CASCADE"))
            # TRUNCATE fires no row trigger (the audit log refuses DELETE); the chain restarts.
            conn.execute(text("INSERT INTO audit_chain_head (id, seq, hash) VALUES (1, 0, :g) "
                              "ON CONFLICT (id) DO UPDATE SET seq = 0, hash = :g"),
                         {"g": GENESIS})
            conn.execute(text("DELETE FROM occupation WHERE NOT builtin OR pemda_id IS NOT NULL"))
            conn.execute(text("DELETE FROM organisation"))
            conn.execute(text("ALTER SEQUENCE organisation_id_seq RESTART"))
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session for arranging and inspecting; services under test get their own transaction."""
    with session_factory(engine)() as s:
        yield s


@dataclass(frozen=True)
class Demo:
    path: Path
    counter_token: str


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    lines = load_demo(engine)
    engine.dispose()
    token = next(line.rsplit(" ", 1)[1] for line in lines if "token API" in line)
    return Demo(path, token)


# --- server logs: no full NIK in any log a server of this session wrote (tests/serverlogs.py) ---

@pytest.fixture(scope="session", autouse=True)
def server_logs_hold_no_nik() -> Iterator[None]:
    """At the end of the session, fails if a server log written during it holds a full NIK."""
    import time

    from tests import serverlogs

    serverlogs.prune_old_logs()
    started = time.time() - 2  # file times may be coarser than the clock
    yield
    found = serverlogs.leaks(serverlogs.logs_written_since(started))
    if found:
        pytest.fail("a server log holds a full NIK (16 digits):\n" + "\n".join(found[:20]),
                    pytrace=False)
