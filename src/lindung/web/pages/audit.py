"""Pages: the audit log for auditors, in words (actions, who, local time, "before -> after"),
filtered by action, user and dates, a page at a time, and exported as XLSX (the export is itself
audited). Read-only: there is no route that changes or deletes an event (the matrix test lists
every route)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path as FilePath
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from lindung import clock
from lindung.accounts.models import User
from lindung.audit import access
from lindung.audit.actions import do_export_audit_log
from lindung.audit.labels import (
    Change,
    Who,
    action_label,
    changes_of,
    details_of,
    local_time,
    office_zone,
    subject,
    who_of,
)
from lindung.errors import InvalidInput
from lindung.limits import MAX_DATE, MIN_DATE
from lindung.organisations.models import Organisation
from lindung.principal import Principal
from lindung.tempfiles import temporary_directory
from lindung.time_zones import TimeZone
from lindung.web import forms
from lindung.web.deps import DB, language, page_requires
from lindung.web.forms import page_number
from lindung.web.i18n import translate
from lindung.web.pages.workers import render

router = APIRouter()
READ_AUDIT = Depends(page_requires("audit.read"))
PER_PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILTER_LENGTH = 100
"""Characters kept of a filter's text (an actor is at most 100)."""


def _day(text: str) -> date | None:
    """A filter date as typed; None when blank, unreadable or beyond any event."""
    try:
        day = date.fromisoformat(text[:40]) if text else None
    except ValueError:
        return None
    return day if day is None or MIN_DATE <= day <= MAX_DATE else None


def actor_names(session: Session, actors: Iterable[str]) -> Mapping[str, Who]:
    """The users among ``actors`` (``user:<username>``) with their names and organisations."""
    usernames = {a.partition(":")[2] for a in actors if a.startswith("user:")}
    if not usernames:
        return {}
    rows = session.execute(
        select(User.username, User.display_name, Organisation.name)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(User.username.in_(sorted(usernames)[:1000])))
    return {f"user:{username}": Who(name, organisation) for username, name, organisation in rows}


@dataclass(frozen=True)
class EventRow:
    """One event as the page shows it."""

    seq: int
    when: str
    who: Who
    action: str
    subject: str
    changes: list[Change]
    details: list[Change]


def _filters(values: Mapping[str, str], zone: TimeZone, lang: str
             ) -> tuple[access.AuditFilter, dict[str, str], str | None]:
    """The filter from the address or the export form, the values as typed, and what is wrong
    with them (in words), if anything."""
    typed = {name: (values.get(name) or "").strip()[:FILTER_LENGTH]
             for name in ("aksi", "pelaku", "dari", "sampai")}
    since, until = _day(typed["dari"]), _day(typed["sampai"])
    error = None
    if (typed["dari"] and since is None) or (typed["sampai"] and until is None):
        error = translate("auditlog.bad_date", lang)
    elif since and until and since > until:
        error = translate("auditlog.bad_range", lang)
    wanted = access.AuditFilter(action=typed["aksi"] or None, actor=typed["pelaku"] or None,
                                since=since, until=until, zone=zone)
    return wanted, typed, error


def _page(request: Request, principal: Principal, session: Session, values: Mapping[str, str],
          hal: str, *, status: int = 200, error: str | None = None) -> Response:
    lang = language(request)
    zone = office_zone(principal.region_code)
    wanted, typed, wrong = _filters(values, zone, lang)
    error = error or wrong
    events = access.audit_events(session, principal, action=wanted.action, actor=wanted.actor,
                                 since=wanted.since, until=wanted.until, zone=zone,
                                 page=page_number(hal), per_page=PER_PAGE)
    actors = access.audit_actors(session, principal)
    known = actor_names(session, {*actors, *(e.actor for e in events.items)})
    rows = [EventRow(e.seq, local_time(e.at, zone, lang), who_of(e.actor, known, lang),
                     action_label(e.action, lang), subject(e.entity, e.entity_id, lang),
                     changes_of(e.before, e.after, lang), details_of(e.detail, lang))
            for e in events.items]
    actions = sorted(((code, action_label(code, lang))
                      for code in access.audit_actions(session, principal)),
                     key=lambda pair: pair[1])
    people = sorted(((actor, who_of(actor, known, lang)) for actor in actors),
                    key=lambda pair: pair[1].name.lower())
    query = urlencode(typed)
    return render(request, "audit/log.html", principal,
                  status=422 if error and status == 200 else status, events=events, rows=rows,
                  actions=actions, people=people, aksi=typed["aksi"], pelaku=typed["pelaku"],
                  dari=typed["dari"], sampai=typed["sampai"], query=query, error=error,
                  zone=zone.abbreviation)


@router.get("/audit", include_in_schema=False)
def audit_log(request: Request, hal: str = "1", principal: Principal = READ_AUDIT,
              session: Session = DB) -> Response:
    return _page(request, principal, session, request.query_params, hal)


@router.post("/audit/unduh", include_in_schema=False)
async def audit_export(request: Request, principal: Principal = READ_AUDIT,
                       session: Session = DB) -> Response:
    """The filtered log as XLSX; the export is recorded in the log."""
    form = await request.form()
    values = {name: forms.text(form, name, FILTER_LENGTH)
              for name in ("aksi", "pelaku", "dari", "sampai")}
    lang = language(request)
    wanted, _, error = _filters(values, office_zone(principal.region_code), lang)
    if error:
        return _page(request, principal, session, values, "1", status=422)
    try:
        with temporary_directory() as folder:
            out = FilePath(folder) / "log-audit.xlsx"
            do_export_audit_log(session, principal, wanted, out, names=actor_names, lang=lang)
            content = out.read_bytes()
    except InvalidInput as exc:  # refused before anything is written: the session is clean
        return _page(request, principal, session, values, "1", status=422, error=str(exc))
    name = f"log-audit-{clock.today().isoformat()}.xlsx"
    return Response(content, media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


