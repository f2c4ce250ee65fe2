"""Who pays a benefit when contributions are in arrears (tunggakan iuran) at the event.

PP 44/2015 Art. 39 and 42 (JKK, JKM), PP 37/2021 Art. 37 and 39 and PP 6/2025 Art. 39A (JKP).
The answer is one of four payers (:data:`PayerCode`) with the lines paid at once and the article.
Which rule applies to a segment (an employer who owes, or a participant who pays for himself) and
every threshold in months are dated values in ``rules/parameters/arrears.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, get_args

from lindung.rules.benefits.base import BenefitError, check_date
from lindung.rules.trace import Tracer

Segment = Literal["pu", "bpu", "jakon", "pmi"]
ArrearsProgramme = Literal["jkk", "jkm", "jkp"]
PayerCode = Literal["bpjs", "bpjs_after_settlement", "employer_first", "pemda_first", "none"]

_WORDS: dict[str, str] = {
    "bpjs": "BPJS Ketenagakerjaan membayar sekarang",
    "bpjs_after_settlement": "BPJS Ketenagakerjaan membayar setelah tunggakan dilunasi",
    "employer_first": "pemberi kerja membayar manfaat lebih dulu",
    "pemda_first": "Pemda (pemberi kerja PKS) membayar manfaat lebih dulu",
    "none": "tidak ada manfaat",
}


@dataclass(frozen=True)
class Payer:
    """Who pays, what is paid at once, and the article that says so."""

    payer: PayerCode
    arrears_months: int
    registered: bool
    paid_at_once: tuple[str, ...]
    """Benefit lines paid at once while the rest waits for the arrears (``funeral``)."""
    basis: str
    explanation: str

    @property
    def pays_benefit(self) -> bool:
        """False only when no benefit is due at all."""
        return self.payer != "none"

    def to_dict(self) -> dict[str, Any]:
        return {"payer": self.payer, "arrears_months": self.arrears_months,
                "registered": self.registered, "paid_at_once": list(self.paid_at_once),
                "basis": self.basis, "explanation": self.explanation}


def check_segment(value: Any) -> Segment:
    if value not in get_args(Segment):
        raise BenefitError(f"segmen harus salah satu dari {', '.join(get_args(Segment))}, "
                           f"bukan {value!r}", field="segment")
    segment: Segment = value
    return segment


def who_pays(tracer: Tracer, *, on: date, programme: ArrearsProgramme, segment: Segment,
             arrears_months: int, registered: bool = True, pemda_funded: bool = False,
             company_closed: bool = False) -> Payer:
    """Who pays the ``programme`` benefit of an event on ``on`` with ``arrears_months`` unpaid.

    - An employer's worker (rule ``employer``: PU, and Jakon as assumed): up to the threshold BPJS
      pays; more, or a worker never registered, the employer pays first (the Pemda when
      ``pemda_funded``). JKP (PP 6/2025 Art. 39A): a bankrupt or closed company with arrears up to
      its own threshold: BPJS still pays.
    - A participant who pays for himself (rule ``self``: BPU, and PMI as assumed): not in arrears,
      BPJS pays; up to the threshold, BPJS pays after the arrears are settled, some lines (the
      funeral cost) at once; more, or never registered: no JKK/JKM benefit.
    """
    on = check_date("event_date", on)
    segment = check_segment(segment)
    if isinstance(arrears_months, bool) or not isinstance(arrears_months, int) \
            or arrears_months < 0:
        raise BenefitError(f"arrears_months harus bilangan bulat 0 atau lebih, bukan "
                           f"{arrears_months!r}", field="arrears_months")
    if programme not in get_args(ArrearsProgramme):
        raise BenefitError(f"program harus salah satu dari {', '.join(get_args(ArrearsProgramme))}"
                           f", bukan {programme!r}", field="programme")
    t = tracer
    rule: str = t.use("who pays", f"arrears.rule.{segment}", on)
    if rule == "employer":
        return _employer(t, on, programme, arrears_months, registered, pemda_funded,
                         company_closed)
    if rule == "self":
        return _self(t, on, arrears_months, registered)
    raise BenefitError(f"aturan tunggakan tidak dikenal untuk segmen {segment}: {rule!r}",
                       field="segment")


def _answer(code: PayerCode, months: int, registered: bool, basis: str,
            paid_at_once: tuple[str, ...] = (), why: str = "") -> Payer:
    words = _WORDS[code] + (f" ({why})" if why else "")
    return Payer(code, months, registered, paid_at_once, basis, words)


def _employer(t: Tracer, on: date, programme: ArrearsProgramme, months: int, registered: bool,
              pemda_funded: bool, company_closed: bool) -> Payer:
    first: PayerCode = "pemda_first" if pemda_funded else "employer_first"
    if programme == "jkp":
        basis = "PP 37/2021 Art. 37 and 39; PP 6/2025 Art. 39A"
        closed_max = t.params.at_or_none("arrears.jkp.closed_bpjs_pays_max_months", on)
        if registered and months == 0:
            return _answer("bpjs", months, registered, basis)
        if registered and company_closed and closed_max is not None:
            limit: int = t.record("who pays", closed_max, on).value
            if months <= limit:
                return _answer("bpjs", months, registered, basis,
                               why=f"perusahaan pailit/tutup, tunggakan {months} bulan, "
                                   f"paling lama {limit} bulan")
        return _answer(first, months, registered, basis,
                       why="belum didaftarkan" if not registered else f"tunggakan {months} bulan")
    basis = "PP 44/2015 Art. 39 and 42"
    if not registered:
        return _answer(first, months, registered, basis, why="pekerja tidak didaftarkan")
    limit = t.use("who pays", "arrears.employer.bpjs_pays_max_months", on)
    if months <= limit:
        return _answer("bpjs", months, registered, basis,
                       why=f"tunggakan {months} bulan, paling lama {limit} bulan" if months
                       else "")
    return _answer(first, months, registered, basis,
                   why=f"tunggakan {months} bulan, lebih dari {limit} bulan")


def _self(t: Tracer, on: date, months: int, registered: bool) -> Payer:
    basis = "PP 44/2015 Art. 39 and 42"
    if not registered:
        return _answer("none", months, registered, basis, why="tidak terdaftar sebagai peserta")
    if months == 0:
        return _answer("bpjs", months, registered, basis)
    limit: int = t.use("who pays", "arrears.self.settle_then_pay_max_months", on)
    if months <= limit:
        at_once: tuple[str, ...] = t.use("who pays", "arrears.self.paid_at_once", on)
        return _answer("bpjs_after_settlement", months, registered, basis, at_once,
                       why=f"tunggakan {months} bulan, paling lama {limit} bulan; dibayar "
                           f"langsung: {', '.join(at_once) or '-'}")
    return _answer("none", months, registered, basis,
                   why=f"tunggakan {months} bulan, lebih dari {limit} bulan")
