"""Temporary files that hold personal data (uploaded rosters, reports, submission files).

They live under ``var/tmp/`` (or ``LINDUNG_TMP_DIR``), never in the machine's shared ``/tmp``:
one folder per process (``<pid>-<random>``, mode 0700), removed on every way out of the block
that made them. A process killed mid-way cannot clean up, so :func:`sweep` (run when the server
or a CLI command starts) removes the folders of processes that are no longer running.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

STALE_SECONDS = 24 * 3600
"""A folder whose process id is alive again (ids are reused) is removed after a day anyway."""

_own: Path | None = None


def root() -> Path:
    return Path(os.environ.get("LINDUNG_TMP_DIR") or Path("var") / "tmp")


def _folder_pid(name: str) -> int | None:
    head = name.split("-", 1)[0]
    return int(head) if head.isdigit() else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def own_folder() -> Path:
    """This process's folder under :func:`root`, made on first use."""
    global _own
    base = root()
    if (_own is None or not _own.is_dir() or _folder_pid(_own.name) != os.getpid()
            or _own.parent != base):
        base.mkdir(parents=True, exist_ok=True)
        _own = base / f"{os.getpid()}-{secrets.token_hex(4)}"
        _own.mkdir(mode=0o700)
    return _own


@contextmanager
def temporary_directory() -> Iterator[Path]:
    """A fresh folder inside this process's folder, removed when the block ends however it
    ends (return, error, or the request being cancelled)."""
    folder = Path(tempfile.mkdtemp(dir=own_folder()))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def sweep(now: float | None = None) -> int:
    """Remove what killed processes left behind; returns how many folders went."""
    base = root()
    if not base.is_dir():
        return 0
    now = time.time() if now is None else now
    removed = 0
    for entry in base.iterdir():
        pid = _folder_pid(entry.name)
        if pid == os.getpid():
            continue
        try:
            old = now - entry.stat().st_mtime > STALE_SECONDS
        except FileNotFoundError:
            continue
        if pid is None or not _alive(pid) or old:
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            removed += 1
    return removed
