"""The dry run predicts the commit: whatever a dry run accepts, the commit stores; whatever it
refuses, the commit refuses with the same row, field and message; never a 500 in between.

Hypothesis draws random rosters (valid rows, invalid ones, over-long names, duplicated NIKs,
people enrolled under the other agreement, people BPJS refused) and random sequences of
import, BPJS answer, end and re-import, on SQLite and PostgreSQL. Before each import the dry run
is made; the commit that follows must report exactly what the dry run said and write exactly
that: as many new memberships as accepted rows, and never two open memberships of one person
under one agreement.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select, text

from lindung.db import transaction
from lindung.enrollment.actions import (
    do_end_membership,
    do_export_submission,
    do_import_answer,
    do_import_roster,
)
from lindung.enrollment.models import OPEN_STATUSES, Membership
from lindung.enrollment.report import ImportReport
from lindung.registry.models import Worker
from tests.enrollment.test_import import TODAY, agreement, nik
from tests.factories import SYSTEM

PEOPLE = 10
HEADER = ["NIK", "Nama", "Tgl Lahir", "Jenis Kelamin", "Desa/Kelurahan", "Pekerjaan"]
CODES = ("METRO-A", "METRO-B")

row_kind = st.sampled_from(["valid", "valid", "valid", "bad_nik", "long_name", "bad_date",
                            "invisible", "duplicate"])
roster = st.lists(st.tuples(st.integers(1, PEOPLE), row_kind), min_size=1, max_size=8)
step = st.one_of(
    st.tuples(st.just("import"), st.sampled_from(CODES), roster, st.booleans()),
    st.tuples(st.just("answer"), st.sampled_from(CODES),
              st.lists(st.booleans(), min_size=PEOPLE, max_size=PEOPLE)),
    st.tuples(st.just("end"), st.integers(0, 50)),
)


def _row(person: int, kind: str) -> list[str]:
    born = date(1980, 1 + person % 12, 1 + person % 27)
    values = [nik(person, born), f"Warga {person}", born.strftime("%d-%m-%Y"), "L",
              "18.72.01.1001", "Linmas"]
    if kind == "bad_nik":
        values[0] = values[0][:15] + "x"
    elif kind == "long_name":
        values[1] = "N" * 151  # fits SQLite silently, not PostgreSQL: must be refused by both
    elif kind == "bad_date":
        values[2] = "31-02-1980"
    elif kind == "invisible":
        values[1] = f"Warga\u202e{person}"
    return values


def _write(path: Path, rows: list[tuple[int, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for person, kind in rows:
            writer.writerow(_row(person, kind))
            if kind == "duplicate":
                writer.writerow(_row(person, "valid"))
    return path


def _said(report: ImportReport) -> tuple[Any, ...]:
    errors = sorted((e["row"], e["field"], e["message"]) for e in report.to_dict()["errors"])
    return report.accepted, report.unchanged, report.rejected, errors


def _memberships(engine: Engine) -> int:
    with transaction(engine) as s:
        return int(s.scalar(select(func.count()).select_from(Membership)) or 0)


def _reset(engine: Engine) -> None:
    """Forget the people between examples. The audit log is append-only (the database refuses
    DELETE): it keeps the earlier examples' events, which nothing here reads."""
    with engine.begin() as connection:
        for table in ("counter_card", "membership_event", "membership", "roster_import",
                      "worker"):
            connection.execute(text(f"DELETE FROM {table}"))


def _import(engine: Engine, path: Path, code: str, all_or_nothing: bool) -> None:
    with transaction(engine) as s:
        predicted = do_import_roster(s, SYSTEM, path, code, dry_run=True, today=TODAY,
                                  all_or_nothing=all_or_nothing)
    before = _memberships(engine)
    with transaction(engine) as s:
        done = do_import_roster(s, SYSTEM, path, code, today=TODAY,
                             all_or_nothing=all_or_nothing)
    said = _said(predicted)
    if all_or_nothing and predicted.rejected:
        said = (0, *said[1:])  # the dry run counts what would pass; nothing is written
    assert _said(done) == said, (predicted.to_dict(), done.to_dict())
    assert _memberships(engine) - before == done.accepted


def _answer(engine: Engine, tmp: Path, code: str, accepts: list[bool]) -> None:
    with transaction(engine) as s:
        do_export_submission(s, SYSTEM, code, tmp / "kirim.xlsx")
        submitted = s.execute(select(Worker.nik).join(Membership)
                              .where(Membership.status == "submitted")).scalars().all()
    if not submitted:
        return
    path = tmp / "jawab.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["NIK", "KPJ", "Status", "Keterangan"])
        for i, value in enumerate(submitted):
            ok = accepts[i % len(accepts)]
            writer.writerow([value, f"KPJ{i}" if ok else "", "Diterima" if ok else "Ditolak",
                             "" if ok else "data tidak cocok"])
    with transaction(engine) as s:
        result = do_import_answer(s, SYSTEM, path, code)
    assert not result.errors, result.errors


def _end(engine: Engine, pick: int) -> None:
    with transaction(engine) as s:
        open_ids = s.scalars(select(Membership.id).where(Membership.status.in_(OPEN_STATUSES))
                             .order_by(Membership.id)).all()
        if open_ids:
            do_end_membership(s, SYSTEM, open_ids[pick % len(open_ids)], reason="moved",
                              on=date(2022, 12, 31))


def _one_open_per_person_and_agreement(engine: Engine) -> None:
    with transaction(engine) as s:
        worst = s.scalar(select(func.count()).select_from(Membership)
                         .where(Membership.status.in_(OPEN_STATUSES))
                         .group_by(Membership.worker_id, Membership.agreement_id)
                         .order_by(func.count().desc()).limit(1))
    assert (worst or 0) <= 1


def test_the_dry_run_predicts_the_commit(engine: Engine, tmp_path: Path) -> None:
    for code in CODES:
        agreement(engine, code=code, quota=12)

    @given(steps=st.lists(step, min_size=1, max_size=6))
    @settings(max_examples=30, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])
    def check(steps: list[tuple[Any, ...]]) -> None:
        _reset(engine)
        for n, (kind, *args) in enumerate(steps):
            if kind == "import":
                code, rows, all_or_nothing = args
                _import(engine, _write(tmp_path / f"r{n}.csv", rows), code, all_or_nothing)
            elif kind == "answer":
                _answer(engine, tmp_path, *args)
            else:
                _end(engine, *args)
            _one_open_per_person_and_agreement(engine)

    check()
