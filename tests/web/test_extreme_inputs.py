"""Extreme inputs: every page form and every API operation (enumerated from the app, so a route
added later is probed too) sent, field by field, what a clumsy user or an attacker would type or
upload: huge, negative and unparseable numbers, long texts, path traversal, invisible and
control characters, spreadsheet formulas, impossible dates, broken files.

lindung must never answer 5xx to any of it. A refusal is 4xx with words in Bahasa Indonesia:
on the API the body ``{"error": {"code", "message"}}``, on a page an HTML page without a Python
traceback or English framework words ("Not Found", "Input should ..."). The audit log must not
grow a value longer than 1,000 characters out of what was sent.

One test per route (every field and value of it, the failures collected and listed together),
each on its own copy of a demo database in which the probing accounts are already signed in.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import logging
import re
import shutil
import types
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin
from urllib.parse import quote, urlsplit

import pytest
from fastapi import FastAPI, params
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel
from sqlalchemy import Engine, func, select
from starlette.routing import compile_path
from starlette.types import Message, Receive, Scope, Send

from lindung.accounts.actions import do_issue_token
from lindung.accounts.crypto import digest
from lindung.accounts.models import WebSession
from lindung.accounts.queries import user_principal
from lindung.accounts.throttle import sign_in_throttle, token_limiter
from lindung.agreements.models import Agreement, FundingSource
from lindung.audit.models import AuditEvent
from lindung.db import make_engine, session_factory
from lindung.demo_data import ACCOUNTS, DEMO_PASSWORD
from lindung.enrollment.models import Membership
from lindung.principal import ROLE_PERMISSIONS
from lindung.registry.queries import list_occupations
from lindung.web.app import create_app
from lindung.web.deps import anonymous_limiter
from tests.conftest import Demo
from tests.enrollment.test_import import HEADER as ROSTER_HEADER
from tests.enrollment.test_import import nik as metro_nik
from tests.enrollment.test_import import person
from tests.web.conftest import Client
from tests.web.test_matrix import COUNTER_TOKEN_PERMISSIONS, PUBLIC, permissions_of

# --- the inputs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bare:
    """A JSON token sent as is, not as a string: ``1e400`` (read as infinity), ``NaN``."""

    token: str


NUMBERS: list[Any] = [10**30, 2**63, 2**63 - 1, 2**31, -1, 0, "1e400", "NaN", " 12 ", "1.000.000"]
JSON_NUMBERS: list[Any] = [*NUMBERS, Bare("1e400"), Bare("NaN")]
LONG = "a" * 5000
INVISIBLE = "Budi\u202eSantoso\u200b\x00\x1b[2J"
STRINGS: list[Any] = [LONG, "../../etc/passwd", INVISIBLE, "=cmd|' /C calc'!A0"]
DATES: list[Any] = ["0000-00-00", "9999-12-31", "2026-02-30", ""]
ALL_VALUES = [*NUMBERS, *STRINGS, *DATES]
VALUES = {"number": NUMBERS, "text": STRINGS, "date": DATES}
NAMED = {10**30: "10**30", 2**63: "2**63", 2**63 - 1: "2**63-1", 2**31: "2**31"}

A_NIK = "1872011203750001"
"""A NIK of Kota Metro in the shape of the demo's (typed into the name search)."""
AUDIT_LIMIT = 1000
TODAY = date(2026, 2, 10)
"""The counter's day (the demo agreements run through 2026), as in tests/web/test_counter."""

NUMBER_NAMES = {"quota", "income", "declared_income", "wage", "budget_ceiling", "budget",
                "risk_class", "months", "phase", "page", "hal", "per_page"}
DATE_NAMES = {"start", "end", "effective", "birth_date", "dari", "sampai"}
SKIPPED = {("POST", "/keluar"),  # ends the session the other probes use
           ("GET", "/api/v1/openapi.json"), ("GET", "/api/docs"),
           ("GET", "/api/docs/oauth2-redirect")}
ENGLISH = re.compile(
    r"Internal Server Error|Not Found|Method Not Allowed|Traceback|Unprocessable|Bad Request|"
    r"Payload Too Large|Request Entity|Too Many Requests|Unauthorized|Forbidden|"
    r"Field required|Input should|String should|List should|Value error|value is not a valid|"
    r"Extra inputs|JSON decode|Expecting value|should have at|is not a valid|"
    r"\b[A-Z][A-Za-z]*(?:Error|Exception)\b")
ENGLISH_WORDS = re.compile(
    r"\b(?:the|is|not|must|should|required|missing|[Ii]nvalid|cannot|unable|expected|allowed|"
    r"failed|found|error|multipart|request|parse|exceeds?|too (?:large|long|big)|field|value)\b")
"""Words of an English error message (checked in the message itself: Indonesian has none)."""


def label(value: Any) -> str:
    if isinstance(value, Bare):
        return f"{value.token} (bare JSON number)"
    if isinstance(value, int) and not isinstance(value, bool):
        return NAMED.get(value, str(value))
    if isinstance(value, str) and len(value) > 60:
        return f"{value[:1]!r}*{len(value)}"
    return repr(value)


def as_text(value: Any) -> str:
    return value.token if isinstance(value, Bare) else str(value)


def kind_of(annotation: Any, name: str) -> str:
    core = _core(annotation)
    if isinstance(core, type) and issubclass(core, int) and core is not bool:
        return "number"
    if core is date:
        return "date"
    if name in NUMBER_NAMES or name.endswith("_id"):
        return "number"
    if name in DATE_NAMES or name.endswith("_date"):
        return "date"
    return "text"


