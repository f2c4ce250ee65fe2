"""Use cases of a service counter (the KIR desk of a Dinas Perhubungan): a coverage check, the
enrolment of a driver during the visit, and the public verification of a printed card.

Every check of permission and scope is made here, and every call is audited with the NIK masked.
A refused call (invalid input, already covered) is audited in a transaction of its own, because
the caller's transaction is rolled back with the error.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from lindung import clock
from lindung.accounts.permissions import Forbidden, Principal
from lindung.agreements.models import Agreement, FundingSource, Organisation, pemda_id_of
from lindung.agreements.service import count_open_memberships
from lindung.audit.service import record
from lindung.counter.models import CounterCard
from lindung.db import column_length, session_factory
from lindung.enrollment.models import OPEN_STATUSES, Membership, MembershipEvent
from lindung.errors import Conflict, InvalidInput, LindungError, NotFound
from lindung.formatting import format_date_id
from lindung.registry.models import Occupation, Worker, occupation_in_reach
from lindung.registry.nik import check_nik, mask_nik
from lindung.registry.normalize import NormalizeError, to_name_key, to_phone
from lindung.rules import InvalidContribution, contribution, load_parameters
from lindung.rules.dates import add_months
from lindung.text import required_text

FUNDED_BY = ("self", "apbd")
"""Who pays at the counter: the driver himself, or the Pemda's APBD."""
TRANSPORT_GROUP = "transport"
NUMBER_PREFIX = "LDG-"
_NIK_FORMAT = re.compile(r"^[0-9]{16}$")
NIK_FORMAT_MESSAGE = ("NIK harus 16 angka 0-9 tanpa spasi atau tanda baca; periksa KTP/KK lalu "
                      "ketik ulang")


class CounterRefusal(Conflict):
    """A refusal at the desk whose reason (and the agreement behind it) goes to the audit log
    only; the officer's message says no more than a coverage check."""

    def __init__(self, message: str, **detail: str) -> None:
        super().__init__(message)
        self.detail = detail


def current_day() -> date:
    """The counter's day (:func:`lindung.clock.today`); tests replace this function to move the
    counter's clock alone."""
    return clock.today()


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


def membership_number(membership_id: int) -> str:
    """The number printed on the card until BPJS assigns a KPJ: ``LDG-00000042``."""
    return f"{NUMBER_PREFIX}{membership_id:08d}"


def _audit_refusal(session: Session, **event: Any) -> None:
    """Audit a refused call in its own transaction: the caller's is rolled back with the error."""
    with session_factory(session.get_bind())() as own, own.begin():  # type: ignore[arg-type]
        record(own, **event)


def _nik_format(session: Session, principal: Principal, nik: str, action: str) -> str:
    value = nik.strip()
    if not _NIK_FORMAT.match(value):
        _audit_refusal(session, actor=principal.actor, action=action, entity="worker",
                       pemda_id=principal.pemda_id,
                       detail={"nik": mask_nik(value), "refused": "nik_format"})
        raise InvalidInput(NIK_FORMAT_MESSAGE, "nik")
    return value


def counter_of(session: Session, principal: Principal) -> Organisation:
    """The counter the principal works at; only counters enrol at a desk."""
    if principal.organisation_kind != "counter":
        raise Forbidden("pendaftaran di loket hanya untuk petugas atau sistem loket")
    org = session.get(Organisation, principal.organisation_id)
    assert org is not None
    return org


# --- coverage check ----------------------------------------------------------------------------

def check_coverage(session: Session, principal: Principal, nik: str,
                   on: date | None = None) -> Coverage:
    """Is the person with this NIK covered on ``on`` (default today)? Covered means an active
    membership whose dates include the day. An unknown NIK, and a 16-digit number that cannot be
    a NIK, answer not covered, exactly as a known person without cover: the answer tells nothing
    else. Only a value that is not 16 digits at all is refused (InvalidInput, NIK not repeated).
    """
    principal.require("coverage.check")
    value = _nik_format(session, principal, nik, "coverage.check")
    day = on or current_day()
    rows = session.execute(
        select(Membership.programs, Membership.end_date)
        .join(Worker, Worker.id == Membership.worker_id)
        .where(Worker.nik == value, Membership.status == "active",
               Membership.start_date <= day,
               or_(Membership.end_date.is_(None), Membership.end_date >= day))).all()
    programmes = sorted({p for programs, _end in rows for p in programs.split(",") if p})
    ends = [end for _programs, end in rows if end is not None]
    valid_until = max(ends) if ends and len(ends) == len(rows) else None
    covered = bool(rows)
    record(session, actor=principal.actor, action="coverage.check", entity="worker",
           pemda_id=principal.pemda_id,
           detail={"nik": mask_nik(value), "on": day, "covered": covered})
    return Coverage(covered, valid_until, programmes)


