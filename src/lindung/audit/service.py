"""Writing audit events. Called by every service that changes state, inside its transaction."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from lindung.audit.models import AuditEvent
from lindung.limits import MAX_AUDIT_TEXT
from lindung.logs import redact

MAX_ITEMS = 50
"""Items kept of any one list or mapping in an event (the rest is counted, not kept)."""


def _text(value: str, limit: int = MAX_AUDIT_TEXT) -> str:
    """A text as the log keeps it: long digit runs (NIKs) masked, at most ``limit``
    characters, the cut said."""
    if len(value) > limit:
        said = f"… ({len(value)} karakter)"
        value = value[:limit - len(said)] + said
    return redact(value)


def _plain(value: Any) -> Any:
    """JSON-safe, bounded copy: dates as ISO text, Decimals as text, dataclass-like objects as
    dicts; every text bounded and masked (whatever a client sent, the log stays small and
    holds no full NIK)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, dict):
        items = list(value.items())
        kept = {_text(str(k), 60): _plain(v) for k, v in items[:MAX_ITEMS]}
        if len(items) > MAX_ITEMS:
            kept["…"] = f"{len(items) - MAX_ITEMS} lagi"
        return kept
    if isinstance(value, list | tuple | set):
        values = list(value)
        kept_list = [_plain(v) for v in values[:MAX_ITEMS]]
        if len(values) > MAX_ITEMS:
            kept_list.append(f"… {len(values) - MAX_ITEMS} lagi")
        return kept_list
    if hasattr(value, "__dict__") and not isinstance(value, type):
        return _plain(vars(value))
    return value


def record(session: Session, *, actor: str, action: str, entity: str,
           entity_id: str | int | None = None, before: dict[str, Any] | None = None,
           after: dict[str, Any] | None = None, detail: dict[str, Any] | None = None,
           pemda_id: int | None = None) -> None:
    """Add an audit event to the session's transaction.

    ``pemda_id``: the Pemda whose data the event concerns (see :class:`AuditEvent`). Callers
    mask NIKs; every text is bounded and masked again here.
    """
    session.add(AuditEvent(actor=_text(actor, 100), action=action[:50], entity=entity[:50],
                           entity_id=None if entity_id is None else _text(str(entity_id), 60),
                           before=_plain(before), after=_plain(after), detail=_plain(detail),
                           pemda_id=pemda_id))
