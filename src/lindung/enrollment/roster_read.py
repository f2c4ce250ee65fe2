"""Reading and checking worker rosters (daftar pekerja) sent by OPD, desa and BPJS.

Two steps, kept apart so a service can show file problems before any row is judged:

1. :func:`read_roster` reads a CSV or Excel file into text columns under canonical field names,
   keeping the row numbers a person sees in the spreadsheet. It never interprets a value, except
   that it remembers which NIK cells were *numbers* in Excel: those NIKs have lost digits.
2. :func:`validate_roster` parses every field for the whole file at once and returns the clean,
   typed rows and a list of problems per row and field, in Bahasa Indonesia for the operator.

A row with any error is left out of ``clean`` whole: never half a row.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import fastexcel
import polars as pl

from lindung.registry.nik import NIK_ERRORS, NIK_WARNINGS, validate_niks
from lindung.registry.normalize import (
    ISSUES,
    Issue,
    clean_name,
    name_key,
    normalize_phone,
    parse_dates_id,
    parse_rupiah,
    parse_sex,
)
from lindung.registry.regions import VILLAGE_ERRORS, resolve_villages

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
_EXCEL = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
_TEXT = {".csv", ".txt", ".tsv"}


@dataclass(frozen=True)
class RosterFile:
    """A roster as read from its file: text only, nothing interpreted yet.

    ``frame`` has ``row`` (the spreadsheet row number a person sees) and one String column per
    recognised field under its canonical name, then unrecognised columns under their headers.
    ``columns`` maps each canonical field to the header it came from. ``file_errors`` are
    messages that stop the whole file (no NIK column, unreadable file).
    """

    path: Path
    frame: pl.DataFrame
    columns: Mapping[str, str] = field(default_factory=dict)
    unknown_headers: tuple[str, ...] = ()
    numeric_nik_rows: frozenset[int] = frozenset()
    file_errors: tuple[str, ...] = ()
    sheet: str | None = None

    @property
    def ok(self) -> bool:
        return not self.file_errors


def _failed(path: Path, *errors: str, sheet: str | None = None) -> RosterFile:
    return RosterFile(path, pl.DataFrame({"row": []}, schema={"row": pl.Int64}),
                      file_errors=errors, sheet=sheet)  # fmt: skip


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


def _read_csv(path: Path) -> pl.DataFrame:
    text = _decode(path.read_bytes())
    if not text.strip():
        return pl.DataFrame()
    sep, width = _sniff(text[:20_000])
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
                required: tuple[str, ...] = ("nik", "name")) -> RosterFile:
    """Read a roster file (.xlsx, .xls, .xlsm, .xlsb, .ods, .csv) into text columns.

    The header is the first row, among the first 20, that names a NIK or Nama column (title rows
    above it are skipped). Blank rows are dropped but every row keeps its true number. CSV files
    may use ``,`` ``;`` or tab and be UTF-8 or Windows-1252.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    reader: fastexcel.ExcelReader | None = None
    sheet_name: str | None = None
    try:
        if suffix in _TEXT:
            grid = _read_csv(path)
        elif suffix in _EXCEL:
            grid, sheet_name, reader = _read_excel(path, sheet)
        else:
            return _failed(
                path,
                f"format berkas '{suffix or path.name}' tidak didukung; simpan daftar pekerja "
                "sebagai Excel (.xlsx) atau CSV",
            )
    except _SheetMissing as exc:
        return _failed(
            path,
            f"lembar (sheet) '{exc.name}' tidak ada di berkas; pilih salah satu: "
            + ", ".join(exc.available),
        )
    except FileNotFoundError:
        return _failed(path, f"berkas {path.name} tidak ditemukan; periksa nama dan lokasinya")
    except Exception as exc:
        return _failed(
            path,
            f"berkas {path.name} tidak dapat dibaca ({type(exc).__name__}); buka di Excel, "
            "simpan ulang sebagai .xlsx, lalu unggah lagi",
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
        .rename(renames)
    )
    cells = [c for c in data.columns if c != "row"]
    if cells:
        blank = pl.all_horizontal(
            pl.col(c).is_null() | (pl.col(c).str.strip_chars() == "") for c in cells
        )
        data = data.filter(~blank)

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
    )


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name} ({n})", n + 1
    return candidate


