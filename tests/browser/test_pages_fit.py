"""Every page fits: signed in as each demo role, the pages reachable from the menu, the detail
pages linked from them, and the pages a form leads to (a roster's report, the counter's check,
the error pages, the public card check) are opened in one chromium at 1366x768 and at phone
width (390x844). A page fails on horizontal overflow of the document (naming the widest element
that sticks out), on any console error (a Content-Security-Policy violation included), on a
title that is not "Page – lindung", on a page without exactly one heading or with a word
repeated in it ("Loket Loket KIR"), and on a checkbox or radio that is not beside its label's
text. A screenshot of every page at both widths is saved in ``test-artifacts/screens/``.

Pages are found by following links, so a page added later is checked without changing this
test; one page of each route shape is enough (``/pks/METRO-2026`` stands for every agreement)."""

from __future__ import annotations

import csv
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

import lindung.web
from lindung.counter.models import CounterPayment
from lindung.db import make_engine
from lindung.demo_data import DEMO_PASSWORD
from lindung.web.app import SECURITY_HEADERS
from tests.browser.conftest import ARTIFACTS
from tests.conftest import Demo

SCREENS = ARTIFACTS / "screens"
WIDE = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
ROLES = ["admin.metro", "opd.satpol", "desa.metro", "bpjs.metro", "loket.kir", "auditor.metro"]
MAX_PAGES = 40
"""Pages visited per role at most, so that a page listing thousands of links stays fast."""
NOT_FOLLOWED = re.compile(r"^/(keluar|bahasa/|api/|static/)|\.(pdf|xlsx|csv)$|/unduh|/ekspor")
"""Sign-out, the language switch, the API, files and downloads are not pages to look at."""
TITLE = re.compile(r"^(?!.*lindung.* – lindung$)\S.* – lindung$")
"""``Page – lindung``: a page name, then the application's name once."""
REPEATED_WORD = re.compile(r"\b(\w+)\s+\1\b", re.IGNORECASE)
"""A word said twice in a row, as in "Loket Loket KIR"."""
UNKNOWN_CARD = "kodeyangtidakadadikartumanapun"

OVERFLOW_JS = """() => {
  const vw = window.innerWidth;
  const sw = document.documentElement.scrollWidth;
  if (sw <= vw) return null;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + [...el.classList].map((c) => '.' + c).join('');
  let worst = null;
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= vw + 0.5) continue;
    let p = el.parentElement;
    let clipped = false;
    while (p && p !== document.body) {
      if (getComputedStyle(p).overflowX !== 'visible') { clipped = true; break; }
      p = p.parentElement;
    }
    if (clipped) continue;
    if (worst === null || r.right > worst.right + 1) {
      const path = [];
      for (let a = el; a && a !== document.body && path.length < 4; a = a.parentElement) {
        path.unshift(name(a));
      }
      worst = {right: Math.round(r.right), width: Math.round(r.width), path: path.join(' > '),
               text: (el.innerText || el.value || '').trim().replace(/\\s+/g, ' ').slice(0, 60)};
    }
  }
  return {scrollWidth: sw, innerWidth: vw, worst: worst};
}"""

CHECKBOX_JS = """() => {
  const bad = [];
  for (const input of document.querySelectorAll('input[type=checkbox], input[type=radio]')) {
    if (!input.getClientRects().length) continue;
    const label = input.closest('label')
        || (input.id && document.querySelector('label[for="' + CSS.escape(input.id) + '"]'));
    const what = (input.name || '?') + '=' + (input.value || '');
    if (!label) { bad.push(what + ': no label'); continue; }
    // The first words of the label that can be seen (words only for a screen reader, in a
    // 1 px clipped box, are fine where the row itself says what the box is for).
    const walker = document.createTreeWalker(label, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    let line = null;
    let hidden = false;
    for (let text = walker.nextNode(); text && !line; text = walker.nextNode()) {
      if (!text.textContent.trim()) continue;
      range.selectNodeContents(text);
      const rect = range.getClientRects()[0];
      let shown = Boolean(rect);
      for (let e = text.parentElement; shown && e !== label.parentElement; e = e.parentElement) {
        const around = e.getBoundingClientRect();
        shown = around.width > 1 && around.height > 1;
      }
      if (shown) line = rect; else hidden = true;
    }
    if (!line) { if (!hidden) bad.push(what + ': label without words'); continue; }
    const box = input.getBoundingClientRect();
    const middle = (r) => (r.top + r.bottom) / 2;
    const sameLine = Math.abs(middle(line) - middle(box)) <= Math.max(line.height, box.height) / 2;
    const apart = line.left >= box.right - 1 || line.right <= box.left + 1;
    if (!sameLine || !apart || box.width > 48) {
      bad.push(what + ': box ' + Math.round(box.width) + 'px wide at y=' + Math.round(box.top)
               + ', its words at y=' + Math.round(line.top));
    }
  }
  return bad;
}"""


