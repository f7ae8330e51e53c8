"""Full-text search answered from the compiled index, without loading the knowledge base.

The index (:mod:`aitrends.index`) keeps the postings of every fact, made by
:func:`aitrends.search.document_postings` from the same fields the in-memory index reads
(``postings``: token, fact, field, count and the field's length), the length of each field of
each fact (``fact_lengths``, their totals in ``meta``) and the English tokens of the text
fields (``vocabulary``, where typos are looked up). :class:`IndexPostings` reads them for
:func:`aitrends.search.rank`, the one ranking of search, so that ``kb.search(q)`` and
``aitrends search q`` give the same facts in the same order.

:func:`answer` is ``aitrends search`` from the index: the ranked facts, filtered by kind, topic
and speaker in SQL, with their records read from ``facts``. Like the fast path, it imports
neither pydantic, PyYAML, typer nor rich, and returns None whenever the knowledge base must
answer instead (no fresh index, a name that is not certain, a record that changes with the day).
"""

from __future__ import annotations

import json
import sqlite3

from . import cache
from .search import Hit, lang_fields, query_terms, rank, with_fallback

TYPE_CHECKING = False
if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Sequence
    from typing import Any


class IndexPostings:
    """The postings of the compiled index, as :func:`aitrends.search.rank` reads them."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self.cur = con.cursor()
        self.cur.row_factory = None

    def stats(self) -> tuple[int, dict[str, int]]:
        row = self.cur.execute("SELECT value FROM meta WHERE key = 'search'").fetchone()
        n, totals = json.loads(row[0])
        return n, totals

    def lookup(self, token: str) -> dict[str, dict[str, tuple[int, int]]]:
        out: dict[str, dict[str, tuple[int, int]]] = {}
        rows = self.cur.execute(
            "SELECT fact, field, count, length FROM postings WHERE token = ? ORDER BY fact, field", (token,)
        )
        for fact, name, count, length in rows:
            if fact in out:
                out[fact][name] = (count, length)
            else:
                out[fact] = {name: (count, length)}
        return out

    def vocabulary(self, shortest: int, longest: int) -> list[str]:
        rows = self.cur.execute(
            "SELECT token FROM vocabulary WHERE length BETWEEN ? AND ? ORDER BY token", (shortest, longest)
        )
        return [r[0] for r in rows]


def search(
    con: sqlite3.Connection, query: str, *, lang: str | None = None, require_all: bool = True
) -> list[Hit]:
    """Facts matching ``query``, best first, from the index (as :meth:`KnowledgeBase.search`)."""
    return rank(IndexPostings(con), query, fields=lang_fields(lang), require_all=require_all)


class _Uncertain(Exception):
    """A name that is not certain or a kind unknown: the knowledge base answers (or reports it)."""


def _allowed(
    con: sqlite3.Connection, kinds: Sequence[str], topics: Sequence[str], people: Sequence[str]
) -> set[str] | None:
    """The ids of the facts of these kinds, topics (with their descendants) and speakers,
    selected by :func:`aitrends.query.select` as :meth:`KnowledgeBase.facts` selects them;
    None without filters."""
    from .query import FACT_KINDS, Selection, select

    if not (kinds or topics or people):
        return None
    if any(k not in FACT_KINDS for k in kinds):
        raise _Uncertain
    found: set[str] = set()
    for text in topics:
        tid = cache.resolve(con, "topics", text)
        if tid is None:
            raise _Uncertain
        found |= cache.topic_and_descendants(con, tid)
    who = []
    for text in people:
        entity = cache.resolve(con, "entities", text)
        if entity is None:
            raise _Uncertain
        who.append(entity)
    return {r[0] for r in select(con, Selection(kinds=kinds, topics=found, people=who), "f.id")}


def records(con: sqlite3.Connection, hits: Sequence[Hit], day: dt.date) -> list[dict[str, Any]] | None:
    """The records of ``hits`` (as :func:`aitrends.records.fact_record` makes them on ``day``)
    with their ``score``, ``matched`` and ``matched_fields``; None when one of them changes with
    the day in a way the index cannot recompute."""
    from .query import daily_fields

    if not hits:
        return []
    marks = ",".join("?" * len(hits))
    rows = {
        r["id"]: r
        for r in con.execute(
            "SELECT f.id, f.kind, f.horizon_end, f.resolved, f.record, t.fast "
            f"FROM facts f JOIN fact_text t ON t.fact = f.id WHERE f.id IN ({marks})",
            [h.id for h in hits],
        )
    }
    out = []
    for h in hits:
        row = rows[h.id]
        if not row["fast"]:
            return None
        rec: dict[str, Any] = json.loads(row["record"])
        if row["kind"] == "forecast":
            rec.update(daily_fields(row["horizon_end"], row["resolved"], day))
        rec["score"], rec["matched"], rec["matched_fields"] = h.score, h.matched, h.fields
        out.append(rec)
    return out


def answer(
    dirs: Sequence[str],
    query: str,
    *,
    lang: str | None,
    kinds: Sequence[str],
    topics: Sequence[str],
    people: Sequence[str],
    limit: int | None,
    day: dt.date,
) -> tuple[list[dict[str, Any]], bool] | None:
    """``aitrends search`` from the index of ``dirs``: the records of the best ``limit`` facts
    and whether they match only some of the words; None when the knowledge base must answer."""
    from .config import debug_enabled, limits_set

    fields = lang_fields(lang)  # a bad --lang is reported whatever answers
    if limits_set():
        return None  # the index is checked with the default limits
    con = cache.open_fresh(dirs)
    if con is None:
        return None
    try:
        allowed = _allowed(con, kinds, topics, people)
        hits = rank(IndexPostings(con), query, fields=fields, require_all=False)
        chosen, partial = with_fallback(hits, len(query_terms(query)), allowed)
        found = records(con, chosen[:limit] if limit else chosen, day)
        return None if found is None else (found, partial)
    except _Uncertain:
        return None
    except sqlite3.Error:
        if debug_enabled():
            raise
        return None
    finally:
        con.close()
