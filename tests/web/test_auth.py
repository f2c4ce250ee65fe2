"""Sign-in, sessions, CSRF, throttling and security headers."""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy import Engine, select

from lindung.audit.models import AuditEvent
from lindung.db import session_factory
from tests.web.conftest import Client


def _form_token(client: Client) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/masuk").text)
    assert found is not None
    return found.group(1)


def test_pages_need_sign_in(anonymous: Client) -> None:
    response = anonymous.get("/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/masuk"


def test_sign_in_opens_a_session_with_secure_cookie_flags(
    signed_in: Callable[[str], Client], demo_engine: Engine
) -> None:
    client = signed_in("admin.metro")
    home = client.get("/")
    assert home.status_code == 200 and "admin.metro" in home.text
    with session_factory(demo_engine)() as s:
        actions = s.scalars(select(AuditEvent.action).where(
            AuditEvent.action == "auth.sign_in")).all()
    assert actions == ["auth.sign_in"]


def test_wrong_password_and_throttling(anonymous: Client, demo_engine: Engine) -> None:
    for _ in range(5):
        response = anonymous.post("/masuk", data={"username": "admin.metro", "password": "x",
                                                  "csrf_token": _form_token(anonymous)})
        assert response.status_code == 401
        assert "salah" in response.text
    blocked = anonymous.post("/masuk", data={"username": "admin.metro",
                                             "password": "lindung-demo-2026",
                                             "csrf_token": _form_token(anonymous)})
    assert blocked.status_code == 401 and "terlalu banyak" in blocked.text
    with session_factory(demo_engine)() as s:
        failed = s.scalars(select(AuditEvent.action).where(
            AuditEvent.action.like("auth.sign_in_%"))).all()
    assert failed.count("auth.sign_in_failed") == 5 and "auth.sign_in_throttled" in failed


def test_sign_in_form_needs_its_csrf_token(anonymous: Client) -> None:
    anonymous.get("/masuk")
    response = anonymous.post("/masuk", data={"username": "admin.metro",
                                              "password": "lindung-demo-2026",
                                              "csrf_token": "forged"})
    assert response.status_code == 403


def test_unsafe_requests_need_the_session_csrf_token(signed_in: Callable[[str], Client]) -> None:
    client = signed_in("admin.metro")
    assert client.post("/keluar", data={}).status_code == 403
    assert client.post("/keluar", data={"csrf_token": "wrong"}).status_code == 403
    done = client.post_form("/keluar", follow_redirects=False)
    assert done.status_code == 303  # type: ignore[attr-defined]
    assert client.get("/", follow_redirects=False).status_code == 303


def test_security_headers(anonymous: Client) -> None:
    response = anonymous.get("/masuk")
    assert response.headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


def test_api_needs_credentials_and_tokens_are_scoped(anonymous: Client,
                                                     counter_token: str) -> None:
    assert anonymous.get("/api/v1/me").status_code == 401
    assert anonymous.get("/api/v1/me", headers={
        "Authorization": "Bearer lgt_nope"}).status_code == 401
    me = anonymous.get("/api/v1/me", headers={"Authorization": f"Bearer {counter_token}"})
    assert me.status_code == 200
    assert me.json()["permissions"] == ["counter.enrol", "coverage.check"]
