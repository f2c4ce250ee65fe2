"""Agreements on a real database (SQLite and PostgreSQL): terms checked by the law, kept per
validity period (an amendment never edits the terms before it), payers per group."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from lindung.agreements.actions import (
    PhaseTerms,
    do_add_phase,
    do_amend_agreement,
    do_assign_payer,
    do_create_agreement,
)
from lindung.agreements.models import Agreement, AgreementAmendment, AgreementTerms
from lindung.agreements.queries import payer_for
from lindung.agreements.terms import agreement_terms_on, in_force
from lindung.audit.models import AuditEvent
from lindung.db import transaction
from lindung.enrollment.queries import open_members, quota_usage
from lindung.errors import Conflict, InvalidInput
from lindung.organisations.models import Organisation
from tests import factories
from tests.factories import SYSTEM


@pytest.fixture(autouse=True)
def metro_pemda(engine: Engine) -> int:
    """Kota Metro's Pemda: every agreement belongs to one (found by its region). Stored as a
    bare row, so these tests see the agreement's audit events only."""
    with transaction(engine) as s:
        pemda = Organisation(code="PEMDA-1872", kind="pemda", name="Pemda 18.72",
                             region_code="18.72")
        s.add(pemda)
        s.flush()
        return pemda.id


def metro(**overrides: Any) -> dict[str, Any]:
    terms: dict[str, Any] = dict(
        code="METRO-2022", region_code="18.72", segment="bpu", programs=["jkk", "jkm"],
        funded_by="apbd", start=date(2022, 7, 1), end=date(2022, 12, 31), quota=3000,
        declared_income=1_000_000, number="PKS/001/2022",
        title="Perlindungan 2.727 pekerja rentan Kota Metro")
    terms.update(overrides)
    return terms


