"""Roster upload in the browser and the API: the refused row and why, shown before anything is
saved; saving only after "Simpan"; the XLSX report; scopes; uploads bound to their uploader."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, func, select

from lindung.agreements.models import Agreement
from lindung.audit.models import AuditEvent
from lindung.db import session_factory
from lindung.enrollment.models import Membership
from tests.enrollment.test_import import person, write_csv
from tests.web.conftest import Client
from tests.web.test_agreements import other_pemda_admin

SignedIn = Callable[[str], Client]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def uploads_in_tmp(app: FastAPI, tmp_path: Path) -> Path:
    folder = tmp_path / "uploads"
    app.state.upload_dir = folder
    return folder


def roster_bytes(tmp_path: Path, *, bad: bool = True) -> bytes:
    """Two people of Kota Metro, and (``bad``) a third whose NIK lost its last digit."""
    rows = [person(9001), person(9002)]
    if bad:
        rows.append(person(9003, NIK="187201120375900"))
    return write_csv(tmp_path / "linmas.csv", rows).read_bytes()


def members(engine: Engine, code: str = "METRO-2026") -> int:
    with session_factory(engine)() as s:
        return int(s.scalar(select(func.count()).select_from(Membership).join(Agreement).where(
            Agreement.code == code)) or 0)


def upload(client: Client, content: bytes, agreement: str = "METRO-2026",
           **fields: str) -> object:
    return client.post("/unggah", data={"agreement": agreement, "csrf_token": client.csrf,
                                         **fields},
                       files={"file": ("linmas.csv", content, "text/csv")})


def key_of(page: str) -> str:
    found = re.search(r'name="key" value="([^"]+)"', page)
    assert found is not None, page
    return found.group(1)


def test_check_shows_the_refused_row_and_saves_only_after_confirmation(
        signed_in: SignedIn, demo_engine: Engine, tmp_path: Path) -> None:
    opd = signed_in("opd.satpol")
    assert "METRO-2026" in opd.get("/unggah").text
    before = members(demo_engine)
    checked = upload(opd, roster_bytes(tmp_path))
    assert checked.status_code == 200  # type: ignore[attr-defined]
    page = checked.text  # type: ignore[attr-defined]
    assert "Hasil pemeriksaan" in page
    # the row as the operator sees it, the column, the value (NIK masked), why and what to do
    assert '<td class="num">4</td><td>NIK</td><td>1872********5900</td>' in page
    assert "NIK tidak 16 digit" in page and "periksa NIK di KTP/KK" in page
    assert members(demo_engine) == before  # a check writes nothing
    saved = opd.post_form("/unggah/simpan", {"key": key_of(page)})
    assert saved.status_code == 200  # type: ignore[attr-defined]
    assert "2 peserta disimpan" in saved.text  # type: ignore[attr-defined]
    assert members(demo_engine) == before + 2
    with session_factory(demo_engine)() as s:
        agencies = set(s.scalars(select(Membership.agency).where(
            Membership.source_row.in_([2, 3]), Membership.status == "proposed")))
        audited = s.scalars(select(AuditEvent.actor).where(
            AuditEvent.action == "roster.import")).all()
    assert agencies == {"Satpol PP Kota Metro"}  # the file had no OPD column
    assert "user:opd.satpol" in audited
    # the OPD operator now sees the two proposed people at home
    assert opd.post_form("/unggah/simpan", {"key": key_of(page)}).status_code == 404  # type: ignore[attr-defined]


def test_all_or_nothing_saves_nothing_when_a_row_is_refused(
        signed_in: SignedIn, demo_engine: Engine, tmp_path: Path) -> None:
    admin = signed_in("admin.metro")
    before = members(demo_engine)
    page = upload(admin, roster_bytes(tmp_path), all_or_nothing="true").text  # type: ignore[attr-defined]
    assert 'name="all_or_nothing" value="true" checked' in page
    saved = admin.post_form("/unggah/simpan", {"key": key_of(page), "all_or_nothing": "true"})
    assert "tidak ada yang disimpan" in saved.text  # type: ignore[attr-defined]
    assert members(demo_engine) == before


def test_report_downloads_as_xlsx_with_the_row_and_message(
        signed_in: SignedIn, demo_engine: Engine, tmp_path: Path) -> None:
    admin = signed_in("admin.metro")
    key = key_of(upload(admin, roster_bytes(tmp_path)).text)  # type: ignore[attr-defined]
    report = admin.get(f"/unggah/{key}/laporan.xlsx")
    assert report.status_code == 200 and report.headers["content-type"] == XLSX
    problems = pl.read_excel(io.BytesIO(report.content), sheet_name="Masalah")
    assert problems["Baris"].to_list() == [4] and problems["Kolom"].to_list() == ["NIK"]
    with session_factory(demo_engine)() as s:
        assert s.scalar(select(AuditEvent.id).where(
            AuditEvent.action == "roster.export_report")) is not None


def test_an_upload_belongs_to_its_uploader(signed_in: SignedIn, tmp_path: Path) -> None:
    admin = signed_in("admin.metro")
    key = key_of(upload(admin, roster_bytes(tmp_path)).text)  # type: ignore[attr-defined]
    village = signed_in("desa.metro")
    assert village.post_form("/unggah/simpan", {"key": key}).status_code == 404  # type: ignore[attr-defined]
    assert village.get(f"/unggah/{key}/laporan.xlsx").status_code == 404
    assert admin.post_form("/unggah/simpan", {"key": "../../etc/passwd"}).status_code == 404  # type: ignore[attr-defined]


def test_uploads_stay_in_scope_and_need_permission(
        signed_in: SignedIn, demo_engine: Engine, tmp_path: Path) -> None:
    content = roster_bytes(tmp_path)
    village = signed_in("desa.metro")
    outside = upload(village, content, agreement="KIR-LAMTENG-APBD-2026")
    assert outside.status_code == 422 and "tidak ditemukan" in outside.text  # type: ignore[attr-defined]
    stranger = signed_in(other_pemda_admin(demo_engine))
    assert "METRO-2026" not in stranger.get("/unggah").text
    assert upload(stranger, content).status_code == 422  # type: ignore[attr-defined]
    assert signed_in("bpjs.metro").get("/unggah").status_code == 403
    assert signed_in("auditor.metro").get("/unggah").status_code == 403
    admin = signed_in("admin.metro")
    refused = admin.post("/unggah", data={"agreement": "METRO-2026"},
                         files={"file": ("linmas.csv", content, "text/csv")})
    assert refused.status_code == 403  # no CSRF token


def test_api_dry_run_and_import_answer_like_the_cli(
        signed_in: SignedIn, demo_engine: Engine, tmp_path: Path) -> None:
    admin = signed_in("admin.metro")
    headers = {"X-CSRF-Token": admin.csrf}
    files = {"file": ("linmas.csv", roster_bytes(tmp_path), "text/csv")}
    before = members(demo_engine)
    dry = admin.post("/api/v1/rosters/dry-run", data={"agreement": "METRO-2026"},
                     files=files, headers=headers)
    assert dry.status_code == 200, dry.text
    body = dry.json()
    assert {k: body[k] for k in ("rows", "accepted", "rejected", "dry_run", "committed")} == {
        "rows": 3, "accepted": 2, "rejected": 1, "dry_run": True, "committed": False}
    assert body["errors"][0]["row"] == 4 and body["errors"][0]["field"] == "nik"
    assert body["errors"][0]["message"] == "NIK tidak 16 digit"
    assert members(demo_engine) == before
    done = admin.post("/api/v1/rosters", data={"agreement": "METRO-2026"}, files=files,
                      headers=headers)
    assert done.status_code == 200 and done.json()["committed"] is True
    assert members(demo_engine) == before + 2
    branch = signed_in("bpjs.metro")
    assert branch.post("/api/v1/rosters/dry-run", data={"agreement": "METRO-2026"},
                       files=files, headers={"X-CSRF-Token": branch.csrf}).status_code == 403
    missing = admin.post("/api/v1/rosters", data={"agreement": "NOPE"}, files=files,
                         headers=headers)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "notfound"


def test_every_operator_sees_the_occupations_and_downloads_the_template(
        signed_in: SignedIn, tmp_path: Path) -> None:
    village = signed_in("desa.metro")
    page = village.get("/unggah").text
    assert "Daftar pekerjaan" in page and "Anggota Perlindungan Masyarakat (LINMAS)" in page
    assert "Masa simpan berkas unggahan" not in page  # the admin's setting
    template = village.get("/unggah/templat.xlsx?agreement=METRO-2026")
    assert template.status_code == 200 and template.headers["content-type"] == XLSX
    sheets = pl.read_excel(io.BytesIO(template.content), sheet_id=0)
    assert list(sheets) == ["Daftar Peserta", "Petunjuk", "Pekerjaan", "Desa"]
    assert "Ganjar Agung" in sheets["Desa"]["Desa/Kelurahan"].to_list()
    assert village.get("/unggah/templat.xlsx?agreement=KIR-LAMTENG-APBD-2026").status_code \
        == 404
    api = village.get("/api/v1/rosters/template?agreement=METRO-2026")
    assert api.status_code == 200 and api.content[:2] == b"PK"
    assert signed_in("bpjs.metro").get(
        "/api/v1/rosters/template?agreement=METRO-2026").status_code == 403
    # the occupation list is open to every signed-in role, the counter's officer too
    listed = signed_in("loket.kir").get("/api/v1/occupations?per_page=100")
    assert listed.status_code == 200 and any(
        o["name"] == "Anggota Perlindungan Masyarakat (LINMAS)" for o in listed.json()["items"])


def test_a_saved_upload_leaves_the_disk_and_the_deletion_is_audited(
        signed_in: SignedIn, demo_engine: Engine, tmp_path: Path, uploads_in_tmp: Path) -> None:
    admin = signed_in("admin.metro")
    page = upload(admin, roster_bytes(tmp_path)).text  # type: ignore[attr-defined]
    assert len(list(uploads_in_tmp.iterdir())) == 1  # kept between "Periksa" and "Simpan"
    saved = admin.post_form("/unggah/simpan", {"key": key_of(page)})
    assert "sudah dihapus dari server" in saved.text  # type: ignore[attr-defined]
    assert list(uploads_in_tmp.iterdir()) == []
    with session_factory(demo_engine)() as s:
        detail = s.scalars(select(AuditEvent.detail).where(
            AuditEvent.action == "roster.upload_delete")).one()
    assert detail is not None and detail["reason"] == "impor disimpan"


def test_the_admin_sets_the_retention_and_old_uploads_go(
        signed_in: SignedIn, demo_engine: Engine, tmp_path: Path, uploads_in_tmp: Path) -> None:
    import os
    import time

    old = uploads_in_tmp / ("o" * 32)
    old.mkdir(parents=True)
    (old / "r.csv").write_text("NIK\n", encoding="utf-8")
    four_days_ago = time.time() - 4 * 24 * 3600
    os.utime(old, (four_days_ago, four_days_ago))
    admin = signed_in("admin.metro")
    assert 'name="days" inputmode="numeric" value="7"' in admin.get("/unggah").text
    assert admin.post_form("/unggah/retensi", {"days": "0"}).status_code == 422  # type: ignore[attr-defined]
    done = admin.post_form("/unggah/retensi", {"days": "3"})
    assert done.status_code == 200 and "Masa simpan berkas unggahan disimpan" in done.text  # type: ignore[attr-defined]
    assert not old.exists()  # four days old: past three
    with session_factory(demo_engine)() as s:
        actions = s.scalars(select(AuditEvent.action).where(
            AuditEvent.action.like("roster.upload%")).order_by(AuditEvent.id)).all()
    assert actions == ["roster.upload_retention", "roster.upload_purge"]
    assert signed_in("opd.satpol").post_form("/unggah/retensi",
                                             {"days": "30"}).status_code == 403  # type: ignore[attr-defined]
