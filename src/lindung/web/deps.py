"""Request plumbing shared by pages and the API: the database session of a request, who is
acting, CSRF protection, rate limits, and the language of the page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import Depends, HTTPException, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from lindung.accounts.crypto import same_secret
from lindung.accounts.models import ApiToken
from lindung.accounts.queries import cached_token_principal, session_principal, token_principal
from lindung.accounts.throttle import RateLimiter, token_limiter
from lindung.db import session_factory
from lindung.limits import ANONYMOUS_PER_MINUTE
from lindung.principal import Principal
from lindung.web.i18n import LANGUAGES

SESSION_COOKIE = "lindung_session"
PRE_CSRF_COOKIE = "lindung_csrf"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class SignInRequired(Exception):
    """Raised by page dependencies: the app answers with a redirect to the sign-in page."""


def engine_of(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def db(request: Request) -> Iterator[Session]:
    """One transaction per request: committed when the handler returns, rolled back on error.

    Always used as :data:`DB` (``scope="function"``): the commit then runs when the handler
    returns and *before* the response is sent, so a client is never told of a change that a
    crash right after the answer could lose, and a failed commit is answered as an error.
    """
    session = session_factory(engine_of(request))()
    try:
        with session.begin():
            yield session
    finally:
        session.close()


DB: Any = Depends(db, scope="function")
"""The request's database session, committed before the response is sent (see :func:`db`)."""


def language(request: Request) -> str:
    lang = request.cookies.get("lang", "id")
    return lang if lang in LANGUAGES else "id"


def _rate_limited(token: ApiToken) -> None:
    if not token_limiter.allow(f"token:{token.id}", token.rate_per_minute):
        raise HTTPException(429, "batas permintaan per menit terlampaui",
                            headers={"Retry-After": "60"})


anonymous_limiter = RateLimiter()
"""Requests per client address on the routes anyone may call."""


def client_address(request: Request) -> str:
    return request.client.host if request.client else "-"


def anonymous_limit(request: Request) -> None:
    """At most :data:`ANONYMOUS_PER_MINUTE` requests a minute per client address on a public
    route (card verification, the sign-in page): the rest get 429 before any work or audit."""
    key = f"anon:{request.url.path.split('/')[1]}:{client_address(request)}"
    if not anonymous_limiter.allow(key, ANONYMOUS_PER_MINUTE):
        raise HTTPException(429, "terlalu banyak permintaan dari alamat ini; coba lagi "
                                 "sebentar lagi", headers={"Retry-After": "60"})


ANONYMOUS_LIMIT: Any = Depends(anonymous_limit)


def _from_token_cache(request: Request) -> Principal | None:
    """The hot path of desk systems: a recently seen token, resolved without a thread hop."""
    if hasattr(request.state, "principal"):
        found: Principal | None = request.state.principal
        return found
    auth = request.headers.get("authorization", "")
    if not auth.lower().startswith("bearer "):
        return None
    hit = cached_token_principal(auth[7:].strip())
    if hit is None:
        return None
    principal, token = hit
    _rate_limited(token)
    request.state.csrf = None
    request.state.principal = principal
    return principal


def _resolve(request: Request, session: Session) -> Principal | None:
    if hasattr(request.state, "principal"):
        found: Principal | None = request.state.principal
        return found
    principal: Principal | None = None
    request.state.csrf = None
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        found_token = token_principal(session, auth[7:].strip())
        if found_token is None:
            raise HTTPException(401, "token tidak valid atau sudah dicabut",
                                headers={"WWW-Authenticate": "Bearer"})
        principal, token = found_token
        _rate_limited(token)
    else:
        found_session = session_principal(session, request.cookies.get(SESSION_COOKIE))
        if found_session is not None:
            principal, web = found_session
            request.state.csrf = web.csrf_token
    request.state.principal = principal
    return principal


def optional_principal(request: Request, session: Session = DB) -> Principal | None:
    return _resolve(request, session)


def page_principal(request: Request, session: Session = DB) -> Principal:
    """A signed-in user for an HTML page; otherwise the browser is sent to sign in."""
    principal = _resolve(request, session)
    if principal is None or principal.kind != "user":
        raise SignInRequired()
    return principal


def _resolve_alone(request: Request) -> Principal | None:
    """:func:`_resolve` in a short read-only session of its own."""
    session = session_factory(engine_of(request))()
    try:
        return _resolve(request, session)
    finally:
        session.close()


async def api_principal(request: Request) -> Principal:
    """A token or a signed-in user for the API; 401 otherwise. Needs no request transaction,
    so a hot endpoint (the counter's coverage check) can run with a single thread hop."""
    principal = _from_token_cache(request)
    if principal is None:
        principal = await run_in_threadpool(_resolve_alone, request)
    if principal is None:
        raise HTTPException(401, "masuk dulu atau kirim token: Authorization: Bearer <token>",
                            headers={"WWW-Authenticate": "Bearer"})
    return principal


async def csrf_guard(request: Request) -> None:
    """Every unsafe request made with the session cookie must carry that session's CSRF token
    (form field ``csrf_token`` or header ``X-CSRF-Token``); token-authenticated calls need none."""
    if request.method not in UNSAFE:
        return
    if request.headers.get("authorization", "").lower().startswith("bearer "):
        return
    if SESSION_COOKIE not in request.cookies:
        return  # nothing ambient to abuse; the route's own sign-in check answers
    session = session_factory(engine_of(request))()
    try:
        found = session_principal(session, request.cookies.get(SESSION_COOKIE))
    finally:
        session.close()
    if found is None:
        # A stale or unknown cookie is no credential: the request is anonymous, so signing in
        # again works, and a route that needs a user answers as for anyone signed out.
        return
    sent = request.headers.get("x-csrf-token")
    if sent is None and "form" in request.headers.get("content-type", ""):
        form = await request.form()
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else None
    expected = found[1].csrf_token
    if not same_secret(sent, expected):
        raise HTTPException(403, "token CSRF tidak cocok; muat ulang halaman lalu coba lagi")


def _requirement(permission: str, resolve: Any) -> Any:
    """A dependency that yields the principal when it holds ``permission``, else 403.

    The returned callable carries ``lindung_permission`` so the authorisation-matrix test can
    read, for every route, which permission it demands.
    """

    async def check(principal: Principal = Depends(resolve)) -> Principal:
        principal.require(permission)
        return principal

    check.lindung_permission = permission  # type: ignore[attr-defined]
    check.__name__ = f"requires_{permission.replace('.', '_')}"
    return check


def page_requires(permission: str) -> Any:
    """For HTML pages: sign-in redirect when anonymous, 403 page when not permitted."""
    return _requirement(permission, page_principal)


def api_requires(permission: str) -> Any:
    """For the API: 401 without credentials, 403 when the token or user lacks the permission."""
    return _requirement(permission, api_principal)
