"""What a service counter reads: its own organisation, the agreement it enrols into for a
payer, the terms of payment the law allows, the occupations it offers, its payments, and a
person's pending proposals (for "menunggu konfirmasi BPJS")."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lindung.agreements.models import Agreement
from lindung.agreements.queries import agreements_serving_group
from lindung.counter.models import CounterPayment
from lindung.enrollment.models import Membership
from lindung.errors import Conflict
from lindung.formatting import format_date_id
from lindung.organisations.models import Organisation
from lindung.organisations.queries import pemda_id_of
from lindung.principal import Forbidden, Principal
from lindung.registry.models import Occupation, Worker, occupation_in_reach
from lindung.rules import load_parameters

TRANSPORT_GROUP = "transport"
PENDING_STATUSES = ("proposed", "submitted")
"""A membership waiting for the branch's answer: not covered yet."""


def receipt_number(year: int, sequence: int) -> str:
    """The number of a registration receipt: ``2026-000042`` (``sequence`` runs per counter)."""
    return f"{year}-{sequence:06d}"


def next_receipt_sequence(session: Session, counter_id: int) -> int:
    """The next running number of the counter's receipts (the caller holds the counter's
    lock, :func:`lock_counter`)."""
    last = session.scalar(select(func.max(CounterPayment.sequence))
                          .where(CounterPayment.counter_id == counter_id))
    return int(last or 0) + 1


def lock_counter(session: Session, counter_id: int) -> None:
    """Hold the counter's row until the transaction ends, so that two enrolments at the same
    desk (the officer and the desk system's token) take receipt numbers one after the other.
    SQLite: the agreement's lock (a write) already holds the one write lock."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(Organisation.id).where(Organisation.id == counter_id)
                        .with_for_update())


def payment_at(session: Session, counter_id: int,
               number: str) -> tuple[CounterPayment, Membership, Worker] | None:
    """The payment with this receipt number taken at this counter, its membership and worker
    (a counter sees only its own receipts)."""
    found = session.execute(
        select(CounterPayment, Membership, Worker)
        .join(Membership, Membership.id == CounterPayment.membership_id)
        .join(Worker, Worker.id == Membership.worker_id)
        .where(CounterPayment.counter_id == counter_id,
               CounterPayment.receipt_number == number[:20])).first()
    return None if found is None else (found[0], found[1], found[2])


def pending_on(session: Session, nik: str, day: date) -> bool:
    """Whether the person has a proposal waiting for the branch whose period includes ``day``
    (said at the desk as "menunggu konfirmasi BPJS", nothing more)."""
    return session.scalar(
        select(Membership.id).join(Worker, Worker.id == Membership.worker_id)
        .where(Worker.nik == nik, Membership.status.in_(PENDING_STATUSES),
               Membership.start_date <= day,
               (Membership.end_date.is_(None)) | (Membership.end_date >= day)).limit(1)
    ) is not None


def mask_name(name: str) -> str:
    """``"Muhammad Sutrisno"`` -> ``"M***d S***o"``: each word's first and last letter with three
    stars between (three, whatever the length, so the mask tells nothing of it); a word of one
    or two letters keeps its first letter and a star. Enough to match the card in hand, not
    enough to learn a name from a copied QR code."""
    words = []
    for word in name.split():
        words.append(word[0] + "*" if len(word) <= 2 else f"{word[0]}***{word[-1]}")
    return " ".join(words)


def counter_of(session: Session, principal: Principal) -> Organisation:
    """The counter the principal works at; only counters enrol at a desk."""
    if principal.organisation_kind != "counter":
        raise Forbidden("pendaftaran di loket hanya untuk petugas atau sistem loket")
    org = session.get(Organisation, principal.organisation_id)
    assert org is not None
    return org


def advance_terms(on: date) -> list[int]:
    """The numbers of months a BPU member may pay at once (``payment.bpu.advance_terms``)."""
    return sorted(int(v) for v in load_parameters().at("payment.bpu.advance_terms", on).value)


def transport_occupations(session: Session, pemda_id: int | None) -> list[Occupation]:
    """Transport occupations a counter of ``pemda_id`` offers: central and its Pemda's own."""
    return list(session.scalars(select(Occupation).where(Occupation.group == TRANSPORT_GROUP,
                                                         occupation_in_reach(pemda_id))
                                .order_by(Occupation.name)))


def counter_agreement(session: Session, counter_id: int, funded_by: str,
                      on: date) -> tuple[Organisation, Agreement]:
    """The agreement a counter enrols into for ``funded_by``: a BPU agreement of the counter's
    Pemda, in force on ``on``, whose payer assignments name the counter's members (the Pemda's
    admin sets them: ``lindung agreements assign-payer --group <counter>``); without any such
    assignment, the Pemda's one BPU agreement paid from ``funded_by``."""
    counter = session.get(Organisation, counter_id)
    assert counter is not None
    pemda_id = pemda_id_of(session, counter.id)
    if pemda_id is None:
        raise Conflict(f"loket {counter.code} belum terhubung ke Pemda; hubungi admin Pemda")
    found = agreements_serving_group(session, counter.id, pemda_id, "bpu", funded_by, on)
    label = "dibayar sendiri" if funded_by == "self" else funded_by.upper()
    if not found:
        raise Conflict(f"tidak ada PKS BPU ({label}) Pemda yang berlaku pada "
                       f"{format_date_id(on)} untuk loket ini; hubungi admin Pemda")
    if len(found) > 1:
        raise Conflict(f"lebih dari satu PKS BPU ({label}) berlaku untuk loket ini: "
                       f"{', '.join(a.code for a in found)}; admin Pemda perlu menetapkan "
                       "loket sebagai kelompok pembayar pada salah satunya")
    return counter, found[0]
