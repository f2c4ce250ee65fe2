"""What a code means, in the page's language: one helper per kind of code.

Pages never show an internal code (``sopir_angkot``, ``proposed``, ``dbhcht``); they show its
label. Every helper is a function of the code and the language, and is a template global taking
the page's ``lang`` from the template context:

- ``status_label``: a membership status (``status.*`` words);
- ``segment_label``, ``programme_label`` / ``programmes_label``: PU/BPU/Jakon/PMI and JKK... with
  their names (the abbreviations are terms of art, the names say what they are);
- ``group_label``: an occupation group (``transport`` -> "Transportasi");
- ``funding_label``: a funding source, its name from the ``funding_source`` table (Indonesian),
  English from the words table;
- ``occupation_label``: an occupation's name from the ``occupation`` table (an admin may add
  occupations, so names are read from the database, once per request);
- ``role_label``, ``permission_label``: from :mod:`lindung.principal`;
- ``basis_line``, ``confidence_label``, ``legal_notes``: a rules trace as people read it
  ("Tarif JKK 1% - PP 44/2015 Pasal 17 jo. Lampiran II", "belum terkonfirmasi" and why);
- ``change_lines``: an amendment's changes in words ("Tanggal akhir: 31 Desember 2027 ->
  30 Juni 2028").

An unknown code is shown as it is rather than hidden (a missing label is a bug that the Bahasa
page test finds).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from jinja2 import pass_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from lindung.agreements.models import FundingSource
from lindung.db import session_factory
from lindung.formatting import format_date_id, format_number, format_rupiah
from lindung.principal import PERMISSION_LABELS, ROLE_LABELS
from lindung.registry.models import Occupation
from lindung.rules import load_parameters
from lindung.rules.labels import basis_line as rules_basis_line
from lindung.rules.labels import parameter_label
from lindung.rules.trace import TraceEntry
from lindung.web.i18n import TEXTS, translate


def _label(prefix: str, code: str | None, lang: str) -> str:
    if code is None or code == "":
        return ""
    key = f"{prefix}.{code}"
    return translate(key, lang) if key in TEXTS else code


def status_label(code: str | None, lang: str = "id") -> str:
    """``proposed`` -> "diusulkan"."""
    return _label("status", code, lang)


def segment_label(code: str | None, lang: str = "id") -> str:
    """``bpu`` -> "BPU (bukan penerima upah)"."""
    return _label("label.segment", code, lang)


def programme_label(code: str | None, lang: str = "id", *, long: bool = False) -> str:
    """``jkk`` -> "JKK" (``long``: "JKK (Jaminan Kecelakaan Kerja)")."""
    if not code:
        return ""
    return _label("label.programme", code, lang) if long else code.upper()


def programmes_label(codes: str | Iterable[str] | None, lang: str = "id") -> str:
    """``"jkk,jkm"`` or ``["jkk", "jkm"]`` -> "JKK, JKM"."""
    if not codes:
        return ""
    items = codes.split(",") if isinstance(codes, str) else list(codes)
    return ", ".join(programme_label(c.strip(), lang) for c in items if c.strip())


def group_label(code: str | None, lang: str = "id") -> str:
    """An occupation group: ``health_cadre`` -> "Kader kesehatan"."""
    return _label("label.group", code, lang)


def occupation_groups() -> list[str]:
    """The occupation groups that have words (the taxonomy's groups), for a choice list."""
    prefix = "label.group."
    return sorted(key[len(prefix):] for key in TEXTS if key.startswith(prefix))


def funding_about(code: str | None, lang: str = "id") -> str:
    """What a funding source is, in a sentence ("" when there are no words for it)."""
    key = f"label.funding_about.{code}"
    return translate(key, lang) if code and key in TEXTS else ""


def role_label(code: str | None, lang: str = "id") -> str:
    """``pemda_admin`` -> "Admin Pemda"."""
    if not code:
        return ""
    key = f"label.role.{code}"
    if key in TEXTS:
        return translate(key, lang)
    return ROLE_LABELS.get(code, code)


def permission_label(code: str | None, lang: str = "id") -> str:
    """``exchange.export`` -> "mengirim data pendaftaran ke BPJS"."""
    if not code:
        return ""
    key = f"label.permission.{code}"
    if key in TEXTS:
        return translate(key, lang)
    return PERMISSION_LABELS.get(code, code)


def funding_names(session: Session) -> dict[str, str]:
    """Every funding source's name (Indonesian), by code."""
    return {code: name for code, name in session.execute(
        select(FundingSource.code, FundingSource.name))}


def occupation_names(session: Session) -> dict[str, str]:
    """Every occupation's name, by code (built-in and added by a Pemda's admin)."""
    return {code: name for code, name in session.execute(
        select(Occupation.code, Occupation.name))}


def funding_label(code: str | None, lang: str = "id",
                  names: Mapping[str, str] | None = None) -> str:
    """``dbhcht`` -> "DBHCHT (dana bagi hasil cukai hasil tembakau)"; in English from the words
    table, else the name in the table."""
    if not code:
        return ""
    key = f"label.funding.{code}"
    if lang != "id" and key in TEXTS:
        return translate(key, lang)
    if names and code in names:
        return names[code]
    return translate(key, lang) if key in TEXTS else code


def occupation_label(code: str | None, names: Mapping[str, str]) -> str:
    """An occupation's name (the names are Indonesian in either language: they are what the
    people are called); an occupation code not in the table is shown as written."""
    if not code:
        return ""
    return names.get(code, code)


def line_label(code: str | None, lang: str = "id") -> str:
    """An amount line of a contribution: ``jht_worker`` -> "JHT, pekerja"."""
    if not code:
        return ""
    key = f"label.line.{code}"
    return translate(key, lang) if key in TEXTS else code.upper()


def actor_label(actor: str | None, lang: str = "id") -> str:
    """Who acted, as the audit log names them: ``user:admin.metro`` -> "admin.metro",
    ``token:desk`` -> "token API desk", ``system:cli:root`` -> "sistem (cli:root)"."""
    if not actor:
        return ""
    kind, _, name = actor.partition(":")
    if kind == "user":
        return name
    if kind in ("token", "system"):
        return translate(f"label.actor.{kind}", lang, name=name)
    return actor


def confidence_label(code: str | None, lang: str = "id") -> str:
    """``unconfirmed`` -> "belum terkonfirmasi"."""
    return _label("label.confidence", code, lang)


def basis_line(entry: TraceEntry, lang: str = "id") -> str:
    """"Tarif JKK 1% - PP 44/2015 Pasal 17 jo. Lampiran II"."""
    return rules_basis_line(entry, lang)


def legal_notes(trace: Iterable[TraceEntry], month: date, lang: str = "id") -> list[str]:
    """What a reader must know about the values a computation used, in words: each value not
    confirmed against the regulation's text (what that means), and each value last reviewed
    more than 12 months before ``month`` (docs/decisions/0004)."""
    notes: list[str] = []
    params = load_parameters()
    for entry in trace:
        name = parameter_label(entry.parameter, lang)
        if entry.confidence != "confirmed":
            about = f"label.confidence_about.{entry.confidence}"
            note = (f"{name} {entry.value}: {confidence_label(entry.confidence, lang)}. "
                    f"{translate(about, lang) if about in TEXTS else ''}").strip()
            if note not in notes:
                notes.append(note)
        value = params.at_or_none(entry.parameter, month) if entry.parameter in params else None
        if value is not None and value.is_stale(month):
            reviewed = format_date_id(value.last_reviewed)
            note = translate("label.stale", lang, name=name, reviewed=reviewed,
                             month=format_date_id(month))
            if note not in notes:
                notes.append(note)
    return notes


CHANGE_ALIASES = {"end_date": "end", "start_date": "start", "budget_ceiling": "budget",
                  "funding_source_code": "funded_by", "declared_income": "income",
                  "payer_id": "payer"}
"""Column names that older amendments recorded, as the terms' names."""

MONEY_TERMS = frozenset({"income", "wage", "budget"})
NUMBER_TERMS = frozenset({"quota", "contract_months", "risk_class"})


def _change_value(field: str, value: Any, lang: str, names: Mapping[str, str]) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if field in ("start", "end"):
        day = date.fromisoformat(value) if isinstance(value, str) else value
        return format_date_id(day) if isinstance(day, date) else str(value)
    if field in MONEY_TERMS and isinstance(value, int):
        return format_rupiah(value)
    if field in NUMBER_TERMS and isinstance(value, int):
        return format_number(value)
    if field == "programs":
        return programmes_label(value, lang)
    if field == "funded_by":
        return funding_label(str(value), lang, names)
    if field == "payer":
        return translate("pks.payer_self", lang) if value == "self" else str(value)
    if field == "phases" and isinstance(value, list):
        return "; ".join(
            translate("label.phase", lang, number=p.get("number"), quota=format_number(
                int(p.get("quota") or 0)), start=format_date_id(date.fromisoformat(
                    str(p.get("start_date"))))) for p in value if isinstance(p, dict))
    if field == "start_rule":
        key = f"label.start_rule.{value}"
        return translate(key, lang) if key in TEXTS else str(value)
    return str(value)


def change_lines(changes: Mapping[str, Any], lang: str = "id",
                 names: Mapping[str, str] | None = None) -> list[str]:
    """An amendment's ``{field: [before, after]}`` in words, one line per change:
    "Tanggal akhir: 31 Desember 2027 → 30 Juni 2028"."""
    lines = []
    for raw_field, pair in changes.items():
        field = CHANGE_ALIASES.get(raw_field, raw_field)
        key = f"label.term.{field}"
        label = translate(key, lang) if key in TEXTS else field
        before, after = (pair[0], pair[1]) if isinstance(pair, list | tuple) and len(pair) == 2 \
            else (None, pair)
        lines.append(f"{label}: {_change_value(field, before, lang, names or {})} → "
                     f"{_change_value(field, after, lang, names or {})}")
    return lines


# --- template globals ----------------------------------------------------------------------------


def _lang(context: Any) -> str:
    return str(context.get("lang") or "id")


def _request_names(context: Any, kind: str) -> dict[str, str]:
    """The names of a table, read once per request (cached on the request's state)."""
    request = context.get("request")
    state = getattr(request, "state", None)
    cache_name = f"lindung_{kind}_names"
    cached: dict[str, str] | None = getattr(state, cache_name, None) if state else None
    if cached is not None:
        return cached
    if request is None:
        return {}
    session = session_factory(request.app.state.engine)()
    try:
        names = occupation_names(session) if kind == "occupation" else funding_names(session)
    finally:
        session.close()
    if state is not None:
        setattr(state, cache_name, names)
    return names


@pass_context
def _status(context: Any, code: str | None) -> str:
    return status_label(code, _lang(context))


@pass_context
def _segment(context: Any, code: str | None) -> str:
    return segment_label(code, _lang(context))


@pass_context
def _programme(context: Any, code: str | None, long: bool = False) -> str:
    return programme_label(code, _lang(context), long=long)


@pass_context
def _programmes(context: Any, codes: str | Iterable[str] | None) -> str:
    return programmes_label(codes, _lang(context))


@pass_context
def _group(context: Any, code: str | None) -> str:
    return group_label(code, _lang(context))


@pass_context
def _role(context: Any, code: str | None) -> str:
    return role_label(code, _lang(context))


@pass_context
def _permission(context: Any, code: str | None) -> str:
    return permission_label(code, _lang(context))


@pass_context
def _funding(context: Any, code: str | None) -> str:
    return funding_label(code, _lang(context), _request_names(context, "funding"))


@pass_context
def _occupation(context: Any, code: str | None) -> str:
    return occupation_label(code, _request_names(context, "occupation"))


@pass_context
def _confidence(context: Any, code: str | None) -> str:
    return confidence_label(code, _lang(context))


@pass_context
def _basis(context: Any, entry: TraceEntry) -> str:
    return basis_line(entry, _lang(context))


@pass_context
def _notes(context: Any, trace: Iterable[TraceEntry], month: date) -> list[str]:
    return legal_notes(trace, month, _lang(context))


@pass_context
def _changes(context: Any, changes: Mapping[str, Any]) -> list[str]:
    return change_lines(changes, _lang(context), _request_names(context, "funding"))


@pass_context
def _funding_about(context: Any, code: str | None) -> str:
    return funding_about(code, _lang(context))


@pass_context
def _line(context: Any, code: str | None) -> str:
    return line_label(code, _lang(context))


@pass_context
def _actor(context: Any, actor: str | None) -> str:
    return actor_label(actor, _lang(context))


TEMPLATE_GLOBALS = {
    "status_label": _status, "segment_label": _segment, "programme_label": _programme,
    "programmes_label": _programmes, "group_label": _group, "role_label": _role,
    "permission_label": _permission, "funding_label": _funding,
    "occupation_label": _occupation, "confidence_label": _confidence, "basis_line": _basis,
    "legal_notes": _notes, "change_lines": _changes, "line_label": _line,
    "actor_label": _actor, "funding_about": _funding_about,
    "occupation_groups": occupation_groups,
}
"""Registered by :mod:`lindung.web.templating`."""
