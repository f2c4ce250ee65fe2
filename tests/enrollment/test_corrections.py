"""Members in bulk (issue 9, item 4), on SQLite and PostgreSQL: the scoped, filtered member
list; proposing again members BPJS rejected (a new period, decision 0012); ending several at
once; correcting a person and an occupation; the XLSX export. Every change audited before ->
after; a batch with one member that may not be changed writes nothing and says why."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from lindung.audit.models import AuditEvent
from lindung.db import transaction
from lindung.enrollment.actions import do_end_membership, do_export_submission, do_import_answer
from lindung.enrollment.corrections import (
    BatchRefused,
    WorkerCorrection,
    do_correct_occupation,
    do_correct_worker,
    do_end_memberships,
    do_export_members,
    do_resubmit_members,
)
from lindung.enrollment.models import Membership, MembershipEvent
from lindung.enrollment.queries import MemberFilter, list_members
from lindung.errors import InvalidInput, NotFound
from lindung.principal import Principal
from lindung.registry.models import Worker
from tests import factories
from tests.enrollment.test_import import nik, person, write_csv
from tests.factories import SYSTEM

TODAY = date(2026, 11, 23)
CODE = "METRO-2026"
OTHER_VILLAGE = "18.72.01.1002"


def _answer(path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["NIK", "KPJ", "Status", "Keterangan"])
        writer.writerows(rows)
    return path


def _setup(engine: Engine, tmp_path: Path, *, quota: int = 100) -> dict[int, int]:
    """Five members of Kota Metro's 2026 PKS: 1 and 2 rejected by BPJS, 3 active, 4 submitted,
    5 (living in another village) active. Returns membership id by NIK serial."""
    factories.agreement(engine, code=CODE, start=date(2026, 1, 1), end=date(2026, 12, 31),
                        quota=quota)
    rows = [person(i) for i in range(1, 5)] + [person(5, **{"Desa/Kelurahan": OTHER_VILLAGE})]
    factories.import_roster(engine, write_csv(tmp_path / "r.csv", rows), CODE, today=TODAY)
    with transaction(engine) as s:
        do_export_submission(s, SYSTEM, CODE, tmp_path / "kirim.xlsx")
    answer = _answer(tmp_path / "jawab.csv", [
        (nik(1), "", "Ditolak", "NIK tidak ditemukan di Dukcapil"),
        (nik(2), "", "Ditolak", "Nama tidak sesuai KTP"),
        (nik(3), "22000000003", "Diterima", ""),
        (nik(5), "22000000005", "Diterima", "")])
    with transaction(engine) as s:
        do_import_answer(s, SYSTEM, answer, CODE)
    with transaction(engine) as s:
        return {int(n[-4:]): m for n, m in s.execute(
            select(Worker.nik, Membership.id).join(Membership, Membership.worker_id == Worker.id))}


def _events(session: Session, action: str) -> list[AuditEvent]:
    session.expire_all()
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                .order_by(AuditEvent.id)))


def _counts(session: Session) -> tuple[int, int, int]:
    session.expire_all()
    return tuple(int(session.scalar(select(func.count()).select_from(t)) or 0)  # type: ignore[return-value]
                 for t in (Membership, MembershipEvent, AuditEvent))


def _village_operator(engine: Engine, village: str) -> Principal:
    pemda = factories.pemda(engine)
    org = factories.organisation(engine, f"KEL-{village[-4:]}", "village", f"Kel {village}",
                                 village, parent="PEMDA-1872")
    return factories.principal_at(org, "village_operator", name=f"desa.{village[-4:]}",
                                  kind="village", region=village, pemda_id=pemda)


# --- the list ------------------------------------------------------------------------------------


def test_the_list_filters_by_status_village_occupation_and_name(
        engine: Engine, tmp_path: Path) -> None:
    ids = _setup(engine, tmp_path)
    with transaction(engine) as s:
        rejected = list_members(s, SYSTEM, MemberFilter(status="rejected"))
        assert {r.membership_id for r in rejected.items} == {ids[1], ids[2]}
        assert {r.status_reason for r in rejected.items} == {
            "NIK tidak ditemukan di Dukcapil", "Nama tidak sesuai KTP"}
        assert all(r.nik_masked.count("*") == 8 for r in rejected.items)
        there = list_members(s, SYSTEM, MemberFilter(village=OTHER_VILLAGE))
        assert [r.membership_id for r in there.items] == [ids[5]]
        assert list_members(s, SYSTEM, MemberFilter(occupation="linmas")).total == 5
        assert list_members(s, SYSTEM, MemberFilter(occupation="marbot")).total == 0
        assert list_members(s, SYSTEM, MemberFilter(group="community")).total == 5
        named = list_members(s, SYSTEM, MemberFilter(name="warga metro 3"))
        assert [r.membership_id for r in named.items] == [ids[3]]
        assert list_members(s, SYSTEM, MemberFilter(reason="dukcapil")).total == 1
        assert list_members(s, SYSTEM, MemberFilter(agreement="TIDAK-ADA")).total == 0
        paged = list_members(s, SYSTEM, MemberFilter(), page=2, per_page=2)
        assert (paged.total, len(paged.items)) == (5, 2)
        with pytest.raises(InvalidInput) as refused:
            list_members(s, SYSTEM, MemberFilter(name=nik(1)))
        assert refused.value.field == "name"
        with pytest.raises(InvalidInput):
            list_members(s, SYSTEM, MemberFilter(status="aktif"))
        with pytest.raises(InvalidInput):
            list_members(s, SYSTEM, MemberFilter(), per_page=101)


def test_a_village_operator_lists_only_their_own_village(engine: Engine,
                                                        tmp_path: Path) -> None:
    ids = _setup(engine, tmp_path)
    operator = _village_operator(engine, OTHER_VILLAGE)
    with transaction(engine) as s:
        found = list_members(s, operator, MemberFilter())
        assert [r.membership_id for r in found.items] == [ids[5]]
        assert list_members(s, operator, MemberFilter(status="rejected")).total == 0


def test_an_opd_operator_lists_only_their_own_agencys_members(engine: Engine,
                                                             tmp_path: Path) -> None:
    _setup(engine, tmp_path)
    pemda = factories.pemda(engine)
    satpol = factories.organisation(engine, "SATPOL", "opd", "Satpol PP", "18.72",
                                    parent="PEMDA-1872")
    operator = factories.principal_at(satpol, "opd_operator", name="opd.satpol", kind="opd",
                                      region="18.72", pemda_id=pemda)
    factories.import_roster(engine, write_csv(tmp_path / "satpol.csv", [person(9)]), CODE,
                            principal=operator, today=TODAY)
    with transaction(engine) as s:
        mine = list_members(s, operator, MemberFilter())
        assert [r.name for r in mine.items] == ["Warga Metro 9"]
        assert list_members(s, SYSTEM, MemberFilter()).total == 6


# --- proposing again -----------------------------------------------------------------------------


def test_resubmitting_makes_a_new_proposed_period_and_audits_it(
        engine: Engine, session: Session, tmp_path: Path) -> None:
    ids = _setup(engine, tmp_path)
    with transaction(engine) as s:
        made = do_resubmit_members(s, SYSTEM, [ids[1], ids[2]], today=TODAY)
        new_ids = [m.id for m in made]
    session.expire_all()
    old = session.get(Membership, ids[1])
    assert old is not None and old.status == "rejected"
    assert old.status_reason == "NIK tidak ditemukan di Dukcapil"
    for new_id, old_id in zip(new_ids, (ids[1], ids[2]), strict=True):
        new = session.get(Membership, new_id)
        assert new is not None and new_id > old_id
        assert (new.status, new.start_date, new.end_date) == ("proposed", TODAY,
                                                                date(2026, 12, 31))
        step = session.scalars(select(MembershipEvent).where(
            MembershipEvent.membership_id == new_id)).one()
        assert (step.from_status, step.to_status) == (None, "proposed")
    events = _events(session, "membership.resubmit")
    assert [e.entity_id for e in events] == [str(i) for i in new_ids]
    assert events[0].before == {"membership": ids[1], "status": "rejected",
                                "status_reason": "NIK tidak ditemukan di Dukcapil"}
    assert events[0].after is not None and events[0].after["status"] == "proposed"
    # the list shows the newest period only
    with transaction(engine) as s:
        assert list_members(s, SYSTEM, MemberFilter(status="rejected")).total == 0
        assert list_members(s, SYSTEM, MemberFilter(status="proposed")).total == 2
    # proposing the old row again is refused: it has been
    with pytest.raises(BatchRefused) as again, transaction(engine) as s:
        do_resubmit_members(s, SYSTEM, [ids[1]], today=TODAY)
    assert again.value.refusals == [(ids[1], "sudah diusulkan ulang")]


def test_a_batch_with_one_member_not_rejected_writes_nothing_and_says_which(
        engine: Engine, session: Session, tmp_path: Path) -> None:
    ids = _setup(engine, tmp_path)
    before = _counts(session)
    with pytest.raises(BatchRefused) as refused, transaction(engine) as s:
        do_resubmit_members(s, SYSTEM, [ids[1], ids[3], 999_999], today=TODAY)
    reasons = dict(refused.value.refusals)
    assert set(reasons) == {ids[3], 999_999}
    assert "status: aktif" in reasons[ids[3]] and "tidak ditemukan" in reasons[999_999]
    assert "tidak ada yang diusulkan ulang" in str(refused.value)
    assert _counts(session) == before


def test_resubmitting_beyond_the_quota_is_refused_whole(engine: Engine, session: Session,
                                                        tmp_path: Path) -> None:
    ids = _setup(engine, tmp_path, quota=5)  # 3 open
    factories.import_roster(engine, write_csv(tmp_path / "6.csv", [person(6)]), CODE,
                            today=TODAY)  # 4 open: room for 1
    before = _counts(session)
    with pytest.raises(BatchRefused) as refused, transaction(engine) as s:
        do_resubmit_members(s, SYSTEM, [ids[1], ids[2]], today=TODAY)
    assert [i for i, _ in refused.value.refusals] == [ids[2]]
    assert "kuota PKS METRO-2026 penuh" in refused.value.refusals[0][1]
    assert _counts(session) == before
    with transaction(engine) as s:
        assert len(do_resubmit_members(s, SYSTEM, [ids[1]], today=TODAY)) == 1


def test_resubmitting_outside_scope_is_not_found(engine: Engine, tmp_path: Path) -> None:
    ids = _setup(engine, tmp_path)
    operator = _village_operator(engine, OTHER_VILLAGE)
    with pytest.raises(BatchRefused) as refused, transaction(engine) as s:
        do_resubmit_members(s, operator, [ids[1]], today=TODAY)
    assert "tidak ditemukan" in refused.value.refusals[0][1]


# --- ending --------------------------------------------------------------------------------------


def test_ending_several_audits_each_and_refuses_a_rejected_one(
        engine: Engine, session: Session, tmp_path: Path) -> None:
    ids = _setup(engine, tmp_path)
    before = _counts(session)
    with pytest.raises(BatchRefused) as refused, transaction(engine) as s:
        do_end_memberships(s, SYSTEM, [ids[3], ids[1]], reason="moved", on=TODAY)
    assert refused.value.refusals == [(ids[1], "kepesertaan sudah ditolak BPJS")]
    assert _counts(session) == before
    with pytest.raises(InvalidInput, match="sesudah akhir kepesertaan 31 Desember 2026"), \
            transaction(engine) as s:
        do_end_membership(s, SYSTEM, ids[3], reason="moved", on=date(9999, 12, 31))
    assert _counts(session) == before
    with transaction(engine) as s:
        do_end_memberships(s, SYSTEM, [ids[3], ids[4]], reason="moved", on=TODAY)
    session.expire_all()
    ended = [session.get(Membership, ids[n]) for n in (3, 4)]
    assert all(m is not None and (m.status, m.end_reason, m.end_date) == ("ended", "moved",
                                                                          TODAY) for m in ended)
    events = _events(session, "membership.end")
    assert [e.entity_id for e in events] == [str(ids[3]), str(ids[4])]
    assert events[0].before == {"status": "active", "end_date": "2026-12-31"}
    with pytest.raises(InvalidInput), transaction(engine) as s:
        do_end_memberships(s, SYSTEM, [ids[5]], reason="bosan", on=TODAY)
    with pytest.raises(InvalidInput), transaction(engine) as s:
        do_end_memberships(s, SYSTEM, list(range(1, 600)), reason="moved", on=TODAY)


# --- corrections ---------------------------------------------------------------------------------


def test_correcting_a_worker_audits_before_and_after(engine: Engine, session: Session,
                                                     tmp_path: Path) -> None:
    _setup(engine, tmp_path)
    worker = session.scalars(select(Worker).where(Worker.nik == nik(1))).one()
    with transaction(engine) as s:
        do_correct_worker(s, SYSTEM, worker.id, WorkerCorrection(
            name="  Hj. Siti   Aminah ", address="Jl. Mawar 3", phone="0812 1111 2222"),
            reason="sesuai KTP")
    session.expire_all()
    fixed = session.get(Worker, worker.id)
    assert fixed is not None
    assert (fixed.name, fixed.address, fixed.phone) == ("Hj. Siti Aminah", "Jl. Mawar 3",
                                                        "+6281211112222")
    assert fixed.name_key == "SITI AMINAH"  # titles dropped: found by "siti"
    (event,) = _events(session, "worker.correct")
    assert event.before == {"name": "Warga Metro 1", "address": "Jl. Jenderal Sudirman",
                            "phone": "+6281234567890"}
    assert event.after == {"name": "Hj. Siti Aminah", "address": "Jl. Mawar 3",
                           "phone": "+6281211112222"}
    assert event.detail == {"reason": "sesuai KTP"}
    assert event.pemda_id == factories.pemda(engine)  # the Pemda whose member was corrected
    # only what changed is recorded; nothing changed is refused
    with transaction(engine) as s:
        do_correct_worker(s, SYSTEM, worker.id, WorkerCorrection(name="Hj. Siti Aminah",
                                                                  phone=""))
    assert _events(session, "worker.correct")[-1].before == {"phone": "+6281211112222"}
    for bad, field in ((WorkerCorrection(name="Hj. Siti Aminah"), "name"),
                       (WorkerCorrection(phone="12ab"), "phone"),
                       (WorkerCorrection(name="1"), "name"),
                       (WorkerCorrection(name="Siti\u202eAminah"), "name"),
                       (WorkerCorrection(address="x" * 300), "address")):
        with pytest.raises(InvalidInput) as refused, transaction(engine) as s:
            do_correct_worker(s, SYSTEM, worker.id, bad)
        assert refused.value.field == field


def test_a_village_operator_cannot_correct_someone_of_another_village(
        engine: Engine, tmp_path: Path) -> None:
    _setup(engine, tmp_path)
    operator = _village_operator(engine, OTHER_VILLAGE)
    with transaction(engine) as s:
        elsewhere = s.scalar(select(Worker.id).where(Worker.nik == nik(1)))
        mine = s.scalar(select(Worker.id).where(Worker.nik == nik(5)))
    assert elsewhere is not None and mine is not None
    with pytest.raises(NotFound), transaction(engine) as s:
        do_correct_worker(s, operator, elsewhere, WorkerCorrection(name="Orang Lain"))
    with transaction(engine) as s:
        assert do_correct_worker(s, operator, mine, WorkerCorrection(
            name="Warga Lima")).name == "Warga Lima"


def test_correcting_an_occupation_checks_the_taxonomy_and_audits(
        engine: Engine, session: Session, tmp_path: Path) -> None:
    ids = _setup(engine, tmp_path)
    with transaction(engine) as s:
        do_correct_occupation(s, SYSTEM, ids[3], "marbot", reason="salah ketik")
    session.expire_all()
    fixed = session.get(Membership, ids[3])
    assert fixed is not None and fixed.occupation_code == "marbot"
    (event,) = _events(session, "membership.correct_occupation")
    assert (event.before, event.after) == ({"occupation": "linmas"}, {"occupation": "marbot"})
    for bad in ("penjahit_tak_ada", "marbot"):
        with pytest.raises(InvalidInput), transaction(engine) as s:
            do_correct_occupation(s, SYSTEM, ids[3], bad)


# --- the export ----------------------------------------------------------------------------------


def test_the_export_keeps_text_as_text_masks_nik_and_is_audited(
        engine: Engine, session: Session, tmp_path: Path) -> None:
    ids = _setup(engine, tmp_path)
    worker = session.scalars(select(Worker).where(Worker.nik == nik(2))).one()
    with transaction(engine) as s:
        do_correct_worker(s, SYSTEM, worker.id, WorkerCorrection(name='=HYPERLINK("x","y")'))
    out = tmp_path / "peserta.xlsx"
    with transaction(engine) as s:
        assert do_export_members(s, SYSTEM, MemberFilter(status="rejected"), out) == 2
    sheet = openpyxl.load_workbook(out)["Peserta"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("Nama", "NIK (tersamar)", "Desa/Kelurahan", "Kode wilayah", "PKS",
                           "Status")
    by_name = {r[0]: r for r in rows[1:]}
    assert set(by_name) == {'=HYPERLINK("x","y")', "Warga Metro 1"}
    for cell in next(sheet.iter_rows(min_row=2, max_row=3)):
        assert cell.data_type in ("s", "n", "d"), cell.coordinate  # never "f" (formula)
    formula = [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formula == []
    first = by_name["Warga Metro 1"]
    assert first[1] == nik(1)[:4] + "********" + nik(1)[-4:]
    assert nik(1) not in {str(v) for r in rows for v in r}
    assert first[5] == "ditolak BPJS" and first[6] == "NIK tidak ditemukan di Dukcapil"
    assert first[11] == "Anggota Perlindungan Masyarakat (LINMAS)"
    assert first[12] == "kemasyarakatan"
    (event,) = _events(session, "workers.export")
    assert event.detail == {"file": "peserta.xlsx", "rows": 2,
                            "filters": {"status": "rejected"}}
    assert ids  # the setup made the members the export shows


# --- the command line ------------------------------------------------------------------------


def test_the_command_line_exports_and_proposes_again(engine: Engine, session: Session,
                                                    tmp_path: Path) -> None:
    import os

    from tests.cli import run_cli

    ids = _setup(engine, tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "LINDUNG_USER"}
    env["LINDUNG_DATABASE_URL"] = engine.url.render_as_string(hide_password=False)
    out = tmp_path / "ditolak.xlsx"
    done = run_cli("workers", "export", str(out), "--status", "rejected", env=env)
    assert done.returncode == 0, done.stderr
    assert "2 peserta" in done.stdout
    assert len(list(openpyxl.load_workbook(out)["Peserta"].iter_rows())) == 3
    refused = run_cli("workers", "resubmit", str(ids[1]), str(ids[3]), env=env)
    assert refused.returncode == 2 and "status: aktif" in refused.stderr
    done = run_cli("workers", "resubmit", str(ids[1]), env=env)
    assert done.returncode == 0, done.stderr
    assert "1 peserta diusulkan ulang" in done.stdout
    (event,) = _events(session, "membership.resubmit")
    assert event.actor.startswith("system:cli:")
