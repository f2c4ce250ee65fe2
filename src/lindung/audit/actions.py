"""The one change of state the audit package makes itself: exporting (a part of) the log, which
is recorded in the log like every other export. Nothing here changes or deletes an event."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from sqlalchemy.orm import Session

from lindung.audit.access import AuditFilter, audit_rows
from lindung.audit.labels import (
    EXPORT_HEADERS,
    Who,
    action_label,
    changes_of,
    details_of,
    local_time,
    subject,
    who_of,
)
from lindung.audit.service import record
from lindung.errors import InvalidInput
from lindung.formatting import format_number
from lindung.logs import redact
from lindung.principal import Principal
from lindung.spreadsheets import workbook, write_cell, write_row

MAX_EXPORT_EVENTS = 100_000
"""Events in one export; a wider filter is refused with the count (narrow the dates)."""

ActorNames = Callable[[Session, Iterable[str]], Mapping[str, Who]]
"""Who the actors are (a user's name and organisation): accounts' knowledge, passed in because
the audit log sits below the accounts."""


def do_export_audit_log(session: Session, principal: Principal, wanted: AuditFilter, out: Path,
                        *, names: ActorNames, lang: str = "id") -> int:
    """Write the events of ``wanted`` (the auditor's own Pemda only) to an XLSX at ``out``, in
    words as the page shows them (time in the office's zone, who, action, "before -> after"),
    and record the export. NIK-like digit runs are masked in every cell. Returns the number of
    events written."""
    principal.require("audit.read")
    events, total = audit_rows(session, principal, wanted, MAX_EXPORT_EVENTS)
    if total > MAX_EXPORT_EVENTS:
        raise InvalidInput(f"{format_number(total)} kejadian terlalu banyak untuk satu berkas "
                           f"(paling banyak {format_number(MAX_EXPORT_EVENTS)}): persempit "
                           "rentang tanggal atau pilih tindakan", "since")
    known = names(session, {e.actor for e in events})
    headers = [h["en" if lang == "en" else "id"] for h in EXPORT_HEADERS]
    headers[1] = f"{headers[1]} ({wanted.zone.abbreviation})"
    book = workbook(out)
    try:
        bold = book.add_format({"bold": True})
        wrap = book.add_format({"text_wrap": True, "valign": "top"})
        sheet = book.add_worksheet("Log audit")
        write_row(sheet, 0, headers, text_format=bold)
        for i, event in enumerate(events, start=1):
            who = who_of(event.actor, known, lang)
            what = "\n".join(c.text for c in changes_of(event.before, event.after, lang))
            detail = "\n".join(c.text for c in details_of(event.detail, lang))
            row = [event.seq, local_time(event.at, wanted.zone, lang), who.name,
                   who.organisation or "", action_label(event.action, lang),
                   subject(event.entity, event.entity_id, lang), what, detail]
            for col, value in enumerate(row):
                write_cell(sheet, i, col, redact(value) if isinstance(value, str) else value,
                           text_format=wrap)
        sheet.set_column(0, 0, 8)
        sheet.set_column(1, 1, 22)
        sheet.set_column(2, 3, 26)
        sheet.set_column(4, 5, 28)
        sheet.set_column(6, 7, 60)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(events), 1), len(headers) - 1)
    finally:
        book.close()
    record(session, actor=principal.actor, action="audit.export", entity="audit_event",
           pemda_id=principal.pemda_id,
           detail={"filters": {"action": wanted.action, "actor": wanted.actor,
                               "since": wanted.since, "until": wanted.until},
                   "rows": len(events)})
    return len(events)
