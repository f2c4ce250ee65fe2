"""Migration 0006 chains the events already written, in id order, so an existing database
verifies; the chain goes on from there; down and up again, it is rebuilt the same."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import Engine, inspect, select, text

from lindung.audit.chain import GENESIS, verify_chain
from lindung.audit.models import AuditEvent
from lindung.audit.service import record
from lindung.db import JSONType, make_engine, transaction
from lindung.migrate import alembic_config, current_revision, upgrade
from tests.conftest import PG_ADMIN_URL

OLD_EVENTS = sa.table(
    "audit_event", sa.column("at", sa.DateTime(timezone=True)), sa.column("actor", sa.String()),
    sa.column("action", sa.String()), sa.column("entity", sa.String()),
    sa.column("entity_id", sa.String()), sa.column("before", JSONType),
    sa.column("after", JSONType), sa.column("detail", JSONType))
"""``audit_event`` as revision 0005 has it: no seq, no hashes."""


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database, not migrated."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'lama.sqlite3'}")
        yield engine
        engine.dispose()
        return
    import psycopg

    request.getfixturevalue("pg_url")  # skips (or fails in CI) without a server
    admin = PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    name = f"lindung_mig_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    engine = make_engine(PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}")
    yield engine
    engine.dispose()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _downgrade(engine: Engine, revision: str) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def test_the_migration_chains_the_events_already_written(empty_engine: Engine) -> None:
    engine = empty_engine
    upgrade(engine, "0005")
    start = datetime(2026, 11, 1, 8, 0, 0, 250000, tzinfo=UTC)
    with engine.begin() as c:
        c.execute(sa.insert(OLD_EVENTS), [
            {"at": start + timedelta(minutes=i), "actor": f"operator {i}",
             "action": "roster.import", "entity": "agreement", "entity_id": "METRO-2022",
             "before": None, "after": {"accepted": i, "rate": 0.5, "round": 2.0},
             "detail": {"file": "daftar é.xlsx", "rows": [i, i + 1]}}
            for i in range(4)])
        # Written by hand, as a script might have: no microseconds, JSON text as is.
        c.execute(text("INSERT INTO audit_event (at, actor, action, entity, detail) VALUES "
                       "('2026-10-01 07:30:00', 'skrip', 'manual.fix', 'worker', "
                       "'{\"z\": 1, \"a\": [1.0, \"é\"]}')"))
    upgrade(engine, "0006")
    assert current_revision(engine) == "0006"

    report = verify_chain(engine)
    assert report.ok and report.events == 5
    with engine.connect() as c:
        chained = c.execute(select(AuditEvent.id, AuditEvent.seq, AuditEvent.action)
                            .order_by(AuditEvent.id)).all()
        assert [(r.seq, r.action) for r in chained] == [
            (1, "roster.import"), (2, "roster.import"), (3, "roster.import"),
            (4, "roster.import"), (5, "manual.fix")]
        assert c.execute(text("SELECT seq, hash FROM audit_chain_head")).one() == (
            5, report.last_hash)
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as c:
        c.execute(text("DELETE FROM audit_event"))

    with transaction(engine) as s:
        record(s, actor="test", action="test.after_migration", entity="test")
    assert verify_chain(engine).events == 6

    _downgrade(engine, "0005")
    columns = {c["name"] for c in inspect(engine).get_columns("audit_event")}
    assert not {"seq", "prev_hash", "hash"} & columns
    assert not inspect(engine).has_table("audit_chain_head")
    with engine.begin() as c:  # append-only no more: the guard went with the revision
        c.execute(text("DELETE FROM audit_event WHERE action = 'manual.fix'"))
    upgrade(engine, "0006")
    again = verify_chain(engine)
    assert again.ok and again.events == 5 and again.last_hash != GENESIS

