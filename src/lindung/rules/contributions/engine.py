"""The engine shared by every segment: one pass over a whole roster, vectorised.

The engine knows the input columns, the amount lines, the row error codes and the programmes;
it knows nothing of any segment's law. A segment (:class:`Segment`, one object per segment in
``pu.py``, ``bpu.py``, ``jakon.py`` and ``pmi.py``) names the parameters it reads, builds its
per-month tables, computes its lines over its own rows and writes its rows' trace.

One call of :func:`assess`:

1. reads the input columns once into numpy arrays (:class:`Rows`);
2. gathers the parameter values of every contribution month in the roster into small per-month
   tables (:class:`Tables`, cached), shared ones here and each segment's own;
3. refuses what is wrong whatever the segment (segment, month, programme names, negative money);
4. for each segment, on its rows only: refuses rows where its law is not in force, judges the
   programmes asked for, and hands the rows to the segment's :meth:`Segment.compute`;
5. builds the output frame and, when asked, each row's trace (:meth:`Segment.trace`).

Every amount line is one integer numpy expression over a segment's rows, rounded once by
:func:`lindung.rules.money.rupiah_sum` (docs/decisions/0001, 0002). A contribution month takes
the values in force on its first day (0003).
"""

from __future__ import annotations

import functools
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar, Generic, TypeVar, cast

import numpy as np
import numpy.typing as npt
import polars as pl

from lindung.rules.dates import month_from_index, month_index, parse_month
from lindung.rules.money import RATE_SCALE, IntArray, rate_units, rupiah_sum
from lindung.rules.params import ParameterSet, ParameterValue
from lindung.rules.trace import TraceEntry, value_warnings

BoolArray = npt.NDArray[np.bool_]

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


# --- what a row may be refused for, and warned about ---------------------------------------------


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
"""Every reason a row is refused, by code, with its message in Bahasa Indonesia and English."""
_E = {code: e.bit for code, e in ROW_ERRORS.items()}

W_UNCONFIRMED, W_STALE = 1, 2
ROW_WARNINGS = {W_UNCONFIRMED: "unconfirmed", W_STALE: "stale"}


class ContributionInputError(ValueError):
    """The input frame itself is unusable (a column of the wrong type, no month)."""


# --- the values of one month, and of a range of months as small tables --------------------------


@dataclass
class MonthRules:
    """The parameter values in force on the first day of one contribution month.

    Values are looked up when first asked for and kept: a month is cached and shared by every
    call (:func:`month_rules`)."""

    params: ParameterSet
    month: date
    values: dict[str, ParameterValue | None] = field(default_factory=dict)

    def value(self, name: str) -> ParameterValue | None:
        """The dated value of ``name`` in force this month, or None."""
        if name not in self.values:
            self.values[name] = self.params.at_or_none(name, self.month)
        return self.values[name]

    def get(self, name: str) -> Any:
        """The plain value of ``name`` (a Decimal, int, codes, ...) or None."""
        value = self.value(name)
        return None if value is None else value.value

    def units(self, name: str, discount: str | None = None) -> int:
        """Rate units of ratio ``name`` after an optional discount parameter (0 when missing)."""
        rate = self.get(name)
        if rate is None:
            return 0
        off = self.get(discount) if discount else None
        return rate_units(rate * (1 - off)) if off is not None else rate_units(rate)

    def share_after(self, discount: str | None) -> int:
        """Rate units of 100% less the discount when one is in force: what multiplies a flat
        amount."""
        off = self.get(discount) if discount else None
        return RATE_SCALE if off is None else rate_units(Decimal(1) - off)

    def flags(self, names: Iterable[str]) -> int:
        """Warning flags (unconfirmed, stale) of the values of ``names`` used this month."""
        out = 0
        for name in names:
            value = self.value(name)
            if value is None:
                continue
            if value.confidence == "unconfirmed":
                out |= W_UNCONFIRMED
            if value.is_stale(self.month):
                out |= W_STALE
        return out


@functools.lru_cache(maxsize=4096)
def month_rules(params: ParameterSet, index: int) -> MonthRules:
    """The values of the contribution month with :func:`month_index` ``index``."""
    return MonthRules(params, month_from_index(index))


