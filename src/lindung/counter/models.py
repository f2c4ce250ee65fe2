"""Tables of the counter: one row per card issued at a service counter (KIR desk)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from lindung.db import Base, BigIntPK, utcnow


class CounterCard(Base):
    """A membership card printed at a counter for one paid period (one visit, one card).

    ``number`` is the membership number printed until BPJS assigns a KPJ (``LDG-`` and the
    membership id): a renewal prints the same number on a new card. ``verification_code`` is
    random and unguessable; the card's QR code links to ``/kartu/{verification_code}``.
    """

    __tablename__ = "counter_card"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("membership.id"), index=True)
    counter_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    number: Mapped[str] = mapped_column(String(20), index=True)
    verification_code: Mapped[str] = mapped_column(String(43), unique=True)
    months: Mapped[int] = mapped_column(SmallInteger)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(BigInteger)
    funding_source_code: Mapped[str] = mapped_column(String(10))
    actor: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
