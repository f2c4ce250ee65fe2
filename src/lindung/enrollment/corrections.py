"""Changing members in bulk, as an operator does from the member list: proposing again those
BPJS rejected, correcting a person's name, address, phone or occupation, ending memberships,
and exporting the list.

Every change is a ``do_*`` action that checks the permission and the scope, validates, and
writes the rows and one audit event per member (before -> after) in the caller's transaction.
A batch is checked whole before anything is written: when one member of it may not be changed,
nothing is, and :class:`BatchRefused` says which and why, so the page and the API can show the
operator the rows to take out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from lindung import clock
from lindung.agreements.models import Agreement, FundingSource
from lindung.agreements.queries import payer_for
from lindung.agreements.terms import agreement_terms_on, member_start
from lindung.audit.service import record
from lindung.db import column_length
from lindung.enrollment.actions import (
    _membership_to_change,
    _phase_for,
    change_status,
    do_end_membership,
    lock_agreement,
)
from lindung.enrollment.models import END_REASONS, OPEN_STATUSES, Membership
from lindung.enrollment.queries import (
    MemberFilter,
    MemberRow,
    in_scope,
    member_terms_on,
    members_for_export,
    newest_period,
    open_members,
    open_memberships_of,
    visible,
    visible_memberships,
)
from lindung.errors import Conflict, InvalidInput, LindungError, NotFound
from lindung.limits import MAX_SHORT_TEXT, MAX_TEXT
from lindung.principal import Forbidden, Principal
from lindung.registry.models import Occupation, Worker, occupation_in_reach
from lindung.registry.normalize import NormalizeError, clean_name, to_name_key, to_phone
from lindung.spreadsheets import workbook, write_row
from lindung.text import clean_text

MAX_BATCH = 500
"""Members changed by one bulk request at most (a page shows 100; a batch is one
transaction)."""

STATUS_WORDS = {"proposed": "diusulkan", "submitted": "dikirim ke BPJS", "active": "aktif",
                "rejected": "ditolak BPJS", "ended": "berakhir"}
"""Statuses in words, for files and refusals (pages take theirs from the words catalogue)."""

END_REASON_WORDS = {"death": "meninggal dunia", "agreement_end": "PKS berakhir",
                    "moved": "pindah", "duplicate": "data ganda",
                    "resigned": "berhenti bekerja", "lapsed": "tidak diperpanjang"}

GROUP_WORDS = {"community": "kemasyarakatan", "health_cadre": "kader kesehatan",
               "religious": "keagamaan", "transport": "angkutan", "agriculture": "pertanian",
               "tobacco": "tembakau", "fisheries": "perikanan", "trade": "perdagangan",
               "government": "pemerintahan (non-ASN)",
               "village_government": "pemerintahan desa", "construction": "jasa konstruksi",
               "migrant": "pekerja migran"}
"""Occupation groups in words; a group a Pemda added itself is shown as written."""


class BatchRefused(Conflict):
    """A batch in which some members may not be changed: nothing was written. ``refusals``
    holds (membership id, why) for each of them."""

    def __init__(self, what: str, refusals: list[tuple[int, str]]) -> None:
        self.refusals = refusals
        shown = "; ".join(f"kepesertaan {ident}: {why}" for ident, why in refusals[:20])
        more = f"; dan {len(refusals) - 20} lainnya" if len(refusals) > 20 else ""
        super().__init__(f"tidak ada yang {what}: {len(refusals)} peserta tidak dapat diproses "
                         f"({shown}{more}). Hapus centang peserta itu lalu coba lagi.")


def _batch(ids: Sequence[int]) -> list[int]:
    unique = list(dict.fromkeys(int(i) for i in ids))
    if not unique:
        raise InvalidInput("pilih sekurang-kurangnya satu peserta", "ids")
    if len(unique) > MAX_BATCH:
        raise InvalidInput(f"paling banyak {MAX_BATCH} peserta sekali proses", "ids")
    return unique


def _refusal(session: Session, principal: Principal, ident: int) -> Membership | str:
    """The membership the principal may change, or why not (in words)."""
    try:
        return _membership_to_change(session, principal, ident)
    except (NotFound, Forbidden) as exc:
        return str(exc)


# --- proposing again those BPJS rejected ---------------------------------------------------------


def do_resubmit_members(session: Session, principal: Principal, membership_ids: Sequence[int],
                        *, today: date | None = None) -> list[Membership]:
    """Propose again members the BPJS branch rejected: each gets a new membership row
    (docs/decisions/0012), ``proposed``, from the later of its phase's start and today, under
    the terms in force today; the rejected row keeps its dates, reason and history.

    Refused whole (:class:`BatchRefused`) when any of them is not rejected, was already
    proposed again, is covered elsewhere for the same programmes, or the agreement has ended
    or has no room left in its quota.
    """
    principal.require("roster.import")
    ids = _batch(membership_ids)
    today = today or clock.today()
    refusals: list[tuple[int, str]] = []
    chosen: list[Membership] = []
    for ident in ids:
        found = _refusal(session, principal, ident)
        if isinstance(found, str):
            refusals.append((ident, found))
        elif found.status != "rejected":
            refusals.append((ident, "hanya peserta yang ditolak BPJS yang dapat diusulkan "
                                    f"ulang (status: {STATUS_WORDS.get(found.status, '-')})"))
        else:
            chosen.append(found)
    agreements = {a.id: a for a in session.scalars(select(Agreement).where(
        Agreement.id.in_({m.agreement_id for m in chosen})).order_by(Agreement.id))}
    for agreement in agreements.values():
        lock_agreement(session, agreement)
    superseded = set(session.scalars(select(Membership.id).where(
        Membership.id.in_([m.id for m in chosen]), ~newest_period())))
    open_rows = open_memberships_of(session, sorted({m.worker_id for m in chosen}))
    shown = visible_memberships(session, principal, open_rows["membership_id"].to_list())
    plans: list[tuple[Membership, Agreement, int | None, date]] = []
    for membership in chosen:
        agreement = agreements[membership.agreement_id]
        why = ("sudah diusulkan ulang" if membership.id in superseded else
               _why_not_again(membership, agreement, open_rows.rows(named=True), shown, today))
        if isinstance(why, str):
            refusals.append((membership.id, why))
        else:
            plans.append((membership, agreement, *why))
    refusals.extend(_over_quota(session, plans))
    if refusals:
        raise BatchRefused("diusulkan ulang", sorted(refusals))
    return [_propose_again(session, principal, *plan) for plan in plans]


def _why_not_again(membership: Membership, agreement: Agreement,
                   open_rows: list[dict[str, Any]], shown: set[int],
                   today: date) -> tuple[int | None, date] | str:
    """(phase, start) of the new period, or why there can be none."""
    mine = set(agreement_terms_on(agreement, today).program_list)
    for row in open_rows:
        if row["worker_id"] != membership.worker_id:
            continue
        if row["agreement_id"] == agreement.id:
            return "sudah diusulkan ulang"
        overlap = mine & set(str(row["member_programs"]).split(","))
        if overlap:
            names = ", ".join(sorted(p.upper() for p in overlap))
            if row["membership_id"] in shown:
                return f"sudah terdaftar pada PKS {row['agreement_code']} untuk program {names}"
            return (f"sudah terdaftar untuk program {names} melalui PKS lain di luar wilayah "
                    "kerja Anda")
    terms = agreement_terms_on(agreement, today)
    if today > terms.end_date:
        return f"PKS {agreement.code} sudah berakhir; usulkan melalui PKS yang berlaku"
    try:
        phase, phase_start = _phase_for(agreement, terms, None, today)
    except InvalidInput as exc:
        return str(exc)
    # The same start as an import's (agreements.terms.member_start): the later of the phase
    # start and today, unless the terms say from the phase.
    return phase, member_start(agreement_terms_on(agreement, phase_start), phase_start, today)


def _over_quota(session: Session, plans: list[tuple[Membership, Agreement, int | None, date]]
                ) -> list[tuple[int, str]]:
    """The members of the batch beyond the room left in their agreement's (or phase's) quota."""
    refusals: list[tuple[int, str]] = []
    by_agreement: dict[int, list[tuple[Membership, Agreement, int | None, date]]] = {}
    for plan in plans:
        by_agreement.setdefault(plan[1].id, []).append(plan)
    for group in by_agreement.values():
        agreement, phase = group[0][1], group[0][2]
        terms = agreement_terms_on(agreement, group[0][3])
        room = terms.quota - open_members(session, agreement)
        where = f"PKS {agreement.code}"
        if phase is not None:
            phase_row = next(p for p in agreement.phases if p.number == phase)
            phase_room = phase_row.quota - open_members(session, agreement, phase)
            if phase_room < room:
                room, where = phase_room, f"tahap {phase} PKS {agreement.code}"
        room = max(room, 0)
        for membership, *_ in group[room:]:
            refusals.append((membership.id, f"kuota {where} penuh: hanya {room} peserta lagi "
                                             "yang dapat diusulkan"))
    return refusals


def _propose_again(session: Session, principal: Principal, old: Membership,
                   agreement: Agreement, phase: int | None, start: date) -> Membership:
    terms = agreement_terms_on(agreement, start)
    payer = payer_for(agreement, start, phase_number=phase, group_id=old.agency_id)
    income, wage = member_terms_on(session, old, start)
    new = Membership(worker_id=old.worker_id, agreement_id=old.agreement_id, phase_number=phase,
                     programs=terms.programs, occupation_code=old.occupation_code,
                     occupation_text=old.occupation_text,
                     funding_source_code=payer.funding_source_code, agency=old.agency,
                     agency_id=old.agency_id, declared_income=income, wage=wage,
                     risk_class=old.risk_class, start_date=start, end_date=terms.end_date,
                     status="proposed")
    session.add(new)
    session.flush()
    change_status(session, new, "proposed", actor=principal.actor,
                  reason=f"diusulkan ulang setelah ditolak BPJS ({old.status_reason or '-'})",
                  detail={"previous": old.id}, new=True)
    record(session, actor=principal.actor, action="membership.resubmit", entity="membership",
           entity_id=new.id, pemda_id=agreement.pemda_id,
           before={"membership": old.id, "status": old.status,
                   "status_reason": old.status_reason},
           after={"membership": new.id, "status": "proposed", "start_date": start,
                  "end_date": terms.end_date})
    return new


# --- ending memberships --------------------------------------------------------------------------


def do_end_memberships(session: Session, principal: Principal, membership_ids: Sequence[int],
                       *, reason: str, on: date) -> list[Membership]:
    """End several memberships from ``on`` (each as :func:`do_end_membership`, each audited);
    refused whole when any of them may not be ended."""
    principal.require("roster.import")
    ids = _batch(membership_ids)
    if reason not in END_REASONS:
        raise InvalidInput("alasan berakhir harus salah satu dari: "
                           + ", ".join(END_REASON_WORDS[r] for r in END_REASONS), "reason")
    refusals: list[tuple[int, str]] = []
    for ident in ids:
        found = _refusal(session, principal, ident)
        if isinstance(found, str):
            refusals.append((ident, found))
        elif found.status not in OPEN_STATUSES:
            refusals.append((ident, "kepesertaan sudah "
                                    f"{STATUS_WORDS.get(found.status, found.status)}"))
        elif on < found.start_date:
            refusals.append((ident, "tanggal berakhir sebelum kepesertaan dimulai"))
    if refusals:
        raise BatchRefused("diakhiri", refusals)
    return [do_end_membership(session, principal, ident, reason=reason, on=on) for ident in ids]


# --- correcting a person -------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkerCorrection:
    """What to change of a person; None leaves a field as it is, "" empties address or
    phone."""

    name: str | None = None
    address: str | None = None
    phone: str | None = None


def _worker_to_change(session: Session, principal: Principal,
                      worker_id: int) -> tuple[Worker, int | None]:
    """A worker with a membership the principal may change (in scope, under their own
    Pemda's agreement), and the Pemda of that agreement (the audit event's)."""
    found = session.scalar(select(Worker).where(Worker.id == worker_id, visible(principal)))
    if found is None:
        raise NotFound(f"pekerja {worker_id} tidak ditemukan")
    own = select(Agreement.pemda_id).select_from(Membership).join(
        Agreement, Agreement.id == Membership.agreement_id).join(
        Worker, Worker.id == Membership.worker_id).where(
        Membership.worker_id == worker_id, in_scope(principal))
    if principal.pemda_id is not None:
        own = own.where(Agreement.pemda_id == principal.pemda_id)
    pemdas = list(session.scalars(own.order_by(Membership.id.desc()).limit(1)))
    if not pemdas:
        raise Forbidden("pekerja ini hanya terdaftar pada PKS Pemda lain: hanya Pemda itu "
                        "yang dapat mengoreksi datanya")
    return found, pemdas[0]


def _clean_name(value: str) -> str:
    limit = column_length(Worker, "name")
    if len(value) > limit * 4:
        raise InvalidInput(f"nama paling panjang {limit} karakter", "name")
    parsed = clean_name_value(value)
    if len(parsed) > limit:
        raise InvalidInput(f"nama paling panjang {limit} karakter", "name")
    if sum(c.isalpha() for c in parsed) < 2:
        raise InvalidInput("nama harus berisi huruf; isi nama lengkap sesuai KTP", "name")
    return parsed


def clean_name_value(value: str) -> str:
    """A name as a roster's name is cleaned (NFC, spaces folded), or InvalidInput."""
    parsed = clean_name(pl.Series([value], dtype=pl.String))
    code = parsed.error[0]
    if code is not None:
        raise InvalidInput(NormalizeError(code).issue.text, "name")
    return str(parsed.value[0])


