"""A person signs in and out in a real browser."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import sign_in


def test_sign_in_home_and_sign_out(page: Any, server: str) -> None:
    page.goto(f"{server}/")
    assert page.url.endswith("/masuk")
    page.fill("input[name=username]", "admin.metro")
    page.fill("input[name=password]", "salah-sekali")
    page.click("button[type=submit]")
    assert "salah" in page.locator("p.error").inner_text()
    sign_in(page, server, "admin.metro")
    assert page.url == f"{server}/"
    assert "Peserta aktif" in page.content()
    assert page.locator(".tile .big").nth(2).inner_text() == "2.700"
    page.click("form.signout button")
    page.wait_for_url(f"{server}/masuk")
    page.goto(f"{server}/")
    assert page.url.endswith("/masuk")


def test_english_switch(page: Any, server: str) -> None:
    sign_in(page, server, "admin.metro")
    page.click("a[href='/bahasa/en']")
    page.wait_for_load_state("networkidle")
    assert "Active members" in page.content()
