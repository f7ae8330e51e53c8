"""``related``, ``trends``, ``check``, ``compare`` and ``scores``: analyses computed with the
models once per state of the data, kept in the index, and answered from it.

These commands compute with the pydantic models (rates in one unit, recomputed arithmetic,
agreement between sources, Brier scores), which costs the import of the models and a
knowledge base hydrated from the index (:mod:`aitrends.hydrate`). So each result is computed
once, by the analysis layer, and kept in the index (:mod:`aitrends.kept`) under the command and
its resolved parameters (and the day, for a result that changes with it); every later run with
the same question reads it, as the fast path reads any other answer, without pydantic. Any
update of the index (a data file, a resolution or ``hedges.yaml`` edited) drops every kept
result, and a change of the code rebuilds the index: a kept result is never stale.

One implementation for the fast path and the typer command: each function takes an open
index, the command's parameters (attributes named as the typer parameters) and the day, and
returns an :class:`~aitrends.output.Answer`. When the result is not kept yet, the typer command
gives ``kb`` (a function returning its knowledge base) and the result is computed and kept;
the fast path gives none, and gets None: the typer command answers. None also means that a
name is not certain (the typer command resolves it, with its notices and suggestions).
Standard library only at import: the hot path.
"""

from __future__ import annotations

import json

from . import cache, kept
from .output import Answer, format_of, rendered

TYPE_CHECKING = False
if TYPE_CHECKING:
    import datetime as dt
    import sqlite3
    from collections.abc import Callable
    from typing import Any

    from .kb import KnowledgeBase

    KbFn = Callable[[], KnowledgeBase]


def _ids(con: sqlite3.Connection, q: Any, **namespaces: str) -> dict[str, Any] | None:
    """``q``'s names as ids (parameter -> namespace; None for a parameter not given), or None
    when a name is not certain (the typer command explains it)."""
    out: dict[str, Any] = {}
    for name, namespace in namespaces.items():
        found = cache.resolve_all(con, namespace, getattr(q, name))
        if found is None:
            return None
        out[name] = found or None
    return out


def _result(con: sqlite3.Connection, command: str, params: dict[str, Any], kb: KbFn | None) -> Any:
    """The result of ``command`` for ``params``: kept in the index, else computed with the
    knowledge base ``kb`` gives (and kept); None when it is not kept and there is no ``kb``."""
    make = None if kb is None else lambda: _COMPUTE[command](kb(), **params)
    return kept.value(con, command, params, make)


# ---------------------------------------------------------------- computed with the models


def _related(kb: KnowledgeBase, *, fact: str) -> list[list[Any]]:
    from .relate import related

    return [[r.fact.id, r.score, r.reasons] for r in related(kb, fact, limit=None)]


def _trends(
    kb: KnowledgeBase,
    *,
    topic: list[str] | None,
    metric: list[str] | None,
    person: list[str] | None,
    repeats: bool,
) -> list[dict[str, Any]]:
    return [t.record(kb) for t in kb.trends(topic=topic, metric=metric, person=person, repeats=repeats)]


def _check(kb: KnowledgeBase) -> list[dict[str, Any]]:
    return [c.record() for c in kb.check()]


def _compare(kb: KnowledgeBase, *, topic: list[str] | None, metric: list[str] | None) -> list[dict[str, Any]]:
    from .relate import compare

    return [
        {
            "source": p.source,
            "speakers": p.speakers,
            "speaker_names": [kb.name_of(s) for s in p.speakers],
            "kinds": dict(p.kinds),
            "facts": p.facts,
            "rates": p.rates,
            "figures": p.figures,
            "agrees_with": p.agrees_with,
            "compatible_with": p.compatible_with,
            "conflicts_with": p.conflicts_with,
            "contradicts": p.contradicts,
        }
        for p in compare(kb, topic=topic, metric=metric)
    ]


def _scores(
    kb: KnowledgeBase, *, day: str, person: list[str] | None, topic: list[str] | None
) -> dict[str, Any]:
    import datetime as dt

    from .scores import scores

    return scores(kb, as_of=dt.date.fromisoformat(day), person=person, topic=topic).record()


_COMPUTE: dict[str, Callable[..., Any]] = {
    "related": _related,
    "trends": _trends,
    "check": _check,
    "compare": _compare,
    "scores": _scores,
}
"""How each command's result is computed (its keyword arguments: the resolved parameters)."""


# ---------------------------------------------------------------- the commands


