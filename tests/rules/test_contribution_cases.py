"""Runs the contribution cases a lawyer can read: src/lindung/rules/cases/contributions_*.yaml."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from lindung.rules import InvalidContribution, contribution

CASES_DIR = Path(__file__).parents[2] / "src" / "lindung" / "rules" / "cases"


def _load() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in sorted(CASES_DIR.glob("contributions_*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            found.append((f"{path.stem}: {case['name']}", case))
    return found


CASES = _load()


def _dig(data: dict[str, Any], dotted: str) -> Any:
    value: Any = data
    for part in dotted.split("."):
        value = value[part]
    return value


def test_cases_are_many_and_named_once() -> None:
    names = [name for name, _ in CASES]
    assert len(names) >= 80
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("case", [c for _, c in CASES], ids=[n for n, _ in CASES])
def test_contribution_case(case: dict[str, Any]) -> None:
    assert case.get("basis"), "every case names its legal basis"
    month = case["month"]
    month_text = month.strftime("%Y-%m") if isinstance(month, date) else str(month)
    expected = dict(case["expected"])
    if "error" in expected:
        with pytest.raises(InvalidContribution) as caught:
            contribution(case["segment"], month_text, **case["inputs"])
        assert expected["error"] in {e.code for e in caught.value.errors}
        return
    result = contribution(case["segment"], month_text, **case["inputs"]).to_dict()
    for path, value in expected.items():
        assert _dig(result, path) == value, f"{path}: expected {value}, got {_dig(result, path)}"
