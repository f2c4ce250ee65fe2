"""`lindung rules benefit ...` refuses what the benefit rules refuse (issue 10): an event before
the first date lindung covers, a zero or negative wage; exit 2 with one line, no traceback."""

from __future__ import annotations

import pytest

from tests.cli import run_cli

REFUSED = [
    (("jkm", "--death-date", "2015-06-30", "--contribution-months", "4"), "2015-07-01"),
    (("jkm", "--death-date", "2001-01-01", "--contribution-months", "4"), "2015-07-01"),
    (("jkk-death", "--accident-date", "2015-06-30", "--wage", "4000000"), "2015-07-01"),
    (("jkk-death", "--accident-date", "2024-05-01", "--wage", "0"), "lebih dari Rp0"),
    (("jkk-death", "--accident-date", "2024-05-01", "--wage", "-1"), "lebih dari Rp0"),
    (("jkp", "--dismissal-date", "2015-06-30", "--wage", "4000000", "--contribution-months",
      "30"), "2015-07-01"),
    (("jkp", "--dismissal-date", "2025-06-01", "--wage", "0", "--contribution-months", "30"),
     "lebih dari Rp0"),
]


@pytest.mark.parametrize(("args", "says"), REFUSED)
@pytest.mark.parametrize("as_json", [False, True])
def test_refusals_exit_non_zero_with_one_line(args: tuple[str, ...], says: str,
                                              as_json: bool) -> None:
    done = run_cli("rules", "benefit", *args, *(["--json"] if as_json else []))
    assert done.returncode == 2, (args, done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("lindung: error: "), done.stderr
    assert says in lines[0] and "Traceback" not in done.stderr
    assert done.stdout == ""


@pytest.mark.parametrize("args", [
    ("jkm", "--death-date", "2015-07-01", "--contribution-months", "4"),
    ("jkk-death", "--accident-date", "2015-07-01", "--wage", "1"),
])
def test_the_first_date_and_the_smallest_wage_are_computed(args: tuple[str, ...]) -> None:
    done = run_cli("rules", "benefit", *args, "--json")
    assert done.returncode == 0, done.stderr