@dataclass
class Visit:
    """What one browser tab saw while the pages of one role were opened."""

    page: Any
    base: str
    who: str
    console: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    expected_status: int = 200

    def listen(self) -> None:
        def on_console(message: Any) -> None:
            if message.type != "error":
                return
            text = message.text
            # Chromium reports the status of a page answered 403/404 on purpose as an error.
            if f"status of {self.expected_status}" in text and self.expected_status >= 400:
                return
            self.console.append(text)

        self.page.on("console", on_console)
        self.page.on("pageerror", lambda error: self.console.append(f"script error: {error}"))

    def check(self, label: str) -> None:
        """Check the page now open, at both widths, and screenshot it."""
        where = f"{self.who} {label} ({urlsplit(self.page.url).path})"
        title = self.page.title()
        if not TITLE.match(title):
            self.problems.append(f"{where}: title {title!r} is not 'Page – lindung'")
        headings = self.page.locator("main h1").all_inner_texts()
        if len(headings) != 1:
            self.problems.append(f"{where}: {len(headings)} main headings (h1), not one")
        for heading in headings:
            if REPEATED_WORD.search(heading):
                self.problems.append(f"{where}: heading {heading!r} repeats a word")
        for size, tag in ((WIDE, "1366"), (PHONE, "390")):
            self.page.set_viewport_size(size)
            overflow = self.page.evaluate(OVERFLOW_JS)
            if overflow is not None:
                worst = overflow["worst"] or {}
                self.problems.append(
                    f"{where} at {tag}px: page {overflow['scrollWidth']}px wide > "
                    f"{overflow['innerWidth']}px; widest: {worst.get('path')} "
                    f"({worst.get('width')}px, right edge {worst.get('right')}px) "
                    f"{worst.get('text', '')!r}")
            for bad in self.page.evaluate(CHECKBOX_JS):
                self.problems.append(f"{where} at {tag}px: checkbox not beside its label: {bad}")
            shot = SCREENS / f"{_slug(self.who)}--{_slug(label)}--{tag}.png"
            self.page.screenshot(path=str(shot), full_page=True)
        self.page.set_viewport_size(WIDE)
        for text in self.console:
            self.problems.append(f"{where}: console error: {text}")
        self.console.clear()

    def open(self, path: str, label: str, status: int = 200) -> None:
        self.expected_status = status
        response = self.page.goto(f"{self.base}{path}")
        got = response.status if response is not None else 0
        if got != status:
            self.problems.append(f"{self.who} {path}: answered {got}, expected {status}")
        self.check(label)
        self.expected_status = 200


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "beranda"


def shape(path: str) -> tuple[str, ...]:
    """The route a path stands for: a segment holding a digit or a capital is a value
    (``/pks/METRO-2026`` and ``/pks/KOTA-2027`` are one page), the others are words; a query
    counts by its names only."""
    parts = urlsplit(path)
    route = tuple("*" if re.search(r"[0-9A-Z]", s) else s
                  for s in parts.path.strip("/").split("/"))
    names = sorted({pair.split("=")[0] for pair in parts.query.split("&") if pair})
    return route + tuple(f"?{name}" for name in names)


