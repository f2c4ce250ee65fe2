"""How lindung writes money, dates, times, shares and amounts in words for people (Bahasa
Indonesia first)."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date

AMOUNT_LABELS = {
    "jkk": "JKK (Jaminan Kecelakaan Kerja)",
    "jkm": "JKM (Jaminan Kematian)",
    "jht_employer": "JHT, pemberi kerja",
    "jht_worker": "JHT, pekerja/peserta",
    "jp_employer": "JP, pemberi kerja",
    "jp_worker": "JP, pekerja",
    "jkp": "JKP, dibayar Pemerintah Pusat",
    "jkk_jkm_pre_placement": "JKK + JKM sebelum penempatan",
    "jkk_jkm_placement": "JKK + JKM masa penempatan",
    "lump_sum": "Santunan sekaligus",
    "periodic": "Santunan berkala",
    "funeral": "Biaya pemakaman",
    "death": "Santunan kematian (JKK)",
    "disability": "Santunan cacat",
    "monthly": "Manfaat bulanan",
}
"""Indonesian labels of amount lines (contribution and benefit keys)."""

_UNITS = ("", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
          "sepuluh", "sebelas")
_SCALES = ((10**12, "triliun"), (10**9, "miliar"), (10**6, "juta"), (10**3, "ribu"))


def format_rupiah(amount: int) -> str:
    """``Rp1.234.567`` (negative: ``-Rp5.000``)."""
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{format_number(abs(amount))}"


def format_number(value: int) -> str:
    """``2.727`` (the Indonesian thousands separator; plain integer arithmetic, no locale lookup
    on the way)."""
    return f"{value:,}".replace(",", ".")


def format_date_id(day: date) -> str:
    """``20 Februari 2018``."""
    return str(format_date(day, "d MMMM y", locale="id_ID"))


def local_time(moment: datetime, zone: tzinfo) -> datetime:
    """``moment`` on the clock of ``zone``; a naive moment is UTC (as lindung stores them)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone)


def format_time_id(moment: datetime, zone: tzinfo) -> str:
    """``14.05 WIB``: the hour on the office's clock, with the zone's name (Indonesian writes
    a full stop between hours and minutes)."""
    local = local_time(moment, zone)
    return f"{local:%H.%M} {local.tzname()}"


def format_datetime_id(moment: datetime, zone: tzinfo) -> str:
    """``1 Januari 2026 14.05 WIB``."""
    local = local_time(moment, zone)
    return f"{format_date_id(local.date())} {format_time_id(local, zone)}"


def format_percent(ratio: float | Decimal | int) -> str:
    """A share as people write it: 0.9 -> ``90%``, 0.125 -> ``12,5%`` (one decimal at most,
    half up; no ``90.0%``)."""
    value = (Decimal(str(ratio)) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if value == value.to_integral_value():
        return f"{int(value)}%"
    return f"{value}%".replace(".", ",")


def _below_thousand(n: int) -> str:
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds == 1:
        words.append("seratus")
    elif hundreds > 1:
        words.append(f"{_UNITS[hundreds]} ratus")
    if rest < 12:
        if rest:
            words.append(_UNITS[rest])
    elif rest < 20:
        words.append(f"{_UNITS[rest - 10]} belas")
    else:
        tens, ones = divmod(rest, 10)
        words.append(f"{_UNITS[tens]} puluh")
        if ones:
            words.append(_UNITS[ones])
    return " ".join(words)


def terbilang(n: int) -> str:
    """Whole number in Indonesian words: 42000000 -> ``empat puluh dua juta``.

    "seribu" only stands alone as the thousands group (1.000 -> seribu, 1.001.000 -> satu juta
    seribu, 21.000 -> dua puluh satu ribu): the rule num2words gets wrong inside larger numbers.
    """
    if n < 0:
        return f"minus {terbilang(-n)}"
    if n == 0:
        return "nol"
    words: list[str] = []
    rest = n
    for scale, name in _SCALES:
        group, rest = divmod(rest, scale)
        if not group:
            continue
        if scale == 1000 and group == 1:
            words.append("seribu")
        else:
            words.append(f"{terbilang(group) if group >= 1000 else _below_thousand(group)} {name}")
    if rest:
        words.append(_below_thousand(rest))
    return " ".join(words)


def terbilang_rupiah(amount: int) -> str:
    """``empat puluh dua juta rupiah``."""
    return f"{terbilang(amount)} rupiah"
