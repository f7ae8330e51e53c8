"""Rates as data: a factor per period, normalised to one unit so that claims compare.

"Halves every 18 months" (factor 2 per 18 months, decline) and "falls tenfold a year" (factor
10 per year, decline) become an annual factor, a halving (or doubling) time in months and a
percent change per year. These are derived on the fly and never stored.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from . import models as m

MONTHS_PER = m.MONTHS_PER_UNIT


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


# --------------------------------------------------------------------------- parsing


_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "兩": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 1e4, "萬": 1e4, "亿": 1e8, "億": 1e8}
_EN_SCALE = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "m": 1e6,
    "mn": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "trillion": 1e12,
}

_NUMBER = re.compile(
    r"(?P<ar>\d+(?:\.\d+)?)(?P<suf>[十百千万萬亿億]*)(?:\s?(?P<en>thousand|million|billion|trillion|bn|mn|k|m|b)\b)?"
    r"|(?P<cn>[数數上]?[零〇一二两兩三四五六七八九十百千万萬亿億半]+)",
    re.IGNORECASE,
)
# Hedge words, most specific first: a negated "more than" is an upper bound.
_HEDGES: list[tuple[m.Bound, re.Pattern[str]]] = [
    (
        m.Bound.at_most,
        re.compile(
            r"不[会能可]?有?超过|不[会能]?超過|不到|少于|少於|低于|低於|不足|至多|最多|less than|under|below|at most|up to|no more than"
        ),
    ),
    (
        m.Bound.at_least,
        re.compile(
            r"超过|超過|逾|至少|以上|多于|多於|突破|不低于|上[十百千万萬亿億]|more than|over|at least|north of|upwards of|exceed|数十|數十|\+"
        ),
    ),
    (
        m.Bound.approx,
        re.compile(r"约|約|大约|大約|左右|近|接近|上下|about|around|approximately|roughly|nearly|almost|~"),
    ),
]
_CURRENCY = [
    ("USD", re.compile(r"美元|\$|usd|dollar", re.I)),
    ("CNY", re.compile(r"人民币|元|cny|rmb|¥", re.I)),
]
_TIME_UNITS = [("months", re.compile(r"个月|個月|months?")), ("years", re.compile(r"年|years?"))]


@dataclass
class Parsed:
    """What a numeric expression says: its numbers, hedge, currency and time unit."""

    values: list[float] = field(default_factory=list)
    bound: m.Bound | None = None
    currency: str | None = None
    percent: bool = False
    time_unit: str | None = None


def cn_number(text: str) -> float | list[float] | None:
    """A Chinese numeral (``一万亿``, ``三十``, ``百亿``, ``一半``, ``四五``) as a number;
    two adjacent digits (``四五``, 'four or five') give both; None when it is not one."""
    text = text.lstrip("数數上")
    if text in ("半", "一半"):
        return 0.5
    if len(text) == 2 and text[0] in _CN_DIGITS and text[1] in _CN_DIGITS:
        a, b = _CN_DIGITS[text[0]], _CN_DIGITS[text[1]]
        if b == a + 1:
            return [float(a), float(b)]
    total, section, num = 0.0, 0.0, None
    for ch in text:
        if ch in "零〇":
            num = None  # a placeholder zero, as in 一百零五
        elif ch in _CN_DIGITS:
            if num is not None:
                return None
            num = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            section += (num if num is not None else 1) * _CN_UNITS[ch]
            num = None
        elif ch in _CN_BIG:
            section += num or 0
            if section == 0 and total == 0:
                section = 1
            num = None
            if _CN_BIG[ch] == 1e8:
                total = (total + section) * 1e8
                section = 0
            else:
                section *= 1e4
        else:
            return None
    return total + section + (num or 0)


def parse_expression(text: str) -> Parsed:
    """Read the numbers, hedge, currency, percent sign and time unit of a stated figure:
    ``超过687亿美元`` → 6.87e10, at-least, USD; ``more than $100 million`` → 1e8, at-least, USD;
    ``3-4个月`` → [3, 4] months; ``10%、20%或30%`` → [10, 20, 30] percent."""
    t = unicodedata.normalize("NFKC", text)
    t = re.sub(r"(?<=\d),(?=\d{3})", "", t)
    t = re.sub(r"(?<=\d)\s+(?=[十百千万萬亿億])", "", t)
    out = Parsed()
    lowered = t.lower()
    for bound, pattern in _HEDGES:
        if pattern.search(lowered):
            out.bound = bound
            break
    for code, pattern in _CURRENCY:
        if pattern.search(t):
            out.currency = code
            break
    out.percent = "%" in t or "百分之" in t
    for unit, pattern in _TIME_UNITS:
        if pattern.search(lowered):
            out.time_unit = unit
            break
    for mt in _NUMBER.finditer(t):
        if mt.group("ar"):
            value = float(mt.group("ar"))
            for ch in mt.group("suf"):
                value *= _CN_UNITS.get(ch) or _CN_BIG[ch]
            if mt.group("en"):
                value *= _EN_SCALE[mt.group("en").lower()]
            out.values.append(value)
        else:
            cn = cn_number(mt.group("cn"))
            if isinstance(cn, list):
                out.values.extend(cn)
            elif cn is not None:
                out.values.append(cn)
    return out


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-12)


def check_quantity(q: m.Quantity) -> str | None:
    """Why ``q``'s value, unit or bound disagrees with its ``stated`` text, or None."""
    p = parse_expression(q.stated)
    if not p.values:
        return None
    values = p.values
    unit = q.unit.lower()
    if p.time_unit and unit in ("months", "years") and p.time_unit != unit:
        factor = 12 if unit == "months" else 1 / 12
        values = [v * factor for v in values]
    wanted = [q.low, q.high] if q.bound is m.Bound.range else [q.value]
    for w in wanted:
        assert w is not None
        if not any(_close(w, v) for v in values):
            reads = ", ".join(f"{v:g}" for v in values)
            return f"value {w:g} does not match '{q.stated}' (which reads as {reads})"
    if p.currency and unit in ("usd", "cny") and p.currency.lower() != unit:
        return f"unit is {q.unit} but '{q.stated}' is in {p.currency}"
    if p.percent and unit != "percent":
        return f"'{q.stated}' is a percentage but unit is {q.unit}"
    if p.bound is not None and q.bound not in (p.bound, m.Bound.range):
        return f"bound is '{q.bound.value}' but '{q.stated}' says {p.bound.value}"
    return None


