"""Pages: settings of a Pemda admin: the occupation taxonomy, the funding sources and their
constraints, API tokens (list, create with the secret shown once, rotate, revoke), and the
accounts and organisations of the Pemda (create, deactivate, one-time sign-in codes)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from lindung.accounts.actions import (
    PERSON_ROLES,
    TOKEN_OVERLAP_MINUTES,
    do_create_user,
    do_deactivate_user,
    do_issue_token,
    do_reset_password,
    do_revoke_token,
    do_rotate_token,
)
from lindung.accounts.queries import GRANTABLE, list_tokens, list_users, token_organisations
from lindung.agreements.queries import funding_sources
from lindung.errors import Conflict, InvalidInput, LindungError
from lindung.limits import MAX_INT_ID
from lindung.organisations.actions import (
    UNDER_A_PEMDA,
    do_create_organisation,
    do_deactivate_organisation,
)
from lindung.organisations.queries import managed_organisations
from lindung.principal import ROLES_AT, Forbidden, Principal
from lindung.registry.actions import do_add_occupation
from lindung.registry.queries import list_occupations
from lindung.rules.contributions import SEGMENTS
from lindung.web import forms, texts_accounts  # noqa: F401  (texts: page words)
from lindung.web.deps import DB, page_requires
from lindung.web.pages.workers import render

router = APIRouter()
WRITE_OCCUPATIONS = Depends(page_requires("occupations.write"))
MANAGE_TOKENS = Depends(page_requires("tokens.manage"))
MANAGE_ACCOUNTS = Depends(page_requires("accounts.manage"))
USERNAME_PATH = Annotated[str, Path(min_length=3, max_length=60, pattern=r"^[a-z0-9._-]+$")]
CODE_PATH = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9._-]+$")]


def _settings(request: Request, session: Session, principal: Principal, *,
              error: str | None = None, status: int = 200) -> Response:
    can_tokens = principal.can("tokens.manage")
    return render(
        request, "admin/settings.html", principal, status=status, error=error,
        occupations=list_occupations(session, principal, per_page=100),
        funding_sources=funding_sources(session),
        segments=SEGMENTS,
        tokens=list_tokens(session, principal) if can_tokens else None,
        organisations=token_organisations(session, principal) if can_tokens else [],
        grantable=GRANTABLE)


def _status(exc: LindungError) -> int:
    return 409 if isinstance(exc, Conflict) else 422


@router.get("/pengaturan", include_in_schema=False)
def settings(request: Request, principal: Principal = WRITE_OCCUPATIONS,
             session: Session = DB) -> Response:
    return _settings(request, session, principal)


@router.post("/pengaturan/pekerjaan", include_in_schema=False)
def add_occupation(request: Request, code: str = Form(""), name: str = Form(""),
                   group: str = Form(""), default_segment: str = Form(""),
                   risk_class: str = Form(""), aliases: str = Form(""),
                   principal: Principal = WRITE_OCCUPATIONS,
                   session: Session = DB) -> Response:
    try:
        do_add_occupation(
            session, principal, code=code[:100], name=name[:1000], group=group[:100],
            default_segment=default_segment[:10],
            risk_class=forms.number(risk_class, label="kelas risiko JKK", field="risk_class",
                                    low=1, high=5),
            aliases=aliases[:5000].split(","))
    except (InvalidInput, Conflict) as exc:  # raised before anything is written
        return _settings(request, session, principal, error=str(exc), status=_status(exc))
    return RedirectResponse("/pengaturan#pekerjaan", status_code=303)


@router.post("/pengaturan/token", include_in_schema=False)
def create_token(request: Request, name: str = Form(""), organisation: str = Form(""),
                 permissions: list[str] = Form([]), principal: Principal = MANAGE_TOKENS,
                 session: Session = DB) -> Response:
    try:
        secret, token = do_issue_token(session, principal, name=name[:1000],
                                       organisation_code=organisation[:40],
                                       permissions=permissions[:50])
    except (InvalidInput, Conflict) as exc:
        return _settings(request, session, principal, error=str(exc), status=_status(exc))
    # Shown on this response only (Cache-Control: no-store); the database keeps a digest.
    return render(request, "admin/token_created.html", principal, secret=secret, token=token,
                  organisation=organisation)


@router.post("/pengaturan/token/{token_id}/cabut", include_in_schema=False)
def revoke_token(token_id: Annotated[int, Path(ge=1, le=MAX_INT_ID)],
                 principal: Principal = MANAGE_TOKENS,
                 session: Session = DB) -> Response:
    do_revoke_token(session, principal, token_id)
    return RedirectResponse("/pengaturan#token", status_code=303)


@router.post("/pengaturan/token/{token_id}/ganti", include_in_schema=False)
def rotate_token(request: Request, token_id: Annotated[int, Path(ge=1, le=MAX_INT_ID)],
                 overlap_minutes: str = Form(str(TOKEN_OVERLAP_MINUTES), max_length=10),
                 principal: Principal = MANAGE_TOKENS, session: Session = DB) -> Response:
    try:
        overlap = forms.number(overlap_minutes.strip() or str(TOKEN_OVERLAP_MINUTES),
                               label="masa peralihan (menit)",
                               field="overlap_minutes", low=0, high=24 * 60)
        secret, token = do_rotate_token(session, principal, token_id,
                                        overlap_minutes=overlap or 0)
    except (InvalidInput, Conflict) as exc:
        return _settings(request, session, principal, error=str(exc), status=_status(exc))
    organisation = next((o.code for o in token_organisations(session, principal)
                         if o.id == token.organisation_id), "")
    return render(request, "admin/token_created.html", principal, secret=secret, token=token,
                  organisation=organisation, rotated=bool(overlap))


# --- accounts and organisations --------------------------------------------------------------

def _accounts(request: Request, session: Session, principal: Principal, *,
              error: str | None = None, status: int = 200) -> Response:
    organisations = managed_organisations(session, principal)
    active = sorted((o for o in organisations if o.active),
                    key=lambda o: (o.kind != "pemda", o.name))  # the Pemda first, as default
    by_id = {o.id: o for o in organisations}
    kinds = UNDER_A_PEMDA if principal.kind != "system" else None
    roles = sorted({r for o in active for r in ROLES_AT.get(o.kind, ())
                    if r in PERSON_ROLES and r != "bpjs_officer"},
                   key=PERSON_ROLES.index)
    return render(request, "admin/accounts.html", principal, status=status, error=error,
                  users=list_users(session, principal), organisations=organisations,
                  active_organisations=active, parents=by_id, kinds=kinds or (),
                  roles=roles, roles_at=ROLES_AT)


def _code_page(request: Request, principal: Principal, username: str, code: str,
               expires_at: object) -> Response:
    # Shown on this response only (Cache-Control: no-store); the database keeps a hash.
    return render(request, "admin/code.html", principal, username=username, code=code,
                  expires_at=expires_at)


@router.get("/pengaturan/akun", include_in_schema=False)
def accounts(request: Request, principal: Principal = MANAGE_ACCOUNTS,
             session: Session = DB) -> Response:
    return _accounts(request, session, principal)


@router.post("/pengaturan/akun/pengguna", include_in_schema=False)
def create_user(request: Request, username: str = Form("", max_length=200),
                display_name: str = Form("", max_length=1000),
                role: str = Form("", max_length=40), organisation: str = Form("", max_length=40),
                principal: Principal = MANAGE_ACCOUNTS, session: Session = DB) -> Response:
    username = username.strip().lower()
    try:
        do_create_user(session, principal, username=username, display_name=display_name,
                       password=None, role=role, organisation_code=organisation)
        code, row = do_reset_password(session, principal, username)
    except (InvalidInput, Conflict, Forbidden) as exc:  # raised before anything is written
        return _accounts(request, session, principal, error=str(exc),
                         status=403 if isinstance(exc, Forbidden) else _status(exc))
    return _code_page(request, principal, username, code, row.expires_at)


@router.post("/pengaturan/akun/pengguna/{username}/atur-ulang", include_in_schema=False)
def reset_password(request: Request, username: USERNAME_PATH,
                   principal: Principal = MANAGE_ACCOUNTS, session: Session = DB) -> Response:
    try:
        code, row = do_reset_password(session, principal, username)
    except Conflict as exc:
        return _accounts(request, session, principal, error=str(exc), status=409)
    return _code_page(request, principal, username, code, row.expires_at)


@router.post("/pengaturan/akun/pengguna/{username}/nonaktifkan", include_in_schema=False)
def deactivate_user(request: Request, username: USERNAME_PATH,
                    principal: Principal = MANAGE_ACCOUNTS, session: Session = DB) -> Response:
    try:
        do_deactivate_user(session, principal, username)
    except Conflict as exc:
        return _accounts(request, session, principal, error=str(exc), status=409)
    return RedirectResponse("/pengaturan/akun#pengguna", status_code=303)


@router.post("/pengaturan/akun/organisasi", include_in_schema=False)
def create_organisation(request: Request, code: str = Form("", max_length=100),
                        name: str = Form("", max_length=1000),
                        kind: str = Form("", max_length=40),
                        parent: str = Form("", max_length=40),
                        region: str = Form("", max_length=40),
                        principal: Principal = MANAGE_ACCOUNTS,
                        session: Session = DB) -> Response:
    try:
        do_create_organisation(session, principal, code=code, kind=kind, name=name,
                               region_code=region or None, parent_code=parent or None)
    except (InvalidInput, Conflict, Forbidden) as exc:  # raised before anything is written
        return _accounts(request, session, principal, error=str(exc),
                         status=403 if isinstance(exc, Forbidden) else _status(exc))
    return RedirectResponse("/pengaturan/akun#organisasi", status_code=303)


@router.post("/pengaturan/akun/organisasi/{code}/nonaktifkan", include_in_schema=False)
def deactivate_organisation(request: Request, code: CODE_PATH,
                            principal: Principal = MANAGE_ACCOUNTS,
                            session: Session = DB) -> Response:
    try:
        do_deactivate_organisation(session, principal, code)
    except Conflict as exc:
        return _accounts(request, session, principal, error=str(exc), status=409)
    return RedirectResponse("/pengaturan/akun#organisasi", status_code=303)
