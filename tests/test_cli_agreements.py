"""The CLI acts as a person or as the installation: ``--as``/``LINDUNG_USER`` with that
user's scope and name in the audit log, otherwise the system principal under the operating
system's user. Agreements: create, amend every term, show the terms of any day as JSON, phases,
payers; members' own terms and their end. Run in-process through the same entry point."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select

from lindung.audit.models import AuditEvent
from lindung.cli.common import os_user
from tests.cli import Done, run_cli
from tests.enrollment.test_import import nik, person, write_csv

PASSWORD = "kata-sandi-yang-panjang-1"


@pytest.fixture
def env(tmp_path: Path) -> Iterator[dict[str, str]]:
    db = tmp_path / "lindung.sqlite3"
    environment = {k: v for k, v in os.environ.items() if k != "LINDUNG_USER"}
    environment["LINDUNG_DATABASE_URL"] = f"sqlite:///{db}"
    assert run_cli("db", "upgrade", env=environment).returncode == 0
    made = run_cli("accounts", "create-admin", "--username", "admin.metro", "--name",
                   "Admin Metro", "--pemda", "PEMKOT-METRO", "--pemda-name",
                   "Pemerintah Kota Metro", "--region", "18.72", "--password-stdin",
                   env=environment, stdin=PASSWORD + "\n")
    assert made.returncode == 0, made.stderr
    yield environment


def ok(env: dict[str, str], *args: str, stdin: str = "") -> Done:
    done = run_cli(*args, env=env, stdin=stdin)
    assert done.returncode == 0, (args, done.stderr)
    return done


def as_json(env: dict[str, str], *args: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(ok(env, *args, "--json").stdout)
    return data


def refused(env: dict[str, str], *args: str) -> str:
    done = run_cli(*args, env=env)
    assert done.returncode == 2, (args, done.stdout, done.stderr)
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("lindung: error: ")
    return line


def actors(env: dict[str, str], action: str) -> list[str]:
    engine = create_engine(env["LINDUNG_DATABASE_URL"])
    try:
        with engine.connect() as c:
            return list(c.scalars(select(AuditEvent.actor).where(AuditEvent.action == action)
                                  .order_by(AuditEvent.id)))
    finally:
        engine.dispose()


CREATE = ("agreements", "create", "--code", "METRO-2022", "--region", "18.72", "--segment",
          "bpu", "--programs", "jkk,jkm", "--funded-by", "apbd", "--start", "2022-07-01",
          "--end", "2022-12-31", "--quota", "3000", "--income", "1000000", "--budget",
          "700000000")


def test_a_user_acts_in_their_scope_and_is_named_in_the_log(env: dict[str, str]) -> None:
    ok(env, *CREATE, "--as", "admin.metro")
    assert actors(env, "agreement.create") == ["user:admin.metro"]
    ok(env, "accounts", "create-organisation", "--code", "PEMKAB-LAMSEL", "--kind", "pemda",
       "--name", "Pemerintah Kabupaten Lampung Selatan", "--region", "18.01")
    assert actors(env, "organisation.create")[-1] == f"system:cli:{os_user()}"
    line = refused(env, *CREATE[:3], "LAMSEL-2022", *CREATE[4:5], "18.01", *CREATE[6:],
                   "--as", "admin.metro")
    assert "di luar wilayah kerja" in line
    assert "tidak ada atau tidak aktif" in refused(env, "agreements", "show", "METRO-2022",
                                                   "--as", "nobody")
    # the environment names the user as --as does
    shown = as_json({**env, "LINDUNG_USER": "admin.metro"}, "agreements", "show", "METRO-2022")
    assert shown["code"] == "METRO-2022"
    ok(env, "accounts", "create-user", "--username", "auditor.metro", "--name", "Auditor",
       "--role", "auditor", "--organisation", "PEMKOT-METRO", "--password-stdin",
       "--as", "admin.metro", stdin=PASSWORD + "\n")
    assert actors(env, "user.create")[-1] == "user:admin.metro"
    assert "tidak berwenang" in refused(env, "agreements", "amend", "METRO-2022", "--reason",
                                        "x", "--effective", "2022-10-01", "--quota", "10",
                                        "--as", "auditor.metro")


def test_amended_terms_are_read_for_any_day(env: dict[str, str]) -> None:
    ok(env, *CREATE)
    amended = as_json(env, "agreements", "amend", "METRO-2022", "--reason", "APBD-P 2022",
                      "--effective", "2022-10-01", "--quota", "3500", "--budget", "800000000",
                      "--programs", "jkk,jkm,jht", "--end", "2023-06-30")
    assert amended["changes"]["quota"] == [3000, 3500]
    before = as_json(env, "agreements", "show", "METRO-2022", "--on", "2022-09-30")
    assert before == {
        "code": "METRO-2022", "on": "2022-09-30", "valid_from": "2022-07-01",
        "valid_to": "2022-09-30", "terms": {
            "segment": "bpu", "programs": ["jkk", "jkm"], "funded_by": "apbd",
            "income": 1_000_000, "wage": None, "risk_class": None, "contract_months": None,
            "quota": 3000, "budget": 700_000_000, "payer": "PEMKOT-METRO",
            "start": "2022-07-01", "end": "2022-12-31", "start_rule": "usulan"}}
    after = as_json(env, "agreements", "show", "METRO-2022", "--on", "2022-10-01")
    assert (after["valid_from"], after["valid_to"]) == ("2022-10-01", None)
    assert after["terms"]["programs"] == ["jkk", "jkm", "jht"]
    assert (after["terms"]["quota"], after["terms"]["budget"], after["terms"]["end"]) == (
        3500, 800_000_000, "2023-06-30")
    readable = ok(env, "agreements", "show", "METRO-2022", "--on", "2022-10-01").stdout
    assert "Riwayat ketentuan" in readable and "1 Oktober 2022" in readable
    assert "Rp800.000.000" in readable
    assert "--on harus tanggal" in refused(env, "agreements", "show", "METRO-2022", "--on",
                                           "kemarin")


def test_phases_payers_and_a_members_own_terms(env: dict[str, str], tmp_path: Path) -> None:
    ok(env, *CREATE)
    ok(env, "accounts", "create-organisation", "--code", "SATPOL-METRO", "--kind", "opd",
       "--name", "Satuan Polisi Pamong Praja", "--region", "18.72", "--parent", "PEMKOT-METRO")
    ok(env, "agreements", "add-phase", "METRO-2022", "--number", "1", "--start", "2022-07-01",
       "--quota", "2000")
    assert "melebihi kuota PKS" in refused(env, "agreements", "add-phase", "METRO-2022",
                                           "--number", "2", "--start", "2022-10-01",
                                           "--quota", "1001")
    ok(env, "agreements", "assign-payer", "METRO-2022", "--group", "SATPOL-METRO",
       "--payer", "SATPOL-METRO", "--funded-by", "apbd", "--effective", "2022-07-01")
    assert actors(env, "agreement.assign_payer") == [f"system:cli:{os_user()}"]

    roster = write_csv(tmp_path / "linmas.csv", [person(1), person(2)])
    assert as_json(env, "roster", "import", str(roster), "--agreement",
                   "METRO-2022")["accepted"] == 2
    (membership,) = as_json(env, "workers", "show", "--nik", nik(1))["memberships"]
    ident = str(membership["id"])
    assert membership["declared_income"] == 1_000_000 and membership["own_terms"] == []
    ok(env, "workers", "set-terms", ident, "--from", "2022-09-01", "--income", "1500000",
       "--reason", "penghasilan dilaporkan naik")
    (changed,) = as_json(env, "workers", "show", "--nik", nik(1))["memberships"]
    assert changed["declared_income"] == 1_500_000
    assert [(t["valid_from"], t["declared_income"]) for t in changed["own_terms"]] == [
        ("2022-09-01", 1_500_000)]
    assert "sebelum kepesertaan dimulai" in refused(
        env, "workers", "set-terms", ident, "--from", "2000-01-01", "--income", "1500000",
        "--reason", "x")
    ok(env, "workers", "end", ident, "--reason", "death", "--on", "2022-11-05")
    (ended,) = as_json(env, "workers", "show", "--nik", nik(1))["memberships"]
    assert (ended["status"], ended["end_date"], ended["end_reason"]) == (
        "ended", "2022-11-05", "death")
    assert "sudah berstatus" in refused(env, "workers", "end", ident, "--reason", "death",
                                        "--on", "2022-11-06")
