"""Changing the registry's reference data: the occupation taxonomy. (Workers are written by
enrollment's actions, which know under which agreement a person comes in.)"""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from lindung.audit.service import record
from lindung.db import column_length
from lindung.errors import Conflict, InvalidInput
from lindung.principal import Forbidden, Principal
from lindung.registry.models import Occupation
from lindung.rules.contributions import SEGMENTS
from lindung.text import clean_text, required_text

CODE = re.compile(r"[a-z0-9_]{1,40}")


def do_add_occupation(session: Session, principal: Principal, *, code: str, name: str,
                      group: str, default_segment: str, risk_class: int | None = None,
                      aliases: list[str] | None = None) -> Occupation:
    """Extend the taxonomy. At the server's shell (the system principal) the entry is central,
    offered to every Pemda; a Pemda's admin adds it for their own Pemda's agreements and
    counters only."""
    principal.require("occupations.write")
    if principal.kind == "system":
        pemda_id = None
    elif principal.pemda_id is None:
        raise Forbidden("hanya admin Pemda yang dapat menambah pekerjaan untuk Pemda-nya")
    else:
        pemda_id = principal.pemda_id
    code, group = code.strip().lower()[:100], group.strip().lower()[:100]
    name = required_text(name, label="nama pekerjaan", field="name",
                         max_length=column_length(Occupation, "name"))
    for field, label, value in (("code", "kode", code), ("group", "kelompok", group)):
        if not CODE.fullmatch(value):
            raise InvalidInput(f"{label}: huruf kecil, angka dan garis bawah saja, paling "
                               "panjang 40 (contoh: sopir_angkot)", field)
    if default_segment not in SEGMENTS:
        raise InvalidInput(f"segmen harus salah satu dari {', '.join(SEGMENTS)}",
                           "default_segment")
    if risk_class is not None and not 1 <= risk_class <= 5:
        raise InvalidInput("kelas risiko JKK harus 1 sampai 5", "risk_class")
    written = [clean_text(a, label="nama lain", field="aliases", max_length=80)
               for a in (aliases or [])[:31]]
    kept = [a for a in written if a]
    if len(kept) > 30:
        raise InvalidInput("paling banyak 30 nama lain", "aliases")
    if session.get(Occupation, code) is not None:
        # Codes are one namespace; which Pemda holds a code is not said.
        raise Conflict(f"kode pekerjaan {code!r} sudah dipakai; pilih kode lain")
    occupation = Occupation(code=code, name=name, group=group, default_segment=default_segment,
                            risk_class=risk_class, aliases=kept, builtin=False,
                            pemda_id=pemda_id)
    session.add(occupation)
    session.flush()
    record(session, actor=principal.actor, action="occupation.create", entity="occupation",
           entity_id=code, pemda_id=pemda_id,
           after={"name": name, "group": group, "default_segment": default_segment,
                  "risk_class": risk_class, "aliases": kept})
    return occupation
