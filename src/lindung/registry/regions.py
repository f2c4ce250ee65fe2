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
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import NamedTuple

import polars as pl
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

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
    """Village codes resolved per row and, where none could be, why (``VILLAGE_ERRORS``).

    ``error`` may also be a warning code (:data:`VILLAGE_WARNINGS`): ``village_near`` when the
    name was read as a near spelling of one village (``code`` set), ``district_unknown`` when
    the row's district could not be found (the village was looked for in the whole area).
    ``note`` is, for ``village_near``, the official name read ("'Ganjar Agung' (Kecamatan Metro
    Barat)") and, for an unknown or ambiguous name, the suggestions ("Ganjar Agung (Kecamatan
    Metro Barat), Ganjar Asri (Kecamatan Metro Barat)"); else null.
    """

    code: pl.Series
    error: pl.Series
    note: pl.Series
    district_error: pl.Series


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

VILLAGE_WARNINGS = {
    "village_near": (
        "nama desa/kelurahan dibaca sebagai nama resmi yang paling dekat",
        "periksa; bila keliru, tulis nama desa sesuai data Kemendagri atau kode desanya",
    ),
    "district_unknown": (
        "kecamatan tidak ditemukan di wilayah ini; desa dicari di seluruh wilayah PKS",
        "periksa ejaan kecamatan sesuai data Kemendagri, atau kosongkan kolomnya",
    ),
}
"""Village problems that do not refuse the row."""

SPELLING_VARIANTS = (("oe", "u"), ("dj", "j"), ("tj", "c"), ("sj", "sy"), ("ch", "kh"))
"""Old spelling (Ejaan Van Ophuijsen / Soewandi) still written in rosters -> EYD."""

MAX_FUZZY_LOOKUPS = 5_000
"""Distinct unmatched names looked up by edit distance in one call; names past this many get
the plain refusal without suggestions (a roster names a few hundred villages)."""

SUGGESTIONS = 3
"""Names offered for an unknown or ambiguous village."""


def spelling_key(key: str) -> str:
    """A place key without spaces, hyphens or other marks, in today's spelling:
    ``"ganjar agung"`` and ``"ganjaragung"`` -> ``"ganjaragung"``; ``"tjiandjoer"`` ->
    ``"cianjur"``."""
    s = re.sub(r"[\W_]+", "", key.lower())
    for old, new in SPELLING_VARIANTS:
        s = s.replace(old, new)
    return s


def edit_bound(key: str) -> int:
    """Most single-letter edits a name may be away from an official one and still be read as it:
    none for 4 letters or fewer, one up to 7, two from 8."""
    n = len(key)
    return 0 if n <= 4 else 1 if n <= 7 else 2


@dataclass(frozen=True)
class _Area:
    """The villages (or districts) of one area, keyed two ways for matching."""

    codes: list[str]
    names: list[str]
    spelled: list[str]
    by_key: dict[str, list[int]]
    by_spelled: dict[str, list[int]]

    @classmethod
    def of(cls, frame: pl.DataFrame) -> _Area:
        by_key: dict[str, list[int]] = {}
        by_spelled: dict[str, list[int]] = {}
        spelled = []
        for i, key in enumerate(frame["key"].to_list()):
            by_key.setdefault(key, []).append(i)
            spelled.append(spelling_key(key))
            by_spelled.setdefault(spelled[-1], []).append(i)
        return cls(frame["code"].to_list(), frame["name"].to_list(), spelled, by_key,
                   by_spelled)

    def exact(self, key: str) -> list[int]:
        return self.by_key.get(key, [])

    def spelled_as(self, spelled: str) -> list[int]:
        return self.by_spelled.get(spelled, [])

    def near(self, spelled: str) -> list[int]:
        bound = edit_bound(spelled)
        if not bound:
            return []
        found = process.extract(spelled, self.spelled, scorer=Levenshtein.distance,
                                score_cutoff=bound, limit=None)
        return sorted(i for _, _, i in found)

    def suggest(self, spelled: str) -> list[int]:
        found = process.extract(spelled, self.spelled, scorer=fuzz.ratio, score_cutoff=60,
                                limit=SUGGESTIONS)
        return [i for _, _, i in found]


@cache
def _level_keys(level: int) -> pl.DataFrame:
    regions = load_regions().filter(pl.col("level") == level, ~pl.col("retired"))
    return regions.select("code", "name", place_key_expr(pl.col("name")).alias("key")).drop_nulls(
        "key")


@cache
def _area(level: int, prefix: str) -> _Area:
    return _Area.of(_level_keys(level).filter(pl.col("code").str.starts_with(prefix)))


def _labelled(area: _Area, i: int) -> str:
    """"Ganjar Agung (Kecamatan Metro Barat)": a village with its district, to tell apart."""
    district = _names().get(area.codes[i].rsplit(".", 1)[0])
    return f"{area.names[i]} (Kecamatan {district})" if district else area.names[i]


