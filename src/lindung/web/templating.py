"""Jinja2 templates with lindung's words and filters.

- ``t("key")``: the page's words (:mod:`lindung.web.i18n`); the labels of codes
  (``status_label``, ``occupation_label`` ..., :mod:`lindung.web.labels`).
- ``|rupiah`` Rp1.234.567, ``|angka`` 1.234.567, ``|terbilang``, ``|persen`` 90% (of a ratio),
  ``|mask_nik``.
- ``|tanggal``: a date as "1 Januari 2026"; a moment (datetime) as "1 Januari 2026 14.05 WIB"
  on the clock of the signed-in user's organisation (WIB, WITA or WIT from its region,
  :mod:`lindung.time_zones`; WIB when nobody is signed in); ``|waktu`` the same for
  moments; ``|jam`` only "14.05 WIB".
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from jinja2 import pass_context

from lindung.formatting import (
    format_date_id,
    format_datetime_id,
    format_number,
    format_percent,
    format_rupiah,
    format_time_id,
    terbilang_rupiah,
)
from lindung.registry.nik import mask_nik
from lindung.time_zones import TimeZone, zone_of
from lindung.web import labels
from lindung.web.i18n import TEXTS, translate

TEMPLATES_DIR = Path(__file__).parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))


def _rupiah(value: Any) -> str:
    return "" if value is None else format_rupiah(int(value))


def zone_for(principal: Any) -> TimeZone:
    """The clock of the principal's office: the zone of its organisation's region (WIB when
    there is no principal or no region, e.g. a BPJS branch recorded without one)."""
    return zone_of(getattr(principal, "region_code", None))


def _zone(context: Any) -> TimeZone:
    return zone_for(context.get("principal"))


def as_date(value: Any) -> date | None:
    """A date, or a date written as text ``2026-01-31`` (JSON of the audit log, amendments)."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


@pass_context
def _tanggal(context: Any, value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        return format_datetime_id(value, _zone(context).tz)
    day = as_date(value)
    return format_date_id(day) if day is not None else str(value)


@pass_context
def _waktu(context: Any, value: Any) -> str:
    if not isinstance(value, datetime):
        return _tanggal(context, value)
    return format_datetime_id(value, _zone(context).tz)


@pass_context
def _jam(context: Any, value: Any) -> str:
    return format_time_id(value, _zone(context).tz) if isinstance(value, datetime) else ""


def _percent(value: Any) -> str:
    return "" if value is None else format_percent(value)


def _number(value: Any) -> str:
    return "" if value is None else format_number(int(value))


@pass_context
def _t(context: Any, key: str, **values: object) -> str:
    """``t("key")`` in a template: the words of ``key`` in the page's language (``lang``)."""
    return translate(key, str(context.get("lang") or "id"), **values)


templates.env.globals["t"] = _t
templates.env.globals["has_words"] = lambda key: key in TEXTS
templates.env.globals.update(labels.TEMPLATE_GLOBALS)
templates.env.filters["rupiah"] = _rupiah
templates.env.filters["tanggal"] = _tanggal
templates.env.filters["waktu"] = _waktu
templates.env.filters["jam"] = _jam
templates.env.filters["persen"] = _percent
templates.env.filters["angka"] = _number
templates.env.filters["terbilang"] = lambda v: terbilang_rupiah(int(v))
templates.env.filters["mask_nik"] = lambda v: mask_nik(str(v)) if v else ""
