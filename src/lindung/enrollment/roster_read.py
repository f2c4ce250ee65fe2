"""Reading and checking worker rosters (daftar pekerja) sent by OPD, desa and BPJS.

Two steps, kept apart so a service can show file problems before any row is judged:

1. :func:`read_roster` reads a CSV or Excel file into text columns under canonical field names,
   keeping the row numbers a person sees in the spreadsheet. It never interprets a value, except
   that it remembers which NIK cells were *numbers* in Excel: those NIKs have lost digits. A file
   bigger than the bounds of :mod:`lindung.limits` is refused whole, before it is parsed.
2. :func:`validate_roster` parses every field for the whole file at once and returns the clean,
   typed rows and a list of problems per row and field, in Bahasa Indonesia for the operator.

A row with any error is left out of ``clean`` whole: never half a row.
"""

from __future__ import annotations

import copy
import csv
import html
import io
import logging
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

import fastexcel
import numpy as np
import polars as pl
from sqlalchemy import String
from sqlalchemy.sql.elements import KeyedColumnElement

from lindung.enrollment.models import Membership
from lindung.limits import MAX_CELLS, MAX_ROSTER_ROWS, MAX_SHORT_TEXT, MAX_XLSX_INFLATED
from lindung.registry.models import Occupation, Worker
from lindung.registry.nik import NIK_ERRORS, NIK_WARNINGS, validate_niks
from lindung.registry.normalize import (
    INVISIBLE_KINDS,
    ISSUES,
    Issue,
    clean_name,
    clean_text_expr,
    invisible_expr,
    name_key,
    normalize_phone,
    parse_dates_id,
    parse_rupiah,
    parse_sex,
)
from lindung.registry.regions import VILLAGE_ERRORS, VILLAGE_WARNINGS, resolve_villages
from lindung.text import INVISIBLE_PATTERN, INVISIBLE_WHAT_TO_DO

log = logging.getLogger("lindung.roster")

HEADERS: Mapping[str, tuple[str, ...]] = {
    "nik": ("NIK", "No NIK", "Nomor NIK", "NIK KTP", "No KTP", "No. KTP", "Nomor KTP",
            "Nomor Induk Kependudukan", "No Induk Kependudukan"),
    "name": ("Nama", "Nama Lengkap", "Nama Peserta", "Nama Pekerja", "Nama Tenaga Kerja"),
    "birth_date": ("Tgl Lahir", "Tgl. Lahir", "Tanggal Lahir", "Tgl Lhr", "Tanggal Lhr"),
    "birth_place": ("Tempat Lahir", "Tmp Lahir", "Tempat Lhr", "Tmpt Lahir"),
    "sex": ("Jenis Kelamin", "JK", "L/P", "Kelamin", "Gender"),
    "address": ("Alamat", "Alamat Lengkap", "Alamat Domisili", "Alamat Rumah"),
    "village": ("Desa", "Kelurahan", "Desa/Kelurahan", "Kelurahan/Desa", "Desa/Kel", "Kel/Desa",
                "Kode Desa", "Kode Kelurahan", "Kode Desa/Kelurahan", "Desa Domisili"),
    "district": ("Kecamatan", "Kec", "Kec.", "Kode Kecamatan", "Kecamatan Domisili"),
    "occupation": ("Pekerjaan", "Profesi", "Jabatan", "Jenis Pekerjaan"),
    "phone": ("No HP", "HP", "No. HP", "Nomor HP", "No Telp", "No. Telp", "Telp", "Telepon",
              "Nomor Telepon", "WA", "No WA", "No HP/WA", "Handphone"),
    "income": ("Upah", "Penghasilan", "Gaji", "Upah/Penghasilan", "Penghasilan per Bulan",
               "Upah per Bulan"),
    "agency": ("OPD", "Instansi", "Unit Kerja", "Dinas", "Perangkat Daerah"),
    "kpj": ("KPJ", "No KPJ", "No. KPJ", "Nomor KPJ"),
    "status": ("Status", "Status Kepesertaan"),
    "reason": ("Keterangan", "Ket", "Alasan"),
}  # fmt: skip
"""Canonical field -> headers seen in Pemda and BPJS files (matched ignoring case, spaces and
punctuation). Add new spellings here; the first column that matches a field wins."""


def header_key(text: str) -> str:
    """``"No. KTP"`` and ``"no ktp"`` -> ``"noktp"``: how headers are compared."""
    return re.sub(r"[^0-9a-z]", "", text.lower())


_HEADER_FIELD = {header_key(h): f for f, headers in HEADERS.items() for h in headers}
_HEADER_SEARCH_ROWS = 20
"""Rows searched for the header: Pemda files often start with a title and a blank line."""
_EXCEL = {".xlsx", ".xlsm", ".ods"}
ROSTER_SUFFIXES = frozenset({".xlsx", ".xlsm", ".ods", ".csv", ".txt", ".tsv"})
"""The kinds of file a roster may be (what uploads accept)."""
_ZIPPED_XML = {".xlsx", ".xlsm"}
_TEXT = {".csv", ".txt", ".tsv"}
_UNCHECKABLE = {".xls": "Excel 97-2003 (.xls)", ".xlsb": "Excel biner (.xlsb)"}
"""Formats refused: see :func:`read_roster`."""


@dataclass(frozen=True)
class RosterFile:
    """A roster as read from its file: text only, nothing interpreted yet.

    ``frame`` has ``row`` (the spreadsheet row number a person sees) and one String column per
    recognised field under its canonical name, then unrecognised columns under their headers.
    ``columns`` maps each canonical field to the header it came from. ``file_errors`` are
    messages that stop the whole file (no NIK column, unreadable file, a file too big).
    """

    path: Path
    frame: pl.DataFrame
    columns: Mapping[str, str] = field(default_factory=dict)
    unknown_headers: tuple[str, ...] = ()
    numeric_nik_rows: frozenset[int] = frozenset()
    file_errors: tuple[str, ...] = ()
    sheet: str | None = None
    trailing_rows: tuple[int, ...] = ()
    """Rows under the table with neither NIK nor name (a signature block, a total): left out of
    ``frame``, reported once as a note."""

    @property
    def ok(self) -> bool:
        return not self.file_errors


def _failed(path: Path, *errors: str, sheet: str | None = None) -> RosterFile:
    return RosterFile(path, pl.DataFrame({"row": []}, schema={"row": pl.Int64}),
                      file_errors=errors, sheet=sheet)  # fmt: skip


# --- bounds: what a file may hold, checked before it is parsed ----------------------------------

MAX_ZIP_MEMBERS = 10_000
"""Parts of a zip-based workbook (.xlsx, .xlsm, .ods): a sheet, a picture or a style each; a real
workbook has a few dozen. Counted from the zip's end record, before its directory is read."""

MAX_ZIP_DIRECTORY = 4 * 1024 * 1024
"""Bytes of the zip's directory of parts: some 300 bytes per part, read before any part."""

