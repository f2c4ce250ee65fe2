"""Rosters as operators write them (issue 9): near-miss village names read with a warning,
unknown occupations kept as written, rows under the table ignored with one note, the start
date, the sheet of refused rows, the template, and uploaded files at rest."""

from __future__ import annotations

import csv
import os
import time
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from lindung.audit.models import AuditEvent
from lindung.db import transaction, utcnow
from lindung.enrollment.actions import (
    do_delete_upload,
    do_export_report,
    do_purge_uploads,
    do_set_upload_retention,
)
from lindung.enrollment.models import Membership
from lindung.enrollment.report import (
    REASON_HEADER,
    REJECTED_SHEET,
    ImportReport,
    roster_template,
)
from lindung.enrollment.roster_read import read_roster
from lindung.errors import InvalidInput
from lindung.principal import Forbidden
from lindung.registry.models import Worker
from lindung.rules import load_parameters
from tests import factories
from tests.enrollment.test_import import (
    HEADER,
    TODAY,
    agreement,
    errors_of,
    nik,
    person,
    run,
    write_csv,
)
from tests.factories import SYSTEM


def warnings_of(report: ImportReport) -> list[tuple[int, str, str]]:
    return [(w["row"], w["field"], w["message"]) for w in report.to_dict()["warning_details"]]


def test_a_near_miss_village_is_read_with_a_warning(engine: Engine, session: Session,
                                                    tmp_path: Path) -> None:
    agreement(engine)
    rows = [person(1, **{"Desa/Kelurahan": "Ganjaragung"}),
            person(2, **{"Desa/Kelurahan": "Iringmulyo"}),
            person(3, **{"Desa/Kelurahan": "Ganjar"}),      # far: refused with suggestions
            person(4, **{"Desa/Kelurahan": "Tejo-agung"})]  # a hyphen: the same name
    report = run(engine, write_csv(tmp_path / "r.csv", rows))
    assert (report.accepted, report.rejected) == (3, 1)
    warnings = warnings_of(report)
    assert (2, "village", "Desa 'Ganjaragung' dibaca sebagai 'Ganjar Agung' "
            "(Kecamatan Metro Barat)") in warnings
    assert any(r == 3 and "'Iring Mulyo'" in m for r, _, m in warnings)
    [(row, field, message)] = errors_of(report)
    assert (row, field) == (4, "village") and "Ganjar Agung" in message
    villages = {row: code for row, code in session.execute(
        select(Membership.source_row, Worker.village_code)
        .join(Worker, Worker.id == Membership.worker_id))}
    assert villages == {2: "18.72.03.1002", 3: "18.72.04.1003", 5: "18.72.04.1005"}


def test_the_district_on_the_row_narrows_the_village(engine: Engine, tmp_path: Path) -> None:
    agreement(engine)
    path = tmp_path / "r.csv"
    header = [*HEADER, "Kecamatan"]
    rows = [{**person(1, **{"Desa/Kelurahan": "Hadimulyo"}), "Kecamatan": "Metro Pusat"}]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    report = run(engine, path, dry_run=True)
    # two "Hadimulyo ..." in Metro Pusat: ambiguous, both offered
    [(_, field, message)] = errors_of(report)
    assert field == "village" and "Hadimulyo Timur" in message and "Hadimulyo Barat" in message


def test_an_unknown_occupation_is_kept_with_the_default_risk_class(
        engine: Engine, session: Session, tmp_path: Path) -> None:
    agreement(engine)
    rows = [person(1, Pekerjaan="Penjahit"), person(2, Pekerjaan="Buruh harian lepas")]
    report = run(engine, write_csv(tmp_path / "r.csv", rows))
    assert (report.accepted, report.rejected) == (2, 0)
    assert [r for r, f, _ in warnings_of(report) if f == "occupation"] == [2, 3]
    members = session.scalars(select(Membership).order_by(Membership.source_row)).all()
    default = int(load_parameters().at("pu.jkk.default_risk_class", TODAY).value)
    assert all(f"kelas risiko JKK {default}" in m for _, f, m in warnings_of(report)
               if f == "occupation")
    assert [(m.occupation_code, m.occupation_text) for m in members] == [
        (None, "penjahit"), (None, "buruh harian lepas")]