_DOUBLE = re.compile(r"翻一番|翻番|doubl")
_HALVE = re.compile(r"一半|减半|減半|halv")
_TIMES = re.compile(
    r"(\d+(?:\.\d+)?|[一二两三四五六七八九十百千]+)\s*(?:倍|x|×|times|-fold|fold)|factor of (\d+(?:\.\d+)?)",
    re.I,
)
_PCT = re.compile(r"(\d+(?:\.\d+)?)\s*%")
_EVERY = re.compile(
    r"(?:每|every\s*)(\d+(?:\.\d+)?|[一二两三四五六七八九十]+)?(?:\s*[-–至到]\s*(\d+(?:\.\d+)?))?\s*(个月|個月|months?|年|years?|天|days?|周|weeks?)",
    re.I,
)
_PER_YEAR = re.compile(r"每年|年均|per year|a year|annual|/year|一年", re.I)


def _num(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        value = cn_number(text)
        return float(value) if isinstance(value, float | int) else math.nan


def check_rate(rate: m.Rate) -> str | None:
    """Why ``rate``'s factor or period disagrees with its ``stated`` text, or None."""
    t = unicodedata.normalize("NFKC", rate.stated)
    factors: list[float] = []
    if _DOUBLE.search(t) or _HALVE.search(t):
        factors.append(2.0)
    for mt in _TIMES.finditer(t):
        factors.append(_num(mt.group(1) or mt.group(2)))
    for mt in _PCT.finditer(t):
        factors.append(1 + float(mt.group(1)) / 100)
    if factors and not any(_close(rate.factor, f) for f in factors):
        return f"factor {rate.factor:g} does not match '{rate.stated}'"
    unit_of = {
        "个": "month",
        "個": "month",
        "m": "month",
        "年": "year",
        "y": "year",
        "天": "day",
        "d": "day",
        "周": "week",
        "w": "week",
    }
    periods: list[tuple[float, float | None, str]] = []
    for mt in _EVERY.finditer(t):
        lo = _num(mt.group(1)) if mt.group(1) else 1.0
        hi = float(mt.group(2)) if mt.group(2) else None
        periods.append((lo, hi, unit_of[mt.group(3)[0].lower()]))
    if not periods and _PER_YEAR.search(t):
        periods.append((1.0, None, "year"))
    if periods:
        ok = any(
            _close(rate.period, lo)
            and (hi is None or (rate.period_high is not None and _close(rate.period_high, hi)))
            and unit == rate.period_unit.value
            for lo, hi, unit in periods
        )
        if not ok:
            lo, hi, unit = periods[0]
            span = f"{lo:g}" + (f"-{hi:g}" if hi else "")
            return f"period {rate.period:g} {rate.period_unit.value} does not match '{rate.stated}' ({span} {unit})"
    return None
