"""Rosters as Pemda send them: which row is refused, and why, in the operator's words."""

from __future__ import annotations

import csv
import functools
import struct
import time
import tracemalloc
import zipfile
import zlib
from datetime import date, datetime
from pathlib import Path
from typing import Any
from unittest import mock

import fastexcel
import polars as pl
import pytest
import xlsxwriter

from lindung.enrollment.roster_read import CLEAN_SCHEMA, TEXT_LIMITS, read_roster, validate_roster
from lindung.registry.models import Worker
from lindung.registry.nik import NUMERIC_CELL_MESSAGE
from lindung.text import INVISIBLE_WHAT_TO_DO

TODAY = date(2025, 6, 1)
AREA = "18.72"  # Kota Metro: "Metro" alone is also a village in Riau
FIXTURES = Path(__file__).parent / "fixtures"
HEADER = ["No", "NIK", "Nama Lengkap", "Tgl. Lahir", "L/P", "Desa/Kelurahan", "No HP", "Upah",
          "Pekerjaan", "OPD", "Catatan"]  # fmt: skip
BUDI = ["3201011203750001", "Budi  Santoso", "12-03-1975", "L", "Metro", "0812-3456-7890",
        "1.500.000", "Petani", "Dinas Pertanian"]  # fmt: skip
SITI = ["3201015203750002", "Hj. Siti Aminah, S.Pd.", "12 Maret 1975", "P", "18.72.01.1001",
        "", "Rp 2.000.000", "Guru Honorer", ""]  # fmt: skip


def write_xlsx(path: Path, rows: dict[int, list[Any]], sheet: str = "Data") -> Path:
    """Cells by 0-based row index, so tests can leave blank rows and title rows."""
    workbook = xlsxwriter.Workbook(path)
    worksheet = workbook.add_worksheet(sheet)
    for index, values in rows.items():
        for column, value in enumerate(values):
            if value is not None:
                worksheet.write(index, column, value)
    workbook.close()
    return path


def problems_of(validation: Any) -> list[tuple[int, str, str]]:
    return [(r, f, c) for r, f, c in validation.problems.select("row", "field", "code").iter_rows()]


def test_csv_semicolon_cp1252_with_true_row_numbers() -> None:
    roster = read_roster(FIXTURES / "roster_semicolon_cp1252.csv")
    assert roster.ok, roster.file_errors
    assert roster.columns["nik"] == "No. KTP"
    assert roster.frame["row"].to_list() == [2, 3, 5]  # the blank line 4 is skipped, not renumbered
    assert roster.frame["name"].to_list()[2] == "Dédé Suryadi"
    validation = validate_roster(roster, today=TODAY, area_code=AREA)
    assert validation.clean["row"].to_list() == [2, 3, 5]


def test_csv_comma_and_tab() -> None:
    for name in ("roster_comma.csv", "roster_tab.csv"):
        roster = read_roster(FIXTURES / name)
        assert roster.ok and roster.columns.keys() >= {"nik", "name", "birth_date"}
        assert roster.frame.height == 2


def test_xlsx_roster_with_title_rows(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "desa.xlsx",
        {0: ["DAFTAR PEKERJA RENTAN DESA METRO 2025"], 2: HEADER, 3: [1, *BUDI], 5: [2, *SITI]},
    )
    roster = read_roster(path)
    assert roster.ok and roster.frame["row"].to_list() == [4, 6]
    assert roster.unknown_headers == ("No", "Catatan")
    validation = validate_roster(roster, today=TODAY, area_code=AREA)
    clean = validation.clean
    assert dict(clean.schema) == dict(CLEAN_SCHEMA)
    budi, siti = clean.rows(named=True)
    assert budi["nik"] == "3201011203750001"
    assert budi["name"] == "Budi Santoso" and budi["name_key"] == "BUDI SANTOSO"
    assert budi["birth_date"] == date(1975, 3, 12)
    assert budi["village_code"] == "18.72.01.1001"
    assert budi["phone"] == "+6281234567890" and budi["income"] == 1_500_000
    assert budi["occupation"] == "petani" and budi["agency"] == "Dinas Pertanian"
    assert siti["name_key"] == "SITI AMINAH" and siti["sex"] == "P"
    assert validation.problems.height == 0


