"""The CLI forms ``jkm`` and ``jkk-death`` with --segment, --membership-start, --arrears-months."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.cli import run_cli


def _json(*args: str) -> dict[str, Any]:
    done = run_cli(*args, "--json")
    assert done.returncode == 0, done.stderr
    data: dict[str, Any] = json.loads(done.stdout)
    return data


@pytest.mark.parametrize(("death", "total"), [("2025-11-09", 10_000_000),
                                              ("2025-11-10", 42_000_000)])
def test_bpu_first_three_months(death: str, total: int) -> None:
    out = _json("rules", "benefit", "jkm", "--death-date", death, "--contribution-months", "3",
                "--segment", "bpu", "--membership-start", "2025-08-10")
    assert out["total"] == total
    assert list(out)[:8] == ["benefit", "event_date", "amounts", "total", "eligible", "reasons",
                             "trace", "warnings"]


@pytest.mark.parametrize(("form", "segment", "months", "payer"), [
    (("jkm", "--death-date", "2025-10-20", "--contribution-months", "40"), "bpu", "3",
     "bpjs_after_settlement"),
    (("jkm", "--death-date", "2025-10-20", "--contribution-months", "40"), "bpu", "4", "none"),
    (("jkk-death", "--accident-date", "2025-10-20", "--wage", "3100000"), "pu", "3", "bpjs"),
    (("jkk-death", "--accident-date", "2025-10-20", "--wage", "3100000"), "pu", "4",
     "employer_first"),
])
def test_arrears_say_who_pays(form: tuple[str, ...], segment: str, months: str,
                              payer: str) -> None:
    out = _json("rules", "benefit", *form, "--segment", segment, "--arrears-months", months)
    assert out["payer"]["payer"] == payer


@pytest.mark.parametrize("extra", [("--segment", "xx"), ("--arrears-months", "-1"),
                                   ("--membership-start", "2026-01-01"),
                                   ("--membership-start", "2025-02-30")])
def test_bad_arguments_are_one_line(extra: tuple[str, ...]) -> None:
    done = run_cli("rules", "benefit", "jkm", "--death-date", "2025-10-20",
                   "--contribution-months", "4", *extra)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("lindung: error: "), done.stderr
