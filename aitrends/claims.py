"""``aitrends claims``, ``quote`` and ``search``, answered from the compiled index.

One implementation for the fast path (:mod:`aitrends.fastpath`, before typer is imported)
and the typer commands (which resolve uncertain names first, with the knowledge base's notices
and suggestions): each function takes an open index, the command's parameters (attributes
named as the typer parameters) and the day, and returns an :class:`~aitrends.output.Answer`,
or None when a name is not certain (nothing is written then).

Selection is :func:`aitrends.query.select`, ranking :func:`aitrends.search.rank`, tables the
cells the index stored with the columns of :mod:`aitrends.views`, JSON the stored records with
the daily fields of forecasts recomputed for the day. Standard library only: the hot path.
"""

from __future__ import annotations

import json

from . import cache
from .output import Answer, format_of, json_array, json_item, rendered
from .query import FACT_KINDS, Selection, daily_fields, dated_record, interval, pick, select

TYPE_CHECKING = False
if TYPE_CHECKING:
    import datetime as dt
    import sqlite3
    from collections.abc import Iterator, Sequence
    from typing import Any

NO_FACTS = "No facts match."

_SELECT = {
    "table": ("f.kind, f.fast, f.claims, f.quote", "fact_cells f"),
}
"""What a format reads: a table only ``fact_cells``, which has the columns of ``facts`` that
the filters and the order use, under the same names; any other format the narrow columns of
:data:`_ROWS`, then each fact's text as it is written (:func:`_texts`), so that a long answer
streams."""
_ROWS = ("f.id, f.kind, f.horizon_end, f.resolved, c.fast", "facts f JOIN fact_text c ON c.fact = f.id")


class _Params:
    """The parameters of a command, None for those it does not have."""

    def __init__(self, q: Any) -> None:
        self._q = q

    def __getattr__(self, name: str) -> Any:
        return getattr(self._q, name, None)


class _Uncertain(Exception):
    """A name or value that only the knowledge base can explain."""


def _list(value: Any) -> list[str]:
    return [] if value is None else [value] if isinstance(value, str) else list(value)


def _resolve(con: sqlite3.Connection, namespace: str, texts: Any) -> list[str]:
    found = cache.resolve_all(con, namespace, texts)
    if found is None:
        raise _Uncertain
    return found


def _interval(text: str | None) -> tuple[str, str] | None:
    if text is None:
        return None
    found = interval(text)
    if found is None:
        raise _Uncertain  # the CLI reports the bad date
    return found


def selection(con: sqlite3.Connection, q: Any, *, text_ids: bool = True) -> Selection:
    """The :class:`~aitrends.query.Selection` of ``q``'s filters (``topic``, ``person``,
    ``source``, ``kind``, ``metric``, ``since``, ``until``, ``text``, ``limit``; those it lacks
    are not filtered on). Raises :class:`_Uncertain` for a name that is not certain."""
    q = _Params(q)
    topics: set[str] = set()
    for tid in _resolve(con, "topics", q.topic):
        topics |= cache.topic_and_descendants(con, tid)
    kinds = [pick(k, FACT_KINDS) for k in _list(q.kind)]
    if None in kinds:
        raise _Uncertain
    lo, hi = _interval(q.since), _interval(q.until)
    if lo is not None and hi is not None and lo[0] > hi[1]:
        raise _Uncertain  # the CLI reports the empty range
    words = " ".join(_list(q.text))
    ids = None
    if text_ids and words.strip():
        from .textsearch import search

        ids = {h.id for h in search(con, words)}
    return Selection(
        kinds=[k for k in kinds if k is not None],
        topics=topics,
        people=_resolve(con, "entities", q.person),
        sources=_resolve(con, "sources", q.source),
        metrics=_resolve(con, "metrics", q.metric),
        since=lo,
        until=hi,
        ids=ids,
        limit=int(q.limit or 0),
    )


def claims(con: sqlite3.Connection, q: Any, day: dt.date) -> Answer | None:
    """``aitrends claims``: the facts of the filters, in order."""
    try:
        sel = selection(con, q)
    except _Uncertain:
        return None
    return _facts(con, q, sel, day, "claims", None, NO_FACTS)


def quote(con: sqlite3.Connection, q: Any, day: dt.date) -> Answer | None:
    """``aitrends quote``: everything one person or organization said."""
    try:
        sel = selection(con, q)
    except _Uncertain:
        return None
    (who,) = sel.people
    title = con.execute("SELECT name_en FROM entities WHERE id = ?", (who,)).fetchone()[0]
    return _facts(con, q, sel, day, "quote", title, f"No facts with speaker '{who}'.")


