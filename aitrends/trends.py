"""Trends side by side, and consistency checks of what the articles compute.

A *stated* trend is a fact's ``rate``. An *implied* trend is computed from two dated figures
on the same metric about the same subject (price per query in May 2023 and May 2024). Both
are put in one unit: annual factor, halving or doubling time, and percent per year.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING, Any

from . import models as m
from .dates import PartialDate
from .quantity import percent_per_year, rate_bounds, time_to_factor_two

if TYPE_CHECKING:
    from collections.abc import Collection

    from .kb import KnowledgeBase

CONSISTENT = 0.05
"""Relative difference up to which two numbers are reported as consistent."""
APPROXIMATE = 0.20
"""Relative difference up to which two numbers are reported as approximately consistent."""
CROSS_SOURCE = "cross-source"
"""The scope of a check whose facts come from more than one source."""


@dataclass
class Trend:
    """A rate in comparable units, stated by a fact or implied by two dated figures."""

    origin: str
    """``stated`` or ``implied``."""
    metric: str | None
    direction: m.Direction
    annual_factor: float
    annual_factor_low: float
    annual_factor_high: float
    facts: list[str]
    """The stated fact, or the two figures an implied trend is computed from."""
    speakers: list[str]
    sources: list[str]
    stated: str
    """The rate as stated, or the arithmetic of an implied one."""
    bound: m.Bound = m.Bound.exact
    date: str | None = None
    topics: list[str] = field(default_factory=list)

    def record(self, kb: KnowledgeBase) -> dict[str, Any]:
        """A JSON-ready row, with names and the derived units."""
        word = "halving" if self.direction is m.Direction.decline else "doubling"
        return {
            "origin": self.origin,
            "metric": self.metric,
            "metric_label": kb.name_of(self.metric) if self.metric else None,
            "direction": self.direction.value,
            "annual_factor": round(self.annual_factor, 4),
            "annual_factor_low": round(self.annual_factor_low, 4),
            "annual_factor_high": round(self.annual_factor_high, 4),
            "time_to_factor_two": word,
            "months_to_factor_two": round(time_to_factor_two(self.annual_factor), 2),
            "percent_per_year": round(percent_per_year(self.annual_factor, self.direction), 2),
            "bound": self.bound.value,
            "stated": self.stated,
            "facts": self.facts,
            "speakers": self.speakers,
            "speaker_names": [kb.name_of(s) for s in self.speakers],
            "sources": self.sources,
            "date": self.date,
            "topics": self.topics,
        }


def stated_trends(kb: KnowledgeBase, facts: list[m.FactBase]) -> list[Trend]:
    """The facts' own rates, normalised."""
    out = []
    for f in facts:
        if f.rate is None:
            continue
        slow, central, fast = rate_bounds(f.rate)
        said = kb.said(f)
        out.append(
            Trend(
                "stated",
                f.metric,
                f.rate.direction,
                central,
                slow,
                fast,
                [f.id],
                list(f.speaker),
                [f.source],
                f.rate.stated,
                f.rate.bound,
                str(said) if said else None,
                list(f.topics),
            )
        )
    return out


def _interval(q: m.Quantity) -> tuple[float, float]:
    """The values a hedged quantity allows."""
    if q.bound is m.Bound.range:
        assert q.low is not None and q.high is not None
        return q.low, q.high
    assert q.value is not None
    if q.bound is m.Bound.at_least:
        return q.value, math.inf
    if q.bound is m.Bound.at_most:
        return 0.0, q.value
    return q.value, q.value


