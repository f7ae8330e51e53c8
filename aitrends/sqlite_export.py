"""The SQLite export (``aitrends export --to sqlite``, ``aitrends serve``): the knowledge base's
public tables, a full-text index that matches what ``aitrends search`` matches, and the
Datasette metadata that makes it browsable.

The export holds what the data says and nothing about the machine that wrote it: no file
stats, no absolute paths (``facts.file`` is relative to its data directory), no lookup caches,
no clock. Two exports of the same data (with the same ``as_of``) are byte-identical.

Search: ``facts_fts`` is an FTS5 table of *pre-tokenised* text. Each fact's searchable fields
(:func:`aitrends.search.fact_fields`) are stored as the tokens :func:`aitrends.search.tokenize`
makes of them (folded, Traditional Chinese as Simplified, Chinese as bigrams and single
characters, English as stems), separated by spaces, so FTS5 only has to match whole tokens.
:func:`match_expression` turns a query into the FTS5 expression that finds what
:meth:`aitrends.KnowledgeBase.search` finds; the Datasette plugin
(:mod:`aitrends.datasette_plugin`) applies it to Datasette's search box.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from .atomic import ExistsError, atomic_path
from .search import TEXT_FIELDS

if TYPE_CHECKING:
    from .export import Index
    from .kb import KnowledgeBase

FTS_TABLE = "facts_fts"
"""The full-text index of the facts (its rowid is the fact's rowid)."""
VOCAB_TABLE = "facts_fts_vocab"
"""Every token of :data:`FTS_TABLE` (an ``fts5vocab`` table), for spelling tolerance."""
FTS_FIELDS = TEXT_FIELDS
"""The columns of :data:`FTS_TABLE`: the text fields of :func:`aitrends.search.fact_fields`
(statement, excerpt, excerpt_en, note, names)."""
FTS_TOKENIZER = "unicode61 remove_diacritics 0 tokenchars '.'''"
"""Tokens are separated by spaces only (search tokens may hold '.' and ''')."""
PRIVATE_TABLES = ("meta", "files", "names", "lookups")
"""Tables of the cache's layout that an export leaves out: they describe the machine (paths,
inodes, times) or are lookup caches of the CLI."""

EXPORT_SCHEMA = f"""
CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(
    {", ".join(FTS_FIELDS)}, content='', tokenize="{FTS_TOKENIZER}"
);
CREATE VIRTUAL TABLE {VOCAB_TABLE} USING fts5vocab({FTS_TABLE}, 'row');
CREATE TABLE fact_related (
    fact TEXT NOT NULL REFERENCES facts(id),
    position INTEGER NOT NULL,
    related TEXT NOT NULL REFERENCES facts(id),
    reasons TEXT NOT NULL,
    PRIMARY KEY (fact, position)
) WITHOUT ROWID;
CREATE TABLE trends (
    id INTEGER PRIMARY KEY,
    origin TEXT NOT NULL,
    metric TEXT REFERENCES metrics(id),
    direction TEXT NOT NULL,
    annual_factor REAL NOT NULL,
    annual_factor_low REAL NOT NULL,
    annual_factor_high REAL NOT NULL,
    months_to_factor_two REAL NOT NULL,
    percent_per_year REAL NOT NULL,
    bound TEXT NOT NULL,
    stated TEXT NOT NULL,
    facts TEXT NOT NULL,
    speaker_names TEXT NOT NULL,
    sources TEXT NOT NULL,
    topics TEXT NOT NULL,
    date TEXT
);
"""

EXTRA_FACT_COLUMNS = {
    "year": "INTEGER",
    "rate_annual_factor": "REAL",
    "rate_months_to_factor_two": "REAL",
    "rate_percent_per_year": "REAL",
}
"""Columns the export adds to ``facts`` (for facets and sorting): the year said and the
normalised rate."""

RELATED_PER_FACT = 10
RELATED_MAX_FACTS = 20_000
"""Above this many facts ``fact_related`` is left empty: :func:`aitrends.relate.related`
compares a fact with every other, so all of them at once grow with the square."""


# ---------------------------------------------------------------- search


def search_tokens(con: sqlite3.Connection, fact_id: str) -> tuple[str, ...]:
    """The values of :data:`FTS_TABLE`'s columns for the fact ``fact_id`` of the index ``con``:
    each field's search tokens (with single Chinese characters, as documents are indexed),
    sorted, space-separated, as the index stores them (:func:`aitrends.search.field_tokens`)."""
    row = con.execute("SELECT fields FROM fact_tokens WHERE fact = ?", (fact_id,)).fetchone()
    return tuple(row[0].split("\t")) if row else ("",) * len(FTS_FIELDS)


def _phrase(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


NO_MATCH = '""'
"""An FTS5 expression that matches nothing (an empty phrase)."""


class MatchExpression:
    """Turns queries into FTS5 expressions over :data:`FTS_TABLE`, given its vocabulary.

    The rules are :meth:`aitrends.search.TextIndex.search`'s: each whitespace-separated word
    is a term and every term must match; a term matches when all its tokens occur (in any
    field); an English token that is not in the index matches its close spellings.
    """

    def __init__(self, vocabulary: Iterable[str]) -> None:
        from .search import TextIndex

        # the spelling tolerance of the CLI's index, over the export's tokens
        self._index = TextIndex()
        for token in vocabulary:  # each as found in a text field, as the CLI's index has it
            self._index.postings[token] = {"": {"statement": (1, 1)}}

    def __call__(self, query: str) -> str:
        from .search import expand_token as expand
        from .search import tokenize

        terms = [t for t in query.split() if tokenize(t)]
        if not terms:
            return NO_MATCH
        parts = []
        for term in terms:
            for token in dict.fromkeys(tokenize(term)):
                variants = [v for v, _weight in expand(self._index, token, self._index.lookup(token))]
                if not variants:
                    return NO_MATCH
                parts.append("(" + " OR ".join(_phrase(v) for v in variants) + ")")
        return " AND ".join(parts)


def vocabulary(con: sqlite3.Connection) -> list[str]:
    """The tokens of an export's full-text index."""
    return [row[0] for row in con.execute(f"SELECT term FROM {VOCAB_TABLE}")]


def match_expression(con: sqlite3.Connection, query: str) -> str:
    """The FTS5 expression for ``query`` on the export open in ``con``."""
    return MatchExpression(vocabulary(con))(query)


def is_export(con: sqlite3.Connection) -> bool:
    """Whether ``con`` is an aitrends export (its full-text index and facts table are there)."""
    from .cache import APPLICATION_ID

    try:
        if con.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            return False
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError:
        return False
    return {"facts", FTS_TABLE, VOCAB_TABLE} <= names


# ---------------------------------------------------------------- writing


def write_database(
    source: Index,
    path: str | os.PathLike[str],
    *,
    force: bool = False,
    as_of: dt.date | None = None,
    models: KnowledgeBase | Callable[[], KnowledgeBase] | None = None,
) -> list[Path]:
    """Write the knowledge base as a SQLite database at ``path`` (with full-text search) and
    its Datasette metadata beside it as ``<name>.metadata.json``; return both paths.

    ``source`` is the index (or a knowledge base, whose index is opened): every table is
    copied from it as it is read. ``models`` (the knowledge base, or a function loading it;
    by default ``source`` when it is one) is needed for the two analyses the index does not
    hold: ``trends`` (:meth:`KnowledgeBase.trends`) and ``fact_related``
    (:func:`aitrends.relate.related`, up to :data:`RELATED_MAX_FACTS` facts).

    Forecast status in the records is judged on ``as_of`` (default today). Both files are
    written through a temporary file and a rename; an existing file is not overwritten unless
    ``force`` is given (:class:`~aitrends.atomic.ExistsError`).
    """
    from .export import opened

    path = Path(path)
    meta_path = path.with_name(f"{path.stem}.metadata.json")
    for p in (path, meta_path):
        if p.exists() and not force:
            raise ExistsError(f"{p} exists; use --force to overwrite it")
    if models is None and not isinstance(source, sqlite3.Connection):
        models = source
    with opened(source) as index:
        with atomic_path(path, force=force) as tmp:
            con = sqlite3.connect(tmp, isolation_level=None)
            try:
                _write(con, index, models, as_of or dt.date.today())
            finally:
                con.close()
            fd = os.open(tmp, os.O_RDONLY)
            try:
                os.fsync(fd)  # written with synchronous = OFF: on disk before the rename
            finally:
                os.close(fd)
        numbers = counts(index)
    with atomic_path(meta_path, force=force) as tmp:
        text = json.dumps(datasette_metadata(path.stem, numbers), ensure_ascii=False, indent=2)
        tmp.write_text(text + "\n", encoding="utf-8")
    return [path, meta_path]


def counts(index: sqlite3.Connection) -> dict[str, int]:
    """The numbers the metadata's description gives."""
    (facts,) = index.execute("SELECT count(*) FROM facts").fetchone()
    (sources,) = index.execute("SELECT count(*) FROM sources").fetchone()
    return {"facts": facts, "sources": sources}


def _relative(file: str, root: str | None) -> str:
    """A data file's path relative to its data directory (POSIX separators), else its name."""
    if root is not None:
        try:
            return PurePath(os.path.abspath(file)).relative_to(os.path.abspath(root)).as_posix()
        except ValueError:
            pass
    return PurePath(file).name


def _batches(rows: Iterable[tuple[Any, ...]], size: int) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _copy(con: sqlite3.Connection, table: str, rows: Iterable[tuple[Any, ...]]) -> None:
    """Insert ``rows`` into ``table`` as they are read, :data:`aitrends.export.BATCH` at a time."""
    from .export import BATCH

    for batch in _batches(rows, BATCH):
        marks = ",".join("?" * len(batch[0]))
        con.executemany(f"INSERT INTO {table} VALUES ({marks})", batch)  # noqa: S608 - known tables


REFERENCE_ORDER = {
    "entities": "type = 'organization', id",
    "people": "id",
    "organizations": "id",
    "topics": "id",
    "metrics": "id",
    "sources": "id",
    "resolutions": "fact",
}
"""The public reference tables of the index and the order their rows are copied in (people
before organizations, each by id, as the knowledge base lists them)."""
LINK_TABLES = ("fact_topics", "fact_speakers", "fact_cited", "fact_about", "fact_links")


def _fact_rows(index: sqlite3.Connection, as_of: dt.date) -> Iterator[tuple[Any, ...]]:
    """The rows of the export's ``facts``, by id: the index's, with the record for ``as_of``,
    the file relative to its data directory, and :data:`EXTRA_FACT_COLUMNS`."""
    from .query import daily_fields, dated_record

    dirs = json.loads(index.execute("SELECT value FROM meta WHERE key = 'dirs'").fetchone()[0])
    layers = dict(index.execute("SELECT path, layer FROM files").fetchall())
    relative: dict[str, str] = {}
    rows = index.execute("SELECT * FROM facts ORDER BY id")
    names = [d[0] for d in rows.description]
    at = {name: i for i, name in enumerate(names)}
    for row in rows:
        record = dated_record(
            row[at["kind"]], row[at["horizon_end"]], row[at["resolved"]], row[at["record"]], as_of
        )
        head = list(row[: at["record"]])
        if row[at["kind"]] == "forecast":  # the index keeps the history; the export, the day's answer
            head[at["resolved"]] = int(
                daily_fields(row[at["horizon_end"]], row[at["resolved"]], as_of)["status"] == "resolved"
            )
        rate = (json.loads(record).get("rate_normalized") or {}) if '"rate_normalized"' in record else {}
        file = row[at["file"]]
        if file not in relative:  # many facts a file
            layer = layers.get(file)
            root = dirs[layer] if layer is not None and 0 <= layer < len(dirs) else None
            relative[file] = _relative(file, root)
        date_start = row[at["date_start"]]
        yield (
            *head,
            record,
            relative[file],
            *row[at["file"] + 1 :],
            int(date_start[:4]) if date_start else None,
            rate.get("annual_factor"),
            rate.get("halving_months"),
            rate.get("percent_per_year"),
        )


def _write(
    con: sqlite3.Connection,
    index: sqlite3.Connection,
    models: KnowledgeBase | Callable[[], KnowledgeBase] | None,
    as_of: dt.date,
) -> None:
    from . import index as layout
    from .cache import APPLICATION_ID, SCHEMA_VERSION

    con.execute("PRAGMA journal_mode = OFF")
    con.execute("PRAGMA synchronous = OFF")  # a temporary file, synced before it is renamed
    con.executescript(layout.SCHEMA)
    for table in PRIVATE_TABLES:
        con.execute(f"DROP TABLE {table}")
    con.executescript(EXPORT_SCHEMA)
    for column, type_ in EXTRA_FACT_COLUMNS.items():
        con.execute(f"ALTER TABLE facts ADD COLUMN {column} {type_}")
    con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    con.execute("BEGIN")
    for table, order in REFERENCE_ORDER.items():
        _copy(con, table, index.execute(f"SELECT * FROM {table} ORDER BY {order}"))  # noqa: S608
    _copy(con, "facts", _fact_rows(index, as_of))
    for table in LINK_TABLES:
        columns = ", ".join(r[1] for r in con.execute(f"PRAGMA table_info({table})"))
        _copy(con, table, index.execute(f"SELECT {columns} FROM {table} ORDER BY fact, position"))  # noqa: S608
    # the full-text index: facts were inserted by id, so the n-th fact by id has rowid n
    _copy(
        con,
        f"{FTS_TABLE} (rowid, {', '.join(FTS_FIELDS)})",
        (
            (rowid, *fields.split("\t"))
            for rowid, (fields,) in enumerate(
                index.execute("SELECT fields FROM fact_tokens ORDER BY fact"), start=1
            )
        ),
    )
    _analyses(con, index, models)
    con.execute("COMMIT")
    con.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")
    con.execute("VACUUM")
    con.execute("PRAGMA journal_mode = DELETE")


TREND_FACTS = (
    "SELECT id FROM facts WHERE json_extract(record, '$.rate') IS NOT NULL "
    "OR (metric IS NOT NULL AND json_extract(record, '$.quantity') IS NOT NULL)"
)
"""The facts :meth:`KnowledgeBase.trends` reads: those stating a rate (stated trends) and the
figures of a metric (implied ones)."""
REPEATS = ("paraphrases", "same-as")
"""Links that make a fact a repeat of another, which trends shows once."""


def trend_models(index: sqlite3.Connection) -> KnowledgeBase:
    """The knowledge base :meth:`KnowledgeBase.trends` needs, from the index: the reference
    records and the facts of :data:`TREND_FACTS`, with the facts they repeat (:data:`REPEATS`),
    so that a repeat is left out as it is among all the facts."""
    from .index import models_of

    ids = {r[0] for r in index.execute(TREND_FACTS)}
    marks = ",".join("?" * len(REPEATS))
    for fact, target in index.execute(f"SELECT fact, target FROM fact_links WHERE rel IN ({marks})", REPEATS):
        if fact in ids:
            ids.add(target)
    return models_of(index, ids)


def _analyses(
    con: sqlite3.Connection,
    index: sqlite3.Connection,
    models: KnowledgeBase | Callable[[], KnowledgeBase] | None,
) -> None:
    """``trends`` and ``fact_related``, computed by the analyses over models
    (:mod:`aitrends.trends`, :mod:`aitrends.relate`), which the index does not store. Trends
    need only the facts with rates and figures: they are made from the index's records
    (:func:`trend_models`). Related facts compare every fact with every other: they need the
    whole knowledge base (``models``), and are left out above :data:`RELATED_MAX_FACTS`."""
    (n,) = index.execute("SELECT count(*) FROM facts").fetchone()
    if models is not None and n <= RELATED_MAX_FACTS:
        from .relate import related

        kb = models if not callable(models) else models()
        _copy(
            con,
            "fact_related",
            (
                (f.id, i, r.fact.id, json.dumps(r.reasons, ensure_ascii=False))
                for f in kb.all_facts
                for i, r in enumerate(related(kb, f.id, limit=RELATED_PER_FACT))
            ),
        )
    partial = trend_models(index)
    trend_rows = []
    for i, t in enumerate(partial.trends(), start=1):
        r = t.record(partial)
        trend_rows.append(
            (i, r["origin"], r["metric"], r["direction"], r["annual_factor"], r["annual_factor_low"])
            + (r["annual_factor_high"], r["months_to_factor_two"], r["percent_per_year"], r["bound"])
            + (r["stated"], *(json.dumps(r[k], ensure_ascii=False) for k in TREND_LISTS), r["date"])
        )
    _copy(con, "trends", trend_rows)


TREND_LISTS = ("facts", "speaker_names", "sources", "topics")


# ---------------------------------------------------------------- Datasette metadata

FACT_COLUMN_DESCRIPTIONS = {
    "id": "The fact's id (stable; cite it).",
    "kind": "claim, forecast, quote or figure.",
    "source": "The article the fact is taken from.",
    "source_title": "The article's title in English.",
    "date": "When it was said, as precise as the article says (the article's date when the fact has none).",
    "date_start": "First day of the period of 'date'.",
    "date_end": "Last day of the period of 'date'.",
    "date_precision": "day, month or year.",
    "speaker": "Who asserts it (ids, a JSON list).",
    "speaker_names": "Who asserts it (names, a JSON list).",
    "topics": "Topic ids (a JSON list).",
    "metric": "What a figure or rate measures.",
    "attribution": "direct (their words) or indirect (a writer's paraphrase).",
    "statement": "The fact in our own English words.",
    "excerpt": "The article's words, verbatim.",
    "excerpt_en": "The excerpt in English (the article's own when excerpt_en_original is 1).",
    "excerpt_en_original": "1 when the article gives the English itself.",
    "hedge": "The words that hedge it (有望, may, ...).",
    "note": "Our note.",
    "quantity_value": "The figure in base units (unit beside it).",
    "quantity_low": "Low end of a range, in base units.",
    "quantity_high": "High end of a range, in base units.",
    "quantity_unit": "The unit of the quantity columns.",
    "horizon_start": "A forecast's horizon: first day.",
    "horizon_end": "A forecast's horizon: last day (due after it).",
    "resolved": "1 when a forecast's resolution was recorded on or before the export's day (--as-of), else 0.",
    "record": "The complete record as JSON (names, normalised rate, forecast status on the export's day).",
    "file": "The data file it was read from, relative to its data directory.",
    "item": "Its position in that file.",
    "year": "The year it was said.",
    "rate_annual_factor": "A stated rate as a factor per year.",
    "rate_months_to_factor_two": "A stated rate as the months to halve (a decline) or double.",
    "rate_percent_per_year": "A stated rate as percent change per year.",
}

COLUMN_UNITS = {
    "rate_annual_factor": "× a year",
    "rate_months_to_factor_two": "months",
    "rate_percent_per_year": "% a year",
    "annual_factor": "× a year",
    "annual_factor_low": "× a year",
    "annual_factor_high": "× a year",
    "months_to_factor_two": "months",
    "percent_per_year": "% a year",
}
"""Fixed units shown beside numbers (the quantity columns show the row's ``quantity_unit``)."""

QUANTITY_COLUMNS = ("quantity_value", "quantity_low", "quantity_high")

_FACT_LIST = "f.id, f.kind, f.date, f.speaker_names, f.statement, f.excerpt"

CANNED_QUERIES: dict[str, dict[str, Any]] = {
    "search": {
        "title": "Search the facts (as aitrends search does)",
        "description": (
            "Every word must match; Chinese in either script, two-character words, English "
            "stems and typos, as the CLI's search. Needs the aitrends Datasette plugin."
        ),
        "sql": (
            f"select {_FACT_LIST} from facts f where :q != '' and f.rowid in "
            f"(select rowid from {FTS_TABLE} where {FTS_TABLE} match aitrends_match(:q)) "
            "order by f.date_start, f.id"
        ),
    },
    "forecasts_due": {
        "title": "Forecasts due as of a date",
        "description": "Forecasts whose horizon ended before the date (YYYY-MM-DD) and that are not resolved.",
        "sql": (
            "select f.id, f.speaker_names as predicts, f.date as said, f.horizon_end, "
            "julianday(:as_of) - julianday(f.horizon_end) as days_overdue, f.statement "
            "from facts f where f.kind = 'forecast' and f.horizon_end < :as_of "
            "and coalesce(cast(f.resolved as integer), 0) = 0 order by f.horizon_end, f.id"
        ),
    },
    "trends_for_topic": {
        "title": "Trends for a topic",
        "description": (
            "Rates of a topic (id or label, its subtopics included) in one unit: stated, and "
            "implied by two dated figures."
        ),
        "sql": (
            "with recursive sub(id) as (select id from topics where id = :topic "
            "or lower(label_en) = lower(:topic) or label_zh = :topic "
            "union select t.id from topics t join sub on t.parent = sub.id) "
            "select tr.metric, tr.direction, tr.annual_factor, tr.months_to_factor_two, "
            "tr.percent_per_year, tr.origin, tr.stated, tr.speaker_names, tr.facts "
            "from trends tr where exists (select 1 from json_each(tr.topics) j "
            "where j.value in (select id from sub)) order by tr.metric, tr.id"
        ),
    },
    "what_did_they_say": {
        "title": "What did X say",
        "description": (
            "Everything a person or organization asserts: an id, or any part of a name or alias, "
            "in either script, spaces, case and punctuation ignored. Needs the aitrends Datasette plugin."
        ),
        "sql": (
            f"select {_FACT_LIST}, f.source from facts f "
            "join fact_speakers s on s.fact = f.id join entities e on e.id = s.entity "
            "where aitrends_name_key(:person) != '' and (e.id = :person or exists (select 1 "
            "from json_each(e.names) n where instr(aitrends_name_key(n.value), aitrends_name_key(:person)))) "
            "group by f.id order by f.date_start, f.id"
        ),
    },
}


def _home_html(database: str, description: str) -> str:
    """The home page's text: what this is, a search box, where to start."""
    from html import escape
    from urllib.parse import quote

    db = "/" + quote(database, safe="")

    def links(pairs: list[tuple[str, str]]) -> str:
        return " · ".join(f'<a href="{db}/{path}">{escape(text)}</a>' for path, text in pairs)

    return (
        f"<p>{escape(description)}</p>\n"
        f'<form class="aitrends-search" action="{db}/facts" method="get">'
        '<input type="search" name="_search" aria-label="Search the facts" size="40" '
        'placeholder="光伏, 李開復, inference cost"> <input type="submit" value="Search the facts"></form>\n'
        "<p>Browse: "
        + links([("facts", "facts"), ("trends", "trends"), ("sources", "sources")])
        + " · "
        + links([("entities", "people and organizations"), ("topics", "topics")])
        + "</p>\n<p>Ask: "
        + links([(q, CANNED_QUERIES[q]["title"]) for q in CANNED_QUERIES])
        + "</p>"
    )


def datasette_metadata(database: str, numbers: dict[str, int]) -> dict[str, Any]:
    """Datasette metadata for an export named ``database`` (``numbers``: see :func:`counts`):
    titles and descriptions of every table and column, facets, the search index and canned
    queries."""
    facts_table = {
        "title": "Facts",
        "description": (
            "One row per fact. Search finds what aitrends search finds: every word, Chinese in "
            "either script (two-character words too), English stems and typos (with the aitrends "
            "plugin, which pip install 'aitrends[serve]' installs)."
        ),
        "label_column": "statement",
        "sort": "date_start",
        "facets": ["kind", {"array": "topics"}, {"array": "speaker"}, "source", "year"],
        "fts_table": FTS_TABLE,
        "fts_pk": "rowid",
        "columns": FACT_COLUMN_DESCRIPTIONS,
    }
    description = (
        f"{numbers['facts']} facts (claims, forecasts, quotes and figures) from "
        f"{numbers['sources']} articles, each with the verbatim excerpt it rests on."
    )
    return {
        "title": "aitrends: claims about the AI industry",
        "description": description,
        "description_html": _home_html(database, description),
        "databases": {
            database: {
                "title": "aitrends knowledge base",
                "tables": {
                    "facts": facts_table,
                    "sources": {
                        "title": "Sources",
                        "description": "The articles the facts are extracted from.",
                        "label_column": "title_en",
                        "facets": ["kind", "outlet"],
                        "columns": {
                            "title": "The title as published.",
                            "title_en": "The title in English.",
                            "language": "Languages (a JSON list).",
                            "outlet": "Who published it.",
                            "platform": "Where it was reposted, if it was.",
                            "published": "Date published.",
                            "record": "The complete record as JSON.",
                        },
                    },
                    "entities": {
                        "title": "People and organizations",
                        "description": "Everyone a fact can name as speaker, origin or subject.",
                        "label_column": "name_en",
                        "facets": ["type"],
                        "columns": {"names": "Every name and alias (a JSON list)."},
                    },
                    "people": {"title": "People", "label_column": "name_en"},
                    "organizations": {
                        "title": "Organizations",
                        "label_column": "name_en",
                        "facets": ["kind", "country"],
                    },
                    "topics": {
                        "title": "Topics",
                        "description": "The topic taxonomy; a fact of a topic is found under its parent too.",
                        "label_column": "label_en",
                        "facets": ["parent"],
                    },
                    "metrics": {"title": "Metrics", "label_column": "label_en"},
                    "trends": {
                        "title": "Trends",
                        "description": (
                            "Every rate in one unit: stated by a fact, or implied by two dated "
                            "figures of the same metric (as aitrends trends shows them)."
                        ),
                        "facets": ["origin", "metric", "direction"],
                        "columns": {
                            "origin": "stated or implied.",
                            "annual_factor": "Factor per year.",
                            "months_to_factor_two": "Months to halve (a decline) or double.",
                            "percent_per_year": "Percent change per year.",
                            "stated": "The rate as stated, or the arithmetic of an implied one.",
                            "facts": "The fact stating it, or the two figures (a JSON list).",
                        },
                    },
                    "resolutions": {"title": "Resolutions of forecasts", "facets": ["outcome"]},
                    "fact_topics": {"title": "Topics of each fact", "facets": ["topic"]},
                    "fact_speakers": {"title": "Speakers of each fact", "facets": ["entity"]},
                    "fact_cited": {"title": "Origins a fact cites", "facets": ["entity"]},
                    "fact_about": {"title": "Who each fact is about", "facets": ["entity"]},
                    "fact_links": {"title": "Stated relations between facts", "facets": ["rel"]},
                    "fact_related": {
                        "title": "Related facts",
                        "description": "The facts that bear on each fact, strongest first (as aitrends related).",
                    },
                    FTS_TABLE: {"hidden": True},
                    VOCAB_TABLE: {"hidden": True},
                    **{
                        f"{FTS_TABLE}_{s}": {"hidden": True}
                        for s in ("data", "idx", "content", "docsize", "config")
                    },
                },
                "queries": CANNED_QUERIES,
            }
        },
    }
