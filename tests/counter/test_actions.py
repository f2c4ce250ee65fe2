"""The counter's use cases: what a coverage check may say, what an enrolment costs, that it is a
proposal with its payment and receipt, sending it to the branch, what is refused and why, the
card with the KPJ and its public check, and the audit trail of every call."""

from __future__ import annotations

import contextlib
import dataclasses
import re
import zlib
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from lindung.audit.models import AuditEvent
from lindung.counter.actions import (
    Coverage,
    Enrolment,
    Receipt,
    do_check_coverage,
    do_enrol_driver,
    do_print_card,
    do_send_enrolment,
    do_verify_card,
)
from lindung.counter.card import (
    CARD_HEIGHT_MM,
    CARD_WIDTH_MM,
    RECEIPT_HEIGHT_MM,
    RECEIPT_WIDTH_MM,
    card_pdf,
    receipt_pdf,
)
from lindung.counter.models import CounterCard, CounterPayment
from lindung.counter.queries import advance_terms, mask_name
from lindung.db import transaction
from lindung.enrollment.models import Membership, MembershipEvent
from lindung.errors import Conflict, InvalidInput, NotFound
from lindung.principal import Forbidden
from lindung.rules import load_parameters
from tests.simulator import InstantBranch

from .conftest import Desk

NIK = "1802011203850001"  # a man born 12 March 1985, Lampung Tengah
FEB = date(2026, 2, 10)


def enrol(desk: Desk, *, months: int = 3, funded_by: str = "self", today: date = FEB,
          nik: str = NIK, **changes: object) -> Enrolment:
    fields: dict[str, object] = {"name": "Sugeng Riyadi", "birth_date": date(1985, 3, 12),
                                 "sex": "L", "phone": "0812-7000-1234", "occupation": "sopir_truk",
                                 "declared_income": 1_000_000, **changes}
    with transaction(desk.engine) as s:
        return do_enrol_driver(s, desk.officer, nik=nik, months=months, funded_by=funded_by,
                            today=today, **fields)  # type: ignore[arg-type]


def send(desk: Desk, number: str, branch: InstantBranch | None = None) -> Receipt:
    """Send the enrolment behind a receipt to a branch that answers at once."""
    with transaction(desk.engine) as s:
        return do_send_enrolment(s, desk.officer, number, branch or InstantBranch())


def coverage(desk: Desk, nik: str, on: date) -> Coverage:
    with transaction(desk.engine) as s:
        return do_check_coverage(s, desk.officer, nik, on=on)


def audit(desk: Desk, action: str) -> list[AuditEvent]:
    with transaction(desk.engine) as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)
                              .order_by(AuditEvent.id)))


def test_coverage_check_answers_three_fields_and_nothing_about_unknown_people(desk: Desk) -> None:
    # ``pending`` is shown at the desk only; the API answers the first three (tests/web)
    assert [f.name for f in dataclasses.fields(Coverage)] == ["covered", "valid_until",
                                                                "programmes", "pending"]
    # unknown NIK, and a 16-digit number that cannot be a NIK: the same answer
    assert coverage(desk, NIK, FEB) == Coverage(False, None, [], False)
    assert coverage(desk, "9999999999999999", FEB) == Coverage(False, None, [], False)
    events = audit(desk, "coverage.check")
    assert [e.detail["covered"] for e in events if e.detail] == [False, False]
    assert all(NIK not in str(e.detail) for e in events)
    assert events[0].detail and events[0].detail["nik"] == "1802********0001"


def test_a_value_that_is_not_16_digits_is_refused_without_repeating_it(desk: Desk) -> None:
    with pytest.raises(InvalidInput) as refused:
        coverage(desk, "18020112038500", FEB)
    assert "18020112038500" not in str(refused.value)
    assert refused.value.field == "nik"
    [event] = audit(desk, "coverage.check")  # audited although the call was refused
    assert event.detail and event.detail["refused"] == "nik_format"


