"""API: reference data: occupations (admins extend them), Kemendagri regions, funding sources."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BeforeValidator, Field
from sqlalchemy.orm import Session

from lindung.agreements import queries as agreements
from lindung.paging import Page
from lindung.principal import Principal
from lindung.registry import queries as access
from lindung.registry.actions import do_add_occupation
from lindung.web.api.common import PAGE, PageOut, Strict, errors, text_field, whole_number
from lindung.web.deps import DB, api_requires

router = APIRouter(tags=["data rujukan"])
READ = Depends(api_requires("reference.read"))
WRITE_OCCUPATIONS = Depends(api_requires("occupations.write"))
REFERENCE_PER_PAGE = Query(100, ge=1, le=100, description="Baris per halaman (1-100)")


class OccupationOut(Strict):
    code: str
    name: str
    group: str
    default_segment: str
    risk_class: int | None
    aliases: list[str]
    builtin: bool


class OccupationIn(Strict):
    code: str = Field(pattern=r"^[a-z0-9_]{1,40}$", description="misalnya sopir_angkot")
    name: str = text_field(120)
    group: str = Field(pattern=r"^[a-z0-9_]{1,40}$",
                       description="transport, tobacco, community, ...")
    default_segment: Literal["pu", "bpu", "jakon", "pmi"]
    risk_class: Annotated[int, Field(ge=1, le=5), BeforeValidator(whole_number)] | None = Field(
        default=None, description="kelas risiko JKK (1-5)")
    aliases: list[Annotated[str, text_field(80)]] = Field(default_factory=list, max_length=30)


class RegionOut(Strict):
    code: str
    level: int = Field(description="1 provinsi, 2 kabupaten/kota, 3 kecamatan, 4 desa/kelurahan")
    name: str
    parent_code: str | None
    postal_code: str | None
    retired: bool


class FundingSourceOut(Strict):
    code: str
    name: str
    description: str
    occupation_groups: list[str] | None = Field(
        description="hanya pekerja kelompok ini yang boleh dibiayai (null: semua)")
    same_village_only: bool
    basis: str


def _occupation(o: object) -> OccupationOut:
    return OccupationOut.model_validate(o, from_attributes=True)


@router.get("/occupations", response_model=PageOut[OccupationOut], responses=errors(422),
            summary="Daftar pekerjaan (taksonomi)")
def occupations(group: str | None = Query(None, max_length=40), page: int = PAGE,
                per_page: int = REFERENCE_PER_PAGE,
                principal: Principal = READ,
                session: Session = DB) -> PageOut[OccupationOut]:
    found = access.list_occupations(session, principal, group=group, page=page,
                                    per_page=per_page)
    return PageOut[OccupationOut](items=[_occupation(o) for o in found.items], page=found.page,
                                  per_page=found.per_page, total=found.total)


@router.post("/occupations", response_model=OccupationOut, status_code=201,
             responses=errors(400, 409, 422), summary="Tambah pekerjaan (admin Pemda)")
def add_occupation(body: OccupationIn,
                   principal: Principal = WRITE_OCCUPATIONS,
                   session: Session = DB) -> OccupationOut:
    return _occupation(do_add_occupation(
        session, principal, code=body.code, name=body.name, group=body.group,
        default_segment=body.default_segment, risk_class=body.risk_class, aliases=body.aliases))


@router.get("/regions", response_model=PageOut[RegionOut], responses=errors(404, 422),
            summary="Wilayah Kemendagri: provinsi, atau wilayah langsung di bawah parent")
def regions(parent: str | None = Query(None, max_length=20, description="misalnya 18.72"),
            page: int = PAGE, per_page: int = REFERENCE_PER_PAGE,
            principal: Principal = READ,
            session: Session = DB) -> PageOut[RegionOut]:
    found = access.list_regions(session, principal, parent=parent, page=page, per_page=per_page)
    return PageOut[RegionOut](
        items=[RegionOut.model_validate(r, from_attributes=True) for r in found.items],
        page=found.page, per_page=found.per_page, total=found.total)


@router.get("/regions/{code}", response_model=RegionOut, responses=errors(404, 422),
            summary="Satu wilayah menurut kode Kemendagri (titik boleh dihilangkan)")
def region(code: Annotated[str, Path(max_length=20, description="misalnya 18.72.01.1001")],
           principal: Principal = READ,
           session: Session = DB) -> RegionOut:
    return RegionOut.model_validate(access.region(session, principal, code), from_attributes=True)


@router.get("/funding-sources", response_model=PageOut[FundingSourceOut],
            responses=errors(422), summary="Sumber dana dan batasannya")
def funding_sources(page: int = PAGE, per_page: int = REFERENCE_PER_PAGE,
                    principal: Principal = READ,
                    session: Session = DB) -> PageOut[FundingSourceOut]:
    principal.require("reference.read")
    every = agreements.funding_sources(session)
    found = Page(every[(page - 1) * per_page:page * per_page], page, per_page, len(every))
    return PageOut[FundingSourceOut](
        items=[FundingSourceOut.model_validate(f, from_attributes=True) for f in found.items],
        page=found.page, per_page=found.per_page, total=found.total)
