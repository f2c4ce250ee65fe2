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


@dataclass(frozen=True)
class _Use:
    """A parameter a line used in one month."""

    line: str
    value: ParameterValue


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
    lo = int(midx[~month_bad].min()) if (~month_bad).any() else 0
    hi = int(midx[~month_bad].max()) if (~month_bad).any() else 0
    moff = np.where(month_bad, 0, midx - lo)
    months = [_month_rules(params, i) for i in range(lo, hi + 1)]

    seg_codes, seg_cats = _category_codes(workers, "segment")
    seg_of_cat = [SEGMENTS.index(c) if c in SEGMENTS else -1 for c in seg_cats]
    seg = _lookup(seg_codes, seg_of_cat)
    is_seg = {s: seg == i for i, s in enumerate(SEGMENTS)}

    error = np.zeros(n, np.int64)

    def flag(mask: BoolArray, code: str) -> None:
        error[mask] |= _E[code]

    flag(seg < 0, "segment")
    flag(month_bad, "month")

    def table(values: Sequence[Any]) -> IntArray:
        return np.asarray(values, dtype=np.int64)[moff]

    for s in SEGMENTS:
        in_force = table([_segment_in_force(m, s) for m in months]).astype(np.bool_)
        flag(is_seg[s] & ~in_force & ~month_bad, "no_law")

    # programmes: requested (0 = default), allowed, compulsory
    prog_codes, prog_cats = _category_codes(workers, "programs")
    prog_masks, prog_ok = _programme_masks(prog_cats)
    requested = _lookup(prog_codes, prog_masks)
    flag(~_lookup(prog_codes, prog_ok).astype(np.bool_), "programme_unknown")

    def per_segment(name: str) -> IntArray:
        out = np.zeros(n, np.int64)
        for s in SEGMENTS:
            key = f"programmes.{s}.{name}"
            values = [_mask_of(m.get(key)) if key in m.values else 0 for m in months]
            out = np.where(is_seg[s], table(values), out)
        return out

    default = per_segment("default")
    allowed = per_segment("allowed")
    default = np.where(default == 0, per_segment("compulsory"), default)
    programs = np.where(requested == 0, default & allowed, requested)
    flag((programs & ~allowed) != 0, "programme_not_allowed")
    compulsory = per_segment("compulsory")
    flag((programs & compulsory) != compulsory, "programme_compulsory")
    jkp_req = table([_mask_of(m.get("programmes.jkp.requires")) for m in months])
    has = {p: (programs & bit) != 0 for p, bit in PROGRAMME_BIT.items()}
    flag(has["jkp"] & ((programs & jkp_req) != jkp_req), "jkp_requires")

    wage, wage_given = _int_column(workers, "wage")
    risk, risk_given = _int_column(workers, "risk_class")
    income, income_given = _int_column(workers, "declared_income")
    cvalue, cvalue_given = _int_column(workers, "contract_value")
    cmonths, cmonths_given = _int_column(workers, "contract_months")
    staff, staff_given = _int_column(workers, "workers_in_company")

    flag(wage_given & (wage <= 0), "wage_invalid")
    flag(risk_given & ((risk < 1) | (risk > 5)), "risk_class")
    flag(staff_given & (staff < 0), "workers_in_company")
    flag(is_seg["pu"] & ~wage_given, "wage_missing")
    flag(is_seg["pu"] & ~risk_given, "risk_class")
    flag(is_seg["bpu"] & ~income_given, "income_missing")
    grid_min = table([(m.get("bpu.income_grid") or {}).get("min", 0) for m in months])
    grid_max = table([(m.get("bpu.income_grid") or {}).get("max", 0) for m in months])
    grid_step = table([(m.get("bpu.income_grid") or {}).get("step", 1) for m in months])
    off_grid = (income < grid_min) | (income > grid_max) | ((income - grid_min) % grid_step != 0)
    flag(is_seg["bpu"] & income_given & off_grid, "income_band")
    flag(is_seg["jakon"] & (wage_given == cvalue_given), "jakon_base")
    flag(cvalue_given & (cvalue <= 0), "contract_value")
    flag(is_seg["pmi"] & (~cmonths_given | (cmonths <= 0)), "contract_months")

    fund_codes, fund_cats = _category_codes(workers, "funded_by")
    flag(~_lookup(fund_codes, [c is None or c in FUNDING_SOURCES for c in fund_cats])
         .astype(np.bool_), "funded_by")

    valid = error == 0
    zeros = np.zeros(n, np.int64)
    out: dict[str, IntArray] = {c: zeros for c in AMOUNT_COLUMNS}
    warn = np.zeros(n, np.int64)
    applied: dict[str, BoolArray] = {}

    def use(line_mask: BoolArray, names: Iterable[str]) -> None:
        flags = table([m.flags(names) for m in months])
        if flags.any():
            warn[line_mask] |= flags[line_mask]

    # --- relief masks ------------------------------------------------------------------------
    covid_segments = [set(m.get("relief.covid_2020.segments") or ()) for m in months]
    covid = np.zeros(n, np.bool_)
    for s in ("pu", "bpu", "jakon"):
        covid |= is_seg[s] & table([s in c for c in covid_segments]).astype(np.bool_)
    covid &= table([m.get("relief.covid_2020.jkk_jkm.discount") is not None for m in months]) \
        .astype(np.bool_)
    applied["covid"] = covid

    ind_codes, ind_cats = _category_codes(workers, "industry")
    li_ok = np.zeros(n, np.bool_)
    if is_seg["pu"].any():
        for i, m in enumerate(months):
            if m.get("relief.labour_intensive_2025.jkk.discount") is None:
                continue
            eligible = set(m.get("relief.labour_intensive_2025.industries") or ())
            minimum = m.get("relief.labour_intensive_2025.min_workers") or 0
            in_month = moff == i
            ind_ok = _lookup(ind_codes, [c in eligible for c in ind_cats]).astype(np.bool_)
            li_ok |= in_month & ind_ok & staff_given & (staff >= minimum)
    labour_intensive = is_seg["pu"] & li_ok
    applied["labour_intensive"] = labour_intensive

    occ_codes, occ_cats = _category_codes(workers, "occupation")
    bpu_disc = np.zeros(n, np.int64)  # 1 = transport discount, 2 = other discount
    bpu_unconfirmed_exclusion = np.zeros(n, np.bool_)
    if is_seg["bpu"].any():
        for i, m in enumerate(months):
            transport = m.get("relief.bpu_2026.transport.discount") is not None
            other = m.get("relief.bpu_2026.other.discount") is not None
            if not (transport or other):
                continue
            occs = set(m.get("relief.bpu_2026.transport_occupations") or ())
            excluded = set(m.get("relief.bpu_2026.excluded_funding") or ()) | set(
                m.get("relief.bpu_2026.excluded_funding_derived") or ())
            unsure = set(m.get("relief.bpu_2026.excluded_funding_unconfirmed") or ())
            in_month = is_seg["bpu"] & (moff == i)
            is_transport = _lookup(occ_codes, [c in occs for c in occ_cats]).astype(np.bool_)
            funded_ok = _lookup(fund_codes, [c not in excluded and c not in unsure
                                             for c in fund_cats]).astype(np.bool_)
            unsure_row = _lookup(fund_codes, [c in unsure for c in fund_cats]).astype(np.bool_)
            bpu_unconfirmed_exclusion |= in_month & unsure_row
            if transport:
                bpu_disc[in_month & is_transport & funded_ok] = 1
            if other:
                bpu_disc[in_month & ~is_transport & funded_ok] = 2
    applied["bpu_transport"] = bpu_disc == 1
    applied["bpu_other"] = bpu_disc == 2
    warn[bpu_unconfirmed_exclusion] |= W_UNCONFIRMED

    # --- PU ----------------------------------------------------------------------------------
    pu = is_seg["pu"] & valid
    if pu.any():
        cls = np.clip(risk, 1, 5) - 1
        jkk_plain = np.array([[m.units(c) for c in _PU_JKK_CLASS] for m in months], np.int64)
        jkk_covid = np.array([[m.units(c, "relief.covid_2020.jkk_jkm.discount")
                               for c in _PU_JKK_CLASS] for m in months], np.int64)
        jkk_li = np.array([[m.units(c, "relief.labour_intensive_2025.jkk.discount")
                            for c in _PU_JKK_CLASS] for m in months], np.int64)
        jkk_rate = np.where(covid, jkk_covid[moff, cls],
                            np.where(labour_intensive, jkk_li[moff, cls], jkk_plain[moff, cls]))
        jkm_rate = np.where(covid,
                            table([m.units("pu.jkm.rate", "relief.covid_2020.jkk_jkm.discount")
                                   for m in months]),
                            table([m.units("pu.jkm.rate") for m in months]))
        capped = np.minimum(wage, table([m.get("pu.jp.wage_cap") or 0 for m in months]))
        jkp_capped = np.minimum(wage, table([m.get("jkp.contribution.wage_cap") or 0
                                             for m in months]))
        lines = {
            "jkk": (wage, jkk_rate, has["jkk"]),
            "jkm": (wage, jkm_rate, has["jkm"]),
            "jht_employer": (wage, table([m.units("pu.jht.rate.employer") for m in months]),
                             has["jht"]),
            "jht_worker": (wage, table([m.units("pu.jht.rate.worker") for m in months]),
                           has["jht"]),
            "jp_employer": (capped, table([m.units("pu.jp.rate.employer") for m in months]),
                            has["jp"]),
            "jp_worker": (capped, table([m.units("pu.jp.rate.worker") for m in months]),
                          has["jp"]),
            "jkp": (jkp_capped, table([m.units("jkp.contribution.government.rate")
                                       for m in months]), has["jkp"]),
        }
        for line, (base, rate, member) in lines.items():
            mask = pu & member
            out[line] = np.where(mask, rupiah_sum([(base, rate)]), out[line])
            use(mask, _LINE_PARAMS.get(("pu", line), _PU_JKK_CLASS))

    # --- BPU ---------------------------------------------------------------------------------
    bpu = is_seg["bpu"] & valid
    if bpu.any():
        def bpu_rate(name: str) -> IntArray:
            plain = table([m.units(name) for m in months])
            covid_r = table([m.units(name, "relief.covid_2020.jkk_jkm.discount") for m in months])
            trans = table([m.units(name, "relief.bpu_2026.transport.discount") for m in months])
            other = table([m.units(name, "relief.bpu_2026.other.discount") for m in months])
            return np.where(covid, covid_r, np.where(bpu_disc == 1, trans,
                                                     np.where(bpu_disc == 2, other, plain)))

        # JKM is a flat amount: the "base" is the amount and the rate is 100% less any discount.
        jkm_amount = table([m.get("bpu.jkm.amount") or 0 for m in months])
        full = np.full(n, RATE_SCALE, np.int64)
        def whole(discount: str) -> IntArray:
            return table([_discounted_whole(m, discount) for m in months])

        jkm_factor = np.where(
            covid, whole("relief.covid_2020.jkk_jkm.discount"),
            np.where(bpu_disc == 1, whole("relief.bpu_2026.transport.discount"),
                     np.where(bpu_disc == 2, whole("relief.bpu_2026.other.discount"), full)))
        lines = {
            "jkk": (income, bpu_rate("bpu.jkk.rate"), has["jkk"]),
            "jkm": (jkm_amount, jkm_factor, has["jkm"]),
            "jht_worker": (income, table([m.units("bpu.jht.rate") for m in months]), has["jht"]),
        }
        for line, (base, rate, member) in lines.items():
            mask = bpu & member
            out[line] = np.where(mask, rupiah_sum([(base, rate)]), out[line])
            use(mask, _LINE_PARAMS[("bpu", line)])

    # --- Jakon -------------------------------------------------------------------------------
    jakon = is_seg["jakon"] & valid
    if jakon.any():
        by_wage = jakon & wage_given
        by_value = jakon & cvalue_given
        for line in ("jkk", "jkm"):
            name = f"jakon.wage_known.{line}.rate"
            rate = np.where(covid, table([m.units(name, "relief.covid_2020.jkk_jkm.discount")
                                          for m in months]),
                            table([m.units(name) for m in months]))
            wage_amount = rupiah_sum([(wage, rate)])
            terms = _band_terms(months, moff, cvalue, line, covid)
            value_amount = rupiah_sum(terms) if terms else zeros
            out[line] = np.where(by_wage, wage_amount, np.where(by_value, value_amount, out[line]))
            use(by_wage, (name,))
            use(by_value, ("jakon.contract_value.bands",))

    # --- PMI ---------------------------------------------------------------------------------
    pmi = is_seg["pmi"] & valid
    if pmi.any():
        pre_given = "pre_placement" in workers.columns
        pre = (workers.get_column("pre_placement").fill_null(True).cast(pl.Boolean).to_numpy()
               if pre_given else np.ones(n, np.bool_))
        out["jkk_jkm_pre_placement"] = np.where(
            pmi & pre, table([m.get("pmi.pre_placement.amount") or 0 for m in months]), 0)
        out["jkk_jkm_placement"] = np.where(pmi, _pmi_placement(months, moff, cmonths), 0)
        use(pmi & pre, _LINE_PARAMS[("pmi", "jkk_jkm_pre_placement")])
        use(pmi, _LINE_PARAMS[("pmi", "jkk_jkm_placement")])

    billed = sum((out[c] for c in BILLED_COLUMNS), start=np.zeros(n, np.int64))
    employer = sum((out[c] for c in EMPLOYER_COLUMNS), start=np.zeros(n, np.int64))
    worker = sum((out[c] for c in WORKER_COLUMNS), start=np.zeros(n, np.int64))
    has_employer = is_seg["pu"] | is_seg["jakon"]

    frame = pl.DataFrame(
        {**{c: out[c] for c in AMOUNT_COLUMNS}, "total": billed,
         "employer_total": employer, "worker_total": worker},
        schema={c: pl.Int64 for c in (*AMOUNT_COLUMNS, "total", "employer_total",
                                      "worker_total")},
    )
    frame = frame.with_columns(
        pl.Series("valid", valid),
        _codes_to_text(error, {e.bit: e.code for e in ROW_ERRORS.values()}, "errors"),
        _codes_to_text(warn, ROW_WARNINGS, "warnings"),
    )
    if not valid.all():
        frame = frame.with_columns(
            pl.when(pl.col("valid")).then(pl.col(c)).otherwise(None).alias(c)
            for c in (*AMOUNT_COLUMNS, "total", "employer_total", "worker_total")
        )
    if not has_employer.all():
        frame = frame.with_columns(
            pl.when(pl.Series(has_employer)).then(pl.col(c)).otherwise(None).alias(c)
            for c in ("employer_total", "worker_total")
        )
    assessment = ContributionAssessment(frame)
    if trace:
        assessment.traces, assessment.warnings = _traces(
            months, moff, seg, programs, valid, risk, applied, bpu_unconfirmed_exclusion,
            wage_given, cvalue_given, workers)
    return assessment


