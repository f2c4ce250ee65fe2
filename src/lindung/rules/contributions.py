"""Contributions (iuran) of all segments and programmes, vectorised over whole populations.

One call computes every worker-month of a roster: the parameter values in force in each
contribution month are gathered into small per-month tables, and each amount line is one integer
numpy expression over all rows, rounded once by :func:`lindung.rules.money.rupiah_sum`.

Legal basis per line (details and periods in ``rules/parameters``):

* PU: JKK by risk class (PP 44/2015 Pasal 16), JKM 0.30% (Pasal 18), JHT 3.7% + 2% (PP 46/2015
  Pasal 16), JP 2% + 1% of the wage capped at the JP wage cap (PP 45/2015 Pasal 28-29), JKP 0.22%
  paid by the central government (PP 37/2021 Pasal 11; shown, never billed).
* BPU: JKK 1% of the declared income band, JKM Rp6.800, optional JHT 2% (PP 44/2015 Lampiran II;
  PP 46/2015); no JP, no JKP.
* Jakon: 1.74% + 0.30% of a known wage, or marginal bands of the contract value
  (Permenakertrans 44/2015).
* PMI: fixed amounts before placement and by contract length (Permenaker 4/2023 Pasal 18).
* Relief: PP 49/2020 (COVID-19), PP 7/2025 + PP 36/2025 (labour-intensive JKK), PP 50/2025 (BPU).

A contribution month takes the values in force on its first day.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from lindung.rules.dates import month_from_index, month_index, parse_month
from lindung.rules.money import RATE_SCALE, IntArray, rate_units, rupiah_sum
from lindung.rules.params import ParameterSet, ParameterValue, load_parameters
from lindung.rules.trace import TraceEntry, value_warnings

BoolArray = npt.NDArray[np.bool_]

SEGMENTS = ("pu", "bpu", "jakon", "pmi")
PROGRAMMES = ("jkk", "jkm", "jht", "jp", "jkp")
PROGRAMME_BIT = {p: 1 << i for i, p in enumerate(PROGRAMMES)}
FUNDING_SOURCES = ("self", "apbn", "apbd", "apbdes", "dbhcht", "csr")

AMOUNT_COLUMNS = (
    "jkk", "jkm", "jht_employer", "jht_worker", "jp_employer", "jp_worker", "jkp",
    "jkk_jkm_pre_placement", "jkk_jkm_placement",
)
"""Every amount line, in output order. ``jkp`` is the central government's share: not billed."""
BILLED_COLUMNS = tuple(c for c in AMOUNT_COLUMNS if c != "jkp")
EMPLOYER_COLUMNS = ("jkk", "jkm", "jht_employer", "jp_employer")
WORKER_COLUMNS = ("jht_worker", "jp_worker")
SEGMENTS_WITH_EMPLOYER = ("pu", "jakon")
SEGMENT_LINES: Mapping[str, tuple[str, ...]] = {
    "pu": ("jkk", "jkm", "jht_employer", "jht_worker", "jp_employer", "jp_worker", "jkp"),
    "bpu": ("jkk", "jkm", "jht_worker"),
    "jakon": ("jkk", "jkm"),
    "pmi": ("jkk_jkm_pre_placement", "jkk_jkm_placement"),
}
"""Lines each segment can have. A BPU's JHT is paid by the member, so it is ``jht_worker``."""


@dataclass(frozen=True)
class RowError:
    bit: int
    code: str
    message_id: str
    message_en: str


_ERRORS = [
    ("segment", "segmen harus pu, bpu, jakon atau pmi",
     "segment must be pu, bpu, jakon or pmi"),
    ("month", "bulan iuran tidak terbaca; tulis seperti 2024-06",
     "contribution month is not readable; write it like 2024-06"),
    ("no_law", "tidak ada ketentuan iuran yang berlaku untuk segmen ini pada bulan tersebut",
     "no contribution rule is in force for this segment in that month"),
    ("programme_unknown", "program tidak dikenal; gunakan jkk, jkm, jht, jp, jkp",
     "unknown programme; use jkk, jkm, jht, jp, jkp"),
    ("programme_not_allowed",
     "program ini tidak tersedia untuk segmen tersebut (BPU tidak dapat ikut JP/JKP; Jakon "
     "hanya JKK dan JKM; JHT PMI belum diatur di lindung)",
     "programme not open to this segment (BPU cannot join JP/JKP; Jakon has only JKK and JKM; "
     "PMI JHT is not encoded)"),
    ("programme_compulsory", "JKK dan JKM wajib diikuti", "JKK and JKM are compulsory"),
    ("jkp_requires", "JKP hanya untuk peserta JKK, JKM dan JHT",
     "JKP requires JKK, JKM and JHT"),
    ("wage_missing", "upah wajib diisi untuk segmen ini", "wage is required for this segment"),
    ("wage_invalid", "upah harus bilangan rupiah lebih dari 0",
     "wage must be a whole number of rupiah above 0"),
    ("risk_class", "kelas risiko JKK harus 1 sampai 5", "JKK risk class must be 1 to 5"),
    ("income_missing", "penghasilan yang dilaporkan wajib diisi untuk BPU",
     "declared income is required for BPU"),
    ("income_band",
     "penghasilan BPU harus salah satu nilai tabel (Rp1.000.000 s.d. Rp20.700.000)",
     "BPU declared income must be one of the bands (Rp1,000,000 to Rp20,700,000)"),
    ("jakon_base", "isi salah satu: upah atau nilai kontrak (bukan keduanya)",
     "give either the wage or the contract value, not both"),
    ("contract_value", "nilai kontrak harus bilangan rupiah lebih dari 0",
     "contract value must be a whole number of rupiah above 0"),
    ("contract_months", "lama kontrak PMI (bulan) wajib diisi dan lebih dari 0",
     "PMI contract length in months is required and above 0"),
    ("funded_by", "sumber dana harus self, apbn, apbd, apbdes, dbhcht atau csr",
     "funded_by must be self, apbn, apbd, apbdes, dbhcht or csr"),
    ("workers_in_company", "jumlah pekerja perusahaan tidak boleh negatif",
     "workers_in_company must not be negative"),
]
ROW_ERRORS: Mapping[str, RowError] = {
    code: RowError(1 << i, code, msg_id, msg_en)
    for i, (code, msg_id, msg_en) in enumerate(_ERRORS)
}
_E = {code: e.bit for code, e in ROW_ERRORS.items()}