def implied_trends(kb: KnowledgeBase, facts: list[m.FactBase]) -> list[Trend]:
    """Rates implied by pairs of dated figures on one metric, about the same subject."""
    groups: dict[tuple[Any, ...], list[m.FactBase]] = defaultdict(list)
    for f in facts:
        q = f.quantity
        if (
            q is None
            or f.metric is None
            or q.as_of is None
            or q.as_of_end is not None
            or q.bound is m.Bound.range
            or q.unit.lower() in ("percent", "times")
        ):
            continue
        groups[(f.metric, q.unit, q.per, tuple(sorted(f.about)))].append(f)
    out = []
    for (metric, unit, per, _about), members in sorted(groups.items(), key=lambda kv: str(kv[0])):
        members.sort(key=lambda f: (f.quantity.as_of.midpoint, f.id))  # type: ignore[union-attr]
        for a, b in combinations(members, 2):
            qa, qb = a.quantity, b.quantity
            assert qa is not None and qb is not None and qa.as_of and qb.as_of
            one_sided = (m.Bound.at_least, m.Bound.at_most)
            if qa.bound in one_sided or qb.bound in one_sided:
                continue  # a one-sided bound gives no rate
            months = months_between(qa.as_of, qb.as_of)
            if months < 1 or not qa.value or not qb.value:
                continue
            ratio = qb.value / qa.value
            if ratio == 1:
                continue
            direction = m.Direction.growth if ratio > 1 else m.Direction.decline
            factor = ratio if ratio > 1 else 1 / ratio
            annual = factor ** (12 / months)
            bound = m.Bound.exact if qa.bound is qb.bound is m.Bound.exact else m.Bound.approx
            unit_text = f"{unit}/{per}" if per else unit
            arithmetic = (
                f"{qa.stated} ({qa.as_of}) → {qb.stated} ({qb.as_of}): {qb.value:g}/{qa.value:g} {unit_text} "
                f"= ×{ratio:.4g} in {months:.1f} months"
            )
            topics = list(dict.fromkeys([*a.topics, *b.topics]))
            out.append(
                Trend(
                    "implied",
                    metric,
                    direction,
                    annual,
                    annual,
                    annual,
                    [a.id, b.id],
                    list(dict.fromkeys([*a.speaker, *b.speaker])),
                    list(dict.fromkeys([a.source, b.source])),
                    arithmetic,
                    bound,
                    f"{qa.as_of}/{qb.as_of}",
                    topics,
                )
            )
    return out


def months_between(a: PartialDate, b: PartialDate) -> float:
    """Months from ``a`` to ``b``: whole calendar months when both are known to the same month
    or year (May 2023 to May 2024 is 12), else the distance between their midpoints."""
    if a.precision is b.precision and a.day is None:
        return float((b.year - a.year) * 12 + (b.month or 1) - (a.month or 1))
    return (b.midpoint - a.midpoint).days / (365.25 / 12)


def _duplicates(facts: list[m.FactBase], among: Collection[str] | None = None) -> set[str]:
    """Facts of the list that paraphrase or repeat another fact of it (shown once, by
    default), or of ``among`` (the ids of a larger list this one was taken from)."""
    ids = {f.id for f in facts} if among is None else among
    return {
        f.id
        for f in facts
        if any(
            link.rel in (m.LinkRel.paraphrases, m.LinkRel.same_as) and link.fact in ids for link in f.links
        )
    }


def metric_and_descendants(kb: KnowledgeBase, metric: str) -> set[str]:
    """A metric id with the ids of every narrower metric."""
    children: dict[str, list[str]] = defaultdict(list)
    for mt in kb.metrics:
        if mt.parent:
            children[mt.parent].append(mt.id)
    out, todo = set(), [metric]
    while todo:
        x = todo.pop()
        if x not in out:
            out.add(x)
            todo.extend(children[x])
    return out


NUMBERS = (
    "SELECT fact FROM fact_rates UNION SELECT id FROM facts WHERE quantity_unit IS NOT NULL AND "
    "(metric IS NOT NULL OR lower(quantity_unit) IN ('times', 'percent') OR quantity_unit GLOB '*[^ -~]*')"
)
"""The facts that state a rate, or a quantity on a metric or a ratio ('times', 'percent', in
any case: SQLite folds ASCII only, so units beyond it are kept too), in the compiled index:
the only ones a trend or a check starts from (:meth:`~aitrends.kb.KnowledgeBase.fact_candidates`)."""


