"""A service counter (the KIR desk of a Dinas Perhubungan): a coverage check, the enrolment of
a driver during the visit, printing the card, and the public verification of a printed card.

Every check of permission and scope is made here, and every call is audited with the NIK
masked. A refused call (invalid input, already covered) is audited in a transaction of its own,
because the caller's transaction is rolled back with the error. The enrolment itself goes
through enrollment's action (:func:`lindung.enrollment.actions.do_enrol_person`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lindung import clock
from lindung.agreements.models import Agreement, FundingSource
from lindung.agreements.terms import agreement_terms_on
from lindung.audit.service import record
from lindung.counter.models import CounterCard
from lindung.counter.queries import (
    TRANSPORT_GROUP,
    advance_terms,
    counter_agreement,
    counter_of,
    membership_number,
    transport_occupations,
)
from lindung.db import column_length, session_factory
from lindung.enrollment.actions import PersonIn, do_enrol_person, lock_agreement
from lindung.enrollment.models import Membership
from lindung.enrollment.queries import covering_memberships, open_members, open_memberships_of
from lindung.errors import Conflict, InvalidInput, LindungError, NotFound
from lindung.formatting import format_date_id
from lindung.organisations.queries import pemda_id_of
from lindung.principal import Principal
from lindung.registry.models import Worker
from lindung.registry.nik import check_nik, is_nik_text, mask_nik
from lindung.registry.normalize import NormalizeError, to_phone
from lindung.rules import InvalidContribution, contribution
from lindung.rules.dates import add_months
from lindung.text import required_text

FUNDED_BY = ("self", "apbd")
"""Who pays at the counter: the driver himself, or the Pemda's APBD."""
NIK_FORMAT_MESSAGE = ("NIK harus 16 angka 0-9 tanpa spasi atau tanda baca; periksa KTP/KK lalu "
                      "ketik ulang")


class CounterRefusal(Conflict):
    """A refusal at the desk whose reason (and the agreement behind it) goes to the audit log
    only; the officer's message says no more than a coverage check."""

    def __init__(self, message: str, **detail: str) -> None:
        super().__init__(message)
        self.detail = detail


@dataclass(frozen=True)
class Coverage:
    """The whole answer of a coverage check: nothing else about the person, known or not."""

    covered: bool
    valid_until: date | None
    programmes: list[str]


@dataclass(frozen=True)
class Enrolment:
    """What the counter needs to hand over: the card's data and the amount to collect."""

    number: str
    kpj: str | None
    name: str
    nik_masked: str
    programmes: list[str]
    valid_from: date
    valid_until: date
    months: int
    funded_by: str
    agreement_code: str
    amount: int
    monthly: list[tuple[date, int]] = field(default_factory=list)
    verification_code: str = ""
    renewal: bool = False


@dataclass(frozen=True)
class CardStatus:
    """What the public verification page may show: valid or not, and until when."""

    valid: bool
    valid_until: date | None


def _audit_refusal(session: Session, **event: Any) -> None:
    """Audit a refused call in its own transaction: the caller's is rolled back with the error."""
    with session_factory(session.get_bind())() as own, own.begin():  # type: ignore[arg-type]
        record(own, **event)


def _nik_format(session: Session, principal: Principal, nik: str, action: str) -> str:
    value = nik.strip()
    if not is_nik_text(value):
        _audit_refusal(session, actor=principal.actor, action=action, entity="worker",
                       pemda_id=principal.pemda_id,
                       detail={"nik": mask_nik(value), "refused": "nik_format"})
        raise InvalidInput(NIK_FORMAT_MESSAGE, "nik")
    return value


# --- coverage check ----------------------------------------------------------------------------

