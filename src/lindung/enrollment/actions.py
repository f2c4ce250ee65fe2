"""Changing enrolment: roster imports, the exchange with the BPJS branch, ending a membership,
enrolling one person (the counter), and looking a person up by NIK (an audited read).

Every change is one ``do_*`` action that checks who may make it and where, writes the rows and
the audit event in the caller's transaction; nothing half-written. A status change always goes
through :func:`change_status`, which keeps the step in the membership's history.

Imports: one batch path for 10 rows and 10 million: read every cell as text, validate
vectorised, check against the database in chunks, then write everything in ONE transaction (or
nothing). A dry run does all the checks and writes nothing but its audit event. Importing the
same file again changes nothing: people already enrolled under the agreement are unchanged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import String, any_, bindparam, func, insert, literal, null, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from lindung import clock
from lindung.agreements.models import Agreement, AgreementTerms, FundingSource
from lindung.agreements.queries import agreement_in_scope, payer_for
from lindung.agreements.terms import (
    agreement_terms_on,
    contract_months_of,
    contribution_inputs,
    latest_terms,
    member_start,
)
from lindung.audit.service import record
from lindung.db import bulk_insert, utcnow
from lindung.enrollment.connector import BranchConnector, FileExchange, connector_for
from lindung.enrollment.exchange import AnswerRow, proposals, write_submission
from lindung.enrollment.models import (
    DEFAULT_UPLOAD_RETENTION_DAYS,
    END_REASONS,
    MAX_UPLOAD_RETENTION_DAYS,
    Membership,
    MembershipEvent,
    MembershipOverride,
    RosterImport,
    UploadRetention,
)
from lindung.enrollment.queries import (
    WorkerSummary,
    chunks,
    member_terms_on,
    open_members,
    open_memberships_of,
    summary,
    visible,
    visible_memberships,
    visible_workers,
)
from lindung.enrollment.report import (
    PROBLEM_SCHEMA,
    ImportReport,
    problem,
    problems_frame,
    rejected_rows,
)
from lindung.enrollment.roster_read import read_roster, trailing_note, validate_roster
from lindung.enrollment.uploads import KEY, expired, remove, retention_days, stored
from lindung.errors import Conflict, InvalidInput, NotFound
from lindung.formatting import format_date_id, format_number, format_rupiah
from lindung.limits import MAX_RUPIAH, MAX_TEXT
from lindung.organisations.models import Organisation
from lindung.organisations.queries import organisations_under
from lindung.principal import Forbidden, Principal
from lindung.registry.models import Occupation, Worker, occupation_in_reach
from lindung.registry.nik import check_nik, mask_nik
from lindung.registry.normalize import name_key, to_name_key
from lindung.rules import (
    ROW_ERRORS,
    InvalidContribution,
    contribution,
    contributions,
    load_parameters,
)
from lindung.text import required_text

Progress = Callable[[str, int, int], None]
"""Called as (stage, done, total) while a long import runs: drives the CLI's progress bar."""


# --- status changes ----------------------------------------------------------------------------


def change_status(session: Session, membership: Membership, to_status: str, *, actor: str,
                  reason: str | None = None, detail: dict[str, Any] | None = None,
                  new: bool = False) -> None:
    """Move a membership to ``to_status``, keeping the step in its history: the one way a
    status changes (the audit event is its action's). ``new``: the membership was just made
    (flushed, so it has its id); its first step comes from no status."""
    session.add(MembershipEvent(membership_id=membership.id,
                                from_status=None if new else membership.status,
                                to_status=to_status, reason=reason, actor=actor, detail=detail))
    membership.status = to_status


# --- roster import -----------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _phase_for(agreement: Agreement, terms: AgreementTerms, phase: int | None,
               today: date) -> tuple[int | None, date]:
    """The phase new members join and the date their membership starts."""
    if not agreement.phases:
        if phase is not None:
            raise InvalidInput(f"PKS {agreement.code} tidak memiliki tahap", "phase")
        return None, terms.start_date
    if phase is None:
        started = [p for p in agreement.phases if p.start_date <= today]
        chosen = started[-1] if started else agreement.phases[0]
    else:
        found = [p for p in agreement.phases if p.number == phase]
        if not found:
            raise InvalidInput(f"PKS {agreement.code} tidak memiliki tahap {phase}", "phase")
        chosen = found[0]
    return chosen.number, chosen.start_date


def _rows_problem(frame: pl.DataFrame, field_name: str, value: pl.Expr | None, message: pl.Expr,
                  what_to_do: str, severity: str = "error") -> pl.DataFrame:
    """Problems for every row of ``frame``, built column-wise (no per-row Python)."""
    return frame.select(
        pl.col("row").cast(pl.Int64),
        pl.lit(field_name).alias("field"),
        (value if value is not None else pl.lit(None)).cast(pl.String).alias("value"),
        message.cast(pl.String).alias("message"),
        pl.lit(what_to_do).alias("what_to_do"),
        pl.lit(severity).alias("severity"),
    )


def _occupation_frame(session: Session, pemda_id: int | None) -> pl.DataFrame:
    """One row per way of writing an occupation (code, name, aliases) -> its code and group:
    the central taxonomy and the entries of the agreement's own Pemda (theirs first)."""
    keys: list[str] = []
    codes: list[str] = []
    groups: list[str] = []
    risks: list[int | None] = []
    for o in session.scalars(select(Occupation).where(occupation_in_reach(pemda_id))
                             .order_by(Occupation.pemda_id.is_(None), Occupation.code)):
        for alias in (o.code, o.code.replace("_", " "), o.name, *o.aliases):
            keys.append(alias)
            codes.append(o.code)
            groups.append(o.group)
            risks.append(o.risk_class)
    frame = pl.DataFrame({"alias": keys, "occupation_code": codes, "occupation_group": groups,
                          "occupation_risk": pl.Series(risks, dtype=pl.Int64)})
    return (frame.with_columns(name_key(frame["alias"]).alias("occupation_key"))
            .drop("alias").drop_nulls("occupation_key")
            .unique("occupation_key", keep="first", maintain_order=True))


