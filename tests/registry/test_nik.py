"""NIK checks: the row refused and the reason an operator reads."""

from __future__ import annotations

import string
from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lindung.registry.nik import (
    NIK_ERRORS,
    NUMERIC_CELL_MESSAGE,
    check_nik,
    mask_nik,
    mask_niks,
    validate_niks,
)
from lindung.registry.regions import load_regions

TODAY = date(2025, 6, 1)
VALID = "3201011203750001"  # Kab. Bogor, Cibinong; man born 12-03-1975


def _districts() -> list[str]:
    return load_regions().filter(pl.col("level") == 3)["code"].to_list()


DISTRICTS = _districts()


@st.composite
def niks(draw: st.DrawFn) -> tuple[str, date, str]:
    """A structurally valid NIK with a known district, its birth date and sex."""
    district = draw(st.sampled_from(DISTRICTS)).replace(".", "")
    born = draw(st.dates(min_value=TODAY - timedelta(days=36_000), max_value=TODAY))
    sex = draw(st.sampled_from("LP"))
    day = born.day + (40 if sex == "P" else 0)
    serial = draw(st.integers(1, 9999))
    nik = f"{district}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"
    return nik, born, sex


def test_valid_nik_gives_region_birth_date_and_sex() -> None:
    check = check_nik(VALID, today=TODAY)
    assert check.valid and check.nik == VALID
    assert (check.province_code, check.regency_code, check.district_code) == (
        "32",
        "32.01",
        "32.01.01",
    )
    assert check.birth_date_from_nik == date(1975, 3, 12)
    assert check.sex_from_nik == "L"


def test_women_have_day_plus_40() -> None:
    check = check_nik("3201015203750002", today=TODAY)
    assert check.valid
    assert (check.birth_date_from_nik, check.sex_from_nik) == (date(1975, 3, 12), "P")


@pytest.mark.parametrize(
    "text", ["3.2E+15", "3,2E+15", "3.20101E+15", "3201011203750000.0", "3201011203750001,0"]
)
def test_number_formatted_text_is_refused_with_the_fix(text: str) -> None:
    check = check_nik(text, today=TODAY)
    assert check.error == "numeric_cell"
    assert check.message == NUMERIC_CELL_MESSAGE
    assert "format kolom NIK sebagai Teks" in (check.message or "")
    assert check.nik is None


def test_numeric_series_is_refused_never_repaired() -> None:
    out = validate_niks(pl.Series([3201011203750001.0, 3.2e15]), today=TODAY)
    assert validate_niks(pl.Series([3201011203750001]), today=TODAY)["error"][0] == "numeric_cell"
    assert out["error"].to_list() == ["numeric_cell", "numeric_cell"]
    assert out["nik"].to_list() == [None, None]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (None, "missing"),
        ("", "missing"),
        ("   ", "missing"),
        ("320101120375000", "length"),
        ("32010112037500011", "length"),
        ("3201 011203750001", "not_digits"),
        ("3201.0112.0375.0001", "not_digits"),
        ("3201011203750001\t", "not_digits"),
        ("\u00a03201011203750001", "not_digits"),
        ("３２01011203750001", "not_digits"),  # fullwidth digits
        ("٣٢01011203750001", "not_digits"),  # Arabic-Indic digits
        ("32010112O3750001", "not_digits"),  # letter O for zero
        ("9901011203750001", "province_unknown"),
        ("3200011203750001", "region_zero"),
        ("3201001203750001", "region_zero"),
        ("3201013102750001", "birth_date_invalid"),  # 31 February
        ("3201010013750001", "birth_date_invalid"),  # day 00, month 13
        ("3201014002750001", "birth_date_invalid"),  # woman, day 0
        ("3201011203750000", "serial_zero"),
    ],
)
def test_refusals(text: str | None, code: str) -> None:
    check = check_nik(text, today=TODAY)  # type: ignore[arg-type]
    assert check.error == code
    assert check.message == NIK_ERRORS[code].text
    assert check.nik is None


def test_surrounding_spaces_are_stripped() -> None:
    assert check_nik("  3201011203750001 ", today=TODAY).nik == VALID


def test_unknown_regency_or_district_is_only_a_warning() -> None:
    regency = check_nik("3299011203750001", today=TODAY)
    district = check_nik("3201991203750001", today=TODAY)
    assert regency.valid and regency.warning == "regency_unknown"
    assert district.valid and district.warning == "district_unknown"
    assert "pemekaran" in (district.warning_message or "")


def test_given_birth_date_and_sex_must_agree() -> None:
    assert check_nik(VALID, birth_date=date(1975, 3, 12), sex="L", today=TODAY).valid
    assert (
        check_nik(VALID, birth_date=date(1975, 3, 13), today=TODAY).error == "birth_date_mismatch"
    )
    assert check_nik(VALID, sex="P", today=TODAY).error == "sex_mismatch"


