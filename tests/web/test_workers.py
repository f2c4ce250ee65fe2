"""Workers: search by name and by NIK within scope, the worker page, the audited NIK lookup."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine, select

from lindung.audit.models import AuditEvent
from lindung.db import session_factory
from lindung.enrollment.models import Membership
from lindung.registry.models import Worker
from lindung.registry.nik import mask_nik
from tests.web.conftest import Client

SATPOL = "Satpol PP Kota Metro"
KESRA = "Bagian Kesra Setda Kota Metro"


def _api(client: Client) -> Client:
    """A signed-in browser calling the API sends its session's CSRF token, as htmx does."""
    client.headers["X-CSRF-Token"] = client.csrf
    return client


def _worker(engine: Engine, agency: str) -> tuple[int, str, str]:
    """(id, NIK, name) of a demo worker kept by ``agency``."""
    with session_factory(engine)() as s:
        row = s.execute(select(Worker.id, Worker.nik, Worker.name).join(Membership)
                        .where(Membership.agency == agency).order_by(Worker.id)).first()
    assert row is not None
    return row[0], row[1], row[2]


def _lookups(engine: Engine) -> list[AuditEvent]:
    with session_factory(engine)() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == "worker.lookup")))


def test_name_search_stays_within_scope(signed_in: Callable[[str], Client],
                                        demo_engine: Engine) -> None:
    _, _, kesra_name = _worker(demo_engine, KESRA)
    first_name = kesra_name.split()[0]
    admin = signed_in("admin.metro").get("/api/v1/workers", params={"name": first_name,
                                                                   "per_page": 100}).json()
    satpol = signed_in("opd.satpol").get("/api/v1/workers", params={"name": first_name,
                                                                    "per_page": 100}).json()
    assert admin["total"] > satpol["total"] > 0
    with session_factory(demo_engine)() as s:
        agencies = set(s.scalars(select(Membership.agency).where(
            Membership.worker_id.in_([w["id"] for w in satpol["items"]]))))
    assert agencies == {SATPOL}
    assert all(w["name"].split()[0] == first_name or f" {first_name}" in w["name"]
               for w in admin["items"])


def test_search_page_masks_nik_and_pages(signed_in: Callable[[str], Client],
                                         demo_engine: Engine) -> None:
    worker_id, nik, name = _worker(demo_engine, SATPOL)
    page = signed_in("admin.metro").get("/pekerja", params={"nama": name})
    assert page.status_code == 200
    assert f'href="/pekerja/{worker_id}"' in page.text
    assert mask_nik(nik) in page.text and nik not in page.text
    short = signed_in("admin.metro").get("/pekerja", params={"nama": "a"})
    assert short.status_code == 422 and "sekurang-kurangnya 2 huruf" in short.text


def test_api_pagination(signed_in: Callable[[str], Client]) -> None:
    client = signed_in("admin.metro")
    first = client.get("/api/v1/workers", params={"name": "siti", "per_page": 2}).json()
    second = client.get("/api/v1/workers", params={"name": "siti", "per_page": 2,
                                                   "page": 2}).json()
    assert first["total"] == second["total"] > 4
    assert (first["page"], first["per_page"], len(first["items"])) == (1, 2, 2)
    assert {w["id"] for w in first["items"]}.isdisjoint({w["id"] for w in second["items"]})
    assert client.get("/api/v1/workers", params={"name": "siti",
                                                 "per_page": 101}).status_code == 422


def test_nik_lookup_is_a_post_redirects_to_the_worker_and_is_audited(
        signed_in: Callable[[str], Client], demo_engine: Engine) -> None:
    worker_id, nik, name = _worker(demo_engine, SATPOL)
    client = signed_in("opd.satpol")
    found = client.post_form("/pekerja/cari-nik", {"nik": nik}, follow_redirects=False)
    assert found.status_code == 303  # type: ignore[attr-defined]
    assert found.headers["location"] == f"/pekerja/{worker_id}"  # type: ignore[attr-defined]
    page = client.get(f"/pekerja/{worker_id}")
    assert page.status_code == 200 and name in page.text
    assert mask_nik(nik) in page.text and nik not in page.text
    assert "METRO-2026" in page.text and "KPJ" in page.text and "APBD" in page.text
    events = _lookups(demo_engine)
    assert [(e.actor, e.detail) for e in events] == [
        ("user:opd.satpol", {"nik": mask_nik(nik), "result": "found"})]
    assert client.get("/pekerja/cari-nik").status_code in (404, 405, 422)  # no NIK by GET


