"""What the API's routers share: strict models, the page envelope, the documented errors.

Models are strict (``false`` is never taken as 0, ``"1"`` never as 1) and refuse unknown fields.
"""

from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from lindung.paging import MAX_PAGE, MAX_PER_PAGE
from lindung.text import TEXT_FORMAT

T = TypeVar("T")
STRICT = ConfigDict(strict=True, extra="forbid")


def _whole_number(value: Any) -> Any:
    # JSON Schema counts 3.0 as an integer and so do generated clients; strict mode would
    # refuse it. Only a float with no fraction becomes an int: true/false and 3.5 stay refused.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


JsonInt = Annotated[int, BeforeValidator(_whole_number)]
"""An integer field of a request body, strict but for JSON Schema's ``3.0``. With bounds, put
them first: ``Annotated[int, Field(ge=1), BeforeValidator(whole_number)]``, else the OpenAPI
description loses them."""
whole_number = _whole_number


def text_field(max_length: int, *, default: Any = ..., description: str | None = None) -> Any:
    """A free-text field: bounded, and documented as :data:`~lindung.text.TEXT_FORMAT` (no
    control, zero-width or bidi characters; the services refuse them with a message)."""
    note = ("teks biasa, tanpa karakter kendali, tak terlihat atau pembalik arah tulisan; "
            f"paling panjang {max_length} karakter")
    return Field(default, max_length=max_length, json_schema_extra={"format": TEXT_FORMAT},
                 description=f"{description}; {note}" if description else note)


class Strict(BaseModel):
    model_config = STRICT


class ErrorDetail(Strict):
    code: str
    message: str
    field: str | None = None
    details: list[dict[str, str]] | None = None


class ErrorOut(Strict):
    """Every error: ``{"error": {"code", "message", "field"?, "details"?}}``."""

    error: ErrorDetail


class PageOut(Strict, Generic[T]):
    items: list[T]
    page: int
    per_page: int
    total: int


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a route: the error statuses it may answer, with their body."""
    described = {400: "Badan permintaan bukan JSON yang dapat dibaca",
                 401: "Tanpa sesi atau token yang sah", 403: "Tidak berwenang",
                 404: "Tidak ditemukan (atau di luar wilayah kewenangan)",
                 409: "Bertentangan dengan data yang ada", 422: "Permintaan tidak valid",
                 429: "Batas permintaan per menit terlampaui"}
    return {s: {"model": ErrorOut, "description": described[s]} for s in (401, 403, 429, *statuses)}


def error_response(status: int, code: str, message: str) -> JSONResponse:
    """An error answered without raising, so the request's transaction (and its audit event)
    is still committed."""
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


PAGE = Query(1, ge=1, le=MAX_PAGE, description="Halaman, mulai dari 1")
PER_PAGE = Query(25, ge=1, le=MAX_PER_PAGE, description=f"Baris per halaman (1-{MAX_PER_PAGE})")