def test_shape() -> None:
    assert shape("/pks/METRO-2026") == shape("/pks/LAMTENG-2025") == ("pks", "*")
    assert shape("/pks/baru") == ("pks", "baru") != shape("/pks/METRO-2026/addendum")
    assert shape("/pekerja/17") == ("pekerja", "*")
    assert shape("/pekerja?nama=Siti") == shape("/pekerja?nama=Budi") != shape("/pekerja")
    assert REPEATED_WORD.search("Loket Loket KIR") and not REPEATED_WORD.search("Kupu-kupu")
    assert TITLE.match("PKS METRO-2026 – lindung") and not TITLE.match("lindung · lindung")
    assert not TITLE.match(" – lindung") and not TITLE.match("lindung – lindung")


def links(page: Any, base: str) -> list[str]:
    """Same-site GET links of the page open now, in document order, without their query
    (a filter or a page number shows the same page)."""
    hrefs: list[str] = page.eval_on_selector_all(
        "a[href]", "(as) => as.filter((a) => !a.target).map((a) => a.href)")
    found: list[str] = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != base or NOT_FOLLOWED.search(parts.path):
            continue
        if parts.path not in found:
            found.append(parts.path)
    return found


def crawl(visit: Visit, start: list[str]) -> list[str]:
    """Opens the menu's pages, then the pages they link to, one per route shape."""
    seen: set[tuple[str, ...]] = set()
    queue = list(start)
    opened: list[str] = []
    while queue and len(opened) < MAX_PAGES:
        path = queue.pop(0)
        if shape(path) in seen:
            continue
        seen.add(shape(path))
        visit.open(path, path.strip("/") or "beranda")
        opened.append(path)
        queue.extend(p for p in links(visit.page, visit.base) if shape(p) not in seen)
    return opened


def sign_in(visit: Visit, username: str) -> None:
    page = visit.page
    visit.open("/masuk", "masuk")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("load")
    assert "/masuk" not in page.url, f"{username} could not sign in"


@pytest.fixture(scope="module", autouse=True)
def fresh_screens() -> Iterator[None]:
    """After the run, screenshots from runs more than an hour older (pages since gone) are
    removed; not before, and not recent ones, so a run going on beside this one keeps its own."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    started = time.time()
    yield
    for old in SCREENS.glob("*.png"):
        if old.stat().st_mtime < started - 3600:
            old.unlink(missing_ok=True)


@pytest.fixture
def visit(browser: Any, server: str) -> Iterator[Callable[[str], Visit]]:
    contexts: list[Any] = []

    def make(who: str) -> Visit:
        context = browser.new_context(locale="id-ID", viewport=WIDE)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        visit = Visit(page, server, who)
        visit.listen()
        return visit

    yield make
    for context in contexts:
        context.close()


def _write_roster(path: Path) -> None:
    """A roster with a good row, a refused one and a warning, so the report has a table."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["No", "NIK", "Nama", "Tgl Lahir", "Jenis Kelamin", "Desa/Kelurahan",
                         "Pekerjaan"])
        writer.writerow(["1", "1872011501909001", "Paijo Wiryo Sudarmo Hadikusumo",
                         "15-01-1990", "L", "18.72.01.1001", "Linmas"])
        writer.writerow(["2", "1.87201E+15", "Salah Format", "15-01-1990", "L",
                         "18.72.01.1001", "Linmas"])
        writer.writerow(["3", "1872015501909002", "Painem", "15-01-1990", "P",
                         "Kelurahan Yang Namanya Sangat Panjang Sekali Dan Tidak Dikenal",
                         "penjahit pakaian dan permak jeans"])


def _demo_receipts(demo: Demo) -> list[str]:
    engine = make_engine(f"sqlite:///{demo.path}")
    try:
        with engine.connect() as connection:
            return list(connection.scalars(
                select(CounterPayment.receipt_number).order_by(CounterPayment.id)))
    finally:
        engine.dispose()


