"""Relief that cuts the contributions of more than one segment: PP 49/2020 (COVID-19).

A relief measure that touches one segment only lives with that segment (PP 7/2025 and PP 36/2025
in ``pu.py``, PP 50/2025 in ``bpu.py``).
"""

from __future__ import annotations

from lindung.rules.contributions.engine import BoolArray, MonthRange

COVID_DISCOUNT = "relief.covid_2020.jkk_jkm.discount"
"""PP 49/2020 Pasal 9 and 12: JKK and JKM cut by 99%, contribution months August 2020 to
January 2021."""
COVID_SEGMENTS = "relief.covid_2020.segments"
"""The segments whose JKK and JKM the COVID-19 relief cuts (PU, BPU and Jakon)."""
COVID_JP_DEFERRAL = "relief.covid_2020.jp.deferral"
"""PP 49/2020 Pasal 17: the share of JP a company may defer on request. Never applied here."""


def covid_months(months: MonthRange, segment: str) -> BoolArray:
    """Months in which the PP 49/2020 cut of JKK and JKM applies to ``segment``."""
    return months.bools(lambda m: m.get(COVID_DISCOUNT) is not None
                        and segment in (m.get(COVID_SEGMENTS) or ()))
