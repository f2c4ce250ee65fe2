"""Tables of cooperation agreements (PKS), the organisations behind them and who pays."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from lindung.db import Base, JSONType, utcnow


class Organisation(Base):
    """A Pemda, one of its OPDs, a village, a BPJS branch office, a service counter or a donor."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))


def pemda_id_of(session: Session, organisation_id: int | None) -> int | None:
    """The Pemda an organisation belongs to: itself when it is a Pemda, else the nearest Pemda
    above it (an OPD, a village, a counter); None when there is none (a BPJS branch)."""
    seen: set[int] = set()
    while organisation_id is not None and organisation_id not in seen:
        seen.add(organisation_id)
        org = session.get(Organisation, organisation_id)
        if org is None:
            return None
        if org.kind == "pemda":
            return org.id
        organisation_id = org.parent_id
    return None


class FundingSource(Base):
    """Where the money comes from (APBD, APBDes, DBHCHT, APBN, CSR, self), with its constraints.

    ``occupation_groups``: only workers of these occupation groups may be paid from it (None =
    any); ``same_village_only``: only people living in the agreement's village.
    """

    __tablename__ = "funding_source"

    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text)
    occupation_groups: Mapped[list[str] | None] = mapped_column(JSONType)
    same_village_only: Mapped[bool] = mapped_column(Boolean, default=False)
    basis: Mapped[str] = mapped_column(Text)


AMENDABLE_FIELDS = ("number", "title", "programs", "declared_income", "wage", "risk_class",
                    "start_date", "end_date", "quota", "budget_ceiling", "funding_source_code")


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


class Agreement(Base):
    """A PKS between a Pemda (or other payer) and a BPJS branch to cover a group of workers."""

    __tablename__ = "agreement"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    number: Mapped[str | None] = mapped_column(String(120))
    title: Mapped[str | None] = mapped_column(String(250))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))
    pemda_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    payer_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    segment: Mapped[str] = mapped_column(String(8))
    programs: Mapped[str] = mapped_column(String(40))
    funding_source_code: Mapped[str] = mapped_column(ForeignKey("funding_source.code"))
    declared_income: Mapped[int | None] = mapped_column(BigInteger)
    wage: Mapped[int | None] = mapped_column(BigInteger)
    risk_class: Mapped[int | None] = mapped_column(SmallInteger)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    quota: Mapped[int] = mapped_column(Integer)
    budget_ceiling: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 onupdate=utcnow)

    phases: Mapped[list[AgreementPhase]] = relationship(
        back_populates="agreement", order_by="AgreementPhase.number", cascade="all")
    amendments: Mapped[list[AgreementAmendment]] = relationship(
        back_populates="agreement", order_by="AgreementAmendment.number", cascade="all")

    @property
    def program_list(self) -> list[str]:
        return [p for p in self.programs.split(",") if p]

    def terms(self) -> dict[str, Any]:
        """The amendable terms as plain values (for history and audit)."""
        return {f: _plain(getattr(self, f)) for f in AMENDABLE_FIELDS}


class AgreementPhase(Base):
    """A stage (tahap) of an agreement: workers enrolled in phases as the APBD allows."""

    __tablename__ = "agreement_phase"
    __table_args__ = (UniqueConstraint("agreement_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id"), index=True)
    number: Mapped[int] = mapped_column(SmallInteger)
    start_date: Mapped[date] = mapped_column(Date)
    quota: Mapped[int] = mapped_column(Integer)
    agreement: Mapped[Agreement] = relationship(back_populates="phases")


class AgreementAmendment(Base):
    """A change of an agreement's terms (addendum), with the terms before and after."""

    __tablename__ = "agreement_amendment"
    __table_args__ = (UniqueConstraint("agreement_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id"), index=True)
    number: Mapped[int] = mapped_column(SmallInteger)
    effective_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    changes: Mapped[dict[str, Any]] = mapped_column(JSONType)
    actor: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    agreement: Mapped[Agreement] = relationship(back_populates="amendments")
