"""Roster import: from an OPD's or village's spreadsheet to memberships under an agreement.

One batch path for 10 rows and 10 million: read every cell as text, validate vectorised, check
against the database in chunks, then write everything in ONE transaction (or nothing). A dry run
does all the checks and writes nothing. Importing the same file again changes nothing: people
already enrolled under the agreement are counted as unchanged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    String,
    and_,
    any_,
    bindparam,
    func,
    insert,
    literal,
    null,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from lindung import clock
from lindung.accounts.permissions import Principal
from lindung.agreements.models import Agreement, FundingSource
from lindung.agreements.service import count_open_memberships, get_agreement, lock_agreement
from lindung.audit.service import record
from lindung.db import bulk_insert, utcnow
from lindung.enrollment.models import (
    END_REASONS,
    OPEN_STATUSES,
    Membership,
    MembershipEvent,
    RosterImport,
)
from lindung.enrollment.roster_read import read_roster, validate_roster
from lindung.errors import Conflict, InvalidInput, NotFound
from lindung.registry.models import Occupation, Worker, occupation_in_reach
from lindung.registry.normalize import name_key, to_name_key
from lindung.rules import ROW_ERRORS, contributions

CHUNK = 20_000
Progress = Callable[[str, int, int], None]
"""Called as (stage, done, total) while a long import runs: drives the CLI's progress bar."""

PROBLEM_SCHEMA = {"row": pl.Int64, "field": pl.String, "value": pl.String, "message": pl.String,
                  "what_to_do": pl.String, "severity": pl.String}


@dataclass
class ImportReport:
    """What an import did or, for a dry run, would do. ``problems`` has one line per row and
    field: the spreadsheet row a person sees (header = row 1), the value and what to do."""

    file_name: str
    agreement: str
    rows: int
    accepted: int
    unchanged: int
    rejected: int
    problems: pl.DataFrame
    dry_run: bool
    committed: bool
    import_id: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def warnings(self) -> int:
        return int((self.problems["severity"] == "warning").sum())

    def to_dict(self) -> dict[str, Any]:
        errors = self.problems.filter(pl.col("severity") == "error")
        warnings = self.problems.filter(pl.col("severity") == "warning")
        return {
            "rows": self.rows, "accepted": self.accepted, "rejected": self.rejected,
            "unchanged": self.unchanged, "warnings": self.warnings,
            "dry_run": self.dry_run, "committed": self.committed,
            "errors": [{"row": r["row"], "field": r["field"], "value": r["value"],
                        "message": r["message"], "what_to_do": r["what_to_do"]}
                       for r in errors.iter_rows(named=True)],
            "warning_details": [{"row": r["row"], "field": r["field"], "value": r["value"],
                                 "message": r["message"]} for r in warnings.iter_rows(named=True)],
            "notes": self.notes,
        }


