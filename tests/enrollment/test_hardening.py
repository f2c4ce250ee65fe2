"""What a probe found in the import and the exchange, each now refused in words or done right:
an all-invalid file, a member refused by BPJS proposed again, operators writing outside their
own OPD or village, what a dry run says of people outside the operator's scope, concurrent
imports, and formulas in names."""

from __future__ import annotations

import csv
import threading
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from lindung.audit.models import AuditEvent
from lindung.db import transaction
from lindung.enrollment.actions import (
    do_end_membership,
    do_export_submission,
    do_import_answer,
    do_import_roster,
)
from lindung.enrollment.models import Membership, MembershipEvent
from lindung.enrollment.report import ImportReport, write_report
from lindung.principal import Principal
from lindung.registry.models import Worker
from tests import factories
from tests.enrollment.test_exchange import answer
from tests.enrollment.test_import import (
    IN_2022,
    TODAY,
    agreement,
    errors_of,
    nik,
    person,
    run,
    snapshot,
    write_csv,
)
from tests.factories import SYSTEM


def test_a_file_whose_every_row_is_invalid_gets_its_report(engine: Engine, session: Session,
                                                           tmp_path: Path) -> None:
    agreement(engine)
    rows = [person(1, NIK="123"), person(2, NIK="x" * 16), person(3, **{"Tgl Lahir": "99-99"})]
    path = write_csv(tmp_path / "bad.csv", rows)
    before = snapshot(session)
    for dry_run in (True, False):
        report = run(engine, path, dry_run=dry_run)
        assert (report.accepted, report.rejected) == (0, 3)
        assert {row for row, _, _ in errors_of(report)} == {2, 3, 4}
    assert snapshot(session) == before


def _submit_and_answer(engine: Engine, tmp_path: Path, rows: list[tuple[str, str, str, str]],
                       code: str = "METRO-2022") -> None:
    with transaction(engine) as s:
        do_export_submission(s, SYSTEM, code, tmp_path / "kirim.xlsx")
    with transaction(engine) as s:
        do_import_answer(s, SYSTEM, answer(tmp_path / "jawab.csv", rows), code)


def test_a_member_refused_by_bpjs_is_proposed_again_as_a_new_period(
    engine: Engine, session: Session, tmp_path: Path
) -> None:
    agreement(engine)
    path = write_csv(tmp_path / "r.csv", [person(1), person(2)])
    run(engine, path)
    _submit_and_answer(engine, tmp_path, [(nik(1), "", "Ditolak", "data KTP tidak cocok"),
                                          (nik(2), "KPJ-2", "Diterima", "")])
    predicted = run(engine, path, dry_run=True)
    assert (predicted.accepted, predicted.unchanged, predicted.rejected) == (1, 1, 0)
    done = run(engine, path)
    assert (done.accepted, done.unchanged, done.rejected) == (1, 1, 0)
    periods = session.execute(
        select(Membership.status, Membership.status_reason)
        .join(Worker, Worker.id == Membership.worker_id)
        .where(Worker.nik == nik(1)).order_by(Membership.id)).all()
    assert [tuple(p) for p in periods] == [("rejected", "data KTP tidak cocok"),
                                           ("proposed", None)]
    # the branch's next answer is for the new period
    _submit_and_answer(engine, tmp_path, [(nik(1), "KPJ-1", "Diterima", "")])
    session.expire_all()
    statuses = session.scalars(select(Membership.status).join(Worker)
                               .where(Worker.nik == nik(1)).order_by(Membership.id)).all()
    assert statuses == ["rejected", "active"]
    assert run(engine, path).unchanged == 2  # and a third import changes nothing


def test_an_ended_member_is_proposed_again_and_two_open_periods_cannot_exist(
    engine: Engine, session: Session, tmp_path: Path
) -> None:
    agreement(engine)
    path = write_csv(tmp_path / "r.csv", [person(1)])
    run(engine, path, today=IN_2022)
    first = session.scalar(select(Membership.id))
    assert first is not None
    with transaction(engine) as s:
        do_end_membership(s, SYSTEM, first, reason="moved", on=date(2022, 9, 30))
    assert run(engine, path).accepted == 1
    session.expire_all()
    assert session.scalars(select(Membership.status).order_by(Membership.id)).all() == [
        "ended", "proposed"]
    with pytest.raises(DBAPIError), transaction(engine) as s:  # the index holds the line
        s.execute(text("UPDATE membership SET status = 'active' WHERE id = :id"), {"id": first})


def _principal(engine: Engine, role: str, code: str, kind: str, name: str, region: str,
               parent: str | None = None) -> Principal:
    ident = factories.organisation(engine, code, kind, name, region, parent)
    pemda = ident if kind == "pemda" else factories.organisation_id(engine, parent)
    return factories.principal_at(ident, role, name=name, kind=kind, region=region,
                                  pemda_id=pemda)


