"""Use cases of accounts: organisations, users, sign-in with throttling, sessions, API tokens."""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lindung.accounts.models import ROLES, ApiToken, User, WebSession
from lindung.accounts.permissions import PERMISSIONS, Principal, permissions_for
from lindung.agreements.models import Organisation, pemda_id_of
from lindung.audit.service import record
from lindung.db import utcnow
from lindung.errors import Conflict, InvalidInput, LindungError, NotFound
from lindung.text import clean_code, required_text

SESSION_HOURS = 8
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,59}")
ORGANISATION_KINDS = ("pemda", "opd", "village", "bpjs_branch", "counter", "donor")
_hasher = PasswordHasher()  # argon2id with the library's current parameters


class SignInRefused(LindungError):
    """Wrong username or password, or too many attempts: the message never says which."""


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def same_secret(sent: str | None, expected: str | None) -> bool:
    """Constant-time comparison of two secrets as typed or stored (any text, even non-ASCII:
    ``secrets.compare_digest`` refuses non-ASCII strings, so bytes are compared)."""
    if not sent or not expected:
        return False
    return secrets.compare_digest(sent.encode("utf-8", "replace"),
                                  expected.encode("utf-8", "replace"))


def hash_password(password: str) -> str:
    if len(password) < 10:
        raise InvalidInput("kata sandi minimal 10 karakter", "password")
    return _hasher.hash(password)


