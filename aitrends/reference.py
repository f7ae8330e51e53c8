"""Reference data answered from the compiled index: the listings ``sources``, ``people``,
``organizations``, ``topics`` and ``metrics``, and the profiles ``person`` and ``source``.

The one implementation: the fast path (:mod:`aitrends.fastpath`, through ``HANDLERS``) and the
typer commands (``aitrends.cli.reference``, ``aitrends.cli.find``) call the same functions on
the same index (cached, or built in memory with ``--no-cache``: :mod:`aitrends.store`), and the
Python API's data frames and exports (:func:`aitrends.frames.reference_rows`) read the same
records. A record is the stored JSON of the reference record (``record``, its model as JSON)
with the display names of what it links to and its facts counted by SQL aggregates.

On the hot path: the standard library, :mod:`aitrends.cache`, :mod:`aitrends.query`,
:mod:`aitrends.render`, :mod:`aitrends.tables` and :mod:`aitrends.output` only.
"""

from __future__ import annotations

import json
from collections import Counter

from . import cache, kept, output
from .query import FACT_KINDS, Selection, select
from .render import Column

TYPE_CHECKING = False
if TYPE_CHECKING:
    import datetime as dt
    import sqlite3
    from collections.abc import Sequence
    from typing import Any

    from .output import Answer


# ---------------------------------------------------------------- the columns of the tables


def _join(values: list[str] | None) -> str:
    return ", ".join(values or [])


def _count(kind: str) -> Any:
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
LISTING_COLUMNS = {
    "sources": SOURCE_COLUMNS,
    "people": ENTITY_COLUMNS,
    "organizations": ORG_COLUMNS,
    "topics": TOPIC_COLUMNS,
    "metrics": METRIC_COLUMNS,
}
"""The table (and markdown) columns of each listing, by command."""


# ---------------------------------------------------------------- names


