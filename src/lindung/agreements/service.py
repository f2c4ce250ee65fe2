"""Use cases of agreements: create, amend, add a phase, and see how much of the quota is used.

Every change runs in the caller's transaction and writes its audit event there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from lindung.agreements.models import (
    AMENDABLE_FIELDS,
    Agreement,
    AgreementAmendment,
    AgreementPhase,
    FundingSource,
    Organisation,
)
from lindung.audit.service import record
from lindung.enrollment.models import OPEN_STATUSES, Membership
from lindung.errors import Conflict, InvalidInput, NotFound
from lindung.formatting import format_date_id, format_number, format_rupiah
from lindung.limits import MAX_DATE, MAX_PHASE, MAX_QUOTA, MAX_RUPIAH, MAX_TEXT, MIN_DATE
from lindung.registry.models import Region
from lindung.rules import InvalidContribution, contribution
from lindung.rules.contributions import PROGRAMMES, SEGMENTS
from lindung.text import clean_code, clean_text, required_text


@dataclass(frozen=True)
class PhaseTerms:
    number: int
    start_date: date
    quota: int


def get_agreement(session: Session, code: str) -> Agreement:
    agreement = session.scalar(select(Agreement).where(Agreement.code == code))
    if agreement is None:
        raise NotFound(f"PKS dengan kode {code!r} tidak ditemukan")
    return agreement


def _check_terms(session: Session, agreement: Agreement) -> None:
    """Refuse terms the law or the reference data cannot accept, with the field named."""
    if agreement.segment not in SEGMENTS:
        raise InvalidInput(f"segmen harus salah satu dari {', '.join(SEGMENTS)}", "segment")
    if session.get(Region, agreement.region_code) is None:
        raise InvalidInput(f"kode wilayah {agreement.region_code!r} tidak dikenal (Kemendagri)",
                           "region")
    if session.get(FundingSource, agreement.funding_source_code) is None:
        raise InvalidInput(f"sumber dana {agreement.funding_source_code!r} tidak dikenal",
                           "funded_by")
    if agreement.end_date < agreement.start_date:
        raise InvalidInput("tanggal akhir PKS sebelum tanggal mulai", "end")
    if agreement.start_date < MIN_DATE or agreement.end_date > MAX_DATE:
        raise InvalidInput(f"masa PKS harus di antara {format_date_id(MIN_DATE)} dan "
                           f"{format_date_id(MAX_DATE)}", "start")
    if not 0 < agreement.quota <= MAX_QUOTA:
        raise InvalidInput(f"kuota harus 1 sampai {format_number(MAX_QUOTA)}", "quota")
    for name, label, value in (("budget_ceiling", "pagu anggaran", agreement.budget_ceiling),
                               ("income", "penghasilan", agreement.declared_income),
                               ("wage", "upah", agreement.wage)):
        if value is not None and not 0 <= value <= MAX_RUPIAH:
            raise InvalidInput(f"{label} harus Rp0 sampai {format_rupiah(MAX_RUPIAH)}", name)
    if agreement.risk_class is not None and not 1 <= agreement.risk_class <= 5:
        raise InvalidInput("kelas risiko JKK harus 1 sampai 5", "risk_class")
    unknown = [p for p in agreement.program_list if p not in PROGRAMMES]
    if unknown or not agreement.program_list:
        raise InvalidInput("program harus dipilih dari "
                           f"{', '.join(p.upper() for p in PROGRAMMES)}", "programs")
    # The contribution basis must be one the law can price on the first day of the agreement.
    try:
        contribution(agreement.segment, agreement.start_date, programs=agreement.programs,
                     declared_income=agreement.declared_income, wage=agreement.wage,
                     risk_class=agreement.risk_class, funded_by=agreement.funding_source_code,
                     contract_months=12 if agreement.segment == "pmi" else None)
    except InvalidContribution as exc:
        raise InvalidInput("; ".join(e.message_id for e in exc.errors), "programs") from exc


def create_agreement(
    session: Session, *, code: str, region_code: str, segment: str, programs: list[str],
    funded_by: str, start: date, end: date, quota: int, actor: str,
    declared_income: int | None = None, wage: int | None = None, risk_class: int | None = None,
    number: str | None = None, title: str | None = None, budget_ceiling: int | None = None,
    pemda_code: str | None = None, branch_code: str | None = None,
    phases: list[PhaseTerms] | None = None,
) -> Agreement:
    """Record a new PKS. Its terms are checked against the law before anything is written."""
    code = clean_code(code, label="kode PKS", field="code", example="METRO-2026")
    number = clean_text(number, label="nomor PKS", field="number", max_length=120)
    title = clean_text(title, label="judul PKS", field="title", max_length=250)
    if session.scalar(select(Agreement.id).where(Agreement.code == code)) is not None:
        raise Conflict(f"PKS dengan kode {code!r} sudah ada")
    agreement = Agreement(
        code=code, number=number, title=title, region_code=region_code, segment=segment,
        programs=",".join(programs), funding_source_code=funded_by,
        declared_income=declared_income, wage=wage, risk_class=risk_class, start_date=start,
        end_date=end, quota=quota, budget_ceiling=budget_ceiling,
        pemda_id=_organisation_id(session, pemda_code),
        branch_id=_organisation_id(session, branch_code),
    )
    _check_terms(session, agreement)
    for phase in phases or []:
        _check_phase(agreement, phase)
        agreement.phases.append(AgreementPhase(number=phase.number, start_date=phase.start_date,
                                               quota=phase.quota))
    session.add(agreement)
    session.flush()
    record(session, actor=actor, action="agreement.create", entity="agreement",
           entity_id=agreement.code, pemda_id=agreement.pemda_id,
           after={**agreement.terms(), "segment": segment, "region_code": region_code,
                  "phases": phases or []})
    return agreement


def _organisation_id(session: Session, code: str | None) -> int | None:
    if code is None:
        return None
    org = session.scalar(select(Organisation).where(Organisation.code == code))
    if org is None:
        raise InvalidInput(f"organisasi {code!r} tidak dikenal", "organisation")
    return org.id


def _check_phase(agreement: Agreement, phase: PhaseTerms) -> None:
    if not 1 <= phase.number <= MAX_PHASE:
        raise InvalidInput(f"nomor tahap harus 1 sampai {MAX_PHASE}", "phases")
    if not agreement.start_date <= phase.start_date <= agreement.end_date:
        raise InvalidInput(f"tahap {phase.number} harus mulai di dalam masa PKS", "phases")
    if not 0 < phase.quota <= MAX_QUOTA:
        raise InvalidInput(f"kuota tahap {phase.number} harus 1 sampai "
                           f"{format_number(MAX_QUOTA)}", "phases")
    total = sum(p.quota for p in agreement.phases if p.number != phase.number) + phase.quota
    if total > agreement.quota:
        raise InvalidInput(f"jumlah kuota tahap ({total}) melebihi kuota PKS ({agreement.quota})",
                           "phases")


def add_phase(session: Session, code: str, phase: PhaseTerms, *, actor: str) -> AgreementPhase:
    agreement = get_agreement(session, code)
    if any(p.number == phase.number for p in agreement.phases):
        raise Conflict(f"tahap {phase.number} sudah ada pada PKS {code}")
    _check_phase(agreement, phase)
    row = AgreementPhase(number=phase.number, start_date=phase.start_date, quota=phase.quota)
    agreement.phases.append(row)
    session.flush()
    record(session, actor=actor, action="agreement.add_phase", entity="agreement",
           entity_id=code, pemda_id=agreement.pemda_id, after={"number": phase.number,
                                  "start_date": phase.start_date.isoformat(),
                                  "quota": phase.quota})
    return row


def amend_agreement(session: Session, code: str, changes: dict[str, Any], *, effective: date,
                    reason: str, actor: str) -> AgreementAmendment:
    """An addendum: change some terms, keeping the terms before and after in the history."""
    agreement = get_agreement(session, code)
    unknown = set(changes) - set(AMENDABLE_FIELDS)
    if unknown:
        raise InvalidInput(f"tidak dapat diubah dengan addendum: {', '.join(sorted(unknown))}",
                           "changes")
    reason = required_text(reason, label="alasan addendum", field="reason",
                           max_length=MAX_TEXT)
    if not MIN_DATE <= effective <= MAX_DATE:
        raise InvalidInput("tanggal berlaku addendum tidak masuk akal", "effective")
    for field, label, limit in (("number", "nomor PKS", 120), ("title", "judul PKS", 250)):
        if field in changes:
            changes[field] = clean_text(changes[field], label=label, field=field,
                                        max_length=limit)
    before = agreement.terms()
    for field, value in changes.items():
        setattr(agreement, field, value)
    _check_terms(session, agreement)
    if agreement.quota < count_open_memberships(session, agreement.id):
        raise Conflict("kuota baru lebih kecil dari jumlah peserta yang sudah terdaftar")
    after = agreement.terms()
    diff = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    amendment = AgreementAmendment(number=len(agreement.amendments) + 1, effective_date=effective,
                                   reason=reason, changes=diff, actor=actor)
    agreement.amendments.append(amendment)
    session.flush()
    record(session, actor=actor, action="agreement.amend", entity="agreement", entity_id=code,
           pemda_id=agreement.pemda_id,
           before={k: v[0] for k, v in diff.items()}, after={k: v[1] for k, v in diff.items()},
           detail={"amendment": amendment.number, "effective": effective.isoformat(),
                   "reason": reason})
    return amendment


def lock_agreement(session: Session, agreement: Agreement) -> None:
    """Hold the agreement until the transaction ends, so that changes of its members (an
    import, a counter enrolment) run one after the other: each then counts the quota and the
    members already there with the other's rows included.

    PostgreSQL: ``SELECT ... FOR UPDATE``. SQLite: a write to the row takes the database's one
    write lock (a writer that cannot get it in time answers "database busy", never a
    duplicate).
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(Agreement.id).where(Agreement.id == agreement.id)
                        .with_for_update())
    else:
        session.execute(update(Agreement).where(Agreement.id == agreement.id)
                        .values(updated_at=Agreement.updated_at))


