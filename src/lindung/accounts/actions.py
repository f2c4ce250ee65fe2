"""Changing accounts: users, sign-in sessions and API tokens. Every change is one ``do_*``
action that checks who may make it, writes the rows and the audit event in the caller's
transaction; the caller commits before answering."""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from lindung.accounts.crypto import digest, new_secret
from lindung.accounts.models import ROLES, ApiToken, SignInCode, User, WebSession
from lindung.accounts.passwords import (
    UNUSABLE,
    hash_password,
    hasher,
    needs_rehash,
    rehash,
    verify_password,
)
from lindung.accounts.queries import (
    GRANTABLE,
    forget_token,
    managed_organisation_ids,
    password_session,
    token_organisations,
)
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
CODE_HOURS = 24
"""A one-time sign-in code is good for 24 hours (docs/decisions/0018)."""
SET_PASSWORD_MINUTES = 15
"""After signing in with a code, a new password must be chosen within 15 minutes."""
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""No 0/O, 1/I/L: a code is read aloud or copied from paper."""
CODE_LENGTH = 12
TOKEN_OVERLAP_MINUTES = 60
"""A rotated token keeps working this long by default, so the desk system can be updated."""
MAX_TOKEN_OVERLAP_MINUTES = 24 * 60
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
                   display_name: str, password: str | None, role: str,
                   organisation_code: str) -> User:
    """A person who signs in. The installation may create any user; a Pemda's admin creates
    users of their own Pemda and the organisations under it (never another admin of another
    Pemda, never a BPJS officer). Without a password the account can only be entered with a
    one-time code (:func:`do_reset_password`), after which the person chooses their own."""
    principal.require("accounts.manage")
    display_name = _check_user_fields(username, display_name, role)
    org = get_organisation(session, organisation_code)
    if not org.active:
        raise InvalidInput(f"organisasi {org.name} sudah dinonaktifkan", "organisation")
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
    hashed = UNUSABLE if password is None else hash_password(
        password, username=username, display_name=display_name)
    user = User(username=username, display_name=display_name, password_hash=hashed, role=role,
                organisation_id=org.id, active=True)
    session.add(user)
    session.flush()
    record(session, actor=principal.actor, action="user.create", entity="user",
           entity_id=username, pemda_id=pemda_id_of(session, org.id),
           after={"role": role, "organisation": organisation_code,
                  "display_name": display_name, "password_set": password is not None})
    return user


def do_create_admin(session: Session, principal: Principal, *, username: str,
                    display_name: str, password: str | None, pemda_code: str,
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


def _normal_code(typed: str) -> str | None:
    """The typed text as a one-time code (``abcd-efgh-jkmn`` -> ``ABCDEFGHJKMN``), or None when
    it cannot be one (then it is only a password)."""
    folded = re.sub(r"[\s-]", "", typed[:40]).upper()
    if len(folded) == CODE_LENGTH and all(c in CODE_ALPHABET for c in folded):
        return folded
    return None


def _live_code(session: Session, user_id: int, now: datetime) -> SignInCode | None:
    return session.scalar(select(SignInCode).where(
        SignInCode.user_id == user_id, SignInCode.used_at.is_(None),
        SignInCode.cancelled_at.is_(None), SignInCode.expires_at > now)
        .order_by(SignInCode.id.desc()).limit(1))


def _code_matches(session: Session, user: User | None, typed: str, now: datetime) -> \
        SignInCode | None:
    """The user's live one-time code when ``typed`` is it (argon2, like a password; the same
    work is done when there is no live code, so the answer's time does not tell)."""
    code = _normal_code(typed)
    if code is None:
        return None
    live = _live_code(session, user.id, now) if user is not None else None
    if live is None:
        hasher.hash(code)
        return None
    return live if verify_password(live.code_hash, code) else None


