"""Complete, JSON-ready records of facts and reference data, with linked names resolved.

Every output format (json, jsonl, csv, yaml, markdown, table) is made from these dicts, so all
formats agree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import models as m
from .kb import KnowledgeBase


def fact_record(kb: KnowledgeBase, fact: m.FactBase, *, as_of: dt.date | None = None) -> dict[str, Any]:
    """Every field of ``fact`` plus the display names of what it links to, its date, its
    normalised rate and, for a forecast, its deadline and status on ``as_of`` (today)."""
    rec: dict[str, Any] = fact.model_dump(mode="json")
    said = kb.said(fact)
    source = kb.table("sources")[fact.source]
    rec["date"] = str(said) if said else None
    rec["date_precision"] = said.precision.value if said else None
    rec["date_from"] = None if said is None else ("fact" if fact.said is not None else "source")
    rec["source_title"] = source.title_en
    rec["speaker_names"] = [kb.name_of(s) for s in fact.speaker]
    rec["cited_names"] = [c.name(kb) for c in fact.cited]
    rec["about_names"] = [kb.name_of(a) for a in fact.about]
    rec["topic_labels"] = [kb.name_of(t) for t in fact.topics]
    rec["metric_label"] = kb.name_of(fact.metric) if fact.metric else None
    from .quantity import rate_record

    if fact.rate is not None:
        rec["rate_normalized"] = rate_record(fact.rate)
    if isinstance(fact, m.Forecast):
        from .forecasts import forecast_record

        rec.update(forecast_record(kb, fact, as_of=as_of))
    return rec


def source_record(kb: KnowledgeBase, source: m.Source) -> dict[str, Any]:
    """A source with the names of its outlet and authors and its facts counted by kind."""
    rec: dict[str, Any] = source.model_dump(mode="json")
    rec["outlet_name"] = kb.name_of(source.outlet)
    rec["author_names"] = [kb.name_of(a) for a in source.authors]
    counts: dict[str, int] = dict(kb.fact_counts("source").get(source.id, {}))
    rec["facts"] = {k.value: counts.get(k.value, 0) for k in m.FactKind}
    rec["facts_total"] = sum(rec["facts"].values())
    return rec


def entity_record(kb: KnowledgeBase, entity: m.Person | m.Organization) -> dict[str, Any]:
    """A person or organization with the facts they assert counted by kind."""
    rec: dict[str, Any] = entity.model_dump(mode="json")
    counts: dict[str, int] = dict(kb.fact_counts("speaker").get(entity.id, {}))
    rec["facts"] = {k.value: counts.get(k.value, 0) for k in m.FactKind}
    rec["facts_total"] = sum(rec["facts"].values())
    rec["cited_in"] = sum(kb.fact_counts("cited_by").get(entity.id, {}).values())
    return rec


def topic_record(kb: KnowledgeBase, topic: m.Topic) -> dict[str, Any]:
    """A topic with its fact count (its own and its descendants')."""
    rec: dict[str, Any] = topic.model_dump(mode="json")
    ids = kb.topic_and_descendants(topic.id)
    rec["children"] = sorted(t for t in ids if kb.table("topics")[t].parent == topic.id)
    rec["facts_total"] = sum(1 for f in kb.all_facts if ids.intersection(f.topics))
    return rec


def metric_record(kb: KnowledgeBase, metric: m.Metric) -> dict[str, Any]:
    """A metric with its fact count."""
    rec: dict[str, Any] = metric.model_dump(mode="json")
    rec["facts_total"] = sum(1 for f in kb.all_facts if f.metric == metric.id)
    return rec
