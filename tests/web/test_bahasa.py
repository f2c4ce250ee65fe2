"""Bahasa Indonesia throughout: no English word and no internal code on an Indonesian page.

The English words are taken from the English side of the words catalogue (every ``en`` value of
``lindung.web.i18n.TEXTS``, split into words), minus the words the Indonesian side uses too
("Status", "Program", "Data", "Token") and a short allow-list below, each with its reason. Every
page route of the app (every GET route outside ``/api``, including routes added later) is
opened by every demo role with ``lang=id``, and so are the error pages (403, 404, 405, 422,
500, 503) and the API's error bodies; the text a person sees or hears (text, the page title,
``placeholder``, ``title``, ``alt``, ``aria-label``, button values; not scripts, styles or hidden
values) must hold none of those words, no status, occupation, group or funding-source code, no
parameter key (``bpu.jkk.rate``) and no permission code (``exchange.export``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import Engine, select
from sqlalchemy.exc import OperationalError

from lindung.agreements.models import FundingSource
from lindung.db import session_factory
from lindung.demo_data import ACCOUNTS
from lindung.enrollment.models import MEMBERSHIP_STATUSES, Membership
from lindung.principal import PERMISSION_LABELS, PERMISSIONS, ROLE_LABELS
from lindung.registry.models import Occupation, Worker
from lindung.rules import load_parameters
from lindung.web import i18n
from lindung.web.i18n import TEXTS
from tests.web.conftest import Client

ALLOWED = {
    # terms of art and names kept as they are in Indonesian (docs/glossary.md)
    "bpjs": "BPJS Ketenagakerjaan, a name", "ketenagakerjaan": "part of the name BPJS",
    "pks": "perjanjian kerja sama", "nik": "nomor induk kependudukan",
    "kpj": "kartu peserta jamsostek", "rp": "rupiah", "jkk": "programme", "jkm": "programme",
    "jht": "programme", "jp": "programme", "jkp": "programme", "pu": "segment",
    "bpu": "segment", "jakon": "segment", "pmi": "segment", "apbd": "funding source",
    "apbn": "funding source", "apbdes": "funding source", "dbhcht": "funding source",
    "csr": "funding source (Indonesian law uses the English abbreviation)",
    "opd": "organisasi perangkat daerah", "kir": "the vehicle test counter",
    "ktp": "identity card", "kk": "family card", "kemendagri": "ministry, a name",
    "pemda": "regional government", "lindung": "the name of this system",
    "xlsx": "file type", "csv": "file type", "pdf": "file type", "api": "term of art",
    "id": "the language switch ID | EN", "en": "the language switch ID | EN",
    "http": "the status line of an error page (Kode jawaban HTTP 404)",
    "pp": "peraturan pemerintah", "uu": "undang-undang", "pdp": "pelindungan data pribadi",
    "kcp": "kantor cabang pembantu (BPJS), a name", "metro": "Kota Metro, a name",
    "lampung": "a province", "satpol": "Satuan Polisi Pamong Praja, a name",
    "linmas": "perlindungan masyarakat, a name", "dishub": "dinas perhubungan, a name",
    # words that are Indonesian too (KBBI), spelled the same
    "total": "Indonesian (jumlah total)", "no": "Indonesian abbreviation of nomor",
    "email": "Indonesian loan word", "online": "part of an occupation's name (ojek online)",
    "driver": "an alias operators write (sopir), part of data",
    "via": "Indonesian (melalui)", "format": "Indonesian", "hash": "technical term, explained",
    "valid": "Indonesian (KBBI: valid, sahih): \"tidak valid\"",
}
"""Words of the English catalogue that may appear on an Indonesian page, and why."""

ROLES = [a.username for a in ACCOUNTS]
VISIBLE_ATTRIBUTES = {"placeholder", "title", "alt", "aria-label"}
SKIPPED_ROUTES = {"/bahasa/{lang}", "/favicon.ico"}  # a redirect that sets a cookie; an icon


def english_words() -> set[str]:
    """Words of the English catalogue that are not Indonesian too."""
    def words(texts: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for text in texts:
            found |= {w.lower() for w in re.findall(r"[A-Za-z]+", re.sub(r"{\w+}", " ", text))}
        return found

    english = words(entry.get("en", "") for entry in TEXTS.values())
    indonesian = words(entry["id"] for entry in TEXTS.values())
    return {w for w in english - indonesian - set(ALLOWED) if len(w) > 1}


class VisibleText(HTMLParser):
    """The text of a page as a person sees or hears it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        values = dict(attrs)
        for name in VISIBLE_ATTRIBUTES:
            if values.get(name):
                self.parts.append(str(values[name]))
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(str(values["value"]))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def internal_codes(engine: Engine) -> set[str]:
    """Codes that must never be shown: statuses, roles, occupations, occupation groups, funding
    sources (their labels are shown instead). A code that is also a plain Indonesian word of
    its own label (``petani`` for "Petani") cannot be told apart and is left out."""
    with session_factory(engine)() as s:
        occupations = s.execute(select(Occupation.code, Occupation.name, Occupation.group)).all()
        funding = s.scalars(select(FundingSource.code)).all()
    roles = {r for r, label in ROLE_LABELS.items() if r not in label.lower().split()}
    codes = set(MEMBERSHIP_STATUSES) | roles | {f for f in funding if f != f.upper()}
    for code, name, group in occupations:
        if code.lower() not in re.findall(r"\w+", name.lower()):
            codes.add(code)
        codes.add(group)
    return codes


