"""Commit, then answer: a change the server has acknowledged survives the server being killed
(SIGKILL) the moment the answer arrives, on SQLite and on PostgreSQL; a commit that fails is
answered as an error (5xx, or 409 for a unique key), never as a success; and the logs the
servers of the test suite write never hold a full NIK.

The durability tests run the real server (``python -m lindung serve``, see conftest.py, whose
commits are held back a little so an answer sent before the commit would lose the change every
time) and read the database directly once the process is gone. Each prints how long its request
took; no test asserts on time.
"""

from __future__ import annotations

import csv
import functools
import io
import shutil
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, event, func, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from lindung.accounts.crypto import digest
from lindung.accounts.models import WebSession
from lindung.accounts.throttle import sign_in_throttle, token_limiter
from lindung.agreements.models import Agreement
from lindung.agreements.terms import latest_terms
from lindung.audit.models import AuditEvent
from lindung.counter.models import CounterPayment
from lindung.db import make_engine, session_factory
from lindung.demo_data import DEMO_PASSWORD
from lindung.enrollment.models import Membership, RosterImport
from lindung.errors import DATABASE_BUSY, DATABASE_CONFLICT
from lindung.registry.models import Occupation, Worker
from lindung.web.app import create_app
from tests import serverlogs
from tests.conftest import Demo
from tests.system.conftest import CSRF_FIELD, DemoDatabase, LiveServer, sign_in_form, signed_in

with warnings.catch_warnings():  # starlette's notice about httpx, as in tests/web/conftest.py
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

ROSTER_ROWS = 50_000
DRIVER_NIK = "1802011203850001"  # Lampung Tengah (18.02.01), born 12-03-1985, a man
DRIVER: dict[str, Any] = {"nik": DRIVER_NIK, "name": "Sugeng Riyadi", "birth_date": "1985-03-12",
                          "sex": "L", "phone": "081270001234", "occupation": "sopir_truk",
                          "declared_income": 1_000_000, "months": 3, "funded_by": "self"}


def agreement_body(code: str, quota: int = 60_000) -> dict[str, Any]:
    return {"code": code, "region_code": "18.72", "segment": "bpu", "programs": ["jkk", "jkm"],
            "funded_by": "apbd", "start_date": "2026-01-01", "end_date": "2026-12-31",
            "quota": quota, "declared_income": 1_000_000}


@contextmanager
def stored(url: str) -> Iterator[Session]:
    """A session on the database the server used (opened after the server is gone)."""
    engine = make_engine(url)
    try:
        with session_factory(engine)() as s:
            yield s
    finally:
        engine.dispose()


def audit_count(url: str, action: str, entity_id: str | None = None) -> int:
    with stored(url) as s:
        query = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
        if entity_id is not None:
            query = query.where(AuditEvent.entity_id == entity_id)
        return int(s.scalar(query) or 0)


def timed(server: LiveServer, label: str, request: Callable[[], httpx.Response]
          ) -> httpx.Response:
    """Send ``request``; kill the server the moment the answer is in; print how long it took.
    The killed server's log is in the shared server-log folder (checked for NIKs at the end)."""
    started = time.perf_counter()
    answer = request()
    took = time.perf_counter() - started
    killed = server.crash()
    print(f"[{server.db.kind}] {label}: answered {answer.status_code} in {took * 1000:.0f} ms, "
          "then SIGKILL")
    assert killed.log_path.parent == serverlogs.log_dir()
    assert "lindung melayani" in killed.log_path.read_text(errors="replace")
    return answer


def client_of(server: LiveServer) -> httpx.Client:
    return httpx.Client(base_url=server.url, timeout=120, follow_redirects=False)


# --- 1. commit, then answer: what was answered survives SIGKILL ----------------------------------

def test_sign_in_survives_a_kill_at_the_answer(server: LiveServer) -> None:
    url = server.db.url
    before = audit_count(url, "auth.sign_in", "admin.metro")
    with client_of(server) as client:
        form = sign_in_form(client)
        done = timed(server, "POST /masuk", lambda: client.post("/masuk", data=form))
    assert done.status_code == 303, done.text
    secret = done.cookies.get("lindung_session")
    assert secret
    with stored(url) as s:
        web = s.scalar(select(WebSession).where(WebSession.digest == digest(secret)))
        assert web is not None
    assert audit_count(url, "auth.sign_in", "admin.metro") == before + 1