def test_numeric_nik_cell_is_refused_not_repaired(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "angka.xlsx",
        {0: HEADER, 1: [1, *BUDI], 2: [2, 3201015203750002, *SITI[1:]], 3: [3, 3.2e15, *SITI[1:]]},
    )
    roster = read_roster(path)
    assert roster.numeric_nik_rows == {3, 4}
    validation = validate_roster(roster, today=TODAY, area_code=AREA)
    assert validation.clean["row"].to_list() == [2]
    refused = validation.problems.filter(pl.col("row") == 3).row(0, named=True)
    assert refused["field"] == "nik" and refused["code"] == "numeric_cell"
    assert f"{refused['message']}; {refused['what_to_do']}" == NUMERIC_CELL_MESSAGE
    assert refused["value"] == "3201********0002"  # no NIK in problems (they get logged)


def test_date_cells_and_blank_rows_in_excel(tmp_path: Path) -> None:
    budi = [1, *BUDI]
    budi[3] = datetime(1975, 3, 12)
    path = write_xlsx(tmp_path / "tgl.xlsx", {0: HEADER, 1: budi, 4: [2, *SITI]})
    roster = read_roster(path)
    assert roster.frame["row"].to_list() == [2, 5]
    validation = validate_roster(roster, today=TODAY, area_code=AREA)
    assert validation.clean["birth_date"].to_list() == [date(1975, 3, 12)] * 2


def test_duplicate_nik_names_the_first_row(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "ganda.xlsx", {0: HEADER, 1: [1, *SITI], 2: [2, *BUDI], 3: [3, *BUDI]}
    )
    validation = validate_roster(read_roster(path), today=TODAY, area_code=AREA)
    assert validation.clean["row"].to_list() == [2, 3]
    duplicate = validation.problems.row(0, named=True)
    assert (duplicate["row"], duplicate["code"]) == (4, "nik_duplicate")
    assert duplicate["message"] == "NIK sama dengan baris 3"


def test_a_row_with_any_error_is_refused_whole_and_every_problem_is_listed(tmp_path: Path) -> None:
    bad = ["3201011203750001", "", "31-02-1975", "X", "Atlantis", "0812/0813", "1.5", "", ""]
    path = write_xlsx(tmp_path / "salah.xlsx", {0: HEADER, 1: [1, *bad], 2: [2, *SITI]})
    validation = validate_roster(read_roster(path), today=TODAY, area_code="18.72")
    assert validation.clean["row"].to_list() == [3]
    assert validation.rows_refused == 1
    assert problems_of(validation) == [
        (2, "name", "name_missing"),
        (2, "birth_date", "date_impossible"),
        (2, "sex", "sex_unknown"),
        (2, "phone", "phone_characters"),
        (2, "income", "rupiah_ambiguous"),
        (2, "village", "village_unknown"),
    ]
    assert validation.problems["severity"].unique().to_list() == ["error"]
    assert validation.problems["what_to_do"].null_count() == 0


def test_nik_disagreeing_with_birth_date_or_sex(tmp_path: Path) -> None:
    wrong_date = [*BUDI]
    wrong_date[2] = "13-03-1975"
    wrong_sex = [*SITI]
    wrong_sex[3] = "L"
    path = write_xlsx(tmp_path / "beda.xlsx", {0: HEADER, 1: [1, *wrong_date], 2: [2, *wrong_sex]})
    validation = validate_roster(read_roster(path), today=TODAY, area_code=AREA)
    assert problems_of(validation) == [
        (2, "nik", "birth_date_mismatch"),
        (3, "nik", "sex_mismatch"),
    ]


