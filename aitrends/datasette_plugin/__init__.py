"""The aitrends plugin for Datasette: loaded by ``datasette kb.db`` alone (it is registered
under the ``datasette`` entry point), it gives an aitrends export (see
:mod:`aitrends.sqlite_export`) what makes it a knowledge base to browse:

- search that finds what ``aitrends search`` finds: on an export, Datasette's ``escape_fts``
  (which its search box applies to every query) is replaced by
  :class:`aitrends.sqlite_export.MatchExpression`, and ``aitrends_match(q)`` is there for SQL,
  with ``aitrends_name_key(name)`` (:func:`aitrends.search.name_key`) for names;
- its metadata (titles, descriptions, facets, canned queries) without ``-m``;
- units beside numbers and names linked to their facts in tables;
- a readable fact page: the excerpt, its English, the speaker and source linked to their
  facts, the normalised rate, stated links and related facts.

Any other database is left as it is.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

from datasette import hookimpl as _hookimpl
from datasette.utils import tilde_encode, urlsafe_components
from markupsafe import Markup, escape

from ..sqlite_export import (
    COLUMN_UNITS,
    QUANTITY_COLUMNS,
    MatchExpression,
    datasette_metadata,
    is_export,
    vocabulary,
)

F = TypeVar("F", bound=Callable[..., Any])


def hookimpl(func: F) -> F:
    """Datasette's ``hookimpl`` (typed)."""
    return cast(F, _hookimpl(func))


def hookimpl_last(func: F) -> F:
    """Datasette's ``hookimpl(trylast=True)`` (typed)."""
    return cast(F, _hookimpl(trylast=True)(func))


_EXPORTS: dict[tuple[str, int, int], dict[str, int] | None] = {}
_MATCHERS: dict[tuple[str, int, int], MatchExpression] = {}


def _key(path: str) -> tuple[str, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (os.path.realpath(path), st.st_mtime_ns, st.st_size)


def _export_counts(path: str | None) -> dict[str, int] | None:
    """The fact and source counts of the export at ``path``, or None when it is not one."""
    key = _key(path) if path else None
    if key is None:
        return None
    if key not in _EXPORTS:
        counts = None
        try:
            con = sqlite3.connect(Path(key[0]).as_uri() + "?mode=ro", uri=True)
        except sqlite3.Error:
            con = None
        if con is not None:
            try:
                if is_export(con):
                    counts = {
                        t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                        for t in ("facts", "sources")
                    }
            except sqlite3.Error:
                counts = None
            finally:
                con.close()
        _EXPORTS[key] = counts
    return _EXPORTS[key]


def _exports(datasette: Any) -> dict[str, dict[str, int]]:
    """The databases served that are aitrends exports, with their counts."""
    out = {}
    for name, db in datasette.databases.items():
        counts = _export_counts(getattr(db, "path", None))
        if counts is not None:
            out[name] = counts
    return out


def _matcher(conn: sqlite3.Connection, path: str | None) -> MatchExpression:
    key = _key(path) if path else None
    if key is None:
        return MatchExpression(vocabulary(conn))
    if key not in _MATCHERS:
        _MATCHERS[key] = MatchExpression(vocabulary(conn))
    return _MATCHERS[key]


@hookimpl_last  # after Datasette's own escape_fts, which this one replaces
def prepare_connection(conn: sqlite3.Connection, database: str, datasette: Any) -> None:
    if not is_export(conn):
        return
    db = datasette.databases.get(database)
    matcher = _matcher(conn, getattr(db, "path", None))

    def match(query: Any) -> str:
        return matcher("" if query is None else str(query))

    def name_key(text: Any) -> str:
        from ..search import name_key

        return name_key("" if text is None else str(text))

    conn.create_function("aitrends_match", 1, match, deterministic=True)
    conn.create_function("aitrends_name_key", 1, name_key, deterministic=True)
    conn.create_function("escape_fts", 1, match, deterministic=True)


@hookimpl
def get_metadata(datasette: Any, key: Any, database: Any, table: Any) -> dict[str, Any]:
    exports = _exports(datasette)
    if not exports:
        return {}
    out: dict[str, Any] = {"databases": {}}
    for name, counts in exports.items():
        meta = datasette_metadata(name, counts)
        out["databases"].update(meta["databases"])
        if [n for n in datasette.databases if not n.startswith("_")] == [name]:  # served alone: its home
            out.update({k: meta[k] for k in ("title", "description", "description_html")})
    return out


def _number(value: float) -> str:
    return f"{value:,.6g}" if abs(value) < 1e15 else f"{value:.4g}"


def _facts_url(datasette: Any, database: str, **filters: str) -> str:
    from urllib.parse import urlencode

    return str(datasette.urls.table(database, "facts")) + "?" + urlencode(filters)


def _fact_url(datasette: Any, database: str, fact_id: str) -> str:
    return str(datasette.urls.row(database, "facts", tilde_encode(fact_id)))


@hookimpl
def extra_css_urls(database: str | None, datasette: Any) -> list[str]:
    if database is None or database not in _exports(datasette):
        return []
    return [str(datasette.urls.static_plugins("aitrends", "aitrends.css"))]


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str, database: str, datasette: Any) -> Any:
    if database not in _exports(datasette) or value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        unit = COLUMN_UNITS.get(column)
        if table == "facts" and column in QUANTITY_COLUMNS:
            try:
                unit = row["quantity_unit"]
            except (IndexError, KeyError):
                unit = None
        if unit:
            return Markup(f"{escape(_number(value))}&nbsp;<small>{escape(unit)}</small>")
        return None
    if column == "record" and isinstance(value, str):  # long JSON: folded, so rows stay short
        try:
            pretty = json.dumps(json.loads(value), ensure_ascii=False, indent=2)
        except ValueError:
            return None
        return Markup(
            f'<details class="aitrends-record"><summary>JSON</summary><pre>{escape(pretty)}</pre></details>'
        )
    if table == "facts" and column in ("speaker", "topics") and isinstance(value, str):
        try:
            ids = json.loads(value)
        except ValueError:
            return None
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            return None
        links = [
            f'<a href="{escape(_facts_url(datasette, database, **{f"{column}__arraycontains": i}))}">{escape(i)}</a>'
            for i in ids
        ]
        return Markup(", ".join(links))
    return None


