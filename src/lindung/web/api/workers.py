"""API: workers within the caller's scope. A NIK is sent only in a request body (POST
``/workers/lookup``), never in a URL; every NIK lookup is audited with the NIK masked."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path as FilePath
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import JSONResponse, Response
from pydantic import BeforeValidator, Field
from sqlalchemy.orm import Session

from lindung.enrollment import queries as access
from lindung.enrollment.actions import do_lookup_worker
from lindung.enrollment.corrections import (
    MAX_BATCH,
    STATUS_WORDS,
    BatchRefused,
    WorkerCorrection,
    do_correct_occupation,
    do_correct_worker,
    do_end_memberships,
    do_export_members,
    do_resubmit_members,
)
from lindung.enrollment.queries import CODE_FILTER_REGEX, NAME_QUERY_REGEX, VILLAGE_REGEX
from lindung.errors import InvalidInput
from lindung.principal import Principal
from lindung.tempfiles import temporary_directory
from lindung.web.api.agreements import IsoDate
from lindung.web.api.common import (
    PAGE,
    PER_PAGE,
    PageOut,
    Strict,
    error_response,
    errors,
    text_field,
    whole_number,
)
from lindung.web.deps import DB, api_requires

router = APIRouter(tags=["pekerja"])
READ = Depends(api_requires("workers.read"))
WorkerId = Annotated[int, Path(ge=1, le=2**63 - 1, description="id pekerja di lindung")]


class WorkerOut(Strict):
    id: int
    name: str
    nik_masked: str = Field(description="NIK tersamar, misalnya 1872********0001")
    birth_date: date | None
    sex: str | None
    village_code: str | None
    village_name: str | None


class StepOut(Strict):
    at: datetime
    from_status: str | None
    to_status: str
    reason: str | None
    actor: str


class OwnTermsOut(Strict):
    valid_from: date
    declared_income: int | None
    wage: int | None
    reason: str
    actor: str


class MembershipOut(Strict):
    id: int
    agreement_code: str
    agreement_title: str | None
    programs: list[str]
    status: str
    kpj: str | None
    start_date: date
    end_date: date | None
    end_reason: str | None
    status_reason: str | None
    funding_source_code: str
    funding_source_name: str | None
    agency: str | None
    occupation_code: str | None
    history: list[StepOut]
    declared_income: int | None = Field(description="penghasilan (BPU) yang berlaku hari ini")
    wage: int | None = Field(description="upah (PU, Jakon) yang berlaku hari ini")
    own_terms: list[OwnTermsOut] = Field(
        description="perubahan penghasilan atau upah peserta, bertanggal")


class ProfileOut(Strict):
    worker: WorkerOut
    memberships: list[MembershipOut]


class NikLookup(Strict):
    nik: str = Field(pattern=r"^[0-9]{16}$", description="NIK 16 digit, sebagai teks")


def _worker(summary: access.WorkerSummary) -> WorkerOut:
    return WorkerOut(**vars(summary))


def _membership(view: access.MembershipView) -> MembershipOut:
    return MembershipOut(**{**vars(view), "history": [StepOut(**vars(s)) for s in view.history],
                            "own_terms": [OwnTermsOut(**vars(t)) for t in view.own_terms]})


def _profile(session: Session, principal: Principal, worker_id: int) -> ProfileOut:
    found = access.worker_profile(session, principal, worker_id)
    return ProfileOut(worker=_worker(found.worker),
                      memberships=[_membership(m) for m in found.memberships])


@router.get("/workers", response_model=PageOut[WorkerOut], responses=errors(422),
            summary="Cari pekerja menurut nama (di wilayah kewenangan)")
def search(name: str = Query(min_length=2, max_length=150, pattern=NAME_QUERY_REGEX,
                             description="awal kata nama (sekurang-kurangnya 2 huruf/angka; "
                                         "yang kurang dijawab 422); tanpa NIK atau potongan "
                                         "NIK (8 angka berurutan): cari NIK lewat "
                                         "POST /workers/lookup"),
           page: int = PAGE, per_page: int = PER_PAGE,
           principal: Principal = READ,
           session: Session = DB) -> PageOut[WorkerOut]:
    found = access.search_workers(session, principal, name, page=page, per_page=per_page)
    return PageOut[WorkerOut](items=[_worker(w) for w in found.items], page=found.page,
                              per_page=found.per_page, total=found.total)


@router.post("/workers/lookup", response_model=ProfileOut, responses=errors(400, 404, 422),
             summary="Cari pekerja menurut NIK (NIK di badan permintaan; dicatat di log audit)")
def lookup(body: NikLookup, principal: Principal = READ,
           session: Session = DB) -> ProfileOut | JSONResponse:
    try:
        found = do_lookup_worker(session, principal, body.nik)
    except InvalidInput as exc:  # 16 digits, yet no NIK can be like that: nobody has it
        return error_response(404, "notfound", f"tidak ada pekerja dengan NIK itu: {exc}")
    if found is None:
        return error_response(404, "notfound", "tidak ada pekerja dengan NIK itu di wilayah "
                                               "kewenangan Anda")
    return _profile(session, principal, found.id)


@router.get("/workers/{worker_id:int}", response_model=ProfileOut, responses=errors(404, 422),
            summary="Seorang pekerja dengan kepesertaan dan riwayatnya")
def profile(worker_id: WorkerId, principal: Principal = READ,
            session: Session = DB) -> ProfileOut:
    return _profile(session, principal, worker_id)


@router.get("/workers/{worker_id:int}/memberships", response_model=PageOut[MembershipOut],
            responses=errors(404, 422), summary="Kepesertaan seorang pekerja")
def memberships(worker_id: WorkerId, page: int = PAGE, per_page: int = PER_PAGE,
                principal: Principal = READ,
                session: Session = DB) -> PageOut[MembershipOut]:
    views = access.worker_memberships(session, principal, worker_id)
    start = (page - 1) * per_page
    return PageOut[MembershipOut](items=[_membership(m) for m in views[start:start + per_page]],
                                  page=page, per_page=per_page, total=len(views))


# --- the member list, its export, and changes in bulk ------------------------------------------

WRITE = Depends(api_requires("roster.import"))
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
StatusCode = Literal["proposed", "submitted", "active", "rejected", "ended"]
EndReason = Literal["death", "agreement_end", "moved", "duplicate", "resigned", "lapsed"]
MembershipId = Annotated[int, Path(ge=1, le=2**63 - 1, description="id kepesertaan")]
MAX_JSON_ID = 2**53
"""Ids in a JSON body: up to what every JSON client holds exactly (a float's 53 bits)."""
BatchIds = Annotated[list[Annotated[int, Field(ge=1, le=MAX_JSON_ID),
                                    BeforeValidator(whole_number)]],
                     Field(min_length=1, max_length=MAX_BATCH,
                           description=f"id kepesertaan, 1 sampai {MAX_BATCH}")]


class MemberOut(Strict):
    membership_id: int
    worker_id: int
    name: str
    nik_masked: str = Field(description="NIK tersamar")
    village_code: str | None
    village_name: str | None
    agreement_code: str
    status: str = Field(description="proposed, submitted, active, rejected, ended")
    status_label: str = Field(description="status dalam kata (Bahasa Indonesia)")
    status_reason: str | None = Field(description="alasan penolakan BPJS")
    end_reason: str | None
    kpj: str | None
    start_date: date
    end_date: date | None
    occupation_code: str | None
    occupation_name: str | None
    occupation_group: str | None
    agency: str | None


class MemberFilterIn(Strict):
    agreement: str = Field("", max_length=40, description="kode PKS")
    status: StatusCode | Literal[""] = ""
    village: str = Field("", max_length=13, pattern=VILLAGE_REGEX,
                         description="kode desa/kelurahan, 18.72.01.1001")
    occupation: str = Field("", max_length=40, pattern=CODE_FILTER_REGEX,
                            description="kode pekerjaan")
    group: str = Field("", max_length=40, pattern=CODE_FILTER_REGEX,
                       description="kelompok pekerjaan")
    name: str = Field("", max_length=100, pattern=NAME_QUERY_REGEX,
                      description="awal kata nama; tanpa NIK")
    reason: str = Field("", max_length=100, pattern=NAME_QUERY_REGEX,
                        description="sebagian alasan penolakan BPJS")


class BatchIn(Strict):
    ids: BatchIds


class EndBatchIn(Strict):
    ids: BatchIds
    reason: EndReason = Field(description="alasan berakhir")
    on: IsoDate = Field(description="tanggal berakhir, seperti 2026-11-30")


class BatchOut(Strict):
    count: int
    membership_ids: list[int] = Field(description="kepesertaan yang dibuat atau diubah")


class WorkerCorrectionIn(Strict):
    name: str | None = text_field(150, default=None, description="nama sesuai KTP")
    address: str | None = text_field(250, default=None, description="alamat; \"\" mengosongkan")
    phone: str | None = Field(None, max_length=40, description="nomor telepon; \"\" mengosongkan")
    reason: str | None = text_field(2000, default=None, description="alasan koreksi")


class OccupationCorrectionIn(Strict):
    occupation: str = Field(min_length=1, max_length=40, description="kode pekerjaan")
    reason: str | None = text_field(2000, default=None, description="alasan koreksi")


def _member(row: access.MemberRow) -> MemberOut:
    return MemberOut(**vars(row), status_label=STATUS_WORDS.get(row.status, row.status))


def _refused(session: Session, exc: BatchRefused) -> JSONResponse:
    """A refused batch: 409 with each member that stopped it and why; nothing written."""
    session.rollback()
    return JSONResponse({"error": {
        "code": "batch_refused", "message": str(exc),
        "details": [{"membership_id": str(i), "message": why} for i, why in exc.refusals]}},
        status_code=409)


@router.get("/memberships", response_model=PageOut[MemberOut], responses=errors(422),
            summary="Daftar peserta (di wilayah kewenangan) menurut PKS, status, desa, "
                    "pekerjaan, nama atau alasan penolakan BPJS")
def member_list(agreement: str = Query("", max_length=40),
                status: StatusCode | Literal[""] = Query(""),
                village: str = Query("", max_length=13, pattern=VILLAGE_REGEX,
                                     description="kode desa/kelurahan, 18.72.01.1001"),
                occupation: str = Query("", max_length=40, pattern=CODE_FILTER_REGEX,
                                        description="kode pekerjaan"),
                group: str = Query("", max_length=40, pattern=CODE_FILTER_REGEX,
                                   description="kelompok pekerjaan"),
                name: str = Query("", max_length=100, pattern=NAME_QUERY_REGEX,
                                  description="awal kata nama (kurang dari 2 huruf: tidak ada "
                                              "yang cocok); tanpa NIK"),
                reason: str = Query("", max_length=100, pattern=NAME_QUERY_REGEX,
                                    description="sebagian alasan penolakan BPJS"),
                page: int = PAGE, per_page: int = PER_PAGE, principal: Principal = READ,
                session: Session = DB) -> PageOut[MemberOut]:
    wanted = access.MemberFilter(agreement=agreement, status=status, village=village,
                                 occupation=occupation, group=group, name=name, reason=reason)
    found = access.list_members(session, principal, wanted, page=page, per_page=per_page)
    return PageOut[MemberOut](items=[_member(r) for r in found.items], page=found.page,
                              per_page=found.per_page, total=found.total)


@router.post("/memberships/export", response_class=Response, responses={
    **errors(422), 200: {"content": {XLSX: {}}, "description": "daftar peserta (XLSX)"}},
    summary="Unduh daftar peserta sebagai XLSX (NIK tersamar; dicatat di log audit)")
def member_export(body: MemberFilterIn, principal: Principal = READ,
                  session: Session = DB) -> Response:
    with temporary_directory() as folder:
        out = FilePath(folder) / "peserta.xlsx"
        count = do_export_members(session, principal, access.MemberFilter(**body.model_dump()),
                                  out)
        content = out.read_bytes()
    return Response(content, media_type=XLSX, headers={
        "Content-Disposition": 'attachment; filename="peserta.xlsx"',
        "X-Lindung-Count": str(count)})


@router.post("/memberships/resubmissions", response_model=BatchOut, status_code=201,
             responses=errors(404, 409),
             summary="Usulkan ulang peserta yang ditolak BPJS (semua atau tidak sama sekali)")
def resubmit(body: BatchIn, principal: Principal = WRITE,
             session: Session = DB) -> BatchOut | JSONResponse:
    try:
        made = do_resubmit_members(session, principal, body.ids)
    except BatchRefused as exc:
        return _refused(session, exc)
    return BatchOut(count=len(made), membership_ids=[m.id for m in made])


@router.post("/memberships/endings", response_model=BatchOut, responses=errors(404, 409),
             summary="Akhiri beberapa kepesertaan (semua atau tidak sama sekali)")
def end(body: EndBatchIn, principal: Principal = WRITE,
        session: Session = DB) -> BatchOut | JSONResponse:
    try:
        ended = do_end_memberships(session, principal, body.ids, reason=body.reason,
                                   on=body.on)
    except BatchRefused as exc:
        return _refused(session, exc)
    return BatchOut(count=len(ended), membership_ids=[m.id for m in ended])


@router.patch("/workers/{worker_id:int}", response_model=ProfileOut,
              responses=errors(403, 404, 422),
              summary="Koreksi nama, alamat atau nomor telepon pekerja (dicatat di log audit)")
def correct(worker_id: WorkerId, body: WorkerCorrectionIn, principal: Principal = WRITE,
            session: Session = DB) -> ProfileOut:
    do_correct_worker(session, principal, worker_id,
                      WorkerCorrection(name=body.name, address=body.address, phone=body.phone),
                      reason=body.reason)
    return _profile(session, principal, worker_id)


@router.patch("/memberships/{membership_id:int}", response_model=BatchOut,
              responses=errors(403, 404, 409, 422),
              summary="Koreksi pekerjaan seorang peserta (dicatat di log audit)")
def correct_occupation(membership_id: MembershipId, body: OccupationCorrectionIn,
                       principal: Principal = WRITE, session: Session = DB) -> BatchOut:
    changed = do_correct_occupation(session, principal, membership_id, body.occupation,
                                    reason=body.reason)
    return BatchOut(count=1, membership_ids=[changed.id])