def do_correct_worker(session: Session, principal: Principal, worker_id: int,
                      correction: WorkerCorrection, *, reason: str | None = None) -> Worker:
    """Correct a person's name, address or phone (the NIK and birth date are the civil
    registry's and are not corrected here); audited with what changed, before -> after."""
    principal.require("roster.import")
    worker, pemda_id = _worker_to_change(session, principal, worker_id)
    changes: dict[str, str | None] = {}
    if correction.name is not None:
        changes["name"] = _clean_name(correction.name)
    if correction.address is not None:
        changes["address"] = clean_text(correction.address, label="alamat", field="address",
                                        max_length=MAX_SHORT_TEXT)
    if correction.phone is not None:
        phone = clean_text(correction.phone, label="nomor telepon", field="phone",
                           max_length=40)
        try:
            changes["phone"] = to_phone(phone) if phone else None
        except NormalizeError as exc:
            raise InvalidInput(exc.issue.text, "phone") from None
    why = clean_text(reason, label="alasan", field="reason", max_length=MAX_TEXT)
    before = {k: getattr(worker, k) for k in changes if getattr(worker, k) != changes[k]}
    if not before:
        raise InvalidInput("tidak ada yang berubah: isi nilai baru yang berbeda", "name")
    after = {k: changes[k] for k in before}
    for key, value in after.items():
        setattr(worker, key, value)
    if "name" in after:
        worker.name_key = to_name_key(worker.name) or ""
    session.flush()
    record(session, actor=principal.actor, action="worker.correct", entity="worker",
           entity_id=worker.id, pemda_id=pemda_id, before=before, after=after,
           detail={"reason": why} if why else None)
    return worker


