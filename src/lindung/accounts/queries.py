"""Who is acting: the principal behind a session cookie or an API token; the tokens an admin
manages."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lindung.accounts.crypto import digest
from lindung.accounts.models import ApiToken, SignInCode, User, WebSession
from lindung.db import utcnow
from lindung.organisations.models import Organisation
from lindung.organisations.queries import organisations_under, pemda_id_of
from lindung.principal import PERMISSIONS, Principal, permissions_for

TOKEN_CACHE_SECONDS = 10.0
GRANTABLE = tuple(p for p in PERMISSIONS
                  if p not in ("tokens.manage", "audit.read", "accounts.manage"))
"""A token may not mint tokens or accounts; reading the audit log is a person's duty."""


def make_principal(session: Session, kind: str, ident: int, name: str, role: str,
                   org: Organisation, token_permissions: list[str] | None = None) -> Principal:
    return Principal(kind=kind, id=ident, name=name, role=role, organisation_id=org.id,
                     organisation_name=org.name, organisation_kind=org.kind,
                     region_code=org.region_code,
                     permissions=permissions_for(role, token_permissions),
                     pemda_id=pemda_id_of(session, org.id))


def managed_organisation_ids(session: Session, principal: Principal) -> set[int] | None:
    """Organisations whose people and places the principal manages (``accounts.manage``):
    None (all) for the installation; a Pemda admin's own Pemda and everything under it."""
    principal.require("accounts.manage")
    if principal.kind == "system":
        return None
    if principal.pemda_id is None:
        return set()
    return {o.id for o in organisations_under(session, principal.pemda_id)}


def principal_of(session: Session, user: User) -> Principal:
    org = session.get(Organisation, user.organisation_id)
    assert org is not None
    return make_principal(session, "user", user.id, user.username, user.role, org)


def _organisation_active(session: Session, organisation_id: int) -> bool:
    org = session.get(Organisation, organisation_id)
    return org is not None and org.active


def user_principal(session: Session, username: str) -> Principal | None:
    """The principal of an active user of an active organisation by name (the CLI's
    ``--as``)."""
    user = session.scalar(select(User).where(User.username == username[:60],
                                             User.active.is_(True)))
    if user is None or not _organisation_active(session, user.organisation_id):
        return None
    return principal_of(session, user)


def session_principal(session: Session,
                      secret: str | None) -> tuple[Principal, WebSession] | None:
    """The signed-in principal for a session cookie, or None when absent or expired."""
    if not secret:
        return None
    web = session.scalar(select(WebSession).where(WebSession.digest == digest(secret[:200]),
                                                  WebSession.purpose == "sign_in"))
    if web is None:
        return None
    expires = web.expires_at if web.expires_at.tzinfo else web.expires_at.replace(
        tzinfo=utcnow().tzinfo)
    if expires < utcnow():
        return None
    user = session.get(User, web.user_id)
    if user is None or not user.active or not _organisation_active(session, user.organisation_id):
        return None
    return principal_of(session, user), web


def password_session(session: Session, secret: str | None,
                     now: datetime | None = None) -> WebSession | None:
    """The live ``set_password`` session of a cookie: opened by a one-time code, good only for
    choosing a new password (``accounts.actions.do_choose_password``)."""
    if not secret:
        return None
    now = now or utcnow()
    web = session.scalar(select(WebSession).where(WebSession.digest == digest(secret[:200]),
                                                  WebSession.purpose == "set_password"))
    if web is None:
        return None
    expires = web.expires_at if web.expires_at.tzinfo else web.expires_at.replace(
        tzinfo=now.tzinfo)
    return web if expires > now else None


_token_cache: dict[str, tuple[float, Principal, ApiToken]] = {}
_token_cache_lock = threading.Lock()


def cached_token_principal(secret: str) -> tuple[Principal, ApiToken] | None:
    """The principal of a token looked up less than 10 seconds ago, without the database."""
    with _token_cache_lock:
        cached = _token_cache.get(digest(secret))
    if cached is not None and cached[0] > time.monotonic():
        return cached[1], cached[2]
    return None


