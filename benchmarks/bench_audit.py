"""What the audit log's hash chain costs (decision 0014), on SQLite and PostgreSQL.

Writes audit events through :func:`lindung.audit.service.record` as the counter's coverage
check does: N events in N transactions of one event each (default 10,000: the hot path), and
M events in one transaction (default 100,000); with the chain off (the flush listener removed,
seq from a plain counter: the insert as it was before the chain) and on, each into its own
fresh database, in alternating rounds (the small run in ``--rounds`` parts, the large one twice)
of which the best counts. Then times ``verify_chain`` over the chained database.

    .venv/bin/python benchmarks/bench_audit.py [--small N] [--large M] [--rounds R]
                                               [--engines sqlite,postgresql]

Prints figures only. PostgreSQL is skipped with a note when no server answers.
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from lindung.audit import chain
from lindung.audit.models import AuditEvent
from lindung.audit.service import record
from lindung.db import make_engine, transaction
from lindung.migrate import upgrade

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_BASE = "postgresql+psycopg://postgres@127.0.0.1:5432/"


@contextmanager
def chain_off(seqs: Iterator[int]) -> Iterator[None]:
    """The plain insert: no head, no hash; seqs from a counter (the column is NOT NULL)."""

    def unchained(session: Session, _context: Any, _instances: Any) -> None:
        for obj in session.new:
            if isinstance(obj, AuditEvent):
                obj.seq, obj.prev_hash, obj.hash = next(seqs), chain.GENESIS, chain.GENESIS

    event.remove(Session, "before_flush", chain._chain_new_events)
    event.listen(Session, "before_flush", unchained)
    try:
        yield
    finally:
        event.remove(Session, "before_flush", unchained)
        event.listen(Session, "before_flush", chain._chain_new_events)


def _check(session: Session, i: int) -> None:
    """The coverage check's event."""
    record(session, actor="token:kir-lamteng", action="coverage.check", entity="worker",
           pemda_id=None, detail={"nik": f"1802{i % 10:02d}**********", "on": date(2026, 11, 29),
                                  "covered": bool(i % 2)})


def small(engine: Engine, n: int) -> float:
    start = time.perf_counter()
    for i in range(n):
        with transaction(engine) as s:
            _check(s, i)
    return n / (time.perf_counter() - start)


def large(engine: Engine, n: int) -> float:
    start = time.perf_counter()
    with transaction(engine) as s:
        for i in range(n):
            _check(s, i)
    return n / (time.perf_counter() - start)


def run(fresh: Callable[[], Engine], n_small: int, n_large: int, rounds: int) -> None:
    """Chain off and on in alternating rounds, each into its own database; the best round of
    each counts (the figures of a shared machine wander)."""
    off, on = fresh(), fresh()
    seqs = itertools.count(1)
    best: dict[tuple[str, bool], float] = {}
    plan = [("small", small, max(n_small // rounds, 1))] * rounds + [("large", large, n_large)] * 2
    for what, write, n in plan:
        for chained, engine in ((False, off), (True, on)):
            with nullcontext() if chained else chain_off(seqs):
                rate = write(engine, n)
            best[what, chained] = max(best.get((what, chained), 0.0), rate)
    for what, label in (("small", f"{n_small:,} events, one per transaction"),
                        ("large", f"{n_large:,} events in one transaction")):
        plain, chained_rate = best[what, False], best[what, True]
        print(f"  {label:<38} chain off {plain:8,.0f} ev/s   chain on {chained_rate:8,.0f} ev/s"
              f"   ({(plain / chained_rate - 1) * 100:+.0f}% time per event)")
    start = time.perf_counter()
    report = chain.verify_chain(on)
    seconds = time.perf_counter() - start
    assert report.ok, report
    print(f"  verify {report.events:,} events: {seconds:.2f} s, "
          f"{seconds * 100_000 / report.events:.2f} s per 100,000 events "
          f"({report.events / seconds:,.0f} ev/s)")
    off.dispose()
    on.dispose()


def sqlite(tmp: Path, n_small: int, n_large: int, rounds: int) -> None:
    template = tmp / "template.sqlite3"
    engine = make_engine(f"sqlite:///{template}")
    upgrade(engine)
    engine.dispose()
    copies = itertools.count()

    def fresh() -> Engine:
        path = tmp / f"bench{next(copies)}.sqlite3"
        shutil.copy(template, path)
        return make_engine(f"sqlite:///{path}")

    run(fresh, n_small, n_large, rounds)


def postgresql(n_small: int, n_large: int, rounds: int) -> None:
    import psycopg

    template = f"lindung_bench_{uuid.uuid4().hex[:8]}"
    made = [template]
    try:
        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{template}"')
    except psycopg.OperationalError as exc:
        print(f"  skipped: PostgreSQL does not answer ({exc})")
        return
    try:
        engine = make_engine(PG_BASE + template)
        upgrade(engine)
        engine.dispose()

        def fresh() -> Engine:
            name = f"{template}_{len(made)}"
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            made.append(name)
            return make_engine(PG_BASE + name)

        run(fresh, n_small, n_large, rounds)
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            for name in made:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5,
                        help="rounds of the small run (the large one runs twice)")
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args()
    for name in args.engines.split(","):
        print(f"{name}:")
        if name == "sqlite":
            with tempfile.TemporaryDirectory() as tmp:
                sqlite(Path(tmp), args.small, args.large, args.rounds)
        else:
            postgresql(args.small, args.large, args.rounds)


if __name__ == "__main__":
    main()