W_UNCONFIRMED, W_STALE = 1, 2
ROW_WARNINGS = {W_UNCONFIRMED: "unconfirmed", W_STALE: "stale"}


class ContributionInputError(ValueError):
    """The input frame itself is unusable (a column of the wrong type, no month)."""


# --- per-month parameter tables ------------------------------------------------------------------


@dataclass
class MonthRules:
    """Everything the engine needs for one contribution month, resolved from the parameters."""

    month: date
    values: dict[str, ParameterValue | None] = field(default_factory=dict)

    def get(self, name: str) -> Any:
        value = self.values[name]
        return None if value is None else value.value

    def units(self, name: str, discount: str | None = None) -> int:
        """Rate units of ratio ``name`` after an optional discount parameter (0 when missing)."""
        rate = self.get(name)
        if rate is None:
            return 0
        off = self.get(discount) if discount else None
        return rate_units(rate * (1 - off)) if off is not None else rate_units(rate)

    def flags(self, names: Iterable[str]) -> int:
        """Warning flags (unconfirmed, stale) of the values of ``names`` used this month."""
        out = 0
        for name in names:
            value = self.values.get(name)
            if value is None:
                continue
            if value.confidence == "unconfirmed":
                out |= W_UNCONFIRMED
            if value.is_stale(self.month):
                out |= W_STALE
        return out


# Parameters per segment: the engine refuses a segment in a month where any is missing.
_REQUIRED: Mapping[str, tuple[str, ...]] = {
    "pu": ("pu.jkk.rate.class_1", "pu.jkk.rate.class_2", "pu.jkk.rate.class_3",
           "pu.jkk.rate.class_4", "pu.jkk.rate.class_5", "pu.jkm.rate", "pu.jht.rate.employer",
           "pu.jht.rate.worker", "pu.jp.rate.employer", "pu.jp.rate.worker", "pu.jp.wage_cap",
           "programmes.pu.allowed", "programmes.pu.compulsory", "programmes.pu.default"),
    "bpu": ("bpu.income_grid", "bpu.jkk.rate", "bpu.jkm.amount", "bpu.jht.rate",
            "programmes.bpu.allowed", "programmes.bpu.compulsory"),
    "jakon": ("jakon.wage_known.jkk.rate", "jakon.wage_known.jkm.rate",
              "jakon.contract_value.bands", "programmes.jakon.allowed",
              "programmes.jakon.compulsory"),
    "pmi": ("pmi.pre_placement.amount", "pmi.placement.amount_by_term",
            "pmi.extension.monthly_amount", "pmi.max_term_months", "programmes.pmi.allowed",
            "programmes.pmi.compulsory"),
}
_OPTIONAL = (
    "jkp.contribution.government.rate", "jkp.contribution.wage_cap", "programmes.jkp.requires",
    "relief.covid_2020.jkk_jkm.discount", "relief.covid_2020.segments",
    "relief.covid_2020.jp.deferral",
    "relief.labour_intensive_2025.jkk.discount", "relief.labour_intensive_2025.industries",
    "relief.labour_intensive_2025.min_workers", "relief.bpu_2026.transport.discount",
    "relief.bpu_2026.other.discount", "relief.bpu_2026.transport_occupations",
    "relief.bpu_2026.excluded_funding", "relief.bpu_2026.excluded_funding_derived",
    "relief.bpu_2026.excluded_funding_unconfirmed",
)
_PU_JKK_CLASS = tuple(f"pu.jkk.rate.class_{k}" for k in range(1, 6))

# Which parameters each line uses, for the trace and warnings.
_LINE_PARAMS: Mapping[tuple[str, str], tuple[str, ...]] = {
    ("pu", "jkm"): ("pu.jkm.rate",),
    ("pu", "jht_employer"): ("pu.jht.rate.employer",),
    ("pu", "jht_worker"): ("pu.jht.rate.worker",),
    ("pu", "jp_employer"): ("pu.jp.rate.employer", "pu.jp.wage_cap"),
    ("pu", "jp_worker"): ("pu.jp.rate.worker", "pu.jp.wage_cap"),
    ("pu", "jkp"): ("jkp.contribution.government.rate", "jkp.contribution.wage_cap"),
    ("bpu", "jkk"): ("bpu.jkk.rate", "bpu.income_grid"),
    ("bpu", "jkm"): ("bpu.jkm.amount",),
    ("bpu", "jht_worker"): ("bpu.jht.rate", "bpu.income_grid"),
    ("jakon", "jkk"): ("jakon.wage_known.jkk.rate",),
    ("jakon", "jkm"): ("jakon.wage_known.jkm.rate",),
    ("pmi", "jkk_jkm_pre_placement"): ("pmi.pre_placement.amount",),
    ("pmi", "jkk_jkm_placement"): ("pmi.placement.amount_by_term", "pmi.extension.monthly_amount",
                                   "pmi.max_term_months"),
}