def do_correct_occupation(session: Session, principal: Principal, membership_id: int,
                          occupation_code: str, *, reason: str | None = None) -> Membership:
    """Correct a member's occupation to one of the taxonomy in reach of the agreement's Pemda
    (a free-text occupation from a roster becomes a known one); refused when the funding
    source pays only for other occupation groups."""
    principal.require("roster.import")
    membership = _membership_to_change(session, principal, membership_id)
    if membership.status == "ended":
        raise Conflict("kepesertaan sudah berakhir: pekerjaannya tidak dikoreksi lagi")
    agreement = session.get(Agreement, membership.agreement_id)
    assert agreement is not None
    code = occupation_code.strip().lower()[:40]
    occupation = session.scalar(select(Occupation).where(
        Occupation.code == code, occupation_in_reach(agreement.pemda_id)))
    if occupation is None:
        raise InvalidInput("pilih pekerjaan dari daftar pekerjaan", "occupation")
    funding = session.get(FundingSource, membership.funding_source_code)
    if funding is not None and funding.occupation_groups is not None \
            and occupation.group not in funding.occupation_groups:
        groups = ", ".join(GROUP_WORDS.get(g, g) for g in funding.occupation_groups)
        raise InvalidInput(f"sumber dana {funding.name} hanya untuk pekerjaan kelompok "
                           f"{groups}", "occupation")
    if membership.occupation_code == occupation.code and membership.occupation_text is None:
        raise InvalidInput("tidak ada yang berubah: pilih pekerjaan lain", "occupation")
    why = clean_text(reason, label="alasan", field="reason", max_length=MAX_TEXT)
    before = {"occupation": membership.occupation_code or membership.occupation_text}
    membership.occupation_code, membership.occupation_text = occupation.code, None
    session.flush()
    record(session, actor=principal.actor, action="membership.correct_occupation",
           entity="membership", entity_id=membership.id, pemda_id=agreement.pemda_id,
           before=before, after={"occupation": occupation.code},
           detail={"reason": why} if why else None)
    return membership


