"""The FastAPI application: pages under ``/``, the REST API under ``/api/v1``.

Views are thin: they translate HTTP to calls of the domain services, which check permissions and
scopes and write the audit log in the request's transaction.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lindung import __version__
from lindung.accounts.permissions import Forbidden
from lindung.db import get_engine
from lindung.errors import (
    DATABASE_BUSY,
    DATABASE_CONFLICT,
    Conflict,
    InvalidInput,
    LindungError,
    NotFound,
)
from lindung.limits import MAX_JSON_BODY, MAX_UPLOAD_BYTES
from lindung.web.deps import SignInRequired, language
from lindung.web.templating import templates

log = logging.getLogger("lindung.web")
STATIC = Path(__file__).parent / "static"
UPLOAD_OVERHEAD = 64 * 1024
"""Multipart framing and the form's other fields, on top of the file itself."""
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": ("default-src 'self'; img-src 'self' data:; "
                                "style-src 'self'; script-src 'self'; frame-ancestors 'none'"),
    "Cache-Control": "no-store",
}


class SecurityHeaders:
    """Adds the security headers to every response (plain ASGI: no per-request task hop)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    if name == "Cache-Control" and static:
                        continue
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Refuses a request body larger than it may be (413) before it is read in full: a roster
    upload (multipart) up to :data:`MAX_UPLOAD_BYTES`, anything else up to
    :data:`MAX_JSON_BODY`. A declared ``Content-Length`` is judged at once; a body sent without
    one is counted as it arrives."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        kind = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        limit = (MAX_UPLOAD_BYTES + UPLOAD_OVERHEAD if kind == b"multipart/form-data"
                 else MAX_JSON_BODY)
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await _too_large(limit, scope["path"].startswith("/api/"))(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise HTTPException(413, _too_large_text(limit))
            return message

        await self.app(scope, counted, send)


def _too_large_text(limit: int) -> str:
    size = (f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024
            else f"{limit // 1024} KB")
    return (f"isi permintaan lebih dari {size}; untuk daftar peserta yang besar, bagi menjadi "
            "beberapa berkas atau gunakan perintah lindung di server")


def _too_large(limit: int, api: bool) -> Response:
    text = _too_large_text(limit)
    if api:
        return JSONResponse(_error_body("http_413", text), status_code=413,
                            headers={"Connection": "close"})
    return HTMLResponse(f'<!doctype html><html lang="id"><meta charset="utf-8"><title>Berkas '
                        f'terlalu besar</title><p>{text}.</p><p><a href="/">Kembali</a></p>',
                        status_code=413, headers={"Connection": "close"})


def _incident() -> str:
    """A short code the user can quote to the administrator, who finds it in the log."""
    return secrets.token_hex(4).upper()


def _status(exc: LindungError) -> int:
    if isinstance(exc, Forbidden):
        return 403
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, Conflict):
        return 409
    if isinstance(exc, InvalidInput):
        return 422
    return 400


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error_body(code: str, message: str, field: str | None = None,
                details: Any = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if field:
        error["field"] = field
    if details is not None:
        error["details"] = details
    return {"error": error}


def _start_up(engine: Engine) -> None:
    """Housekeeping when the server starts: what a killed process left in ``var/tmp`` and
    sessions that have expired."""
    from lindung.accounts.service import purge_expired_sessions
    from lindung.db import transaction
    from lindung.tempfiles import sweep

    swept = sweep()
    if swept:
        log.warning("removed %d temporary folders left by stopped processes", swept)
    with transaction(engine) as session:
        purge_expired_sessions(session, actor="system:start-up")


def create_app(engine: Engine | None = None, *, secure_cookies: bool = False) -> FastAPI:
    """The application bound to ``engine`` (default: lindung's configured database)."""
    bound = engine or get_engine()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(_start_up, bound)
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="lindung API", version=__version__,
        description="Jaminan sosial ketenagakerjaan untuk Pemda dan BPJS Ketenagakerjaan. "
                    "Semua jumlah uang dalam rupiah bulat; NIK selalu teks 16 digit dan hanya "
                    "dikirim di badan permintaan, tidak pernah di URL.",
        # Swagger UI would load scripts from a CDN, which the CSP and offline offices forbid.
        docs_url=None, redoc_url=None, openapi_url="/api/v1/openapi.json",
    )
    app.state.engine = bound
    app.state.secure_cookies = secure_cookies
    app.add_middleware(BodyLimit)
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")

    def _answer(request: Request, status: int, code: str, message: str,
                headers: dict[str, str] | None = None) -> Response:
        if _is_api(request):
            return JSONResponse(_error_body(code, message), status_code=status, headers=headers)
        return templates.TemplateResponse(request, "error.html", {
            "lang": language(request), "message": message, "status": status,
            "principal": getattr(request.state, "principal", None),
            "csrf_token": getattr(request.state, "csrf", None)}, status_code=status,
            headers=headers)

    @app.exception_handler(IntegrityError)
    async def _conflict(request: Request, exc: IntegrityError) -> Response:
        # The driver's message may name a key's value (a NIK): it is not shown, nor logged.
        log.warning("database conflict on %s %s (%s)", request.method, request.url.path,
                    type(exc.orig).__name__)
        return _answer(request, 409, "conflict", DATABASE_CONFLICT)

    @app.exception_handler(OperationalError)
    async def _busy(request: Request, exc: OperationalError) -> Response:
        incident = _incident()
        log.error("database unavailable [%s] on %s %s: %s", incident, request.method,
                  request.url.path, type(exc.orig).__name__)
        return _answer(request, 503, "database_unavailable", f"{DATABASE_BUSY} (kode {incident})",
                       headers={"Retry-After": "5"})

    @app.exception_handler(SQLAlchemyError)
    async def _database(request: Request, exc: SQLAlchemyError) -> Response:
        incident = _incident()
        log.error("database error [%s] on %s %s", incident, request.method, request.url.path,
                  exc_info=exc)
        return _answer(request, 500, "database_error",
                       f"galat basis data; tidak ada yang disimpan. Sebutkan kode {incident} "
                       "kepada admin bila terulang.")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        incident = _incident()
        log.error("unexpected error [%s] on %s %s", incident, request.method, request.url.path,
                  exc_info=exc)
        return _answer(request, 500, "internal_error",
                       f"terjadi galat di server; tidak ada yang disimpan. Sebutkan kode "
                       f"{incident} kepada admin bila terulang.")

    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, _exc: SignInRequired) -> Response:
        return RedirectResponse("/masuk", status_code=303)

    @app.exception_handler(LindungError)
    async def _domain_error(request: Request, exc: LindungError) -> Response:
        status = _status(exc)
        field = getattr(exc, "field", None)
        if _is_api(request):
            return JSONResponse(_error_body(type(exc).__name__.lower(), str(exc), field),
                                status_code=status)
        return templates.TemplateResponse(request, "error.html", {
            "lang": language(request), "message": str(exc), "status": status,
            "principal": getattr(request.state, "principal", None),
            "csrf_token": getattr(request.state, "csrf", None)}, status_code=status)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException) -> Response:
        if _is_api(request) or exc.status_code in (401, 429):
            return JSONResponse(_error_body(f"http_{exc.status_code}", str(exc.detail)),
                                status_code=exc.status_code, headers=exc.headers)
        return templates.TemplateResponse(request, "error.html", {
            "lang": language(request), "message": str(exc.detail), "status": exc.status_code,
            "principal": getattr(request.state, "principal", None),
            "csrf_token": getattr(request.state, "csrf", None)}, status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        details = [{"field": ".".join(str(p) for p in e.get("loc", ())[1:]),
                    "message": e.get("msg", "")} for e in exc.errors()]
        return JSONResponse(_error_body("invalid_request", "permintaan tidak valid",
                                        details=details), status_code=422)

    from lindung.web.api import router as api_router
    from lindung.web.pages import router as pages_router

    app.include_router(pages_router)
    app.include_router(api_router, prefix="/api/v1")
    return app
