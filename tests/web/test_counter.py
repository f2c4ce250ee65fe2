"""The KIR counter over HTTP: the API a Dishub system calls, the officer's one screen (enrol,
receipt, send to the BPJS simulator, card with the KPJ), and the public card check behind its
QR code."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi import APIRouter, Depends
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import Engine, select

from lindung.audit.models import AuditEvent
from lindung.counter.models import CounterCard
from lindung.db import transaction
from lindung.enrollment.models import Membership
from lindung.registry.models import Worker
from lindung.web.deps import api_requires
from tests.simulator import TOKEN, running_simulator

NIK = "1802011203850001"
DRIVER: dict[str, Any] = {"nik": NIK, "name": "Sugeng Riyadi", "birth_date": "1985-03-12",
                          "sex": "L", "phone": "081270001234", "occupation": "sopir_truk",
                          "declared_income": 1_000_000, "months": 3, "funded_by": "self"}
COUNTER_PERMISSIONS = {"coverage.check", "counter.enrol"}
WORKERS_READ = api_requires("workers.read")


@pytest.fixture
def day(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[date], None]]:
    """Set the counter's day (the demo agreements run through 2026)."""
    def set_day(value: date) -> None:
        monkeypatch.setenv("LINDUNG_TODAY", value.isoformat())
    set_day(date(2026, 2, 10))
    yield set_day


@pytest.fixture(scope="module")
def simulator_url() -> Iterator[str]:
    with running_simulator() as url:
        yield url


