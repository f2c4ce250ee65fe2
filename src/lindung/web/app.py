"""The FastAPI application: pages under ``/``, the REST API under ``/api/v1``.

Views are thin: they translate HTTP to calls of the domain services, which check permissions and
scopes and write the audit log in the request's transaction.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from http import HTTPStatus
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
)
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.routing import Match, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lindung import __version__
from lindung.db import get_engine
from lindung.enrollment.queries import NAME_QUERY_REGEX, NIK_IN_NAME_SEARCH
from lindung.errors import (
    DATABASE_BUSY,
    DATABASE_CONFLICT,
    Conflict,
    InvalidInput,
    LindungError,
    NotFound,
)
from lindung.formatting import format_number
from lindung.limits import MAX_JSON_BODY, MAX_UPLOAD_BYTES
from lindung.principal import Forbidden
from lindung.text import CODE_REGEX, CODE_RULE
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
    # Strict on purpose (docs/decisions/0017): no inline script or style anywhere; htmx is
    # configured by a <meta> in base.html not to inject its own <style> nor to eval.
    "Content-Security-Policy": ("default-src 'self'; img-src 'self' data:; "
                                "style-src 'self'; script-src 'self'; frame-ancestors 'none'; "
                                "base-uri 'none'; form-action 'self'"),
    "Cache-Control": "no-store",
}


class HttpMiddleware:
    """Plain ASGI middleware (no per-request task hop) that sees HTTP requests only."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.http(scope, receive, send)

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


class SecurityHeaders(HttpMiddleware):
    """Adds the security headers to every response."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
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


class BodyLimit(HttpMiddleware):
    """Refuses a request body larger than it may be (413) before it is read in full: a roster
    upload (multipart) up to :data:`MAX_UPLOAD_BYTES`, anything else up to
    :data:`MAX_JSON_BODY`. A declared ``Content-Length`` is judged at once; a body sent without
    one is counted as it arrives."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
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


VALIDATION_WORDS = {
    "missing": "wajib diisi",
    "int_parsing": "harus bilangan bulat", "int_type": "harus bilangan bulat",
    "int_from_float": "harus bilangan bulat", "float_parsing": "harus angka",
    "string_type": "harus teks", "bool_type": "harus true atau false",
    "bool_parsing": "harus true atau false", "list_type": "harus daftar (array)",
    "dict_type": "harus objek JSON", "model_type": "harus objek JSON",
    "model_attributes_type": "harus objek JSON", "json_invalid": "bukan JSON yang sah",
    "json_type": "bukan JSON yang sah", "extra_forbidden": "isian ini tidak dikenal",
    "date_parsing": "harus tanggal seperti 2026-01-31",
    "date_from_datetime_parsing": "harus tanggal seperti 2026-01-31",
    "date_type": "harus tanggal seperti 2026-01-31",
    "string_pattern_mismatch": "bentuknya tidak sesuai",
    "enum": "bukan salah satu pilihan yang boleh", "literal_error": "bukan pilihan yang boleh",
    "uuid_parsing": "bentuknya tidak sesuai", "value_error": "tidak valid",
}
"""Pydantic's error types in Bahasa Indonesia (its own messages are English)."""


PATTERN_WORDS = {NAME_QUERY_REGEX: NIK_IN_NAME_SEARCH, CODE_REGEX: CODE_RULE}
"""What a field's pattern means, for the refusal (the pattern itself says nothing to people)."""


def _bound(value: Any) -> str:
    return format_number(value) if isinstance(value, int) else str(value)