def test_self_paid_driver_three_months_in_february_2026(desk: Desk) -> None:
    done = enrol(desk)
    # PP 50/2025: self-paid transport BPU pay half of JKK+JKM (Rp16.800) = Rp8.400 a month
    assert done.amount == 3 * 8_400
    assert done.monthly == [(date(2026, 2, 1), 8_400), (date(2026, 3, 1), 8_400),
                            (date(2026, 4, 1), 8_400)]
    assert (done.valid_from, done.valid_until) == (FEB, date(2026, 5, 9))
    assert done.programmes == ["jkk", "jkm"] and done.agreement_code == "KIR-MANDIRI-2026"
    # a proposal with a receipt, not a membership with a number of ours
    assert done.receipt_number == "2026-000001" and done.status == "proposed"
    assert done.kpj is None
    assert done.nik_masked == "1802********0001"
    with transaction(desk.engine) as s:
        membership = s.scalars(select(Membership)).one()
        assert membership.status == "proposed" and not membership.covered_on(FEB)
        assert membership.end_date == date(2026, 5, 9) and membership.kpj is None
        assert membership.occupation_code == "sopir_truk"
        [event] = s.scalars(select(MembershipEvent)).all()
        assert (event.from_status, event.to_status) == (None, "proposed")
        payment = s.scalars(select(CounterPayment)).one()
        assert (payment.amount, payment.months, payment.receipt_number) == (
            25_200, 3, "2026-000001")
        assert payment.received_by == desk.officer.actor
        assert payment.membership_id == membership.id
        assert s.scalar(select(func.count()).select_from(CounterCard)) == 0
    [audited] = audit(desk, "counter.enrol")
    assert audited.after and audited.after["nik"] == "1802********0001"
    assert audited.after["status"] == "proposed" and audited.after["receipt"] == "2026-000001"
    assert audited.after["amount"] == 25_200
    assert NIK not in str(audited.after)


def test_receipt_numbers_run_per_counter(desk: Desk) -> None:
    first = enrol(desk)
    second = enrol(desk, nik="1802015506900002", name="Siti Aminah",
                   birth_date=date(1990, 6, 15), sex="P")
    elsewhere = enrol(dataclasses.replace(desk, officer=desk.other_counter),
                      nik="1802011705800007", name="Sutrisno", birth_date=date(1980, 5, 17))
    assert (first.receipt_number, second.receipt_number) == ("2026-000001", "2026-000002")
    assert elsewhere.receipt_number == "2026-000001"  # unique per counter, not across them


def test_sent_to_a_branch_that_answers_at_once_then_covered_with_the_kpj(desk: Desk) -> None:
    done = enrol(desk)
    branch = InstantBranch()
    answered = send(desk, done.receipt_number, branch)
    assert answered.status == "active" and answered.kpj and re.fullmatch(r"\d{11}", answered.kpj)
    assert coverage(desk, NIK, FEB) == Coverage(True, date(2026, 5, 9), ["jkk", "jkm"], False)
    with transaction(desk.engine) as s:
        membership = s.scalars(select(Membership)).one()
        assert membership.kpj == answered.kpj
        steps = [(e.from_status, e.to_status) for e in s.scalars(
            select(MembershipEvent).order_by(MembershipEvent.id))]
        assert steps == [(None, "proposed"), ("proposed", "submitted"),
                         ("submitted", "active")]
    [event] = audit(desk, "counter.send")
    assert event.after and event.after["status"] == "active"
    assert event.after["kpj"] == answered.kpj and NIK not in str(event.after)
    with pytest.raises(Conflict, match="sudah dijawab"):
        send(desk, done.receipt_number, branch)
    assert branch.calls == 1


def test_a_branch_refusal_is_kept_with_its_reason_and_no_card(desk: Desk) -> None:
    dead = "1802011203859999"  # the simulator's Dukcapil: recorded as deceased
    done = enrol(desk, nik=dead)
    answered = send(desk, done.receipt_number)
    assert answered.status == "rejected" and answered.kpj is None
    assert answered.reason == "tercatat meninggal dunia di Dukcapil"
    assert coverage(desk, dead, FEB) == Coverage(False, None, [], False)
    with transaction(desk.engine) as s, pytest.raises(Conflict, match="ditolak BPJS: tercatat"):
        do_print_card(s, desk.officer, done.receipt_number)


def test_an_unreachable_branch_changes_nothing(desk: Desk) -> None:
    from lindung.enrollment.connector import ConnectorError, PartnerApi

    done = enrol(desk)
    closed = PartnerApi(base_url="http://127.0.0.1:9", token="x", branch="BPJS-KC-LAMTENG",
                        timeout=2)
    with transaction(desk.engine) as s, pytest.raises(ConnectorError) as refused:
        do_send_enrolment(s, desk.officer, done.receipt_number, closed)
    assert "tidak dapat dihubungi" in str(refused.value)
    assert "tetap berstatus diusulkan" in str(refused.value)
    with transaction(desk.engine) as s:
        assert s.scalars(select(Membership)).one().status == "proposed"
        assert s.scalar(select(func.count()).select_from(MembershipEvent)) == 1
    [event] = audit(desk, "counter.send")  # the refusal is audited in its own transaction
    assert event.detail and "tidak dapat dihubungi" in event.detail["refused"]