@functools.lru_cache(maxsize=4096)
def _month_rules(params: ParameterSet, index: int) -> MonthRules:
    month = month_from_index(index)
    rules = MonthRules(month)
    for name in (*(n for names in _REQUIRED.values() for n in names), *_OPTIONAL):
        rules.values[name] = params.at_or_none(name, month)
    return rules


def _segment_in_force(rules: MonthRules, segment: str) -> bool:
    return all(rules.values[name] is not None for name in _REQUIRED[segment])


def _mask_of(codes: Iterable[str] | None) -> int:
    return sum(PROGRAMME_BIT[c] for c in codes or ())


# --- reading the input frame ---------------------------------------------------------------------


def _int_column(df: pl.DataFrame, name: str) -> tuple[IntArray, BoolArray]:
    """Values (0 where null) and a mask of where a value was given. Floats are refused."""
    n = df.height
    if name not in df.columns:
        return np.zeros(n, np.int64), np.zeros(n, np.bool_)
    s = df.get_column(name)
    if s.dtype == pl.Null:
        return np.zeros(n, np.int64), np.zeros(n, np.bool_)
    if not s.dtype.is_integer():
        raise ContributionInputError(
            f"column {name!r} must hold whole rupiah or counts as integers, not {s.dtype}"
        )
    if s.null_count() == 0:
        return s.cast(pl.Int64).to_numpy(), np.ones(n, np.bool_)
    present = s.is_not_null().to_numpy()
    values = s.fill_null(0).cast(pl.Int64).to_numpy()
    return values, present


def _category_codes(df: pl.DataFrame, name: str) -> tuple[npt.NDArray[np.int64], list[str | None]]:
    """Small integer codes per row and the category each code stands for (None = null)."""
    n = df.height
    if name not in df.columns:
        return np.zeros(n, np.int64), [None]
    s = df.get_column(name)
    if isinstance(s.dtype, pl.List):
        s = s.list.eval(pl.element().cast(pl.String)).list.join(",")
    if s.dtype == pl.Null:
        return np.zeros(n, np.int64), [None]
    if isinstance(s.dtype, pl.Enum):
        categories: list[str | None] = list(s.dtype.categories.to_list())
    else:
        if s.dtype != pl.String:
            s = s.cast(pl.String)
        names: list[str] = sorted(s.drop_nulls().unique().to_list())
        s = s.cast(pl.Enum(names))
        categories = list(names)
    codes = s.to_physical().cast(pl.Int64).fill_null(len(categories)).to_numpy()
    return codes, [*categories, None]


def _lookup(codes: npt.NDArray[np.int64], table: Sequence[int] | npt.NDArray[Any]) -> IntArray:
    return np.asarray(table, dtype=np.int64)[codes]


def _month_codes(df: pl.DataFrame, month: date | str | None) -> tuple[IntArray, BoolArray]:
    """Month index per row and a mask of rows whose month could not be read."""
    n = df.height
    if "month" in df.columns:
        s = df.get_column("month")
        if s.dtype == pl.String:
            s = (s.str.strip_chars() + "-01").str.to_date("%Y-%m-%d", strict=False)
        if s.dtype == pl.Datetime:
            s = s.dt.date()
        if s.dtype != pl.Date:
            raise ContributionInputError("column 'month' must hold dates or text like 2024-06")
        bad = s.is_null().to_numpy()
        index = (s.dt.year().cast(pl.Int64) * 12 + s.dt.month().cast(pl.Int64) - 1)
        return index.fill_null(0).to_numpy(), bad
    if month is None:
        raise ContributionInputError("give the contribution month, or a 'month' column")
    return np.full(n, month_index(parse_month(month)), np.int64), np.zeros(n, np.bool_)


def _programme_masks(categories: list[str | None]) -> tuple[list[int], list[bool]]:
    """Bit mask per programme category (0 = take the default) and whether it was readable."""
    masks, ok = [], []
    for cat in categories:
        if cat is None or not cat.strip():
            masks.append(0)
            ok.append(True)
            continue
        parts = [p.strip().lower() for p in cat.replace(";", ",").split(",") if p.strip()]
        masks.append(sum(PROGRAMME_BIT.get(p, 0) for p in set(parts)))
        ok.append(all(p in PROGRAMME_BIT for p in parts))
    return masks, ok


# --- the engine ----------------------------------------------------------------------------------


@dataclass
class ContributionAssessment:
    """The computed frame plus, when asked for, the trace of every row."""

    frame: pl.DataFrame
    traces: list[list[TraceEntry]] | None = None
    warnings: list[list[str]] | None = None


def contributions(
    workers: pl.DataFrame, month: date | str | None = None, *, params: ParameterSet | None = None
) -> pl.DataFrame:
    """Contributions of every row of ``workers`` for a contribution ``month``.

    Input columns (all optional except ``segment``): ``segment`` (pu, bpu, jakon, pmi),
    ``month`` (per-row date or ``YYYY-MM``; overrides the argument), ``wage``, ``risk_class``,
    ``declared_income``, ``programs`` (``"jkk,jkm,jht"`` or a list; default by segment),
    ``contract_value``, ``contract_months``, ``occupation``, ``funded_by`` (self, apbn, apbd,
    apbdes, dbhcht, csr), ``industry``, ``workers_in_company``, ``pre_placement`` (PMI; default
    true). Money columns must be integers.

    Returns one row per input row, in order, with Int64 columns for every line in
    ``AMOUNT_COLUMNS``, ``total`` (what the payers are billed; excludes the government's ``jkp``),
    ``employer_total`` and ``worker_total`` (PU and Jakon only), ``valid``, ``errors`` (codes
    from ``ROW_ERRORS`` joined by ``;``) and ``warnings`` (``unconfirmed``, ``stale``). Invalid
    rows have null amounts: nothing is computed from an invalid combination.
    """
    return assess_contributions(workers, month, params=params).frame


