"""The one interface of the exchange with a BPJS branch, and its two implementations.

A connector *submits* members (the proposals of an agreement) and *fetches answers* (accepted
with the KPJ the branch assigned, or rejected with a reason):

- :class:`FileExchange`: today's files. ``submit`` writes the registration XLSX that the Pemda
  carries to the branch (no answer yet); ``fetch_answers`` reads the answer file the branch
  sent back.
- :class:`PartnerApi`: a branch's partner API over HTTPS (``POST {base}/v1/registrations``,
  ``GET {base}/v1/registrations?agreement=CODE``, a bearer token). It answers at once, so the
  counter prints the card in the same visit. Bounded timeouts; any failure (unreachable, slow,
  refused, an answer that is not what was asked) is a :class:`ConnectorError` in Bahasa
  Indonesia, raised before anything is written, so the proposals stay proposed.

Which connector serves a branch is configuration, never code (:func:`connector_for`):
``LINDUNG_BPJS_API_URL__<BRANCH_CODE>`` (the code in capitals, ``-`` as ``_``) with
``LINDUNG_BPJS_API_TOKEN__<BRANCH_CODE>``, else ``LINDUNG_BPJS_API_URL`` /
``LINDUNG_BPJS_API_TOKEN`` for every branch, else the file exchange. Tokens stay in the
environment, not in the database. The actions that change statuses are in ``actions``
(``submit_through``, ``do_submit_to_branch``, ``do_fetch_answers``).
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from lindung.enrollment.exchange import AnswerRow, answer_rows, write_members
from lindung.errors import Conflict
from lindung.registry.nik import is_nik_text

CONNECT_TIMEOUT_SECONDS = 5.0
"""The longest a branch's API may take to answer one request (connect and read)."""
MAX_ANSWER_BYTES = 8 * 1024 * 1024
"""The largest answer read from a branch's API (about 40,000 members)."""
MAX_BATCH = 5_000
"""Members sent in one request to a branch's API; larger submissions go in several."""
URL_SETTING = "LINDUNG_BPJS_API_URL"
TOKEN_SETTING = "LINDUNG_BPJS_API_TOKEN"
UNREACHABLE = ("layanan BPJS cabang {branch} tidak dapat dihubungi ({why}); pendaftaran tetap "
               "berstatus diusulkan, coba kirim lagi nanti")


class ConnectorError(Conflict):
    """The branch could not be reached or answered wrongly: nothing was changed."""


@dataclass(frozen=True)
class MemberOut:
    """One member as sent to the branch (the columns of the registration file)."""

    reference: str
    """Our membership id: the branch answers with it, and a second submission of the same
    reference is answered the same way (a retry after a timeout changes nothing)."""
    nik: str
    name: str
    birth_place: str | None
    birth_date: date | None
    sex: str | None
    address: str | None
    village_code: str | None
    phone: str | None
    occupation: str | None
    programs: str
    income: int | None
    start_date: date
    end_date: date | None
    agreement: str
    funding_source: str


@dataclass
class Fetched:
    """Answers of the branch: rows to apply (row, NIK, accepted, KPJ, reason) and rows that
    cannot be applied, with why; ``sent``: where the submission went, for the audit log."""

    rows: list[AnswerRow] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)
    sent: str = ""


class BranchConnector(Protocol):
    """The exchange with one BPJS branch."""

    kind: str
    """``file`` or ``api``: shown to the officer, recorded in the audit log."""
    answers_at_once: bool
    """True when ``submit`` returns the branch's answers (a partner API)."""

    def submit(self, agreement_code: str, members: Sequence[MemberOut]) -> Fetched:
        """Hand the members to the branch; the answers it gives at once (none for a file)."""
        ...

    def fetch_answers(self, agreement_code: str) -> Fetched:
        """The branch's answers for the agreement's submitted members."""
        ...


# --- the file exchange -------------------------------------------------------------------------


@dataclass
class FileExchange:
    """Today's exchange: a registration file out, the branch's answer file back in."""

    out: Path | None = None
    answer: Path | None = None
    kind: str = "file"
    answers_at_once: bool = False

    def submit(self, agreement_code: str, members: Sequence[MemberOut]) -> Fetched:
        if self.out is None:
            raise ConnectorError("tidak ada berkas tujuan pengiriman")
        write_members(members, self.out)
        return Fetched(sent=self.out.name)

    def fetch_answers(self, agreement_code: str) -> Fetched:
        if self.answer is None:
            raise ConnectorError("unggah berkas jawaban BPJS")
        rows, problems = answer_rows(self.answer)
        return Fetched(rows, problems, sent=self.answer.name)


# --- a branch's partner API --------------------------------------------------------------------