def _core(annotation: Any) -> Any:
    """``X`` of ``Annotated[X, ...]`` and of ``X | None``."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


# --- the routes, read from the app -------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    name: str
    where: str  # path, query, form, file
    kind: str  # number, text, date
    many: bool = False  # a form field sent several times (checkboxes)


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    permissions: frozenset[str]
    params: tuple[Param, ...]
    model: type[BaseModel] | None  # the JSON body

    def __str__(self) -> str:
        return f"{self.method} {self.pattern}"

    @property
    def pattern(self) -> str:
        """The path without convertors: ``/pekerja/{worker_id}``."""
        return re.sub(r"{(\w+):[^}]*}", r"{\1}", self.path)

    @property
    def key(self) -> tuple[str, str]:
        return self.method, self.pattern

    @property
    def api(self) -> bool:
        return self.path.startswith("/api/")

    @property
    def multipart(self) -> bool:
        return any(p.where == "file" for p in self.params)

    @property
    def principal(self) -> str:
        """Who probes it: the Pemda admin, else the counter's token (API) or officer, else the
        first demo account whose role may call it."""
        if self.key == ("POST", "/masuk"):
            return "anonymous"
        if self.key in PUBLIC or not self.permissions:
            return "admin.metro"
        if self.api and self.permissions <= COUNTER_TOKEN_PERMISSIONS:
            return "counter-token"
        for account in sorted(ACCOUNTS, key=lambda a: a.username != "admin.metro"):
            if self.permissions <= ROLE_PERMISSIONS[account.role]:
                return account.username
        return "admin.metro"


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _dependants(sub)


def _params(dependant: Dependant) -> tuple[tuple[Param, ...], type[BaseModel] | None]:
    found: dict[tuple[str, str], Param] = {}
    model: type[BaseModel] | None = None
    for part in _dependants(dependant):
        for where, fields in (("path", part.path_params), ("query", part.query_params)):
            for f in fields:
                found[where, f.alias] = Param(f.alias, where, kind_of(f.field_info.annotation,
                                                                      f.alias))
        for f in part.body_params:
            annotation = f.field_info.annotation
            if isinstance(f.field_info, params.File):
                found["file", f.alias] = Param(f.alias, "file", "text")
            elif isinstance(f.field_info, params.Form):
                many = get_origin(_core(annotation)) is list
                found["form", f.alias] = Param(f.alias, "form", kind_of(annotation, f.alias),
                                               many)
            elif _is_model(_core(annotation)):
                model = _core(annotation)
    return tuple(found.values()), model


def routes_of(app: FastAPI) -> list[Route]:
    routes = []
    for context in iter_route_contexts(app.routes):
        route, path = context.original_route, context.path or ""
        if not isinstance(route, APIRoute):
            continue
        found, model = _params(route.dependant)
        for method in sorted((context.methods or set()) - {"HEAD"}):
            routes.append(Route(method, path, frozenset(permissions_of(route.dependant)),
                                found, model))
    return [r for r in routes if r.key not in SKIPPED]


with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    ALL_ROUTES = routes_of(create_app(make_engine("sqlite://")))
PRINCIPALS = sorted({r.principal for r in ALL_ROUTES} - {"anonymous", "counter-token"})


# --- the form fields a page reads itself (``await request.form()``), from its HTML ----------------


class _Forms(HTMLParser):
    """The forms of a page: action, method and fields with the values the page fills in."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._fields: dict[str, Any] | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._fields = {}
            self.forms.append({"action": a.get("action", ""),
                               "method": (a.get("method") or "get").upper(),
                               "fields": self._fields, "checkboxes": set(), "files": set()})
            return
        if self._fields is None:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                self.forms[-1]["checkboxes"].add(name)
                values = self._fields.setdefault(name, [])
                if "checked" in a:
                    values.append(a.get("value") or "on")
            elif kind == "file":
                self.forms[-1]["files"].add(name)
            else:
                self._fields.setdefault(name, a.get("value", ""))
        elif tag == "select" and name:
            self._select = name
            self._fields[name] = None
        elif tag == "option" and self._select:
            if self._fields[self._select] is None or "selected" in a:
                self._fields[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self._fields[name] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea and self._fields is not None:
            self._fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._fields = None
        elif tag == "select":
            if self._select and self._fields is not None and self._fields[self._select] is None:
                self._fields[self._select] = ""
            self._select = None
        elif tag == "textarea":
            self._textarea = None


@dataclass
class ScrapedForm:
    defaults: dict[str, Any] = field(default_factory=dict)
    checkboxes: set[str] = field(default_factory=set)
    files: set[str] = field(default_factory=set)


def _route_of(action: str, method: str) -> tuple[str, str] | None:
    path = urlsplit(action).path
    for route in ALL_ROUTES:
        if route.method == method and not route.api:
            regex, _fmt, _convertors = compile_path(route.path)
            if regex.match(path):
                return route.key
    return None


# --- the probes --------------------------------------------------------------------------------


def driver_nik(n: int) -> str:
    """A NIK of Lampung Tengah for someone born 1985-03-12 (the counter's demo driver)."""
    return f"180201120385{n % 10_000:04d}"


def _agreement_json(n: int) -> dict[str, Any]:
    return {"code": f"UJI-API-{n}", "region_code": "18.72", "segment": "bpu",
            "programs": ["jkk", "jkm"], "funded_by": "apbd", "start_date": "2026-01-01",
            "end_date": "2026-12-31", "quota": 100, "declared_income": 1_000_000,
            "phases": [{"number": 1, "start_date": "2026-01-01", "quota": 100}]}


def _driver(n: int) -> dict[str, Any]:
    return {"nik": driver_nik(n), "name": "Sugeng Riyadi", "birth_date": "1985-03-12",
            "sex": "L", "phone": "081270001234", "occupation": "sopir_truk",
            "declared_income": 1_000_000, "months": 3, "funded_by": "self"}


def new_password(n: int) -> str:
    """A new password for serial ``n``: long enough, not common, not the one before."""
    return f"kuda laut terbang senja {n}"


def name_for(n: int) -> str:
    """A person's name for serial ``n`` made of letters only (a correction must change it)."""
    return "Uji " + "".join("abcdefghij"[int(d)] for d in str(n)).capitalize()


def _pick(ids: tuple[int, ...], n: int) -> int:
    """One of ``ids`` for serial ``n``: each probe names another (an id changed by an earlier
    probe may no longer be changed)."""
    return ids[n % len(ids)]


Base = Callable[[int, "Env"], dict[str, Any]]
"""A base request for serial ``n``, naming rows of the test's demo database (``env.template``)."""
MEMBER_FILTER = {"pks": "METRO-2026", "status": "", "desa": "", "pekerjaan": "", "kelompok": "",
                 "nama": "", "alasan_bpjs": ""}
"""The member list's filters as its forms send them (hidden fields, none when unfiltered)."""

BASE_FORMS: dict[tuple[str, str], Base] = {
    ("POST", "/masuk"): lambda n, _: {"username": "tidak.ada", "password": "salah-sekali"},
    ("POST", "/pks/baru"): lambda n, _: {
        "code": f"UJI-{n}", "region": "18.72", "segment": "bpu", "programs": ["jkk", "jkm"],
        "funded_by": "apbd", "start": "2026-01-01", "end": "2026-12-31", "quota": "100",
        "income": "1000000", "wage": "", "risk_class": "", "budget_ceiling": "", "number": "",
        "title": "", "branch": "", "phases": ""},
    ("POST", "/pks/{code}/addendum"): lambda n, _: {
        # a valid addendum (a quota raise would need its phase: docs/decisions/0021)
        "effective": "2026-08-01", "reason": "Penyesuaian judul", "quota": "",
        "number": "", "title": f"Judul addendum uji {n}", "programs": [], "funded_by": "",
        "start": "", "end": "", "income": "", "wage": "", "risk_class": "",
        "budget_ceiling": "", "phase_start": "", "phase_quota": ""},
    ("POST", "/pengaturan/pekerjaan"): lambda n, _: {
        "code": f"uji_{n}", "name": f"Pekerjaan uji {n}", "group": "transport",
        "default_segment": "bpu", "risk_class": "", "aliases": ""},
    ("POST", "/pengaturan/token"): lambda n, _: {
        "name": f"Token uji {n}", "organisation": "PEMKOT-METRO",
        "permissions": ["reference.read"]},
    ("POST", "/pekerja/cari-nik"): lambda n, _: {"nik": A_NIK},
    ("POST", "/loket/cek"): lambda n, _: {"nik": driver_nik(1)},
    ("POST", "/loket/daftar"): lambda n, _: {k: str(v) for k, v in _driver(n).items()},
    ("POST", "/unggah"): lambda n, _: {"agreement": "METRO-2026", "phase": ""},
    ("POST", "/unggah/simpan"): lambda n, _: {"key": "A" * 32},
    ("POST", "/pertukaran/jawaban"): lambda n, _: {"agreement": "METRO-2026"},
    ("POST", "/api/v1/rosters/dry-run"): lambda n, _: {"agreement": "METRO-2026"},
    ("POST", "/api/v1/rosters"): lambda n, _: {"agreement": "METRO-2026"},
    ("POST", "/api/v1/exchange/answers"): lambda n, _: {"agreement": "METRO-2026"},
    ("POST", "/akun/kata-sandi"): lambda n, env: {
        "current_password": env.password, "password": new_password(n),
        "password_again": new_password(n)},
    ("POST", "/pekerja/unduh"): lambda n, _: MEMBER_FILTER,
    ("POST", "/pekerja/massal"): lambda n, env: {
        **MEMBER_FILTER, "status": "rejected", "tindakan": ["ajukan-ulang"],
        "pilih": [str(_pick(env.template.rejected, n))]},
    ("POST", "/pekerja/{worker_id}/koreksi"): lambda n, _: {
        "nama": name_for(n), "alasan": "Salah ketik nama"},
    ("POST", "/pengaturan/token/{token_id}/ganti"): lambda n, _: {"overlap_minutes": "60"},
    ("POST", "/pengaturan/akun/pengguna"): lambda n, _: {
        "username": f"uji.{n}", "display_name": f"Pengguna uji {n}", "role": "opd_operator",
        "organisation": "SATPOL-METRO"},
    ("POST", "/pengaturan/akun/organisasi"): lambda n, _: {
        "code": f"OPD-UJI-{n}", "name": f"Dinas uji {n}", "kind": "opd",
        "parent": "PEMKOT-METRO", "region": "18.72"},
}
BASE_JSON: dict[tuple[str, str], Base] = {
    ("POST", "/api/v1/agreements"): lambda n, _: _agreement_json(n),
    ("POST", "/api/v1/agreements/{code}/amendments"): lambda n, _: {
        "effective_date": "2026-08-01", "reason": "Penyesuaian judul",
        "title": f"Judul addendum uji {n}"},
    ("POST", "/api/v1/agreements/{code}/payers"): lambda n, _: {
        "effective_date": f"2026-{1 + n % 12:02d}-01", "funded_by": "apbd",
        "group": "DINSOS-METRO", "payer": "DINSOS-METRO"},
    ("POST", "/api/v1/occupations"): lambda n, _: {
        "code": f"uji_api_{n}", "name": f"Pekerjaan uji {n}", "group": "transport",
        "default_segment": "bpu", "risk_class": 1, "aliases": ["uji"]},
    ("POST", "/api/v1/coverage-checks"): lambda n, _: {"nik": driver_nik(1)},
    ("POST", "/api/v1/counter-enrolments"): lambda n, _: _driver(n),
    ("POST", "/api/v1/workers/lookup"): lambda n, _: {"nik": A_NIK},
    ("POST", "/api/v1/memberships/resubmissions"): lambda n, env: {
        "ids": [_pick(env.template.rejected, n)]},
    ("POST", "/api/v1/memberships/endings"): lambda n, env: {
        "ids": [_pick(env.template.active, n)], "reason": "resigned", "on": "2026-12-31"},
    ("PATCH", "/api/v1/workers/{worker_id}"): lambda n, _: {
        "name": name_for(n), "reason": "Salah ketik nama"},
    ("PATCH", "/api/v1/memberships/{membership_id}"): lambda n, env: {
        "occupation": env.template.occupation, "reason": "Salah pilih pekerjaan"},
    ("POST", "/api/v1/users"): lambda n, _: {
        "username": f"uji.api.{n}", "display_name": f"Pengguna uji {n}",
        "role": "village_operator", "organisation": "KEL-METRO-DEMO"},
    ("POST", "/api/v1/me/password"): lambda n, env: {
        "current_password": env.password, "new_password": new_password(n)},
    ("POST", "/api/v1/organisations"): lambda n, _: {
        "code": f"OPD-UJI-API-{n}", "kind": "opd", "name": f"Dinas uji {n}",
        "region_code": "18.72", "parent": "PEMKOT-METRO"},
    ("POST", "/api/v1/tokens"): lambda n, _: {
        "name": f"Token uji {n}", "organisation": "PEMKOT-METRO",
        "permissions": ["reference.read"], "rate_per_minute": 60},
    ("POST", "/api/v1/tokens/{token_id}/rotate"): lambda n, _: {"overlap_minutes": 60},
}
PASSWORD_CHANGES = {("POST", "/akun/kata-sandi"): "password",
                    ("POST", "/api/v1/me/password"): "new_password"}
"""Routes that change the prober's own password -> the field of the new one: once one is
accepted, the next requests type it as the current password (so they reach the checks of the
new one)."""
BASE_QUERY = {"page": "1", "hal": "1", "per_page": "25", "nama": "sa", "name": "sa",
              "agreement": "METRO-2026"}
BASE_MAY_FAIL = {
    ("POST", "/masuk"),  # no such account
    # needs the short session a one-time code opens (its own cookie, not the probers'): the
    # choice of a new password is tested in tests/accounts/test_web.py and the browser test
    ("POST", "/masuk/kata-sandi-baru"),
    ("POST", "/unggah/simpan"), ("GET", "/unggah/{key}/laporan.xlsx"),  # no such upload
    ("GET", "/loket/kartu/{number}.pdf"), ("GET", "/api/v1/counter-enrolments/{number}/card"),
    # no such receipt (or, for the partner API, a branch that exchanges files: no API here)
    ("GET", "/loket/bukti/{number}.pdf"), ("GET", "/loket/bukti/{number}"),
    ("POST", "/loket/bukti/{number}/kirim"),
    ("GET", "/api/v1/counter-enrolments/{number}/receipt"),
    ("POST", "/api/v1/counter-enrolments/{number}/submission"),
    ("POST", "/pertukaran/{code}/kirim-api"), ("POST", "/pertukaran/{code}/jawaban-api"),
    ("POST", "/api/v1/exchange/{code}/partner-submission"),
    ("POST", "/api/v1/exchange/{code}/partner-answers"),
    ("POST", "/pekerja/cari-nik"), ("POST", "/api/v1/workers/lookup"),  # NIK may be unknown
}
"""Routes whose base request (every field valid) may be refused; any other base must pass, so
each probe is known to reach the code behind the field it changes."""


def _example(annotation: Any, name: str) -> Any:
    core = _core(annotation)
    if get_origin(core) is Literal:
        return get_args(core)[0]
    if get_origin(core) is list:
        item = _core(get_args(core)[0])
        return [model_example(item)] if _is_model(item) else []
    if _is_model(core):
        return model_example(core)
    if core is bool:
        return False
    return {"number": 1, "date": "2026-01-01", "text": "uji"}[kind_of(core, name)]


def model_example(model: type[BaseModel]) -> dict[str, Any]:
    """A body for a model nobody wrote a base for: every required field, and one element of
    every list of objects (so their fields are probed too)."""
    body = {}
    for name, info in model.model_fields.items():
        core = _core(info.annotation)
        nested = get_origin(core) is list and _is_model(_core(get_args(core)[0]))
        if info.is_required() or nested:
            body[info.alias or name] = _example(info.annotation, name)
    return body


def json_fields(model: type[BaseModel], prefix: tuple[Any, ...] = ()
                ) -> list[tuple[tuple[Any, ...], str, bool]]:
    """(path in the body, kind, sent as a one-element list) of every scalar field."""
    found = []
    for name, info in model.model_fields.items():
        key = (*prefix, info.alias or name)
        core = _core(info.annotation)
        if get_origin(core) is list:
            item = _core(get_args(core)[0])
            if _is_model(item):
                found += json_fields(item, (*key, 0))
            else:
                found.append((key, kind_of(item, name), True))
        elif _is_model(core):
            found += json_fields(core, key)
        else:
            found.append((key, kind_of(core, name), False))
    return found


def _with(body: Any, path: tuple[Any, ...], value: Any) -> Any:
    body = copy.deepcopy(body)
    target = body
    for step in path[:-1]:
        target = target.setdefault(step, {}) if isinstance(target, dict) else target[step]
    target[path[-1]] = value
    return body


def dumps(body: Any) -> bytes:
    """JSON with :class:`Bare` values written as bare tokens."""
    bare: dict[str, str] = {}

    def mark(value: Any) -> Any:
        if isinstance(value, Bare):
            bare[f"@@bare{len(bare)}@@"] = value.token
            return f"@@bare{len(bare) - 1}@@"
        if isinstance(value, dict):
            return {k: mark(v) for k, v in value.items()}
        if isinstance(value, list):
            return [mark(v) for v in value]
        return value

    text = json.dumps(mark(body))
    for placeholder, token in bare.items():
        text = text.replace(f'"{placeholder}"', token)
    return text.encode()


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


ANSWER_HEADER = ["NIK", "KPJ", "Status", "Keterangan"]


def roster_row(serial: int, **cells: str) -> list[str]:
    row = person(serial)
    row.update(cells)
    return [row[h] for h in ROSTER_HEADER]


def answer_row(serial: int, **cells: str) -> list[str]:
    row = {"NIK": metro_nik(serial), "KPJ": f"2600000{serial:04d}", "Status": "Diterima",
           "Keterangan": ""}
    row.update(cells)
    return [row[h] for h in ANSWER_HEADER]


def base_file(route: Route) -> tuple[str, bytes, str]:
    if "jawaban" in route.path or "answer" in route.path:
        return "jawaban.csv", csv_bytes(ANSWER_HEADER, [answer_row(9001)]), "text/csv"
    return "linmas.csv", csv_bytes(ROSTER_HEADER, [roster_row(9001)]), "text/csv"


def file_probes(route: Route) -> list[tuple[str, str, tuple[str, bytes, str]]]:
    """(field, value label, file): a file in which every column of the base file takes every
    extreme value (one row per column and value), files that are not what they say, and names
    a person would not give a file."""
    answer = "jawaban" in route.path or "answer" in route.path
    header, row = (ANSWER_HEADER, answer_row) if answer else (ROSTER_HEADER, roster_row)
    rows = [row(9100 + len(header) * i + j, **{column: str(v)})
            for i, v in enumerate(ALL_VALUES) for j, column in enumerate(header)]
    probes = [("file rows", "every column × every value above, one row each",
               ("isi.csv", csv_bytes(header, rows), "text/csv"))]
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    for name, content, kind in (
            ("kosong.csv", b"", "text/csv"),
            ("rusak.xlsx", b"PK\x03\x04" + b"\x00" * 200, xlsx),
            ("biner.csv", bytes(range(256)) * 8, "text/csv"),
            ("utf16.csv", "\ufeffNIK,Nama\n1872011203750001,Budi\n".encode("utf-16-le"),
             "text/csv")):
        probes.append(("file content", name, (name, content, kind)))
    for value in STRINGS:
        probes.append(("file name", label(value) + " + '.csv'",
                       (value + ".csv", base_file(route)[1], "text/csv")))
    return probes


@dataclass
class Probe:
    where: str
    name: str
    value: str  # its label
    path: dict[str, str]
    query: dict[str, str]
    form: dict[str, Any]
    body: Any
    file: tuple[str, bytes, str] | None


# --- the database in which the probing accounts are signed in ----------------------------------


@dataclass
class Template:
    path: Path
    sessions: dict[str, tuple[str, str]]  # username: (session cookie, CSRF token)
    counter_token: str
    worker_id: int  # a Metro worker admin.metro may correct
    membership_id: int  # a Metro membership whose occupation admin.metro may correct ...
    occupation: str  # ... to this one
    rejected: tuple[int, ...]  # Metro memberships BPJS rejected (each may be proposed again)
    active: tuple[int, ...]  # active Metro memberships (each may be ended)
    token_id: int  # an API token of Kota Metro (admin.metro may rotate or revoke it)
    forms: dict[tuple[str, str], ScrapedForm] = field(default_factory=dict)


MANAGED_USER = "desa.metro"
"""A demo account admin.metro manages (its code is reset, it is deactivated)."""
MANAGED_ORGANISATION = "KEL-METRO-DEMO"
"""An organisation under PEMKOT-METRO (admin.metro may deactivate it)."""


def _demo_rows(engine: Engine) -> dict[str, Any]:
    """Rows of the demo the base requests name (see :class:`Template`), and an API token of
    Kota Metro issued for the probes (the counter's is Lampung Tengah's)."""
    with session_factory(engine)() as s:
        admin = user_principal(s, "admin.metro")
        assert admin is not None
        _secret, token = do_issue_token(s, admin, name="Sistem uji masukan ekstrem",
                                        organisation_code="PEMKOT-METRO",
                                        permissions=["reference.read"])
        s.commit()
        metro = (select(Membership).join(Agreement, Agreement.id == Membership.agreement_id)
                 .where(Agreement.code == "METRO-2026").order_by(Membership.id))
        rejected = tuple(m.id for m in s.scalars(metro.where(Membership.status == "rejected")))
        active = list(s.scalars(metro.where(Membership.status == "active")))
        worker_id = min(m.worker_id for m in active)
        membership = next(m for m in active if m.worker_id != worker_id)
        funding = s.get(FundingSource, membership.funding_source_code)
        groups = funding.occupation_groups if funding is not None else None
        occupation = next(o.code for o in list_occupations(s, admin, per_page=100).items
                          if o.code != membership.occupation_code
                          and (groups is None or o.group in groups))
        assert rejected and active
        return {"worker_id": worker_id, "membership_id": membership.id,
                "occupation": occupation, "rejected": rejected,
                "active": tuple(m.id for m in active[:50] if m.worker_id != worker_id),
                "token_id": token.id}


def _sign_in(app: FastAPI, engine: Engine, username: str) -> tuple[str, str]:
    """As tests/web/conftest.py's ``_signed_in`` does: the session cookie and its CSRF token."""
    client = Client(app, raise_server_exceptions=False)
    page = client.get("/masuk")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None, page.text[:500]
    done = client.post("/masuk", data={"username": username, "password": DEMO_PASSWORD,
                                       "csrf_token": token.group(1)}, follow_redirects=False)
    assert done.status_code == 303, done.text[:500]
    secret = client.cookies.get("lindung_session")
    assert secret
    with session_factory(engine)() as s:
        web = s.scalar(select(WebSession).where(WebSession.digest == digest(secret)))
        assert web is not None
        return secret, web.csrf_token


def _client(app: Any, template: Template, principal: str) -> Client:
    client = Client(app, raise_server_exceptions=False)
    if principal == "counter-token":
        client.headers["Authorization"] = f"Bearer {template.counter_token}"
    elif principal != "anonymous":
        secret, client.csrf = template.sessions[principal]
        client.cookies.set("lindung_session", secret)
    return client


def _path_values(route: Route, template: Template) -> dict[str, str]:
    values = {"code": "METRO-2026", "worker_id": str(template.worker_id),
              "membership_id": str(template.membership_id),
              "token_id": str(template.token_id), "username": MANAGED_USER,
              "number": "KARTU-TIDAK-ADA", "key": "A" * 32, "lang": "id"}
    if "/regions/" in route.path:
        values["code"] = "18.72"
    if "/organisasi/" in route.path or "/organisations/" in route.path:
        values["code"] = MANAGED_ORGANISATION
    return {p.name: values.get(p.name, "1") for p in route.params if p.where == "path"}


def _scrape(app: FastAPI, template: Template) -> dict[tuple[str, str], ScrapedForm]:
    """The fields of every form on every page the probing accounts can open."""
    found: dict[tuple[str, str], ScrapedForm] = {}
    for route in ALL_ROUTES:
        if route.api or route.method != "GET" or route.principal == "anonymous":
            continue
        client = _client(app, template, route.principal)
        url = fill(route.path, _path_values(route, template))
        page = client.get(url, follow_redirects=False)
        if "text/html" not in page.headers.get("content-type", ""):
            continue
        parser = _Forms()
        parser.feed(page.text)
        for form in parser.forms:
            key = _route_of(form["action"], form["method"])
            if key is None:
                continue
            scraped = found.setdefault(key, ScrapedForm())
            for name, value in form["fields"].items():
                if name != "csrf_token":
                    scraped.defaults.setdefault(name, value)
            scraped.checkboxes |= form["checkboxes"]
            scraped.files |= form["files"]
    return found


@pytest.fixture(scope="session")
def signed_in_template(demo_template: Demo, tmp_path_factory: pytest.TempPathFactory
                       ) -> Template:
    folder = tmp_path_factory.mktemp("extreme")
    path = folder / "signed-in.sqlite3"
    shutil.copy(demo_template.path, path)
    engine = make_engine(f"sqlite:///{path}")
    try:
        app = create_app(engine)
        app.state.upload_dir = folder / "uploads"
        sign_in_throttle.clear()
        anonymous_limiter._calls.clear()
        rows = _demo_rows(engine)
        template = Template(path, {name: _sign_in(app, engine, name) for name in PRINCIPALS},
                            demo_template.counter_token, **rows)
        template.forms = _scrape(app, template)
    finally:
        engine.dispose()
    return template


class _Causes(logging.Handler):
    """What the app logged while answering: the exception behind a 5xx."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def cause(self) -> str | None:
        for record in reversed(self.records):
            if record.exc_info and record.exc_info[1] is not None:
                exc = record.exc_info[1]
                return f"{type(exc).__name__}: {first_line(str(exc))}"
        return first_line(self.records[-1].getMessage()) if self.records else None


@dataclass
class Env:
    app: FastAPI
    engine: Engine
    template: Template
    causes: _Causes
    serial: int = 100
    signin_token: str = ""
    password: str = DEMO_PASSWORD  # admin.metro's (see PASSWORD_CHANGES)

    def client(self, principal: str) -> Client:
        return _client(self.app, self.template, principal)

    def next_serial(self) -> int:
        self.serial += 1
        return self.serial


@pytest.fixture
def env(signed_in_template: Template, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> Iterator[Env]:
    path = tmp_path / "lindung.sqlite3"
    shutil.copy(signed_in_template.path, path)
    engine = make_engine(f"sqlite:///{path}")
    app = create_app(engine)
    app.state.upload_dir = tmp_path / "uploads"
    sign_in_throttle.clear()
    token_limiter._calls.clear()
    anonymous_limiter._calls.clear()
    monkeypatch.setenv("LINDUNG_TODAY", TODAY.isoformat())
    causes = _Causes()
    logger = logging.getLogger("lindung")
    logger.addHandler(causes)
    try:
        yield Env(app, engine, signed_in_template, causes)
    finally:
        logger.removeHandler(causes)
        engine.dispose()


# --- sending and judging -----------------------------------------------------------------------


def fill(path: str, values: dict[str, str]) -> str:
    return re.sub(r"{(\w+)(?::[^}]*)?}",
                  lambda m: quote(values.get(m.group(1), "1"), safe=""), path)


def probes_of(route: Route, env: Env) -> Iterator[Probe]:
    """The base request (every field valid), then each field with each value of its kind."""
    scraped = env.template.forms.get(route.key, ScrapedForm())
    params = {(p.where, p.name): p for p in route.params}
    for name, default in scraped.defaults.items():
        if ("form", name) not in params:
            many = name in scraped.checkboxes or isinstance(default, list)
            params["form", name] = Param(name, "form", kind_of(str, name), many)
    for name in scraped.files:
        params.setdefault(("file", name), Param(name, "file", "text"))

    form_of = BASE_FORMS.get(route.key)
    for name, default in (form_of(0, env) if form_of is not None else {}).items():
        if ("form", name) not in params:  # a field the page reads itself, not shown on it
            params["form", name] = Param(name, "form", kind_of(str, name),
                                         isinstance(default, list))

    def base(where: str, name: str, value: Any) -> Probe:
        n = env.next_serial()
        form = {**scraped.defaults, **(form_of(n, env) if form_of is not None else {})}
        form = {p.name: form.get(p.name, [] if p.many else "") for p in params.values()
                if p.where == "form"}
        body = None
        if route.model is not None:
            body_of = BASE_JSON.get(route.key)
            body = body_of(n, env) if body_of is not None else model_example(route.model)
        return Probe(where, name, value, _path_values(route, env.template),
                     {p.name: BASE_QUERY[p.name] for p in params.values()
                      if p.where == "query" and p.name in BASE_QUERY},
                     form, body, base_file(route) if route.multipart else None)

    yield base("", "(base request)", "every field valid")
    for param in params.values():
        if param.where == "file":
            for name, value, file in file_probes(route):
                probe = base("file", f"{param.name}: {name}", value)
                probe.file = file
                yield probe
            continue
        if param.where == "form" and param.name == "phases" and not route.api:
            for name, shape, values in (("phases (number)", "{};2026-01-01;100", NUMBERS),
                                        ("phases (quota)", "1;2026-01-01;{}", NUMBERS),
                                        ("phases (start)", "1;{};100", DATES),
                                        ("phases", "{}", STRINGS)):
                for value in values:
                    probe = base("form", name, label(value))
                    probe.form["phases"] = shape.format(value)
                    yield probe
            continue
        for value in VALUES[param.kind]:
            probe = base(param.where, param.name, label(value))
            target = {"path": probe.path, "query": probe.query, "form": probe.form}[param.where]
            target[param.name] = [as_text(value)] if param.many else as_text(value)
            yield probe
    if route.model is not None:
        for path, kind, many in json_fields(route.model):
            values = JSON_NUMBERS if kind == "number" else VALUES[kind]
            for value in values:
                probe = base("json", ".".join(str(p) for p in path), label(value))
                probe.body = _with(probe.body, path, [value] if many else value)
                yield probe


def send(env: Env, client: Client, route: Route, probe: Probe) -> Any:
    headers: dict[str, str] = {}
    unsafe = route.method in ("POST", "PUT", "PATCH", "DELETE")
    form = dict(probe.form)
    if unsafe and not route.api:
        token = client.csrf
        if route.principal == "anonymous":  # the sign-in form's own token, renewed each time
            if not env.signin_token:
                env.signin_token = _signin_token(client.get("/masuk"))
            token = env.signin_token
        if not form.get("csrf_token"):  # unless it is the field probed
            form["csrf_token"] = token
    elif unsafe and client.csrf:
        headers["X-CSRF-Token"] = client.csrf
    kwargs: dict[str, Any] = {"params": probe.query or None, "headers": headers,
                              "follow_redirects": False}
    if probe.body is not None:
        kwargs["content"] = dumps(probe.body)
        headers["Content-Type"] = "application/json"
    elif route.multipart:
        kwargs["data"] = form
        kwargs["files"] = {next(p.name for p in route.params if p.where == "file"): probe.file}
    elif unsafe and form:
        kwargs["data"] = form
    env.causes.records.clear()
    token_limiter._calls.clear()  # rate limits are not what is probed here
    anonymous_limiter._calls.clear()
    sign_in_throttle.clear()
    response = client.request(route.method, fill(route.path, probe.path), **kwargs)
    if route.principal == "anonymous":
        env.signin_token = _signin_token(response)
    return response


def _signin_token(page: Any) -> str:
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    return token.group(1) if token else ""


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class _Text(HTMLParser):
    """The words a person sees on a page, and those of its error notices."""

    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []
        self.alerts: list[str] = []
        self._skip = 0
        self._alert = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        if tag in VOID:
            return
        if self._alert:
            self._alert += 1
        elif dict(attrs).get("role") == "alert" or "error" in (dict(attrs).get("class") or ""):
            self._alert = 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(self._skip - 1, 0)
        if self._alert and tag not in VOID:
            self._alert -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.words.append(data.strip())
            if self._alert:
                self.alerts.append(data.strip())


def first_line(text: str) -> str:
    line = next((s.strip() for s in text.splitlines() if s.strip()), "")
    return line if len(line) <= 160 else line[:160] + "…"


def page_text(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    return parser


def message_of(response: Any) -> str:
    """What the answer says: the API error's message, the page's error notice or title."""
    kind = response.headers.get("content-type", "")
    if "json" in kind:
        try:
            body = response.json()
        except ValueError:
            return first_line(response.text)
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            error = body["error"]
            details = error.get("details") or []
            extra = f" [{details[0].get('field')}: {details[0].get('message')}]" if (
                details and isinstance(details[0], dict)) else ""
            return first_line(f"{error.get('message')}{extra}")
        return first_line(response.text)
    if "html" in kind:
        text = page_text(response.text)
        return first_line(" ".join(text.alerts) or " ".join(text.words[:12]))
    return first_line(response.text)


def judge(route: Route, response: Any, causes: _Causes) -> str | None:
    """What is wrong with the answer, or None."""
    status = response.status_code
    kind = response.headers.get("content-type", "")
    if status >= 500:
        return f"{status} {causes.cause() or message_of(response)}"
    if "Traceback (most recent call last)" in response.text:
        return f"{status} a Python traceback in the answer"
    if status < 400:
        return None
    if route.api:
        try:
            body = response.json()
        except ValueError:
            return f"{status} not JSON ({kind}): {first_line(response.text)}"
        error = body.get("error") if isinstance(body, dict) else None
        if not (isinstance(error, dict) and isinstance(error.get("code"), str)
                and isinstance(error.get("message"), str) and error["message"].strip()):
            return f'{status} not {{"error": {{"code", "message"}}}}: {first_line(response.text)}'
        said = [error["message"], *(str(d.get("message", "")) for d in error.get("details") or []
                                    if isinstance(d, dict))]
        english = ENGLISH.search(response.text) or ENGLISH_WORDS.search(" ".join(said))
        if english:
            return f"{status} English in the error ({english.group(0)!r}): {message_of(response)}"
        return None
    if "text/html" not in kind:
        return f"{status} a page answered {kind or 'no content type'}: {message_of(response)}"
    text = page_text(response.text)
    english = (ENGLISH.search(" ".join(text.words))
               or ENGLISH_WORDS.search(" ".join(text.alerts) or " ".join(text.words)))
    if english:
        return f"{status} English on the page ({english.group(0)!r}): {message_of(response)}"
    return None


def long_audit_values(engine: Engine, after: int) -> list[str]:
    """Audit values (any column, any JSON key or leaf) longer than :data:`AUDIT_LIMIT`."""
    found = []

    def walk(value: Any, where: str) -> Iterator[str]:
        if isinstance(value, str) and len(value) > AUDIT_LIMIT:
            yield f"{where}: {len(value)} characters ({value[:40]!r}…)"
        elif isinstance(value, dict):
            for key, item in value.items():
                yield from walk(key, f"{where} key")
                yield from walk(item, f"{where}.{key}")
        elif isinstance(value, list):
            for i, item in enumerate(value):
                yield from walk(item, f"{where}[{i}]")

    with session_factory(engine)() as s:
        for event in s.scalars(select(AuditEvent).where(AuditEvent.id > after)):
            for column in ("actor", "action", "entity", "entity_id", "before", "after",
                           "detail"):
                for problem in walk(getattr(event, column), column):
                    found.append(f"audit event {event.id} ({event.action}) {problem}")
    return found


def last_audit_id(engine: Engine) -> int:
    with session_factory(engine)() as s:
        return int(s.scalar(select(func.max(AuditEvent.id))) or 0)


# --- the tests ---------------------------------------------------------------------------------

PROBED = [r for r in ALL_ROUTES if r.params or r.model is not None
          or (r.method == "POST" and not r.api)]


def test_every_route_with_an_input_is_probed() -> None:
    assert len(PROBED) > 30
    keys = {r.key for r in PROBED}
    for key in (("POST", "/pks/baru"), ("POST", "/api/v1/agreements"),
                ("POST", "/loket/daftar"), ("POST", "/api/v1/counter-enrolments"),
                ("GET", "/pekerja/{worker_id}"), ("GET", "/api/v1/workers/{worker_id}"),
                ("POST", "/pengaturan/token/{token_id}/cabut"), ("POST", "/unggah")):
        assert key in keys


@pytest.mark.parametrize("route", PROBED, ids=str)
def test_route_survives_extreme_inputs(route: Route, env: Env) -> None:
    client = env.client(route.principal)
    since = last_audit_id(env.engine)
    failures: list[str] = []
    sent = 0
    for probe in probes_of(route, env):
        response = send(env, client, route, probe)
        sent += 1
        new = PASSWORD_CHANGES.get(route.key)
        if new and response.status_code < 400:
            env.password = str((probe.form if probe.body is None else probe.body)[new])
        problem = judge(route, response, env.causes)
        if probe.name == "(base request)" and problem is None and response.status_code >= 400 \
                and route.key not in BASE_MAY_FAIL:
            problem = (f"{response.status_code} the base request is refused (so the probes do "
                       f"not reach the code): {message_of(response)}")
        if problem:
            where = f"{probe.where}:" if probe.where else ""
            failures.append(f"{route} {where}{probe.name} = {probe.value} -> {problem}")
    failures += [f"{route} {problem}" for problem in long_audit_values(env.engine, since)]
    assert sent > 1
    assert not failures, (f"{len(failures)} of {sent} requests to {route} as {route.principal} "
                          "answered wrongly:\n" + "\n".join(failures))


@pytest.mark.parametrize(("path", "field"), [("/pekerja", "nama"), ("/api/v1/workers", "name")])
def test_a_nik_typed_into_the_name_search_is_refused_and_not_echoed(
        path: str, field: str, env: Env) -> None:
    client = env.client("admin.metro")
    response = client.get(path, params={field: A_NIK}, follow_redirects=False)
    route = next(r for r in ALL_ROUTES if r.key == ("GET", path))
    problems = []
    if not 400 <= response.status_code < 500:
        problems.append(f"status {response.status_code}, not a refusal (4xx)")
    wrong = judge(route, response, env.causes)
    if wrong:
        problems.append(wrong)
    message = message_of(response)
    if "NIK" not in message.upper() or not re.search(
            r"cari-nik|workers/lookup|formulir|cari menurut nik", message, re.IGNORECASE):
        problems.append(f"the message does not point to the NIK search: {message!r}")
    if A_NIK in response.text:
        problems.append("the NIK is echoed in the response body")
    assert not problems, f"GET {path}?{field}=<NIK>: " + "; ".join(problems)


class _BodyReader:
    """The app, counting what it read of the request body."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.read = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def counted() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                self.read += len(message.get("body", b""))
            return message

        await self.app(scope, counted, send)


def test_a_50_mb_json_body_is_refused_unparsed(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[int] = []
    loads = json.loads

    def spy(text: Any, *args: Any, **kwargs: Any) -> Any:
        parsed.append(len(text))
        return loads(text, *args, **kwargs)

    monkeypatch.setattr(json, "loads", spy)
    reader = _BodyReader(env.app)
    client = Client(reader, raise_server_exceptions=False)
    body = b'{"nik": "' + b"1" * (50 * 1024 * 1024) + b'"}'
    headers = {"Authorization": f"Bearer {env.template.counter_token}",
               "Content-Type": "application/json", "Content-Length": str(len(body))}
    route = next(r for r in ALL_ROUTES if r.key == ("POST", "/api/v1/coverage-checks"))
    problems = []
    response = client.post("/api/v1/coverage-checks", content=body, headers=headers)
    if response.status_code != 413:
        problems.append(f"with Content-Length: {response.status_code}, not 413: "
                        f"{message_of(response)}")
    wrong = judge(route, response, env.causes)
    if wrong:
        problems.append(f"with Content-Length: {wrong}")
    if any(size > 1024 * 1024 for size in parsed):
        problems.append(f"with Content-Length: the body was parsed as JSON ({max(parsed)} "
                        "bytes)")
    if reader.read:
        problems.append(f"with Content-Length: {reader.read} bytes of the body were read")

    parsed.clear()
    chunks = iter([body[i:i + 4 * 1024 * 1024] for i in range(0, len(body), 4 * 1024 * 1024)])
    response = client.post("/api/v1/coverage-checks", content=chunks,
                           headers={k: v for k, v in headers.items() if k != "Content-Length"})
    if response.status_code != 413:
        problems.append(f"chunked: {response.status_code}, not 413: {message_of(response)}")
    wrong = judge(route, response, env.causes)
    if wrong:
        problems.append(f"chunked: {wrong}")
    if any(size > 1024 * 1024 for size in parsed):
        problems.append(f"chunked: the body was parsed as JSON ({max(parsed)} bytes)")
    assert not problems, "POST /api/v1/coverage-checks, 50 MB: " + "; ".join(problems)


def test_a_huge_nik_is_refused_and_the_audit_log_stays_small(env: Env) -> None:
    problems = []
    token = env.client("counter-token")
    response = token.post("/api/v1/coverage-checks",
                          content=b'{"nik": "' + b"1" * (20 * 1024 * 1024) + b'"}',
                          headers={"Content-Type": "application/json"})
    if response.status_code not in (413, 422):
        problems.append(f"POST /api/v1/coverage-checks nik = '1'*20MB -> "
                        f"{response.status_code}, not 413/422: {message_of(response)}")
    # Just under the JSON body limit: these reach the services and their audit events.
    nik = "1" * (1024 * 1024 - 100)
    for principal, method, path, kind in (
            ("counter-token", "POST", "/api/v1/coverage-checks", "json"),
            ("admin.metro", "POST", "/api/v1/workers/lookup", "json"),
            ("loket.kir", "POST", "/loket/cek", "form"),
            ("admin.metro", "POST", "/pekerja/cari-nik", "form")):
        client = env.client(principal)
        route = next(r for r in ALL_ROUTES if r.key == (method, path))
        if kind == "json":
            headers = {"Content-Type": "application/json"}
            if client.csrf:
                headers["X-CSRF-Token"] = client.csrf
            response = client.post(path, content=dumps({"nik": nik}), headers=headers)
        else:
            response = client.post_form(path, {"nik": nik[:1024 * 1024 - 200]})
        if not 400 <= response.status_code < 500:
            problems.append(f"{method} {path} nik = '1'*{len(nik)} -> {response.status_code}, "
                            f"not 4xx: {message_of(response)}")
        wrong = judge(route, response, env.causes)
        if wrong:
            problems.append(f"{method} {path} nik = '1'*{len(nik)} -> {wrong}")
    problems += long_audit_values(env.engine, 0)
    assert not problems, "\n".join(problems)