class _Tables:
    """The parameter values of a range of contribution months as small numpy tables.

    Row ``i`` of every table is month ``lo + i``; a row's month offset gathers its values. Rates
    are in rate units, already multiplied by (1 - discount) for the relief variants, so every
    line is one multiply-and-round (docs/decisions/0001).
    """

    def __init__(self, params: ParameterSet, lo: int, hi: int) -> None:
        self.months = [_month_rules(params, i) for i in range(lo, hi + 1)]
        self._flags: dict[tuple[str, ...], IntArray | None] = {}
        ms = self.months

        def ints(values: Iterable[Any]) -> IntArray:
            return np.fromiter(values, np.int64, count=len(ms))

        def units(name: str, discount: str | None = None) -> IntArray:
            return ints(m.units(name, discount) for m in ms)

        def flat(discount: str | None) -> IntArray:
            """Rate units that multiply a flat amount: 100% less the discount when in force."""
            return ints(_discounted_whole(m, discount) if discount else RATE_SCALE for m in ms)

        def value(name: str, default: int = 0) -> IntArray:
            return ints(m.get(name) if m.get(name) is not None else default for m in ms)

        self.in_force = {s: ints(_segment_in_force(m, s) for m in ms).astype(np.bool_)
                         for s in SEGMENTS}
        self.allowed = {s: ints(_mask_of(m.get(f"programmes.{s}.allowed")) for m in ms)
                        for s in SEGMENTS}
        self.compulsory = {s: ints(_mask_of(m.get(f"programmes.{s}.compulsory")) for m in ms)
                           for s in SEGMENTS}
        self.default = {s: ints(_mask_of(m.get(f"programmes.{s}.default")
                                         if f"programmes.{s}.default" in m.values
                                         else m.get(f"programmes.{s}.compulsory"))
                                & _mask_of(m.get(f"programmes.{s}.allowed")) for m in ms)
                        for s in SEGMENTS}
        self.jkp_requires = ints(_mask_of(m.get("programmes.jkp.requires")) for m in ms)

        covid = "relief.covid_2020.jkk_jkm.discount"
        labour = "relief.labour_intensive_2025.jkk.discount"
        transport = "relief.bpu_2026.transport.discount"
        other = "relief.bpu_2026.other.discount"
        self.covid = {s: ints(m.get(covid) is not None
                              and s in (m.get("relief.covid_2020.segments") or ())
                              for m in ms).astype(np.bool_) for s in SEGMENTS}
        self.labour_on = ints(m.get(labour) is not None for m in ms).astype(np.bool_)
        self.labour_min = value("relief.labour_intensive_2025.min_workers")
        self.transport_on = ints(m.get(transport) is not None for m in ms).astype(np.bool_)
        self.other_on = ints(m.get(other) is not None for m in ms).astype(np.bool_)

        # PU: [month, risk class 1..5]
        # [variant, month, risk class 1..5]; variants: 0 normal, 1 COVID relief, 2 labour-intensive
        self.pu_jkk = np.array([[[m.units(c, d) for c in _PU_JKK_CLASS] for m in ms]
                                for d in (None, covid, labour)], np.int64)
        self.pu_jkm = np.stack([units("pu.jkm.rate"), units("pu.jkm.rate", covid),
                                units("pu.jkm.rate")])
        self.pu_jht_employer = units("pu.jht.rate.employer")
        self.pu_jht_worker = units("pu.jht.rate.worker")
        self.pu_jp_employer = units("pu.jp.rate.employer")
        self.pu_jp_worker = units("pu.jp.rate.worker")
        self.jp_cap = value("pu.jp.wage_cap")
        self.jkp_rate = units("jkp.contribution.government.rate")
        self.jkp_cap = value("jkp.contribution.wage_cap")

        grids = [m.get("bpu.income_grid") or {"min": 0, "max": 0, "step": 1} for m in ms]
        self.grid_min = ints(g["min"] for g in grids)
        self.grid_max = ints(g["max"] for g in grids)
        self.grid_step = ints(g["step"] for g in grids)
        # [variant, month]; variants: 0 normal, 1 COVID relief, 2 PP 50 transport, 3 PP 50 other
        discounts = (None, covid, transport, other)
        self.bpu_jkk = np.stack([units("bpu.jkk.rate", d) for d in discounts])
        self.bpu_jkm_factor = np.stack([flat(d) for d in discounts])
        self.bpu_jkm_amount = value("bpu.jkm.amount")
        self.bpu_jht = units("bpu.jht.rate")

        self.jakon_rate = {(line, c): units(f"jakon.wage_known.{line}.rate", covid if c else None)
                           for line in ("jkk", "jkm") for c in (False, True)}
        bands = [m.get("jakon.contract_value.bands") or () for m in ms]
        width = max((len(b) for b in bands), default=0)
        top = np.iinfo(np.int64).max
        shape = (len(ms), width)
        self.band_lower = np.zeros(shape, np.int64)
        self.band_width = np.zeros(shape, np.int64)
        self.band_rate = {(line, c): np.zeros(shape, np.int64)
                          for line in ("jkk", "jkm") for c in (False, True)}
        for i, (m, month_bands) in enumerate(zip(ms, bands, strict=True)):
            previous = 0
            off = m.get(covid)
            for j, band in enumerate(month_bands):
                upper = top if band["up_to"] is None else band["up_to"]
                self.band_lower[i, j] = previous
                self.band_width[i, j] = upper - previous
                for line in ("jkk", "jkm"):
                    self.band_rate[(line, False)][i, j] = rate_units(band[line])
                    self.band_rate[(line, True)][i, j] = (
                        rate_units(band[line] * (1 - off)) if off is not None else 0)
                previous = upper

        self.pmi_pre = value("pmi.pre_placement.amount")
        terms = [m.get("pmi.placement.amount_by_term") or () for m in ms]
        t_width = max((len(t) for t in terms), default=0)
        self.term_upto = np.full((len(ms), t_width), -1, np.int64)
        self.term_amount = np.zeros((len(ms), t_width), np.int64)
        for i, month_terms in enumerate(terms):
            for j, term in enumerate(month_terms):
                self.term_upto[i, j] = term["up_to_months"]
                self.term_amount[i, j] = term["amount"]
        self.pmi_longest = value("pmi.max_term_months")
        self.pmi_extra = value("pmi.extension.monthly_amount")

    def flags(self, names: Iterable[str]) -> IntArray | None:
        """Warning flags per month of the values of ``names``; None when all are clear.
        Kept per set of names: the tables are cached and reused by every call."""
        key = tuple(names)
        if key not in self._flags:
            out = np.fromiter((m.flags(key) for m in self.months), np.int64,
                              count=len(self.months))
            self._flags[key] = out if out.any() else None
        return self._flags[key]

    def sets(self, name: str, categories: Sequence[str | None]) -> npt.NDArray[np.bool_]:
        """[month, category] -> is the category listed in the codes parameter ``name``."""
        table = np.zeros((len(self.months), len(categories)), np.bool_)
        for i, m in enumerate(self.months):
            listed = set(m.get(name) or ())
            if listed:
                table[i] = [c in listed for c in categories]
        return table