# --- the list as a workbook ----------------------------------------------------------------------

EXPORT_COLUMNS = ("Nama", "NIK (tersamar)", "Desa/Kelurahan", "Kode wilayah", "PKS", "Status",
                  "Alasan BPJS", "KPJ", "Mulai", "Berakhir", "Alasan berakhir", "Pekerjaan",
                  "Kelompok pekerjaan", "OPD")


def export_cells(row: MemberRow) -> list[Any]:
    """One member as a row of the workbook: words, never codes, the NIK masked."""
    return [row.name, row.nik_masked, row.village_name, row.village_code, row.agreement_code,
            STATUS_WORDS.get(row.status, row.status), row.status_reason, row.kpj,
            row.start_date, row.end_date,
            END_REASON_WORDS.get(row.end_reason, row.end_reason) if row.end_reason else None,
            row.occupation_name or row.occupation_code,
            GROUP_WORDS.get(row.occupation_group, row.occupation_group)
            if row.occupation_group else None, row.agency]


def do_export_members(session: Session, principal: Principal, wanted: MemberFilter,
                      out: Path) -> int:
    """The member list under ``wanted`` (every page) as an XLSX workbook at ``out``: text as
    text (a name is never a formula), the NIK masked, statuses and occupations in words. The
    export is audited (it repeats personal data). Returns the number of members."""
    principal.require("workers.read")
    rows = members_for_export(session, principal, wanted)
    book = workbook(out)
    try:
        sheet = book.add_worksheet("Peserta")
        bold = book.add_format({"bold": True})
        text = book.add_format({"num_format": "@"})
        day = book.add_format({"num_format": "d mmmm yyyy"})
        write_row(sheet, 0, EXPORT_COLUMNS, text_format=bold)
        for number, row in enumerate(rows, start=1):
            write_row(sheet, number, export_cells(row), text_format=text, date_format=day)
        sheet.set_column(0, 0, 28)
        sheet.set_column(1, 13, 16)
        sheet.freeze_panes(1, 0)
        filters = wanted.checked().as_params()
        used = book.add_worksheet("Saringan")
        write_row(used, 0, ("Saringan", "Nilai"), text_format=bold)
        for number, (key, value) in enumerate(sorted(filters.items()), start=1):
            write_row(used, number, (key, value), text_format=text)
    finally:
        book.close()
    record(session, actor=principal.actor, action="workers.export", entity="membership",
           pemda_id=principal.pemda_id,
           detail={"file": out.name, "rows": len(rows), "filters": wanted.checked().as_params()})
    return len(rows)


def refusal_words(exc: LindungError) -> list[tuple[int, str]]:
    """The per-member reasons of a refused batch (empty for any other refusal)."""
    return list(exc.refusals) if isinstance(exc, BatchRefused) else []
