"""The audit log page: auditors only, filters, pagination; nothing edits or deletes an event."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import Engine, select

from lindung.audit.service import record
from lindung.db import transaction
from lindung.organisations.models import Organisation
from tests.web.conftest import Client


def test_only_auditors_read_the_log(signed_in: Callable[[str], Client],
                                    anonymous: Client) -> None:
    assert signed_in("admin.metro").get("/audit").status_code == 403
    assert anonymous.get("/audit", follow_redirects=False).status_code == 303
    page = signed_in("auditor.metro").get("/audit")
    assert page.status_code == 200
    assert "<td>Organisasi dicatat" in page.text and "sistem (demo:seed)" in page.text


def test_filters_by_action_actor_and_dates(signed_in: Callable[[str], Client]) -> None:
    auditor = signed_in("auditor.metro")
    imports = auditor.get("/audit", params={"aksi": "roster.import"}).text
    assert imports.count("<td>Daftar peserta diunggah") == 9  # the nine demo rosters
    assert "<td>Pengguna dibuat" not in imports
    by_bpjs = auditor.get("/audit", params={"pelaku": "bpjs.metro"}).text
    assert "<td>Jawaban BPJS diunggah" in by_bpjs and "<td>sistem (demo:seed)" not in by_bpjs
    past = auditor.get("/audit", params={"sampai": "2000-01-01"}).text
    assert "<td>Daftar peserta diunggah" not in past
    wrong = auditor.get("/audit", params={"dari": "kemarin"})
    assert wrong.status_code == 422 and "TTTT-BB-HH" in wrong.text


def _pemda(engine: Engine, code: str) -> int:
    with transaction(engine) as s:
        found = s.scalar(select(Organisation.id).where(Organisation.code == code))
        assert found is not None
        return found


def test_pages_of_fifty_newest_first(signed_in: Callable[[str], Client],
                                     demo_engine: Engine) -> None:
    metro = _pemda(demo_engine, "PEMKOT-METRO")
    with transaction(demo_engine) as s:
        for i in range(60):
            record(s, actor="test:filler", action="test.filler", entity="test", entity_id=i,
                   pemda_id=metro)
    auditor = signed_in("auditor.metro")
    first = auditor.get("/audit").text
    assert first.count('<tr class="event">') == 50 and "hal=2" in first
    assert "<td>Organisasi dicatat" not in first  # the oldest events come last
    second = auditor.get("/audit", params={"aksi": "test.filler", "hal": "2"}).text
    assert second.count('<tr class="event">') == 10 and "Halaman 2 / 2" in second
    assert auditor.get("/audit", params={"hal": "999"}).status_code == 200


def test_an_auditor_reads_only_their_own_pemda(signed_in: Callable[[str], Client],
                                              demo_engine: Engine) -> None:
    lamteng = _pemda(demo_engine, "PEMKAB-LAMTENG")
    with transaction(demo_engine) as s:
        record(s, actor="test:lamteng", action="test.other_pemda", entity="test",
               pemda_id=lamteng)
        record(s, actor="test:nobody", action="test.installation", entity="test")
    auditor = signed_in("auditor.metro")
    # The KIR counter's own events (Lampung Tengah) and the installation's are not Metro's.
    shown = auditor.get("/audit", params={"pelaku": "test:"}).text
    assert '<tr class="event">' not in shown
    everything = auditor.get("/audit", params={"aksi": "organisation."}).text
    assert "PEMKAB-LAMTENG" not in everything and "DISHUB-LAMTENG-KIR" not in everything
    assert "PEMKOT-METRO" in everything and "SATPOL-METRO" in everything
    assert "test:lamteng" not in auditor.get("/audit").text  # not even in the user filter


def test_no_route_changes_the_audit_log(app: FastAPI) -> None:
    for context in iter_route_contexts(app.routes):
        route, path = context.original_route, context.path or ""
        if isinstance(route, APIRoute) and "audit" in path:
            # the export (POST: it adds its own event, CSRF-checked) changes no event either
            assert context.methods == ({"POST"} if path == "/audit/unduh" else {"GET"}), path
