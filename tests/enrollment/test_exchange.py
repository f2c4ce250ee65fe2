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
from lindung.enrollment.exchange import export_submission, import_answer
from lindung.enrollment.models import Membership, MembershipEvent
from lindung.enrollment.service import end_membership
from lindung.errors import Conflict
from lindung.registry.models import Worker
from lindung.registry.service import worker_profile
from tests.enrollment.test_import import agreement, nik, person, run, write_csv


def enrolled(engine: Engine, tmp_path: Path, count: int = 3) -> None:
    agreement(engine)
    run(engine, write_csv(tmp_path / "r.csv", [person(i) for i in range(1, count + 1)]))


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
        result = export_submission(s, "METRO-2022", out, actor="operator")
    assert result.count == 3
    sheet = fastexcel.read_excel(str(out)).load_sheet(0, dtypes="string").to_polars()
    assert sheet["NIK"].to_list() == [nik(1), nik(2), nik(3)]
    statuses = set(session.scalars(select(Membership.status)))
    assert statuses == {"submitted"}
    with transaction(engine) as s:  # nothing left to submit
        assert export_submission(s, "METRO-2022", tmp_path / "again.xlsx",
                                 actor="operator").count == 0


def test_answer_activates_with_kpj_and_records_rejections(
    engine: Engine, session: Session, tmp_path: Path
) -> None:
    enrolled(engine, tmp_path)
    with transaction(engine) as s:
        export_submission(s, "METRO-2022", tmp_path / "kirim.xlsx", actor="operator")
    path = answer(tmp_path / "jawab.csv", [
        (nik(1), "22012345678", "Diterima", ""),
        (nik(2), "", "Ditolak", "NIK tidak ditemukan di Dukcapil"),
        (nik(3), "", "Diterima", ""),
        ("3.2E+15", "1", "Diterima", ""),
    ])
    with transaction(engine) as s:
        result = import_answer(s, path, actor="bpjs")
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
        again = import_answer(s, path, actor="bpjs")
    assert (again.activated, again.rejected, again.unchanged) == (0, 0, 2)


def test_history_is_kept_through_the_whole_life(engine: Engine, session: Session,
                                                tmp_path: Path) -> None:
    enrolled(engine, tmp_path, 1)
    with transaction(engine) as s:
        export_submission(s, "METRO-2022", tmp_path / "kirim.xlsx", actor="operator")
    with transaction(engine) as s:
        import_answer(s, answer(tmp_path / "a.csv", [(nik(1), "KPJ1", "diterima", "")]),
                      actor="bpjs")
    membership_id = session.scalar(select(Membership.id))
    assert membership_id is not None
    with transaction(engine) as s:
        end_membership(s, membership_id, reason="death", on=date(2022, 9, 3), actor="operator")
    with pytest.raises(Conflict), transaction(engine) as s:
        end_membership(s, membership_id, reason="death", on=date(2022, 9, 3), actor="operator")
    steps = session.execute(select(MembershipEvent.from_status, MembershipEvent.to_status)
                            .order_by(MembershipEvent.id)).all()
    assert [tuple(s) for s in steps] == [(None, "proposed"), ("proposed", "submitted"),
                                        ("submitted", "active"), ("active", "ended")]
    with transaction(engine) as s:
        profile = worker_profile(s, nik(1))
    assert profile["nik"] != nik(1) and profile["nik"].endswith(nik(1)[-4:])
    (membership,) = profile["memberships"]
    assert membership["status"] == "ended" and membership["end_reason"] == "death"
    assert [h["to"] for h in membership["history"]] == ["proposed", "submitted", "active",
                                                        "ended"]
