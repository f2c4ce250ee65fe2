"""Settings of a Pemda admin: occupations, funding sources, API tokens; reference data API."""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy import Engine, select

from lindung.accounts.models import ApiToken
from lindung.audit.models import AuditEvent
from lindung.db import session_factory
from tests.web.conftest import Client


def _api(client: Client) -> Client:
    """A signed-in browser calling the API sends its session's CSRF token, as htmx does."""
    client.headers["X-CSRF-Token"] = client.csrf
    return client


OCCUPATION = {"code": "tukang_parkir", "name": "Juru Parkir", "group": "transport",
              "default_segment": "bpu", "risk_class": "", "aliases": "jukir, tukang parkir"}


def _actions(engine: Engine, action: str) -> list[AuditEvent]:
    with session_factory(engine)() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_settings_show_occupations_and_funding_constraints(
        signed_in: Callable[[str], Client]) -> None:
    page = signed_in("admin.metro").get("/pengaturan")
    assert page.status_code == 200
    assert "linmas" in page.text and "Juru Kunci Makam" in page.text
    dbhcht = page.text[page.text.index("DBHCHT"):]
    # DBHCHT pays only for tobacco workers: the group in words, never its code
    assert "Tembakau" in dbhcht[:600] and "tobacco" not in dbhcht[:600]
    assert "hanya warga desa PKS" in page.text  # APBDes: only the village's own people
    assert signed_in("opd.satpol").get("/pengaturan").status_code == 403


def test_admin_adds_an_occupation_once(signed_in: Callable[[str], Client],
                                       demo_engine: Engine) -> None:
    client = signed_in("admin.metro")
    done = client.post_form("/pengaturan/pekerjaan", OCCUPATION, follow_redirects=False)
    assert done.status_code == 303  # type: ignore[attr-defined]
    listed = client.get("/api/v1/occupations", params={"group": "transport"}).json()
    added = next(o for o in listed["items"] if o["code"] == "tukang_parkir")
    assert added["aliases"] == ["jukir", "tukang parkir"] and added["builtin"] is False
    again = client.post_form("/pengaturan/pekerjaan", OCCUPATION)
    assert again.status_code == 409 and "sudah dipakai" in again.text  # type: ignore[attr-defined]
    wrong = client.post_form("/pengaturan/pekerjaan", {**OCCUPATION, "code": "x",
                                                       "risk_class": "9"})
    assert wrong.status_code == 422 and "kelas risiko" in wrong.text  # type: ignore[attr-defined]
    events = _actions(demo_engine, "occupation.create")
    assert [(e.actor, e.entity_id) for e in events] == [("user:admin.metro", "tukang_parkir")]


def test_occupation_api_is_strict_and_for_admins(signed_in: Callable[[str], Client]) -> None:
    body = {"code": "pemulung", "name": "Pemulung", "group": "informal",
            "default_segment": "bpu", "risk_class": 2}
    assert _api(signed_in("bpjs.metro")).post("/api/v1/occupations",
                                              json=body).status_code == 403
    admin = _api(signed_in("admin.metro"))
    for wrong in ({**body, "risk_class": False}, {**body, "risk_class": "2"},
                  {**body, "unknown": 1}, {**body, "default_segment": "abc"}):
        response = admin.post("/api/v1/occupations", json=wrong)
        assert response.status_code == 422, wrong
        assert response.json()["error"]["code"] == "invalid_request"
    created = admin.post("/api/v1/occupations", json=body)
    assert created.status_code == 201 and created.json()["risk_class"] == 2
    conflict = admin.post("/api/v1/occupations", json=body)
    assert conflict.status_code == 409 and "sudah dipakai" in conflict.json()["error"]["message"]


def test_regions_and_funding_sources_api(signed_in: Callable[[str], Client]) -> None:
    client = signed_in("opd.satpol")
    districts = client.get("/api/v1/regions", params={"parent": "1872"}).json()
    assert districts["total"] == 5
    assert {r["name"] for r in districts["items"]} >= {"Metro Pusat", "Metro Timur"}
    provinces = client.get("/api/v1/regions", params={"per_page": 10}).json()
    assert provinces["total"] == 38 and len(provinces["items"]) == 10
    assert client.get("/api/v1/regions/18.72").json()["name"] == "Kota Metro"
    assert client.get("/api/v1/regions/99.99").status_code == 404
    assert client.get("/api/v1/regions", params={"parent": "99"}).status_code == 404
    funding = {f["code"]: f for f in client.get("/api/v1/funding-sources").json()["items"]}
    assert funding["dbhcht"]["occupation_groups"] == ["tobacco"]
    assert funding["apbdes"]["same_village_only"] is True


def test_token_secret_is_shown_once_and_works_until_revoked(
        signed_in: Callable[[str], Client], anonymous: Client, demo_engine: Engine) -> None:
    admin = signed_in("admin.metro")
    created = admin.post_form("/pengaturan/token", {
        "name": "Aplikasi Satpol", "organisation": "SATPOL-METRO",
        "permissions": ["reference.read"]})
    assert created.status_code == 200  # type: ignore[attr-defined]
    secret = re.search(r"lgt_[A-Za-z0-9_-]+", created.text)  # type: ignore[attr-defined]
    assert secret is not None
    settings = admin.get("/pengaturan").text
    assert secret.group(0) not in settings and secret.group(0)[:10] in settings
    bearer = {"Authorization": f"Bearer {secret.group(0)}"}
    assert anonymous.get("/api/v1/occupations", headers=bearer).status_code == 200
    assert anonymous.get("/api/v1/workers?name=siti", headers=bearer).status_code == 403
    with session_factory(demo_engine)() as s:
        token_id = s.scalar(select(ApiToken.id).where(ApiToken.name == "Aplikasi Satpol"))
    revoked = admin.post_form(f"/pengaturan/token/{token_id}/cabut", follow_redirects=False)
    assert revoked.status_code == 303  # type: ignore[attr-defined]
    assert anonymous.get("/api/v1/occupations", headers=bearer).status_code == 401
    again = admin.post_form(f"/pengaturan/token/{token_id}/cabut")
    assert again.status_code == 409  # type: ignore[attr-defined]
    assert [e.action for e in _actions(demo_engine, "token.revoke")] == ["token.revoke"]


def test_tokens_stay_within_the_admins_organisations(
        signed_in: Callable[[str], Client], demo_engine: Engine) -> None:
    admin = signed_in("admin.metro")
    elsewhere = admin.post_form("/pengaturan/token", {
        "name": "x", "organisation": "DISHUB-LAMTENG-KIR",
        "permissions": ["coverage.check"]})
    assert elsewhere.status_code == 422  # type: ignore[attr-defined]
    escalate = admin.post_form("/pengaturan/token", {
        "name": "x", "organisation": "PEMKOT-METRO",
        "permissions": ["tokens.manage"]})
    assert escalate.status_code == 422  # type: ignore[attr-defined]
    # the KIR counter's token belongs to Lampung Tengah: not listed, not revocable here
    with session_factory(demo_engine)() as s:
        kir = s.scalars(select(ApiToken)).one()
    assert kir.prefix not in admin.get("/pengaturan").text
    assert admin.post_form(f"/pengaturan/token/{kir.id}/cabut").status_code == 404  # type: ignore[attr-defined]
    assert signed_in("auditor.metro").post_form(
        f"/pengaturan/token/{kir.id}/cabut").status_code == 403  # type: ignore[attr-defined]
