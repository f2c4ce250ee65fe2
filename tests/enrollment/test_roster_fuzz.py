"""Rosters as nobody should send them: random CSV bytes, random workbooks, broken zips, .ods
tables that repeat a row a million times.

Whatever the file, :func:`read_roster` returns a RosterFile (a refusal is a file error, never an
exception), :func:`validate_roster` judges it, every row ends clean or refused with a reason,
a clean row fits the database and holds only text a person can see, and no problem repeats a
whole NIK. The sheet scans that bound a workbook before it is parsed are checked against the
grid calamine then builds. Bounded to run on every ``make test``: 155 examples, some 12 s
(no example database: nothing is written under .hypothesis/).
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
import unicodedata
import zipfile
from datetime import date, datetime
from pathlib import Path

import fastexcel
import polars as pl
import xlsxwriter
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from lindung.enrollment.roster_read import (
    CLEAN_SCHEMA,
    HEADERS,
    TEXT_LIMITS,
    RosterFile,
    _Bounds,
    _XlsxGeneralScan,
    _XlsxScan,
    read_roster,
    validate_roster,
)
from lindung.limits import MAX_XLSX_INFLATED
from lindung.text import INVISIBLE_CATEGORIES, INVISIBLE_PATTERN

TODAY = date(2025, 6, 1)
AREA = "18.72"
SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large]


def fuzz(examples: int) -> settings:
    """Bounded: the whole file runs in some seconds on every ``make test``."""
    return settings(max_examples=examples, deadline=None, database=None,
                    suppress_health_check=SLOW)  # fmt: skip


# --- what a cell may hold --------------------------------------------------------------------

TRICKY = [
    "\u202e", "\u202d", "\u200b", "\u200f", "\u2066", "\ufeff", "\u00ad", "\x00", "\x07", "\x1f",
    "\u2028", "\u2029", "\ue000", "\U000f0000", "\u0378", "e\u0301", "\u00df", "\u0130", "\ufb01",
    "\t", "\n", "\r\n", "\u00a0", "\u3000", '"', "'", ";", ",", "\\",
]  # fmt: skip
"""Characters rosters pasted from chats and PDFs carry: bidi overrides, zero-width, controls,
private use, unassigned, combining accents, letters that grow when upper-cased, separators."""
VALUES = [
    "3201011203750001", "3201015203750002", "3.2E+15", "3,20101E+15", "3201011203750001.0",
    "1.500.000", "Rp 2.000.000,-", "1,5 jt", "12-03-1975", "12 Maret 1975", "31/02/1975", "27465",
    "L", "P", "Perempuan", "Metro", "18.72.01.1001", "0812-3456-7890", "Budi Santoso",
    "Hj. Siti Aminah, S.Pd.", "Petani", "Dinas Pertanian", "-", "0", "",
]  # fmt: skip
KNOWN_HEADERS = [h for headers in HEADERS.values() for h in headers[:2]]

cell_text = st.one_of(
    st.sampled_from(VALUES),
    st.text(max_size=12),
    st.lists(st.sampled_from([*TRICKY, *"Aaé 19.-"]), max_size=12).map("".join),
    st.builds(lambda piece, times: piece * times,
              st.sampled_from(["a", "é", "8", "ß", "e\u0301", " "]),
              st.integers(min_value=95, max_value=320)),
    st.builds(lambda a, b: a + b, st.sampled_from(VALUES), st.sampled_from(TRICKY)),
)  # fmt: skip
ODD_HEADERS = ["^.*$", "*", "row", "c0", "nik", "name", "NIK", "", " "]
"""Headers that are also column names or polars patterns."""
header_row = st.lists(st.one_of(st.sampled_from(KNOWN_HEADERS), st.sampled_from(ODD_HEADERS),
                                st.text(max_size=8)), min_size=1, max_size=9)  # fmt: skip

NAMES = ["Budi Santoso", "Hj. Siti Aminah, S.Pd.", "Dédé Suryadi", "I Gusti Ayu Made",
         "Muhammad", "Ni Luh Putu", "Ahmad bin Abdullah", "Sri"]  # fmt: skip
written_text = st.one_of(
    st.sampled_from(NAMES),
    st.sampled_from(NAMES),
    st.sampled_from(NAMES),
    st.builds(lambda a, b, c: a + b + c, st.sampled_from(NAMES), st.sampled_from(TRICKY),
              st.sampled_from(NAMES)),
    st.builds(lambda piece, times: piece * times,
              st.sampled_from(["a", "é", "e\u0301", "\u00df", "ab ", "a\n", "\u0130"]),
              st.integers(min_value=45, max_value=260)),
    st.text(max_size=10),
)
"""Names, places, addresses: mostly plausible, some with a character nobody can see, some
around the columns' sizes (100, 120, 150, 250), some grown by NFC or upper-casing."""
fitting_text = st.one_of(
    st.sampled_from(NAMES),
    st.builds(lambda space, name: name.replace(" ", space), st.sampled_from(
        ["  ", "\t", "\u00a0", "\u3000", " \r\n ", "\u2003"]), st.sampled_from(NAMES)),
    st.builds(lambda name: f"  {name}\n", st.sampled_from(NAMES)),
    st.sampled_from(["De\u0301de\u0301 Suryadi", "I\u0307da", "Stra\u00dfe", "A" * 100]),
)  # fmt: skip
"""Text that passes once cleaned: white space of every kind, decomposed accents, at a limit."""
COLUMNS = {
    "NIK": st.one_of(*[st.integers(min_value=1, max_value=60)
                       .map(lambda n: f"320101120375{n:04d}")] * 5, cell_text),
    "Nama": written_text,
    "Tgl Lahir": st.sampled_from(["12-03-1975"] * 4 + ["", "12 Maret 1975", "1975", "31-02-1975"]),
    "JK": st.sampled_from(["L"] * 4 + ["", "Laki-laki", "P", "X"]),
    "Tempat Lahir": written_text,
    "Alamat": written_text,
    "Desa": st.sampled_from(["18.72.01.1001"] * 4 + ["", "Metro", "Atlantis", "18.72.01.9999"]),
    "Pekerjaan": written_text,
    "OPD": written_text,
    "No HP": st.sampled_from(["0812-3456-7890"] * 4 + ["", "+62 812 3456 7890", "0812/0813", "12"]),
    "Upah": st.sampled_from(["1.500.000"] * 4 + ["", "Rp 2.000.000,-", "1.5", "banyak"]),
}  # fmt: skip
"""Columns of a roster, each with values that pass and values that fail."""
VALID = {
    "NIK": st.integers(min_value=1, max_value=60).map(lambda n: f"320101120375{n:04d}"),
    "Tgl Lahir": st.sampled_from(["12-03-1975", "", "12 Maret 1975", "1975-03-12"]),
    "JK": st.sampled_from(["L", "", "Laki-laki", "pria"]),
    "Desa": st.sampled_from(["18.72.01.1001", "", "1872011001"]),
    "No HP": st.sampled_from(["0812-3456-7890", "", "+62 812 3456 7890", "(0721) 123456"]),
    "Upah": st.sampled_from(["1.500.000", "", "Rp 2.000.000,-", "1,5 jt"]),
}  # fmt: skip
"""Values that pass (the NIK says born 12-03-1975, a man); free text is :data:`fitting_text`."""


