"""How fast the counter's coverage check answers over HTTP, against a million members.

Builds a database of N workers (default 1,000,000) with their memberships (two thirds covered
today, one third ended) with ``lindung.db.bulk_insert``, creates a counter and its API token,
starts ``uvicorn`` on 127.0.0.1 on a free port in a subprocess, and loads it from this process
(asyncio + httpx, a bounded number of requests at a fixed concurrency) with
``POST /api/v1/coverage-checks`` for random known and unknown NIKs. Prints requests/s, p50 and
p99, then stops the server. Also times the service function in-process with and without its
audit write, to show what the audit costs per call.

    .venv/bin/python benchmarks/bench_api.py [--workers N] [--requests 5000] [--concurrency 32]
        [--server-workers 1] [--url postgresql+psycopg://...]

SQLite file in a temporary directory by default; ``--url`` for PostgreSQL (an empty database:
it is migrated and filled). Prints figures only; never passes or fails on time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import httpx
import polars as pl
from sqlalchemy import func, select

from lindung import clock
from lindung.accounts.actions import do_create_user, do_issue_token
from lindung.accounts.queries import principal_of
from lindung.agreements.actions import do_create_agreement
from lindung.counter import actions
from lindung.db import bulk_insert, make_engine, transaction
from lindung.limits import MAX_TOKEN_RATE
from lindung.migrate import upgrade
from lindung.organisations.actions import do_create_organisation
from lindung.principal import system_principal
from lindung.registry.models import Worker

SEED = system_principal("bench:seed")
TODAY = clock.today()


def nik_frame(n: int) -> pl.DataFrame:
    """N distinct, structurally valid NIKs of Lampung Tengah (mixed-radix digits of the row)."""
    i = pl.int_range(0, n, eager=True).alias("i")
    return pl.DataFrame(i).select(
        pl.concat_str([
            pl.lit("1802"),
            (1 + pl.col("i") % 20).cast(pl.String).str.zfill(2),
            (1 + (pl.col("i") // 20) % 28 + 40 * ((pl.col("i") // 268_800) % 2))
            .cast(pl.String).str.zfill(2),
            (1 + (pl.col("i") // 560) % 12).cast(pl.String).str.zfill(2),
            (60 + (pl.col("i") // 6_720) % 40).cast(pl.String).str.zfill(2),
            (1 + pl.col("i") // 537_600).cast(pl.String).str.zfill(4),
        ]).alias("nik"),
        pl.col("i"),
    )


def unknown_nik(rng: random.Random) -> str:
    """A valid-looking NIK of a district (21-99) that :func:`nik_frame` never uses."""
    return f"1802{rng.randint(21, 99)}{rng.randint(1, 28):02d}0190{rng.randint(1, 9999):04d}"


def build(url: str, n: int) -> str:
    """Migrate and fill the database; returns the counter token's secret."""
    engine = make_engine(url)
    started = time.perf_counter()
    upgrade(engine)
    with transaction(engine) as s:
        do_create_organisation(s, SEED, code="PEMKAB-LAMTENG", kind="pemda",
                               region_code="18.02", name="Pemerintah Kabupaten Lampung Tengah")
        do_create_organisation(s, SEED, code="DISHUB-LAMTENG-KIR", kind="counter",
                               region_code="18.02", name="Loket KIR",
                               parent_code="PEMKAB-LAMTENG")
        agreement = do_create_agreement(
            s, SEED, code="KIR-MANDIRI", region_code="18.02", segment="bpu",
            programs=["jkk", "jkm"], funded_by="self", start=date(TODAY.year, 1, 1),
            end=date(TODAY.year, 12, 31), quota=n + 10, declared_income=1_000_000,
            pemda_code="PEMKAB-LAMTENG")
        secret, _token = do_issue_token(s, SEED, name="bench",
                                        organisation_code="DISHUB-LAMTENG-KIR",
                                        permissions=["coverage.check", "counter.enrol"],
                                        rate_per_minute=MAX_TOKEN_RATE)
        agreement_id = agreement.id
    now = datetime.now()
    niks = nik_frame(n)
    with transaction(engine) as s:
        bulk_insert(s, "worker", niks.select(
            "nik", name=pl.lit("Pengemudi Uji"), name_key=pl.lit("PENGEMUDI UJI"),
            sex=pl.lit("L"), created_at=pl.lit(now), updated_at=pl.lit(now)))
    with transaction(engine) as s:
        first = int(s.scalar(select(func.min(Worker.id))) or 1)
    ended = (pl.col("i") % 3) == 2
    with transaction(engine) as s:
        bulk_insert(s, "membership", niks.select(
            worker_id=pl.col("i") + first, agreement_id=pl.lit(agreement_id),
            programs=pl.lit("jkk,jkm"), occupation_code=pl.lit("sopir"),
            funding_source_code=pl.lit("self"), declared_income=pl.lit(1_000_000),
            start_date=pl.lit(date(TODAY.year, 1, 1)),
            end_date=pl.when(ended).then(pl.lit(date(TODAY.year, 1, 31)))
            .otherwise(pl.lit(date(TODAY.year, 12, 31))),
            status=pl.when(ended).then(pl.lit("ended")).otherwise(pl.lit("active")),
            created_at=pl.lit(now), updated_at=pl.lit(now)))
    with engine.connect() as connection:  # fresh statistics, as autovacuum would gather them
        connection.exec_driver_sql("ANALYZE")
        connection.commit()
    engine.dispose()
    print(f"database: {n:,} workers and memberships in {time.perf_counter() - started:.1f} s")
    return secret


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "LINDUNG_DATABASE_URL": url}
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "lindung.web.app:create_app",
         "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
         "--log-level", "warning", "--no-access-log"], env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/openapi.json").status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not start within 60 s")