def test_rows_under_the_table_are_ignored_with_one_note(engine: Engine,
                                                        tmp_path: Path) -> None:
    agreement(engine)
    path = write_csv(tmp_path / "r.csv", [
        person(1), person(2),
        {**{h: "" for h in HEADER}, "Alamat": "Metro, 23 November 2026"},
        {**{h: "" for h in HEADER}, "No": "Jumlah", "Pekerjaan": "2 orang"},
        {**{h: "" for h in HEADER}, "Alamat": "Kepala Dinas"}])
    assert read_roster(path).trailing_rows == (4, 5, 6)
    report = run(engine, path)
    assert (report.rows, report.accepted, report.rejected) == (2, 2, 0)
    assert [n for n in report.notes if "di bawah tabel" in n] == [
        "baris 4–6 di bawah tabel tidak berisi NIK maupun nama (misalnya tanda tangan atau "
        "jumlah) dan diabaikan"]


def test_a_row_inside_the_table_without_nik_and_name_is_still_refused(
        engine: Engine, tmp_path: Path) -> None:
    agreement(engine)
    path = write_csv(tmp_path / "r.csv", [person(1), {**{h: "" for h in HEADER},
                                                       "Alamat": "x"}, person(2)])
    report = run(engine, path, dry_run=True)
    assert report.rejected == 1 and read_roster(path).trailing_rows == ()


def test_a_member_starts_on_the_later_of_phase_start_and_the_day_proposed(
        engine: Engine, session: Session, tmp_path: Path) -> None:
    agreement(engine, code="METRO-2026", start=date(2026, 1, 1), end=date(2026, 12, 31))
    path = write_csv(tmp_path / "r.csv", [person(1)])
    report = run(engine, path, "METRO-2026", today=date(2026, 11, 29))
    assert report.start_date == date(2026, 11, 29)
    assert session.scalar(select(Membership.start_date)) == date(2026, 11, 29)
    assert "peserta baru terlindungi sejak 29 November 2026" in report.notes
    # proposed before the agreement starts: from its start
    agreement(engine, code="METRO-2027", start=date(2027, 1, 1), end=date(2027, 12, 31))
    report = run(engine, path, "METRO-2027", dry_run=True, today=date(2026, 11, 29))
    assert report.start_date == date(2027, 1, 1)


def test_an_agreement_that_says_from_the_phase_starts_members_there(
        engine: Engine, session: Session, tmp_path: Path) -> None:
    from lindung.agreements.actions import do_amend_agreement
    from lindung.enrollment.queries import open_members
    agreement(engine, code="METRO-2026", start=date(2026, 1, 1), end=date(2026, 12, 31))
    with transaction(engine) as s:
        do_amend_agreement(s, SYSTEM, "METRO-2026", effective=date(2026, 1, 1),
                           reason="addendum 1: kepesertaan sejak tahap",
                           changes={"start_rule": "tahap"}, members=open_members)
    report = run(engine, write_csv(tmp_path / "r.csv", [person(1)]), "METRO-2026",
                 today=date(2026, 11, 29))
    assert report.start_date == date(2026, 1, 1)
    with transaction(engine) as s, pytest.raises(InvalidInput):
        do_amend_agreement(s, SYSTEM, "METRO-2026", effective=date(2026, 2, 1),
                           reason="x", changes={"start_rule": "kapan-kapan"},
                           members=open_members)


