"""Calendar helpers for the law's dates: contribution months and event dates."""

from __future__ import annotations

import calendar
import re
from datetime import date

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


class InvalidDateError(ValueError):
    """A date or month given by a user is not a real one."""


def parse_month(text: str | date) -> date:
    """The first day of a contribution month given as ``YYYY-MM`` (or a date inside it)."""
    if isinstance(text, date):
        return text.replace(day=1)
    m = _MONTH_RE.match(text.strip())
    if not m:
        raise InvalidDateError(f"month must look like 2024-06, got {text!r}")
    year, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12:
        raise InvalidDateError(f"month must be 01..12, got {text!r}")
    return date(year, month, 1)


def parse_date(text: str | date) -> date:
    """A real calendar date given as ``YYYY-MM-DD``."""
    if isinstance(text, date):
        return text
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise InvalidDateError(f"date must be a real date like 2024-05-01, got {text!r}") from exc


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (clamped to the month's last day: 31 Jan + 1 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


def add_years(day: date, years: int) -> date:
    """The anniversary ``years`` later; 29 February becomes 28 February in common years."""
    return add_months(day, 12 * years)


def month_index(day: date) -> int:
    """Months since year 0: a dense integer key for a contribution month."""
    return day.year * 12 + day.month - 1


def month_from_index(index: int) -> date:
    """The first day of the month with :func:`month_index` ``index``."""
    year, month0 = divmod(index, 12)
    return date(year, month0 + 1, 1)


def months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end`` (negative when end is earlier)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return months
