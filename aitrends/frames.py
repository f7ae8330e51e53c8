"""Facts and reference data as flat, typed rows and as pandas DataFrames.

The rows are plain Python (dates as :class:`datetime.date`, numbers as floats, lists as
lists) so that the CSV and Parquet exports share them without pandas. pandas is an optional
extra (``pip install '.[pandas]'`` in a clone); :func:`to_pandas` raises
:class:`MissingDependencyError` when it is not installed.

>>> df = kb.to_pandas(kind="figure", topic="inference-cost")      # doctest: +SKIP
>>> df.groupby("quantity_unit")["quantity_value"].count()          # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from . import clock
from . import models as m
from .dates import PartialDate
from .errors import AitrendsError

if TYPE_CHECKING:
    from .kb import KnowledgeBase


class MissingDependencyError(AitrendsError):
    """An optional dependency (pandas, matplotlib, pyarrow) is not installed."""


def require(module: str, extra: str) -> Any:
    """Import ``module`` or raise :class:`MissingDependencyError` saying how to install it,
    for the way aitrends itself was installed (see :func:`install_hint`)."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingDependencyError(
            f"{module} is not installed; install it with: {install_hint(extra, module)}"
        ) from None


def install_hint(extra: str, package: str) -> str:
    """The pip command that adds the optional ``extra`` to this installation of aitrends.

    From a clone or a directory (pip's ``direct_url.json`` names it): ``pip install
    '/path/to/aitrends[plot]'`` (``-e`` if it was editable); from a git URL, that URL; from a
    package index, ``pip install 'aitrends[plot]'``; not installed at all (run from the source
    tree), the package itself: ``pip install matplotlib``.
    """
    import json
    from importlib import metadata
    from urllib.parse import unquote, urlparse

    try:
        dist = metadata.distribution("aitrends")
    except metadata.PackageNotFoundError:
        return f"pip install {package}"
    try:
        info = json.loads(dist.read_text("direct_url.json") or "{}")
    except ValueError:
        info = {}
    url = str(info.get("url", ""))
    if "vcs_info" in info:
        return f"pip install 'aitrends[{extra}] @ {info['vcs_info'].get('vcs', 'git')}+{url}'"
    if url.startswith("file://"):
        path = unquote(urlparse(url).path)
        if info.get("dir_info", {}).get("editable"):
            return f"pip install -e '{path}[{extra}]'"
        if "dir_info" in info:
            return f"pip install '{path}[{extra}]'"
        return f"pip install {package}"  # installed from a wheel or sdist file
    return f"pip install 'aitrends[{extra}]'"


# Column types: str, float, int, bool, date (datetime.date; datetime64 in pandas), list.
FACT_COLUMNS: dict[str, str] = {
    "id": "str",
    "kind": "str",
    "source": "str",
    "source_title": "str",
    "date": "date",
    "date_precision": "str",
    "date_from": "str",
    "speaker": "list",
    "speaker_names": "list",
    "attribution": "str",
    "cited": "list",
    "cited_names": "list",
    "about": "list",
    "topics": "list",
    "metric": "str",
    "statement": "str",
    "excerpt": "str",
    "excerpt_en": "str",
    "excerpt_en_original": "bool",
    "hedge": "str",
    "note": "str",
    "quantity_value": "float",
    "quantity_low": "float",
    "quantity_high": "float",
    "quantity_unit": "str",
    "quantity_per": "str",
    "quantity_bound": "str",
    "quantity_stated": "str",
    "quantity_as_of": "date",
    "quantity_as_of_precision": "str",
    "quantity_as_of_end": "date",
    "rate_direction": "str",
    "rate_factor": "float",
    "rate_factor_high": "float",
    "rate_period": "float",
    "rate_period_high": "float",
    "rate_period_unit": "str",
    "rate_bound": "str",
    "rate_stated": "str",
    "rate_annual_factor": "float",
    "rate_annual_factor_low": "float",
    "rate_annual_factor_high": "float",
    "rate_months_to_factor_two": "float",
    "rate_percent_per_year": "float",
    "horizon_type": "str",
    "horizon_stated": "str",
    "horizon_start": "date",
    "horizon_end": "date",
    "criteria": "str",
    "condition": "str",
    "probability_low": "float",
    "probability_high": "float",
    "status": "str",
    "days_to_due": "int",
    "resolution_outcome": "str",
    "resolution_date": "date",
}
"""Every column of the facts table, in order, with its type."""

