"""System fixtures: the real server (``python -m lindung serve``) as a subprocess on a copy of the
demo data, on SQLite and on PostgreSQL, that a test may kill with SIGKILL and find restarted.

The server runs with a test hook (a ``sitecustomize`` module on its ``PYTHONPATH``, nothing else
changed) that holds back every commit of a transaction that wrote for :data:`COMMIT_DELAY`
seconds before it reaches the database. A server that answered before committing would then lose
the change to a kill at the answer every time, rather than only when the kill wins a race of a
fraction of a millisecond; a server that commits first merely answers later.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from lindung.accounts.crypto import digest
from lindung.accounts.models import WebSession
from lindung.db import make_engine, session_factory
from lindung.demo_data import DEMO_PASSWORD
from tests.conftest import PG_ADMIN_URL, Demo
from tests.serverlogs import new_log_path

START_TIMEOUT = 30.0
COMMIT_DELAY = 0.1
HOOK = f'''"""tests/system: loaded as sitecustomize by the server under test only. Every commit of
a transaction that wrote waits {COMMIT_DELAY} s before it reaches the database."""
import time

from sqlalchemy import event
from sqlalchemy.engine import Engine

READS = ("SELECT", "PRAGMA", "SHOW")


def _mark(conn, cursor, statement, parameters, context, executemany):
    if not statement.lstrip().upper().startswith(READS):
        conn.info["tests_system_wrote"] = True


def _commit(conn):
    if conn.info.pop("tests_system_wrote", False):
        time.sleep({COMMIT_DELAY})


def _rollback(conn):
    conn.info.pop("tests_system_wrote", None)


event.listen(Engine, "before_cursor_execute", _mark)
event.listen(Engine, "commit", _commit)
event.listen(Engine, "rollback", _rollback)
'''


@dataclass(frozen=True)
class DemoDatabase:
    """A database holding the demo data: its URL and the KIR counter's API token."""

    kind: str
    url: str
    counter_token: str


def _counter_token(lines: list[str]) -> str:
    return next(line.rsplit(" ", 1)[1] for line in lines if "token API" in line)


LOAD_DEMO = """
import json, sys
from lindung.db import make_engine
from lindung.demo_data import load_demo
from lindung.migrate import upgrade
engine = make_engine(sys.argv[1])
upgrade(engine)
print(json.dumps(load_demo(engine)))
"""


