"""The append-only audit log: who changed, imported or exported what, and when; a hash chain
makes it tamper-evident (see :mod:`lindung.audit.chain` and decision 0014)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from lindung.db import Base, BigIntPK, JSONType, utcnow


class AuditEvent(Base):
    """One change, import, export or check. Never updated, never deleted; NIKs are masked.

    ``pemda_id`` is the Pemda whose data or people the event concerns (the agreement's Pemda,
    or the acting user's): its auditors read it, no one else's do. Null for events of the
    installation itself (the system's own housekeeping, a BPJS branch's sign-in).

    ``seq``, ``prev_hash`` and ``hash`` are the event's place in the installation's one hash
    chain: set when the event is flushed (:mod:`lindung.audit.chain`), never by a caller.
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
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    """The event's position in the chain: 1, 2, 3, ... without gaps."""
    prev_hash: Mapped[str] = mapped_column(String(64))
    """The ``hash`` of the event at ``seq - 1`` (64 zeros for the first event)."""
    hash: Mapped[str] = mapped_column(String(64))
    """SHA-256 (hex) of ``prev_hash`` and the event's content
    (:func:`lindung.audit.chain.event_hash`)."""


class AuditChainHead(Base):
    """The chain's head: one row (``id`` 1), the newest event's ``seq`` and ``hash``.

    Updated only by :mod:`lindung.audit.chain`, in the transaction that writes the events: its
    row lock is what serialises the writers of the log.
    """

    __tablename__ = "audit_chain_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