REFERENCE_COLUMNS: dict[str, dict[str, str]] = {
    "sources": {
        "id": "str",
        "title": "str",
        "title_en": "str",
        "title_en_original": "bool",
        "kind": "str",
        "language": "list",
        "outlet": "str",
        "outlet_name": "str",
        "platform": "str",
        "authors": "list",
        "author_names": "list",
        "editors": "list",
        "published": "date",
        "published_precision": "str",
        "date_note": "str",
        "url": "str",
        "sha256": "str",
        "notes": "str",
        **{f"facts_{k.value}": "int" for k in m.FactKind},
        "facts_total": "int",
    },
    "people": {
        "id": "str",
        "name_en": "str",
        "name_zh_hans": "str",
        "name_zh_hant": "str",
        "aliases": "list",
        "roles": "list",
        "role_orgs": "list",
        "notes": "str",
        **{f"facts_{k.value}": "int" for k in m.FactKind},
        "facts_total": "int",
        "cited_in": "int",
    },
    "organizations": {
        "id": "str",
        "name_en": "str",
        "name_zh_hans": "str",
        "name_zh_hant": "str",
        "aliases": "list",
        "kind": "str",
        "country": "str",
        "parent": "str",
        "notes": "str",
        **{f"facts_{k.value}": "int" for k in m.FactKind},
        "facts_total": "int",
        "cited_in": "int",
    },
    "topics": {
        "id": "str",
        "label_en": "str",
        "label_zh": "str",
        "aliases": "list",
        "parent": "str",
        "children": "list",
        "description": "str",
        "facts_total": "int",
    },
    "metrics": {
        "id": "str",
        "label_en": "str",
        "label_zh": "str",
        "aliases": "list",
        "topics": "list",
        "parent": "str",
        "unit": "str",
        "description": "str",
        "facts_total": "int",
    },
}
"""Columns of each reference table, in order, with their types."""

LINK_COLUMNS: dict[str, dict[str, str]] = {
    "fact_topics": {"fact": "str", "topic": "str", "position": "int"},
    "fact_speakers": {"fact": "str", "speaker": "str", "position": "int", "name": "str"},
    "fact_cited": {
        "fact": "str",
        "by": "str",
        "position": "int",
        "name": "str",
        "work": "str",
        "date": "date",
        "url": "str",
    },
    "fact_about": {"fact": "str", "entity": "str", "position": "int", "name": "str"},
    "fact_links": {"fact": "str", "rel": "str", "target": "str", "note": "str"},
}
"""Columns of the tables linking facts to topics, speakers, cited origins, subjects and facts."""


def _start(d: PartialDate | None) -> dt.date | None:
    return d.start if d is not None else None


def fact_row(kb: KnowledgeBase, fact: m.FactBase, *, as_of: dt.date | None = None) -> dict[str, Any]:
    """One flat row of :data:`FACT_COLUMNS` for ``fact``.

    Dates are the first day of the period they name (``date_precision`` and the like say how
    precise they are), except ``quantity_as_of_end`` and ``horizon_end``, which are the last.
    Forecast status is judged on ``as_of`` (default today).
    """
    from .records import fact_record

    return record_row(fact_record(kb, fact, as_of=as_of or clock.today()))


def _partial(text: Any) -> PartialDate | None:
    return PartialDate.parse(text) if text is not None else None


