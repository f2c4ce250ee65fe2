"""Every bound on what a person or a program may send, in one place.

A number outside these bounds, a longer text or a bigger file is refused with a message in
Bahasa Indonesia (422 or 413) before anything is read in full or written. The bounds are far
beyond any real case and far inside what the database columns and int64 arithmetic hold.
"""

from __future__ import annotations

from datetime import date

MAX_RUPIAH = 999_999_999_999_999
"""Any amount of money (a wage, an income, a budget ceiling): just under Rp1.000 triliun, some
ten times a province's whole APBD; a BIGINT column and the rules engine hold far more."""

MIN_DATE = date(1990, 1, 1)
MAX_DATE = date(2100, 12, 31)
"""Dates of agreements and their amendments: Jamsostek began in 1992; nothing is planned past
2100. (Dates of birth and events have their own checks.)"""

MAX_QUOTA = 10_000_000
"""Members of one agreement or phase: more than the workers of any regency."""

MAX_PHASE = 99
"""Phase (tahap) numbers of an agreement."""

MAX_INT_ID = 2**31 - 1
"""Ids of INTEGER tables (agreements, tokens, users): PostgreSQL's int4."""

MAX_BIG_ID = 2**63 - 1
"""Ids of BIGINT tables (workers, memberships, audit events)."""

MAX_CODE = 40
"""Codes of agreements, organisations and occupations."""

MAX_TEXT = 2_000
"""Free text such as an amendment's reason (an address is a one-line text, MAX_SHORT_TEXT)."""

MAX_SHORT_TEXT = 250
"""One-line text such as a title, an address, a search query."""

MAX_JSON_BODY = 1 * 1024 * 1024
"""A JSON (or form) request body: an agreement with its phases is a few kilobytes."""

MAX_UPLOAD_BYTES = 64 * 1024 * 1024
"""An uploaded roster or answer file (web and API); the CLI reads bigger files."""

MAX_XLSX_INFLATED = 512 * 1024 * 1024
"""What the parts of an Excel file may unpack to, checked before the sheet is parsed: a
300,000-row roster unpacks to about 150 MB."""

MAX_CELLS = 20_000_000
"""Rows x columns of the sheet read (per its declared size and as found)."""

MAX_ROSTER_ROWS = 1_000_000
"""Data rows of one roster file (the CLI's import measured at this size)."""

MAX_AUDIT_TEXT = 200
"""Characters of any one text value kept in an audit event (what a client sent, masked)."""

ANONYMOUS_PER_MINUTE = 60
"""Requests per minute per client address on routes anyone may call (card check, sign-in
page)."""

MAX_TOKEN_RATE = 60_000
"""Requests per minute one API token may be allowed (a counter desk's system needs about 600;
a province-wide integration a thousand a second at most)."""
