"""Rates as data: a factor per period, normalised to one unit so that claims compare.

"Halves every 18 months" (factor 2 per 18 months, decline) and "falls tenfold a year" (factor
10 per year, decline) become an annual factor, a halving (or doubling) time in months and a
percent change per year. These are derived on the fly and never stored.
"""

from __future__ import annotations

import math
from typing import Any

from . import models as m

MONTHS_PER = {
    m.PeriodUnit.day: 12 / 365.25,
    m.PeriodUnit.week: 7 * 12 / 365.25,
    m.PeriodUnit.month: 1.0,
    m.PeriodUnit.year: 12.0,
}


def annual_factor(factor: float, period_months: float) -> float:
    """The factor of change over twelve months."""
    return float(factor ** (12 / period_months))


def rate_bounds(rate: m.Rate) -> tuple[float, float, float]:
    """(slowest, central, fastest) annual factor of a rate, over its stated ranges.

    The central value is the geometric mean of the two ends (for 'doubles every 3-4 months'
    that is between 8x and 16x a year).
    """
    months = MONTHS_PER[rate.period_unit]
    p_lo, p_hi = rate.period * months, (rate.period_high or rate.period) * months
    f_lo, f_hi = rate.factor, rate.factor_high or rate.factor
    slow, fast = annual_factor(f_lo, p_hi), annual_factor(f_hi, p_lo)
    return slow, math.sqrt(slow * fast), fast


def percent_per_year(annual: float, direction: m.Direction) -> float:
    """Percent change per year: positive for growth, negative for decline."""
    return (annual - 1) * 100 if direction is m.Direction.growth else -(1 - 1 / annual) * 100


def time_to_factor_two(annual: float) -> float:
    """Months to double (growth) or halve (decline) at this annual factor."""
    return 12 * math.log(2) / math.log(annual)


def rate_record(rate: m.Rate) -> dict[str, Any]:
    """The derived, comparable figures of a rate."""
    slow, central, fast = rate_bounds(rate)
    word = "halving" if rate.direction is m.Direction.decline else "doubling"
    return {
        "direction": rate.direction.value,
        "annual_factor": round(central, 6),
        "annual_factor_low": round(slow, 6),
        "annual_factor_high": round(fast, 6),
        f"{word}_months": round(time_to_factor_two(central), 3),
        "percent_per_year": round(percent_per_year(central, rate.direction), 3),
        "bound": rate.bound.value,
    }