@hookimpl
def extra_template_vars(
    template: str, database: str, table: str, view_name: str, request: Any, datasette: Any
) -> Callable[[], Any] | dict[str, Any]:
    if view_name != "row" or table != "facts" or request is None or database not in _exports(datasette):
        return {}

    async def fact_page() -> dict[str, Any]:
        pks = request.url_vars.get("pks")
        if not pks:
            return {}
        fact_id = urlsafe_components(pks)[0]
        return {"aitrends_fact": await _fact_page(datasette, database, fact_id)}

    return fact_page


async def _fact_page(datasette: Any, database: str, fact_id: str) -> dict[str, Any] | None:
    db = datasette.get_database(database)
    rows = (await db.execute("SELECT record FROM facts WHERE id = ?", [fact_id])).rows
    if not rows:
        return None
    rec = json.loads(rows[0][0])
    source = (await db.execute("SELECT title, title_en, url FROM sources WHERE id = ?", [rec["source"]])).rows
    link_rows = (
        await db.execute(
            "SELECT l.rel, l.target, f.statement, 'to' FROM fact_links l JOIN facts f ON f.id = l.target "
            "WHERE l.fact = ? UNION ALL "
            "SELECT l.rel, l.fact, f.statement, 'from' FROM fact_links l JOIN facts f ON f.id = l.fact "
            "WHERE l.target = ? ORDER BY 4 DESC, 2",
            [fact_id, fact_id],
        )
    ).rows
    related_rows = (
        await db.execute(
            "SELECT r.related, f.statement, r.reasons FROM fact_related r JOIN facts f ON f.id = r.related "
            "WHERE r.fact = ? ORDER BY r.position",
            [fact_id],
        )
    ).rows

    def fact_link(other: str, statement: str) -> dict[str, str]:
        return {"id": other, "url": _fact_url(datasette, database, other), "statement": statement}

    speakers = [
        {"name": name, "url": _facts_url(datasette, database, speaker__arraycontains=sid), "id": sid}
        for sid, name in zip(rec["speaker"], rec["speaker_names"], strict=False)
    ]
    topics = [
        {"label": label, "url": _facts_url(datasette, database, topics__arraycontains=tid)}
        for tid, label in zip(rec["topics"], rec["topic_labels"], strict=False)
    ]
    title, title_en, url = source[0] if source else (rec["source"], rec["source_title"], None)
    rate = rec.get("rate_normalized")
    return {
        "rec": rec,
        "speakers": speakers,
        "topics": topics,
        "source": {
            "title": title,
            "title_en": title_en,
            "url": url,
            "facts_url": _facts_url(datasette, database, source=rec["source"]),
            "row_url": str(datasette.urls.row(database, "sources", tilde_encode(rec["source"]))),
        },
        "rate": rate
        and {
            "direction": rate.get("direction"),
            "annual_factor": _number(rate["annual_factor"]) if rate.get("annual_factor") else None,
            "halving_months": _number(rate["halving_months"]) if rate.get("halving_months") else None,
            "percent_per_year": _number(rate["percent_per_year"])
            if rate.get("percent_per_year") is not None
            else None,
        },
        "links": [
            {"rel": rel.replace("-", " "), "way": way, **fact_link(other, statement)}
            for rel, other, statement, way in link_rows
        ],
        "related": [
            {"reasons": "; ".join(json.loads(reasons)), **fact_link(other, statement)}
            for other, statement, reasons in related_rows
        ],
    }