def problems_of(text: str, english: set[str], codes: set[str]) -> list[str]:
    found = []
    words = re.findall(r"[A-Za-z]+", text)
    leaked = sorted({w for w in words if w.lower() in english})
    if leaked:
        found.append(f"English: {', '.join(leaked)}")
    shown_codes = sorted({w for w in re.findall(r"[a-z][a-z0-9_]*", text) if w in codes})
    if shown_codes:
        found.append(f"codes: {', '.join(shown_codes)}")
    keys = sorted({k for k in re.findall(r"\b[a-z_]+(?:\.[a-z0-9_]+)+\b", text)
                   if k in PERMISSIONS or k in load_parameters() or k in TEXTS})
    if keys:
        found.append(f"internal keys: {', '.join(keys)}")
    return found


def page_paths(app: FastAPI, values: dict[str, str]) -> list[str]:
    """Every GET page route (outside /api), with demo values for its path parameters."""
    paths = []
    for context in iter_route_contexts(app.routes):
        route, path = context.original_route, context.path or ""
        if not isinstance(route, APIRoute) or path.startswith("/api/"):
            continue
        if "GET" not in (context.methods or set()) or path in SKIPPED_ROUTES:
            continue
        paths.append(re.sub(r"{(\w+)(?::[^}]*)?}", lambda m: values.get(m.group(1), "1"), path))
    return sorted(set(paths))


def demo_values(engine: Engine) -> dict[str, str]:
    with session_factory(engine)() as s:
        worker_id = s.scalar(select(Worker.id).join(Membership).where(
            Membership.agency == "Satpol PP Kota Metro").order_by(Worker.id))
    return {"worker_id": str(worker_id), "code": "METRO-2026", "key": "tidak-ada",
            "number": "1", "token_id": "999999"}


def _check(client: Client, url: str, english: set[str], codes: set[str],
           failures: list[str], *, method: str = "GET", label: str = "",
           server_error: bool = False) -> None:
    headers = {"X-CSRF-Token": client.csrf} if method != "GET" and client.csrf else {}
    response = client.request(method, url, headers=headers)
    if response.status_code >= 500 and not server_error:
        failures.append(f"{label or method} {url} [{response.status_code}]: the page itself "
                        "failed, so its words were not checked")
    kind = response.headers.get("content-type", "")
    if "text/html" in kind:
        text = visible_text(response.text)
    elif "application/json" in kind:
        body: Any = response.json()
        error = body.get("error") if isinstance(body, dict) else None
        if not isinstance(error, dict):
            return  # data, not words (checked by the pages that show it)
        text = " ".join(str(v) for v in (error.get("message"), *[
            d.get("message", "") for d in error.get("details") or []]))
    else:
        return
    for problem in problems_of(text, english, codes):
        failures.append(f"{label or method} {url} [{response.status_code}]: {problem}")


def _client(name: str, signed_in: Callable[[str], Client], app: FastAPI) -> Client:
    client = Client(app, raise_server_exceptions=False) if name == "anonymous" \
        else signed_in(name)
    client._transport.raise_server_exceptions = False
    client.cookies.set("lang", "id")
    return client


def test_the_word_list_is_taken_from_the_english_catalogue() -> None:
    english = english_words()
    # words only the English side uses are in the list; shared and allowed words are not
    assert {"agreement", "upload", "members", "rejected"} <= english
    assert not {"status", "program", "pks", "bpjs", "total"} & english
    assert len(english) > 200