def _agency_frame(session: Session, pemda_id: int | None) -> pl.DataFrame:
    """The Pemda's organisations a roster's OPD column may name (by name or code) -> id."""
    keys: list[str] = []
    ids: list[int] = []
    if pemda_id is not None:
        for org in organisations_under(session, pemda_id):
            for written in (org.name, org.code, org.code.replace("-", " ")):
                keys.append(written)
                ids.append(org.id)
    frame = pl.DataFrame({"alias": keys, "agency_id": pl.Series(ids, dtype=pl.Int64)})
    return (frame.with_columns(name_key(frame["alias"]).alias("agency_key")).drop("alias")
            .drop_nulls("agency_key").unique("agency_key", keep="first", maintain_order=True))


def do_import_roster(
    session: Session, principal: Principal, path: Path, agreement_code: str, *,
    dry_run: bool = False, all_or_nothing: bool = False, phase: int | None = None,
    today: date | None = None, progress: Progress | None = None,
    max_bytes: int | None = None,
) -> ImportReport:
    """Validate a roster against an agreement in the principal's scope and, unless
    ``dry_run``, enrol its valid rows (with ``all_or_nothing`` a single error writes nothing).

    An OPD operator imports only their own OPD's people and a village operator only their own
    village's: a row without one is recorded as theirs, a row naming another is refused. Of a
    person already enrolled under an agreement outside the principal's scope the report says
    only that, never which agreement (docs/decisions/0009). A commit locks the agreement first,
    so two imports into it run one after the other and the second finds the first's members
    unchanged. A dry run is audited as a lookup (it reads who is already registered).
    """
    principal.require("roster.import")
    agreement = agreement_in_scope(session, principal, agreement_code, write=True)
    today = today or clock.today()
    tick: Progress = progress or (lambda _stage, _done, _total: None)
    if not dry_run:
        lock_agreement(session, agreement)
    phase_number, phase_start = _phase_for(agreement, agreement_terms_on(agreement, today),
                                           phase, today)
    # Covered from the later of the phase start and today, unless the terms say from the phase
    # (agreements.terms.START_RULES): the date that goes to BPJS and into the costing.
    start = member_start(agreement_terms_on(agreement, phase_start), phase_start, today)
    terms = agreement_terms_on(agreement, start)
    roster = read_roster(path, max_bytes=max_bytes)
    tick("baca", 1, 1)
    if roster.file_errors:
        problems = problems_frame(problem(1, "(berkas)", path.name, message,
                                          "perbaiki berkas lalu unggah ulang")
                                  for message in roster.file_errors)
        return ImportReport(path.name, agreement.code, roster.frame.height, 0, 0,
                            roster.frame.height, problems, dry_run, False)

    validation = validate_roster(roster, today=today, area_code=agreement.region_code)
    notes = [note for note in (trailing_note(roster.trailing_rows),) if note]
    problem_parts = [validation.problems.select(list(PROBLEM_SCHEMA)).cast(PROBLEM_SCHEMA)]  # type: ignore[arg-type]
    tick("validasi", 1, 1)

    # --- occupations, the operator's own rows, funding-source constraints ---------------------
    funding = session.get(FundingSource, terms.funding_source_code)
    assert funding is not None
    clean = (validation.clean
             .with_columns(name_key(validation.clean["occupation"].fill_null(""))
                           .alias("occupation_key"),
                           name_key(validation.clean["agency"].fill_null("")).alias("agency_key"))
             .join(_occupation_frame(session, agreement.pemda_id), on="occupation_key",
                   how="left")
             .join(_agency_frame(session, agreement.pemda_id), on="agency_key", how="left")
             .sort("row"))
    if principal.scope_role == "opd_operator":
        others = clean.filter(pl.col("agency").is_not_null()
                              & pl.col("agency_id").ne_missing(principal.organisation_id))
        problem_parts.append(_rows_problem(
            others, "agency", pl.col("agency"),
            pl.lit("baris ini untuk OPD lain; Anda hanya dapat mendaftarkan pekerja "
                   f"{principal.organisation_name}"),
            "kosongkan kolom OPD atau serahkan baris ini kepada operator OPD tersebut"))
        clean = clean.with_columns(pl.lit(principal.organisation_name).alias("agency"),
                                   pl.lit(principal.organisation_id).alias("agency_id"))
    else:
        unknown_agency = clean.filter(pl.col("agency").is_not_null()
                                      & pl.col("agency_id").is_null())
        problem_parts.append(_rows_problem(
            unknown_agency, "agency", pl.col("agency"),
            pl.lit("OPD ini belum terdaftar sebagai organisasi Pemda: pesertanya hanya terlihat "
                   "oleh admin Pemda"),
            "minta admin Pemda menambahkan OPD ini, atau tulis nama OPD seperti terdaftar",
            "warning"))
    if principal.scope_role == "village_operator" and principal.region_code:
        village = principal.region_code
        others = clean.filter(pl.col("village_code").is_not_null()
                              & (pl.col("village_code") != village))
        problem_parts.append(_rows_problem(
            others, "village", pl.col("village_code"),
            pl.lit(f"baris ini untuk desa/kelurahan lain; Anda hanya dapat mendaftarkan warga "
                   f"desa/kelurahan Anda ({village})"),
            "kosongkan kolom desa atau serahkan baris ini kepada operator desanya"))
        clean = clean.with_columns(pl.col("village_code").fill_null(village))
    # An occupation the taxonomy does not know is kept as written, with the default risk
    # class of the law's data: the row is not refused for it (issue 9).
    params = load_parameters()
    default_risk = int(params.at("pu.jkk.default_risk_class", start).value)
    unknown = clean.filter(pl.col("occupation").is_not_null()
                           & (pl.col("occupation").str.strip_chars() != "")
                           & pl.col("occupation_code").is_null())
    problem_parts.append(_rows_problem(
        unknown, "occupation", pl.col("occupation"),
        pl.format("pekerjaan '{}' belum ada di daftar pekerjaan; disimpan seperti tertulis "
                  "dengan kelas risiko JKK {}", pl.col("occupation"), pl.lit(default_risk)),
        "bila ada di Daftar pekerjaan (halaman Unggah daftar), tulis namanya seperti di daftar; "
        "bila tidak, minta admin Pemda menambahkannya", "warning"))
    clean = clean.with_columns(
        pl.when(pl.col("occupation_code").is_null() & pl.col("occupation").is_not_null()
                & (pl.col("occupation").str.strip_chars() != ""))
        .then(pl.col("occupation")).otherwise(None).alias("occupation_text"))
    if funding.occupation_groups is not None:
        outside = clean.filter(~pl.col("occupation_group").is_in(funding.occupation_groups)
                               | pl.col("occupation_group").is_null())
        problem_parts.append(_rows_problem(
            outside, "occupation", pl.col("occupation"),
            pl.lit(f"sumber dana {funding.name} hanya untuk pekerjaan kelompok "
                   f"{', '.join(funding.occupation_groups)}"),
            "pindahkan baris ini ke PKS dengan sumber dana lain"))
    if funding.same_village_only:
        elsewhere = clean.filter(pl.col("village_code").ne_missing(agreement.region_code))
        problem_parts.append(_rows_problem(
            elsewhere, "village", pl.col("village_code"),
            pl.lit(f"{funding.name} hanya untuk warga desa {agreement.region_code} sendiri"),
            "daftarkan orang ini melalui PKS desanya"))

    # --- who pays for each row's group, and can the row be priced under the terms? ------------
    groups = clean["agency_id"].unique().to_list()
    funding_of = {g: payer_for(agreement, start, phase_number=phase_number,
                               group_id=g).funding_source_code for g in groups}
    clean = clean.with_columns(pl.col("agency_id").replace_strict(
        list(funding_of), list(funding_of.values()), return_dtype=pl.String)
        .alias("funding_source_code") if groups else pl.lit(None, dtype=pl.String)
        .alias("funding_source_code"))
    segment = agreement.segment
    nothing = pl.lit(None, dtype=pl.Int64)
    clean = clean.with_columns(
        (pl.lit(terms.risk_class, dtype=pl.Int64).fill_null(pl.col("occupation_risk"))
         .fill_null(default_risk) if segment == "pu" else nothing).alias("risk_class"))
    priced = clean.select(
        pl.lit(segment).alias("segment"),
        (pl.col("income").fill_null(terms.declared_income) if segment == "bpu"
         else nothing).alias("declared_income"),
        (pl.col("income").fill_null(terms.wage) if segment in ("pu", "jakon")
         else nothing).alias("wage"),
        pl.col("risk_class"),
        pl.lit(terms.programs).alias("programs"),
        pl.col("funding_source_code").alias("funded_by"),
        pl.when(pl.col("occupation_group") == "transport").then(pl.lit("transport"))
        .otherwise(pl.col("occupation_code")).alias("occupation"),
        pl.lit(contract_months_of(segment, terms, start, params),
               dtype=pl.Int64).alias("contract_months"),
    )
    result = contributions(priced, start)
    refused = clean.select("row", "income").with_columns(result["errors"]) \
        .filter(result["valid"].not_())
    if refused.height:
        texts = {codes: "; ".join(ROW_ERRORS[c].message_id for c in codes.split(";"))
                 for codes in refused["errors"].unique().to_list()}
        problem_parts.append(_rows_problem(
            refused, "income", pl.col("income"),
            pl.col("errors").replace_strict(list(texts), list(texts.values())),
            "isi upah/penghasilan sesuai ketentuan PKS"))

    # --- the database: who is already known, and where ----------------------------------------
    tick("cek pekerjaan dan iuran", 1, 1)
    known = _known_workers(session, clean["nik"].to_list())
    tick("cek basis data", 1, 1)
    unchanged = pl.DataFrame(schema={"row": pl.Int64})
    if known.height:
        here = clean.join(known, on="nik", how="inner")
        # Of someone registered only outside the principal's scope, nothing is said here: not
        # even that the name on file differs.
        seen = visible_workers(session, principal, known["worker_id"].to_list())
        renamed = here.filter(pl.col("worker_id").is_in(list(seen))
                              & pl.col("name_key").is_not_null()
                              & pl.col("known_name_key").is_not_null()
                              & (pl.col("name_key") != pl.col("known_name_key")))
        problem_parts.append(_rows_problem(
            renamed, "name", None,
            pl.lit("nama berbeda dengan nama yang sudah terdaftar untuk NIK ini"),
            "periksa NIK dan nama di KTP/KK", "warning"))
        enrolled = open_memberships_of(session, known["worker_id"].to_list())
        if enrolled.height:
            joined = here.join(enrolled, on="worker_id", how="inner")
            unchanged = joined.filter(pl.col("agreement_id") == agreement.id).select("row")
            problem_parts.append(_clashes(session, principal, terms,
                                          joined.filter(pl.col("agreement_id") != agreement.id)))

    problems = pl.concat(problem_parts).sort(["row", "field"], nulls_last=True)
    bad = problems.filter(pl.col("severity") == "error").select("row").unique()
    candidates = (clean.join(bad, on="row", how="anti").join(unchanged, on="row", how="anti")
                  .sort("row"))

    # --- quota: a full PKS or phase is said once, with its figures, not once per row ---------
    taken = open_members(session, agreement)
    room, limit, where = terms.quota - taken, terms.quota, f"Kuota PKS {agreement.code}"
    if phase_number is not None:
        phase_row = next(p for p in agreement.phases if p.number == phase_number)
        phase_taken = open_members(session, agreement, phase_number)
        if phase_row.quota - phase_taken <= room:
            room, limit, taken = phase_row.quota - phase_taken, phase_row.quota, phase_taken
            where = f"Tahap {phase_number}"
    room = max(room, 0)
    quota_reasons = problems.clear()  # the rejected-rows sheet names the quota on every row
    if candidates.height > room:
        over = candidates.slice(room)
        candidates = candidates.head(room)
        first, last = over["row"].min(), over["row"].max()
        problems = pl.concat([problems, problems_frame([problem(
            int(first), "(kuota)", None,  # type: ignore[arg-type]
            f"{where} penuh: kuota {format_number(limit)} terpakai {format_number(taken)}; "
            f"{format_number(over.height)} baris tidak diterima karena kuota (baris "
            f"{format_number(int(first))} sampai {format_number(int(last))})"  # type: ignore[arg-type]
            + (f", {format_number(room)} baris sebelumnya diterima" if room else ""),
            "ajukan addendum kuota atau tahap baru, lalu unggah lagi baris-baris itu")])])
        quota_reasons = _rows_problem(over.slice(1), "(kuota)", None,
                                      pl.lit(f"{where} penuh"), "ajukan addendum kuota")
        bad = pl.concat([bad, over.select("row")])

    rejected = bad.height
    tick("cek aturan dan kuota", 1, 1)
    report = ImportReport(path.name, agreement.code, validation.rows_read, candidates.height,
                          unchanged.join(bad, on="row", how="anti").height, rejected, problems,
                          dry_run, False, notes=notes, start_date=start,
                          rejected_rows=rejected_rows(roster.frame, roster.columns,
                                                      bad["row"],
                                                      pl.concat([problems, quota_reasons])))
    report.notes.append(f"peserta baru terlindungi sejak {format_date_id(start)}"
                        + (f" (tahap {phase_number})" if phase_number is not None else "")
                        + (f": PKS sudah berakhir {format_date_id(terms.end_date)}, daftar ini "
                           "dicatat sebagai kepesertaan masa lalu" if today > terms.end_date
                           else ""))
    if dry_run or (all_or_nothing and rejected) or not candidates.height:
        if all_or_nothing and rejected and not dry_run:
            report.notes.append("tidak ada yang disimpan: semua-atau-tidak-sama-sekali dan ada "
                                "baris yang ditolak")
            report.accepted = 0
        # A dry run looked people up by NIK: it is audited like any other lookup.
        record(session, actor=principal.actor,
               action="roster.dry_run" if dry_run else "roster.import",
               entity="agreement", entity_id=agreement.code, pemda_id=agreement.pemda_id,
               detail={"file": path.name, "sha256": _sha256(path), "rows": report.rows,
                       "niks_looked_up": clean.height, "niks_known": known.height,
                       "accepted": report.accepted if dry_run else 0,
                       "unchanged": report.unchanged, "rejected": report.rejected,
                       "written": False})
        return report

    _write_members(session, principal, agreement, terms, path, report, candidates, known,
                   phase_number, start, tick, all_or_nothing)
    return report


