"""Audit cannot be forgotten.

1. Every ``do_*`` action of lindung (discovered by walking the package, not listed by hand) is
   run once on a copy of the demo database; every statement it sends is watched. An action
   that changes a row of any table without writing an audit event in the same transaction
   fails the test. An action without a scenario here fails too: whoever adds one adds how to
   run it.
2. Every table of the schema is written by some action, or is listed below with the reason no
   action writes it.
"""

from __future__ import annotations

import csv
import importlib
import inspect
import pkgutil
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, select

import lindung
from lindung import db
from lindung.accounts.crypto import digest
from lindung.accounts.models import ApiToken, WebSession
from lindung.accounts.throttle import sign_in_throttle
from lindung.db import make_engine, transaction, utcnow
from lindung.demo_data import DEMO_PASSWORD
from lindung.enrollment.models import Membership
from lindung.models import Base
from lindung.registry.models import Worker
from tests.conftest import Demo
from tests.factories import SYSTEM, person

NOT_WRITTEN_BY_ACTIONS = {
    "region": "Kemendagri reference data, loaded by migration 0002 (registry/data/SOURCE.md)",
    "funding_source": "reference data of the funding sources and their legal basis, migration "
                      "0002 (agreements/data/funding_sources.yaml)",
    "audit_event": "written by every action, through lindung.audit.service.record",
    "audit_chain_head": "the audit chain's head, kept by the audit log itself on every event",
}
WRITE = re.compile(r"^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", re.IGNORECASE)
AUDIT_TABLES = {"audit_event", "audit_chain_head"}


def discovered_actions() -> dict[str, Callable[..., Any]]:
    """Every ``do_*`` function defined in a module of lindung, by ``module.name``."""
    found: dict[str, Callable[..., Any]] = {}
    for info in pkgutil.walk_packages(lindung.__path__, "lindung."):
        if ".migrations" in info.name or info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("do_") and fn.__module__ == module.__name__:
                found[f"{module.__name__}.{name}"] = fn
    return found


@dataclass
class Watch:
    """The tables written per transaction while a scenario runs."""

    writes: list[set[str]] = field(default_factory=list)
    current: set[str] = field(default_factory=set)

    def statement(self, sql: str) -> None:
        found = WRITE.match(sql)
        if found:
            self.current.add(found.group(1).lower())

    def end(self) -> None:
        if self.current:
            self.writes.append(self.current)
        self.current = set()


@pytest.fixture
def demo(demo_template: Demo, tmp_path: Path) -> Iterator[Engine]:
    path = tmp_path / "demo.sqlite3"
    shutil.copy(demo_template.path, path)
    engine = make_engine(f"sqlite:///{path}")
    sign_in_throttle.clear()
    yield engine
    engine.dispose()


@dataclass
class Env:
    engine: Engine
    tmp: Path


def _roster(env: Env, rows: list[tuple[str, str]], name: str = "r.csv") -> Path:
    path = env.tmp / name
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["NIK", "Nama", "Tgl Lahir", "Jenis Kelamin", "Desa/Kelurahan",
                         "Pekerjaan"])
        for nik, name_ in rows:
            writer.writerow([nik, name_, "12-03-1975", "L", "18.72.01.1001", "Linmas"])
    return path


NEW_NIK = "1872011203759001"


def _membership_id(env: Env, nik: str | None = None) -> int:
    with transaction(env.engine) as s:
        query = select(Membership.id).join(Worker, Worker.id == Membership.worker_id)
        if nik:
            query = query.where(Worker.nik == nik)
        found = s.scalar(query.order_by(Membership.id).limit(1))
        assert found is not None
        return int(found)


def _ids_with_status(env: Env, status: str) -> list[int]:
    with transaction(env.engine) as s:
        return list(s.scalars(select(Membership.id).where(Membership.status == status)
                              .order_by(Membership.id).limit(2)))


def _rejected_ids(env: Env) -> list[int]:
    return _ids_with_status(env, "rejected")


def _active_ids(env: Env) -> list[int]:
    return _ids_with_status(env, "active")


def _worker_of(env: Env, membership_id: int) -> int:
    with transaction(env.engine) as s:
        found = s.scalar(select(Membership.worker_id).where(Membership.id == membership_id))
        assert found is not None
        return int(found)


