"""An independent reference for contributions: one row at a time, in plain ``Decimal``.

This is the law as a lawyer would compute it by hand, written from ``/work/shared/regulations.md``
(§2-§4b contributions, §7 relief, §8 rounding) and the dated values in ``rules/parameters``. It
shares nothing with the vectorised engine except :func:`load_parameters`: no rate units, no
numpy, no per-month tables. The property tests run both over random populations and demand the
same rupiah on every line of every row, so a slip in either one shows up as a disagreement.

The project's decisions that the reference follows (they are not in any regulation):

* A contribution month takes the parameter values in force on its first day.
* Each line is computed exactly and rounded once, half up, to whole rupiah (``rounding.yaml``).
  A discount multiplies the rate (or the flat BPU JKM amount) by ``1 - discount`` before that
  single rounding; a Jakon contract-value line is rounded once over the sum of its band parts.
* PU without programmes joins ``programmes.pu.default``; other segments their compulsory list.
* The ``jkp`` line is the central government's 0.22% on the wage capped at
  ``jkp.contribution.wage_cap``: shown, never part of ``total``.
* Rows that break a rule are refused with the error codes of ``contributions.ROW_ERRORS``;
  nothing is computed for them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from lindung.rules.params import ParameterSet, load_parameters

SEGMENTS = ("pu", "bpu", "jakon", "pmi")
PROGRAMMES = ("jkk", "jkm", "jht", "jp", "jkp")
FUNDING_SOURCES = ("self", "apbn", "apbd", "apbdes", "dbhcht", "csr")
LINES = (
    "jkk", "jkm", "jht_employer", "jht_worker", "jp_employer", "jp_worker", "jkp",
    "jkk_jkm_pre_placement", "jkk_jkm_placement",
)
TOTALS = ("total", "employer_total", "worker_total")
ERROR_CODES = frozenset({
    "segment", "no_law", "programme_unknown", "programme_not_allowed", "programme_compulsory",
    "jkp_requires", "wage_missing", "wage_invalid", "risk_class", "income_missing",
    "income_band", "jakon_base", "contract_value", "contract_months", "funded_by",
    "workers_in_company",
})
"""Every code the reference can give: the same vocabulary as ``contributions.ROW_ERRORS``."""

# The parameters without which a segment has no contribution rule in a month.
_LAW: Mapping[str, tuple[str, ...]] = {
    "pu": (*(f"pu.jkk.rate.class_{k}" for k in range(1, 6)), "pu.jkm.rate",
           "pu.jht.rate.employer", "pu.jht.rate.worker", "pu.jp.rate.employer",
           "pu.jp.rate.worker", "pu.jp.wage_cap", "programmes.pu.allowed",
           "programmes.pu.compulsory", "programmes.pu.default"),
    "bpu": ("bpu.income_grid", "bpu.jkk.rate", "bpu.jkm.amount", "bpu.jht.rate",
            "programmes.bpu.allowed", "programmes.bpu.compulsory"),
    "jakon": ("jakon.wage_known.jkk.rate", "jakon.wage_known.jkm.rate",
              "jakon.contract_value.bands", "programmes.jakon.allowed",
              "programmes.jakon.compulsory"),
    "pmi": ("pmi.pre_placement.amount", "pmi.placement.amount_by_term",
            "pmi.extension.monthly_amount", "pmi.max_term_months", "programmes.pmi.allowed",
            "programmes.pmi.compulsory"),
}


def whole_rupiah(amount: Decimal) -> int:
    """§8 and rounding.yaml: an exact amount to whole rupiah, half up."""
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def requested_programmes(raw: Any) -> tuple[set[str], bool]:
    """The programmes asked for (empty = take the default) and whether every name was known.

    Accepts ``"jkk,jkm"`` (also ``;``-separated, any case and spacing) or a list of names.
    """
    if raw is None:
        return set(), True
    text = ",".join(str(x) for x in raw if x is not None) if isinstance(raw, list | tuple) \
        else str(raw)
    names = [t.strip().lower() for t in text.replace(";", ",").split(",") if t.strip()]
    return {t for t in names if t in PROGRAMMES}, all(t in PROGRAMMES for t in names)


def reference_contribution(
    row: Mapping[str, Any], month: date, params: ParameterSet | None = None
) -> dict[str, Any]:
    """The contribution lines of one worker-month, or ``{"valid": False, "errors": codes}``.

    ``row`` has the engine's input columns (``segment``, ``wage``, ``risk_class``,
    ``declared_income``, ``programs``, ``contract_value``, ``contract_months``, ``occupation``,
    ``funded_by``, ``industry``, ``workers_in_company``, ``pre_placement``); a missing key or
    None means "not given".
    """
    params = params or load_parameters()
    day = date(month.year, month.month, 1)

    def law(name: str) -> Any:
        value = params.at_or_none(name, day)
        return None if value is None else value.value

    with localcontext() as ctx:
        ctx.prec = 60  # wages to 10^12 and contract values to 10^13 stay exact
        return _compute(row, law)


def _compute(row: Mapping[str, Any], law: Any) -> dict[str, Any]:
    # Any: None until the checks below have refused every row that lacks what it needs.
    segment: Any = row.get("segment")
    wage: Any = row.get("wage")
    risk: Any = row.get("risk_class")
    income: Any = row.get("declared_income")
    value: Any = row.get("contract_value")
    months: Any = row.get("contract_months")
    staff: Any = row.get("workers_in_company")
    funded_by: Any = row.get("funded_by")
    errors: set[str] = set()

    # --- who and when -----------------------------------------------------------------------
    known_segment = segment in SEGMENTS
    if not known_segment:
        errors.add("segment")
    in_force = known_segment and all(law(name) is not None for name in _LAW[segment])
    if known_segment and not in_force:
        errors.add("no_law")

    # --- programmes (UU 40/2004; PP 44, 45, 46/2015; PP 37/2021 Pasal 4) ----------------------
    asked, readable = requested_programmes(row.get("programs"))
    if not readable:
        errors.add("programme_unknown")
    chosen: set[str] = set()
    if in_force:
        allowed = set(law(f"programmes.{segment}.allowed"))
        compulsory = set(law(f"programmes.{segment}.compulsory"))
        default = set(law("programmes.pu.default")) if segment == "pu" else compulsory
        chosen = asked or (default & allowed)
        if chosen - allowed:
            errors.add("programme_not_allowed")
        if not compulsory <= chosen:
            errors.add("programme_compulsory")
        jkp_requires = law("programmes.jkp.requires")
        if "jkp" in chosen and jkp_requires is not None and not set(jkp_requires) <= chosen:
            errors.add("jkp_requires")
    else:
        # no programme list is in force for this segment: the programmes cannot be judged
        chosen = asked

    # --- the inputs each segment needs ------------------------------------------------------
    if wage is not None and wage <= 0:
        errors.add("wage_invalid")
    if risk is not None and not 1 <= risk <= 5:
        errors.add("risk_class")
    if staff is not None and staff < 0:
        errors.add("workers_in_company")
    if value is not None and value <= 0:
        errors.add("contract_value")
    if funded_by is not None and funded_by not in FUNDING_SOURCES:
        errors.add("funded_by")
    if segment == "pu":
        if wage is None:
            errors.add("wage_missing")
        if risk is None:
            errors.add("risk_class")
    if segment == "bpu":
        grid = law("bpu.income_grid")
        if income is None:
            errors.add("income_missing")
        elif grid is not None and not (
            grid["min"] <= income <= grid["max"] and (income - grid["min"]) % grid["step"] == 0
        ):
            errors.add("income_band")
    if segment == "jakon" and (wage is None) == (value is None):
        errors.add("jakon_base")
    if segment == "pmi" and (months is None or months <= 0):
        errors.add("contract_months")

    if errors:
        return {"valid": False, "errors": errors}

    out: dict[str, Any] = dict.fromkeys(LINES, 0)

    # --- relief (§7) ------------------------------------------------------------------------
    covid = law("relief.covid_2020.jkk_jkm.discount")  # PP 49/2020 Pasal 9, 12
    if segment not in (law("relief.covid_2020.segments") or ()):
        covid = None

    def pay(rate: Decimal, *discounts: Decimal | None) -> Decimal:
        for off in discounts:
            if off is not None:
                rate = rate * (1 - off)
        return rate

    if segment == "pu":
        w = Decimal(wage)
        # PP 7/2025, PP 36/2025: JKK halved for listed industries with at least 50 workers.
        labour = law("relief.labour_intensive_2025.jkk.discount")
        if not (labour is not None
                and row.get("industry") in (law("relief.labour_intensive_2025.industries") or ())
                and staff is not None
                and staff >= law("relief.labour_intensive_2025.min_workers")):
            labour = None
        if "jkk" in chosen:  # PP 44/2015 Pasal 16: by the company's risk class
            out["jkk"] = whole_rupiah(w * pay(law(f"pu.jkk.rate.class_{risk}"), covid, labour))
        if "jkm" in chosen:  # PP 44/2015 Pasal 18
            out["jkm"] = whole_rupiah(w * pay(law("pu.jkm.rate"), covid))
        if "jht" in chosen:  # PP 46/2015 Pasal 16: no wage cap
            out["jht_employer"] = whole_rupiah(w * law("pu.jht.rate.employer"))
            out["jht_worker"] = whole_rupiah(w * law("pu.jht.rate.worker"))
        if "jp" in chosen:  # PP 45/2015 Pasal 28-29: on the wage up to the cap of the month
            capped = Decimal(min(wage, law("pu.jp.wage_cap")))
            out["jp_employer"] = whole_rupiah(capped * law("pu.jp.rate.employer"))
            out["jp_worker"] = whole_rupiah(capped * law("pu.jp.rate.worker"))
        if "jkp" in chosen:  # PP 37/2021 Pasal 11: the government's share, not billed
            capped = Decimal(min(wage, law("jkp.contribution.wage_cap")))
            out["jkp"] = whole_rupiah(capped * law("jkp.contribution.government.rate"))

    elif segment == "bpu":
        # PP 50/2025: half of JKK + JKM, transport BPU first, then the others; not for members
        # whose contributions come from the state or a regional budget (Pasal 3 ayat (5); a
        # village budget is not named) nor for BPU who are employers (Pasal 3 ayat (4)).
        excluded = {*(law("relief.bpu_2026.excluded_funding") or ()),
                    *(law("relief.bpu_2026.excluded_funding_derived") or ())}
        employer = row.get("occupation") in (law("relief.bpu_2026.excluded_occupations") or ())
        transport = row.get("occupation") in (law("relief.bpu_2026.transport_occupations") or ())
        relief = None
        if funded_by not in excluded and not employer:
            relief = (law("relief.bpu_2026.transport.discount") if transport
                      else law("relief.bpu_2026.other.discount"))
        band = Decimal(income)  # PP 44/2015 Lampiran II: the declared income band
        if "jkk" in chosen:
            out["jkk"] = whole_rupiah(band * pay(law("bpu.jkk.rate"), covid, relief))
        if "jkm" in chosen:
            out["jkm"] = whole_rupiah(Decimal(law("bpu.jkm.amount")) * pay(Decimal(1), covid,
                                                                            relief))
        if "jht" in chosen:  # PP 46/2015: paid by the member
            out["jht_worker"] = whole_rupiah(band * law("bpu.jht.rate"))

    elif segment == "jakon":
        if wage is not None:  # Perdir 22/PERDIR.02/072022: as PU class V on the known wage
            w = Decimal(wage)
            out["jkk"] = whole_rupiah(w * pay(law("jakon.wage_known.jkk.rate"), covid))
            out["jkm"] = whole_rupiah(w * pay(law("jakon.wage_known.jkm.rate"), covid))
        else:  # Permenakertrans 44/2015: each band's rate on the part of the value inside it
            for line in ("jkk", "jkm"):
                exact, floor = Decimal(0), 0
                for band in law("jakon.contract_value.bands"):
                    top = value if band["up_to"] is None else min(value, band["up_to"])
                    if top > floor:
                        exact += Decimal(top - floor) * pay(band[line], covid)
                    if band["up_to"] is not None:
                        floor = band["up_to"]
                out[line] = whole_rupiah(exact)

    else:  # pmi, Permenaker 18/2018, 4/2023 Pasal 18: fixed amounts, no relief
        if row.get("pre_placement") is not False:
            out["jkk_jkm_pre_placement"] = law("pmi.pre_placement.amount")
        longest = law("pmi.max_term_months")
        terms = sorted(law("pmi.placement.amount_by_term"), key=lambda t: t["up_to_months"])
        if months > longest:
            top = next(t["amount"] for t in terms if t["up_to_months"] == longest)
            out["jkk_jkm_placement"] = top + (months - longest) * law(
                "pmi.extension.monthly_amount")
        else:
            out["jkk_jkm_placement"] = next(
                t["amount"] for t in terms if months <= t["up_to_months"])

    out["total"] = sum(out[c] for c in LINES if c != "jkp")
    if segment in ("pu", "jakon"):
        out["employer_total"] = out["jkk"] + out["jkm"] + out["jht_employer"] + out["jp_employer"]
        out["worker_total"] = out["jht_worker"] + out["jp_worker"]
    else:
        out["employer_total"] = out["worker_total"] = None
    out["valid"] = True
    return out
