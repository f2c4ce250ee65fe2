"""The audit log people can read: every action in words (a label for every action recorded
anywhere in lindung), who and their organisation, local time, "before -> after" in words,
filters, and an XLSX export of the filtered log that is itself audited and never holds a NIK."""

from __future__ import annotations

import ast
import html
import io
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import Engine, select

import lindung
from lindung import clock
from lindung.agreements.actions import do_amend_agreement
from lindung.agreements.models import Agreement
from lindung.audit.labels import (
    ACTION_LABELS,
    FIELD_LABELS,
    action_label,
    changes_of,
    format_value,
    local_time,
    office_zone,
)
from lindung.audit.models import AuditEvent
from lindung.audit.service import record
from lindung.db import transaction
from lindung.enrollment.queries import open_members
from lindung.organisations.models import Organisation
from lindung.principal import system_principal
from tests.web.conftest import Client

SOURCE = Path(lindung.__file__).parent


def _constants(node: ast.expr | None) -> list[str]:
    """The action codes an expression can be: a string, or either branch of ``a if c else b``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _constants(node.body) + _constants(node.orelse)
    return []


def recorded_actions() -> set[str]:
    """Every action code written anywhere in lindung: ``action=`` in a call (``record``, the
    counter's refusal audit), and strings passed in the place of a parameter named ``action``
    of a function of the same module (``_nik_format(..., "coverage.check")``)."""
    found: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        takes_action = {}
        for fn in ast.walk(tree):
            if isinstance(fn, ast.FunctionDef):
                names = [a.arg for a in fn.args.args]
                if "action" in names:
                    takes_action[fn.name] = names.index("action")
        for call in ast.walk(tree):
            if not isinstance(call, ast.Call):
                continue
            for keyword in call.keywords:
                if keyword.arg == "action":
                    found.update(_constants(keyword.value))
            name = call.func.id if isinstance(call.func, ast.Name) else None
            if name in takes_action and len(call.args) > takes_action[name]:
                found.update(_constants(call.args[takes_action[name]]))
    return {code for code in found if re.fullmatch(r"[a-z_]+\.[a-z_]+", code)}


def recorded_fields() -> set[str]:
    """Keys of the mappings written as an event's before, after or detail anywhere."""
    found: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for call in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(call, ast.Call):
                for keyword in call.keywords:
                    if keyword.arg in ("before", "after", "detail"):
                        for node in ast.walk(keyword.value):
                            if isinstance(node, ast.Dict):
                                found.update(k.value for k in node.keys
                                             if isinstance(k, ast.Constant)
                                             and isinstance(k.value, str))
    return found


def test_every_field_recorded_anywhere_has_words() -> None:
    fields = recorded_fields()
    assert {"quota", "reason", "file"} <= fields
    missing = sorted(fields - set(FIELD_LABELS))
    assert not missing, f"give these fields words in lindung/audit/labels.py: {missing}"


def test_every_action_recorded_anywhere_has_words() -> None:
    actions = recorded_actions()
    assert {"agreement.amend", "roster.import", "coverage.check", "audit.export"} <= actions
    missing = sorted(actions - set(ACTION_LABELS))
    assert not missing, f"give these actions words in lindung/audit/labels.py: {missing}"
    for code, words in ACTION_LABELS.items():
        assert words["id"] and words["en"] and words["id"] != code


def test_values_are_written_as_people_read_them() -> None:
    assert format_value("budget", 604_800_000) == "Rp604.800.000"
    assert format_value("quota", 3500) == "3.500"
    assert format_value("end", "2027-06-30") == "30 Juni 2027"
    assert format_value("end", "2027-06-30", "en") == "30 June 2027"
    assert format_value("programs", "jkk,jkm") == "JKK, JKM"
    assert format_value("status", "active") == "aktif"
    assert format_value("payer", None) == "(kosong)"
    assert format_value("nik", "1872011203750001") == "1872********0001"
    assert format_value("role", "pemda_admin") == "Admin Pemda"
    assert format_value("kind", "village") == "Desa/Kelurahan"
    assert format_value("funded_by", "self") == "dibayar sendiri"
    assert format_value("permissions", ["audit.read", "roster.import"]) == (
        "membaca log audit; mengunggah daftar peserta")
    changed = changes_of({"quota": 3000, "end": "2026-12-31", "title": "sama"},
                         {"quota": 3500, "end": "2027-06-30", "title": "sama"})
    assert [c.text for c in changed] == ["kuota: 3.000 -> 3.500",
                                         "tanggal akhir: 31 Desember 2026 -> 30 Juni 2027"]
    assert action_label("agreement.amend") == "Addendum PKS"
    assert action_label("test.unknown") == "Tindakan lain"


@pytest.mark.parametrize(("region", "zone", "shown"), [
    ("18.72", "WIB", "29 November 2026 08.05 WIB"),
    ("51.71", "WITA", "29 November 2026 09.05 WITA"),
    ("91.71", "WIT", "29 November 2026 10.05 WIT"),
    (None, "WIB", "29 November 2026 08.05 WIB"),
])
def test_times_in_the_office_zone(region: str | None, zone: str, shown: str) -> None:
    clock_of = office_zone(region)
    assert clock_of.abbreviation == zone
    assert local_time(datetime(2026, 11, 29, 1, 5, tzinfo=UTC), clock_of) == shown
    assert local_time(datetime(2026, 11, 29, 1, 5), clock_of, "en").startswith(
        "29 November 2026 ")


def _pemda(engine: Engine, code: str) -> int:
    with transaction(engine) as s:
        found = s.scalar(select(Organisation.id).where(Organisation.code == code))
        assert found is not None
        return found


def _visible(page: str) -> str:
    """The words a reader sees: tags and attribute values removed."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def _amend_metro(engine: Engine) -> str:
    with transaction(engine) as s:
        agreement = s.scalar(select(Agreement).join(
            Organisation, Organisation.id == Agreement.pemda_id)
            .where(Organisation.code == "PEMKOT-METRO", Agreement.segment == "bpu"))
        assert agreement is not None
        code = agreement.code
        do_amend_agreement(s, system_principal("test"), code,
                           {"budget": 700_000_000, "end": date(clock.today().year + 1, 6, 30)},
                           effective=clock.today(), reason="APBD-P", members=open_members)
    return code


def test_the_page_says_what_happened_in_words(signed_in: Callable[[str], Client],
                                              demo_engine: Engine) -> None:
    code = _amend_metro(demo_engine)
    year = clock.today().year
    page = signed_in("auditor.metro").get("/audit")
    assert page.status_code == 200
    seen = _visible(page.text)
    assert "Addendum PKS" in seen and f"PKS {code}" in seen
    assert "pagu anggaran: Rp604.800.000 → Rp700.000.000" in seen
    assert f"tanggal akhir: 31 Desember {year} → 30 Juni {year + 1}" in seen
    assert "Waktu (WIB)" in seen and re.search(r"\d{1,2} \w+ \d{4} \d{2}\.\d{2} WIB", seen)
    # who: the user's name and organisation, not the code of the account
    assert "<td>admin.metro<br><small>Pemerintah Kota Metro</small></td>" in page.text
    assert "<td>sistem (test)</td>" in page.text  # the installation, as what ran it
    # no action code, JSON or field key is shown
    for code_shown in ("agreement.amend", "roster.import", "organisation.create", "{\"",
                       "budget_ceiling", "end_date", "niks_looked_up"):
        assert code_shown not in seen, code_shown
    with transaction(demo_engine) as s:
        metro = _pemda(demo_engine, "PEMKOT-METRO")
        keys = set()
        for before, after, detail in s.execute(select(
                AuditEvent.before, AuditEvent.after, AuditEvent.detail)
                .where(AuditEvent.pemda_id == metro)):
            for part in (before, after, detail):
                keys |= set(part or {})
    assert not sorted(keys - set(FIELD_LABELS)), "fields of the demo log without words"
    english = signed_in("auditor.metro")
    english.cookies.set("lang", "en")
    assert "Agreement amended" in _visible(english.get("/audit").text)


def test_filters_by_action_user_and_local_days(signed_in: Callable[[str], Client],
                                               demo_engine: Engine) -> None:
    metro = _pemda(demo_engine, "PEMKOT-METRO")
    with transaction(demo_engine) as s:
        # 28 November 18:30 UTC is 29 November 01:30 in Metro (WIB)
        s.add(AuditEvent(at=datetime(2026, 11, 28, 18, 30, tzinfo=UTC), actor="test:malam",
                         action="test.night", entity="test", pemda_id=metro))
    auditor = signed_in("auditor.metro")
    night = {"aksi": "test.night", "pelaku": "test:malam"}
    on_29 = auditor.get("/audit", params={**night, "dari": "2026-11-29", "sampai": "2026-11-29"})
    assert on_29.text.count('<tr class="event">') == 1
    assert "29 November 2026 01.30 WIB" in on_29.text
    on_28 = auditor.get("/audit", params={**night, "dari": "2026-11-28", "sampai": "2026-11-28"})
    assert '<tr class="event">' not in on_28.text
    by_user = auditor.get("/audit", params={"pelaku": "user:bpjs.metro"}).text
    assert "<td>Jawaban BPJS diunggah" in by_user and "<td>Daftar peserta diunggah" not in by_user
    assert 'value="user:bpjs.metro" selected' in by_user
    backwards = auditor.get("/audit", params={"dari": "2026-11-29", "sampai": "2026-01-01"})
    assert backwards.status_code == 422 and "tanggal awal sesudah tanggal akhir" in backwards.text
    huge = auditor.get("/audit", params={"aksi": "x" * 5000, "pelaku": "y" * 5000,
                                         "dari": "9" * 5000})
    assert huge.status_code == 422


def _sheet(content: bytes) -> list[tuple[object, ...]]:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def test_the_export_is_the_filtered_log_in_words_audited_and_without_niks(
        signed_in: Callable[[str], Client], demo_engine: Engine) -> None:
    code = _amend_metro(demo_engine)
    metro, lamteng = _pemda(demo_engine, "PEMKOT-METRO"), _pemda(demo_engine, "PEMKAB-LAMTENG")
    with transaction(demo_engine) as s:
        record(s, actor="user:admin.metro", action="worker.lookup", entity="worker",
               entity_id="1872011203750001", detail={"nik": "1872011203750001",
                                                     "reason": "NIK 1872011203750001"},
               pemda_id=metro)
        record(s, actor="test:lamteng", action="agreement.amend", entity="agreement",
               entity_id="LAMTENG-X", pemda_id=lamteng)
    auditor = signed_in("auditor.metro")
    answer = auditor.post_form("/audit/unduh", {"aksi": "agreement.amend", "pelaku": "",
                                                "dari": "", "sampai": ""})
    assert answer.status_code == 200  # type: ignore[attr-defined]
    assert "log-audit-" in answer.headers["content-disposition"]  # type: ignore[attr-defined]
    rows = _sheet(answer.content)  # type: ignore[attr-defined]
    assert rows[0][1] == "Waktu (WIB)" and rows[0][6] == "Perubahan (sebelum -> sesudah)"
    assert len(rows) == 2  # Metro's amendment only: not Lamteng's, not other actions
    assert rows[1][4] == "Addendum PKS" and rows[1][5] == f"PKS {code}"
    assert "pagu anggaran: Rp604.800.000 -> Rp700.000.000" in str(rows[1][6])
    everything = _sheet(auditor.post_form("/audit/unduh", {}).content)  # type: ignore[attr-defined]
    cells = " ".join(str(c) for row in everything for c in row if c is not None)
    assert not re.search(r"\d{16}", cells) and "1872********0001" in cells
    assert "LAMTENG-X" not in cells
    with transaction(demo_engine) as s:
        exports = s.scalars(select(AuditEvent).where(AuditEvent.action == "audit.export")
                            .order_by(AuditEvent.seq)).all()
        assert [(e.actor, e.pemda_id) for e in exports] == [("user:auditor.metro", metro)] * 2
        assert exports[0].detail == {"filters": {"action": "agreement.amend", "actor": None,
                                                 "since": None, "until": None}, "rows": 1}
    # the export shows on the page in words
    assert "<td>Log audit diekspor" in auditor.get("/audit").text
    # not an auditor: refused; a bad date: the page again, nothing exported
    assert signed_in("admin.metro").post_form(
        "/audit/unduh", {}).status_code == 403  # type: ignore[attr-defined]
    wrong = auditor.post_form("/audit/unduh", {"dari": "kemarin"})
    assert wrong.status_code == 422  # type: ignore[attr-defined]
    without_csrf = auditor.post("/audit/unduh", data={})
    assert without_csrf.status_code == 403
