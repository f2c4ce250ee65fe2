"""Pages: the audit log for auditors, filtered by action, actor and dates. Read-only: there is no
route that changes or deletes an event (the matrix test lists every route)."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from lindung.audit import access
from lindung.limits import MAX_DATE, MIN_DATE
from lindung.principal import Principal
from lindung.web.deps import DB, page_requires
from lindung.web.forms import page_number
from lindung.web.pages.workers import render

router = APIRouter()
READ_AUDIT = Depends(page_requires("audit.read"))
PER_PAGE = 50


def _day(text: str) -> date | None:
    """A filter date as typed; None when blank, unreadable or beyond any event."""
    try:
        day = date.fromisoformat(text[:40]) if text else None
    except ValueError:
        return None
    return day if day is None or MIN_DATE <= day <= MAX_DATE else None


@router.get("/audit", include_in_schema=False)
def audit_log(request: Request, aksi: str = "", pelaku: str = "", dari: str = "",
              sampai: str = "", hal: str = "1", principal: Principal = READ_AUDIT,
              session: Session = DB) -> Response:
    since, until = _day(dari), _day(sampai)
    error = None
    if (dari and since is None) or (sampai and until is None):
        error = "tanggal ditulis TTTT-BB-HH, misalnya 2026-07-15"
    events = access.audit_events(session, principal, action=aksi.strip() or None,
                                 actor=pelaku.strip() or None, since=since, until=until,
                                 page=page_number(hal), per_page=PER_PAGE)
    query = urlencode({"aksi": aksi, "pelaku": pelaku, "dari": dari, "sampai": sampai})
    return render(request, "audit/log.html", principal, status=422 if error else 200,
                  events=events, actions=access.audit_actions(session, principal), aksi=aksi,
                  pelaku=pelaku, dari=dari, sampai=sampai, query=query, error=error)