@dataclass
class PartnerApi:
    """A branch's partner API: JSON over HTTP(S), a bearer token, bounded timeouts."""

    base_url: str
    token: str
    branch: str = "-"
    timeout: float = CONNECT_TIMEOUT_SECONDS
    kind: str = "api"
    answers_at_once: bool = True

    def submit(self, agreement_code: str, members: Sequence[MemberOut]) -> Fetched:
        fetched = Fetched(sent=self._display())
        for start in range(0, len(members), MAX_BATCH):
            batch = members[start:start + MAX_BATCH]
            body = {"agreement": agreement_code,
                    "members": [_member_json(m) for m in batch]}
            answer = self._call("POST", "/v1/registrations", body)
            found = self._rows(answer, offset=start)
            sent = {m.reference for m in batch}
            if {str(a.get("reference")) for a in answer.get("answers", [])} != sent:
                raise ConnectorError(UNREACHABLE.format(
                    branch=self.branch, why="jawaban tidak sesuai dengan yang dikirim"))
            fetched.rows.extend(found.rows)
            fetched.problems.extend(found.problems)
        return fetched

    def fetch_answers(self, agreement_code: str) -> Fetched:
        query = urllib.parse.urlencode({"agreement": agreement_code})
        fetched = self._rows(self._call("GET", f"/v1/registrations?{query}", None), offset=0)
        fetched.sent = self._display()
        return fetched

    def _display(self) -> str:
        parts = urllib.parse.urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    def _call(self, method: str, path: str, body: dict[str, Any] | None) -> dict[str, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base_url.rstrip("/") + path, data=data, method=method,
            headers={"Authorization": f"Bearer {self.token}", "Accept": "application/json",
                     **({"Content-Type": "application/json"} if data is not None else {})})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read(MAX_ANSWER_BYTES + 1)
        except urllib.error.HTTPError as exc:
            why = ("token ditolak" if exc.code in (401, 403)
                   else f"jawaban HTTP {exc.code}")
            raise ConnectorError(UNREACHABLE.format(branch=self.branch, why=why)) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise ConnectorError(UNREACHABLE.format(
                branch=self.branch, why="tidak menjawab tepat waktu"
                if isinstance(getattr(exc, "reason", exc), TimeoutError) else "tidak terhubung"
            )) from exc
        if len(raw) > MAX_ANSWER_BYTES:
            raise ConnectorError(UNREACHABLE.format(branch=self.branch,
                                                    why="jawaban terlalu besar"))
        try:
            answer = json.loads(raw)
        except ValueError as exc:
            raise ConnectorError(UNREACHABLE.format(branch=self.branch,
                                                    why="jawaban bukan JSON")) from exc
        if not isinstance(answer, dict) or not isinstance(answer.get("answers"), list):
            raise ConnectorError(UNREACHABLE.format(branch=self.branch,
                                                    why="jawaban tanpa daftar jawaban"))
        return answer

    def _rows(self, answer: dict[str, Any], *, offset: int) -> Fetched:
        fetched = Fetched()
        for i, item in enumerate(answer["answers"], start=offset + 1):
            if not isinstance(item, dict):
                fetched.problems.append({"row": i, "field": "status", "value": None,
                                         "message": "jawaban tidak terbaca"})
                continue
            nik = str(item.get("nik") or "")
            status = str(item.get("status") or "")
            kpj = str(item.get("kpj") or "")[:20] or None
            reason = str(item.get("reason") or "")[:500] or None
            if not is_nik_text(nik):
                fetched.problems.append({"row": i, "field": "nik", "value": None,
                                         "message": "NIK dalam jawaban tidak 16 angka"})
            elif status == "diterima" and kpj is None:
                fetched.problems.append({"row": i, "field": "kpj", "value": None,
                                         "message": "peserta diterima tetapi nomor KPJ kosong"})
            elif status in ("diterima", "ditolak"):
                fetched.rows.append((i, nik, status == "diterima", kpj, reason))
            elif status != "diproses":
                fetched.problems.append({"row": i, "field": "status", "value": status[:40],
                                         "message": "status harus 'diterima' atau 'ditolak'"})
        return fetched


def _member_json(member: MemberOut) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in asdict(member).items()}


# --- configuration -----------------------------------------------------------------------------


def _setting_suffix(branch_code: str) -> str:
    return re.sub(r"[^A-Z0-9]", "_", branch_code.upper())


def partner_api_of(branch_code: str) -> PartnerApi | None:
    """The partner API configured for the branch (its own settings, else the installation's),
    or None: the branch exchanges files."""
    suffix = _setting_suffix(branch_code)
    url = os.environ.get(f"{URL_SETTING}__{suffix}") or os.environ.get(URL_SETTING)
    if not url:
        return None
    token = (os.environ.get(f"{TOKEN_SETTING}__{suffix}") or os.environ.get(TOKEN_SETTING)
             or "")
    return PartnerApi(base_url=url, token=token, branch=branch_code)


def connector_for(branch_code: str, *, out: Path | None = None,
                  answer: Path | None = None) -> BranchConnector:
    """The branch's connector: its partner API when one is configured, else the file exchange
    (with ``out`` for a submission, ``answer`` for an answer file)."""
    api = partner_api_of(branch_code)
    if api is not None:
        return api
    return FileExchange(out=out, answer=answer)