@pytest.mark.parametrize("who", ROLES)
def test_every_page_fits(visit: Callable[[str], Visit], who: str, tmp_path: Path,
                         demo_template: Demo) -> None:
    v = visit(who)
    sign_in(v, who)
    menu = v.page.eval_on_selector_all("header nav a[href]",
                                       "(as) => as.map((a) => new URL(a.href).pathname)")
    assert menu, f"{who} sees no menu"
    # A name search lists workers even where the worker page starts as a search form.
    search = ["/pekerja?nama=Siti"] if "/pekerja" in menu else []
    opened = crawl(v, [urlsplit(v.page.url).path, *menu, *search])
    assert set(menu) <= set(opened)
    if who == "admin.metro":  # the detail pages are reached by following links
        reached = {shape(p) for p in opened}
        assert {("pks", "*"), ("pekerja", "*")} <= reached, opened

    page = v.page
    if who == "admin.metro":
        roster = tmp_path / "daftar-linmas.csv"
        _write_roster(roster)
        page.goto(f"{v.base}/unggah")
        page.select_option("select[name=agreement]", "METRO-2026")
        page.set_input_files("input[type=file]", str(roster))
        page.click("form[action='/unggah'] button[type=submit]")
        page.wait_for_load_state("load")
        assert page.locator("table").count() > 0, "the roster report shows no table"
        v.check("laporan-unggah")
        v.open("/pks/TIDAK-ADA-9", "tidak-ditemukan", status=404)
        # English words run longer: the pages opened, once more in English.
        page.goto(f"{v.base}/bahasa/en")
        assert page.locator("html[lang=en]").count() == 1
        for path in opened:
            v.open(path, f"en-{path.strip('/') or 'beranda'}")
    if who == "loket.kir":
        page.goto(f"{v.base}/loket")
        page.fill("form[action='/loket/cek'] input[name=nik]", "1802011705800007")
        page.click("form[action='/loket/cek'] button[type=submit]")
        page.wait_for_load_state("load")
        v.check("loket-cek")
        # The demo's two receipts: one confirmed by BPJS (its card printable), one waiting.
        receipts = _demo_receipts(demo_template)
        assert receipts, "the demo has no counter receipt"
        for number in receipts:
            v.open(f"/loket/bukti/{number}", f"bukti-{number}")
    if who == "desa.metro":
        v.open("/pengaturan", "dilarang", status=403)

    assert not v.problems, "\n".join(v.problems)


def test_public_pages_fit(visit: Callable[[str], Visit]) -> None:
    v = visit("tamu")
    v.open("/masuk", "masuk")
    v.open(f"/kartu/{UNKNOWN_CARD}", "kartu")
    assert v.page.locator("main h1").count() == 1
    v.open("/tidak-ada-halaman-ini", "tidak-ditemukan", status=404)
    assert not v.problems, "\n".join(v.problems)


TEMPLATES = Path(lindung.web.__file__).parent / "templates"
INLINE_CODE = re.compile(r"<script(?![^>]*\ssrc=)|<style|\sstyle=|\shx-on|\son[a-z]+=|javascript:",
                         re.IGNORECASE)
"""What the CSP refuses in a page: inline scripts and styles, event handlers, ``hx-on``."""


def test_the_policy_stays_strict() -> None:
    """Checked without a browser, so a loosened policy fails even where chromium is absent."""
    header = SECURITY_HEADERS["Content-Security-Policy"]
    policy = dict(d.strip().split(" ", 1) for d in header.split(";"))
    assert policy["default-src"] == policy["script-src"] == policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == policy["base-uri"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert "unsafe" not in header and "nonce-" not in header and "*" not in header


def test_templates_carry_no_inline_code() -> None:
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = re.sub(r"{#.*?#}", "", path.read_text(encoding="utf-8"), flags=re.S)
        name = path.relative_to(TEMPLATES)
        found += [f"{name}: {m.group(0)!r}" for m in INLINE_CODE.finditer(text)]
    assert not found, found
    assert INLINE_CODE.search('<p style="color:red">') and INLINE_CODE.search("<script>x()")
    assert not INLINE_CODE.search('<script src="/static/htmx.min.js" defer></script>')


def test_favicon(visit: Callable[[str], Visit]) -> None:
    v = visit("tamu")
    v.open("/masuk", "masuk")
    icon = v.page.get_attribute("head link[rel=icon]", "href")
    assert icon is not None
    answer = v.page.request.get(f"{v.base}{icon}")
    assert answer.status == 200 and b"<svg" in answer.body()
    legacy = v.page.request.get(f"{v.base}/favicon.ico")
    assert legacy.status == 200 and legacy.headers["content-type"].startswith("image/")
    assert not v.problems, "\n".join(v.problems)
