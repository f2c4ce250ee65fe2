"""The FastAPI application: pages under ``/``, the REST API under ``/api/v1``.

Views are thin: they translate HTTP to calls of the domain services, which check permissions and
scopes and write the audit log in the request's transaction.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lindung import __version__
from lindung.accounts.permissions import Forbidden
from lindung.db import get_engine
from lindung.errors import Conflict, InvalidInput, LindungError, NotFound
from lindung.web.deps import SignInRequired, language
from lindung.web.templating import templates

STATIC = Path(__file__).parent / "static"
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


def create_app(engine: Engine | None = None, *, secure_cookies: bool = False) -> FastAPI:
    """The application bound to ``engine`` (default: lindung's configured database)."""
    app = FastAPI(
        title="lindung API", version=__version__,
        description="Jaminan sosial ketenagakerjaan untuk Pemda dan BPJS Ketenagakerjaan. "
                    "Semua jumlah uang dalam rupiah bulat; NIK selalu teks 16 digit dan hanya "
                    "dikirim di badan permintaan, tidak pernah di URL.",
        # Swagger UI would load scripts from a CDN, which the CSP and offline offices forbid.
        docs_url=None, redoc_url=None, openapi_url="/api/v1/openapi.json",
    )
    app.state.engine = engine or get_engine()
    app.state.secure_cookies = secure_cookies
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")

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