def count_open_memberships(session: Session, agreement_id: int,
                           phase_number: int | None = None) -> int:
    """Memberships that use the quota: proposed, submitted or active."""
    query = select(func.count()).select_from(Membership).where(
        Membership.agreement_id == agreement_id, Membership.status.in_(OPEN_STATUSES))
    if phase_number is not None:
        query = query.where(Membership.phase_number == phase_number)
    return int(session.scalar(query) or 0)


def quota_usage(session: Session, agreement: Agreement) -> dict[str, Any]:
    """How much of the quota (and of each phase's quota) is used, by status."""
    rows = session.execute(
        select(Membership.status, Membership.phase_number, func.count())
        .where(Membership.agreement_id == agreement.id)
        .group_by(Membership.status, Membership.phase_number)).all()
    by_status: dict[str, int] = {}
    by_phase: dict[int, int] = {}
    for status, phase, count in rows:
        by_status[status] = by_status.get(status, 0) + count
        if phase is not None and status in OPEN_STATUSES:
            by_phase[phase] = by_phase.get(phase, 0) + count
    used = sum(n for s, n in by_status.items() if s in OPEN_STATUSES)
    return {"quota": agreement.quota, "used": used, "by_status": by_status,
            "phases": [{"number": p.number, "start_date": p.start_date.isoformat(),
                        "quota": p.quota, "used": by_phase.get(p.number, 0)}
                       for p in agreement.phases]}
