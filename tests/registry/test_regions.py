"""Kemendagri regions as shipped: counts, names by code, villages by name."""

from __future__ import annotations

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from lindung.registry.regions import (
    dotted_code,
    find_village,
    load_regions,
    region_name,
    resolve_villages,
    spelling_key,
)


def test_counts_match_kepmendagri_2025() -> None:
    counts = dict(load_regions().group_by("level").len().iter_rows())
    assert counts == {1: 38, 2: 514, 3: 7_285, 4: 83_762}


def test_every_parent_exists_and_villages_have_postal_codes() -> None:
    regions = load_regions()
    codes = set(regions["code"])
    assert set(regions["parent_code"].drop_nulls()) <= codes
    villages = regions.filter(pl.col("level") == 4)
    assert villages["postal_code"].str.contains(r"^\d{5}$").all()
    assert not regions["retired"].any()


def test_region_name_by_dotted_or_plain_code() -> None:
    assert region_name("18") == "Lampung"
    assert region_name("18.72") == "Kota Metro"
    assert region_name("18.72.01") == "Metro Pusat"
    assert region_name("18.72.01.1001") == region_name("1872011001") == "Metro"
    assert region_name("99") is None
    assert region_name("Metro") is None


def test_dotted_code() -> None:
    assert dotted_code("3201012001") == "32.01.01.2001"
    assert dotted_code("32.01") == "32.01"
    assert dotted_code("320") is None


def test_find_village_by_name_ignores_prefix_case_and_spacing() -> None:
    assert find_village("Kelurahan  METRO", "18.72") == ["18.72.01.1001"]
    assert find_village("kel. metro", "18.72.01") == ["18.72.01.1001"]
    assert find_village("Desa Metro", "1872") == ["18.72.01.1001"]


def test_common_village_names_are_ambiguous_without_an_area() -> None:
    assert len(find_village("Sukamaju")) > 10
    assert find_village("Sukamaju", "18.72") == []


def test_find_village_by_code() -> None:
    assert find_village("1872011001") == ["18.72.01.1001"]
    assert find_village("18.72.01.9999") == []


def test_resolve_villages_per_row() -> None:
    match = resolve_villages(
        pl.Series(["Kelurahan Metro", "1872011001", "18.72.01.9999", "Sukamaju", None]),
        within="18.72",
    )
    assert match.code.to_list() == ["18.72.01.1001", "18.72.01.1001", None, None, None]
    assert match.error.to_list() == [
        None,
        None,
        "village_code_unknown",
        "village_unknown",
        None,
    ]
    assert resolve_villages(pl.Series(["Sukamaju"])).error.to_list() == ["village_ambiguous"]


def test_near_misses_are_read_with_a_warning_and_far_ones_get_suggestions() -> None:
    match = resolve_villages(
        pl.Series(["Ganjaragung", "IRINGMULYO", "Tejosarie", "Ganjar", "Hadimulyo",
                   "Desa Metro"]), within="18.72")
    assert match.code.to_list() == ["18.72.03.1002", "18.72.04.1003", "18.72.04.1002", None,
                                    None, "18.72.01.1001"]
    assert match.error.to_list() == ["village_near", "village_near", "village_near",
                                     "village_unknown", "village_unknown", None]
    assert match.note[0] == "'Ganjar Agung' (Kecamatan Metro Barat)"
    assert "Ganjar Agung (Kecamatan Metro Barat)" in match.note[3]
    assert "Hadimulyo Timur" in match.note[4] and "Hadimulyo Barat" in match.note[4]


def test_old_spelling_and_the_district_narrow_the_match() -> None:
    assert spelling_key("Tjiandjoer") == "cianjur" and spelling_key("Ganjar Agung") == \
        "ganjaragung"
    # the district on the row: by name (with "Kec.") or by code
    match = resolve_villages(pl.Series(["Yosomulyo", "Yosomulyo", "Yosomulyo"]), within="18.72",
                             districts=pl.Series(["Kec. Metro Pusat", "18.72.01", "Atlantis"]))
    assert match.code.to_list() == ["18.72.01.1005"] * 3
    assert match.district_error.to_list() == [None, None, "district_unknown"]
    # a short name is never guessed: "Metr" is not Metro
    assert resolve_villages(pl.Series(["Metr"]), within="18.72").code.to_list() == [None]


@given(st.sampled_from(["Ganjar Agung", "Iring Mulyo", "Tejo Agung", "Sumbersari Bantul",
                        "Hadimulyo Timur", "Mulyojati"]),
       st.sampled_from(["", "-", " "]), st.booleans())
def test_a_village_written_with_other_spaces_or_case_is_the_same_village(
        name: str, joiner: str, upper: bool) -> None:
    written = joiner.join(name.split(" "))
    written = written.upper() if upper else written.lower()
    exact = resolve_villages(pl.Series([name]), within="18.72").code[0]
    match = resolve_villages(pl.Series([written]), within="18.72")
    assert exact is not None and match.code[0] == exact
