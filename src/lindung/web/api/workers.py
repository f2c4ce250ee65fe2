"""API: workers within the caller's scope. A NIK is sent only in a request body (POST
``/workers/lookup``), never in a URL; every NIK lookup is audited with the NIK masked."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import JSONResponse
from pydantic import Field
from sqlalchemy.orm import Session

from lindung.enrollment import queries as access
from lindung.enrollment.actions import do_lookup_worker
from lindung.enrollment.queries import NAME_QUERY_REGEX
from lindung.errors import InvalidInput
from lindung.principal import Principal
from lindung.web.api.common import PAGE, PER_PAGE, PageOut, Strict, error_response, errors
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