@pytest.fixture
def simulator(simulator_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The demo's branches answer through the BPJS simulator (a process of its own)."""
    monkeypatch.setenv("LINDUNG_BPJS_API_URL", simulator_url)
    monkeypatch.setenv("LINDUNG_BPJS_API_TOKEN", TOKEN)
    return simulator_url


def permissions_of(dependant: Dependant) -> set[str]:
    found = {getattr(dependant.call, "lindung_permission", None)} - {None}
    for sub in dependant.dependencies:
        found |= permissions_of(sub)
    return found  # type: ignore[return-value]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def actions(engine: Engine) -> list[str]:
    with transaction(engine) as s:
        return list(s.scalars(select(AuditEvent.action).where(
            AuditEvent.action.in_(["coverage.check", "counter.enrol", "counter.card_print",
                                   "counter.card_verify", "counter.send",
                                   "counter.receipt_print"])).order_by(AuditEvent.id)))


def test_api_check_enrol_send_refuse_and_print(anonymous: Any, counter_token: str,
                                               demo_engine: Engine, day: Any,
                                               simulator: str) -> None:
    headers = bearer(counter_token)
    before = len(actions(demo_engine))  # the demo's own counter enrolments
    check = anonymous.post("/api/v1/coverage-checks", json={"nik": NIK}, headers=headers)
    assert check.status_code == 200
    assert check.json() == {"covered": False, "valid_until": None, "programmes": []}

    done = anonymous.post("/api/v1/counter-enrolments", json=DRIVER, headers=headers)
    assert done.status_code == 201, done.text
    body = done.json()
    assert body["amount"] == 25_200 and body["amount_text"] == "Rp25.200"
    assert body["valid_until"] == "2026-05-09" and body["agreement"] == "KIR-LAMTENG-MANDIRI-2026"
    assert body["status"] == "proposed" and body["kpj"] is None
    assert re.fullmatch(r"2026-\d{6}", body["receipt_number"])
    assert NIK not in done.text

    # a proposal is not covered: the API says so in its three fields, nothing more
    check = anonymous.post("/api/v1/coverage-checks", json={"nik": NIK}, headers=headers)
    assert check.json() == {"covered": False, "valid_until": None, "programmes": []}
    receipt = anonymous.get(body["receipt_url"], headers=headers)
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")
    card_url = body["receipt_url"].replace("/receipt", "/card")
    assert anonymous.get(card_url, headers=headers).status_code == 409  # no KPJ yet

    sent = anonymous.post(body["submission_url"], headers=headers)
    assert sent.status_code == 200, sent.text
    answer = sent.json()
    assert answer["status"] == "active" and re.fullmatch(r"\d{11}", answer["kpj"])
    assert answer["card_url"] == card_url

    check = anonymous.post("/api/v1/coverage-checks", json={"nik": NIK}, headers=headers)
    assert check.json() == {"covered": True, "valid_until": "2026-05-09",
                            "programmes": ["jkk", "jkm"]}
    assert NIK not in check.text

    again = anonymous.post("/api/v1/counter-enrolments", json={**DRIVER, "funded_by": "apbd"},
                           headers=headers)
    assert again.status_code == 409 and "sampai 9 Mei 2026" in again.json()["error"]["message"]

    pdf = anonymous.get(card_url, headers=headers)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert anonymous.get(card_url).status_code == 401
    with transaction(demo_engine) as s:
        assert s.scalars(select(CounterCard.number)).all() == [answer["kpj"]]
    assert actions(demo_engine)[before:] == ["coverage.check", "counter.enrol", "coverage.check",
                                            "counter.receipt_print", "counter.send",
                                            "coverage.check", "counter.enrol",
                                            "counter.card_print"]


def test_api_send_without_a_reachable_branch_keeps_the_proposal(
        anonymous: Any, counter_token: str, day: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINDUNG_BPJS_API_URL", "http://127.0.0.1:9")
    done = anonymous.post("/api/v1/counter-enrolments", json=DRIVER,
                          headers=bearer(counter_token)).json()
    sent = anonymous.post(done["submission_url"], headers=bearer(counter_token))
    assert sent.status_code == 409
    assert "tidak dapat dihubungi" in sent.json()["error"]["message"]
    monkeypatch.delenv("LINDUNG_BPJS_API_URL")  # the branch exchanges files
    filed = anonymous.post(done["submission_url"], headers=bearer(counter_token))
    assert filed.status_code == 409 and "bertukar berkas" in filed.json()["error"]["message"]


def test_api_apbd_driver_pays_full_rate(anonymous: Any, counter_token: str, day: Any) -> None:
    done = anonymous.post("/api/v1/counter-enrolments", json={**DRIVER, "funded_by": "apbd"},
                          headers=bearer(counter_token))
    assert done.status_code == 201, done.text
    assert done.json()["amount"] == 3 * 16_800


def test_api_refuses_bad_nik_without_echoing_it_and_strict_bodies(
        anonymous: Any, counter_token: str, day: Any) -> None:
    bad = anonymous.post("/api/v1/coverage-checks", json={"nik": "18020112038"},
                         headers=bearer(counter_token))
    assert bad.status_code == 422 and "18020112038" not in bad.text
    extra = anonymous.post("/api/v1/coverage-checks", json={"nik": NIK, "name": "x"},
                           headers=bearer(counter_token))
    assert extra.status_code == 422
    numeric = anonymous.post("/api/v1/coverage-checks", json={"nik": int(NIK)},
                             headers=bearer(counter_token))
    assert numeric.status_code == 422  # a NIK is text: a number would lose digits
    two = anonymous.post("/api/v1/counter-enrolments", json={**DRIVER, "months": 2},
                         headers=bearer(counter_token))
    assert two.status_code == 422 and two.json()["error"]["field"] == "months"


def test_counter_token_cannot_use_other_apis(app: Any, anonymous: Any,
                                             counter_token: str) -> None:
    probe = APIRouter()

    @probe.get("/api/v1/_probe/workers")
    def _workers(_: Any = Depends(WORKERS_READ)) -> dict[str, bool]:
        return {"ok": True}

    app.include_router(probe)
    assert anonymous.get("/api/v1/_probe/workers",
                         headers=bearer(counter_token)).status_code == 403
    checked = 0
    for context in iter_route_contexts(app.routes):
        route, path = context.original_route, context.path or ""
        if not isinstance(route, APIRoute) or not path.startswith("/api/v1/") or "{" in path:
            continue
        needed = permissions_of(route.dependant)
        if not needed or needed & COUNTER_PERMISSIONS:
            continue
        for method in (context.methods or set()) - {"HEAD"}:
            answer = anonymous.request(method, path, headers=bearer(counter_token), json={})
            assert answer.status_code == 403, (method, path)
            checked += 1
    assert checked >= 1


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def test_counter_screen_check_enrol_receipt_send_print(signed_in: Any, demo_engine: Engine,
                                                       day: Any, simulator: str) -> None:
    officer = signed_in("loket.kir")
    home = officer.get("/", follow_redirects=True)
    assert home.status_code == 200 and 'action="/loket/cek"' in home.text
    assert officer.post("/loket/cek", data={"nik": NIK}).status_code == 403  # no CSRF token

    checked = officer.post_form("/loket/cek", {"nik": NIK})
    assert checked.status_code == 200 and "Belum terlindungi" in checked.text
    assert 'value="1985-03-12"' in checked.text  # birth date read from the NIK
    form = {k: str(v) for k, v in DRIVER.items()}
    done = officer.post_form("/loket/daftar", form)
    assert done.status_code == 201, done.text
    assert "Rp25.200" in done.text and "9 Mei 2026" in done.text
    assert "dua puluh lima ribu dua ratus rupiah" in done.text
    assert "menunggu konfirmasi BPJS" in done.text and "Cetak kartu" not in done.text
    receipt = re.search(r'href="(/loket/bukti/(2026-\d{6})\.pdf)"', done.text)
    assert receipt is not None
    pdf = officer.get(receipt.group(1))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    number = receipt.group(2)
    assert officer.get(f"/loket/kartu/{number}.pdf").status_code == 409

    pending = officer.post_form("/loket/cek", {"nik": NIK})
    assert "menunggu konfirmasi BPJS" in pending.text
    assert 'action="/loket/daftar"' not in pending.text  # no second enrolment form

    sent = officer.post_form(f"/loket/bukti/{number}/kirim", {})
    assert sent.status_code == 200, sent.text
    assert "Diterima BPJS" in sent.text
    kpj = re.search(r"Nomor KPJ</th><td><strong>(\d{11})<", sent.text)
    assert kpj is not None
    link = re.search(r'href="(/loket/kartu/[\d-]+\.pdf)"[^>]*>Cetak kartu', sent.text)
    assert link is not None
    card = officer.get(link.group(1))
    assert card.status_code == 200 and card.content.startswith(b"%PDF")

    covered = officer.post_form("/loket/cek", {"nik": NIK})
    assert "Sudah terlindungi JKK, JKM" in covered.text and "9 Mei 2026" in covered.text
    refused = officer.post_form("/loket/daftar", form)
    assert refused.status_code == 409 and "sampai 9 Mei 2026" in refused.text
    bad = officer.post_form("/loket/cek", {"nik": "12345"})
    assert bad.status_code == 422 and "12345" not in bad.text
    assert actions(demo_engine).count("coverage.check") == 4
    # the receipt can be found again by its number
    found = officer.get(f"/loket/bukti?nomor={number}", follow_redirects=True)
    assert found.status_code == 200 and kpj.group(1) in found.text


def test_other_roles_do_not_get_the_counter(signed_in: Any) -> None:
    assert signed_in("admin.metro").get("/loket").status_code == 403


def test_public_card_check_masked_name_valid_then_invalid(
        anonymous: Any, counter_token: str, demo_engine: Engine, day: Any,
        simulator: str) -> None:
    headers = bearer(counter_token)
    done = anonymous.post("/api/v1/counter-enrolments", json=DRIVER, headers=headers)
    assert done.status_code == 201
    sent = anonymous.post(done.json()["submission_url"], headers=headers).json()
    assert anonymous.get(sent["card_url"], headers=headers).status_code == 200
    with transaction(demo_engine) as s:
        code = s.scalars(select(CounterCard.verification_code)).one()
    page = anonymous.get(f"/kartu/{code}")
    assert page.status_code == 200
    assert "SAH" in page.text and "9 Mei 2026" in page.text and "S***g R***i" in page.text
    assert "Sugeng" not in page.text and "1802" not in page.text
    assert sent["kpj"] not in page.text  # nothing but the name masked, the date, the state
    day(date(2026, 5, 10))
    ended = anonymous.get(f"/kartu/{code}").text
    assert "TIDAK BERLAKU" in ended and "S***g R***i" in ended
    unknown = anonymous.get("/kartu/" + "A" * 32).text
    assert "TIDAK DIKENAL" in unknown and "***" not in unknown
    assert actions(demo_engine).count("counter.card_verify") == 3


def test_counter_screen_in_english(signed_in: Any) -> None:
    client = signed_in("loket.kir")
    client.cookies.set("lang", "en")
    page = client.get("/loket")
    assert page.status_code == 200
    assert "Check coverage" in page.text and "Cek kepesertaan" not in page.text
    client.cookies.set("lang", "id")
    assert "Cek kepesertaan" in client.get("/loket").text


def test_exchange_page_goes_through_the_branch_api_when_configured(
        signed_in: Any, demo_engine: Engine, simulator: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The Pemda's exchange page offers the branch's partner API instead of the file download
    when one is configured; sending answers at once."""
    from lindung.enrollment.actions import do_import_roster
    from tests.factories import SYSTEM

    roster = Path(demo_engine.url.database or "").parent / "tambahan.csv"
    roster.write_text("NIK,Nama,Tgl Lahir,Jenis Kelamin,Desa/Kelurahan,Pekerjaan\n"
                      "1872011203759001,Warga Baru,12-03-1975,L,18.72.01.1001,Linmas\n",
                      encoding="utf-8")
    with transaction(demo_engine) as s:
        assert do_import_roster(s, SYSTEM, roster, "METRO-2026").accepted == 1
    admin = signed_in("admin.metro")
    page = admin.get("/pertukaran")
    assert 'action="/pertukaran/METRO-2026/kirim-api"' in page.text
    sent = admin.post_form("/pertukaran/METRO-2026/kirim-api", {})
    assert sent.status_code == 200, sent.text
    assert "API mitra kantor cabang BPJS" in sent.text
    with transaction(demo_engine) as s:
        [kpj] = s.scalars(select(Membership.kpj).join(Worker).where(
            Worker.nik == "1872011203759001")).all()
    assert kpj is not None and len(kpj) == 11
    monkeypatch.delenv("LINDUNG_BPJS_API_URL")
    assert 'action="/pertukaran/METRO-2026/kirim"' in admin.get("/pertukaran").text
