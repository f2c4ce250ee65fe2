"""Pages: sign in, sign out, language."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from lindung.accounts.actions import SignInRefused, do_sign_in, do_sign_out
from lindung.accounts.crypto import same_secret
from lindung.principal import Principal
from lindung.web.deps import (
    ANONYMOUS_LIMIT,
    DB,
    PRE_CSRF_COOKIE,
    SESSION_COOKIE,
    client_address,
    language,
    optional_principal,
    page_principal,
)
from lindung.web.i18n import LANGUAGES
from lindung.web.templating import templates

router = APIRouter()


def _signin_page(request: Request, error: str | None = None, status: int = 200) -> Response:
    token = secrets.token_urlsafe(24)
    response = templates.TemplateResponse(request, "signin.html", {
        "lang": language(request), "csrf_token": token, "error": error, "principal": None},
        status_code=status)
    response.set_cookie(PRE_CSRF_COOKIE, token, httponly=True, samesite="strict",
                        secure=request.app.state.secure_cookies)
    return response


@router.get("/masuk", include_in_schema=False, dependencies=[ANONYMOUS_LIMIT])
def signin_form(request: Request,
                principal: Principal | None = Depends(optional_principal)) -> Response:
    if principal is not None and principal.kind == "user":
        return RedirectResponse("/", status_code=303)
    return _signin_page(request)


@router.post("/masuk", include_in_schema=False, dependencies=[ANONYMOUS_LIMIT])
def signin_submit(request: Request, username: str = Form("", max_length=200),
                  password: str = Form("", max_length=1000),
                  csrf_token: str = Form("", max_length=100), session: Session = DB) -> Response:
    expected = request.cookies.get(PRE_CSRF_COOKIE, "")
    if not same_secret(csrf_token, expected):
        return _signin_page(request, "Sesi formulir kedaluwarsa; silakan coba lagi.", 403)
    try:
        secret, _web = do_sign_in(session, username=username.strip(), password=password,
                               client=client_address(request))
    except SignInRefused as exc:
        return _signin_page(request, str(exc), 401)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(SESSION_COOKIE, secret, httponly=True, samesite="lax",
                        secure=request.app.state.secure_cookies, max_age=8 * 3600)
    response.delete_cookie(PRE_CSRF_COOKIE)
    return response


@router.post("/keluar", include_in_schema=False)
def signout(request: Request, principal: Principal = Depends(page_principal),
            session: Session = DB) -> Response:
    do_sign_out(session, principal, request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/masuk", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/bahasa/{lang}", include_in_schema=False)
def switch_language(lang: str, request: Request) -> Response:
    back = request.headers.get("referer") or "/"
    response = RedirectResponse(back if back.startswith(str(request.base_url)) else "/",
                                status_code=303)
    if lang in LANGUAGES:
        response.set_cookie("lang", lang, samesite="lax", max_age=365 * 24 * 3600)
    return response
