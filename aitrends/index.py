"""The compiled index: the knowledge base as a SQLite database.

One layout serves two uses:

- the **cache** (:func:`refresh`), kept in the user's cache directory for a stack of data
  directories, from which the fast path answers common queries and TAB completion offers
  values. It is derived from the YAML and never trusted blindly: :mod:`aitrends.cache` checks
  it against the files on every run, and :func:`refresh` brings it up to date by re-reading
  only the files that changed;
- the **export** (:func:`aitrends.sqlite_export.write_database`, ``aitrends export --to
  sqlite``): the public tables of this layout, with full-text search and Datasette metadata.

Tables: ``facts`` (one row per fact, filter fields as columns, ``record``: the complete
JSON record of :func:`aitrends.records.fact_record`, and for a forecast ``resolved``: its
resolutions with their ``recorded`` and ``superseded`` dates as JSON, from which
:func:`aitrends.query.daily_fields` judges it on any day), ``sources``, ``entities`` (people and
organizations share one namespace), ``people``, ``organizations``, ``topics`` (with
``parent``), ``metrics``, ``resolutions``, the link tables ``fact_topics``,
``fact_speakers``, ``fact_cited``, ``fact_about`` and ``fact_links``, ``names`` (the lookup
keys of every name, as :meth:`KnowledgeBase.resolve` folds them), ``meta`` and ``files``. The
cache also holds ``fact_attributed`` (the people a writer's summary presents, for
``aitrends person``) and full-text search (:mod:`aitrends.textsearch`): ``postings`` (token, fact,
field, count and the field's length, keyed by token), ``fact_lengths`` (each search field's
length; their totals are ``meta``'s ``search``), ``fact_tokens`` (each fact's tokens, to find
its postings when it changes, and the tokens of each text field, tab-separated, for the SQLite
export's full-text index: :func:`aitrends.search.field_tokens`) and ``vocabulary`` (the English tokens of the text fields, where
a typo is looked up), all made by :func:`aitrends.search.document_postings` from the fields of
:func:`aitrends.kb.search_fields`, as the in-memory index is. ``fact_rates`` lists the facts
that state a rate (the analysis commands read only the facts that can count, see
:meth:`aitrends.kb.KnowledgeBase.fact_candidates`).

Keeping the cache correct when one file changes: the cache also stores every record each file
held (``items``, validated, as JSON, with its line and the lines of its fields: from these
:mod:`aitrends.hydrate` makes the knowledge base without reading the YAML). An update
re-reads the changed files, merges the layers again with the real
:meth:`KnowledgeBase.from_raw` (facts by id and kind only), and re-checks with the real
:meth:`KnowledgeBase.problems` every reference record and resolution, and the facts that may
have changed: those of the changed files, those naming a record that changed, those linking
to a fact that appeared or disappeared, and those still pending from an update that found
problems. The other facts are known to the checks by id and kind only. This
assumes that a fact's problems depend only on the fact, the records it names and the
existence and kind of the facts it links to, which is what :mod:`aitrends.checks` checks;
a change to the code rebuilds the whole index.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
import time
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import models as m
from .atomic import atomic_path
from .cache import (
    APPLICATION_ID,
    CELL_SEPARATOR,
    DAILY,
    OTHER,
    PLACEHOLDER,
    SCHEMA_VERSION,
    Freshness,
    LockTimeout,
    Scan,
    connect,
    expected_meta,
    file_sha256,
    freshness,
)
from .config import debug_enabled, lock_timeout
from .errors import DataError
from .forecasts import resolutions_json
from .kb import KnowledgeBase, _names, _words, search_fields
from .loader import REFERENCE_FILES, Limits, Loaded, Origin, RawData, load_file
from .query import filter_columns
from .records import fact_record
from .search import BOOST_FIELDS, SEARCH_FIELDS, document_postings, field_tokens, is_latin

if TYPE_CHECKING:
    from pydantic import TypeAdapter

SCHEMA = """
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE files (
    path TEXT PRIMARY KEY,
    layer INTEGER NOT NULL,
    position TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    ctime_ns INTEGER NOT NULL,
    inode INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    checked_ns INTEGER NOT NULL,
    problems INTEGER NOT NULL DEFAULT 0,
    facts INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE entities (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL CHECK (type IN ('person', 'organization')),
    name_en TEXT NOT NULL,
    name_zh TEXT,
    names TEXT NOT NULL
);
CREATE TABLE people (
    id TEXT PRIMARY KEY REFERENCES entities(id),
    name_en TEXT NOT NULL,
    name_zh_hans TEXT,
    name_zh_hant TEXT,
    aliases TEXT NOT NULL,
    roles TEXT NOT NULL,
    notes TEXT,
    record TEXT NOT NULL
);
CREATE TABLE organizations (
    id TEXT PRIMARY KEY REFERENCES entities(id),
    name_en TEXT NOT NULL,
    name_zh_hans TEXT,
    name_zh_hant TEXT,
    aliases TEXT NOT NULL,
    kind TEXT NOT NULL,
    country TEXT,
    parent TEXT REFERENCES organizations(id),
    notes TEXT,
    record TEXT NOT NULL
);
CREATE TABLE topics (
    id TEXT PRIMARY KEY,
    label_en TEXT NOT NULL,
    label_zh TEXT NOT NULL,
    aliases TEXT NOT NULL,
    parent TEXT REFERENCES topics(id),
    description TEXT,
    record TEXT NOT NULL
);
CREATE INDEX topics_parent ON topics(parent);
CREATE TABLE metrics (
    id TEXT PRIMARY KEY,
    label_en TEXT NOT NULL,
    label_zh TEXT,
    aliases TEXT NOT NULL,
    topics TEXT NOT NULL,
    parent TEXT REFERENCES metrics(id),
    unit TEXT,
    description TEXT,
    record TEXT NOT NULL
);
CREATE TABLE sources (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    title_en TEXT NOT NULL,
    kind TEXT NOT NULL,
    language TEXT NOT NULL,
    outlet TEXT NOT NULL REFERENCES organizations(id),
    platform TEXT REFERENCES organizations(id),
    published TEXT,
    url TEXT,
    record TEXT NOT NULL
);
CREATE TABLE facts (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    source TEXT NOT NULL REFERENCES sources(id),
    source_title TEXT NOT NULL,
    date TEXT,
    date_start TEXT,
    date_end TEXT,
    date_precision TEXT,
    speaker TEXT NOT NULL,
    speaker_names TEXT NOT NULL,
    topics TEXT NOT NULL,
    metric TEXT REFERENCES metrics(id),
    attribution TEXT NOT NULL,
    statement TEXT NOT NULL,
    excerpt TEXT NOT NULL,
    excerpt_en TEXT NOT NULL,
    excerpt_en_original INTEGER NOT NULL,
    hedge TEXT,
    note TEXT,
    quantity_value REAL,
    quantity_low REAL,
    quantity_high REAL,
    quantity_unit TEXT,
    horizon_start TEXT,
    horizon_end TEXT,
    resolved TEXT,
    record TEXT NOT NULL,
    file TEXT NOT NULL,
    item INTEGER NOT NULL
);
CREATE INDEX facts_kind ON facts(kind);
CREATE INDEX facts_id_kind ON facts(id, kind);
CREATE INDEX facts_source ON facts(source);
CREATE INDEX facts_metric ON facts(metric);
CREATE INDEX facts_date ON facts(date_start, id);
CREATE TABLE fact_topics (
    fact TEXT NOT NULL REFERENCES facts(id),
    position INTEGER NOT NULL,
    topic TEXT NOT NULL REFERENCES topics(id),
    PRIMARY KEY (fact, position)
) WITHOUT ROWID;
CREATE INDEX fact_topics_topic ON fact_topics(topic, fact);
CREATE TABLE fact_speakers (
    fact TEXT NOT NULL REFERENCES facts(id),
    position INTEGER NOT NULL,
    entity TEXT NOT NULL REFERENCES entities(id),
    PRIMARY KEY (fact, position)
) WITHOUT ROWID;
CREATE INDEX fact_speakers_entity ON fact_speakers(entity, fact);
CREATE TABLE fact_cited (
    fact TEXT NOT NULL REFERENCES facts(id),
    position INTEGER NOT NULL,
    entity TEXT REFERENCES entities(id),
    work TEXT,
    date TEXT,
    url TEXT,
    PRIMARY KEY (fact, position)
) WITHOUT ROWID;
CREATE INDEX fact_cited_entity ON fact_cited(entity, fact);
CREATE TABLE fact_about (
    fact TEXT NOT NULL REFERENCES facts(id),
    position INTEGER NOT NULL,
    entity TEXT NOT NULL REFERENCES entities(id),
    PRIMARY KEY (fact, position)
) WITHOUT ROWID;
CREATE INDEX fact_about_entity ON fact_about(entity, fact);
CREATE TABLE fact_links (
    fact TEXT NOT NULL REFERENCES facts(id),
    position INTEGER NOT NULL,
    rel TEXT NOT NULL,
    target TEXT NOT NULL REFERENCES facts(id),
    note TEXT,
    PRIMARY KEY (fact, position)
) WITHOUT ROWID;
CREATE INDEX fact_links_target ON fact_links(target, fact);
CREATE TABLE resolutions (
    fact TEXT PRIMARY KEY REFERENCES facts(id),
    outcome TEXT NOT NULL,
    date TEXT NOT NULL,
    evidence TEXT NOT NULL,
    source TEXT REFERENCES sources(id),
    url TEXT,
    by TEXT,
    record TEXT NOT NULL
);
CREATE TABLE names (
    ns TEXT NOT NULL,
    key TEXT NOT NULL,
    weak INTEGER NOT NULL,
    id TEXT NOT NULL,
    PRIMARY KEY (ns, key, weak, id)
) WITHOUT ROWID;
CREATE TABLE lookups (
    ns TEXT NOT NULL,
    text TEXT NOT NULL,
    id TEXT,
    PRIMARY KEY (ns, text)
) WITHOUT ROWID;
"""

CACHE_SCHEMA = """
CREATE TABLE items (
    file TEXT NOT NULL REFERENCES files(path),
    kind TEXT NOT NULL,
    item INTEGER NOT NULL,
    id TEXT NOT NULL,
    override INTEGER NOT NULL,
    layer INTEGER NOT NULL,
    position TEXT NOT NULL,
    fact_kind TEXT,
    data BLOB NOT NULL,
    line INTEGER,
    lines BLOB NOT NULL,
    PRIMARY KEY (file, kind, item)
);
CREATE INDEX items_id ON items(kind, id);
CREATE INDEX items_order ON items(kind, layer, position, item, id);
CREATE TABLE pending (
    fact TEXT PRIMARY KEY
) WITHOUT ROWID;
CREATE TABLE fact_attributed (
    fact TEXT NOT NULL REFERENCES facts(id),
    position INTEGER NOT NULL,
    entity TEXT NOT NULL REFERENCES entities(id),
    PRIMARY KEY (fact, position)
) WITHOUT ROWID;
CREATE INDEX fact_attributed_entity ON fact_attributed(entity, fact);
CREATE INDEX facts_quantity ON facts(quantity_unit, metric, quantity_value, id);
CREATE TABLE derived (
    seq INTEGER PRIMARY KEY,
    command TEXT NOT NULL,
    key TEXT NOT NULL,
    body TEXT NOT NULL,
    size INTEGER NOT NULL,
    UNIQUE (command, key)
);
CREATE TABLE fact_rates (
    fact TEXT PRIMARY KEY REFERENCES facts(id),
    direction TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE fact_text (
    fact TEXT PRIMARY KEY REFERENCES facts(id),
    pretty TEXT NOT NULL,
    fast INTEGER NOT NULL,
    probability TEXT
);
CREATE TABLE fact_cells (
    id TEXT PRIMARY KEY REFERENCES facts(id),
    kind TEXT NOT NULL,
    source TEXT NOT NULL,
    date_start TEXT,
    date_end TEXT,
    fast INTEGER NOT NULL,
    claims TEXT NOT NULL,
    quote TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE postings (
    token TEXT NOT NULL,
    fact TEXT NOT NULL REFERENCES facts(id),
    field TEXT NOT NULL,
    count INTEGER NOT NULL,
    length INTEGER NOT NULL,
    PRIMARY KEY (token, fact, field)
) WITHOUT ROWID;
CREATE TABLE fact_lengths (
    fact TEXT PRIMARY KEY REFERENCES facts(id),
    {lengths}
) WITHOUT ROWID;
CREATE TABLE fact_tokens (
    fact TEXT PRIMARY KEY REFERENCES facts(id),
    tokens TEXT NOT NULL,
    fields TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE vocabulary (
    length INTEGER NOT NULL,
    token TEXT NOT NULL,
    PRIMARY KEY (length, token)
) WITHOUT ROWID;
""".replace("{lengths}", ",\n    ".join(f'"{name}" INTEGER NOT NULL' for name in SEARCH_FIELDS))

REFERENCE_KINDS = ("sources", "people", "organizations", "topics", "metrics")
_MODELS: dict[str, type[Any]] = dict(REFERENCE_FILES.values())
_FACT_TABLES = (
    "facts",
    "fact_topics",
    "fact_speakers",
    "fact_cited",
    "fact_about",
    "fact_links",
    "fact_attributed",
    "fact_rates",
    "fact_text",
    "fact_cells",
    "postings",
    "fact_lengths",
    "fact_tokens",
)
CHUNK = 20_000
"""Facts checked at a time in one process."""
PARALLEL_FILES = 32
PARALLEL_FACTS = 4_000
"""Below these, an update runs in one process (starting workers costs more than it saves)."""


# ---------------------------------------------------------------- rows


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _record_json(record: m.Model) -> str:
    return _dumps(record.model_dump(mode="json"))


def table_columns() -> dict[str, list[Any]]:
    """The table columns of ``claims`` and ``quote`` (the index stores their cells)."""
    from .views import TABLE_VIEWS

    return dict(TABLE_VIEWS)


def _cells(record: dict[str, Any], columns: Sequence[Any]) -> list[str]:
    from .render import safe_text

    return [safe_text(c.get(record)) for c in columns]


def _fact_text(
    kb: KnowledgeBase, f: m.FactBase, rec: dict[str, Any], said: Any
) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """What the fast path prints for a fact: its record as indented JSON (an item of a list,
    with :data:`DAILY` fields as placeholders) in ``fact_text``; its table cells, with the
    fields a table is filtered and sorted by, in ``fact_cells`` (a narrow table, so that a
    table of thousands of facts reads few pages); and in both whether it may print it at all:
    its record and cells must not change with the day except in the fields it fills in (a
    forecast's status, days to due and the resolution that stood that day)."""
    columns = table_columns()
    cells = {name: _cells(rec, cols) for name, cols in columns.items()}
    fast, shown = True, rec
    if f.kind is m.FactKind.forecast:
        early, late = (fact_record(kb, f, as_of=dt.date(y, 1, 1)) for y in (1900, 2999))
        daily = {k for k in early.keys() | late.keys() if early.get(k) != late.get(k)}
        fast = daily <= DAILY and all(_cells(early, c) == _cells(late, c) for c in columns.values())
        shown = {k: (PLACEHOLDER + k if k in DAILY else v) for k, v in rec.items()}
    pretty = "  " + json.dumps(shown, ensure_ascii=False, indent=2).replace("\n", "\n  ")
    fact_id, kind, source, _metric, date_start, date_end = filter_columns(f, said)
    return (f.id, pretty, int(fast)), (
        fact_id,
        kind,
        source,
        date_start,
        date_end,
        int(fast),
        CELL_SEPARATOR.join(cells["claims"]),
        CELL_SEPARATOR.join(cells["quote"]),
    )


def _link_rows(f: m.FactBase) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of a fact in the link tables."""
    return {
        "fact_topics": [(f.id, i, t) for i, t in enumerate(f.topics)],
        "fact_speakers": [(f.id, i, s) for i, s in enumerate(f.speaker)],
        "fact_cited": [
            (f.id, i, c.by, c.work, str(c.date) if c.date else None, c.url) for i, c in enumerate(f.cited)
        ],
        "fact_about": [(f.id, i, a) for i, a in enumerate(f.about)],
        "fact_links": [(f.id, i, x.rel.value, x.fact, x.note) for i, x in enumerate(f.links)],
    }


def _fact_rows(
    kb: KnowledgeBase, f: m.FactBase, file: str, item: int, *, cache: bool = False
) -> dict[str, list[tuple[Any, ...]]]:
    rec = fact_record(kb, f)
    said = kb.said(f)
    q = f.quantity
    forecast = f.kind is m.FactKind.forecast
    fact_id, kind, source, metric, date_start, date_end = filter_columns(f, said)
    row = (
        fact_id,
        kind,
        source,
        rec["source_title"],
        rec["date"],
        date_start,
        date_end,
        rec["date_precision"],
        _dumps(f.speaker),
        _dumps(rec["speaker_names"]),
        _dumps(f.topics),
        metric,
        f.attribution.value,
        f.statement,
        f.excerpt,
        f.excerpt_en,
        int(f.excerpt_en_original),
        f.hedge,
        f.note,
        q.value if q else None,
        q.low if q else None,
        q.high if q else None,
        q.unit if q else None,
        rec.get("horizon_start"),
        rec.get("horizon_end"),
        resolutions_json(kb, f.id) if forecast else None,
        _dumps(rec),
        file,
        item,
    )
    out: dict[str, list[tuple[Any, ...]]] = {"facts": [row], **_link_rows(f)}
    if cache:
        text, cells = _fact_text(kb, f, rec, said)
        probability = None
        if forecast:  # what show prints (None: a hedges.yaml has problems)
            if "hedges" not in _SHARED:  # read once per process, when a forecast is written
                _SHARED["hedges"] = _hedge_table(_SHARED["hedge_dirs"])
            table = _SHARED["hedges"]
            if table is not None:
                from .hedges import estimate

                assert isinstance(f, m.Forecast)
                probability = _dumps(estimate(table, f).record())
        text = (*text, probability)
        out["fact_text"], out["fact_cells"] = [text], [cells]
        out["fact_attributed"] = [(f.id, i, a) for i, a in enumerate(f.attributed_to)]
        out["fact_rates"] = [(f.id, f.rate.direction.value)] if f.rate is not None else []
        counts, lengths = document_postings(search_fields(kb, f))
        out["postings"] = [
            (token, f.id, name, count, lengths[name])
            for name, counter in counts.items()
            for token, count in counter.items()
        ]
        tokens = "\n".join(sorted({t for counter in counts.values() for t in counter}))
        out["fact_lengths"] = [(f.id, *(lengths[name] for name in SEARCH_FIELDS))]
        out["fact_tokens"] = [(f.id, tokens, "\t".join(field_tokens(counts)))]
    return out


_BOOST_LIST = ", ".join(f"'{name}'" for name in sorted(BOOST_FIELDS))
_TEXT_LATIN = f"unicode(token) < 128 AND instr(token, ' ') = 0 AND field NOT IN ({_BOOST_LIST})"
"""Postings of English tokens in text fields: the vocabulary typos are looked up in (as
:func:`aitrends.search.is_latin` and :data:`~aitrends.search.BOOST_FIELDS` say)."""


def _tokens_of(con: sqlite3.Connection, ids: Sequence[str]) -> set[tuple[str, str]]:
    """(token, fact) of every posting of the facts ``ids`` (as ``fact_tokens`` lists them:
    postings are keyed by token, so that a fact's are found through its list)."""
    out: set[tuple[str, str]] = set()
    for fact_id in ids:
        for (text,) in con.execute("SELECT tokens FROM fact_tokens WHERE fact = ?", (fact_id,)):
            out.update((token, fact_id) for token in text.split("\n") if token)
    return out


def _update_vocabulary(con: sqlite3.Connection, candidates: set[str] | None) -> None:
    """Bring ``vocabulary`` up to date for the tokens whose postings changed (None: all)."""
    if candidates is None:
        con.execute("DELETE FROM vocabulary")
        con.execute(
            "INSERT INTO vocabulary SELECT DISTINCT length(token), token FROM postings "
            f"WHERE {_TEXT_LATIN} ORDER BY 1, 2"
        )
        return
    for token in sorted(t for t in candidates if is_latin(t)):
        used = con.execute(f"SELECT 1 FROM postings WHERE token = ? AND {_TEXT_LATIN} LIMIT 1", (token,))
        if used.fetchone() is None:
            con.execute("DELETE FROM vocabulary WHERE length = ? AND token = ?", (len(token), token))
        else:
            con.execute("INSERT OR IGNORE INTO vocabulary VALUES (?, ?)", (len(token), token))


def search_stats(con: sqlite3.Connection) -> str:
    """The number of facts and the total length of each search field, as JSON (kept in ``meta``
    for :class:`aitrends.textsearch.IndexPostings`)."""
    sums = ", ".join(f'total("{name}")' for name in SEARCH_FIELDS)
    n, *totals = con.execute(f"SELECT count(*), {sums} FROM fact_lengths").fetchone()
    return _dumps([n, {name: int(t) for name, t in zip(SEARCH_FIELDS, totals, strict=True)}])


_REFERENCE_TABLES = (
    "entities",
    "people",
    "organizations",
    "topics",
    "metrics",
    "sources",
    "names",
    "lookups",
)


def _reference_rows(kb: KnowledgeBase) -> dict[str, list[tuple[Any, ...]]]:
    out: dict[str, list[tuple[Any, ...]]] = {t: [] for t in _REFERENCE_TABLES}
    for kind, type_ in (("people", "person"), ("organizations", "organization")):
        for e in sorted(kb.table(kind).values(), key=lambda r: r.id):
            names = [n for n in (e.name_en, e.name_zh_hans, e.name_zh_hant, *e.aliases) if n]
            out["entities"].append((e.id, type_, e.name_en, e.name_zh_hans or e.name_zh_hant, _dumps(names)))
            common = (e.id, e.name_en, e.name_zh_hans, e.name_zh_hant, _dumps(e.aliases))
            if isinstance(e, m.Person):
                roles = _dumps([r.model_dump(mode="json") for r in e.roles])
                out["people"].append((*common, roles, e.notes, _record_json(e)))
            else:
                out["organizations"].append(
                    (*common, e.kind.value, e.country, e.parent, e.notes, _record_json(e))
                )
    for t in kb.topics:
        out["topics"].append(
            (t.id, t.label_en, t.label_zh, _dumps(t.aliases), t.parent, t.description, _record_json(t))
        )
    for x in kb.metrics:
        out["metrics"].append(
            (
                x.id,
                x.label_en,
                x.label_zh,
                _dumps(x.aliases),
                _dumps(x.topics),
                x.parent,
                x.unit,
                x.description,
                _record_json(x),
            )
        )
    for s in kb.sources:
        out["sources"].append(
            (
                s.id,
                s.title,
                s.title_en,
                s.kind.value,
                _dumps([lang.value for lang in s.language]),
                s.outlet,
                s.platform,
                str(s.published) if s.published else None,
                s.url,
                _record_json(s),
            )
        )
    for ns in ("entities", "topics", "sources", "metrics"):
        index = kb._index(ns)
        for weak, keys in ((0, index.strong), (1, index.weak)):
            for key, ids in sorted(keys.items()):
                out["names"] += [(ns, key, weak, i) for i in sorted(ids)]
        # every name as written, looked up now as KnowledgeBase.resolve would look it up
        texts: set[str] = set()
        for kind in ("people", "organizations") if ns == "entities" else (ns,):
            for rec in kb.table(kind).values():
                texts.update(_names(rec, kb))
                texts.update(_words(rec, kb))
        for text in sorted(t for t in texts if t.strip()):
            found = index.lookup(text).ids
            out["lookups"].append((ns, text, found[0] if len(found) == 1 else None))
    return out


def in_memory(kb: KnowledgeBase) -> sqlite3.Connection:
    """The tables the reference records and citations are read from (:mod:`aitrends.reference`,
    :mod:`aitrends.cite`), for a knowledge base already loaded, in memory, written by the same
    code as the index without reading any file: the reference tables, the link tables and the
    facts' filter columns (:data:`aitrends.query.FILTER_SCHEMA`; not their records, which these
    do not read and which would cost a second a thousand facts)."""
    import re

    from .query import FILTER_SCHEMA

    wanted = {*_REFERENCE_TABLES, "fact_topics", "fact_speakers", "fact_cited", "fact_about", "fact_links"}
    script = []
    for schema, tables in ((FILTER_SCHEMA, {"facts"}), (SCHEMA, wanted)):
        for statement in schema.split(";"):
            found = re.search(r"CREATE (?:TABLE|INDEX \w+ ON) (\w+)", statement)
            if found and found.group(1) in tables:
                script.append(statement.strip() + ";")
    con = sqlite3.connect(":memory:", check_same_thread=False)
    con.executescript("\n".join(script))
    for table, rows in _reference_rows(kb).items():
        _insert(con, table, rows)
    for f in kb.all_facts:
        _insert(con, "facts", [filter_columns(f, kb.said(f))])
        for table, rows in _link_rows(f).items():
            _insert(con, table, rows)
    return con


def _resolution_rows(kb: KnowledgeBase) -> list[tuple[Any, ...]]:
    return [
        (r.fact, r.outcome.value, str(r.date), r.evidence, r.source, r.url, r.by, _record_json(r))
        for _, r in sorted(kb.resolutions.items())
    ]


def _insert(con: sqlite3.Connection, table: str, rows: Sequence[tuple[Any, ...]]) -> None:
    if rows:
        marks = ",".join("?" * len(rows[0]))
        con.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)


def _create(con: sqlite3.Connection, *, cache: bool) -> None:
    con.executescript(SCHEMA + (CACHE_SCHEMA if cache else ""))
    con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _write_meta(con: sqlite3.Connection, meta: dict[str, str]) -> None:
    con.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", sorted(meta.items()))


# ---------------------------------------------------------------- the cache


@dataclass
class Stats:
    """What :func:`refresh` did."""

    full: bool = False
    """The index was built from scratch (missing, foreign, corrupt, or of other code)."""
    files_read: list[str] = field(default_factory=list)
    files_removed: list[str] = field(default_factory=list)
    facts_checked: int = 0
    """Facts re-checked and rewritten."""
    valid: bool = False
    """The knowledge base has no problems (else the index is not used)."""
    seconds: float = 0.0


def refresh(path: str | os.PathLike[str], s: Scan, *, workers: int | None = None) -> Stats:
    """Bring the index at ``path`` up to date with the files of ``s``.

    Only changed, added and removed files are read; a missing, foreign, corrupt or outdated
    database is rebuilt (in a temporary file, then renamed). ``workers`` processes read files
    and check facts when there are many (default: the CPUs available).
    """
    start = time.perf_counter()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _terminate_cleanly(), _lock(path):
        con = connect(path)
        state: Freshness | None = None
        if con is not None:
            try:
                state = freshness(con, s)
                if state.usable:
                    stats = _update(con, s, state, workers)
            except sqlite3.DatabaseError:
                state = None
            finally:
                con.close()
        if state is None or not state.usable:
            stats = _rebuild(path, s, workers)
    stats.seconds = time.perf_counter() - start
    return stats


@contextlib.contextmanager
def _lock(path: Path) -> Iterator[None]:
    """One process at a time updates an index; the others wait, then find it fresh. A wait
    longer than :func:`~aitrends.config.lock_timeout` (a process stopped with Ctrl-Z while it
    holds the lock) raises :class:`~aitrends.cache.LockTimeout`."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: updates still replace atomically
        yield
        return
    fd = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + lock_timeout()
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeout(f"the index {path} is locked by another process") from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)


def _rebuild(path: Path, s: Scan, workers: int | None) -> Stats:
    # under the lock no other build of this index runs: a temporary file is a killed build's
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        stale.unlink(missing_ok=True)
    with atomic_path(path, force=True) as tmp:
        con = sqlite3.connect(tmp, isolation_level=None)
        try:
            con.execute("PRAGMA journal_mode = OFF")
            con.execute("PRAGMA synchronous = OFF")
            stats = build(con, s, workers=workers)
            con.execute("PRAGMA journal_mode = DELETE")
        finally:
            con.close()
    return stats


def build(con: sqlite3.Connection, s: Scan, *, workers: int | None = None) -> Stats:
    """Build the index of the files of ``s`` from scratch into the empty database ``con`` (a
    file being built, or ``:memory:`` for :func:`aitrends.store.in_memory`)."""
    _create(con, cache=True)
    stats = _update(con, s, Freshness(usable=True, changed=list(s.files)), workers)
    stats.full = True
    return stats


class _Partial(KnowledgeBase):
    """Every reference record and resolution, but only some facts as models; the checks see
    every other fact by id and kind only (through :class:`_Facts`)."""

    facts_view: dict[str, Any] | None = None

    def problems(self) -> list[Any]:
        return []  # from_raw merges only; the checks run with the facts view in place

    def table(self, kind: str) -> dict[str, Any]:
        if kind == "facts" and self.facts_view is not None:
            return self.facts_view
        return super().table(kind)


class _Known:
    """A fact that is not being checked: its id and kind (what checks of others look at)."""

    __slots__ = ("id", "kind")

    def __init__(self, fact_id: str, kind: m.FactKind) -> None:
        self.id, self.kind = fact_id, kind


class _Facts(dict[str, Any]):
    """The facts being checked, as models, plus every other fact's kind by id."""

    def __init__(self, models: dict[str, Any], kinds: dict[str, str] | _Kinds) -> None:
        super().__init__(models)
        self.kinds = kinds

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, key) or key in self.kinds

    def get(self, key: str, default: Any = None) -> Any:
        if dict.__contains__(self, key):
            return self[key]
        kind = self.kinds.get(key)
        return default if kind is None else _Known(key, m.FactKind(kind))


class _Kinds:
    """The kind of every fact by id: those merged in this update, else as the index has them
    (looked up when asked, so that an update of a few facts does not read them all)."""

    def __init__(self, con: sqlite3.Connection, overlay: dict[str, str | None]) -> None:
        self.con, self.overlay = con, overlay

    def get(self, key: str, default: Any = None) -> Any:
        if key in self.overlay:
            kind = self.overlay[key]
        else:
            row = self.con.execute("SELECT kind FROM facts WHERE id = ?", (key,)).fetchone()
            kind = row[0] if row else None
        return default if kind is None else kind

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def as_dict(self) -> dict[str, str]:
        out = dict(self.con.execute("SELECT id, kind FROM facts").fetchall())
        for key, kind in self.overlay.items():
            if kind is None:
                out.pop(key, None)
            else:
                out[key] = kind
        return out


class _Stub:
    """A fact item for merging layers: id, override, kind, and where its record is stored."""

    __slots__ = ("id", "override", "kind", "file", "item")

    def __init__(self, fact_id: str, override: bool, kind: str, file: str, item: int) -> None:
        self.id, self.override, self.kind, self.file, self.item = fact_id, override, kind, file, item


def _hedge_table(dirs: Sequence[str]) -> Any:
    """The hedge words of the data directories ``dirs`` (:func:`aitrends.hedges.load_table`),
    or None when a ``hedges.yaml`` has problems (``validate`` and the commands that need the
    table report them)."""
    from .hedges import load_table

    try:
        return load_table([Path(d) for d in dirs])
    except DataError:
        return None


def _origin(tag: str, layer: int) -> Origin:
    return Origin(tag, None, layer, ())


# state shared with worker processes (inherited when they are forked)
_SHARED: dict[str, Any] = {}


def _fact_adapter() -> TypeAdapter[Any]:
    if "adapter" not in _SHARED:
        from pydantic import TypeAdapter

        _SHARED["adapter"] = TypeAdapter(m.Fact)
    return _SHARED["adapter"]  # type: ignore[no-any-return]


def _read_file(path: str, layer: int, other: bool = False) -> tuple[str, int, int, list[tuple[Any, ...]]]:
    """Hash and load one file: its sha256, its number of problems and of facts (valid or not,
    for the ``max_facts`` limit), and its records as rows of ``items`` (kind, item, id,
    override, fact kind, data, line, and the lines of its fields: the record's
    :class:`~aitrends.loader.Origin`, for :mod:`aitrends.hydrate`). A file of
    :data:`~aitrends.config.OTHER_FILES` (``other``) is only hashed."""
    digest = file_sha256(path)  # before reading: a change while reading is seen next time
    if other:  # hedges.yaml: read by its own module when the facts are checked (_hedge_table)
        return digest, 0, 0, []
    raw = RawData(dirs=[], limits=Limits.resolve())  # $AITRENDS_MAX_...: see aitrends.store
    load_file(Path(path), raw, layer)
    rows = []
    for kind in (*REFERENCE_KINDS, "facts", "resolutions"):
        bucket = raw.bucket(kind)
        for obj, origin in zip(bucket.items, bucket.where, strict=True):
            key = obj.fact if kind == "resolutions" else obj.id
            dump = obj.model_dump(mode="json")
            if kind in REFERENCE_KINDS and obj.override:
                dump["override"] = True  # not dumped; a fact's is not kept (see _check_task)
            data = _dumps(dump).encode()
            if kind == "facts":  # the bulk: kept compressed; the rest is read on every update
                data = zlib.compress(data, 1)
            fact_kind = obj.kind.value if kind == "facts" else None
            override = int(getattr(obj, "override", False))
            lines = encode_lines(origin.lines)
            rows.append((kind, origin.path[1], key, override, fact_kind, data, origin.line, lines))
    return digest, len(raw.problems), raw.fact_count, rows


def encode_lines(lines: dict[tuple[str | int, ...], int]) -> bytes:
    """The lines of a record's fields (:attr:`aitrends.loader.Origin.lines`) as stored in
    ``items``: compressed JSON pairs of path and line (empty when there are none)."""
    if not lines:
        return b""
    return zlib.compress(_dumps([[list(path), line] for path, line in lines.items()]).encode(), 1)


def decode_lines(blob: bytes) -> dict[tuple[str | int, ...], int]:
    """The inverse of :func:`encode_lines`."""
    if not blob:
        return {}
    import sys

    intern = sys.intern
    return {
        tuple(intern(p) if isinstance(p, str) else p for p in path): line
        for path, line in json.loads(zlib.decompress(blob))
    }


def _read_file_task(args: tuple[str, int, bool]) -> tuple[str, int, int, list[tuple[Any, ...]]]:
    return _read_file(*args)


def _pool_size(workers: int | None, size: int, threshold: int) -> int:
    """How many processes to use for ``size`` pieces of work: 1 below ``threshold``."""
    import multiprocessing

    if size < threshold or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if workers is None:
        workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, workers)


def _pool(workers: int | None, size: int, threshold: int) -> tuple[Any, int]:
    """A pool of forked worker processes and its size when the work is large enough, else (None, 1)."""
    n = _pool_size(workers, size, threshold)
    if n < 2:
        return None, 1
    import multiprocessing

    return multiprocessing.get_context("fork").Pool(n, initializer=_worker_signals), n


def _worker_signals() -> None:
    """A worker leaves interrupts to its parent: Ctrl-C (sent to the whole process group) is
    ignored, and the SIGTERM with which the parent's pool ends it kills it quietly."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


class _Terminated(KeyboardInterrupt):
    """SIGTERM arrived during an update of the index: unwound like Ctrl-C, then re-sent."""


@contextlib.contextmanager
def _terminate_cleanly() -> Iterator[None]:
    """While the block runs, SIGTERM unwinds it like Ctrl-C (the temporary database removed,
    a transaction rolled back, the workers ended), then kills the process as SIGTERM would."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise _Terminated

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    except _Terminated:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)
        raise  # pragma: no cover - not reached: the process ends above
    finally:
        signal.signal(signal.SIGTERM, previous)


def _update(con: sqlite3.Connection, s: Scan, state: Freshness, workers: int | None) -> Stats:
    """Re-read the changed files, re-merge and re-check what they can affect, rewrite it."""
    stats = Stats(files_read=[f.path for f in state.changed], files_removed=list(state.removed))
    now = time.time_ns()
    columns = table_columns()  # imported before any worker is forked
    con.execute("BEGIN IMMEDIATE")
    try:
        gone = [f.path for f in state.changed] + state.removed
        refs_may_change = not state.valid or any(
            row[0].startswith("0:")
            for path in gone
            for row in con.execute("SELECT position FROM files WHERE path = ?", (path,))
        )
        refs_may_change |= any(f.order.startswith("0:") for f in state.changed)
        hedges_changed = any(f.order.startswith(OTHER) for f in state.changed) or any(
            row[0].startswith(OTHER)
            for path in state.removed
            for row in con.execute("SELECT position FROM files WHERE path = ?", (path,))
        )
        changed_ids = _fact_ids_of(con, gone)
        con.execute("DELETE FROM derived")  # the analyses of the old data (aitrends.analyses)
        con.executemany("DELETE FROM items WHERE file = ?", [(p,) for p in gone])
        con.executemany("DELETE FROM files WHERE path = ?", [(p,) for p in state.removed])
        work = [(f.path, f.layer, f.order.startswith(OTHER)) for f in state.changed]
        pool, _ = _pool(workers, len(work), PARALLEL_FILES)
        with pool if pool is not None else contextlib.nullcontext():
            read = pool.imap(_read_file_task, work, chunksize=8) if pool else map(_read_file_task, work)
            for f, (digest, problems, facts, rows) in zip(state.changed, read, strict=True):
                stat = (f.path, f.layer, f.order, f.size, f.mtime_ns, f.ctime_ns, f.inode)
                con.execute(
                    "INSERT OR REPLACE INTO files VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (*stat, digest, now, problems, facts),
                )
                con.executemany(
                    "INSERT INTO items VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    [
                        (f.path, kind, i, key, ov, f.layer, f.order, fk, data, line, lines)
                        for kind, i, key, ov, fk, data, line, lines in rows
                    ],
                )
                changed_ids.update(row[2] for row in rows if row[0] == "facts")
        con.executemany(
            "UPDATE files SET size=?, mtime_ns=?, ctime_ns=?, inode=?, checked_ns=? WHERE path=?",
            [(f.size, f.mtime_ns, f.ctime_ns, f.inode, now, f.path) for f, _ in state.touched],
        )
        if hedges_changed:  # every forecast's probability may change
            changed_ids.update(
                r[0]
                for r in con.execute("SELECT id FROM items WHERE kind = 'facts' AND fact_kind = 'forecast'")
            )
        _SHARED["hedge_dirs"] = s.dirs
        try:
            stats.valid = _reindex(con, changed_ids, refs_may_change, workers, stats)
        finally:
            _SHARED.pop("hedge_dirs", None)
            _SHARED.pop("hedges", None)
        meta = expected_meta(s) | {"valid": "1" if stats.valid else "0"}
        for name, cols in columns.items():
            meta[f"columns.{name}"] = _dumps([[c.header, c.ratio, c.no_wrap] for c in cols])
        meta["facts"] = str(con.execute("SELECT count(*) FROM facts").fetchone()[0])
        meta["search"] = search_stats(con)
        _write_meta(con, meta)
        con.execute("COMMIT")
    except BaseException:
        if con.in_transaction:
            con.execute("ROLLBACK")
        raise
    return stats


def _fact_ids_of(con: sqlite3.Connection, files: Sequence[str]) -> set[str]:
    out: set[str] = set()
    for path in files:
        out.update(
            r[0] for r in con.execute("SELECT id FROM items WHERE file = ? AND kind = 'facts'", (path,))
        )
    return out


def _reindex(
    con: sqlite3.Connection, changed_ids: set[str], refs_may_change: bool, workers: int | None, stats: Stats
) -> bool:
    """Merge, check and rewrite the facts that may have changed; return whether the knowledge
    base is valid. When it is not, nothing derived is written and the facts stay pending.

    ``refs_may_change`` is False when no reference file changed since the index was last
    valid: the reference records written then are still right."""
    merge_ids = changed_ids | {r[0] for r in con.execute("SELECT fact FROM pending")}

    def fail(more: set[str] = frozenset()) -> bool:  # type: ignore[assignment]
        con.execute("DELETE FROM pending")
        con.executemany("INSERT INTO pending VALUES (?)", [(i,) for i in sorted(merge_ids | more)])
        return False

    problems, facts = con.execute(
        "SELECT count(*) FILTER (WHERE problems > 0), sum(facts) FROM files"
    ).fetchone()
    if problems or (facts or 0) > Limits.resolve().max_facts:
        return fail()
    refs, resolutions = _reference_items(con)
    stubs = Loaded()
    for fact_id, override, file, item, layer, kind in _items_with_ids(con, merge_ids):
        stubs.items.append(_Stub(fact_id, bool(override), kind, file, item))
        stubs.where.append(_origin("fact", layer))
    try:
        merged = _Partial.from_raw(_raw(refs, resolutions, stubs))
    except DataError:
        return fail()
    winners: dict[str, _Stub] = merged.table("facts")

    # what changed among the reference records and resolutions
    changed_refs: set[str] = set()
    if refs_may_change:
        new_refs = {(k, r.id): _record_json(r) for k in REFERENCE_KINDS for r in merged.table(k).values()}
        old_refs = {
            (k, i): rec for k in REFERENCE_KINDS for i, rec in con.execute(f"SELECT id, record FROM {k}")
        }
        changed_refs = {key[1] for key in new_refs.keys() ^ old_refs.keys()}
        changed_refs |= {
            key[1] for key in new_refs.keys() & old_refs.keys() if new_refs[key] != old_refs[key]
        }
    new_res = {r.fact: _record_json(r) for r in merged.resolutions.values()}
    old_res = dict(con.execute("SELECT fact, record FROM resolutions").fetchall())
    changed_res = {k for k in new_res.keys() | old_res.keys() if new_res.get(k) != old_res.get(k)}
    # and among their histories (a superseded resolution decides a forecast's past days)
    new_history = {
        k: resolutions_json(merged, k) for k in merged.resolutions.keys() | merged.resolution_history.keys()
    }
    old_history = dict(con.execute("SELECT id, resolved FROM facts WHERE resolved IS NOT NULL").fetchall())
    changed_history = {
        k for k in new_history.keys() | old_history.keys() if new_history.get(k) != old_history.get(k)
    }

    kinds = _Kinds(con, dict.fromkeys(merge_ids) | {i: stub.kind for i, stub in winners.items()})

    # the facts to re-check: changed ones, and those an outside change can affect
    where: dict[str, tuple[str, int]] = {i: (stub.file, stub.item) for i, stub in winners.items()}
    affected = (
        _referring(con, changed_refs)
        | {i for i in changed_res | changed_history if i in kinds}
        | _linking(con, merge_ids)
    )
    for fact_id in sorted(affected - merge_ids):
        row = con.execute("SELECT file, item FROM facts WHERE id = ?", (fact_id,)).fetchone()
        if row is not None:
            where[fact_id] = (row[0], row[1])
    stats.facts_checked = len(where)

    con.execute("SAVEPOINT derived")
    rewritten = sorted(merge_ids | where.keys())
    first = con.execute("SELECT 1 FROM facts LIMIT 1").fetchone() is None  # a build from scratch
    old_postings = set() if first else _tokens_of(con, rewritten)
    con.executemany("DELETE FROM postings WHERE token = ? AND fact = ?", sorted(old_postings))
    for table in _FACT_TABLES:
        if table != "postings":
            column = "id" if table in ("facts", "fact_cells") else "fact"
            con.executemany(f"DELETE FROM {table} WHERE {column} = ?", [(i,) for i in rewritten])
    if first:  # postings are written in any order, then copied in key order (much faster)
        con.execute("DROP TABLE IF EXISTS temp.postings_staging")
        con.execute("CREATE TEMP TABLE postings_staging AS SELECT * FROM postings WHERE 0")
    _SHARED.update(refs=refs, resolutions=resolutions, kinds=kinds)
    try:
        ok = _check_and_write(con, sorted(where.items()), workers, staging=first)
    finally:
        for key in ("refs", "resolutions", "kinds"):
            _SHARED.pop(key, None)
    if not ok:
        con.execute("ROLLBACK TO derived")
        con.execute("RELEASE derived")
        return fail(set(where))
    if first:
        con.execute("INSERT INTO postings SELECT * FROM temp.postings_staging ORDER BY token, fact, field")
        con.execute("DROP TABLE temp.postings_staging")
        _update_vocabulary(con, None)
    else:
        _update_vocabulary(con, {t for t, _ in old_postings | _tokens_of(con, rewritten)})
    if changed_refs:
        for table in _REFERENCE_TABLES:
            con.execute(f"DELETE FROM {table}")
        for table, table_rows in _reference_rows(merged).items():
            _insert(con, table, table_rows)
    if changed_res:
        con.execute("DELETE FROM resolutions")
        _insert(con, "resolutions", _resolution_rows(merged))
    con.execute("DELETE FROM pending")
    con.execute("RELEASE derived")
    return True


def _check_and_write(
    con: sqlite3.Connection,
    todo: list[tuple[str, tuple[str, int]]],
    workers: int | None,
    *,
    staging: bool = False,
) -> bool:
    """Check the facts ``todo`` (and every reference record and resolution) a part at a time,
    writing their rows as they come (postings to ``postings_staging`` with ``staging``);
    False at the first problem."""
    n = _pool_size(workers, len(todo), PARALLEL_FACTS)
    if n > 1:
        _SHARED["kinds"] = _SHARED["kinds"].as_dict()  # the workers cannot share the connection
        size = max(500, min(5_000, len(todo) // (4 * n) + 1))
    else:
        size = CHUNK
    data = _chunk_items(con, todo)
    parts = [data[i : i + size] for i in range(0, len(data), size)] or [[]]
    pool, n = _pool(workers, len(todo), PARALLEL_FACTS)
    with pool if pool is not None else contextlib.nullcontext():
        results = pool.imap(_check_task, parts) if pool is not None else map(_check_task, parts)
        for rows in results:
            if rows is None:
                return False
            for table, table_rows in rows.items():
                _insert(
                    con, "temp.postings_staging" if staging and table == "postings" else table, table_rows
                )
    return True


def _reference_items(con: sqlite3.Connection) -> tuple[dict[str, Loaded], Loaded]:
    """Every reference record and resolution stored, as models, in load order (validated a
    kind at a time: one call per kind instead of one per record)."""
    data: dict[str, list[bytes]] = {k: [] for k in (*REFERENCE_KINDS, "resolutions")}
    layers: dict[str, list[int]] = {k: [] for k in data}
    rows = con.execute(
        "SELECT kind, layer, data FROM items WHERE kind IN (?, ?, ?, ?, ?, 'resolutions') "
        "ORDER BY layer, position, item",
        REFERENCE_KINDS,
    )
    for kind, layer, blob in rows:
        data[kind].append(blob)
        layers[kind].append(layer)
    loaded = {k: Loaded() for k in data}
    for kind, blobs in data.items():
        if blobs:
            loaded[kind].items = _list_adapter(kind).validate_json(b"[" + b",".join(blobs) + b"]")
            loaded[kind].where = [_origin(kind, layer) for layer in layers[kind]]
    resolutions = loaded.pop("resolutions")
    return loaded, resolutions


def models_of(con: sqlite3.Connection, ids: set[str]) -> KnowledgeBase:
    """A knowledge base of every reference record and resolution, and of the facts ``ids``
    only, as models made from the records the index stores (validated when they were stored;
    the index holds a valid knowledge base, so the checks are not run again). What an analysis
    of some facts needs without reading the YAML (the SQLite export's trends)."""
    refs, resolutions = _reference_items(con)
    places = [
        (fact_id, (file, item))
        for fact_id, file, item in con.execute("SELECT id, file, item FROM facts ORDER BY id")
        if fact_id in ids
    ]
    adapter = _fact_adapter()
    facts = Loaded()
    for _file, _item, data in _chunk_items(con, places):
        facts.items.append(adapter.validate_json(zlib.decompress(data)))
        facts.where.append(_origin("fact", 0))
    return _Partial.from_raw(_raw(refs, resolutions, facts))


def _list_adapter(kind: str) -> TypeAdapter[Any]:
    key = f"list-{kind}"
    if key not in _SHARED:
        from pydantic import TypeAdapter

        model = m.Resolution if kind == "resolutions" else _MODELS[kind]
        _SHARED[key] = TypeAdapter(list[model])  # type: ignore[valid-type]
    return _SHARED[key]  # type: ignore[no-any-return]


def _items_with_ids(con: sqlite3.Connection, ids: set[str]) -> list[tuple[str, int, str, int, int, str]]:
    """(id, override, file, item, layer, kind) of every fact item with one of ``ids``, in load order."""
    con.execute("CREATE TEMP TABLE IF NOT EXISTS wanted (id TEXT PRIMARY KEY) WITHOUT ROWID")
    con.execute("DELETE FROM wanted")
    con.executemany("INSERT OR IGNORE INTO wanted VALUES (?)", [(i,) for i in ids])
    rows = con.execute(
        "SELECT i.id, i.override, i.file, i.item, i.layer, i.fact_kind "
        "FROM items i JOIN wanted w ON w.id = i.id "
        "WHERE i.kind = 'facts' ORDER BY i.layer, i.position, i.item"
    ).fetchall()
    con.execute("DELETE FROM wanted")
    return rows


def _referring(con: sqlite3.Connection, ids: set[str]) -> set[str]:
    """Facts that name any of ``ids`` as source, metric, topic, speaker, origin or subject."""
    if not ids:
        return set()
    con.execute("CREATE TEMP TABLE IF NOT EXISTS wanted (id TEXT PRIMARY KEY) WITHOUT ROWID")
    con.execute("DELETE FROM wanted")
    con.executemany("INSERT OR IGNORE INTO wanted VALUES (?)", [(i,) for i in ids])
    rows = con.execute(
        "SELECT f.id FROM facts f JOIN wanted w ON w.id = f.source "
        "UNION SELECT f.id FROM facts f JOIN wanted w ON w.id = f.metric "
        "UNION SELECT fact FROM fact_topics JOIN wanted ON wanted.id = topic "
        "UNION SELECT fact FROM fact_speakers JOIN wanted ON wanted.id = entity "
        "UNION SELECT fact FROM fact_cited JOIN wanted ON wanted.id = entity "
        "UNION SELECT fact FROM fact_about JOIN wanted ON wanted.id = entity"
    ).fetchall()
    con.execute("DELETE FROM wanted")
    return {r[0] for r in rows}


def _linking(con: sqlite3.Connection, ids: set[str]) -> set[str]:
    """Facts that link to any of ``ids``."""
    if not ids:
        return set()
    con.execute("CREATE TEMP TABLE IF NOT EXISTS wanted (id TEXT PRIMARY KEY) WITHOUT ROWID")
    con.execute("DELETE FROM wanted")
    con.executemany("INSERT OR IGNORE INTO wanted VALUES (?)", [(i,) for i in ids])
    rows = con.execute("SELECT fact FROM fact_links JOIN wanted ON wanted.id = target").fetchall()
    con.execute("DELETE FROM wanted")
    return {r[0] for r in rows}


def _chunk_items(
    con: sqlite3.Connection, todo: Sequence[tuple[str, tuple[str, int]]]
) -> list[tuple[str, int, bytes]]:
    """(file, item, data) of the stored records of the facts ``todo``."""
    if len(todo) > 1_000:  # many: one pass over the table beats a query each
        wanted = {place for _, place in todo}
        found = {
            (file, item): data
            for file, item, data in con.execute("SELECT file, item, data FROM items WHERE kind = 'facts'")
            if (file, item) in wanted
        }
        return [(file, item, found[(file, item)]) for _, (file, item) in todo]
    out = []
    for _fact_id, (file, item) in todo:
        row = con.execute(
            "SELECT data FROM items WHERE file = ? AND kind = 'facts' AND item = ?", (file, item)
        ).fetchone()
        out.append((file, item, row[0]))
    return out


def _raw(refs: dict[str, Loaded], resolutions: Loaded, facts: Loaded) -> RawData:
    raw = RawData(dirs=[])
    for kind, loaded in refs.items():
        setattr(raw, kind, loaded)
    raw.resolutions = resolutions
    raw.facts = facts
    return raw


def _check_task(chunk: list[tuple[str, int, bytes]]) -> dict[str, list[tuple[Any, ...]]] | None:
    """Check some facts against everything else; their rows when no problem is found, else None."""
    adapter = _fact_adapter()
    facts = Loaded()
    places = {}
    for file, item, data in chunk:
        fact = adapter.validate_json(zlib.decompress(data))
        facts.items.append(fact)
        facts.where.append(_origin("fact", 0))
        places[fact.id] = (file, item)
    try:
        kb = _Partial.from_raw(_raw(_SHARED["refs"], _SHARED["resolutions"], facts))
    except DataError:
        return None
    assert isinstance(kb, _Partial)
    models = KnowledgeBase.table(kb, "facts")
    kb.facts_view = _Facts(models, _SHARED["kinds"])
    if KnowledgeBase.problems(kb):
        return None
    out: dict[str, list[tuple[Any, ...]]] = {t: [] for t in _FACT_TABLES}
    for fact in facts.items:
        try:
            rows_of = _fact_rows(kb, fact, *places[fact.id], cache=True)
        except Exception:  # noqa: BLE001 - a record the CLI cannot show either: leave it to the CLI
            if debug_enabled():
                raise
            return None
        for table, rows in rows_of.items():
            out[table] += rows
    return out