_CHUNK = 4 * 1024 * 1024
"""Bytes unpacked at a time: what the checks hold in memory, whatever the file unpacks to."""
_PEEK = 16 * 1024
"""Start of a sheet's XML searched for ``<dimension ref="A1:K300001"/>``, which comes early."""
_MAX_PENDING = 64 * 1024 * 1024
"""Longest run of XML without the end of a tag (or, in .ods, of a row): far beyond what Excel
writes (a cell holds at most 32,767 characters)."""
_MAX_PART_TEXT = 4 * 1024 * 1024
"""workbook.xml and its relationships, read to find the sheet's part: a few kilobytes."""
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""What a password-protected .xlsx (or an .xls renamed .xlsx) starts with instead of a zip."""


class _Refused(Exception):
    """A file refused whole; the message says why and what to do (Bahasa Indonesia)."""


class _NotPlain(Exception):
    """The fast sheet scan met XML it does not handle: the general scan reads the part again."""


@dataclass(frozen=True)
class _Bounds:
    max_inflated: int
    max_cells: int
    max_rows: int

    def judge(self, rows: int, columns: int) -> None:
        """Refuse a grid of ``rows`` x ``columns`` (counted from A1) over the bounds."""
        if rows > self.max_rows + _HEADER_SEARCH_ROWS:
            raise _Refused(_too_many_rows(rows, self.max_rows))
        if rows * columns > self.max_cells:
            raise _Refused(_too_many_cells(self.max_cells, rows, columns))


def _number(value: int) -> str:
    """``1234567`` -> ``"1.234.567"``, as numbers are written in Indonesia."""
    return f"{value:,}".replace(",", ".")


def _size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{_number(max(1, round(size / 1024)))} KB"
    megabytes = size / (1024 * 1024)
    return (f"{megabytes:.1f}" if megabytes < 10 else f"{megabytes:.0f}").replace(".", ",") + " MB"


def _too_many_rows(rows: int, max_rows: int) -> str:
    return (f"berkas terlalu besar: {_number(rows)} baris; bagi menjadi beberapa berkas paling "
            f"banyak {_number(max_rows)} baris")


def _too_many_cells(max_cells: int, rows: int | None = None, columns: int | None = None) -> str:
    grid = f"{_number(rows)} baris x {_number(columns)} kolom, " if rows and columns else ""
    return (f"berkas terlalu besar: {grid}lebih dari {_number(max_cells)} sel; hapus baris dan "
            "kolom kosong di bawah dan di kanan data (juga yang hanya diberi format), atau bagi "
            "menjadi beberapa berkas")


def _too_inflated(max_inflated: int) -> str:
    return (f"berkas terlalu besar: isinya lebih dari {_size(max_inflated)} setelah dibuka; hapus "
            "gambar dan lembar yang tidak perlu, atau bagi daftar menjadi beberapa berkas")


def _too_many_bytes(size: int, max_bytes: int) -> str:
    return (f"berkas terlalu besar: {_size(size)}, paling besar {_size(max_bytes)}; bagi daftar "
            "menjadi beberapa berkas, atau hapus gambar dan lembar yang tidak perlu")


def _unreadable(path: Path, why: str) -> str:
    return (f"berkas {path.name} tidak dapat dibaca ({why}); buka di Excel, simpan ulang sebagai "
            ".xlsx, lalu unggah lagi")


def _zip_directory(path: Path) -> tuple[int, int] | None:
    """Parts and directory bytes declared by the zip's end record; None when it has none."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        handle.seek(max(0, size - (22 + 65_535)))
        tail = handle.read()
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or len(tail) - at < 22:
            return None
        entries, directory = struct.unpack_from("<HI", tail, at + 10)
        zip64 = at >= 20 and tail[at - 20 : at - 16] == b"PK\x06\x07"
        if zip64 and (entries == 0xFFFF or directory == 0xFFFFFFFF):
            (offset,) = struct.unpack_from("<Q", tail, at - 12)
            handle.seek(offset)
            record = handle.read(56)
            if len(record) == 56 and record[:4] == b"PK\x06\x06":
                entries, directory = struct.unpack_from("<QQ", record, 32)
        return entries, directory


def _check_zip(path: Path, suffix: str, sheet: str | None, bounds: _Bounds) -> None:
    """Refuse a zip-based workbook that is broken or unpacks to more than ``bounds`` allow,
    reading at most :data:`_CHUNK` bytes of it unpacked at a time.

    The parts' declared sizes are summed first; since a zip can declare any size, every part is
    then unpacked (and thrown away) counting the bytes, stopping as soon as the count passes
    ``max_inflated``. The sheet that will be read is scanned on the way for the cells it
    places: calamine, which fastexcel uses, builds a dense grid from the first to the last cell,
    so two cells (A1 and XFD1048576) in a 5 KB file would ask for 17 billion cells.
    """
    directory = _zip_directory(path)
    if directory is None:
        with path.open("rb") as handle:
            if handle.read(8) == _OLE_SIGNATURE:
                raise _Refused(
                    f"berkas {path.name} terkunci kata sandi atau berformat Excel lama (.xls); "
                    "buka di Excel, hapus kata sandinya, simpan sebagai .xlsx, lalu unggah lagi"
                )
        raise _Refused(_unreadable(path, f"bukan berkas {suffix} yang utuh"))
    entries, directory_bytes = directory
    if entries > MAX_ZIP_MEMBERS or directory_bytes > MAX_ZIP_DIRECTORY:
        raise _Refused(_unreadable(path, f"terlalu banyak bagian, paling banyak "
                                         f"{_number(MAX_ZIP_MEMBERS)}"))  # fmt: skip
    try:
        with zipfile.ZipFile(path) as archive:
            _check_archive(archive, path, suffix, sheet, bounds)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError) as exc:
        raise _Refused(_unreadable(path, f"bukan berkas {suffix} yang utuh")) from exc


def _check_archive(archive: zipfile.ZipFile, path: Path, suffix: str, sheet: str | None,
                   bounds: _Bounds) -> None:  # fmt: skip
    parts = archive.infolist()
    if len(parts) > MAX_ZIP_MEMBERS:
        raise _Refused(_unreadable(path, f"terlalu banyak bagian, paling banyak "
                                         f"{_number(MAX_ZIP_MEMBERS)}"))  # fmt: skip
    for part in parts:
        if part.flag_bits & 0x1:
            raise _Refused(f"berkas {path.name} terkunci kata sandi; buka di Excel, hapus kata "
                           "sandinya, simpan sebagai .xlsx, lalu unggah lagi")  # fmt: skip
        if part.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _Refused(_unreadable(path, "cara pemadatan tidak dikenal"))
    if sum(part.file_size for part in parts) > bounds.max_inflated:
        raise _Refused(_too_inflated(bounds.max_inflated))
    scanned = {"content.xml"} if suffix == ".ods" else set(_sheet_parts(archive, sheet))
    used = 0
    # The sheet first: its declared size is refused before the rest is unpacked.
    for part in sorted(parts, key=lambda p: p.filename not in scanned):
        scan: _Scan | None = None
        if part.filename in scanned:
            scan = _OdsScan(bounds) if suffix == ".ods" else _XlsxScan(bounds)
        try:
            used += _unpack(archive, part, path, bounds, used, scan)
        except _NotPlain:
            used += _unpack(archive, part, path, bounds, used, _XlsxGeneralScan(bounds))


class _Scan(Protocol):
    def peek(self, head: bytes) -> None: ...
    def feed(self, data: bytes) -> None: ...
    def cut(self, data: bytes) -> int: ...


