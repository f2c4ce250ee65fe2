"""Where the servers the test suite runs write their logs, and the check that no log line holds a
full NIK (UU PDP 27/2022: a NIK may travel in a request body, never into a log).

Every server run (a ``lindung serve`` subprocess, the browser tests' in-process uvicorn) writes
one file of its own in :func:`log_dir`; the session fixture in ``tests/conftest.py`` reads every
file written during the session with :func:`leaks` and fails the session if one holds a run of
16 digits. Several pytest processes may run at once: file names carry the pid and a random part.
"""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Iterable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FULL_NIK = re.compile(r"(?<!\d)\d{16}(?!\d)")
KEEP_SECONDS = 7 * 24 * 3600
"""Logs of earlier runs are removed after a week (none of a session still running is older)."""


def log_dir() -> Path:
    """``<repo>/test-artifacts/server-logs/``, created on demand."""
    folder = REPO / "test-artifacts" / "server-logs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def new_log_path(label: str) -> Path:
    """A fresh file name in :func:`log_dir` for one server run, unique across processes."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", label)[:60]
    return log_dir() / f"{safe}-{os.getpid()}-{uuid.uuid4().hex[:8]}.log"


def prune_old_logs(now: float | None = None) -> None:
    """Remove logs older than :data:`KEEP_SECONDS` (the folder would otherwise only grow)."""
    limit = (now or time.time()) - KEEP_SECONDS
    for path in log_dir().glob("*.log"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except FileNotFoundError:  # another pytest process pruned it first
            pass


def logs_written_since(started: float) -> list[Path]:
    """The log files of :func:`log_dir` written to at or after ``started`` (``time.time()``)."""
    found = []
    for path in sorted(log_dir().glob("*.log")):
        try:
            if path.stat().st_mtime >= started:
                found.append(path)
        except FileNotFoundError:
            pass
    return found


def mask(number: str) -> str:
    """A number as it may be shown in a test report: first and last four digits."""
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def leaks(paths: Iterable[Path]) -> list[str]:
    """One description per log line holding a run of exactly 16 digits (a NIK), masked:
    ``<file>:<line>: 1872********0001``."""
    found = []
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            for match in FULL_NIK.finditer(line):
                found.append(f"{path}:{number}: {mask(match.group())}")
    return found