def related(con: sqlite3.Connection, q: Any, day: dt.date, kb: KbFn | None = None) -> Answer | None:
    """``aitrends related ID``: the facts that bear on a fact, strongest first, each with its
    relevance and reasons, as of ``day`` (the relations are kept; the records are the index's)."""
    from .query import dated_record
    from .views import RELATED_COLUMNS

    fact = q.fact_id
    if con.execute("SELECT 1 FROM facts WHERE id = ?", (fact,)).fetchone() is None:
        return None  # not an exact id: the typer command suggests one
    found = _result(con, "related", {"fact": fact}, kb)
    if found is None:
        return None
    limit = q.limit
    if limit:
        found = found[:limit]
    records = []
    for other, score, reasons in found:
        row = con.execute(
            "SELECT f.kind, f.horizon_end, f.resolved, f.record, c.fast"
            " FROM facts f JOIN fact_text c ON c.fact = f.id WHERE f.id = ?",
            (other,),
        ).fetchone()
        if row["fast"]:
            rec = json.loads(
                dated_record(row["kind"], row["horizon_end"], row["resolved"], row["record"], day)
            )
        elif kb is not None:  # a record that changes with the day in a way only the models know
            from .records import fact_record

            k = kb()
            rec = fact_record(k, k.get(other), as_of=day)
        else:
            return None
        rec["relevance"] = score
        rec["reasons"] = reasons
        records.append(rec)
    return rendered(
        records, format_of(q), RELATED_COLUMNS, title=f"related to {fact}", empty="No related facts."
    )


def trends(con: sqlite3.Connection, q: Any, day: dt.date, kb: KbFn | None = None) -> Answer | None:
    """``aitrends trends``: stated and implied rates in one unit."""
    from .views import TREND_COLUMNS

    params = _ids(con, q, topic="topics", metric="metrics", person="entities")
    found = None if params is None else _result(con, "trends", {**params, "repeats": bool(q.repeats)}, kb)
    if found is None:
        return None
    return rendered(found, format_of(q), TREND_COLUMNS, empty="No rates match.")


def check(con: sqlite3.Connection, q: Any, day: dt.date, kb: KbFn | None = None) -> Answer | None:
    """``aitrends check``: what the articles compute, recomputed."""
    from .views import CHECK_COLUMNS

    found = _result(con, "check", {}, kb)
    if found is None:
        return None
    return rendered(found, format_of(q), CHECK_COLUMNS, empty="Nothing to check.")


def compare(con: sqlite3.Connection, q: Any, day: dt.date, kb: KbFn | None = None) -> Answer | None:
    """``aitrends compare``: sources and speakers side by side on a topic or metric."""
    from .views import COMPARE_COLUMNS

    if not q.topic and not q.metric:
        return None  # the typer command says what to give
    params = _ids(con, q, topic="topics", metric="metrics")
    found = None if params is None else _result(con, "compare", params, kb)
    if found is None:
        return None
    return rendered(found, format_of(q), COMPARE_COLUMNS, empty="Nothing to compare.")


def scores(con: sqlite3.Connection, q: Any, day: dt.date, kb: KbFn | None = None) -> Answer | None:
    """``aitrends scores``: every predictor's track record and the calibration of the scored
    forecasts, as of ``day``. JSON and YAML give the whole report; CSV and JSON lines one flat
    row per predictor; a table or markdown the predictors, then the calibration bins."""
    from .views import CALIBRATION_COLUMNS, SCORE_COLUMNS

    params = _ids(con, q, person="entities", topic="topics")
    report = None if params is None else _result(con, "scores", {**params, "day": day.isoformat()}, kb)
    if report is None:
        return None
    fmt = format_of(q)
    if fmt in ("json", "yaml"):
        from .render import to_json, to_yaml

        return Answer.text(to_json(report) if fmt == "json" else to_yaml(report))
    rows: list[dict[str, Any]] = report["predictors"]
    if fmt in ("csv", "jsonl"):  # one flat row per predictor (JSON has the forecasts)
        flat = [{k: v for k, v in r.items() if k != "forecasts"} for r in rows]
        return rendered(flat, fmt, SCORE_COLUMNS)
    title = f"Track records as of {day}"
    predictors = rendered(rows, fmt, SCORE_COLUMNS, title=title, empty="No forecasts match.")
    bins = [b for b in report["calibration"] if b["count"]]
    if not bins or predictors.empty is not None:
        return predictors
    calibration = rendered(bins, fmt, CALIBRATION_COLUMNS, title="Calibration of the scored forecasts")
    if fmt != "table":
        return Answer([*predictors.chunks, "\n", *calibration.chunks])
    first, second = predictors.table, calibration.table
    assert first is not None and second is not None
    return Answer(table=lambda **terminal: f"{first(**terminal).rstrip(chr(10))}\n\n{second(**terminal)}")
