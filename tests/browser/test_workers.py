"""Finding a worker in a real browser: by name through the URL, by NIK only through a form."""

from __future__ import annotations

from datetime import date
from typing import Any

from lindung.demo_data import _metro_villages
from tests.browser.conftest import sign_in


def _first_demo_nik() -> str:
    """The NIK demo_data gives its first worker (a woman born 2 February 1961)."""
    village = _metro_villages()[1]
    born = date(1961, 2, 2)
    return f"{village[:8].replace('.', '')}{born.day + 40:02d}{born.month:02d}61" + "0001"


def test_search_by_name_and_by_nik(page: Any, server: str) -> None:
    sign_in(page, server, "admin.metro")
    page.goto(f"{server}/pekerja")
    page.fill("input[name=nama]", "Siti")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_load_state("networkidle")
    first = page.locator("table a[href^='/pekerja/']").first
    assert "Siti" in first.inner_text()
    first.click()
    page.wait_for_load_state("networkidle")
    assert "METRO-2026" in page.content()

    nik = _first_demo_nik()
    page.goto(f"{server}/pekerja")
    page.fill("form[action='/pekerja/cari-nik'] input[name=nik]", nik)
    page.click("form[action='/pekerja/cari-nik'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert nik not in page.url
    content = page.content()
    assert "METRO-2026" in content
    assert nik not in content and nik[-4:] in content
