"""Complete, JSON-ready records of facts, with linked names resolved (the records of reference
data, with their facts counted, are :func:`aitrends.reference.records`, from the index).

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
