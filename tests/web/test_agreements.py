"""Agreement pages and API: who sees which PKS, what it costs against its ceiling, creating and
amending it (Pemda admin only), strict JSON, CSRF."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine, select

from lindung.accounts.actions import do_create_user
from lindung.agreements.models import Agreement
from lindung.audit.models import AuditEvent
from lindung.db import session_factory, transaction
from lindung.demo_data import DEMO_PASSWORD
from lindung.organisations.actions import do_create_organisation
from tests.factories import SYSTEM
from tests.web.conftest import Client

SignedIn = Callable[[str], Client]


def other_pemda_admin(engine: Engine, username: str = "admin.lamsel") -> str:
    """An admin of Kabupaten Lampung Selatan (18.01): no agreement of Kota Metro is theirs."""
    with transaction(engine) as s:
        do_create_organisation(s, SYSTEM, code="PEMKAB-LAMSEL", kind="pemda",
                               region_code="18.01", name="Pemerintah Kabupaten Lampung Selatan")
        do_create_user(s, SYSTEM, username=username, display_name=username,
                       password=DEMO_PASSWORD, role="pemda_admin",
                       organisation_code="PEMKAB-LAMSEL")
    return username


def test_each_role_sees_only_its_scope(signed_in: SignedIn, demo_engine: Engine) -> None:
    admin = signed_in("admin.metro").get("/pks")
    assert admin.status_code == 200
    assert "METRO-2026" in admin.text and "KIR-LAMTENG" not in admin.text
    assert "2.700 / 3.000" in admin.text  # 2,727 imported, 27 refused by BPJS
    branch = signed_in("bpjs.metro").get("/pks").text
    assert "METRO-2026" in branch and "KIR-LAMTENG-APBD-2026" in branch  # all signed with KCP
    assert "METRO-2026" in signed_in("auditor.metro").get("/pks").text
    stranger = signed_in(other_pemda_admin(demo_engine))
    assert "METRO-2026" not in stranger.get("/pks").text
    assert stranger.get("/pks/METRO-2026").status_code == 404
    api = stranger.get("/api/v1/agreements").json()
    assert api["total"] == 0 and api["items"] == []
    assert stranger.get("/api/v1/agreements/METRO-2026").status_code == 404


def test_detail_prices_a_member_and_the_budget_against_the_ceiling(signed_in: SignedIn) -> None:
    page = signed_in("bpjs.metro").get("/pks/METRO-2026")
    assert page.status_code == 200
    text = page.text
    assert "Rp16.800" in text and "Rp10.000" in text and "Rp6.800" in text  # JKK + JKM, BPU
    assert "PP 44/2015" in text  # the basis of every rupiah
    assert "Rp50.400.000" in text  # 3.000 × Rp16.800 per month
    assert "Rp604.800.000" in text and "Dalam pagu" in text  # 12 months = the ceiling
    assert "1 Januari 2026" in text and "31 Desember 2026" in text
    assert "1.200" in text and "1.800" in text  # phase quotas


def test_admin_creates_and_amends_an_agreement(signed_in: SignedIn, demo_engine: Engine) -> None:
    admin = signed_in("admin.metro")
    assert "csrf_token" in admin.get("/pks/baru").text
    created = admin.post_form("/pks/baru", {
        "code": "METRO-2027", "region": "18.72", "segment": "bpu", "programs": ["jkk", "jkm"],
        "funded_by": "apbd", "start": "2027-01-01", "end": "2027-12-31", "quota": "100",
        "income": "1.000.000", "budget_ceiling": "12000000", "branch": "BPJS-KCP-METRO",
        "phases": "1;2027-01-01;100"}, follow_redirects=False)
    assert created.status_code == 303, created.text  # type: ignore[attr-defined]
    assert created.headers["location"] == "/pks/METRO-2027"  # type: ignore[attr-defined]
    assert "Rp16.800" in admin.get("/pks/METRO-2027").text
    amended = admin.post_form("/pks/METRO-2027/addendum", {
        "effective": "2027-03-01", "reason": "tambahan APBD-P", "quota": "150",
        "programs": ["jkk", "jkm"], "phase_start": "2027-03-01", "phase_quota": "50"},
        follow_redirects=False)  # the raise brings its phase (docs/decisions/0021)
    assert amended.status_code == 303  # type: ignore[attr-defined]
    detail = admin.get("/pks/METRO-2027").text
    assert "tambahan APBD-P" in detail and "100 → 150" in detail
    with session_factory(demo_engine)() as s:
        actions = s.scalars(select(AuditEvent.action).where(
            AuditEvent.entity_id == "METRO-2027", AuditEvent.actor == "user:admin.metro")).all()
    assert sorted(actions) == ["agreement.amend", "agreement.create"]


def test_refused_amendment_shows_why_and_changes_nothing(signed_in: SignedIn,
                                                          demo_engine: Engine) -> None:
    admin = signed_in("admin.metro")
    refused = admin.post_form("/pks/METRO-2026/addendum", {
        "effective": "2026-12-01", "reason": "pemotongan", "quota": "10"})
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert "lebih kecil dari jumlah peserta" in refused.text  # type: ignore[attr-defined]
    assert ">pemotongan</textarea>" in refused.text  # type: ignore[attr-defined]  # kept
    outside = admin.post_form("/pks/baru", {
        "code": "LAMTENG-X", "region": "18.02", "segment": "bpu", "programs": "jkk",
        "funded_by": "apbd", "start": "2027-01-01", "end": "2027-12-31", "quota": "10",
        "income": "1000000"})
    assert outside.status_code == 422 and "di luar wilayah" in outside.text  # type: ignore[attr-defined]
    with session_factory(demo_engine)() as s:
        metro = s.scalar(select(Agreement).where(Agreement.code == "METRO-2026"))
        assert metro is not None and not metro.amendments
        assert [p.quota for p in metro.periods] == [3000]
        assert s.scalar(select(Agreement).where(Agreement.code == "LAMTENG-X")) is None


def test_roles_without_permission_are_refused(signed_in: SignedIn) -> None:
    assert signed_in("opd.satpol").get("/pks/baru").status_code == 403
    auditor = signed_in("auditor.metro")
    assert auditor.get("/pks/METRO-2026").status_code == 200
    assert auditor.post_form("/pks/METRO-2026/addendum", {
        "effective": "2026-12-01", "reason": "x", "quota": "3100"}).status_code == 403  # type: ignore[attr-defined]
    assert signed_in("loket.kir").get("/pks").status_code == 403
    refused = auditor.post("/api/v1/agreements/METRO-2026/amendments",
                           json={"effective_date": "2026-12-01", "reason": "x", "quota": 3100},
                           headers={"X-CSRF-Token": auditor.csrf})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"


def test_forms_and_api_refuse_a_missing_csrf_token(signed_in: SignedIn) -> None:
    admin = signed_in("admin.metro")
    assert admin.post("/pks/METRO-2026/addendum", data={
        "effective": "2026-12-01", "reason": "x", "quota": "3100"}).status_code == 403
    assert admin.post("/api/v1/agreements/METRO-2026/amendments", json={
        "effective_date": "2026-12-01", "reason": "x", "quota": 3100}).status_code == 403


def test_api_lists_creates_and_amends_with_strict_json(signed_in: SignedIn) -> None:
    branch = signed_in("bpjs.metro")
    first = branch.get("/api/v1/agreements?page=1&per_page=2").json()
    assert first["total"] == 3 and first["page"] == 1 and first["per_page"] == 2
    assert len(first["items"]) == 2
    second = branch.get("/api/v1/agreements?page=2&per_page=2").json()
    assert len(second["items"]) == 1
    metro = branch.get("/api/v1/agreements/METRO-2026").json()
    assert metro["start_date"] == "2026-01-01" and metro["quota"] == 3000
    assert metro["budget"]["contribution_per_member_month"] == 16_800
    assert metro["budget"]["period_at_quota"] == 604_800_000
    assert metro["budget"]["within_ceiling"] is True
    assert [p["quota"] for p in metro["phases"]] == [1200, 1800]

    admin = signed_in("admin.metro")
    headers = {"X-CSRF-Token": admin.csrf}
    body = {"code": "METRO-API", "region_code": "18.72", "segment": "bpu",
            "programs": ["jkk", "jkm"], "funded_by": "apbd", "start_date": "2027-01-01",
            "end_date": "2027-06-30", "quota": 50, "declared_income": 1_000_000,
            "branch": "BPJS-KCP-METRO"}
    created = admin.post("/api/v1/agreements", json=body, headers=headers)
    assert created.status_code == 201, created.text
    made = created.json()
    assert made["code"] == "METRO-API" and made["used"] == 0 and made["branch"] == "BPJS-KCP-METRO"
    assert made["budget"]["period_at_quota"] == 16_800 * 50 * 6
    again = admin.post("/api/v1/agreements", json=body, headers=headers)
    assert again.status_code == 409 and "sudah ada" in again.json()["error"]["message"]
    for bad in ({**body, "code": "X1", "quota": False}, {**body, "code": "X2", "quota": "50"},
                {**body, "code": "X3", "start_date": 20270101}, {**body, "code": "X4", "pagu": 1}):
        assert admin.post("/api/v1/agreements", json=bad, headers=headers).status_code == 422
    wrong = admin.post("/api/v1/agreements", json={**body, "code": "X5", "segment": "abc"},
                       headers=headers)
    assert wrong.status_code == 422 and wrong.json()["error"]["field"] == "segment"

    amended = admin.post("/api/v1/agreements/METRO-API/amendments", headers=headers, json={
        "effective_date": "2027-03-01", "reason": "perpanjangan", "end_date": "2027-12-31"})
    assert amended.status_code == 201, amended.text
    assert amended.json()["changes"] == {"end": ["2027-06-30", "2027-12-31"]}
    assert amended.json()["number"] == 1
    empty = admin.post("/api/v1/agreements/METRO-API/amendments", headers=headers,
                       json={"effective_date": "2027-03-01", "reason": "tidak ada"})
    assert empty.status_code == 422


def test_api_reads_terms_on_a_day_given_as_iso_text(signed_in: SignedIn) -> None:
    branch = signed_in("bpjs.metro")
    on_day = branch.get("/api/v1/agreements/METRO-2026?on=2026-06-30").json()
    assert on_day["valid_from"] <= "2026-06-30"
    assert branch.get("/api/v1/agreements?on=2026-06-30").status_code == 200
    for bad in ("0", "20260630", "2026-13-01", "30-06-2026", "x" * 40):
        for path in ("/api/v1/agreements", "/api/v1/agreements/METRO-2026"):
            refused = branch.get(path, params={"on": bad})
            assert refused.status_code == 422, (path, bad, refused.text)
            assert "tanggal" in refused.text


def test_a_quota_raise_adds_its_phase_on_the_page_and_in_the_api(signed_in: SignedIn,
                                                                  demo_engine: Engine) -> None:
    """METRO-2026's phases (1.200 + 1.800) take its whole quota: a raise needs a new phase."""
    admin = signed_in("admin.metro")
    form = admin.get("/pks/METRO-2026/addendum").text
    assert 'name="phase_start"' in form and "Tahap baru (untuk tambahan kuota) 3" in form
    refused = admin.post_form("/pks/METRO-2026/addendum", {
        "effective": "2026-12-01", "reason": "APBD-P", "quota": "3500"})
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert "Tambahkan tahap baru" in refused.text  # type: ignore[attr-defined]
    half = admin.post_form("/pks/METRO-2026/addendum", {
        "effective": "2026-12-01", "reason": "APBD-P", "quota": "3500",
        "phase_start": "2026-12-01"})
    assert half.status_code == 422  # type: ignore[attr-defined]
    assert "tahap baru perlu tanggal mulai dan kuota" in half.text  # type: ignore[attr-defined]
    done = admin.post_form("/pks/METRO-2026/addendum", {
        "effective": "2026-12-01", "reason": "APBD-P", "quota": "3500",
        "phase_start": "2026-12-01", "phase_quota": "500"}, follow_redirects=False)
    assert done.status_code == 303  # type: ignore[attr-defined]
    api = admin.post("/api/v1/agreements/METRO-2026/amendments", json={
        "effective_date": "2026-12-15", "reason": "tahap 4", "quota": 3600,
        "phases": [{"number": 4, "start_date": "2026-12-15", "quota": 100}]},
        headers={"X-CSRF-Token": admin.csrf})
    assert api.status_code == 201, api.text
    assert api.json()["changes"]["quota"] == [3500, 3600]
    phases = admin.get("/api/v1/agreements/METRO-2026", params={"on": "2026-12-15"}).json()
    assert [(p["number"], p["quota"]) for p in phases["phases"]] == [
        (1, 1200), (2, 1800), (3, 500), (4, 100)]
