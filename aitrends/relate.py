"""Connecting facts: what bears on a fact and how sources compare (the profiles of people and
sources are :mod:`aitrends.reference`, from the index)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import models as m
from .trends import metric_and_descendants, trends

if TYPE_CHECKING:
    from .kb import KnowledgeBase

AGREE = 0.20
"""Two annual rates agree when their logarithms differ by at most this fraction."""

_REL = {
    m.LinkRel.supports: "this fact supports it",
    m.LinkRel.contradicts: "this fact contradicts it",
    m.LinkRel.same_as: "it states the same as this fact",
    m.LinkRel.derived_from: "this fact is derived from it",
    m.LinkRel.part_of: "this fact is part of it",
    m.LinkRel.responds_to: "this fact responds to it",
    m.LinkRel.paraphrases: "this fact paraphrases it",
    m.LinkRel.follows: "this fact follows it (a later period of the same series)",
    m.LinkRel.rival_estimate: "this fact is a rival estimate to it",
    m.LinkRel.updates: "this fact updates it (a later view)",
}
"""Why a fact is related, when this fact links to it."""
_REL_INVERSE = {
    m.LinkRel.supports: "this fact is supported by it",
    m.LinkRel.contradicts: "this fact is contradicted by it",
    m.LinkRel.same_as: "it states the same as this fact",
    m.LinkRel.derived_from: "it is derived from this fact",
    m.LinkRel.part_of: "this fact contains it",
    m.LinkRel.responds_to: "this fact is answered by it",
    m.LinkRel.paraphrases: "this fact is paraphrased by it",
    m.LinkRel.follows: "it follows this fact (a later period of the same series)",
    m.LinkRel.rival_estimate: "it is a rival estimate to this fact",
    m.LinkRel.updates: "it updates this fact (a later view)",
}
"""Why a fact is related, when it links to this fact."""


@dataclass
class Related:
    """A fact that bears on another, and why."""

    fact: m.FactBase
    score: float
    reasons: list[str] = field(default_factory=list)


def _metric_family(kb: KnowledgeBase, metric: str) -> set[str]:
    """A metric, its ancestors and its descendants."""
    from .checks import ancestors

    return metric_and_descendants(kb, metric) | set(ancestors(kb.table("metrics"), metric))


def related(kb: KnowledgeBase, fact_id: str, *, limit: int | None = 20) -> list[Related]:
    """The facts that bear on ``fact_id``, strongest first, each with its reasons: stated links
    (both ways), the same metric (or a broader/narrower one), the same cited origin, the same
    figure, the same speaker on the same topic, and shared topics in other sources."""
    fact = kb.get(fact_id)
    found: dict[str, Related] = {}

    def add(other: m.FactBase, score: float, reason: str) -> None:
        if other.id == fact.id:
            return
        r = found.setdefault(other.id, Related(other, 0.0))
        r.score += score
        if reason not in r.reasons:
            r.reasons.append(reason)

    facts = kb.table("facts")
    for link in fact.links:
        if link.fact in facts:
            add(facts[link.fact], 10, _REL[link.rel])
    family = _metric_family(kb, fact.metric) if fact.metric else set()
    origins = {c.by for c in fact.cited if c.by is not None}
    topics = set(fact.topics)
    q = fact.quantity
    for other in kb.fact_candidates(*_candidates(fact, family, origins, topics)):
        if other.id == fact.id:
            continue
        for link in other.links:
            if link.fact == fact.id:
                add(other, 10, _REL_INVERSE[link.rel])
        if family and other.metric in family:
            same = other.metric == fact.metric
            where = "another source" if other.source != fact.source else "the same source"
            add(
                other,
                5 if same else 4,
                f"{'same' if same else 'related'} metric '{kb.name_of(other.metric or '')}' in {where}",
            )
        if origins and origins.intersection(c.by for c in other.cited):
            shared = sorted(origins.intersection(c.by for c in other.cited if c.by is not None))
            add(other, 4, "cites the same origin: " + ", ".join(kb.name_of(x) for x in shared))
        oq = other.quantity
        if q is not None and oq is not None and q.value is not None and oq.value is not None:
            if (
                q.unit == oq.unit
                and math.isclose(q.value, oq.value, rel_tol=1e-9)
                and other.source != fact.source
            ):
                add(other, 4, f"the same figure ({oq.stated}) in another source")
        shared_topics = topics.intersection(other.topics)
        if shared_topics and set(fact.speaker).intersection(other.speaker):
            add(other, 2, "same speaker on " + ", ".join(sorted(shared_topics)))
        elif shared_topics and other.source != fact.source:
            add(other, 1, "shares topic " + ", ".join(sorted(shared_topics)) + " in another source")
    out = sorted(found.values(), key=lambda r: (-r.score, kb.sort_key(r.fact)))
    return out[:limit] if limit is not None else out


def _candidates(
    fact: m.FactBase, family: set[str], origins: set[str], topics: set[str]
) -> tuple[str, list[Any]]:
    """A query of the ids of every fact :func:`related` may find for ``fact`` in the compiled
    index (a superset: each is tested as any other): those linking to it, on a metric of its
    family, citing one of its origins, stating a quantity in its unit, or on one of its topics."""
    parts = ["SELECT fact FROM fact_links WHERE target = ?"]
    params: list[Any] = [fact.id]
    for sql, values in (
        ("SELECT id FROM facts WHERE metric IN ({})", sorted(family)),
        ("SELECT fact FROM fact_cited WHERE entity IN ({})", sorted(origins)),
        ("SELECT fact FROM fact_topics WHERE topic IN ({})", sorted(topics)),
    ):
        if values:
            parts.append(sql.format(",".join("?" * len(values))))
            params += values
    q = fact.quantity
    if q is not None and q.value is not None:
        parts.append("SELECT id FROM facts WHERE quantity_unit = ? AND quantity_value IS NOT NULL")
        params.append(q.unit)
    return " UNION ".join(parts), params


# --------------------------------------------------------------------------- compare


@dataclass
class Position:
    """What one speaker in one source says on a topic or metric."""

    source: str
    speakers: list[str]
    facts: list[str]
    kinds: Counter[str]
    statements: list[str]
    figures: list[str]
    rates: list[dict[str, Any]]
    agrees_with: list[str] = field(default_factory=list)
    compatible_with: list[str] = field(default_factory=list)
    """Rows whose rate is outside ours but within a lower bound ('or even more') one states."""
    conflicts_with: list[str] = field(default_factory=list)
    contradicts: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        """``speaker @ source``, the row's name in agreement lists."""
        return f"{'+'.join(self.speakers)} @ {self.source}"