def _clashes(session: Session, principal: Principal, terms: AgreementTerms,
             others: pl.DataFrame) -> pl.DataFrame:
    """Rows whose person is already covered, under another agreement, for a programme of
    ``terms``: named when the principal may see that membership, else said without where."""
    shown = visible_memberships(session, principal, others["membership_id"].to_list())
    mine = set(terms.program_list)
    rows = []
    for row, membership_id, code, fs, programs in others.select(
            "row", "membership_id", "agreement_code", "funding",
            "member_programs").iter_rows():
        overlap = mine & set(programs.split(","))
        if not overlap:
            continue
        names = ", ".join(sorted(p.upper() for p in overlap))
        if membership_id in shown:
            rows.append(problem(
                row, "nik", None, f"NIK sudah terdaftar pada PKS {code} (sumber dana "
                f"{fs.upper()}) untuk program {names}",
                "hapus baris ini atau akhiri dulu kepesertaan di PKS tersebut"))
        else:
            # Outside the principal's scope: only the fact that stops the row (one person, one
            # cover per programme), never where (docs/decisions/0009).
            rows.append(problem(
                row, "nik", None, f"orang ini sudah terdaftar untuk program {names} melalui "
                "PKS lain di luar wilayah kerja Anda",
                "hapus baris ini; bila ia harus pindah ke PKS ini, minta admin Pemda "
                "menghubungi kantor cabang BPJS"))
    return problems_frame(rows)