class Names:
    """Display names of records by id, as :meth:`aitrends.KnowledgeBase.name_of` gives them
    (people, then organizations, topics, sources and metrics; else the id), looked up once."""

    _SQL = (
        "SELECT name FROM (SELECT 0 AS p, name_en AS name FROM people WHERE id = ?1 "
        "UNION ALL SELECT 1, name_en FROM organizations WHERE id = ?1 "
        "UNION ALL SELECT 2, label_en FROM topics WHERE id = ?1 "
        "UNION ALL SELECT 3, title_en FROM sources WHERE id = ?1 "
        "UNION ALL SELECT 4, label_en FROM metrics WHERE id = ?1) ORDER BY p LIMIT 1"
    )

    _ALL = (
        "SELECT id, label_en FROM metrics",
        "SELECT id, title_en FROM sources",
        "SELECT id, label_en FROM topics",
        "SELECT id, name_en FROM organizations",
        "SELECT id, name_en FROM people",
    )
    """Every name, lowest priority first (a later table's name wins), for :meth:`everything`."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con
        self.known: dict[str, str] = {}

    def everything(self) -> Names:
        """Look every name up at once (a listing names thousands of records: one query a
        table instead of one a name)."""
        for sql in self._ALL:
            self.known.update((rid, str(name)) for rid, name in self.con.execute(sql))
        return self

    def __call__(self, record_id: str) -> str:
        name = self.known.get(record_id)
        if name is None:
            row = self.con.execute(self._SQL, (record_id,)).fetchone()
            name = self.known[record_id] = record_id if row is None else str(row[0])
        return name


# ---------------------------------------------------------------- records


def _by_kind(rows: Sequence[Any]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for key, kind, n in rows:
        out.setdefault(key, {})[kind] = n
    return out


def _counted(rec: dict[str, Any], counts: dict[str, int]) -> None:
    rec["facts"] = {k: counts.get(k, 0) for k in FACT_KINDS}
    rec["facts_total"] = sum(rec["facts"].values())


def _sources(con: sqlite3.Connection, one: str | None = None) -> list[dict[str, Any]]:
    """The records of every source, or of the source ``one``."""
    names = Names(con) if one is not None else Names(con).everything()
    counts = _by_kind(
        con.execute(
            "SELECT source, kind, count(*) FROM facts "
            + ("" if one is None else "WHERE source = :one ")
            + "GROUP BY source, kind",
            {"one": one},
        ).fetchall()
    )
    out = []
    for sid, record in con.execute(
        "SELECT id, record FROM sources " + ("" if one is None else "WHERE id = :one ") + "ORDER BY id",
        {"one": one},
    ):
        rec = json.loads(record)
        rec["outlet_name"] = names(rec["outlet"])
        rec["author_names"] = [names(a) for a in rec.get("authors", [])]
        _counted(rec, counts.get(sid, {}))
        out.append(rec)
    return out


def _entities(con: sqlite3.Connection, table: str, one: str | None = None) -> list[dict[str, Any]]:
    """The records of every person (``table``: people) or organization, or of the one ``one``."""
    only = "" if one is None else "WHERE entity = :one "
    counts = _by_kind(
        con.execute(
            f"SELECT entity, kind, count(*) FROM fact_speakers s JOIN facts f ON f.id = s.fact {only}"
            "GROUP BY entity, kind",
            {"one": one},
        ).fetchall()
    )
    cited = dict(
        con.execute(f"SELECT entity, count(*) FROM fact_cited {only}GROUP BY entity", {"one": one}).fetchall()
    )
    out = []
    for eid, record in con.execute(
        f"SELECT id, record FROM {table} " + ("" if one is None else "WHERE id = :one ") + "ORDER BY id",
        {"one": one},
    ):
        rec = json.loads(record)
        _counted(rec, counts.get(eid, {}))
        rec["cited_in"] = cited.get(eid, 0)
        out.append(rec)
    return out


def _topics(con: sqlite3.Connection) -> list[dict[str, Any]]:
    totals = dict(
        con.execute(
            "WITH RECURSIVE below(top, id) AS (SELECT id, id FROM topics "
            "UNION SELECT below.top, t.id FROM topics t JOIN below ON t.parent = below.id) "
            "SELECT below.top, count(DISTINCT ft.fact) FROM below JOIN fact_topics ft ON ft.topic = below.id "
            "GROUP BY below.top"
        ).fetchall()
    )
    children: dict[str, list[str]] = {}
    for tid, parent in con.execute("SELECT id, parent FROM topics WHERE parent IS NOT NULL ORDER BY id"):
        children.setdefault(parent, []).append(tid)
    out = []
    for tid, record in con.execute("SELECT id, record FROM topics ORDER BY id"):
        rec = json.loads(record)
        rec["children"] = children.get(tid, [])
        rec["facts_total"] = totals.get(tid, 0)
        out.append(rec)
    return out


def _metrics(con: sqlite3.Connection) -> list[dict[str, Any]]:
    totals = dict(con.execute("SELECT metric, count(*) FROM facts WHERE metric IS NOT NULL GROUP BY metric"))
    out = []
    for mid, record in con.execute("SELECT id, record FROM metrics ORDER BY id"):
        rec = json.loads(record)
        rec["facts_total"] = totals.get(mid, 0)
        out.append(rec)
    return out


def records(con: sqlite3.Connection, table: str) -> list[dict[str, Any]]:
    """The records of a listing (``sources``, ``people``, ``organizations``, ``topics``,
    ``metrics``), by id: each stored record with its facts counted — a source's by kind; a
    person's or organization's facts said, by kind, and facts that cite them (``cited_in``);
    a topic's facts with it or a topic below it, and its direct ``children``; a metric's facts."""
    if table == "sources":
        return _sources(con)
    if table in ("people", "organizations"):
        return _entities(con, table)
    if table == "topics":
        return _topics(con)
    if table == "metrics":
        return _metrics(con)
    from .errors import AitrendsError

    raise AitrendsError(f"unknown table '{table}'; expected one of {', '.join(LISTING_COLUMNS)}")


_INDEXES: dict[str, Any] = {}


def knowledge_base_index(kb: Any) -> sqlite3.Connection:
    """The index of a :class:`~aitrends.kb.KnowledgeBase` already loaded, built in memory from
    it once (:func:`aitrends.index.in_memory`): how the Python API's reference frames
    (:func:`aitrends.frames.reference_rows`) and citations are counted and read by the same
    SQL as the commands."""
    import weakref  # not on the fast path

    indexes = _INDEXES.setdefault("by_kb", weakref.WeakKeyDictionary())
    con: sqlite3.Connection | None = indexes.get(kb)
    if con is None:
        from .index import in_memory

        con = indexes[kb] = in_memory(kb)
    return con


def _entity_record(con: sqlite3.Connection, entity_id: str) -> tuple[str, dict[str, Any]] | None:
    for table, kind in (("people", "person"), ("organizations", "organization")):
        found = _entities(con, table, entity_id)
        if found:
            return kind, found[0]
    return None


def _source_record(con: sqlite3.Connection, source_id: str) -> dict[str, Any] | None:
    found = _sources(con, source_id)
    return found[0] if found else None


# ---------------------------------------------------------------- profiles

_BRIEF = "f.id, f.kind, f.date, f.statement, f.source, f.date_start, f.date_precision"


def _brief(row: Sequence[Any]) -> dict[str, Any]:
    return {"id": row[0], "kind": row[1], "date": row[2], "statement": row[3]}


def _chronological(con: sqlite3.Connection, sql: str, params: Sequence[Any]) -> list[Any]:
    """Facts chosen by ``sql`` (a query of fact ids), by date said (undated last), then id."""
    from .query import ORDER

    return con.execute(f"SELECT {_BRIEF} FROM facts f WHERE f.id IN ({sql}) {ORDER}", params).fetchall()


def _topics_of(con: sqlite3.Connection, facts: Sequence[Any], names: Names) -> list[dict[str, Any]]:
    """The topics of ``facts`` with how many of them have each, commonest first (ties in the
    order met)."""
    by_fact: dict[str, list[str]] = {}
    ids = [f[0] for f in facts]
    for i in range(0, len(ids), 500):
        part = ids[i : i + 500]
        marks = ",".join("?" * len(part))
        for fact, topic in con.execute(
            f"SELECT fact, topic FROM fact_topics WHERE fact IN ({marks}) ORDER BY fact, position", part
        ):
            by_fact.setdefault(fact, []).append(topic)
    topics = Counter(t for f in facts for t in by_fact.get(f[0], []))
    return [{"id": t, "label": names(t), "facts": n} for t, n in topics.most_common()]


_PRECISION = {"year": 0, "month": 1, "day": 2}


def person_profile(con: sqlite3.Connection, entity_id: str) -> dict[str, Any] | None:
    """A person's or organization's record, with what they said, what others say they said (a
    writer's headline, lead or summary that presents their view: ``attributed``, kept apart
    from their own words), what is said about them, where they are cited, their topics and the
    span of dates; None when there is no such id."""
    found = _entity_record(con, entity_id)
    if found is None:
        return None
    kind, rec = found
    names = Names(con)
    said = select(con, Selection(people=[entity_id]), _BRIEF)
    attributed = _chronological(con, "SELECT fact FROM fact_attributed WHERE entity = ?", (entity_id,))
    about = _chronological(
        con,
        "SELECT fact FROM fact_about WHERE entity = ?1 "
        "EXCEPT SELECT fact FROM fact_attributed WHERE entity = ?1",
        (entity_id,),
    )
    cited = _chronological(con, "SELECT fact FROM fact_cited WHERE entity = ?", (entity_id,))
    dates = sorted((f[5], _PRECISION[f[6]], f[2]) for f in said if f[2] is not None)
    rec["kind_of_record"] = kind
    rec["topics"] = _topics_of(con, said, names)
    rec["first_said"] = dates[0][2] if dates else None
    rec["last_said"] = dates[-1][2] if dates else None
    rec["sources"] = sorted({f[4] for f in said})
    rec["said"] = [_brief(f) for f in said]
    rec["attributed"] = [_brief(f) for f in attributed]
    rec["about"] = [_brief(f) for f in about]
    rec["cited_by"] = [_brief(f) for f in cited]
    return rec


def source_profile(con: sqlite3.Connection, source_id: str) -> dict[str, Any] | None:
    """A source's record with its speakers, topics, cited origins and facts; None when there
    is no such id."""
    rec = _source_record(con, source_id)
    if rec is None:
        return None
    names = Names(con)
    facts = select(con, Selection(sources=[source_id]), _BRIEF)
    speakers: dict[str, list[str]] = {}
    for fact, entity in con.execute(
        "SELECT s.fact, s.entity FROM fact_speakers s JOIN facts f ON f.id = s.fact "
        "WHERE f.source = ? ORDER BY s.fact, s.position",
        (source_id,),
    ):
        speakers.setdefault(fact, []).append(entity)
    counts = Counter(s for f in facts for s in speakers.get(f[0], []))
    rec["speakers"] = [{"id": s, "name": names(s), "facts": n} for s, n in counts.most_common()]
    rec["topics"] = _topics_of(con, facts, names)
    cited = con.execute(
        "SELECT DISTINCT c.entity FROM fact_cited c JOIN facts f ON f.id = c.fact WHERE f.source = ?",
        (source_id,),
    ).fetchall()
    rec["cited"] = sorted({names(e) if e is not None else UNNAMED for (e,) in cited})
    rec["fact_list"] = [_brief(f) for f in facts]
    return rec


UNNAMED = "unnamed"
"""The name of a cited origin that names nobody (:data:`aitrends.models.UNNAMED`)."""


# ---------------------------------------------------------------- answers


def listing(con: sqlite3.Connection, q: Any, day: dt.date | None = None) -> Answer:
    """``aitrends sources`` (``people``, ``organizations``, ``topics``, ``metrics``: the
    command is ``q.command``) in the format ``q.fmt``. Every record with its facts counted is
    made once per state of the data and kept in the index (:mod:`aitrends.kept`): the text of
    a format, the records of a table (drawn for each terminal)."""
    fmt, command = output.format_of(q), q.command

    def made() -> Answer:
        listed = kept.value(con, command, {}, lambda: records(con, command))
        return output.rendered(listed, fmt, LISTING_COLUMNS[command])

    return (kept.table if fmt == "table" else kept.text)(con, command, {"fmt": fmt}, made)


def _named(con: sqlite3.Connection, q: Any, namespace: str, text: str) -> str | None:
    """The id ``text`` names: as given when the CLI resolved it already (``q.exact``), else
    when the index is certain of it."""
    return text if q.exact else cache.resolve(con, namespace, text)


def _profile(rec: dict[str, Any], fmt: str, name_field: str) -> Answer | None:
    """A profile in any format but table (None for a table: the command draws its card)."""
    from .output import Answer
    from .render import to_json

    if fmt == "json":
        return Answer.text(to_json(rec))
    if fmt != "table":
        columns = [Column("id", lambda r: r["id"]), Column(name_field, lambda r: r[name_field])]
        return output.rendered([rec], fmt, columns)
    return None


def _card(
    title: str, pairs: list[tuple[str, Any]], sections: list[tuple[str, list[dict[str, Any]]]]
) -> Answer:
    """A card of ``pairs``, then one table of facts per (heading, facts) section, drawn for
    the terminal the answer is written to."""
    from .output import Answer
    from .render import card
    from .tables import draw, safe_text

    def drawn(**term: Any) -> str:
        text = card(pairs, title=title, **term)
        names = ("id", "kind", "date", "statement")
        for heading, facts in sections:
            if facts:
                text += draw(
                    list(names),
                    [[safe_text(f[k] or "?") for k in names] for f in facts],
                    ratios=[None, None, None, 4],
                    title=heading,
                    show_lines=False,
                    **term,
                )
        return text

    return Answer(table=drawn)


def person(con: sqlite3.Connection, q: Any, day: dt.date | None = None) -> Answer | None:
    """``aitrends person NAME``: the profile of :func:`person_profile`, as a card and tables
    or in ``q.fmt``; None when the name is not certain (the CLI resolves it)."""
    from .tables import counted

    entity = _named(con, q, "entities", q.name)
    rec = None if entity is None else person_profile(con, entity)
    if rec is None:
        return None
    fmt = output.format_of(q)
    done = _profile(rec, fmt, "name_en")
    if done is not None:
        return done
    names = Names(con)
    zh = " / ".join(n for n in (rec.get("name_zh_hans"), rec.get("name_zh_hant")) if n)
    pairs = [
        ("name", rec["name_en"] + (f" ({zh})" if zh else "")),
        ("aliases", ", ".join(rec.get("aliases", []))),
        (
            "roles",
            "; ".join(
                f"{r['title']}" + (f", {names(r['org'])}" if r.get("org") else "")
                for r in rec.get("roles", [])
            ),
        ),
        ("said", ", ".join(counted(n, k) for k, n in rec["facts"].items() if n) or "nothing"),
        ("others say they said", counted(len(rec["attributed"]), "fact") + " (headlines, leads, summaries)"),
        ("about", counted(len(rec["about"]), "fact")),
        ("cited by", counted(len(rec["cited_by"]), "fact")),
        ("topics", ", ".join(f"{t['id']} ({t['facts']})" for t in rec["topics"][:12])),
        ("dates", f"{rec['first_said']} to {rec['last_said']}" if rec["first_said"] else "no dated facts"),
        ("sources", ", ".join(rec["sources"])),
        ("notes", rec.get("notes")),
    ]
    sections = [
        (heading, rec[key])
        for heading, key in (("said", "said"), ("what others say they said", "attributed"))
        if rec[key]
    ] or [(h, rec[k]) for h, k in (("about", "about"), ("cited by", "cited_by")) if rec[k]][:1]
    return _card(f"{rec['name_en']} ({rec['id']})", pairs, sections)


def source(con: sqlite3.Connection, q: Any, day: dt.date | None = None) -> Answer | None:
    """``aitrends source ID``: the profile of :func:`source_profile`, as a card and a table of
    its facts or in ``q.fmt``; None when the name is not certain (the CLI resolves it)."""
    from .tables import counted

    sid = _named(con, q, "sources", q.source_id)
    rec = None if sid is None else source_profile(con, sid)
    if rec is None:
        return None
    fmt = output.format_of(q)
    done = _profile(rec, fmt, "title")
    if done is not None:
        return done
    names = Names(con)
    pairs = [
        ("title", rec["title"]),
        ("English title", rec["title_en"] + ("" if rec["title_en_original"] else "  [our translation]")),
        ("kind", rec["kind"]),
        ("outlet", rec["outlet_name"] + (f" (via {names(rec['platform'])})" if rec.get("platform") else "")),
        ("authors", ", ".join(rec["author_names"])),
        ("published", rec["published"] or "not stated"),
        ("date note", rec.get("date_note")),
        ("language", ", ".join(rec["language"])),
        ("url", rec.get("url")),
        ("facts", ", ".join(counted(n, k) for k, n in rec["facts"].items())),
        ("speakers", ", ".join(f"{s['name']} ({s['facts']})" for s in rec["speakers"])),
        ("topics", ", ".join(f"{t['id']} ({t['facts']})" for t in rec["topics"][:12])),
        ("cited", ", ".join(rec["cited"])),
        ("sha256", rec["sha256"]),
    ]
    return _card(f"{rec['id']}", pairs, [("facts", rec["fact_list"])])
