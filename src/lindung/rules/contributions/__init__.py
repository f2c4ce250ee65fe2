"""Contributions (iuran) of every segment and programme, vectorised over whole populations.

One object per segment holds its law: ``pu.py`` (PP 44/2015, 45/2015, 46/2015, 37/2021),
``bpu.py`` (PP 44/2015 Lampiran II; PP 50/2025), ``jakon.py`` (Permenakertrans 44/2015) and
``pmi.py`` (Permenaker 4/2023 Pasal 18); ``relief.py`` the relief they share (PP 49/2020).
``engine.py`` runs them over a roster; ``roster.py`` lists them and holds
:func:`contributions`; ``case.py`` computes one worker for one month with its trace.
A contribution month takes the values in force on its first day.
"""

from lindung.rules.contributions.bpu import BPU, BpuSegment
from lindung.rules.contributions.case import ContributionResult, InvalidContribution, contribution
from lindung.rules.contributions.engine import (
    AMOUNT_COLUMNS,
    BILLED_COLUMNS,
    EMPLOYER_COLUMNS,
    FUNDING_SOURCES,
    PROGRAMME_BIT,
    PROGRAMMES,
    ROW_ERRORS,
    ROW_WARNINGS,
    W_STALE,
    W_UNCONFIRMED,
    WORKER_COLUMNS,
    ContributionAssessment,
    ContributionInputError,
    MonthRules,
    RowError,
    Segment,
)
from lindung.rules.contributions.jakon import JAKON, JakonSegment
from lindung.rules.contributions.pmi import PMI, PmiSegment
from lindung.rules.contributions.pu import PU, PuSegment
from lindung.rules.contributions.roster import (
    SEGMENT_LINES,
    SEGMENT_RULES,
    SEGMENTS,
    SEGMENTS_WITH_EMPLOYER,
    assess_contributions,
    contributions,
)

__all__ = [
    "AMOUNT_COLUMNS",
    "BILLED_COLUMNS",
    "BPU",
    "EMPLOYER_COLUMNS",
    "FUNDING_SOURCES",
    "JAKON",
    "PMI",
    "PROGRAMMES",
    "PROGRAMME_BIT",
    "PU",
    "ROW_ERRORS",
    "ROW_WARNINGS",
    "SEGMENTS",
    "SEGMENTS_WITH_EMPLOYER",
    "SEGMENT_LINES",
    "SEGMENT_RULES",
    "WORKER_COLUMNS",
    "W_STALE",
    "W_UNCONFIRMED",
    "BpuSegment",
    "ContributionAssessment",
    "ContributionInputError",
    "ContributionResult",
    "InvalidContribution",
    "JakonSegment",
    "MonthRules",
    "PmiSegment",
    "PuSegment",
    "RowError",
    "Segment",
    "assess_contributions",
    "contribution",
    "contributions",
]
