"""Tables of people and places: regions, occupations and workers (one person per NIK)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Date,
    DateTime,
    ForeignKey,
    SmallInteger,
    String,
    Text,
    or_,
)
from sqlalchemy.orm import Mapped, mapped_column

from lindung.db import Base, BigIntPK, JSONType, utcnow


class Region(Base):
    """A Kemendagri region: province (1), regency/city (2), district (3) or village (4)."""

    __tablename__ = "region"

    code: Mapped[str] = mapped_column(String(13), primary_key=True)
    level: Mapped[int] = mapped_column(SmallInteger)
    name: Mapped[str] = mapped_column(String(120))
    parent_code: Mapped[str | None] = mapped_column(String(13), index=True)
    postal_code: Mapped[str | None] = mapped_column(String(5))
    retired: Mapped[bool] = mapped_column(Boolean, default=False)


class Occupation(Base):
    """An occupation of the taxonomy, with the segment and JKK risk class it defaults to.

    Central entries (``pemda_id`` null: the built-in taxonomy and what an installation's
    administrator adds at the command line) serve every Pemda; an entry a Pemda's admin adds
    belongs to that Pemda and is offered and matched only in its agreements and counters.
    """

    __tablename__ = "occupation"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    group: Mapped[str] = mapped_column(String(40), index=True)
    default_segment: Mapped[str] = mapped_column(String(8))
    risk_class: Mapped[int | None] = mapped_column(SmallInteger)
    aliases: Mapped[list[str]] = mapped_column(JSONType, default=list)
    builtin: Mapped[bool] = mapped_column(Boolean, default=True)
    pemda_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)


class Worker(Base):
    """A person, identified by NIK (text, 16 digits) once across the whole system."""

    __tablename__ = "worker"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    nik: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(150))
    name_key: Mapped[str] = mapped_column(String(150), index=True)
    birth_date: Mapped[date | None] = mapped_column(Date)
    birth_place: Mapped[str | None] = mapped_column(String(100))
    sex: Mapped[str | None] = mapped_column(String(1))
    address: Mapped[str | None] = mapped_column(Text)
    village_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"), index=True)
    phone: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 onupdate=utcnow)


def occupation_in_reach(pemda_id: int | None) -> ColumnElement[bool]:
    """Occupations a Pemda's agreements and counters may use: the central taxonomy and the
    Pemda's own entries (``pemda_id`` None: the central taxonomy only)."""
    central = Occupation.pemda_id.is_(None)
    return central if pemda_id is None else or_(central, Occupation.pemda_id == pemda_id)
