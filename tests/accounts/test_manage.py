"""Managing accounts and organisations: who may, what is refused, what the audit log keeps
(never a secret), one-time codes (single use, expiry), password rules, token rotation."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from lindung.accounts.actions import (
    CODE_HOURS,
    SET_PASSWORD_MINUTES,
    SignInRefused,
    do_change_password,
    do_choose_password,
    do_create_user,
    do_deactivate_user,
    do_issue_token,
    do_reset_password,
    do_revoke_token,
    do_rotate_token,
    do_sign_in,
)
from lindung.accounts.passwords import check_new_password, common_passwords
from lindung.accounts.queries import (
    list_users,
    session_principal,
    token_principal,
    user_principal,
)
from lindung.accounts.throttle import sign_in_throttle
from lindung.audit.models import AuditEvent
from lindung.db import transaction, utcnow
from lindung.errors import Conflict, InvalidInput, NotFound
from lindung.organisations.actions import do_create_organisation, do_deactivate_organisation
from lindung.organisations.models import Organisation
from lindung.principal import Forbidden, Principal
from tests import factories
from tests.factories import SYSTEM

PASSWORD = "padi menguning di sawah"
NEW_PASSWORD = "kopi pahit pagi hari"


@pytest.fixture
def metro(engine: Engine) -> Engine:
    sign_in_throttle.clear()
    factories.organisation(engine, "PEMKOT-METRO", "pemda", "Pemerintah Kota Metro", "18.72")
    factories.organisation(engine, "SATPOL-METRO", "opd", "Satpol PP Kota Metro", "18.72",
                           "PEMKOT-METRO")
    factories.organisation(engine, "PEMKAB-LAMTENG", "pemda", "Pemkab Lampung Tengah", "18.02")
    factories.organisation(engine, "LOKET-LAMTENG", "counter", "Loket KIR", "18.02",
                           "PEMKAB-LAMTENG")
    factories.organisation(engine, "BPJS-KCP-METRO", "bpjs_branch", "BPJS KCP Metro", "18.72")
    with transaction(engine) as s:
        for username, role, org in (("admin.metro", "pemda_admin", "PEMKOT-METRO"),
                                    ("admin.lamteng", "pemda_admin", "PEMKAB-LAMTENG"),
                                    ("opd.satpol", "opd_operator", "SATPOL-METRO")):
            do_create_user(s, SYSTEM, username=username, display_name=username,
                           password=PASSWORD, role=role, organisation_code=org)
    return engine


def events(session: Session, action: str) -> list[AuditEvent]:
    session.expire_all()
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                .order_by(AuditEvent.id)))


def admin(engine: Engine, name: str = "admin.metro") -> Principal:
    return factories.person(engine, name)


def sign_in(engine: Engine, username: str, password: str) -> tuple[str, str]:
    with transaction(engine) as s:
        secret, web = do_sign_in(s, username=username, password=password)
        return secret, web.purpose


def test_an_admin_creates_a_user_who_signs_in_with_the_code_and_chooses_a_password(
        metro: Engine, session: Session) -> None:
    boss = admin(metro)
    with transaction(metro) as s:
        do_create_user(s, boss, username="desa.baru", display_name="Siti Aminah",
                       password=None, role="opd_operator", organisation_code="SATPOL-METRO")
        code, row = do_reset_password(s, boss, "desa.baru")
    assert len(code) == 14 and code.count("-") == 2
    assert code.replace("-", "") not in row.code_hash  # stored hashed
    with pytest.raises(SignInRefused):  # no password yet: nothing but the code opens it
        sign_in(metro, "desa.baru", "")
    secret, purpose = sign_in(metro, "desa.baru", code.lower().replace("-", " "))
    assert purpose == "set_password"
    with transaction(metro) as s:  # good for nothing else: no page or API sees a principal
        assert session_principal(s, secret) is None
    with pytest.raises(InvalidInput, match="terlalu umum"), transaction(metro) as s:
        do_choose_password(s, secret=secret, new_password="password12345678")
    with transaction(metro) as s:
        fresh, web = do_choose_password(s, secret=secret, new_password=NEW_PASSWORD)
        assert web.purpose == "sign_in"
    with transaction(metro) as s:
        found = session_principal(s, fresh)
        assert found is not None and found[0].name == "desa.baru"
    with pytest.raises(SignInRefused):  # single use
        sign_in(metro, "desa.baru", code)
    assert sign_in(metro, "desa.baru", NEW_PASSWORD)[1] == "sign_in"
    made = events(session, "user.create")[-1]
    assert (made.actor, made.entity_id) == ("user:admin.metro", "desa.baru")
    assert made.after is not None and made.after["password_set"] is False
    reset = events(session, "user.password_reset")[-1]
    assert reset.actor == "user:admin.metro" and reset.entity_id == "desa.baru"
    [chosen] = events(session, "user.password_set")
    assert chosen.actor == "user:desa.baru"
    assert len(events(session, "auth.sign_in_code")) == 1
    everything = json.dumps([[e.before, e.after, e.detail] for e in session.scalars(
        select(AuditEvent))], default=str)
    for secret_text in (code, code.replace("-", ""), NEW_PASSWORD, PASSWORD, secret, fresh):
        assert secret_text not in everything


def test_a_code_expires_and_a_new_one_cancels_the_old(metro: Engine) -> None:
    boss = admin(metro)
    start = utcnow() - timedelta(hours=CODE_HOURS + 1)
    with transaction(metro) as s:
        old_code, _ = do_reset_password(s, boss, "opd.satpol", now=start)
    with pytest.raises(SignInRefused):  # more than 24 hours ago
        sign_in(metro, "opd.satpol", old_code)
    with pytest.raises(SignInRefused):  # the reset ended the old password at once
        sign_in(metro, "opd.satpol", PASSWORD)
    with transaction(metro) as s:
        first, _ = do_reset_password(s, boss, "opd.satpol")
        second, _ = do_reset_password(s, boss, "opd.satpol")
    with pytest.raises(SignInRefused):
        sign_in(metro, "opd.satpol", first)
    secret, _ = sign_in(metro, "opd.satpol", second)
    later = utcnow() + timedelta(minutes=SET_PASSWORD_MINUTES + 1)
    with pytest.raises(SignInRefused, match="sudah habis"), transaction(metro) as s:
        do_choose_password(s, secret=secret, new_password=NEW_PASSWORD, now=later)


def test_a_reset_ends_the_sessions_of_the_person(metro: Engine) -> None:
    secret, _ = sign_in(metro, "opd.satpol", PASSWORD)
    with transaction(metro) as s:
        do_reset_password(s, admin(metro), "opd.satpol")
    with transaction(metro) as s:
        assert session_principal(s, secret) is None


@pytest.mark.parametrize(("password", "why"), [
    ("pendek-sekali", "paling sedikit 15"),
    ("x" * 129, "paling panjang 128"),
    ("Password12345678!", "terlalu umum"),
    ("Bismillah 2026!!!", "terlalu umum"),
    ("1234567890123456", "urutan"),
    ("qazwsxedcrfvtgb1", "terlalu umum"),
    ("aaaaaaaaaaaaaaaaaa", "pengulangan"),
    ("abcdefghijklmnopq", "pengulangan atau urutan"),
    ("kucingkucingkucing", "pengulangan"),
    ("Opd.Satpol 2026!!", "nama pengguna"),
    ("Budi\u202eSantoso\u200b\x00\x1b[2J", "karakter kendali atau tak terlihat"),
])
def test_password_rules(password: str, why: str) -> None:
    with pytest.raises(InvalidInput, match=why):
        check_new_password(password, username="opd.satpol", display_name="Budi")


def test_no_composition_rules_and_any_script() -> None:
    for fine in ("kopi pahit pagi hari", "semuahurufkecilsaja", "ꦧꦱꦗꦮ ꦲꦏ꧀ꦱꦫ ꦗꦮ ꦏꦸꦤ",
                 "🌾🌾 sawah luas 🌾"):
        check_new_password(fine, username="opd.satpol")
    assert "password" in common_passwords() and len(common_passwords()) > 30_000


def test_changing_ones_own_password(metro: Engine, session: Session) -> None:
    keep, _ = sign_in(metro, "opd.satpol", PASSWORD)
    other, _ = sign_in(metro, "opd.satpol", PASSWORD)
    me = factories.person(metro, "opd.satpol")
    with pytest.raises(InvalidInput, match="sekarang salah"), transaction(metro) as s:
        do_change_password(s, me, current_password="bukan kata sandinya",
                           new_password=NEW_PASSWORD)
    with pytest.raises(InvalidInput, match="nama pengguna"), transaction(metro) as s:
        do_change_password(s, me, current_password=PASSWORD,
                           new_password="opd.satpol.2026.!")
    with transaction(metro) as s:
        do_change_password(s, me, current_password=PASSWORD, new_password=NEW_PASSWORD,
                           keep_session=keep)
    with transaction(metro) as s:
        assert session_principal(s, keep) is not None
        assert session_principal(s, other) is None
    with pytest.raises(SignInRefused):
        sign_in(metro, "opd.satpol", PASSWORD)
    assert sign_in(metro, "opd.satpol", NEW_PASSWORD)[1] == "sign_in"
    [changed] = events(session, "user.password_change")
    assert changed.actor == "user:opd.satpol" and changed.entity_id == "opd.satpol"
    assert NEW_PASSWORD not in json.dumps([changed.before, changed.after, changed.detail])
    with pytest.raises(Forbidden), transaction(metro) as s:
        do_change_password(s, SYSTEM, current_password="x", new_password=NEW_PASSWORD)


def test_a_deactivated_user_cannot_sign_in_and_its_sessions_stop(metro: Engine,
                                                                 session: Session) -> None:
    secret, _ = sign_in(metro, "opd.satpol", PASSWORD)
    with transaction(metro) as s:
        do_deactivate_user(s, admin(metro), "opd.satpol")
    with transaction(metro) as s:
        assert session_principal(s, secret) is None
        assert user_principal(s, "opd.satpol") is None
    with pytest.raises(SignInRefused):
        sign_in(metro, "opd.satpol", PASSWORD)
    with pytest.raises(Conflict), transaction(metro) as s:
        do_deactivate_user(s, admin(metro), "opd.satpol")
    [done] = events(session, "user.deactivate")
    assert (done.actor, done.entity_id, done.after) == ("user:admin.metro", "opd.satpol",
                                                        {"active": False})


def test_a_pemda_admin_manages_only_their_own_pemda(metro: Engine) -> None:
    lamteng = admin(metro, "admin.lamteng")
    for call in (lambda s: do_deactivate_user(s, lamteng, "opd.satpol"),
                 lambda s: do_reset_password(s, lamteng, "admin.metro"),
                 lambda s: do_deactivate_organisation(s, lamteng, "SATPOL-METRO"),
                 lambda s: do_deactivate_organisation(s, lamteng, "BPJS-KCP-METRO")):
        with pytest.raises(NotFound), transaction(metro) as s:
            call(s)
    with pytest.raises(Forbidden), transaction(metro) as s:
        do_create_user(s, lamteng, username="orang.lain", display_name="Orang Lain",
                       password=None, role="opd_operator", organisation_code="SATPOL-METRO")
    with pytest.raises(Forbidden), transaction(metro) as s:
        do_deactivate_user(s, lamteng, "admin.lamteng")  # not oneself
    with pytest.raises(Forbidden), transaction(metro) as s:
        do_deactivate_organisation(s, lamteng, "PEMKAB-LAMTENG")
    with pytest.raises(Forbidden, match="tidak berwenang"), transaction(metro) as s:
        do_reset_password(s, factories.person(metro, "opd.satpol"), "admin.metro")
    with transaction(metro) as s:
        seen = {u.username for u in list_users(s, lamteng)}
        assert seen == {"admin.lamteng"}
        assert {u.username for u in list_users(s, SYSTEM)} >= {"admin.metro", "opd.satpol"}


def test_organisations_go_under_the_right_pemda_and_region(metro: Engine,
                                                          session: Session) -> None:
    boss = admin(metro)
    with transaction(metro) as s:
        village = do_create_organisation(s, boss, code="KEL-YOSODADI", kind="village",
                                         name="Kelurahan Yosodadi", region_code="18.72.01.1001")
        counter = do_create_organisation(s, boss, code="LOKET-SATPOL", kind="counter",
                                         name="Loket Satpol", parent_code="SATPOL-METRO")
        assert counter.region_code == "18.72"
        assert village.parent_id == factories.organisation_id(metro, "PEMKOT-METRO")
    refusals = [
        (dict(kind="village", region_code="18.72"), InvalidInput, "kode wilayah desanya"),
        (dict(kind="opd", region_code="18.02"), Forbidden, "di luar wilayah"),
        (dict(kind="bpjs_branch"), Forbidden, "hanya dapat menambah"),
        (dict(kind="pemda", region_code="18.01"), Forbidden, "hanya dapat menambah"),
    ]
    for extra, error, words in refusals:
        with pytest.raises(error, match=words), transaction(metro) as s:
            do_create_organisation(s, boss, code="BARU", name="Baru", **extra)
    for extra, words in ((dict(kind="opd"), "harus berada di bawah Pemda"),
                         (dict(kind="pemda", region_code="18.72.01"), "provinsi atau"),
                         (dict(kind="opd", parent_code="BPJS-KCP-METRO"), "bukan Kantor")):
        with pytest.raises(InvalidInput, match=words), transaction(metro) as s:
            do_create_organisation(s, SYSTEM, code="BARU", name="Baru", **extra)
    made = events(session, "organisation.create")[-1]
    assert (made.actor, made.entity_id) == ("user:admin.metro", "LOKET-SATPOL")


def test_a_deactivated_organisation_stops_its_people_and_tokens(metro: Engine,
                                                               session: Session) -> None:
    boss = admin(metro)
    secret, _ = sign_in(metro, "opd.satpol", PASSWORD)
    with transaction(metro) as s:
        do_create_organisation(s, boss, code="LOKET-SATPOL", kind="counter",
                               name="Loket Satpol", parent_code="SATPOL-METRO")
        token, _ = do_issue_token(s, boss, name="Loket", organisation_code="LOKET-SATPOL",
                                  permissions=["coverage.check"])
    with transaction(metro) as s:
        assert do_deactivate_organisation(s, boss, "SATPOL-METRO") == 2
    with transaction(metro) as s:
        assert session_principal(s, secret) is None
        assert token_principal(s, token) is None
        assert not s.scalar(select(Organisation.active).where(
            Organisation.code == "LOKET-SATPOL"))
    with pytest.raises(SignInRefused):
        sign_in(metro, "opd.satpol", PASSWORD)
    with pytest.raises(InvalidInput, match="dinonaktifkan"), transaction(metro) as s:
        do_create_user(s, boss, username="orang.baru", display_name="Orang Baru",
                       password=None, role="opd_operator", organisation_code="SATPOL-METRO")
    [done] = events(session, "organisation.deactivate")
    assert done.detail == {"also_deactivated": ["LOKET-SATPOL"]}


def test_rotating_a_token_keeps_the_old_one_for_the_overlap_only(metro: Engine,
                                                               session: Session) -> None:
    boss = admin(metro)
    with transaction(metro) as s:
        do_create_organisation(s, boss, code="LOKET-METRO", kind="counter",
                               name="Loket Metro")
        old, made = do_issue_token(s, boss, name="Loket", organisation_code="LOKET-METRO",
                                   permissions=["coverage.check", "counter.enrol"])
        token_id = made.id
    with transaction(metro) as s:
        new, rotated = do_rotate_token(s, boss, token_id, overlap_minutes=30)
        assert rotated.permissions == ["counter.enrol", "coverage.check"]
        assert rotated.replaces_id == token_id
    with transaction(metro) as s:
        assert token_principal(s, old) is not None  # within the overlap
        assert token_principal(s, new) is not None
    with pytest.raises(Conflict, match="sudah diganti"), transaction(metro) as s:
        do_rotate_token(s, boss, token_id)
    with transaction(metro) as s:
        newer, again = do_rotate_token(s, boss, rotated.id, overlap_minutes=0)
    with transaction(metro) as s:
        assert token_principal(s, new) is None  # overlap 0: at once
        assert token_principal(s, newer) is not None
        do_revoke_token(s, boss, again.id)
    with transaction(metro) as s:
        assert token_principal(s, newer) is None
    with pytest.raises(InvalidInput), transaction(metro) as s:
        do_rotate_token(s, boss, token_id, overlap_minutes=24 * 60 + 1)
    with pytest.raises(NotFound), transaction(metro) as s:
        do_rotate_token(s, admin(metro, "admin.lamteng"), token_id)
    rotations = events(session, "token.rotate")
    assert [e.actor for e in rotations] == ["user:admin.metro"] * 2
    text = json.dumps([[e.before, e.after] for e in rotations], default=str)
    assert new not in text and old not in text and newer not in text
