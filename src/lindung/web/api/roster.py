"""API: roster upload into an agreement in the caller's scope: check (dry run) or import.
The answer is the CLI's ``roster import --json``: counts and one error per row and field."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from lindung.enrollment.actions import do_import_roster
from lindung.enrollment.report import roster_template
from lindung.limits import MAX_CODE, MAX_PHASE, MAX_UPLOAD_BYTES
from lindung.principal import Principal
from lindung.tempfiles import temporary_directory
from lindung.web import uploads
from lindung.web.api.common import errors
from lindung.web.deps import DB, api_requires, csrf_guard

AGREEMENT_FIELD = Form(..., min_length=1, max_length=MAX_CODE, description="Kode PKS")
PHASE_FIELD = Form(None, ge=1, le=MAX_PHASE, description="Tahap PKS (nomor)")

router = APIRouter(tags=["daftar peserta"], dependencies=[Depends(csrf_guard)])
MAY_ROSTER_IMPORT = api_requires("roster.import")
STRICT = ConfigDict(strict=True, extra="forbid")


class RowError(BaseModel):
    model_config = STRICT
    row: int
    field: str
    value: str | None
    message: str
    what_to_do: str | None


class RowWarning(BaseModel):
    model_config = STRICT
    row: int
    field: str
    value: str | None
    message: str


class RosterReport(BaseModel):
    model_config = STRICT
    rows: int
    accepted: int
    rejected: int
    unchanged: int
    warnings: int
    dry_run: bool
    committed: bool
    errors: list[RowError]
    warning_details: list[RowWarning]
    notes: list[str]
    start_date: str | None = Field(
        None, description="tanggal mulai kepesertaan peserta baru (ISO): yang lebih akhir dari "
        "mulai tahap dan hari diusulkan, kecuali PKS menyatakan sejak tahap")


def _run(session: Session, principal: Principal, file: UploadFile, agreement: str, *,
         dry_run: bool, all_or_nothing: bool, phase: int | None) -> RosterReport:
    with uploads.temporary(file.file, file.filename) as path:
        report = do_import_roster(session, principal, path, agreement, dry_run=dry_run,
                                  max_bytes=MAX_UPLOAD_BYTES,
                            all_or_nothing=all_or_nothing, phase=phase)
    return RosterReport.model_validate(report.to_dict(), strict=False)


@router.post("/rosters/dry-run", response_model=RosterReport,
             responses=errors(404, 422),
             summary="Periksa daftar peserta tanpa menyimpan")
def roster_dry_run(file: UploadFile = File(...),
                   agreement: str = AGREEMENT_FIELD,
                   phase: int | None = PHASE_FIELD,
                   principal: Principal = Depends(MAY_ROSTER_IMPORT),
                   session: Session = DB) -> RosterReport:
    return _run(session, principal, file, agreement, dry_run=True, all_or_nothing=False,
                phase=phase)


@router.post("/rosters", response_model=RosterReport,
             responses=errors(404, 422),
             summary="Impor daftar peserta (baris yang sah, atau semua-atau-tidak-sama-sekali)")
def roster_import(file: UploadFile = File(...),
                   agreement: str = AGREEMENT_FIELD,
                  all_or_nothing: bool = Form(False), phase: int | None = PHASE_FIELD,
                  principal: Principal = Depends(MAY_ROSTER_IMPORT),
                  session: Session = DB) -> RosterReport:
    return _run(session, principal, file, agreement, dry_run=False,
                all_or_nothing=all_or_nothing, phase=phase)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/rosters/template", responses={**errors(404, 422), 200: {"content": {XLSX: {}}}},
            response_class=Response,
            summary="Templat daftar peserta (XLSX): kolom, contoh, pekerjaan, desa wilayah PKS")
def roster_template_download(agreement: str = Query(..., min_length=1, max_length=MAX_CODE,
                                                    description="Kode PKS"),
                             principal: Principal = Depends(MAY_ROSTER_IMPORT),
                             session: Session = DB) -> Response:
    with temporary_directory() as folder:
        content = roster_template(session, principal, agreement,
                                  Path(folder) / "templat.xlsx").read_bytes()
    return Response(content, media_type=XLSX, headers={
        "Content-Disposition": 'attachment; filename="templat-daftar-peserta.xlsx"'})