@st.composite
def roster_rows(draw: st.DrawFn) -> list[list[str]]:
    """A header naming NIK, Nama and some other columns in any order, and rows below it: half
    meant to pass (their text still to be cleaned), half with anything in them."""
    others = draw(st.lists(st.sampled_from(list(COLUMNS)[2:]), unique=True, max_size=9))
    header = draw(st.permutations(["NIK", "Nama", *others]))
    rows = []
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        if draw(st.booleans()):
            row = [draw(VALID.get(column, fitting_text)) for column in header]
        else:
            row = [draw(COLUMNS[column]) for column in header]
            if draw(st.integers(min_value=0, max_value=4)) == 0:  # ragged
                row = row[: draw(st.integers(min_value=0, max_value=len(row)))]
        rows.append(row)
    return [header, *rows]


# --- what must hold of any file --------------------------------------------------------------

_NIK = re.compile(r"\d{16}")
_TEXT_FIELDS = ("name", "name_key", "birth_place", "address", "occupation", "agency", "phone")


def check(path: Path, *, fuzzing: bool = True) -> None:
    roster = read_roster(path)
    assert isinstance(roster, RosterFile)
    assert all(isinstance(e, str) and e for e in roster.file_errors)
    if roster.file_errors:
        assert "\n" not in " ".join(roster.file_errors)
    validation = validate_roster(roster, today=TODAY, area_code=AREA)
    if fuzzing:
        event("refused whole" if roster.file_errors else
              f"read, {min(validation.clean.height, 2)}+ clean rows")  # fmt: skip
    rows = roster.frame["row"].to_list()
    assert len(rows) == len(set(rows)) == validation.rows_read
    clean = validation.clean
    assert dict(clean.schema) == dict(CLEAN_SCHEMA)
    problems = validation.problems
    refused = set(problems.filter(pl.col("severity") == "error")["row"].to_list())
    accepted = set(clean["row"].to_list())
    # every row ends clean or refused with at least one error, never both, never lost
    assert accepted | refused == set(rows) and not accepted & refused
    assert validation.rows_read == clean.height + len(refused)
    assert validation.rows_refused == len(refused)
    assert problems["message"].null_count() == 0 and problems["what_to_do"].null_count() == 0
    for value in problems["value"].drop_nulls().to_list():
        assert not _NIK.search(value), value  # masked: problems get logged and shown
    for field in _TEXT_FIELDS:
        values = clean[field].drop_nulls()
        assert (values.str.len_chars() <= TEXT_LIMITS[field]).all(), field
        assert not values.str.contains(INVISIBLE_PATTERN).any(), field
        for value in values.to_list():
            assert value == unicodedata.normalize("NFC", value)
            assert value == value.strip() and "  " not in value
            # (unassigned code points are left to the pattern: Python's Unicode tables may be
            # older than the regex engine's)
            assert not any(unicodedata.category(c) in INVISIBLE_CATEGORIES - {"Cn"}
                           for c in value), (field, value)  # fmt: skip
    assert (clean["nik"].str.len_chars() == 16).all()
    assert set(clean["sex"].to_list()) <= {"L", "P"}
    assert (clean["village_code"].drop_nulls().str.len_chars() <= 13).all()