def _discounted_whole(m: MonthRules, discount: str) -> int:
    off = m.get(discount)
    return RATE_SCALE if off is None else rate_units(Decimal(1) - off)


def _band_terms(months: list[MonthRules], moff: IntArray, value: IntArray, line: str,
                covid: BoolArray) -> list[tuple[IntArray, IntArray]]:
    """(part of the contract value inside each band, rate of the band) for the marginal rule."""
    bands_per_month = [m.get("jakon.contract_value.bands") or () for m in months]
    width = max((len(b) for b in bands_per_month), default=0)
    if width == 0:
        return []
    lower = np.zeros((len(months), width), np.int64)
    upper = np.zeros((len(months), width), np.int64)
    rate = np.zeros((len(months), width), np.int64)
    rate_covid = np.zeros((len(months), width), np.int64)
    top = np.iinfo(np.int64).max
    for i, (m, bands) in enumerate(zip(months, bands_per_month, strict=True)):
        previous = 0
        off = m.get("relief.covid_2020.jkk_jkm.discount")
        for j, band in enumerate(bands):
            lower[i, j] = previous
            upper[i, j] = top if band["up_to"] is None else band["up_to"]
            rate[i, j] = rate_units(band[line])
            rate_covid[i, j] = rate_units(band[line] * (1 - off)) if off is not None else 0
            previous = upper[i, j]
    terms = []
    for j in range(width):
        part = np.clip(value - lower[moff, j], 0, np.maximum(upper[moff, j] - lower[moff, j], 0))
        terms.append((part, np.where(covid, rate_covid[moff, j], rate[moff, j])))
    return terms


