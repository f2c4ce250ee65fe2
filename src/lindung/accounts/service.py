"""Use cases of accounts: organisations, users, sign-in with throttling, sessions, API tokens."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from lindung.accounts.models import ROLES, ApiToken, User, WebSession
from lindung.accounts.permissions import PERMISSIONS, Principal, permissions_for
from lindung.agreements.models import Organisation
from lindung.audit.service import record
from lindung.db import utcnow
from lindung.errors import Conflict, InvalidInput, LindungError, NotFound

SESSION_HOURS = 8
ORGANISATION_KINDS = ("pemda", "opd", "village", "bpjs_branch", "counter", "donor")
_hasher = PasswordHasher()  # argon2id with the library's current parameters


class SignInRefused(LindungError):
    """Wrong username or password, or too many attempts: the message never says which."""


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def hash_password(password: str) -> str:
    if len(password) < 10:
        raise InvalidInput("kata sandi minimal 10 karakter", "password")
    return _hasher.hash(password)


class Throttle:
    """At most ``limit`` failures per key within ``window`` seconds; in-process, thread-safe."""

    def __init__(self, limit: int = 5, window: float = 900.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str) -> deque[float]:
        now = self.clock()
        failures = self._failures.setdefault(key, deque())
        while failures and now - failures[0] > self.window:
            failures.popleft()
        return failures

    def blocked(self, key: str) -> bool:
        with self._lock:
            return len(self._recent(key)) >= self.limit

    def fail(self, key: str) -> None:
        with self._lock:
            self._recent(key).append(self.clock())

    def clear(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)


class RateLimiter:
    """A sliding one-minute window of calls per key (API tokens); in-process, thread-safe."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._calls: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str, per_minute: int) -> bool:
        with self._lock:
            now = self.clock()
            calls = self._calls.setdefault(key, deque())
            while calls and now - calls[0] > 60.0:
                calls.popleft()
            if len(calls) >= per_minute:
                return False
            calls.append(now)
            return True


sign_in_throttle = Throttle()
token_limiter = RateLimiter()


def get_organisation(session: Session, code: str) -> Organisation:
    org = session.scalar(select(Organisation).where(Organisation.code == code))
    if org is None:
        raise NotFound(f"organisasi {code!r} tidak ditemukan")
    return org


def create_organisation(session: Session, *, code: str, kind: str, name: str, actor: str,
                        region_code: str | None = None,
                        parent_code: str | None = None) -> Organisation:
    if kind not in ORGANISATION_KINDS:
        raise InvalidInput(f"jenis organisasi harus salah satu dari "
                           f"{', '.join(ORGANISATION_KINDS)}", "kind")
    if session.scalar(select(Organisation.id).where(Organisation.code == code)) is not None:
        raise Conflict(f"organisasi {code!r} sudah ada")
    parent = get_organisation(session, parent_code) if parent_code else None
    org = Organisation(code=code, kind=kind, name=name, region_code=region_code,
                       parent_id=parent.id if parent else None)
    session.add(org)
    session.flush()
    record(session, actor=actor, action="organisation.create", entity="organisation",
           entity_id=code, after={"kind": kind, "name": name, "region_code": region_code,
                                  "parent": parent_code})
    return org


def create_user(session: Session, *, username: str, display_name: str, password: str,
                role: str, organisation_code: str, actor: str) -> User:
    if role not in ROLES or role == "api_client":
        raise InvalidInput(f"peran harus salah satu dari {', '.join(ROLES[:-1])}", "role")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"pengguna {username!r} sudah ada")
    org = get_organisation(session, organisation_code)
    user = User(username=username, display_name=display_name,
                password_hash=hash_password(password), role=role, organisation_id=org.id)
    session.add(user)
    session.flush()
    record(session, actor=actor, action="user.create", entity="user", entity_id=username,
           after={"role": role, "organisation": organisation_code,
                  "display_name": display_name})
    return user


def _principal(kind: str, ident: int, name: str, role: str, org: Organisation,
               token_permissions: list[str] | None = None) -> Principal:
    return Principal(kind=kind, id=ident, name=name, role=role, organisation_id=org.id,
                     organisation_name=org.name, organisation_kind=org.kind,
                     region_code=org.region_code,
                     permissions=permissions_for(role, token_permissions))


def principal_of(session: Session, user: User) -> Principal:
    org = session.get(Organisation, user.organisation_id)
    assert org is not None
    return _principal("user", user.id, user.username, user.role, org)


