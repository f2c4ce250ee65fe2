"""The KIR counter over HTTP: the API a Dishub system calls, the officer's one screen, the
card PDF and the public card check behind its QR code."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from fastapi import APIRouter, Depends
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import Engine, select

from lindung.audit.models import AuditEvent
from lindung.counter.models import CounterCard
from lindung.db import transaction
from lindung.web.deps import api_requires

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
                                   "counter.card_verify"])).order_by(AuditEvent.id)))


def test_api_check_enrol_refuse_and_print(anonymous: Any, counter_token: str,
                                          demo_engine: Engine, day: Any) -> None:
    check = anonymous.post("/api/v1/coverage-checks", json={"nik": NIK},
                           headers=bearer(counter_token))
    assert check.status_code == 200
    assert check.json() == {"covered": False, "valid_until": None, "programmes": []}

    done = anonymous.post("/api/v1/counter-enrolments", json=DRIVER,
                          headers=bearer(counter_token))
    assert done.status_code == 201, done.text
    body = done.json()
    assert body["amount"] == 25_200 and body["amount_text"] == "Rp25.200"
    assert body["valid_until"] == "2026-05-09" and body["agreement"] == "KIR-LAMTENG-MANDIRI-2026"
    assert NIK not in done.text

    check = anonymous.post("/api/v1/coverage-checks", json={"nik": NIK},
                           headers=bearer(counter_token))
    assert check.json() == {"covered": True, "valid_until": "2026-05-09",
                            "programmes": ["jkk", "jkm"]}
    assert NIK not in check.text

    again = anonymous.post("/api/v1/counter-enrolments", json={**DRIVER, "funded_by": "apbd"},
                           headers=bearer(counter_token))
    assert again.status_code == 409 and "sampai 9 Mei 2026" in again.json()["error"]["message"]

    pdf = anonymous.get(body["card_url"], headers=bearer(counter_token))
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert anonymous.get(body["card_url"]).status_code == 401
    assert actions(demo_engine) == ["coverage.check", "counter.enrol", "coverage.check",
                                    "counter.enrol", "counter.card_print"]


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


def test_counter_screen_check_enrol_print(signed_in: Any, demo_engine: Engine,
                                          day: Any) -> None:
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
    link = re.search(r'href="(/loket/kartu/LDG-\d+\.pdf)"[^>]*>Cetak kartu', done.text)
    assert link is not None
    pdf = officer.get(link.group(1))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    covered = officer.post_form("/loket/cek", {"nik": NIK})
    assert "Sudah terlindungi JKK, JKM" in covered.text and "9 Mei 2026" in covered.text
    refused = officer.post_form("/loket/daftar", form)
    assert refused.status_code == 409 and "sampai 9 Mei 2026" in refused.text
    bad = officer.post_form("/loket/cek", {"nik": "12345"})
    assert bad.status_code == 422 and "12345" not in bad.text
    assert actions(demo_engine).count("coverage.check") == 3


def test_other_roles_do_not_get_the_counter(signed_in: Any) -> None:
    assert signed_in("admin.metro").get("/loket").status_code == 403


def test_public_card_check_valid_then_invalid(anonymous: Any, counter_token: str,
                                              demo_engine: Engine, day: Any) -> None:
    done = anonymous.post("/api/v1/counter-enrolments", json=DRIVER,
                          headers=bearer(counter_token))
    assert done.status_code == 201
    with transaction(demo_engine) as s:
        code = s.scalars(select(CounterCard.verification_code)).one()
    page = anonymous.get(f"/kartu/{code}")
    assert page.status_code == 200
    assert "Kartu SAH" in page.text and "9 Mei 2026" in page.text
    assert "Sugeng" not in page.text and "1802" not in page.text
    day(date(2026, 5, 10))
    assert "TIDAK BERLAKU" in anonymous.get(f"/kartu/{code}").text
    assert "TIDAK BERLAKU" in anonymous.get("/kartu/" + "A" * 32).text
    assert actions(demo_engine).count("counter.card_verify") == 3


def test_counter_screen_in_english(signed_in: Any) -> None:
    client = signed_in("loket.kir")
    client.cookies.set("lang", "en")
    page = client.get("/loket")
    assert page.status_code == 200
    assert "Check coverage" in page.text and "Cek kepesertaan" not in page.text
    client.cookies.set("lang", "id")
    assert "Cek kepesertaan" in client.get("/loket").text
