"""The one words mechanism, the labels of codes, the law's labels, dates, times and shares."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from lindung.formatting import format_datetime_id, format_percent, format_time_id
from lindung.rules import load_parameters
from lindung.rules.labels import basis_line, labelled_parameters, legal_citation, parameter_label
from lindung.rules.trace import TraceEntry
from lindung.time_zones import province_zones, zone_of
from lindung.web import i18n, labels
from lindung.web.i18n import TEXTS, DuplicateWords, register, translate, word_modules

TEMPLATES = Path(i18n.__file__).parent / "templates"


def test_every_words_module_is_registered_once() -> None:
    """Every lindung.web.texts_* module is imported by i18n; each key is defined once."""
    import importlib

    modules = word_modules()
    assert "lindung.web.texts_enrolment" in modules and "lindung.web.texts_labels" in modules
    seen: dict[str, str] = {}
    for name in modules:
        words = importlib.import_module(name).WORDS
        for key in words:
            assert key not in seen, f"{key} in {name} and {seen[key]}"
            seen[key] = name
            assert TEXTS[key] == dict(words[key])
            assert words[key]["id"].strip(), f"{key} has no Indonesian words"


def test_a_duplicate_key_is_refused() -> None:
    with pytest.raises(DuplicateWords, match=r"nav\.home"):
        register({"nav.home": {"id": "Rumah", "en": "House"}}, "tests")
    assert TEXTS["nav.home"]["id"] == "Beranda"  # not overridden
    with pytest.raises(ValueError, match="Bahasa Indonesia"):
        register({"tests.no_indonesian": {"id": "", "en": "Only English"}}, "tests")
    assert "tests.no_indonesian" not in TEXTS


def test_translate_falls_back_and_fills_values() -> None:
    assert translate("pks.months", "id", n=12) == "12 bulan"
    assert translate("pks.months", "en", n=12) == "12 months"
    assert translate("nav.home", "fr") == "Beranda"  # no such language: Indonesian
    i18n.MISSING.discard("tests.unknown")
    assert translate("tests.unknown", "id") == "tests.unknown"
    assert "tests.unknown" in i18n.MISSING
    i18n.MISSING.discard("tests.unknown")


def test_templates_use_only_t() -> None:
    """One mechanism: no template calls the removed ``w(...)`` or ``translate(..., lang)``."""
    import re

    offenders = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        if re.search(r"(?<![\w.])(w|translate|tr)\(", text):
            offenders.append(str(path.relative_to(TEMPLATES)))
    assert not offenders, f"use t(\"key\") in {offenders}"


def test_labels_of_codes() -> None:
    assert labels.status_label("proposed") == "diusulkan"
    assert labels.status_label("proposed", "en") == "proposed"
    assert labels.segment_label("bpu") == "BPU (bukan penerima upah)"
    assert labels.programmes_label("jkk,jkm") == "JKK, JKM"
    assert labels.programmes_label(["jkk", "jht"]) == "JKK, JHT"
    assert labels.programme_label("jkk", long=True) == "JKK (Jaminan Kecelakaan Kerja)"
    assert labels.group_label("health_cadre") == "Kader kesehatan"
    names = {"dbhcht": "DBHCHT (dana bagi hasil cukai hasil tembakau)"}
    assert labels.funding_label("dbhcht", "id", names) == names["dbhcht"]
    assert labels.funding_label("dbhcht", "en", names) == "DBHCHT (tobacco excise revenue share)"
    assert labels.occupation_label("sopir_angkot", {"sopir_angkot": "Sopir Angkutan Kota"}) == \
        "Sopir Angkutan Kota"
    assert labels.permission_label("exchange.export") == "mengirim data pendaftaran ke BPJS"
    assert labels.role_label("pemda_admin", "en") == "Pemda administrator"
    assert labels.actor_label("user:admin.metro") == "admin.metro"
    assert labels.actor_label("system:cli:root") == "sistem (cli:root)"
    assert labels.line_label("jht_worker") == "JHT, pekerja"


def test_every_occupation_group_and_funding_source_has_words() -> None:
    import yaml

    from lindung.agreements import models as agreement_models
    from lindung.registry import models as registry_models

    occupations = yaml.safe_load((Path(registry_models.__file__).parent / "data" /
                                  "occupations.yaml").read_text(encoding="utf-8"))
    funding = yaml.safe_load((Path(agreement_models.__file__).parent / "data" /
                              "funding_sources.yaml").read_text(encoding="utf-8"))
    for group in {o["group"] for o in occupations}:
        assert f"label.group.{group}" in TEXTS, group
    for source in funding:
        assert f"label.funding.{source['code']}" in TEXTS, source["code"]
        assert labels.funding_about(source["code"]), source["code"]


def test_amendment_changes_in_words() -> None:
    assert labels.change_lines({"end_date": ["2027-12-31", "2028-06-30"]}) == [
        "Tanggal akhir: 31 Desember 2027 → 30 Juni 2028"]
    assert labels.change_lines({"quota": [3000, 3500], "budget": [None, 604_800_000],
                                "programs": ["jkk,jkm", "jkk,jkm,jht"]}) == [
        "Kuota: 3.000 → 3.500", "Pagu anggaran: – → Rp604.800.000",
        "Program: JKK, JKM → JKK, JKM, JHT"]
    assert labels.change_lines({"end": ["2027-12-31", "2028-06-30"]}, "en") == [
        "End date: 31 Desember 2027 → 30 Juni 2028"]


def test_every_parameter_has_a_label() -> None:
    names = {p.name for p in load_parameters()}
    assert names <= labelled_parameters(), sorted(names - labelled_parameters())
    assert labelled_parameters() <= names, sorted(labelled_parameters() - names)
    for name in names:
        assert parameter_label(name, "id") != name and parameter_label(name, "en") != name


def test_legal_basis_reads_as_the_law() -> None:
    entry = TraceEntry("jkk", "bpu.jkk.rate", "1%", "2015-07-01 – …",
                       "PP 44/2015 Pasal 17 jo. Lampiran II", "confirmed")
    assert basis_line(entry) == "Tarif JKK 1% - PP 44/2015 Pasal 17 jo. Lampiran II"
    assert basis_line(entry, "en") == "JKK rate 1% - PP 44/2015 Pasal 17 jo. Lampiran II"
    assert legal_citation("PP 44/2015 Lampiran II; Permenaker 1/2016 (probably replaced by "
                          "Permenaker 5/2021)") == \
        "PP 44/2015 Lampiran II; Permenaker 1/2016 (kemungkinan sudah diganti Permenaker 5/2021)"
    assert legal_citation("PP 44/2015 Lampiran III (from memory, not in the sources)") == \
        "PP 44/2015 Lampiran III"
    assert legal_citation("PP 45/2015 Pasal 18 ayat (3); SE BPJS B/77/022023") == \
        "PP 45/2015 Pasal 18 ayat (3); SE BPJS B/77/022023"
    assert legal_citation("no rule found in any source; lindung decision") == \
        "keputusan lindung, belum ada aturan tertulis"


def test_legal_notes_explain_unconfirmed_values_in_indonesian() -> None:
    from lindung.rules import contribution

    result = contribution("bpu", "2026-07", declared_income=1_000_000, programs="jkk,jkm",
                          funded_by="apbd", occupation="linmas")
    notes = labels.legal_notes(result.trace, result.month)
    assert len(notes) == 1
    assert notes[0].startswith("Nilai penghasilan BPU yang dilaporkan Rp1.000.000")
    assert "belum terkonfirmasi" in notes[0] and "UNCONFIRMED" not in notes[0]
    stale = labels.legal_notes(result.trace, date(2031, 1, 1))
    assert any("terakhir diperiksa 23 November 2026" in n for n in stale)


def test_time_zones_follow_keppres_41_1987() -> None:
    assert zone_of("18.72").abbreviation == "WIB"          # Kota Metro, Lampung
    assert zone_of("62.71").abbreviation == "WIB"          # Palangka Raya, Kalimantan Tengah
    assert zone_of("64.72").abbreviation == "WITA"         # Samarinda, Kalimantan Timur
    assert zone_of("51.71.01.1001").abbreviation == "WITA"  # a village in Denpasar
    assert zone_of("94.01").abbreviation == "WIT"          # Papua Tengah
    assert zone_of(None).abbreviation == "WIB"
    assert zone_of("99").abbreviation == "WIB"
    zones = province_zones()
    assert len(zones) == 38 and set(zones.values()) == {"WIB", "WITA", "WIT"}


def test_times_dates_and_shares_as_people_write_them() -> None:
    moment = datetime(2025, 12, 31, 23, 5, tzinfo=UTC)
    assert format_datetime_id(moment, zone_of("18.72").tz) == "1 Januari 2026 06.05 WIB"
    assert format_time_id(moment, zone_of("73.71").tz) == "07.05 WITA"
    assert format_time_id(moment.replace(tzinfo=None), zone_of("91").tz) == "08.05 WIT"
    assert format_time_id(moment.astimezone(timezone(timedelta(hours=-5))),
                          zone_of("18").tz) == "06.05 WIB"
    assert format_percent(0.9) == "90%"
    assert format_percent(Decimal("0.125")) == "12,5%"
    assert format_percent(1) == "100%"
    assert format_percent(2 / 3) == "66,7%"
