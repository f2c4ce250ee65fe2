"""Pages: the member list within the user's scope, filtered by agreement, status (rejected by
BPJS with the reasons), village, occupation and name, exported to XLSX; ticked members proposed
again or ended at once; finding a worker by NIK (a POST form: a NIK never goes into a URL); a
worker's page with masked NIK, memberships and their history, the correction of name, address,
phone and occupation, and proposing again or ending one membership. Every change is an action
of :mod:`lindung.enrollment.corrections`."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path as FilePath
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from lindung import clock
from lindung.enrollment import queries as access
from lindung.enrollment.actions import do_lookup_worker
from lindung.enrollment.corrections import (
    GROUP_WORDS,
    MAX_BATCH,
    WorkerCorrection,
    do_correct_occupation,
    do_correct_worker,
    do_end_memberships,
    do_export_members,
    do_resubmit_members,
    refusal_words,
)
from lindung.enrollment.models import END_REASONS, MEMBERSHIP_STATUSES
from lindung.errors import Conflict, InvalidInput, LindungError
from lindung.limits import MAX_BIG_ID, MAX_SHORT_TEXT, MAX_TEXT
from lindung.principal import Principal
from lindung.tempfiles import temporary_directory
from lindung.web import forms
from lindung.web.deps import DB, language, page_requires
from lindung.web.pages.agreements import refused
from lindung.web.templating import templates

router = APIRouter()
READ = Depends(page_requires("workers.read"))
WRITE = Depends(page_requires("roster.import"))
PER_PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILTER_NAMES = {"pks": "agreement", "status": "status", "desa": "village",
                "pekerjaan": "occupation", "kelompok": "group", "nama": "name",
                "alasan_bpjs": "reason"}
"""The list's filters as the page's address names them -> :class:`MemberFilter` fields."""
GROUP_KEYS = frozenset(f"workers.group.{group}" for group in GROUP_WORDS)
"""Occupation groups with words; a group a Pemda added itself is shown as written."""


def render(request: Request, template: str, principal: Principal, status: int = 200,
           **context: Any) -> Response:
    """A page of ours; ``t("key")`` (a template global) gives the words in the page's language."""
    return templates.TemplateResponse(request, template, {
        "lang": language(request), "principal": principal, "csrf_token": request.state.csrf,
        "group_keys": GROUP_KEYS, **context}, status_code=status)


def _filter(request: Request) -> access.MemberFilter:
    """The list's filters from the address (Indonesian names; never a NIK)."""
    q = request.query_params
    return access.MemberFilter(**{field: (q.get(name) or "")[:MAX_SHORT_TEXT]
                                  for name, field in FILTER_NAMES.items()})


def _form_filter(form: Any) -> access.MemberFilter:
    return access.MemberFilter(**{field: forms.text(form, name, MAX_SHORT_TEXT)
                                  for name, field in FILTER_NAMES.items()})


def _list(request: Request, principal: Principal, session: Session,
          wanted: access.MemberFilter, page: int, *, status: int = 200,
          **context: Any) -> Response:
    """The member list (and the two search forms) under ``wanted``; a filter that cannot be
    read is said beside the form and the list is not shown."""
    results = None
    reasons: list[tuple[str, int]] = []
    error = context.pop("error", None)
    try:
        if wanted.name.strip() and sum(c.isalnum() for c in wanted.name) < \
                access.MIN_NAME_LETTERS:
            raise InvalidInput(f"ketik sekurang-kurangnya {access.MIN_NAME_LETTERS} huruf nama",
                               "name")
        checked = wanted.checked()
        results = access.list_members(session, principal, checked, page=page,
                                      per_page=PER_PAGE)
        if checked.status == "rejected":
            reasons = access.rejection_reasons(session, principal, checked)
    except InvalidInput as exc:
        error, status = str(exc), 422
        checked = access.MemberFilter()
    shown = wanted if error is None else replace(
        wanted, name="" if re.search(r"[0-9]{8}", wanted.name) else wanted.name,
        reason="" if re.search(r"[0-9]{8}", wanted.reason) else wanted.reason)
    params = {name: getattr(shown, field) for name, field in FILTER_NAMES.items()
              if getattr(shown, field)}
    return render(request, "workers/search.html", principal, status=status,
                  nama=shown.name, wanted=shown, params=params, results=results,
                  reasons=reasons, error=error, choices=access.filter_choices(session, principal),
                  statuses=MEMBERSHIP_STATUSES, end_reasons=END_REASONS,
                  today=clock.today(), may_change=principal.can("roster.import"), **context)