def do_sign_in(session: Session, *, username: str, password: str,
               client: str = "-", now: datetime | None = None) -> tuple[str, WebSession]:
    """Check the password; open a session. Returns the cookie secret, once. Anyone may try:
    the attempt itself is the permission, throttled per account and per address (0013).

    The one-time code an admin made (:func:`do_reset_password`) is typed as the password; it
    opens a session of purpose ``set_password`` that can do nothing but choose a new password
    (:func:`do_choose_password`), within :data:`SET_PASSWORD_MINUTES`. A user whose
    organisation is inactive cannot sign in."""
    now = now or utcnow()
    account = username.lower()[:60]
    user = session.scalar(select(User).where(User.username == username[:60],
                                             User.active.is_(True)))
    if user is not None:
        org = session.get(Organisation, user.organisation_id)
        if org is None or not org.active:
            user = None
    pemda = pemda_id_of(session, user.organisation_id) if user is not None else None
    wait = sign_in_throttle.wait(account, client)
    if wait > 0:
        record(session, actor=f"anon:{client}", action="auth.sign_in_throttled",
               entity="user", entity_id=username[:60], pemda_id=pemda)
        raise SignInRefused("terlalu banyak percobaan masuk yang salah; coba lagi dalam "
                            f"{wait_words(wait)}")
    ok = verify_password(user.password_hash if user is not None else None, password)
    code = None if ok else _code_matches(session, user, password, now)
    if (not ok and code is None) or user is None:
        sign_in_throttle.fail(account, client)
        record(session, actor=f"anon:{client}", action="auth.sign_in_failed", entity="user",
               entity_id=username[:60], pemda_id=pemda)
        raise SignInRefused("nama pengguna atau kata sandi salah")
    sign_in_throttle.succeed(account)
    do_purge_expired_sessions(session, actor=f"user:{user.username}")
    secret = new_secret()
    if code is not None:
        code.used_at = now
        web = WebSession(digest=digest(secret), user_id=user.id,
                         csrf_token=secrets.token_urlsafe(24), purpose="set_password",
                         expires_at=now + timedelta(minutes=SET_PASSWORD_MINUTES))
        session.add(web)
        record(session, actor=f"user:{user.username}", action="auth.sign_in_code",
               entity="user", entity_id=user.username, detail={"client": client},
               pemda_id=pemda)
        return secret, web
    if needs_rehash(user.password_hash):
        user.password_hash = rehash(password)
    web = WebSession(digest=digest(secret), user_id=user.id, csrf_token=secrets.token_urlsafe(24),
                     expires_at=now + timedelta(hours=SESSION_HOURS), purpose="sign_in")
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


def _token_in_scope(session: Session, principal: Principal, token_id: int) -> ApiToken:
    """A token of the principal's organisations (``tokens.manage``); one outside is not found."""
    scope = [o.id for o in token_organisations(session, principal)] \
        if principal.kind != "system" else None
    query = select(ApiToken).where(ApiToken.id == token_id)
    if scope is not None:
        query = query.where(ApiToken.organisation_id.in_(scope))
    token = session.scalar(query)
    if token is None:
        raise NotFound(f"token {token_id} tidak ditemukan")
    return token


def do_revoke_token(session: Session, principal: Principal, token_id: int) -> None:
    """Revoke a token of the principal's organisations at once (also a rotated one still in
    its overlap); one outside them is not found."""
    token = _token_in_scope(session, principal, token_id)
    if token.revoked_at is not None:
        raise Conflict(f"token {token.prefix}… sudah dicabut")
    token.revoked_at = utcnow()
    forget_token(token.digest)
    record(session, actor=principal.actor, action="token.revoke", entity="api_token",
           entity_id=token_id, pemda_id=pemda_id_of(session, token.organisation_id))


def _managed_user(session: Session, principal: Principal, username: str) -> User:
    """A user the principal manages (``accounts.manage``): any for the installation, those of
    the admin's own Pemda and the organisations under it otherwise; others are not found."""
    principal.require("accounts.manage")
    user = session.scalar(select(User).where(User.username == username[:60]))
    scope = managed_organisation_ids(session, principal)
    if user is None or (scope is not None and user.organisation_id not in scope):
        raise NotFound(f"pengguna {username[:60]!r} tidak ditemukan")
    return user