def test_a_branch_exchanging_files_gets_the_counter_member_in_its_file(
        desk: Desk, tmp_path: Any) -> None:
    from lindung.enrollment.actions import do_export_submission, do_import_answer
    from lindung.enrollment.roster_read import read_roster

    done = enrol(desk)
    with transaction(desk.engine) as s, pytest.raises(Conflict, match="bertukar berkas"):
        do_send_enrolment(s, desk.officer, done.receipt_number)  # no partner API configured
    out = tmp_path / "kirim.xlsx"
    with transaction(desk.engine) as s:
        sent = do_export_submission(s, desk.pemda_admin, "KIR-MANDIRI-2026", out)
    assert sent.count == 1
    assert read_roster(out, required=("nik",)).frame["nik"].to_list() == [NIK]
    with transaction(desk.engine) as s, pytest.raises(Conflict, match="menunggu konfirmasi"):
        do_print_card(s, desk.officer, done.receipt_number)
    answer = tmp_path / "jawab.csv"
    answer.write_text(f"NIK,KPJ,Status,Keterangan\n{NIK},23000000042,Diterima,\n",
                      encoding="utf-8")
    with transaction(desk.engine) as s:
        assert do_import_answer(s, desk.pemda_admin, answer, "KIR-MANDIRI-2026").activated == 1
    with transaction(desk.engine) as s:
        printed = do_print_card(s, desk.officer, done.receipt_number)
    assert printed.number == printed.kpj == "23000000042"


def test_apbd_paid_driver_gets_no_discount(desk: Desk) -> None:
    done = enrol(desk, funded_by="apbd")
    assert done.amount == 3 * 16_800 and done.agreement_code == "KIR-APBD-2026"


def test_terms_come_from_the_parameter(desk: Desk) -> None:
    assert advance_terms(FEB) == sorted(
        int(v) for v in load_parameters().at("payment.bpu.advance_terms", FEB).value)
    with pytest.raises(InvalidInput, match="1, 3, 6, 12 bulan") as refused:
        enrol(desk, months=2)
    assert refused.value.field == "months"


def test_covered_driver_is_refused_saying_until_when_then_renewed_after(desk: Desk) -> None:
    first = enrol(desk)
    confirmed = send(desk, first.receipt_number)
    told = ("pengemudi ini sudah terlindungi JKK, JKM sampai 9 Mei 2026; daftar ulang setelah "
            "tanggal itu")
    with pytest.raises(Conflict) as refused:
        enrol(desk, today=date(2026, 3, 1))
    assert str(refused.value) == told  # what a coverage check says, not the agreement
    with pytest.raises(Conflict, match="sampai 9 Mei 2026"):  # paid by APBD changes nothing
        enrol(desk, today=date(2026, 3, 1), funded_by="apbd")
    refusals = [e.detail for e in audit(desk, "counter.enrol")][1:]
    assert [(d or {}).get("refused") for d in refusals] == [told] * 2
    # the administrator reads in the audit log what the officer was not told
    assert [(d or {}).get("agreement") for d in refusals] == ["KIR-MANDIRI-2026"] * 2
    again = enrol(desk, today=date(2026, 6, 1), months=1)
    assert again.renewal and again.receipt_number == "2026-000002"
    assert again.valid_until == date(2026, 6, 30) and again.status == "proposed"
    # proposed again: not covered until the branch confirms the new period
    assert coverage(desk, NIK, date(2026, 6, 1)) == Coverage(False, None, [], True)
    renewed = send(desk, again.receipt_number)
    assert renewed.kpj == confirmed.kpj  # the person keeps the KPJ
    with transaction(desk.engine) as s:
        assert s.scalar(select(func.count()).select_from(Membership)) == 1
        assert s.scalar(select(func.count()).select_from(CounterPayment)) == 2
        assert s.scalar(select(func.count()).select_from(MembershipEvent)) == 6
    # the gap between the two paid periods is not covered
    assert not coverage(desk, NIK, date(2026, 5, 20)).covered
    assert coverage(desk, NIK, date(2026, 6, 30)).covered


