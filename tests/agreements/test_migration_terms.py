"""Migration 0007 turns an agreement's terms and its amendments into periods of terms, with
nothing lost: the terms as signed, then each amendment's from its effective date."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlalchemy import text

from lindung.agreements.models import Agreement
from lindung.agreements.terms import agreement_terms_on
from lindung.db import make_engine, session_factory
from lindung.migrate import upgrade


def test_amendments_become_periods(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    upgrade(engine, "0006")
    with engine.begin() as c:
        c.execute(text("INSERT INTO organisation (code, kind, name, region_code) VALUES "
                       "('PEMKOT-METRO', 'pemda', 'Pemerintah Kota Metro', '18.72'), "
                       "('KIR', 'counter', 'Loket KIR', '18.72')"))
        c.execute(text(
            "INSERT INTO agreement (code, region_code, pemda_id, payer_id, segment, programs, "
            "funding_source_code, declared_income, start_date, end_date, quota, "
            "budget_ceiling, created_at, updated_at) VALUES ('METRO-2022', '18.72', 1, 2, "
            "'bpu', 'jkk,jkm', 'apbd', 1000000, '2022-07-01', '2023-06-30', 4000, NULL, "
            "'2022-06-30 00:00:00', '2022-06-30 00:00:00')"))
        for number, effective, changes in (
                (1, "2022-11-01", {"quota": [3000, 3500], "end_date": ["2022-12-31",
                                                                       "2023-06-30"]}),
                (2, "2023-01-01", {"quota": [3500, 4000]})):
            c.execute(text(
                "INSERT INTO agreement_amendment (agreement_id, number, effective_date, reason, "
                "changes, actor, created_at) VALUES (1, :n, :e, 'addendum', :c, 't', "
                "'2022-10-01 00:00:00')"), {"n": number, "e": effective,
                                            "c": json.dumps(changes)})
    upgrade(engine)
    with session_factory(engine)() as s:
        agreement = s.get(Agreement, 1)
        assert agreement is not None
        periods = sorted(agreement.periods, key=lambda p: p.valid_from)
        assert [(p.valid_from, p.valid_to, p.quota, p.end_date) for p in periods] == [
            (date(2022, 7, 1), date(2022, 10, 31), 3000, date(2022, 12, 31)),
            (date(2022, 11, 1), date(2022, 12, 31), 3500, date(2023, 6, 30)),
            (date(2023, 1, 1), None, 4000, date(2023, 6, 30))]
        assert [p.amendment_id for p in periods] == [None, 1, 2]
        assert agreement_terms_on(agreement, date(2022, 8, 1)).quota == 3000
        assert {p.payer_id for p in periods} == {1}  # the Pemda pays from its APBD
        # the counter once named as payer: its members are this agreement's
        (assignment,) = agreement.payers
        assert (assignment.group_id, assignment.funding_source_code) == (2, "apbd")
    engine.dispose()
