"""Where uploaded rosters wait between "Periksa" and "Simpan", and how long they may.

An uploaded roster holds full NIKs. It is kept in ``<root>/<key>/`` (the file and a
``meta.json``; the folder's modification time is when it was stored) only until its import is
committed or it is discarded, and never longer than the retention period the admin sets
(:class:`~lindung.enrollment.models.UploadRetention`, default
:data:`~lindung.enrollment.models.DEFAULT_UPLOAD_RETENTION_DAYS` days). The deletions are
actions (``enrollment.actions.do_delete_upload``, ``do_purge_uploads``), so they are audited.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from lindung.enrollment.models import DEFAULT_UPLOAD_RETENTION_DAYS, UploadRetention

KEY = re.compile(r"^[A-Za-z0-9_-]{32}$")
"""An upload's key: 24 random bytes, URL-safe (``secrets.token_urlsafe(24)``)."""


def default_root() -> Path:
    """``LINDUNG_UPLOAD_DIR``, else ``var/uploads``: the folder the web app and the CLI share."""
    return Path(os.environ.get("LINDUNG_UPLOAD_DIR") or Path("var") / "uploads")


def retention_days(session: Session) -> int:
    """Days an uploaded roster may stay on disk: the admin's setting, else the default."""
    setting = session.get(UploadRetention, 1)
    return setting.days if setting is not None else DEFAULT_UPLOAD_RETENTION_DAYS


@dataclass(frozen=True)
class StoredFolder:
    key: str
    path: Path
    stored_at: datetime
    file_name: str | None
    agreement: str | None


def stored(root: Path) -> list[StoredFolder]:
    """Every upload folder under ``root``, oldest first (other entries are not ours)."""
    found: list[StoredFolder] = []
    for entry in root.iterdir() if root.is_dir() else ():
        if not (entry.is_dir() and KEY.match(entry.name)):
            continue
        try:
            meta = json.loads((entry / "meta.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            meta = {}
        found.append(StoredFolder(entry.name, entry,
                                  datetime.fromtimestamp(entry.stat().st_mtime).astimezone(),
                                  meta.get("file"), meta.get("agreement")))
    return sorted(found, key=lambda f: f.stored_at)


def expired(root: Path, days: int, now: datetime) -> list[StoredFolder]:
    """The uploads stored more than ``days`` days before ``now``."""
    cutoff = now - timedelta(days=days)
    return [f for f in stored(root) if f.stored_at < cutoff]


def remove(folder: Path) -> bool:
    """Delete an upload's folder; whether there was one."""
    if not folder.is_dir():
        return False
    shutil.rmtree(folder, ignore_errors=True)
    return not folder.exists()
