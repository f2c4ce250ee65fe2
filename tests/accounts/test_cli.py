"""``lindung accounts`` from the server's shell: users with a one-time code, resets, one's own
password, deactivation, organisations, and tokens issued, rotated and revoked; as the system or
``--as`` a Pemda admin, each audited under who ran it, no secret in the audit log."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from lindung.accounts.throttle import sign_in_throttle
from lindung.audit.models import AuditEvent
from lindung.cli.common import os_user
from tests.cli import Done, run_cli

PASSWORD = "kata sandi admin yang panjang"
NEW_PASSWORD = "kopi pahit pagi hari"
CODE = re.compile(r"\b([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})\b")


@pytest.fixture
def env(tmp_path: Path) -> Iterator[dict[str, str]]:
    sign_in_throttle.clear()
    environment = {k: v for k, v in os.environ.items() if k != "LINDUNG_USER"}
    environment["LINDUNG_DATABASE_URL"] = f"sqlite:///{tmp_path / 'lindung.sqlite3'}"
    ok(environment, "db", "upgrade")
    ok(environment, "accounts", "create-admin", "--username", "admin.metro", "--name",
       "Admin Metro", "--pemda", "PEMKOT-METRO", "--pemda-name", "Pemerintah Kota Metro",
       "--region", "18.72", "--password-stdin", stdin=PASSWORD + "\n")
    yield environment


def ok(env: dict[str, str], *args: str, stdin: str = "") -> Done:
    done = run_cli(*args, env=env, stdin=stdin)
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done


def refused(env: dict[str, str], *args: str, stdin: str = "") -> str:
    done = run_cli(*args, env=env, stdin=stdin)
    assert done.returncode == 2, (args, done.stdout, done.stderr)
    return done.stderr


def audit(env: dict[str, str]) -> list[AuditEvent]:
    engine = create_engine(env["LINDUNG_DATABASE_URL"])
    try:
        with engine.connect() as conn:
            return list(conn.execute(select(AuditEvent).order_by(AuditEvent.id)))  # type: ignore[arg-type]
    finally:
        engine.dispose()


def test_an_admin_makes_an_organisation_and_a_user_with_a_one_time_code(
        env: dict[str, str]) -> None:
    ok(env, "accounts", "create-organisation", "--code", "SATPOL-METRO", "--kind", "opd",
       "--name", "Satpol PP Kota Metro", "--as", "admin.metro")
    made = ok(env, "accounts", "create-user", "--username", "opd.satpol", "--name",
              "Operator Satpol", "--role", "opd_operator", "--organisation", "SATPOL-METRO",
              "--one-time-code", "--as", "admin.metro")
    code = CODE.search(made.stdout)
    assert code is not None and "jangan lewat surel" in made.stdout
    assert "WIB" in made.stdout  # Kota Metro's clock
    listed = json.loads(ok(env, "accounts", "list-users", "--json", "--as",
                           "admin.metro").stdout)
    satpol = next(u for u in listed["users"] if u["username"] == "opd.satpol")
    assert satpol["has_password"] is False and satpol["code_expires_at"]
    orgs = json.loads(ok(env, "accounts", "list-organisations", "--json").stdout)
    assert {(o["code"], o["parent"]) for o in orgs["organisations"]} == {
        ("PEMKOT-METRO", None), ("SATPOL-METRO", "PEMKOT-METRO")}
    # the admin's own password, from stdin: current, then new
    assert "terlalu umum" in refused(env, "accounts", "change-password", "--as", "admin.metro",
                                     stdin=f"{PASSWORD}\npassword12345678\n")
    ok(env, "accounts", "change-password", "--as", "admin.metro",
       stdin=f"{PASSWORD}\n{NEW_PASSWORD}\n")
    reset = ok(env, "accounts", "reset-password", "opd.satpol", "--as", "admin.metro")
    second = CODE.search(reset.stdout)
    assert second is not None and second.group(1) != code.group(1)
    ok(env, "accounts", "deactivate-user", "opd.satpol", "--as", "admin.metro")
    assert "sudah nonaktif" in refused(env, "accounts", "deactivate-user", "opd.satpol")
    assert "tidak ada atau tidak aktif" in refused(env, "accounts", "list-users", "--as",
                                                   "opd.satpol")
    ok(env, "accounts", "deactivate-organisation", "SATPOL-METRO")
    events = audit(env)
    actions = [(e.action, e.actor, e.entity_id) for e in events]
    assert ("user.create", "user:admin.metro", "opd.satpol") in actions
    assert ("user.password_change", "user:admin.metro", "admin.metro") in actions
    assert ("user.deactivate", "user:admin.metro", "opd.satpol") in actions
    assert ("organisation.deactivate", f"system:cli:{os_user()}", "SATPOL-METRO") in actions
    assert sum(a == "user.password_reset" for a, _, _ in actions) == 2
    logged = json.dumps([[e.before, e.after, e.detail] for e in events], default=str)
    for secret in (code.group(1), second.group(1), PASSWORD, NEW_PASSWORD):
        assert secret not in logged and secret.replace("-", "") not in logged


def test_a_pemda_admin_cannot_reach_another_pemda(env: dict[str, str]) -> None:
    ok(env, "accounts", "create-organisation", "--code", "PEMKAB-LAMTENG", "--kind", "pemda",
       "--name", "Pemkab Lampung Tengah", "--region", "18.02")
    assert "di luar wilayah" in refused(
        env, "accounts", "create-organisation", "--code", "DISHUB-X", "--kind", "opd", "--name",
        "Dishub", "--region", "18.02", "--as", "admin.metro")
    assert "tidak ditemukan" in refused(env, "accounts", "deactivate-organisation",
                                        "PEMKAB-LAMTENG", "--as", "admin.metro")
    assert "hanya dapat membuat akun" in refused(
        env, "accounts", "create-user", "--username", "admin.lamteng", "--name", "Admin",
        "--role", "pemda_admin", "--organisation", "PEMKAB-LAMTENG", "--one-time-code",
        "--as", "admin.metro")


def test_tokens_are_issued_rotated_and_revoked(env: dict[str, str]) -> None:
    ok(env, "accounts", "create-organisation", "--code", "LOKET-METRO", "--kind", "counter",
       "--name", "Loket Dishub Metro", "--as", "admin.metro")
    issued = ok(env, "accounts", "issue-token", "--name", "Sistem loket", "--organisation",
                "LOKET-METRO", "--permissions", "coverage.check,counter.enrol", "--as",
                "admin.metro")
    first = re.search(r"Token (\d+) dibuat .*: (lgt_\S+)", issued.stdout)
    assert first is not None
    rotated = ok(env, "accounts", "rotate-token", first.group(1), "--overlap-minutes", "0",
                 "--as", "admin.metro")
    second = re.search(r"Token (\d+) menggantikan .*: (lgt_\S+)", rotated.stdout)
    assert second is not None and "berhenti seketika" in rotated.stdout
    listed = json.loads(ok(env, "accounts", "list-tokens", "--json", "--as",
                           "admin.metro").stdout)
    live = {str(t["id"]): t["live"] for t in listed["tokens"]}
    assert live == {first.group(1): False, second.group(1): True}
    assert "sudah tidak berlaku" in refused(env, "accounts", "rotate-token", first.group(1))
    ok(env, "accounts", "revoke-token", second.group(1), "--as", "admin.metro")
    assert "sudah dicabut" in refused(env, "accounts", "revoke-token", second.group(1))
    logged = json.dumps([[e.before, e.after, e.detail] for e in audit(env)], default=str)
    assert first.group(2) not in logged and second.group(2) not in logged
    assert "token.rotate" in {e.action for e in audit(env)}