def record_row(rec: dict[str, Any]) -> dict[str, Any]:
    """One flat row of :data:`FACT_COLUMNS` from a fact's complete record
    (:func:`aitrends.records.fact_record`, as the index stores it): the one way a row is made,
    for the knowledge base and for the exports from the index."""
    from .quantity import percent_per_year, rate_bounds, time_to_factor_two

    row: dict[str, Any] = dict.fromkeys(FACT_COLUMNS)
    said = _partial(rec["date"])
    row.update(
        id=rec["id"],
        kind=rec["kind"],
        source=rec["source"],
        source_title=rec["source_title"],
        date=_start(said),
        date_precision=rec["date_precision"],
        date_from=rec["date_from"],
        speaker=list(rec["speaker"]),
        speaker_names=list(rec["speaker_names"]),
        attribution=rec["attribution"],
        cited=[c["by"] for c in rec["cited"]],
        cited_names=list(rec["cited_names"]),
        about=list(rec["about"]),
        topics=list(rec["topics"]),
        metric=rec["metric"],
        statement=rec["statement"],
        excerpt=rec["excerpt"],
        excerpt_en=rec["excerpt_en"],
        excerpt_en_original=rec["excerpt_en_original"],
        hedge=rec["hedge"],
        note=rec["note"],
    )
    if (q := rec.get("quantity")) is not None:
        as_of = _partial(q["as_of"])
        as_of_end = _partial(q["as_of_end"])
        row.update(
            quantity_value=q["value"],
            quantity_low=q["low"],
            quantity_high=q["high"],
            quantity_unit=q["unit"],
            quantity_per=q["per"],
            quantity_bound=q["bound"],
            quantity_stated=q["stated"],
            quantity_as_of=_start(as_of),
            quantity_as_of_precision=as_of.precision.value if as_of else None,
            quantity_as_of_end=as_of_end.end if as_of_end else None,
        )
    if (r := rec.get("rate")) is not None:
        rate = m.Rate.model_validate(r)
        slow, central, fast = rate_bounds(rate)
        row.update(
            rate_direction=r["direction"],
            rate_factor=r["factor"],
            rate_factor_high=r["factor_high"],
            rate_period=r["period"],
            rate_period_high=r["period_high"],
            rate_period_unit=r["period_unit"],
            rate_bound=r["bound"],
            rate_stated=r["stated"],
            rate_annual_factor=central,
            rate_annual_factor_low=slow,
            rate_annual_factor_high=fast,
            rate_months_to_factor_two=time_to_factor_two(central),
            rate_percent_per_year=percent_per_year(central, rate.direction),
        )
    if rec["kind"] == m.FactKind.forecast.value:
        res = rec["resolution"]
        probability = rec["probability"]
        row.update(
            horizon_type=rec["horizon"]["type"],
            horizon_stated=rec["horizon"]["stated"],
            horizon_start=dt.date.fromisoformat(rec["horizon_start"]) if rec["horizon_start"] else None,
            horizon_end=dt.date.fromisoformat(rec["horizon_end"]) if rec["horizon_end"] else None,
            criteria=rec["criteria"],
            condition=rec["condition"],
            probability_low=probability["low"] if probability else None,
            probability_high=probability["high"] if probability else None,
            status=rec["status"],
            days_to_due=rec["days_to_due"],
            resolution_outcome=res["outcome"] if res else None,
            resolution_date=_start(_partial(res["date"])) if res else None,
        )
    return row


def fact_rows(
    kb: KnowledgeBase, facts: list[m.FactBase] | None = None, *, as_of: dt.date | None = None
) -> list[dict[str, Any]]:
    """Rows of :data:`FACT_COLUMNS` for ``facts`` (default: every fact, by id)."""
    day = as_of or clock.today()
    return [fact_row(kb, f, as_of=day) for f in (kb.all_facts if facts is None else facts)]


def reference_rows(kb: KnowledgeBase, table: str) -> list[dict[str, Any]]:
    """Rows of :data:`REFERENCE_COLUMNS` ``[table]`` (sources, people, organizations, topics,
    metrics), by id, with display names and fact counts: the records of ``aitrends sources``
    (``people``...), :func:`aitrends.reference.records`, counted in the knowledge base's index."""
    from .reference import knowledge_base_index, records  # the one implementation (see FACADE)

    if table not in REFERENCE_COLUMNS:
        raise AitrendsError(f"unknown table '{table}'; expected one of {', '.join(REFERENCE_COLUMNS)}")
    return [reference_row(table, rec) for rec in records(knowledge_base_index(kb), table)]


def reference_row(table: str, record: dict[str, Any]) -> dict[str, Any]:
    """One row of :data:`REFERENCE_COLUMNS` ``[table]`` from a reference record with its
    display names and fact counts (:func:`aitrends.reference.records`)."""
    rec = dict(record)
    for kind, n in rec.pop("facts", {}).items():
        rec[f"facts_{kind}"] = n
    if table == "sources":
        published = _partial(rec.get("published"))
        rec["published"] = _start(published)
        rec["published_precision"] = published.precision.value if published else None
    if table == "people":
        roles = rec.pop("roles")
        rec["roles"] = [r["title"] for r in roles]
        rec["role_orgs"] = [r.get("org") for r in roles]
    return {c: rec.get(c) for c in REFERENCE_COLUMNS[table]}


def link_rows(kb: KnowledgeBase, facts: list[m.FactBase] | None = None) -> dict[str, list[dict[str, Any]]]:
    """Rows of each table of :data:`LINK_COLUMNS` for ``facts`` (default: every fact)."""
    from .records import fact_record

    out: dict[str, list[dict[str, Any]]] = {name: [] for name in LINK_COLUMNS}
    for f in kb.all_facts if facts is None else facts:
        for name, rows in record_links(fact_record(kb, f)).items():
            out[name] += rows
    return out


