"""The counter's use cases: what a coverage check may say, what an enrolment costs and covers,
what is refused and why, the card and its public check, and the audit trail of every call."""

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
    do_check_coverage,
    do_enrol_driver,
    do_verify_card,
)
from lindung.counter.card import CARD_HEIGHT_MM, CARD_WIDTH_MM, card_pdf
from lindung.counter.models import CounterCard
from lindung.counter.queries import advance_terms
from lindung.db import transaction
from lindung.enrollment.models import Membership, MembershipEvent
from lindung.errors import Conflict, InvalidInput, NotFound
from lindung.principal import Forbidden
from lindung.rules import load_parameters

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


def coverage(desk: Desk, nik: str, on: date) -> Coverage:
    with transaction(desk.engine) as s:
        return do_check_coverage(s, desk.officer, nik, on=on)


def audit(desk: Desk, action: str) -> list[AuditEvent]:
    with transaction(desk.engine) as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)
                              .order_by(AuditEvent.id)))


def test_coverage_check_answers_three_fields_and_nothing_about_unknown_people(desk: Desk) -> None:
    assert [f.name for f in dataclasses.fields(Coverage)] == ["covered", "valid_until",
                                                                "programmes"]
    # unknown NIK, and a 16-digit number that cannot be a NIK: the same answer
    assert coverage(desk, NIK, FEB) == Coverage(False, None, [])
    assert coverage(desk, "9999999999999999", FEB) == Coverage(False, None, [])
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
    assert re.fullmatch(r"LDG-\d{8}", done.number) and done.kpj is None
    assert done.nik_masked == "1802********0001"
    with transaction(desk.engine) as s:
        membership = s.scalars(select(Membership)).one()
        assert membership.status == "active" and membership.covered_on(FEB)
        assert membership.end_date == date(2026, 5, 9)
        assert membership.occupation_code == "sopir_truk"
        [event] = s.scalars(select(MembershipEvent)).all()
        assert (event.from_status, event.to_status) == (None, "active")
        card = s.scalars(select(CounterCard)).one()
        assert card.amount == 25_200 and card.verification_code == done.verification_code
    [audited] = audit(desk, "counter.enrol")
    assert audited.after and audited.after["nik"] == "1802********0001"
    assert NIK not in str(audited.after)


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
    assert again.renewal and again.number == first.number
    assert again.valid_until == date(2026, 6, 30)
    assert again.verification_code != first.verification_code
    with transaction(desk.engine) as s:
        assert s.scalar(select(func.count()).select_from(Membership)) == 1
        assert s.scalar(select(func.count()).select_from(CounterCard)) == 2
        assert s.scalar(select(func.count()).select_from(MembershipEvent)) == 2
    # the gap between the two paid periods is not covered
    assert not coverage(desk, NIK, date(2026, 5, 20)).covered


def test_coverage_after_enrolment_and_after_the_end(desk: Desk) -> None:
    enrol(desk)
    assert coverage(desk, NIK, date(2026, 5, 9)) == Coverage(True, date(2026, 5, 9),
                                                             ["jkk", "jkm"])
    assert coverage(desk, NIK, date(2026, 5, 10)) == Coverage(False, None, [])


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


def test_card_is_a_card_sized_pdf_for_the_counter_that_printed_it(desk: Desk) -> None:
    done = enrol(desk)
    with transaction(desk.engine) as s:
        pdf = card_pdf(s, desk.officer, done.number, base_url="https://lindung.test")
    assert pdf.startswith(b"%PDF")
    [(width, height)] = _pages_mm(pdf)  # one page, the size of a CR80 card
    assert width == pytest.approx(CARD_WIDTH_MM, abs=0.1)
    assert height == pytest.approx(CARD_HEIGHT_MM, abs=0.1)
    with transaction(desk.engine) as s, pytest.raises(NotFound):
        card_pdf(s, desk.other_counter, done.number, base_url="https://lindung.test")
    [event] = audit(desk, "counter.card_print")
    assert event.detail and event.detail["number"] == done.number


def test_verification_code_is_valid_until_the_end_then_not(desk: Desk) -> None:
    done = enrol(desk)
    assert NIK not in done.verification_code and len(done.verification_code) >= 32
    with transaction(desk.engine) as s:
        assert do_verify_card(s, done.verification_code, on=date(2026, 5, 9)).valid
        assert do_verify_card(s, done.verification_code, on=date(2026, 5, 9)).valid_until == \
            date(2026, 5, 9)
        ended = do_verify_card(s, done.verification_code, on=date(2026, 5, 10))
        assert (ended.valid, ended.valid_until) == (False, None)
        assert not do_verify_card(s, "x" * 32, on=FEB).valid
    assert len(audit(desk, "counter.card_verify")) == 4


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
