"""Pages: roster upload. "Periksa" keeps the file server-side and shows the dry-run report (the
row, the field, the value, the problem and what to do, downloadable as XLSX); "Simpan" imports
the same file. The browser holds only a random key, bound to the person who uploaded.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from lindung.enrollment.actions import (
    do_delete_upload,
    do_export_report,
    do_import_roster,
    do_purge_uploads,
    do_set_upload_retention,
)
from lindung.enrollment.models import MAX_UPLOAD_RETENTION_DAYS
from lindung.enrollment.queries import scoped_agreements
from lindung.enrollment.report import FIELD_LABELS, ImportReport, roster_template
from lindung.enrollment.uploads import retention_days, stored
from lindung.errors import InvalidInput, LindungError
from lindung.limits import MAX_CODE, MAX_PHASE, MAX_UPLOAD_BYTES
from lindung.principal import Principal, system_principal
from lindung.registry.models import Occupation, occupation_in_reach
from lindung.tempfiles import temporary_directory
from lindung.web import forms, texts_enrolment, texts_roster, uploads  # noqa: F401  (words)
from lindung.web.deps import DB, language, page_requires
from lindung.web.pages.agreements import refused
from lindung.web.templating import templates

router = APIRouter()
MAY_ROSTER_IMPORT = page_requires("roster.import")
SHOWN_PROBLEMS = 500
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _page(request: Request, name: str, principal: Principal, status: int = 200,
          **context: Any) -> Response:
    return templates.TemplateResponse(request, name, {
        "lang": language(request), "principal": principal, "csrf_token": request.state.csrf,
        **context}, status_code=status)


def _form(request: Request, principal: Principal, session: Session, *, error: str | None = None,
          chosen: str = "", status: int = 200, notice: str | None = None) -> Response:
    admin = principal.kind == "system" or principal.role == "pemda_admin"
    return _page(request, "roster/upload.html", principal, status=status,
                 agreements=scoped_agreements(session, principal, "roster.import"),
                 error=error,
                 chosen=chosen,
                 notice=notice,
                 occupations=_occupations(session, principal),
                 retention=retention_days(session) if admin else None,
                 retention_max=MAX_UPLOAD_RETENTION_DAYS,
                 stored_files=len(stored(uploads.upload_root(request.app.state)))
                 if admin else None)


def _occupations(session: Session, principal: Principal) -> list[Occupation]:
    """The occupations a roster of this principal's Pemda is matched against, for everyone
    who uploads (the admin's settings page is the admin's)."""
    query = select(Occupation).order_by(Occupation.name)
    if principal.kind != "system":
        query = query.where(occupation_in_reach(principal.pemda_id))
    return list(session.scalars(query.limit(1000)))


def _report(request: Request, principal: Principal, report: ImportReport, *, key: str | None,
            all_or_nothing: bool) -> Response:
    problems = report.problems.head(SHOWN_PROBLEMS).to_dicts()
    return _page(request, "roster/report.html", principal, report=report, problems=problems,
                 more=max(report.problems.height - SHOWN_PROBLEMS, 0), key=key,
                 all_or_nothing=all_or_nothing, labels=FIELD_LABELS)


def _phase(text: str) -> int | None:
    return forms.number(text, label="tahap", field="phase", low=1, high=MAX_PHASE)


@router.get("/unggah", include_in_schema=False)
def upload_form(request: Request, principal: Principal = Depends(MAY_ROSTER_IMPORT),
                session: Session = DB) -> Response:
    saved = request.query_params.get("disimpan") == "retensi"
    return _form(request, principal, session,
                 notice=texts_roster.WORDS["roster.retention_saved"]["id"] if saved else None)


@router.post("/unggah", include_in_schema=False)
def upload_check(request: Request, agreement: str = Form("", max_length=MAX_CODE),
                 phase: str = Form("", max_length=20),
                 all_or_nothing: bool = Form(False), file: UploadFile | None = File(None),
                 principal: Principal = Depends(MAY_ROSTER_IMPORT),
                 session: Session = DB) -> Response:
    root = uploads.upload_root(request.app.state)
    stored: uploads.StoredUpload | None = None
    try:
        if file is None or not file.filename:
            raise InvalidInput("pilih berkas daftar peserta", "file")
        chosen_phase = _phase(phase)
        # what has passed its retention goes before a new file comes (audited when any did)
        do_purge_uploads(session, system_principal("uploads:purge"), root)
        stored = uploads.store(root, file.file, file.filename, owner=principal.actor,
                               agreement=agreement, all_or_nothing=all_or_nothing,
                               phase=chosen_phase)
        report = do_import_roster(session, principal, stored.path, agreement, dry_run=True,
                                  phase=chosen_phase, max_bytes=MAX_UPLOAD_BYTES)
    except LindungError as exc:
        if stored is not None:
            uploads.discard(root, stored.key)
        with refused(session, request) as fresh:
            return _form(request, principal, fresh, error=str(exc), chosen=agreement[:40],
                         status=422)
    except BaseException:
        # Whatever went wrong, the file (full NIKs) does not stay behind.
        if stored is not None:
            uploads.discard(root, stored.key)
        raise
    return _report(request, principal, report, key=stored.key, all_or_nothing=all_or_nothing)


@router.post("/unggah/simpan", include_in_schema=False)
def upload_save(request: Request, key: str = Form("", max_length=64),
                all_or_nothing: bool = Form(False),
                principal: Principal = Depends(MAY_ROSTER_IMPORT),
                session: Session = DB) -> Response:
    root = uploads.upload_root(request.app.state)
    stored = uploads.fetch(root, key, owner=principal.actor)
    report = do_import_roster(session, principal, stored.path, stored.agreement, dry_run=False,
                              all_or_nothing=all_or_nothing, phase=stored.phase,
                              max_bytes=MAX_UPLOAD_BYTES)
    # The full NIKs leave the disk with the import (in the same transaction's audit trail).
    do_delete_upload(session, principal, root, stored.key, file_name=stored.path.name,
                     agreement_code=stored.agreement, reason="impor disimpan")
    report.notes.append(texts_roster.WORDS["roster.file_deleted"]["id"])
    return _report(request, principal, report, key=None, all_or_nothing=all_or_nothing)


@router.get("/unggah/{key}/laporan.xlsx", include_in_schema=False)
def upload_report(key: str, request: Request,
                  principal: Principal = Depends(MAY_ROSTER_IMPORT),
                  session: Session = DB) -> Response:
    stored = uploads.fetch(uploads.upload_root(request.app.state), key, owner=principal.actor)
    report = do_import_roster(session, principal, stored.path, stored.agreement, dry_run=True,
                              phase=stored.phase, max_bytes=MAX_UPLOAD_BYTES)
    with temporary_directory() as folder:
        out = do_export_report(session, principal, report, Path(folder) / "laporan.xlsx")
        content = out.read_bytes()
    name = "laporan-" + re.sub(r"[^A-Za-z0-9_-]", "_", stored.path.stem) + ".xlsx"
    return Response(content, media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/unggah/templat.xlsx", include_in_schema=False)
def upload_template(request: Request, agreement: str = "",
                    principal: Principal = Depends(MAY_ROSTER_IMPORT),
                    session: Session = DB) -> Response:
    with temporary_directory() as folder:
        out = roster_template(session, principal, agreement[:MAX_CODE],
                              Path(folder) / "templat.xlsx")
        content = out.read_bytes()
    name = "templat-" + re.sub(r"[^A-Za-z0-9_-]", "_", agreement[:MAX_CODE]) + ".xlsx"
    return Response(content, media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.post("/unggah/retensi", include_in_schema=False)
def upload_retention(request: Request, days: str = Form("", max_length=20),
                     principal: Principal = Depends(MAY_ROSTER_IMPORT),
                     session: Session = DB) -> Response:
    try:
        chosen = forms.number(days, label="masa simpan (hari)", field="days", low=1,
                              high=MAX_UPLOAD_RETENTION_DAYS, required=True)
        do_set_upload_retention(session, principal, chosen or 0)
        do_purge_uploads(session, principal, uploads.upload_root(request.app.state))
    except InvalidInput as exc:
        with refused(session, request) as fresh:
            return _form(request, principal, fresh, error=str(exc), status=422)
    return RedirectResponse("/unggah?disimpan=retensi", status_code=303)
