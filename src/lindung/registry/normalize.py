"""Normalisers for what people type into rosters: names, phone numbers, dates, sex and rupiah.

Every parser works on a whole polars Series at once (a roster of 1,000,000 rows is normal for a
province) and returns the cleaned values next to an error code per row, never raising for bad
input: a roster is judged row by row. ``ISSUES`` maps each code to an :class:`Issue` whose text
is for the operator who must fix the file, in Bahasa Indonesia. Blank input gives a null value and
no error: whether a field is required is the caller's decision, not the parser's.

The scalar helpers (``to_phone``, ``to_date`` ...) run the same vectorised code on one value, so
the two paths cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

import polars as pl

from lindung.text import INVISIBLE_PATTERN, INVISIBLE_WHAT_TO_DO, SPACES_PATTERN


@dataclass(frozen=True)
class Issue:
    """What is wrong with a value and what the operator should do about it."""

    message: str
    what_to_do: str

    @property
    def text(self) -> str:
        return f"{self.message}; {self.what_to_do}"


class Parsed(NamedTuple):
    """Cleaned values and, per row, an error code of :data:`ISSUES` (null when the row is fine)."""

    value: pl.Series
    error: pl.Series


class NormalizeError(ValueError):
    """A single value could not be read (scalar helpers only)."""

    def __init__(self, code: str) -> None:
        self.code = code
        self.issue = ISSUES[code]
        super().__init__(self.issue.text)


DATE_EXAMPLE = "tulis tanggal seperti 12-03-1975"

INVISIBLE_KINDS = "karakter kendali, lebar-nol, pembalik arah tulisan atau kode tak terpakai"
"""What :data:`lindung.text.INVISIBLE_PATTERN` refuses, in words, for the messages."""

ISSUES: Mapping[str, Issue] = {
    "name_missing": Issue("nama kosong", "isi nama lengkap sesuai KTP"),
    "name_invisible": Issue(
        f"nama berisi karakter tak terlihat ({INVISIBLE_KINDS})", INVISIBLE_WHAT_TO_DO
    ),
    "phone_characters": Issue(
        "nomor HP berisi huruf atau tanda yang tidak dikenal",
        "isi satu nomor saja, hanya angka, misal 0812-3456-7890",
    ),
    "phone_length": Issue(
        "jumlah digit nomor telepon tidak sesuai nomor Indonesia",
        "periksa nomor; HP ditulis seperti 0812-3456-7890, telepon rumah seperti (0721) 123456",
    ),
    "phone_foreign": Issue(
        "nomor telepon bukan nomor Indonesia (+62)",
        "isi nomor HP Indonesia yang aktif, misal 0812-3456-7890",
    ),
    "date_unreadable": Issue("tanggal tidak terbaca", DATE_EXAMPLE),
    "date_impossible": Issue(
        "tanggal tidak ada di kalender (misal 31 Februari atau bulan 13)",
        f"periksa tanggal dari KTP/KK; {DATE_EXAMPLE} (tanggal-bulan-tahun)",
    ),
    "date_future": Issue(
        "tanggal lahir di masa depan", f"periksa tahun lahir dari KTP/KK; {DATE_EXAMPLE}"
    ),
    "date_year_only": Issue(
        "hanya tahun yang diisi", f"isi tanggal lahir lengkap dari KTP/KK; {DATE_EXAMPLE}"
    ),
    "sex_unknown": Issue("jenis kelamin tidak dikenal", "isi L (laki-laki) atau P (perempuan)"),
    "rupiah_ambiguous": Issue(
        "angka berkoma atau bertitik desimal tidak jelas nilainya dalam rupiah",
        "tulis rupiah utuh tanpa desimal, misal 1.500.000 atau 1500000",
    ),
    "rupiah_unreadable": Issue(
        "nilai rupiah tidak terbaca", "tulis angka rupiah saja, misal 1.500.000 atau Rp1.500.000"
    ),
}


def issue_columns(error: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """``message`` and ``what_to_do`` expressions for a column of :data:`ISSUES` codes."""
    return (
        error.replace_strict({k: v.message for k, v in ISSUES.items()}, default=None),
        error.replace_strict({k: v.what_to_do for k, v in ISSUES.items()}, default=None),
    )


def _run(series: pl.Series, *exprs: pl.Expr) -> pl.DataFrame:
    """Evaluate expressions over ``series`` (as text, named ``v``)."""
    return pl.DataFrame({"v": series.cast(pl.String)}).select(*exprs)


def _blank_to_null(expr: pl.Expr) -> pl.Expr:
    stripped = expr.str.strip_chars()
    return pl.when(stripped.str.len_chars() > 0).then(stripped)


def clean_text_expr(expr: pl.Expr) -> pl.Expr:
    """Text as lindung stores it (see :mod:`lindung.text`): NFC, every run of white space one
    space (a line break in an address too), no space at either end, blank as null.

    Refused characters are kept, for :func:`invisible_expr` to find: folding comes first, so a
    tab or a line break is a space and not a refused control character.
    """
    folded = expr.str.normalize("NFC").str.replace_all(SPACES_PATTERN, " ").str.strip_chars()
    return pl.when(folded.str.len_chars() > 0).then(folded)


def invisible_expr(expr: pl.Expr) -> pl.Expr:
    """True where the (cleaned) text holds a character a person cannot see: control,
    zero-width, bidirectional override, private-use or unassigned (:data:`INVISIBLE_PATTERN`)."""
    return expr.str.contains(INVISIBLE_PATTERN)


def _scalar(parsed: Parsed) -> object:
    code = parsed.error[0]
    if code is not None:
        raise NormalizeError(code)
    return parsed.value[0]


# --- names -------------------------------------------------------------------------------------

_TITLES = (
    "ALMARHUMAH", "ALMARHUM", "ALMH", "ALM", "PROF", "DRS", "DRA", "DRG", "DR", "IR", "HAJJAH",
    "HAJAH", "HAJI", "HJH", "HJ", "H", "K.H", "KH", "BAPAK", "BPK", "BP", "IBU", "SDRI", "SDRA",
    "SDR", "NYONYA", "NY", "TUAN", "TN", "USTADZAH", "USTADZ", "USTAZ", "UST",
)  # fmt: skip
"""Honorifics written before a name. Longer first: the regex takes the first alternative."""

_DEGREES = (
    "A.MD.KEP", "A.MD.KEB", "A.MD.FARM", "A.MD.KES", "A.MD.AK", "A.MD.GZ", "A.MD", "A.MA.PD",
    "A.MA", "A.MK", "S.PD.I", "S.PD.SD", "S.PD", "S.KOM", "S.SOS", "S.AG", "S.KM", "S.KEP",
    "S.KEB", "S.KES", "S.IKOM", "S.I.KOM", "S.IP", "S.FARM", "S.PSI", "S.HUT", "S.SI", "S.TP",
    "S.PT", "S.KED", "S.GZ", "S.STR", "S.HI", "S.SY", "S.TH.I", "S.THI", "S.TH", "S.TR", "S.HUM",
    "S.AK", "S.AB", "S.PI", "S.ST", "S.ARS", "S.DS", "S.PAR", "S.E", "S.H", "S.T", "S.P", "S.M",
    "M.PD.I", "M.PD", "M.SI", "M.KES", "M.KOM", "M.AG", "M.AP", "M.SC", "M.HUM", "M.PSI", "M.KN",
    "M.KEB", "M.ED", "M.B.A", "M.M", "M.H", "M.T", "M.E", "M.A", "PH.D", "DRS", "DRA", "DR",
    "IR", "PROF", "AMD", "SPD", "SE", "SH", "ST", "SKOM", "SSOS", "MPD", "MSI", "MM", "SAG",
    "SKM", "SIP", "SP", "SPDI",
)  # fmt: skip
"""Academic degrees written after a name (Permendikbud gelar akademik, as seen in rosters)."""


def _flexible(token: str) -> str:
    """Regex for a dotted token that also matches it with the dots left out or spaced."""
    return r"\.?\s*".join(token.split("."))


_DEGREE = "|".join(_flexible(d) for d in _DEGREES)
_DEGREE_TAIL = rf"^\s*(?:(?:{_DEGREE})\.?\s*[,;]?\s*)+$"
_DOTTED_DEGREE_END = "|".join(r"\.\s*".join(d.split(".")) for d in _DEGREES if "." in d)
_TITLE_START = r"^(?:(?:" + "|".join(_flexible(t) for t in _TITLES) + r")(?:\.\s*|\s+))+"
_DECEASED = r"\(\s*ALM(?:H|ARHUM|ARHUMAH)?\.?\s*\)"


def _name_keys(frame: pl.DataFrame) -> pl.DataFrame:
    col = pl.col
    # NFC first: an "e" + combining accent is one letter, not a letter and a word break.
    upper = (col("v").str.normalize("NFC").str.strip_chars().str.to_uppercase()
             .str.replace_all(_DECEASED, " "))
    frame = frame.select(upper.alias("u"))
    frame = frame.select(
        col("u").str.extract(r"^([^,]*)", 1).alias("head"),
        col("u").str.extract(r"^[^,]*,(.*)$", 1).alias("tail"),
    )
    # After the first comma Indonesians write degrees: drop the tail only when it is all degrees,
    # so a comma inside a real name ("SITI, AMINAH") is kept as a space.
    tail = col("tail")
    head = col("head").str.replace(rf"(?:\s+(?:{_DOTTED_DEGREE_END})\.?)+\s*$", "")
    frame = frame.select(
        head.str.replace(_TITLE_START, "").alias("head"),
        pl.when(tail.is_null() | tail.str.contains(_DEGREE_TAIL))
        .then(pl.lit(""))
        .otherwise(tail)
        .alias("tail"),
    )
    joined = pl.concat_str([col("head"), col("tail")], separator=" ")
    frame = frame.select(
        joined.str.replace_all(r"[^\p{L}\p{N}]+", " ").str.strip_chars().alias("k")
    )
    return frame.select(pl.when(col("k") != "").then(col("k")).alias("name_key"))


def name_key(series: pl.Series) -> pl.Series:
    """Key for finding the same person written twice: upper case, no titles or degrees.

    ``"Hj. Siti  Aminah, S.Pd."`` and ``"SITI AMINAH"`` have the same key. The key is for matching
    only; show people :func:`clean_name`.
    """
    return _name_keys(pl.DataFrame({"v": series.cast(pl.String)})).to_series()


def clean_name(series: pl.Series) -> Parsed:
    """Display form of a name: NFC, white space folded to single spaces and trimmed, letters
    kept as entered (:func:`clean_text_expr`).

    A blank name is ``name_missing``; a name holding a character a person cannot see (a
    zero-width space, a right-to-left override that makes it display as another name) is
    ``name_invisible`` and its value null: refused, never stored. The length is the caller's
    to check, against the column that will store the name.
    """
    out = _run(series, clean_text_expr(pl.col("v")).alias("t")).select(
        "t",
        pl.when(pl.col("t").is_null())
        .then(pl.lit("name_missing"))
        .when(invisible_expr(pl.col("t")))
        .then(pl.lit("name_invisible"))
        .alias("error"),
    )
    out = out.select(pl.when(pl.col("error").is_null()).then(pl.col("t")).alias("value"), "error")
    return Parsed(out["value"], out["error"])


def to_name_key(name: str) -> str | None:
    """:func:`name_key` of one name."""
    key: str | None = name_key(pl.Series([name]))[0]
    return key


# --- phone numbers -----------------------------------------------------------------------------

_MOBILE = r"^8[0-9]{8,11}$"
"""08xx numbers have 10 to 13 digits with the leading 0."""
_LANDLINE = r"^[2-79][0-9]{6,10}$"
"""Area code (2 to 3 digits without 0) and subscriber number; 7 to 11 digits without the 0."""


def _parse_phones(frame: pl.DataFrame) -> pl.DataFrame:
    col = pl.col
    frame = frame.select(_blank_to_null(col("v")).alias("t"))
    frame = frame.with_columns(
        col("t").str.replace_all(r"[^0-9]", "").alias("digits"),
        col("t").str.starts_with("+").alias("plus"),
    )
    digits = col("digits")
    national = (
        pl.when(col("plus") & digits.str.starts_with("62")).then(digits.str.slice(2))
        .when(digits.str.starts_with("62") & (digits.str.len_chars() >= 10))
        .then(digits.str.slice(2))
        .when(digits.str.starts_with("0")).then(digits.str.slice(1))
        .otherwise(digits)
    )  # fmt: skip
    frame = frame.with_columns(national.alias("national"))
    # "+62 (0)812..." keeps the trunk 0 after the country code
    frame = frame.with_columns(col("national").str.strip_prefix("0"))
    national_ok = col("national").str.contains(_MOBILE) | col("national").str.contains(_LANDLINE)
    error = (
        pl.when(col("t").is_null()).then(None)
        .when(~col("t").str.contains(r"^\+?[0-9 ().\-]+$")).then(pl.lit("phone_characters"))
        .when(col("plus") & ~digits.str.starts_with("62")).then(pl.lit("phone_foreign"))
        .when(~national_ok).then(pl.lit("phone_length"))
    )  # fmt: skip
    frame = frame.with_columns(error.alias("error"))
    return frame.select(
        pl.when(col("error").is_null() & col("t").is_not_null())
        .then(pl.lit("+62") + col("national"))
        .alias("value"),
        "error",
    )


def normalize_phone(series: pl.Series) -> Parsed:
    """Indonesian phone numbers in E.164 form: ``0812-3456-7890`` -> ``+6281234567890``.

    Accepts 08..., 628..., +62 8..., 8... (a leading 0 lost by a spreadsheet) and landlines with
    area codes such as ``(0721) 123456``. A cell holding two numbers is refused, not guessed.
    """
    out = _parse_phones(pl.DataFrame({"v": series.cast(pl.String)}))
    return Parsed(out["value"], out["error"])


def to_phone(text: str) -> str | None:
    """:func:`normalize_phone` of one value; raises :class:`NormalizeError`."""
    return _scalar(normalize_phone(pl.Series([text], dtype=pl.String)))  # type: ignore[return-value]


# --- dates -------------------------------------------------------------------------------------

_MONTHS: Mapping[str, int] = {
    **dict.fromkeys(("januari", "january", "jan"), 1),
    **dict.fromkeys(("februari", "pebruari", "february", "feb", "peb"), 2),
    **dict.fromkeys(("maret", "march", "mar"), 3),
    **dict.fromkeys(("april", "apr"), 4),
    **dict.fromkeys(("mei", "may"), 5),
    **dict.fromkeys(("juni", "june", "jun"), 6),
    **dict.fromkeys(("juli", "july", "jul"), 7),
    **dict.fromkeys(("agustus", "august", "agu", "agt", "ags", "aug"), 8),
    **dict.fromkeys(("september", "sept", "sep"), 9),
    **dict.fromkeys(("oktober", "october", "okt", "oct"), 10),
    **dict.fromkeys(("november", "nopember", "nov", "nop"), 11),
    **dict.fromkeys(("desember", "december", "des", "dec"), 12),
}
"""Month names in Indonesian (including the old spellings Pebruari, Nopember) and English."""

_DMY = r"^(\d{1,2})\s*(?:[-/.]|\s)\s*(\d{1,2})\s*(?:[-/.]|\s)\s*(\d{4}|\d{2})$"
_YMD = r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
_D_MON_Y = r"^(\d{1,2})[-/.\s]*([a-z]+)\.?[-/.\s]*(\d{4}|\d{2})$"
_SERIAL = r"^(\d{1,6})(?:\.\d+)?$"
"""An Excel date cell read as text: days in the 1900 system; a time of day is dropped."""


def resolve_two_digit_year(yy: pl.Expr, month: pl.Expr, day: pl.Expr, today: date) -> pl.Expr:
    """The latest year ending in ``yy`` whose day/month is not after ``today``.

    Used for dates written ``12/3/75`` and for the birth date inside a NIK: a person cannot be
    born in the future, and ``yy`` cannot say the century.
    """
    year = pl.lit(today.year // 100 * 100) + yy
    later = (year > today.year) | (
        (year == today.year) & (month * 100 + day > today.month * 100 + today.day)
    )
    return pl.when(later).then(year - 100).otherwise(year)


def real_date(year: pl.Expr, month: pl.Expr, day: pl.Expr) -> pl.Expr:
    """The date, or null when year/month/day is not on the calendar (31 February, month 13)."""
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    days = (
        pl.when(month == 2).then(pl.when(leap).then(29).otherwise(28))
        .when(month.is_in([4, 6, 9, 11])).then(30)
        .otherwise(31)
    )  # fmt: skip
    ok = year.is_between(1, 9999) & month.is_between(1, 12) & day.is_between(1, days)
    safe = [pl.when(ok).then(x).otherwise(1) for x in (year, month, day)]
    return pl.when(ok).then(pl.date(*safe))


def _parse_dates(frame: pl.DataFrame, today: date) -> pl.DataFrame:
    """``value`` and ``error`` from text column ``v``; staged so each step is computed once."""
    col = pl.col
    text = _blank_to_null(col("v")).str.to_lowercase().str.replace_all(r"\s+", " ")
    frame = frame.select(text.alias("t"))
    frame = frame.select(
        "t",
        col("t").str.extract_groups(_DMY).alias("dmy"),
        col("t").str.extract_groups(_YMD).alias("ymd"),
        col("t").str.extract_groups(_D_MON_Y).alias("named"),
        col("t").str.extract(_SERIAL, 1).cast(pl.Int64, strict=False).alias("serial"),
    )

    def part(struct: str, group: str) -> pl.Expr:
        return col(struct).struct.field(group)

    named_month = part("named", "2").replace_strict(_MONTHS, default=None, return_dtype=pl.Int64)
    frame = frame.select(
        "t",
        "serial",
        pl.coalesce(
            part("dmy", "1"),
            part("ymd", "3"),
            pl.when(named_month.is_not_null()).then(part("named", "1")),
        )
        .cast(pl.Int64)
        .alias("day"),
        pl.coalesce(
            part("dmy", "2").cast(pl.Int64), part("ymd", "2").cast(pl.Int64), named_month
        ).alias("month"),
        pl.coalesce(part("dmy", "3"), part("ymd", "1"), part("named", "3")).alias("year_text"),
    )
    year = col("year_text").cast(pl.Int64)
    frame = frame.with_columns(
        pl.when(col("year_text").str.len_chars() == 2)
        .then(resolve_two_digit_year(year, col("month"), col("day"), today))
        .otherwise(year)
        .alias("year")
    )
    # Excel's 1900 system counts a 29 February 1900 that never was: serial 60 is no date, and
    # serials after it are one day ahead of a plain count from 31 December 1899.
    serial = col("serial")
    days = pl.duration(days=serial)
    from_serial = (
        pl.when(serial.is_between(1, 59)).then(pl.lit(date(1899, 12, 31)) + days)
        .when(serial >= 61).then(pl.lit(date(1899, 12, 30)) + days)
    )  # fmt: skip
    # A bare 4-digit year collides with the Excel serials of 1905: read as a year, refused.
    year_only = serial.is_between(1900, today.year) & (col("t").str.len_chars() == 4)
    frame = frame.with_columns(
        year_only.alias("year_only"),
        pl.when(year_only)
        .then(None)
        .otherwise(pl.coalesce(real_date(col("year"), col("month"), col("day")), from_serial))
        .cast(pl.Date)
        .alias("parsed"),
    )
    error = (
        pl.when(col("t").is_null()).then(None)
        .when(col("year_only")).then(pl.lit("date_year_only"))
        .when(col("month").is_null() & serial.is_null()).then(pl.lit("date_unreadable"))
        .when(col("parsed").is_null()).then(pl.lit("date_impossible"))
        .when(col("parsed") > pl.lit(today)).then(pl.lit("date_future"))
    )  # fmt: skip
    frame = frame.with_columns(error.alias("error"))
    return frame.select(pl.when(col("error").is_null()).then(col("parsed")).alias("value"), "error")


def parse_dates_id(series: pl.Series, *, today: date) -> Parsed:
    """Birth dates as people write them in Indonesia, day first.

    ``12-03-1975``, ``12/3/75``, ``12.03.1975``, ``12 Maret 1975``, ``12-Mar-1975``,
    ``1975-03-12``, and Excel date cells read as text (``27465``). A day and month the wrong way
    round (``03/25/1975``) is refused, never swapped: the same file may hold ``03/04/1975``, which
    would then be read wrong without a word. A future date is refused: these are birth dates.
    """
    out = _parse_dates(pl.DataFrame({"v": series.cast(pl.String)}), today)
    return Parsed(out["value"], out["error"])


def to_date(text: str, *, today: date) -> date | None:
    """:func:`parse_dates_id` of one value; raises :class:`NormalizeError`."""
    return _scalar(parse_dates_id(pl.Series([text], dtype=pl.String), today=today))  # type: ignore[return-value]


# --- sex ---------------------------------------------------------------------------------------

_SEX: Mapping[str, str] = {
    **dict.fromkeys(("L", "LK", "LAKILAKI", "LAKI", "PRIA", "M", "MALE", "COWOK"), "L"),
    **dict.fromkeys(("P", "PR", "PEREMPUAN", "WANITA", "W", "F", "FEMALE", "CEWEK"), "P"),
}


def _sex_exprs(v: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    text = _blank_to_null(v)
    key = text.str.to_uppercase().str.replace_all(r"[^A-Z]", "")
    value = key.replace_strict(_SEX, default=None, return_dtype=pl.String)
    error = pl.when(text.is_not_null() & value.is_null()).then(pl.lit("sex_unknown"))
    return value, error


def parse_sex(series: pl.Series) -> Parsed:
    """``"L"`` or ``"P"`` from L/P, LK/PR, Laki-laki, Perempuan, Pria, Wanita, M/F, Male/Female."""
    value, error = _sex_exprs(pl.col("v"))
    out = _run(series, value.alias("value"), error.alias("error"))
    return Parsed(out["value"], out["error"])


def to_sex(text: str) -> str | None:
    """:func:`parse_sex` of one value; raises :class:`NormalizeError`."""
    return _scalar(parse_sex(pl.Series([text], dtype=pl.String)))  # type: ignore[return-value]


# --- rupiah ------------------------------------------------------------------------------------

_GROUPED = (r"^\d{1,3}(?:\.\d{3})+$", r"^\d{1,3}(?:,\d{3})+$", r"^\d{1,3}(?: \d{3})+$")
"""Thousands grouped by dots (Indonesian), commas (English) or spaces."""
_SHORTHAND = r"^(\d{1,9})(?:[.,](\d{1,6}))?\s*(jt|juta|rb|ribu)$"
_UNITS: Mapping[str, int] = {"jt": 6, "juta": 6, "rb": 3, "ribu": 3}
"""Digits of the unit: ``1,5 jt`` is 1,500,000 exactly; ``1,5`` alone is refused."""


def _parse_rupiah(frame: pl.DataFrame) -> pl.DataFrame:
    col = pl.col
    frame = frame.select(_blank_to_null(col("v")).alias("t"))
    s = col("t").str.to_lowercase().str.replace(r"^(?:rp|idr)\.?\s*", "")
    # "Rp 1.500.000,-" and "1.500.000,00" carry no cents: Indonesian invoice habits.
    s = s.str.replace(r"(?:,-|\.-|,00|\.00)$", "").str.strip_chars()
    frame = frame.with_columns(s.alias("s"))
    s = col("s")
    frame = frame.with_columns(
        (
            s.str.contains(r"^\d+$") | pl.any_horizontal(*(s.str.contains(p) for p in _GROUPED))
        ).alias("whole"),
        s.str.extract_groups(_SHORTHAND).alias("short"),
    )
    short = col("short").struct
    frame = frame.with_columns(
        short.field("1").cast(pl.Int64, strict=False).alias("units"),
        short.field("2").fill_null("").alias("fraction"),
        short.field("3").replace_strict(_UNITS, default=None, return_dtype=pl.Int64).alias("exp"),
    )
    fraction, exponent = col("fraction"), col("exp")
    padded = fraction.str.pad_end(6, "0").str.slice(0, exponent).cast(pl.Int64, strict=False)
    digits = s.str.replace_all(r"[^0-9]", "")
    amount = pl.coalesce(
        pl.when(col("whole") & (digits.str.len_chars() <= 15)).then(
            digits.cast(pl.Int64, strict=False)
        ),
        pl.when(exponent.is_not_null() & (fraction.str.len_chars() <= exponent)).then(
            col("units") * pl.lit(10).pow(exponent)
            + pl.when(fraction == "").then(0).otherwise(padded)
        ),
    ).cast(pl.Int64)
    frame = frame.with_columns(amount.alias("value"))
    error = (
        pl.when(col("t").is_null() | col("value").is_not_null()).then(None)
        .when(s.str.contains(r"^\d+[.,]\d+$") | exponent.is_not_null())
        .then(pl.lit("rupiah_ambiguous"))
        .otherwise(pl.lit("rupiah_unreadable"))
    )  # fmt: skip
    return frame.select("value", error.alias("error"))


def parse_rupiah(series: pl.Series) -> Parsed:
    """Whole rupiah (Int64) from ``1.000.000``, ``Rp 1.000.000,-``, ``1,000,000``, ``1,5 jt``.

    A number with a decimal part that is not a thousands group (``1.5``, ``1500000.50``) is
    refused: it is impossible to tell whether ``1.5`` means Rp1,5 or Rp1.500.000 was cut short.
    Never a float: money is whole rupiah.
    """
    out = _parse_rupiah(pl.DataFrame({"v": series.cast(pl.String)}))
    return Parsed(out["value"], out["error"])


def to_rupiah(text: str) -> int | None:
    """:func:`parse_rupiah` of one value; raises :class:`NormalizeError`."""
    return _scalar(parse_rupiah(pl.Series([text], dtype=pl.String)))  # type: ignore[return-value]
