"""What a service counter reads: its own organisation, the agreement it enrols into for a
payer, the terms of payment the law allows, and the occupations it offers."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lindung.agreements.models import Agreement
from lindung.agreements.queries import agreements_serving_group
from lindung.errors import Conflict
from lindung.formatting import format_date_id
from lindung.organisations.models import Organisation
from lindung.organisations.queries import pemda_id_of
from lindung.principal import Forbidden, Principal
from lindung.registry.models import Occupation, occupation_in_reach
from lindung.rules import load_parameters

TRANSPORT_GROUP = "transport"
NUMBER_PREFIX = "LDG-"


def membership_number(membership_id: int) -> str:
    """The number printed on the card until BPJS assigns a KPJ: ``LDG-00000042``."""
    return f"{NUMBER_PREFIX}{membership_id:08d}"


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