@functools.lru_cache(maxsize=64)
def _tables(params: ParameterSet, lo: int, hi: int) -> _Tables:
    return _Tables(params, lo, hi)


@dataclass
class _Rows:
    """The input columns as numpy arrays, read once."""

    n: int
    moff: IntArray
    month_bad: BoolArray
    seg: IntArray
    requested: IntArray
    wage: IntArray
    wage_given: BoolArray
    risk: IntArray
    risk_given: BoolArray
    income: IntArray
    income_given: BoolArray
    cvalue: IntArray
    cvalue_given: BoolArray
    cmonths: IntArray
    cmonths_given: BoolArray
    staff: IntArray
    staff_given: BoolArray
    pre: BoolArray
    fund_codes: IntArray
    fund_cats: list[str | None]
    occ_codes: IntArray
    occ_cats: list[str | None]
    ind_codes: IntArray
    ind_cats: list[str | None]


def assess_contributions(
    workers: pl.DataFrame,
    month: date | str | None = None,
    *,
    params: ParameterSet | None = None,
    trace: bool = False,
) -> ContributionAssessment:
    """Like :func:`contributions`; with ``trace=True`` also the trace and warnings of each row."""
    params = params or load_parameters()
    n = workers.height
    if "segment" not in workers.columns:
        raise ContributionInputError("column 'segment' is required (pu, bpu, jakon or pmi)")

    midx, month_bad = _month_codes(workers, month)
    good = midx[~month_bad]
    # No row with a usable month (an empty population, or every month refused): the tables
    # are built for this month only, and no row reads them.
    lo, hi = ((int(good.min()), int(good.max())) if good.size
              else (month_index(date.today()),) * 2)
    t = _tables(params, lo, hi)
    moff = np.where(month_bad, 0, midx - lo)

    seg_codes, seg_cats = _category_codes(workers, "segment")
    seg = _lookup(seg_codes, [SEGMENTS.index(c) if c in SEGMENTS else -1 for c in seg_cats])
    prog_codes, prog_cats = _category_codes(workers, "programs")
    prog_masks, prog_ok = _programme_masks(prog_cats)
    fund_codes, fund_cats = _category_codes(workers, "funded_by")
    occ_codes, occ_cats = _category_codes(workers, "occupation")
    ind_codes, ind_cats = _category_codes(workers, "industry")
    wage, wage_given = _int_column(workers, "wage")
    risk, risk_given = _int_column(workers, "risk_class")
    income, income_given = _int_column(workers, "declared_income")
    cvalue, cvalue_given = _int_column(workers, "contract_value")
    cmonths, cmonths_given = _int_column(workers, "contract_months")
    staff, staff_given = _int_column(workers, "workers_in_company")
    pre = (workers.get_column("pre_placement").fill_null(True).cast(pl.Boolean).to_numpy()
           if "pre_placement" in workers.columns else np.ones(n, np.bool_))
    rows = _Rows(n, moff, month_bad, seg, _lookup(prog_codes, prog_masks), wage, wage_given,
                 risk, risk_given, income, income_given, cvalue, cvalue_given, cmonths,
                 cmonths_given, staff, staff_given, pre, fund_codes, fund_cats, occ_codes,
                 occ_cats, ind_codes, ind_cats)

    # checks that do not depend on the segment
    error = np.zeros(n, np.int64)
    error[seg < 0] |= _E["segment"]
    error[month_bad] |= _E["month"]
    error[~_lookup(prog_codes, prog_ok).astype(np.bool_)] |= _E["programme_unknown"]
    error[wage_given & (wage <= 0)] |= _E["wage_invalid"]
    error[risk_given & ((risk < 1) | (risk > 5))] |= _E["risk_class"]
    error[staff_given & (staff < 0)] |= _E["workers_in_company"]
    error[cvalue_given & (cvalue <= 0)] |= _E["contract_value"]
    funded_ok = _lookup(fund_codes, [c is None or c in FUNDING_SOURCES for c in fund_cats])
    error[funded_ok == 0] |= _E["funded_by"]

    out = {c: np.zeros(n, np.int64) for c in AMOUNT_COLUMNS}
    warn = np.zeros(n, np.int64)
    programs = np.zeros(n, np.int64)
    applied = {k: np.zeros(n, np.bool_) for k in ("covid", "labour_intensive", "bpu_transport",
                                                  "bpu_other", "unsure_funding")}
    engine = _Engine(t, rows, error, out, warn, programs, applied)
    for i, segment in enumerate(SEGMENTS):
        idx = np.flatnonzero(seg == i)
        if idx.size:
            engine.segment(segment, idx)

    valid = error == 0
    billed = sum((out[c] for c in BILLED_COLUMNS), start=np.zeros(n, np.int64))
    employer = sum((out[c] for c in EMPLOYER_COLUMNS), start=np.zeros(n, np.int64))
    worker = sum((out[c] for c in WORKER_COLUMNS), start=np.zeros(n, np.int64))
    columns = {**out, "total": billed, "employer_total": employer, "worker_total": worker}
    null_all = ~valid
    null_employer = null_all | ~np.isin(seg, [SEGMENTS.index(s) for s in SEGMENTS_WITH_EMPLOYER])
    series = [
        _with_nulls(name, values, null_employer if name in ("employer_total", "worker_total")
                    else null_all)
        for name, values in columns.items()
    ]
    frame = pl.DataFrame([
        *series,
        pl.Series("valid", valid),
        _codes_to_text(error, {e.bit: e.code for e in ROW_ERRORS.values()}, "errors"),
        _codes_to_text(warn, ROW_WARNINGS, "warnings"),
    ])
    assessment = ContributionAssessment(frame)
    if trace:
        assessment.traces, assessment.warnings = _traces(t, rows, programs, valid, applied)
    return assessment