def test_blank_birth_date_and_sex_come_from_the_nik_with_a_warning(tmp_path: Path) -> None:
    siti = [*SITI]
    siti[2] = siti[3] = ""
    path = write_xlsx(tmp_path / "kosong.xlsx", {0: HEADER, 1: [1, *siti]})
    validation = validate_roster(read_roster(path), today=TODAY, area_code=AREA)
    assert validation.clean.select("birth_date", "sex").row(0) == (date(1975, 3, 12), "P")
    assert set(validation.problems["severity"]) == {"warning"}


def test_old_regency_code_in_nik_is_a_warning_only(tmp_path: Path) -> None:
    old = [*BUDI]
    old[0] = "3299011203750001"
    path = write_xlsx(tmp_path / "lama.xlsx", {0: HEADER, 1: [1, *old]})
    validation = validate_roster(read_roster(path), today=TODAY, area_code=AREA)
    assert validation.clean.height == 1
    assert problems_of(validation) == [(2, "nik", "regency_unknown")]


@pytest.mark.parametrize(
    ("header", "field"),
    [("NIK", "nik"), ("No NIK", "nik"), ("no. ktp", "nik"), ("NOMOR INDUK KEPENDUDUKAN", "nik"),
     ("Nama", "name"), ("Nama Peserta", "name"), ("Tanggal Lahir", "birth_date"),
     ("Tempat Lahir", "birth_place"), ("JK", "sex"), ("Jenis  Kelamin", "sex"),
     ("Alamat", "address"), ("Kelurahan", "village"), ("Kode Desa", "village"),
     ("Profesi", "occupation"), ("Jabatan", "occupation"), ("WA", "phone"), ("No. Telp", "phone"),
     ("Penghasilan", "income"), ("Gaji", "income"), ("Unit Kerja", "agency"),
     ("No KPJ", "kpj"), ("Status", "status"), ("Keterangan", "reason"), ("Alasan", "reason")],
)  # fmt: skip
def test_header_spellings(tmp_path: Path, header: str, field: str) -> None:
    path = tmp_path / "h.csv"
    path.write_text(f"NIK,Nama,{header}\n3201011203750001,Budi,x\n", encoding="utf-8")
    roster = read_roster(path)
    assert roster.columns[field] in ("NIK", "Nama", header)
    if field not in ("nik", "name"):
        assert roster.columns[field] == header


def test_file_errors_are_sentences_for_the_operator(tmp_path: Path) -> None:
    no_nik = tmp_path / "no_nik.csv"
    no_nik.write_text("Nama;Alamat\nBudi;Jl. Mawar\n", encoding="utf-8")
    assert read_roster(no_nik).file_errors == (
        "kolom NIK tidak ditemukan; beri judul kolom 'NIK' pada baris judul",
    )
    empty = tmp_path / "kosong.csv"
    empty.write_bytes(b"")
    assert "berkas kosong" in read_roster(empty).file_errors[0]
    only_header = tmp_path / "judul.csv"
    only_header.write_text("NIK,Nama\n", encoding="utf-8")
    assert "tidak ada baris data" in read_roster(only_header).file_errors[0]
    broken = tmp_path / "rusak.xlsx"
    broken.write_bytes(b"this is not a spreadsheet")
    assert "tidak dapat dibaca" in read_roster(broken).file_errors[0]
    assert "tidak didukung" in read_roster(tmp_path / "foto.jpg").file_errors[0]


def test_missing_sheet_lists_the_sheets(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "s.xlsx", {0: HEADER, 1: [1, *BUDI]}, sheet="Pekerja")
    assert read_roster(path, sheet="Pekerja").ok
    assert read_roster(path, sheet="Sheet1").file_errors == (
        "lembar (sheet) 'Sheet1' tidak ada di berkas; pilih salah satu: Pekerja",
    )


def test_village_name_without_an_area_is_ambiguous(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "desa.xlsx", {0: HEADER, 1: [1, *BUDI]})
    validation = validate_roster(read_roster(path), today=TODAY)
    assert problems_of(validation) == [(2, "village", "village_ambiguous")]
    assert "kode desa" in validation.problems["what_to_do"][0]


# --- bounded reading: a file too big is refused whole, before it is parsed ----------------------


