"""API tokens as a Pemda admin manages them: only for their own organisation and the ones under
it (its OPDs, villages and counters), never with the power to make tokens or read the audit log.

The secret of a new token is returned once, by :func:`issue_token`; only its digest is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lindung.accounts.models import ApiToken
from lindung.accounts.permissions import PERMISSIONS, Principal
from lindung.accounts.service import create_token, revoke_token
from lindung.agreements.models import Organisation
from lindung.errors import Conflict, InvalidInput, NotFound
from lindung.text import required_text

GRANTABLE = tuple(p for p in PERMISSIONS if p not in ("tokens.manage", "audit.read"))
"""A token may not mint tokens; reading the audit log is a person's duty (the auditor's)."""


@dataclass(frozen=True)
class TokenView:
    id: int
    name: str
    prefix: str
    organisation_code: str
    organisation_name: str
    permissions: list[str]
    rate_per_minute: int
    created_by: str
    created_at: datetime
    revoked_at: datetime | None


def organisations_in_scope(session: Session, principal: Principal) -> list[Organisation]:
    """The principal's organisation and every organisation under it, by code."""
    principal.require("tokens.manage")
    found: dict[int, Organisation] = {}
    layer = [principal.organisation_id]
    while layer:
        rows = list(session.scalars(select(Organisation).where(
            (Organisation.id.in_(layer)) | (Organisation.parent_id.in_(layer)))))
        layer = [o.id for o in rows if o.id not in found]
        found.update({o.id: o for o in rows})
    return sorted(found.values(), key=lambda o: o.code)


def list_tokens(session: Session, principal: Principal) -> list[TokenView]:
    """Tokens of the organisations in scope, newest first (revoked ones too)."""
    organisations = {o.id: o for o in organisations_in_scope(session, principal)}
    tokens = session.scalars(select(ApiToken)
                             .where(ApiToken.organisation_id.in_(list(organisations)))
                             .order_by(ApiToken.created_at.desc(), ApiToken.id.desc()))
    return [TokenView(id=t.id, name=t.name, prefix=t.prefix,
                      organisation_code=organisations[t.organisation_id].code,
                      organisation_name=organisations[t.organisation_id].name,
                      permissions=list(t.permissions), rate_per_minute=t.rate_per_minute,
                      created_by=t.created_by, created_at=t.created_at, revoked_at=t.revoked_at)
            for t in tokens]


def issue_token(session: Session, principal: Principal, *, name: str, organisation_code: str,
                permissions: list[str]) -> tuple[str, ApiToken]:
    """A new token; returns its secret (shown once) and the stored row (audited)."""
    name = required_text(name, label="nama token (misalnya nama sistem yang memakainya)",
                         field="name", max_length=120)
    codes = {o.code for o in organisations_in_scope(session, principal)}
    if organisation_code not in codes:
        raise InvalidInput("organisasi harus organisasi Anda atau yang berada di bawahnya",
                           "organisation")
    refused = sorted(set(permissions) - set(GRANTABLE))
    if refused:
        raise InvalidInput(f"izin ini tidak dapat diberikan kepada token: {', '.join(refused)}",
                           "permissions")
    if not permissions:
        raise InvalidInput("pilih sekurang-kurangnya satu izin", "permissions")
    return create_token(session, name=name, organisation_code=organisation_code,
                        permissions=permissions, actor=principal.actor)


def withdraw_token(session: Session, principal: Principal, token_id: int) -> None:
    """Revoke a token in scope; a token outside scope is not found (audited by the service)."""
    scope = [o.id for o in organisations_in_scope(session, principal)]
    token = session.scalar(select(ApiToken).where(ApiToken.id == token_id,
                                                  ApiToken.organisation_id.in_(scope)))
    if token is None:
        raise NotFound(f"token {token_id} tidak ditemukan")
    if token.revoked_at is not None:
        raise Conflict(f"token {token.prefix}… sudah dicabut")
    revoke_token(session, token.id, principal.actor)