def do_check_coverage(session: Session, principal: Principal, nik: str,
                      on: date | None = None) -> Coverage:
    """Is the person with this NIK covered on ``on`` (default today)? Covered means a membership
    that covers the day (:meth:`Membership.covered_on`). An unknown NIK, and a 16-digit number
    that cannot be a NIK, answer not covered, exactly as a known person without cover: the
    answer tells nothing else. Only a value that is not 16 digits at all is refused
    (InvalidInput, NIK not repeated). Audited either way (a read that writes its audit event).
    """
    principal.require("coverage.check")
    value = _nik_format(session, principal, nik, "coverage.check")
    day = on or clock.today()
    found = covering_memberships(session, value, day)
    programmes = sorted({p for m in found for p in m.program_list})
    ends = [m.end_date for m in found if m.end_date is not None]
    valid_until = max(ends) if ends and len(ends) == len(found) else None
    covered = bool(found)
    record(session, actor=principal.actor, action="coverage.check", entity="worker",
           pemda_id=principal.pemda_id, detail={"nik": mask_nik(value), "on": day,
                                                "covered": covered})
    return Coverage(covered, valid_until, programmes)


# --- enrolment ---------------------------------------------------------------------------------

def _price(months: list[date], declared_income: int, funded_by: str,
           programs: str) -> list[tuple[date, int]]:
    """The contribution of each paid month (a discount may end inside the period)."""
    try:
        return [(month, contribution("bpu", month, declared_income=declared_income,
                                     occupation=TRANSPORT_GROUP, funded_by=funded_by,
                                     programs=programs).total) for month in months]
    except InvalidContribution as exc:
        raise InvalidInput("; ".join(e.message_id for e in exc.errors),
                           "declared_income") from exc


def _person(nik: str, name: str, birth_date: date, sex: str, phone: str | None,
            day: date) -> PersonIn:
    clean = required_text(name, label="nama (sesuai KTP)", field="name",
                          max_length=column_length(Worker, "name"))
    if sex not in ("L", "P"):
        raise InvalidInput("jenis kelamin harus L (laki-laki) atau P (perempuan)", "sex")
    checked = check_nik(nik, birth_date=birth_date, sex=sex, today=day)
    if checked.error:
        field_name = {"birth_date_mismatch": "birth_date", "sex_mismatch": "sex"}.get(
            checked.error, "nik")
        raise InvalidInput(checked.message or "NIK tidak valid", field_name)
    clean_phone = None
    if phone and phone.strip():
        try:
            clean_phone = to_phone(phone)
        except NormalizeError as exc:
            raise InvalidInput(f"{exc.issue.message}; {exc.issue.what_to_do}", "phone") from exc
    return PersonIn(nik=nik, name=clean, birth_date=birth_date, sex=sex, phone=clean_phone)


def do_enrol_driver(session: Session, principal: Principal, *, nik: str, name: str,
                    birth_date: date, sex: str, phone: str | None, occupation: str,
                    declared_income: int, months: int, funded_by: str,
                    today: date | None = None) -> Enrolment:
    """Enrol a driver at the counter for ``months`` paid months from today, under the agreement
    the counter is assigned to for ``funded_by`` (:func:`counter_agreement`), with a card to
    print.

    Refused (nothing written, the refusal audited): a driver covered today (or already proposed
    to BPJS) for one of the same programmes, saying until when; a term not in
    ``payment.bpu.advance_terms``; a non-transport occupation; an APBD-paid period that runs
    past the end of the APBD agreement (the budget year); a full quota. The amount is the sum
    of each month's contribution by the rules engine (PP 50/2025 discount for self-paid
    transport drivers, none for APBD-paid ones).
    """
    principal.require("counter.enrol")
    counter = counter_of(session, principal)
    day = today or clock.today()
    value = _nik_format(session, principal, nik, "counter.enrol")
    try:
        return _enrol(session, principal, counter.id, value, name=name, birth_date=birth_date,
                      sex=sex, phone=phone, occupation=occupation,
                      declared_income=declared_income, months=months, funded_by=funded_by,
                      day=day)
    except LindungError as exc:
        # Nothing of the refused enrolment stays (and on SQLite its lock on the agreement must
        # go before the refusal can be written). The audit keeps what the officer is not
        # told: why, and under which agreement.
        session.rollback()
        _audit_refusal(session, actor=principal.actor, action="counter.enrol", entity="worker",
                       pemda_id=principal.pemda_id,
                       detail={"nik": mask_nik(value), "refused": str(exc),
                               "field": getattr(exc, "field", None),
                               **(exc.detail if isinstance(exc, CounterRefusal) else {})})
        raise


