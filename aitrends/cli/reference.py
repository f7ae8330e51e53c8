"""Listings of reference data: sources, people, organizations, topics, metrics."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..render import Column, Format
from ._app import (
    FormatOpt,
    JsonOpt,
    _join,
    _kb,
    _output,
    app,
    cli_errors,
)

if TYPE_CHECKING:
    pass


def _count(kind: str) -> Callable[[dict[str, Any]], Any]:
    return lambda r: r["facts"][kind]


_COUNT_HEADERS = (("clm", "claim"), ("fcst", "forecast"), ("qt", "quote"), ("fig", "figure"))
SOURCE_COLUMNS = [
    Column("id", lambda r: r["id"], no_wrap=True),
    Column("title", lambda r: r["title"], ratio=3),
    Column("outlet", lambda r: r["outlet_name"], ratio=1),
    Column("date", lambda r: r["published"] or "?", no_wrap=True),
    Column("lang", lambda r: _join(r["language"])),
    # counts under short headers, so that ids and titles keep the room (the JSON and CSV
    # fields are claim, forecast, quote, figure and facts_total)
    *(Column(h, _count(k), no_wrap=True) for h, k in _COUNT_HEADERS),
    Column("all", lambda r: r["facts_total"], no_wrap=True),
]
ENTITY_COLUMNS = [
    Column("id", lambda r: r["id"], no_wrap=True),
    Column("name", lambda r: r["name_en"], ratio=2),
    Column("中文", lambda r: r.get("name_zh_hans") or r.get("name_zh_hant") or "", ratio=1),
    Column(
        "roles",
        lambda r: "; ".join(
            x["title"] + (f" ({x['org']})" if x.get("org") else "") for x in r.get("roles", [])
        ),
        ratio=3,
    ),
    Column("said", lambda r: r["facts_total"], no_wrap=True),
    Column("cited", lambda r: r["cited_in"], no_wrap=True),
]
ORG_COLUMNS = [
    Column("id", lambda r: r["id"], no_wrap=True),
    Column("name", lambda r: r["name_en"], ratio=2),
    Column("中文", lambda r: r.get("name_zh_hans") or r.get("name_zh_hant") or "", ratio=1),
    Column("kind", lambda r: r["kind"], no_wrap=True),
    Column("said", lambda r: r["facts_total"], no_wrap=True),
    Column("cited", lambda r: r["cited_in"], no_wrap=True),
]
TOPIC_COLUMNS = [
    Column("id", lambda r: r["id"], no_wrap=True),
    Column("label", lambda r: r["label_en"], ratio=2),
    Column("中文", lambda r: r["label_zh"], ratio=1),
    Column("parent", lambda r: r["parent"] or "", no_wrap=True),
    Column("facts", lambda r: r["facts_total"], no_wrap=True),
]
METRIC_COLUMNS = [
    Column("id", lambda r: r["id"], no_wrap=True),
    Column("label", lambda r: r["label_en"], ratio=3),
    Column("unit", lambda r: r["unit"] or "", no_wrap=True),
    Column("facts", lambda r: r["facts_total"], no_wrap=True),
]


# ---------------------------------------------------------------- app


@app.command()
@cli_errors
def sources(fmt: FormatOpt = Format.table, json_: JsonOpt = False) -> None:
    """List the sources with their facts counted by kind.

    Example: aitrends sources
    """
    from ..records import source_record

    kb = _kb()
    _output([source_record(kb, s) for s in kb.sources], fmt, json_, SOURCE_COLUMNS)


@app.command()
@cli_errors
def people(fmt: FormatOpt = Format.table, json_: JsonOpt = False) -> None:
    """List the people with their roles and how many facts they said or are cited in.

    Example: aitrends people --format csv
    """
    from ..records import entity_record

    kb = _kb()
    _output([entity_record(kb, p) for p in kb.people], fmt, json_, ENTITY_COLUMNS)


@app.command()
@cli_errors
def organizations(fmt: FormatOpt = Format.table, json_: JsonOpt = False) -> None:
    """List the organizations with how many facts they said or are cited in.

    Example: aitrends organizations
    """
    from ..records import entity_record

    kb = _kb()
    _output([entity_record(kb, o) for o in kb.organizations], fmt, json_, ORG_COLUMNS)


@app.command()
@cli_errors
def topics(fmt: FormatOpt = Format.table, json_: JsonOpt = False) -> None:
    """List the topic taxonomy with fact counts (a parent counts its children's facts).

    Example: aitrends topics
    """
    from ..records import topic_record

    kb = _kb()
    _output([topic_record(kb, t) for t in kb.topics], fmt, json_, TOPIC_COLUMNS)


@app.command()
@cli_errors
def metrics(fmt: FormatOpt = Format.table, json_: JsonOpt = False) -> None:
    """List the metrics that figures and rates measure.

    Example: aitrends metrics
    """
    from ..records import metric_record

    kb = _kb()
    _output([metric_record(kb, x) for x in kb.metrics], fmt, json_, METRIC_COLUMNS)