def _end_sessions(session: Session, user_id: int, keep: int | None = None) -> int:
    query = delete(WebSession).where(WebSession.user_id == user_id)
    if keep is not None:
        query = query.where(WebSession.id != keep)
    ended = session.execute(query)
    return int(getattr(ended, "rowcount", 0) or 0)


def _cancel_codes(session: Session, user_id: int, now: datetime) -> None:
    session.execute(update(SignInCode).where(
        SignInCode.user_id == user_id, SignInCode.used_at.is_(None),
        SignInCode.cancelled_at.is_(None)).values(cancelled_at=now))


def do_deactivate_user(session: Session, principal: Principal, username: str) -> None:
    """Deactivate an account: it can no longer sign in, its sessions end at once and its
    one-time code (if any) is cancelled. The row stays (the audit log names it)."""
    user = _managed_user(session, principal, username)
    if principal.kind == "user" and user.id == principal.id:
        raise Forbidden("akun Anda sendiri tidak dapat Anda nonaktifkan")
    if not user.active:
        raise Conflict(f"pengguna {user.username} sudah nonaktif")
    user.active = False
    ended = _end_sessions(session, user.id)
    _cancel_codes(session, user.id, utcnow())
    record(session, actor=principal.actor, action="user.deactivate", entity="user",
           entity_id=user.username, pemda_id=pemda_id_of(session, user.organisation_id),
           before={"active": True}, after={"active": False}, detail={"sessions_ended": ended})


def do_reset_password(session: Session, principal: Principal, username: str, *,
                      now: datetime | None = None) -> tuple[str, SignInCode]:
    """A one-time sign-in code for a user who has no password yet or forgot it; returns the
    code (shown once to the admin, who hands it over in person or reads it out; lindung never
    sends it) and the stored row (an argon2 hash, the expiry). The old password stops working
    at once, the user's sessions end and an earlier code is cancelled: whoever signs in next
    with the code must choose a new password. Not for one's own account (change it instead)."""
    now = now or utcnow()
    user = _managed_user(session, principal, username)
    if principal.kind == "user" and user.id == principal.id:
        raise Forbidden("untuk akun Anda sendiri, ganti kata sandi di halaman Akun")
    if not user.active:
        raise Conflict(f"pengguna {user.username} nonaktif: kata sandinya tidak dapat diatur "
                       "ulang")
    _cancel_codes(session, user.id, now)
    ended = _end_sessions(session, user.id)
    user.password_hash = UNUSABLE
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    row = SignInCode(user_id=user.id, code_hash=hasher.hash(code), created_by=principal.actor,
                     created_at=now, expires_at=now + timedelta(hours=CODE_HOURS))
    session.add(row)
    session.flush()
    record(session, actor=principal.actor, action="user.password_reset", entity="user",
           entity_id=user.username, pemda_id=pemda_id_of(session, user.organisation_id),
           after={"expires_at": row.expires_at}, detail={"sessions_ended": ended})
    return "-".join(code[i:i + 4] for i in range(0, CODE_LENGTH, 4)), row


def do_choose_password(session: Session, *, secret: str, new_password: str,
                       client: str = "-", now: datetime | None = None) -> tuple[str, WebSession]:
    """The new password of someone who signed in with a one-time code: ``secret`` is the
    cookie of that ``set_password`` session (the code was the proof, so no principal and no
    current password). The password is checked (NIST 800-63B, :mod:`passwords`); the session
    is replaced by an ordinary one, whose secret is returned."""
    now = now or utcnow()
    web = password_session(session, secret, now)
    user = session.get(User, web.user_id) if web is not None else None
    if web is None or user is None or not user.active:
        raise SignInRefused("waktu untuk memilih kata sandi baru sudah habis atau kode sudah "
                            "dipakai; minta kode baru kepada admin Pemda Anda")
    user.password_hash = hash_password(new_password, username=user.username,
                                       display_name=user.display_name)
    _cancel_codes(session, user.id, now)
    _end_sessions(session, user.id)
    fresh = new_secret()
    opened = WebSession(digest=digest(fresh), user_id=user.id,
                        csrf_token=secrets.token_urlsafe(24), purpose="sign_in",
                        expires_at=now + timedelta(hours=SESSION_HOURS))
    session.add(opened)
    record(session, actor=f"user:{user.username}", action="user.password_set", entity="user",
           entity_id=user.username, detail={"client": client},
           pemda_id=pemda_id_of(session, user.organisation_id))
    return fresh, opened


