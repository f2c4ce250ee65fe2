"""API: accounts, organisations and API tokens of a Pemda (``accounts.manage``,
``tokens.manage``), and changing one's own password. One-time codes and token secrets are in
the answer of the call that made them, once; lindung keeps only their hashes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response
from pydantic import BeforeValidator, Field
from sqlalchemy.orm import Session

from lindung.accounts.actions import (
    MAX_TOKEN_OVERLAP_MINUTES,
    TOKEN_OVERLAP_MINUTES,
    do_change_password,
    do_create_user,
    do_deactivate_user,
    do_issue_token,
    do_reset_password,
    do_revoke_token,
    do_rotate_token,
)
from lindung.accounts.models import ApiToken
from lindung.accounts.queries import UserView, list_tokens, list_users
from lindung.limits import MAX_INT_ID, MAX_TOKEN_RATE
from lindung.organisations.actions import do_create_organisation, do_deactivate_organisation
from lindung.organisations.models import Organisation
from lindung.organisations.queries import managed_organisations
from lindung.principal import Principal
from lindung.text import CODE_REGEX
from lindung.web.api.common import Strict, errors, text_field, whole_number
from lindung.web.deps import DB, SESSION_COOKIE, api_principal, api_requires

router = APIRouter(tags=["akun"])
MANAGE_ACCOUNTS = Depends(api_requires("accounts.manage"))
MANAGE_TOKENS = Depends(api_requires("tokens.manage"))
USERNAME = Annotated[str, Path(min_length=3, max_length=60, pattern=r"^[a-z0-9._-]+$")]
ORG_CODE = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9._-]+$")]
TOKEN_ID = Annotated[int, Path(ge=1, le=MAX_INT_ID)]


class UserOut(Strict):
    username: str
    display_name: str
    role: str
    organisation: str
    active: bool
    has_password: bool
    code_expires_at: datetime | None = Field(
        description="kapan kode masuk sekali pakai yang belum dipakai berakhir (null: tidak ada)")


ROLE = Literal["pemda_admin", "opd_operator", "village_operator", "bpjs_officer",
               "counter_officer", "auditor"]
KIND = Literal["pemda", "opd", "village", "bpjs_branch", "counter", "donor"]


class UserIn(Strict):
    username: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]{2,59}$", description="mis. desa.yosodadi")
    display_name: str = text_field(120)
    role: ROLE = Field(description="peran; hanya peran yang bekerja di jenis organisasi itu")
    organisation: str = Field(pattern=CODE_REGEX, description="kode organisasi")


class CodeOut(Strict):
    """A one-time sign-in code: give it to the person in person or by phone; it is shown this
    once, is good for one sign-in (typed as the password) and expires."""

    username: str
    code: str
    code_expires_at: datetime


class PasswordIn(Strict):
    current_password: str = Field(max_length=1000)
    new_password: str = Field(max_length=1000)


class DoneOut(Strict):
    done: bool


class OrganisationOut(Strict):
    code: str
    kind: str
    name: str
    region_code: str | None
    parent: str | None
    active: bool


class OrganisationIn(Strict):
    code: str = Field(pattern=CODE_REGEX, description="mis. DISPERINDAG-METRO")
    kind: KIND
    name: str = text_field(200)
    region_code: str | None = Field(
        default=None, pattern=r"^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$",
        description="kode wilayah Kemendagri, mis. 18.72 atau 18.72.01.1001")
    parent: str | None = Field(default=None, pattern=CODE_REGEX,
                               description="kode organisasi induk")


class DeactivatedOut(Strict):
    code: str
    deactivated: int = Field(description="organisasi yang dinonaktifkan, termasuk yang di bawahnya")


class TokenIn(Strict):
    name: str = text_field(120)
    organisation: str = Field(max_length=40)
    permissions: list[Annotated[str, Field(max_length=40)]] = Field(max_length=20)
    rate_per_minute: Annotated[int, Field(ge=1, le=MAX_TOKEN_RATE),
                               BeforeValidator(whole_number)] = 600


class RotateIn(Strict):
    overlap_minutes: Annotated[int, Field(ge=0, le=MAX_TOKEN_OVERLAP_MINUTES),
                               BeforeValidator(whole_number)] = TOKEN_OVERLAP_MINUTES


class TokenOut(Strict):
    id: int
    name: str
    prefix: str
    organisation: str
    permissions: list[str]
    rate_per_minute: int
    created_at: datetime
    revoked_at: datetime | None
    expires_at: datetime | None = Field(description="token yang diganti: berhenti pada saat ini")


class TokenSecretOut(TokenOut):
    secret: str = Field(description="ditampilkan sekali ini saja; lindung menyimpan hash-nya")


def _user(view: UserView) -> UserOut:
    return UserOut(username=view.username, display_name=view.display_name, role=view.role,
                   organisation=view.organisation_code, active=view.active,
                   has_password=view.has_password, code_expires_at=view.code_expires_at)


def _organisation(org: Organisation, codes: dict[int, str]) -> OrganisationOut:
    return OrganisationOut(code=org.code, kind=org.kind, name=org.name,
                           region_code=org.region_code,
                           parent=codes.get(org.parent_id) if org.parent_id else None,
                           active=org.active)


def _token(token: ApiToken, organisation: str, secret: str) -> TokenSecretOut:
    return TokenSecretOut(id=token.id, name=token.name, prefix=token.prefix,
                          organisation=organisation, permissions=list(token.permissions),
                          rate_per_minute=token.rate_per_minute, created_at=token.created_at,
                          revoked_at=token.revoked_at, expires_at=token.expires_at,
                          secret=secret)


@router.get("/users", response_model=list[UserOut], summary="Pengguna yang Anda kelola")
def users(principal: Principal = MANAGE_ACCOUNTS, session: Session = DB) -> list[UserOut]:
    return [_user(u) for u in list_users(session, principal)]


@router.post("/users", response_model=CodeOut, status_code=201, responses=errors(404, 409),
             summary="Pengguna baru, dengan kode masuk sekali pakai")
def create_user(body: UserIn, principal: Principal = MANAGE_ACCOUNTS,
                session: Session = DB) -> CodeOut:
    do_create_user(session, principal, username=body.username, display_name=body.display_name,
                   password=None, role=body.role, organisation_code=body.organisation)
    code, row = do_reset_password(session, principal, body.username)
    return CodeOut(username=body.username, code=code, code_expires_at=row.expires_at)


@router.post("/users/{username}/password-reset", response_model=CodeOut, status_code=201,
             responses=errors(404, 409), summary="Atur ulang kata sandi: kode sekali pakai")
def reset_password(username: USERNAME, principal: Principal = MANAGE_ACCOUNTS,
                   session: Session = DB) -> CodeOut:
    code, row = do_reset_password(session, principal, username)
    return CodeOut(username=username, code=code, code_expires_at=row.expires_at)


@router.post("/users/{username}/deactivate", response_model=DoneOut,
             responses=errors(404, 409), summary="Nonaktifkan pengguna")
def deactivate_user(username: USERNAME, principal: Principal = MANAGE_ACCOUNTS,
                    session: Session = DB) -> DoneOut:
    do_deactivate_user(session, principal, username)
    return DoneOut(done=True)


@router.post("/me/password", response_model=DoneOut, responses=errors(),
             summary="Ganti kata sandi sendiri")
def change_password(body: PasswordIn, request: Request,
                    principal: Principal = Depends(api_principal),
                    session: Session = DB) -> DoneOut:
    do_change_password(session, principal, current_password=body.current_password,
                       new_password=body.new_password,
                       keep_session=request.cookies.get(SESSION_COOKIE))
    return DoneOut(done=True)


@router.get("/organisations", response_model=list[OrganisationOut],
            summary="Organisasi yang Anda kelola")
def organisations(principal: Principal = MANAGE_ACCOUNTS,
                  session: Session = DB) -> list[OrganisationOut]:
    found = managed_organisations(session, principal)
    codes = {o.id: o.code for o in found}
    return [_organisation(o, codes) for o in found]


@router.post("/organisations", response_model=OrganisationOut, status_code=201,
             responses=errors(404, 409), summary="Organisasi baru")
def create_organisation(body: OrganisationIn, principal: Principal = MANAGE_ACCOUNTS,
                        session: Session = DB) -> OrganisationOut:
    org = do_create_organisation(session, principal, code=body.code, kind=body.kind,
                                 name=body.name, region_code=body.region_code,
                                 parent_code=body.parent)
    parent = session.get(Organisation, org.parent_id) if org.parent_id else None
    return _organisation(org, {parent.id: parent.code} if parent else {})


@router.post("/organisations/{code}/deactivate", response_model=DeactivatedOut,
             responses=errors(404, 409), summary="Nonaktifkan organisasi (dan di bawahnya)")
def deactivate_organisation(code: ORG_CODE, principal: Principal = MANAGE_ACCOUNTS,
                            session: Session = DB) -> DeactivatedOut:
    count = do_deactivate_organisation(session, principal, code)
    return DeactivatedOut(code=code, deactivated=count)


@router.get("/tokens", response_model=list[TokenOut], summary="Token API organisasi Anda")
def tokens(principal: Principal = MANAGE_TOKENS, session: Session = DB) -> list[TokenOut]:
    return [TokenOut(id=t.id, name=t.name, prefix=t.prefix, organisation=t.organisation_code,
                     permissions=t.permissions, rate_per_minute=t.rate_per_minute,
                     created_at=t.created_at, revoked_at=t.revoked_at, expires_at=t.expires_at)
            for t in list_tokens(session, principal)]


@router.post("/tokens", response_model=TokenSecretOut, status_code=201,
             responses=errors(404, 409), summary="Token API baru (rahasia ditampilkan sekali)")
def issue_token(body: TokenIn, principal: Principal = MANAGE_TOKENS,
                session: Session = DB) -> TokenSecretOut:
    secret, token = do_issue_token(session, principal, name=body.name,
                                   organisation_code=body.organisation,
                                   permissions=body.permissions,
                                   rate_per_minute=body.rate_per_minute)
    return _token(token, body.organisation, secret)


@router.post("/tokens/{token_id}/rotate", response_model=TokenSecretOut, status_code=201,
             responses=errors(404, 409), summary="Ganti rahasia token (yang lama berlaku "
                                                 "selama masa peralihan)")
def rotate_token(token_id: TOKEN_ID, body: RotateIn | None = None,
                 principal: Principal = MANAGE_TOKENS, session: Session = DB) -> TokenSecretOut:
    overlap = body.overlap_minutes if body is not None else TOKEN_OVERLAP_MINUTES
    secret, token = do_rotate_token(session, principal, token_id, overlap_minutes=overlap)
    organisation = session.get(Organisation, token.organisation_id)
    return _token(token, organisation.code if organisation else "", secret)


@router.post("/tokens/{token_id}/revoke", status_code=204, response_class=Response,
             responses=errors(404, 409), summary="Cabut token seketika")
def revoke_token(token_id: TOKEN_ID, principal: Principal = MANAGE_TOKENS,
                 session: Session = DB) -> Response:
    do_revoke_token(session, principal, token_id)
    return Response(status_code=204)