def run(suffix: str, content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"daftar{suffix}"
        path.write_bytes(content)
        check(path)


# --- (a) CSV bytes ---------------------------------------------------------------------------


@st.composite
def random_rows(draw: st.DrawFn) -> list[list[str]]:
    header = draw(header_row)
    return [header, *draw(st.lists(st.lists(cell_text, max_size=len(header) + 2), max_size=6))]


@st.composite
def csv_bytes(draw: st.DrawFn) -> tuple[str, bytes]:
    header, *rows = draw(st.one_of(roster_rows(), roster_rows(), roster_rows(), random_rows()))
    separator = draw(st.sampled_from([",", ";", "\t"]))
    out = io.StringIO()
    style = draw(st.sampled_from(["minimal", "minimal", "all", "raw"]))
    if style == "raw":  # no quoting at all: a separator or quote in a cell breaks the row
        out.write("\n".join(separator.join(r) for r in [header, *rows]))
    else:
        writer = csv.writer(out, delimiter=separator,
                            quoting=csv.QUOTE_ALL if style == "all" else csv.QUOTE_MINIMAL)
        writer.writerows([header, *rows])
    text = out.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.integers(0, 3)) == 0:  # a few bytes changed anywhere
        changed = bytearray(data)
        changes = st.tuples(st.integers(0, max(len(data) - 1, 0)), st.integers(0, 255))
        for at, byte in draw(st.lists(changes, max_size=4)):
            if changed:
                changed[at] = byte
        data = bytes(changed)
    return draw(st.sampled_from([".csv", ".txt", ".tsv"])), data


@fuzz(40)
@given(csv_bytes())
def test_any_csv_is_read_or_refused_and_every_row_judged(case: tuple[str, bytes]) -> None:
    run(*case)


@fuzz(20)
@given(st.binary(max_size=2_000))
def test_random_bytes_named_csv(data: bytes) -> None:
    run(".csv", data)


# --- (b) workbooks ---------------------------------------------------------------------------

cell_value = st.one_of(
    cell_text,
    st.integers(min_value=-(10**17), max_value=10**17),
    st.sampled_from([3201011203750001, 3.2e15, 3201015203750002.0, 1_500_000, 0.5, -1]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 1, 1)),
    st.booleans(),
    st.none(),
)


@st.composite
def workbook_bytes(draw: st.DrawFn) -> bytes:
    header, *texts = draw(st.one_of(roster_rows(), roster_rows(), random_rows()))
    title_rows = draw(st.integers(min_value=0, max_value=3))
    # some cells typed instead: numbers (a NIK as a number has lost its last digits), dates
    rows: list[list[object]] = [
        [draw(cell_value) if draw(st.integers(0, 9)) == 0 else text for text in row]
        for row in texts
    ]  # fmt: skip
    buffer = io.BytesIO()
    # "strings_to_numbers": what Excel does to a NIK typed into a General cell
    options = {"in_memory": True, "strings_to_numbers": draw(st.integers(0, 3)) == 0}
    workbook = xlsxwriter.Workbook(buffer, options)
    sheet = workbook.add_worksheet(draw(st.sampled_from(["Data", "Sheet1", "Daftar Pekerja"])))
    date_format = workbook.add_format({"num_format": "dd-mm-yyyy"})
    if title_rows:
        sheet.write(0, 0, draw(cell_text))
    for column, text in enumerate(header):
        sheet.write_string(title_rows, column, text)
    for index, row in enumerate(rows, start=title_rows + 1):
        for column, value in enumerate(row):
            if isinstance(value, datetime):
                sheet.write_datetime(index, column, value, date_format)
            elif value is not None:
                sheet.write(index, column, value)
    if draw(st.booleans()):
        workbook.add_worksheet("Lain").write(0, 0, "catatan")
    workbook.close()
    return buffer.getvalue()