def record_links(rec: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Rows of each table of :data:`LINK_COLUMNS` for one fact's complete record."""
    fact = rec["id"]
    return {
        "fact_topics": [{"fact": fact, "topic": t, "position": i} for i, t in enumerate(rec["topics"])],
        "fact_speakers": [
            {"fact": fact, "speaker": s, "position": i, "name": name}
            for i, (s, name) in enumerate(zip(rec["speaker"], rec["speaker_names"], strict=True))
        ],
        "fact_cited": [
            {
                "fact": fact,
                "by": c["by"],
                "position": i,
                "name": name,
                "work": c["work"],
                "date": _start(_partial(c["date"])),
                "url": c["url"],
            }
            for i, (c, name) in enumerate(zip(rec["cited"], rec["cited_names"], strict=True))
        ],
        "fact_about": [
            {"fact": fact, "entity": a, "position": i, "name": name}
            for i, (a, name) in enumerate(zip(rec["about"], rec["about_names"], strict=True))
        ],
        "fact_links": [
            {"fact": fact, "rel": x["rel"], "target": x["fact"], "note": x["note"]} for x in rec["links"]
        ],
    }


# --------------------------------------------------------------------------- pandas


def _frame(rows: list[dict[str, Any]], columns: dict[str, str]) -> Any:
    """A DataFrame with exactly ``columns``, typed, even when ``rows`` is empty."""
    pd = require("pandas", "pandas")
    data: dict[str, Any] = {}
    for name, kind in columns.items():
        values = [r[name] for r in rows]
        if kind == "date":
            data[name] = pd.Series(pd.to_datetime(values), dtype="datetime64[ns]")
        elif kind == "float":
            data[name] = pd.Series([float("nan") if v is None else v for v in values], dtype="float64")
        elif kind == "int":
            data[name] = pd.Series(values, dtype="Int64")
        elif kind == "bool":
            data[name] = pd.Series(values, dtype="bool")
        elif kind == "list":
            data[name] = pd.Series(values, dtype="object")
        else:
            data[name] = pd.Series(values, dtype="string")
    return pd.DataFrame(data, columns=list(columns))


def to_pandas(
    kb: KnowledgeBase,
    kind: str | m.FactKind | Sequence[str | m.FactKind] | None = None,
    *,
    as_of: dt.date | str | None = None,
    **filters: Any,
) -> Any:
    """Facts as a :class:`pandas.DataFrame`: one row per fact, the columns of :data:`FACT_COLUMNS`.

    ``kind`` and ``filters`` are those of :meth:`KnowledgeBase.facts` (topic, person, source,
    metric, since, until, text, limit); rows come in its order (by date, then id). Dates are
    ``datetime64`` (the first day of the period; see the ``*_precision`` columns), quantities
    floats with ``quantity_unit``/``quantity_bound`` beside them, rates normalised
    (``rate_annual_factor``, ``rate_months_to_factor_two``, ``rate_percent_per_year``),
    topics and speakers lists; forecasts have their deadline and status on ``as_of`` (today).
    """
    from .forecasts import _as_date

    require("pandas", "pandas")
    facts = kb.facts(kind=kind, **filters)
    return _frame(fact_rows(kb, facts, as_of=_as_date(as_of)), FACT_COLUMNS)


def frames(kb: KnowledgeBase) -> dict[str, Any]:
    """DataFrames of the reference data: ``sources``, ``people``, ``organizations``,
    ``topics`` and ``metrics``, each indexed 0..n-1 and sorted by id."""
    require("pandas", "pandas")
    return {name: _frame(reference_rows(kb, name), cols) for name, cols in REFERENCE_COLUMNS.items()}


def trends_frame(kb: KnowledgeBase, **filters: Any) -> Any:
    """The rates of :meth:`KnowledgeBase.trends` (stated and implied) as a DataFrame."""
    pd = require("pandas", "pandas")
    rows = [t.record(kb) for t in kb.trends(**filters)]
    columns = [
        "origin",
        "metric",
        "metric_label",
        "direction",
        "annual_factor",
        "annual_factor_low",
        "annual_factor_high",
        "months_to_factor_two",
        "percent_per_year",
        "bound",
        "stated",
        "speaker_names",
        "facts",
        "sources",
        "date",
    ]
    return pd.DataFrame([{c: r[c] for c in columns} for r in rows], columns=columns)