class MonthRange:
    """Contribution months ``lo`` to ``hi`` and their values as per-month numpy columns.

    Element ``i`` of every column is month ``lo + i``; a row's month offset gathers its values.
    """

    def __init__(self, params: ParameterSet, lo: int, hi: int) -> None:
        self.rules = [month_rules(params, i) for i in range(lo, hi + 1)]
        self._flags: dict[tuple[str, ...], IntArray | None] = {}

    def __len__(self) -> int:
        return len(self.rules)

    def ints(self, per_month: Callable[[MonthRules], int]) -> IntArray:
        return np.fromiter((per_month(m) for m in self.rules), np.int64, count=len(self.rules))

    def bools(self, per_month: Callable[[MonthRules], bool]) -> BoolArray:
        return np.fromiter((per_month(m) for m in self.rules), np.bool_, count=len(self.rules))

    def rates(self, name: str, discount: str | None = None) -> IntArray:
        """Rate units of ratio ``name`` each month, less ``discount`` where it is in force."""
        return self.ints(lambda m: m.units(name, discount))

    def shares_after(self, discount: str | None) -> IntArray:
        """Rate units of 100% less ``discount`` each month (100% when none is in force)."""
        return self.ints(lambda m: m.share_after(discount))

    def amounts(self, name: str) -> IntArray:
        """The whole-number value of ``name`` each month (0 where none is in force)."""
        return self.ints(lambda m: m.get(name) if m.get(name) is not None else 0)

    def present(self, name: str) -> BoolArray:
        """Months in which ``name`` has a value (a relief measure in force, say)."""
        return self.bools(lambda m: m.value(name) is not None)

    def programmes(self, name: str | None) -> IntArray:
        """Programme bit masks of the codes parameter ``name`` each month."""
        return self.ints(lambda m: _mask_of(m.get(name) if name else None))

    def listed(self, name: str, categories: Sequence[str | None]) -> BoolArray:
        """[month, category] -> is the category listed in the codes parameter ``name``."""
        table = np.zeros((len(self.rules), len(categories)), np.bool_)
        for i, m in enumerate(self.rules):
            listed = set(m.get(name) or ())
            if listed:
                table[i] = [c in listed for c in categories]
        return table

    def flags(self, names: Iterable[str]) -> IntArray | None:
        """Warning flags per month of the values of ``names``; None when all are clear.
        Kept per set of names: the range is cached and reused by every call."""
        key = tuple(names)
        if key not in self._flags:
            out = self.ints(lambda m: m.flags(key))
            self._flags[key] = out if out.any() else None
        return self._flags[key]


def _mask_of(codes: Iterable[str] | None) -> int:
    return sum(PROGRAMME_BIT[c] for c in codes or ())


def programme_of(line: str) -> str:
    """The programme an amount line belongs to: ``jht_employer`` -> ``jht``."""
    return line.split("_")[0]


# --- a segment of the law ------------------------------------------------------------------------

TablesT = TypeVar("TablesT")


class Segment(ABC, Generic[TablesT]):
    """One segment of participants and the law of its contributions.

    A subclass holds, in one place: the parameters without which the segment has no rule in a
    month (``law``), its programme lists, the lines it can have, its per-month tables
    (:meth:`tables`, a ``TablesT``), the computation over its rows (:meth:`compute`) and the
    trace of one row (:meth:`trace`).
    """

    code: ClassVar[str]
    """The segment as written in the ``segment`` column: pu, bpu, jakon, pmi."""
    lines: ClassVar[tuple[str, ...]]
    """The amount lines (of ``AMOUNT_COLUMNS``) the segment can have, in trace order."""
    law: ClassVar[tuple[str, ...]]
    """Parameters without which no contribution rule of the segment is in force in a month."""
    allowed: ClassVar[str]
    """Codes parameter: programmes open to the segment."""
    compulsory: ClassVar[str]
    """Codes parameter: programmes every member must have."""
    default: ClassVar[str | None] = None
    """Codes parameter: programmes when none are asked for (None: the compulsory ones)."""
    employer_share: ClassVar[bool] = False
    """True when an employer pays part: the rows then have ``employer_total``/``worker_total``."""

    @abstractmethod
    def tables(self, months: MonthRange) -> TablesT:
        """The segment's parameter values over ``months`` as numpy tables (built once, cached)."""

    @abstractmethod
    def compute(self, run: Run, tables: TablesT, idx: IntArray, m: IntArray,
                programs: IntArray) -> None:
        """Refuse the segment's own invalid rows, then put every line of the others.

        ``idx`` are the row positions of this segment (its law in force or not), ``m`` their
        month offsets in the tables and ``programs`` their programme bit masks."""

    @abstractmethod
    def trace(self, row: RowTrace) -> None:
        """The trace of one valid row: each line's parameter values, relief included."""

    def column_errors(self, rows: Rows) -> Iterable[tuple[BoolArray, str]]:
        """Values of a column this segment defines that are wrong on any row, whatever its
        segment, as (mask, error code) pairs. None by default."""
        return ()