def forget_token(token_digest: str) -> None:
    """Drop a token from this process's cache (it was revoked)."""
    with _token_cache_lock:
        _token_cache.pop(token_digest, None)


def token_principal(session: Session, secret: str | None) -> tuple[Principal, ApiToken] | None:
    """The principal of an API token. Looked-up tokens are kept for 10 seconds per process (a
    counter desk calls many times a minute); revoking a token in this process drops it at once."""
    if not secret:
        return None
    hit = cached_token_principal(secret)
    if hit is not None:
        return hit
    key = digest(secret[:200])
    now = time.monotonic()
    token = session.scalar(select(ApiToken).where(
        ApiToken.digest == key, ApiToken.revoked_at.is_(None),
        ApiToken.expires_at.is_(None) | (ApiToken.expires_at > utcnow())))
    if token is None:
        return None
    org = session.get(Organisation, token.organisation_id)
    if org is None or not org.active:
        return None
    principal = make_principal(session, "token", token.id, f"{token.prefix}…({token.name})",
                               "api_client", org, token.permissions)
    session.expunge(token)
    with _token_cache_lock:
        _token_cache[key] = (now + TOKEN_CACHE_SECONDS, principal, token)
    return principal, token


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
    expires_at: datetime | None = None
    """A rotated token: when its overlap ends."""

    @property
    def live(self) -> bool:
        if self.revoked_at is not None:
            return False
        if self.expires_at is None:
            return True
        ends = self.expires_at if self.expires_at.tzinfo else self.expires_at.replace(
            tzinfo=utcnow().tzinfo)
        return ends > utcnow()


def token_organisations(session: Session, principal: Principal) -> list[Organisation]:
    """Organisations a principal may issue tokens for: their own and every one under it."""
    principal.require("tokens.manage")
    return organisations_under(session, principal.organisation_id)


def list_tokens(session: Session, principal: Principal) -> list[TokenView]:
    """Tokens of the organisations in scope, newest first (revoked ones too)."""
    organisations = {o.id: o for o in token_organisations(session, principal)}
    tokens = session.scalars(select(ApiToken)
                             .where(ApiToken.organisation_id.in_(list(organisations)))
                             .order_by(ApiToken.created_at.desc(), ApiToken.id.desc()))
    return [TokenView(id=t.id, name=t.name, prefix=t.prefix,
                      organisation_code=organisations[t.organisation_id].code,
                      organisation_name=organisations[t.organisation_id].name,
                      permissions=list(t.permissions), rate_per_minute=t.rate_per_minute,
                      created_by=t.created_by, created_at=t.created_at, revoked_at=t.revoked_at,
                      expires_at=t.expires_at)
            for t in tokens]


@dataclass(frozen=True)
class UserView:
    username: str
    display_name: str
    role: str
    organisation_code: str
    organisation_name: str
    active: bool
    has_password: bool
    code_expires_at: datetime | None
    """When the user's unused one-time code expires (None: there is none)."""
    created_at: datetime


def list_users(session: Session, principal: Principal) -> list[UserView]:
    """The accounts the principal manages (``accounts.manage``): all for the installation, a
    Pemda admin's own Pemda and the organisations under it; by organisation, then name."""
    scope = managed_organisation_ids(session, principal)
    query = select(User, Organisation).join(Organisation,
                                            Organisation.id == User.organisation_id)
    if scope is not None:
        query = query.where(User.organisation_id.in_(scope))
    now = utcnow()
    codes = {row[0]: row[1] for row in session.execute(
        select(SignInCode.user_id, SignInCode.expires_at).where(
            SignInCode.used_at.is_(None), SignInCode.cancelled_at.is_(None),
            SignInCode.expires_at > now))}
    rows = [(row[0], row[1]) for row in session.execute(
        query.order_by(Organisation.code, User.username))]
    return [UserView(username=u.username, display_name=u.display_name, role=u.role,
                     organisation_code=o.code, organisation_name=o.name, active=u.active,
                     has_password=u.password_hash != "!", code_expires_at=codes.get(u.id),
                     created_at=u.created_at) for u, o in rows]
