"""Normalisers: what an operator types, what lindung stores, and the refusals they read."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lindung.registry.normalize import (
    ISSUES,
    NormalizeError,
    clean_name,
    name_key,
    parse_dates_id,
    parse_rupiah,
    parse_sex,
    to_date,
    to_name_key,
    to_phone,
    to_rupiah,
    to_sex,
)

TODAY = date(2025, 6, 1)
MONTHS_ID = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
             "September", "Oktober", "November", "Desember"]  # fmt: skip
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]  # fmt: skip


def excel_serial(d: date) -> int:
    return (d - date(1899, 12, 30)).days


# --- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["12-03-1975", "12/3/75", "12.03.1975", "12 Maret 1975", "12 Mar 1975", "12-Mar-1975",
     "1975-03-12", "12 March 1975", "12 maret 1975", " 12-03-1975 ", "1975-03-12 00:00:00",
     "27465", "27465.0", "27465.541666667"],
)  # fmt: skip
def test_accepted_date_forms(text: str) -> None:
    assert to_date(text, today=TODAY) == date(1975, 3, 12)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("31/02/1975", "date_impossible"),
        ("29-02-1975", "date_impossible"),
        ("12-13-1975", "date_impossible"),
        ("03/25/1975", "date_impossible"),  # month first is refused, never swapped
        ("01-01-2030", "date_future"),
        ("1975", "date_year_only"),
        ("kemarin", "date_unreadable"),
        ("12 Maretan 1975", "date_unreadable"),
        ("60", "date_impossible"),  # Excel's 29 February 1900, which never was
    ],
)
def test_refused_dates_say_the_expected_form(text: str, code: str) -> None:
    with pytest.raises(NormalizeError) as err:
        to_date(text, today=TODAY)
    assert err.value.code == code
    assert "12-03-1975" in str(err.value)


def test_excel_1900_leap_bug() -> None:
    assert to_date("59", today=TODAY) == date(1900, 2, 28)
    assert to_date("61", today=TODAY) == date(1900, 3, 1)


def test_two_digit_year_is_latest_not_after_today() -> None:
    assert to_date("1/1/25", today=TODAY) == date(2025, 1, 1)
    assert to_date("2/6/25", today=TODAY) == date(1925, 6, 2)
    assert to_date("1/1/26", today=TODAY) == date(1926, 1, 1)


def test_blank_is_null_without_error() -> None:
    parsed = parse_dates_id(pl.Series([None, "", "  "], dtype=pl.String), today=TODAY)
    assert parsed.value.to_list() == [None, None, None]
    assert parsed.error.to_list() == [None, None, None]


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=date(1900, 3, 1), max_value=TODAY), st.data())
def test_every_written_form_parses_back(born: date, data: st.DataObject) -> None:
    d, m, y = born.day, born.month, born.year
    forms = [
        f"{d:02d}-{m:02d}-{y}", f"{d}/{m}/{y}", f"{d:02d}.{m:02d}.{y}", f"{y}-{m:02d}-{d:02d}",
        f"{d} {MONTHS_ID[m - 1]} {y}", f"{d} {MONTHS_EN[m - 1]} {y}",
        f"{d} {MONTHS_ID[m - 1][:3]} {y}", f"{d:02d}-{MONTHS_EN[m - 1][:3]}-{y}",
    ]  # fmt: skip
    if not 1900 <= excel_serial(born) <= TODAY.year:  # such a serial reads as a bare year, refused
        forms += [str(excel_serial(born)), f"{excel_serial(born)}.0"]
    if born > TODAY.replace(year=TODAY.year - 100):
        forms.append(f"{d}/{m}/{y % 100:02d}")  # two digits are only unambiguous within 100 years
    case = data.draw(st.sampled_from([f.upper() for f in forms] + forms))
    parsed = parse_dates_id(pl.Series([*forms, case]), today=TODAY)
    assert parsed.error.to_list() == [None] * (len(forms) + 1)
    assert set(parsed.value.to_list()) == {born}


# --- phones ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("62812 3456 7890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("+62 (0)812-3456-7890", "+6281234567890"),
        ("812-3456-7890", "+6281234567890"),
        ("(0721) 123456", "+62721123456"),
        ("021-5551234", "+62215551234"),
        ("0812.3456.789", "+628123456789"),
    ],
)
def test_phone_forms(text: str, expected: str) -> None:
    assert to_phone(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("0812 3456 7890 / 0813 1111 2222", "phone_characters"),
        ("0812-3456-789O", "phone_characters"),
        ("123", "phone_length"),
        ("0812345", "phone_length"),
        ("08123456789012345", "phone_length"),
        ("+1 555 123 4567", "phone_foreign"),
    ],
)
def test_phone_refusals(text: str, code: str) -> None:
    with pytest.raises(NormalizeError) as err:
        to_phone(text)
    assert err.value.code == code
    assert str(err.value) == ISSUES[code].text


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"8[1-9][0-9]{7,10}", fullmatch=True), st.integers(0, 4))
def test_phone_any_writing_gives_one_number(national: str, style: int) -> None:
    groups = f"{national[:3]}-{national[3:7]}-{national[7:]}"
    written = [f"0{national}", f"62{national}", f"+62 {groups}", f"0{groups}", national][style]
    assert to_phone(written) == f"+62{national}"


# --- names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["Hj. Siti  Aminah, S.Pd.", "SITI AMINAH", "siti aminah", "Ibu Siti Aminah",
     "Dra. Siti Aminah, M.Pd.", "Siti Aminah, S.Pd.I", "Siti Aminah S.Pd", "Siti-Aminah",
     "Sdri. Siti Aminah", "Siti Aminah (Almh)", "Prof.Dr.Ir. Siti Aminah, S.E., M.Si."],
)  # fmt: skip
def test_name_key_ignores_titles_degrees_case_and_punctuation(text: str) -> None:
    assert to_name_key(text) == "SITI AMINAH"


def test_name_key_keeps_initials_and_real_words() -> None:
    assert to_name_key("M. Yusuf") == "M YUSUF"
    assert to_name_key("A. Rahman") == "A RAHMAN"
    assert to_name_key("Hendra") == "HENDRA"  # "H" only as a separate title


def test_clean_name_display_and_empty() -> None:
    parsed = clean_name(pl.Series(["  Budi   Santoso ", "Hj. Siti", "", None]))
    assert parsed.value.to_list() == ["Budi Santoso", "Hj. Siti", None, None]
    assert parsed.error.to_list() == [None, None, "name_missing", "name_missing"]


def test_clean_name_is_nfc_with_white_space_folded() -> None:
    parsed = clean_name(pl.Series(["De\u0301de\u0301 Suryadi", "Siti\tAminah\r\nS.Pd.",
                                   "Budi\u00a0\u00a0Santoso", "\u3000Ani\u2003"]))  # fmt: skip
    assert parsed.value.to_list() == ["D\u00e9d\u00e9 Suryadi", "Siti Aminah S.Pd.",
                                      "Budi Santoso", "Ani"]  # fmt: skip
    assert parsed.error.to_list() == [None] * 4


@pytest.mark.parametrize(
    "text",
    ["Ahmad\u202eidas", "Budi\u200bSantoso", "\u200fSiti", "Siti\u0000", "Ani\ue000",
     "Ani\u0378", "\ufeffBudi", "Budi\u00ad", "\u200b"],
)  # fmt: skip
def test_clean_name_refuses_characters_nobody_can_see(text: str) -> None:
    parsed = clean_name(pl.Series([text]))
    assert parsed.error.to_list() == ["name_invisible"]
    assert parsed.value.to_list() == [None]  # refused, never passed on to be stored
    issue = ISSUES["name_invisible"]
    assert "karakter tak terlihat" in issue.message and "ketik ulang" in issue.what_to_do


def test_name_key_is_the_same_for_composed_and_decomposed_letters() -> None:
    assert to_name_key("De\u0301de\u0301 Suryadi") == to_name_key("D\u00e9d\u00e9 Suryadi")


_TITLES = ["H.", "Hj.", "Dr.", "dr.", "Drs.", "Ir.", "Prof.", "Bpk", "Bapak", "Ibu", "Sdr."]
_DEGREES = ["S.Pd.", "S.E.", "S.H.", "S.Kom.", "S.Sos.", "S.T.", "M.Pd.", "M.Si.", "A.Md."]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.from_regex(r"[A-Z][a-z]{2,9}", fullmatch=True), min_size=1, max_size=4),
    st.lists(st.sampled_from(_TITLES), max_size=2),
    st.lists(st.sampled_from(_DEGREES), max_size=2),
    st.booleans(),
)
def test_name_key_property(
    words: list[str], titles: list[str], degrees: list[str], shout: bool
) -> None:
    plain = " ".join(words)
    written = " ".join([*titles, "  ".join(words)])
    if degrees:
        written += ", " + ", ".join(degrees)
    if shout:
        written = written.upper()
    assert name_key(pl.Series([written, plain])).to_list() == [plain.upper()] * 2


# --- sex ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("L", "L"), ("lk", "L"), ("Laki-laki", "L"), ("LAKI LAKI", "L"), ("Pria", "L"), ("M", "L"),
     ("Male", "L"), ("P", "P"), ("PR", "P"), ("Perempuan", "P"), ("wanita", "P"), ("F", "P"),
     ("Female", "P")],
)  # fmt: skip
def test_sex(text: str, expected: str) -> None:
    assert to_sex(text) == expected


def test_sex_unknown() -> None:
    parsed = parse_sex(pl.Series(["X", "", None]))
    assert parsed.error.to_list() == ["sex_unknown", None, None]


# --- rupiah ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1.000.000", 1_000_000), ("Rp 1.000.000", 1_000_000), ("Rp1.500.000,-", 1_500_000),
     ("1.500.000,00", 1_500_000), ("1000000", 1_000_000), ("1,000,000", 1_000_000),
     ("1 000 000", 1_000_000), ("1 jt", 1_000_000), ("1,5 jt", 1_500_000),
     ("2.25 juta", 2_250_000), ("750 rb", 750_000), ("IDR 2.000.000", 2_000_000)],
)  # fmt: skip
def test_rupiah(text: str, expected: int) -> None:
    assert to_rupiah(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [("1.5", "rupiah_ambiguous"), ("1500000.50", "rupiah_ambiguous"), ("1,5", "rupiah_ambiguous"),
     ("1,2345678 jt", "rupiah_unreadable"), ("satu juta", "rupiah_unreadable"),
     ("-500000", "rupiah_unreadable"), ("1.00.000", "rupiah_unreadable")],
)  # fmt: skip
def test_rupiah_refusals(text: str, code: str) -> None:
    with pytest.raises(NormalizeError) as err:
        to_rupiah(text)
    assert err.value.code == code


def test_rupiah_is_int64_never_float() -> None:
    assert parse_rupiah(pl.Series(["1.000.000"])).value.dtype == pl.Int64


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10**12), st.integers(0, 4))
def test_rupiah_any_grouping_reads_back(amount: int, style: int) -> None:
    grouped = f"{amount:,}"
    written = [
        str(amount), grouped, grouped.replace(",", "."), "Rp " + grouped.replace(",", "."),
        grouped.replace(",", ".") + ",-",
    ][style]  # fmt: skip
    assert to_rupiah(written) == amount