def _write_members(session: Session, principal: Principal, agreement: Agreement,
                   terms: AgreementTerms, path: Path, report: ImportReport,
                   candidates: pl.DataFrame, known: pl.DataFrame, phase_number: int | None,
                   start: date, tick: Progress, all_or_nothing: bool) -> None:
    """Write the accepted rows: new workers, memberships, their first history step, the batch
    and the audit event, all in the caller's transaction."""
    segment = agreement.segment
    nothing = pl.lit(None, dtype=pl.Int64)
    batch = RosterImport(agreement_id=agreement.id, file_name=path.name,
                         file_sha256=_sha256(path),
                         mode="all_or_nothing" if all_or_nothing else "valid_only",
                         rows=report.rows, accepted=report.accepted,
                         unchanged=report.unchanged, rejected=report.rejected,
                         warnings=report.warnings, actor=principal.actor)
    session.add(batch)
    session.flush()
    now = utcnow()
    fresh = candidates.join(known.select("nik"), on="nik", how="anti") if known.height \
        else candidates
    before = session.scalar(select(func.max(Worker.id))) or 0
    # in NIK order: the unique index is then built by appending, several times faster
    bulk_insert(session, "worker", fresh.sort("nik").select(
        "nik", "name", "name_key", "birth_date", "birth_place", "sex", "address",
        "village_code", "phone", created_at=pl.lit(now), updated_at=pl.lit(now)),
        progress=lambda done, total: tick("tulis pekerja", done, total))
    ids = _fetch_frame(session, select(Worker.id, Worker.nik).where(Worker.id > before),
                       {"worker_id": pl.Int64, "nik": pl.String})
    if known.height:
        ids = pl.concat([ids, known.select("worker_id", "nik")])
    take = candidates.join(ids, on="nik", how="inner").sort("row")
    assert take.height == candidates.height, "every accepted row has its worker"
    bulk_insert(session, "membership", take.select(
        "worker_id",
        agreement_id=pl.lit(agreement.id),
        phase_number=pl.lit(phase_number, dtype=pl.Int64),
        programs=pl.lit(terms.programs),
        occupation_code=pl.col("occupation_code"),
        occupation_text=pl.col("occupation_text"),
        funding_source_code=pl.col("funding_source_code"),
        agency=pl.col("agency"),
        agency_id=pl.col("agency_id"),
        declared_income=(pl.col("income").fill_null(terms.declared_income)
                         if segment == "bpu" else nothing),
        wage=(pl.col("income").fill_null(terms.wage) if segment in ("pu", "jakon")
              else nothing),
        risk_class=pl.col("risk_class"),
        start_date=pl.lit(start), end_date=pl.lit(terms.end_date),
        status=pl.lit("proposed"), roster_import_id=pl.lit(batch.id),
        source_row=pl.col("row"), created_at=pl.lit(now), updated_at=pl.lit(now)),
        progress=lambda done, total: tick("tulis kepesertaan", done, total))
    tick("tulis kepesertaan", 1, 1)
    session.execute(insert(MembershipEvent).from_select(
        ["membership_id", "at", "from_status", "to_status", "reason", "actor"],
        select(Membership.id, literal(now), null(), literal("proposed"),
               literal(f"impor {path.name}"), literal(principal.actor))
        .where(Membership.roster_import_id == batch.id)))
    tick("tulis riwayat", 1, 1)
    record(session, actor=principal.actor, action="roster.import", entity="agreement",
           entity_id=agreement.code, pemda_id=agreement.pemda_id,
           detail={"file": path.name, "sha256": batch.file_sha256, "rows": report.rows,
                   "accepted": report.accepted, "unchanged": report.unchanged,
                   "rejected": report.rejected, "import_id": batch.id, "written": True})
    report.committed = True
    report.import_id = batch.id