# --- the input frame, read once ------------------------------------------------------------------


@dataclass
class Rows:
    """The input columns as numpy arrays, read once."""

    n: int
    moff: IntArray
    month_bad: BoolArray
    seg: IntArray
    requested: IntArray
    programme_readable: BoolArray
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


def _category_codes(df: pl.DataFrame, name: str) -> tuple[IntArray, list[str | None]]:
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


def _lookup(codes: IntArray, table: Sequence[int] | npt.NDArray[Any]) -> IntArray:
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


def _read_rows(workers: pl.DataFrame, codes: Sequence[str], midx: IntArray,
               month_bad: BoolArray, lo: int) -> Rows:
    n = workers.height
    seg_codes, seg_cats = _category_codes(workers, "segment")
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
    return Rows(
        n=n, moff=np.where(month_bad, 0, midx - lo), month_bad=month_bad,
        seg=_lookup(seg_codes, [codes.index(c) if c in codes else -1 for c in seg_cats]),
        requested=_lookup(prog_codes, prog_masks),
        programme_readable=_lookup(prog_codes, prog_ok).astype(np.bool_),
        wage=wage, wage_given=wage_given, risk=risk, risk_given=risk_given, income=income,
        income_given=income_given, cvalue=cvalue, cvalue_given=cvalue_given, cmonths=cmonths,
        cmonths_given=cmonths_given, staff=staff, staff_given=staff_given, pre=pre,
        fund_codes=fund_codes, fund_cats=fund_cats, occ_codes=occ_codes, occ_cats=occ_cats,
        ind_codes=ind_codes, ind_cats=ind_cats,
    )


# --- tables shared by the segments, and each segment's own ---------------------------------------


class Tables:
    """Every table a roster needs for months ``lo``..``hi``: the programme lists and law in force
    per segment, the programmes JKP requires, and each segment's own tables."""

    def __init__(self, params: ParameterSet, lo: int, hi: int,
                 segments: tuple[Segment[Any], ...]) -> None:
        self.months = months = MonthRange(params, lo, hi)
        self.in_force = {s.code: months.bools(_in_force(s.law)) for s in segments}
        self.allowed = {s.code: months.programmes(s.allowed) for s in segments}
        self.compulsory = {s.code: months.programmes(s.compulsory) for s in segments}
        self.default = {s.code: months.programmes(s.default or s.compulsory)
                        & self.allowed[s.code] for s in segments}
        self.jkp_requires = months.programmes("programmes.jkp.requires")
        self._own = {s.code: s.tables(months) for s in segments}

    def of(self, segment: Segment[TablesT]) -> TablesT:
        return cast(TablesT, self._own[segment.code])


def _in_force(law: tuple[str, ...]) -> Callable[[MonthRules], bool]:
    return lambda m: all(m.value(name) is not None for name in law)


@functools.lru_cache(maxsize=64)
def _tables(params: ParameterSet, lo: int, hi: int, segments: tuple[Segment[Any], ...]) -> Tables:
    return Tables(params, lo, hi, segments)


# --- one assessment in progress ------------------------------------------------------------------