def trends(
    kb: KnowledgeBase,
    *,
    topic: str | list[str] | None = None,
    metric: str | list[str] | None = None,
    person: str | list[str] | None = None,
    repeats: bool = False,
) -> list[Trend]:
    """Stated and implied trends, sorted by metric then by percent change per year.

    ``metric`` includes narrower metrics. Paraphrases and ``same-as`` repeats of a fact are
    left out unless ``repeats``.
    """
    metrics = {x for mid in kb.resolve_many("metrics", metric) for x in metric_and_descendants(kb, mid)}
    ids = kb.fact_ids(topic=topic, person=person, metric=sorted(metrics) or None)
    numbers = {f.id: f for f in kb.fact_candidates(NUMBERS)}  # the only facts that give a rate
    facts = [numbers[i] for i in ids if i in numbers]
    if not repeats:
        dup = _duplicates(facts, among=set(ids))
        facts = [f for f in facts if f.id not in dup]
    found = stated_trends(kb, facts) + implied_trends(kb, facts)
    return sorted(
        found, key=lambda t: (t.metric or "", percent_per_year(t.annual_factor, t.direction), t.facts)
    )


# --------------------------------------------------------------------------- consistency


ANNUAL_FACTOR = "annual factor"
"""The unit of a rate as a factor of change per year (×18.75 a year is 18.75)."""
PERCENT_A_YEAR = "percent a year"


@dataclass
class Check:
    """One recomputation: what the article states against what its numbers give."""

    kind: str
    facts: list[str]
    stated: str
    computed: str
    arithmetic: str
    verdict: str
    """consistent, approximately consistent, or inconsistent."""
    difference: float | None
    """Relative difference between stated and computed (None when within bounds)."""
    note: str = ""
    sources: list[str] = field(default_factory=list)
    """The sources of the facts compared (filled in by :func:`consistency`)."""

    stated_value: Value | None = None
    """The stated number, typed (``stated`` is its text)."""
    computed_value: Value | None = None
    """The computed number or interval, typed (``computed`` is its text)."""

    @property
    def scope(self) -> str:
        """``cross-source`` when the facts come from more than one source (the verdict then
        sets one article against another, not an article against itself), else ``one source``."""
        return CROSS_SOURCE if len(self.sources) > 1 else "one source"

    def record(self) -> dict[str, Any]:
        """A JSON-ready row: the texts, and the stated and computed values as numbers."""
        return {
            "check": self.kind,
            "verdict": self.verdict,
            "scope": self.scope,
            "sources": self.sources,
            "stated": self.stated,
            "computed": self.computed,
            "stated_value": self.stated_value.record() if self.stated_value else None,
            "computed_value": self.computed_value.record() if self.computed_value else None,
            "arithmetic": self.arithmetic,
            "difference": None if self.difference is None else round(self.difference, 4),
            "facts": self.facts,
            "note": self.note,
        }


@dataclass
class Value:
    """A number or an interval of numbers with its unit, for a notebook to compute with:
    ``low`` and ``high`` (equal for one number; None for no bound) in ``unit``."""

    low: float | None
    high: float | None
    unit: str
    """annual factor (×/year), percent per year, times, or percent."""

    @classmethod
    def of(cls, low: float, high: float, unit: str) -> Value:
        """A value from two bounds, an infinite one (no bound) as None."""
        return cls(None if math.isinf(low) else low, None if math.isinf(high) else high, unit)

    def record(self) -> dict[str, Any]:
        """``{"low", "high", "unit"}`` with numbers rounded to 6 significant digits."""

        def r(x: float | None) -> float | None:
            return None if x is None else float(f"{x:.6g}")

        return {"low": r(self.low), "high": r(self.high), "unit": self.unit}


def _verdict(stated: float, low: float, high: float) -> tuple[str, float | None]:
    if low * (1 - 1e-9) <= stated <= high * (1 + 1e-9):
        return "consistent", 0.0 if low == high else None
    nearest = low if stated < low else high
    diff = abs(stated - nearest) / abs(nearest)
    if diff <= CONSISTENT:
        return "consistent", diff
    if diff <= APPROXIMATE:
        return "approximately consistent", diff
    return "inconsistent", diff


def _log_verdict(stated: float, low: float, high: float) -> tuple[str, float | None]:
    """Compare annual factors on a log scale: a 10% difference is 10% in doubling time."""
    return _verdict(math.log(stated), math.log(low), math.log(high))