def _fetch_frame(session: Session, query: Any, schema: dict[str, Any]) -> pl.DataFrame:
    """A query's rows as a polars frame, fetched through the driver's cursor (no ORM rows)."""
    cursor = session.connection().exec_driver_sql(
        str(query.compile(session.get_bind(), compile_kwargs={"literal_binds": True})))
    return pl.DataFrame(cursor.fetchall(), schema=schema, orient="row")


def _known_workers(session: Session, niks: list[str]) -> pl.DataFrame:
    found: list[tuple[Any, ...]] = []
    postgres = session.get_bind().dialect.name == "postgresql"
    for chunk in chunks(sorted(set(niks))):
        where = (Worker.nik == any_(bindparam("niks", list(chunk), type_=ARRAY(String)))
                 if postgres else Worker.nik.in_(chunk))
        found.extend(tuple(r) for r in session.execute(
            select(Worker.id, Worker.nik, Worker.name_key).where(where)))
    return pl.DataFrame(found, schema={"worker_id": pl.Int64, "nik": pl.String,
                                       "known_name_key": pl.String}, orient="row")


def lock_agreement(session: Session, agreement: Agreement) -> None:
    """Hold the agreement until the transaction ends, so that changes of its members (an
    import, a counter enrolment) run one after the other: each then counts the quota and the
    members already there with the other's rows included.

    PostgreSQL: ``SELECT ... FOR UPDATE``. SQLite: a write takes the database's one write lock
    (a writer that cannot get it in time answers "database busy", never a duplicate).
    """
    from sqlalchemy import update

    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(Agreement.id).where(Agreement.id == agreement.id)
                        .with_for_update())
    else:
        session.execute(update(Agreement).where(Agreement.id == agreement.id)
                        .values(code=Agreement.code))


# --- the exchange with the branch ---------------------------------------------------------------


@dataclass
class SubmissionResult:
    agreement: str
    path: Path
    count: int


def do_export_submission(session: Session, principal: Principal, code: str,
                         out: Path) -> SubmissionResult:
    """The branch's registration file of every proposed member of an agreement in scope
    (NIK as text, no formula); they become ``submitted``."""
    principal.require("exchange.export")
    agreement = agreement_in_scope(session, principal, code, write=True)
    memberships = write_submission(session, agreement, out)
    for membership in memberships:
        change_status(session, membership, "submitted", actor=principal.actor,
                      reason=f"dikirim ke BPJS dalam {out.name}")
    record(session, actor=principal.actor, action="roster.export_submission",
           entity="agreement", entity_id=agreement.code, pemda_id=agreement.pemda_id,
           detail={"file": out.name, "count": len(memberships)})
    return SubmissionResult(agreement.code, out, len(memberships))


@dataclass
class AnswerResult:
    rows: int
    activated: int = 0
    rejected: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "activated": self.activated, "rejected": self.rejected,
                "unchanged": self.unchanged, "errors": self.errors}


def do_import_answer(session: Session, principal: Principal, path: Path,
                     agreement_code: str | None) -> AnswerResult:
    """Apply the branch's answer: KPJ numbers activate, rejections record their reason.

    Only memberships the principal may see are touched: a NIK submitted under an agreement
    outside the scope is reported as not found. ``agreement_code`` None (the system only):
    each NIK's own agreement. A row that cannot be applied is reported and the others applied,
    all in the caller's transaction.
    """
    principal.require("exchange.answer")
    agreement = (agreement_in_scope(session, principal, agreement_code, write=True)
                 if agreement_code else None)
    if agreement is None and principal.kind != "system":
        raise InvalidInput("sebutkan PKS yang dijawab", "agreement")
    fetched = FileExchange(answer=path).fetch_answers(agreement.code if agreement else "")
    result, touched = _apply_rows(session, principal, agreement, fetched.rows, fetched.problems)
    pemdas = {a.pemda_id for a in session.scalars(select(Agreement)
                                                  .where(Agreement.id.in_(touched)))}
    if agreement is not None:
        pemdas.add(agreement.pemda_id)
    record(session, actor=principal.actor, action="roster.import_answer", entity="membership",
           pemda_id=pemdas.pop() if len(pemdas) == 1 else None,
           detail={"file": path.name, **{k: v for k, v in result.to_dict().items()
                                        if k != "errors"}, "errors": len(result.errors)})
    return result


def _apply_rows(session: Session, principal: Principal, agreement: Agreement | None,
                rows: list[AnswerRow], problems: list[dict[str, Any]]
                ) -> tuple[AnswerResult, set[int]]:
    """Apply the branch's answers (from a file or a partner API) to memberships the principal
    may see; returns the counts and the agreements touched."""
    result = AnswerResult(rows=len(rows) + len(problems), errors=list(problems))
    touched: set[int] = set()
    for row, nik, accepted, kpj, reason in rows:
        query = (select(Membership).join(Worker, Worker.id == Membership.worker_id)
                 .join(Agreement, Agreement.id == Membership.agreement_id)
                 .where(Worker.nik == nik,
                        Membership.status.in_(("submitted", "active", "rejected")),
                        principal.agreement_filter(Agreement)))
        if agreement is not None:
            query = query.where(Membership.agreement_id == agreement.id)
        # A member proposed again after a refusal has one row per period under the agreement:
        # the answer is for the newest.
        newest = {m.agreement_id: m for m in session.scalars(query.order_by(Membership.id))}
        found = list(newest.values())
        if not found:
            result.errors.append({"row": row, "field": "nik", "value": None,
                                  "message": "tidak ada pendaftaran terkirim untuk NIK ini"})
            continue
        if len(found) > 1:
            result.errors.append({"row": row, "field": "nik", "value": None, "message":
                                  "NIK terkirim pada lebih dari satu PKS; sebutkan PKS-nya"})
            continue
        membership = found[0]
        touched.add(membership.agreement_id)
        outcome = _apply_answer(session, principal, membership, accepted, kpj, reason)
        if outcome == "unchanged":
            result.unchanged += 1
        elif outcome == "activated":
            result.activated += 1
        elif outcome == "rejected":
            result.rejected += 1
        else:
            result.errors.append({"row": row, "field": "status", "value": None,
                                  "message": outcome})
    result.errors.sort(key=lambda e: int(e["row"]))
    return result, touched