def test_visible_text_skips_what_is_not_shown() -> None:
    html = ('<html><head><title>Beranda</title><script>var found = "Not Found";</script>'
            '<style>.x{}</style></head><body><p class="upload">Unggah</p>'
            '<input type="hidden" name="agreement" value="Save">'
            '<input placeholder="Find a worker"><button>Simpan</button></body></html>')
    text = visible_text(html)
    assert "Beranda" in text and "Unggah" in text and "Find a worker" in text
    assert "Not Found" not in text and "upload" not in text and "Save" not in text


def test_the_check_finds_english_and_codes() -> None:
    english = english_words()
    assert problems_of("Status: proposed · Sopir sopir_angkot · tidak berwenang untuk "
                       "exchange.export · bpu.jkk.rate = 1% · Not Found",
                       english, {"proposed", "sopir_angkot"}) == [
        "English: Found, Not, exchange, proposed",
        "codes: proposed, sopir_angkot",
        "internal keys: bpu.jkk.rate, exchange.export",
    ]
    assert problems_of("Peserta diusulkan · Sopir Angkutan Kota · Tarif JKK 1% - PP 44/2015 "
                       "Pasal 17 · 1 Januari 2026 14.05 WIB", english, {"proposed"}) == []


def test_every_permission_has_words() -> None:
    """A refusal says what the user may not do in words, never the permission's code."""
    assert set(PERMISSIONS) <= set(PERMISSION_LABELS)
    assert all(PERMISSION_LABELS[p] and "." not in PERMISSION_LABELS[p] for p in PERMISSIONS)


@pytest.mark.parametrize("who", ["anonymous", *ROLES])
def test_every_page_is_in_bahasa_indonesia(who: str, app: FastAPI,
                                           signed_in: Callable[[str], Client],
                                           demo_engine: Engine) -> None:
    english, codes = english_words(), internal_codes(demo_engine)
    client = _client(who, signed_in, app)
    i18n.MISSING.clear()
    failures: list[str] = []
    paths = page_paths(app, demo_values(demo_engine))
    assert {"/", "/pks", "/pks/METRO-2026", "/pekerja", "/unggah", "/loket"} <= set(paths)
    for url in paths:
        _check(client, url, english, codes, failures)
    # error pages: an address that does not exist, a method a page does not answer
    _check(client, "/halaman-yang-tidak-ada", english, codes, failures)
    _check(client, "/static/tidak-ada.css", english, codes, failures)
    _check(client, "/pks", english, codes, failures, method="DELETE")
    _check(client, "/pekerja/bukan-angka", english, codes, failures)
    missing = sorted(i18n.MISSING)
    assert not failures and not missing, (
        f"{who}: English or codes on Indonesian pages:\n" + "\n".join(failures)
        + (f"\nkeys without words: {missing}" if missing else ""))


def test_error_pages_and_api_errors_are_in_bahasa_indonesia(
        app: FastAPI, signed_in: Callable[[str], Client], demo_engine: Engine) -> None:
    def broken() -> None:
        raise RuntimeError("boom: something failed")

    def busy() -> None:
        raise OperationalError("SELECT 1", {}, Exception("database is locked"))

    app.add_api_route("/uji/rusak", broken, include_in_schema=False)
    app.add_api_route("/uji/sibuk", busy, include_in_schema=False)
    app.add_api_route("/api/v1/uji/rusak", broken, include_in_schema=False)
    english, codes = english_words(), internal_codes(demo_engine)
    failures: list[str] = []
    operator = _client("opd.satpol", signed_in, app)
    anonymous = _client("anonymous", signed_in, app)
    pages = {"/uji/rusak": (500, "Terjadi kesalahan di server"),
             "/uji/sibuk": (503, "Basis data sedang sibuk"),
             "/pengaturan": (403, "Tidak berwenang"),
             "/halaman-yang-tidak-ada": (404, "Tidak ditemukan"),
             "/pertukaran": (403, "Tidak berwenang")}
    for url, (status, heading) in pages.items():
        response = operator.get(url)
        assert response.status_code == status, url
        text = visible_text(response.text)
        # the page says which answer it is, in words (title and heading) and as a number
        assert text.startswith(heading) and f"<h1>{heading}</h1>" in response.text, text
        assert f"HTTP {status}" in text
        _check(operator, url, english, codes, failures, server_error=status >= 500)
    assert "mengirim data pendaftaran ke BPJS" in visible_text(operator.get("/pertukaran").text)
    for client, method, url in [
        (anonymous, "GET", "/api/v1/tidak-ada"), (anonymous, "GET", "/api/v1/agreements"),
        (operator, "GET", "/api/v1/uji/rusak"), (operator, "DELETE", "/api/v1/agreements"),
        (operator, "GET", "/api/v1/agreements?page=bukan-angka"),
        (operator, "POST", "/api/v1/agreements"),
    ]:
        _check(client, url, english, codes, failures, method=method,
               server_error=url.endswith("/rusak"))
        body = client.request(method, url, headers={"X-CSRF-Token": client.csrf}).json()
        assert body["error"]["message"], (method, url, body)
    assert not failures, "\n".join(failures)


