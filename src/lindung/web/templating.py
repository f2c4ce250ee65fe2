"""Jinja2 templates with lindung's filters: Rp1.234.567, 20 Februari 2018, masked NIK."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from jinja2 import pass_context

from lindung.formatting import format_date_id, format_number, format_rupiah, terbilang_rupiah
from lindung.registry.nik import mask_nik
from lindung.web.i18n import translate

TEMPLATES_DIR = Path(__file__).parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))


def _rupiah(value: Any) -> str:
    return "" if value is None else format_rupiah(int(value))


def _tanggal(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{format_date_id(value.date())} {value:%H:%M}"
    if isinstance(value, date):
        return format_date_id(value)
    return str(value)


def _number(value: Any) -> str:
    return "" if value is None else format_number(int(value))


templates.env.globals["translate"] = translate


@pass_context
def _words(context: Any, indonesian: str, english: str) -> str:
    """``w("Indonesian", "English")`` in a template: the words in the page's language."""
    return english if context.get("lang") == "en" else indonesian


templates.env.globals["w"] = _words
templates.env.filters["rupiah"] = _rupiah
templates.env.filters["tanggal"] = _tanggal
templates.env.filters["angka"] = _number
templates.env.filters["terbilang"] = lambda v: terbilang_rupiah(int(v))
templates.env.filters["mask_nik"] = lambda v: mask_nik(str(v)) if v else ""
