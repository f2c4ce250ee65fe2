"""Roster import and the BPJS exchange as a principal may do them: scope enforced here.

- import: ``roster.import``, into agreements in the principal's scope; an OPD operator's rows
  without an OPD column are recorded as their own agency's (their scope of members);
- submission export: ``exchange.export``; answer import: ``exchange.answer``; both only for
  agreements in scope (a BPJS officer: agreements signed with their branch).

The services do the work and write the audit log; these functions only decide who may.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lindung.accounts.permissions import Principal
from lindung.agreements.access import agreement_in_scope
from lindung.agreements.models import Agreement
from lindung.audit.service import record
from lindung.enrollment.exchange import (
    AnswerResult,
    SubmissionResult,
    export_submission,
    import_answer,
)
from lindung.enrollment.models import Membership
from lindung.enrollment.report import write_report
from lindung.enrollment.service import ImportReport, import_roster
from lindung.errors import InvalidInput
from lindung.limits import MAX_UPLOAD_BYTES


def importable_agreements(session: Session, principal: Principal) -> list[Agreement]:
    """Agreements the principal may import a roster into."""
    principal.require("roster.import")
    return list(session.scalars(select(Agreement).where(principal.agreement_filter(Agreement))
                                .order_by(Agreement.start_date.desc(), Agreement.code)))


def import_for(session: Session, principal: Principal, path: Path, code: str, *,
               dry_run: bool, all_or_nothing: bool = False,
               phase: int | None = None) -> ImportReport:
    """Check (``dry_run``) or import a roster file into an agreement in the principal's scope."""
    principal.require("roster.import")
    agreement = agreement_in_scope(session, principal, code)
    if phase is not None and phase not in {p.number for p in agreement.phases}:
        raise InvalidInput(f"PKS {code} tidak memiliki tahap {phase}", "phase")
    # An OPD or village operator imports only their own people (their scope of members).
    agency = principal.organisation_name if principal.scope_role == "opd_operator" else None
    village = principal.region_code if principal.scope_role == "village_operator" else None
    return import_roster(session, path, agreement.code, actor=principal.actor, dry_run=dry_run,
                         all_or_nothing=all_or_nothing, phase=phase, agency=agency,
                         village=village, principal=principal, max_bytes=MAX_UPLOAD_BYTES)


def report_for(session: Session, principal: Principal, report: ImportReport,
               out: Path) -> Path:
    """The per-row problem report as XLSX; the download is audited (it repeats cell values)."""
    principal.require("roster.import")
    agreement = agreement_in_scope(session, principal, report.agreement)
    write_report(report, out)
    record(session, actor=principal.actor, action="roster.export_report", entity="agreement",
           pemda_id=agreement.pemda_id,
           entity_id=report.agreement,
           detail={"file": report.file_name, "problems": report.problems.height})
    return out


def exchange_agreements(session: Session, principal: Principal) -> list[dict[str, object]]:
    """Agreements in scope with their members by status: what is waiting to go to BPJS."""
    principal.require("exchange.export")
    agreements = list(session.scalars(select(Agreement).where(
        principal.agreement_filter(Agreement)).order_by(Agreement.start_date.desc(),
                                                        Agreement.code)))
    counts: dict[int, dict[str, int]] = {}
    if agreements:
        for agreement_id, status, n in session.execute(
                select(Membership.agreement_id, Membership.status, func.count())
                .where(Membership.agreement_id.in_([a.id for a in agreements]))
                .group_by(Membership.agreement_id, Membership.status)):
            counts.setdefault(agreement_id, {})[status] = int(n)
    return [{"agreement": a, "counts": counts.get(a.id, {})} for a in agreements]


def export_for(session: Session, principal: Principal, code: str,
               out: Path) -> SubmissionResult:
    """The branch's registration file of an agreement in scope; its members become submitted."""
    principal.require("exchange.export")
    agreement = agreement_in_scope(session, principal, code)
    return export_submission(session, agreement.code, out, actor=principal.actor)


def answer_for(session: Session, principal: Principal, path: Path,
               code: str) -> AnswerResult:
    """Apply the branch's answer to an agreement in scope.

    The agreement is required: the answer may only touch memberships the principal can see,
    and a NIK submitted under an agreement outside the scope is reported as not found.
    """
    principal.require("exchange.answer")
    agreement = agreement_in_scope(session, principal, code)
    return import_answer(session, path, actor=principal.actor, agreement_code=agreement.code)
