"""Changing agreements: create, amend (a new period of terms), add a phase, assign a payer.

Every change is one ``do_*`` action that checks who may make it, validates against the law
and the reference data, writes the rows and the audit event in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Protocol

from babel.dates import format_date
from sqlalchemy import select
from sqlalchemy.orm import Session

from lindung.agreements.models import (
    Agreement,
    AgreementAmendment,
    AgreementPhase,
    AgreementTerms,
    FundingSource,
    PayerAssignment,
)
from lindung.agreements.queries import (
    agreement_for,
    organisation_codes,
    remaining_cost,
)
from lindung.agreements.terms import (
    START_RULES,
    TERM_FIELDS,
    TERM_LABELS,
    contribution_inputs,
    latest_terms,
)
from lindung.audit.service import record
from lindung.errors import Conflict, InvalidInput
from lindung.formatting import format_date_id, format_number, format_rupiah
from lindung.limits import MAX_DATE, MAX_PHASE, MAX_QUOTA, MAX_RUPIAH, MAX_TEXT, MIN_DATE
from lindung.organisations.models import Organisation
from lindung.organisations.queries import organisations_under
from lindung.principal import Forbidden, Principal
from lindung.registry.models import Region
from lindung.rules import InvalidContribution, contribution
from lindung.rules.contributions import PROGRAMMES, SEGMENTS
from lindung.text import clean_code, clean_text, required_text


class MemberCount(Protocol):
    """Open memberships of an agreement (of one phase when the number is given; with ``on``,
    those not ended before that day): enrollment's ``open_members``, passed in because
    agreements sit below enrollment."""

    def __call__(self, session: Session, agreement: Agreement,
                 phase_number: int | None = None, *, on: date | None = None) -> int: ...

SELF = "self"
"""The payer code meaning the worker pays himself."""


@dataclass(frozen=True)
class PhaseTerms:
    number: int
    start_date: date
    quota: int


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _terms_dict(terms: AgreementTerms, codes: dict[int, str]) -> dict[str, Any]:
    """Terms under their CLI names, plain values (history, audit)."""
    values = {name: _plain(getattr(terms, column)) for name, column in TERM_FIELDS.items()}
    if terms.payer_id is not None:
        values["payer"] = codes.get(terms.payer_id)
    else:
        values["payer"] = SELF if terms.funding_source_code == "self" else None
    return values


def _payer_id(session: Session, agreement: Agreement, code: str | None,
              funding: str) -> int | None:
    """The payer organisation named by ``code`` (None/``self``: the worker himself). A payer is
    the agreement's Pemda, an organisation under it (an OPD, a village, a counter) or a
    donor."""
    if funding == "self":
        if code not in (None, "", SELF):
            raise InvalidInput("sumber dana 'self' berarti pekerja membayar sendiri: jangan "
                               "sebut pembayar lain", "payer")
        return None
    if code in (None, ""):
        return agreement.pemda_id
    if code == SELF:
        raise InvalidInput("pekerja membayar sendiri hanya dengan sumber dana 'self'", "payer")
    org = session.scalar(select(Organisation).where(Organisation.code == code[:40]))
    allowed = ({o.id for o in organisations_under(session, agreement.pemda_id)}
               if agreement.pemda_id is not None else set())
    if org is None or (org.id not in allowed and org.kind != "donor"):
        raise InvalidInput(f"pembayar {code[:40]!r} bukan Pemda ini, organisasi di bawahnya, "
                           "atau donatur yang dikenal", "payer")
    if funding == "csr" and org.kind != "donor":
        raise InvalidInput("dana CSR dibayar oleh donatur: sebut kode donaturnya", "payer")
    return org.id


def _check_terms(session: Session, agreement: Agreement, terms: AgreementTerms) -> None:
    """Refuse terms the law or the reference data cannot accept, with the field named."""
    if agreement.segment not in SEGMENTS:
        raise InvalidInput(f"segmen harus salah satu dari {', '.join(SEGMENTS)}", "segment")
    if session.get(Region, agreement.region_code) is None:
        raise InvalidInput(f"kode wilayah {agreement.region_code!r} tidak dikenal (Kemendagri)",
                           "region")
    if session.get(FundingSource, terms.funding_source_code) is None:
        raise InvalidInput(f"sumber dana {terms.funding_source_code!r} tidak dikenal",
                           "funded_by")
    if terms.end_date < terms.start_date:
        raise InvalidInput("tanggal akhir PKS sebelum tanggal mulai", "end")
    if terms.start_date < MIN_DATE or terms.end_date > MAX_DATE:
        raise InvalidInput(f"masa PKS harus di antara {format_date_id(MIN_DATE)} dan "
                           f"{format_date_id(MAX_DATE)}", "start")
    if not 0 < terms.quota <= MAX_QUOTA:
        raise InvalidInput(f"kuota harus 1 sampai {format_number(MAX_QUOTA)}", "quota")
    for name, label, value in (("budget_ceiling", "pagu anggaran", terms.budget_ceiling),
                               ("income", "penghasilan", terms.declared_income),
                               ("wage", "upah", terms.wage)):
        if value is not None and not 0 <= value <= MAX_RUPIAH:
            raise InvalidInput(f"{label} harus Rp0 sampai {format_rupiah(MAX_RUPIAH)}", name)
    if terms.start_rule is not None and terms.start_rule not in START_RULES:
        raise InvalidInput("mulai kepesertaan harus 'usulan' atau 'tahap'", "start_rule")
    if terms.risk_class is not None and not 1 <= terms.risk_class <= 5:
        raise InvalidInput("kelas risiko JKK harus 1 sampai 5", "risk_class")
    if terms.contract_months is not None and not 1 <= terms.contract_months <= 120:
        raise InvalidInput("lama kontrak harus 1 sampai 120 bulan", "contract_months")
    unknown = [p for p in terms.program_list if p not in PROGRAMMES]
    if unknown or not terms.program_list:
        raise InvalidInput("program harus dipilih dari "
                           f"{', '.join(p.upper() for p in PROGRAMMES)}", "programs")
    # The contribution basis must be one the law can price on the first day of the terms.
    try:
        contribution(agreement.segment, terms.start_date, **contribution_inputs(
            agreement.segment, terms, terms.start_date))
    except InvalidContribution as exc:
        raise InvalidInput("; ".join(e.message_id for e in exc.errors), "programs") from exc


def _check_phase(terms: AgreementTerms, phases: list[AgreementPhase],
                 phase: PhaseTerms) -> None:
    if not 1 <= phase.number <= MAX_PHASE:
        raise InvalidInput(f"nomor tahap harus 1 sampai {MAX_PHASE}", "phases")
    if not terms.start_date <= phase.start_date <= terms.end_date:
        raise InvalidInput(f"tahap {phase.number} harus mulai di dalam masa PKS", "phases")
    if not 0 < phase.quota <= MAX_QUOTA:
        raise InvalidInput(f"kuota tahap {phase.number} harus 1 sampai "
                           f"{format_number(MAX_QUOTA)}", "phases")
    total = sum(p.quota for p in phases if p.number != phase.number) + phase.quota
    if total > terms.quota:
        raise InvalidInput(f"jumlah kuota tahap ({format_number(total)}) melebihi kuota PKS "
                           f"({format_number(terms.quota)})", "phases")


def _pemda_of_region(session: Session, region_code: str) -> Organisation | None:
    """The Pemda whose region is ``region_code`` or the nearest region above it (a village's
    agreement belongs to its regency, unless the village is itself recorded as a Pemda)."""
    parts = region_code.split(".")
    for depth in range(len(parts), 0, -1):
        pemda = session.scalar(select(Organisation).where(
            Organisation.kind == "pemda", Organisation.region_code == ".".join(parts[:depth])))
        if pemda is not None:
            return pemda
    return None


def do_create_agreement(
    session: Session, principal: Principal, *, code: str, region_code: str, segment: str,
    programs: list[str], funded_by: str, start: date, end: date, quota: int,
    declared_income: int | None = None, wage: int | None = None,
    risk_class: int | None = None, contract_months: int | None = None,
    number: str | None = None, title: str | None = None, budget_ceiling: int | None = None,
    branch_code: str | None = None, payer_code: str | None = None,
    pemda_code: str | None = None, phases: list[PhaseTerms] | None = None,
) -> Agreement:
    """Record a new PKS of the principal's Pemda (the system names the Pemda), in its region,
    signed with a BPJS branch. Its terms are checked against the law before anything is
    written; they are the agreement's first period of terms."""
    principal.require("agreements.write")
    code = clean_code(code, label="kode PKS", field="code", example="METRO-2026")
    number = clean_text(number, label="nomor PKS", field="number", max_length=120)
    title = clean_text(title, label="judul PKS", field="title", max_length=250)
    if principal.kind == "system":
        pemda = (session.scalar(select(Organisation).where(Organisation.code == pemda_code[:40]))
                 if pemda_code else _pemda_of_region(session, region_code))
        if pemda is None and session.get(Region, region_code[:20]) is None:
            raise InvalidInput(f"kode wilayah {region_code[:20]!r} tidak dikenal (Kemendagri)",
                               "region")
        if pemda is None or pemda.kind != "pemda":
            raise InvalidInput(
                f"{pemda_code[:40]!r} bukan Pemda yang dikenal" if pemda_code else
                f"belum ada Pemda untuk wilayah {region_code[:20]}: sebutkan Pemda-nya", "pemda")
    else:
        own = principal.region_code or ""
        if not own or not (region_code == own or region_code.startswith(f"{own}.")):
            raise Forbidden(f"wilayah {region_code} di luar wilayah kerja "
                            f"{principal.organisation_name}")
        pemda = session.get(Organisation, principal.pemda_id) if principal.pemda_id else None
    branch = None
    if branch_code is not None:
        branch = session.scalar(select(Organisation).where(Organisation.code == branch_code))
        if branch is None or branch.kind != "bpjs_branch":
            raise InvalidInput(f"{branch_code!r} bukan kantor cabang BPJS yang dikenal",
                               "branch")
    if session.scalar(select(Agreement.id).where(Agreement.code == code)) is not None:
        raise Conflict(f"PKS dengan kode {code!r} sudah ada")
    agreement = Agreement(code=code, number=number, title=title, region_code=region_code,
                          segment=segment, pemda_id=pemda.id if pemda else None,
                          branch_id=branch.id if branch else None)
    terms = AgreementTerms(
        valid_from=start, valid_to=None, programs=",".join(programs),
        funding_source_code=funded_by, declared_income=declared_income, wage=wage,
        risk_class=risk_class, contract_months=contract_months, quota=quota,
        budget_ceiling=budget_ceiling, start_date=start, end_date=end)
    _check_terms(session, agreement, terms)
    terms.payer_id = _payer_id(session, agreement, payer_code, funded_by)
    agreement.periods.append(terms)
    for phase in phases or []:
        _check_phase(terms, agreement.phases, phase)
        agreement.phases.append(AgreementPhase(number=phase.number, start_date=phase.start_date,
                                               quota=phase.quota))
    session.add(agreement)
    session.flush()
    codes = organisation_codes(session, {terms.payer_id})
    record(session, actor=principal.actor, action="agreement.create", entity="agreement",
           entity_id=agreement.code, pemda_id=agreement.pemda_id,
           after={**_terms_dict(terms, codes), "segment": segment, "region_code": region_code,
                  "number": number, "title": title,
                  "branch": branch.code if branch else None, "phases": phases or []})
    return agreement


