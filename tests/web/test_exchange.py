"""The BPJS exchange in the browser and the API: the submission file of an agreement in scope
(members become submitted, the export is audited) and the branch's answer (KPJ -> active)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, select

from lindung.audit.models import AuditEvent
from lindung.db import session_factory
from lindung.enrollment.models import Membership
from lindung.registry.models import Worker
from tests.enrollment.test_import import nik
from tests.web.conftest import Client
from tests.web.test_agreements import other_pemda_admin
from tests.web.test_roster import key_of, roster_bytes, upload

SignedIn = Callable[[str], Client]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def uploads_in_tmp(app: FastAPI, tmp_path: Path) -> None:
    app.state.upload_dir = tmp_path / "uploads"


def propose_two(admin: Client, tmp_path: Path) -> None:
    page = upload(admin, roster_bytes(tmp_path, bad=False)).text  # type: ignore[attr-defined]
    admin.post_form("/unggah/simpan", {"key": key_of(page)})


def status_of(engine: Engine, serial: int) -> str | None:
    with session_factory(engine)() as s:
        return s.scalar(select(Membership.status).join(Worker).where(
            Worker.nik == nik(serial)))


def answer_csv(rows: list[tuple[str, str, str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["NIK", "KPJ", "Status", "Keterangan"])
    writer.writerows(rows)
    return out.getvalue().encode()


def test_branch_downloads_the_submission_and_uploads_its_answer(
        signed_in: SignedIn, demo_engine: Engine, tmp_path: Path) -> None:
    propose_two(signed_in("admin.metro"), tmp_path)
    branch = signed_in("bpjs.metro")
    overview = branch.get("/pertukaran")
    assert overview.status_code == 200 and "METRO-2026" in overview.text
    sent = branch.post_form("/pertukaran/METRO-2026/kirim")
    assert sent.status_code == 200  # type: ignore[attr-defined]
    assert sent.headers["content-type"] == XLSX  # type: ignore[attr-defined]
    assert sent.headers["x-lindung-count"] == "2"  # type: ignore[attr-defined]
    sheet = pl.read_excel(io.BytesIO(sent.content), schema_overrides={"NIK": pl.String})  # type: ignore[attr-defined]
    assert sheet["NIK"].to_list() == [nik(9001), nik(9002)]  # NIK kept as 16-digit text
    assert status_of(demo_engine, 9001) == "submitted"
    with session_factory(demo_engine)() as s:
        assert s.scalar(select(AuditEvent.actor).where(
            AuditEvent.action == "roster.export_submission",
            AuditEvent.actor == "user:bpjs.metro")) is not None

    answer = answer_csv([(nik(9001), "26000009001", "Diterima", ""),
                         (nik(9002), "", "Ditolak", "NIK tidak padan"),
                         ("1872011203759999", "26000009999", "Diterima", "")])
    result = branch.post("/pertukaran/jawaban", data={"agreement": "METRO-2026",
                                                      "csrf_token": branch.csrf},
                         files={"file": ("jawaban.csv", answer, "text/csv")})
    assert result.status_code == 200
    assert "tidak ada pendaftaran terkirim untuk NIK ini" in result.text
    assert status_of(demo_engine, 9001) == "active"
    assert status_of(demo_engine, 9002) == "rejected"


def test_exchange_is_for_admins_and_branches_in_scope(signed_in: SignedIn,
                                                      demo_engine: Engine) -> None:
    assert signed_in("opd.satpol").get("/pertukaran").status_code == 403
    assert signed_in("auditor.metro").get("/pertukaran").status_code == 403
    admin = signed_in("admin.metro")
    assert "KIR-LAMTENG" not in admin.get("/pertukaran").text
    assert admin.post_form("/pertukaran/KIR-LAMTENG-APBD-2026/kirim").status_code == 404  # type: ignore[attr-defined]
    stranger = signed_in(other_pemda_admin(demo_engine))
    refused = stranger.post("/api/v1/exchange/METRO-2026/submission",
                            headers={"X-CSRF-Token": stranger.csrf})
    assert refused.status_code == 404
    assert admin.post("/pertukaran/METRO-2026/kirim").status_code == 403  # no CSRF token


def test_api_submission_and_answer(signed_in: SignedIn, demo_engine: Engine,
                                   tmp_path: Path) -> None:
    admin = signed_in("admin.metro")
    propose_two(admin, tmp_path)
    headers = {"X-CSRF-Token": admin.csrf}
    sent = admin.post("/api/v1/exchange/METRO-2026/submission", headers=headers)
    assert sent.status_code == 200 and sent.headers["content-type"] == XLSX
    assert sent.headers["x-lindung-count"] == "2"
    answer = answer_csv([(nik(9001), "26000009001", "Diterima", ""),
                         (nik(9002), "26000009002", "aktif", "")])
    done = admin.post("/api/v1/exchange/answers", data={"agreement": "METRO-2026"},
                      files={"file": ("jawaban.csv", answer, "text/csv")}, headers=headers)
    assert done.status_code == 200, done.text
    assert done.json() == {"rows": 2, "activated": 2, "rejected": 0, "unchanged": 0,
                           "errors": []}
    again = admin.post("/api/v1/exchange/answers", data={"agreement": "METRO-2026"},
                       files={"file": ("jawaban.csv", answer, "text/csv")}, headers=headers)
    assert again.json()["unchanged"] == 2  # re-reading the same answer changes nothing
    opd = signed_in("opd.satpol")
    assert opd.post("/api/v1/exchange/answers", data={"agreement": "METRO-2026"},
                    files={"file": ("jawaban.csv", answer, "text/csv")},
                    headers={"X-CSRF-Token": opd.csrf}).status_code == 403