@functools.cache
def deflated(*pieces: tuple[bytes, int]) -> tuple[bytes, int, int]:
    """Raw deflate of each piece repeated: (data, crc32, size). A piece is compressed once and
    its bytes repeated (a full flush makes each copy stand alone), so 300 MB costs milliseconds
    to pack; only the CRC walks the whole."""
    out, crc, size = [], 0, 0
    for piece, times in pieces:
        packer = zlib.compressobj(9, zlib.DEFLATED, -15)
        out.append((packer.compress(piece) + packer.flush(zlib.Z_FULL_FLUSH)) * times)
        for _ in range(times):
            crc = zlib.crc32(piece, crc)
        size += len(piece) * times
    out.append(zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH))
    return b"".join(out), crc, size


def write_zip(path: Path, members: list[tuple[str, bytes, int, int]],
              declared: dict[str, int] | None = None) -> Path:  # fmt: skip
    """A zip of raw-deflated ``(name, data, crc, size)`` members, written by hand so that a
    member's declared size can lie (``declared``)."""
    body, directory = bytearray(), bytearray()
    for name, data, crc, size in members:
        raw = name.encode()
        size = (declared or {}).get(name, size)
        head = struct.pack("<HHHHHIII", 20, 0, 8, 0, 0x21, crc, len(data), size)
        directory += (struct.pack("<I", 0x02014B50) + struct.pack("<H", 20) + head
                      + struct.pack("<HHHHHII", len(raw), 0, 0, 0, 0, 0, len(body)) + raw)
        body += struct.pack("<I", 0x04034B50) + head + struct.pack("<HH", len(raw), 0) + raw + data
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory),
                      len(body), 0)  # fmt: skip
    path.write_bytes(bytes(body + directory + end))
    return path


SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://'
              b'schemas.openxmlformats.org/spreadsheetml/2006/main">%s<sheetData>')  # fmt: skip
SHEET_TAIL = b"</sheetData></worksheet>"


def workbook_with_sheet(tmp_path: Path, name: str, *pieces: tuple[bytes, int],
                        declared: int | None = None) -> Path:  # fmt: skip
    """An .xlsx (from xlsxwriter) whose first sheet's XML is ``pieces``, each repeated."""
    base = write_xlsx(tmp_path / f"base-{name}", {0: ["NIK", "Nama"]})
    members = []
    with zipfile.ZipFile(base) as source:
        for info in source.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                members.append(("xl/worksheets/sheet1.xml", *deflated(*pieces)))
            else:
                members.append((info.filename, *deflated((source.read(info), 1))))
    lie = {"xl/worksheets/sheet1.xml": declared} if declared is not None else None
    return write_zip(tmp_path / name, members, lie)


def refused(path: Path, **bounds: int) -> str:
    """The one file error reading ``path`` gives, before fastexcel opens it; prints how long
    the refusal took and the memory Python held at most (asserted loosely; the time is only
    printed, never asserted)."""
    tracemalloc.start()
    started = time.perf_counter()
    # refused before fastexcel (calamine) opens it: never parsed, then judged
    with mock.patch.object(fastexcel, "read_excel", side_effect=AssertionError("parsed")):
        roster = read_roster(path, **bounds)  # type: ignore[arg-type]
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"{path.name}: {path.stat().st_size:,} bytes refused in {elapsed:.3f} s, "
          f"peak {peak / 2**20:.1f} MiB: {roster.file_errors}")  # fmt: skip
    assert roster.frame.height == 0 and len(roster.file_errors) == 1
    assert peak < 96 * 2**20  # a few chunks of 4 MiB, never the unpacked file
    return roster.file_errors[0]


TWELVE_MILLION_CELLS = (b"<row>" + b'<c t="n"><v>1</v></c>' * 4 + b"</row>") * 10_000, 300