# --- validation ---------------------------------------------------------------------------------

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
}
"""Problems only a whole roster can have, beyond the field parsers' own."""

ALL_ISSUES: Mapping[str, Issue] = {**ISSUES, **NIK_ERRORS, **NIK_WARNINGS, **ROSTER_ISSUES}

WARNINGS = frozenset({*NIK_WARNINGS, "birth_date_from_nik", "sex_from_nik"})

CLEAN_SCHEMA: Mapping[str, type[pl.DataType] | pl.DataType] = {
    "row": pl.Int64, "nik": pl.String, "name": pl.String, "name_key": pl.String,
    "birth_date": pl.Date, "birth_place": pl.String, "sex": pl.String, "address": pl.String,
    "village_code": pl.String, "occupation": pl.String, "phone": pl.String, "income": pl.Int64,
    "agency": pl.String,
}  # fmt: skip


@dataclass(frozen=True)
class RosterValidation:
    """``clean``: typed rows without any error (schema :data:`CLEAN_SCHEMA`).

    ``problems``: ``row``, ``field``, ``value`` (as written; NIKs masked), ``code``, ``message``,
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


def _tidy(expr: pl.Expr) -> pl.Expr:
    s = expr.str.strip_chars().str.replace_all(r"\s+", " ")
    return pl.when(s != "").then(s)


def validate_roster(
    roster: RosterFile, *, today: date, area_code: str | None = None
) -> RosterValidation:
    """Check every row of ``roster``; rows with an error are refused whole.

    ``area_code`` (the Pemda's regency or a district code) narrows village names, which repeat
    across Indonesia; village codes are accepted anywhere. Blank birth date or sex is taken from
    the NIK (with a warning when the column exists). A NIK seen on an earlier row makes the later
    rows errors naming the first one.
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
    village = resolve_villages(_text(f, "village"), within=area_code)
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
            **{c: _text(f, c) for c in ("birth_place", "address", "occupation", "agency")},
            "name_error": name.error,
            "birth_parsed": given_birth.value,
            "birth_error": given_birth.error,
            "sex_parsed": given_sex.value,
            "sex_error": given_sex.error,
            "phone_clean": phone.value,
            "phone_error": phone.error,
            "income_clean": income.value,
            "income_error": income.error,
            "village_code": village.code,
            "village_error": village.error,
        }
    )
    col = pl.col
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
    checks = [
        ("nik", nik_value, "nik_error"),
        ("nik", nik_value, "nik_warning"),
        ("name", col("name"), "name_error"),
        ("birth_date", col("birth_date"), "birth_error"),
        ("sex", col("sex"), "sex_error"),
        ("phone", col("phone"), "phone_error"),
        ("income", col("income"), "income_error"),
        ("village", col("village"), "village_error"),
    ]
    found = pl.concat(
        [
            work.filter(col(code).is_not_null()).select(
                "row",
                pl.lit(field_name).alias("field"),
                value.alias("value"),
                col(code).alias("code"),
                col("first_row"),
            )
            for field_name, value, code in checks
        ]
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
        _tidy(col("birth_place")).alias("birth_place"),
        pl.coalesce("sex_parsed", "nik_sex").alias("sex"),
        _tidy(col("address")).alias("address"),
        "village_code",
        # kept as written (lower-cased): the occupation catalogue is matched by the service
        _tidy(col("occupation")).str.to_lowercase().alias("occupation"),
        col("phone_clean").alias("phone"),
        col("income_clean").alias("income"),
        _tidy(col("agency")).alias("agency"),
    )
    return RosterValidation(clean=clean, problems=problems, rows_read=f.height)