def _receipt_number(env: Env) -> str:
    return str(_enrol(env).receipt_number)


def _card_number(env: Env) -> str:
    """A receipt whose enrolment the branch (the simulator's rules, in-process) accepted."""
    from lindung.counter.actions import do_send_enrolment
    from tests.simulator import InstantBranch

    number = _receipt_number(env)
    with transaction(env.engine) as s:
        do_send_enrolment(s, person(env.engine, "loket.kir"), number, InstantBranch())
    return number


def _submitted_through_api(env: Env) -> Any:
    from lindung.enrollment.actions import do_import_roster, do_submit_to_branch
    from tests.simulator import InstantBranch

    branch = InstantBranch()
    with transaction(env.engine) as s:
        do_import_roster(s, SYSTEM, _roster(env, [(NEW_NIK, "Warga Baru")]), "METRO-2026")
    with transaction(env.engine) as s:
        do_submit_to_branch(s, SYSTEM, "METRO-2026", branch)
    return branch


def _enrol(env: Env) -> Any:
    from lindung.counter.actions import do_enrol_driver

    with transaction(env.engine) as s:
        return do_enrol_driver(s, person(env.engine, "loket.kir"), nik="1802011203850001",
                               name="Sugeng Riyadi", birth_date=date(1985, 3, 12), sex="L",
                               phone=None, occupation="sopir_truk", declared_income=1_000_000,
                               months=1, funded_by="self")


def _instant_branch() -> Any:
    from tests.simulator import InstantBranch

    return InstantBranch()


# A scenario: (set-up run before watching, the action's call) -> both take the environment.
Setup = Callable[[Env], Any]
Call = Callable[[Env, Any], Any]


def _no_setup(env: Env) -> Any:
    return None


def _signed_in_secret(env: Env) -> str:
    from lindung.accounts.actions import do_sign_in

    with transaction(env.engine) as s:
        secret, _web = do_sign_in(s, username="admin.metro", password=DEMO_PASSWORD)
    return secret


def _code_session(env: Env) -> str:
    """The cookie of a session opened by a one-time code (it may only choose a password)."""
    from lindung.accounts.actions import do_reset_password, do_sign_in

    with transaction(env.engine) as s:
        code, _row = do_reset_password(s, person(env.engine, "admin.metro"), "opd.satpol")
    with transaction(env.engine) as s:
        secret, _web = do_sign_in(s, username="opd.satpol", password=code)
    return secret


def _expired_session(env: Env) -> None:
    with transaction(env.engine) as s:
        s.add(WebSession(digest=digest("old"), user_id=1, csrf_token="x",
                         expires_at=utcnow() - timedelta(hours=1)))


def _token_id(env: Env) -> int:
    with transaction(env.engine) as s:
        found = s.scalar(select(ApiToken.id).limit(1))
        assert found is not None
        return int(found)


def _import_report(env: Env) -> Any:
    from lindung.enrollment.actions import do_import_roster

    with transaction(env.engine) as s:
        return do_import_roster(s, SYSTEM, _roster(env, [("187201120375000X", "Salah")]),
                                "METRO-2026", dry_run=True)


def _answer(env: Env) -> Path:
    from lindung.enrollment.actions import do_export_submission, do_import_roster

    with transaction(env.engine) as s:
        do_import_roster(s, SYSTEM, _roster(env, [(NEW_NIK, "Warga Baru")]), "METRO-2026")
    with transaction(env.engine) as s:
        do_export_submission(s, SYSTEM, "METRO-2026", env.tmp / "kirim.xlsx")
    path = env.tmp / "jawab.csv"
    path.write_text(f"NIK,KPJ,Status,Keterangan\n{NEW_NIK},KPJ9,Diterima,\n", encoding="utf-8")
    return path


def _person_in(env: Env) -> Any:
    from lindung.agreements.queries import agreement_in_scope
    from lindung.enrollment.actions import PersonIn
    from lindung.organisations.queries import get_organisation

    return PersonIn(nik="1802014506900001", name="Sri Wahyuni", birth_date=date(1990, 6, 5),
                    sex="P", phone=None), get_organisation, agreement_in_scope