def test_outside_scope_is_not_found_and_the_attempt_is_audited(
        signed_in: Callable[[str], Client], demo_engine: Engine) -> None:
    worker_id, nik, _ = _worker(demo_engine, KESRA)
    client = _api(signed_in("opd.satpol"))
    assert client.get(f"/pekerja/{worker_id}").status_code == 404
    assert client.get(f"/api/v1/workers/{worker_id}").status_code == 404
    assert client.get(f"/api/v1/workers/{worker_id}/memberships").status_code == 404
    page = client.post_form("/pekerja/cari-nik", {"nik": nik})
    assert page.status_code == 404  # type: ignore[attr-defined]
    assert nik not in page.text  # type: ignore[attr-defined]
    api = client.post("/api/v1/workers/lookup", json={"nik": nik})
    assert api.status_code == 404 and api.json()["error"]["code"] == "notfound"
    assert [e.detail for e in _lookups(demo_engine)] == [
        {"nik": mask_nik(nik), "result": "outside_scope"}] * 2
    # the same person is visible to the Pemda admin
    assert signed_in("admin.metro").get(f"/api/v1/workers/{worker_id}").status_code == 200


def test_api_lookup_answers_summary_with_masked_nik(signed_in: Callable[[str], Client],
                                                   demo_engine: Engine) -> None:
    worker_id, nik, _ = _worker(demo_engine, SATPOL)
    client = _api(signed_in("bpjs.metro"))
    body = client.post("/api/v1/workers/lookup", json={"nik": nik}).json()
    assert body["worker"]["id"] == worker_id
    assert body["worker"]["nik_masked"] == mask_nik(nik) and nik not in str(body)
    membership = body["memberships"][0]
    assert membership["agreement_code"] == "METRO-2026" and membership["status"] == "active"
    assert membership["history"][0]["to_status"] == "proposed"
    assert membership["history"][0]["at"].endswith("Z")  # UTC, zone stated
    nobody = client.post("/api/v1/workers/lookup", json={"nik": "1872014101900001"})
    assert nobody.status_code == 404
    assert _lookups(demo_engine)[-1].detail == {"nik": "1872********0001",
                                                "result": "not_found"}


def test_nik_is_text_and_strictly_16_digits(signed_in: Callable[[str], Client]) -> None:
    client = _api(signed_in("admin.metro"))
    for body in ({"nik": 1872011203750001}, {"nik": "1872"}, {"nik": "x" * 16},
                 {"nik": "1872011203750001", "extra": True}, {}):
        response = client.post("/api/v1/workers/lookup", json=body)
        assert response.status_code == 422, body
        assert "error" in response.json()
    page = client.post_form("/pekerja/cari-nik", {"nik": "3.2E+15"})
    assert page.status_code == 422  # type: ignore[attr-defined]
    assert "angka" in page.text  # type: ignore[attr-defined]


def test_counter_roles_cannot_search_workers(signed_in: Callable[[str], Client],
                                             counter_token: str, anonymous: Client) -> None:
    assert signed_in("loket.kir").get("/pekerja").status_code == 403
    token = {"Authorization": f"Bearer {counter_token}"}
    assert anonymous.get("/api/v1/workers?name=siti", headers=token).status_code == 403
    assert anonymous.get("/api/v1/workers?name=siti").status_code == 401


def test_a_members_own_income_is_dated_and_shown(signed_in: Callable[[str], Client],
                                                 demo_engine: Engine) -> None:
    from datetime import date

    from lindung.accounts.queries import user_principal
    from lindung.db import transaction
    from lindung.enrollment.actions import do_set_member_terms

    worker_id, _, _ = _worker(demo_engine, SATPOL)
    with transaction(demo_engine) as s:
        membership = s.scalars(select(Membership.id).where(Membership.worker_id == worker_id)
                               .order_by(Membership.id)).first()
        assert membership is not None
        admin = user_principal(s, "admin.metro")
        assert admin is not None
        start = s.get(Membership, membership)
        assert start is not None
        do_set_member_terms(s, admin, membership, valid_from=start.start_date,
                            declared_income=1_500_000, reason="penghasilan naik")
    client = signed_in("admin.metro")
    page = client.get(f"/pekerja/{worker_id}")
    assert page.status_code == 200
    assert "Rp1.500.000" in page.text and "penghasilan naik" in page.text
    (shown,) = [m for m in client.get(f"/api/v1/workers/{worker_id}").json()["memberships"]
                if m["id"] == membership]
    assert shown["declared_income"] == 1_500_000
    assert shown["own_terms"][0]["reason"] == "penghasilan naik"
    assert date.fromisoformat(shown["own_terms"][0]["valid_from"]) == start.start_date