def do_change_password(session: Session, principal: Principal, *, current_password: str,
                       new_password: str, keep_session: str | None = None) -> None:
    """A person changes their own password: the current one is required (a wrong one counts
    against the account like a failed sign-in), the new one is checked (NIST 800-63B). The
    person's other sessions end (``keep_session``: the cookie of the one in use stays) and an
    unused one-time code is cancelled."""
    if principal.kind != "user":
        raise Forbidden("hanya orang yang masuk dengan akunnya dapat mengganti kata sandinya")
    user = session.get(User, principal.id)
    if user is None or not user.active:
        raise NotFound("akun tidak ditemukan")
    wait = sign_in_throttle.wait(user.username, "-")
    if wait > 0:
        raise Forbidden("terlalu banyak percobaan yang salah; coba lagi dalam "
                        f"{wait_words(wait)}")
    if not verify_password(user.password_hash, current_password):
        sign_in_throttle.fail(user.username, "-")
        raise InvalidInput("kata sandi sekarang salah", "current_password")
    if new_password == current_password:
        raise InvalidInput("kata sandi baru harus berbeda dari yang sekarang", "password")
    user.password_hash = hash_password(new_password, username=user.username,
                                       display_name=user.display_name)
    kept = None
    if keep_session:
        kept = session.scalar(select(WebSession.id).where(
            WebSession.digest == digest(keep_session[:200])))
    ended = _end_sessions(session, user.id, keep=kept)
    _cancel_codes(session, user.id, utcnow())
    record(session, actor=principal.actor, action="user.password_change", entity="user",
           entity_id=user.username, pemda_id=pemda_id_of(session, user.organisation_id),
           detail={"other_sessions_ended": ended})


def do_rotate_token(session: Session, principal: Principal, token_id: int, *,
                    overlap_minutes: int = TOKEN_OVERLAP_MINUTES) -> tuple[str, ApiToken]:
    """A new secret for a token: a new token with the same name, organisation, permissions
    and rate replaces it; the old one keeps working for ``overlap_minutes`` (default 60, so
    the desk system can be given the new one without a gap; 0 ends it at once) and then
    stops. A leaked token is revoked (:func:`do_revoke_token`), not rotated. Returns the new
    secret (shown once) and the new row."""
    if not 0 <= overlap_minutes <= MAX_TOKEN_OVERLAP_MINUTES:
        raise InvalidInput(f"masa peralihan harus 0 sampai "
                           f"{format_number(MAX_TOKEN_OVERLAP_MINUTES)} menit", "overlap_minutes")
    old = _token_in_scope(session, principal, token_id)
    now = utcnow()
    if old.revoked_at is not None or (old.expires_at is not None and _aware(old.expires_at) <= now):
        raise Conflict(f"token {old.prefix}… sudah tidak berlaku; buat token baru")
    if old.expires_at is not None:
        raise Conflict(f"token {old.prefix}… sudah diganti; ganti token penggantinya")
    secret = new_secret("lgt_")
    token = ApiToken(name=old.name, prefix=secret[:10], digest=digest(secret),
                     organisation_id=old.organisation_id, permissions=list(old.permissions),
                     rate_per_minute=old.rate_per_minute, created_by=principal.actor,
                     replaces_id=old.id)
    session.add(token)
    if overlap_minutes == 0:
        old.revoked_at = now
    else:
        old.expires_at = now + timedelta(minutes=overlap_minutes)
    forget_token(old.digest)
    session.flush()
    record(session, actor=principal.actor, action="token.rotate", entity="api_token",
           entity_id=old.id, pemda_id=pemda_id_of(session, old.organisation_id),
           before={"prefix": old.prefix},
           after={"token": token.id, "prefix": token.prefix,
                  "old_valid_until": old.expires_at or old.revoked_at})
    return secret, token


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)
