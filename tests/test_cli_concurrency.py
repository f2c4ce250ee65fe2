"""Two people import the same roster at the same moment from the shell: on PostgreSQL and on
SQLite each person is enrolled once, and neither terminal shows a traceback or a full NIK
(a database refusal is told in words)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from lindung.db import session_factory
from lindung.enrollment.models import Membership
from tests.enrollment.test_import import agreement, person, write_csv

LONG_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)")


def test_concurrent_shell_imports_enrol_once_and_print_no_nik(engine: Engine,
                                                               tmp_path: Path) -> None:
    agreement(engine, quota=5000)
    roster = write_csv(tmp_path / "r.csv", [person(i) for i in range(1, 3001)])
    env = {**os.environ, "LINDUNG_DATABASE_URL": engine.url.render_as_string(False),
           "LINDUNG_TMP_DIR": str(tmp_path / "tmp"), "LINDUNG_ACTOR": "operator"}
    runs = [subprocess.Popen([sys.executable, "-m", "lindung", "roster", "import", str(roster),
                              "--agreement", "METRO-2022", "--json"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    results = [(run.wait(timeout=300), *run.communicate()) for run in runs]
    for code, out, err in results:
        assert "Traceback" not in err and not LONG_DIGITS.search(err), err
        assert not LONG_DIGITS.search(out)
        # committed, or refused in words because the other held the database
        assert code == 0 or (code == 3 and "tidak ada yang disimpan" in err), (code, err)
    assert any(code == 0 for code, _, _ in results)
    with session_factory(engine)() as s:
        assert s.scalar(select(func.count()).select_from(Membership)) == 3000


def test_an_unexpected_error_is_told_without_the_nik(monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from sqlalchemy.exc import IntegrityError

    from lindung import cli

    def boom(*_: object, **__: object) -> None:
        raise IntegrityError("INSERT INTO worker ...", {}, Exception(
            'duplicate key value violates unique constraint "uq_worker_nik" '
            "DETAIL:  Key (nik)=(1872011203750001) already exists."))

    monkeypatch.setattr(cli, "app", boom)
    with pytest.raises(SystemExit) as stopped:
        cli.main(["roster", "import", "x.csv", "--agreement", "A"])
    err = capsys.readouterr().err
    assert stopped.value.code == 3 and "tidak ada yang disimpan" in err
    assert "1872011203750001" not in err and "Traceback" not in err

    def crash(*_: object, **__: object) -> None:
        raise RuntimeError("row for 1872011203750001 broke")

    monkeypatch.setattr(cli, "app", crash)
    with pytest.raises(SystemExit) as stopped:
        cli.main(["roster", "import", "x.csv", "--agreement", "A"])
    err = capsys.readouterr().err
    assert stopped.value.code == 1 and "1872********0001" in err and "1872011203750001" not in err
