"""``lindung audit verify``: an intact chain in one line and exit status 0; a broken one named
at its first broken link (seq, id, time, action, what is wrong) with exit status 1; the same as
JSON for scripts; a database without the chain refused in one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import cast

from sqlalchemy import Engine, Table, text, update

from lindung.audit.models import AuditEvent
from lindung.audit.service import record
from lindung.db import transaction


def _verify(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LINDUNG_DATABASE_URL": url}
    return subprocess.run([sys.executable, "-m", "lindung", "audit", "verify", *args], env=env,
                          capture_output=True, text=True, check=False, timeout=120)


def test_verify_reports_the_chain_whole_then_broken(engine: Engine) -> None:
    url = engine.url.render_as_string(hide_password=False)
    for i in range(3):
        with transaction(engine) as s:
            record(s, actor="test", action="test.cli", entity="test", entity_id=i)
    with engine.connect() as c:
        last = c.execute(text("SELECT hash FROM audit_chain_head")).scalar_one()

    whole = _verify(url)
    assert whole.returncode == 0, whole.stderr
    assert whole.stdout == f"Rantai log audit utuh: 3 peristiwa, hash terakhir {last}.\n"
    data = json.loads(_verify(url, "--json").stdout)
    assert data == {"ok": True, "events": 3, "last_seq": 3, "last_hash": last,
                    "first_broken": None}

    with engine.begin() as c:
        if engine.dialect.name == "postgresql":
            c.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only"))
        else:
            c.execute(text("DROP TRIGGER audit_event_no_update"))
        events = cast(Table, AuditEvent.__table__)  # typed as any FromClause: it is the Table
        c.execute(update(events).where(events.c.seq == 2).values(entity_id="99"))
        if engine.dialect.name == "postgresql":
            c.execute(text("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only"))
        second = c.execute(text("SELECT id, at FROM audit_event WHERE seq = 2")).one()

    broken = _verify(url)
    assert broken.returncode == 1, broken.stderr
    lines = broken.stdout.splitlines()
    assert lines[0].startswith(f"Rantai log audit PUTUS pada seq 2 (id {second.id}, 20")
    assert "UTC, test.cli): isi peristiwa berubah sejak dicatat" in lines[0]
    assert lines[1].startswith("1 peristiwa sebelumnya utuh")
    done = _verify(url, "--json")
    assert done.returncode == 1
    data = json.loads(done.stdout)
    assert (data["ok"], data["events"]) == (False, 1)
    assert {k: data["first_broken"][k] for k in ("problem", "seq", "id", "action")} == {
        "problem": "content_changed", "seq": 2, "id": second.id, "action": "test.cli"}
    assert data["first_broken"]["at"].startswith("20")


def test_a_database_without_the_chain_is_refused_in_one_line(tmp_path: Path) -> None:
    done = _verify(f"sqlite:///{tmp_path / 'kosong.sqlite3'}")
    assert done.returncode == 2
    assert done.stderr == ("lindung: error: basis data belum memiliki rantai log audit: "
                           "jalankan lindung db upgrade\n")
