"""Every table, imported once so that SQLAlchemy and Alembic see the whole schema."""

from lindung.accounts.models import ApiToken, SignInCode, User, WebSession
from lindung.agreements.models import (
    Agreement,
    AgreementAmendment,
    AgreementPhase,
    AgreementTerms,
    FundingSource,
    PayerAssignment,
)
from lindung.audit.models import AuditEvent
from lindung.counter.models import CounterCard, CounterPayment
from lindung.db import Base
from lindung.enrollment.models import (
    Membership,
    MembershipEvent,
    MembershipOverride,
    RosterImport,
)
from lindung.organisations.models import Organisation
from lindung.registry.models import Occupation, Region, Worker

__all__ = [
    "Agreement",
    "AgreementAmendment",
    "AgreementPhase",
    "AgreementTerms",
    "ApiToken",
    "AuditEvent",
    "Base",
    "CounterCard",
    "CounterPayment",
    "FundingSource",
    "Membership",
    "MembershipEvent",
    "MembershipOverride",
    "Occupation",
    "Organisation",
    "PayerAssignment",
    "Region",
    "RosterImport",
    "SignInCode",
    "User",
    "WebSession",
    "Worker",
]
