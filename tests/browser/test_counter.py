"""The KIR counter in a real browser: check a driver, enrol, and print the card, in one visit."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import sign_in

NIK = "1802011705800007"  # Lampung Tengah, born 17-05-1980, a man


def test_check_enrol_and_print_the_card(page: Any, server: str) -> None:
    sign_in(page, server, "loket.kir")
    assert page.url == f"{server}/loket"
    page.fill("form[action='/loket/cek'] input[name=nik]", NIK)
    page.click("form[action='/loket/cek'] button[type=submit]")
    assert "Belum terlindungi" in page.locator("[role=status]").inner_text()
    assert NIK not in page.url
    form = "form[action='/loket/daftar']"
    page.fill(f"{form} input[name=name]", "Sutrisno")
    page.fill(f"{form} input[name=birth_date]", "1980-05-17")
    page.select_option(f"{form} select[name=sex]", "L")
    page.fill(f"{form} input[name=declared_income]", "1000000")
    page.select_option(f"{form} select[name=months]", "1")
    page.select_option(f"{form} select[name=funded_by]", "self")
    page.click(f"{form} button[type=submit]")
    page.wait_for_load_state("networkidle")
    done = page.locator("section.card", has_text="Terdaftar").inner_text()
    assert "Sutrisno" in done and NIK not in done and NIK[-4:] in done
    link = page.locator("a", has_text="Cetak kartu").get_attribute("href")
    assert link is not None
    pdf = page.request.get(f"{server}{link}")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    # the same driver checked again is covered now
    page.goto(f"{server}/loket")
    page.fill("form[action='/loket/cek'] input[name=nik]", NIK)
    page.click("form[action='/loket/cek'] button[type=submit]")
    assert "Sudah terlindungi" in page.locator("[role=status]").inner_text()