def _with_nulls(name: str, values: IntArray, null: BoolArray) -> pl.Series:
    series = pl.Series(name, values, dtype=pl.Int64)
    if null.any():
        series = series.scatter(np.flatnonzero(null), None)
    return series


class _Engine:
    """Validates and computes one segment at a time, on that segment's rows only."""

    def __init__(self, t: _Tables, rows: _Rows, error: IntArray, out: dict[str, IntArray],
                 warn: IntArray, programs: IntArray, applied: dict[str, BoolArray]) -> None:
        self.t, self.r, self.error, self.out = t, rows, error, out
        self.warn, self.programs, self.applied = warn, programs, applied

    def flag(self, idx: IntArray, mask: BoolArray, code: str) -> None:
        self.error[idx[mask]] |= _E[code]

    def use(self, idx: IntArray, m: IntArray, names: Iterable[str]) -> None:
        flags = self.t.flags(names)
        if flags is not None:
            self.warn[idx] |= flags[m]

    def put(self, line: str, idx: IntArray, values: IntArray) -> None:
        self.out[line][idx] = values

    def segment(self, segment: str, idx: IntArray) -> None:
        t, r = self.t, self.r
        m = r.moff[idx]
        in_force = t.in_force[segment][m] | r.month_bad[idx]
        self.flag(idx, ~in_force, "no_law")
        # Programmes are judged only where this segment's law is in force.
        judged = t.in_force[segment][m] & ~r.month_bad[idx]
        requested = r.requested[idx]
        allowed = t.allowed[segment][m]
        programs = np.where(requested == 0, t.default[segment][m], requested)
        self.flag(idx, judged & ((programs & ~allowed) != 0), "programme_not_allowed")
        compulsory = t.compulsory[segment][m]
        self.flag(idx, judged & ((programs & compulsory) != compulsory), "programme_compulsory")
        jkp = (programs & PROGRAMME_BIT["jkp"]) != 0
        req = t.jkp_requires[m]
        self.flag(idx, judged & jkp & ((programs & req) != req), "jkp_requires")
        self.programs[idx] = programs
        getattr(self, f"_{segment}")(idx, m, programs)

    def _valid(self, idx: IntArray) -> BoolArray:
        ok: BoolArray = self.error[idx] == 0
        return ok

    def _pu(self, idx: IntArray, m: IntArray, programs: IntArray) -> None:
        t, r = self.t, self.r
        self.flag(idx, ~r.wage_given[idx], "wage_missing")
        self.flag(idx, ~r.risk_given[idx], "risk_class")
        ok = self._valid(idx)
        idx, m, programs = idx[ok], m[ok], programs[ok]
        wage = r.wage[idx]
        cls = r.risk[idx] - 1
        covid = t.covid["pu"][m]
        industry_ok = t.sets("relief.labour_intensive_2025.industries", r.ind_cats)[
            m, r.ind_codes[idx]]
        labour = (t.labour_on[m] & industry_ok & r.staff_given[idx]
                  & (r.staff[idx] >= t.labour_min[m]))
        self.applied["covid"][idx] = covid
        self.applied["labour_intensive"][idx] = labour
        variant = np.where(covid, 1, np.where(labour, 2, 0))
        jkk_rate = t.pu_jkk[variant, m, cls]
        jkm_rate = t.pu_jkm[variant, m]
        capped = np.minimum(wage, t.jp_cap[m])
        jkp_capped = np.minimum(wage, t.jkp_cap[m])
        lines = (
            ("jkk", wage, jkk_rate, "jkk"), ("jkm", wage, jkm_rate, "jkm"),
            ("jht_employer", wage, t.pu_jht_employer[m], "jht"),
            ("jht_worker", wage, t.pu_jht_worker[m], "jht"),
            ("jp_employer", capped, t.pu_jp_employer[m], "jp"),
            ("jp_worker", capped, t.pu_jp_worker[m], "jp"),
            ("jkp", jkp_capped, t.jkp_rate[m], "jkp"),
        )
        for line, base, rate, programme in lines:
            member = (programs & PROGRAMME_BIT[programme]) != 0
            self.put(line, idx, np.where(member, rupiah_sum([(base, rate)]), 0))
            self.use(idx[member], m[member], _LINE_PARAMS.get(("pu", line), _PU_JKK_CLASS))

    def _bpu(self, idx: IntArray, m: IntArray, programs: IntArray) -> None:
        t, r = self.t, self.r
        income, given = r.income[idx], r.income_given[idx]
        self.flag(idx, ~given, "income_missing")
        off_grid = ((income < t.grid_min[m]) | (income > t.grid_max[m])
                    | ((income - t.grid_min[m]) % t.grid_step[m] != 0))
        self.flag(idx, given & off_grid, "income_band")
        ok = self._valid(idx)
        idx, m, programs, income = idx[ok], m[ok], programs[ok], income[ok]
        covid = t.covid["bpu"][m]
        transport_occ = t.sets("relief.bpu_2026.transport_occupations", r.occ_cats)[
            m, r.occ_codes[idx]]
        excluded = (t.sets("relief.bpu_2026.excluded_funding", r.fund_cats)
                    | t.sets("relief.bpu_2026.excluded_funding_derived", r.fund_cats))[
            m, r.fund_codes[idx]]
        unsure = t.sets("relief.bpu_2026.excluded_funding_unconfirmed", r.fund_cats)[
            m, r.fund_codes[idx]]
        discount_ok = ~covid & ~excluded & ~unsure
        transport = discount_ok & t.transport_on[m] & transport_occ
        other = discount_ok & t.other_on[m] & ~transport_occ
        unsure_used = unsure & ((t.transport_on[m] & transport_occ)
                                | (t.other_on[m] & ~transport_occ))
        self.applied["covid"][idx] = covid
        self.applied["bpu_transport"][idx] = transport
        self.applied["bpu_other"][idx] = other
        self.applied["unsure_funding"][idx] = unsure_used
        self.warn[idx[unsure_used]] |= W_UNCONFIRMED

        variant = np.select([covid, transport, other], [1, 2, 3], 0)
        lines = (
            ("jkk", income, t.bpu_jkk[variant, m], "jkk"),
            ("jkm", t.bpu_jkm_amount[m], t.bpu_jkm_factor[variant, m], "jkm"),
            ("jht_worker", income, t.bpu_jht[m], "jht"),
        )
        for line, base, rate, programme in lines:
            member = (programs & PROGRAMME_BIT[programme]) != 0
            self.put(line, idx, np.where(member, rupiah_sum([(base, rate)]), 0))
            self.use(idx[member], m[member], _LINE_PARAMS[("bpu", line)])

    def _jakon(self, idx: IntArray, m: IntArray, programs: IntArray) -> None:
        t, r = self.t, self.r
        self.flag(idx, r.wage_given[idx] == r.cvalue_given[idx], "jakon_base")
        ok = self._valid(idx)
        idx, m = idx[ok], m[ok]
        covid = t.covid["jakon"][m]
        self.applied["covid"][idx] = covid
        by_wage = r.wage_given[idx]
        w_idx, w_m, w_covid = idx[by_wage], m[by_wage], covid[by_wage]
        v_idx, v_m, v_covid = idx[~by_wage], m[~by_wage], covid[~by_wage]
        value = r.cvalue[v_idx]
        for line in ("jkk", "jkm"):
            rate = np.where(w_covid, t.jakon_rate[(line, True)][w_m],
                            t.jakon_rate[(line, False)][w_m])
            self.put(line, w_idx, rupiah_sum([(r.wage[w_idx], rate)]))
            self.use(w_idx, w_m, (f"jakon.wage_known.{line}.rate",))
            terms = []
            for j in range(t.band_lower.shape[1]):
                part = np.clip(value - t.band_lower[v_m, j], 0, t.band_width[v_m, j])
                rate = np.where(v_covid, t.band_rate[(line, True)][v_m, j],
                                t.band_rate[(line, False)][v_m, j])
                terms.append((part, rate))
            if terms:
                self.put(line, v_idx, rupiah_sum(terms))
            self.use(v_idx, v_m, ("jakon.contract_value.bands",))

    def _pmi(self, idx: IntArray, m: IntArray, programs: IntArray) -> None:
        t, r = self.t, self.r
        months = r.cmonths[idx]
        self.flag(idx, ~r.cmonths_given[idx] | (months <= 0), "contract_months")
        ok = self._valid(idx)
        idx, m, months = idx[ok], m[ok], months[ok]
        pre = r.pre[idx]
        self.put("jkk_jkm_pre_placement", idx, np.where(pre, t.pmi_pre[m], 0))
        amount = np.zeros(idx.size, np.int64)
        for j in reversed(range(t.term_upto.shape[1])):  # the shortest term that covers it
            amount = np.where(months <= t.term_upto[m, j], t.term_amount[m, j], amount)
        longest = t.pmi_longest[m]
        top = t.term_amount[m, -1] if t.term_amount.shape[1] else np.zeros(idx.size, np.int64)
        amount = np.where(months > longest, top + (months - longest) * t.pmi_extra[m], amount)
        self.put("jkk_jkm_placement", idx, amount)
        self.use(idx[pre], m[pre], _LINE_PARAMS[("pmi", "jkk_jkm_pre_placement")])
        self.use(idx, m, _LINE_PARAMS[("pmi", "jkk_jkm_placement")])


