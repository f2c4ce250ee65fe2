"""The authorisation matrix: every route of the app (pages and API, every method, including
routes added later by anyone) called by every demo role, the counter's API token and an
anonymous browser, and checked against ``ROLE_PERMISSIONS``.

The permission a route demands is read from its dependency tree (``page_requires`` and
``api_requires`` mark their checks with ``lindung_permission``). A route that demands none must
be listed below as public or sign-in-only, so an unprotected route cannot slip in unnoticed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import Engine, select
from starlette.routing import Mount, Route

from lindung.db import session_factory
from lindung.demo_data import ACCOUNTS
from lindung.enrollment.models import Membership
from lindung.principal import ROLE_PERMISSIONS, permissions_for
from lindung.registry.models import Worker
from tests.web.conftest import Client

PUBLIC = {
    ("GET", "/masuk"), ("POST", "/masuk"),            # signing in
    ("GET", "/bahasa/{lang}"),                        # choosing the language
    ("GET", "/api/v1/openapi.json"),
    ("MOUNT", "/static"),
    ("GET", "/favicon.ico"),
    ("GET", "/kartu/{code}"),  # the counter's card verification, scanned by anyone holding one
    # choosing a password after a one-time code: the code's own short session is the credential
    ("GET", "/masuk/kata-sandi-baru"), ("POST", "/masuk/kata-sandi-baru"),
}
SIGNED_IN_ONLY = {
    ("GET", "/"),              # home shows each role only what it may see
    ("POST", "/keluar"),       # signing out
    ("GET", "/api/v1/me"),     # who am I
    ("GET", "/akun/kata-sandi"), ("POST", "/akun/kata-sandi"),  # one's own password
    ("POST", "/api/v1/me/password"),
}
COUNTER_TOKEN_PERMISSIONS = permissions_for("api_client", ["coverage.check", "counter.enrol"])
PRINCIPALS = ["anonymous", "counter-token", *(a.username for a in ACCOUNTS)]
ROLE_OF = {a.username: a.role for a in ACCOUNTS}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    permissions: frozenset[str]

    @property
    def api(self) -> bool:
        return self.path.startswith("/api/")


def permissions_of(dependant: Dependant) -> set[str]:
    found = set()
    permission = getattr(dependant.call, "lindung_permission", None)
    if permission:
        found.add(permission)
    for sub in dependant.dependencies:
        found |= permissions_of(sub)
    return found


def calls_of(app: FastAPI) -> tuple[list[Call], list[tuple[str, str]]]:
    """Every (method, path) with its permissions, and those unprotected and not listed.

    FastAPI includes routers lazily: ``app.routes`` holds the included routers, and
    ``iter_route_contexts`` yields each route with its full path. A permission put on an
    ``include_router(dependencies=...)`` is not seen here: such a route shows up as unlisted,
    which fails safe.
    """
    calls, unlisted = [], []
    for context in iter_route_contexts(app.routes):
        route, path = context.original_route, context.path or ""
        if isinstance(route, APIRoute):
            needed = frozenset(permissions_of(route.dependant))
            for method in sorted((context.methods or set()) - {"HEAD"}):
                calls.append(Call(method, path, needed))
                listed = (method, path) in PUBLIC | SIGNED_IN_ONLY
                if not needed and not listed:
                    unlisted.append((method, path))
        elif isinstance(route, Mount):
            if ("MOUNT", path) not in PUBLIC:
                unlisted.append(("MOUNT", path))
        elif isinstance(route, Route):
            for method in sorted((context.methods or set()) - {"HEAD"}):
                if (method, path) not in PUBLIC:
                    unlisted.append((method, path))
        else:
            unlisted.append(("?", path or repr(route)))
    # Signing out ends the session the other calls use: walk it last.
    calls.sort(key=lambda c: (c.path == "/keluar", c.path, c.method))
    return calls, unlisted


def test_every_route_demands_a_permission_or_is_listed(app: FastAPI) -> None:
    calls, unlisted = calls_of(app)
    assert not unlisted, f"routes without a permission and not listed as public: {unlisted}"
    routes = set()
    for context in iter_route_contexts(app.routes):
        route, path = context.original_route, context.path or ""
        if isinstance(route, Mount):
            routes.add(("MOUNT", path))
        for method in context.methods or ():
            routes.add((method, path))
    listed_but_absent = sorted((PUBLIC | SIGNED_IN_ONLY) - routes)
    assert not listed_but_absent, f"listed routes that do not exist: {listed_but_absent}"
    assert len(calls) > 30
    assert ("GET", "/api/v1/workers") in {(c.method, c.path) for c in calls}


def _demo_values(engine: Engine) -> dict[str, str]:
    with session_factory(engine)() as s:
        worker_id = s.scalar(select(Worker.id).join(Membership).where(
            Membership.agency == "Satpol PP Kota Metro").order_by(Worker.id))
    return {"worker_id": str(worker_id), "lang": "id", "token_id": "999999",
            "number": "1", "key": "tidak-ada", "code": "METRO-2026"}


def _url(path: str, values: dict[str, str]) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "code" and "/regions/" in path:
            return "18.72"
        return values.get(name, "1")
    return re.sub(r"{(\w+)(?::[^}]*)?}", fill, path)


def _client(name: str, signed_in: Callable[[str], Client], app: FastAPI,
            counter_token: str) -> Client:
    if name == "anonymous":
        return Client(app, raise_server_exceptions=False)
    if name == "counter-token":
        client = Client(app, raise_server_exceptions=False)
        client.headers["Authorization"] = f"Bearer {counter_token}"
        return client
    client = signed_in(name)
    client._transport.raise_server_exceptions = False
    return client


def _expected(call: Call, principal: str) -> str:
    if principal == "anonymous":
        return "sign-in"
    if principal == "counter-token":
        if not call.api:
            return "sign-in"  # pages are for people; a token is not a browser session
        held = COUNTER_TOKEN_PERMISSIONS
    else:
        held = ROLE_PERMISSIONS[ROLE_OF[principal]]
    return "allow" if call.permissions <= held else "deny"


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_matrix(principal: str, app: FastAPI, signed_in: Callable[[str], Client],
                counter_token: str, demo_engine: Engine) -> None:
    calls, _ = calls_of(app)
    values = _demo_values(demo_engine)
    client = _client(principal, signed_in, app, counter_token)
    wrong: list[str] = []
    for call in calls:
        if (call.method, call.path) in PUBLIC:
            continue
        headers = {"X-CSRF-Token": client.csrf} if call.method in UNSAFE and client.csrf else {}
        response = client.request(call.method, _url(call.path, values), headers=headers,
                                  follow_redirects=False)
        expected = _expected(call, principal)
        status = response.status_code
        to_sign_in = status == 303 and response.headers.get("location") == "/masuk"
        if expected == "sign-in":
            ok = status == 401 if call.api else to_sign_in
        elif expected == "deny":
            ok = status == 403
        elif (call.method, call.path) == ("POST", "/keluar"):
            ok = to_sign_in  # signing out ends at the sign-in page
        else:
            ok = status not in (401, 403) and not to_sign_in and status < 500
        if not ok:
            wrong.append(f"{call.method} {call.path} {sorted(call.permissions)}: expected "
                         f"{expected}, got {status} {response.text[:120]!r}")
    assert not wrong, f"{principal}:\n" + "\n".join(wrong)