def _unpack(archive: zipfile.ZipFile, part: zipfile.ZipInfo, path: Path, bounds: _Bounds,
            used: int, scan: _Scan | None) -> int:  # fmt: skip
    """Unpack ``part`` a chunk at a time, feeding ``scan``; its unpacked size. Refused as soon
    as ``used`` and that size pass ``max_inflated``, whatever size the zip declares."""
    room = bounds.max_inflated - used
    unbounded = copy.copy(part)
    # zipfile stops reading at the declared size: what is counted is what the data unpacks to.
    unbounded.file_size = room + _CHUNK + 1
    counted = 0
    pending = b""
    with archive.open(unbounded) as member:
        while chunk := member.read(_CHUNK):
            if scan is not None and counted == 0:
                scan.peek(chunk[:_PEEK])
            counted += len(chunk)
            if counted > room:
                raise _Refused(_too_inflated(bounds.max_inflated))
            if scan is None:
                continue
            data = pending + chunk if pending else chunk
            cut = scan.cut(data)
            if cut:
                scan.feed(data[:cut])
            pending = data[cut:]
            if len(pending) > _MAX_PENDING:
                raise _Refused(_unreadable(path, "isi satu sel atau baris terlalu panjang"))
    if scan is not None and pending:
        scan.feed(pending)
    return counted


def _sheet_parts(archive: zipfile.ZipFile, sheet: str | None) -> list[str]:
    """The part holding ``sheet`` (the first sheet when None), as calamine finds it from
    xl/workbook.xml and its relationships; every XML part when that cannot be told."""
    names = set(archive.namelist())
    everything = sorted(n for n in names if n.lower().endswith(".xml"))
    try:
        workbook = _part_text(archive, "xl/workbook.xml")
        relations = _part_text(archive, "xl/_rels/workbook.xml.rels")
    except KeyError:
        return everything
    targets: dict[str, str] = {}
    for attrs in re.findall(r"<(?:[\w.-]+:)?Relationship\b([^>]*)>", relations):
        rid, target = _attribute(attrs, r"Id"), _attribute(attrs, r"Target")
        if rid is not None and target is not None:
            targets[rid] = target
    for attrs in re.findall(r"<(?:[\w.-]+:)?sheet\b([^>]*)>", workbook):
        name, rid = _attribute(attrs, r"name"), _attribute(attrs, r"[\w.-]+:id")
        if sheet is None or name == sheet:
            target = targets.get(rid or "")
            if target is None:
                return everything
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join("xl", target))
            return [part] if part in names else everything
    return everything


def _part_text(archive: zipfile.ZipFile, name: str) -> str:
    with archive.open(name) as member:
        return member.read(_MAX_PART_TEXT).decode("utf-8", errors="replace")


def _attribute(attrs: str, name: str) -> str | None:
    found = re.search(rf"(?:^|\s){name}\s*=\s*(?:\"([^\"]*)\"|'([^']*)')", attrs)
    if found is None:
        return None
    return html.unescape(found.group(1) if found.group(1) is not None else found.group(2))


_DIMENSION = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?dimension\s[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']"
)
_REFERENCE = re.compile(r"\$?([A-Za-z]*)\$?([0-9]*)")
_HUGE = 10**12
"""Stands for a row or column number too long to read: over every bound."""


def _reference(text: str) -> tuple[int, int]:
    """``"K300001"`` -> (column 11, row 300001); 0 for a part that is missing."""
    found = _REFERENCE.fullmatch(text.strip())
    if found is None:
        return _HUGE, _HUGE
    letters, digits = found.group(1).upper(), found.group(2)
    column = _HUGE if len(letters) > 4 else 0
    if column == 0:
        for letter in letters:
            column = column * 26 + ord(letter) - 64
    row = _HUGE if len(digits) > 10 else int(digits or 0)
    return column, row


_NAME_END = np.zeros(256, dtype=bool)
_NAME_END[list(b" \t\r\n/>")] = True
"""Bytes that end an element's name: ``<c r=...``, ``<c>``, ``<c/>``."""



def _positional(a: Any, at: Any, *, first: int, last: int, base: int, zero: int,
                width: int) -> tuple[Any, Any]:
    """Read, at every offset ``at`` of byte array ``a`` at once, a run of up to ``width``
    characters between ``first`` and ``last`` as a number in ``base`` (column letters A=1..Z,
    or row digits); returns the numbers and the offsets after them."""
    value = np.zeros(at.size, dtype=np.int64)
    alive = np.ones(at.size, dtype=bool)
    for _ in range(width):
        char = a[at].astype(np.int64)
        inside = alive & (char >= first) & (char <= last)
        value = np.where(inside, value * base + char - zero, value)
        at = at + inside
        alive = inside
    return value, at

