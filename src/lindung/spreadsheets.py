"""Spreadsheets lindung writes (submission files to the BPJS branch, import reports, exports).

Every workbook comes from :func:`workbook`, which turns off xlsxwriter's guessing: a text that
starts with ``=`` stays text (a roster name such as ``=HYPERLINK(...)`` or ``=cmd|' /C calc'!A0``
must never become a live formula in a file sent to the branch), a text that looks like an
address stays text, a text of digits stays text (a NIK keeps its 16 digits). Cells are written
by :func:`write_cell`, which chooses the cell type from the Python type alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter

from lindung.tempfiles import own_folder

SAFE_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False,
                "strings_to_numbers": False}


def workbook(path: Path) -> Any:
    """A new XLSX workbook at ``path`` that stores text as text; its temporary files (large
    sheets) go to this process's folder under ``var/tmp``, not the shared ``/tmp``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return xlsxwriter.Workbook(str(path), {**SAFE_OPTIONS, "tmpdir": str(own_folder())})


def write_cell(sheet: Any, row: int, col: int, value: Any, *, text_format: Any = None,
               date_format: Any = None) -> None:
    """One cell, typed by the value: text as text (never a formula or link), numbers as
    numbers, dates as dates, None as blank."""
    if value is None:
        sheet.write_blank(row, col, None, text_format)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value)
    elif isinstance(value, datetime | date):
        sheet.write_datetime(row, col, value, date_format)
    else:
        sheet.write_string(row, col, str(value), text_format)


def write_row(sheet: Any, row: int, values: Iterable[Any], *, text_format: Any = None,
              date_format: Any = None) -> None:
    """A row of :func:`write_cell` from column 0."""
    for col, value in enumerate(values):
        write_cell(sheet, row, col, value, text_format=text_format, date_format=date_format)