def _pmi_placement(months: list[MonthRules], moff: IntArray, cmonths: IntArray) -> IntArray:
    result = np.zeros(len(moff), np.int64)
    for i, m in enumerate(months):
        terms = m.get("pmi.placement.amount_by_term")
        if not terms:
            continue
        in_month = moff == i
        longest = m.get("pmi.max_term_months")
        extra = m.get("pmi.extension.monthly_amount") or 0
        amount = np.full(len(moff), -1, np.int64)
        for term in reversed(terms):  # shortest term that covers the contract wins
            amount = np.where(cmonths <= term["up_to_months"], term["amount"], amount)
        top = terms[-1]["amount"]
        beyond = cmonths > longest
        amount = np.where(beyond, top + (cmonths - longest) * extra, amount)
        result = np.where(in_month, amount, result)
    return result


def _codes_to_text(bits: IntArray, names: Mapping[int, str], column: str) -> pl.Series:
    """A text column of ``;``-joined names for each row's bit set (null when none)."""
    present = np.unique(bits)
    text = {int(b): ";".join(name for bit, name in names.items() if int(b) & bit) or None
            for b in present}
    if len(present) == 1:
        return pl.Series(column, [text[int(present[0])]] * len(bits), dtype=pl.String)
    keys = pl.Series(bits)
    return keys.replace_strict(list(text), list(text.values()),
                               return_dtype=pl.String).alias(column)