AMENDABLE = (*TERM_FIELDS, "number", "title", "phases")
"""What an addendum may change: every term, the agreement's number and title, and new phases
(``phases``: a list of :class:`PhaseTerms`, added; a phase already recorded is not edited)."""

COST_TERMS = frozenset(TERM_FIELDS) - {"payer", "quota", "start_rule"}
"""Terms whose change can change what a member costs (the budget guard runs when one of them
changes)."""


def do_amend_agreement(session: Session, principal: Principal, code: str,
                       changes: dict[str, Any], *, effective: date, reason: str,
                       members: MemberCount) -> AgreementAmendment:
    """An addendum: a new period of terms from ``effective``, closing the period before it
    (never editing it). ``changes`` uses the terms' CLI names (``quota``, ``budget``,
    ``payer`` ...); unchanged terms carry over.

    Refused, with the figures: a quota below the members enrolled or below the sum of the
    phases; a quota raised on an agreement with phases without phases for the increase (new
    members always join a phase); a budget ceiling below what the members open on the
    effective date cost for the months that remain; an effective date before the latest period
    (an amendment already scheduled) begins. Nothing it says applies before ``effective``.
    """
    agreement = agreement_for(session, principal, code, write=True)
    unknown = sorted(set(changes) - set(AMENDABLE))
    if unknown:
        raise InvalidInput(f"tidak dapat diubah dengan addendum: {', '.join(unknown)}",
                           "changes")
    reason = required_text(reason, label="alasan addendum", field="reason",
                           max_length=MAX_TEXT)
    if not MIN_DATE <= effective <= MAX_DATE:
        raise InvalidInput("tanggal berlaku addendum tidak masuk akal", "effective")
    latest = latest_terms(agreement)
    first = min(agreement.periods, key=lambda p: p.id)
    if effective < latest.valid_from and latest.id != first.id:
        raise InvalidInput(f"sudah ada addendum yang berlaku mulai "
                           f"{format_date_id(latest.valid_from)}; addendum baru harus berlaku "
                           "pada atau setelah tanggal itu", "effective")
    codes = organisation_codes(session, {p.payer_id for p in agreement.periods})
    before = _terms_dict(latest, codes)
    new = AgreementTerms(valid_from=effective, valid_to=None,
                         **{column: getattr(latest, column) for column in TERM_FIELDS.values()})
    descriptive: dict[str, Any] = {}
    for name, value in changes.items():
        if name in ("number", "title"):
            descriptive[name] = clean_text(value, label=f"{name} PKS", field=name,
                                           max_length=120 if name == "number" else 250)
        elif name in ("payer", "phases"):
            continue
        elif name == "programs":
            new.programs = ",".join(value) if isinstance(value, list | tuple) else str(value)
        else:
            setattr(new, TERM_FIELDS[name], value)
    for name in ("programs", "funded_by", "start", "end", "quota"):
        if name in changes and changes[name] in (None, "", []):
            raise InvalidInput(f"{TERM_LABELS[name]} tidak boleh dikosongkan dengan addendum",
                               name)
    _check_terms(session, agreement, new)
    if "payer" in changes or "funded_by" in changes:
        new.payer_id = _payer_id(session, agreement, changes.get("payer"),
                                 new.funding_source_code)
    added = _new_phases(agreement, new, effective, changes.get("phases"))
    _guard_members(session, agreement, latest, new, effective=effective, added=added,
                   members=members, cost_changed=bool(COST_TERMS & set(changes)))
    codes.update(organisation_codes(session, {new.payer_id}))
    after = _terms_dict(new, codes)
    diff = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if added:
        phases_before = [_phase_dict(p.number, p.start_date, p.quota) for p in agreement.phases]
        diff["phases"] = [phases_before, phases_before + [
            _phase_dict(p.number, p.start_date, p.quota) for p in added]]
    for name, value in descriptive.items():
        if getattr(agreement, name) != value:
            diff[name] = [getattr(agreement, name), value]
            setattr(agreement, name, value)
    if not diff:
        raise InvalidInput("tidak ada yang diubah: isi paling sedikit satu ketentuan baru",
                           "changes")
    amendment = AgreementAmendment(number=len(agreement.amendments) + 1,
                                   effective_date=effective, reason=reason, changes=diff,
                                   actor=principal.actor)
    agreement.amendments.append(amendment)
    session.flush()
    latest.valid_to = effective - timedelta(days=1)  # closed; superseded when not yet begun
    new.amendment_id = amendment.id
    agreement.periods.append(new)
    for phase in added:
        agreement.phases.append(AgreementPhase(number=phase.number,
                                               start_date=phase.start_date, quota=phase.quota))
    session.flush()
    record(session, actor=principal.actor, action="agreement.amend", entity="agreement",
           entity_id=code, pemda_id=agreement.pemda_id,
           before={k: v[0] for k, v in diff.items()}, after={k: v[1] for k, v in diff.items()},
           detail={"amendment": amendment.number, "effective": effective, "reason": reason})
    return amendment


