"""Running the ``lindung`` command in the test process: the same entry point
(:func:`lindung.cli.main`, with its one-line errors and exit codes) and the environment given,
without starting an interpreter per command (two seconds each). A few tests still start
``python -m lindung`` as a person would, to prove the module runs."""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Mapping
from dataclasses import dataclass
from unittest import mock


@dataclass(frozen=True)
class Done:
    """What a finished command left: like :class:`subprocess.CompletedProcess`."""

    returncode: int
    stdout: str
    stderr: str


def run_cli(*args: str, env: Mapping[str, str] | None = None, stdin: str = "") -> Done:
    """Run ``lindung ARGS`` in this process with ``env`` as the whole environment (default:
    the test process's own) and ``stdin`` as its standard input (not a terminal)."""
    from lindung.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = 0
    with mock.patch.dict(os.environ, dict(env) if env is not None else {}, clear=env is not None), \
            mock.patch("sys.stdin", io.StringIO(stdin)), \
            contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return Done(code, out.getvalue(), err.getvalue())