def _apply_answer(session: Session, principal: Principal, membership: Membership,
                  accepted: bool, kpj: str | None, reason: str | None) -> str:
    """One row of the answer: ``activated``, ``rejected``, ``unchanged``, or why not."""
    if accepted:
        if membership.status == "active" and membership.kpj == kpj:
            return "unchanged"
        if membership.status != "submitted":
            return f"kepesertaan berstatus {membership.status}, bukan terkirim"
        membership.kpj = kpj
        change_status(session, membership, "active", actor=principal.actor,
                      reason="diterima BPJS", detail={"kpj": kpj})
        return "activated"
    if membership.status == "rejected":
        return "unchanged"
    if membership.status != "submitted":
        return f"kepesertaan berstatus {membership.status}, bukan terkirim"
    membership.status_reason = reason or "ditolak tanpa alasan tertulis"
    change_status(session, membership, "rejected", actor=principal.actor, reason=reason)
    return "rejected"


@dataclass
class ExchangeOutcome:
    """Members handed to the branch through a connector, and the answers it gave at once."""

    agreement: str
    kind: str
    sent: int
    answers: AnswerResult
    where: str = ""


def branch_code_of(session: Session, agreement: Agreement) -> str:
    """The code of the BPJS branch the agreement is signed with (its exchange goes there)."""
    branch = session.get(Organisation, agreement.branch_id) if agreement.branch_id else None
    if branch is None:
        raise Conflict(f"PKS {agreement.code} belum terhubung ke kantor cabang BPJS; hubungi "
                       "admin Pemda")
    return branch.code


def submit_through(session: Session, principal: Principal, agreement: Agreement,
                   connector: BranchConnector, ids: list[int] | None = None) -> ExchangeOutcome:
    """Hand the proposed members of ``agreement`` (only ``ids`` when given) to the branch and
    apply the answers it gives at once. The connector is called before anything is written: if
    it fails (:class:`ConnectorError`), the members stay proposed. The audit event is the
    caller's action's."""
    found = proposals(session, agreement, ids)
    fetched = connector.submit(agreement.code, [member for _membership, member in found])
    how = "lewat API BPJS" if connector.kind == "api" else f"dalam {fetched.sent}"
    for membership, _member in found:
        change_status(session, membership, "submitted", actor=principal.actor,
                      reason=f"dikirim ke BPJS {how}")
    session.flush()
    sent = {member.nik: membership for membership, member in found}
    answers = AnswerResult(rows=len(fetched.rows) + len(fetched.problems),
                           errors=list(fetched.problems))
    for row, nik, accepted, kpj, reason in fetched.rows:
        answered = sent.get(nik)
        outcome = ("NIK ini tidak ada dalam pengiriman" if answered is None
                   else _apply_answer(session, principal, answered, accepted, kpj, reason))
        if outcome in ("activated", "rejected", "unchanged"):
            setattr(answers, outcome, getattr(answers, outcome) + 1)
        else:
            answers.errors.append({"row": row, "field": "nik", "value": None,
                                   "message": outcome})
    return ExchangeOutcome(agreement.code, connector.kind, len(found), answers, fetched.sent)


def do_submit_to_branch(session: Session, principal: Principal, code: str,
                        connector: BranchConnector | None = None) -> ExchangeOutcome:
    """Send every proposed member of an agreement in scope to its branch through the branch's
    connector (:func:`lindung.enrollment.connector.connector_for`: its partner API when one is
    configured); the answers given at once are applied. A connector that fails changes
    nothing: the refusal says so in words and the members stay proposed."""
    principal.require("exchange.export")
    agreement = agreement_in_scope(session, principal, code, write=True)
    chosen = connector or connector_for(branch_code_of(session, agreement))
    if not chosen.answers_at_once:
        raise Conflict(f"cabang BPJS PKS {agreement.code} bertukar berkas, bukan API: unduh "
                       "berkas pengiriman")
    outcome = submit_through(session, principal, agreement, chosen)
    record(session, actor=principal.actor, action="exchange.submit", entity="agreement",
           entity_id=agreement.code, pemda_id=agreement.pemda_id,
           detail={"connector": chosen.kind, "to": outcome.where, "count": outcome.sent,
                   **{k: v for k, v in outcome.answers.to_dict().items() if k != "errors"},
                   "errors": len(outcome.answers.errors)})
    return outcome


def do_fetch_answers(session: Session, principal: Principal, code: str,
                     connector: BranchConnector | None = None) -> AnswerResult:
    """Ask the branch's partner API for its answers on an agreement's submitted members and
    apply them (the file exchange's answers are uploaded: :func:`do_import_answer`)."""
    principal.require("exchange.answer")
    agreement = agreement_in_scope(session, principal, code, write=True)
    chosen = connector or connector_for(branch_code_of(session, agreement))
    if not chosen.answers_at_once:
        raise Conflict(f"cabang BPJS PKS {agreement.code} bertukar berkas, bukan API: unggah "
                       "berkas jawabannya")
    fetched = chosen.fetch_answers(agreement.code)
    result, _touched = _apply_rows(session, principal, agreement, fetched.rows,
                                   fetched.problems)
    record(session, actor=principal.actor, action="exchange.fetch_answers", entity="agreement",
           entity_id=agreement.code, pemda_id=agreement.pemda_id,
           detail={"connector": chosen.kind, "from": fetched.sent,
                   **{k: v for k, v in result.to_dict().items() if k != "errors"},
                   "errors": len(result.errors)})
    return result


apply_answer = _apply_answer
"""One answer of the branch applied to one membership (the counter's immediate answers)."""


