"""The KIR counter in a real browser, in one visit: check a driver, enrol, hand over the
receipt, send the proposal to the BPJS simulator (its own process), and print the card with the
KPJ it answered."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import sign_in
from tests.simulator import TOKEN, running_simulator

NIK = "1802011705800007"  # Lampung Tengah, born 17-05-1980, a man


@pytest.fixture
def simulator(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The demo's branch answers through the BPJS simulator, started for this test."""
    with running_simulator() as url:
        monkeypatch.setenv("LINDUNG_BPJS_API_URL", url)
        monkeypatch.setenv("LINDUNG_BPJS_API_TOKEN", TOKEN)
        yield url


def test_enrol_receipt_simulator_then_card_with_the_kpj(page: Any, server: str,
                                                         simulator: str) -> None:
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

    # the receipt: what was paid, its number, and that coverage waits for BPJS; no card yet
    receipt = page.locator("section#bukti")
    shown = receipt.inner_text()
    assert "Sutrisno" in shown and NIK not in shown and NIK[-4:] in shown
    assert "Rp8.400" in shown and "menunggu konfirmasi BPJS" in shown
    assert page.locator("a", has_text="Cetak kartu").count() == 0
    link = page.locator("a", has_text="Cetak bukti pendaftaran").get_attribute("href")
    assert link is not None and re.fullmatch(r"/loket/bukti/\d{4}-\d{6}\.pdf", link)
    pdf = page.request.get(f"{server}{link}")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")

    # checked again before BPJS answers: not covered, waiting
    page.goto(f"{server}/loket")
    page.fill("form[action='/loket/cek'] input[name=nik]", NIK)
    page.click("form[action='/loket/cek'] button[type=submit]")
    assert "menunggu konfirmasi BPJS" in page.locator("[role=status]").inner_text()
    page.goto(f"{server}{link.removesuffix('.pdf')}")

    # sent to the simulator: the answer comes at once, with a KPJ
    page.locator("section#bukti button", has_text="Kirim ke BPJS").click()
    page.wait_for_load_state("networkidle")
    answered = page.locator("section#bukti").inner_text()
    assert "Diterima BPJS" in answered
    kpj = re.search(r"Nomor KPJ\s+(\d{11})", answered)
    assert kpj is not None
    card = page.locator("a", has_text="Cetak kartu peserta BPJS").get_attribute("href")
    assert card is not None
    pdf = page.request.get(f"{server}{card}")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")

    # the same driver checked again is covered now
    page.goto(f"{server}/loket")
    page.fill("form[action='/loket/cek'] input[name=nik]", NIK)
    page.click("form[action='/loket/cek'] button[type=submit]")
    assert "Sudah terlindungi" in page.locator("[role=status]").inner_text()
