"""The account pages and API: an admin makes a user (a one-time code shown once), the person
signs in with it and must choose a password; resets, deactivation, one's own password,
organisations, token rotation; who may, and what is refused."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi import FastAPI
from sqlalchemy import Engine, select

from lindung.accounts.models import ApiToken
from lindung.audit.models import AuditEvent
from lindung.db import session_factory
from tests.web.conftest import Client

NEW_PASSWORD = "kopi pahit pagi hari"
CODE = re.compile(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}")


def sign_in(client: Client, username: str, password: str) -> object:
    page = client.get("/masuk")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    return client.post("/masuk", data={"username": username, "password": password,
                                       "csrf_token": token.group(1)}, follow_redirects=False)


def form_csrf(text: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', text)
    assert found is not None
    return found.group(1)


def actions(engine: Engine, action: str) -> list[AuditEvent]:
    with session_factory(engine)() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_admin_makes_a_user_who_signs_in_with_the_code_and_chooses_a_password(
        signed_in: Callable[[str], Client], app: FastAPI, demo_engine: Engine) -> None:
    admin = signed_in("admin.metro")
    page = admin.get("/pengaturan/akun")
    assert page.status_code == 200
    assert "opd.satpol" in page.text and "loket.kir" not in page.text  # Metro's people only
    assert "Operator OPD" in page.text and "opd_operator<" not in page.text
    made = admin.post_form("/pengaturan/akun/pengguna", {
        "username": "desa.yosodadi", "display_name": "Sri Wahyuni", "role": "opd_operator",
        "organisation": "SATPOL-METRO"})
    assert made.status_code == 200  # type: ignore[attr-defined]
    code = CODE.search(made.text)  # type: ignore[attr-defined]
    assert code is not None and "tidak dikirim lewat surel" in made.text  # type: ignore[attr-defined]
    listed = admin.get("/pengaturan/akun").text
    assert code.group(0) not in listed and "menunggu masuk dengan kode" in listed

    person = Client(app)
    opened = sign_in(person, "desa.yosodadi", code.group(0))
    assert opened.status_code == 303  # type: ignore[attr-defined]
    assert opened.headers["location"] == "/masuk/kata-sandi-baru"  # type: ignore[attr-defined]
    assert person.get("/", follow_redirects=False).headers["location"] == "/masuk"
    choose = person.get("/masuk/kata-sandi-baru")
    assert choose.status_code == 200 and "Pilih kata sandi baru" in choose.text
    csrf = form_csrf(choose.text)
    differ = person.post("/masuk/kata-sandi-baru", data={
        "password": NEW_PASSWORD, "password_again": NEW_PASSWORD + "x", "csrf_token": csrf})
    assert differ.status_code == 422 and "tidak sama" in differ.text
    weak = person.post("/masuk/kata-sandi-baru", data={
        "password": "bismillah 123456", "password_again": "bismillah 123456",
        "csrf_token": csrf})
    assert weak.status_code == 422 and "terlalu umum" in weak.text
    forged = person.post("/masuk/kata-sandi-baru", data={
        "password": NEW_PASSWORD, "password_again": NEW_PASSWORD, "csrf_token": "x"})
    assert forged.status_code == 403
    done = person.post("/masuk/kata-sandi-baru", data={
        "password": NEW_PASSWORD, "password_again": NEW_PASSWORD, "csrf_token": csrf},
        follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/"
    assert person.get("/pekerja").status_code == 200  # signed in as the OPD operator
    again = Client(app)
    assert sign_in(again, "desa.yosodadi", code.group(0)).status_code == 401  # type: ignore[attr-defined]
    assert sign_in(again, "desa.yosodadi", NEW_PASSWORD).status_code == 303  # type: ignore[attr-defined]
    assert [e.actor for e in actions(demo_engine, "user.password_set")] == [
        "user:desa.yosodadi"]


def test_reset_deactivate_and_refusals_on_the_page(signed_in: Callable[[str], Client],
                                                   demo_engine: Engine) -> None:
    satpol = signed_in("opd.satpol")
    assert satpol.get("/pengaturan/akun").status_code == 403
    admin = signed_in("admin.metro")
    reset = admin.post_form("/pengaturan/akun/pengguna/opd.satpol/atur-ulang")
    assert reset.status_code == 200 and CODE.search(reset.text)  # type: ignore[attr-defined]
    assert satpol.get("/pekerja", follow_redirects=False).status_code == 303  # session ended
    elsewhere = admin.post_form("/pengaturan/akun/pengguna/loket.kir/nonaktifkan")
    assert elsewhere.status_code == 404  # type: ignore[attr-defined]
    gone = admin.post_form("/pengaturan/akun/pengguna/desa.metro/nonaktifkan",
                           follow_redirects=False)
    assert gone.status_code == 303  # type: ignore[attr-defined]
    again = admin.post_form("/pengaturan/akun/pengguna/desa.metro/nonaktifkan")
    assert again.status_code == 409 and "sudah nonaktif" in again.text  # type: ignore[attr-defined]
    wrong_role = admin.post_form("/pengaturan/akun/pengguna", {
        "username": "x.baru", "display_name": "X", "role": "bpjs_officer",
        "organisation": "PEMKOT-METRO"})
    assert wrong_role.status_code == 422  # type: ignore[attr-defined]
    assert "tidak bekerja di" in wrong_role.text  # type: ignore[attr-defined]
    village = admin.post_form("/pengaturan/akun/organisasi", {
        "kind": "village", "code": "KEL-BARU", "name": "Kelurahan Baru",
        "parent": "PEMKOT-METRO", "region": "18.72"})
    assert village.status_code == 422  # type: ignore[attr-defined]
    assert "kode wilayah desanya" in village.text  # type: ignore[attr-defined]
    opd = admin.post_form("/pengaturan/akun/organisasi", {
        "kind": "opd", "code": "DISPERINDAG-METRO", "name": "Dinas Perdagangan Kota Metro",
        "parent": "PEMKOT-METRO", "region": ""}, follow_redirects=False)
    assert opd.status_code == 303  # type: ignore[attr-defined]
    off = admin.post_form("/pengaturan/akun/organisasi/DISPERINDAG-METRO/nonaktifkan",
                          follow_redirects=False)
    assert off.status_code == 303  # type: ignore[attr-defined]
    assert [e.entity_id for e in actions(demo_engine, "organisation.deactivate")] == [
        "DISPERINDAG-METRO"]
    assert [e.entity_id for e in actions(demo_engine, "user.deactivate")] == ["desa.metro"]


def test_changing_ones_own_password_on_the_page(signed_in: Callable[[str], Client],
                                               app: FastAPI) -> None:
    mine = signed_in("opd.satpol")
    other = signed_in("opd.satpol")
    page = mine.get("/akun/kata-sandi")
    assert page.status_code == 200 and "Paling sedikit 15 karakter" in page.text
    wrong = mine.post_form("/akun/kata-sandi", {"current_password": "bukan ini",
                                                "password": NEW_PASSWORD,
                                                "password_again": NEW_PASSWORD})
    assert wrong.status_code == 422 and "sekarang salah" in wrong.text  # type: ignore[attr-defined]
    from lindung.demo_data import DEMO_PASSWORD

    done = mine.post_form("/akun/kata-sandi", {"current_password": DEMO_PASSWORD,
                                               "password": NEW_PASSWORD,
                                               "password_again": NEW_PASSWORD},
                          follow_redirects=False)
    assert done.status_code == 303  # type: ignore[attr-defined]
    assert "Kata sandi sudah diganti" in mine.get("/akun/kata-sandi?selesai=1").text
    assert other.get("/pekerja", follow_redirects=False).status_code == 303  # ended
    fresh = Client(app)
    assert sign_in(fresh, "opd.satpol", DEMO_PASSWORD).status_code == 401  # type: ignore[attr-defined]
    assert sign_in(fresh, "opd.satpol", NEW_PASSWORD).status_code == 303  # type: ignore[attr-defined]


def test_rotating_a_token_on_the_page(signed_in: Callable[[str], Client], anonymous: Client,
                                      demo_engine: Engine) -> None:
    admin = signed_in("admin.metro")
    created = admin.post_form("/pengaturan/token", {
        "name": "Aplikasi Satpol", "organisation": "SATPOL-METRO",
        "permissions": ["reference.read"]})
    old = re.search(r"lgt_[A-Za-z0-9_-]+", created.text)  # type: ignore[attr-defined]
    assert old is not None
    with session_factory(demo_engine)() as s:
        token_id = s.scalar(select(ApiToken.id).where(ApiToken.name == "Aplikasi Satpol"))
    rotated = admin.post_form(f"/pengaturan/token/{token_id}/ganti", {"overlap_minutes": "30"})
    assert rotated.status_code == 200  # type: ignore[attr-defined]
    new = re.search(r"lgt_[A-Za-z0-9_-]+", rotated.text)  # type: ignore[attr-defined]
    assert new is not None and new.group(0) != old.group(0)
    assert "Token lama tetap berlaku" in rotated.text  # type: ignore[attr-defined]
    for secret in (old.group(0), new.group(0)):  # both work during the overlap
        assert anonymous.get("/api/v1/occupations", headers={
            "Authorization": f"Bearer {secret}"}).status_code == 200
    settings = admin.get("/pengaturan").text
    assert "berlaku sampai" in settings
    refused = admin.post_form(f"/pengaturan/token/{token_id}/ganti", {"overlap_minutes": "9999"})
    assert refused.status_code == 422  # type: ignore[attr-defined]


def _api(client: Client) -> Client:
    client.headers["X-CSRF-Token"] = client.csrf
    return client


def test_the_accounts_api(signed_in: Callable[[str], Client], anonymous: Client,
                          counter_token: str, demo_engine: Engine) -> None:
    admin = _api(signed_in("admin.metro"))
    users = admin.get("/api/v1/users").json()
    assert {"admin.metro", "opd.satpol"} <= {u["username"] for u in users}
    assert "loket.kir" not in {u["username"] for u in users}
    body = {"username": "auditor.baru", "display_name": "Auditor Baru", "role": "auditor",
            "organisation": "PEMKOT-METRO"}
    assert _api(signed_in("bpjs.metro")).post("/api/v1/users", json=body).status_code == 403
    made = admin.post("/api/v1/users", json=body)
    assert made.status_code == 201 and CODE.fullmatch(made.json()["code"])
    assert admin.post("/api/v1/users", json=body).status_code == 409
    assert admin.post("/api/v1/users", json={**body, "extra": 1}).status_code == 422
    reset = admin.post("/api/v1/users/auditor.baru/password-reset")
    assert reset.status_code == 201 and reset.json()["code"] != made.json()["code"]
    assert admin.post("/api/v1/users/loket.kir/deactivate").status_code == 404
    assert admin.post("/api/v1/users/auditor.baru/deactivate").json() == {"done": True}
    org = admin.post("/api/v1/organisations", json={
        "code": "LOKET-METRO", "kind": "counter", "name": "Loket Dishub Metro"})
    assert org.status_code == 201 and org.json()["parent"] == "PEMKOT-METRO"
    assert org.json()["region_code"] == "18.72"
    codes = {o["code"] for o in admin.get("/api/v1/organisations").json()}
    assert "LOKET-METRO" in codes and "DISHUB-LAMTENG-KIR" not in codes
    issued = admin.post("/api/v1/tokens", json={
        "name": "Loket", "organisation": "LOKET-METRO",
        "permissions": ["coverage.check", "counter.enrol"]})
    assert issued.status_code == 201
    rotated = admin.post(f"/api/v1/tokens/{issued.json()['id']}/rotate",
                         json={"overlap_minutes": 0})
    assert rotated.status_code == 201
    old, new = issued.json()["secret"], rotated.json()["secret"]
    check = {"nik": "1872011203750001"}
    assert anonymous.post("/api/v1/coverage-checks", json=check, headers={
        "Authorization": f"Bearer {old}"}).status_code == 401
    assert anonymous.post("/api/v1/coverage-checks", json=check, headers={
        "Authorization": f"Bearer {new}"}).status_code == 200
    assert admin.post(f"/api/v1/tokens/{rotated.json()['id']}/revoke").status_code == 204
    assert anonymous.post("/api/v1/coverage-checks", json=check, headers={
        "Authorization": f"Bearer {new}"}).status_code == 401
    deactivated = admin.post("/api/v1/organisations/LOKET-METRO/deactivate")
    assert deactivated.json() == {"code": "LOKET-METRO", "deactivated": 1}
    token = {"Authorization": f"Bearer {counter_token}"}
    assert anonymous.post("/api/v1/me/password", headers=token, json={
        "current_password": "x", "new_password": NEW_PASSWORD}).status_code == 403
    from lindung.demo_data import DEMO_PASSWORD

    mine = _api(signed_in("auditor.metro"))
    assert mine.post("/api/v1/me/password", json={
        "current_password": DEMO_PASSWORD, "new_password": "auditor.metro 2026!!"}
    ).status_code == 422
    assert mine.post("/api/v1/me/password", json={
        "current_password": DEMO_PASSWORD, "new_password": NEW_PASSWORD}).json() == {
        "done": True}
    assert mine.get("/api/v1/me").status_code == 200  # the session in use stays
    audited = {e.action for e in actions(demo_engine, "user.password_change")}
    assert audited == {"user.password_change"}


def test_accounts_page_in_english(signed_in: Callable[[str], Client]) -> None:
    admin = signed_in("admin.metro")
    indonesian = admin.get("/pengaturan/akun").text
    assert "Akun dan organisasi" in indonesian and "Accounts and organisations" not in indonesian
    admin.cookies.set("lang", "en")
    english = admin.get("/pengaturan/akun").text
    assert "Accounts and organisations" in english and "OPD operator" in english