def _refuse_if_covered(session: Session, worker: Worker | None, agreement: Agreement,
                       programmes: set[str], day: date) -> None:
    """A refusal that says no more than a coverage check would: covered, until when and for
    which programmes; never under which agreement (docs/decisions/0009)."""
    if worker is None:
        return
    enrolled = open_memberships_of(session, [worker.id])
    for _worker, _id, _agreement, code, _fs, programs, status, end in enrolled.iter_rows():
        overlap = programmes & set(programs.split(","))
        if not overlap:
            continue
        names = ", ".join(sorted(p.upper() for p in overlap))
        if status != "active":
            raise CounterRefusal(
                "NIK ini belum dapat didaftarkan di loket; minta admin Pemda memeriksa "
                "kepesertaannya", reason="pending_elsewhere", agreement=code)
        if end is None or end >= day:
            until = "tanpa batas akhir" if end is None else f"sampai {format_date_id(end)}"
            raise CounterRefusal(f"pengemudi ini sudah terlindungi {names} {until}; daftar "
                                 "ulang setelah tanggal itu", reason="already_covered",
                                 agreement=code)


def _enrol(session: Session, principal: Principal, counter_id: int, nik: str, *,
           name: str, birth_date: date, sex: str, phone: str | None, occupation: str,
           declared_income: int, months: int, funded_by: str, day: date) -> Enrolment:
    # --- checks: nothing is written before all of them pass -----------------------------------
    terms_allowed = advance_terms(day)
    if months not in terms_allowed:
        raise InvalidInput(f"lama pembayaran harus {', '.join(map(str, terms_allowed))} bulan",
                           "months")
    if funded_by not in FUNDED_BY:
        raise InvalidInput("pembayar harus 'self' (sopir sendiri) atau 'apbd'", "funded_by")
    offered = transport_occupations(session, principal.pemda_id)
    job = next((o for o in offered if o.code == occupation), None)
    if job is None:
        codes = ", ".join(o.code for o in offered)
        raise InvalidInput(f"pekerjaan harus salah satu pekerjaan transportasi: {codes}",
                           "occupation")
    person = _person(nik, name, birth_date, sex, phone, day)
    counter, agreement = counter_agreement(session, counter_id, funded_by, day)
    lock_agreement(session, agreement)
    terms = agreement_terms_on(agreement, day)
    funding = session.get(FundingSource, terms.funding_source_code)
    if funding is not None and funding.occupation_groups is not None \
            and TRANSPORT_GROUP not in funding.occupation_groups:
        raise Conflict(f"sumber dana {funding.name} tidak untuk pekerja transportasi")
    start = day
    end = add_months(start, months) - timedelta(days=1)
    if funded_by == "apbd" and end > terms.end_date:
        room = [t for t in terms_allowed if add_months(start, t) - timedelta(days=1)
                <= terms.end_date]
        hint = (f"pilih paling lama {room[-1]} bulan" if room
                else "daftarkan sebagai peserta mandiri")
        raise InvalidInput(f"PKS {agreement.code} (APBD) berakhir "
                           f"{format_date_id(terms.end_date)}; {hint}", "months")
    monthly = _price([add_months(start.replace(day=1), i) for i in range(months)],
                     declared_income, funded_by, terms.programs)
    worker = session.scalar(select(Worker).where(Worker.nik == nik))
    _refuse_if_covered(session, worker, agreement, set(terms.program_list), day)
    renewing = worker is not None and session.scalar(
        select(Membership.id).where(Membership.worker_id == worker.id,
                                    Membership.agreement_id == agreement.id).limit(1)) is not None
    if not renewing and open_members(session, agreement) >= terms.quota:
        raise Conflict(f"kuota PKS {agreement.code} penuh ({terms.quota} peserta); "
                       "hubungi admin Pemda")

    # --- writes --------------------------------------------------------------------------------
    amount = sum(a for _m, a in monthly)
    detail = {"start_date": start.isoformat(), "end_date": end.isoformat(), "months": months,
              "amount": amount, "counter": counter.code}
    enrolled = do_enrol_person(
        session, principal, agreement, person, occupation_code=job.code, group=counter,
        declared_income=declared_income, start=start, end=end,
        reason=f"{'perpanjangan' if renewing else 'pendaftaran'} di {counter.name}",
        detail=detail)
    number = membership_number(enrolled.membership.id)
    card = CounterCard(membership_id=enrolled.membership.id, counter_id=counter.id,
                       number=number, verification_code=secrets.token_urlsafe(24),
                       months=months, start_date=start, end_date=end, amount=amount,
                       funding_source_code=enrolled.membership.funding_source_code,
                       actor=principal.actor)
    session.add(card)
    session.flush()
    record(session, actor=principal.actor, action="counter.enrol", entity="membership",
           entity_id=enrolled.membership.id, pemda_id=agreement.pemda_id,
           after={**detail, "number": number, "agreement": agreement.code,
                  "nik": mask_nik(nik), "funded_by": enrolled.membership.funding_source_code,
                  "card": card.id, "renewal": enrolled.renewal})
    return Enrolment(number=number, kpj=enrolled.membership.kpj, name=enrolled.worker.name,
                     nik_masked=mask_nik(nik), programmes=terms.program_list,
                     valid_from=start, valid_until=end, months=months,
                     funded_by=enrolled.membership.funding_source_code,
                     agreement_code=agreement.code, amount=amount, monthly=monthly,
                     verification_code=card.verification_code, renewal=enrolled.renewal)


