"""A service counter (the KIR desk of a Dinas Perhubungan): a coverage check, the enrolment of
a driver during the visit with the payment taken at the desk and its registration receipt, the
sending of the proposal to the BPJS branch, printing the card once the branch has given a KPJ,
and the public verification of a printed card.

A counter enrolment is a proposal like a roster row (``proposed``, with its history; it goes to
the branch in the submission file or through the branch's partner API). The driver takes home a
receipt ("bukti pendaftaran") saying what was paid and that coverage starts when BPJS confirms;
the card is printed only with the KPJ BPJS assigned, never with a number of ours.

Every check of permission and scope is made here, and every call is audited with the NIK
masked. A refused call (invalid input, already covered) is audited in a transaction of its own,
because the caller's transaction is rolled back with the error. The enrolment itself goes
through enrollment's action (:func:`lindung.enrollment.actions.do_enrol_person`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lindung import clock
from lindung.agreements.models import Agreement, FundingSource
from lindung.agreements.terms import agreement_terms_on
from lindung.audit.service import record
from lindung.counter.models import CounterCard, CounterPayment
from lindung.counter.queries import (
    PENDING_STATUSES,
    TRANSPORT_GROUP,
    advance_terms,
    counter_agreement,
    counter_of,
    lock_counter,
    mask_name,
    next_receipt_sequence,
    payment_at,
    pending_on,
    receipt_number,
    transport_occupations,
)
from lindung.db import column_length, session_factory
from lindung.enrollment.actions import (
    PersonIn,
    apply_answer,
    branch_code_of,
    do_enrol_person,
    lock_agreement,
    submit_through,
)
from lindung.enrollment.connector import BranchConnector, connector_for
from lindung.enrollment.models import Membership
from lindung.enrollment.queries import covering_memberships, open_members, open_memberships_of
from lindung.errors import Conflict, InvalidInput, LindungError, NotFound
from lindung.formatting import format_date_id
from lindung.organisations.models import Organisation
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
    """The whole answer of a coverage check: nothing else about the person, known or not.
    ``pending`` (shown at the desk, not in the API): a proposal waiting for the branch."""

    covered: bool
    valid_until: date | None
    programmes: list[str]
    pending: bool = False


@dataclass(frozen=True)
class Enrolment:
    """What the counter hands over after an enrolment: the receipt's data. Not covered yet:
    ``status`` is ``proposed`` until the branch answers."""

    receipt_number: str
    status: str
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
    renewal: bool = False


@dataclass(frozen=True)
class Receipt:
    """A registration receipt ("bukti pendaftaran") and where its proposal stands."""

    receipt_number: str
    counter_name: str
    received_at: datetime
    received_by: str
    name: str
    nik_masked: str
    programmes: list[str]
    valid_from: date
    valid_until: date
    months: int
    funded_by: str
    amount: int
    status: str
    kpj: str | None
    reason: str | None
    can_send: bool = False
    """The branch answers at once (a partner API): the officer may send it now."""


@dataclass(frozen=True)
class CardStatus:
    """What the public verification page may show: the state in words (``valid``,
    ``expired``, ``unconfirmed``, ``unknown``), the holder's name masked, until when."""

    valid: bool
    valid_until: date | None
    state: str = "unknown"
    holder: str | None = None


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
    confirmed by BPJS (active, with its KPJ) that covers the day (:meth:`Membership.covered_on`);
    a proposal waiting for the branch answers not covered (``pending``: "menunggu konfirmasi
    BPJS", nothing about the record). An unknown NIK, and a 16-digit number that cannot be a
    NIK, answer not covered, exactly as a known person without cover: the answer tells nothing
    else. Only a value that is not 16 digits at all is refused (InvalidInput, NIK not
    repeated). Audited either way (a read that writes its audit event).
    """
    principal.require("coverage.check")
    value = _nik_format(session, principal, nik, "coverage.check")
    day = on or clock.today()
    found = [m for m in covering_memberships(session, value, day) if m.kpj]
    programmes = sorted({p for m in found for p in m.program_list})
    ends = [m.end_date for m in found if m.end_date is not None]
    valid_until = max(ends) if ends and len(ends) == len(found) else None
    covered = bool(found)
    pending = not covered and pending_on(session, value, day)
    record(session, actor=principal.actor, action="coverage.check", entity="worker",
           pemda_id=principal.pemda_id, detail={"nik": mask_nik(value), "on": day,
                                                "covered": covered, "pending": pending})
    return Coverage(covered, valid_until, programmes, pending)


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
    the counter is assigned to for ``funded_by`` (:func:`counter_agreement`): the membership is
    *proposed* (covered once the branch accepts it), the payment taken at the desk is recorded
    with its receipt number (:class:`CounterPayment`), and the receipt is what the driver takes
    home (:func:`do_print_receipt`); the card comes with the KPJ (:func:`do_send_enrolment`,
    :func:`do_print_card`).

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
    lock_counter(session, counter.id)
    sequence = next_receipt_sequence(session, counter.id)
    number = receipt_number(day.year, sequence)
    detail = {"start_date": start.isoformat(), "end_date": end.isoformat(), "months": months,
              "amount": amount, "counter": counter.code, "receipt": number}
    enrolled = do_enrol_person(
        session, principal, agreement, person, occupation_code=job.code, group=counter,
        declared_income=declared_income, start=start, end=end,
        reason=f"{'perpanjangan' if renewing else 'pendaftaran'} di {counter.name}, "
               f"bukti {number}", detail=detail)
    payment = CounterPayment(counter_id=counter.id, membership_id=enrolled.membership.id,
                             sequence=sequence, receipt_number=number, amount=amount,
                             months=months, start_date=start, end_date=end,
                             funding_source_code=enrolled.membership.funding_source_code,
                             received_by=principal.actor)
    session.add(payment)
    session.flush()
    record(session, actor=principal.actor, action="counter.enrol", entity="membership",
           entity_id=enrolled.membership.id, pemda_id=agreement.pemda_id,
           after={**detail, "agreement": agreement.code, "status": "proposed",
                  "nik": mask_nik(nik), "funded_by": enrolled.membership.funding_source_code,
                  "payment": payment.id, "renewal": enrolled.renewal})
    return Enrolment(receipt_number=number, status=enrolled.membership.status,
                     kpj=enrolled.membership.kpj, name=enrolled.worker.name,
                     nik_masked=mask_nik(nik), programmes=terms.program_list,
                     valid_from=start, valid_until=end, months=months,
                     funded_by=enrolled.membership.funding_source_code,
                     agreement_code=agreement.code, amount=amount, monthly=monthly,
                     renewal=enrolled.renewal)


# --- the receipt and the exchange with the branch ----------------------------------------------

def _payment(session: Session, principal: Principal,
             number: str) -> tuple[Organisation, CounterPayment, Membership, Worker]:
    principal.require("counter.enrol")
    counter = counter_of(session, principal)
    found = payment_at(session, counter.id, number)
    if found is None:
        raise NotFound(f"bukti pendaftaran {number[:20]} tidak ditemukan di loket ini")
    return (counter, *found)


def _answers_at_once(session: Session, membership: Membership,
                     connector: BranchConnector | None) -> BranchConnector | None:
    """The connector of the membership's branch if it answers at once, else None."""
    if connector is not None:
        return connector if connector.answers_at_once else None
    agreement = session.get(Agreement, membership.agreement_id)
    assert agreement is not None
    if agreement.branch_id is None:
        return None
    chosen = connector_for(branch_code_of(session, agreement))
    return chosen if chosen.answers_at_once else None


def do_print_receipt(session: Session, principal: Principal, number: str,
                     connector: BranchConnector | None = None) -> Receipt:
    """The registration receipt ("bukti pendaftaran") with this number, issued by the
    principal's own counter, and where its proposal stands (audited: it carries a name)."""
    counter, payment, membership, worker = _payment(session, principal, number)
    record(session, actor=principal.actor, action="counter.receipt_print",
           entity="counter_payment", entity_id=payment.id, pemda_id=principal.pemda_id,
           detail={"receipt": payment.receipt_number, "nik": mask_nik(worker.nik)})
    can_send = (membership.status in PENDING_STATUSES
                and _answers_at_once(session, membership, connector) is not None)
    return _receipt(counter, payment, membership, worker, can_send)


def _receipt(counter: Organisation, payment: CounterPayment, membership: Membership,
             worker: Worker, can_send: bool) -> Receipt:
    return Receipt(receipt_number=payment.receipt_number, counter_name=counter.name,
                   received_at=payment.received_at, received_by=payment.received_by,
                   name=worker.name, nik_masked=mask_nik(worker.nik),
                   programmes=membership.program_list, valid_from=payment.start_date,
                   valid_until=payment.end_date, months=payment.months,
                   funded_by=payment.funding_source_code, amount=payment.amount,
                   status=membership.status, kpj=membership.kpj,
                   reason=membership.status_reason if membership.status == "rejected" else None,
                   can_send=can_send)


def do_send_enrolment(session: Session, principal: Principal, number: str,
                      connector: BranchConnector | None = None) -> Receipt:
    """Send the proposal behind a receipt to the BPJS branch now, through the branch's partner
    API (:func:`lindung.enrollment.connector.connector_for`), and apply its answer: accepted with
    a KPJ (the card can be printed), or rejected with the branch's reason. A proposal already
    sent asks the branch for its answer. Refused (nothing changed, the refusal audited): a
    branch that exchanges files (the proposal goes in the Pemda's next submission file), a
    proposal already answered, a branch that cannot be reached (it stays proposed)."""
    try:
        counter, payment, membership, worker = _payment(session, principal, number)
        if membership.status not in PENDING_STATUSES:
            raise Conflict("pendaftaran ini sudah dijawab BPJS")
        chosen = _answers_at_once(session, membership, connector)
        if chosen is None:
            raise Conflict("kantor cabang BPJS PKS ini bertukar berkas, bukan API: pendaftaran "
                           "ikut berkas pengiriman Pemda berikutnya; kartu dicetak setelah "
                           "jawaban BPJS diunggah")
        agreement = session.get(Agreement, membership.agreement_id)
        assert agreement is not None
        before = membership.status
        if membership.status == "proposed":
            outcome = submit_through(session, principal, agreement, chosen, ids=[membership.id])
            errors = outcome.answers.errors
        else:
            fetched = chosen.fetch_answers(agreement.code)
            rows = [r for r in fetched.rows if r[1] == worker.nik]
            errors = []
            for _row, _nik, accepted, kpj, reason in rows[-1:]:
                outcome_text = apply_answer(session, principal, membership, accepted, kpj,
                                             reason)
                if outcome_text not in ("activated", "rejected", "unchanged"):
                    errors.append({"message": outcome_text})
        session.flush()
    except LindungError as exc:
        session.rollback()
        _audit_refusal(session, actor=principal.actor, action="counter.send",
                       entity="counter_payment", pemda_id=principal.pemda_id,
                       detail={"receipt": number[:20], "refused": str(exc)})
        raise
    record(session, actor=principal.actor, action="counter.send", entity="membership",
           entity_id=membership.id, pemda_id=agreement.pemda_id,
           before={"status": before},
           after={"status": membership.status, "kpj": membership.kpj,
                  "receipt": payment.receipt_number, "connector": chosen.kind,
                  "nik": mask_nik(worker.nik), "errors": len(errors)})
    return _receipt(counter, payment, membership, worker,
                    membership.status in PENDING_STATUSES)


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
    """The membership card of the payment with this receipt number, printed by the principal's
    own counter, once BPJS has confirmed the membership: numbered with its KPJ. The first print
    issues the card (its random verification code); later prints reprint it. Refused while the
    branch has not answered, or when it rejected the proposal (saying why). Audited: the card
    carries a name."""
    counter, payment, membership, worker = _payment(session, principal, number)
    if membership.status == "rejected":
        raise Conflict(f"pendaftaran ditolak BPJS: {membership.status_reason or 'tanpa alasan'}; "
                       "kartu tidak dapat dicetak")
    if membership.status != "active" or not membership.kpj:
        raise Conflict("kartu belum dapat dicetak: menunggu konfirmasi BPJS (nomor KPJ belum "
                       "ada); serahkan bukti pendaftaran kepada pengemudi")
    card = session.scalar(select(CounterCard).where(CounterCard.payment_id == payment.id,
                                                    CounterCard.number == membership.kpj)
                          .order_by(CounterCard.id.desc()).limit(1))
    if card is None:
        card = CounterCard(membership_id=membership.id, counter_id=counter.id,
                           payment_id=payment.id, number=membership.kpj,
                           verification_code=secrets.token_urlsafe(24), months=payment.months,
                           start_date=payment.start_date, end_date=payment.end_date,
                           amount=payment.amount,
                           funding_source_code=payment.funding_source_code,
                           actor=principal.actor)
        session.add(card)
        session.flush()
    record(session, actor=principal.actor, action="counter.card_print", entity="counter_card",
           pemda_id=principal.pemda_id, entity_id=card.id,
           detail={"number": card.number, "receipt": payment.receipt_number,
                   "nik": mask_nik(worker.nik)})
    return CardData(number=card.number, kpj=membership.kpj, name=worker.name,
                    nik_masked=mask_nik(worker.nik), programmes=membership.program_list,
                    valid_until=card.end_date, verification_code=card.verification_code,
                    counter_name=counter.name)


def do_verify_card(session: Session, code: str, *, client: str = "-",
                   on: date | None = None) -> CardStatus:
    """Public: is the holder of the card with this verification code covered on ``on``?
    Answers only the state in words, the holder's name masked (so that a QR code copied onto
    another card shows a name that does not match), and until when. A card without a KPJ
    confirmed by BPJS (the cards printed before BPJS answered, with lindung's own number) is
    never valid. An unknown code is simply unknown. Anyone may ask (the route limits asking per
    address); every scan is audited."""
    day = on or clock.today()
    card = (session.scalar(select(CounterCard).where(CounterCard.verification_code == code))
            if 16 <= len(code) <= 43 else None)
    found = (session.execute(select(Membership, Worker)
                             .join(Worker, Worker.id == Membership.worker_id)
                             .where(Membership.id == card.membership_id)).first()
             if card is not None else None)
    if card is None or found is None:
        state, valid, until, holder = "unknown", False, None, None
    else:
        membership, worker = found
        holder = mask_name(worker.name)
        confirmed = (card.payment_id is not None and membership.kpj is not None
                     and card.number == membership.kpj)
        if not confirmed:
            state, valid, until = "unconfirmed", False, None
        elif membership.covered_on(day) and card.start_date <= day <= card.end_date:
            state, valid, until = "valid", True, card.end_date
        else:
            state, valid, until = "expired", False, card.end_date
    record(session, actor=f"anon:{client}", action="counter.card_verify",
           pemda_id=pemda_id_of(session, card.counter_id) if card is not None else None,
           entity="counter_card", entity_id=card.id if card is not None else None,
           detail={"valid": valid, "state": state, "on": day})
    return CardStatus(valid, until, state, holder)
