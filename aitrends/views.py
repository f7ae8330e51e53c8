"""The table views of facts: the columns of ``claims``, ``quote`` and ``forecasts`` tables.

They live here, below both the CLI and the index, because the compiled index stores each
fact's cells of these tables (so that the fast path draws a table without building records):
editing a column here changes the code fingerprint and so rebuilds the index, as it must.
"""

from __future__ import annotations

from typing import Any

from .render import NO_TIME_STATED, Column, safe_text


def _join(values: list[str] | None) -> str:
    return ", ".join(values or [])


FACT_COLUMNS = [
    Column("id", lambda r: r["id"], ratio=2),
    Column("kind", lambda r: r["kind"], no_wrap=True),
    Column("speaker", lambda r: _join(r["speaker_names"]), ratio=1),
    Column("date", lambda r: r["date"] or "undated", no_wrap=True),
    Column("statement", lambda r: r["statement"], ratio=5),
]
QUOTE_COLUMNS = [
    Column("date", lambda r: r["date"] or "undated", no_wrap=True),
    Column("said (verbatim)", lambda r: r["excerpt"], ratio=4),
    Column(
        "English",
        lambda r: r["excerpt_en"] + ("" if r["excerpt_en_original"] else " [our translation]"),
        ratio=4,
    ),
    Column("source", lambda r: r["source_title"], ratio=2),
]

FORECAST_COLUMNS = [
    Column("id", lambda r: r["id"], ratio=2),
    Column("predicts", lambda r: _join(r["cited_names"] or r["speaker_names"]), ratio=1),
    Column("said", lambda r: r["date"] or "undated", no_wrap=True),
    Column(
        "horizon",
        lambda r: (
            f"{r['horizon']['stated'] or NO_TIME_STATED} → "
            + ("relative" if r["horizon_relative"] else (r["horizon_end"] or "open-ended"))
        ),
        ratio=1,
    ),
    Column("status", lambda r: r["status"], no_wrap=True),
    Column("when", lambda r: r["due"]),
    Column("statement", lambda r: r["statement"], ratio=4),
]
"""The columns of the ``forecasts`` ledger (``due``: :func:`aitrends.query.describe_due`)."""

TABLE_VIEWS = {"claims": FACT_COLUMNS, "quote": QUOTE_COLUMNS}
"""The tables whose cells the index stores, by the command that draws them."""

SEARCH_COLUMNS = [
    Column("id", lambda r: r["id"]),
    Column("score", lambda r: r["score"]),
    Column("statement", lambda r: r["statement"]),
]
"""The columns of ``search`` in formats other than its table (JSON has the complete records)."""
NO_MATCH = "No facts match."


def partial_notice(query: str) -> str:
    """What ``search`` says when no fact matches every word and some match a few."""
    return f"No fact matches every word of '{query}'; showing facts that match some of them."


def search_table(records: list[dict[str, Any]], query: str, **terminal: Any) -> str:
    """The ``search`` table: id, score, and the statement and excerpt around the matched words."""
    from .tables import draw

    rows = [
        [
            r["id"],
            f"{r['score']:.1f}",
            _highlighted(r["statement"], r["matched"]) + "\n" + _highlighted(r["excerpt"], r["matched"]),
        ]
        for r in records
    ]
    return draw(
        ["id", "score", "match"],
        rows,
        ratios=[2, None, 6],
        no_wrap=[False, True, False],
        title=f"search: {safe_text(query)}",
        **terminal,
    )


def _highlighted(text: str, terms: list[str], width: int = 160) -> str:
    """A snippet of ``text`` around ``terms``, the matches marked for the table to highlight."""
    from .search import snippet
    from .tables import MARK_OFF, MARK_ON

    shown, spans = snippet(safe_text(text), terms, width)
    out, at = [], 0
    for a, b in sorted(spans):
        if a < at:
            continue
        out += [shown[at:a], MARK_ON, shown[a:b], MARK_OFF]
        at = b
    out.append(shown[at:])
    return "".join(out)