@fuzz(25)
@given(workbook_bytes())
def test_any_workbook_is_read_and_every_row_judged(data: bytes) -> None:
    run(".xlsx", data)


# --- (c) broken files named .xlsx ------------------------------------------------------------

_SMALL = io.BytesIO()
_book = xlsxwriter.Workbook(_SMALL, {"in_memory": True})
_book.add_worksheet("Data").write_row(0, 0, ["NIK", "Nama", "Tgl Lahir", "JK"])
_book.worksheets()[0].write_row(1, 0, ["3201011203750001", "Budi", "12-03-1975", "L"])
_book.close()
WORKBOOK = _SMALL.getvalue()


@st.composite
def broken_workbook(draw: st.DrawFn) -> bytes:
    how = draw(st.sampled_from(["cut", "flip", "part", "random"]))
    if how == "random":
        return bytes(draw(st.binary(max_size=3_000)))
    if how == "cut":
        return WORKBOOK[: draw(st.integers(min_value=0, max_value=len(WORKBOOK) - 1))]
    if how == "flip":
        flipped = bytearray(WORKBOOK)
        changes = st.tuples(st.integers(0, len(flipped) - 1), st.integers(0, 255))
        for at, byte in draw(st.lists(changes, min_size=1, max_size=6)):
            flipped[at] = byte
        return bytes(flipped)
    # a part replaced by random bytes, or a sheet of random XML-ish text
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(WORKBOOK)) as source, zipfile.ZipFile(out, "w") as target:
        victim = draw(st.sampled_from(source.namelist()))
        for info in source.infolist():
            data = source.read(info)
            if info.filename == victim:
                data = draw(st.one_of(
                    st.binary(max_size=500),
                    st.lists(st.sampled_from([*'<>/="c rowA1v:x ', *TRICKY]), max_size=300)
                    .map(lambda t: "".join(t).encode("utf-8")),
                ))  # fmt: skip
            target.writestr(info, data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


@fuzz(25)
@given(broken_workbook(), st.sampled_from([".xlsx", ".xlsm", ".ods"]))
def test_broken_workbooks_are_refused_not_raised(data: bytes, suffix: str) -> None:
    run(suffix, data)


def test_the_fuzzed_workbook_is_itself_readable() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ok.xlsx"
        path.write_bytes(WORKBOOK)
        roster = read_roster(path)
        assert roster.ok and roster.frame.height == 1
        check(path, fuzzing=False)


# --- (d) .ods tables with repeats ------------------------------------------------------------


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@st.composite
def ods_bytes(draw: st.DrawFn) -> bytes:
    """A table whose rows and cells repeat: a few (at most some million cells, which calamine
    builds) or far too many (over calamine's own cap of 100 million, so a scan that missed
    them fails fast instead of filling memory)."""
    rows = ['<table:table-row><table:table-cell office:value-type="string"><text:p>NIK'
            '</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>'
            "Nama</text:p></table:table-cell></table:table-row>"]  # fmt: skip
    for _ in range(draw(st.integers(min_value=0, max_value=5))):
        repeat = draw(st.sampled_from([1, 1, 2, 3, 5_000, 200_000_000]))
        cells = []
        for _ in range(draw(st.integers(min_value=0, max_value=4))):
            across = draw(st.sampled_from([1, 1, 2, 100, 20_000]))
            attribute = f' table:number-columns-repeated="{across}"' if across > 1 else ""
            text = draw(st.one_of(st.none(), st.sampled_from(VALUES), written_text))
            if text is None:
                cells.append(f"<table:table-cell{attribute}/>")
            else:
                cells.append(f'<table:table-cell{attribute} office:value-type="string">'
                             f"<text:p>{_xml(text)}</text:p></table:table-cell>")  # fmt: skip
        attribute = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
        rows.append(f"<table:table-row{attribute}>{''.join(cells)}</table:table-row>")
    rows.append('<table:table-row table:number-rows-repeated="1048000"><table:table-cell '
                'table:number-columns-repeated="1024"/></table:table-row>')  # fmt: skip
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:'
               'oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:'
               'opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:'
               'text:1.0"><office:body><office:spreadsheet><table:table table:name="Data">'
               + "".join(rows) + "</table:table></office:spreadsheet></office:body>"
               "</office:document-content>")  # fmt: skip
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?>'
                         '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:'
                         'xmlns:manifest:1.0"/>')  # fmt: skip
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