def test_agreement_page_shows_the_law_and_its_changes_in_words(
        signed_in: Callable[[str], Client]) -> None:
    admin = signed_in("admin.metro")
    amended = admin.post_form("/pks/METRO-2026/addendum", {
        "effective": "2026-12-01", "reason": "perpanjangan", "end": "2027-06-30",
        "budget_ceiling": "1000000000"}, follow_redirects=False)
    assert amended.status_code == 303, visible_text(amended.text)  # type: ignore[attr-defined]
    text = visible_text(admin.get("/pks/METRO-2026").text)
    assert "Tanggal akhir: 31 Desember 2026 → 30 Juni 2027" in text
    assert "Pagu anggaran: Rp604.800.000 → Rp1.000.000.000" in text
    assert "Tarif JKK 1% - PP 44/2015 Pasal 20 ayat (1) jo. Lampiran II" in text
    assert "Iuran JKM per bulan Rp6.800 - PP 44/2015 Pasal 20 ayat (3)" in text
    # the income grid is not confirmed: said so, and what it means, in Indonesian
    assert "belum terkonfirmasi" in text and "belum dapat dicocokkan dengan naskah" in text
    assert "kemungkinan sudah diganti Permenaker 5/2021" in text
    for code in ("bpu.jkk.rate", "UNCONFIRMED", "probably", "end_date", "2027-06-30", "->"):
        assert code not in text


def test_times_are_shown_on_the_office_clock(signed_in: Callable[[str], Client],
                                             demo_engine: Engine) -> None:
    """Kota Metro (18.72, Lampung) works in WIB: a time is "14.05 WIB", never UTC."""
    worker = demo_values(demo_engine)["worker_id"]
    text = visible_text(signed_in("admin.metro").get(f"/pekerja/{worker}").text)
    assert re.search(r"\d{1,2} [A-Z][a-z]+ 20\d\d \d\d\.\d\d WIB", text), text[:2000]
    assert "UTC" not in text


def test_pages_after_a_form_are_in_bahasa_indonesia(
        app: FastAPI, signed_in: Callable[[str], Client], demo_engine: Engine,
        tmp_path: Path) -> None:
    """Pages reached by sending a form: the roster check (its columns and problems), saving it,
    the BPJS submission page afterwards, the counter's coverage check."""
    from tests.enrollment.test_import import person
    from tests.web.test_roster import roster_bytes, upload

    app.state.upload_dir = tmp_path / "uploads"
    english, codes = english_words(), internal_codes(demo_engine)
    admin = _client("admin.metro", signed_in, app)
    failures: list[str] = []
    report = upload(admin, roster_bytes(tmp_path))
    text = visible_text(report.text)  # type: ignore[attr-defined]
    assert "187201120375900" in text or "NIK" in text
    failures += [f"POST /unggah: {p}" for p in problems_of(text, english, codes)]
    key = re.search(r'name="key" value="([^"]+)"', report.text)  # type: ignore[attr-defined]
    assert key is not None
    saved = admin.post("/unggah/simpan", data={"key": key.group(1), "csrf_token": admin.csrf})
    failures += [f"POST /unggah/simpan: {p}"
                 for p in problems_of(visible_text(saved.text), english, codes)]
    _check(admin, "/pertukaran", english, codes, failures)
    # the counter: a coverage check of a driver not yet covered, and a NIK typed wrongly
    desk = _client("loket.kir", signed_in, app)
    for nik in (person(9101)["NIK"], "12345"):
        checked = desk.post("/loket/cek", data={"nik": nik, "csrf_token": desk.csrf})
        failures += [f"POST /loket/cek: {p}"
                     for p in problems_of(visible_text(checked.text), english, codes)]
    assert not failures, "\n".join(failures)


def test_the_english_switch_shows_english(signed_in: Callable[[str], Client]) -> None:
    admin = signed_in("admin.metro")
    admin.cookies.set("lang", "en")
    text = visible_text(admin.get("/pks/METRO-2026").text)
    assert "JKK rate 1% - PP 44/2015 Pasal 20 ayat (1) jo. Lampiran II" in text
    assert "Members by status" in text and "proposed" in text
    assert "Peserta menurut status" not in text
    admin.cookies.set("lang", "id")
    assert "Peserta menurut status" in visible_text(admin.get("/pks/METRO-2026").text)