class PgDemoLoading:
    """The PostgreSQL demo database being made: created at once, then migrated and loaded by a
    subprocess running ``upgrade()`` and ``load_demo()`` while the SQLite tests run (it takes
    some 15 s). :meth:`result` waits for it; ``problem`` is why there is none."""

    def __init__(self, tmp: Path) -> None:
        import psycopg

        self.admin = PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
        self.name = f"lindung_demo_{uuid.uuid4().hex[:10]}"
        self.url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{self.name}"
        self.problem: str | None = None
        self.created = False
        self.loader: subprocess.Popen[bytes] | None = None
        self._result: DemoDatabase | None = None
        try:
            conn = psycopg.connect(self.admin, autocommit=True, connect_timeout=5)
        except psycopg.OperationalError as exc:
            self.problem = f"PostgreSQL does not answer at {PG_ADMIN_URL}: {exc}"
            return
        with conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        self.created = True
        self.errors = tmp / "load_demo.stderr"
        with self.errors.open("wb") as errors:
            self.loader = subprocess.Popen(
                [sys.executable, "-c", LOAD_DEMO, self.url], cwd=tmp,
                env={**os.environ, "LINDUNG_TMP_DIR": str(tmp / "tmp")},
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors)

    def result(self) -> DemoDatabase:
        if self._result is None:
            assert self.loader is not None
            out, _ = self.loader.communicate(timeout=300)
            if self.loader.returncode != 0:
                raise RuntimeError("loading the demo data into PostgreSQL failed:\n"
                                   + self.errors.read_text(errors="replace")[-3000:])
            lines = json.loads(out.decode().strip().splitlines()[-1])
            self._result = DemoDatabase("postgresql", self.url, _counter_token(lines))
        return self._result

    def drop(self) -> None:
        import psycopg

        if self.loader is not None and self.loader.poll() is None:
            self.loader.kill()
            self.loader.wait()
        if self.created:
            with psycopg.connect(self.admin, autocommit=True) as conn:
                conn.execute(
                    f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_demo_loading(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PgDemoLoading]:
    loading = PgDemoLoading(tmp_path_factory.mktemp("pg-demo"))
    try:
        yield loading
    finally:
        loading.drop()


@pytest.fixture(scope="session")
def pg_demo(pg_demo_loading: PgDemoLoading) -> DemoDatabase:
    """A PostgreSQL database ``lindung_demo_<uuid>`` migrated and loaded with the demo data for
    this session, dropped at the end. Skips locally when no server answers; fails with CI=true.
    """
    if pg_demo_loading.problem:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but {pg_demo_loading.problem}")
        pytest.skip(f"{pg_demo_loading.problem}; start it with scripts/ensure-postgres.sh")
    return pg_demo_loading.result()


@pytest.fixture(scope="session")
def sqlite_demo(demo_template: Demo, tmp_path_factory: pytest.TempPathFactory) -> DemoDatabase:
    """A copy of the demo SQLite database for this session's system tests."""
    path = tmp_path_factory.mktemp("system-sqlite") / "demo.sqlite3"
    shutil.copy(demo_template.path, path)
    return DemoDatabase("sqlite", f"sqlite:///{path}", demo_template.counter_token)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def demo_db(request: pytest.FixtureRequest) -> DemoDatabase:
    """The demo database of each engine (the same one for the whole session). The PostgreSQL
    one starts loading with the first test that needs either, if any selected test needs it."""
    if any(isinstance(item, pytest.Function) and hasattr(item, "callspec")
           and item.callspec.params.get("demo_db") == "postgresql"
           for item in request.session.items):
        request.getfixturevalue("pg_demo_loading")
    found: DemoDatabase = request.getfixturevalue(
        "sqlite_demo" if request.param == "sqlite" else "pg_demo")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class PortTaken(Exception):
    """The server could not bind its port: someone took it between our look and its bind."""


class ServerProcess:
    """One ``python -m lindung serve`` process on a free port, its output in its own log."""

    def __init__(self, db: DemoDatabase, root: Path, hook: Path, cwd: Path) -> None:
        self.port = free_port()
        self.log_path = new_log_path(f"system-{db.kind}")
        self._log = self.log_path.open("wb")
        env = {**os.environ,
               "LINDUNG_DATABASE_URL": db.url,
               "LINDUNG_TMP_DIR": str(root / "tmp"),
               "LINDUNG_UPLOAD_DIR": str(root / "uploads"),
               "PYTHONPATH": os.pathsep.join(
                   p for p in (str(hook), os.environ.get("PYTHONPATH")) if p),
               "PYTHONUNBUFFERED": "1"}
        for name in ("LINDUNG_DEBUG", "LINDUNG_PUBLIC_URL"):
            env.pop(name, None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "lindung", "serve", "--host", "127.0.0.1",
             "--port", str(self.port)],
            cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=self._log,
            stderr=subprocess.STDOUT)
        self.answering = False

    def wait_answering(self) -> None:
        """Poll the port until it answers (at most :data:`START_TIMEOUT`)."""
        deadline = time.monotonic() + START_TIMEOUT
        while not self.answering:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    self.answering = True
                    return
            except OSError:
                pass
            if self.process.poll() is not None:
                if "address already in use" in self.tail().lower():
                    raise PortTaken(self.port)
                raise RuntimeError(f"lindung serve ended with {self.process.returncode} before "
                                   f"answering; see {self.log_path}:\n{self.tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"lindung serve did not answer on port {self.port} within "
                                   f"{START_TIMEOUT:.0f} s; see {self.log_path}:\n{self.tail()}")
            time.sleep(0.02)  # polling the port, nothing else

    def kill(self) -> None:
        """SIGKILL, and wait for the process to end."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()
        assert self.process.returncode == -signal.SIGKILL, (
            f"the server had already ended ({self.process.returncode}); see {self.log_path}")
        self._log.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()

    def tail(self) -> str:
        self._log.flush()
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-20:])


class LiveServer:
    """The server the tests of one engine talk to, on :attr:`db`, with a standby.

    :meth:`crash` kills the current process with SIGKILL and puts the standby (started earlier,
    so usually answering already) in its place; a new standby starts at once. Only as many
    processes start as the tests still to come need (``pending``). Every process writes its own
    log in the server-log folder.
    """

    def __init__(self, db: DemoDatabase, root: Path, pending: int) -> None:
        self.db = db
        self.root = root
        self.hook = root / "hook"
        self.hook.mkdir(parents=True, exist_ok=True)
        (self.hook / "sitecustomize.py").write_text(HOOK, encoding="utf-8")
        self.cwd = root / "cwd"
        self.cwd.mkdir(exist_ok=True)
        self.pending = pending
        self.current: ServerProcess | None = self._spawn() if pending > 0 else None
        self.standby: ServerProcess | None = self._spawn() if pending > 1 else None

    def _spawn(self) -> ServerProcess:
        return ServerProcess(self.db, self.root, self.hook, self.cwd)

    @property
    def url(self) -> str:
        assert self.current is not None
        return f"http://127.0.0.1:{self.current.port}"

    def ready(self) -> None:
        """For the next test: wait until the current process answers (replaced first if it has
        ended)."""
        self.pending -= 1
        if self.current is not None and self.current.process.poll() is not None:
            self.current.stop()
            self.current = None
        if self.current is None:
            self.current, self.standby = self.standby or self._spawn(), None
        try:
            self.current.wait_answering()
        except PortTaken:  # another program took the free port before the server bound it
            self.current = self._spawn()
            self.current.wait_answering()

    def crash(self) -> ServerProcess:
        """SIGKILL the current process and wait for it to end; the standby takes its place and
        another starts if a later test needs it. Returns the killed process."""
        assert self.current is not None
        killed = self.current
        killed.kill()
        self.current, self.standby = self.standby, None
        if self.current is None and self.pending > 0:
            self.current = self._spawn()
        if self.pending > 1:
            self.standby = self._spawn()
        return killed

    def stop(self) -> None:
        for process in (self.current, self.standby):
            if process is not None:
                process.stop()


@pytest.fixture(scope="module")
def live(demo_db: DemoDatabase, request: pytest.FixtureRequest,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The servers of one engine for the module, replaced as the tests kill them."""
    pending = sum(1 for item in request.session.items
                  if isinstance(item, pytest.Function) and item.module is request.module
                  and "server" in item.fixturenames
                  and item.callspec.params.get("demo_db") == demo_db.kind)
    server = LiveServer(demo_db, tmp_path_factory.mktemp(f"live-{demo_db.kind}"), pending)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def server(live: LiveServer) -> LiveServer:
    """The module's server, answering."""
    live.ready()
    return live


# --- helpers shared by the tests -----------------------------------------------------------------

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def sign_in_form(client: httpx.Client, username: str = "admin.metro") -> dict[str, str]:
    """GET /masuk: the pre-CSRF cookie lands in ``client``; returns the form to POST /masuk."""
    page = client.get("/masuk")
    assert page.status_code == 200, page.text
    assert "lindung_csrf" in client.cookies
    token = CSRF_FIELD.search(page.text)
    assert token is not None, "no csrf_token in the sign-in form"
    return {"username": username, "password": DEMO_PASSWORD, "csrf_token": token.group(1)}


def signed_in(client: httpx.Client, url: str, username: str = "admin.metro") -> str:
    """Sign ``client`` in; returns its session's CSRF token as stored in the database."""
    done = client.post("/masuk", data=sign_in_form(client, username))
    assert done.status_code == 303, done.text
    secret = client.cookies.get("lindung_session")
    assert secret
    engine = make_engine(url)
    try:
        with session_factory(engine)() as s:
            web = s.scalar(select(WebSession).where(WebSession.digest == digest(secret)))
            assert web is not None
            return web.csrf_token
    finally:
        engine.dispose()