@fuzz(15)
@given(ods_bytes())
def test_ods_tables_with_repeats_are_bounded_before_opening(data: bytes) -> None:
    run(".ods", data)


# --- (e) the sheet scans against what calamine builds ----------------------------------------


@st.composite
def sheet_xml(draw: st.DrawFn) -> tuple[bytes, bool]:
    """A sheet's XML as writers (and others) write it: references or not, a prefix or not, the
    reference first or not, empty formatted cells; and whether it is plain (the fast scan's)."""
    prefix = draw(st.sampled_from(["", "", "x:"]))
    plain = prefix == ""
    rows = []
    for number in sorted(draw(st.sets(st.integers(min_value=1, max_value=3_000), max_size=6))):
        numbered = draw(st.integers(0, 4)) > 0
        cells = []
        for column in sorted(draw(st.sets(st.integers(min_value=1, max_value=800), max_size=5))):
            letters = ""
            value = column
            while value:
                value, rest = divmod(value - 1, 26)
                letters = chr(65 + rest) + letters
            kind = draw(st.sampled_from(["first", "first", "first", "later", "none", "empty",
                                         "bare"]))  # fmt: skip
            ref = f'r="{letters}{number}"'
            if kind in ("empty", "bare"):  # formatted, holding nothing; with or without r=
                cells.append(f'<{prefix}c {ref} s="1"/>' if kind == "empty" else f"<{prefix}c/>")
                plain = plain and kind == "empty"
                continue
            attributes = {"first": f' {ref} t="n"', "later": f' t="n" {ref}', "none": ""}[kind]
            plain = plain and kind == "first"
            cells.append(f"<{prefix}c{attributes}><{prefix}v>1</{prefix}v></{prefix}c>")
        head = f'<{prefix}row r="{number}">' if numbered else f"<{prefix}row>"
        rows.append(head + "".join(cells) + f"</{prefix}row>")
        if draw(st.integers(0, 5)) == 0:  # an empty formatted row
            rows.append(f'<{prefix}row r="{number + 1000}" s="1"/>')
    namespace = (f' xmlns{":" + prefix[:-1] if prefix else ""}="http://schemas.openxmlformats.org/'
                 'spreadsheetml/2006/main"')  # fmt: skip
    data = "".join(rows)
    xml = (f'<?xml version="1.0" encoding="UTF-8"?><{prefix}worksheet{namespace}>'
           f"<{prefix}sheetData>{data}</{prefix}sheetData></{prefix}worksheet>")  # fmt: skip
    return xml.encode(), plain


@fuzz(30)
@given(sheet_xml())
def test_the_scans_bound_the_grid_calamine_builds(case: tuple[bytes, bool]) -> None:
    xml, plain = case
    bounds = _Bounds(max_inflated=MAX_XLSX_INFLATED, max_cells=10**15, max_rows=10**9)
    general = _XlsxGeneralScan(bounds)
    general.feed(xml)
    if plain:  # the fast scan sees the same cells (the general one also counts rows' r=)
        fast = _XlsxScan(bounds)
        fast.feed(xml)
        assert (fast.columns, fast.cells) == (general.columns, general.cells)
        assert fast.rows <= general.rows and general.reach == 0
    with tempfile.TemporaryDirectory() as folder:
        source, path = Path(folder) / "a.xlsx", Path(folder) / "b.xlsx"
        book = xlsxwriter.Workbook(source)
        book.add_worksheet("Data").write(0, 0, "x")
        book.close()
        with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w") as new:
            for info in old.infolist():
                data = xml if info.filename == "xl/worksheets/sheet1.xml" else old.read(info)
                new.writestr(info, data, zipfile.ZIP_DEFLATED)
        sheet = fastexcel.read_excel(path).load_sheet(0, header_row=None, skip_rows=0,
                                                      dtypes="string")  # fmt: skip
        # calamine's grid runs from the first cell to the last; the scans count from A1
        assert sheet.height <= general.rows + general.unnumbered_rows
        assert sheet.width <= max(general.columns, general.reach)