class Run:
    """One assessment in progress: the rows read, and per row its errors, warning flags,
    programmes, amount lines and the relief applied to it. Segments write here."""

    def __init__(self, tables: Tables, rows: Rows, error: IntArray, *, trace: bool) -> None:
        n = rows.n
        self.tables, self.months, self.rows, self.error = tables, tables.months, rows, error
        self.out = {c: np.zeros(n, np.int64) for c in AMOUNT_COLUMNS}
        self.warn = np.zeros(n, np.int64)
        self.programs = np.zeros(n, np.int64)
        self.tracing = trace
        self.applied: dict[str, BoolArray] = {}

    def flag(self, idx: IntArray, mask: BoolArray, code: str) -> None:
        """Refuse rows ``idx[mask]`` with error ``code``."""
        self.error[idx[mask]] |= _E[code]

    def valid(self, idx: IntArray) -> BoolArray:
        """Which of rows ``idx`` are still without any error."""
        ok: BoolArray = self.error[idx] == 0
        return ok

    def use(self, idx: IntArray, m: IntArray, names: Iterable[str]) -> None:
        """Rows ``idx`` (months ``m``) used the values of ``names``: carry their warnings."""
        flags = self.months.flags(names)
        if flags is not None:
            self.warn[idx] |= flags[m]

    def unconfirmed(self, idx: IntArray) -> None:
        """Rows ``idx`` rest on an unconfirmed reading that no one parameter value carries."""
        self.warn[idx] |= W_UNCONFIRMED

    def put(self, line: str, idx: IntArray, values: IntArray) -> None:
        self.out[line][idx] = values

    def charge(self, line: str, idx: IntArray, m: IntArray, programs: IntArray,
               base: IntArray, rate: IntArray, names: Iterable[str]) -> None:
        """Line ``line`` = ``base`` x ``rate`` on rows that joined its programme, else 0."""
        member = (programs & PROGRAMME_BIT[programme_of(line)]) != 0
        if member.all():  # the usual case: skip the masking
            self.put(line, idx, rupiah_sum([(base, rate)]))
            self.use(idx, m, names)
            return
        self.put(line, idx, np.where(member, rupiah_sum([(base, rate)]), 0))
        self.use(idx[member], m[member], names)

    def mark(self, relief: str, idx: IntArray, applied: BoolArray) -> None:
        """Remember which of rows ``idx`` had ``relief`` applied, for their trace."""
        if not self.tracing:
            return
        if relief not in self.applied:
            self.applied[relief] = np.zeros(self.rows.n, np.bool_)
        self.applied[relief][idx] = applied

    def judge(self, segment: Segment[Any], idx: IntArray) -> tuple[IntArray, IntArray]:
        """Refuse rows of ``segment`` where its law is not in force or the programmes asked
        for are not open, not enough, or (JKP) lack what JKP requires. Returns the rows'
        month offsets and programme masks (the default where none were asked for)."""
        t, r, code = self.tables, self.rows, segment.code
        m = r.moff[idx]
        law, month_bad = t.in_force[code][m], r.month_bad[idx]
        self.flag(idx, ~(law | month_bad), "no_law")
        # Programmes are judged only where this segment's law is in force.
        judged = law & ~month_bad
        requested = r.requested[idx]
        allowed = t.allowed[code][m]
        programs = np.where(requested == 0, t.default[code][m], requested)
        self.flag(idx, judged & ((programs & ~allowed) != 0), "programme_not_allowed")
        compulsory = t.compulsory[code][m]
        self.flag(idx, judged & ((programs & compulsory) != compulsory), "programme_compulsory")
        jkp = (programs & PROGRAMME_BIT["jkp"]) != 0
        req = t.jkp_requires[m]
        self.flag(idx, judged & jkp & ((programs & req) != req), "jkp_requires")
        self.programs[idx] = programs
        return m, programs


# --- the trace of one row ------------------------------------------------------------------------