def _phase_dict(number: int, start: date, quota: int) -> dict[str, Any]:
    return {"number": number, "start_date": start.isoformat(), "quota": quota}


def _month_year(day: date) -> str:
    return str(format_date(day, "MMMM y", locale="id_ID"))


def _new_phases(agreement: Agreement, terms: AgreementTerms, effective: date,
                value: Any) -> list[PhaseTerms]:
    """Phases an amendment adds. Phases are not dated terms, so an amendment never edits one
    already recorded (that would change today's room even for an amendment effective next
    year); it adds phases that begin on or after its effective date and after the last phase,
    so the import reaches them only from their start (docs/decisions/0021)."""
    if value in (None, [], ()):
        return []
    if not isinstance(value, list | tuple) or len(value) > MAX_PHASE or \
            not all(isinstance(p, PhaseTerms) for p in value):
        raise InvalidInput("tahap baru harus berupa daftar tahap (nomor, tanggal mulai, kuota)",
                           "phases")
    known = list(agreement.phases)
    added: list[PhaseTerms] = []
    for phase in sorted(value, key=lambda p: p.number):
        if any(p.number == phase.number for p in known):
            raise InvalidInput(f"tahap {phase.number} sudah ada: addendum tidak mengubah tahap "
                               "yang sudah tercatat, tetapi dapat menambah tahap baru", "phases")
        last = max(known, key=lambda p: p.number, default=None)
        if last is not None and phase.number < last.number:
            raise InvalidInput(f"tahap baru harus bernomor setelah tahap {last.number}",
                               "phases")
        if phase.start_date < effective:
            raise InvalidInput(f"tahap {phase.number} harus mulai pada atau setelah tanggal "
                               f"berlaku addendum ({format_date_id(effective)})", "phases")
        if last is not None and phase.start_date < last.start_date:
            raise InvalidInput(f"tahap {phase.number} harus mulai pada atau setelah tahap "
                               f"{last.number} ({format_date_id(last.start_date)})", "phases")
        _check_phase(terms, [*known], phase)
        known.append(AgreementPhase(number=phase.number, start_date=phase.start_date,
                                    quota=phase.quota))
        added.append(phase)
    return added


