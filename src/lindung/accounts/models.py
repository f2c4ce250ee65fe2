"""Tables of accounts: users (argon2id password hashes), web sessions and API tokens.

Secrets are never stored: a session or token is a random value given to its holder once; the
database keeps its SHA-256 digest (the values are 256-bit random, so no slow hash is needed).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from lindung.db import Base, JSONType, utcnow

SESSION_PURPOSES = ("sign_in", "set_password")
ROLES = ("pemda_admin", "opd_operator", "village_operator", "bpjs_officer", "counter_officer",
         "auditor", "api_client")


class User(Base):
    """A person who signs in; their role and organisation decide what they see and may do."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WebSession(Base):
    """A signed-in browser: the cookie holds the secret, this row its digest and CSRF token."""

    __tablename__ = "web_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    purpose: Mapped[str] = mapped_column(String(20), default="sign_in",
                                         server_default="sign_in")
    """``sign_in``: a signed-in browser. ``set_password``: opened by a one-time code, good for
    nothing but choosing a new password (see :data:`SESSION_PURPOSES`)."""


class ApiToken(Base):
    """A token for another desk's system, scoped to one organisation and a list of permissions."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(120))
    prefix: Mapped[str] = mapped_column(String(12))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    permissions: Mapped[list[str]] = mapped_column(JSONType)
    rate_per_minute: Mapped[int] = mapped_column(Integer, default=600)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """Set on a token that was rotated: it keeps working until then (the overlap), no longer."""
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("api_token.id"))
    """The token this one replaced when it was made by a rotation."""


class SignInCode(Base):
    """A one-time sign-in code an admin made for a new user or a password reset: shown once on
    the admin's screen, stored as an argon2 hash, good for one sign-in before ``expires_at``;
    that sign-in can do nothing but set a new password."""

    __tablename__ = "sign_in_code"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """A newer code, a password change or a deactivation cancels a code not used yet."""
