"""Reading the audit log, for auditors. There is deliberately no function that changes or
deletes an event: the log is append-only, written only by :func:`lindung.audit.service.record`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from lindung.accounts.permissions import Principal
from lindung.audit.models import AuditEvent
from lindung.paging import Page, paginate


def audit_events(session: Session, principal: Principal, *, action: str | None = None,
                 actor: str | None = None, since: date | None = None, until: date | None = None,
                 page: int = 1, per_page: int = 50) -> Page[AuditEvent]:
    """Events newest first; ``action`` exact or a prefix ending in ``.`` (``worker.``),
    ``actor`` a part of the actor's name, ``since``/``until`` whole days (UTC), inclusive."""
    principal.require("audit.read")
    statement = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
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
    """The actions that occur in the log, for the filter's choices."""
    principal.require("audit.read")
    return list(session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))