def _enrol_person(env: Env, made: Any) -> Any:
    from lindung.enrollment.actions import do_enrol_person

    person_in, get_organisation, agreement_in_scope = made
    officer = person(env.engine, "loket.kir")
    with transaction(env.engine) as s:
        agreement = agreement_in_scope(s, SYSTEM, "KIR-LAMTENG-MANDIRI-2026")
        return do_enrol_person(s, officer, agreement, person_in, occupation_code="sopir",
                               group=get_organisation(s, "DISHUB-LAMTENG-KIR"),
                               declared_income=1_000_000, start=date(2026, 11, 29),
                               end=date(2026, 12, 28), reason="uji", detail={})


def _old_upload(env: Env) -> Path:
    """An uploaded roster stored 30 days ago (past the default retention)."""
    import os
    import time

    folder = env.tmp / "uploads" / ("u" * 32)
    folder.mkdir(parents=True)
    (folder / "r.csv").write_text("NIK,Nama\n", encoding="utf-8")
    month_ago = time.time() - 30 * 24 * 3600
    os.utime(folder, (month_ago, month_ago))
    return env.tmp / "uploads"


def _action(path: str) -> Callable[..., Any]:
    module, name = path.rsplit(".", 1)
    fn: Callable[..., Any] = getattr(importlib.import_module(module), name)
    return fn


