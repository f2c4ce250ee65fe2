"""Workers in bulk on the demo data (issue 9, item 4): the member list page and API filtered and
scoped, the XLSX export, proposing again and ending ticked members, correcting a worker; every
change audited before -> after, a refused batch writes nothing and says why."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import openpyxl
from sqlalchemy import Engine, func, select

from lindung.audit.models import AuditEvent
from lindung.db import session_factory
from lindung.enrollment.models import Membership
from lindung.registry.models import Worker
from tests.web.conftest import Client

SATPOL = "Satpol PP Kota Metro"


def _api(client: Client) -> Client:
    client.headers["X-CSRF-Token"] = client.csrf
    return client


def _scalar(engine: Engine, query: object) -> int:
    with session_factory(engine)() as s:
        return int(s.scalar(query) or 0)  # type: ignore[call-overload]


def _ids(engine: Engine, status: str, limit: int = 3, agency: str | None = None) -> list[int]:
    with session_factory(engine)() as s:
        query = select(Membership.id).where(Membership.status == status)
        if agency:
            query = query.where(Membership.agency == agency)
        return list(s.scalars(query.order_by(Membership.id).limit(limit)))


def _events(engine: Engine, action: str) -> list[AuditEvent]:
    with session_factory(engine)() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)
                              .order_by(AuditEvent.id)))


def _counts(engine: Engine) -> tuple[int, int]:
    return (_scalar(engine, select(func.count()).select_from(Membership)),
            _scalar(engine, select(func.count()).select_from(AuditEvent)))


def test_rejected_members_are_listed_with_bpjs_reasons_in_words(
        signed_in: Callable[[str], Client], demo_engine: Engine) -> None:
    rejected = _scalar(demo_engine, select(func.count()).select_from(Membership)
                       .where(Membership.status == "rejected"))
    assert rejected > 10
    page = signed_in("admin.metro").get("/pekerja", params={"status": "rejected"})
    assert page.status_code == 200
    assert f"{rejected} peserta" in page.text
    assert "NIK tidak padan dengan data Dukcapil" in page.text
    assert "Alasan penolakan BPJS terbanyak" in page.text
    shown = re.findall(r'<span class="badge">([^<]+)</span>', page.text)
    assert shown and set(shown) == {"ditolak BPJS"}
    assert "Anggota Perlindungan Masyarakat (LINMAS)" in page.text or "Marbot" in page.text
    assert ">rejected<" not in page.text and "linmas<" not in page.text


def test_the_api_list_filters_and_the_page_stays_within_scope(
        signed_in: Callable[[str], Client], demo_engine: Engine) -> None:
    admin = signed_in("admin.metro")
    everyone = admin.get("/api/v1/memberships", params={"per_page": 1}).json()["total"]
    satpol = signed_in("opd.satpol").get("/api/v1/memberships", params={"per_page": 100}).json()
    assert everyone > satpol["total"] > 0
    assert {m["agency"] for m in satpol["items"]} == {SATPOL}
    village = signed_in("desa.metro").get("/api/v1/memberships",
                                          params={"per_page": 100}).json()
    assert 0 < village["total"] < everyone
    assert len({m["village_code"] for m in village["items"]}) == 1
    code = village["items"][0]["village_code"]
    same = admin.get("/api/v1/memberships", params={"village": code, "per_page": 1}).json()
    assert same["total"] == village["total"]
    marbot = admin.get("/api/v1/memberships", params={"occupation": "marbot",
                                                       "per_page": 100}).json()
    assert marbot["total"] > 0 and {m["occupation_code"] for m in marbot["items"]} == {"marbot"}
    religious = admin.get("/api/v1/memberships", params={"group": "religious",
                                                          "per_page": 1}).json()["total"]
    assert religious > marbot["total"]
    rejected = admin.get("/api/v1/memberships", params={"status": "rejected",
                                                         "agreement": "METRO-2026"}).json()
    assert rejected["items"][0]["status_label"] == "ditolak BPJS"
    assert rejected["items"][0]["status_reason"]
    assert admin.get("/api/v1/memberships", params={"per_page": 101}).status_code == 422
    assert admin.get("/api/v1/memberships", params={"status": "aktif"}).status_code == 422
    nik_like = admin.get("/api/v1/memberships", params={"name": "1872011203750001"})
    assert nik_like.status_code == 422
    page = signed_in("opd.satpol").get("/pekerja")
    assert page.status_code == 200 and f"{satpol['total']} peserta" in page.text


def test_a_nik_in_the_name_filter_is_refused_and_not_shown_back(
        signed_in: Callable[[str], Client]) -> None:
    page = signed_in("admin.metro").get("/pekerja", params={"nama": "1872011203750001"})
    assert page.status_code == 422
    assert "1872011203750001" not in page.text and "NIK" in page.text


def test_the_export_is_a_workbook_of_words_with_masked_niks_and_is_audited(
        signed_in: Callable[[str], Client], demo_engine: Engine) -> None:
    client = signed_in("opd.satpol")
    response = client.post_form("/pekerja/unduh", {"status": "active"})
    assert response.status_code == 200  # type: ignore[attr-defined]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Peserta"]  # type: ignore[attr-defined]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    active = _scalar(demo_engine, select(func.count()).select_from(Membership).where(
        Membership.status == "active", Membership.agency == SATPOL))
    assert len(rows) == active > 0
    assert {r[5] for r in rows} == {"aktif"} and {r[13] for r in rows} == {SATPOL}
    assert all(isinstance(r[1], str) and re.fullmatch(r"[0-9]{4}\*{8}[0-9]{4}", r[1])
               for r in rows)
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    (event,) = _events(demo_engine, "workers.export")
    assert event.actor == "user:opd.satpol"
    assert event.detail == {"file": "peserta.xlsx", "rows": active,
                            "filters": {"status": "active"}}
    api = _api(signed_in("admin.metro")).post("/api/v1/memberships/export",
                                              json={"status": "rejected"})
    assert api.status_code == 200 and int(api.headers["X-Lindung-Count"]) > 10


def test_ticked_rejected_members_are_proposed_again_each_audited(
        signed_in: Callable[[str], Client], demo_engine: Engine) -> None:
    chosen = _ids(demo_engine, "rejected", 2)
    client = signed_in("admin.metro")
    done = client.post_form("/pekerja/massal", {"pilih": [str(i) for i in chosen],
                                                "tindakan": "ajukan-ulang",
                                                "status": "rejected"}, follow_redirects=False)
    assert done.status_code == 303  # type: ignore[attr-defined]
    assert done.headers["location"].startswith("/pekerja?status=rejected")  # type: ignore[attr-defined]
    page = client.get(done.headers["location"])  # type: ignore[attr-defined]
    assert "2 peserta diusulkan ulang." in page.text
    events = _events(demo_engine, "membership.resubmit")
    assert [e.before["membership"] for e in events if e.before] == chosen
    assert all(e.after and e.after["status"] == "proposed" for e in events)
    with session_factory(demo_engine)() as s:
        old = [s.get(Membership, i) for i in chosen]
        assert all(m is not None and m.status == "rejected" for m in old)


def test_a_batch_with_an_active_member_is_refused_whole_with_reasons(
        signed_in: Callable[[str], Client], demo_engine: Engine) -> None:
    rejected, active = _ids(demo_engine, "rejected", 1), _ids(demo_engine, "active", 1)
    admin, api_admin = signed_in("admin.metro"), _api(signed_in("admin.metro"))
    before = _counts(demo_engine)  # signed in (an audit event each) before counting
    page = admin.post_form("/pekerja/massal", {
        "pilih": [str(rejected[0]), str(active[0])], "tindakan": "ajukan-ulang"})
    assert page.status_code == 409  # type: ignore[attr-defined]
    assert "Tidak ada yang disimpan" in page.text  # type: ignore[attr-defined]
    assert "hanya peserta yang ditolak BPJS" in page.text  # type: ignore[attr-defined]
    with session_factory(demo_engine)() as s:
        name = s.scalar(select(Worker.name).join(Membership).where(Membership.id == active[0]))
    assert f"<td>{name}</td>" in page.text  # type: ignore[attr-defined]
    assert _counts(demo_engine) == before
    api = api_admin.post("/api/v1/memberships/resubmissions",
                         json={"ids": [rejected[0], active[0]]})
    assert api.status_code == 409
    assert api.json()["error"]["details"][0]["membership_id"] == str(active[0])
    assert _counts(demo_engine) == before
    ok = api_admin.post("/api/v1/memberships/resubmissions", json={"ids": rejected})
    assert ok.status_code == 201 and ok.json()["count"] == 1


def test_ending_ticked_members_from_the_page_and_the_api(
        signed_in: Callable[[str], Client], demo_engine: Engine) -> None:
    chosen = _ids(demo_engine, "active", 3, agency=SATPOL)
    client = signed_in("opd.satpol")
    done = client.post_form("/pekerja/massal", {
        "pilih": [str(i) for i in chosen[:2]], "tindakan": "akhiri", "alasan": "moved",
        "tanggal": "2026-11-30"}, follow_redirects=False)
    assert done.status_code == 303  # type: ignore[attr-defined]
    events = _events(demo_engine, "membership.end")
    assert [int(e.entity_id or 0) for e in events] == chosen[:2]
    assert events[0].after == {"status": "ended", "end_date": "2026-11-30",
                               "end_reason": "moved"}
    api = _api(signed_in("opd.satpol")).post("/api/v1/memberships/endings", json={
        "ids": [chosen[2]], "reason": "death", "on": "2026-11-30"})
    assert api.status_code == 200 and api.json()["membership_ids"] == [chosen[2]]
    # a member of another OPD cannot be ended by Satpol's operator: not found, nothing written
    other = _ids(demo_engine, "active", 1, agency="Dinas Sosial Kota Metro")
    refused = _api(signed_in("opd.satpol")).post("/api/v1/memberships/endings", json={
        "ids": other, "reason": "death", "on": "2026-11-30"})
    assert refused.status_code == 409 and "tidak ditemukan" in refused.json()["error"]["message"]
    assert signed_in("auditor.metro").post_form("/pekerja/massal", {
        "pilih": [str(chosen[0])], "tindakan": "akhiri"}).status_code == 403  # type: ignore[attr-defined]


def test_correcting_a_worker_from_the_page_and_the_api(signed_in: Callable[[str], Client],
                                                      demo_engine: Engine) -> None:
    with session_factory(demo_engine)() as s:
        worker_id, name = s.execute(select(Worker.id, Worker.name).join(Membership).where(
            Membership.agency == SATPOL).order_by(Worker.id).limit(1)).one()
        membership_id = s.scalar(select(Membership.id).where(Membership.worker_id == worker_id))
    client = signed_in("opd.satpol")
    page = client.get(f"/pekerja/{worker_id}")
    assert page.status_code == 200 and "Koreksi data pekerja" in page.text
    done = client.post_form(f"/pekerja/{worker_id}/koreksi", {
        "nama": "Siti Koreksi", "alamat": "Jl. Baru 1", "telepon": "0813 0000 1111",
        f"pekerjaan-{membership_id}": "marbot", "alasan": "sesuai KTP"},
        follow_redirects=False)
    assert done.status_code == 303  # type: ignore[attr-defined]
    shown = client.get(f"/pekerja/{worker_id}?selesai=koreksi")
    assert "Siti Koreksi" in shown.text and "Data pekerja dikoreksi." in shown.text
    assert "Marbot Masjid" in shown.text
    (event,) = _events(demo_engine, "worker.correct")
    assert event.before is not None and event.before["name"] == name
    assert event.after == {"name": "Siti Koreksi", "address": "Jl. Baru 1",
                           "phone": "+6281300001111"}
    (occupation,) = _events(demo_engine, "membership.correct_occupation")
    assert occupation.after == {"occupation": "marbot"}
    bad = client.post_form(f"/pekerja/{worker_id}/koreksi", {"nama": "Siti Koreksi",
                                                              "telepon": "abc"})
    assert bad.status_code == 422 and "telepon" in bad.text.lower()  # type: ignore[attr-defined]
    api = _api(signed_in("admin.metro")).patch(f"/api/v1/workers/{worker_id}",
                                               json={"name": "Siti Lagi"})
    assert api.status_code == 200 and api.json()["worker"]["name"] == "Siti Lagi"
    assert _api(signed_in("admin.metro")).patch(f"/api/v1/memberships/{membership_id}",
                                                json={"occupation": "linmas"}).status_code == 200
    # someone outside the operator's OPD is not found
    with session_factory(demo_engine)() as s:
        other = s.scalar(select(Worker.id).join(Membership).where(
            Membership.agency == "Dinas Sosial Kota Metro").order_by(Worker.id))
    outside = _api(signed_in("opd.satpol")).patch(f"/api/v1/workers/{other}",
                                                  json={"name": "Orang Lain"})
    assert outside.status_code == 404


def test_one_rejected_member_is_proposed_again_from_their_page(
        signed_in: Callable[[str], Client], demo_engine: Engine) -> None:
    (membership_id,) = _ids(demo_engine, "rejected", 1)
    with session_factory(demo_engine)() as s:
        worker_id = s.scalar(select(Membership.worker_id).where(Membership.id == membership_id))
    client = signed_in("admin.metro")
    page = client.get(f"/pekerja/{worker_id}")
    assert "Usulkan ulang" in page.text
    done = client.post_form(f"/pekerja/{worker_id}/kepesertaan", {
        "pilih": str(membership_id), "tindakan": "ajukan-ulang"}, follow_redirects=False)
    assert done.status_code == 303  # type: ignore[attr-defined]
    again = client.get(f"/pekerja/{worker_id}?selesai=ajukan-ulang")
    assert "1 peserta diusulkan ulang." in again.text
    assert again.text.count('name="tindakan" value="ajukan-ulang"') == 0
    assert len(_events(demo_engine, "membership.resubmit")) == 1