def _count(session: Session, model: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _agreement(session: Session, code: str = "METRO-2022") -> Agreement:
    session.expire_all()
    found = session.scalar(select(Agreement).where(Agreement.code == code))
    assert found is not None
    return found


def _amend(engine: Engine, changes: dict[str, Any], effective: date,
           reason: str = "addendum") -> AgreementAmendment:
    with transaction(engine) as s:
        return do_amend_agreement(s, SYSTEM, "METRO-2022", changes, effective=effective,
                                  reason=reason, members=open_members)


def test_create_records_the_agreement_its_terms_and_an_audit_event(
        engine: Engine, session: Session) -> None:
    with transaction(engine) as s:
        do_create_agreement(s, SYSTEM, **metro(phases=[PhaseTerms(1, date(2022, 7, 1), 1500),
                                                       PhaseTerms(2, date(2022, 10, 1), 1500)]))
    agreement = _agreement(session)
    (terms,) = agreement.periods
    assert (terms.valid_from, terms.valid_to) == (date(2022, 7, 1), None)
    assert terms.declared_income == 1_000_000 and terms.program_list == ["jkk", "jkm"]
    assert [p.quota for p in agreement.phases] == [1500, 1500]
    usage = quota_usage(session, agreement, terms.quota)
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
        ({"payer_code": "TIDAK-ADA"}, "payer", "bukan Pemda ini"),
        ({"funded_by": "self", "payer_code": "PEMKOT-METRO"}, "payer", "membayar sendiri"),
    ],
)
def test_invalid_terms_are_refused_and_nothing_is_written(
    engine: Engine, session: Session, overrides: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(InvalidInput) as caught, transaction(engine) as s:
        do_create_agreement(s, SYSTEM, **metro(**overrides))
    assert caught.value.field == field
    assert message in str(caught.value)
    assert _count(session, Agreement) == 0
    assert _count(session, AuditEvent) == 0


def test_a_duplicate_code_is_a_conflict(engine: Engine) -> None:
    with transaction(engine) as s:
        do_create_agreement(s, SYSTEM, **metro())
    with pytest.raises(Conflict, match="sudah ada"), transaction(engine) as s:
        do_create_agreement(s, SYSTEM, **metro())


def test_pu_non_asn_agreement_with_wage_and_risk_class(engine: Engine, session: Session) -> None:
    factories.pemda(engine, "18")  # Provinsi Lampung
    with transaction(engine) as s:
        do_create_agreement(s, SYSTEM, **metro(
            code="LAMPUNG-PTHL", region_code="18", segment="pu", declared_income=None,
            wage=1_000_000, risk_class=1))
    assert session.scalar(select(AgreementTerms.wage)) == 1_000_000


def test_an_amendment_adds_a_period_and_never_edits_the_one_before(
        engine: Engine, session: Session) -> None:
    with transaction(engine) as s:
        do_create_agreement(s, SYSTEM, **metro())
    _amend(engine, {"quota": 3500, "end": date(2023, 6, 30)}, date(2022, 11, 1),
           "Addendum APBD-P 2022")
    _amend(engine, {"quota": 4000}, date(2023, 1, 1), "Addendum 2")
    amendments = session.scalars(select(AgreementAmendment)
                                 .order_by(AgreementAmendment.number)).all()
    assert [a.changes for a in amendments] == [
        {"quota": [3000, 3500], "end": ["2022-12-31", "2023-06-30"]},
        {"quota": [3500, 4000]},
    ]
    agreement = _agreement(session)
    periods = sorted(agreement.periods, key=lambda p: p.id)
    assert [(p.valid_from, p.valid_to, p.quota, p.end_date) for p in periods] == [
        (date(2022, 7, 1), date(2022, 10, 31), 3000, date(2022, 12, 31)),
        (date(2022, 11, 1), date(2022, 12, 31), 3500, date(2023, 6, 30)),
        (date(2023, 1, 1), None, 4000, date(2023, 6, 30))]
    # the terms of any day, around each effective date
    quota_on = {day: agreement_terms_on(agreement, day).quota for day in (
        date(2022, 6, 1), date(2022, 10, 31), date(2022, 11, 1), date(2022, 12, 31),
        date(2023, 1, 1), date(2030, 1, 1))}
    assert quota_on == {date(2022, 6, 1): 3000, date(2022, 10, 31): 3000,
                        date(2022, 11, 1): 3500, date(2022, 12, 31): 3500,
                        date(2023, 1, 1): 4000, date(2030, 1, 1): 4000}
    assert not in_force(agreement_terms_on(agreement, date(2022, 6, 30)), date(2022, 6, 30))
    assert in_force(agreement_terms_on(agreement, date(2023, 6, 30)), date(2023, 6, 30))
    assert not in_force(agreement_terms_on(agreement, date(2023, 7, 1)), date(2023, 7, 1))
    actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["agreement.create", "agreement.amend", "agreement.amend"]


def test_an_amendment_for_next_march_does_not_apply_today(engine: Engine,
                                                          session: Session) -> None:
    with transaction(engine) as s:
        do_create_agreement(s, SYSTEM, **metro(start=date(2026, 1, 1),
                                               end=date(2027, 12, 31)))
    _amend(engine, {"budget": 1_000_000_000}, date(2027, 3, 1))
    agreement = _agreement(session)
    assert agreement_terms_on(agreement, date(2026, 11, 29)).budget_ceiling is None
    assert agreement_terms_on(agreement, date(2027, 3, 1)).budget_ceiling == 1_000_000_000


def test_an_amendment_before_a_scheduled_one_is_refused_and_a_same_day_one_supersedes(
        engine: Engine, session: Session) -> None:
    with transaction(engine) as s:
        do_create_agreement(s, SYSTEM, **metro())
    _amend(engine, {"quota": 3500}, date(2022, 11, 1))
    with pytest.raises(InvalidInput, match="berlaku mulai 1 November 2022"):
        _amend(engine, {"quota": 3200}, date(2022, 9, 1))
    _amend(engine, {"quota": 3600}, date(2022, 11, 1), "ralat")
    agreement = _agreement(session)
    superseded = [p for p in agreement.periods if p.valid_to and p.valid_to < p.valid_from]
    assert [p.quota for p in superseded] == [3500]  # kept for the history, never in force
    assert agreement_terms_on(agreement, date(2022, 11, 15)).quota == 3600


def test_amendments_that_would_strand_the_members_are_refused_with_the_figures(
        engine: Engine, session: Session, tmp_path: Any) -> None:
    from tests.enrollment.test_import import person, write_csv

    factories.agreement(engine, phases=[PhaseTerms(1, date(2022, 7, 1), 1000)])
    factories.import_roster(engine, write_csv(tmp_path / "r.csv", [person(i) for i in
                                                                   range(1, 6)]))
    with pytest.raises(Conflict, match=r"^Kuota 4 lebih kecil dari jumlah peserta terdaftar 5 "):
        _amend(engine, {"quota": 4}, date(2022, 9, 1))
    with pytest.raises(Conflict, match=r"^Kuota 999 lebih kecil dari jumlah kuota tahap 1\.000 "
                                       r"\(tahap 1 1\.000\)"):
        _amend(engine, {"quota": 999}, date(2022, 9, 1))
    # the members cost 5 x Rp16.800 for each of the 4 months left from 1 September
    with pytest.raises(Conflict, match=r"^Pagu Rp100\.000 lebih kecil dari biaya 5 peserta saat "
                                       r"ini Rp336\.000 \(4 bulan tersisa, September 2022 "
                                       r"sampai Desember 2022, Rp67\.200 per peserta\)"):
        _amend(engine, {"budget": 100_000}, date(2022, 9, 1))
    assert _count(session, AgreementAmendment) == 0


def test_an_amendment_that_breaks_the_law_changes_nothing(engine: Engine,
                                                          session: Session) -> None:
    with transaction(engine) as s:
        do_create_agreement(s, SYSTEM, **metro())
    with pytest.raises(InvalidInput):
        _amend(engine, {"programs": ["jkk", "jkm", "jp"]}, date(2022, 8, 1), "salah")
    assert session.scalars(select(AgreementTerms.programs)).all() == ["jkk,jkm"]
    assert _count(session, AgreementAmendment) == 0


def test_phases_can_be_added_within_the_quota(engine: Engine) -> None:
    with transaction(engine) as s:
        do_create_agreement(s, SYSTEM, **metro(phases=[PhaseTerms(1, date(2022, 7, 1), 1000)]))
    with transaction(engine) as s:
        do_add_phase(s, SYSTEM, "METRO-2022", PhaseTerms(2, date(2022, 10, 1), 2000))
    with pytest.raises(InvalidInput, match="melebihi"), transaction(engine) as s:
        do_add_phase(s, SYSTEM, "METRO-2022", PhaseTerms(3, date(2022, 11, 1), 1))


def test_payers_per_group_and_per_phase_are_dated(engine: Engine, session: Session) -> None:
    pemda = factories.organisation(engine, "PEMKOT-METRO", "pemda", "Pemerintah Kota Metro",
                                   "18.72")
    satpol = factories.organisation(engine, "SATPOL-METRO", "opd", "Satpol PP Kota Metro",
                                    "18.72", "PEMKOT-METRO")
    factories.organisation(engine, "CSR-BANK", "donor", "CSR Bank Lampung", "18")
    with transaction(engine) as s:
        do_create_agreement(s, SYSTEM, **metro(
            pemda_code="PEMKOT-METRO", phases=[PhaseTerms(1, date(2022, 7, 1), 1000),
                                               PhaseTerms(2, date(2022, 10, 1), 1000)]))
    with transaction(engine) as s:
        do_assign_payer(s, SYSTEM, "METRO-2022", payer_code="SATPOL-METRO", funded_by="apbd",
                        effective=date(2022, 7, 1), group_code="SATPOL-METRO")
        do_assign_payer(s, SYSTEM, "METRO-2022", payer_code="CSR-BANK", funded_by="csr",
                        effective=date(2022, 10, 1), phase_number=2)
    with transaction(engine) as s:  # from December the OPD's members go back to the BPKAD
        do_assign_payer(s, SYSTEM, "METRO-2022", payer_code=None, funded_by="apbd",
                        effective=date(2022, 12, 1), group_code="SATPOL-METRO")
    agreement = _agreement(session)
    assert payer_for(agreement, date(2022, 8, 1)).payer_id == pemda  # the terms' own payer
    assert payer_for(agreement, date(2022, 8, 1), group_id=satpol).payer_id == satpol
    assert payer_for(agreement, date(2022, 11, 1), phase_number=2).funding_source_code == "csr"
    # the organisation's assignment is more specific than the phase's
    assert payer_for(agreement, date(2022, 11, 1), phase_number=2,
                     group_id=satpol).payer_id == satpol
    assert payer_for(agreement, date(2022, 12, 1), group_id=satpol).payer_id == pemda
    actions = session.scalars(select(AuditEvent.action).where(
        AuditEvent.action == "agreement.assign_payer")).all()
    assert len(actions) == 3
    with pytest.raises(InvalidInput, match="dana CSR dibayar oleh donatur"), \
            transaction(engine) as s:
        do_assign_payer(s, SYSTEM, "METRO-2022", payer_code="SATPOL-METRO", funded_by="csr",
                        effective=date(2022, 12, 1), phase_number=1)