# --- one membership ----------------------------------------------------------------------------


def _membership_to_change(session: Session, principal: Principal,
                          membership_id: int) -> Membership:
    """A membership the principal may change: in their scope, under their own Pemda's
    agreement (:func:`agreement_in_scope` with ``write``)."""
    found = session.execute(
        select(Membership, Agreement.code).join(Agreement, Agreement.id == Membership.agreement_id)
        .join(Worker, Worker.id == Membership.worker_id)
        .where(Membership.id == membership_id, principal.agreement_filter(Agreement),
               principal.membership_filter(Membership, Worker))).first()
    if found is None:
        raise NotFound(f"kepesertaan {membership_id} tidak ditemukan")
    agreement_in_scope(session, principal, found[1], write=True)
    return found[0]


def do_end_membership(session: Session, principal: Principal, membership_id: int, *,
                      reason: str, on: date) -> Membership:
    """End a membership in the principal's scope (death, agreement end, moved, duplicate, ...)
    from ``on``; kept forever with its history."""
    principal.require("roster.import")
    membership = _membership_to_change(session, principal, membership_id)
    if reason not in END_REASONS:
        raise InvalidInput(f"alasan berakhir harus salah satu dari {', '.join(END_REASONS)}",
                           "reason")
    if membership.status in ("ended", "rejected"):
        raise Conflict(f"kepesertaan sudah berstatus {membership.status}")
    if on < membership.start_date:
        raise InvalidInput("tanggal berakhir sebelum tanggal mulai kepesertaan", "on")
    agreement = session.get(Agreement, membership.agreement_id)
    last_day = membership.end_date or (latest_terms(agreement).end_date if agreement else None)
    if last_day is not None and on > last_day:
        raise InvalidInput(f"tanggal berakhir {format_date_id(on)} sesudah akhir kepesertaan "
                           f"{format_date_id(last_day)}; kepesertaan tidak dapat diperpanjang "
                           "dengan mengakhirinya", "on")
    before = {"status": membership.status, "end_date": membership.end_date}
    change_status(session, membership, "ended", actor=principal.actor, reason=reason,
                  detail={"on": on.isoformat()})
    membership.end_reason, membership.end_date = reason, on
    record(session, actor=principal.actor, action="membership.end", entity="membership",
           entity_id=membership.id, pemda_id=agreement.pemda_id if agreement else None,
           before=before, after={"status": "ended", "end_date": on, "end_reason": reason})
    return membership


@dataclass(frozen=True)
class PersonIn:
    """A person enrolled one at a time (at a counter): checked, cleaned values."""

    nik: str
    name: str
    birth_date: date
    sex: str
    phone: str | None


@dataclass(frozen=True)
class Enrolled:
    worker: Worker
    membership: Membership
    renewal: bool


def do_enrol_person(session: Session, principal: Principal, agreement: Agreement,
                    person: PersonIn, *, occupation_code: str, group: Organisation,
                    declared_income: int, start: date, end: date, reason: str,
                    detail: dict[str, Any]) -> Enrolled:
    """Propose one person under ``agreement`` from ``start`` to ``end`` (a counter's paid
    period): the worker is created when new; a person whose membership under this agreement has
    lapsed is proposed again on it (the earlier periods stay in its history). The membership is
    ``proposed``, like a roster member: covered only once the branch accepts it with a KPJ
    (:func:`submit_through`). The caller (the counter's action) has checked the person, the
    quota and the cover elsewhere, and holds the agreement's lock."""
    principal.require("counter.enrol")
    worker = session.scalar(select(Worker).where(Worker.nik == person.nik))
    if worker is None:
        worker = Worker(nik=person.nik, name=person.name,
                        name_key=to_name_key(person.name) or "", birth_date=person.birth_date,
                        sex=person.sex, phone=person.phone)
        session.add(worker)
        session.flush()
    elif person.phone and not worker.phone:
        worker.phone = person.phone
    payer = payer_for(agreement, start, group_id=group.id)
    existing = session.scalar(select(Membership).where(
        Membership.worker_id == worker.id, Membership.agreement_id == agreement.id)
        .order_by(Membership.id.desc()).limit(1))
    terms = agreement_terms_on(agreement, start)
    before: dict[str, Any] | None = None
    if existing is None:
        membership = Membership(
            worker_id=worker.id, agreement_id=agreement.id, programs=terms.programs,
            occupation_code=occupation_code, funding_source_code=payer.funding_source_code,
            agency=group.name, agency_id=group.id, declared_income=declared_income,
            start_date=start, end_date=end, status="proposed")
        session.add(membership)
        session.flush()
        change_status(session, membership, "proposed", actor=principal.actor, reason=reason,
                      detail=detail, new=True)
    else:
        membership = existing
        before = {"status": membership.status, "start_date": membership.start_date,
                  "end_date": membership.end_date}
        change_status(session, membership, "proposed", actor=principal.actor, reason=reason,
                      detail=detail)
        membership.start_date, membership.end_date = start, end
        membership.status_reason = None
        membership.end_reason = None
        membership.occupation_code, membership.declared_income = occupation_code, declared_income
    record(session, actor=principal.actor, action="membership.enrol", entity="membership",
           entity_id=membership.id, pemda_id=agreement.pemda_id, before=before,
           after={"status": "proposed", "agreement": agreement.code, "start_date": start,
                  "end_date": end, "nik": mask_nik(person.nik), "group": group.code})
    return Enrolled(worker, membership, before is not None)


# --- an audited read ---------------------------------------------------------------------------


def do_lookup_worker(session: Session, principal: Principal, nik: str) -> WorkerSummary | None:
    """The worker with this NIK if the principal may see them, else None; always audited (a
    lookup of a person by NIK is recorded, found or not, with the NIK masked).

    Returns None rather than raising so that the audit event of a fruitless lookup is kept:
    the request's transaction is rolled back on errors.
    """
    principal.require("workers.read")
    check = check_nik(nik)
    if check.error or check.nik is None:
        raise InvalidInput(check.message or "NIK tidak valid", "nik")
    worker = session.scalar(select(Worker).where(Worker.nik == check.nik))
    seen = worker is not None and session.scalar(
        select(Worker.id).where(Worker.id == worker.id, visible(principal))) is not None
    outcome = "found" if seen else "outside_scope" if worker is not None else "not_found"
    record(session, actor=principal.actor, action="worker.lookup", entity="worker",
           entity_id=worker.id if worker is not None else None, pemda_id=principal.pemda_id,
           detail={"nik": mask_nik(check.nik), "result": outcome})
    return summary(worker) if seen and worker is not None else None