# --- cards -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CardData:
    """What a printed card shows."""

    number: str
    kpj: str | None
    name: str
    nik_masked: str
    programmes: list[str]
    valid_until: date
    verification_code: str
    counter_name: str


def do_print_card(session: Session, principal: Principal, number: str) -> CardData:
    """The newest card with this number, printed by the principal's own counter only (the
    printing is audited: the card carries a name)."""
    principal.require("counter.enrol")
    counter = counter_of(session, principal)
    found = session.execute(
        select(CounterCard, Membership, Worker)
        .join(Membership, Membership.id == CounterCard.membership_id)
        .join(Worker, Worker.id == Membership.worker_id)
        .where(CounterCard.number == number[:20], CounterCard.counter_id == counter.id)
        .order_by(CounterCard.id.desc()).limit(1)).first()
    if found is None:
        raise NotFound(f"kartu {number[:20]} tidak ditemukan di loket ini")
    card, membership, worker = found
    record(session, actor=principal.actor, action="counter.card_print", entity="counter_card",
           pemda_id=principal.pemda_id, entity_id=card.id,
           detail={"number": card.number, "nik": mask_nik(worker.nik)})
    return CardData(number=card.number, kpj=membership.kpj, name=worker.name,
                    nik_masked=mask_nik(worker.nik), programmes=membership.program_list,
                    valid_until=card.end_date, verification_code=card.verification_code,
                    counter_name=counter.name)


def do_verify_card(session: Session, code: str, *, client: str = "-",
                   on: date | None = None) -> CardStatus:
    """Public: is the holder of the card with this verification code covered on ``on``?
    Answers only valid or not and until when; an unknown code is simply not valid. Anyone may
    ask (the route limits asking per address); every scan is audited."""
    day = on or clock.today()
    card = (session.scalar(select(CounterCard).where(CounterCard.verification_code == code))
            if 16 <= len(code) <= 43 else None)
    membership = session.get(Membership, card.membership_id) if card is not None else None
    valid = membership is not None and membership.covered_on(day)
    until = membership.end_date if valid and membership is not None else None
    record(session, actor=f"anon:{client}", action="counter.card_verify",
           pemda_id=pemda_id_of(session, card.counter_id) if card is not None else None,
           entity="counter_card", entity_id=card.id if card is not None else None,
           detail={"valid": valid, "on": day})
    return CardStatus(valid, until)