def test_century_is_the_latest_not_after_today() -> None:
    # 15-12-25 is after 1 June 2025, so it is 1925; 01-01-25 is 2025.
    assert check_nik("3201011512250001", today=TODAY).birth_date_from_nik == date(1925, 12, 15)
    assert check_nik("3201010101250001", today=TODAY).birth_date_from_nik == date(2025, 1, 1)
    assert check_nik("3201012902000001", today=TODAY).birth_date_from_nik == date(2000, 2, 29)


def test_one_output_row_per_input_in_order() -> None:
    out = validate_niks(pl.Series(["x", VALID, None]), today=TODAY)
    assert out.height == 3
    assert out["error"].to_list() == ["not_digits", None, "missing"]


def test_mask() -> None:
    assert mask_nik("3201234567890001") == "3201********0001"
    assert mask_niks(pl.Series(["3201234567890001", "123", None])).to_list() == [
        "3201********0001",
        "***",
        None,
    ]


@settings(max_examples=300, deadline=None)
@given(niks())
def test_generated_valid_niks_pass(case: tuple[str, date, str]) -> None:
    nik, born, sex = case
    check = check_nik(nik, birth_date=born, sex=sex, today=TODAY)
    assert check.error is None, check.message
    assert (check.birth_date_from_nik, check.sex_from_nik) == (born, sex)


@settings(max_examples=300, deadline=None)
@given(niks(), st.integers(0, 15), st.sampled_from(string.ascii_letters + " .-/,\u00a0٣"))
def test_any_non_digit_in_any_position_fails(
    case: tuple[str, date, str], position: int, char: str
) -> None:
    nik = case[0]
    corrupted = nik[:position] + char + nik[position + 1 :]
    assume(corrupted.strip(" ") == corrupted or position not in (0, 15))
    assert not check_nik(corrupted, today=TODAY).valid


@settings(max_examples=300, deadline=None)
@given(niks(), st.integers(1, 30))
def test_wrong_length_fails(case: tuple[str, date, str], length: int) -> None:
    assume(length != 16)
    nik = (case[0] * 2)[:length]
    assert check_nik(nik, today=TODAY).error == "length"


@settings(max_examples=300, deadline=None)
@given(niks(), st.integers(0, 15), st.sampled_from(string.digits))
def test_single_digit_change_is_caught_by_its_field(
    case: tuple[str, date, str], position: int, digit: str
) -> None:
    """A NIK has no check digit: a changed digit is caught only where the structure breaks.

    With the birth date and sex given, a change in positions 7-12 must be caught; elsewhere the
    NIK is either refused or still structurally sound (then it is another real-looking NIK).
    """
    nik, born, sex = case
    changed = nik[:position] + digit + nik[position + 1 :]
    assume(changed != nik)
    check = check_nik(changed, birth_date=born, sex=sex, today=TODAY)
    if 6 <= position < 12:
        assert not check.valid
    elif position >= 12 and changed[12:] == "0000":
        assert check.error == "serial_zero"


def test_agrees_with_lokal_id_on_random_niks() -> None:
    """lokal-id's parser as an oracle, on 3,000 random 16-digit strings and valid NIKs.

    Intentional differences (see nik.py): lokal-id strips spaces, dots and dashes inside a NIK
    (we refuse them: the NIK must be typed as on the KTP), and it lets a future birth date stand
    (we take the latest century not after today). Neither arises on plain digits with a birth
    year that is not after today, which is what is compared here.
    """
    lokal_nik = pytest.importorskip("lokal.nik")
    import random

    rng = random.Random(20250601)
    samples = ["".join(rng.choice(string.digits) for _ in range(16)) for _ in range(1500)]
    districts = DISTRICTS
    for _ in range(1500):
        d = rng.choice(districts).replace(".", "")
        samples.append(
            f"{d}{rng.randint(1, 71):02d}{rng.randint(1, 12):02d}{rng.randint(0, 99):02d}"
            f"{rng.randint(0, 9999):04d}"
        )
    ours = validate_niks(pl.Series(samples), today=TODAY)
    for nik, error, born, sex in zip(
        samples, ours["error"], ours["birth_date_from_nik"], ours["sex_from_nik"], strict=True
    ):
        theirs = lokal_nik.parse_nik(nik, reference_date=TODAY)
        if theirs.birth_date and date.fromisoformat(theirs.birth_date) > TODAY:
            continue  # century rule differs on purpose
        assert (error is None) == theirs.valid, (nik, error, theirs.errors)
        if theirs.valid:
            assert born == date.fromisoformat(theirs.birth_date)
            assert sex == theirs.gender
