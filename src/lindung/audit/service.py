"""Writing audit events. Called by every service that changes state, inside its transaction."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from lindung.audit.models import AuditEvent


def _plain(value: Any) -> Any:
    """JSON-safe copy: dates as ISO text, Decimals as text, dataclass-like objects as dicts."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if hasattr(value, "__dict__") and not isinstance(value, type):
        return _plain(vars(value))
    return value


def record(session: Session, *, actor: str, action: str, entity: str,
           entity_id: str | int | None = None, before: dict[str, Any] | None = None,
           after: dict[str, Any] | None = None, detail: dict[str, Any] | None = None) -> None:
    """Add an audit event to the session's transaction. Callers mask NIKs before passing them."""
    session.add(AuditEvent(actor=actor, action=action, entity=entity,
                           entity_id=None if entity_id is None else str(entity_id),
                           before=_plain(before), after=_plain(after), detail=_plain(detail)))