def do_export_report(session: Session, principal: Principal, report: ImportReport,
                     out: Path) -> Path:
    """The per-row problem report as XLSX; the download is audited (it repeats cell values)."""
    from lindung.enrollment.report import write_report

    principal.require("roster.import")
    agreement = agreement_in_scope(session, principal, report.agreement)
    write_report(report, out)
    record(session, actor=principal.actor, action="roster.export_report", entity="agreement",
           entity_id=report.agreement, pemda_id=agreement.pemda_id,
           detail={"file": report.file_name, "problems": report.problems.height})
    return out


def do_set_member_terms(session: Session, principal: Principal, membership_id: int, *,
                        valid_from: date, reason: str, declared_income: int | None = None,
                        wage: int | None = None) -> MembershipOverride:
    """A member's own income band (BPU) or wage (PU, Jakon) from ``valid_from`` on: a new dated
    override, never an edit of the one before (like an agreement's terms). Refused when the
    law cannot price the member at the new value on that day."""
    principal.require("roster.import")
    membership = _membership_to_change(session, principal, membership_id)
    if declared_income is None and wage is None:
        raise InvalidInput("isi penghasilan atau upah yang baru", "declared_income")
    for name, value in (("declared_income", declared_income), ("wage", wage)):
        if value is not None and not 0 <= value <= MAX_RUPIAH:
            raise InvalidInput(f"{name} harus Rp0 sampai {format_rupiah(MAX_RUPIAH)}", name)
    if valid_from < membership.start_date:
        raise InvalidInput("berlaku sebelum kepesertaan dimulai", "valid_from")
    reason = required_text(reason, label="alasan", field="reason", max_length=MAX_TEXT)
    agreement = session.get(Agreement, membership.agreement_id)
    assert agreement is not None
    terms = agreement_terms_on(agreement, valid_from)
    try:
        contribution(agreement.segment, valid_from, **{
            **contribution_inputs(agreement.segment, terms, valid_from),
            "programs": membership.programs, "funded_by": membership.funding_source_code,
            **({"declared_income": declared_income} if declared_income is not None else {}),
            **({"wage": wage} if wage is not None else {})})
    except InvalidContribution as exc:
        raise InvalidInput("; ".join(e.message_id for e in exc.errors),
                           "declared_income") from exc
    before = member_terms_on(session, membership, valid_from)
    override = MembershipOverride(membership_id=membership.id, valid_from=valid_from,
                                  declared_income=declared_income, wage=wage, reason=reason,
                                  actor=principal.actor)
    session.add(override)
    session.flush()
    record(session, actor=principal.actor, action="membership.set_terms", entity="membership",
           entity_id=membership.id, pemda_id=agreement.pemda_id,
           before={"declared_income": before[0], "wage": before[1]},
           after={"declared_income": declared_income, "wage": wage, "valid_from": valid_from},
           detail={"reason": reason})
    return override


# --- uploaded rosters at rest ------------------------------------------------------------------


def _require_upload_admin(principal: Principal) -> None:
    """The retention of uploaded rosters is the installation's or a Pemda admin's to set."""
    if principal.kind != "system" and principal.role != "pemda_admin":
        raise Forbidden("hanya admin Pemda yang dapat mengatur dan menghapus berkas unggahan")


def do_set_upload_retention(session: Session, principal: Principal, days: int) -> int:
    """How many days an uploaded roster (full NIKs) may stay on disk before it is purged."""
    _require_upload_admin(principal)
    if isinstance(days, bool) or not isinstance(days, int) \
            or not 1 <= days <= MAX_UPLOAD_RETENTION_DAYS:
        raise InvalidInput(f"masa simpan berkas unggahan harus 1 sampai "
                           f"{MAX_UPLOAD_RETENTION_DAYS} hari", "days")
    setting = session.get(UploadRetention, 1)
    before = setting.days if setting is not None else DEFAULT_UPLOAD_RETENTION_DAYS
    if setting is None:
        setting = UploadRetention(id=1, days=days, updated_by=principal.actor)
        session.add(setting)
    else:
        setting.days, setting.updated_by, setting.updated_at = days, principal.actor, utcnow()
    session.flush()
    record(session, actor=principal.actor, action="roster.upload_retention", entity="setting",
           entity_id="upload_retention", pemda_id=principal.pemda_id,
           before={"days": before}, after={"days": days})
    return days


@dataclass(frozen=True)
class PurgeResult:
    deleted: int
    kept: int
    days: int


def do_purge_uploads(session: Session, principal: Principal, root: Path,
                     now: datetime | None = None) -> PurgeResult:
    """Delete the uploaded rosters older than the retention period; audited when any was."""
    _require_upload_admin(principal)
    days = retention_days(session)
    old = expired(root, days, now or utcnow())
    deleted = [f for f in old if remove(f.path)]
    if deleted:
        record(session, actor=principal.actor, action="roster.upload_purge", entity="upload",
               pemda_id=principal.pemda_id,
               detail={"deleted": len(deleted), "days": days,
                       "files": [f.file_name for f in deleted[:20]]})
    return PurgeResult(len(deleted), len(stored(root)), days)


def do_delete_upload(session: Session, principal: Principal, root: Path, key: str, *,
                     file_name: str, agreement_code: str, reason: str) -> bool:
    """Delete one uploaded roster (its import committed, or discarded by its owner); audited.
    The caller has checked that the principal uploaded it (``web.uploads.fetch``)."""
    principal.require("roster.import")
    if not KEY.match(key):
        raise NotFound("berkas unggahan tidak ditemukan atau sudah kedaluwarsa; unggah ulang")
    removed = remove(root / key)
    agreement = session.scalar(select(Agreement).where(Agreement.code == agreement_code))
    record(session, actor=principal.actor, action="roster.upload_delete", entity="upload",
           pemda_id=agreement.pemda_id if agreement is not None else principal.pemda_id,
           detail={"file": file_name[:120], "agreement": agreement_code[:40],
                   "reason": reason, "removed": removed})
    return removed
