"""Changing accounts: users, sign-in sessions and API tokens. Every change is one ``do_*``
action that checks who may make it, writes the rows and the audit event in the caller's
transaction; the caller commits before answering."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lindung.accounts.crypto import digest, new_secret
from lindung.accounts.models import ROLES, ApiToken, User, WebSession
from lindung.accounts.passwords import hash_password, needs_rehash, verify_password
from lindung.accounts.queries import GRANTABLE, forget_token, token_organisations
from lindung.accounts.throttle import sign_in_throttle, wait_words
from lindung.audit.service import record
from lindung.db import utcnow
from lindung.errors import Conflict, InvalidInput, LindungError, NotFound
from lindung.formatting import format_number
from lindung.limits import MAX_TOKEN_RATE
from lindung.organisations.models import KIND_LABELS, Organisation
from lindung.organisations.queries import get_organisation, organisations_under, pemda_id_of
from lindung.principal import (
    PERMISSION_LABELS,
    PERMISSIONS,
    ROLE_LABELS,
    ROLES_AT,
    Forbidden,
    Principal,
    token_ceiling,
)
from lindung.text import required_text

SESSION_HOURS = 8
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,59}")
PERSON_ROLES = tuple(r for r in ROLES if r != "api_client")


class SignInRefused(LindungError):
    """Wrong username or password, or too many attempts: the message never says which."""


def _check_user_fields(username: str, display_name: str, role: str) -> str:
    if role not in PERSON_ROLES:
        raise InvalidInput(f"peran harus salah satu dari {', '.join(PERSON_ROLES)}", "role")
    if not USERNAME.fullmatch(username):
        raise InvalidInput("nama pengguna: huruf kecil, angka, titik, - atau _, 3 sampai 60 "
                           "karakter (mis. admin.metro)", "username")
    return required_text(display_name, label="nama lengkap", field="display_name",
                         max_length=120)


def do_create_user(session: Session, principal: Principal, *, username: str,
                   display_name: str, password: str, role: str,
                   organisation_code: str) -> User:
    """A person who signs in. The installation may create any user; a Pemda's admin creates
    users of their own Pemda and the organisations under it (never another admin of another
    Pemda, never a BPJS officer)."""
    principal.require("accounts.manage")
    display_name = _check_user_fields(username, display_name, role)
    org = get_organisation(session, organisation_code)
    if role not in ROLES_AT.get(org.kind, ()):
        allowed = [ROLE_LABELS[r] for r in ROLES_AT.get(org.kind, ())]
        raise InvalidInput(f"{ROLE_LABELS[role]} tidak bekerja di {KIND_LABELS[org.kind]}; "
                           + (f"peran di sana: {', '.join(allowed)}" if allowed
                              else "organisasi ini tidak memiliki akun pengguna"), "role")
    if principal.kind != "system":
        mine = {o.id for o in organisations_under(session, principal.organisation_id)}
        if org.id not in mine or role == "bpjs_officer":
            raise Forbidden("admin Pemda hanya dapat membuat akun untuk Pemda-nya dan "
                            "organisasi di bawahnya")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"pengguna {username!r} sudah ada")
    user = User(username=username, display_name=display_name,
                password_hash=hash_password(password), role=role, organisation_id=org.id)
    session.add(user)
    session.flush()
    record(session, actor=principal.actor, action="user.create", entity="user",
           entity_id=username, pemda_id=pemda_id_of(session, org.id),
           after={"role": role, "organisation": organisation_code,
                  "display_name": display_name})
    return user


def do_create_admin(session: Session, principal: Principal, *, username: str,
                    display_name: str, password: str, pemda_code: str,
                    pemda_name: str | None = None, region_code: str | None = None) -> User:
    """The first web user of an installation: a Pemda admin, with the Pemda organisation made
    when it does not exist yet. Only the installation's shell (the system principal) may."""
    if principal.kind != "system":
        raise Forbidden("admin pertama hanya dibuat dari baris perintah server")
    if session.scalar(select(Organisation.id).where(Organisation.code == pemda_code)) is None:
        from lindung.organisations.actions import do_create_organisation

        if not pemda_name or not region_code:
            raise InvalidInput("Pemda belum ada: sebutkan juga namanya dan kode wilayahnya",
                               "pemda")
        do_create_organisation(session, principal, code=pemda_code, kind="pemda",
                               name=pemda_name, region_code=region_code)
    org = get_organisation(session, pemda_code)
    if org.kind != "pemda":
        raise InvalidInput(f"{pemda_code} bukan Pemda", "pemda")
    return do_create_user(session, principal, username=username, display_name=display_name,
                          password=password, role="pemda_admin", organisation_code=pemda_code)