class Throttle:
    """Failed sign-ins, in-process and thread-safe: exponential back-off per account, and a
    much higher ceiling per client address.

    An account may fail ``free`` times freely; from then on each further attempt (even with the
    right password) must wait ``base`` seconds after the last failure, doubling with every
    failure up to ``cap``. So a guesser gets a handful of tries an hour on an account, while
    the rest of an office behind the same address signs in as usual: the address is only
    stopped after ``address_limit`` failures within ``window`` seconds, far more than honest
    typing errors. Success clears the account's record.
    """

    def __init__(self, *, free: int = 5, base: float = 30.0, cap: float = 900.0,
                 address_limit: int = 100, window: float = 900.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.free, self.base, self.cap = free, base, cap
        self.address_limit, self.window, self.clock = address_limit, window, clock
        self._accounts: dict[str, tuple[int, float]] = {}
        self._addresses: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _address_failures(self, address: str) -> deque[float]:
        now = self.clock()
        failures = self._addresses.setdefault(address, deque())
        while failures and now - failures[0] > self.window:
            failures.popleft()
        return failures

    def wait(self, account: str, address: str) -> float:
        """Seconds to wait before this account may try again from this address (0: now)."""
        with self._lock:
            if len(self._address_failures(address)) >= self.address_limit:
                return self.window
            count, last = self._accounts.get(account, (0, 0.0))
            if count < self.free:
                return 0.0
            delay: float = min(self.base * 2.0 ** (count - self.free), self.cap)
            return float(max(0.0, last + delay - self.clock()))

    def fail(self, account: str, address: str) -> None:
        with self._lock:
            now = self.clock()
            count, last = self._accounts.get(account, (0, now))
            if now - last > 24 * 3600:
                count = 0  # a mistake of yesterday does not count against today
            self._accounts[account] = (count + 1, now)
            self._address_failures(address).append(now)

    def succeed(self, account: str) -> None:
        with self._lock:
            self._accounts.pop(account, None)

    def clear(self) -> None:
        with self._lock:
            self._accounts.clear()
            self._addresses.clear()


def _wait_words(seconds: float) -> str:
    minutes = int(-(-seconds // 60))
    return f"{minutes} menit" if minutes > 1 else "1 menit"


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
    code = clean_code(code, label="kode organisasi", field="code", example="PEMKOT-METRO")
    name = required_text(name, label="nama organisasi", field="name", max_length=200)
    if session.scalar(select(Organisation.id).where(Organisation.code == code)) is not None:
        raise Conflict(f"organisasi {code!r} sudah ada")
    parent = get_organisation(session, parent_code) if parent_code else None
    org = Organisation(code=code, kind=kind, name=name, region_code=region_code,
                       parent_id=parent.id if parent else None)
    session.add(org)
    session.flush()
    record(session, actor=actor, action="organisation.create", entity="organisation",
           pemda_id=pemda_id_of(session, org.id), entity_id=code,
           after={"kind": kind, "name": name, "region_code": region_code,
                  "parent": parent_code})
    return org


def create_user(session: Session, *, username: str, display_name: str, password: str,
                role: str, organisation_code: str, actor: str) -> User:
    if role not in ROLES or role == "api_client":
        raise InvalidInput(f"peran harus salah satu dari {', '.join(ROLES[:-1])}", "role")
    if not USERNAME.fullmatch(username):
        raise InvalidInput("nama pengguna: huruf kecil, angka, titik, - atau _, 3 sampai 60 "
                           "karakter (mis. admin.metro)", "username")
    display_name = required_text(display_name, label="nama lengkap", field="display_name",
                                 max_length=120)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"pengguna {username!r} sudah ada")
    org = get_organisation(session, organisation_code)
    user = User(username=username, display_name=display_name,
                password_hash=hash_password(password), role=role, organisation_id=org.id)
    session.add(user)
    session.flush()
    record(session, actor=actor, action="user.create", entity="user", entity_id=username,
           pemda_id=pemda_id_of(session, org.id),
           after={"role": role, "organisation": organisation_code,
                  "display_name": display_name})
    return user


def _principal(session: Session, kind: str, ident: int, name: str, role: str,
               org: Organisation, token_permissions: list[str] | None = None) -> Principal:
    return Principal(kind=kind, id=ident, name=name, role=role, organisation_id=org.id,
                     organisation_name=org.name, organisation_kind=org.kind,
                     region_code=org.region_code,
                     permissions=permissions_for(role, token_permissions),
                     pemda_id=pemda_id_of(session, org.id))


def principal_of(session: Session, user: User) -> Principal:
    org = session.get(Organisation, user.organisation_id)
    assert org is not None
    return _principal(session, "user", user.id, user.username, user.role, org)


def sign_in(session: Session, *, username: str, password: str,
            client: str = "-") -> tuple[str, WebSession]:
    """Check the password (argon2id); open a session. Returns the cookie secret, once."""
    account = username.lower()[:60]
    user = session.scalar(select(User).where(User.username == username[:60],
                                             User.active.is_(True)))
    pemda = pemda_id_of(session, user.organisation_id) if user is not None else None
    wait = sign_in_throttle.wait(account, client)
    if wait > 0:
        record(session, actor=f"anon:{client}", action="auth.sign_in_throttled",
               entity="user", entity_id=username[:60], pemda_id=pemda)
        raise SignInRefused(f"terlalu banyak percobaan masuk yang salah; coba lagi dalam "
                            f"{_wait_words(wait)}")
    ok = False
    if user is not None:
        try:
            ok = _hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            ok = False
    else:
        _hasher.hash(password or "-")  # same work whether or not the user exists
    if not ok or user is None:
        sign_in_throttle.fail(account, client)
        record(session, actor=f"anon:{client}", action="auth.sign_in_failed", entity="user",
               entity_id=username[:60], pemda_id=pemda)
        raise SignInRefused("nama pengguna atau kata sandi salah")
    sign_in_throttle.succeed(account)
    purge_expired_sessions(session, actor=f"user:{user.username}")
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    secret = secrets.token_urlsafe(32)
    web = WebSession(digest=digest(secret), user_id=user.id, csrf_token=secrets.token_urlsafe(24),
                     expires_at=utcnow() + timedelta(hours=SESSION_HOURS))
    session.add(web)
    record(session, actor=f"user:{user.username}", action="auth.sign_in", entity="user",
           entity_id=user.username, detail={"client": client}, pemda_id=pemda)
    return secret, web


def purge_expired_sessions(session: Session, *, actor: str) -> int:
    """Delete the sessions that have expired (run at sign-in and when the server starts)."""
    expired = session.execute(delete(WebSession).where(WebSession.expires_at < utcnow()))
    count = int(getattr(expired, "rowcount", 0) or 0)
    if count:
        record(session, actor=actor, action="auth.sessions_purged", entity="web_session",
               detail={"count": count})
    return count


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
        user = session.get(User, web.user_id)
        session.delete(web)
        record(session, actor=actor, action="auth.sign_out", entity="user",
               pemda_id=pemda_id_of(session, user.organisation_id) if user else None)


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
           pemda_id=pemda_id_of(session, org.id), entity_id=token.id,
           after={"name": name, "organisation": organisation_code,
                  "permissions": sorted(permissions), "prefix": token.prefix})
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
    principal = _principal(session, "token", token.id, f"{token.prefix}…({token.name})",
                           "api_client", org, token.permissions)
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
    record(session, actor=actor, action="token.revoke", entity="api_token", entity_id=token_id,
           pemda_id=pemda_id_of(session, token.organisation_id))
