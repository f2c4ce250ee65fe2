"""Rosters as Pemda send them: which row is refused, and why, in the operator's words."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import xlsxwriter  # type: ignore[import-untyped]

from lindung.enrollment.roster_read import CLEAN_SCHEMA, read_roster, validate_roster
from lindung.registry.nik import NUMERIC_CELL_MESSAGE

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
