"""What a probe as an attacker and as a clumsy user found in the web app, each now guarded:
signing in with a stale cookie, an office behind one address, expired sessions, anonymous
floods, API tokens' scope, occupations of one Pemda at another's counter, a NIK in the name
search, and oversized bodies."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, func, select

from lindung.accounts.actions import do_issue_token
from lindung.accounts.models import WebSession
from lindung.accounts.throttle import Throttle, sign_in_throttle
from lindung.audit.models import AuditEvent
from lindung.db import session_factory, transaction, utcnow
from lindung.demo_data import DEMO_PASSWORD
from tests.factories import SYSTEM
from tests.web.conftest import Client

NIK = "1872011203750001"


def _form_token(client: Client) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/masuk").text)
    assert found is not None
    return found.group(1)


def _sign_in(client: Client, username: str, password: str = DEMO_PASSWORD) -> Any:
    return client.post("/masuk", data={"username": username, "password": password,
                                       "csrf_token": _form_token(client)},
                       follow_redirects=False)


def test_a_stale_session_cookie_never_blocks_signing_in(anonymous: Client) -> None:
    anonymous.cookies.set("lindung_session", "expired-or-forged-value")
    assert _sign_in(anonymous, "admin.metro").status_code == 303
    assert anonymous.get("/", follow_redirects=False).status_code == 200


def test_wrong_passwords_slow_down_the_account_not_the_office(anonymous: Client,
                                                              app: Any) -> None:
    for _ in range(5):
        assert _sign_in(anonymous, "admin.metro", "salah-ketik").status_code == 401
    # the guessed account waits, even with the right password ...
    blocked = _sign_in(anonymous, "admin.metro")
    assert blocked.status_code == 401 and "coba lagi dalam" in blocked.text
    # ... while a colleague behind the same office address signs in as usual
    colleague = Client(app)
    assert _sign_in(colleague, "auditor.metro").status_code == 303


def test_backoff_doubles_per_account_and_an_address_has_a_high_ceiling() -> None:
    now = [1000.0]
    throttle = Throttle(free=5, base=30, cap=900, address_limit=100, window=900,
                        clock=lambda: now[0])
    for _ in range(5):
        throttle.fail("ani", "10.0.0.1")
    assert throttle.wait("ani", "10.0.0.1") == 30
    now[0] += 30
    assert throttle.wait("ani", "10.0.0.1") == 0
    throttle.fail("ani", "10.0.0.1")  # the sixth failure: twice as long
    assert throttle.wait("ani", "10.0.0.1") == 60
    for _ in range(20):
        throttle.fail("ani", "10.0.0.1")
    assert throttle.wait("ani", "10.0.0.1") == 900  # never more than the cap
    throttle.succeed("ani")
    assert throttle.wait("ani", "10.0.0.1") == 0
    # 100 failures from one address (many accounts: a guesser) stop that address only
    for i in range(74):
        throttle.fail(f"user{i}", "10.0.0.1")
    assert throttle.wait("budi", "10.0.0.1") == 900
    assert throttle.wait("budi", "10.0.0.2") == 0


def test_expired_sessions_are_purged_at_sign_in_and_at_start_up(
        anonymous: Client, demo_engine: Engine, app: Any) -> None:
    def expired_rows() -> int:
        with session_factory(demo_engine)() as s:
            return int(s.scalar(select(func.count()).select_from(WebSession)
                                .where(WebSession.expires_at < utcnow())) or 0)

    def plant() -> None:
        with transaction(demo_engine) as s:
            for i in range(3):
                s.add(WebSession(digest=f"old{i}{utcnow().timestamp()}", user_id=1,
                                 csrf_token="x", expires_at=utcnow() - timedelta(hours=1)))

    plant()
    assert expired_rows() == 3
    assert _sign_in(anonymous, "admin.metro").status_code == 303
    assert expired_rows() == 0
    plant()
    with Client(app):  # start-up runs the housekeeping
        pass
    assert expired_rows() == 0
    with session_factory(demo_engine)() as s:
        purges = s.scalars(select(AuditEvent.detail)
                           .where(AuditEvent.action == "auth.sessions_purged")).all()
    assert [p["count"] for p in purges if p] == [3, 3]


def test_anonymous_routes_are_limited_per_address(anonymous: Client,
                                                  demo_engine: Engine) -> None:
    answers = [anonymous.get("/kartu/" + "x" * 24).status_code for _ in range(61)]
    assert answers[:60] == [200] * 60 and answers[60] == 429
    with session_factory(demo_engine)() as s:
        scans = s.scalar(select(func.count()).select_from(AuditEvent)
                         .where(AuditEvent.action == "counter.card_verify"))
    assert scans == 60  # the refused scan wrote nothing


def test_a_token_sees_what_a_person_of_its_organisation_sees(
        anonymous: Client, demo_engine: Engine) -> None:
    with transaction(demo_engine) as s:
        pemda, _ = do_issue_token(s, SYSTEM, name="Dasbor Bappeda",
                                  organisation_code="PEMKOT-METRO",
                                  permissions=["agreements.read", "workers.read"])
        opd, _ = do_issue_token(s, SYSTEM, name="Sistem Satpol PP",
                                organisation_code="SATPOL-METRO",
                                permissions=["agreements.read", "workers.read"])
    listed = anonymous.get("/api/v1/agreements", headers={"Authorization": f"Bearer {pemda}"})
    assert [a["code"] for a in listed.json()["items"]] == ["METRO-2026"]
    found = anonymous.get("/api/v1/workers", params={"name": "ahmad"},
                          headers={"Authorization": f"Bearer {opd}"}).json()
    assert found["total"] > 0
    everyone = anonymous.get("/api/v1/workers", params={"name": "ahmad"},
                             headers={"Authorization": f"Bearer {pemda}"}).json()
    assert everyone["total"] > found["total"]  # the OPD's token sees its own members only


def test_an_occupation_of_one_pemda_stays_out_of_another_pemdas_counter(
        signed_in: Callable[[str], Client], counter_token: str, anonymous: Client) -> None:
    admin = signed_in("admin.metro")
    added = admin.post("/api/v1/occupations", headers={"X-CSRF-Token": admin.csrf}, json={
        "code": "ojek_metro", "name": "Ojek pangkalan Metro", "group": "transport",
        "default_segment": "bpu"})
    assert added.status_code == 201, added.text
    assert "ojek_metro" in admin.get("/api/v1/occupations?group=transport").text
    officer = signed_in("loket.kir")  # Lampung Tengah's KIR desk
    assert "ojek_metro" not in officer.get("/loket").text
    refused = anonymous.post("/api/v1/counter-enrolments", headers={
        "Authorization": f"Bearer {counter_token}"}, json={
        "nik": "1802014506900001", "name": "Sri Wahyuni", "birth_date": "1990-06-05",
        "sex": "P", "occupation": "ojek_metro", "months": 1, "funded_by": "self"})
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "occupation"


def test_a_nik_typed_into_the_name_search_is_refused_and_never_shown(
        signed_in: Callable[[str], Client]) -> None:
    admin = signed_in("admin.metro")
    page = admin.get("/pekerja", params={"nama": NIK})
    assert page.status_code == 422 and "Cari menurut NIK" in page.text
    assert NIK not in page.text
    api = admin.get("/api/v1/workers", params={"name": f"siti {NIK}"})
    assert api.status_code == 422 and "Cari menurut NIK" in api.text and NIK not in api.text


def test_bodies_are_bounded_before_they_are_read(anonymous: Client, counter_token: str) -> None:
    headers = {"Authorization": f"Bearer {counter_token}", "Content-Type": "application/json"}
    huge = b'{"nik": "' + b"1" * (2 * 1024 * 1024) + b'"}'
    answer = anonymous.post("/api/v1/coverage-checks", content=huge, headers=headers)
    assert answer.status_code == 413 and "lebih dari 1 MB" in answer.json()["error"]["message"]

    def chunks() -> Any:  # no Content-Length: counted as it arrives
        for _ in range(40):
            yield b"x" * 65536

    streamed = anonymous.post("/api/v1/coverage-checks", content=chunks(), headers=headers)
    assert streamed.status_code == 413


def test_throttle_state_is_reset_between_tests() -> None:
    assert sign_in_throttle.wait("admin.metro", "testclient") == 0