# --- enrolment ---------------------------------------------------------------------------------

def advance_terms(on: date) -> list[int]:
    """The numbers of months a BPU member may pay at once (``payment.bpu.advance_terms``)."""
    return sorted(int(v) for v in load_parameters().at("payment.bpu.advance_terms", on).value)


def transport_occupations(session: Session, pemda_id: int | None) -> list[Occupation]:
    """Transport occupations a counter of ``pemda_id`` offers: central and its Pemda's own."""
    return list(session.scalars(select(Occupation).where(Occupation.group == TRANSPORT_GROUP,
                                                         occupation_in_reach(pemda_id))
                                .order_by(Occupation.name)))


def agreement_for(session: Session, counter: Organisation, funded_by: str,
                  on: date) -> Agreement:
    """The agreement a counter enrols into: a BPU agreement of the counter's parent Pemda, paid
    from ``funded_by``, in force on ``on``. When the Pemda has several, the one naming the
    counter as payer wins; still several (or none) is a set-up error for the Pemda's admin.
    """
    if counter.parent_id is None:
        raise Conflict(f"loket {counter.code} belum terhubung ke Pemda; hubungi admin Pemda")
    found = list(session.scalars(select(Agreement).where(
        Agreement.pemda_id == counter.parent_id, Agreement.segment == "bpu",
        Agreement.funding_source_code == funded_by,
        Agreement.start_date <= on, Agreement.end_date >= on).order_by(Agreement.code)))
    named = [a for a in found if a.payer_id == counter.id]
    found = named or found
    label = "dibayar sendiri" if funded_by == "self" else funded_by.upper()
    if not found:
        raise Conflict(f"tidak ada PKS BPU ({label}) Pemda yang berlaku pada "
                       f"{format_date_id(on)} untuk loket ini; hubungi admin Pemda")
    if len(found) > 1:
        raise Conflict(f"lebih dari satu PKS BPU ({label}) berlaku untuk loket ini: "
                       f"{', '.join(a.code for a in found)}; admin Pemda perlu menetapkan "
                       "loket sebagai pembayar pada salah satunya")
    return found[0]


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


def _validate_person(nik: str, name: str, birth_date: date, sex: str, phone: str | None,
                     day: date) -> tuple[str, str | None]:
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
    return clean, clean_phone


def enrol_driver(session: Session, principal: Principal, *, nik: str, name: str,
                 birth_date: date, sex: str, phone: str | None, occupation: str,
                 declared_income: int, months: int, funded_by: str,
                 today: date | None = None) -> Enrolment:
    """Enrol a driver at the counter: an active BPU membership from today for ``months`` paid
    months, under the agreement of :func:`agreement_for`, with a card to print.

    Refused (nothing written, the refusal audited): a driver covered today (or already proposed
    to BPJS) for one of the same programmes, saying until when; a term not in
    ``payment.bpu.advance_terms``; a non-transport occupation; an APBD-paid period that runs
    past the end of the APBD agreement (the budget year); a full quota. The amount is the sum
    of each month's contribution by the rules engine (PP 50/2025 discount for self-paid
    transport drivers, none for APBD-paid ones).
    """
    principal.require("counter.enrol")
    counter = counter_of(session, principal)
    day = today or current_day()
    value = _nik_format(session, principal, nik, "counter.enrol")
    try:
        return _enrol(session, principal, counter, value, name=name, birth_date=birth_date,
                      sex=sex, phone=phone, occupation=occupation,
                      declared_income=declared_income, months=months, funded_by=funded_by,
                      day=day)
    except LindungError as exc:
        # The audit keeps what the officer is not told: why, and under which agreement.
        _audit_refusal(session, actor=principal.actor, action="counter.enrol", entity="worker",
                       pemda_id=principal.pemda_id,
                       detail={"nik": mask_nik(value), "refused": str(exc),
                               "field": getattr(exc, "field", None),
                               **(exc.detail if isinstance(exc, CounterRefusal) else {})})
        raise


