"""The simulated branch: ``POST /v1/registrations`` and ``GET /v1/registrations``.

Rules it applies, as a branch checking against Dukcapil would (documented here because tests
and the demo lean on them):

- the NIK must be 16 digits whose date part is a real date (day + 40 for women) matching the
  birth date and sex sent, else rejected "NIK tidak sesuai dengan tanggal lahir / jenis
  kelamin";
- a NIK whose last four digits are ``0000`` is "tidak terdaftar di Dukcapil";
- a NIK whose last four digits are ``9999`` is "tercatat meninggal dunia di Dukcapil";
- everyone else is accepted with a KPJ of 11 digits derived from the NIK (a person keeps the
  same KPJ, and a retried submission gets the same answer).

State lives in memory for the life of the process.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Literal

from fastapi import Depends, FastAPI, Header, HTTPException, Query
from pydantic import BaseModel, ConfigDict, Field

MAX_MEMBERS = 5_000


class MemberIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    reference: str = Field(max_length=40)
    nik: str = Field(max_length=20)
    name: str = Field(max_length=200)
    birth_date: date | None = None
    sex: str | None = Field(None, max_length=2)
    programs: str = Field("", max_length=40)
    start_date: date | None = None
    end_date: date | None = None


class RegistrationsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    agreement: str = Field(max_length=40)
    members: list[MemberIn] = Field(max_length=MAX_MEMBERS)


class AnswerOut(BaseModel):
    reference: str
    nik: str
    status: Literal["diterima", "ditolak"]
    kpj: str | None = None
    reason: str | None = None


class AnswersOut(BaseModel):
    answers: list[AnswerOut]


def kpj_of(nik: str) -> str:
    """The KPJ the simulated branch gives a person: 11 digits, the same every time."""
    return "2" + str(int(hashlib.sha256(nik.encode()).hexdigest()[:16], 16) % 10**10).zfill(10)


def refusal(member: MemberIn) -> str | None:
    """Why the branch refuses the member, or None."""
    nik = member.nik
    if len(nik) != 16 or not nik.isascii() or not nik.isdigit():
        return "NIK harus 16 angka"
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = "P" if day > 40 else "L"
    day -= 40 if day > 40 else 0
    if member.birth_date is not None:
        if (day, month, year) != (member.birth_date.day, member.birth_date.month,
                                  member.birth_date.year % 100):
            return "NIK tidak sesuai dengan tanggal lahir"
    else:
        try:
            date(2000 + year, month, day)
        except ValueError:
            return "NIK tidak memuat tanggal lahir yang sah"
    if member.sex is not None and member.sex != sex:
        return "NIK tidak sesuai dengan jenis kelamin"
    if nik.endswith("0000"):
        return "NIK tidak terdaftar di Dukcapil"
    if nik.endswith("9999"):
        return "tercatat meninggal dunia di Dukcapil"
    return None


@dataclass
class Branch:
    """The simulated branch's memory: answers by agreement and reference."""

    token: str | None = None
    answers: dict[tuple[str, str], AnswerOut] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def register(self, agreement: str, member: MemberIn) -> AnswerOut:
        with self.lock:
            known = self.answers.get((agreement, member.reference))
            if known is not None and known.nik == member.nik:
                return known
            why = refusal(member)
            answer = AnswerOut(reference=member.reference, nik=member.nik,
                               status="ditolak" if why else "diterima",
                               kpj=None if why else kpj_of(member.nik), reason=why)
            self.answers[(agreement, member.reference)] = answer
            return answer

    def of(self, agreement: str) -> list[AnswerOut]:
        with self.lock:
            return [a for (code, _ref), a in self.answers.items() if code == agreement]


def create_app(branch: Branch | None = None) -> FastAPI:
    """The ASGI app of a simulated branch (a token, if given, is required as a bearer)."""
    state = branch or Branch()
    app = FastAPI(title="Simulator API mitra BPJS Ketenagakerjaan", docs_url=None,
                  redoc_url=None)

    def authorised(authorization: Annotated[str | None, Header()] = None) -> None:
        if state.token is None:
            return
        given = (authorization or "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), state.token.encode()):
            raise HTTPException(401, "token tidak sah")

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/v1/registrations", response_model=AnswersOut,
              dependencies=[Depends(authorised)])
    def registrations(body: RegistrationsIn) -> AnswersOut:
        return AnswersOut(answers=[state.register(body.agreement, m) for m in body.members])

    @app.get("/v1/registrations", response_model=AnswersOut,
             dependencies=[Depends(authorised)])
    def answers(agreement: Annotated[str, Query(max_length=40)]) -> AnswersOut:
        return AnswersOut(answers=state.of(agreement))

    return app
