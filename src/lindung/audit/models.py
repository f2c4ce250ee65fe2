"""The append-only audit log: who changed, imported or exported what, and when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from lindung.db import Base, BigIntPK, JSONType, utcnow


class AuditEvent(Base):
    """One change, import, export or check. Never updated, never deleted; NIKs are masked.

    ``pemda_id`` is the Pemda whose data or people the event concerns (the agreement's Pemda,
    or the acting user's): its auditors read it, no one else's do. Null for events of the
    installation itself (the system's own housekeeping, a BPJS branch's sign-in).
    """

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    pemda_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("organisation.id"),
                                                 index=True)
    action: Mapped[str] = mapped_column(String(50), index=True)
    entity: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
