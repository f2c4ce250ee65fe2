"""The small shared guards: clean text, redacted logs, temporary files that never outlive their
use (nor a killed process), and text that stays text in a spreadsheet."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lindung import tempfiles
from lindung.errors import InvalidInput
from lindung.logs import RedactNik, redact
from lindung.spreadsheets import workbook, write_row
from lindung.text import INVISIBLE_CATEGORIES, clean_code, clean_text

NIK = "1872011203750001"


@pytest.mark.parametrize(("typed", "stored"), [
    ("  Siti   Aminah ", "Siti Aminah"),
    ("Jos\u00e9", "Jos\u00e9"),
    ("Jose\u0301", "Jos\u00e9"),                     # NFC: one way of writing é
    ("Jl. Merdeka\nNo. 5\tRT 01", "Jl. Merdeka No. 5 RT 01"),  # line breaks fold to spaces
    ("Ahmad\u00a0Saputra", "Ahmad Saputra"),         # a no-break space from a word processor
    ("Ahmad\u2028Saputra", "Ahmad Saputra"),         # a line separator is white space too
])
def test_text_is_stored_in_one_form(typed: str, stored: str) -> None:
    assert clean_text(typed, label="nama", field="name", max_length=150) == stored


@pytest.mark.parametrize("hidden", ["\u202e", "\u200b", "\u200d", "\u2066", "\x00", "\x1b",
                                    "\ufeff", "\ue000", "\U000e0001"])
def test_invisible_characters_are_refused_with_their_code(hidden: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        clean_text(f"Ahmad{hidden}Saputra", label="nama", field="name", max_length=150)
    assert f"U+{ord(hidden):04X}" in str(refused.value) and refused.value.field == "name"


def test_lengths_are_counted_after_cleaning_and_bounded_before() -> None:
    assert clean_text("a  " * 60, label="nama", field="name", max_length=150)
    with pytest.raises(InvalidInput, match="paling panjang 150 karakter"):
        clean_text("a" * 151, label="nama", field="name", max_length=150)
    with pytest.raises(InvalidInput, match="paling panjang 150"):
        clean_text("a" * 20_000_000, label="nama", field="name", max_length=150)
    with pytest.raises(InvalidInput, match="wajib diisi"):
        clean_text(" \t ", label="nama", field="name", max_length=150, required=True)


@pytest.mark.parametrize("code", ["../../etc/passwd", "A" * 41, "PKS 2026", "-X", "x\ny",
                                  "METRO\u202e2026", ""])
def test_codes_are_a_bounded_pattern(code: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        clean_code(code, label="kode PKS", field="code", example="METRO-2026")
    assert code not in str(refused.value) or not code


@given(st.text(max_size=60))
@settings(max_examples=300, deadline=None)
def test_whatever_is_accepted_is_clean(typed: str) -> None:
    try:
        stored = clean_text(typed, label="x", field="x", max_length=40)
    except InvalidInput:
        return
    if stored is not None:
        import unicodedata
        assert len(stored) <= 40 and stored == stored.strip()
        assert not any(unicodedata.category(c) in INVISIBLE_CATEGORIES for c in stored)
        assert unicodedata.normalize("NFC", stored) == stored


def test_log_lines_never_carry_a_full_nik(tmp_path: Path) -> None:
    assert redact(f"nik={NIK} x") == "nik=1872********0001 x"
    assert redact(f"Key (nik)=({NIK}1) exists") == "Key (nik)=(1872********0011) exists"
    assert redact("KPJ 12345678901, tel 081234567890") == "KPJ 12345678901, tel 081234567890"
    out = tmp_path / "server.log"
    handler = logging.FileHandler(out)
    handler.addFilter(RedactNik())
    log = logging.getLogger("lindung.test.redact")
    log.addHandler(handler)
    try:
        log.error("lookup of %s failed", NIK)
        try:
            raise ValueError(f'duplicate key value (nik)=({NIK})')
        except ValueError:
            log.exception("import failed")
    finally:
        log.removeHandler(handler)
        handler.close()
    written = out.read_text()
    assert NIK not in written and "1872********0001" in written and "Traceback" in written


def test_temporary_folders_go_on_every_way_out(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINDUNG_TMP_DIR", str(tmp_path))
    with tempfiles.temporary_directory() as folder:
        (folder / "roster.csv").write_text(NIK)
    assert not folder.exists()
    with pytest.raises(RuntimeError), tempfiles.temporary_directory() as folder:
        (folder / "roster.csv").write_text(NIK)
        raise RuntimeError("the import failed half-way")
    assert not folder.exists()


def test_what_a_killed_process_left_is_swept(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINDUNG_TMP_DIR", str(tmp_path))
    # a process that makes its folder, writes a roster and dies without cleaning up
    script = ("import os, signal; from lindung import tempfiles; "
              "f = tempfiles.own_folder(); (f / 'r.csv').write_text('x'); "
              "os.kill(os.getpid(), signal.SIGKILL)")
    subprocess.run([sys.executable, "-c", script], env={**os.environ}, check=False)
    left = [p for p in tmp_path.iterdir() if p.is_dir()]
    assert len(left) == 1 and (left[0] / "r.csv").exists()
    mine = tempfiles.own_folder()  # a running process's folder stays
    assert tempfiles.sweep() == 1
    assert [p for p in tmp_path.iterdir()] == [mine]


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    book = workbook(path)
    sheet = book.add_worksheet()
    values = ["=1+1", "=HYPERLINK(\"http://x\")", "http://example.com", NIK, 5, None]
    write_row(sheet, 0, values)
    book.close()
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    cells = next(iter(sheet.iter_rows(values_only=False)))
    assert [c.data_type for c in cells[:4]] == ["s"] * 4
    assert [c.value for c in cells[:5]] == values[:5]
    assert all(c.hyperlink is None for c in cells)