def test_a_proposal_is_not_covered_but_pending(desk: Desk) -> None:
    done = enrol(desk)
    assert coverage(desk, NIK, date(2026, 5, 9)) == Coverage(False, None, [], True)
    send(desk, done.receipt_number)
    assert coverage(desk, NIK, date(2026, 5, 9)) == Coverage(True, date(2026, 5, 9),
                                                             ["jkk", "jkm"], False)
    assert coverage(desk, NIK, date(2026, 5, 10)) == Coverage(False, None, [], False)


def test_apbd_period_must_end_within_the_agreement(desk: Desk) -> None:
    with pytest.raises(InvalidInput, match="berakhir 31 Desember 2026; pilih paling lama 1 bulan"):
        enrol(desk, funded_by="apbd", months=3, today=date(2026, 11, 23))
    done = enrol(desk, funded_by="self", months=3, today=date(2026, 11, 23))
    assert done.valid_until == date(2027, 2, 22)  # the driver pays: the period may run on


@pytest.mark.parametrize(("changes", "field"), [
    ({"birth_date": date(1985, 3, 13)}, "birth_date"),
    ({"sex": "P"}, "sex"),
    ({"occupation": "petani"}, "occupation"),
    ({"declared_income": 1_050_000}, "declared_income"),
    ({"phone": "12"}, "phone"),
    ({"name": " "}, "name"),
])
def test_inconsistent_input_is_refused_by_field(desk: Desk, changes: dict[str, Any],
                                                field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        enrol(desk, **changes)
    assert refused.value.field == field
    with transaction(desk.engine) as s:
        assert s.scalar(select(func.count()).select_from(Membership)) == 0


def test_only_counters_enrol(desk: Desk) -> None:
    with transaction(desk.engine) as s, pytest.raises(Forbidden):
        do_enrol_driver(s, desk.pemda_admin, nik=NIK, name="X", birth_date=date(1985, 3, 12),
                     sex="L", phone=None, occupation="sopir", declared_income=1_000_000,
                     months=3, funded_by="self", today=FEB)
    with transaction(desk.engine) as s, pytest.raises(Forbidden):
        do_check_coverage(s, desk.pemda_admin, NIK)


def _pdf_objects(pdf: bytes) -> bytes:
    """The PDF's text with its compressed streams (object streams included) inflated."""
    parts = [pdf]
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        with contextlib.suppress(zlib.error):
            parts.append(zlib.decompress(stream.group(1)))
    return b"\n".join(parts)


def _pages_mm(pdf: bytes) -> list[tuple[float, float]]:
    """Width and height in mm of every page's MediaBox."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]",
                       _pdf_objects(pdf))
    return [((float(x1) - float(x0)) * 25.4 / 72, (float(y1) - float(y0)) * 25.4 / 72)
            for x0, y0, x1, y1 in boxes]


def test_receipt_is_an_a6_pdf_for_the_counter_that_took_the_payment(desk: Desk) -> None:
    done = enrol(desk)
    with transaction(desk.engine) as s:
        pdf = receipt_pdf(s, desk.officer, done.receipt_number)
    assert pdf.startswith(b"%PDF")
    [(width, height)] = _pages_mm(pdf)
    assert width == pytest.approx(RECEIPT_WIDTH_MM, abs=0.1)
    assert height == pytest.approx(RECEIPT_HEIGHT_MM, abs=0.1)
    with transaction(desk.engine) as s, pytest.raises(NotFound):
        receipt_pdf(s, desk.other_counter, done.receipt_number)
    [event] = audit(desk, "counter.receipt_print")
    assert event.detail and event.detail["receipt"] == done.receipt_number


def test_card_only_with_the_kpj_card_sized_for_the_counter_that_printed_it(desk: Desk) -> None:
    done = enrol(desk)
    with transaction(desk.engine) as s, pytest.raises(Conflict, match="menunggu konfirmasi"):
        card_pdf(s, desk.officer, done.receipt_number, base_url="https://lindung.test")
    kpj = send(desk, done.receipt_number).kpj
    with transaction(desk.engine) as s:
        pdf = card_pdf(s, desk.officer, done.receipt_number, base_url="https://lindung.test")
    assert pdf.startswith(b"%PDF")
    [(width, height)] = _pages_mm(pdf)  # one page, the size of a CR80 card
    assert width == pytest.approx(CARD_WIDTH_MM, abs=0.1)
    assert height == pytest.approx(CARD_HEIGHT_MM, abs=0.1)
    with transaction(desk.engine) as s, pytest.raises(NotFound):
        card_pdf(s, desk.other_counter, done.receipt_number, base_url="https://lindung.test")
    with transaction(desk.engine) as s:
        again = do_print_card(s, desk.officer, done.receipt_number)  # a reprint: same card
        [card] = s.scalars(select(CounterCard)).all()
        assert card.number == kpj == again.number and card.payment_id is not None
        assert again.verification_code == card.verification_code
    events = audit(desk, "counter.card_print")
    assert [e.detail and e.detail["number"] for e in events] == [kpj, kpj]


def test_verification_shows_a_masked_name_until_the_end_then_not_valid(desk: Desk) -> None:
    done = enrol(desk)
    send(desk, done.receipt_number)
    with transaction(desk.engine) as s:
        code = do_print_card(s, desk.officer, done.receipt_number).verification_code
    assert NIK not in code and len(code) >= 32
    with transaction(desk.engine) as s:
        valid = do_verify_card(s, code, on=date(2026, 5, 9))
        assert (valid.valid, valid.state, valid.holder, valid.valid_until) == (
            True, "valid", "S***g R***i", date(2026, 5, 9))
        ended = do_verify_card(s, code, on=date(2026, 5, 10))
        assert (ended.valid, ended.state, ended.holder) == (False, "expired", "S***g R***i")
        unknown = do_verify_card(s, "x" * 32, on=FEB)
        assert (unknown.valid, unknown.state, unknown.holder) == (False, "unknown", None)
    assert len(audit(desk, "counter.card_verify")) == 3


def test_a_card_without_a_kpj_never_verifies(desk: Desk) -> None:
    """Cards printed before BPJS answered (lindung's own ``LDG-`` number) are not valid, even
    once the membership is confirmed."""
    done = enrol(desk)
    send(desk, done.receipt_number)
    with transaction(desk.engine) as s:
        membership = s.scalars(select(Membership)).one()
        s.add(CounterCard(membership_id=membership.id, counter_id=desk.officer.organisation_id,
                          number=f"LDG-{membership.id:08d}", verification_code="c" * 32,
                          months=3, start_date=FEB, end_date=date(2026, 5, 9), amount=25_200,
                          funding_source_code="self", actor="test"))
    with transaction(desk.engine) as s:
        old = do_verify_card(s, "c" * 32, on=FEB)
    assert (old.valid, old.state, old.valid_until) == (False, "unconfirmed", None)


@pytest.mark.parametrize(("name", "masked"), [
    ("Muhammad Sutrisno", "M***d S***o"), ("Sutrisno", "S***o"),
    ("Siti Al Fatimah", "S***i A* F***h"), ("I Made Oka", "I* M***e O***a"), ("Ni", "N*")])
def test_names_are_masked_per_word_with_three_stars(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def test_a_counter_under_an_opd_enrols_into_its_pemdas_agreement(desk: Desk) -> None:
    """A counter placed under Dinas Perhubungan (an OPD) belongs to the OPD's Pemda."""
    from lindung.accounts.actions import do_create_user
    from lindung.accounts.queries import user_principal
    from lindung.organisations.actions import do_create_organisation
    from tests.factories import SYSTEM

    with transaction(desk.engine) as s:
        do_create_organisation(s, SYSTEM, code="DISHUB-LAMTENG", kind="opd",
                               name="Dinas Perhubungan Lampung Tengah", region_code="18.02",
                               parent_code="PEMKAB-LAMTENG")
        do_create_organisation(s, SYSTEM, code="DISHUB-LAMTENG-UPTD", kind="counter",
                               name="Loket UPTD Pengujian Kendaraan", region_code="18.02",
                               parent_code="DISHUB-LAMTENG")
        do_create_user(s, SYSTEM, username="loket.uptd", display_name="Loket UPTD",
                       password="rahasia-loket-2026", role="counter_officer",
                       organisation_code="DISHUB-LAMTENG-UPTD")
    with transaction(desk.engine) as s:
        officer = user_principal(s, "loket.uptd")
    assert officer is not None
    done = enrol(dataclasses.replace(desk, officer=officer))
    assert done.agreement_code == "KIR-MANDIRI-2026"
