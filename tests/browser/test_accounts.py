"""In a real browser: a Pemda admin creates a user and gets a one-time code; the new user signs
in with it, must choose a password, changes it on their account page, signs out and signs in
with the new one."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import sign_in

CHOSEN = "padi menguning di sawah"
CHANGED = "kopi pahit pagi hari"


def _sign_in_as(page: Any, server: str, username: str, password: str) -> None:
    page.goto(f"{server}/masuk")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_a_new_user_signs_in_with_a_code_and_changes_the_password(
        page: Any, browser: Any, server: str) -> None:
    sign_in(page, server, "admin.metro")
    page.goto(f"{server}/pengaturan")
    page.click("a[href='/pengaturan/akun']")
    page.wait_for_url(f"{server}/pengaturan/akun")
    form = page.locator("form[action='/pengaturan/akun/pengguna']")
    form.locator("input[name=username]").fill("satpol.baru")
    form.locator("input[name=display_name]").fill("Rahmat Hidayat")
    form.locator("select[name=role]").select_option("opd_operator")
    form.locator("select[name=organisation]").select_option("SATPOL-METRO")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    code = page.locator("code.sign-in-code").inner_text().strip()
    assert len(code) == 14 and "tidak dikirim lewat surel" in page.content()

    person = browser.new_context(locale="id-ID").new_page()
    person.set_default_timeout(15_000)
    try:
        _sign_in_as(person, server, "satpol.baru", code)
        assert person.url == f"{server}/masuk/kata-sandi-baru"
        person.fill("input[name=password]", "password12345678")
        person.fill("input[name=password_again]", "password12345678")
        person.click("button[type=submit]")
        person.wait_for_load_state("networkidle")
        assert "terlalu umum" in person.locator("p.error").inner_text()
        person.fill("input[name=password]", CHOSEN)
        person.fill("input[name=password_again]", CHOSEN)
        person.click("button[type=submit]")
        person.wait_for_url(f"{server}/")
        assert "satpol.baru" in person.locator(".who").first.inner_text()

        person.click("a[href='/akun/kata-sandi']")
        person.wait_for_url(f"{server}/akun/kata-sandi")
        person.fill("input[name=current_password]", CHOSEN)
        person.fill("input[name=password]", CHANGED)
        person.fill("input[name=password_again]", CHANGED)
        person.click("form[action='/akun/kata-sandi'] button[type=submit]")
        person.wait_for_load_state("networkidle")
        assert "Kata sandi sudah diganti" in person.locator("p.ok").inner_text()

        person.click("form.signout button")
        person.wait_for_url(f"{server}/masuk")
        _sign_in_as(person, server, "satpol.baru", CHOSEN)
        assert "salah" in person.locator("p.error").inner_text()
        _sign_in_as(person, server, "satpol.baru", code)  # the code was for one sign-in only
        assert "salah" in person.locator("p.error").inner_text()
        _sign_in_as(person, server, "satpol.baru", CHANGED)
        assert person.url == f"{server}/"
    finally:
        person.context.close()

    page.goto(f"{server}/pengaturan/akun")
    row = page.locator("tr", has_text="satpol.baru")
    assert "aktif" in row.inner_text() and "menunggu" not in row.inner_text()