@dataclass
class RowTrace:
    """One valid row being traced: its month's values, inputs, programmes and relief."""

    month: MonthRules
    rows: Rows
    i: int
    programs: int
    run: Run
    entries: list[TraceEntry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def joined(self, programme: str) -> bool:
        return bool(self.programs & PROGRAMME_BIT[programme])

    def joined_lines(self, lines: Iterable[str]) -> Iterator[tuple[str, str]]:
        """(line, programme) of each of ``lines`` whose programme the row joined, in order."""
        for line in lines:
            programme = programme_of(line)
            if self.joined(programme):
                yield line, programme

    def applied(self, relief: str) -> bool:
        """Whether ``relief`` (as marked by :meth:`Run.mark`) applied to this row."""
        mask = self.run.applied.get(relief)
        return bool(mask is not None and mask[self.i])

    def add(self, line: str, *names: str) -> None:
        """Amount ``line`` used the values of ``names`` this month (those in force)."""
        for name in names:
            value = self.month.value(name)
            if value is None:
                continue
            self.entries.append(TraceEntry.of(line, value))
            for warning in value_warnings(value, self.month.month):
                if warning not in self.warnings:
                    self.warnings.append(warning)

    def note(self, message: str) -> None:
        """A warning that is not about one parameter value (an assumption or a right)."""
        self.warnings.append(message)


# --- the assessment ------------------------------------------------------------------------------


@dataclass
class ContributionAssessment:
    """The computed frame plus, when asked for, the trace of every row."""

    frame: pl.DataFrame
    traces: list[list[TraceEntry]] | None = None
    warnings: list[list[str]] | None = None


def assess(workers: pl.DataFrame, month: date | str | None, *,
           segments: tuple[Segment[Any], ...], params: ParameterSet,
           trace: bool = False) -> ContributionAssessment:
    """Contributions of every row of ``workers`` under the law of ``segments``.

    The public forms are :func:`lindung.rules.contributions.contributions` and
    ``assess_contributions``, which pass the segments in force in lindung."""
    n = workers.height
    if "segment" not in workers.columns:
        raise ContributionInputError("column 'segment' is required (pu, bpu, jakon or pmi)")

    midx, month_bad = _month_codes(workers, month)
    good = midx[~month_bad]
    # No row with a usable month (an empty population, or every month refused): the tables
    # are built for this month only, and no row reads them.
    lo, hi = ((int(good.min()), int(good.max())) if good.size else (month_index(date.today()),) * 2)
    t = _tables(params, lo, hi, segments)
    rows = _read_rows(workers, [s.code for s in segments], midx, month_bad, lo)

    # checks that do not depend on the segment
    error = np.zeros(n, np.int64)
    error[rows.seg < 0] |= _E["segment"]
    error[month_bad] |= _E["month"]
    error[~rows.programme_readable] |= _E["programme_unknown"]
    error[rows.wage_given & (rows.wage <= 0)] |= _E["wage_invalid"]
    error[rows.staff_given & (rows.staff < 0)] |= _E["workers_in_company"]
    error[rows.cvalue_given & (rows.cvalue <= 0)] |= _E["contract_value"]
    funded_ok = _lookup(rows.fund_codes, [c is None or c in FUNDING_SOURCES
                                          for c in rows.fund_cats])
    error[funded_ok == 0] |= _E["funded_by"]
    for segment in segments:
        for mask, code in segment.column_errors(rows):
            error[mask] |= _E[code]

    run = Run(t, rows, error, trace=trace)
    for i, segment in enumerate(segments):
        idx = np.flatnonzero(rows.seg == i)
        if idx.size:
            m, programs = run.judge(segment, idx)
            segment.compute(run, t.of(segment), idx, m, programs)

    out = run.out
    valid = error == 0
    billed = sum((out[c] for c in BILLED_COLUMNS), start=np.zeros(n, np.int64))
    employer = sum((out[c] for c in EMPLOYER_COLUMNS), start=np.zeros(n, np.int64))
    worker = sum((out[c] for c in WORKER_COLUMNS), start=np.zeros(n, np.int64))
    columns = {**out, "total": billed, "employer_total": employer, "worker_total": worker}
    null_all = ~valid
    with_employer = [i for i, s in enumerate(segments) if s.employer_share]
    null_employer = null_all | ~np.isin(rows.seg, with_employer)
    series = [
        _with_nulls(name, values, null_employer if name in ("employer_total", "worker_total")
                    else null_all)
        for name, values in columns.items()
    ]
    frame = pl.DataFrame([
        *series,
        pl.Series("valid", valid),
        _codes_to_text(error, {e.bit: e.code for e in ROW_ERRORS.values()}, "errors"),
        _codes_to_text(run.warn, ROW_WARNINGS, "warnings"),
    ])
    assessment = ContributionAssessment(frame)
    if trace:
        assessment.traces, assessment.warnings = _traces(run, segments, valid)
    return assessment


def _traces(run: Run, segments: Sequence[Segment[Any]],
            valid: BoolArray) -> tuple[list[list[TraceEntry]], list[list[str]]]:
    """Per-row trace and warnings, written by each row's segment."""
    rows, months = run.rows, run.months.rules
    traces, warnings = [], []
    for i in range(rows.n):
        row = RowTrace(months[int(rows.moff[i])], rows, i, int(run.programs[i]), run)
        if valid[i]:
            segments[int(rows.seg[i])].trace(row)
        traces.append(row.entries)
        warnings.append(row.warnings)
    return traces, warnings


def _with_nulls(name: str, values: IntArray, null: BoolArray) -> pl.Series:
    series = pl.Series(name, values, dtype=pl.Int64)
    if null.any():
        series = series.set(pl.Series(null), None)
    return series


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