def test_agreement_created_through_the_api_survives_a_kill(server: LiveServer) -> None:
    url = server.db.url
    with client_of(server) as client:
        csrf = signed_in(client, url)
        done = timed(server, "POST /api/v1/agreements", lambda: client.post(
            "/api/v1/agreements", json=agreement_body("KILL-2026"),
            headers={"X-CSRF-Token": csrf}))
    assert done.status_code == 201, done.text
    assert done.json()["code"] == "KILL-2026"
    with stored(url) as s:
        agreement = s.scalar(select(Agreement).where(Agreement.code == "KILL-2026"))
        assert agreement is not None and latest_terms(agreement).quota == 60_000
    assert audit_count(url, "agreement.create", "KILL-2026") == 1


@functools.cache
def roster_csv(rows: int = ROSTER_ROWS) -> bytes:
    """``rows`` valid Kota Metro rows, all new NIKs: five districts (187201..187205) times one
    birth date per row and district (the serial must be unique per district and birth date;
    serials from 5001 stay clear of the demo data's)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["NIK", "Nama", "Tgl Lahir", "Jenis Kelamin", "Desa/Kelurahan", "Pekerjaan"])
    first = date(1970, 1, 1)
    for k in range(rows):
        district = k % 5 + 1
        born = first + timedelta(days=k // 5)
        woman = k % 2 == 1
        nik = (f"18720{district}{born.day + (40 if woman else 0):02d}{born.month:02d}"
               f"{born.year % 100:02d}{5001 + k % 4000:04d}")
        writer.writerow([nik, f"Warga Uji {k}", born.strftime("%d-%m-%Y"),
                         "P" if woman else "L", f"18.72.0{district}.1001", "Linmas"])
    return out.getvalue().encode("utf-8")


def test_roster_csv_has_distinct_valid_niks() -> None:
    rows = list(csv.DictReader(io.StringIO(roster_csv().decode("utf-8"))))
    assert len(rows) == ROSTER_ROWS
    assert len({r["NIK"] for r in rows}) == ROSTER_ROWS
    assert all(len(r["NIK"]) == 16 and r["NIK"].startswith("18720") for r in rows)


def test_roster_import_of_50000_rows_survives_a_kill(server: LiveServer) -> None:
    url = server.db.url
    code = "KILL-ROSTER-2026"
    data = roster_csv()
    with client_of(server) as client:
        csrf = signed_in(client, url)
        made = client.post("/api/v1/agreements", json=agreement_body(code),
                           headers={"X-CSRF-Token": csrf})
        assert made.status_code == 201, made.text
        done = timed(server, f"POST /api/v1/rosters ({ROSTER_ROWS} rows)", lambda: client.post(
            "/api/v1/rosters", files={"file": ("peserta.csv", data, "text/csv")},
            data={"agreement": code}, headers={"X-CSRF-Token": csrf}))
    assert done.status_code == 200, done.text[:2000]
    report = done.json()
    assert report["committed"] is True, report
    assert report["accepted"] == ROSTER_ROWS and report["rejected"] == 0, report
    with stored(url) as s:
        agreement = s.scalar(select(Agreement).where(Agreement.code == code))
        assert agreement is not None
        members = s.scalar(select(func.count()).select_from(Membership)
                           .where(Membership.agreement_id == agreement.id))
        assert members == ROSTER_ROWS
        imports = s.scalars(select(RosterImport).where(
            RosterImport.agreement_id == agreement.id)).all()
        assert [i.accepted for i in imports] == [ROSTER_ROWS]
    assert audit_count(url, "roster.import", code) == 1


def test_counter_enrolment_survives_a_kill(server: LiveServer) -> None:
    url = server.db.url
    with client_of(server) as client:
        done = timed(server, "POST /api/v1/counter-enrolments", lambda: client.post(
            "/api/v1/counter-enrolments", json=DRIVER,
            headers={"Authorization": f"Bearer {server.db.counter_token}"}))
    assert done.status_code == 201, done.text
    number = done.json()["receipt_number"]
    with stored(url) as s:
        payment = s.scalar(select(CounterPayment).where(CounterPayment.receipt_number == number))
        assert payment is not None and payment.amount == done.json()["amount"]
        membership = s.get(Membership, payment.membership_id)
        assert membership is not None and membership.status == "proposed"
        worker = s.get(Worker, membership.worker_id)
        assert worker is not None and worker.nik == DRIVER_NIK
    assert audit_count(url, "counter.enrol", str(membership.id)) == 1


def test_occupation_added_through_the_api_survives_a_kill(server: LiveServer) -> None:
    url = server.db.url
    body = {"code": "ojek_uji_kill", "name": "Ojek uji", "group": "transport",
            "default_segment": "bpu", "risk_class": 2, "aliases": ["ojek uji"]}
    with client_of(server) as client:
        csrf = signed_in(client, url)
        done = timed(server, "POST /api/v1/occupations", lambda: client.post(
            "/api/v1/occupations", json=body, headers={"X-CSRF-Token": csrf}))
    assert done.status_code == 201, done.text
    with stored(url) as s:
        occupation = s.get(Occupation, "ojek_uji_kill")
        assert occupation is not None and occupation.name == "Ojek uji"
    assert audit_count(url, "occupation.create", "ojek_uji_kill") == 1


# --- 2. a failed commit answers an error, never a success ----------------------------------------

@pytest.fixture
def inproc_engine(demo_db: DemoDatabase, request: pytest.FixtureRequest, tmp_path: Path
                  ) -> Iterator[Engine]:
    """The demo data for an in-process app: a fresh SQLite copy, or the session's PostgreSQL
    demo database (a change that fails leaves nothing; a retried one uses a unique code)."""
    if demo_db.kind == "sqlite":
        template: Demo = request.getfixturevalue("demo_template")
        path = tmp_path / "demo.sqlite3"
        shutil.copy(template.path, path)
        engine = make_engine(f"sqlite:///{path}")
    else:
        engine = make_engine(demo_db.url)
    yield engine
    engine.dispose()


def inproc_client(engine: Engine) -> TestClient:
    """A client of an in-process app on ``engine``; server errors come back as answers."""
    sign_in_throttle.clear()
    token_limiter._calls.clear()
    return TestClient(create_app(engine), raise_server_exceptions=False)


def sign_in_data(client: TestClient) -> dict[str, str]:
    page = client.get("/masuk")
    token = CSRF_FIELD.search(page.text)
    assert token is not None
    return {"username": "admin.metro", "password": DEMO_PASSWORD, "csrf_token": token.group(1)}


@pytest.fixture
def admin(inproc_engine: Engine) -> TestClient:
    """admin.metro signed in to an in-process app, its CSRF token sent with every request."""
    client = inproc_client(inproc_engine)
    done = client.post("/masuk", data=sign_in_data(client), follow_redirects=False)
    assert done.status_code == 303, done.text
    with session_factory(inproc_engine)() as s:
        web = s.scalar(select(WebSession).where(
            WebSession.digest == digest(client.cookies["lindung_session"])))
        assert web is not None
        client.headers["X-CSRF-Token"] = web.csrf_token
    return client


@contextmanager
def failing_commits(engine: Engine, error: Exception) -> Iterator[list[int]]:
    """Every commit on ``engine`` raises ``error`` (before reaching the database) until the
    block ends; yields a list that counts the commits refused."""
    refused: list[int] = []

    def fail(_conn: Any) -> None:
        refused.append(1)
        raise error

    event.listen(engine, "commit", fail)
    try:
        yield refused
    finally:
        event.remove(engine, "commit", fail)


def _occupation(code: str) -> tuple[str, dict[str, Any]]:
    return "/api/v1/occupations", {"code": code, "name": "Pekerjaan uji", "group": "community",
                                   "default_segment": "bpu"}


def _agreement(code: str) -> tuple[str, dict[str, Any]]:
    return "/api/v1/agreements", agreement_body(code.upper().replace("_", "-"), quota=100)


def _is_stored(engine: Engine, path: str, code: str) -> bool:
    with session_factory(engine)() as s:
        if path.endswith("occupations"):
            found = s.get(Occupation, code) is not None
            action = "occupation.create"
        else:
            found = s.scalar(select(Agreement.id).where(Agreement.code == code)) is not None
            action = "agreement.create"
        audited = s.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == action, AuditEvent.entity_id == code))
        return found or bool(audited)


CHANGES = pytest.mark.parametrize("change", [_occupation, _agreement],
                                  ids=["occupation", "agreement"])


@CHANGES
def test_a_commit_the_database_refuses_answers_503(
        admin: TestClient, inproc_engine: Engine,
        change: Callable[[str], tuple[str, dict[str, Any]]]) -> None:
    path, body = change(f"gagal_{uuid.uuid4().hex[:8]}")
    with failing_commits(inproc_engine, OperationalError(
            "COMMIT", None, ConnectionError("server closed the connection"))) as refused:
        answer = admin.post(path, json=body)
    assert refused, "the request never committed"
    assert answer.status_code == 503, answer.text
    assert answer.headers.get("retry-after") == "5"
    error = answer.json()["error"]
    assert set(error) >= {"code", "message"} and error["code"] == "database_unavailable"
    assert error["message"].startswith(DATABASE_BUSY)
    assert "tidak ada yang disimpan" in error["message"]  # said in Indonesian
    assert not _is_stored(inproc_engine, path, body["code"])
    # the same change, once the database takes commits again, is stored: the check above counts
    retried = admin.post(path, json=body)
    assert retried.status_code == 201, retried.text
    assert _is_stored(inproc_engine, path, body["code"])


@CHANGES
def test_a_unique_key_refusing_the_commit_answers_409(
        admin: TestClient, inproc_engine: Engine,
        change: Callable[[str], tuple[str, dict[str, Any]]]) -> None:
    path, body = change(f"bentrok_{uuid.uuid4().hex[:8]}")
    with failing_commits(inproc_engine, IntegrityError(
            "COMMIT", None, ValueError("duplicate key value violates unique constraint"))):
        answer = admin.post(path, json=body)
    assert answer.status_code == 409, answer.text
    error = answer.json()["error"]
    assert error == {"code": "conflict", "message": DATABASE_CONFLICT}
    assert "tidak ada yang disimpan" in error["message"]
    assert not _is_stored(inproc_engine, path, body["code"])


def test_a_sign_in_whose_commit_fails_gives_no_session(inproc_engine: Engine) -> None:
    client = inproc_client(inproc_engine)
    form = sign_in_data(client)
    with session_factory(inproc_engine)() as s:
        sessions = s.scalar(select(func.count()).select_from(WebSession))
    with failing_commits(inproc_engine, OperationalError(
            "COMMIT", None, ConnectionError("server closed the connection"))) as refused:
        answer = client.post("/masuk", data=form, follow_redirects=False)
    assert refused
    assert answer.status_code == 503, answer.text
    assert "lindung_session" not in answer.headers.get("set-cookie", "")
    assert "tidak ada yang disimpan" in answer.text
    with session_factory(inproc_engine)() as s:
        assert s.scalar(select(func.count()).select_from(WebSession)) == sessions


# --- 3. server logs never hold a full NIK --------------------------------------------------------

def test_the_log_check_finds_a_full_nik(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    log.write_text("2026-11-29 10:00:00,123 WARNING lindung.web: all fine\n"
                   "2026-11-29 10:00:01,456 ERROR lindung.web: NIK 1872011203850001 refused\n"
                   "masked 1872********0001, 15 digits 187201120385000, id 42\n",
                   encoding="utf-8")
    found = serverlogs.leaks([log])
    assert found == [f"{log}:2: 1872********0001"]
    assert "1872011203850001" not in "".join(found)


def test_the_log_check_passes_redacted_logs(tmp_path: Path) -> None:
    import logging

    from lindung.logs import RedactNik

    log = tmp_path / "server.log"
    handler = logging.FileHandler(log, encoding="utf-8")
    handler.addFilter(RedactNik())
    logger = logging.getLogger("tests.system.redacted")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.error("refused NIK %s", "1872011203850001")
    finally:
        logger.removeHandler(handler)
        handler.close()
    text = log.read_text(encoding="utf-8")
    assert "1872********0001" in text
    assert serverlogs.leaks([log]) == []


def test_logs_written_since_picks_this_sessions_files() -> None:
    started = time.time() - 2
    path = serverlogs.new_log_path("unit-check")
    try:
        path.write_text("nothing here\n", encoding="utf-8")
        assert path in serverlogs.logs_written_since(started)
        assert path not in serverlogs.logs_written_since(time.time() + 60)
    finally:
        path.unlink()