def validation_message(error: Any) -> str:
    """One refused field of a request, in words (bounds included)."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind in ("less_than_equal", "less_than"):
        return f"paling besar {_bound(ctx.get('le', ctx.get('lt')))}"
    if kind in ("greater_than_equal", "greater_than"):
        return f"paling kecil {_bound(ctx.get('ge', ctx.get('gt')))}"
    if kind == "string_too_long":
        return f"paling panjang {ctx.get('max_length')} karakter"
    if kind == "string_too_short":
        return f"paling sedikit {ctx.get('min_length')} karakter"
    if kind == "too_long":
        return f"paling banyak {ctx.get('max_length')} isian"
    if kind == "too_short":
        return f"paling sedikit {ctx.get('min_length')} isian"
    if kind == "string_pattern_mismatch" and ctx.get("pattern") in PATTERN_WORDS:
        return PATTERN_WORDS[str(ctx["pattern"])]
    if kind == "literal_error" and ctx.get("expected"):
        return f"harus salah satu dari {str(ctx['expected'])[:200]}"
    if kind == "value_error" and ctx.get("error"):
        return str(ctx["error"])[:300]  # our own validators speak Indonesian
    return VALIDATION_WORDS.get(kind, "tidak valid")


FRAMEWORK_WORDS = {
    400: "permintaan tidak dapat dibaca (data formulir atau JSON rusak, atau nama berkas "
         "terlalu panjang); periksa lalu kirim ulang",
    404: "alamat tidak ditemukan; periksa alamatnya atau kembali ke beranda",
    405: "metode ini tidak tersedia untuk alamat ini",
    413: "isi permintaan terlalu besar",
    415: "jenis isi permintaan tidak didukung; kirim JSON atau formulir",
}
"""What the framework's own English refusals say in Bahasa Indonesia."""


def _framework_words(exc: HTTPException) -> bool:
    """True for a refusal written by Starlette or FastAPI (English), not by lindung."""
    detail = str(exc.detail)
    try:
        phrase = HTTPStatus(exc.status_code).phrase
    except ValueError:
        phrase = ""
    # lindung raises no 400 of its own (its refusals are 422 in words): a 400 is the body
    # parser's (a broken JSON or multipart body, a part too large, a missing boundary).
    return exc.status_code == 400 or detail == phrase


def _allowed_methods(request: Request) -> str:
    """Every method some route answers at this path (Starlette names only the first route's)."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        if isinstance(route, Route) and route.methods:
            match, _ = route.matches({**request.scope, "method": "__none__"})
            if match != Match.NONE:
                methods |= route.methods
    return ", ".join(sorted(methods))


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
    from lindung.accounts.actions import do_purge_expired_sessions
    from lindung.db import transaction
    from lindung.tempfiles import sweep

    swept = sweep()
    if swept:
        log.warning("removed %d temporary folders left by stopped processes", swept)
    with transaction(engine) as session:
        do_purge_expired_sessions(session, actor="system:start-up")


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

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:
        # Pages link /static/favicon.svg; browsers, bookmarks and tools still ask for this one.
        return FileResponse(STATIC / "favicon.ico", media_type="image/x-icon",
                            headers={"Cache-Control": "public, max-age=86400"})

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
                       f"kesalahan basis data; tidak ada yang disimpan. Sebutkan kode {incident} "
                       "kepada admin bila terulang.")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        incident = _incident()
        log.error("unexpected error [%s] on %s %s", incident, request.method, request.url.path,
                  exc_info=exc)
        return _answer(request, 500, "internal_error",
                       f"terjadi kesalahan di server; tidak ada yang disimpan. Sebutkan kode "
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
        if exc.status_code == 405:
            exc = HTTPException(405, FRAMEWORK_WORDS[405],
                                headers={"Allow": _allowed_methods(request)})
        elif _framework_words(exc):
            exc = HTTPException(exc.status_code, FRAMEWORK_WORDS.get(
                exc.status_code, "permintaan tidak dapat diproses"), headers=exc.headers)
        if _is_api(request) or exc.status_code in (401, 429):
            return JSONResponse(_error_body(f"http_{exc.status_code}", str(exc.detail)),
                                status_code=exc.status_code, headers=exc.headers)
        return templates.TemplateResponse(request, "error.html", {
            "lang": language(request), "message": str(exc.detail), "status": exc.status_code,
            "principal": getattr(request.state, "principal", None),
            "csrf_token": getattr(request.state, "csrf", None)}, status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        details = [{"field": ".".join(str(p) for p in e.get("loc", ())[1:])[:100],
                    "message": validation_message(e)} for e in exc.errors()[:20]]
        if _is_api(request):
            one = details[0]["field"] if len(details) == 1 else None
            return JSONResponse(_error_body("invalid_request", "permintaan tidak valid",
                                            field=one, details=details), status_code=422)
        # A page names no internal field: the message is enough beside the form or the address.
        words = "; ".join(dict.fromkeys(d["message"] for d in details))
        return _answer(request, 422, "invalid_request",
                       f"alamat atau isian halaman ini tidak valid ({words}); kembali lalu coba "
                       "lagi")

    from lindung.web.api import router as api_router
    from lindung.web.pages import router as pages_router

    app.include_router(pages_router)
    app.include_router(api_router, prefix="/api/v1")
    return app