def test_zip_bomb_is_refused_by_its_declared_size_before_parsing(tmp_path: Path) -> None:
    # ~1 MB that unpacks to 285 MB of XML: 3,000,000 rows of 4 cells
    head = SHEET_HEAD % b'<dimension ref="A1:D3000000"/>'
    bomb = workbook_with_sheet(tmp_path, "bom.xlsx", (head, 1), TWELVE_MILLION_CELLS,
                               (SHEET_TAIL, 1))  # fmt: skip
    assert bomb.stat().st_size < 2_000_000
    assert refused(bomb) == ("berkas terlalu besar: 3.000.000 baris; bagi menjadi beberapa "
                             "berkas paling banyak 1.000.000 baris")  # fmt: skip


def test_zip_bomb_with_a_false_dimension_is_refused_while_unpacking(tmp_path: Path) -> None:
    # every cell claims row 3,000,000: calamine would build the grid down to it
    row = b'<row r="3000000">' + b'<c r="A3000000" t="n"><v>1</v></c>' * 4 + b"</row>"
    bomb = workbook_with_sheet(tmp_path, "bom.xlsx", (SHEET_HEAD % b'<dimension ref="A1"/>', 1),
                               (row * 10_000, 300), (SHEET_TAIL, 1))  # fmt: skip
    assert refused(bomb).startswith("berkas terlalu besar: 3.000.000 baris;")
    # cells without a reference (read by the general scan) are counted as they come
    bomb = workbook_with_sheet(tmp_path, "tanpa-ref.xlsx", (SHEET_HEAD % b"", 1),
                               TWELVE_MILLION_CELLS, (SHEET_TAIL, 1))  # fmt: skip
    assert refused(bomb, max_rows=50_000).startswith("berkas terlalu besar: ")


def test_two_far_cells_are_refused_not_built_into_a_grid(tmp_path: Path) -> None:
    # 5 KB: A1 and XFD2000 ask calamine for 33 million cells (XFD1048576: 17 billion, and the
    # process ends)
    cells = (b'<row r="1"><c r="A1" t="inlineStr"><is><t>NIK</t></is></c></row>'
             b'<row r="2000"><c r="XFD2000"><v>1</v></c></row>')  # fmt: skip
    path = workbook_with_sheet(tmp_path, "jauh.xlsx", (SHEET_HEAD % b'<dimension ref="A1"/>', 1),
                               (cells, 1), (SHEET_TAIL, 1))  # fmt: skip
    assert refused(path) == (
        "berkas terlalu besar: 2.000 baris x 16.384 kolom, lebih dari 20.000.000 sel; hapus "
        "baris dan kolom kosong di bawah dan di kanan data (juga yang hanya diberi format), atau "
        "bagi menjadi beberapa berkas"
    )
    # the same with a namespace prefix and the reference after another attribute
    prefixed = (b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                b'main"><x:sheetData><x:row r="1"><x:c t="inlineStr" r="A1"><x:is><x:t>NIK</x:t>'
                b'</x:is></x:c></x:row><x:row><x:c s="0" r="XFD2000"><x:v>1</x:v></x:c></x:row>'
                b"</x:sheetData></x:worksheet>")  # fmt: skip
    path = workbook_with_sheet(tmp_path, "awalan.xlsx", (prefixed, 1))
    assert "baris x 16.384 kolom" in refused(path)
    # empty formatted cells far away hold nothing and are not refused
    styled = (b'<row r="1"><c r="A1" t="inlineStr"><is><t>NIK</t></is></c></row>'
              b'<row r="999999"><c r="XFD999999" s="0"/></row>')  # fmt: skip
    path = workbook_with_sheet(tmp_path, "format.xlsx", (SHEET_HEAD % b"", 1), (styled, 1),
                               (SHEET_TAIL, 1))  # fmt: skip
    assert "tidak ada baris data" in read_roster(path).file_errors[-1]


def test_cells_without_a_reference_are_placed_one_after_another(tmp_path: Path) -> None:
    # calamine puts a cell without r= right of the one before, a row without r= below
    row = b"<row>" + b'<c t="inlineStr"><is><t>x</t></is></c>' * 100 + b"</row>"
    path = workbook_with_sheet(tmp_path, "tanpa-r.xlsx", (SHEET_HEAD % b"", 1), (row, 20),
                               (SHEET_TAIL, 1))  # fmt: skip
    assert refused(path, max_cells=1_000).startswith(
        "berkas terlalu besar: 20 baris x 100 kolom, lebih dari 1.000 sel;"
    )
    assert read_roster(path, max_cells=2_000).file_errors[0].startswith("kolom NIK tidak")


