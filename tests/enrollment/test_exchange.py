"""The exchange with the BPJS branch: submission out (NIK as text), answer in (KPJ or reason)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import fastexcel
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from lindung.db import transaction
from lindung.enrollment.actions import do_end_membership, do_export_submission, do_import_answer
from lindung.enrollment.models import Membership, MembershipEvent
from lindung.enrollment.queries import worker_profile
from lindung.errors import Conflict
from lindung.registry.models import Worker
from tests.enrollment.test_import import IN_2022, agreement, nik, person, run, write_csv
from tests.factories import SYSTEM


def enrolled(engine: Engine, tmp_path: Path, count: int = 3) -> None:
    agreement(engine)
    run(engine, write_csv(tmp_path / "r.csv", [person(i) for i in range(1, count + 1)]),
        today=IN_2022)


def answer(path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["NIK", "KPJ", "Status", "Keterangan"])
        writer.writerows(rows)
    return path


def test_submission_file_keeps_nik_as_text_and_marks_submitted(
    engine: Engine, session: Session, tmp_path: Path
) -> None:
    enrolled(engine, tmp_path)
    out = tmp_path / "kirim.xlsx"
    with transaction(engine) as s:
        result = do_export_submission(s, SYSTEM, "METRO-2022", out)
    assert result.count == 3
    sheet = fastexcel.read_excel(str(out)).load_sheet(0, dtypes="string").to_polars()
    assert sheet["NIK"].to_list() == [nik(1), nik(2), nik(3)]
    statuses = set(session.scalars(select(Membership.status)))
    assert statuses == {"submitted"}
    with transaction(engine) as s:  # nothing left to submit
        assert do_export_submission(s, SYSTEM, "METRO-2022", tmp_path / "again.xlsx").count == 0


def test_answer_activates_with_kpj_and_records_rejections(
    engine: Engine, session: Session, tmp_path: Path
) -> None:
    enrolled(engine, tmp_path)
    with transaction(engine) as s:
        do_export_submission(s, SYSTEM, "METRO-2022", tmp_path / "kirim.xlsx")
    path = answer(tmp_path / "jawab.csv", [
        (nik(1), "22012345678", "Diterima", ""),
        (nik(2), "", "Ditolak", "NIK tidak ditemukan di Dukcapil"),
        (nik(3), "", "Diterima", ""),
        ("3.2E+15", "1", "Diterima", ""),
    ])
    with transaction(engine) as s:
        result = do_import_answer(s, SYSTEM, path, None)
    assert (result.activated, result.rejected, result.unchanged) == (1, 1, 0)
    assert [(e["row"], e["field"]) for e in result.errors] == [(4, "kpj"), (5, "nik")]
    session.expire_all()
    by_nik = {nik_: m for nik_, m in session.execute(select(Worker.nik, Membership).join(
        Membership, Membership.worker_id == Worker.id))}
    assert by_nik[nik(1)].status == "active" and by_nik[nik(1)].kpj == "22012345678"
    assert by_nik[nik(1)].covered_on(date(2022, 8, 1))
    assert by_nik[nik(2)].status == "rejected"
    assert by_nik[nik(2)].status_reason == "NIK tidak ditemukan di Dukcapil"
    assert by_nik[nik(3)].status == "submitted"
    # the same answer again changes nothing
    with transaction(engine) as s:
        again = do_import_answer(s, SYSTEM, path, None)
    assert (again.activated, again.rejected, again.unchanged) == (0, 0, 2)


def test_history_is_kept_through_the_whole_life(engine: Engine, session: Session,
                                                tmp_path: Path) -> None:
    enrolled(engine, tmp_path, 1)
    with transaction(engine) as s:
        do_export_submission(s, SYSTEM, "METRO-2022", tmp_path / "kirim.xlsx")
    with transaction(engine) as s:
        do_import_answer(s, SYSTEM, answer(tmp_path / "a.csv",
                                           [(nik(1), "KPJ1", "diterima", "")]), None)
    membership_id = session.scalar(select(Membership.id))
    assert membership_id is not None
    with transaction(engine) as s:
        do_end_membership(s, SYSTEM, membership_id, reason="death", on=date(2022, 9, 3))
    with pytest.raises(Conflict), transaction(engine) as s:
        do_end_membership(s, SYSTEM, membership_id, reason="death", on=date(2022, 9, 3))
    steps = session.execute(select(MembershipEvent.from_status, MembershipEvent.to_status)
                            .order_by(MembershipEvent.id)).all()
    assert [tuple(s) for s in steps] == [(None, "proposed"), ("proposed", "submitted"),
                                        ("submitted", "active"), ("active", "ended")]
    with transaction(engine) as s:
        worker_id = s.scalar(select(Worker.id).where(Worker.nik == nik(1)))
        assert worker_id is not None
        profile = worker_profile(s, SYSTEM, worker_id)
    assert profile.worker.nik_masked != nik(1)
    assert profile.worker.nik_masked.endswith(nik(1)[-4:])
    (membership,) = profile.memberships
    assert membership.status == "ended" and membership.end_reason == "death"
    assert [h.to_status for h in membership.history] == ["proposed", "submitted", "active",
                                                         "ended"]
