"""Migration 0009 on an installation that used the old counter: enrolments made ``active``
without a KPJ become proposals (a step in their history), and each printed card becomes a
payment with a receipt number; the old card no longer verifies."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from alembic import command
from sqlalchemy import select, text

from lindung.accounts.actions import do_create_user
from lindung.accounts.queries import user_principal
from lindung.agreements.actions import do_create_agreement
from lindung.counter.actions import do_enrol_driver, do_verify_card
from lindung.counter.models import CounterPayment
from lindung.db import make_engine, transaction
from lindung.enrollment.models import Membership, MembershipEvent
from lindung.migrate import alembic_config, upgrade
from lindung.organisations.actions import do_create_organisation
from tests.factories import SYSTEM


def test_old_counter_enrolments_become_proposals_with_a_receipt(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    upgrade(engine)
    with transaction(engine) as s:
        do_create_organisation(s, SYSTEM, code="PEMKAB-LAMTENG", kind="pemda",
                               region_code="18.02", name="Pemerintah Kabupaten Lampung Tengah")
        do_create_organisation(s, SYSTEM, code="KIR", kind="counter", name="Loket KIR",
                               region_code="18.02", parent_code="PEMKAB-LAMTENG")
        do_create_agreement(s, SYSTEM, code="KIR-2026", region_code="18.02", segment="bpu",
                            programs=["jkk", "jkm"], funded_by="self", start=date(2026, 1, 1),
                            end=date(2026, 12, 31), quota=100, declared_income=1_000_000,
                            pemda_code="PEMKAB-LAMTENG")
        do_create_user(s, SYSTEM, username="loket", display_name="Loket",
                       password="rahasia-loket-2026", role="counter_officer",
                       organisation_code="KIR")
    with transaction(engine) as s:
        officer = user_principal(s, "loket")
        assert officer is not None
        do_enrol_driver(s, officer, nik="1802011203850001", name="Sugeng Riyadi",
                        birth_date=date(1985, 3, 12), sex="L", phone=None,
                        occupation="sopir_truk", declared_income=1_000_000, months=3,
                        funded_by="self", today=date(2026, 2, 10))
    # what the old counter left: an active membership without KPJ and a card with our number
    with engine.begin() as c:
        c.execute(text("DELETE FROM counter_payment"))
        c.execute(text("UPDATE membership SET status = 'active'"))
        c.execute(text(
            "INSERT INTO counter_card (membership_id, counter_id, number, verification_code, "
            "months, start_date, end_date, amount, funding_source_code, actor, created_at) "
            "SELECT id, agency_id, 'LDG-00000001', :code, 3, start_date, end_date, 25200, "
            "'self', 'loket', CURRENT_TIMESTAMP FROM membership"), {"code": "k" * 32})
    config = alembic_config()
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
        with connection.begin():
            config.attributes["connection"] = connection
            command.downgrade(config, "0008")
    upgrade(engine)
    with transaction(engine) as s:
        membership = s.scalars(select(Membership)).one()
        assert membership.status == "proposed" and membership.kpj is None
        last = s.scalars(select(MembershipEvent).order_by(MembershipEvent.id.desc())).first()
        assert last is not None and (last.from_status, last.to_status) == ("active", "proposed")
        payment = s.scalars(select(CounterPayment)).one()
        assert (payment.receipt_number, payment.amount, payment.received_by) == (
            "2026-000001", 25_200, "loket")
        old = do_verify_card(s, "k" * 32, on=date(2026, 3, 1))
        assert (old.valid, old.state) == (False, "unconfirmed")
    engine.dispose()
