"""Guards on amendments (SQLite and PostgreSQL): a budget ceiling below what the current members
cost for the months that remain, a quota below the members or the phases, a quota raised
without phases to use it, are refused with the figures in Bahasa Indonesia; an amendment takes
effect on its date and not before (today's terms, today's quota, this month's cost); a full
phase is said once, with its number."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from lindung.agreements.actions import PhaseTerms, do_amend_agreement
from lindung.agreements.models import Agreement, AgreementAmendment, AgreementPhase
from lindung.agreements.queries import budget_of, member_cost
from lindung.agreements.terms import agreement_terms_on
from lindung.audit.models import AuditEvent
from lindung.db import transaction
from lindung.enrollment.models import Membership
from lindung.enrollment.queries import open_members
from lindung.enrollment.report import REASON_HEADER
from lindung.errors import Conflict, InvalidInput
from tests import factories
from tests.enrollment.test_import import errors_of, person, write_csv
from tests.factories import SYSTEM

TODAY = date(2026, 11, 29)
CODE = "METRO-2026"


def _agreement(engine: Engine, **overrides: Any) -> str:
    terms: dict[str, Any] = dict(code=CODE, start=date(2026, 1, 1), end=date(2026, 12, 31))
    return factories.agreement(engine, **{**terms, **overrides})


def _members(engine: Engine, tmp_path: Path, serials: range, *, today: date = TODAY,
             name: str = "r.csv") -> Any:
    path = write_csv(tmp_path / name, [person(i) for i in serials])
    return factories.import_roster(engine, path, CODE, today=today)


def _amend(engine: Engine, changes: dict[str, Any], effective: date) -> AgreementAmendment:
    with transaction(engine) as s:
        return do_amend_agreement(s, SYSTEM, CODE, changes, effective=effective,
                                  reason="Addendum APBD-P", members=open_members)


def _loaded(session: Session) -> Agreement:
    session.expire_all()
    found = session.scalar(select(Agreement).where(Agreement.code == CODE))
    assert found is not None
    return found


def _amendments(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(AgreementAmendment)) or 0)


# --- the budget ceiling against the members open on the effective date -------------------------


def test_a_ceiling_below_the_cost_of_the_current_members_is_refused_with_the_figures(
        engine: Engine, session: Session, tmp_path: Path) -> None:
    _agreement(engine)
    assert _members(engine, tmp_path, range(1, 6)).accepted == 5
    # 5 members x Rp16.800 (JKK 1% + JKM Rp6.800) x 6 months left (July to December)
    with pytest.raises(Conflict) as refused:
        _amend(engine, {"budget": 100_000}, date(2026, 7, 1))
    assert str(refused.value) == (
        "Pagu Rp100.000 lebih kecil dari biaya 5 peserta saat ini Rp504.000 (6 bulan tersisa, "
        "Juli 2026 sampai Desember 2026, Rp100.800 per peserta): naikkan pagu atau akhiri dulu "
        "kepesertaan yang tidak lagi dibiayai")
    assert _amendments(session) == 0
    # exactly what they cost is enough
    _amend(engine, {"budget": 504_000}, date(2026, 7, 1))
    assert agreement_terms_on(_loaded(session), date(2026, 7, 1)).budget_ceiling == 504_000


def test_the_remaining_months_are_priced_under_the_new_terms(
        engine: Engine, session: Session, tmp_path: Path) -> None:
    _agreement(engine, budget_ceiling=10_000_000)
    _members(engine, tmp_path, range(1, 6))
    # JHT added from 1 July: Rp36.800 a month (JHT 2% of Rp1.000.000) for 6 months
    with pytest.raises(Conflict, match=r"biaya 5 peserta saat ini Rp1\.104\.000 \(6 bulan "
                                       r"tersisa, Juli 2026 sampai Desember 2026, Rp220\.800"):
        _amend(engine, {"programs": ["jkk", "jkm", "jht"], "budget": 1_000_000},
               date(2026, 7, 1))
    # effective mid-month: July is priced under the terms of 1 July (decision 0003), August to
    # December under the new ones: 16.800 + 5 x 36.800 = 200.800 per member
    with pytest.raises(Conflict, match=r"Rp1\.004\.000 \(6 bulan tersisa, Juli 2026 sampai "
                                       r"Desember 2026, Rp200\.800 per peserta\)"):
        _amend(engine, {"programs": ["jkk", "jkm", "jht"], "budget": 1_000_000},
               date(2026, 7, 15))
    # a change that does not touch the cost (the title) is not held to the ceiling again
    _amend(engine, {"title": "PKS perlindungan pekerja rentan"}, date(2026, 7, 1))
    assert _amendments(session) == 1


def test_members_ended_before_the_effective_date_cost_nothing(
        engine: Engine, session: Session, tmp_path: Path) -> None:
    _agreement(engine)
    _members(engine, tmp_path, range(1, 6))
    ends = session.scalars(select(Membership.end_date)).all()
    assert set(ends) == {date(2026, 12, 31)}
    # an extension from 2027 with a small ceiling: the members of 2026 end before it begins
    _amend(engine, {"end": date(2027, 6, 30), "budget": 1}, date(2027, 1, 1))
    assert agreement_terms_on(_loaded(session), date(2027, 1, 1)).budget_ceiling == 1


# --- the quota against the members and the phases ------------------------------------------------


def test_a_quota_below_the_members_or_the_phases_is_refused_with_the_figures(
        engine: Engine, session: Session, tmp_path: Path) -> None:
    _agreement(engine, phases=[PhaseTerms(1, date(2026, 1, 1), 1000),
                               PhaseTerms(2, date(2026, 7, 1), 2000)])
    _members(engine, tmp_path, range(1, 6))
    with pytest.raises(Conflict) as below_members:
        _amend(engine, {"quota": 4}, date(2026, 9, 1))
    assert str(below_members.value).startswith(
        "Kuota 4 lebih kecil dari jumlah peserta terdaftar 5 (diusulkan, dikirim ke BPJS atau "
        "aktif)")
    with pytest.raises(Conflict) as below_phases:
        _amend(engine, {"quota": 2999}, date(2026, 9, 1))
    assert str(below_phases.value).startswith(
        "Kuota 2.999 lebih kecil dari jumlah kuota tahap 3.000 (tahap 1 1.000, tahap 2 2.000)")
    assert _amendments(session) == 0


def test_a_quota_raised_needs_a_phase_for_the_increase(engine: Engine, session: Session) -> None:
    _agreement(engine, phases=[PhaseTerms(1, date(2026, 1, 1), 1000),
                               PhaseTerms(2, date(2026, 7, 1), 2000)])
    with pytest.raises(Conflict) as refused:
        _amend(engine, {"quota": 3500}, date(2026, 10, 1))
    assert str(refused.value) == (
        "Kuota naik dari 3.000 menjadi 3.500, tetapi jumlah kuota tahap tetap 3.000 (tahap 1 "
        "1.000, tahap 2 2.000): peserta baru selalu masuk ke sebuah tahap, jadi tambahan 500 "
        "tidak dapat dipakai. Tambahkan tahap baru untuk tambahan itu dalam addendum yang sama, "
        "mulai pada atau setelah 1 Oktober 2026")
    for phase, message in (
            (PhaseTerms(3, date(2026, 9, 1), 500), "mulai pada atau setelah tanggal berlaku"),
            (PhaseTerms(2, date(2026, 10, 1), 500), "tahap 2 sudah ada"),
            (PhaseTerms(3, date(2026, 10, 1), 600), "melebihi kuota PKS")):
        with pytest.raises(InvalidInput, match=message) as wrong:
            _amend(engine, {"quota": 3500, "phases": [phase]}, date(2026, 10, 1))
        assert wrong.value.field == "phases"
    assert _amendments(session) == 0
    amendment = _amend(engine, {"quota": 3500,
                                "phases": [PhaseTerms(3, date(2026, 10, 1), 500)]},
                       date(2026, 10, 1))
    assert amendment.changes["quota"] == [3000, 3500]
    assert amendment.changes["phases"][1][-1] == {"number": 3, "start_date": "2026-10-01",
                                                  "quota": 500}
    phases = session.scalars(select(AgreementPhase.quota).order_by(AgreementPhase.number)).all()
    assert phases == [1000, 2000, 500]
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "agreement.amend")).one()
    assert event.after is not None and len(event.after["phases"]) == 3


# --- an amendment takes effect on its date ------------------------------------------------------


def test_an_amendment_for_next_march_changes_neither_todays_quota_nor_this_months_cost(
        engine: Engine, session: Session, tmp_path: Path) -> None:
    _agreement(engine, end=date(2027, 12, 31), quota=3,
               phases=[PhaseTerms(1, date(2026, 1, 1), 3)])
    _amend(engine, {"quota": 10, "programs": ["jkk", "jkm", "jht"],
                    "phases": [PhaseTerms(2, date(2027, 3, 1), 7)]}, date(2027, 3, 1))
    agreement = _loaded(session)
    today = agreement_terms_on(agreement, TODAY)
    assert (today.quota, today.program_list) == (3, ["jkk", "jkm"])
    assert agreement_terms_on(agreement, date(2027, 3, 1)).quota == 10
    # this month is priced as today's terms say; next March as the amendment says
    assert budget_of(agreement, today, []).per_member is not None
    assert budget_of(agreement, today, []).per_member.total == 16_800  # type: ignore[union-attr]
    cost = member_cost(agreement, agreement_terms_on(agreement, date(2027, 3, 1)))
    assert (cost[10], cost[13], cost[14]) == (16_800, 16_800, 36_800)  # Nov, Feb, March
    # today's import: phase 1, quota 3, said once with its number
    report = _members(engine, tmp_path, range(1, 6))
    assert report.accepted == 3 and report.rejected == 2
    assert [(row, message) for row, field, message in errors_of(report)
            if field == "(kuota)"] == [
        (5, "Tahap 1 penuh: kuota 3 terpakai 0; 2 baris tidak diterima karena kuota (baris 5 "
            "sampai 6), 3 baris sebelumnya diterima")]
    # the sheet of rejected rows (to fix and upload again) names the quota on each of them
    assert report.rejected_rows is not None
    assert [r[:13] for r in report.rejected_rows[REASON_HEADER].to_list()] == [
        "Tahap 1 penuh", "Tahap 1 penuh"]
    again = _members(engine, tmp_path, range(4, 6), name="lagi.csv")
    assert again.accepted == 0
    assert [m for _, f, m in errors_of(again) if f == "(kuota)"] == [
        "Tahap 1 penuh: kuota 3 terpakai 3; 2 baris tidak diterima karena kuota (baris 2 "
        "sampai 3)"]
    # from 1 March the new phase takes the rest
    later = _members(engine, tmp_path, range(4, 6), today=date(2027, 3, 2), name="maret.csv")
    assert later.accepted == 2 and later.rejected == 0
    assert open_members(session, _loaded(session), 2) == 2


def test_the_budget_counts_each_member_from_his_own_start_month_to_his_end(
        engine: Engine, session: Session) -> None:
    _agreement(engine, end=date(2026, 12, 31), quota=3,
               phases=[PhaseTerms(1, date(2026, 1, 1), 3)])
    agreement = _loaded(session)
    terms = agreement_terms_on(agreement, TODAY)
    per_month = member_cost(agreement, terms)
    assert len(per_month) == 12
    budget = budget_of(agreement, terms, [(date(2026, 1, 1), None, 2),
                                          (date(2026, 11, 29), None, 1),
                                          (date(2026, 1, 1), date(2026, 3, 15), 1)])
    assert budget.members == 4
    # two members the whole year, November and December for the late one, January to March for
    # the one who ended in March
    assert budget.period_at_members == (2 * sum(per_month) + sum(per_month[10:])
                                        + sum(per_month[:3]))
    assert budget.period_at_members == 16_800 * (24 + 2 + 3)
