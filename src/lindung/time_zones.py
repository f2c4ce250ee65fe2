"""The office's clock: the time zone (WIB, WITA, WIT) of a region, from its province code.

Data with its basis (Keppres 41/1987) in ``time_zones.yaml`` beside this module; a region
code is Kemendagri's (``18.72`` Kota Metro -> province ``18`` Lampung -> WIB). A region not in
the table (none, or an unknown province) is given the default zone, WIB. A kernel module: every
domain (the audit log too) and the web read the office's clock here.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import timedelta, timezone, tzinfo
from pathlib import Path

import yaml

DATA = Path(__file__).parent / "time_zones.yaml"


@dataclass(frozen=True)
class TimeZone:
    """One of Indonesia's three zones: its abbreviation as people write it, and its clock."""

    abbreviation: str
    name: str
    tz: tzinfo


@functools.cache
def _table() -> tuple[dict[str, TimeZone], dict[str, str], str]:
    raw = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    zones = {abbr: TimeZone(abbr, str(z["name"]),
                            timezone(timedelta(hours=int(z["utc_offset_hours"])), abbr))
             for abbr, z in raw["zones"].items()}
    provinces = {str(code): str(abbr) for code, abbr in raw["provinces"].items()}
    unknown = set(provinces.values()) - set(zones)
    if unknown:
        raise ValueError(f"{DATA.name}: unknown zone(s) {sorted(unknown)}")
    return zones, provinces, str(raw["default"])


def zone_of(region_code: str | None) -> TimeZone:
    """The time zone of a region (a province, regency, district or village code)."""
    zones, provinces, default = _table()
    province = (region_code or "").split(".")[0]
    return zones[provinces.get(province, default)]


def province_zones() -> dict[str, str]:
    """Province code -> zone abbreviation, as in the data file."""
    return dict(_table()[1])
