"""Header matching, by property: however an operator capitalises, spaces or punctuates a known
header, the column lands on its field; and a file read with such headers keeps its row numbers."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from lindung.enrollment.roster_read import HEADERS, read_roster
from lindung.enrollment.roster_read import _field_of as field_of

KNOWN = [(field, header) for field, headers in HEADERS.items() for header in headers]


@st.composite
def spelled(draw: st.DrawFn, only: str | None = None) -> tuple[str, str]:
    field, header = draw(st.sampled_from([k for k in KNOWN if only in (None, k[0])]))
    out = []
    for char in header:
        char = char.upper() if draw(st.booleans()) else char.lower()
        if char == " ":
            char = draw(st.sampled_from([" ", "  ", "_", ".", "-", ""]))
        out.append(char)
    pad = draw(st.sampled_from(["", " ", "  ", "\t"]))
    return field, pad + "".join(out) + draw(st.sampled_from(["", " ", ":", "."]))


@given(spelled())
def test_any_spelling_of_a_known_header_finds_its_field(case: tuple[str, str]) -> None:
    field, header = case
    assert field_of(header) == field


@given(st.text(alphabet="xyzqwv ", min_size=1, max_size=12))
def test_unknown_headers_are_not_guessed(header: str) -> None:
    assert field_of(header) is None


@settings(max_examples=40, deadline=None)
@given(nik_header=spelled("nik"), name_header=spelled("name"),
       blank_rows=st.integers(min_value=0, max_value=3))
def test_a_file_with_such_headers_reads_with_true_row_numbers(
    nik_header: tuple[str, str], name_header: tuple[str, str], blank_rows: int
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "r.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow([nik_header[1], name_header[1]])
            for _ in range(blank_rows):
                writer.writerow(["", ""])
            writer.writerow(["1872011203750001", "Budi"])
        roster = read_roster(path)
        assert not roster.file_errors
        assert set(roster.columns) == {"nik", "name"}
        assert roster.frame["row"].to_list() == [2 + blank_rows]
