"""Pages: sign in (with a password or a one-time code), choosing a new password after a code,
changing one's own password, sign out, language."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from lindung.accounts.actions import (
    SET_PASSWORD_MINUTES,
    SignInRefused,
    do_change_password,
    do_choose_password,
    do_sign_in,
    do_sign_out,
)
from lindung.accounts.crypto import same_secret
from lindung.accounts.queries import password_session
from lindung.errors import InvalidInput
from lindung.principal import Principal
from lindung.web import texts_accounts  # noqa: F401  (texts: page words)
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
from lindung.web.i18n import LANGUAGES, translate
from lindung.web.templating import templates

router = APIRouter()
PASSWORD_COOKIE = "lindung_new_password"
"""The cookie of a session opened by a one-time code: good only for choosing a password."""


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
                principal: Principal | None = Depends(optional_principal),
                session: Session = DB) -> Response:
    if principal is not None and principal.kind == "user":
        return RedirectResponse("/", status_code=303)
    if password_session(session, request.cookies.get(PASSWORD_COOKIE)) is not None:
        return RedirectResponse("/masuk/kata-sandi-baru", status_code=303)  # a code was used
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
    response: Response
    if _web.purpose == "set_password":
        response = RedirectResponse("/masuk/kata-sandi-baru", status_code=303)
        response.set_cookie(PASSWORD_COOKIE, secret, httponly=True, samesite="strict",
                            secure=request.app.state.secure_cookies,
                            max_age=SET_PASSWORD_MINUTES * 60)
        response.delete_cookie(SESSION_COOKIE)
    else:
        response = _signed_in(request, secret)
    response.delete_cookie(PRE_CSRF_COOKIE)
    return response


def _signed_in(request: Request, secret: str, to: str = "/") -> Response:
    response = RedirectResponse(to, status_code=303)
    response.set_cookie(SESSION_COOKIE, secret, httponly=True, samesite="lax",
                        secure=request.app.state.secure_cookies, max_age=8 * 3600)
    return response


def _choose_page(request: Request, csrf: str, error: str | None = None,
                 status: int = 200) -> Response:
    return templates.TemplateResponse(request, "auth/choose_password.html", {
        "lang": language(request), "csrf_token": None, "form_csrf": csrf, "error": error,
        "principal": None}, status_code=status)


@router.get("/masuk/kata-sandi-baru", include_in_schema=False, dependencies=[ANONYMOUS_LIMIT])
def choose_password_form(request: Request, session: Session = DB) -> Response:
    web = password_session(session, request.cookies.get(PASSWORD_COOKIE))
    if web is None:
        return RedirectResponse("/masuk", status_code=303)
    return _choose_page(request, web.csrf_token)


@router.post("/masuk/kata-sandi-baru", include_in_schema=False, dependencies=[ANONYMOUS_LIMIT])
def choose_password_submit(request: Request, password: str = Form("", max_length=1000),
                           password_again: str = Form("", max_length=1000),
                           csrf_token: str = Form("", max_length=100),
                           session: Session = DB) -> Response:
    secret = request.cookies.get(PASSWORD_COOKIE, "")
    web = password_session(session, secret)
    if web is None:
        return _signin_page(request, "Waktu untuk memilih kata sandi baru sudah habis; minta "
                                     "kode baru kepada admin Pemda Anda.", 401)
    if not same_secret(csrf_token, web.csrf_token):
        return _choose_page(request, web.csrf_token,
                            "Sesi formulir kedaluwarsa; silakan coba lagi.", 403)
    if password != password_again:
        return _choose_page(request, web.csrf_token,
                            translate("akun.mismatch", language(request)), 422)
    try:
        fresh, _opened = do_choose_password(session, secret=secret, new_password=password,
                                            client=client_address(request))
    except InvalidInput as exc:  # raised before anything is written
        return _choose_page(request, web.csrf_token, str(exc), 422)
    except SignInRefused as exc:
        return _signin_page(request, str(exc), 401)
    response = _signed_in(request, fresh)
    response.delete_cookie(PASSWORD_COOKIE)
    return response


def _change_page(request: Request, principal: Principal, *, error: str | None = None,
                 done: bool = False, status: int = 200) -> Response:
    return templates.TemplateResponse(request, "auth/change_password.html", {
        "lang": language(request), "csrf_token": request.state.csrf, "principal": principal,
        "error": error, "done": done}, status_code=status)


@router.get("/akun/kata-sandi", include_in_schema=False)
def change_password_form(request: Request,
                         principal: Principal = Depends(page_principal)) -> Response:
    return _change_page(request, principal, done=request.query_params.get("selesai") == "1")


@router.post("/akun/kata-sandi", include_in_schema=False)
def change_password_submit(request: Request, current_password: str = Form("", max_length=1000),
                           password: str = Form("", max_length=1000),
                           password_again: str = Form("", max_length=1000),
                           principal: Principal = Depends(page_principal),
                           session: Session = DB) -> Response:
    if password != password_again:
        return _change_page(request, principal,
                            error=translate("akun.mismatch", language(request)), status=422)
    try:
        do_change_password(session, principal, current_password=current_password,
                           new_password=password,
                           keep_session=request.cookies.get(SESSION_COOKIE))
    except InvalidInput as exc:  # raised before anything is written
        return _change_page(request, principal, error=str(exc), status=422)
    return RedirectResponse("/akun/kata-sandi?selesai=1", status_code=303)


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