def do_sign_in(session: Session, *, username: str, password: str,
               client: str = "-") -> tuple[str, WebSession]:
    """Check the password; open a session. Returns the cookie secret, once. Anyone may try:
    the attempt itself is the permission, throttled per account and per address (0013)."""
    account = username.lower()[:60]
    user = session.scalar(select(User).where(User.username == username[:60],
                                             User.active.is_(True)))
    pemda = pemda_id_of(session, user.organisation_id) if user is not None else None
    wait = sign_in_throttle.wait(account, client)
    if wait > 0:
        record(session, actor=f"anon:{client}", action="auth.sign_in_throttled",
               entity="user", entity_id=username[:60], pemda_id=pemda)
        raise SignInRefused("terlalu banyak percobaan masuk yang salah; coba lagi dalam "
                            f"{wait_words(wait)}")
    ok = verify_password(user.password_hash if user is not None else None, password)
    if not ok or user is None:
        sign_in_throttle.fail(account, client)
        record(session, actor=f"anon:{client}", action="auth.sign_in_failed", entity="user",
               entity_id=username[:60], pemda_id=pemda)
        raise SignInRefused("nama pengguna atau kata sandi salah")
    sign_in_throttle.succeed(account)
    do_purge_expired_sessions(session, actor=f"user:{user.username}")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    secret = new_secret()
    web = WebSession(digest=digest(secret), user_id=user.id, csrf_token=secrets.token_urlsafe(24),
                     expires_at=utcnow() + timedelta(hours=SESSION_HOURS))
    session.add(web)
    record(session, actor=f"user:{user.username}", action="auth.sign_in", entity="user",
           entity_id=user.username, detail={"client": client}, pemda_id=pemda)
    return secret, web


def do_sign_out(session: Session, principal: Principal, secret: str) -> None:
    """End the session whose cookie is ``secret``."""
    web = session.scalar(select(WebSession).where(WebSession.digest == digest(secret[:200])))
    if web is not None:
        session.delete(web)
        record(session, actor=principal.actor, action="auth.sign_out", entity="user",
               pemda_id=principal.pemda_id)


def do_purge_expired_sessions(session: Session, *, actor: str) -> int:
    """Delete the sessions that have expired (at sign-in and when the server starts);
    housekeeping the installation does on its own, so it needs no principal."""
    expired = session.execute(delete(WebSession).where(WebSession.expires_at < utcnow()))
    count = int(getattr(expired, "rowcount", 0) or 0)
    if count:
        record(session, actor=actor, action="auth.sessions_purged", entity="web_session",
               detail={"count": count})
    return count


def do_issue_token(session: Session, principal: Principal, *, name: str,
                   organisation_code: str, permissions: list[str],
                   rate_per_minute: int = 600) -> tuple[str, ApiToken]:
    """A new API token for the principal's organisation or one under it; returns its secret
    (shown once) and the stored row (only the digest is kept)."""
    name = required_text(name, label="nama token (misalnya nama sistem yang memakainya)",
                         field="name", max_length=120)
    if principal.kind == "system":
        org = get_organisation(session, organisation_code)
    else:
        in_scope = {o.code: o for o in token_organisations(session, principal)}
        if organisation_code not in in_scope:
            raise InvalidInput("organisasi harus organisasi Anda atau yang berada di bawahnya",
                               "organisation")
        org = in_scope[organisation_code]
    unknown = sorted(set(permissions) - set(PERMISSIONS))
    refused = sorted(set(permissions) - set(GRANTABLE) - set(unknown))
    if unknown:
        raise InvalidInput(f"izin tidak dikenal: {', '.join(unknown)}", "permissions")
    if refused:
        raise InvalidInput(f"izin ini tidak dapat diberikan kepada token: {', '.join(refused)}",
                           "permissions")
    if not permissions:
        raise InvalidInput("pilih sekurang-kurangnya satu izin", "permissions")
    beyond = sorted(set(permissions) - token_ceiling(org.kind))
    if beyond:
        raise InvalidInput(f"token {KIND_LABELS[org.kind]} tidak dapat diberi izin "
                           f"{', '.join(PERMISSION_LABELS[p] for p in beyond)}: sebuah token "
                           "tidak boleh lebih dari yang boleh dilakukan orang di organisasi itu",
                           "permissions")
    if not 1 <= rate_per_minute <= MAX_TOKEN_RATE:
        raise InvalidInput(f"batas permintaan per menit harus 1 sampai "
                           f"{format_number(MAX_TOKEN_RATE)}", "rate_per_minute")
    secret = new_secret("lgt_")
    token = ApiToken(name=name, prefix=secret[:10], digest=digest(secret),
                     organisation_id=org.id, permissions=sorted(permissions),
                     rate_per_minute=rate_per_minute, created_by=principal.actor)
    session.add(token)
    session.flush()
    record(session, actor=principal.actor, action="token.create", entity="api_token",
           pemda_id=pemda_id_of(session, org.id), entity_id=token.id,
           after={"name": name, "organisation": org.code,
                  "permissions": sorted(permissions), "prefix": token.prefix})
    return secret, token


def do_revoke_token(session: Session, principal: Principal, token_id: int) -> None:
    """Revoke a token of the principal's organisations; one outside them is not found."""
    scope = [o.id for o in token_organisations(session, principal)] \
        if principal.kind != "system" else None
    query = select(ApiToken).where(ApiToken.id == token_id)
    if scope is not None:
        query = query.where(ApiToken.organisation_id.in_(scope))
    token = session.scalar(query)
    if token is None:
        raise NotFound(f"token {token_id} tidak ditemukan")
    if token.revoked_at is not None:
        raise Conflict(f"token {token.prefix}… sudah dicabut")
    token.revoked_at = utcnow()
    forget_token(token.digest)
    record(session, actor=principal.actor, action="token.revoke", entity="api_token",
           entity_id=token_id, pemda_id=pemda_id_of(session, token.organisation_id))