def _in_transaction(env: Env, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    with transaction(env.engine) as s:
        return fn(s, *args, **kwargs)


SCENARIOS: dict[str, tuple[Setup, Call]] = {
    "lindung.organisations.actions.do_create_organisation": (_no_setup, lambda env, _: (
        _in_transaction(env, _action("lindung.organisations.actions.do_create_organisation"),
                        SYSTEM, code="DINSOS2-METRO", kind="opd", name="Dinas Baru",
                        region_code="18.72", parent_code="PEMKOT-METRO"))),
    "lindung.accounts.actions.do_create_user": (_no_setup, lambda env, _: _in_transaction(
        env, _action("lindung.accounts.actions.do_create_user"), SYSTEM, username="baru.metro",
        display_name="Baru", password="kata-sandi-baru-1", role="auditor",
        organisation_code="PEMKOT-METRO")),
    "lindung.accounts.actions.do_create_admin": (_no_setup, lambda env, _: _in_transaction(
        env, _action("lindung.accounts.actions.do_create_admin"), SYSTEM,
        username="admin.lamsel", display_name="Admin", password="kata-sandi-baru-1",
        pemda_code="PEMKAB-LAMSEL", pemda_name="Pemkab Lampung Selatan", region_code="18.01")),
    "lindung.accounts.actions.do_sign_in": (_no_setup, lambda env, _: _in_transaction(
        env, _action("lindung.accounts.actions.do_sign_in"), username="admin.metro",
        password=DEMO_PASSWORD)),
    "lindung.accounts.actions.do_sign_out": (_signed_in_secret, lambda env, secret: (
        _in_transaction(env, _action("lindung.accounts.actions.do_sign_out"),
                        person(env.engine, "admin.metro"), secret))),
    "lindung.accounts.actions.do_purge_expired_sessions": (_expired_session, lambda env, _: (
        _in_transaction(env, _action("lindung.accounts.actions.do_purge_expired_sessions"),
                        actor="system:test"))),
    "lindung.accounts.actions.do_issue_token": (_no_setup, lambda env, _: _in_transaction(
        env, _action("lindung.accounts.actions.do_issue_token"),
        person(env.engine, "admin.metro"), name="Dasbor", organisation_code="PEMKOT-METRO",
        permissions=["agreements.read"])),
    "lindung.accounts.actions.do_revoke_token": (_token_id, lambda env, token_id: (
        _in_transaction(env, _action("lindung.accounts.actions.do_revoke_token"), SYSTEM,
                        token_id))),
    "lindung.accounts.actions.do_rotate_token": (_token_id, lambda env, token_id: (
        _in_transaction(env, _action("lindung.accounts.actions.do_rotate_token"), SYSTEM,
                        token_id))),
    "lindung.accounts.actions.do_deactivate_user": (_no_setup, lambda env, _: _in_transaction(
        env, _action("lindung.accounts.actions.do_deactivate_user"),
        person(env.engine, "admin.metro"), "opd.satpol")),
    "lindung.accounts.actions.do_reset_password": (_no_setup, lambda env, _: _in_transaction(
        env, _action("lindung.accounts.actions.do_reset_password"),
        person(env.engine, "admin.metro"), "opd.satpol")),
    "lindung.accounts.actions.do_choose_password": (_code_session, lambda env, secret: (
        _in_transaction(env, _action("lindung.accounts.actions.do_choose_password"),
                        secret=secret, new_password="kopi pahit pagi hari"))),
    "lindung.accounts.actions.do_change_password": (_no_setup, lambda env, _: _in_transaction(
        env, _action("lindung.accounts.actions.do_change_password"),
        person(env.engine, "opd.satpol"), current_password=DEMO_PASSWORD,
        new_password="kopi pahit pagi hari")),
    "lindung.organisations.actions.do_deactivate_organisation": (_no_setup, lambda env, _: (
        _in_transaction(env, _action(
            "lindung.organisations.actions.do_deactivate_organisation"),
            person(env.engine, "admin.metro"), "SATPOL-METRO"))),
    "lindung.registry.actions.do_add_occupation": (_no_setup, lambda env, _: _in_transaction(
        env, _action("lindung.registry.actions.do_add_occupation"),
        person(env.engine, "admin.metro"), code="penjahit", name="Penjahit", group="trade",
        default_segment="bpu")),
    "lindung.agreements.actions.do_create_agreement": (_no_setup, lambda env, _: (
        _in_transaction(env, _action("lindung.agreements.actions.do_create_agreement"),
                        person(env.engine, "admin.metro"), code="METRO-BARU",
                        region_code="18.72", segment="bpu", programs=["jkk", "jkm"],
                        funded_by="apbd", start=date(2027, 1, 1), end=date(2027, 12, 31),
                        quota=10, declared_income=1_000_000))),
    "lindung.agreements.actions.do_amend_agreement": (_no_setup, lambda env, _: (
        _in_transaction(env, _action("lindung.agreements.actions.do_amend_agreement"),
                        SYSTEM, "METRO-2026", {"quota": 3100, "phases": [_action(
                            "lindung.agreements.actions.PhaseTerms")(3, date(2026, 12, 1),
                                                                     100)]},
                        effective=date(2026, 12, 1),
                        reason="uji", members=_action(
                            "lindung.enrollment.queries.open_members")))),
    "lindung.agreements.actions.do_add_phase": (_no_setup, lambda env, _: _in_transaction(
        env, _action("lindung.agreements.actions.do_add_phase"), SYSTEM,
        "KIR-LAMTENG-APBD-2026", _action("lindung.agreements.actions.PhaseTerms")(
            1, date(2026, 1, 1), 100))),
    "lindung.agreements.actions.do_assign_payer": (_no_setup, lambda env, _: _in_transaction(
        env, _action("lindung.agreements.actions.do_assign_payer"), SYSTEM, "METRO-2026",
        payer_code="DINKES-METRO", funded_by="apbd", effective=date(2026, 12, 1),
        group_code="DINKES-METRO")),
    "lindung.enrollment.actions.do_import_roster": (_no_setup, lambda env, _: (
        _in_transaction(env, _action("lindung.enrollment.actions.do_import_roster"), SYSTEM,
                        _roster(env, [(NEW_NIK, "Warga Baru")]), "METRO-2026"))),
    "lindung.enrollment.actions.do_export_submission": (_no_setup, lambda env, _: (
        _in_transaction(env, _action("lindung.enrollment.actions.do_import_roster"), SYSTEM,
                        _roster(env, [(NEW_NIK, "Warga Baru")]), "METRO-2026"),
        _in_transaction(env, _action("lindung.enrollment.actions.do_export_submission"),
                        SYSTEM, "METRO-2026", env.tmp / "kirim.xlsx"))),
    "lindung.enrollment.actions.do_import_answer": (_answer, lambda env, path: (
        _in_transaction(env, _action("lindung.enrollment.actions.do_import_answer"), SYSTEM,
                        path, "METRO-2026"))),
    "lindung.enrollment.actions.do_end_membership": (_membership_id, lambda env, ident: (
        _in_transaction(env, _action("lindung.enrollment.actions.do_end_membership"), SYSTEM,
                        ident, reason="moved", on=date(2026, 11, 30)))),
    "lindung.enrollment.actions.do_set_member_terms": (_membership_id, lambda env, ident: (
        _in_transaction(env, _action("lindung.enrollment.actions.do_set_member_terms"),
                        SYSTEM, ident, valid_from=date(2026, 12, 1), reason="ralat",
                        declared_income=1_100_000))),
    "lindung.enrollment.actions.do_enrol_person": (_person_in, _enrol_person),
    "lindung.enrollment.actions.do_lookup_worker": (_no_setup, lambda env, _: (
        _in_transaction(env, _action("lindung.enrollment.actions.do_lookup_worker"),
                        person(env.engine, "admin.metro"), "1872011203750001"))),
    # --- members in bulk (enrollment.corrections) ---
    "lindung.enrollment.corrections.do_resubmit_members": (_rejected_ids, lambda env, ids: (
        _in_transaction(env, _action("lindung.enrollment.corrections.do_resubmit_members"),
                        SYSTEM, ids))),
    "lindung.enrollment.corrections.do_end_memberships": (_active_ids, lambda env, ids: (
        _in_transaction(env, _action("lindung.enrollment.corrections.do_end_memberships"),
                        SYSTEM, ids, reason="moved", on=date(2026, 11, 30)))),
    "lindung.enrollment.corrections.do_correct_worker": (_active_ids, lambda env, ids: (
        _in_transaction(env, _action("lindung.enrollment.corrections.do_correct_worker"),
                        SYSTEM, _worker_of(env, ids[0]), _action(
                            "lindung.enrollment.corrections.WorkerCorrection")(
                            name="Nama Koreksi")))),
    "lindung.enrollment.corrections.do_correct_occupation": (_active_ids, lambda env, ids: (
        _in_transaction(env, _action("lindung.enrollment.corrections.do_correct_occupation"),
                        SYSTEM, ids[0], "garin"))),
    "lindung.enrollment.corrections.do_export_members": (_no_setup, lambda env, _: (
        _in_transaction(env, _action("lindung.enrollment.corrections.do_export_members"),
                        SYSTEM, _action("lindung.enrollment.queries.MemberFilter")(
                            status="rejected"), env.tmp / "peserta.xlsx"))),
    "lindung.enrollment.actions.do_export_report": (_import_report, lambda env, report: (
        _in_transaction(env, _action("lindung.enrollment.actions.do_export_report"), SYSTEM,
                        report, env.tmp / "laporan.xlsx"))),
    "lindung.enrollment.actions.do_set_upload_retention": (_no_setup, lambda env, _: (
        _in_transaction(env, _action("lindung.enrollment.actions.do_set_upload_retention"),
                        person(env.engine, "admin.metro"), 14))),
    "lindung.enrollment.actions.do_purge_uploads": (_old_upload, lambda env, root: (
        _in_transaction(env, _action("lindung.enrollment.actions.do_purge_uploads"), SYSTEM,
                        root))),
    "lindung.enrollment.actions.do_delete_upload": (_old_upload, lambda env, root: (
        _in_transaction(env, _action("lindung.enrollment.actions.do_delete_upload"),
                        person(env.engine, "admin.metro"), root, "u" * 32, file_name="r.csv",
                        agreement_code="METRO-2026", reason="impor disimpan"))),
    "lindung.audit.actions.do_export_audit_log": (_no_setup, lambda env, _: _in_transaction(
        env, _action("lindung.audit.actions.do_export_audit_log"),
        person(env.engine, "auditor.metro"), _action("lindung.audit.access.AuditFilter")(),
        env.tmp / "log.xlsx", names=lambda session, actors: {})),
    "lindung.counter.actions.do_check_coverage": (_no_setup, lambda env, _: _in_transaction(
        env, _action("lindung.counter.actions.do_check_coverage"),
        person(env.engine, "loket.kir"), "1802011203850001")),
    "lindung.counter.actions.do_enrol_driver": (_no_setup, lambda env, _: _enrol(env)),
    "lindung.counter.actions.do_print_card": (_card_number, lambda env, number: (
        _in_transaction(env, _action("lindung.counter.actions.do_print_card"),
                        person(env.engine, "loket.kir"), number))),
    "lindung.counter.actions.do_print_receipt": (_receipt_number, lambda env, number: (
        _in_transaction(env, _action("lindung.counter.actions.do_print_receipt"),
                        person(env.engine, "loket.kir"), number))),
    "lindung.counter.actions.do_send_enrolment": (_receipt_number, lambda env, number: (
        _in_transaction(env, _action("lindung.counter.actions.do_send_enrolment"),
                        person(env.engine, "loket.kir"), number, _instant_branch()))),
    "lindung.enrollment.actions.do_submit_to_branch": (_no_setup, lambda env, _: (
        _in_transaction(env, _action("lindung.enrollment.actions.do_import_roster"), SYSTEM,
                        _roster(env, [(NEW_NIK, "Warga Baru")]), "METRO-2026"),
        _in_transaction(env, _action("lindung.enrollment.actions.do_submit_to_branch"),
                        SYSTEM, "METRO-2026", _instant_branch()))),
    "lindung.enrollment.actions.do_fetch_answers": (_submitted_through_api, lambda env, branch: (
        _in_transaction(env, _action("lindung.enrollment.actions.do_fetch_answers"), SYSTEM,
                        "METRO-2026", branch))),
    "lindung.counter.actions.do_verify_card": (_no_setup, lambda env, _: _in_transaction(
        env, _action("lindung.counter.actions.do_verify_card"), "x" * 24)),
}


def test_every_action_has_a_scenario() -> None:
    missing = sorted(set(discovered_actions()) - set(SCENARIOS))
    assert not missing, f"add a scenario for: {', '.join(missing)}"
    gone = sorted(set(SCENARIOS) - set(discovered_actions()))
    assert not gone, f"scenarios of actions that no longer exist: {', '.join(gone)}"


def _watch(engine: Engine) -> Watch:
    watch = Watch()

    def statement(conn: Any, cursor: Any, sql: str, *args: Any) -> None:
        watch.statement(sql)

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", lambda conn: watch.end())
    event.listen(engine, "rollback", lambda conn: watch.end())
    return watch


@pytest.fixture(scope="module")
def written_tables() -> set[str]:
    return set()


@pytest.mark.parametrize("action", sorted(SCENARIOS))
def test_an_action_that_changes_rows_writes_its_audit_event(
        action: str, demo: Engine, tmp_path: Path, written_tables: set[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    env = Env(demo, tmp_path)
    setup, call = SCENARIOS[action]
    made = setup(env)
    bulk: set[str] = set()
    real_bulk = db.bulk_insert

    def watched_bulk(session: Any, table: str, frame: Any, **kwargs: Any) -> None:
        bulk.add(table)
        real_bulk(session, table, frame, **kwargs)

    import lindung.enrollment.actions as enrollment_actions
    monkeypatch.setattr(enrollment_actions, "bulk_insert", watched_bulk)
    watch = _watch(demo)
    call(env, made)
    watch.end()
    transactions = watch.writes
    if bulk and transactions:
        transactions[-1] |= bulk
    assert transactions, f"{action} wrote nothing at all: is the scenario right?"
    for tables in transactions:
        changed = tables - AUDIT_TABLES
        assert not changed or "audit_event" in tables, (
            f"{action} changed {sorted(changed)} without an audit event in that transaction")
        written_tables.update(changed)


def test_every_table_is_written_by_an_action_or_says_why_not(written_tables: set[str]) -> None:
    if len(written_tables) < 10:
        pytest.skip("runs after the action scenarios (same module, same worker)")
    tables = set(Base.metadata.tables)
    orphans = sorted(tables - written_tables - set(NOT_WRITTEN_BY_ACTIONS))
    assert not orphans, f"no action writes {orphans}: add one, or a reason in this test"
    stale = sorted(set(NOT_WRITTEN_BY_ACTIONS) - tables)
    assert not stale, f"reasons for tables that do not exist: {stale}"
