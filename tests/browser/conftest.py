"""Browser tests: Debian's chromium driven by Playwright against lindung served by uvicorn on
127.0.0.1 (a free port), on a copy of the demo database. A failing test leaves a screenshot in
``test-artifacts/``. Chromium is installed by scripts/ensure-chromium.sh (run by ``make test``)."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lindung.accounts.throttle import sign_in_throttle
from lindung.db import make_engine
from lindung.demo_data import DEMO_PASSWORD
from lindung.web.app import create_app
from tests.conftest import Demo

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(demo_template: Demo, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """lindung serving a copy of the demo database; yields its base URL."""
    import uvicorn

    path = tmp_path_factory.mktemp("browser") / "demo.sqlite3"
    shutil.copy(demo_template.path, path)
    engine = make_engine(f"sqlite:///{path}")
    sign_in_throttle.clear()
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(engine), host="127.0.0.1", port=port,
                                           log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but {CHROMIUM} is missing; run scripts/ensure-chromium.sh")
        pytest.skip(f"{CHROMIUM} is missing; run scripts/ensure-chromium.sh (needs apt)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=FLAGS)
        yield browser
        browser.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(locale="id-ID", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def sign_in(page: Any, server: str, username: str) -> None:
    page.goto(f"{server}/masuk")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


# --- server log: this module's uvicorn logs into tests/serverlogs.log_dir(), redacted ---------

@pytest.fixture(scope="module", autouse=True)
def server_log_file(request: pytest.FixtureRequest) -> Iterator[Path]:
    """While a browser module runs (its in-process server included), the root logger also
    writes to a file of its own in the server-log folder, through lindung's NIK filter; the
    session check in tests/conftest.py reads it."""
    import logging

    from lindung.logs import RedactNik
    from tests.serverlogs import new_log_path

    path = new_log_path(f"browser-{request.module.__name__.rsplit('.', 1)[-1]}")
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactNik())
    root = logging.getLogger()
    root.addHandler(handler)
    yield path
    root.removeHandler(handler)
    handler.close()