def _pairs(data: bytes, pair: bytes) -> np.ndarray[tuple[int], np.dtype[np.intp]]:
    """Offsets of the two bytes ``pair`` in ``data``, in order (two bytes compared at once)."""
    value = int.from_bytes(pair, "little")
    even = np.frombuffer(data, dtype="<u2", count=len(data) // 2)
    odd = np.frombuffer(data, dtype="<u2", offset=1, count=(len(data) - 1) // 2)
    found = np.concatenate([np.flatnonzero(even == value) * 2,
                            np.flatnonzero(odd == value) * 2 + 1])  # fmt: skip
    found.sort()
    return found


class _XlsxScan:
    """Cells an .xlsx sheet places, from its XML, fast (numpy over the bytes).

    Handles the XML every common writer makes: each cell ``<c r="B7" ...>`` with its reference
    first, elements without a namespace prefix. Anything else raises :class:`_NotPlain` and
    :class:`_XlsxGeneralScan` reads the part instead. A cell written ``<c .../>`` holds nothing
    and is not placed (calamine skips it); rows are placed by their cells.
    """

    def __init__(self, bounds: _Bounds) -> None:
        self.bounds = bounds
        self.rows = 0
        self.columns = 0
        self.cells = 0

    def peek(self, head: bytes) -> None:
        found = _DIMENSION.search(head)
        if found is not None:
            ref = found.group(1).decode("ascii", errors="replace").split(":")[-1]
            column, row = _reference(ref)
            self.bounds.judge(row, column)

    def cut(self, data: bytes) -> int:
        return data.rfind(b">") + 1

    def feed(self, data: bytes) -> None:
        size = len(data)
        a = np.frombuffer(data + b"\0" * 32, dtype=np.uint8)
        colons = np.flatnonzero(a[:size] == 58)
        if colons.size:
            prefixed_cell = (a[colons + 1] == 99) & _NAME_END[a[colons + 2]]
            prefixed_row = ((a[colons + 1] == 114) & (a[colons + 2] == 111)
                            & (a[colons + 3] == 119) & _NAME_END[a[colons + 4]])  # fmt: skip
            if (prefixed_cell | prefixed_row).any():
                raise _NotPlain
        starts = _pairs(data, b"<c")
        starts = starts[_NAME_END[a[starts + 2]]]
        if not starts.size:
            return
        plain = ((a[starts + 2] == 32) & (a[starts + 3] == 114) & (a[starts + 4] == 61)
                 & (a[starts + 5] == 34))  # fmt: skip
        if not plain.all():
            raise _NotPlain
        column, at = _positional(a, starts + 6, first=65, last=90, base=26, zero=64, width=4)
        row, at = _positional(a, at, first=48, last=57, base=10, zero=48, width=10)
        if not (a[at] == 34).all():
            raise _NotPlain
        closes = np.flatnonzero(a[:size] == 62)
        after = np.searchsorted(closes, starts)
        ends = closes[np.minimum(after, max(closes.size - 1, 0))] if closes.size else starts
        valued = (after >= closes.size) | (a[ends - 1] != 47)
        if valued.any():
            self.cells += int(valued.sum())
            self.rows = max(self.rows, int(row[valued].max()))
            self.columns = max(self.columns, int(column[valued].max()))
        self.bounds.judge(self.rows, self.columns)
        if self.cells > self.bounds.max_cells:  # the same cell written many times
            raise _Refused(_too_many_cells(self.bounds.max_cells))


def _most(series: pl.Series) -> int:
    """The largest whole number of ``series``; 0 when it has none."""
    value = series.max()
    return int(value) if isinstance(value, int) else 0


_XML_TAG = r"<(?:[A-Za-z_][\w.\-]*:)?(?:row|c)(?:[\s/][^>]*)?>"
_XML_PARTS = (r"^<(?:[^\s>/:]+:)?(?P<kind>row|c)(?:[^>]*?\sr\s*=\s*[\"']\$?(?P<letters>[A-Za-z]*)"
              r"\$?(?P<digits>[0-9]*)[\"'])?")  # fmt: skip


class _XlsxGeneralScan(_XlsxScan):
    """Cells an .xlsx sheet places, for any XML calamine reads (namespace prefixes, references
    anywhere or missing, single quotes); slower than :class:`_XlsxScan`, with polars.

    calamine places a cell without a reference right of the cell before it in the row (any
    cell, even an empty ``<c r="XFD1"/>`` it does not keep), and a row without one below the
    row before (any row). Bounded by the largest reference plus the cells (rows) without.
    """

    def __init__(self, bounds: _Bounds) -> None:
        super().__init__(bounds)
        self.unnumbered_rows = 0
        self.reach = 0  # the rightmost column a cell without a reference can land in
        self.open_row: tuple[int, int, bool] = (0, 0, False)  # carried on: see _row_reach

    def feed(self, data: bytes) -> None:
        tags = (pl.Series("t", [data.decode("latin-1")]).str.extract_all(_XML_TAG).explode()
                .drop_nulls())  # fmt: skip
        if tags.is_empty():
            return
        frame = tags.to_frame().select(
            pl.col("t").str.extract_groups(_XML_PARTS).alias("parts"),
            (~pl.col("t").str.ends_with("/>")).alias("valued"),
        ).unnest("parts")
        letters = frame["letters"].str.to_uppercase()
        columns = {text: _reference(text)[0] for text in letters.unique().drop_nulls().to_list()}
        frame = frame.select(
            (pl.col("kind") == "row").alias("is_row"),
            "valued",
            letters.replace_strict(columns, default=0, return_dtype=pl.Int64).alias("column"),
            pl.when(pl.col("digits").str.len_chars() > 10).then(pl.lit(_HUGE))
            .otherwise(pl.col("digits").cast(pl.Int64, strict=False)).alias("row"),
            (pl.col("kind") == "row").cum_sum().alias("row_id"),
        )  # fmt: skip
        cells = frame.filter(~pl.col("is_row") & pl.col("valued"))
        rows = frame.filter(pl.col("is_row"))
        self.cells += cells.height
        self.rows = max(self.rows, _most(cells["row"]), _most(rows["row"]))
        self.columns = max(self.columns, _most(cells["column"]))
        self.unnumbered_rows += rows.filter(pl.col("row").is_null()).height
        self._row_reach(frame)
        self.bounds.judge(self.rows + self.unnumbered_rows, max(self.columns, self.reach))
        if self.cells > self.bounds.max_cells:
            raise _Refused(_too_many_cells(self.bounds.max_cells))

    def _row_reach(self, frame: pl.DataFrame) -> None:
        """Per row: the largest column referenced (by any cell) plus the cells without a
        reference, when one of those holds something. Row 0 of a piece is the row the piece
        before ended in; ``open_row`` carries its (largest column, cells without, any held)."""
        per_row = (
            frame.filter(~pl.col("is_row"))
            .group_by("row_id")
            .agg(
                pl.col("column").max().alias("largest"),
                (pl.col("column") == 0).sum().alias("unplaced"),
                ((pl.col("column") == 0) & pl.col("valued")).any().alias("held"),
            )
        )
        whole = per_row.filter(pl.col("row_id") > 0, pl.col("held"))
        self.reach = max(self.reach, _most(whole["largest"] + whole["unplaced"]))
        # row 0 goes on with the row the piece before ended in
        largest, unplaced, held = self.open_row
        first = per_row.filter(pl.col("row_id") == 0)
        if first.height:
            largest = max(largest, _most(first["largest"]))
            unplaced += _most(first["unplaced"])
            held = held or bool(first["held"].any())
        if held:
            self.reach = max(self.reach, largest + unplaced)
        newest = _most(frame["row_id"])
        if newest == 0:
            self.open_row = (largest, unplaced, held)
        else:
            last = per_row.filter(pl.col("row_id") == newest)
            self.open_row = (_most(last["largest"]), _most(last["unplaced"]),
                             bool(last["held"].any()))  # fmt: skip


_ODS_TAG = (r"<table:table(?:[\s/][^>]*)?>|<table:table-row(?:[\s/][^>]*)?>"
            r"|<table:(?:covered-)?table-cell(?:[\s/][^>]*)?>")  # fmt: skip
_ROW_END = b"</table:table-row>"


class _OdsScan:
    """Cells an .ods file's tables span, from content.xml, repeats counted.

    calamine reads every table of an .ods when the file is opened, and expands
    ``number-rows-repeated`` and ``number-columns-repeated`` up to the last cell holding
    something: 800 bytes can ask for a billion cells. Per table, the bound is the rows up to
    the last row holding something times the widest such row; the tables are added up.
    LibreOffice's trailing "the rest of the sheet is empty" rows hold nothing and cost nothing.
    """

    def __init__(self, bounds: _Bounds) -> None:
        self.bounds = bounds
        self.done = 0
        self.rows = 0  # of the open table: rows so far, to the last with something, widest
        self.last = 0
        self.widest = 0

    def peek(self, head: bytes) -> None:
        return None

    def cut(self, data: bytes) -> int:
        end = data.rfind(_ROW_END)
        return end + len(_ROW_END) if end >= 0 else 0

    def feed(self, data: bytes) -> None:
        tags = (pl.Series("t", [data.decode("latin-1")]).str.extract_all(_ODS_TAG).explode()
                .drop_nulls())  # fmt: skip
        if tags.is_empty():
            return
        t = pl.col("t")
        repeated = t.str.extract(r"number-(?:rows|columns)-repeated\s*=\s*[\"']\s*([0-9]+)", 1)
        frame = tags.to_frame().select(
            pl.when(t.str.starts_with("<table:table-row")).then(1)
            .when(t.str.contains(r"^<table:table[\s>]")).then(0)
            .otherwise(2).alias("kind"),
            pl.when(repeated.str.len_chars() > 9).then(pl.lit(10**9))
            .otherwise(repeated.cast(pl.Int64, strict=False).fill_null(1)).alias("rep"),
            (~t.str.ends_with("/>") | t.str.contains("office:value-type")
             | t.str.contains("table:formula")).alias("valued"),
        ).with_columns(
            (pl.col("kind") == 0).cum_sum().alias("table_id"),
            (pl.col("kind") == 1).cum_sum().alias("row_id"),
        )  # fmt: skip
        # cells outside a row are not read; a row's cells are within this piece (cut at row ends)
        cells = frame.filter(pl.col("kind") == 2, pl.col("row_id") > 0).with_columns(
            pl.col("rep").cum_sum().over("row_id").alias("end")
        )
        widths = cells.filter(pl.col("valued")).group_by("row_id").agg(
            pl.col("end").max().alias("width")
        )
        rows = (
            frame.filter(pl.col("kind") == 1)
            .select("row_id", "table_id", "rep")
            .join(widths, on="row_id", how="left")
            .sort("row_id")
            .with_columns(pl.col("rep").cum_sum().over("table_id").alias("acc"))
        )
        tables = rows.group_by("table_id").agg(
            pl.col("acc").max().alias("rows"),
            pl.col("acc").filter(pl.col("width").is_not_null()).max().alias("last"),
            pl.col("width").max().alias("widest"),
        )
        found = {r["table_id"]: r for r in tables.iter_rows(named=True)}
        newest = _most(frame["table_id"])
        for table_id in sorted({0, newest, *found}):
            line = found.get(table_id, {})
            if table_id == 0:
                base = self.rows
                rows_seen = base + (line.get("rows") or 0)
                last = max(self.last, base + line["last"]) if line.get("last") else self.last
                widest = max(self.widest, line.get("widest") or 0)
            else:
                rows_seen, last, widest = (line.get("rows") or 0, line.get("last") or 0,
                                           line.get("widest") or 0)  # fmt: skip
            if last * widest > self.bounds.max_cells:
                raise _Refused(_too_many_cells(self.bounds.max_cells, last, widest))
            if table_id < newest:
                self.done += last * widest
            else:
                self.rows, self.last, self.widest = rows_seen, last, widest
        if self.done + self.last * self.widest > self.bounds.max_cells:
            raise _Refused(_too_many_cells(self.bounds.max_cells))


# --- reading the grid ----------------------------------------------------------------------------


def _decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, which Excel on Windows writes."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _sniff(sample: str) -> tuple[str, int]:
    """Separator among , ; tab, chosen by the widest consistent rows; and that width."""
    lines = [line for line in sample.splitlines()[:50] if line.strip()]
    best, width = ",", 1
    for sep in (",", ";", "\t"):
        widths = [len(r) for r in csv.reader(lines, delimiter=sep)]
        common = max(set(widths), key=widths.count) if widths else 1
        if common > width:
            best, width = sep, common
    return best, max([width, *[len(r) for r in csv.reader(lines, delimiter=best)]])


def _read_csv(path: Path, bounds: _Bounds) -> pl.DataFrame:
    text = _decode(path.read_bytes())
    if not text.strip():
        return pl.DataFrame()
    sep, width = _sniff(text[:20_000])
    # Lines are at least the rows (a quoted line break makes one row of two lines): refused
    # before polars makes the columns.
    lines = text.count("\n") + 1
    if lines * width > bounds.max_cells:
        raise _Refused(_too_many_cells(bounds.max_cells, lines, width))
    return pl.read_csv(
        io.BytesIO(text.encode("utf-8")),
        separator=sep,
        has_header=False,
        schema={f"c{i}": pl.String for i in range(width)},
        truncate_ragged_lines=True,
    )


def _read_excel(path: Path, sheet: str | None) -> tuple[pl.DataFrame, str, fastexcel.ExcelReader]:
    reader = fastexcel.read_excel(path)
    name = sheet if sheet is not None else reader.sheet_names[0]
    if name not in reader.sheet_names:
        raise _SheetMissing(name, reader.sheet_names)
    # header_row=None with skip_rows=0 keeps leading blank rows, so row i is spreadsheet row i+1.
    grid = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string").to_polars()
    return grid.rename({c: f"c{i}" for i, c in enumerate(grid.columns)}), name, reader


class _SheetMissing(Exception):
    def __init__(self, name: str, available: list[str]) -> None:
        self.name = name
        self.available = available


def _numeric_cells(reader: fastexcel.ExcelReader, sheet: str, column: int) -> pl.Series:
    """True for each row whose cell in ``column`` is a number (or date) rather than text.

    Read as ``boolean``, calamine gives a value for number, date and boolean cells and null for
    text, even text of digits; so this tells a NIK stored as a number from one typed as text.
    """
    grid = reader.load_sheet(
        sheet, header_row=None, skip_rows=0, dtypes="boolean", use_columns=[column]
    ).to_polars()
    return grid.to_series().is_not_null()


# --- finding the header ------------------------------------------------------------------------


def _field_of(header: str | None) -> str | None:
    return _HEADER_FIELD.get(header_key(header)) if header else None


def _header_index(grid: pl.DataFrame) -> int | None:
    first_filled: int | None = None
    for i, values in enumerate(grid.head(_HEADER_SEARCH_ROWS).iter_rows()):
        fields = {_field_of(v) for v in values}
        if fields & {"nik", "name"}:
            return i
        if first_filled is None and any(v and v.strip() for v in values):
            first_filled = i
    return first_filled


def read_roster(path: Path, *, sheet: str | None = None,
                required: tuple[str, ...] = ("nik", "name"), max_bytes: int | None = None,
                max_inflated: int = MAX_XLSX_INFLATED, max_cells: int = MAX_CELLS,
                max_rows: int = MAX_ROSTER_ROWS) -> RosterFile:  # fmt: skip
    """Read a roster file (.xlsx, .xlsm, .ods, .csv) into text columns.

    The header is the first row, among the first 20, that names a NIK or Nama column (title rows
    above it are skipped). Blank rows are dropped but every row keeps its true number. CSV files
    may use ``,`` ``;`` or tab and be UTF-8 or Windows-1252.

    A file is refused whole (a file error saying what to do, nothing read) when it is bigger
    than ``max_bytes`` (None: any size; the web passes :data:`lindung.limits.MAX_UPLOAD_BYTES`),
    unpacks to more than ``max_inflated`` bytes, spans more than ``max_cells`` cells (rows x
    columns from A1: as its sheet declares them, as its cells are placed and as read) or holds
    more than ``max_rows`` data rows (a sheet reaching below row ``max_rows`` + 20, the title
    rows allowed for, is refused before it is parsed).

    Zip-based workbooks (.xlsx, .xlsm, .ods) are checked *before* fastexcel opens them: their
    parts unpacked a chunk at a time and counted, and the sheet's cells scanned (see
    :func:`_check_zip`). CSV is checked by its size and its lines times its columns before polars
    parses it. Old binary Excel (.xls) and binary .xlsb are refused: their cells sit in binary
    records that could only be bounded by walking them one by one in Python (.xls also inside an
    OLE container), and calamine builds a dense grid from the first to the last cell, so a 6 KB
    .xls with a cell at row 65,535, column 65,534 asks for 137 GB and ends the process. Excel
    saves either as .xlsx in one step, which the message says.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    bounds = _Bounds(max_inflated=max_inflated, max_cells=max_cells, max_rows=max_rows)
    reader: fastexcel.ExcelReader | None = None
    sheet_name: str | None = None
    try:
        if suffix in _UNCHECKABLE:
            return _failed(
                path,
                f"format {_UNCHECKABLE[suffix]} tidak diterima karena isinya tidak dapat "
                "diperiksa dengan aman sebelum dibaca; buka di Excel, pilih Simpan Sebagai > "
                "Buku Kerja Excel (.xlsx), lalu unggah lagi",
            )
        if suffix not in _TEXT and suffix not in _EXCEL:
            return _failed(
                path,
                f"format berkas '{suffix or path.name}' tidak didukung; simpan daftar pekerja "
                "sebagai Excel (.xlsx) atau CSV",
            )
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise _Refused(_too_many_bytes(size, max_bytes))
        if suffix in _TEXT:
            grid = _read_csv(path, bounds)
        else:
            _check_zip(path, suffix, sheet, bounds)
            grid, sheet_name, reader = _read_excel(path, sheet)
        if grid.height * grid.width > max_cells:
            raise _Refused(_too_many_cells(max_cells, grid.height, grid.width))
    except _Refused as exc:
        return _failed(path, str(exc), sheet=sheet_name)
    except _SheetMissing as exc:
        return _failed(
            path,
            f"lembar (sheet) '{exc.name}' tidak ada di berkas; pilih salah satu: "
            + ", ".join(exc.available),
        )
    except FileNotFoundError:
        return _failed(path, f"berkas {path.name} tidak ditemukan; periksa nama dan lokasinya")
    except Exception as exc:
        # The reader's own words (English, a library's class name) say nothing to an operator;
        # the log keeps the kind for whoever maintains the installation.
        log.warning("roster %s unreadable: %s", path.suffix, type(exc).__name__)
        return _failed(
            path,
            f"berkas {path.name} tidak dapat dibaca (rusak, terkunci, atau bukan daftar yang "
            "disimpan sebagai tabel); buka di Excel, simpan ulang sebagai .xlsx, lalu unggah "
            "lagi",
        )

    header_at = _header_index(grid) if grid.width else None
    if header_at is None:
        return _failed(path, "berkas kosong; isi daftar pekerja dengan baris judul kolom "
                       "(NIK, Nama, ...) di baris pertama", sheet=sheet_name)  # fmt: skip
    headers = [str(v).strip() if v is not None else "" for v in grid.row(header_at)]

    columns: dict[str, str] = {}
    renames: dict[str, str] = {}
    unknown: list[str] = []
    for name, header in zip(grid.columns, headers, strict=True):
        target = _field_of(header)
        if target and target not in columns:
            columns[target] = header
            renames[name] = target
        elif header:
            unknown.append(header)
            renames[name] = _unique(header, set(renames.values()) | set(HEADERS) | {"row"})
    data = (
        grid.with_row_index("row", offset=1)
        .with_columns(pl.col("row").cast(pl.Int64))
        .slice(header_at + 1)
        .select("row", *renames)
    )
    if renames:
        # on the grid's names (c0, c1...): pl.col("^.*$") of a header would be a pattern
        blank = pl.all_horizontal(
            pl.col(c).is_null() | (pl.col(c).str.strip_chars() == "") for c in renames
        )
        data = data.filter(~blank)
    data = data.rename(renames)
    data, trailing = _without_trailing(data)
    if data.height > max_rows:
        return _failed(path, _too_many_rows(data.height, max_rows), sheet=sheet_name)

    numeric_rows: frozenset[int] = frozenset()
    if reader is not None and sheet_name is not None and "nik" in columns:
        column = grid.columns.index(next(k for k, v in renames.items() if v == "nik"))
        numeric = _numeric_cells(reader, sheet_name, column)
        flagged = pl.DataFrame({"row": pl.int_range(1, len(numeric) + 1, eager=True),
                                "numeric": numeric})  # fmt: skip
        numeric_rows = frozenset(
            flagged.filter(pl.col("numeric"), pl.col("row").is_in(data["row"].implode()))["row"]
        )

    errors: list[str] = []
    labels = {"nik": "NIK", "name": "Nama", "kpj": "KPJ", "status": "Status"}
    for field_name in required:
        if field_name not in columns:
            label = labels.get(field_name, field_name)
            errors.append(f"kolom {label} tidak ditemukan; beri judul kolom '{label}' pada "
                          "baris judul")
    if data.height == 0:
        errors.append("tidak ada baris data di bawah baris judul; isi satu pekerja per baris")
    return RosterFile(
        path=path,
        frame=data,
        columns=columns,
        unknown_headers=tuple(unknown),
        numeric_nik_rows=numeric_rows,
        file_errors=tuple(errors),
        sheet=sheet_name,
        trailing_rows=trailing,
    )


def _without_trailing(data: pl.DataFrame) -> tuple[pl.DataFrame, tuple[int, ...]]:
    """``data`` without the rows after the last one holding a NIK or a name: what is written
    under the table (signatures, "Mengetahui", totals) is not a worker. Rows inside the table
    without either stay, to be refused with their reason."""
    present = [c for c in ("nik", "name") if c in data.columns]
    if not present or data.height == 0:
        return data, ()
    filled = pl.any_horizontal(pl.col(c).str.strip_chars().fill_null("") != "" for c in present)
    last = data.select(pl.arg_where(filled).max()).item()
    cut = 0 if last is None else int(last) + 1
    if cut == data.height:
        return data, ()
    return data.head(cut), tuple(data["row"].slice(cut).to_list())


def trailing_note(rows: tuple[int, ...]) -> str | None:
    """One note for the rows under the table that were left out, or None."""
    if not rows:
        return None
    where = f"baris {rows[0]}" if len(rows) == 1 else f"baris {rows[0]}–{rows[-1]}"
    return (f"{where} di bawah tabel tidak berisi NIK maupun nama (misalnya tanda tangan atau "
            "jumlah) dan diabaikan")


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name} ({n})", n + 1
    return candidate


# --- validation ---------------------------------------------------------------------------------


def _length(column: KeyedColumnElement[Any]) -> int:
    """Characters a String column holds (PostgreSQL refuses a longer value with an error)."""
    kind = column.type
    if not isinstance(kind, String) or kind.length is None:
        raise TypeError(f"column {column} has no length")
    return kind.length


TEXT_LIMITS: Mapping[str, int] = {
    "name": _length(Worker.__table__.c["name"]),
    "name_key": _length(Worker.__table__.c["name_key"]),
    "birth_place": _length(Worker.__table__.c["birth_place"]),
    "address": MAX_SHORT_TEXT,  # a Text column: bounded by the one-line text limit
    "occupation": _length(Occupation.__table__.c["name"]),
    "phone": _length(Worker.__table__.c["phone"]),
    "agency": _length(Membership.__table__.c["agency"]),
}
"""Most characters of each clean text field: the sizes of the columns that will store them, so
what a dry run accepts can be written on PostgreSQL."""

_LABELS: Mapping[str, str] = {
    "name": "nama", "birth_place": "tempat lahir", "address": "alamat", "occupation": "pekerjaan",
    "agency": "OPD/instansi", "village": "desa/kelurahan", "phone": "nomor HP",
}  # fmt: skip
_SHORTEN: Mapping[str, str] = {
    "name": "tulis nama sesuai KTP; singkat atau hapus gelar bila perlu",
    "birth_place": "tulis nama kabupaten/kota tempat lahir saja, sesuai KTP",
    "address": "tulis alamat singkat: jalan, nomor rumah, RT/RW; desa di kolomnya sendiri",
    "occupation": "tulis nama pekerjaan saja, misalnya Petani",
    "agency": "tulis nama OPD atau instansi saja, tanpa alamat",
    "phone": "isi satu nomor saja, misal 0812-3456-7890",
}
_FREE_TEXT = ("birth_place", "address", "occupation", "agency")
"""Fields kept as written (cleaned), beside the name."""

ROSTER_ISSUES: Mapping[str, Issue] = {
    "nik_duplicate": Issue(
        "NIK sama dengan baris sebelumnya", "hapus baris ganda atau perbaiki NIK"
    ),
    "birth_date_missing": Issue(
        "tanggal lahir kosong", "isi tanggal lahir dari KTP/KK, tulis seperti 12-03-1975"
    ),
    "sex_missing": Issue("jenis kelamin kosong", "isi L (laki-laki) atau P (perempuan)"),
    "birth_date_from_nik": Issue(
        "tanggal lahir kosong; diambil dari NIK", "isi tanggal lahir bila berbeda dengan KTP"
    ),
    "sex_from_nik": Issue(
        "jenis kelamin kosong; diambil dari NIK", "isi L/P bila berbeda dengan KTP"
    ),
    **{code: Issue(message, todo) for code, (message, todo) in VILLAGE_ERRORS.items()},
    **{code: Issue(message, todo) for code, (message, todo) in VILLAGE_WARNINGS.items()},
    **{
        f"{name}_invisible": Issue(
            f"{_LABELS[name]} berisi karakter tak terlihat ({INVISIBLE_KINDS})",
            INVISIBLE_WHAT_TO_DO,
        )
        for name in (*_FREE_TEXT, "village")
    },
    **{
        f"{name}_too_long": Issue(
            f"{_LABELS[name]} paling panjang {TEXT_LIMITS[name]} karakter", todo
        )
        for name, todo in _SHORTEN.items()
    },
}
"""Problems only a whole roster can have, beyond the field parsers' own."""

ALL_ISSUES: Mapping[str, Issue] = {**ISSUES, **NIK_ERRORS, **NIK_WARNINGS, **ROSTER_ISSUES}

WARNINGS = frozenset({*NIK_WARNINGS, *VILLAGE_WARNINGS, "birth_date_from_nik", "sex_from_nik"})

CLEAN_SCHEMA: Mapping[str, type[pl.DataType] | pl.DataType] = {
    "row": pl.Int64, "nik": pl.String, "name": pl.String, "name_key": pl.String,
    "birth_date": pl.Date, "birth_place": pl.String, "sex": pl.String, "address": pl.String,
    "village_code": pl.String, "occupation": pl.String, "phone": pl.String, "income": pl.Int64,
    "agency": pl.String,
}  # fmt: skip

SHOWN_CHARS = 200
"""Characters of a value shown in a problem; a longer one is cut, with "…"."""
_DIGIT_RUN = r"(\d{4})\d{8,}(\d{4})"
_SPACED_DIGITS = r"\d(?:[ .\-]?\d){15,}"
"""Sixteen digits or more (a NIK) in a value: masked in problems, which get logged and shown."""


@dataclass(frozen=True)
class RosterValidation:
    """``clean``: typed rows without any error (schema :data:`CLEAN_SCHEMA`).

    ``problems``: ``row``, ``field``, ``value`` (as written, but any NIK masked, characters a
    person cannot see shown as "�" and cut to :data:`SHOWN_CHARS`), ``code``, ``message``,
    ``what_to_do``, ``severity`` (``"error"`` refuses the row, ``"warning"`` does not), ordered
    by row.
    """

    clean: pl.DataFrame
    problems: pl.DataFrame
    rows_read: int

    @property
    def rows_refused(self) -> int:
        return self.rows_read - self.clean.height


def _text(frame: pl.DataFrame, name: str) -> pl.Series:
    if name in frame.columns:
        return frame[name].cast(pl.String)
    return pl.Series(name, [None] * frame.height, dtype=pl.String)


def _shown(value: pl.Expr) -> pl.Expr:
    """A value as a problem shows it: NIKs masked, invisible characters as "�", cut short."""
    masked = (value.str.replace_all(_DIGIT_RUN, "${1}********${2}")
              .str.replace_all(_SPACED_DIGITS, "****************")
              .str.replace_all(INVISIBLE_PATTERN, "\ufffd"))  # fmt: skip
    return (
        pl.when(masked.str.len_chars() > SHOWN_CHARS)
        .then(pl.concat_str([masked.str.slice(0, SHOWN_CHARS), pl.lit("…")]))
        .otherwise(masked)
    )


def _text_error(name: str, value: pl.Expr) -> pl.Expr:
    """``<name>_invisible`` or ``<name>_too_long`` for a cleaned free-text value, else null."""
    return (
        pl.when(invisible_expr(value))
        .then(pl.lit(f"{name}_invisible"))
        .when(value.str.len_chars() > TEXT_LIMITS[name])
        .then(pl.lit(f"{name}_too_long"))
    )


def validate_roster(
    roster: RosterFile, *, today: date, area_code: str | None = None
) -> RosterValidation:
    """Check every row of ``roster``; rows with an error are refused whole.

    ``area_code`` (the Pemda's regency or a district code) narrows village names, which repeat
    across Indonesia; village codes are accepted anywhere. Blank birth date or sex is taken from
    the NIK (with a warning when the column exists). A NIK seen on an earlier row makes the later
    rows errors naming the first one.

    Text fields (name, birth place, address, occupation, agency, village) are cleaned as
    :mod:`lindung.text` says: NFC, white space folded to one space. A value holding a character
    a person cannot see is an error, as is one longer than the column that will store it
    (:data:`TEXT_LIMITS`): what passes here can be written.
    """
    f = roster.frame
    given_birth = parse_dates_id(_text(f, "birth_date"), today=today)
    given_sex = parse_sex(_text(f, "sex"))
    niks = validate_niks(
        _text(f, "nik"), birth_date=given_birth.value, sex=given_sex.value, today=today
    )
    name = clean_name(_text(f, "name"))
    phone = normalize_phone(_text(f, "phone"))
    income = parse_rupiah(_text(f, "income"))
    village_text = pl.DataFrame({"v": _text(f, "village")}).select(
        clean_text_expr(pl.col("v")).alias("village_text")
    )["village_text"]
    village = resolve_villages(village_text, within=area_code,
                               districts=_text(f, "district") if "district" in f.columns else None)
    numeric = pl.col("row").is_in(
        pl.Series(sorted(roster.numeric_nik_rows), dtype=pl.Int64).implode()
    )

    work = pl.DataFrame(
        {
            "row": f["row"],
            **{
                c: _text(f, c)
                for c in ("nik", "name", "birth_date", "sex", "phone", "income", "village")
            },
            "nik_clean": niks["nik"],
            "nik_error": niks["error"],
            "nik_warning": niks["warning"],
            "nik_birth": niks["birth_date_from_nik"],
            "nik_sex": niks["sex_from_nik"],
            "name_clean": name.value,
            "name_key": name_key(name.value),
            **{c: _text(f, c) for c in _FREE_TEXT},
            "name_error": name.error,
            "birth_parsed": given_birth.value,
            "birth_error": given_birth.error,
            "sex_parsed": given_sex.value,
            "sex_error": given_sex.error,
            "phone_clean": phone.value,
            "phone_error": phone.error,
            "income_clean": income.value,
            "income_error": income.error,
            "village_text": village_text,
            "village_code": village.code,
            "village_error": village.error,
            "village_note": village.note,
            "district": _text(f, "district"),
            "district_error": village.district_error,
        }
    )
    col = pl.col
    work = work.with_columns(
        *(clean_text_expr(col(c)).alias(f"{c}_clean") for c in _FREE_TEXT if c != "occupation"),
        # kept as written (lower-cased): the occupation catalogue is matched by the service
        clean_text_expr(col("occupation")).str.to_lowercase().alias("occupation_clean"),
        pl.max_horizontal(col("name_clean").str.len_chars(), col("name_key").str.len_chars())
        .alias("name_length"),
    )
    work = work.with_columns(
        *(_text_error(c, col(f"{c}_clean")).alias(f"{c}_error") for c in _FREE_TEXT),
        pl.when(col("name_error").is_not_null())
        .then(col("name_error"))
        .when(
            (col("name_clean").str.len_chars() > TEXT_LIMITS["name"])
            | (col("name_key").str.len_chars() > TEXT_LIMITS["name_key"])
        )
        .then(pl.lit("name_too_long"))
        .alias("name_error"),
        pl.when(col("phone_error").is_not_null())
        .then(col("phone_error"))
        .when(col("phone_clean").str.len_chars() > TEXT_LIMITS["phone"])
        .then(pl.lit("phone_too_long"))
        .alias("phone_error"),
        pl.when(invisible_expr(col("village_text")))
        .then(pl.lit("village_invisible"))
        .otherwise(col("village_error"))
        .alias("village_error"),
        pl.when(invisible_expr(col("village_text"))).then(None).otherwise(col("village_code"))
        .alias("village_code"),
    )
    # An Excel number cell is refused even when its digits happen to look like a NIK.
    work = work.with_columns(
        pl.when(numeric)
        .then(pl.lit("numeric_cell"))
        .otherwise(col("nik_error"))
        .alias("nik_error"),
        pl.when(numeric).then(None).otherwise(col("nik_clean")).alias("nik_clean"),
    )
    work = work.with_columns(col("row").min().over("nik_clean").alias("first_row"))
    work = work.with_columns(
        pl.when(col("nik_clean").is_not_null() & (col("first_row") != col("row")))
        .then(pl.lit("nik_duplicate"))
        .otherwise(col("nik_error"))
        .alias("nik_error"),
        pl.when(col("birth_date").str.strip_chars().fill_null("") != "")
        .then(col("birth_error"))
        .when(col("nik_birth").is_null())
        .then(pl.lit("birth_date_missing"))
        .when(pl.lit("birth_date" in f.columns))
        .then(pl.lit("birth_date_from_nik"))
        .alias("birth_error"),
        pl.when(col("sex").str.strip_chars().fill_null("") != "")
        .then(col("sex_error"))
        .when(col("nik_sex").is_null())
        .then(pl.lit("sex_missing"))
        .when(pl.lit("sex" in f.columns))
        .then(pl.lit("sex_from_nik"))
        .alias("sex_error"),
    )

    nik_value = (
        pl.when(col("nik").str.len_chars() >= 12)
        .then(
            pl.concat_str(
                [col("nik").str.slice(0, 4), pl.lit("********"), col("nik").str.slice(-4)]
            )
        )
        .otherwise(col("nik"))
    )
    no_length = pl.lit(None, dtype=pl.Int64)
    checks = [
        ("nik", nik_value, "nik_error", no_length),
        ("nik", nik_value, "nik_warning", no_length),
        ("name", col("name"), "name_error", col("name_length")),
        ("birth_date", col("birth_date"), "birth_error", no_length),
        ("sex", col("sex"), "sex_error", no_length),
        ("phone", col("phone"), "phone_error", col("phone_clean").str.len_chars()),
        ("income", col("income"), "income_error", no_length),
        ("village", col("village"), "village_error", no_length),
        ("district", col("district"), "district_error", no_length),
        *((c, col(c), f"{c}_error", col(f"{c}_clean").str.len_chars()) for c in _FREE_TEXT),
    ]
    found = pl.concat(
        [
            work.filter(col(code).is_not_null()).select(
                "row",
                pl.lit(field_name).alias("field"),
                _shown(value).alias("value"),
                col(code).alias("code"),
                col("first_row"),
                length.cast(pl.Int64).alias("length"),
                (col("village_note") if field_name == "village"
                 else pl.lit(None, dtype=pl.String)).alias("note"),
                # the refused characters, for the message (the value shows them as "\ufffd")
                pl.when(col(code).str.ends_with("_invisible"))
                .then(clean_text_expr(col(field_name)).str.extract_all(INVISIBLE_PATTERN))
                .alias("invisible"),
            )
            for field_name, value, code, length in checks
        ]
    )
    # "U+202E" for each distinct refused character of the file (a handful), then per row
    names = {char: f"U+{ord(char):04X}"
             for char in found["invisible"].explode().drop_nulls().unique().to_list()}  # fmt: skip
    found = found.with_columns(
        col("invisible")
        .list.eval(pl.element().replace_strict(names, default="?", return_dtype=pl.String))
        .list.unique(maintain_order=True)
        .list.head(5)
        .list.join(", ")
    )
    message = col("code").replace_strict(
        {k: v.message for k, v in ALL_ISSUES.items()}, default=None, return_dtype=pl.String
    )
    problems = found.select(
        "row",
        "field",
        "value",
        "code",
        pl.when(col("code") == "nik_duplicate")
        .then(pl.format("NIK sama dengan baris {}", col("first_row")))
        .when(col("code") == "village_near")
        .then(pl.format("Desa '{}' dibaca sebagai {}", col("value"), col("note")))
        .when(col("code").is_in(["village_unknown", "village_ambiguous"])
              & col("note").is_not_null())
        .then(pl.format("{}; mungkin maksudnya: {}", message, col("note")))
        .when(col("code").str.ends_with("_too_long"))
        .then(pl.format("{} (sekarang {} karakter)", message, col("length")))
        .when(col("code").str.ends_with("_invisible"))
        .then(pl.format("{}: {}", message, col("invisible")))
        .otherwise(message)
        .alias("message"),
        col("code")
        .replace_strict(
            {k: v.what_to_do for k, v in ALL_ISSUES.items()}, default=None, return_dtype=pl.String
        )
        .alias("what_to_do"),
        pl.when(col("code").is_in(list(WARNINGS)))
        .then(pl.lit("warning"))
        .otherwise(pl.lit("error"))
        .alias("severity"),
    ).sort("row", maintain_order=True)

    refused = problems.filter(col("severity") == "error")["row"].unique()
    clean = work.filter(~col("row").is_in(refused.implode())).select(
        "row",
        col("nik_clean").alias("nik"),
        col("name_clean").alias("name"),
        "name_key",
        pl.coalesce("birth_parsed", "nik_birth").alias("birth_date"),
        col("birth_place_clean").alias("birth_place"),
        pl.coalesce("sex_parsed", "nik_sex").alias("sex"),
        col("address_clean").alias("address"),
        "village_code",
        col("occupation_clean").alias("occupation"),
        col("phone_clean").alias("phone"),
        col("income_clean").alias("income"),
        col("agency_clean").alias("agency"),
    )
    return RosterValidation(clean=clean, problems=problems, rows_read=f.height)