def test_the_report_has_the_refused_rows_to_fix_and_upload_again(
        engine: Engine, tmp_path: Path) -> None:
    agreement(engine)
    rows = [person(1), person(2, NIK="1234"), person(3, Nama="=HYPERLINK(\"x\")",
                                                   **{"Tgl Lahir": "31-02-1975"})]
    report = run(engine, write_csv(tmp_path / "r.csv", rows), dry_run=True)
    out = tmp_path / "laporan.xlsx"
    with transaction(engine) as s:
        do_export_report(s, SYSTEM, report, out)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[0] == REJECTED_SHEET
    sheet = book[REJECTED_SHEET]
    grid = [[c.value for c in row] for row in sheet.iter_rows()]
    assert grid[0][:3] == ["No", "NIK", "Nama"] and REASON_HEADER in grid[0]
    assert [r[1] for r in grid[1:]] == ["1234", nik(3)]
    assert grid[2][2] == "=HYPERLINK(\"x\")" and sheet.cell(3, 3).data_type == "s"
    # fixed in place and uploaded again: the same file is a roster
    sheet.cell(2, 2).value = nik(2)
    sheet.cell(3, 5).value = "12-03-1975"
    book.save(out)
    again = run(engine, out, dry_run=True)
    assert again.rejected == 0 and again.accepted == 2


def test_the_template_has_columns_occupations_and_villages(engine: Engine,
                                                           tmp_path: Path) -> None:
    agreement(engine)
    with transaction(engine) as s:
        out = roster_template(s, SYSTEM, "METRO-2022", tmp_path / "t.xlsx")
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Daftar Peserta", "Petunjuk", "Pekerjaan", "Desa"]
    data = book["Daftar Peserta"]
    assert data.cell(1, 1).value == "NIK" and data.column_dimensions["A"].number_format == "@"
    assert any(r[0].value == "Anggota Perlindungan Masyarakat (LINMAS)"
               for r in book["Pekerjaan"].iter_rows())
    villages = [r[2].value for r in book["Desa"].iter_rows(min_row=2)]
    assert "Ganjar Agung" in villages and len(villages) == 22
    # the template itself reads as a roster with its headers recognised
    assert read_roster(out).file_errors == ("tidak ada baris data di bawah baris judul; isi "
                                            "satu pekerja per baris",)


def test_uploads_are_deleted_after_commit_and_after_retention(engine: Engine, session: Session,
                                                              tmp_path: Path) -> None:
    agreement(engine)
    root = tmp_path / "uploads"
    old, new = root / ("a" * 32), root / ("b" * 32)
    for folder in (old, new):
        folder.mkdir(parents=True)
        (folder / "r.csv").write_text("NIK\n", encoding="utf-8")
    week_ago = time.time() - 8 * 24 * 3600
    os.utime(old, (week_ago, week_ago))
    with transaction(engine) as s:
        result = do_purge_uploads(s, SYSTEM, root)
    assert (result.deleted, result.kept, result.days) == (1, 1, 7)
    assert not old.exists() and new.exists()
    with transaction(engine) as s:
        assert do_set_upload_retention(s, SYSTEM, 30) == 30
        with pytest.raises(InvalidInput):
            do_set_upload_retention(s, SYSTEM, 0)
    with transaction(engine) as s:
        assert do_delete_upload(s, SYSTEM, root, "b" * 32, file_name="r.csv",
                                agreement_code="METRO-2022", reason="impor disimpan")
    assert not new.exists()
    actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert [a for a in actions if a.startswith("roster.upload")] == [
        "roster.upload_purge", "roster.upload_retention", "roster.upload_delete"]
    # an operator sets no retention
    operator = factories.principal_at(0, "opd_operator", name="opd", kind="opd",
                                     region="18.72", pemda_id=None)
    with transaction(engine) as s, pytest.raises(Forbidden):
        do_set_upload_retention(s, operator, 3)


def test_purge_keeps_what_is_within_retention(engine: Engine, tmp_path: Path) -> None:
    root = tmp_path / "uploads"
    (root / ("c" * 32)).mkdir(parents=True)
    with transaction(engine) as s:
        result = do_purge_uploads(s, SYSTEM, root,
                                  now=utcnow() + timedelta(days=6))
    assert result.deleted == 0 and (root / ("c" * 32)).exists()


def test_a_roster_entered_after_the_agreement_ended_records_the_past(
        engine: Engine, session: Session, tmp_path: Path) -> None:
    agreement(engine)  # 1 July - 31 December 2022
    report = run(engine, write_csv(tmp_path / "r.csv", [person(1)]), today=date(2026, 11, 29))
    assert report.start_date == date(2022, 7, 1)
    assert any("PKS sudah berakhir 31 Desember 2022" in n for n in report.notes)