def _guard_members(session: Session, agreement: Agreement, old: AgreementTerms,
                   new: AgreementTerms, *, effective: date, added: list[PhaseTerms],
                   members: MemberCount, cost_changed: bool) -> None:
    """New terms must still hold the members enrolled (quota, phases) and pay for those open on
    the effective date (budget ceiling); each refusal gives the figures."""
    enrolled = members(session, agreement)
    if new.quota < enrolled:
        raise Conflict(f"Kuota {format_number(new.quota)} lebih kecil dari jumlah peserta "
                       f"terdaftar {format_number(enrolled)} (diusulkan, dikirim ke BPJS atau "
                       "aktif): kuota tidak dapat diturunkan di bawah jumlah itu")
    phases = [*((p.number, p.quota) for p in agreement.phases),
              *((p.number, p.quota) for p in added)]
    phased = sum(quota for _, quota in phases)
    listing = ", ".join(f"tahap {n} {format_number(q)}" for n, q in phases)
    if phases and new.quota < phased:
        raise Conflict(f"Kuota {format_number(new.quota)} lebih kecil dari jumlah kuota tahap "
                       f"{format_number(phased)} ({listing}): tahap yang sudah tercatat tidak "
                       "dapat dikurangi dengan addendum")
    before_phased = sum(p.quota for p in agreement.phases)
    if agreement.phases and new.quota > old.quota and \
            new.quota - phased > old.quota - before_phased:
        extra = (new.quota - phased) - (old.quota - before_phased)
        raise Conflict(f"Kuota naik dari {format_number(old.quota)} menjadi "
                       f"{format_number(new.quota)}, tetapi jumlah kuota tahap tetap "
                       f"{format_number(phased)} ({listing}): peserta baru selalu masuk ke "
                       f"sebuah tahap, jadi tambahan {format_number(extra)} tidak dapat dipakai. "
                       "Tambahkan tahap baru untuk tambahan itu dalam addendum yang sama, "
                       f"mulai pada atau setelah {format_date_id(effective)}")
    if new.budget_ceiling is None or not cost_changed:
        return
    current = members(session, agreement, on=effective)
    if not current:
        return
    try:
        cost = remaining_cost(agreement, new, effective)
    except InvalidContribution as exc:
        raise InvalidInput("; ".join(e.message_id for e in exc.errors), "budget") from exc
    total = current * cost.per_member
    if new.budget_ceiling < total:
        span = (_month_year(cost.months[0]) if len(cost.months) == 1 else
                f"{_month_year(cost.months[0])} sampai {_month_year(cost.months[-1])}")
        raise Conflict(f"Pagu {format_rupiah(new.budget_ceiling)} lebih kecil dari biaya "
                       f"{format_number(current)} peserta saat ini {format_rupiah(total)} "
                       f"({len(cost.months)} bulan tersisa, {span}, "
                       f"{format_rupiah(cost.per_member)} per peserta): naikkan pagu atau "
                       "akhiri dulu kepesertaan yang tidak lagi dibiayai")