def _problems(rows: Iterable[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=PROBLEM_SCHEMA)


def _problem(row: int, field_name: str, value: Any, message: str, what_to_do: str,
             severity: str = "error") -> dict[str, Any]:
    return {"row": row, "field": field_name, "value": None if value is None else str(value),
            "message": message, "what_to_do": what_to_do, "severity": severity}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _chunks(values: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _phase_for(agreement: Agreement, phase: int | None, today: date) -> tuple[int | None, date]:
    """The phase new members join and the date their membership starts."""
    if not agreement.phases:
        if phase is not None:
            raise ValueError(f"PKS {agreement.code} tidak memiliki tahap")
        return None, agreement.start_date
    if phase is None:
        started = [p for p in agreement.phases if p.start_date <= today]
        chosen = started[-1] if started else agreement.phases[0]
    else:
        found = [p for p in agreement.phases if p.number == phase]
        if not found:
            raise ValueError(f"PKS {agreement.code} tidak memiliki tahap {phase}")
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


def import_roster(
    session: Session, path: Path, agreement_code: str, *, actor: str, dry_run: bool = False,
    all_or_nothing: bool = False, phase: int | None = None, today: date | None = None,
    progress: Progress | None = None, agency: str | None = None, village: str | None = None,
    principal: Principal | None = None, max_bytes: int | None = None,
) -> ImportReport:
    """Validate a roster against the agreement and, unless ``dry_run``, enrol its valid rows.

    With ``all_or_nothing`` a single error means nothing is written. Runs in the caller's
    transaction: the caller commits (or the whole import is rolled back).

    ``agency`` (an OPD operator's own OPD) and ``village`` (a village operator's village) bound
    the rows: a row without one is recorded as the operator's, a row naming another is refused.
    ``principal``: whose eyes the report is for; of a person already enrolled under an
    agreement outside that principal's scope, the report says only that, never which agreement
    (None: the installation's own shell, which sees everything). A commit locks the agreement
    first, so two imports into it run one after the other and the second finds the first's
    members unchanged.

    A dry run is audited as a lookup (it reads who is already registered); a commit as the
    import.
    """
    today = today or clock.today()
    tick: Progress = progress or (lambda _stage, _done, _total: None)
    agreement = get_agreement(session, agreement_code)
    if not dry_run:
        lock_agreement(session, agreement)
    roster = read_roster(path, max_bytes=max_bytes)
    tick("baca", 1, 1)
    if roster.file_errors:
        problems = _problems(_problem(1, "(berkas)", path.name, message,
                                      "perbaiki berkas lalu unggah ulang")
                             for message in roster.file_errors)
        return ImportReport(path.name, agreement.code, roster.frame.height, 0, 0,
                            roster.frame.height, problems, dry_run, False)

    validation = validate_roster(roster, today=today, area_code=agreement.region_code)
    problem_parts = [validation.problems.select(list(PROBLEM_SCHEMA)).cast(PROBLEM_SCHEMA)]  # type: ignore[arg-type]
    tick("validasi", 1, 1)

    # --- occupations and funding-source constraints -------------------------------------------
    funding = session.get(FundingSource, agreement.funding_source_code)
    assert funding is not None
    clean = (validation.clean
             .with_columns(name_key(validation.clean["occupation"].fill_null(""))
                           .alias("occupation_key"))
             .join(_occupation_frame(session, agreement.pemda_id), on="occupation_key",
                   how="left")
             .sort("row"))
    if agency is not None:
        others = clean.filter(pl.col("agency").is_not_null()
                              & (name_key(clean["agency"].fill_null("")) != to_name_key(agency)))
        problem_parts.append(_rows_problem(
            others, "agency", pl.col("agency"),
            pl.lit(f"baris ini untuk OPD lain; Anda hanya dapat mendaftarkan pekerja {agency}"),
            "kosongkan kolom OPD atau serahkan baris ini kepada operator OPD tersebut"))
        clean = clean.with_columns(pl.lit(agency).alias("agency"))
    if village is not None:
        others = clean.filter(pl.col("village_code").is_not_null()
                              & (pl.col("village_code") != village))
        problem_parts.append(_rows_problem(
            others, "village", pl.col("village_code"),
            pl.lit(f"baris ini untuk desa/kelurahan lain; Anda hanya dapat mendaftarkan warga "
                   f"desa/kelurahan Anda ({village})"),
            "kosongkan kolom desa atau serahkan baris ini kepada operator desanya"))
        clean = clean.with_columns(pl.col("village_code").fill_null(village))
    unknown = clean.filter(pl.col("occupation").is_not_null()
                           & (pl.col("occupation").str.strip_chars() != "")
                           & pl.col("occupation_code").is_null())
    problem_parts.append(_rows_problem(
        unknown, "occupation", pl.col("occupation"),
        pl.format("pekerjaan '{}' tidak dikenal", pl.col("occupation")),
        "gunakan nama pekerjaan dari daftar lindung, atau minta admin menambahkannya"))
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

    # --- the law: can this row be priced under the agreement's terms? --------------------------
    phase_number, start = _phase_for(agreement, phase, today)
    segment = agreement.segment
    nothing = pl.lit(None, dtype=pl.Int64)
    priced = clean.select(
        pl.lit(segment).alias("segment"),
        (pl.col("income").fill_null(agreement.declared_income) if segment == "bpu"
         else nothing).alias("declared_income"),
        (pl.col("income").fill_null(agreement.wage) if segment in ("pu", "jakon")
         else nothing).alias("wage"),
        (pl.lit(agreement.risk_class, dtype=pl.Int64).fill_null(pl.col("occupation_risk"))
         .fill_null(1) if segment == "pu" else nothing).alias("risk_class"),
        pl.lit(agreement.programs).alias("programs"),
        pl.lit(agreement.funding_source_code).alias("funded_by"),
        pl.when(pl.col("occupation_group") == "transport").then(pl.lit("transport"))
        .otherwise(pl.col("occupation_code")).alias("occupation"),
        pl.lit(12 if segment == "pmi" else None, dtype=pl.Int64).alias("contract_months"),
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
        if principal is not None:
            # Of someone registered only outside the principal's scope, nothing is said here:
            # not even that the name on file differs.
            seen = _visible_workers(session, principal, known["worker_id"].to_list())
            here_seen = here.filter(pl.col("worker_id").is_in(seen))
        else:
            here_seen = here
        renamed = here_seen.filter(pl.col("name_key").is_not_null()
                              & pl.col("known_name_key").is_not_null()
                              & (pl.col("name_key") != pl.col("known_name_key")))
        problem_parts.append(_rows_problem(
            renamed, "name", None,
            pl.lit("nama berbeda dengan nama yang sudah terdaftar untuk NIK ini"),
            "periksa NIK dan nama di KTP/KK", "warning"))
        enrolled = _open_memberships(session, known["worker_id"].to_list())
        if enrolled.height:
            joined = here.join(enrolled, on="worker_id", how="inner")
            unchanged = joined.filter(pl.col("agreement_id") == agreement.id).select("row")
            mine = set(agreement.program_list)
            others = joined.filter(pl.col("agreement_id") != agreement.id)
            shown = (set(_visible_memberships(session, principal,
                                              others["membership_id"].to_list()))
                     if principal is not None else set(others["membership_id"].to_list()))
            clash_rows = []
            for row, membership_id, code, fs, programs in others.select(
                    "row", "membership_id", "agreement_code", "funding",
                    "member_programs").iter_rows():
                overlap = mine & set(programs.split(","))
                if not overlap:
                    continue
                names = ", ".join(sorted(p.upper() for p in overlap))
                if membership_id in shown:
                    clash_rows.append(_problem(
                        row, "nik", None, f"NIK sudah terdaftar pada PKS {code} (sumber dana "
                        f"{fs.upper()}) untuk program {names}",
                        "hapus baris ini atau akhiri dulu kepesertaan di PKS tersebut"))
                else:
                    # Outside the principal's scope: only the fact that stops the row (one
                    # person, one cover per programme), never where (docs/decisions/0009).
                    clash_rows.append(_problem(
                        row, "nik", None, f"orang ini sudah terdaftar untuk program {names} "
                        "melalui PKS lain di luar wilayah kerja Anda",
                        "hapus baris ini; bila ia harus pindah ke PKS ini, minta admin Pemda "
                        "menghubungi kantor cabang BPJS"))
            problem_parts.append(_problems(clash_rows))

    problems = pl.concat(problem_parts).sort(["row", "field"], nulls_last=True)
    bad = problems.filter(pl.col("severity") == "error").select("row").unique()
    candidates = (clean.join(bad, on="row", how="anti").join(unchanged, on="row", how="anti")
                  .sort("row"))

    # --- quota -------------------------------------------------------------------------------
    room = agreement.quota - count_open_memberships(session, agreement.id)
    if phase_number is not None:
        phase_row = next(p for p in agreement.phases if p.number == phase_number)
        room = min(room, phase_row.quota - count_open_memberships(session, agreement.id,
                                                                   phase_number))
    room = max(room, 0)
    if candidates.height > room:
        over = candidates.slice(room)
        candidates = candidates.head(room)
        problems = pl.concat([problems, _rows_problem(
            over, "(kuota)", None,
            pl.lit(f"kuota PKS {agreement.code} penuh: hanya {room} peserta baru yang masih "
                   "dapat diterima"), "ajukan addendum kuota atau tahap berikutnya")])
        bad = pl.concat([bad, over.select("row")])

    rejected = bad.height
    tick("cek aturan dan kuota", 1, 1)
    report = ImportReport(path.name, agreement.code, validation.rows_read, candidates.height,
                          unchanged.join(bad, on="row", how="anti").height, rejected, problems,
                          dry_run, False)
    if dry_run or (all_or_nothing and rejected) or not candidates.height:
        if all_or_nothing and rejected and not dry_run:
            report.notes.append("tidak ada yang disimpan: semua-atau-tidak-sama-sekali dan ada "
                                "baris yang ditolak")
            report.accepted = 0
        # A dry run looked people up by NIK: it is audited like any other lookup.
        record(session, actor=actor, action="roster.dry_run" if dry_run else "roster.import",
               entity="agreement", entity_id=agreement.code, pemda_id=agreement.pemda_id,
               detail={"file": path.name, "sha256": _sha256(path), "rows": report.rows,
                       "niks_looked_up": clean.height, "niks_known": known.height,
                       "accepted": report.accepted if dry_run else 0,
                       "unchanged": report.unchanged, "rejected": report.rejected,
                       "written": False})
        return report

    # --- write: all in the caller's transaction ------------------------------------------------
    batch = RosterImport(agreement_id=agreement.id, file_name=path.name,
                         file_sha256=_sha256(path),
                         mode="all_or_nothing" if all_or_nothing else "valid_only",
                         rows=report.rows, accepted=report.accepted, unchanged=report.unchanged,
                         rejected=report.rejected, warnings=report.warnings, actor=actor)
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
        programs=pl.lit(agreement.programs),
        occupation_code=pl.col("occupation_code"),
        funding_source_code=pl.lit(agreement.funding_source_code),
        agency=pl.col("agency"),
        declared_income=(pl.col("income").fill_null(agreement.declared_income)
                         if segment == "bpu" else nothing),
        wage=(pl.col("income").fill_null(agreement.wage) if segment in ("pu", "jakon")
              else nothing),
        risk_class=pl.lit(agreement.risk_class if segment == "pu" else None, dtype=pl.Int64),
        start_date=pl.lit(start), end_date=pl.lit(agreement.end_date),
        status=pl.lit("proposed"), roster_import_id=pl.lit(batch.id),
        source_row=pl.col("row"), created_at=pl.lit(now), updated_at=pl.lit(now)),
        progress=lambda done, total: tick("tulis kepesertaan", done, total))
    tick("tulis kepesertaan", 1, 1)
    session.execute(insert(MembershipEvent).from_select(
        ["membership_id", "at", "from_status", "to_status", "reason", "actor"],
        select(Membership.id, literal(now), null(), literal("proposed"),
               literal(f"impor {path.name}"), literal(actor))
        .where(Membership.roster_import_id == batch.id)))
    tick("tulis riwayat", 1, 1)
    record(session, actor=actor, action="roster.import", entity="agreement",
           entity_id=agreement.code, pemda_id=agreement.pemda_id,
           detail={"file": path.name, "sha256": batch.file_sha256, "rows": report.rows,
                   "accepted": report.accepted, "unchanged": report.unchanged,
                   "rejected": report.rejected, "import_id": batch.id, "written": True})
    report.committed = True
    report.import_id = batch.id
    return report


def _fetch_frame(session: Session, query: Any, schema: dict[str, Any]) -> pl.DataFrame:
    """A query's rows as a polars frame, fetched through the driver's cursor (no ORM rows)."""
    cursor = session.connection().exec_driver_sql(
        str(query.compile(session.get_bind(), compile_kwargs={"literal_binds": True})))
    return pl.DataFrame(cursor.fetchall(), schema=schema, orient="row")


def _known_workers(session: Session, niks: list[str]) -> pl.DataFrame:
    found: list[tuple[Any, ...]] = []
    postgres = session.get_bind().dialect.name == "postgresql"
    for chunk in _chunks(sorted(set(niks))):
        where = (Worker.nik == any_(bindparam("niks", list(chunk), type_=ARRAY(String)))
                 if postgres else Worker.nik.in_(chunk))
        found.extend(tuple(r) for r in session.execute(
            select(Worker.id, Worker.nik, Worker.name_key).where(where)))
    return pl.DataFrame(found, schema={"worker_id": pl.Int64, "nik": pl.String,
                                       "known_name_key": pl.String}, orient="row")


def _open_memberships(session: Session, worker_ids: list[int]) -> pl.DataFrame:
    found: list[tuple[Any, ...]] = []
    postgres = session.get_bind().dialect.name == "postgresql"
    for chunk in _chunks(worker_ids):
        where = (Membership.worker_id == any_(bindparam("ids", list(chunk),
                                                        type_=ARRAY(BigInteger)))
                 if postgres else Membership.worker_id.in_(chunk))
        found.extend(tuple(r) for r in session.execute(
            select(Membership.worker_id, Membership.id, Membership.agreement_id, Agreement.code,
                   Membership.funding_source_code, Membership.programs)
            .join(Agreement, Agreement.id == Membership.agreement_id)
            .where(where, Membership.status.in_(OPEN_STATUSES))))
    return pl.DataFrame(found, schema={"worker_id": pl.Int64, "membership_id": pl.Int64,
                                       "agreement_id": pl.Int64, "agreement_code": pl.String,
                                       "funding": pl.String, "member_programs": pl.String},
                        orient="row")


def _in_scope(principal: Principal) -> ColumnElement[bool]:
    """Memberships the principal may see (a query joining Membership, Agreement and Worker)."""
    return and_(principal.agreement_filter(Agreement),
                principal.membership_filter(Membership, Worker))


def _visible_memberships(session: Session, principal: Principal,
                         membership_ids: list[int]) -> list[int]:
    """Those of ``membership_ids`` the principal may see."""
    found: list[int] = []
    for chunk in _chunks(membership_ids):
        found.extend(session.scalars(
            select(Membership.id).join(Agreement, Agreement.id == Membership.agreement_id)
            .join(Worker, Worker.id == Membership.worker_id)
            .where(Membership.id.in_(chunk), _in_scope(principal))))
    return found


def _visible_workers(session: Session, principal: Principal, worker_ids: list[int]) -> list[int]:
    """Those of ``worker_ids`` with at least one membership the principal may see."""
    found: list[int] = []
    for chunk in _chunks(worker_ids):
        found.extend(session.scalars(
            select(Membership.worker_id).distinct()
            .join(Agreement, Agreement.id == Membership.agreement_id)
            .join(Worker, Worker.id == Membership.worker_id)
            .where(Membership.worker_id.in_(chunk), _in_scope(principal))))
    return found


def change_status(session: Session, membership: Membership, to_status: str, *, actor: str,
                  reason: str | None = None, detail: dict[str, Any] | None = None) -> None:
    """Move a membership to ``to_status``, keeping the step in its history."""
    session.add(MembershipEvent(membership_id=membership.id, from_status=membership.status,
                                to_status=to_status, reason=reason, actor=actor, detail=detail))
    membership.status = to_status


def end_membership(session: Session, membership_id: int, *, reason: str, on: date,
                   actor: str) -> Membership:
    """End a membership (death, agreement end, moved, duplicate, ...) from ``on``; kept forever
    with its history."""
    membership = session.get(Membership, membership_id)
    if membership is None:
        raise NotFound(f"kepesertaan {membership_id} tidak ditemukan")
    if reason not in END_REASONS:
        raise InvalidInput(f"alasan berakhir harus salah satu dari {', '.join(END_REASONS)}",
                           "reason")
    if membership.status in ("ended", "rejected"):
        raise Conflict(f"kepesertaan sudah berstatus {membership.status}")
    if on < membership.start_date:
        raise InvalidInput("tanggal berakhir sebelum tanggal mulai kepesertaan", "on")
    before = {"status": membership.status, "end_date": _iso(membership.end_date)}
    change_status(session, membership, "ended", actor=actor, reason=reason,
                  detail={"on": on.isoformat()})
    membership.end_reason, membership.end_date = reason, on
    agreement = session.get(Agreement, membership.agreement_id)
    record(session, actor=actor, action="membership.end", entity="membership",
           pemda_id=agreement.pemda_id if agreement else None,
           entity_id=membership.id, before=before,
           after={"status": "ended", "end_date": on.isoformat(), "end_reason": reason})
    return membership


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
