"""The table views: the columns of ``claims``, ``quote``, ``search`` and ``forecasts`` tables,
and of the analyses (``related``, ``trends``, ``check``, ``compare``, ``scores``).

They live here, below both the CLI and the index, because the answers of the read commands
(which the fast path and the CLI share) draw them, and the compiled index stores each fact's
cells of the ``claims`` and ``quote`` tables (so that the fast path draws a table without
building records): editing a column here changes the code fingerprint and so rebuilds the
index, as it must.
"""

from __future__ import annotations

from typing import Any

from .render import NO_TIME_STATED, Column, safe_text
from .tables import counted


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


# ---------------------------------------------------------------- the analyses (aitrends.analyses)

RELATED_COLUMNS = [
    Column("id", lambda r: r["id"], ratio=2),
    Column("source", lambda r: r["source"], ratio=1),
    Column("why", lambda r: "; ".join(r["reasons"]), ratio=3),
    Column("statement", lambda r: r["statement"], ratio=4),
]


COMPARE_COLUMNS = [
    Column("who @ source", lambda r: f"{_join(r['speaker_names'])} @ {r['source']}", ratio=2),
    Column("facts", lambda r: ", ".join(counted(n, k) for k, n in sorted(r["kinds"].items())), ratio=1),
    Column("rates (per year)", lambda r: "; ".join(_rate_text(x) for x in r["rates"]), ratio=3),
    Column("figures", lambda r: "; ".join(r["figures"][:6]), ratio=2),
    Column("agrees / compatible / conflicts", lambda r: _agreement(r), ratio=3),
]


def _rate_text(x: dict[str, Any]) -> str:
    plus = "+" if x["bound"] == "at-least" else ""
    sign = "↓" if x["direction"] == "decline" else "↑"
    related = "".join(
        f"; {REL_WORDS.get(r['rel'], r['rel'])} '{r['stated']}'" + (" (inferred)" if r["inferred"] else "")
        for r in x.get("relations", [])
    )
    return f"{sign}×{x['annual_factor']:.3g}{plus} ({x['origin']}: {x['stated']}{related})"


REL_WORDS = {"follows": "later period than", "rival-estimate": "rival estimate to", "updates": "updates"}
"""How a series link between two rates reads in the compare table."""


def _agreement(r: dict[str, Any]) -> str:
    parts = []
    for key, word in (
        ("agrees_with", "agrees"),
        ("compatible_with", "compatible"),
        ("conflicts_with", "conflicts"),
        ("contradicts", "contradicts"),
    ):
        if r[key]:
            parts.append(f"{word}: {', '.join(r[key])}")
    return "; ".join(parts) or "—"


TREND_COLUMNS = [
    Column("metric", lambda r: r["metric_label"] or "", ratio=2),
    Column("", lambda r: "↓" if r["direction"] == "decline" else "↑", no_wrap=True),
    Column("per year", lambda r: _factor(r), no_wrap=True),
    Column("halving/doubling", lambda r: f"{r['months_to_factor_two']:.3g} months", no_wrap=True),
    Column("% / year", lambda r: f"{r['percent_per_year']:+.1f}%", no_wrap=True),
    Column("stated or computed", lambda r: r["stated"], ratio=4),
    Column("who", lambda r: _join(r["speaker_names"]), ratio=1),
    Column("kind", lambda r: r["origin"], no_wrap=True),
]


def _factor(r: dict[str, Any]) -> str:
    lo, hi = r["annual_factor_low"], r["annual_factor_high"]
    text = f"×{lo:.3g}–{hi:.3g}" if lo != hi else f"×{r['annual_factor']:.3g}"
    return text + ("+" if r["bound"] == "at-least" else "")


CHECK_COLUMNS = [
    Column("check", lambda r: r["check"], ratio=1),
    Column(
        "verdict",
        lambda r: (
            r["verdict"] + (f" [{r['scope']}: {', '.join(r['sources'])}]" if len(r["sources"]) > 1 else "")
        ),
        ratio=1,
    ),
    Column("stated", lambda r: r["stated"], ratio=2),
    Column("computed", lambda r: r["computed"], ratio=1),
    Column("arithmetic", lambda r: r["arithmetic"] + (f" ({r['note']})" if r["note"] else ""), ratio=5),
    Column("facts", lambda r: ", ".join(r["facts"]), ratio=2),
]


def _num(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


SCORE_COLUMNS = [
    Column("predictor", lambda r: r["name"], ratio=2),
    Column("made", lambda r: r["made"], no_wrap=True),
    Column("resolved", lambda r: r["resolved"], no_wrap=True),
    Column("true", lambda r: r["true"], no_wrap=True),
    Column("false", lambda r: r["false"], no_wrap=True),
    Column("partly", lambda r: r["partly"], no_wrap=True),
    Column("void/ambig.", lambda r: r["void"] + r["ambiguous"], no_wrap=True),
    Column("hit rate", lambda r: _num(r["hit_rate"], 2), no_wrap=True),
    Column("Brier", lambda r: _num(r["brier"]), no_wrap=True),
    Column("log score", lambda r: _num(r["log_score"]), no_wrap=True),
    Column("open", lambda r: r["open"], no_wrap=True),
    Column("due", lambda r: r["due"], no_wrap=True),
]
CALIBRATION_COLUMNS = [
    Column("predicted", lambda r: f"{r['low']:.1f}–{r['high']:.1f}", no_wrap=True),
    Column("forecasts", lambda r: r["count"], no_wrap=True),
    Column("mean predicted", lambda r: _num(r["mean_probability"], 2), no_wrap=True),
    Column("observed", lambda r: _num(r["observed"], 2), no_wrap=True),
]
