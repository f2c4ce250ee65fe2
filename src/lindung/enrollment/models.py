"""Tables of enrolment: memberships with their full history, and roster imports."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    and_,
    or_,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from lindung.db import Base, BigIntPK, JSONType, utcnow

# proposed: entered by the Pemda; submitted: sent to the BPJS branch; active: accepted, with KPJ;
# rejected: refused by the branch (with reason); ended: no longer covered (with reason).
MEMBERSHIP_STATUSES = ("proposed", "submitted", "active", "rejected", "ended")
OPEN_STATUSES = ("proposed", "submitted", "active")
END_REASONS = ("death", "agreement_end", "moved", "duplicate", "resigned", "lapsed")


class RosterImport(Base):
    """One import of a roster file into an agreement (dry runs are not stored)."""

    __tablename__ = "roster_import"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id"), index=True)
    file_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    mode: Mapped[str] = mapped_column(String(20))
    rows: Mapped[int] = mapped_column(Integer)
    accepted: Mapped[int] = mapped_column(Integer)
    unchanged: Mapped[int] = mapped_column(Integer)
    rejected: Mapped[int] = mapped_column(Integer)
    warnings: Mapped[int] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


OPEN_CONDITION = text("status IN ('proposed', 'submitted', 'active')")
"""SQL of :data:`OPEN_STATUSES`, for the partial unique index below."""


class Membership(Base):
    """A worker covered under an agreement for some programmes, from a start date.

    One row per period: a member rejected by BPJS, or ended, may be proposed again under the
    same agreement; that is a new row (the old one keeps its dates, status and history). At
    most one row per worker and agreement is open (proposed, submitted or active).
    """

    __tablename__ = "membership"
    __table_args__ = (
        Index("uq_membership_open_worker_agreement", "worker_id", "agreement_id", unique=True,
              sqlite_where=OPEN_CONDITION, postgresql_where=OPEN_CONDITION),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id"), index=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id"), index=True)
    phase_number: Mapped[int | None] = mapped_column(SmallInteger)
    programs: Mapped[str] = mapped_column(String(40))
    # Reference codes checked by the import service, not by foreign keys: at a million rows the
    # per-row key checks cost more than the whole write (docs/decisions/0006).
    occupation_code: Mapped[str | None] = mapped_column(String(40))
    occupation_text: Mapped[str | None] = mapped_column(String(120))
    """An occupation the taxonomy does not know, as the roster wrote it (code None)."""
    funding_source_code: Mapped[str] = mapped_column(String(10))
    agency: Mapped[str | None] = mapped_column(String(150))
    """The OPD as the roster wrote it (shown); ``agency_id`` is the organisation it names, which
    decides which OPD operator sees the member."""
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    declared_income: Mapped[int | None] = mapped_column(BigInteger)
    wage: Mapped[int | None] = mapped_column(BigInteger)
    risk_class: Mapped[int | None] = mapped_column(SmallInteger)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), index=True)
    kpj: Mapped[str | None] = mapped_column(String(20))
    end_reason: Mapped[str | None] = mapped_column(String(20))
    status_reason: Mapped[str | None] = mapped_column(Text)
    roster_import_id: Mapped[int | None] = mapped_column(Integer, index=True)
    source_row: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 onupdate=utcnow)

    @property
    def program_list(self) -> list[str]:
        return [p for p in self.programs.split(",") if p]

    def covered_on(self, day: date) -> bool:
        """Active, and ``day`` inside its dates: the one definition of "covered on a day"
        (:meth:`covering` is the same condition in SQL, kept beside it)."""
        return (self.status == "active" and self.start_date <= day
                and (self.end_date is None or day <= self.end_date))

    @classmethod
    def covering(cls, day: date) -> ColumnElement[bool]:
        """:meth:`covered_on` as a SQL condition: ``.where(Membership.covering(day))``."""
        return and_(cls.status == "active", cls.start_date <= day,
                    or_(cls.end_date.is_(None), cls.end_date >= day))


class MembershipOverride(Base):
    """A member's own income band or wage from a day on (a correction, a new band): dated like
    an agreement's terms. Before the first override the membership's own values apply."""

    __tablename__ = "membership_override"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("membership.id"), index=True)
    valid_from: Mapped[date] = mapped_column(Date)
    declared_income: Mapped[int | None] = mapped_column(BigInteger)
    wage: Mapped[int | None] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MembershipEvent(Base):
    """One step of a membership's history: a change of status, with who, when and why."""

    __tablename__ = "membership_event"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("membership.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(100))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSONType)


class UploadRetention(Base):
    """How many days an uploaded roster (full NIKs) may stay on disk before it is purged: one
    row for the installation; none means :data:`DEFAULT_UPLOAD_RETENTION_DAYS`."""

    __tablename__ = "upload_retention"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    days: Mapped[int] = mapped_column(SmallInteger)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(100))


DEFAULT_UPLOAD_RETENTION_DAYS = 7
MAX_UPLOAD_RETENTION_DAYS = 365
