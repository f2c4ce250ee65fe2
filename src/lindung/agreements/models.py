"""Tables of cooperation agreements (PKS): the agreement, its terms per validity period, its
phases, its amendments, who pays for which members, and where the money comes from.

The terms of an agreement (programmes, income or wage, risk class, quota, budget ceiling,
funding source, payer, dates) are kept per validity period (:class:`AgreementTerms`): an
amendment adds a period from its effective date and closes the one before; no period is ever
edited, so the terms of March can be read in June and a past month billed as it was.
"""

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
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lindung.db import Base, JSONType, utcnow


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


class Agreement(Base):
    """A PKS between a Pemda (or other payer) and a BPJS branch to cover a group of workers:
    its identity. What it provides, for whom, at what cost and when, is in its terms."""

    __tablename__ = "agreement"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    number: Mapped[str | None] = mapped_column(String(120))
    title: Mapped[str | None] = mapped_column(String(250))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))
    segment: Mapped[str] = mapped_column(String(8))
    pemda_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    periods: Mapped[list[AgreementTerms]] = relationship(
        back_populates="agreement", order_by="AgreementTerms.id", cascade="all")
    phases: Mapped[list[AgreementPhase]] = relationship(
        back_populates="agreement", order_by="AgreementPhase.number", cascade="all")
    amendments: Mapped[list[AgreementAmendment]] = relationship(
        back_populates="agreement", order_by="AgreementAmendment.number", cascade="all")
    payers: Mapped[list[PayerAssignment]] = relationship(
        back_populates="agreement", order_by="PayerAssignment.id", cascade="all")


class AgreementTerms(Base):
    """The terms of an agreement for one validity period, ``valid_from`` to ``valid_to``
    (inclusive; None: until a later amendment). ``amendment_id`` is the amendment that made the
    period (None for the terms signed). A period superseded before it began has ``valid_to``
    before ``valid_from``: kept for the history, never in force."""

    __tablename__ = "agreement_terms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id"), index=True)
    amendment_id: Mapped[int | None] = mapped_column(ForeignKey("agreement_amendment.id"))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    programs: Mapped[str] = mapped_column(String(40))
    funding_source_code: Mapped[str] = mapped_column(ForeignKey("funding_source.code"))
    payer_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    declared_income: Mapped[int | None] = mapped_column(BigInteger)
    wage: Mapped[int | None] = mapped_column(BigInteger)
    risk_class: Mapped[int | None] = mapped_column(SmallInteger)
    contract_months: Mapped[int | None] = mapped_column(SmallInteger)
    quota: Mapped[int] = mapped_column(Integer)
    budget_ceiling: Mapped[int | None] = mapped_column(BigInteger)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    start_rule: Mapped[str] = mapped_column(String(10), default="usulan",
                                            server_default="usulan")
    """From when a member proposed under these terms is covered: ``terms.START_RULES``."""
    agreement: Mapped[Agreement] = relationship(back_populates="periods")

    @property
    def program_list(self) -> list[str]:
        return [p for p in self.programs.split(",") if p]


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
    """An addendum: when it takes effect, why, and the terms before and after it."""

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


class PayerAssignment(Base):
    """Who pays for a group of an agreement's members, from which funding source, from when.

    The agreement's own payer is in its terms; an assignment names another for the members of
    one phase, of one organisation (an OPD paying from its own budget, the members enrolled at
    a service counter), or both. ``payer_id`` None: the worker pays himself. Assignments are
    dated like terms: a change closes the one before (``valid_to``) and adds a new one.
    """

    __tablename__ = "payer_assignment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id"), index=True)
    phase_number: Mapped[int | None] = mapped_column(SmallInteger)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    payer_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    funding_source_code: Mapped[str] = mapped_column(ForeignKey("funding_source.code"))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    agreement: Mapped[Agreement] = relationship(back_populates="payers")
