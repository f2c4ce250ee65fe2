"""Pages: finding a worker by name or by NIK (a POST form: a NIK never goes into a URL) and a
worker's page with masked NIK, memberships and their history, all within the user's scope."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from lindung.enrollment import queries as access
from lindung.enrollment.actions import do_lookup_worker
from lindung.errors import InvalidInput
from lindung.limits import MAX_BIG_ID, MAX_SHORT_TEXT
from lindung.principal import Principal
from lindung.web import forms
from lindung.web.deps import DB, language, page_requires
from lindung.web.templating import templates

router = APIRouter()
READ = Depends(page_requires("workers.read"))
PER_PAGE = 25


def render(request: Request, template: str, principal: Principal, status: int = 200,
           **context: Any) -> Response:
    """A page of ours; ``w("Indonesian", "English")`` (a template global) picks the language."""
    return templates.TemplateResponse(request, template, {
        "lang": language(request), "principal": principal, "csrf_token": request.state.csrf,
        **context}, status_code=status)


@router.get("/pekerja", include_in_schema=False)
def search_page(request: Request, nama: str = "", hal: str = "1", principal: Principal = READ,
                session: Session = DB) -> Response:
    results = None
    error = None
    nama = nama[:MAX_SHORT_TEXT]
    if nama.strip() and sum(c.isalnum() for c in nama) < access.MIN_NAME_LETTERS:
        error = f"ketik sekurang-kurangnya {access.MIN_NAME_LETTERS} huruf nama"
    elif nama.strip():
        try:
            results = access.search_workers(session, principal, nama,
                                            page=forms.page_number(hal), per_page=PER_PAGE)
        except InvalidInput as exc:
            error = str(exc)
    if re.search(r"[0-9]{8}", nama):
        nama = ""  # never shown back: the NIK form is the place for it
    return render(request, "workers/search.html", principal, status=422 if error else 200,
                  nama=nama, results=results, error=error)


@router.post("/pekerja/cari-nik", include_in_schema=False)
def nik_search(request: Request, nik: str = Form(""), principal: Principal = READ,
               session: Session = DB) -> Response:
    try:
        found = do_lookup_worker(session, principal, nik.strip()[:64])
    except InvalidInput as exc:
        return render(request, "workers/search.html", principal, status=422, nama="",
                      results=None, nik_error=str(exc))
    if found is None:  # answered, not raised: the audit event of the lookup is kept
        return render(request, "workers/search.html", principal, status=404, nama="",
                      results=None, nik_missing=True)
    return RedirectResponse(f"/pekerja/{found.id}", status_code=303)


@router.get("/pekerja/{worker_id}", include_in_schema=False)
def worker_page(request: Request, worker_id: Annotated[int, Path(ge=1, le=MAX_BIG_ID)],
                principal: Principal = READ,
                session: Session = DB) -> Response:
    profile = access.worker_profile(session, principal, worker_id)
    return render(request, "workers/profile.html", principal, profile=profile)
