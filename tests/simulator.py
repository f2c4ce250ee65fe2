"""The BPJS simulator as a separate process on a free port, for tests (and an in-process
branch that answers the same way, for tests that need no HTTP)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from lindung.bpjs_simulator.app import Branch, MemberIn
from lindung.bpjs_simulator.serve import READY
from lindung.enrollment.connector import Fetched, MemberOut

TOKEN = "token-simulator-uji"


@contextmanager
def running_simulator(token: str = TOKEN) -> Iterator[str]:
    """Start ``python -m lindung.bpjs_simulator --port 0``; yield its base URL once it listens
    (it prints the address after binding, so no waiting); stop it afterwards."""
    process = subprocess.Popen(
        [sys.executable, "-m", "lindung.bpjs_simulator", "--port", "0", "--token", token],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if READY not in line:
            process.kill()
            _out, err = process.communicate(timeout=10)
            raise RuntimeError(f"the BPJS simulator did not start: {line!r} {err[-2000:]}")
        yield line.split()[-1]
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover - a hung simulator
            process.kill()
            process.wait(timeout=10)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


@dataclass
class InstantBranch:
    """A connector answering at once in-process, by the simulator's own rules."""

    branch: Branch = field(default_factory=Branch)
    kind: str = "api"
    answers_at_once: bool = True
    calls: int = 0

    def submit(self, agreement_code: str, members: Sequence[MemberOut]) -> Fetched:
        self.calls += 1
        fetched = Fetched(sent="simulator")
        for i, m in enumerate(members, start=1):
            answer = self.branch.register(agreement_code, MemberIn(
                reference=m.reference, nik=m.nik, name=m.name, birth_date=m.birth_date,
                sex=m.sex, programs=m.programs))
            fetched.rows.append((i, answer.nik, answer.status == "diterima", answer.kpj,
                                 answer.reason))
        return fetched

    def fetch_answers(self, agreement_code: str) -> Fetched:
        return Fetched([(i, a.nik, a.status == "diterima", a.kpj, a.reason)
                        for i, a in enumerate(self.branch.of(agreement_code), start=1)])
