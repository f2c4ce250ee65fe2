"""Kemendagri regions: provinces, regencies/cities, districts and villages with their codes.

The table ships with lindung (``data/regions.csv.gz``, built by ``scripts/build_regions.py``; see
``data/SOURCE.md`` for source, decree and licences). Codes are dotted Kemendagri codes
(``18.72.01.1001``); functions here also accept them without dots (``1872011001``), as they are
often typed in rosters.

Village names repeat across Indonesia (there are hundreds of "Sukamaju"), so a name alone is only
resolved when it is unique inside the area given: a district or regency code.
"""

from __future__ import annotations

import gzip
from functools import cache
from importlib import resources
from typing import NamedTuple

import polars as pl

_SCHEMA = {
    "code": pl.String,
    "level": pl.Int8,
    "name": pl.String,
    "parent_code": pl.String,
    "postal_code": pl.String,
    "retired": pl.Boolean,
}

PLACE_PREFIX = r"^(?:desa|kelurahan|kel|ds|dsn|gampong|nagari)\b\.?\s*"
"""Words people put before a village name that the official name does not carry."""


@cache
def load_regions() -> pl.DataFrame:
    """Every region (about 91,600 rows), read once per process.

    Columns: ``code``, ``level`` (1 province, 2 regency/city, 3 district, 4 village), ``name``,
    ``parent_code`` (null for provinces), ``postal_code`` (villages only), ``retired``.
    """
    raw = resources.files("lindung.registry").joinpath("data/regions.csv.gz").read_bytes()
    frame = pl.read_csv(gzip.decompress(raw), schema=_SCHEMA)
    return frame.with_columns(
        pl.col("parent_code", "postal_code").replace("", None),
    )


@cache
def _names() -> dict[str, str]:
    frame = load_regions()
    return dict(zip(frame["code"].to_list(), frame["name"].to_list(), strict=True))


def dotted_code_expr(text: pl.Expr) -> pl.Expr:
    """A region code written with or without dots, in dotted form; null if it is not a code."""
    t = text.str.strip_chars()
    parts = t.str.extract_groups(r"^(\d{2})\.?(\d{2})?\.?(\d{2})?\.?(\d{4})?$")
    return pl.when(t.str.contains(r"^\d{2}(?:\.?\d{2}(?:\.?\d{2}(?:\.?\d{4})?)?)?$")).then(
        pl.concat_str(
            [parts.struct.field(g) for g in ("1", "2", "3", "4")], separator=".", ignore_nulls=True
        )
    )


def dotted_code(code: str) -> str | None:
    """``"3201012001"`` -> ``"32.01.01.2001"``; the dotted form is returned as is."""
    out: str | None = pl.select(dotted_code_expr(pl.lit(code, dtype=pl.String))).item()
    return out


def region_name(code: str) -> str | None:
    """Official name of a region by code (dotted or not), or None if the code is unknown."""
    dotted = dotted_code(code)
    return _names().get(dotted) if dotted else None


def place_key_expr(name: pl.Expr) -> pl.Expr:
    """Key for matching place names: lower case, no "desa"/"kelurahan"/"kel." prefix, one space."""
    s = name.str.to_lowercase().str.replace_all(r"[^\p{L}\p{N}']+", " ").str.strip_chars()
    s = s.str.replace(PLACE_PREFIX, "").str.replace_all("'", "").str.strip_chars()
    return pl.when(s.str.len_chars() > 0).then(s)


@cache
def _village_keys() -> pl.DataFrame:
    villages = load_regions().filter(pl.col("level") == 4, ~pl.col("retired"))
    return villages.select("code", place_key_expr(pl.col("name")).alias("key"))


class VillageMatch(NamedTuple):
    """Village codes resolved per row and, where none could be, why (``VILLAGE_ERRORS``)."""

    code: pl.Series
    error: pl.Series


VILLAGE_ERRORS = {
    "village_code_unknown": (
        "kode desa/kelurahan tidak ada di data Kemendagri",
        "periksa kode 10 digit desa/kelurahan (misal 18.72.01.1001) atau tulis nama desanya",
    ),
    "village_unknown": (
        "nama desa/kelurahan tidak ditemukan di wilayah ini",
        "periksa ejaan sesuai data Kemendagri atau tulis kode desa (misal 18.72.01.1001)",
    ),
    "village_ambiguous": (
        "ada lebih dari satu desa/kelurahan dengan nama ini",
        "tulis kode desa/kelurahan (misal 18.72.01.1001) agar tidak tertukar",
    ),
}


def resolve_villages(values: pl.Series, within: str | None = None) -> VillageMatch:
    """Village code per row from a code (dotted or 10 digits) or a name unique inside ``within``.

    ``within`` is a province, regency or district code that narrows name matches; codes are
    accepted anywhere, since a worker may live outside the Pemda's area.
    """
    prefix = (dotted_code(within) or "") + "." if within else ""
    candidates = _village_keys().filter(pl.col("code").str.starts_with(prefix))
    by_name = candidates.group_by("key").agg(
        pl.col("code").first().alias("by_name"), pl.len().alias("matches")
    )
    known = _village_keys().select(pl.col("code").alias("by_code"), pl.lit(True).alias("known"))
    text = values.cast(pl.String).str.strip_chars()
    # A roster names a few hundred villages a million times: resolve each distinct text once.
    rows = pl.DataFrame({"text": text}).with_row_index("i")
    frame = rows.select(pl.col("text").unique()).with_columns(
        dotted_code_expr(pl.col("text")).alias("by_code"),
        place_key_expr(pl.col("text")).alias("key"),
    )
    frame = frame.join(known, on="by_code", how="left").join(by_name, on="key", how="left")
    is_code = pl.col("by_code").str.count_matches(r"\.") == 3
    resolved = frame.select(
        "text",
        pl.when(is_code)
        .then(pl.when(pl.col("known")).then(pl.col("by_code")))
        .when(pl.col("matches") == 1)
        .then(pl.col("by_name"))
        .alias("code"),
        pl.when(pl.col("key").is_null())
        .then(None)
        .when(is_code)
        .then(pl.when(pl.col("known").is_null()).then(pl.lit("village_code_unknown")))
        .when(pl.col("matches").is_null())
        .then(pl.lit("village_unknown"))
        .when(pl.col("matches") > 1)
        .then(pl.lit("village_ambiguous"))
        .alias("error"),
    )
    out = rows.join(resolved, on="text", how="left", nulls_equal=True).sort("i")
    return VillageMatch(out["code"], out["error"])


def find_village(name: str, district_or_regency_code: str | None = None) -> list[str]:
    """Codes of the villages called ``name`` (or with that code) inside the area, sorted.

    One code is a match; several mean the name is ambiguous there and the code must be asked for.
    """
    key = pl.select(place_key_expr(pl.lit(name, dtype=pl.String))).item()
    dotted = dotted_code(name)
    if dotted and dotted.count(".") == 3:
        return [dotted] if dotted in _names() else []
    prefix = (dotted_code(district_or_regency_code) or "") + "." if district_or_regency_code else ""
    found = _village_keys().filter(pl.col("key") == key, pl.col("code").str.starts_with(prefix))
    return sorted(found["code"].to_list())
