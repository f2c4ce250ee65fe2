"""Exporting the audit log (SQLite and PostgreSQL): only the auditor's Pemda, in words, bounded,
and the export itself recorded; a refused export writes nothing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from lindung.audit import actions
from lindung.audit.access import AuditFilter
from lindung.audit.actions import do_export_audit_log
from lindung.audit.labels import Who
from lindung.audit.models import AuditEvent
from lindung.audit.service import record
from lindung.db import transaction
from lindung.errors import InvalidInput
from lindung.principal import Forbidden
from tests import factories
from tests.factories import principal_at


def _names(session: Session, actors: Iterable[str]) -> Mapping[str, Who]:
    return {"user:admin.metro": Who("Admin Metro", "Pemerintah Kota Metro")}


def _setup(engine: Engine) -> tuple[int, int]:
    metro, other = factories.pemda(engine, "18.72"), factories.pemda(engine, "18.02")
    with transaction(engine) as s:
        record(s, actor="user:admin.metro", action="agreement.amend", entity="agreement",
               entity_id="METRO-2026", before={"quota": 3000, "budget": 50_000_000},
               after={"quota": 3500, "budget": 60_000_000}, pemda_id=metro)
        record(s, actor="user:admin.metro", action="worker.lookup", entity="worker",
               entity_id="1872011203750001", detail={"nik": "1872011203750001"},
               pemda_id=metro)
        record(s, actor="user:admin.lamteng", action="agreement.amend", entity="agreement",
               entity_id="LAMTENG-2026", pemda_id=other)
    return metro, other


def test_the_export_holds_the_auditors_pemda_in_words(engine: Engine, session: Session,
                                                      tmp_path: Path) -> None:
    metro, _ = _setup(engine)
    auditor = principal_at(metro, "auditor", name="auditor.metro", kind="pemda",
                           region="18.72", pemda_id=metro)
    out = tmp_path / "log.xlsx"
    with transaction(engine) as s:
        mine = AuditFilter(actor="user:admin.metro")
        assert do_export_audit_log(s, auditor, mine, out, names=_names) == 2
    rows = list(openpyxl.load_workbook(out).worksheets[0].iter_rows(values_only=True))
    assert rows[0][:5] == ("No. urut", "Waktu (WIB)", "Pengguna", "Organisasi", "Tindakan")
    lookup, amend = rows[1], rows[2]  # newest first
    assert amend[2:6] == ("Admin Metro", "Pemerintah Kota Metro", "Addendum PKS",
                          "PKS METRO-2026")
    assert amend[6] == "kuota: 3.000 -> 3.500\npagu anggaran: Rp50.000.000 -> Rp60.000.000"
    assert lookup[5] == "pekerja 1872********0001" and lookup[7] == "NIK: 1872********0001"
    assert "LAMTENG" not in str(rows)
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "audit.export")).one()
    assert (event.actor, event.pemda_id, event.detail) == (
        "user:auditor.metro", metro,
        {"filters": {"action": None, "actor": "user:admin.metro", "since": None, "until": None},
         "rows": 2})


def test_too_many_events_or_no_permission_is_refused_and_nothing_recorded(
        engine: Engine, session: Session, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    metro, _ = _setup(engine)
    auditor = principal_at(metro, "auditor", name="auditor.metro", kind="pemda",
                           region="18.72", pemda_id=metro)
    admin = principal_at(metro, "pemda_admin", name="admin.metro", kind="pemda",
                         region="18.72", pemda_id=metro)
    monkeypatch.setattr(actions, "MAX_EXPORT_EVENTS", 1)
    # three events of Metro: its Pemda recorded, an amendment, a look-up
    with pytest.raises(InvalidInput, match="3 kejadian terlalu banyak untuk satu berkas "
                                           r"\(paling banyak 1\)"), transaction(engine) as s:
        do_export_audit_log(s, auditor, AuditFilter(), tmp_path / "a.xlsx", names=_names)
    with pytest.raises(Forbidden), transaction(engine) as s:
        do_export_audit_log(s, admin, AuditFilter(), tmp_path / "b.xlsx", names=_names)
    assert not (tmp_path / "a.xlsx").exists() and not (tmp_path / "b.xlsx").exists()
    assert session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "audit.export")) == 0