def _enrol(session: Session, principal: Principal, counter: Organisation, nik: str, *,
           name: str, birth_date: date, sex: str, phone: str | None, occupation: str,
           declared_income: int, months: int, funded_by: str, day: date) -> Enrolment:
    # --- checks: nothing is written before all of them pass -----------------------------------
    terms = advance_terms(day)
    if months not in terms:
        raise InvalidInput(f"lama pembayaran harus {', '.join(map(str, terms))} bulan", "months")
    if funded_by not in FUNDED_BY:
        raise InvalidInput("pembayar harus 'self' (sopir sendiri) atau 'apbd'", "funded_by")
    offered = transport_occupations(session, principal.pemda_id)
    job = next((o for o in offered if o.code == occupation), None)
    if job is None:
        codes = ", ".join(o.code for o in offered)
        raise InvalidInput(f"pekerjaan harus salah satu pekerjaan transportasi: {codes}",
                           "occupation")
    clean_name, clean_phone = _validate_person(nik, name, birth_date, sex, phone, day)
    agreement = agreement_for(session, counter, funded_by, day)
    funding = session.get(FundingSource, agreement.funding_source_code)
    if funding is not None and funding.occupation_groups is not None \
            and TRANSPORT_GROUP not in funding.occupation_groups:
        raise Conflict(f"sumber dana {funding.name} tidak untuk pekerja transportasi")
    start = day
    end = add_months(start, months) - timedelta(days=1)
    if funded_by == "apbd" and end > agreement.end_date:
        room = [t for t in terms if add_months(start, t) - timedelta(days=1)
                <= agreement.end_date]
        hint = (f"pilih paling lama {room[-1]} bulan" if room
                else "daftarkan sebagai peserta mandiri")
        raise InvalidInput(f"PKS {agreement.code} (APBD) berakhir "
                           f"{format_date_id(agreement.end_date)}; {hint}", "months")
    monthly = _price([add_months(start.replace(day=1), i) for i in range(months)],
                     declared_income, funded_by, agreement.programs)

    worker = session.scalar(select(Worker).where(Worker.nik == nik))
    mine = set(agreement.program_list)
    renew: Membership | None = None
    if worker is not None:
        for membership, code in session.execute(
                select(Membership, Agreement.code)
                .join(Agreement, Agreement.id == Membership.agreement_id)
                .where(Membership.worker_id == worker.id).order_by(Membership.id)):
            if membership.agreement_id == agreement.id:
                renew = membership
            overlap = mine & set(membership.program_list)
            if not overlap or membership.status not in OPEN_STATUSES:
                continue
            # A refusal says no more than a coverage check would: covered, until when and
            # for which programmes; never under which agreement (docs/decisions/0009).
            names = ", ".join(sorted(p.upper() for p in overlap))
            if membership.status != "active":
                raise CounterRefusal(
                    "NIK ini belum dapat didaftarkan di loket; minta admin Pemda memeriksa "
                    "kepesertaannya", reason="pending_elsewhere", agreement=code)
            if membership.end_date is None or membership.end_date >= day:
                until = ("tanpa batas akhir" if membership.end_date is None
                         else f"sampai {format_date_id(membership.end_date)}")
                raise CounterRefusal(f"pengemudi ini sudah terlindungi {names} {until}; "
                                     "daftar ulang setelah tanggal itu",
                                     reason="already_covered", agreement=code)
    if renew is None and count_open_memberships(session, agreement.id) >= agreement.quota:
        raise Conflict(f"kuota PKS {agreement.code} penuh ({agreement.quota} peserta); "
                       "hubungi admin Pemda")

    # --- writes --------------------------------------------------------------------------------
    if worker is None:
        worker = Worker(nik=nik, name=clean_name, name_key=to_name_key(clean_name) or "",
                        birth_date=birth_date, sex=sex, phone=clean_phone)
        session.add(worker)
        session.flush()
    elif clean_phone and not worker.phone:
        worker.phone = clean_phone
    before: dict[str, Any] | None = None
    if renew is None:
        membership = Membership(
            worker_id=worker.id, agreement_id=agreement.id, programs=agreement.programs,
            occupation_code=job.code, funding_source_code=agreement.funding_source_code,
            agency=counter.name, declared_income=declared_income, start_date=start,
            end_date=end, status="active")
        session.add(membership)
        session.flush()
        from_status = None
    else:
        # One membership per worker and agreement: a renewal reopens it for the new period;
        # the earlier periods stay in its events and in the earlier cards.
        membership = renew
        from_status = membership.status
        before = {"status": membership.status, "start_date": membership.start_date,
                  "end_date": membership.end_date}
        membership.status, membership.start_date, membership.end_date = "active", start, end
        membership.end_reason = None
        membership.occupation_code, membership.declared_income = job.code, declared_income
    amount = sum(a for _m, a in monthly)
    number = membership_number(membership.id)
    card = CounterCard(membership_id=membership.id, counter_id=counter.id, number=number,
                       verification_code=secrets.token_urlsafe(24), months=months,
                       start_date=start, end_date=end, amount=amount,
                       funding_source_code=agreement.funding_source_code,
                       actor=principal.actor)
    session.add(card)
    period = {"start_date": start, "end_date": end, "months": months, "amount": amount,
              "counter": counter.code, "number": number}
    session.add(MembershipEvent(membership_id=membership.id, from_status=from_status,
                                to_status="active", actor=principal.actor,
                                reason=f"{'perpanjangan' if before else 'pendaftaran'} di "
                                       f"{counter.name}",
                                detail={k: v.isoformat() if isinstance(v, date) else v
                                        for k, v in period.items()}))
    session.flush()
    record(session, actor=principal.actor, action="counter.enrol", entity="membership",
           pemda_id=agreement.pemda_id,
           entity_id=membership.id, before=before,
           after={**period, "status": "active", "agreement": agreement.code,
                  "nik": mask_nik(nik), "funded_by": agreement.funding_source_code,
                  "card": card.id})
    return Enrolment(number=number, kpj=membership.kpj, name=worker.name,
                     nik_masked=mask_nik(nik), programmes=agreement.program_list,
                     valid_from=start, valid_until=end, months=months,
                     funded_by=agreement.funding_source_code, agreement_code=agreement.code,
                     amount=amount, monthly=monthly,
                     verification_code=card.verification_code, renewal=before is not None)


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