@router.get("/pekerja", include_in_schema=False)
def search_page(request: Request, hal: str = "1", principal: Principal = READ,
                session: Session = DB) -> Response:
    done = request.query_params.get("selesai", "")[:20]
    count = forms.page_number(request.query_params.get("jumlah", "0"))
    return _list(request, principal, session, _filter(request), forms.page_number(hal),
                 done=done if done in ("ajukan-ulang", "akhiri", "koreksi") else "",
                 done_count=count)


@router.post("/pekerja/unduh", include_in_schema=False)
async def export_list(request: Request, principal: Principal = READ,
                      session: Session = DB) -> Response:
    wanted = _form_filter(await request.form())
    try:
        with temporary_directory() as folder:
            out = FilePath(folder) / "peserta.xlsx"
            do_export_members(session, principal, wanted, out)
            content = out.read_bytes()
    except InvalidInput as exc:
        with refused(session, request) as fresh:
            return _list(request, principal, fresh, wanted, 1, status=422, error=str(exc))
    name = f"peserta-{clock.today().isoformat()}.xlsx"
    return Response(content, media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _ids(form: Any) -> list[int]:
    """The ticked members (``pilih``), each a whole number; at most MAX_BATCH + 1 read."""
    ids = []
    for raw in form.getlist("pilih")[:MAX_BATCH + 1]:
        value = forms.number(str(raw), label="peserta", field="ids", low=1, high=MAX_BIG_ID)
        if value is not None:
            ids.append(value)
    return ids


def _back(wanted: access.MemberFilter, done: str, count: int) -> str:
    params = {name: getattr(wanted, field) for name, field in FILTER_NAMES.items()
              if getattr(wanted, field)}
    return "/pekerja?" + urlencode({**params, "selesai": done, "jumlah": str(count)})


@router.post("/pekerja/massal", include_in_schema=False)
async def bulk_change(request: Request, principal: Principal = WRITE,
                      session: Session = DB) -> Response:
    """Propose again or end the ticked members: all of them, or none (with the reasons)."""
    form = await request.form()
    wanted = _form_filter(form)
    action = forms.text(form, "tindakan", 20)
    try:
        ids = _ids(form)
        if action == "ajukan-ulang":
            changed = do_resubmit_members(session, principal, ids)
        elif action == "akhiri":
            reason = forms.text(form, "alasan", 20)
            on = forms.form_day(form, "tanggal", label="tanggal berakhir", required=True)
            assert on is not None
            changed = do_end_memberships(session, principal, ids, reason=reason, on=on)
        else:
            raise InvalidInput("pilih tindakan: usulkan ulang atau akhiri kepesertaan",
                               "tindakan")
    except LindungError as exc:
        with refused(session, request) as fresh:
            refusals = refusal_words(exc)
            names = access.member_names(fresh, principal, [i for i, _ in refusals])
            return _list(request, principal, fresh, wanted, 1,
                         status=409 if isinstance(exc, Conflict) else 422,
                         refusals=[(names.get(i, f"#{i}"), why) for i, why in refusals],
                         error=None if refusals else str(exc))
    return RedirectResponse(_back(wanted, action, len(changed)), status_code=303)


@router.post("/pekerja/cari-nik", include_in_schema=False)
def nik_search(request: Request, nik: str = Form(""), principal: Principal = READ,
               session: Session = DB) -> Response:
    try:
        found = do_lookup_worker(session, principal, nik.strip()[:64])
    except InvalidInput as exc:
        return _list(request, principal, session, access.MemberFilter(), 1, status=422,
                     nik_error=str(exc))
    if found is None:  # answered, not raised: the audit event of the lookup is kept
        return _list(request, principal, session, access.MemberFilter(), 1, status=404,
                     nik_missing=True)
    return RedirectResponse(f"/pekerja/{found.id}", status_code=303)


def _profile(request: Request, principal: Principal, session: Session, worker_id: int, *,
             status: int = 200, **context: Any) -> Response:
    profile = access.worker_profile(session, principal, worker_id)
    newest: dict[str, int] = {}
    for m in profile.memberships:
        newest[m.agreement_code] = max(newest.get(m.agreement_code, 0), m.id)
    names = {code: name for code, name, _ in access.filter_choices(session,
                                                                   principal).occupations}
    return render(request, "workers/profile.html", principal, status=status, profile=profile,
                  contact=access.worker_contact(session, principal, worker_id),
                  newest=set(newest.values()), occupations=names, end_reasons=END_REASONS,
                  today=clock.today(), may_change=principal.can("roster.import"), **context)


@router.get("/pekerja/{worker_id}", include_in_schema=False)
def worker_page(request: Request, worker_id: Annotated[int, Path(ge=1, le=MAX_BIG_ID)],
                principal: Principal = READ,
                session: Session = DB) -> Response:
    done = request.query_params.get("selesai", "")[:20]
    return _profile(request, principal, session, worker_id,
                    done=done if done in ("ajukan-ulang", "akhiri", "koreksi") else "")


@router.post("/pekerja/{worker_id}/koreksi", include_in_schema=False)
async def correct_worker(request: Request,
                         worker_id: Annotated[int, Path(ge=1, le=MAX_BIG_ID)],
                         principal: Principal = WRITE, session: Session = DB) -> Response:
    """Correct name, address, phone and the occupation of each membership shown: one
    transaction, an audit event per change (only what changed)."""
    form = await request.form()
    try:
        contact = access.worker_contact(session, principal, worker_id)
        reason = forms.text(form, "alasan", MAX_TEXT) or None
        fields = {name: forms.text(form, name, MAX_SHORT_TEXT * 2) if name in form else None
                  for name in ("nama", "alamat", "telepon")}
        correction = WorkerCorrection(
            name=fields["nama"] if fields["nama"] not in (None, contact.name) else None,
            address=fields["alamat"] if fields["alamat"] is not None
            and fields["alamat"] != (contact.address or "") else None,
            phone=fields["telepon"] if fields["telepon"] is not None
            and fields["telepon"] != (contact.phone or "") else None)
        changed = False
        if any(v is not None for v in vars(correction).values()):
            do_correct_worker(session, principal, worker_id, correction, reason=reason)
            changed = True
        views = {m.id: m for m in access.worker_memberships(session, principal, worker_id)}
        for key in form:
            if not key.startswith("pekerjaan-"):
                continue
            ident = forms.number(key.removeprefix("pekerjaan-")[:20], label="kepesertaan",
                                 field="occupation", low=1, high=MAX_BIG_ID)
            chosen = forms.text(form, key, 40)
            view = views.get(ident or 0)
            if view is None or not chosen or chosen == view.occupation_code:
                continue
            do_correct_occupation(session, principal, view.id, chosen, reason=reason)
            changed = True
        if not changed:
            raise InvalidInput("tidak ada yang berubah: ubah isian yang perlu dikoreksi", "nama")
    except (InvalidInput, Conflict) as exc:
        with refused(session, request) as fresh:
            return _profile(request, principal, fresh, worker_id, status=422, error=str(exc))
    return RedirectResponse(f"/pekerja/{worker_id}?selesai=koreksi", status_code=303)


@router.post("/pekerja/{worker_id}/kepesertaan", include_in_schema=False)
async def change_membership(request: Request,
                            worker_id: Annotated[int, Path(ge=1, le=MAX_BIG_ID)],
                            principal: Principal = WRITE, session: Session = DB) -> Response:
    """Propose again, or end, one membership of the worker's page."""
    form = await request.form()
    action = forms.text(form, "tindakan", 20)
    try:
        ids = _ids(form)
        mine = {m.id for m in access.worker_memberships(session, principal, worker_id)}
        if not ids or not set(ids) <= mine:
            raise InvalidInput("pilih kepesertaan pekerja ini", "ids")
        if action == "ajukan-ulang":
            do_resubmit_members(session, principal, ids)
        elif action == "akhiri":
            on = forms.form_day(form, "tanggal", label="tanggal berakhir", required=True)
            assert on is not None
            do_end_memberships(session, principal, ids, reason=forms.text(form, "alasan", 20),
                               on=on)
        else:
            raise InvalidInput("pilih tindakan: usulkan ulang atau akhiri kepesertaan",
                               "tindakan")
    except LindungError as exc:
        if not isinstance(exc, InvalidInput | Conflict):
            raise
        with refused(session, request) as fresh:
            return _profile(request, principal, fresh, worker_id, status=422, error=str(exc))
    return RedirectResponse(f"/pekerja/{worker_id}?selesai={action}", status_code=303)