def _fmt(low: float, high: float, unit: str = "") -> str:
    if low == high:
        return f"{low:.4g}{unit}"
    if math.isinf(high):
        return f"≥{low:.4g}{unit}"
    if low == 0:
        return f"≤{high:.4g}{unit}"
    return f"{low:.4g}–{high:.4g}{unit}"


def ratio_checks(kb: KnowledgeBase) -> list[Check]:
    """A stated ratio ('75x', '3% of') against the two figures it is derived from."""
    out = []
    facts = kb.table("facts")
    for f in kb.fact_candidates(NUMBERS):
        q = f.quantity
        if q is None or q.unit.lower() not in ("times", "percent") or q.value is None:
            continue
        derived = [link for link in f.links if link.rel is m.LinkRel.derived_from]
        inferred = {link.fact for link in derived if link.inferred}
        parts = [facts[link.fact] for link in derived]
        parts = [
            p for p in parts if p.quantity is not None and p.quantity.unit.lower() not in ("times", "percent")
        ]
        quantities = [p.quantity for p in parts if p.quantity is not None]
        if len(quantities) != 2 or quantities[0].unit != quantities[1].unit:
            continue
        a, b = (_interval(x) for x in quantities)
        big, small = (a, b) if a[0] >= b[0] else (b, a)
        big_q, small_q = (
            (parts[0].quantity, parts[1].quantity) if a is big else (parts[1].quantity, parts[0].quantity)
        )
        assert big_q is not None and small_q is not None
        if q.unit.lower() == "times":
            low, high = (
                big[0] / small[1] if small[1] else math.inf,
                big[1] / small[0] if small[0] else math.inf,
            )
            text = f"{big_q.stated} / {small_q.stated} = {_fmt(low, high, 'x')}"
            computed = _fmt(low, high, "x")
        else:
            low = 100 * small[0] / big[1] if big[1] else 0.0
            high = 100 * small[1] / big[0] if big[0] else math.inf
            text = f"{small_q.stated} / {big_q.stated} = {_fmt(low, high, '%')}"
            computed = _fmt(low, high, "%")
        verdict, diff = _verdict(q.value, low, high)
        used = sorted(inferred.intersection(p.id for p in parts))
        note = f"inferred link: the article does not tie it to {', '.join(used)}" if used else ""
        unit = q.unit.lower()
        out.append(
            Check(
                "ratio",
                [f.id, *(p.id for p in parts)],
                q.stated,
                computed,
                text,
                verdict,
                diff,
                note,
                stated_value=Value.of(q.value, q.value, unit),
                computed_value=Value.of(low, high, unit),
            )
        )
    return out


