"""The registry command forms: db upgrade, agreements create, roster import/export/answer,
workers show. Run as a person or a script would, against an embedded SQLite file."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import fastexcel
import pytest
from alembic.script import ScriptDirectory

from lindung.migrate import alembic_config
from tests.cli import Done, run_cli
from tests.enrollment.test_import import nik, person, write_csv


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    db = tmp_path_factory.mktemp("cli") / "lindung.sqlite3"
    environment = {k: v for k, v in os.environ.items() if k != "LINDUNG_USER"}
    environment["LINDUNG_DATABASE_URL"] = f"sqlite:///{db}"
    done = subprocess.run([sys.executable, "-m", "lindung", "db", "upgrade"], env=environment,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert f"revisi {head}" in done.stdout
    made = lindung(environment, "accounts", "create-organisation", "--code", "PEMKOT-METRO",
                   "--kind", "pemda", "--name", "Pemerintah Kota Metro", "--region", "18.72")
    assert made.returncode == 0, made.stderr
    return environment


def lindung(env: dict[str, str], *args: str) -> Done:
    return run_cli(*args, env=env)


def as_json(env: dict[str, str], *args: str) -> dict[str, Any]:
    done = lindung(env, *args, "--json")
    assert done.returncode == 0, done.stderr
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def test_the_whole_flow(env: dict[str, str], tmp_path: Path) -> None:
    created = as_json(env, "agreements", "create", "--code", "METRO-2022", "--region", "18.72",
                      "--segment", "bpu", "--programs", "jkk,jkm", "--funded-by", "apbd",
                      "--start", "2022-07-01", "--end", "2022-12-31", "--quota", "3000",
                      "--income", "1000000")
    assert created["code"] == "METRO-2022" and created["quota"] == 3000

    roster = write_csv(tmp_path / "linmas.csv",
                       [person(1), person(2), person(3, NIK="3.2E+15")])
    report = tmp_path / "laporan.xlsx"
    dry = as_json(env, "roster", "import", str(roster), "--agreement", "METRO-2022",
                  "--dry-run", "--report", str(report))
    assert set(dry) >= {"rows", "accepted", "rejected", "warnings", "errors"}
    assert (dry["rows"], dry["accepted"], dry["rejected"]) == (3, 2, 1)
    (error,) = dry["errors"]
    assert (error["row"], error["field"], error["value"]) == (4, "nik", "3.2E+15")
    assert error["message"]
    sheet = fastexcel.read_excel(str(report)).load_sheet("Masalah").to_polars()
    assert sheet["Baris"].to_list() == [4]

    refused = as_json(env, "roster", "import", str(roster), "--agreement", "METRO-2022",
                      "--all-or-nothing")
    assert refused["accepted"] == 0
    done = as_json(env, "roster", "import", str(roster), "--agreement", "METRO-2022")
    assert done["accepted"] == 2
    again = as_json(env, "roster", "import", str(roster), "--agreement", "METRO-2022")
    assert (again["accepted"], again["unchanged"]) == (0, 2)

    out = tmp_path / "kirim.xlsx"
    sent = lindung(env, "roster", "export-submission", "--agreement", "METRO-2022", str(out))
    assert sent.returncode == 0 and "2 peserta" in sent.stdout
    niks = fastexcel.read_excel(str(out)).load_sheet(0, dtypes="string").to_polars()["NIK"]
    assert niks.to_list() == [nik(1), nik(2)]

    answer = tmp_path / "jawab.csv"
    with answer.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["NIK", "KPJ", "Status", "Keterangan"])
        writer.writerow([nik(1), "22011111111", "Diterima", ""])
        writer.writerow([nik(2), "", "Ditolak", "data ganda"])
    applied = as_json(env, "roster", "import-answer", str(answer))
    assert (applied["activated"], applied["rejected"]) == (1, 1)

    shown = as_json(env, "workers", "show", "--nik", nik(1))
    assert shown["nik"] != nik(1)
    (membership,) = shown["memberships"]
    assert (membership["agreement"], membership["status"], membership["kpj"]) == (
        "METRO-2022", "active", "22011111111")
    readable = lindung(env, "workers", "show", "--nik", nik(1))
    assert readable.returncode == 0 and nik(1) not in readable.stdout


def test_refusals_are_one_line(env: dict[str, str], tmp_path: Path) -> None:
    for args in (
        ("agreements", "create", "--code", "X", "--region", "18.72", "--segment", "bpu",
         "--programs", "jkk,jkm,jp", "--funded-by", "apbd", "--start", "2022-07-01",
         "--end", "2022-12-31", "--quota", "10", "--income", "1000000"),
        ("roster", "import", str(tmp_path / "missing.csv"), "--agreement", "METRO-2022"),
        ("roster", "import", str(tmp_path), "--agreement", "NOPE"),
        ("workers", "show", "--nik", "123"),
    ):
        done = lindung(env, *args)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("lindung: error: "), done.stderr
        assert "123" not in done.stderr or args[0] != "workers"
