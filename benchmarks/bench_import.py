"""How fast a national-scale roster goes from a CSV file to memberships, on SQLite and PostgreSQL.

Generates a CSV roster of N rows (default 1,000,000) with realistic NIKs of Lampung's regencies,
Indonesian dates and phone numbers, and 1% bad rows of each kind (numeric NIK, impossible date,
duplicate NIK, unknown occupation, unknown village, bad phone). Then imports it end to end into a
fresh, migrated database of each engine and prints the time and rows/s of each stage (read,
validate incl. in-file duplicates, database checks incl. cross-agreement duplicates, write).

    .venv/bin/python benchmarks/bench_import.py [--rows N] [--engines sqlite,postgresql]

Prints figures only. PostgreSQL is skipped with a note when no server answers.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from lindung.agreements.actions import do_create_agreement
from lindung.db import make_engine, transaction
from lindung.enrollment.actions import do_import_roster
from lindung.migrate import upgrade
from lindung.organisations.actions import do_create_organisation
from lindung.principal import system_principal
from lindung.registry.regions import load_regions

SEED = system_principal("bench:import")

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
OCCUPATIONS = ["Linmas", "Marbot", "Guru Ngaji", "Kader Posyandu", "Petani", "Nelayan",
               "Pedagang", "Ojek"]
BAD_KINDS = ("numeric_nik", "bad_date", "duplicate", "occupation", "village", "phone")


def _lampung_villages() -> list[str]:
    regions = load_regions()
    codes = regions.filter((regions["level"] == 4) & regions["code"].str.starts_with("18."))
    return sorted(codes["code"].to_list())


def make_roster(path: Path, n: int, seed: int = 7) -> dict[str, int]:
    rng = np.random.default_rng(seed)
    villages = _lampung_villages()
    born = date(1960, 1, 1) + np.array([timedelta(days=int(d)) for d in
                                        rng.integers(0, 365 * 40, 4096)])
    kinds = rng.choice(len(BAD_KINDS) + 1, n, p=[0.01] * len(BAD_KINDS)
                       + [1 - 0.01 * len(BAD_KINDS)])
    counts = {k: int((kinds == i).sum()) for i, k in enumerate(BAD_KINDS)}
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["No", "NIK", "Nama", "Tempat Lahir", "Tgl Lahir", "Jenis Kelamin",
                      "Alamat", "Desa/Kelurahan", "Pekerjaan", "No HP"])
        previous = ""
        for i in range(n):
            b = born[i % len(born)]
            woman = bool(i % 2)
            village = villages[(i * 7919) % len(villages)]
            district = village[:8].replace(".", "")
            serial = i // 4096 % 9999 + 1
            nik = f"{district}{b.day + (40 if woman else 0):02d}{b.month:02d}" \
                  f"{b.year % 100:02d}{serial:04d}"
            tgl = b.strftime("%d-%m-%Y")
            occupation = OCCUPATIONS[i % len(OCCUPATIONS)]
            phone = f"08{rng.integers(1_000_000_000, 9_999_999_999)}"
            kind = kinds[i]
            if kind == 0:
                nik = f"{int(nik[:2])/10:.1f}E+15"
            elif kind == 1:
                tgl = "31-02-1975"
            elif kind == 2 and previous:
                nik = previous
            elif kind == 3:
                occupation = "Astronot"
            elif kind == 4:
                village = "Kampung Antah Berantah"
            elif kind == 5:
                phone = "12"
            previous = nik
            out.writerow([i + 1, nik, f"Warga {i}", "Metro", tgl, "P" if woman else "L",
                          "Jl. Merdeka", village, occupation, phone])
    return counts


def run(engine_name: str, url: str, roster: Path, n: int) -> None:
    engine = make_engine(url)
    start = time.perf_counter()
    upgrade(engine)
    print(f"  migrate (schema + 91,599 regions): {time.perf_counter() - start:.1f} s")
    with transaction(engine) as s:
        do_create_organisation(s, SEED, code="PEMPROV-LAMPUNG", kind="pemda", region_code="18",
                               name="Pemerintah Provinsi Lampung")
        do_create_agreement(s, SEED, code="BENCH", region_code="18", segment="bpu",
                            programs=["jkk", "jkm"], funded_by="apbd", start=date(2026, 1, 1),
                            end=date(2026, 12, 31), quota=n, declared_income=1_000_000)
    marks: list[tuple[str, float]] = []
    begin = time.perf_counter()

    def progress(stage: str, done: int, total: int) -> None:
        if done >= total:
            marks.append((stage, time.perf_counter()))

    with transaction(engine) as s:
        report = do_import_roster(s, SEED, roster, "BENCH", today=date(2026, 6, 1),
                                  progress=progress)
    committed = time.perf_counter()
    previous = begin
    seen: dict[str, float] = {}
    for stage, at in marks:
        seen[stage] = seen.get(stage, 0.0) + at - previous
        previous = at
    seen["commit"] = committed - previous
    for stage, seconds in seen.items():
        print(f"  {stage:<18} {seconds:7.2f} s  {n / seconds:12,.0f} rows/s")
    total = committed - begin
    print(f"  {'end to end':<18} {total:7.2f} s  {n / total:12,.0f} rows/s   "
          f"accepted {report.accepted:,}, rejected {report.rejected:,}, "
          f"warnings {report.warnings:,} [{engine_name}]")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        roster = Path(tmp) / "roster.csv"
        start = time.perf_counter()
        counts = make_roster(roster, args.rows)
        print(f"roster: {args.rows:,} rows, {roster.stat().st_size / 1e6:.0f} MB, bad rows "
              f"{counts}, generated in {time.perf_counter() - start:.1f} s")
        for name in args.engines.split(","):
            print(f"{name}:")
            if name == "sqlite":
                run(name, f"sqlite:///{tmp}/bench.sqlite3", roster, args.rows)
                continue
            import psycopg

            db = f"lindung_bench_{uuid.uuid4().hex[:8]}"
            try:
                with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f'CREATE DATABASE "{db}"')
            except psycopg.OperationalError as exc:
                print(f"  skipped: PostgreSQL does not answer ({exc})")
                continue
            try:
                run(name, f"postgresql+psycopg://postgres@127.0.0.1:5432/{db}", roster,
                    args.rows)
            finally:
                with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


if __name__ == "__main__":
    main()
