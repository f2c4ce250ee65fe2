"""The segments of the law in force in lindung, and contributions over a whole roster."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from lindung.rules.contributions.bpu import BPU
from lindung.rules.contributions.engine import ContributionAssessment, Segment, assess
from lindung.rules.contributions.jakon import JAKON
from lindung.rules.contributions.pmi import PMI
from lindung.rules.contributions.pu import PU
from lindung.rules.params import ParameterSet, load_parameters

SEGMENT_RULES: tuple[Segment[Any], ...] = (PU, BPU, JAKON, PMI)
"""One object per segment, in the order of ``SEGMENTS``."""
SEGMENTS = tuple(s.code for s in SEGMENT_RULES)
SEGMENT_LINES = {s.code: s.lines for s in SEGMENT_RULES}
"""Lines each segment can have. A BPU's JHT is paid by the member, so it is ``jht_worker``."""
SEGMENTS_WITH_EMPLOYER = tuple(s.code for s in SEGMENT_RULES if s.employer_share)


def contributions(
    workers: pl.DataFrame, month: date | str | None = None, *, params: ParameterSet | None = None
) -> pl.DataFrame:
    """Contributions of every row of ``workers`` for a contribution ``month``.

    PU: PP 44/2015 Pasal 16, 18; PP 46/2015 Pasal 16; PP 45/2015 Pasal 28-29; PP 37/2021 Pasal 11.
    BPU: PP 44/2015 Pasal 20 jo. Lampiran II; PP 46/2015. Jakon: PP 44/2015 Pasal 54-55. PMI:
    Permenaker 18/2018 (from 10 December 2018), then Permenaker 4/2023 Pasal 18. Relief:
    PP 49/2020, PP 7/2025, PP 36/2025, PP 50/2025.

    Input columns (all optional except ``segment``): ``segment`` (pu, bpu, jakon, pmi),
    ``month`` (per-row date or ``YYYY-MM``; overrides the argument), ``wage``, ``risk_class``,
    ``declared_income``, ``programs`` (``"jkk,jkm,jht"`` or a list; default by segment),
    ``contract_value``, ``contract_months``, ``occupation``, ``funded_by`` (self, apbn, apbd,
    apbdes, dbhcht, csr), ``industry``, ``workers_in_company``, ``pre_placement`` (PMI; default
    true; false for a PMI already placed or placed individually, who pays no pre-placement
    amount: Permenaker 4/2023 Pasal 18 ayat (2)). ``occupation`` ``employer``: a BPU who is an
    employer (no PP 50/2025 discount). Money columns must be integers.

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
    """Like :func:`contributions` (same law); with ``trace=True`` also the trace and warnings of
    each row: which parameter value, of which period, under which article made each line."""
    return assess(workers, month, segments=SEGMENT_RULES,
                  params=load_parameters() if params is None else params, trace=trace)
