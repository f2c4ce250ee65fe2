"""Web fixtures: the demo data (Kota Metro, BPJS KCP Metro, KIR counter) loaded once per test
session into a SQLite template; each test gets its own copy, an app and signed-in clients."""

from __future__ import annotations

import re
import shutil
import warnings
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from lindung.accounts.crypto import digest
from lindung.accounts.models import WebSession
from lindung.accounts.throttle import sign_in_throttle, token_limiter
from lindung.db import make_engine, session_factory
from lindung.demo_data import DEMO_PASSWORD
from lindung.web.app import create_app
from lindung.web.deps import anonymous_limiter
from tests.conftest import Demo

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient


@pytest.fixture
def demo_engine(demo_template: Demo, tmp_path: Path) -> Iterator[Engine]:
    path = tmp_path / "demo.sqlite3"
    shutil.copy(demo_template.path, path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture
def counter_token(demo_template: Demo) -> str:
    """The demo KIR counter's API token (coverage.check, counter.enrol)."""
    return demo_template.counter_token


@pytest.fixture
def app(demo_engine: Engine) -> object:
    sign_in_throttle.clear()
    token_limiter._calls.clear()
    anonymous_limiter._calls.clear()
    return create_app(demo_engine)


class Client(TestClient):
    """A test browser; ``csrf`` is its session's CSRF token once signed in."""

    csrf: str = ""

    def post_form(self, url: str, data: Mapping[str, str | list[str]] | None = None,
                  **kwargs: object) -> object:
        return self.post(url, data={**(data or {}), "csrf_token": self.csrf}, **kwargs)


def _signed_in(app: object, demo_engine: Engine, username: str) -> Client:
    client = Client(app)  # type: ignore[arg-type]
    page = client.get("/masuk")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    done = client.post("/masuk", data={"username": username, "password": DEMO_PASSWORD,
                                       "csrf_token": token.group(1)}, follow_redirects=False)
    assert done.status_code == 303, done.text
    secret = client.cookies.get("lindung_session")
    assert secret
    with session_factory(demo_engine)() as s:
        web = s.scalar(select(WebSession).where(WebSession.digest == digest(secret)))
        assert web is not None
        client.csrf = web.csrf_token
    return client


@pytest.fixture
def signed_in(app: object, demo_engine: Engine) -> Callable[[str], Client]:
    """``signed_in("admin.metro")``: a client signed in as a demo account (see demo_data)."""
    return lambda username: _signed_in(app, demo_engine, username)


@pytest.fixture
def anonymous(app: object) -> Client:
    return Client(app)  # type: ignore[arg-type]
