"""Pages: settings of a Pemda admin: the occupation taxonomy, the funding sources and their
constraints, and API tokens (list, create with the secret shown once, revoke)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from lindung.accounts.actions import do_issue_token, do_revoke_token
from lindung.accounts.queries import GRANTABLE, list_tokens, token_organisations
from lindung.agreements.queries import funding_sources
from lindung.errors import Conflict, InvalidInput, LindungError
from lindung.limits import MAX_INT_ID
from lindung.principal import Principal
from lindung.registry.actions import do_add_occupation
from lindung.registry.queries import list_occupations
from lindung.rules.contributions import SEGMENTS
from lindung.web import forms
from lindung.web.deps import DB, page_requires
from lindung.web.pages.workers import render

router = APIRouter()
WRITE_OCCUPATIONS = Depends(page_requires("occupations.write"))
MANAGE_TOKENS = Depends(page_requires("tokens.manage"))


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
