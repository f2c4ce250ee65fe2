"""The audit log is a hash chain (decision 0014): events written by any transaction, alone or
many at once, link into one chain that verifies after the round trip through either database;
a changed, removed, reordered or forged event, or a changed head, is named by the verification;
the database itself refuses UPDATE and DELETE of an event."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, cast

import pytest
from sqlalchemy import (
    Connection,
    Engine,
    Table,
    create_engine,
    delete,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError, OperationalError

from lindung.audit.chain import GENESIS, AuditChainError, event_hash, verify_chain
from lindung.audit.models import AuditChainHead, AuditEvent
from lindung.audit.service import record
from lindung.db import transaction

# ``__table__`` is typed as any FromClause; a declarative model's is its Table
EVENTS = cast(Table, AuditEvent.__table__)
HEAD = cast(Table, AuditChainHead.__table__)


def _write(engine: Engine, transactions: int, per_transaction: int, actor: str = "test") -> None:
    for t in range(transactions):
        with transaction(engine) as s:
            for i in range(per_transaction):
                record(s, actor=actor, action=f"test.write.{i}", entity="test",
                       entity_id=f"{t}-{i}", detail={"t": t, "i": i, "nama": "Siti Aisyah"})


def _chain(engine: Engine) -> list[Any]:
    with engine.connect() as c:
        return list(c.execute(select(EVENTS.c.id, EVENTS.c.seq, EVENTS.c.prev_hash,
                                     EVENTS.c.hash, EVENTS.c.action).order_by(EVENTS.c.seq)))


def _head(engine: Engine) -> tuple[int, str]:
    with engine.connect() as c:
        seq, digest = c.execute(select(HEAD.c.seq, HEAD.c.hash)).one()
        return int(seq), str(digest)


def _linked(rows: list[Any]) -> None:
    assert [r.seq for r in rows] == list(range(1, len(rows) + 1))
    assert rows[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(rows))


def test_an_empty_log_verifies(engine: Engine) -> None:
    report = verify_chain(engine)
    assert report.ok and report.events == 0 and report.last_hash == GENESIS
    assert _head(engine) == (0, GENESIS)


def test_events_of_several_transactions_form_one_chain(engine: Engine) -> None:
    _write(engine, transactions=4, per_transaction=3)
    rows = _chain(engine)
    _linked(rows)
    assert len(rows) == 12 and _head(engine) == (12, rows[-1].hash)
    seen: list[tuple[int, int]] = []
    report = verify_chain(engine, chunk=5, progress=lambda done, total: seen.append((done, total)))
    assert report.ok and report.first_broken is None
    assert (report.events, report.last_seq, report.last_hash) == (12, 12, rows[-1].hash)
    assert seen == [(5, 12), (10, 12), (12, 12)]


def test_events_flushed_together_follow_the_order_they_were_added(engine: Engine) -> None:
    with transaction(engine) as s:
        for i in range(5):
            record(s, actor="test", action=f"test.order.{i}", entity="test")
        s.flush()
        record(s, actor="test", action="test.order.5", entity="test")
    assert [r.action for r in _chain(engine)] == [f"test.order.{i}" for i in range(6)]


def test_the_hash_survives_the_round_trip_through_the_database(engine: Engine) -> None:
    jakarta = timezone(timedelta(hours=7))
    awkward = {"zeta": 1, "alpha": [1.0, 1e16, 1e-7, 0.1, -0.0, None, True],
               "teks": "Bébé, Ñandú, 日本, 🚀, \"kutip\"\n", "bersarang": {"b": {"a": []}},
               "tuple": (1, 2)}
    with transaction(engine) as s:
        s.add(AuditEvent(actor="petugas É", action="test.json", entity="test",
                         at=datetime(2026, 11, 29, 10, 0, 0, 123456, tzinfo=jakarta),
                         before={"kosong": {}}, after=awkward, detail={"1": "satu"}))
        s.add(AuditEvent(actor="test", action="test.naive", entity="test",
                         at=datetime(2026, 11, 29, 3, 0, 0, 7)))
        record(s, actor="test", action="test.record", entity="test", detail=awkward)
    report = verify_chain(engine)
    assert report.ok and report.events == 3
    with engine.connect() as c:
        rows = c.execute(select(EVENTS).order_by(EVENTS.c.seq)).all()
    # Stored in UTC, with the microseconds; a naive time is taken as UTC.
    assert [r.at.replace(tzinfo=UTC) if r.at.tzinfo is None else r.at for r in rows[:2]] == [
        datetime(2026, 11, 29, 3, 0, 0, 123456, tzinfo=UTC),
        datetime(2026, 11, 29, 3, 0, 0, 7, tzinfo=UTC)]
    assert rows[0].after["tuple"] == [1, 2]
    for row in rows:
        assert event_hash(row.prev_hash, row._mapping) == row.hash


def test_a_rolled_back_transaction_leaves_no_gap(engine: Engine) -> None:
    _write(engine, 1, 1)
    with pytest.raises(RuntimeError), transaction(engine) as s:
        record(s, actor="test", action="test.rolled_back", entity="test")
        s.flush()
        raise RuntimeError("berhenti")
    _write(engine, 1, 1)
    rows = _chain(engine)
    _linked(rows)
    assert len(rows) == 2 and "test.rolled_back" not in {r.action for r in rows}
    assert verify_chain(engine).ok


def test_concurrent_writers_never_fork_the_chain(engine: Engine) -> None:
    threads, transactions = 8, 12
    start = threading.Barrier(threads)

    def work(k: int) -> None:
        start.wait()
        for t in range(transactions):
            with transaction(engine) as s:
                record(s, actor=f"thread-{k}", action="test.concurrent", entity="test",
                       entity_id=t)
                if t % 3 == 0:  # some transactions write two
                    record(s, actor=f"thread-{k}", action="test.concurrent.2", entity="test")

    with ThreadPoolExecutor(threads) as pool:
        for done in [pool.submit(work, k) for k in range(threads)]:
            done.result()
    rows = _chain(engine)
    expected = threads * (transactions + transactions // 3)
    assert len(rows) == expected
    assert len({r.seq for r in rows}) == len({r.prev_hash for r in rows}) == expected
    _linked(rows)
    report = verify_chain(engine)
    assert report.ok and report.events == expected


def test_a_writer_that_cannot_get_the_head_is_refused_as_a_busy_database(engine: Engine) -> None:
    _write(engine, 1, 1)
    url = engine.url.render_as_string(hide_password=False)
    impatient = create_engine(url, connect_args={"timeout": 0.2} if url.startswith("sqlite")
                              else {"options": "-c lock_timeout=200"})
    try:
        with engine.begin() as holder:  # another transaction holds the head
            holder.execute(update(HEAD).values(seq=HEAD.c.seq))
            with pytest.raises(OperationalError), transaction(impatient) as s:
                record(s, actor="test", action="test.impatient", entity="test")
    finally:
        impatient.dispose()
    _write(engine, 1, 1)
    rows = _chain(engine)
    assert len(rows) == 2 and verify_chain(engine).ok


def test_events_written_during_the_verification_are_neither_read_nor_missed(
        engine: Engine) -> None:
    _write(engine, 1, 6)

    def meanwhile(_done: int, _total: int) -> None:
        _write(engine, 1, 1, actor="meanwhile")

    report = verify_chain(engine, chunk=2, progress=meanwhile)
    assert report.ok and report.events == 6
    assert verify_chain(engine).events == 9


# --- tampering ---------------------------------------------------------------------------------

@contextmanager
def _tampering(engine: Engine) -> Iterator[Connection]:
    """A transaction with the append-only guard lifted, as by someone owning the database."""
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as c:
        if postgres:
            c.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only"))
        else:
            c.execute(text("DROP TRIGGER audit_event_no_update"))
            c.execute(text("DROP TRIGGER audit_event_no_delete"))
        yield c
        if postgres:
            c.execute(text("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only"))


def _change_actor(c: Connection) -> None:
    c.execute(update(EVENTS).where(EVENTS.c.seq == 3).values(actor="orang lain"))


def _change_detail(c: Connection) -> None:
    c.execute(update(EVENTS).where(EVENTS.c.seq == 3).values(detail={"t": 0, "i": 99}))


def _change_and_rehash(c: Connection) -> None:
    row = c.execute(select(EVENTS).where(EVENTS.c.seq == 3)).one()
    forged = {**row._mapping, "actor": "orang lain"}
    c.execute(update(EVENTS).where(EVENTS.c.seq == 3).values(
        actor="orang lain", hash=event_hash(row.prev_hash, forged)))


def _delete_third(c: Connection) -> None:
    c.execute(delete(EVENTS).where(EVENTS.c.seq == 3))


def _delete_last(c: Connection) -> None:
    c.execute(delete(EVENTS).where(EVENTS.c.seq == 6))


def _swap_third_and_fourth(c: Connection) -> None:
    for old, new in ((3, -1), (4, 3), (-1, 4)):
        c.execute(update(EVENTS).where(EVENTS.c.seq == old).values(seq=new))


def _head_hash(c: Connection) -> None:
    c.execute(update(HEAD).values(hash="f" * 64))


def _head_back(c: Connection) -> None:
    c.execute(update(HEAD).values(seq=5))


def _forge_past_head(c: Connection) -> None:
    c.execute(insert(EVENTS).values(at=datetime.now(UTC), actor="pemalsu", action="test.forged",
                                    entity="test", seq=7, prev_hash="0" * 64, hash="1" * 64))


TAMPERING = {
    # case: (tamper, problem, seq named, original seq of the event named, intact before, said)
    "field changed": (_change_actor, "content_changed", 3, 3, 2, "isi peristiwa berubah"),
    "json changed": (_change_detail, "content_changed", 3, 3, 2, "isi peristiwa berubah"),
    "changed and rehashed": (_change_and_rehash, "link_broken", 4, 4, 3, "hash peristiwa seq 3"),
    "event deleted": (_delete_third, "seq_missing", 4, 4, 2, "seq 3 tidak ada"),
    "last event deleted": (_delete_last, "head_mismatch", 5, 5, 5, "log berakhir di seq 5"),
    "seq reordered": (_swap_third_and_fourth, "link_broken", 3, 4, 2, "hash peristiwa seq 2"),
    "head hash changed": (_head_hash, "head_mismatch", 6, 6, 6, "hash kepala rantai"),
    "head moved back": (_head_back, "head_mismatch", 5, 5, 5, "hash kepala rantai"),
    "event forged past the head": (_forge_past_head, "head_mismatch", 7, None, 6,
                                   "di luar kepala"),
}


@pytest.mark.parametrize("case", TAMPERING, ids=list(TAMPERING))
def test_tampering_is_named_at_the_first_broken_link(engine: Engine, case: str) -> None:
    tamper, problem, seq, original, intact, said = TAMPERING[case]
    _write(engine, 3, 2)
    ids = {r.seq: r.id for r in _chain(engine)}
    with _tampering(engine) as c:
        tamper(c)
    report = verify_chain(engine, chunk=2)
    broken = report.first_broken
    assert not report.ok and broken is not None
    assert (broken.problem, broken.seq, report.events) == (problem, seq, intact), broken
    assert said in broken.message
    assert broken.at is not None and broken.at.tzinfo is not None and broken.action
    if original is not None:
        assert broken.id == ids[original] and broken.action.startswith("test.write.")


def test_the_database_refuses_to_change_or_delete_an_event(engine: Engine) -> None:
    _write(engine, 1, 2)
    for statement in (update(EVENTS).values(actor="orang lain"),
                      delete(EVENTS).where(EVENTS.c.seq == 2)):
        with pytest.raises(IntegrityError, match="hanya boleh ditambah"), engine.begin() as c:
            c.execute(statement)
    with pytest.raises(IntegrityError), transaction(engine) as s:
        s.scalars(select(AuditEvent)).first().actor = "orang lain"  # type: ignore[union-attr]
    assert verify_chain(engine).ok and len(_chain(engine)) == 2


def test_without_a_head_nothing_is_audited_and_verify_says_so(engine: Engine) -> None:
    _write(engine, 1, 2)
    with engine.begin() as c:
        c.execute(delete(HEAD))
    with pytest.raises(AuditChainError, match="kepala rantai"):
        _write(engine, 1, 1)
    report = verify_chain(engine)
    assert report.first_broken is not None
    assert (report.first_broken.problem, report.events) == ("head_mismatch", 2)
