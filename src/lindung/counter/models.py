"""Tables of the counter: the payments taken at a service counter (KIR desk), each with its
receipt, and the membership cards printed once BPJS has assigned a KPJ."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from lindung.db import Base, BigIntPK, utcnow


class CounterPayment(Base):
    """A payment taken at a counter's desk for one proposed period of a membership: what was
    paid (integer rupiah, the rules engine's price), for which months, who took it and when.

    ``receipt_number`` (``2026-000042``) is printed on the registration receipt ("bukti
    pendaftaran") and is unique per counter; ``sequence`` is its running number at the counter.
    """

    __tablename__ = "counter_payment"
    __table_args__ = (
        UniqueConstraint("counter_id", "receipt_number",
                         name="uq_counter_payment_counter_id_receipt_number"),
        UniqueConstraint("counter_id", "sequence", name="uq_counter_payment_counter_id_sequence"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    counter_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("membership.id"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    receipt_number: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int] = mapped_column(BigInteger)
    months: Mapped[int] = mapped_column(SmallInteger)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    funding_source_code: Mapped[str] = mapped_column(String(10))
    received_by: Mapped[str] = mapped_column(String(100))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CounterCard(Base):
    """A membership card printed at a counter for one paid period, once BPJS has confirmed the
    membership: ``number`` is the KPJ BPJS assigned (cards printed before migration 0008 carry
    lindung's old ``LDG-`` number and no ``payment_id``; they no longer verify).
    ``verification_code`` is random and unguessable; the card's QR code links to
    ``/kartu/{verification_code}``.
    """

    __tablename__ = "counter_card"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("membership.id"), index=True)
    counter_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("counter_payment.id"), index=True)
    number: Mapped[str] = mapped_column(String(20), index=True)
    verification_code: Mapped[str] = mapped_column(String(43), unique=True)
    months: Mapped[int] = mapped_column(SmallInteger)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(BigInteger)
    funding_source_code: Mapped[str] = mapped_column(String(10))
    actor: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