def _discounted_whole(m: MonthRules, discount: str) -> int:
    off = m.get(discount)
    return RATE_SCALE if off is None else rate_units(Decimal(1) - off)


def _codes_to_text(bits: IntArray, names: Mapping[int, str], column: str) -> pl.Series:
    """A text column of ``;``-joined names for each row's bit set (null when none)."""
    if not bits.any():
        return pl.repeat(None, len(bits), dtype=pl.String, eager=True).alias(column)
    present = np.flatnonzero(np.bincount(bits))
    position = np.zeros(int(present[-1]) + 1, np.uint32)
    position[present] = np.arange(present.size, dtype=np.uint32)
    text = [";".join(name for bit, name in names.items() if int(b) & bit) or None
            for b in present]
    categories = pl.Series(column, text, dtype=pl.String)
    return categories.gather(pl.Series(position[bits]))


def _traces(t: _Tables, rows: _Rows, programs: IntArray, valid: BoolArray,
            applied: Mapping[str, BoolArray]) -> tuple[list[list[TraceEntry]], list[list[str]]]:
    """Per-row trace: each line's parameter values of that month, relief included."""
    traces, warnings = [], []
    for i in range(rows.n):
        entries: list[TraceEntry] = []
        notes: list[str] = []
        traces.append(entries)
        warnings.append(notes)
        if not valid[i]:
            continue
        m = t.months[int(rows.moff[i])]
        segment = SEGMENTS[int(rows.seg[i])]

        def add(line: str, name: str, m: MonthRules = m, entries: list[TraceEntry] = entries,
                notes: list[str] = notes) -> None:
            value = m.values.get(name)
            if value is None:
                return
            entries.append(TraceEntry.of(line, value))
            for w in value_warnings(value, m.month):
                if w not in notes:
                    notes.append(w)

        for line in SEGMENT_LINES[segment]:
            programme = line.split("_")[0]
            if segment == "pmi":
                if line == "jkk_jkm_pre_placement" and not rows.pre[i]:
                    continue
            elif not programs[i] & PROGRAMME_BIT[programme]:
                continue
            if segment == "pu" and line == "jkk":
                names: tuple[str, ...] = (_PU_JKK_CLASS[int(rows.risk[i]) - 1],)
            elif segment == "jakon":
                names = ((f"jakon.wage_known.{line}.rate",) if rows.wage_given[i]
                         else ("jakon.contract_value.bands",))
            else:
                names = _LINE_PARAMS[(segment, line)]
            for name in names:
                add(line, name)
            if programme in ("jkk", "jkm") and applied["covid"][i]:
                add(line, "relief.covid_2020.jkk_jkm.discount")
            if line == "jkk" and applied["labour_intensive"][i]:
                add(line, "relief.labour_intensive_2025.jkk.discount")
            if programme in ("jkk", "jkm") and applied["bpu_transport"][i]:
                add(line, "relief.bpu_2026.transport.discount")
            if programme in ("jkk", "jkm") and applied["bpu_other"][i]:
                add(line, "relief.bpu_2026.other.discount")
        if applied["unsure_funding"][i]:
            add("jkk", "relief.bpu_2026.excluded_funding_unconfirmed")
        if (segment == "pu" and programs[i] & PROGRAMME_BIT["jp"]
                and m.values.get("relief.covid_2020.jp.deferral") is not None):
            notes.append("PP 49/2020: JP may be 99% deferred on request; amounts show the full JP")
    return traces, warnings


