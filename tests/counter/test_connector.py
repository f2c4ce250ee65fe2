"""The connector to a branch's partner API against the BPJS simulator running as a process of
its own: submit, the answers at once, fetching them again, and every failure a refusal in
Bahasa Indonesia that changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from lindung.counter.actions import do_send_enrolment
from lindung.db import transaction
from lindung.enrollment.actions import do_fetch_answers, do_submit_to_branch
from lindung.enrollment.connector import (
    ConnectorError,
    FileExchange,
    MemberOut,
    PartnerApi,
    connector_for,
)
from lindung.enrollment.models import Membership
from tests.simulator import TOKEN, running_simulator

from .conftest import Desk
from .test_actions import NIK, enrol

BRANCH = "BPJS-KC-LAMTENG"


@pytest.fixture(scope="module")
def simulator() -> Iterator[str]:
    with running_simulator() as url:
        yield url


def member(nik: str, reference: str = "1", born: date = date(1985, 3, 12)) -> MemberOut:
    return MemberOut(reference=reference, nik=nik, name="Sugeng Riyadi", birth_place=None,
                     birth_date=born, sex="L", address=None, village_code=None, phone=None,
                     occupation="Sopir", programs="jkk,jkm", income=1_000_000,
                     start_date=date(2026, 2, 10), end_date=date(2026, 5, 9),
                     agreement="KIR-MANDIRI-2026", funding_source="self")


def test_the_simulator_accepts_with_a_kpj_and_refuses_with_a_reason(simulator: str) -> None:
    api = PartnerApi(base_url=simulator, token=TOKEN, branch=BRANCH)
    answer = api.submit("UJI-SIMULATOR", [
        member(NIK), member("1802011203859999", "2"), member("1802011303850001", "3")])
    assert [(r[1], r[2]) for r in answer.rows] == [
        (NIK, True), ("1802011203859999", False), ("1802011303850001", False)]
    kpj = answer.rows[0][3]
    assert kpj is not None and len(kpj) == 11 and kpj.isdigit()
    assert answer.rows[1][4] == "tercatat meninggal dunia di Dukcapil"
    assert answer.rows[2][4] == "NIK tidak sesuai dengan tanggal lahir"
    again = api.submit("UJI-SIMULATOR", [member(NIK)])  # a retry: the same answer
    assert again.rows[0][3] == kpj
    fetched = api.fetch_answers("UJI-SIMULATOR")
    assert sorted(r[1] for r in fetched.rows) == sorted(
        [NIK, "1802011203859999", "1802011303850001"])


def test_a_wrong_token_and_a_closed_port_are_refusals_in_words(simulator: str) -> None:
    with pytest.raises(ConnectorError, match="token ditolak"):
        PartnerApi(base_url=simulator, token="salah", branch=BRANCH).submit("X", [member(NIK)])
    with pytest.raises(ConnectorError, match="tidak terhubung"):
        PartnerApi(base_url="http://127.0.0.1:9", token=TOKEN, branch=BRANCH,
                   timeout=2).fetch_answers("X")


def test_the_connector_is_chosen_by_settings(monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Path) -> None:
    for name in ("LINDUNG_BPJS_API_URL", "LINDUNG_BPJS_API_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    assert isinstance(connector_for(BRANCH, out=tmp_path / "x.xlsx"), FileExchange)
    monkeypatch.setenv("LINDUNG_BPJS_API_URL__BPJS_KC_LAMTENG", "http://cabang.test")
    monkeypatch.setenv("LINDUNG_BPJS_API_TOKEN__BPJS_KC_LAMTENG", "rahasia")
    own = connector_for(BRANCH)
    assert isinstance(own, PartnerApi)
    assert (own.base_url, own.token) == ("http://cabang.test", "rahasia")
    assert isinstance(connector_for("BPJS-KC-LAIN"), FileExchange)  # only that branch


def test_counter_and_exchange_through_the_simulator_process(
        desk: Desk, simulator: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINDUNG_BPJS_API_URL", simulator)
    monkeypatch.setenv("LINDUNG_BPJS_API_TOKEN", TOKEN)
    first = enrol(desk)
    with transaction(desk.engine) as s:
        receipt = do_send_enrolment(s, desk.officer, first.receipt_number)
    assert receipt.status == "active" and receipt.kpj
    # a second driver goes with the Pemda's exchange page, through the same connector
    enrol(desk, nik="1802015506900002", name="Siti Aminah", birth_date=date(1990, 6, 15),
          sex="P")
    with transaction(desk.engine) as s:
        outcome = do_submit_to_branch(s, desk.pemda_admin, "KIR-MANDIRI-2026")
    assert (outcome.kind, outcome.sent, outcome.answers.activated) == ("api", 1, 1)
    with transaction(desk.engine) as s:
        fetched = do_fetch_answers(s, desk.pemda_admin, "KIR-MANDIRI-2026")
    assert fetched.unchanged == 2 and not fetched.errors
    with transaction(desk.engine) as s:
        assert [m.status for m in s.scalars(select(Membership))] == ["active", "active"]
