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


def test_filter_rejected_members_then_correct_one(page: Any, server: str) -> None:
    sign_in(page, server, "admin.metro")
    page.goto(f"{server}/pekerja")
    page.select_option("select[name=status]", label="ditolak BPJS")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "status=rejected" in page.url
    badges = page.locator("table.members .badge").all_inner_texts()
    assert badges and set(badges) == {"ditolak BPJS"}
    assert "Alasan penolakan BPJS terbanyak" in page.content()
    # a checkbox sits on the same line as its row, beside the member's name
    box = page.locator("table.members input[type=checkbox]").first.bounding_box()
    name = page.locator("table.members td a").first.bounding_box()
    assert box is not None and name is not None and abs(box["y"] - name["y"]) < 30

    page.locator("table.members td a").first.click()
    page.wait_for_load_state("networkidle")
    page.click("details summary")
    page.fill("form.correct input[name=nama]", "Rahmat Koreksi Peramban")
    page.fill("form.correct input[name=telepon]", "0813-1111-2222")
    page.click("form.correct button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Rahmat Koreksi Peramban"
    assert page.locator("[role=status]").inner_text() == "Data pekerja dikoreksi."
    assert "+6281311112222" in page.content()

    page.click("form[action$='/kepesertaan'] button[type=submit]")  # propose again
    page.wait_for_load_state("networkidle")
    assert page.locator("[role=status]").inner_text() == "1 peserta diusulkan ulang."
    assert "diusulkan" in page.locator(".badge").all_inner_texts()
