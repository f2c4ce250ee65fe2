"""Agreements on a real database (SQLite and PostgreSQL): terms checked by the law, history kept."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from lindung.agreements.models import Agreement, AgreementAmendment
from lindung.agreements.service import (
    PhaseTerms,
    add_phase,
    amend_agreement,
    create_agreement,
    quota_usage,
)
from lindung.audit.models import AuditEvent
from lindung.db import transaction
from lindung.errors import Conflict, InvalidInput


def metro(**overrides: Any) -> dict[str, Any]:
    terms: dict[str, Any] = dict(
        code="METRO-2022", region_code="18.72", segment="bpu", programs=["jkk", "jkm"],
        funded_by="apbd", start=date(2022, 7, 1), end=date(2022, 12, 31), quota=3000,
        declared_income=1_000_000, actor="test", number="PKS/001/2022",
        title="Perlindungan 2.727 pekerja rentan Kota Metro")
    terms.update(overrides)
    return terms


def _count(session: Session, model: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_create_records_the_agreement_and_an_audit_event(engine: Engine, session: Session) -> None:
    with transaction(engine) as s:
        create_agreement(s, **metro(phases=[PhaseTerms(1, date(2022, 7, 1), 1500),
                                            PhaseTerms(2, date(2022, 10, 1), 1500)]))
    agreement = session.scalar(select(Agreement).where(Agreement.code == "METRO-2022"))
    assert agreement is not None
    assert agreement.declared_income == 1_000_000 and agreement.program_list == ["jkk", "jkm"]
    assert [p.quota for p in agreement.phases] == [1500, 1500]
    usage = quota_usage(session, agreement)
    assert usage["used"] == 0 and usage["quota"] == 3000
    events = session.scalars(select(AuditEvent)).all()
    assert [(e.action, e.entity_id) for e in events] == [("agreement.create", "METRO-2022")]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"programs": ["jkk", "jkm", "jp"]}, "programs", "BPU tidak dapat ikut JP"),
        ({"declared_income": 1_050_000}, "programs", "penghasilan BPU"),
        ({"region_code": "99.99"}, "region", "tidak dikenal"),
        ({"funded_by": "pinjol"}, "funded_by", "tidak dikenal"),
        ({"end": date(2022, 1, 1)}, "end", "sebelum tanggal mulai"),
        ({"quota": 0}, "quota", "kuota harus 1 sampai 10.000.000"),
        ({"quota": 10**30}, "quota", "kuota harus 1 sampai 10.000.000"),
        ({"declared_income": 2**63}, "income", "penghasilan harus Rp0 sampai"),
        ({"budget_ceiling": 10**30}, "budget_ceiling", "pagu anggaran harus Rp0 sampai"),
        ({"segment": "pu", "declared_income": None, "wage": 1_000_000, "risk_class": 7},
         "risk_class", "kelas risiko JKK harus 1 sampai 5"),
        ({"programs": ["jkk", "xyz"]}, "programs", "program harus dipilih dari JKK"),
        ({"start": date(1, 1, 1)}, "start", "masa PKS harus di antara"),
        ({"end": date(9999, 12, 31)}, "start", "masa PKS harus di antara"),
        ({"code": "../../etc/passwd"}, "code", "kode PKS: huruf, angka"),
        ({"code": "A" * 5000}, "code", "paling panjang 40 karakter"),
        ({"title": "Perlindungan \u202epekerja"}, "title", "U+202E"),
        ({"title": "x" * 251}, "title", "judul PKS paling panjang 250 karakter"),
        ({"phases": [PhaseTerms(1, date(2022, 7, 1), 2000), PhaseTerms(2, date(2022, 9, 1),
                                                                        2000)]},
         "phases", "melebihi kuota"),
    ],
)
def test_invalid_terms_are_refused_and_nothing_is_written(
    engine: Engine, session: Session, overrides: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(InvalidInput) as caught, transaction(engine) as s:
        create_agreement(s, **metro(**overrides))
    assert caught.value.field == field
    assert message in str(caught.value)
    assert _count(session, Agreement) == 0
    assert _count(session, AuditEvent) == 0


def test_a_duplicate_code_is_a_conflict(engine: Engine) -> None:
    with transaction(engine) as s:
        create_agreement(s, **metro())
    with pytest.raises(Conflict, match="sudah ada"), transaction(engine) as s:
        create_agreement(s, **metro())


def test_pu_non_asn_agreement_with_wage_and_risk_class(engine: Engine, session: Session) -> None:
    with transaction(engine) as s:
        create_agreement(s, **metro(code="LAMPUNG-PTHL", region_code="18", segment="pu",
                                    declared_income=None, wage=1_000_000, risk_class=1))
    assert session.scalar(select(Agreement.wage).where(Agreement.code == "LAMPUNG-PTHL")) \
        == 1_000_000


def test_amendments_keep_before_and_after(engine: Engine, session: Session) -> None:
    with transaction(engine) as s:
        create_agreement(s, **metro())
    with transaction(engine) as s:
        amend_agreement(s, "METRO-2022", {"quota": 3500, "end_date": date(2023, 6, 30)},
                        effective=date(2022, 11, 1), reason="Addendum APBD-P 2022", actor="t")
    with transaction(engine) as s:
        amend_agreement(s, "METRO-2022", {"quota": 4000}, effective=date(2023, 1, 1),
                        reason="Addendum 2", actor="t")
    amendments = session.scalars(select(AgreementAmendment)
                                 .order_by(AgreementAmendment.number)).all()
    assert [a.changes for a in amendments] == [
        {"quota": [3000, 3500], "end_date": ["2022-12-31", "2023-06-30"]},
        {"quota": [3500, 4000]},
    ]
    actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["agreement.create", "agreement.amend", "agreement.amend"]


def test_an_amendment_that_breaks_the_law_changes_nothing(engine: Engine,
                                                          session: Session) -> None:
    with transaction(engine) as s:
        create_agreement(s, **metro())
    with pytest.raises(InvalidInput), transaction(engine) as s:
        amend_agreement(s, "METRO-2022", {"programs": "jkk,jkm,jp"}, effective=date(2022, 8, 1),
                        reason="salah", actor="t")
    assert session.scalar(select(Agreement.programs)) == "jkk,jkm"
    assert _count(session, AgreementAmendment) == 0


def test_phases_can_be_added_within_the_quota(engine: Engine) -> None:
    with transaction(engine) as s:
        create_agreement(s, **metro(phases=[PhaseTerms(1, date(2022, 7, 1), 1000)]))
    with transaction(engine) as s:
        add_phase(s, "METRO-2022", PhaseTerms(2, date(2022, 10, 1), 2000), actor="t")
    with pytest.raises(InvalidInput, match="melebihi"), transaction(engine) as s:
        add_phase(s, "METRO-2022", PhaseTerms(3, date(2022, 11, 1), 1), actor="t")
