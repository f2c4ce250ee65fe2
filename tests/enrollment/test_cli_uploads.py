"""``lindung uploads``: the retention of uploaded rosters and their purge, audited."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

from sqlalchemy import select

from lindung.audit.models import AuditEvent
from lindung.db import make_engine, session_factory
from tests.cli import run_cli


def test_retention_and_purge_from_the_shell(sqlite_template: Path, tmp_path: Path) -> None:
    db = tmp_path / "lindung.sqlite3"
    shutil.copy(sqlite_template, db)
    uploads = tmp_path / "uploads"
    old = uploads / ("x" * 32)
    old.mkdir(parents=True)
    (old / "r.csv").write_text("NIK\n", encoding="utf-8")
    ten_days_ago = time.time() - 10 * 24 * 3600
    os.utime(old, (ten_days_ago, ten_days_ago))
    env = {**{k: v for k, v in os.environ.items() if k != "LINDUNG_USER"},
           "LINDUNG_DATABASE_URL": f"sqlite:///{db}", "LINDUNG_UPLOAD_DIR": str(uploads)}
    shown = run_cli("uploads", "retention", "--json", env=env)
    assert shown.returncode == 0 and json.loads(shown.stdout) == {"days": 7}
    assert run_cli("uploads", "retention", "--days", "12", env=env).stdout.strip() == \
        "Masa simpan berkas unggahan: 12 hari."
    refused = run_cli("uploads", "retention", "--days", "0", env=env)
    assert refused.returncode == 2 and "1 sampai 365 hari" in refused.stderr
    kept = run_cli("uploads", "purge", "--json", env=env)
    assert json.loads(kept.stdout) == {"deleted": 0, "kept": 1, "days": 12} and old.exists()
    run_cli("uploads", "retention", "--days", "9", env=env)
    purged = run_cli("uploads", "purge", env=env)
    assert purged.returncode == 0 and not old.exists()
    assert purged.stdout.startswith("1 berkas unggahan dihapus (lebih lama dari 9 hari)")
    engine = make_engine(f"sqlite:///{db}")
    with session_factory(engine)() as s:
        events = s.execute(select(AuditEvent.action, AuditEvent.actor).where(
            AuditEvent.action.like("roster.upload%")).order_by(AuditEvent.id)).all()
    engine.dispose()
    assert [a for a, _ in events] == ["roster.upload_retention", "roster.upload_retention",
                                      "roster.upload_purge"]
    assert all(actor.startswith("system:cli:") for _, actor in events)
