"""One worker for one month, for people and scripts: the amounts, the trace and the warnings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from lindung.rules.contributions.engine import AMOUNT_COLUMNS, ROW_ERRORS, RowError
from lindung.rules.contributions.roster import assess_contributions
from lindung.rules.dates import parse_month
from lindung.rules.params import ParameterSet
from lindung.rules.trace import TraceEntry


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


def contribution(segment: str, month: date | str, *, params: ParameterSet | None = None,
                 **inputs: Any) -> ContributionResult:
    """The contribution of one worker in ``month``, under the same law as
    :func:`~lindung.rules.contributions.contributions` (PP 44/2015, 45/2015, 46/2015, 37/2021;
    Permenakertrans 44/2015; Permenaker 4/2023; the relief of PP 49/2020, 7/2025, 36/2025,
    50/2025). Inputs as its columns. Raises :class:`InvalidContribution` for an invalid
    combination."""
    row: dict[str, Any] = {"segment": segment, **{k: v for k, v in inputs.items()
                                                    if v is not None}}
    if isinstance(row.get("programs"), list | tuple):
        row["programs"] = ",".join(row["programs"])
    schema: dict[str, Any] = {k: (pl.String if isinstance(v, str) else
                                  pl.Boolean if isinstance(v, bool) else pl.Int64)
                              for k, v in row.items()}
    frame = pl.DataFrame([row], schema=schema)
    first = parse_month(month)
    result = assess_contributions(frame, first, params=params, trace=True)
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