def card_data(session: Session, principal: Principal, number: str) -> CardData:
    """The newest card with this number, printed by the principal's own counter only."""
    principal.require("counter.enrol")
    counter = counter_of(session, principal)
    found = session.execute(
        select(CounterCard, Membership, Worker)
        .join(Membership, Membership.id == CounterCard.membership_id)
        .join(Worker, Worker.id == Membership.worker_id)
        .where(CounterCard.number == number, CounterCard.counter_id == counter.id)
        .order_by(CounterCard.id.desc()).limit(1)).first()
    if found is None:
        raise NotFound(f"kartu {number[:20]} tidak ditemukan di loket ini")
    card, membership, worker = found
    record(session, actor=principal.actor, action="counter.card_print", entity="counter_card",
           pemda_id=principal.pemda_id,
           entity_id=card.id, detail={"number": card.number, "nik": mask_nik(worker.nik)})
    return CardData(number=card.number, kpj=membership.kpj, name=worker.name,
                    nik_masked=mask_nik(worker.nik), programmes=membership.program_list,
                    valid_until=card.end_date, verification_code=card.verification_code,
                    counter_name=counter.name)


def verify_card(session: Session, code: str, *, client: str = "-",
                on: date | None = None) -> CardStatus:
    """Public: is the holder of the card with this verification code covered on ``on``?

    Answers only valid or not and until when; an unknown code is simply not valid.
    """
    day = on or current_day()
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
