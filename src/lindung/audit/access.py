"""Reading the audit log, for auditors. There is deliberately no function that changes or
deletes an event: the log is append-only, written only by :func:`lindung.audit.service.record`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import ColumnElement, Select, false, func, select
from sqlalchemy.orm import Session

from lindung.audit.labels import local_day_start
from lindung.audit.models import AuditEvent
from lindung.paging import Page, paginate
from lindung.principal import Principal
from lindung.time_zones import TimeZone, zone_of

MAX_ACTORS = 500
"""Actors offered in the filter's list (a Pemda has tens of users)."""


@dataclass(frozen=True)
class AuditFilter:
    """What part of the log to read: ``action`` exact or a prefix ending in ``.``
    (``worker.``); ``actor`` a whole actor (``user:admin.metro``) or a part of one;
    ``since``/``until`` whole days on the office's clock ``zone`` (WIB, WITA, WIT), inclusive."""

    action: str | None = None
    actor: str | None = None
    since: date | None = None
    until: date | None = None
    zone: TimeZone = field(default_factory=lambda: zone_of(None))


def _filtered(principal: Principal, wanted: AuditFilter) -> Select[AuditEvent]:
    statement = (select(AuditEvent).where(_own_pemda(principal))
                 .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()))
    if wanted.action:
        statement = statement.where(
            AuditEvent.action.startswith(wanted.action, autoescape=True)
            if wanted.action.endswith(".") else AuditEvent.action == wanted.action)
    if wanted.actor:
        statement = statement.where(
            AuditEvent.actor == wanted.actor if ":" in wanted.actor.rstrip(":")
            else AuditEvent.actor.contains(wanted.actor, autoescape=True))
    if wanted.since:
        statement = statement.where(AuditEvent.at >= local_day_start(wanted.since, wanted.zone))
    if wanted.until:
        statement = statement.where(
            AuditEvent.at < local_day_start(wanted.until + timedelta(days=1), wanted.zone))
    return statement


def audit_events(session: Session, principal: Principal, *, action: str | None = None,
                 actor: str | None = None, since: date | None = None, until: date | None = None,
                 zone: TimeZone | None = None, page: int = 1,
                 per_page: int = 50) -> Page[AuditEvent]:
    """Events of the auditor's own Pemda, newest first, filtered as :class:`AuditFilter`
    says (dates are whole days in ``zone``)."""
    wanted = AuditFilter(action, actor, since, until, zone or zone_of(None))
    return paginate(session, _filtered(principal, wanted), page, per_page)


def audit_rows(session: Session, principal: Principal, wanted: AuditFilter,
               limit: int) -> tuple[list[AuditEvent], int]:
    """At most ``limit`` events of the filter, newest first, and how many there are in all."""
    statement = _filtered(principal, wanted)
    total = int(session.scalar(select(func.count()).select_from(
        statement.order_by(None).subquery())) or 0)
    return list(session.scalars(statement.limit(limit))), total


def audit_actors(session: Session, principal: Principal) -> list[str]:
    """The actors that occur in the auditor's part of the log, for the filter's choices."""
    return list(session.scalars(select(AuditEvent.actor).where(_own_pemda(principal))
                                .distinct().order_by(AuditEvent.actor).limit(MAX_ACTORS)))


def audit_actions(session: Session, principal: Principal) -> list[str]:
    """The actions that occur in the auditor's part of the log, for the filter's choices."""
    return list(session.scalars(select(AuditEvent.action).where(_own_pemda(principal))
                                .distinct().order_by(AuditEvent.action)))


def _own_pemda(principal: Principal) -> ColumnElement[bool]:
    """The events an auditor may read: their own Pemda's (none without a Pemda)."""
    principal.require("audit.read")
    if principal.pemda_id is None:
        return false()
    return AuditEvent.pemda_id == principal.pemda_id
