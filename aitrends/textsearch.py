"""Full-text search answered from the compiled index, without loading the knowledge base.

The index (:mod:`aitrends.index`) keeps the postings of every fact, made by
:func:`aitrends.search.document_postings` from the same fields the in-memory index reads
(``postings``: token, fact, field, count and the field's length), the length of each field of
each fact (``fact_lengths``, their totals in ``meta``) and the English tokens of the text
fields (``vocabulary``, where typos are looked up). :class:`IndexPostings` reads them for
:func:`aitrends.search.rank`, the one ranking of search, so that ``kb.search(q)`` and
``aitrends search q`` give the same facts in the same order.

:func:`records` reads the records of the ranked facts from ``facts``; ``aitrends search``
itself is :func:`aitrends.claims.search`. Like the fast path, this module imports neither
pydantic, PyYAML, typer nor rich.
"""

from __future__ import annotations

import json
import sqlite3

from .search import Hit, lang_fields, rank

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