def test_operators_import_only_their_own_opd_or_village(engine: Engine, session: Session,
                                                        tmp_path: Path) -> None:
    _principal(engine, "pemda_admin", "PEMKOT-METRO", "pemda", "Pemerintah Kota Metro",
               "18.72")
    factories.organisation(engine, "DINSOS-METRO", "opd", "Dinas Sosial Kota Metro", "18.72",
                           "PEMKOT-METRO")
    agreement(engine, pemda_code="PEMKOT-METRO")
    opd = _principal(engine, "opd_operator", "SATPOL-METRO", "opd", "Satpol PP Kota Metro",
                     "18.72", "PEMKOT-METRO")
    rows = [dict(person(1), OPD=""), dict(person(2), OPD="satpol pp  kota metro"),
            dict(person(3), OPD="Dinas Sosial Kota Metro")]
    path = tmp_path / "opd.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*rows[0]])
        writer.writeheader()
        writer.writerows(rows)
    with transaction(engine) as s:
        report = do_import_roster(s, opd, path, "METRO-2022", today=TODAY)
    assert report.accepted == 2
    (row, field, message), = errors_of(report)
    assert (row, field) == (4, "agency") and "OPD lain" in message
    assert set(session.scalars(select(Membership.agency))) == {"Satpol PP Kota Metro"}
    assert set(session.scalars(select(Membership.agency_id))) == {opd.organisation_id}

    village = _principal(engine, "village_operator", "KEL-1001", "village", "Kelurahan 1001",
                         "18.72.01.1001", "PEMKOT-METRO")
    rows2 = [person(4), person(5, **{"Desa/Kelurahan": "18.72.01.1002"}),
             person(6, **{"Desa/Kelurahan": ""})]
    with transaction(engine) as s:
        report = do_import_roster(s, village, write_csv(tmp_path / "desa.csv", rows2),
                                  "METRO-2022", today=TODAY)
    assert report.accepted == 2
    assert [(r, f) for r, f, _ in errors_of(report)] == [(3, "village")]
    mine = session.scalar(select(Worker.village_code).where(Worker.nik == nik(6)))
    assert mine == "18.72.01.1001"


def test_a_dry_run_is_audited_and_says_nothing_of_agreements_outside_scope(
    engine: Engine, session: Session, tmp_path: Path
) -> None:
    metro_admin = _principal(engine, "pemda_admin", "METRO", "pemda", "Kota Metro", "18.72")
    agreement(engine, code="METRO-2022", pemda_code="METRO")
    agreement(engine, code="LAMTENG-2022", region_code="18.02")
    lamteng_person = person(1, NIK=nik(1, district="180201"),
                            **{"Desa/Kelurahan": "18.02.01.2001"})
    run(engine, write_csv(tmp_path / "lt.csv", [lamteng_person]), "LAMTENG-2022")
    path = write_csv(tmp_path / "m.csv", [lamteng_person, person(2)])
    with transaction(engine) as s:
        report = do_import_roster(s, metro_admin, path, "METRO-2022", dry_run=True,
                                  today=TODAY)
    (row, field, message), = errors_of(report)
    assert (row, field) == (2, "nik") and "di luar wilayah kerja Anda" in message
    assert "LAMTENG" not in str(report.to_dict()) and "18.02" not in str(report.to_dict())
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "roster.dry_run")).one()
    assert event.detail is not None
    assert (event.detail["niks_looked_up"], event.detail["niks_known"]) == (2, 1)
    assert event.detail["written"] is False
    # the installation's own shell (no principal) is told where
    with transaction(engine) as s:
        shell = do_import_roster(s, SYSTEM, path, "METRO-2022", dry_run=True, today=TODAY)
    assert "LAMTENG-2022" in errors_of(shell)[0][2]


def test_names_that_look_like_formulas_stay_text_in_every_spreadsheet(
    engine: Engine, tmp_path: Path
) -> None:
    agreement(engine)
    evil = ["=cmd|' /C calc'!A0", "=HYPERLINK(\"http://x.example\",\"klik\")", "+1+1", "@SUM(1)"]
    rows = [person(i + 1, Nama=f"{name}") for i, name in enumerate(evil)]
    rows.append(person(9, Alamat="=1+1", NIK="=2+2"))
    path = write_csv(tmp_path / "r.csv", rows)
    report = run(engine, path)
    files = [write_report(report, tmp_path / "laporan.xlsx")]
    with transaction(engine) as s:
        files.append(do_export_submission(s, SYSTEM, "METRO-2022",
                                          tmp_path / "kirim.xlsx").path)
    written = []
    for file in files:
        book = openpyxl.load_workbook(file)
        for sheet in book.worksheets:
            for line in sheet.iter_rows():
                for cell in line:
                    assert cell.data_type != "f", (file.name, cell.coordinate, cell.value)
                    assert cell.hyperlink is None, (file.name, cell.coordinate)
                    written.append(cell.value)
    assert "=cmd|' /C calc'!A0" in written  # the name arrived, as text


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
def test_two_concurrent_imports_of_one_file_enrol_each_person_once(
    engine: Engine, session: Session, tmp_path: Path
) -> None:
    agreement(engine, quota=5000)
    path = write_csv(tmp_path / "r.csv", [person(i) for i in range(1, 2001)])
    outcomes: list[ImportReport | Exception] = []

    def one() -> None:
        try:
            outcomes.append(run(engine, path))
        except Exception as exc:  # a refused one must be a database refusal, not a crash
            outcomes.append(exc)

    threads = [threading.Thread(target=one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # The agreement is locked for the import: the second waits, then finds everyone there.
    reports = sorted((o.accepted, o.unchanged) for o in outcomes if isinstance(o, ImportReport))
    assert reports == [(0, 2000), (2000, 0)], outcomes
    assert session.scalar(select(func.count()).select_from(Membership)) == 2000
    assert session.scalar(select(func.count()).select_from(MembershipEvent)) == 2000
