"""The parameter loader refuses invalid law files with a message naming file, key and problem."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from lindung.rules import contribution
from lindung.rules.params import (
    CONFIDENCE_LEVELS,
    ParameterFileError,
    ParameterNotInForce,
    load_parameters,
    load_parameters_from,
)

GOOD = """
topic: test
parameters:
  test.rate:
    description: a rate
    unit: ratio
    values:
      - {effective_from: 2015-07-01, effective_to: 2019-12-31, value: "0.0089", basis: "PP 1/2015 Pasal 1", confidence: confirmed, last_reviewed: 2026-11-23}
      - {effective_from: 2020-01-01, value: "0.445", basis: "PP 2/2019 Pasal 2", confidence: unconfirmed, last_reviewed: 2026-11-23}
"""


def _write(tmp_path: Path, text: str, name: str = "test.yaml") -> Path:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_a_good_file_loads_with_exact_values(tmp_path: Path) -> None:
    params = load_parameters_from(_write(tmp_path, GOOD))
    assert params.at("test.rate", date(2019, 12, 31)).value == Decimal("0.0089")
    later = params.at("test.rate", date(2020, 1, 1))
    assert later.value == Decimal("0.445") and later.confidence == "unconfirmed"
    with pytest.raises(ParameterNotInForce, match="2015-06-30"):
        params.at("test.rate", date(2015, 6, 30))


@pytest.mark.parametrize(
    ("change", "key", "problem"),
    [
        (("effective_from: 2020-01-01", "effective_from: 2020-02-30"), "values[1].effective_from",
         "not a real date"),
        (("effective_to: 2019-12-31", "effective_to: 2020-01-01"), "test.rate.values",
         "periods overlap"),
        (("unit: ratio", "unit: percent"), "test.rate.unit", "unknown unit"),
        (('basis: "PP 1/2015 Pasal 1"', 'basis: ""'), "values[0].basis", "legal basis"),
        (('value: "0.0089"', "value: 0.0089"), "values[0].value", "quoted decimal"),
        (('value: "0.0089"', 'value: "0.000000001"'), "values[0].value", "decimal places"),
        (('value: "0.0089"', 'value: "1.5"'), "values[0].value", "between 0 and 1"),
        (("confidence: confirmed", "confidence: sure"), "values[0].confidence", "must be one of"),
        (("last_reviewed: 2026-11-23}", "last_reviewed: 2026-11-23, source: x}"), "values[0]",
         "unknown field"),
        (("effective_to: 2019-12-31", "effective_to: 2014-12-31"), "values[0].effective_to",
         "ends before it starts"),
    ],
)
def test_invalid_files_are_refused_naming_file_key_and_problem(
    tmp_path: Path, change: tuple[str, str], key: str, problem: str
) -> None:
    old, new = change
    assert old in GOOD
    _write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(ParameterFileError) as caught:
        load_parameters_from(tmp_path)
    message = str(caught.value)
    assert message.startswith("test.yaml: ")
    assert key in message
    assert problem in message


def test_a_name_defined_in_two_files_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, GOOD, "a.yaml")
    _write(tmp_path, GOOD, "b.yaml")
    with pytest.raises(ParameterFileError, match=r"already defined in a\.yaml"):
        load_parameters_from(tmp_path)


def test_not_yaml_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, "topic: [unclosed")
    with pytest.raises(ParameterFileError, match="not valid YAML"):
        load_parameters_from(tmp_path)


def test_every_packaged_value_has_basis_confidence_and_review() -> None:
    params = load_parameters()
    values = [v for p in params for v in p.values]
    assert len(values) > 100
    for v in values:
        assert v.basis and v.confidence in CONFIDENCE_LEVELS and v.last_reviewed <= date.today()


def test_packaged_values_cover_the_regulations_table() -> None:
    """Spot checks against shared/regulations.md §12, one per topic."""
    p = load_parameters()
    assert p.at("pu.jkk.rate.class_5", date(2024, 1, 1)).value == Decimal("0.0174")
    assert p.at("pu.jp.wage_cap", date(2025, 3, 1)).value == 10_547_400
    assert p.at("pu.jp.wage_cap", date(2025, 2, 28)).value == 10_042_300
    assert p.at("bpu.jkm.amount", date(2024, 1, 1)).value == 6_800
    assert p.at("pmi.pre_placement.amount", date(2024, 1, 1)).value == 37_500
    assert p.at("relief.covid_2020.jkk_jkm.discount", date(2020, 8, 1)).value == Decimal("0.99")
    assert p.at_or_none("relief.covid_2020.jkk_jkm.discount", date(2021, 2, 1)) is None


def test_a_date_long_after_the_last_review_warns() -> None:
    result = contribution("bpu", "2028-01", declared_income=1_000_000)
    assert result.total == 16_800
    assert any("last reviewed" in w and "2026-11-23" in w for w in result.warnings)
    recent = contribution("bpu", "2026-11", declared_income=1_000_000, funded_by="apbd")
    assert not any("last reviewed" in w for w in recent.warnings)
