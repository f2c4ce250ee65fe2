"""The terms of an agreement on a day, and the one adapter from terms to the rules engine.

``agreement_terms_on(agreement, day)`` answers for any day which terms were (or will be) in
force; ``contribution_inputs`` turns terms into the inputs of ``lindung.rules`` (the PMI contract
length from the terms, or the longest term the law prices when they give none: never a
literal).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from lindung.agreements.models import Agreement, AgreementTerms
from lindung.errors import NotFound
from lindung.rules import load_parameters
from lindung.rules.params import ParameterSet

TERM_FIELDS = {
    "programs": "programs", "funded_by": "funding_source_code", "income": "declared_income",
    "wage": "wage", "risk_class": "risk_class", "contract_months": "contract_months",
    "quota": "quota", "budget": "budget_ceiling", "payer": "payer_id", "start": "start_date",
    "end": "end_date", "start_rule": "start_rule",
}
"""Each term by the name the CLI and the API use (``lindung agreements create`` options) ->
its column in :class:`AgreementTerms`."""

TERM_LABELS = {
    "segment": "segmen", "programs": "program", "funded_by": "sumber dana",
    "income": "penghasilan", "wage": "upah", "risk_class": "kelas risiko JKK",
    "contract_months": "lama kontrak (bulan)", "quota": "kuota", "budget": "pagu anggaran",
    "payer": "pembayar", "start": "tanggal mulai", "end": "tanggal akhir",
    "start_rule": "mulai kepesertaan",
}
"""The terms in words, for pages and refusals."""


START_RULES = {
    "usulan": "sejak diusulkan, tidak sebelum tahap dimulai",
    "tahap": "sejak tahap dimulai",
}
"""How an agreement says from when a member is covered (docs/decisions: member start date):
``usulan``, the default, the later of the phase start and the day the member is proposed (a
member proposed on 29 November is not covered, nor billed, from 1 July); ``tahap``, from the
phase start (or the agreement's start) even when proposed later, as a PKS may sign it."""


def member_start(terms: AgreementTerms, phase_start: date, proposed_on: date) -> date:
    """The day a member proposed on ``proposed_on`` into a phase starting ``phase_start`` is
    covered from, under ``terms`` (:data:`START_RULES`). A roster entered after the agreement
    ended records the past: its members are covered from the phase start, as signed."""
    if terms.start_rule == "tahap" or proposed_on <= phase_start or proposed_on > terms.end_date:
        return phase_start
    return proposed_on


def in_force_periods(agreement: Agreement) -> list[AgreementTerms]:
    """The agreement's periods that were ever in force (not superseded before they began), in
    the order they take effect."""
    return sorted((p for p in agreement.periods
                   if p.valid_to is None or p.valid_to >= p.valid_from),
                  key=lambda p: (p.valid_from, p.id))


def agreement_terms_on(agreement: Agreement, day: date) -> AgreementTerms:
    """The terms in force on ``day``: the last period that began on or before it; before the
    first period began, the terms as signed (the agreement is then not yet in force, see
    :func:`in_force`)."""
    periods = in_force_periods(agreement)
    if not periods:
        raise NotFound(f"PKS {agreement.code} tidak memiliki ketentuan")
    chosen = periods[0]
    for period in periods:
        if period.valid_from <= day:
            chosen = period
    return chosen


def latest_terms(agreement: Agreement) -> AgreementTerms:
    """The terms of the last period: what the agreement says now and from now on."""
    periods = in_force_periods(agreement)
    if not periods:
        raise NotFound(f"PKS {agreement.code} tidak memiliki ketentuan")
    return periods[-1]


def in_force(terms: AgreementTerms, day: date) -> bool:
    """The agreement covers ``day`` under these terms."""
    return terms.start_date <= day <= terms.end_date


@dataclass(frozen=True)
class TermsView:
    """Terms as plain values under their CLI/API names (``payer`` as an organisation code)."""

    code: str
    valid_from: date
    valid_to: date | None
    terms: dict[str, Any]

    def to_dict(self, on: date | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code}
        if on is not None:
            data["on"] = on.isoformat()
        data.update(valid_from=self.valid_from.isoformat(),
                    valid_to=self.valid_to.isoformat() if self.valid_to else None,
                    terms={k: v.isoformat() if isinstance(v, date) else v
                           for k, v in self.terms.items()})
        return data


def terms_view(agreement: Agreement, terms: AgreementTerms,
               payer_code: str | None) -> TermsView:
    values: dict[str, Any] = {"segment": agreement.segment}
    for name, column in TERM_FIELDS.items():
        values[name] = getattr(terms, column)
    values["programs"] = terms.program_list
    values["payer"] = payer_code
    return TermsView(agreement.code, terms.valid_from, terms.valid_to, values)


def contract_months_of(segment: str, terms: AgreementTerms, on: date,
                       params: ParameterSet) -> int | None:
    """A PMI agreement's contract length: its terms', else the longest term the law prices."""
    if segment != "pmi":
        return None
    if terms.contract_months is not None:
        return terms.contract_months
    return int(params.at("pmi.max_term_months", on).value)


def contribution_inputs(segment: str, terms: AgreementTerms, on: date,
                        params: ParameterSet | None = None) -> dict[str, Any]:
    """The keyword inputs of ``lindung.rules.contribution`` for a member under ``terms`` in the
    month of ``on`` (the agreement's own income, wage and risk class; a member's own values
    override them where the member has them)."""
    params = params or load_parameters()
    return dict(programs=terms.programs, declared_income=terms.declared_income,
                wage=terms.wage, risk_class=terms.risk_class,
                funded_by=terms.funding_source_code,
                contract_months=contract_months_of(segment, terms, on, params))
