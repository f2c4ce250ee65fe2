"""Exact rupiah arithmetic: the one place where a rate meets an amount and is rounded.

Money is whole rupiah (``int``, numpy ``int64`` in vectors). Rates are exact decimals read from the
parameter files and held as integer *rate units* of 1/100,000,000 (``RATE_SCALE``): 0.89% is
890,000 units, 0.445% is 445,000 units. A rate that cannot be held exactly at that scale is refused
when the parameters load, so no rate is ever approximated.

Rounding: no regulation states how BPJS rounds a contribution or benefit line (see
``rounding.yaml``, UNCONFIRMED). We compute each line exactly and round it once, half up, to whole
rupiah. Both the scalar and the vectorised paths call :func:`rupiah_sum`, so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

RATE_SCALE = 100_000_000
"""Rate units per 1 (100%). 1 unit = 0.000001%."""

IntArray = npt.NDArray[np.int64]
Num = TypeVar("Num", int, IntArray)


class InexactRateError(ValueError):
    """A rate has more decimal places than RATE_SCALE can hold exactly."""


def rate_units(rate: Decimal) -> int:
    """Exact integer rate units of a Decimal ratio (0.0089 -> 890_000); never approximates."""
    scaled = rate * RATE_SCALE
    if scaled != scaled.to_integral_value():
        raise InexactRateError(
            f"rate {rate} has more than {len(str(RATE_SCALE)) - 1} decimal places of a ratio"
        )
    return int(scaled)


def divide_half_up(numerator: Num, denominator: int) -> Num:
    """``numerator / denominator`` rounded half up to a whole number: the one rounding rule.

    Both are whole numbers (numerator may be a numpy int64 array), the denominator positive and
    the numerator non-negative, as every amount of money here is.
    """
    return (2 * numerator + denominator) // (2 * denominator)


def rupiah_sum(terms: Iterable[tuple[Num, Num | int]]) -> Num:
    """Whole rupiah of sum(amount x rate) over ``terms``, rounded once, half up.

    ``amount`` is whole rupiah and ``rate`` is in rate units; both may be numpy int64 arrays.
    When the products might not fit in int64 (amounts beyond about Rp90 billion at a rate of
    100%), each amount is split as ``q * RATE_SCALE + r`` so that only the remainders' share is
    rounded; both ways give the same rupiah.
    """
    terms = list(terms)
    if all(_fits(amount, rate) for amount, rate in terms) and len(terms) < 64:
        exact: Num | int = 0
        for amount, rate in terms:
            exact = exact + amount * rate
        return divide_half_up(exact, RATE_SCALE)  # type: ignore[arg-type]
    whole: Num | int = 0
    fraction: Num | int = 0
    for amount, rate in terms:
        q, r = divmod(amount, RATE_SCALE)
        whole = whole + q * rate
        fraction = fraction + r * rate
    # fraction is in units of 1/RATE_SCALE rupiah
    return whole + divide_half_up(fraction, RATE_SCALE)  # type: ignore[type-var,return-value]


_SAFE = (1 << 62) // 64  # room for up to 64 terms and the doubling in divide_half_up


def _fits(amount: Any, rate: Any) -> bool:
    """True when every amount x rate product is far from int64 overflow (and non-negative)."""
    if isinstance(amount, np.ndarray):
        if amount.size == 0:
            return True
        high_amount, low_amount = int(amount.max()), int(amount.min())
    else:
        high_amount = low_amount = int(amount)
    high_rate = (int(rate.max()) if rate.size else 0) if isinstance(rate, np.ndarray) \
        else int(rate)
    return low_amount >= 0 and high_amount * max(high_rate, 1) < _SAFE


def rupiah(amount: Num, rate: Num | int) -> Num:
    """Whole rupiah of ``amount x rate`` (rate in rate units), rounded half up once."""
    return rupiah_sum([(amount, rate)])


def ratio_units_product(*ratios: Decimal) -> int:
    """Rate units of the exact product of several ratios (a rate after a discount, say)."""
    product = Decimal(1)
    for ratio in ratios:
        product *= ratio
    return rate_units(product)
