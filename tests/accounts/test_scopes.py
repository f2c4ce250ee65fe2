"""Who may be made what, and where: a role only at an organisation where such people work, a
token no wider than the people of its organisation, a province that reads its regencies' PKS
but changes only its own, every agreement belonging to a Pemda."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from lindung.accounts.actions import do_create_user, do_issue_token
from lindung.agreements.actions import do_amend_agreement, do_create_agreement
from lindung.agreements.models import Agreement
from lindung.agreements.queries import agreement_for
from lindung.db import transaction
from lindung.enrollment.actions import do_import_roster
from lindung.enrollment.queries import open_members
from lindung.errors import InvalidInput
from lindung.principal import Forbidden, Principal
from tests import factories
from tests.enrollment.test_import import person, write_csv
from tests.factories import METRO_TERMS, SYSTEM


@pytest.fixture
def metro(engine: Engine) -> None:
    factories.organisation(engine, "PEMPROV-LAMPUNG", "pemda", "Pemerintah Provinsi Lampung",
                           "18")
    factories.organisation(engine, "PEMKOT-METRO", "pemda", "Pemerintah Kota Metro", "18.72")
    factories.organisation(engine, "SATPOL-METRO", "opd", "Satpol PP Kota Metro", "18.72",
                           "PEMKOT-METRO")
    factories.organisation(engine, "KEL-YOSODADI", "village", "Kelurahan Yosodadi",
                           "18.72.01.1001", "PEMKOT-METRO")
    factories.organisation(engine, "LOKET-METRO", "counter", "Loket Dishub Metro", "18.72",
                           "PEMKOT-METRO")


def admin_of(engine: Engine, code: str, region: str) -> Principal:
    ident = factories.organisation_id(engine, code)
    assert ident is not None
    return factories.principal_at(ident, "pemda_admin", name=code, kind="pemda",
                                  region=region, pemda_id=ident)


@pytest.mark.parametrize(("role", "organisation", "allowed"), [
    ("pemda_admin", "PEMKOT-METRO", True), ("auditor", "PEMKOT-METRO", True),
    ("auditor", "SATPOL-METRO", True), ("opd_operator", "SATPOL-METRO", True),
    ("village_operator", "KEL-YOSODADI", True), ("counter_officer", "LOKET-METRO", True),
    ("pemda_admin", "KEL-YOSODADI", False), ("counter_officer", "SATPOL-METRO", False),
    ("opd_operator", "PEMKOT-METRO", False), ("village_operator", "LOKET-METRO", False),
])
def test_a_role_only_where_such_people_work(engine: Engine, metro: None, role: str,
                                            organisation: str, allowed: bool) -> None:
    with transaction(engine) as s:
        if allowed:
            do_create_user(s, SYSTEM, username="orang.baru", display_name="Orang Baru",
                           password="kata-sandi-panjang", role=role,
                           organisation_code=organisation)
            return
        with pytest.raises(InvalidInput, match="tidak bekerja di") as refused:
            do_create_user(s, SYSTEM, username="orang.baru", display_name="Orang Baru",
                           password="kata-sandi-panjang", role=role,
                           organisation_code=organisation)
        assert refused.value.field == "role"


@pytest.mark.parametrize(("organisation", "permissions", "allowed"), [
    ("PEMKOT-METRO", ["agreements.write", "roster.import"], True),
    ("SATPOL-METRO", ["roster.import", "workers.read"], True),
    ("LOKET-METRO", ["coverage.check", "counter.enrol"], True),
    ("KEL-YOSODADI", ["agreements.write"], False),
    ("SATPOL-METRO", ["exchange.answer"], False),
    ("LOKET-METRO", ["agreements.read"], False),
])
def test_a_token_is_no_wider_than_its_organisations_people(
        engine: Engine, metro: None, organisation: str, permissions: list[str],
        allowed: bool) -> None:
    admin = admin_of(engine, "PEMKOT-METRO", "18.72")
    with transaction(engine) as s:
        if allowed:
            do_issue_token(s, admin, name="sistem", organisation_code=organisation,
                           permissions=permissions)
            return
        with pytest.raises(InvalidInput, match="tidak boleh lebih dari"):
            do_issue_token(s, admin, name="sistem", organisation_code=organisation,
                           permissions=permissions)


def test_a_tokens_rate_is_bounded(engine: Engine, metro: None) -> None:
    with pytest.raises(InvalidInput, match="per menit"), transaction(engine) as s:
        do_issue_token(s, SYSTEM, name="sistem", organisation_code="LOKET-METRO",
                       permissions=["coverage.check"], rate_per_minute=10**9)


def test_a_province_reads_its_regencies_agreements_but_changes_only_its_own(
        engine: Engine, metro: None, session: Session, tmp_path: Path) -> None:
    code = factories.agreement(engine, pemda_code="PEMKOT-METRO")
    province = admin_of(engine, "PEMPROV-LAMPUNG", "18")
    with transaction(engine) as s:
        assert agreement_for(s, province, code).code == code
    with pytest.raises(Forbidden, match="milik Pemda lain"), transaction(engine) as s:
        do_amend_agreement(s, province, code, {"quota": 10}, effective=date(2022, 10, 1),
                           reason="x", members=open_members)
    roster = write_csv(tmp_path / "r.csv", [person(1)])
    with pytest.raises(Forbidden, match="milik Pemda lain"), transaction(engine) as s:
        do_import_roster(s, province, roster, code, today=date(2022, 8, 1))
    city = admin_of(engine, "PEMKOT-METRO", "18.72")
    with transaction(engine) as s:
        do_amend_agreement(s, city, code, {"quota": 2900}, effective=date(2022, 10, 1),
                           reason="APBD-P", members=open_members)


def test_the_installation_files_an_agreement_under_the_regions_pemda(
        engine: Engine, metro: None, session: Session) -> None:
    with transaction(engine) as s:
        do_create_agreement(s, SYSTEM, **{**METRO_TERMS, "code": "YOSODADI-2022",
                                          "region_code": "18.72.01.1001"})
        do_create_agreement(s, SYSTEM, **{**METRO_TERMS, "code": "LAMPUNG-2022",
                                          "region_code": "18"})
    pemdas = dict(session.execute(select(Agreement.code, Agreement.pemda_id)).tuples().all())
    assert pemdas == {"YOSODADI-2022": factories.organisation_id(engine, "PEMKOT-METRO"),
                      "LAMPUNG-2022": factories.organisation_id(engine, "PEMPROV-LAMPUNG")}
    with pytest.raises(InvalidInput, match="belum ada Pemda") as refused, \
            transaction(engine) as s:
        do_create_agreement(s, SYSTEM, **{**METRO_TERMS, "code": "JAMBI-2022",
                                          "region_code": "15"})
    assert refused.value.field == "pemda"
    with pytest.raises(InvalidInput, match="bukan Pemda"), transaction(engine) as s:
        do_create_agreement(s, SYSTEM, **{**METRO_TERMS, "code": "X-2022",
                                          "pemda_code": "SATPOL-METRO"})
