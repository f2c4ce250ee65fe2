"""An operator uploads a roster in a real browser: sees the rows to fix, then saves the rest."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from tests.browser.conftest import sign_in

HEADER = ["No", "NIK", "Nama", "Tgl Lahir", "Jenis Kelamin", "Desa/Kelurahan", "Pekerjaan"]


def test_upload_shows_errors_then_commits(page: Any, server: str, tmp_path: Path) -> None:
    roster = tmp_path / "linmas-tambahan.csv"
    with roster.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerow(["1", "1872011501909001", "Paijo", "15-01-1990", "L", "18.72.01.1001",
                         "Linmas"])
        writer.writerow(["2", "1872015501909002", "Painem", "15-01-1990", "P", "18.72.01.1001",
                         "Linmas"])
        writer.writerow(["3", "1.87201E+15", "Salah Format", "15-01-1990", "L",
                         "18.72.01.1001", "Linmas"])
    sign_in(page, server, "admin.metro")
    page.goto(f"{server}/unggah")
    page.select_option("select[name=agreement]", "METRO-2026")
    page.set_input_files("input[type=file]", str(roster))
    page.click("form[action='/unggah'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    tiles = page.locator(".tile .big").all_inner_texts()
    assert tiles[:4] == ["3", "2", "0", "1"]  # rows, accepted, unchanged, refused
    refused = page.locator("tr.error").first.inner_text()
    assert refused.startswith("4") and "Teks" in refused
    page.click("form[action='/unggah/simpan'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[role=status]").first.is_visible()
    assert "2" in page.locator(".tile .big").nth(1).inner_text()


def test_a_near_miss_village_is_accepted_with_its_warning(page: Any, server: str,
                                                          tmp_path: Path) -> None:
    roster = tmp_path / "linmas-ganjaragung.csv"
    with roster.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerow(["1", "1872011502909003", "Sukirno", "15-02-1990", "L", "Ganjaragung",
                         "Penjahit"])
        writer.writerow(["", "", "", "", "", "", ""])
        writer.writerow(["", "", "", "", "", "", "Mengetahui, Lurah"])
    sign_in(page, server, "admin.metro")
    page.goto(f"{server}/unggah")
    page.select_option("select[name=agreement]", "METRO-2026")
    page.set_input_files("input[type=file]", str(roster))
    page.click("form[action='/unggah'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    tiles = page.locator(".tile .big").all_inner_texts()
    assert tiles[:4] == ["1", "1", "0", "0"]  # the signature line is not a row
    warnings = " ".join(page.locator("tr.warning").all_inner_texts())
    assert "Desa 'Ganjaragung' dibaca sebagai 'Ganjar Agung'" in warnings
    assert "penjahit" in warnings.lower()
    assert "di bawah tabel" in page.locator("p.warning").first.inner_text() or any(
        "di bawah tabel" in t for t in page.locator("p.warning").all_inner_texts())
    page.click("form[action='/unggah/simpan'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "1" in page.locator(".tile .big").nth(1).inner_text()
    assert any("dihapus dari server" in t for t in page.locator("p.warning").all_inner_texts())
