"""Runs the lawyer-readable cases in rules/cases/benefits_*.yaml against the benefit rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from lindung import rules
from lindung.rules import benefits

CASES_DIR = Path(rules.__file__).parent / "cases"
CASE_FIELDS = {"name", "benefit", "inputs", "expected", "basis"}


def _load() -> list[Any]:
    found = []
    files = sorted(CASES_DIR.glob("benefits_*.yaml"))
    assert files, f"no benefits_*.yaml in {CASES_DIR}"
    for path in files:
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            found.append(pytest.param(case, id=f"{path.stem}: {case.get('name')}"))
    return found


def _dig(data: Any, path: str) -> Any:
    for key in path.split("."):
        if isinstance(data, list):
            data = data[int(key)]
        elif isinstance(data, dict):
            assert key in data, f"{path}: no key {key!r} (have {sorted(data)})"
            data = data[key]
        else:
            raise AssertionError(f"{path}: cannot go into {data!r}")
    return data


@pytest.mark.parametrize("case", _load())
def test_case(case: dict[str, Any]) -> None:
    assert set(case) == CASE_FIELDS, f"case fields must be {sorted(CASE_FIELDS)}"
    assert case["benefit"] in benefits.__all__, f"unknown benefit {case['benefit']!r}"
    assert case["expected"], "a case must expect something"
    if "error" in case["expected"]:
        # A refusal: ``expected: {error: words the one-line message must contain}``.
        assert set(case["expected"]) == {"error"}, "a refusal expects only its error"
        with pytest.raises(benefits.BenefitError) as refused:
            getattr(benefits, case["benefit"])(**case["inputs"])
        message = str(refused.value)
        assert "\n" not in message, f"a refusal is one line: {message!r}"
        assert case["expected"]["error"] in message, (
            f"expected the refusal to say {case['expected']['error']!r}, got {message!r}\n"
            f"basis: {case['basis']}")
        return
    result = getattr(benefits, case["benefit"])(**case["inputs"]).to_dict()
    for path, expected in case["expected"].items():
        actual = _dig(result, path)
        assert actual == expected and type(actual) is type(expected), (
            f"{path}: expected {expected!r}, got {actual!r}\nbasis: {case['basis']}\n"
            f"trace: {result['trace']}"
        )