def _traces(months: list[MonthRules], moff: IntArray, seg: IntArray, programs: IntArray,
            valid: BoolArray, risk: IntArray, applied: Mapping[str, BoolArray],
            unsure: BoolArray, wage_given: BoolArray, cvalue_given: BoolArray,
            workers: pl.DataFrame) -> tuple[list[list[TraceEntry]], list[list[str]]]:
    """Per-row trace: each line's parameter values of that month, relief included."""
    traces, warnings = [], []
    pre = (workers.get_column("pre_placement").fill_null(True).to_list()
           if "pre_placement" in workers.columns else [True] * len(moff))
    for i in range(len(moff)):
        entries: list[TraceEntry] = []
        notes: list[str] = []
        if not valid[i]:
            traces.append(entries)
            warnings.append(notes)
            continue
        m = months[int(moff[i])]
        segment = SEGMENTS[int(seg[i])]

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
                if line == "jkk_jkm_pre_placement" and not pre[i]:
                    continue
            elif not programs[i] & PROGRAMME_BIT[programme]:
                continue
            if segment == "pu" and line == "jkk":
                names: tuple[str, ...] = (_PU_JKK_CLASS[int(risk[i]) - 1],)
            elif segment == "jakon":
                names = ((f"jakon.wage_known.{line}.rate",) if wage_given[i]
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
        if unsure[i]:
            add("jkk", "relief.bpu_2026.excluded_funding_unconfirmed")
        if (segment == "pu" and programs[i] & PROGRAMME_BIT["jp"]
                and m.values.get("relief.covid_2020.jp.deferral") is not None):
            notes.append("PP 49/2020: JP may be 99% deferred on request; amounts show the full JP")
        traces.append(entries)
        warnings.append(notes)
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
