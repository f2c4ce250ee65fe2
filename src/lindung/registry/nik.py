"""NIK (Nomor Induk Kependudukan): structural checks over a whole roster at once.

A NIK is 16 digits: PP KK CC DDMMYY SSSS, the province, regency/city and district of issue, the
birth date (day + 40 for women) and a serial (Permendagri 72/2019 on KTP-el; UU 24/2013 Adminduk).
A structural check cannot prove that Dukcapil issued a NIK; it refuses what cannot be one.

NIK is text, always. A spreadsheet that holds a NIK as a number keeps only 15 significant digits,
so ``3201234567890123`` silently becomes ``3201234567890120`` (shown as ``3.20123E+15``). Such a
NIK cannot be repaired, only typed again: :data:`NIK_ERRORS` ``numeric_cell`` says how.

Unknown regency or district codes are warnings only: a NIK keeps the codes it was issued with,
and regions split (pemekaran) after many NIKs were issued.

No NIK goes into a log: use :func:`mask_nik`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import polars as pl

from lindung import clock
from lindung.registry.normalize import Issue, real_date, resolve_two_digit_year
from lindung.registry.regions import load_regions

NUMERIC_CELL_MESSAGE = (
    "NIK tersimpan sebagai angka sehingga digit terakhir hilang; format kolom NIK sebagai Teks "
    "lalu ketik ulang NIK dari KTP/KK"
)

NIK_ERRORS: Mapping[str, Issue] = {
    "missing": Issue("NIK kosong", "isi 16 digit NIK dari KTP/KK"),
    "numeric_cell": Issue(
        "NIK tersimpan sebagai angka sehingga digit terakhir hilang",
        "format kolom NIK sebagai Teks lalu ketik ulang NIK dari KTP/KK",
    ),
    "not_digits": Issue(
        "NIK berisi huruf, spasi, titik atau tanda lain",
        "tulis 16 angka 0-9 saja tanpa spasi atau tanda baca, sesuai KTP/KK",
    ),
    "length": Issue(
        "NIK tidak 16 digit", "periksa NIK di KTP/KK; mungkin ada digit yang kurang atau lebih"
    ),
    "province_unknown": Issue(
        "dua digit pertama NIK bukan kode provinsi", "periksa NIK di KTP/KK dan ketik ulang"
    ),
    "region_zero": Issue(
        "kode kabupaten/kota atau kecamatan di NIK (digit 3-6) berisi 00",
        "periksa NIK di KTP/KK dan ketik ulang",
    ),
    "birth_date_invalid": Issue(
        "tanggal lahir di NIK (digit 7-12) bukan tanggal yang ada",
        "periksa NIK di KTP/KK dan ketik ulang",
    ),
    "serial_zero": Issue(
        "empat digit terakhir NIK tidak boleh 0000", "periksa NIK di KTP/KK dan ketik ulang"
    ),
    "birth_date_mismatch": Issue(
        "tanggal lahir tidak sama dengan tanggal lahir di NIK",
        "samakan NIK dan tanggal lahir dengan KTP/KK (perempuan: tanggal di NIK ditambah 40)",
    ),
    "sex_mismatch": Issue(
        "jenis kelamin tidak sesuai NIK (tanggal di NIK ditambah 40 untuk perempuan)",
        "samakan NIK dan jenis kelamin dengan KTP/KK",
    ),
}
"""Error code -> what is wrong and what to do, in Bahasa Indonesia for operators."""

NIK_WARNINGS: Mapping[str, Issue] = {
    "regency_unknown": Issue(
        "kode kabupaten/kota di NIK tidak ada di data Kemendagri terbaru",
        "tidak perlu diubah bila sesuai KTP (bisa kode lama sebelum pemekaran)",
    ),
    "district_unknown": Issue(
        "kode kecamatan di NIK tidak ada di data Kemendagri terbaru",
        "tidak perlu diubah bila sesuai KTP (bisa kode lama sebelum pemekaran)",
    ),
}

_NUMERIC_TEXT = r"^[0-9]+(?:[.,][0-9]+)?[eE][+-]?[0-9]+$|^[0-9]{6,}[.,]0+$"
"""How a number-formatted NIK looks once copied out as text: ``3.2E+15``, ``3,20123E+15``,
``3201234567890000.0``. Thousands-grouped text (``3.201.234...``) is a plain typing error."""


def validate_niks(
    nik: pl.Series,
    *,
    birth_date: pl.Series | None = None,
    sex: pl.Series | None = None,
    regions: pl.DataFrame | None = None,
    today: date | None = None,
) -> pl.DataFrame:
    """Check every NIK in ``nik``; one output row per input row, in order.

    Columns: ``nik`` (clean 16 digits, or null when refused), ``error`` and ``message`` (first
    problem found, see :data:`NIK_ERRORS`), ``warning`` and ``warning_message``,
    ``birth_date_from_nik`` (Date), ``sex_from_nik`` (``"L"``/``"P"``), ``province_code``,
    ``regency_code``, ``district_code`` (dotted, as in the NIK).

    ``birth_date`` (Date) and ``sex`` (``"L"``/``"P"``), when given, must agree with the NIK.
    ``today`` fixes the century of the birth year (the latest year not after today) and defaults
    to the current date; ``regions`` defaults to :func:`load_regions`.
    """
    today = today or clock.today()
    regions = load_regions() if regions is None else regions
    # A numeric Series is a column a spreadsheet held as numbers: every value is already damaged.
    numeric = nik.dtype.is_numeric()
    text = nik.cast(pl.String)
    codes = {level: regions.filter(pl.col("level") == level)["code"] for level in (1, 2, 3)}

    frame = pl.DataFrame({"raw": text})
    frame = frame.with_columns(
        pl.Series("given_birth", birth_date, dtype=pl.Date)
        if birth_date is not None
        else pl.lit(None, dtype=pl.Date).alias("given_birth"),
        pl.Series("given_sex", sex, dtype=pl.String)
        if sex is not None
        else pl.lit(None, dtype=pl.String).alias("given_sex"),
    )
    frame = frame.with_columns(pl.col("raw").str.strip_chars(" ").alias("s"))
    s = pl.col("s")
    frame = frame.with_columns(
        s.str.contains(r"^[0-9]{16}$").alias("ok16"),
        # Fields of the NIK, meaningful only where ok16 holds
        s.str.slice(6, 2).cast(pl.Int16, strict=False).alias("dd"),
        s.str.slice(8, 2).cast(pl.Int16, strict=False).alias("mm"),
        s.str.slice(10, 2).cast(pl.Int16, strict=False).alias("yy"),
        s.str.slice(0, 2).alias("province"),
        s.str.slice(0, 4).str.replace(r"^(\d\d)", "$1.").alias("regency"),
        s.str.slice(0, 6).str.replace(r"^(\d\d)(\d\d)", "$1.$2.").alias("district"),
    )
    female = pl.col("dd") > 40
    day = pl.when(female).then(pl.col("dd") - 40).otherwise(pl.col("dd")).cast(pl.Int32)
    month = pl.col("mm").cast(pl.Int32)
    year = resolve_two_digit_year(pl.col("yy").cast(pl.Int32), month, day, today)
    frame = frame.with_columns(
        pl.when(pl.col("ok16")).then(real_date(year, month, day)).alias("born"),
        pl.when(pl.col("ok16"))
        .then(pl.when(female).then(pl.lit("P")).otherwise(pl.lit("L")))
        .alias("sex_raw"),
    )
    col = pl.col
    error = (
        pl.when(col("raw").is_null() | (col("s") == "")).then(pl.lit("missing"))
        .when(pl.lit(numeric) | col("s").str.contains(_NUMERIC_TEXT)).then(pl.lit("numeric_cell"))
        .when(~col("s").str.contains(r"^[0-9]+$")).then(pl.lit("not_digits"))
        .when(~col("ok16")).then(pl.lit("length"))
        .when(~col("province").is_in(codes[1].implode())).then(pl.lit("province_unknown"))
        .when((col("s").str.slice(2, 2) == "00") | (col("s").str.slice(4, 2) == "00"))
        .then(pl.lit("region_zero"))
        .when(col("born").is_null()).then(pl.lit("birth_date_invalid"))
        .when(col("s").str.slice(12, 4) == "0000").then(pl.lit("serial_zero"))
        .when(col("given_birth").is_not_null() & (col("given_birth") != col("born")))
        .then(pl.lit("birth_date_mismatch"))
        .when(col("given_sex").is_not_null() & (col("given_sex") != col("sex_raw")))
        .then(pl.lit("sex_mismatch"))
    )  # fmt: skip
    frame = frame.with_columns(error.alias("error"))
    warning = (
        pl.when(col("error").is_not_null()).then(None)
        .when(~col("regency").is_in(codes[2].implode())).then(pl.lit("regency_unknown"))
        .when(~col("district").is_in(codes[3].implode())).then(pl.lit("district_unknown"))
    )  # fmt: skip
    structural = col("ok16") & ~col("error").is_in(["missing", "numeric_cell"]).fill_null(False)
    return frame.select(
        pl.when(col("error").is_null()).then(col("s")).alias("nik"),
        "error",
        col("error")
        .replace_strict({k: v.text for k, v in NIK_ERRORS.items()}, default=None)
        .alias("message"),
        warning.alias("warning"),
        warning.replace_strict({k: v.text for k, v in NIK_WARNINGS.items()}, default=None).alias(
            "warning_message"
        ),
        pl.when(structural).then(col("born")).alias("birth_date_from_nik"),
        pl.when(structural & col("born").is_not_null()).then(col("sex_raw")).alias("sex_from_nik"),
        pl.when(structural).then(col("province")).alias("province_code"),
        pl.when(structural).then(col("regency")).alias("regency_code"),
        pl.when(structural).then(col("district")).alias("district_code"),
    )


@dataclass(frozen=True)
class NikCheck:
    """The outcome of checking one NIK (see :func:`validate_niks` for the fields)."""

    nik: str | None
    error: str | None
    message: str | None
    warning: str | None
    warning_message: str | None
    birth_date_from_nik: date | None
    sex_from_nik: str | None
    province_code: str | None
    regency_code: str | None
    district_code: str | None

    @property
    def valid(self) -> bool:
        return self.error is None


def check_nik(
    nik: str,
    *,
    birth_date: date | None = None,
    sex: str | None = None,
    regions: pl.DataFrame | None = None,
    today: date | None = None,
) -> NikCheck:
    """:func:`validate_niks` of one NIK."""
    row = validate_niks(
        pl.Series([nik], dtype=pl.String),
        birth_date=pl.Series([birth_date], dtype=pl.Date),
        sex=pl.Series([sex], dtype=pl.String),
        regions=regions,
        today=today,
    ).row(0, named=True)
    return NikCheck(**row)


NIK_REGEX = r"^[0-9]{16}$"
"""A NIK as it may be sent: 16 ASCII digits, nothing else (the API's pattern too)."""
_NIK_TEXT = re.compile(NIK_REGEX)


def is_nik_text(value: str) -> bool:
    """16 ASCII digits: the form of a NIK, before anything else is checked."""
    return bool(_NIK_TEXT.fullmatch(value))


def mask_niks(nik: pl.Series) -> pl.Series:
    """``"3201234567890001"`` -> ``"3201********0001"``: enough to tell rows apart in a log.

    Values shorter than 12 characters are masked whole; nulls stay null.
    """
    s = pl.col("s")
    n = s.str.len_chars()
    stars = s.str.replace_all(".", "*")
    masked = (
        pl.when(n < 12)
        .then(stars)
        .otherwise(
            pl.concat_str(
                [
                    s.str.slice(0, 4),
                    s.str.slice(4, n - 8).str.replace_all(".", "*"),
                    s.str.slice(-4),
                ]
            )
        )
    )
    return pl.DataFrame({"s": nik.cast(pl.String)}).select(masked.alias(nik.name)).to_series()


def mask_nik(nik: str) -> str:
    """:func:`mask_niks` of one value, in plain Python (it runs on every counter call); a value
    far longer than a NIK (whatever a client sent) is masked to at most 20 characters."""
    if len(nik) < 12:
        return "*" * min(len(nik), 20)
    return nik[:4] + "*" * min(len(nik) - 8, 12) + nik[-4:]
