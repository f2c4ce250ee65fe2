"""The day lindung works on: today, or the day named by ``LINDUNG_TODAY`` (``2026-11-29``).

Everything that asks "which day is it?" (the counter, the import's choice of phase, the pages'
defaults, the demo's year) asks :func:`today`, so a test suite, a demonstration or a rehearsal
of next year's agreements can run as of a fixed day, in this process and in the servers and
commands it starts. Timestamps (audit events, sessions) always use the real clock.
"""

from __future__ import annotations

import os
from datetime import date


def today() -> date:
    """``LINDUNG_TODAY`` when set (ISO date), else the machine's date."""
    fixed = os.environ.get("LINDUNG_TODAY", "").strip()
    return date.fromisoformat(fixed) if fixed else date.today()