def sign_in(session: Session, *, username: str, password: str,
            client: str = "-") -> tuple[str, WebSession]:
    """Check the password (argon2id); open a session. Returns the cookie secret, once."""
    keys = (f"user:{username.lower()}", f"ip:{client}")
    if any(sign_in_throttle.blocked(k) for k in keys):
        record(session, actor=f"anon:{client}", action="auth.sign_in_throttled",
               entity="user", entity_id=username[:60])
        raise SignInRefused("terlalu banyak percobaan masuk; coba lagi 15 menit lagi")
    user = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
    ok = False
    if user is not None:
        try:
            ok = _hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            ok = False
    else:
        _hasher.hash(password or "-")  # same work whether or not the user exists
    if not ok or user is None:
        for key in keys:
            sign_in_throttle.fail(key)
        record(session, actor=f"anon:{client}", action="auth.sign_in_failed", entity="user",
               entity_id=username[:60])
        raise SignInRefused("nama pengguna atau kata sandi salah")
    for key in keys:
        sign_in_throttle.clear(key)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    secret = secrets.token_urlsafe(32)
    web = WebSession(digest=digest(secret), user_id=user.id, csrf_token=secrets.token_urlsafe(24),
                     expires_at=utcnow() + timedelta(hours=SESSION_HOURS))
    session.add(web)
    record(session, actor=f"user:{user.username}", action="auth.sign_in", entity="user",
           entity_id=user.username, detail={"client": client})
    return secret, web


def session_principal(session: Session, secret: str | None) -> tuple[Principal, WebSession] | None:
    """The signed-in principal for a session cookie, or None when absent or expired."""
    if not secret:
        return None
    web = session.scalar(select(WebSession).where(WebSession.digest == digest(secret)))
    if web is None:
        return None
    expires = web.expires_at if web.expires_at.tzinfo else web.expires_at.replace(
        tzinfo=utcnow().tzinfo)
    if expires < utcnow():
        return None
    user = session.get(User, web.user_id)
    if user is None or not user.active:
        return None
    return principal_of(session, user), web


def sign_out(session: Session, secret: str, actor: str) -> None:
    web = session.scalar(select(WebSession).where(WebSession.digest == digest(secret)))
    if web is not None:
        session.delete(web)
        record(session, actor=actor, action="auth.sign_out", entity="user")


def create_token(session: Session, *, name: str, organisation_code: str,
                 permissions: list[str], actor: str,
                 rate_per_minute: int = 600) -> tuple[str, ApiToken]:
    """A new API token; the secret is returned once and stored only as a digest."""
    unknown = set(permissions) - set(PERMISSIONS)
    if unknown or not permissions:
        raise InvalidInput(f"izin tidak dikenal: {', '.join(sorted(unknown)) or '(kosong)'}",
                           "permissions")
    org = get_organisation(session, organisation_code)
    secret = "lgt_" + secrets.token_urlsafe(32)
    token = ApiToken(name=name, prefix=secret[:10], digest=digest(secret),
                     organisation_id=org.id, permissions=sorted(permissions),
                     rate_per_minute=rate_per_minute, created_by=actor)
    session.add(token)
    session.flush()
    record(session, actor=actor, action="token.create", entity="api_token",
           entity_id=token.id, after={"name": name, "organisation": organisation_code,
                                      "permissions": sorted(permissions),
                                      "prefix": token.prefix})
    return secret, token


TOKEN_CACHE_SECONDS = 10.0
_token_cache: dict[str, tuple[float, Principal, ApiToken]] = {}
_token_cache_lock = threading.Lock()


def cached_token_principal(secret: str) -> tuple[Principal, ApiToken] | None:
    """The principal of a token looked up less than 10 seconds ago, without the database."""
    with _token_cache_lock:
        cached = _token_cache.get(digest(secret))
    if cached is not None and cached[0] > time.monotonic():
        return cached[1], cached[2]
    return None


def token_principal(session: Session, secret: str | None) -> tuple[Principal, ApiToken] | None:
    """The principal of an API token. Looked-up tokens are kept for 10 seconds per process (a
    counter desk calls many times a minute); revoking a token in this process drops it at once."""
    if not secret:
        return None
    hit = cached_token_principal(secret)
    if hit is not None:
        return hit
    key = digest(secret)
    now = time.monotonic()
    token = session.scalar(select(ApiToken).where(ApiToken.digest == key,
                                                  ApiToken.revoked_at.is_(None)))
    if token is None:
        return None
    org = session.get(Organisation, token.organisation_id)
    assert org is not None
    principal = _principal("token", token.id, f"{token.prefix}…({token.name})", "api_client",
                           org, token.permissions)
    session.expunge(token)
    with _token_cache_lock:
        _token_cache[key] = (now + TOKEN_CACHE_SECONDS, principal, token)
    return principal, token


def revoke_token(session: Session, token_id: int, actor: str) -> None:
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(f"token {token_id} tidak ditemukan")
    token.revoked_at = utcnow()
    with _token_cache_lock:
        _token_cache.pop(token.digest, None)
    record(session, actor=actor, action="token.revoke", entity="api_token", entity_id=token_id)