async def load(port: int, token: str, niks: list[str], concurrency: int) -> tuple[
        float, list[float], Counter[int]]:
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    queue = iter(niks)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits,
                                 headers={"Authorization": f"Bearer {token}"}) as client:
        async def worker() -> None:
            for nik in queue:
                began = time.perf_counter()
                answer = await client.post("/api/v1/coverage-checks", json={"nik": nik})
                latencies.append(time.perf_counter() - began)
                statuses[answer.status_code] += 1

        await client.post("/api/v1/coverage-checks", json={"nik": niks[0]})  # warm up
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return elapsed, latencies, statuses


def audit_cost(url: str, niks: list[str]) -> tuple[float, float]:
    """Milliseconds per in-process coverage check (one transaction each), with and without
    the audit write."""
    engine = make_engine(url)
    with transaction(engine) as s:
        user = do_create_user(s, SEED, username="bench.loket", display_name="bench",
                              password="bench-loket-2026", role="counter_officer",
                              organisation_code="DISHUB-LAMTENG-KIR")
        principal = principal_of(s, user)

    def run() -> float:
        started = time.perf_counter()
        for nik in niks:
            with transaction(engine) as s:
                actions.do_check_coverage(s, principal, nik)
        return (time.perf_counter() - started) * 1000 / len(niks)

    with_audit = run()
    original = vars(actions)["record"]
    setattr(actions, "record", lambda *_a, **_k: None)  # noqa: B010 (measuring without it)
    try:
        without = run()
    finally:
        setattr(actions, "record", original)  # noqa: B010
    engine.dispose()
    return with_audit, without


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=1_000_000, help="workers in the database")
    parser.add_argument("--requests", type=int, default=5_000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--server-workers", type=int, default=1, help="uvicorn processes")
    parser.add_argument("--url", help="PostgreSQL URL (default: SQLite in a temp dir)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        token = build(url, args.workers)
        known = nik_frame(args.workers)["nik"].to_list()
        rng = random.Random(2026)
        niks = [rng.choice(known) if rng.random() < 0.5 else unknown_nik(rng)
                for _ in range(args.requests)]
        port = free_port()
        server = start_server(url, port, args.server_workers)
        try:
            elapsed, latencies, statuses = asyncio.run(
                load(port, token, niks, args.concurrency))
        finally:
            server.terminate()
            server.wait(timeout=30)
        cuts = statistics.quantiles(latencies, n=100)
        engine_name = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
        print(f"POST /api/v1/coverage-checks, {engine_name}, {args.workers:,} workers, "
              f"{args.server_workers} uvicorn process(es), {os.cpu_count()} CPUs, "
              f"load from this process (httpx, concurrency {args.concurrency})")
        print(f"  {len(latencies):,} requests in {elapsed:.2f} s: "
              f"{len(latencies) / elapsed:,.0f} requests/s; "
              f"p50 {cuts[49] * 1000:.1f} ms, p99 {cuts[98] * 1000:.1f} ms; "
              f"statuses {dict(statuses)}")
        with_audit, without = audit_cost(url, niks[:1000])
        print(f"  service in-process, one transaction per check: {with_audit:.2f} ms with the "
              f"audit write, {without:.2f} ms without ({with_audit - without:+.2f} ms audit)")


if __name__ == "__main__":
    main()