def do_add_phase(session: Session, principal: Principal, code: str,
                 phase: PhaseTerms) -> AgreementPhase:
    """A new phase (tahap) within the agreement's quota and period."""
    agreement = agreement_for(session, principal, code, write=True)
    if any(p.number == phase.number for p in agreement.phases):
        raise Conflict(f"tahap {phase.number} sudah ada pada PKS {agreement.code}")
    _check_phase(latest_terms(agreement), agreement.phases, phase)
    row = AgreementPhase(number=phase.number, start_date=phase.start_date, quota=phase.quota)
    agreement.phases.append(row)
    session.flush()
    record(session, actor=principal.actor, action="agreement.add_phase", entity="agreement",
           entity_id=agreement.code, pemda_id=agreement.pemda_id,
           after={"number": phase.number, "start_date": phase.start_date,
                  "quota": phase.quota})
    return row


def do_assign_payer(session: Session, principal: Principal, code: str, *,
                    payer_code: str | None, funded_by: str, effective: date,
                    phase_number: int | None = None,
                    group_code: str | None = None) -> PayerAssignment:
    """Name who pays for a group of the agreement's members from ``effective``: the members
    of one phase, of one organisation (an OPD from its own budget; the members enrolled at a
    service counter), or both. The assignment it replaces, if any, is closed the day before.
    To change the agreement's own payer, amend its terms (``payer``, ``funded_by``)."""
    agreement = agreement_for(session, principal, code, write=True)
    if phase_number is None and group_code is None:
        raise InvalidInput("sebut tahap atau kelompok (organisasi) yang dibayar; pembayar PKS "
                           "sendiri diubah dengan addendum", "group")
    if phase_number is not None and phase_number not in {p.number for p in agreement.phases}:
        raise InvalidInput(f"PKS {agreement.code} tidak memiliki tahap {phase_number}", "phase")
    if session.get(FundingSource, funded_by[:10]) is None:
        raise InvalidInput(f"sumber dana {funded_by[:10]!r} tidak dikenal", "funded_by")
    if not MIN_DATE <= effective <= MAX_DATE:
        raise InvalidInput("tanggal berlaku tidak masuk akal", "effective")
    group_id = None
    if group_code is not None:
        group = session.scalar(select(Organisation).where(Organisation.code == group_code[:40]))
        mine = ({o.id for o in organisations_under(session, agreement.pemda_id)}
                if agreement.pemda_id is not None else set())
        if group is None or group.id not in mine:
            raise InvalidInput(f"kelompok {group_code[:40]!r} bukan organisasi di bawah Pemda "
                               "PKS ini", "group")
        group_id = group.id
    payer_id = _payer_id(session, agreement, payer_code, funded_by)
    for old in agreement.payers:
        if (old.phase_number, old.group_id) == (phase_number, group_id) and \
                (old.valid_to is None or old.valid_to >= effective):
            if old.valid_from >= effective:
                raise Conflict("sudah ada penetapan pembayar untuk kelompok ini yang berlaku "
                               f"mulai {format_date_id(old.valid_from)}")
            old.valid_to = effective - timedelta(days=1)
    assignment = PayerAssignment(phase_number=phase_number, group_id=group_id,
                                 payer_id=payer_id, funding_source_code=funded_by,
                                 valid_from=effective)
    agreement.payers.append(assignment)
    session.flush()
    codes = organisation_codes(session, {payer_id, group_id})
    record(session, actor=principal.actor, action="agreement.assign_payer", entity="agreement",
           entity_id=agreement.code, pemda_id=agreement.pemda_id,
           after={"phase": phase_number, "group": codes.get(group_id) if group_id else None,
                  "payer": codes.get(payer_id) if payer_id else SELF,
                  "funded_by": funded_by, "effective": effective})
    return assignment