def _choose(area: _Area, text: str, key: str, fuzzy: bool) -> tuple[str | None, str | None,
                                                                   str | None]:
    """(code, error or warning code, note) for one name inside one area."""
    exact = area.exact(key)
    if len(exact) == 1:
        return area.codes[exact[0]], None, None
    if exact:
        return None, "village_ambiguous", ", ".join(_labelled(area, i) for i in exact[:SUGGESTIONS])
    spelled = spelling_key(key)
    same = area.spelled_as(spelled) or (area.near(spelled) if fuzzy else [])
    if len(same) == 1:
        i = same[0]
        district = _names().get(area.codes[i].rsplit(".", 1)[0])
        shown = f"'{area.names[i]}'" + (f" (Kecamatan {district})" if district else "")
        return area.codes[i], "village_near", shown
    if same:
        return None, "village_ambiguous", ", ".join(_labelled(area, i) for i in same[:SUGGESTIONS])
    offered = area.suggest(spelled) if fuzzy else []
    return None, "village_unknown", ", ".join(_labelled(area, i) for i in offered) or None


def _district(area_prefix: str, text: str | None) -> tuple[str | None, bool]:
    """The district a row names, inside the area: (dotted code, found). Blank: (None, True)."""
    if text is None or not text.strip():
        return None, True
    dotted = dotted_code(text.strip())
    if dotted and dotted.count(".") == 2:
        return (dotted, True) if dotted in _names() else (None, False)
    key = pl.select(place_key_expr(pl.lit(re.sub(r"(?i)^\s*(?:kecamatan|kec)\b\.?", "",
                                                 text), dtype=pl.String))).item()
    if key is None:
        return None, True
    districts = _area(3, area_prefix)
    found = districts.exact(key) or districts.spelled_as(spelling_key(key)) \
        or districts.near(spelling_key(key))
    return (districts.codes[found[0]], True) if len(found) == 1 else (None, False)


def resolve_villages(values: pl.Series, within: str | None = None,
                     districts: pl.Series | None = None) -> VillageMatch:
    """Village code per row from a code (dotted or 10 digits) or a name inside an area.

    The area is the row's district (``districts``: a name or code of a kecamatan inside
    ``within``) when one is given and found, else ``within`` (a province, regency or district
    code; None: all Indonesia). A name is matched, in order: exactly (ignoring case, spaces and
    "Desa"/"Kelurahan"); ignoring spaces, hyphens and old spelling ("Ganjaragung" -> Ganjar
    Agung, "Iringmulyo" -> Iring Mulyo); within :func:`edit_bound` letters of one name. The
    last two are accepted only when exactly one village of the area fits, with the warning
    ``village_near``; several fits are ``village_ambiguous`` and none ``village_unknown``, both
    with suggestions in ``note``. Codes are accepted anywhere, since a worker may live outside
    the Pemda's area.
    """
    prefix = (dotted_code(within) or "") + "." if within else ""
    known = _village_keys().select(pl.col("code").alias("by_code"), pl.lit(True).alias("known"))
    text = values.cast(pl.String).str.strip_chars()
    # A roster names a few hundred villages a million times: resolve each distinct pair once.
    keys = ["text"] if districts is None else ["text", "district"]
    rows = pl.DataFrame({"text": text} if districts is None else
                        {"text": text, "district": districts.cast(pl.String).str.strip_chars()}
                        ).with_row_index("i")
    frame = rows.select(keys).unique().with_columns(
        *(() if districts is not None else (pl.lit(None, dtype=pl.String).alias("district"),)),
        dotted_code_expr(pl.col("text")).alias("by_code"),
        place_key_expr(pl.col("text")).alias("key"),
    ).join(known, on="by_code", how="left")
    out: dict[str, list[object]] = {"code": [], "error": [], "note": [], "district_error": []}
    fuzzy_left = MAX_FUZZY_LOOKUPS
    for t, d, by_code, key, is_known in frame.select(
            "text", "district", "by_code", "key", "known").iter_rows():
        district, district_found = _district(prefix, d)
        out["district_error"].append(None if district_found else "district_unknown")
        if key is None:
            code, error, note = None, None, None
        elif by_code is not None and by_code.count(".") == 3:
            code, error, note = (by_code, None, None) if is_known else (
                None, "village_code_unknown", None)
        else:
            area = _area(4, district + "." if district else prefix)
            fuzzy = fuzzy_left > 0
            code, error, note = _choose(area, t, key, fuzzy)
            if error is not None:
                fuzzy_left -= 1
        out["code"].append(code)
        out["error"].append(error)
        out["note"].append(note)
    resolved = frame.select(keys).with_columns(
        *(pl.Series(name, values_, dtype=pl.String) for name, values_ in out.items()))
    joined = rows.join(resolved, on=keys, how="left", nulls_equal=True).sort("i")
    return VillageMatch(joined["code"], joined["error"], joined["note"],
                        joined["district_error"])


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


def villages_in(area: str, limit: int) -> pl.DataFrame | None:
    """``code``, ``district`` (its kecamatan's name), ``name`` of the villages inside ``area``
    (a region code), by code; None when there are more than ``limit``."""
    prefix = (dotted_code(area) or area) + "."
    regions = load_regions()
    villages = regions.filter(pl.col("level") == 4, ~pl.col("retired"),
                              pl.col("code").str.starts_with(prefix))
    if villages.height > limit:
        return None
    districts = regions.filter(pl.col("level") == 3).select(
        pl.col("code").alias("parent_code"), pl.col("name").alias("district"))
    return (villages.join(districts, on="parent_code", how="left")
            .select("code", "district", "name").sort("code"))
