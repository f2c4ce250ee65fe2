"""Reading the audit log, for auditors. There is deliberately no function that changes or
deletes an event: the log is append-only, written only by :func:`lindung.audit.service.record`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, false, select
from sqlalchemy.orm import Session

from lindung.audit.models import AuditEvent
from lindung.paging import Page, paginate
from lindung.principal import Principal


def audit_events(session: Session, principal: Principal, *, action: str | None = None,
                 actor: str | None = None, since: date | None = None, until: date | None = None,
                 page: int = 1, per_page: int = 50) -> Page[AuditEvent]:
    """Events of the auditor's own Pemda, newest first; ``action`` exact or a prefix ending in
    ``.`` (``worker.``), ``actor`` a part of the actor's name, ``since``/``until`` whole days
    (UTC), inclusive."""
    statement = (select(AuditEvent).where(_own_pemda(principal))
                 .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()))
    if action:
        statement = statement.where(
            AuditEvent.action.startswith(action, autoescape=True) if action.endswith(".")
            else AuditEvent.action == action)
    if actor:
        statement = statement.where(AuditEvent.actor.contains(actor, autoescape=True))
    if since:
        statement = statement.where(AuditEvent.at >= datetime.combine(since, time(), UTC))
    if until:
        statement = statement.where(
            AuditEvent.at < datetime.combine(until + timedelta(days=1), time(), UTC))
    return paginate(session, statement, page, per_page)


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
