"""The table views of facts: the columns of ``claims`` and ``quote`` tables.

They live here, below both the CLI and the index, because the compiled index stores each
fact's cells of these tables (so that the fast path draws a table without building records):
editing a column here changes the code fingerprint and so rebuilds the index, as it must.
"""

from __future__ import annotations

from .render import Column


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

TABLE_VIEWS = {"claims": FACT_COLUMNS, "quote": QUOTE_COLUMNS}
"""The tables whose cells the index stores, by the command that draws them."""