def compare(
    kb: KnowledgeBase, *, topic: str | list[str] | None = None, metric: str | list[str] | None = None
) -> list[Position]:
    """One row per (source, speaker) on a topic or metric, side by side.

    Rows with rates (stated or implied) are compared on the annual factor: two rows on the
    same metric family agree when their rates are within :data:`AGREE` on a log scale, and
    conflict otherwise. Stated ``contradicts`` links between rows are listed too.
    """
    metric_ids = {x for mid in kb.resolve_many("metrics", metric) for x in metric_and_descendants(kb, mid)}
    facts = kb.facts(topic=topic)
    if metric_ids:
        facts = [f for f in facts if f.metric in metric_ids]
    groups: dict[tuple[str, tuple[str, ...]], list[m.FactBase]] = defaultdict(list)
    for f in facts:
        groups[(f.source, tuple(f.speaker))].append(f)
    rows: dict[tuple[str, tuple[str, ...]], Position] = {}
    for (source, speakers), members in sorted(groups.items()):
        rows[(source, speakers)] = Position(
            source=source,
            speakers=list(speakers),
            facts=[f.id for f in members],
            kinds=Counter(f.kind.value for f in members),
            statements=[f.statement for f in members],
            figures=[f.quantity.stated for f in members if f.quantity is not None],
            rates=[],
        )
    for t in trends(kb, topic=topic, metric=metric):
        key = (t.sources[0], tuple(t.speakers))
        if key not in rows:
            continue
        rows[key].rates.append(t.record(kb))
    positions = list(rows.values())
    _relate_rates(kb, positions)
    by_fact = {fid: p for p in positions for fid in p.facts}
    for p in positions:
        for fid in p.facts:
            for link in kb.get(fid).links:
                other = by_fact.get(link.fact)
                if link.rel is m.LinkRel.contradicts and other is not None and other is not p:
                    p.contradicts.append(other.label)
    for a in positions:
        for b in positions:
            if a is b:
                continue
            verdict = _rates_agree(kb, a.rates, b.rates)
            if verdict == "agree":
                a.agrees_with.append(b.label)
            elif verdict == "compatible":
                a.compatible_with.append(b.label)
            elif verdict == "conflict":
                a.conflicts_with.append(b.label)
    return positions


SERIES_RELATIONS = (m.LinkRel.follows, m.LinkRel.rival_estimate, m.LinkRel.updates)
"""Links shown on the rates they join in :func:`compare`: two eras of one series, rival
estimates of one period, a later view."""


def _relate_rates(kb: KnowledgeBase, positions: list[Position]) -> None:
    """Add to each stated rate the series links (:data:`SERIES_RELATIONS`) it has with another
    rate of the comparison, as ``relations``: [{rel, fact, stated, inferred}]. A rival estimate
    is shown on both rates; 'follows' and 'updates' on the later one."""
    for p in positions:
        for r in p.rates:
            r["relations"] = []
    stated = {r["facts"][0]: r for p in positions for r in p.rates if r["origin"] == "stated"}
    for fid, r in stated.items():
        for link in kb.get(fid).links:
            other = stated.get(link.fact)
            if link.rel not in SERIES_RELATIONS or other is None:
                continue
            r["relations"].append(
                {
                    "rel": link.rel.value,
                    "fact": link.fact,
                    "stated": other["stated"],
                    "inferred": link.inferred,
                }
            )
            if link.rel is m.LinkRel.rival_estimate:
                other["relations"].append(
                    {"rel": link.rel.value, "fact": fid, "stated": r["stated"], "inferred": link.inferred}
                )


def _rates_agree(kb: KnowledgeBase, ra: list[dict[str, Any]], rb: list[dict[str, Any]]) -> str | None:
    """'agree' if some pair of rates on one metric family is within :data:`AGREE` (log scale);
    else 'compatible' if a pair differs only in the direction a lower bound allows; else
    'conflict'; None when no pair is on the same metric family and direction."""
    best = None
    order = {"agree": 3, "compatible": 2, "conflict": 1}
    for x in ra:
        family = _metric_family(kb, x["metric"]) if x["metric"] else set()
        for y in rb:
            if y["metric"] not in family or x["direction"] != y["direction"]:
                continue
            lx, ly = math.log(x["annual_factor"]), math.log(y["annual_factor"])
            if abs(lx - ly) <= AGREE * max(abs(lx), abs(ly)):
                verdict = "agree"
            elif (x["bound"] == "at-least" and ly > lx) or (y["bound"] == "at-least" and lx > ly):
                verdict = "compatible"
            else:
                verdict = "conflict"
            if best is None or order[verdict] > order[best]:
                best = verdict
    return best
