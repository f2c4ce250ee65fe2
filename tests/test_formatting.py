"""Money, dates and amounts in words as an operator reads them."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from lindung.formatting import format_date_id, format_rupiah, terbilang, terbilang_rupiah

_DIGITS = {"satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7,
           "delapan": 8, "sembilan": 9}
_SCALE = {"ribu": 10**3, "juta": 10**6, "miliar": 10**9, "triliun": 10**12}


def _read(words: str) -> int:
    """An independent reader of Indonesian number words, to check terbilang by round trip."""
    total, group, current = 0, 0, 0
    stack: list[int] = []  # scales seen, to handle "dua ribu satu triliun"
    tokens = words.split()
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t in _DIGITS:
            current = _DIGITS[t]
        elif t == "sepuluh":
            current = 10
        elif t == "sebelas":
            current = 11
        elif t == "seratus":
            group += 100
        elif t == "seribu":
            total += 1000
        elif t == "belas":
            current += 10
        elif t == "puluh":
            group += current * 10
            current = 0
        elif t == "ratus":
            group += current * 100
            current = 0
        elif t in _SCALE:
            value = (group + current) * _SCALE[t]
            # a larger scale following a smaller one multiplies everything since the last larger
            if stack and _SCALE[t] > stack[-1]:
                total = (total + group + current) * _SCALE[t]
            else:
                total += value
            stack.append(_SCALE[t])
            group = current = 0
        else:
            raise AssertionError(f"unexpected word {t!r} in {words!r}")
        i += 1
    return total + group + current


def test_known_amounts() -> None:
    assert terbilang(42_000_000) == "empat puluh dua juta"
    assert terbilang(16_800) == "enam belas ribu delapan ratus"
    assert terbilang(1_000) == "seribu"
    assert terbilang(1_001_000) == "satu juta seribu"
    assert terbilang(21_000) == "dua puluh satu ribu"
    assert terbilang(111_000) == "seratus sebelas ribu"
    assert terbilang(174_000_000) == "seratus tujuh puluh empat juta"
    assert terbilang(0) == "nol"
    assert terbilang_rupiah(42_000_000) == "empat puluh dua juta rupiah"


@given(st.integers(min_value=1, max_value=10**15 - 1))
def test_terbilang_reads_back(n: int) -> None:
    words = terbilang(n)
    assert _read(words) == n
    tokens = words.split()
    assert "satu ratus" not in words and "satu belas" not in words
    for i, token in enumerate(tokens[:-1]):
        if token == "satu" and tokens[i + 1] == "ribu":
            # one thousand alone is "seribu"; "satu ribu" only ends 21.000, 101.000 and the like
            assert i > 0 and tokens[i - 1] in ("puluh", "ratus", "seratus"), words


def test_rupiah_and_dates() -> None:
    assert format_rupiah(1_234_567) == "Rp1.234.567"
    assert format_rupiah(0) == "Rp0"
    assert format_rupiah(-5_000) == "-Rp5.000"
    assert format_date_id(date(2018, 2, 20)) == "20 Februari 2018"
    assert format_date_id(date(2022, 6, 30)) == "30 Juni 2022"