def test_lying_zip_header_is_counted_not_trusted(tmp_path: Path) -> None:
    # the sheet says it unpacks to 1 KB; it unpacks to 30 MB
    row = b'<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c></row>'
    head = SHEET_HEAD % b'<dimension ref="A1:A2"/>'
    path = workbook_with_sheet(tmp_path, "bohong.xlsx", (head, 1), (row * 10_000, 50),
                               (SHEET_TAIL, 1), declared=1_000)  # fmt: skip
    limit = 10 * 2**20
    assert refused(path, max_inflated=limit) == (
        "berkas terlalu besar: isinya lebih dari 10 MB setelah dibuka; hapus gambar dan lembar "
        "yang tidak perlu, atau bagi daftar menjadi beberapa berkas"
    )
    # told the truth, the declared sizes alone refuse it, before anything is unpacked
    honest = workbook_with_sheet(tmp_path, "jujur.xlsx", (SHEET_HEAD % b"", 1), (row * 10_000, 50),
                                 (SHEET_TAIL, 1))  # fmt: skip
    assert refused(honest, max_inflated=limit).startswith("berkas terlalu besar: isinya lebih")


def test_ods_repeated_rows_are_counted_before_opening(tmp_path: Path) -> None:
    def ods(name: str, rows: int, columns: int) -> Path:
        content = (
            '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:'
            'oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:'
            'opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:'
            'text:1.0"><office:body><office:spreadsheet><table:table table:name="Data">'
            '<table:table-row><table:table-cell office:value-type="string"><text:p>NIK</text:p>'
            '</table:table-cell><table:table-cell office:value-type="string"><text:p>Nama'
            "</text:p></table:table-cell></table:table-row>"
            f'<table:table-row table:number-rows-repeated="{rows}"><table:table-cell '
            f'table:number-columns-repeated="{columns}" office:value-type="string"><text:p>x'
            "</text:p></table:table-cell></table:table-row>"
            # LibreOffice's "the rest of the sheet is empty": free
            '<table:table-row table:number-rows-repeated="1048000"><table:table-cell '
            'table:number-columns-repeated="1024"/></table:table-row>'
            "</table:table></office:spreadsheet></office:body></office:document-content>"
        )
        manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="'
                    'urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry '
                    'manifest:full-path="/" manifest:media-type="application/vnd.oasis.'
                    'opendocument.spreadsheet"/></manifest:manifest>')  # fmt: skip
        with zipfile.ZipFile(tmp_path / name, "w") as archive:
            archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
            archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
            archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        return tmp_path / name

    # 900 bytes asking for 99 million cells
    assert refused(ods("bom.ods", 99_000, 1_000)).startswith(
        "berkas terlalu besar: 99.001 baris x 1.000 kolom, lebih dari 20.000.000 sel;"
    )
    # empty cells before one that holds something count as columns too
    wide = ods("lebar.ods", 5_000, 1)
    with zipfile.ZipFile(wide) as archive:
        content = archive.read("content.xml").replace(
            b'<table:table-cell table:number-columns-repeated="1" office',
            b"<table:table-cell/>" * 5_000 + b"<table:table-cell office",
        )
    with zipfile.ZipFile(wide, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    assert wide.stat().st_size < 2_000
    assert "5.001 baris x 5.001 kolom" in refused(wide)
    roster = read_roster(ods("kecil.ods", 3, 2))
    assert roster.frame.height == 3 and "name" in roster.columns


@pytest.mark.parametrize(("suffix", "label"), [(".xls", "Excel 97-2003 (.xls)"),
                                               (".xlsb", "Excel biner (.xlsb)")])  # fmt: skip
def test_binary_excel_is_refused_with_what_to_do(tmp_path: Path, suffix: str, label: str) -> None:
    path = tmp_path / f"lama{suffix}"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    assert read_roster(path).file_errors == (
        f"format {label} tidak diterima karena isinya tidak dapat diperiksa dengan aman sebelum "
        "dibaca; buka di Excel, pilih Simpan Sebagai > Buku Kerja Excel (.xlsx), lalu unggah lagi",
    )


def test_not_a_zip_and_a_locked_workbook(tmp_path: Path) -> None:
    garbage = tmp_path / "rusak.xlsx"
    garbage.write_bytes(b"PK\x03\x04 but then nothing")
    assert read_roster(garbage).file_errors == (
        "berkas rusak.xlsx tidak dapat dibaca (bukan berkas .xlsx yang utuh); buka di Excel, "
        "simpan ulang sebagai .xlsx, lalu unggah lagi",
    )
    locked = tmp_path / "sandi.xlsx"
    locked.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    assert "terkunci kata sandi" in read_roster(locked).file_errors[0]
    whole = write_xlsx(tmp_path / "utuh.xlsx", {0: HEADER, 1: [1, *BUDI]})
    cut = tmp_path / "terpotong.xlsx"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    assert "tidak dapat dibaca" in read_roster(cut).file_errors[0]


def test_too_many_rows_or_bytes(tmp_path: Path) -> None:
    rows: dict[int, list[Any]] = {0: HEADER, **{i: [i, *BUDI] for i in range(1, 6)}}
    path = write_xlsx(tmp_path / "banyak.xlsx", rows)
    assert read_roster(path, max_rows=5).ok
    assert read_roster(path, max_rows=4).file_errors == (
        "berkas terlalu besar: 5 baris; bagi menjadi beberapa berkas paling banyak 4 baris",
    )
    csv_path = tmp_path / "banyak.csv"
    lines = [";".join(HEADER), *(";".join([str(i), *BUDI]) for i in range(1, 6))]
    csv_path.write_text("\n".join(lines), encoding="utf-8")
    assert read_roster(csv_path, max_rows=4).file_errors[0].startswith(
        "berkas terlalu besar: 5 baris;"
    )
    size = csv_path.stat().st_size
    assert read_roster(csv_path, max_bytes=size).ok
    assert read_roster(csv_path, max_bytes=size - 1).file_errors[0].startswith(
        "berkas terlalu besar: 1 KB, paling besar 1 KB; bagi daftar menjadi beberapa berkas"
    )
    assert read_roster(path, max_bytes=1024).file_errors[0].startswith("berkas terlalu besar: ")


def test_too_many_cells_in_a_csv_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "lebar.csv"
    path.write_text("NIK,Nama" + "," * 999 + "\n" + "3201011203750001,Budi\n" * 50)
    assert read_roster(path, max_cells=50_000).file_errors[0].startswith(
        "berkas terlalu besar: 52 baris x 1.001 kolom, lebih dari 50.000 sel;"
    )
    assert read_roster(path).ok


# --- clean text: what is stored can be seen, and fits its column --------------------------------


def roster_csv(tmp_path: Path, **values: str) -> Path:
    """One row (BUDI, as CSV) with some fields replaced; keys are the HEADER cells."""
    header = [*HEADER[1:-1], "Tempat Lahir", "Alamat"]
    row = dict(zip(header, [*BUDI, "Metro", "Jl. Mawar 1"], strict=True)) | values
    path = tmp_path / "r.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(header)
        writer.writerow(row.values())
    return path


def one_row(tmp_path: Path, **values: str) -> Any:
    return validate_roster(read_roster(roster_csv(tmp_path, **values)), today=TODAY, area_code=AREA)


def test_a_name_with_a_right_to_left_override_is_refused(tmp_path: Path) -> None:
    validation = one_row(tmp_path, **{"Nama Lengkap": "Budi\u202eotnaS"})
    assert validation.clean.height == 0
    problem = validation.problems.row(0, named=True)
    assert (problem["field"], problem["code"], problem["value"]) == (
        "name", "name_invisible", "Budi\ufffdotnaS"
    )  # fmt: skip
    assert problem["message"].startswith("nama berisi karakter tak terlihat")
    assert problem["message"].endswith(": U+202E")  # which one, since nobody can see it
    assert problem["what_to_do"] == INVISIBLE_WHAT_TO_DO


def test_a_name_longer_than_its_column_is_refused_with_the_limit(tmp_path: Path) -> None:
    assert Worker.__table__.c["name"].type.length == 150  # type: ignore[attr-defined]
    assert one_row(tmp_path, **{"Nama Lengkap": "A" * 150}).clean.height == 1
    validation = one_row(tmp_path, **{"Nama Lengkap": "A" * 151})
    problem = validation.problems.row(0, named=True)
    assert problem["code"] == "name_too_long"
    assert problem["message"] == "nama paling panjang 150 karakter (sekarang 151 karakter)"
    # counted after cleaning: spaces folded, accents composed
    assert one_row(tmp_path, **{"Nama Lengkap": "A  " * 75}).clean.height == 1
    assert one_row(tmp_path, **{"Nama Lengkap": "e\u0301" * 150}).clean.height == 1


@pytest.mark.parametrize(
    ("header", "field", "limit"),
    [("Tempat Lahir", "birth_place", 100), ("Alamat", "address", 250),
     ("Pekerjaan", "occupation", 120), ("OPD", "agency", 150)],
)  # fmt: skip
def test_every_text_field_fits_its_column(tmp_path: Path, header: str, field: str,
                                          limit: int) -> None:  # fmt: skip
    assert TEXT_LIMITS[field] == limit
    assert one_row(tmp_path, **{header: "x" * limit}).clean.height == 1
    problem = one_row(tmp_path, **{header: "x" * (limit + 1)}).problems.row(0, named=True)
    assert (problem["field"], problem["code"]) == (field, f"{field}_too_long")
    assert f"paling panjang {limit} karakter (sekarang {limit + 1} karakter)" in problem["message"]
    assert problem["value"] == ("x" * (limit + 1) if limit < 200 else "x" * 200 + "…")
    problem = one_row(tmp_path, **{header: "ab\u200bc\u202e\u200b"}).problems.row(0, named=True)
    assert (problem["field"], problem["code"]) == (field, f"{field}_invisible")
    assert problem["message"].endswith("tak terpakai): U+200B, U+202E")
    assert problem["value"] == "ab\ufffdc\ufffd\ufffd"


def test_text_is_nfc_and_white_space_is_folded(tmp_path: Path) -> None:
    validation = one_row(tmp_path, **{"Nama Lengkap": "De\u0301de\u0301\u00a0 Suryadi",
                                      "Alamat": "Jl. Mawar 1\nRT 02/RW 03\r\n\tMetro",
                                      "Tempat Lahir": " Metro\u3000"})  # fmt: skip
    row = validation.clean.row(0, named=True)
    assert row["name"] == "D\u00e9d\u00e9 Suryadi" and row["name_key"] == "D\u00c9D\u00c9 SURYADI"
    assert row["address"] == "Jl. Mawar 1 RT 02/RW 03 Metro"
    assert row["birth_place"] == "Metro"


def test_a_nik_anywhere_in_a_problem_is_masked(tmp_path: Path) -> None:
    validation = one_row(tmp_path, **{"Tgl. Lahir": "3201011203750001",
                                      "Alamat": "NIK 3201 0112 0375 0001\u200b"})  # fmt: skip
    values = validation.problems["value"].to_list()
    assert values == ["3201********0001", "NIK ****************\ufffd"]


def test_a_header_that_looks_like_a_pattern_is_just_a_header(tmp_path: Path) -> None:
    # polars reads pl.col("^.*$") as "every column": found by the fuzz pass
    path = tmp_path / "pola.csv"
    path.write_text("NIK,Nama,^.*$,*\n3201011203750001,Budi,x,y\n,,,\n", encoding="utf-8")
    roster = read_roster(path)
    assert roster.ok and roster.unknown_headers == ("^.*$", "*")
    assert roster.frame.columns == ["row", "nik", "name", "^.*$", "*"]
    assert roster.frame["row"].to_list() == [2]
