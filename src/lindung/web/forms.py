"""Reading what a person typed into a page's form: numbers, dates and text, each bounded, each
refusal an InvalidInput in Bahasa Indonesia naming the field (the page shows it beside the form).
The API gets the same bounds from its pydantic models; the services check them again."""

from __future__ import annotations

from datetime import date
from typing import Any

from lindung.errors import InvalidInput
from lindung.formatting import format_number
from lindung.paging import MAX_PAGE

MAX_DIGITS = 20
"""A number typed with more digits than this is refused before it is read."""


def text(form: Any, name: str, limit: int = 5_000) -> str:
    """The field as typed, spaces at the ends dropped ('' when absent); cut at ``limit`` (the
    services refuse what is too long with the real limit in the message)."""
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def number(raw: str, *, label: str, field: str, low: int, high: int,
           required: bool = False) -> int | None:
    """A whole number as typed in Indonesia ("1.000.000", "Rp 1.000.000"), between ``low`` and
    ``high``; None when blank and not ``required``."""
    cleaned = raw.strip().replace(".", "").replace(" ", "")
    if cleaned[:2].lower() == "rp":
        cleaned = cleaned[2:]
    if not cleaned:
        if required:
            raise InvalidInput(f"{label} wajib diisi", field)
        return None
    if not cleaned.isascii() or not cleaned.isdigit() or len(cleaned) > MAX_DIGITS:
        raise InvalidInput(f"{label} harus bilangan bulat {format_number(low)} sampai "
                           f"{format_number(high)}", field)
    value = int(cleaned)
    if not low <= value <= high:
        raise InvalidInput(f"{label} harus {format_number(low)} sampai {format_number(high)}",
                           field)
    return value


def form_number(form: Any, name: str, *, label: str, low: int, high: int,
                required: bool = False) -> int | None:
    """:func:`number` of form field ``name``."""
    return number(text(form, name, 100), label=label, field=name, low=low, high=high,
                  required=required)


def day(raw: str, *, label: str, field: str, required: bool = False) -> date | None:
    """A date as a date field sends it (``2026-01-31``); None when blank and not required."""
    cleaned = raw.strip()[:40]
    if not cleaned:
        if required:
            raise InvalidInput(f"{label} wajib diisi", field)
        return None
    try:
        return date.fromisoformat(cleaned)
    except ValueError:
        raise InvalidInput(f"{label} harus tanggal seperti 2026-01-31", field) from None


def form_day(form: Any, name: str, *, label: str, required: bool = False) -> date | None:
    """:func:`day` of form field ``name``."""
    return day(text(form, name, 100), label=label, field=name, required=required)


def page_number(raw: str) -> int:
    """``?hal=`` as typed by a person: anything odd is page 1."""
    raw = raw.strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > MAX_DIGITS:
        return 1
    return min(max(int(raw), 1), MAX_PAGE)