def _facts(
    con: sqlite3.Connection, q: Any, sel: Selection, day: dt.date, view: str, title: str | None, empty: str
) -> Answer | None:
    fmt = format_of(q)
    rows = select(con, sel, *_SELECT.get(fmt, _ROWS))
    if not all(r["fast"] for r in rows):
        return None  # a record that changes with the day in a way not recomputed here
    if fmt == "table":
        if not rows:
            return Answer(empty=empty)
        return Answer(table=lambda **terminal: _table(con, view, rows, title, terminal))
    if fmt == "json":
        return Answer(json_array(_texts(con, "json", rows, day)))
    if fmt == "jsonl":
        return Answer(_texts(con, "jsonl", rows, day))
    from .views import TABLE_VIEWS

    records = [json.loads(text) for text in _texts(con, "record", rows, day)]
    return rendered(records, fmt, TABLE_VIEWS[view], title=title)


_BATCH = 200
"""How many facts' texts :func:`_texts` reads in one query."""


def _texts(con: sqlite3.Connection, form: str, rows: Sequence[Any], day: dt.date) -> Iterator[str]:
    """Each fact's JSON, read as it is written, with a forecast's fields of the day filled in:
    an item of a list (``json``), a line (``jsonl``) or the record (``record``)."""
    sql = (
        "SELECT fact, pretty FROM fact_text WHERE fact IN ({})"
        if form == "json"
        else "SELECT id, record FROM facts WHERE id IN ({})"
    )
    texts: dict[str, str] = {}
    for i, row in enumerate(rows):
        if i % _BATCH == 0:  # the texts of the next facts in one query (as few in memory)
            ids = [r["id"] for r in rows[i : i + _BATCH]]
            texts = dict(con.execute(sql.format(",".join("?" * len(ids))), ids).fetchall())
        text = texts[row["id"]]
        if form != "json":
            text = dated_record(row["kind"], row["horizon_end"], row["resolved"], text, day)
            yield text + "\n" if form == "jsonl" else text
            continue
        if row["kind"] == "forecast":
            text = cache.filled(text, daily_fields(row["horizon_end"], row["resolved"], day))
        yield text


def _table(
    con: sqlite3.Connection, view: str, rows: Sequence[Any], title: str | None, terminal: dict[str, Any]
) -> str:
    """The table from the cells the index stored with the view's columns, drawn by
    :func:`aitrends.tables.draw`."""
    from .tables import draw, safe_text

    specs = json.loads(
        con.execute("SELECT value FROM meta WHERE key = ?", (f"columns.{view}",)).fetchone()[0]
    )
    cells = [r[view].split(cache.CELL_SEPARATOR) for r in rows]  # made safe (index._cells)
    return draw(
        [header for header, _, _ in specs],
        cells,
        ratios=[ratio for _, ratio, _ in specs],
        no_wrap=[no_wrap for _, _, no_wrap in specs],
        title=safe_text(title) if title is not None else None,
        **terminal,
    )


def search(con: sqlite3.Connection, q: Any, day: dt.date) -> Answer | None:
    """``aitrends search``: the best facts for ``q.words``, from the index's postings."""
    from .search import lang_fields, query_terms, rank, with_fallback
    from .textsearch import IndexPostings, records
    from .views import NO_MATCH, SEARCH_COLUMNS, partial_notice, search_table

    text = " ".join(q.words)
    fields = lang_fields(getattr(q, "lang", None))  # a bad --lang is a usage error, whoever answers
    try:
        sel = selection(con, q, text_ids=False)
    except _Uncertain:
        return None
    allowed = None  # no filter: every fact (not 100,000 ids read for nothing)
    if sel.kinds or sel.topics or sel.people:
        only = Selection(kinds=sel.kinds, topics=sel.topics, people=sel.people)
        allowed = {r[0] for r in select(con, only, "f.id")}
    hits = rank(IndexPostings(con), text, fields=fields, require_all=False)
    chosen, partial = with_fallback(hits, len(query_terms(text)), allowed)
    found = records(con, chosen[: sel.limit] if sel.limit else chosen, day)
    if found is None:
        return None
    notices = [partial_notice(text)] if partial else []
    fmt = format_of(q)
    if fmt == "table":
        if not found:
            return Answer(notices=notices, empty=NO_MATCH)
        return Answer(table=lambda **terminal: search_table(found, text, **terminal), notices=notices)
    if fmt == "json":
        return Answer(json_array(json_item(r) for r in found), notices=notices)
    if fmt == "jsonl":
        return Answer((json.dumps(r, ensure_ascii=False) + "\n" for r in found), notices=notices)
    return rendered(found, fmt, SEARCH_COLUMNS, notices=notices)