# --- one case, for people and scripts ------------------------------------------------------------


class InvalidContribution(ValueError):
    """A single case is an invalid combination; ``errors`` are the row error codes."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(e.message_en for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class ContributionResult:
    """The contribution of one worker for one month, with its trace and warnings."""

    segment: str
    month: date
    amounts: dict[str, int]
    total: int
    employer_total: int | None
    worker_total: int | None
    government: dict[str, int]
    trace: list[TraceEntry]
    warnings: list[str]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "segment": self.segment,
            "month": self.month.strftime("%Y-%m"),
            "amounts": dict(self.amounts),
            "total": self.total,
        }
        if self.employer_total is not None:
            out["employer_total"] = self.employer_total
            out["worker_total"] = self.worker_total
        if self.government:
            out["paid_by_government"] = dict(self.government)
        out["trace"] = [t.to_dict() for t in self.trace]
        out["warnings"] = list(self.warnings)
        return out


def contribution(segment: str, month: date | str, **inputs: Any) -> ContributionResult:
    """The contribution of one worker in ``month``; inputs as the columns of
    :func:`contributions`. Raises :class:`InvalidContribution` for an invalid combination."""
    row: dict[str, Any] = {"segment": segment, **{k: v for k, v in inputs.items()
                                                    if v is not None}}
    if isinstance(row.get("programs"), list | tuple):
        row["programs"] = ",".join(row["programs"])
    schema: dict[str, Any] = {k: (pl.String if isinstance(v, str) else
                                  pl.Boolean if isinstance(v, bool) else pl.Int64)
                              for k, v in row.items()}
    frame = pl.DataFrame([row], schema=schema)
    first = parse_month(month)
    result = assess_contributions(frame, first, trace=True)
    record = result.frame.row(0, named=True)
    if not record["valid"]:
        codes = str(record["errors"]).split(";")
        raise InvalidContribution([ROW_ERRORS[c] for c in codes])
    assert result.traces is not None and result.warnings is not None
    trace = result.traces[0]
    lines = {t.line for t in trace}
    amounts = {c: int(record[c]) for c in AMOUNT_COLUMNS if c in lines and c != "jkp"}
    government = {"jkp": int(record["jkp"])} if "jkp" in lines else {}
    employer = record["employer_total"]
    worker = record["worker_total"]
    return ContributionResult(
        segment=segment, month=first, amounts=amounts, total=int(record["total"]),
        employer_total=None if employer is None else int(employer),
        worker_total=None if worker is None else int(worker),
        government=government, trace=trace, warnings=result.warnings[0],
    )