def rate_checks(kb: KnowledgeBase) -> list[Check]:
    """Stated rates against the rates implied by dated figures on the same (or a narrower)
    metric, and against the stated rates they are derived from or repeat."""
    out = []
    numbers = kb.fact_candidates(NUMBERS)
    implied = implied_trends(kb, numbers)
    facts = kb.table("facts")
    dup = _duplicates(numbers, among=facts.keys())
    for f in numbers:
        if f.rate is None or f.id in dup:
            continue
        slow, central, fast = rate_bounds(f.rate)
        if f.rate.bound is m.Bound.at_least:
            fast = math.inf
        elif f.rate.bound is m.Bound.at_most:
            slow = 1.0
        word = "falls" if f.rate.direction is m.Direction.decline else "grows"
        stated = f"{f.rate.stated} (×{_fmt(slow, fast)}/year)"
        scope = metric_and_descendants(kb, f.metric) if f.metric else set()
        for t in implied:
            if t.metric not in scope or t.direction is not f.rate.direction:
                continue
            if f.rate.period_unit is m.PeriodUnit.year and f.rate.period == 1 and f.rate.factor_high is None:
                low = high = f.rate.factor
            else:
                low, high = slow, fast
            verdict, diff = _log_verdict(t.annual_factor, low, high)
            arithmetic = f"{t.stated} = ×{t.annual_factor:.4g}/year; stated {word} ×{_fmt(low, high)}/year"
            out.append(
                Check(
                    "rate vs dated figures",
                    [f.id, *t.facts],
                    stated,
                    f"×{t.annual_factor:.4g}/year",
                    arithmetic,
                    verdict,
                    diff,
                    note="" if t.metric == f.metric else f"figures are on the narrower metric '{t.metric}'",
                    stated_value=Value.of(low, high, ANNUAL_FACTOR),
                    computed_value=Value.of(t.annual_factor, t.annual_factor, ANNUAL_FACTOR),
                )
            )
        for link in f.links:
            other = facts.get(link.fact)
            if (
                link.rel not in (m.LinkRel.derived_from, m.LinkRel.same_as)
                or other is None
                or other.rate is None
            ):
                continue
            o_slow, _o_central, o_fast = rate_bounds(other.rate)
            verdict, diff = _log_verdict(central, o_slow, o_fast)
            arithmetic = f"'{other.rate.stated}' = ×{_fmt(o_slow, o_fast)}/year; '{f.rate.stated}' = ×{central:.4g}/year"
            out.append(
                Check(
                    "rate vs rate",
                    [f.id, other.id],
                    f"×{central:.4g}/year",
                    f"×{_fmt(o_slow, o_fast)}/year",
                    arithmetic,
                    verdict,
                    diff,
                    stated_value=Value.of(central, central, ANNUAL_FACTOR),
                    computed_value=Value.of(o_slow, o_fast, ANNUAL_FACTOR),
                )
            )
    return out


def cagr_checks(kb: KnowledgeBase) -> list[Check]:
    """A compound annual growth rate (a 1-year growth rate on a metric) against the start and
    end values of that metric."""
    out = []
    numbers = kb.fact_candidates(NUMBERS)
    for f in numbers:
        r = f.rate
        if (
            r is None
            or r.period_unit is not m.PeriodUnit.year
            or r.period != 1
            or r.direction is not m.Direction.growth
        ):
            continue
        if f.quantity is None or f.quantity.unit != "percent":
            continue
        for t in implied_trends(kb, [g for g in numbers if g.metric == f.metric]):
            verdict, diff = _verdict(
                (r.factor - 1) * 100, (t.annual_factor - 1) * 100, (t.annual_factor - 1) * 100
            )
            start, end = (kb.get(i).quantity for i in t.facts)
            assert start is not None and end is not None and start.as_of and end.as_of
            years = months_between(start.as_of, end.as_of) / 12
            total = (end.value or 0) / (start.value or 1)
            out.append(
                Check(
                    "CAGR vs start and end values",
                    [f.id, *t.facts],
                    f"{f.quantity.stated} a year",
                    f"{(t.annual_factor - 1) * 100:.2f}% a year",
                    f"{start.stated} ({start.as_of}) → {end.stated} ({end.as_of}): ×{total:.4g} over {years:g} years; "
                    f"{total:.4g}^(1/{years:g}) = ×{t.annual_factor:.4f}/year = {(t.annual_factor - 1) * 100:.2f}%/year",
                    verdict,
                    diff,
                    note=f"the figures are dated {t.date}; the CAGR is stated for "
                    + (
                        f"{f.quantity.as_of}–{f.quantity.as_of_end}"
                        if f.quantity.as_of_end
                        else "an unstated period"
                    ),
                    stated_value=Value.of((r.factor - 1) * 100, (r.factor - 1) * 100, PERCENT_A_YEAR),
                    computed_value=Value.of(
                        (t.annual_factor - 1) * 100, (t.annual_factor - 1) * 100, PERCENT_A_YEAR
                    ),
                )
            )
    return out


def consistency(kb: KnowledgeBase) -> list[Check]:
    """Every recomputation aitrends knows how to make, in a stable order."""
    cagr = cagr_checks(kb)
    covered = {tuple(c.facts) for c in cagr}
    checks = cagr + ratio_checks(kb) + [c for c in rate_checks(kb) if tuple(c.facts) not in covered]
    for c in checks:
        c.sources = sorted({kb.get(f).source for f in c.facts})
    return sorted(checks, key=lambda c: (c.kind, c.facts))
