"""API: who am I (the principal behind the token or session)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict

from lindung.principal import Principal
from lindung.web.deps import api_principal

router = APIRouter(tags=["akun"])


class Me(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    kind: str
    name: str
    role: str
    organisation: str
    permissions: list[str]


@router.get("/me", response_model=Me, summary="Siapa saya")
def me(principal: Principal = Depends(api_principal)) -> Me:
    return Me(kind=principal.kind, name=principal.name, role=principal.role,
              organisation=principal.organisation_name,
              permissions=sorted(principal.permissions))
