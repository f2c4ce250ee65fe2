"""The command-line forms other tools script: exact JSON keys, one-line errors, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from tests.cli import Done, run_cli


def _run(*args: str) -> Done:
    return run_cli(*args)


def _json(*args: str) -> dict[str, Any]:
    done = _run(*args, "--json")
    assert done.returncode == 0, done.stderr
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def test_pu_contribution_json() -> None:
    data = _json("rules", "contribution", "--segment", "pu", "--month", "2024-06",
                 "--wage", "10000000", "--risk-class", "3")
    assert set(data) >= {"segment", "month", "amounts", "total", "employer_total",
                         "worker_total", "trace", "warnings"}
    assert data["amounts"] == {"jkk": 89_000, "jkm": 30_000, "jht_employer": 370_000,
                               "jht_worker": 200_000, "jp_employer": 200_000,
                               "jp_worker": 100_000}
    assert (data["total"], data["employer_total"], data["worker_total"]) == (
        989_000, 689_000, 300_000)
    assert any("PP 44/2015" in t["basis"] for t in data["trace"])


def test_bpu_contribution_json_has_no_employer() -> None:
    data = _json("rules", "contribution", "--segment", "bpu", "--month", "2024-06",
                 "--income", "1000000", "--programs", "jkk,jkm,jht", "--occupation",
                 "transport", "--funded-by", "apbd")
    assert data["amounts"] == {"jkk": 10_000, "jkm": 6_800, "jht_worker": 20_000}
    assert data["total"] == 36_800
    assert "employer_total" not in data


def test_jakon_and_pmi_json() -> None:
    jakon = _json("rules", "contribution", "--segment", "jakon", "--month", "2024-06",
                  "--contract-value", "1000000000")
    assert jakon["amounts"] == {"jkk": 1_540_000, "jkm": 210_000}
    pmi = _json("rules", "contribution", "--segment", "pmi", "--month", "2024-06",
                "--contract-months", "24")
    assert pmi["total"] == 370_000


def test_benefit_forms() -> None:
    jkm = _json("rules", "benefit", "jkm", "--death-date", "2024-05-01",
                "--contribution-months", "40")
    assert jkm["amounts"]["lump_sum"] + jkm["amounts"]["periodic"] + jkm["amounts"][
        "funeral"] == 42_000_000
    assert set(jkm) >= {"benefit", "event_date", "amounts", "total", "eligible", "reasons",
                        "trace", "warnings", "scholarship"}
    death = _json("rules", "benefit", "jkk-death", "--accident-date", "2024-05-01",
                  "--wage", "3100000")
    assert death["amounts"]["death"] == 48 * 3_100_000
    jkp = _json("rules", "benefit", "jkp", "--dismissal-date", "2025-06-01", "--wage",
                "7000000", "--contribution-months", "30")
    assert jkp["amounts"]["monthly"] == [3_000_000] * 6


def test_readable_table_in_bahasa_indonesia() -> None:
    done = _run("rules", "contribution", "--segment", "bpu", "--month", "2024-06",
                "--income", "1000000")
    assert done.returncode == 0
    assert "Rp16.800" in done.stdout and "Total ditagihkan" in done.stdout
    assert "enam belas ribu delapan ratus rupiah" in done.stdout


def test_bad_arguments_exit_non_zero_with_one_line() -> None:
    for args in (
        ("rules", "contribution", "--segment", "bpu", "--month", "2024-13", "--income", "1"),
        ("rules", "contribution", "--segment", "bpu", "--income", "1000000"),
        ("rules", "contribution", "--segment", "bpu", "--month", "2024-06", "--income",
         "1000000", "--programs", "jkk,jkm,jp"),
        ("rules", "contribution", "--segment", "pu", "--month", "2024-06", "--wage", "1000000",
         "--risk-class", "7"),
        ("rules", "benefit", "jkm", "--death-date", "2024-02-30", "--contribution-months", "4"),
    ):
        done = _run(*args)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("lindung: error: "), done.stderr


def test_params_and_check() -> None:
    params = _json("rules", "params", "--on", "2024-06-01")
    names = {p["name"] for p in params["parameters"]}
    assert {"pu.jkk.rate.class_1", "pu.jp.wage_cap", "bpu.jkm.amount"} <= names
    cap = next(p for p in params["parameters"] if p["name"] == "pu.jp.wage_cap")
    assert cap["value"] == "Rp10.042.300" and cap["confidence"] == "confirmed"
    check = _run("rules", "check")
    assert check.returncode == 0 and check.stdout.startswith("OK: ")
    assert "UNCONFIRMED bpu.income_grid" in check.stdout


def test_check_rejects_a_broken_directory(tmp_path: Any) -> None:
    (tmp_path / "x.yaml").write_text("topic: x\nparameters: {a: {unit: ratio}}\n")
    done = _run("rules", "check", "--directory", str(tmp_path))
    assert done.returncode == 1
    assert "x.yaml: a.description" in done.stderr


def test_demo_prints_the_worked_figures() -> None:
    done = _run("demo")
    assert done.returncode == 0, done.stderr
    for figure in ("Rp45.360.000", "Rp274.881.600", "Rp42.000.000", "Rp8.400"):
        assert figure in done.stdout


def test_python_m_lindung_runs_as_a_person_would() -> None:
    """The module entry point, in its own interpreter: the figures and a one-line refusal."""
    done = subprocess.run([sys.executable, "-m", "lindung", "demo"], capture_output=True,
                          text=True, check=False, timeout=120)
    assert done.returncode == 0 and "Rp42.000.000" in done.stdout, done.stderr
    refused = subprocess.run([sys.executable, "-m", "lindung", "rules", "contribution",
                              "--segment", "nope", "--month", "2024-06"], capture_output=True,
                             text=True, check=False, timeout=120)
    assert refused.returncode == 2
    assert refused.stderr.strip().startswith("lindung: error: ")
    assert len(refused.stderr.strip().splitlines()) == 1
