"""The knowledge base: records indexed by id, cross-checked, filtered and looked up by name."""

from __future__ import annotations

import os
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from . import models as m
from .dates import PartialDate
from .errors import AmbiguousError, DataError, NotFoundError, Problem, UsageError
from .loader import Loaded, Origin, RawData, load_dirs, resolve_data_dirs
from .query import clean as _clean
from .search import Hit, Match, NameIndex, TextIndex, fact_fields

T = TypeVar("T")
Entity = m.Person | m.Organization
_KINDS = ("sources", "people", "organizations", "topics", "metrics", "facts")
_NAMESPACE = {"people": "entities", "organizations": "entities"}
_SINGULAR = {
    "sources": "source",
    "people": "person",
    "organizations": "organization",
    "topics": "topic",
    "metrics": "metric",
    "facts": "fact",
}


def load(
    *data_dirs: str | os.PathLike[str],
    bundled: bool | None = None,
    max_file_size: int | str | None = None,
    max_depth: int | None = None,
    max_values: int | None = None,
    max_facts: int | None = None,
) -> KnowledgeBase:
    """Load the knowledge base: the bundled data with ``data_dirs`` layered over it.

    With no directories, ``$AITRENDS_DATA`` is used if set. ``bundled=False`` leaves the
    bundled data out. The limits (largest file, e.g. ``"20M"``; deepest nesting; most values
    in a file; most facts) default to ``$AITRENDS_MAX_FILE_SIZE``... or the built-in values
    (docs/security.md). Raises :class:`~aitrends.errors.DataError` listing every problem.
    """
    dirs = resolve_data_dirs(list(data_dirs) or None, bundled=bundled)
    raw = load_dirs(
        dirs, max_file_size=max_file_size, max_depth=max_depth, max_values=max_values, max_facts=max_facts
    )
    return KnowledgeBase.from_raw(raw)


class KnowledgeBase:
    """Sources, people, organizations, topics, metrics, facts and resolutions, checked."""

    def __init__(self) -> None:
        self._by_kind: dict[str, dict[str, Any]] = {k: {} for k in _KINDS}
        """The records of each kind by id, in load order (the facts of a knowledge base hydrated
        from the index are a read-only mapping: :class:`aitrends.hydrate.Facts`)."""
        self._origin: dict[tuple[str, str], Origin] = {}
        self._kind_of: dict[tuple[str, str], str] = {}
        self.resolutions: dict[str, m.Resolution] = {}
        """Resolution of each resolved forecast, by fact id."""
        self.resolution_origin: dict[str, Origin] = {}
        self.resolution_history: dict[str, list[tuple[m.Resolution, Origin]]] = defaultdict(list)
        """Resolutions replaced by later ones (``superseded`` set), by fact id, in load order."""
        self.dirs: list[os.PathLike[str]] = []
        self.files: list[os.PathLike[str]] = []
        self._name_index: dict[str, NameIndex] = {}
        self._counts: dict[str, dict[str, Counter[str]]] = {}
        self.invalid_ids: set[str] = set()
        """Ids of records that failed validation; references to them are not reported again."""
        self.invalid_facts: list[tuple[dict[str, Any], Origin]] = []
        """Facts that failed validation, as read (their references are checked all the same)."""
        self._text_index: TextIndex | None = None
        self.corrections: list[tuple[str, str]] = []
        """(text, id) of each name taken as a typo of another by :meth:`resolve`, in order, for
        a notice ("taking 'Amodie' as Dario Amodei"); the command line shows them in tables."""
        self._selectable: sqlite3.Connection | None = None
        self._store: sqlite3.Connection | None = None
        """The compiled index this knowledge base was hydrated from (:mod:`aitrends.hydrate`)."""
        self._children: dict[str, list[str]] = defaultdict(list)

    # ------------------------------------------------------------------ display

    def summary(self) -> dict[str, Any]:
        """Counts of facts by kind and of the reference records, and the layers (data
        directories, lowest first, the bundled data called ``bundled``): what a notebook shows."""
        from .config import bundled_data_dir

        kinds = Counter(f.kind.value for f in self._by_kind["facts"].values())
        bundled = os.path.realpath(bundled_data_dir())
        return {
            "facts": len(self._by_kind["facts"]),
            "by_kind": {k.value: kinds.get(k.value, 0) for k in m.FactKind},
            **{kind: len(self._by_kind[kind]) for kind in _KINDS if kind != "facts"},
            "resolutions": len(self.resolutions),
            "layers": ["bundled" if os.path.realpath(d) == bundled else os.fspath(d) for d in self.dirs],
        }

    def __repr__(self) -> str:
        from .tables import counted

        s = self.summary()
        kinds = ", ".join(counted(n, k) for k, n in s["by_kind"].items())
        others = ", ".join(
            counted(s[kind], _SINGULAR[kind])
            for kind in ("sources", "people", "organizations", "topics", "metrics")
        )
        return (
            f"<KnowledgeBase: {counted(s['facts'], 'fact')} ({kinds}); {others}; "
            f"{counted(s['resolutions'], 'resolution')}; layers: {', '.join(s['layers']) or 'none'}>"
        )

    def _repr_html_(self) -> str:
        """The summary as a small HTML table, for Jupyter."""
        from html import escape

        s = self.summary()
        rows = [
            ("facts", f"{s['facts']:,} (" + ", ".join(f"{n:,} {k}" for k, n in s["by_kind"].items()) + ")")
        ]
        rows += [
            (kind, f"{s[kind]:,}") for kind in ("sources", "people", "organizations", "topics", "metrics")
        ]
        rows += [("resolutions", f"{s['resolutions']:,}"), ("layers", ", ".join(s["layers"]) or "none")]
        body = "".join(
            f"<tr><th style='text-align:left'>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows
        )
        return f"<table><caption style='text-align:left'>aitrends knowledge base</caption>{body}</table>"

    # ------------------------------------------------------------------ building

    @classmethod
    def from_raw(cls, raw: RawData) -> KnowledgeBase:
        """Merge the layers of ``raw``, check every reference; raise DataError on problems."""
        kb = cls()
        kb.dirs = list(raw.dirs)
        kb.invalid_ids = set(raw.invalid_ids)
        kb.invalid_facts = list(raw.invalid_facts)
        kb.files = list(raw.files)
        problems = list(raw.problems)
        for kind in _KINDS:
            kb._merge(kind, raw.bucket(kind), problems)
        kb._merge_resolutions(raw.resolutions, problems)
        for topic in kb.topics:
            if topic.parent:
                kb._children[topic.parent].append(topic.id)
        problems += kb.problems()
        if problems:
            raise DataError(problems)
        return kb

    def _merge(self, kind: str, loaded: Loaded, problems: list[Problem]) -> None:
        table = self._by_kind[kind]
        ns = _NAMESPACE.get(kind, kind)
        for item, origin in zip(loaded.items, loaded.where, strict=True):
            key = (ns, item.id)
            previous = self._origin.get(key)
            if previous is None:
                if item.override:
                    problems.append(
                        origin.problem(("override",), f"'{item.id}' overrides nothing: no lower layer has it")
                    )
                    continue
            elif previous.layer < origin.layer and item.override and self._kind_of[key] == kind:
                pass
            else:
                hint = ""
                if previous.layer < origin.layer:
                    lower = _SINGULAR.get(self._kind_of[key], self._kind_of[key])
                    hint = (
                        f"; an override must replace a {_SINGULAR.get(kind, kind)}, and the lower layer's is a {lower}"
                        if item.override
                        else "; set 'override: true' to replace it from a higher layer"
                    )
                problems.append(
                    origin.problem(("id",), f"duplicate id '{item.id}' (also at {previous}){hint}")
                )
                continue
            table[item.id] = item
            self._origin[key] = origin
            self._kind_of[key] = kind

    def _merge_resolutions(self, loaded: Loaded, problems: list[Problem]) -> None:
        for res, origin in zip(loaded.items, loaded.where, strict=True):
            if res.superseded is not None:
                self.resolution_history[res.fact].append((res, origin))
                continue
            previous = self.resolution_origin.get(res.fact)
            if previous is not None and previous.layer == origin.layer:
                problems.append(
                    origin.problem(("fact",), f"'{res.fact}' is resolved twice (also at {previous})")
                )
                continue
            self.resolutions[res.fact] = res
            self.resolution_origin[res.fact] = origin

    # ------------------------------------------------------------------ checks

    def problems(self) -> list[Problem]:
        """Every broken reference and inconsistency in our own data (what validate reports)."""
        from .checks import check_references

        return check_references(self)

    # ------------------------------------------------------------------ access

    def _sorted(self, kind: str) -> list[Any]:
        return sorted(self._by_kind[kind].values(), key=lambda x: x.id)

    @property
    def sources(self) -> list[m.Source]:
        """All sources, by id."""
        return self._sorted("sources")

    @property
    def people(self) -> list[m.Person]:
        """All people, by id."""
        return self._sorted("people")

    @property
    def organizations(self) -> list[m.Organization]:
        """All organizations, by id."""
        return self._sorted("organizations")

    @property
    def topics(self) -> list[m.Topic]:
        """All topics, by id."""
        return self._sorted("topics")

    @property
    def metrics(self) -> list[m.Metric]:
        """All metrics, by id."""
        return self._sorted("metrics")

    @property
    def all_facts(self) -> list[m.FactBase]:
        """All facts, by id."""
        return self._sorted("facts")

    def table(self, kind: str) -> dict[str, Any]:
        """The records of one kind (``facts``, ``people``...) by id, in load order (read only)."""
        return self._by_kind[kind]

    def origin(self, record: m.Record) -> Origin:
        """Where a record was read from."""
        return self._origin[(_namespace_of(record), record.id)]

    def get(self, fact_id: str) -> m.FactBase:
        """The fact with this id; NotFoundError (with suggestions) when there is none."""
        facts = self._by_kind["facts"]
        fact = facts.get(fact_id)
        if fact is None:
            fact = facts.get(fact_id.strip().casefold())  # ids are lowercase: LEE-WIRED-... finds it
        if fact is None:
            raise NotFoundError(f"unknown fact '{fact_id}'" + _did_you_mean(fact_id, facts))
        assert isinstance(fact, m.FactBase)
        return fact

    def entity(self, entity_id: str) -> Entity | None:
        """The person or organization with this id."""
        found: Entity | None = self._by_kind["people"].get(entity_id) or self._by_kind["organizations"].get(
            entity_id
        )
        return found

    def name_of(self, record_id: str) -> str:
        """Display name of a record (entities first, then topics, sources, metrics), else the id."""
        for kind in ("people", "organizations", "topics", "sources", "metrics"):
            rec = self._by_kind[kind].get(record_id)
            if rec is not None:
                for attr in ("name_en", "label_en", "title_en"):
                    if hasattr(rec, attr):
                        return str(getattr(rec, attr))
        return record_id

    def said(self, fact: m.FactBase) -> PartialDate | None:
        """When the fact was said: its own date, else its source's date (None when unknown)."""
        if isinstance(fact.said, PartialDate):
            return fact.said
        if fact.said == "unknown":
            return None
        return self._by_kind["sources"][fact.source].published  # type: ignore[no-any-return]

    def topic_and_descendants(self, topic_id: str) -> set[str]:
        """A topic id with the ids of all topics below it."""
        out, todo = set(), [topic_id]
        while todo:
            t = todo.pop()
            if t not in out:
                out.add(t)
                todo.extend(self._children.get(t, ()))
        return out

    # ------------------------------------------------------------------ lookup

    def _index(self, kind: str) -> NameIndex:
        if kind not in self._name_index:
            index = NameIndex()
            tables = ("people", "organizations") if kind == "entities" else (kind,)
            for table in tables:
                for rec in self._by_kind[table].values():
                    index.add(rec.id, _names(rec, self), _words(rec, self))
            self._name_index[kind] = index
        return self._name_index[kind]

    def lookup(self, kind: str, text: str) -> Match:
        """How ``text`` matches names of ``kind`` records (see :class:`aitrends.search.NameIndex`)."""
        return self._index(kind).lookup(text)

    def resolve(self, kind: str, text: str) -> str:
        """The id of the ``kind`` record (people, organizations, entities, topics, sources,
        metrics) that ``text`` names: by id, any name or alias in any script, either name
        order, or a clear typo.

        Raises :class:`UsageError` with suggestions when nothing matches and
        :class:`AmbiguousError` listing the candidates when several do.
        """
        what = {"entities": "person or organization"}.get(kind, _SINGULAR.get(kind, kind))
        if not text.strip():
            raise UsageError(f"empty {what} name")
        match = self.lookup(kind, text)
        if len(match.ids) == 1:
            if match.how == "fuzzy" and (text, match.ids[0]) not in self.corrections:
                self.corrections.append((text, match.ids[0]))
            return match.ids[0]
        if match.ids:
            listed = ", ".join(f"'{i}' ({self.name_of(i)})" for i in match.ids)
            plural = {"entities": "people or organizations", "people": "people"}.get(kind, kind)
            raise AmbiguousError(f"'{_clean(text)}' could be several {plural}: {listed}")
        hint = ""
        if match.suggestions:
            hint = " (did you mean " + " or ".join(f"'{i}'" for i in match.suggestions) + "?)"
        raise UsageError(f"unknown {what} '{_clean(text)}'{hint}")

    def resolve_many(self, kind: str, texts: Iterable[str] | str | None) -> list[str]:
        """Resolve each name of ``texts`` (a single name is accepted)."""
        if texts is None:
            return []
        if isinstance(texts, str):
            texts = [texts]
        return [self.resolve(kind, t) for t in texts]

    # ------------------------------------------------------------------ queries

    def facts(
        self,
        *,
        topic: str | Sequence[str] | None = None,
        person: str | Sequence[str] | None = None,
        kind: str | m.FactKind | Sequence[str | m.FactKind] | None = None,
        source: str | Sequence[str] | None = None,
        metric: str | Sequence[str] | None = None,
        since: str | PartialDate | None = None,
        until: str | PartialDate | None = None,
        text: str | Sequence[str] | None = None,
        limit: int | None = None,
    ) -> list[m.FactBase]:
        """Facts matching every given filter; a list given to one filter matches any of it.

        ``topic`` includes child topics; ``person`` matches the speaker (a person or an
        organization); ``since``/``until`` keep facts whose date overlaps the range (facts
        of unknown date are left out when either is given); ``text`` keeps facts containing
        every word. Names resolve as in :meth:`resolve`. Sorted by date, then id.
        """
        return self._facts_of(
            self.fact_ids(
                topic=topic,
                person=person,
                kind=kind,
                source=source,
                metric=metric,
                since=since,
                until=until,
                text=text,
                limit=limit,
            )
        )

    def fact_ids(
        self,
        *,
        topic: str | Sequence[str] | None = None,
        person: str | Sequence[str] | None = None,
        kind: str | m.FactKind | Sequence[str | m.FactKind] | None = None,
        source: str | Sequence[str] | None = None,
        metric: str | Sequence[str] | None = None,
        since: str | PartialDate | None = None,
        until: str | PartialDate | None = None,
        text: str | Sequence[str] | None = None,
        limit: int | None = None,
    ) -> list[str]:
        """The ids of the facts :meth:`facts` gives, in its order, without reading the facts
        (a knowledge base hydrated from the index reads only the facts asked for)."""
        from .query import Selection, date_range, select

        topics = {t for tid in self.resolve_many("topics", topic) for t in self.topic_and_descendants(tid)}
        kinds = {fact_kind(k).value for k in ([kind] if isinstance(kind, str | m.FactKind) else kind or [])}
        lo, hi = date_range(since, until)
        query = " ".join([text] if isinstance(text, str) else text or [])
        sel = Selection(
            kinds=kinds,
            topics=topics,
            people=self.resolve_many("entities", person),
            sources=self.resolve_many("sources", source),
            metrics=self.resolve_many("metrics", metric),
            since=lo,
            until=hi,
            ids={h.id for h in self.search(query)} if query.strip() else None,
            limit=limit,
        )
        return [fact_id for (fact_id,) in select(self._selection_table(), sel, "f.id")]

    def _facts_of(self, ids: list[str]) -> list[m.FactBase]:
        """The facts ``ids``, in that order (read from the index in one go when hydrated)."""
        facts = self._by_kind["facts"]
        load = getattr(facts, "load", None)
        if load is not None:
            load(ids)
        return [facts[fact_id] for fact_id in ids]

    def fact_candidates(self, sql: str, params: Sequence[Any] = ()) -> list[m.FactBase]:
        """The facts ``sql`` may select, by id: ``sql`` is a query of fact ids over the compiled
        index's tables (:mod:`aitrends.index`). A knowledge base hydrated from the index reads
        only those; one loaded from the YAML gives every fact. So the answer is a superset,
        and the caller still tests each fact: this only spares reading the others."""
        if self._store is None:
            return self.all_facts
        return self._facts_of(sorted({row[0] for row in self._store.execute(sql, params)}))

    def _selection_table(self) -> sqlite3.Connection:
        """The filter columns of every fact, for :func:`aitrends.query.select` (built on first use)."""
        if self._selectable is None:
            from .query import memory_table

            self._selectable = memory_table((f, self.said(f)) for f in self._by_kind["facts"].values())
        return self._selectable

    def sort_key(self, fact: m.FactBase) -> tuple[Any, ...]:
        """Chronological by date said (unknown last), then by id."""
        when = self.said(fact)
        return (when is None, when.start if when else None, fact.id)

    def search_names(self, fact: m.FactBase) -> list[str]:
        """The names a fact is found by in full-text search: its speakers, cited origins,
        subjects and the people a writer's summary is attributed to, in English and Chinese
        (the CLI's search and the SQLite export's both index these)."""
        who = [
            *fact.speaker,
            *(c.by for c in fact.cited if c.by is not None),
            *fact.about,
            *fact.attributed_to,
        ]
        names = [self.name_of(e) for e in who]
        return names + [n for e in who for n in _zh_names(self, e)]

    def text_index(self) -> TextIndex:
        """The full-text index of every fact (built on first use)."""
        if self._text_index is None:
            index = TextIndex()
            for fact in self._by_kind["facts"].values():
                index.add(fact.id, search_fields(self, fact))
            self._text_index = index
        return self._text_index

    def search(self, query: str, *, lang: str | None = None, require_all: bool = True) -> list[Hit]:
        """Facts matching every word of ``query`` in Chinese or English (either script), best
        first; ``lang`` ('zh' or 'en') restricts the fields searched."""
        from .search import lang_fields

        return self.text_index().search(query, fields=lang_fields(lang), require_all=require_all)

    def quotes(
        self,
        person: str,
        *,
        topic: str | Sequence[str] | None = None,
        kind: str | m.FactKind | Sequence[str | m.FactKind] | None = None,
        limit: int | None = None,
    ) -> list[m.FactBase]:
        """Everything ``person`` said: every fact they are the speaker of, of any kind unless
        ``kind`` narrows it (``kb.quotes("Amodei", kind="quote")``)."""
        return self.facts(person=person, topic=topic, kind=kind, limit=limit)

    def forecasts(self, **filters: Any) -> list[m.Forecast]:
        """The forecast ledger; see :func:`aitrends.forecasts.ledger` for the filters
        (``as_of``, ``status``, ``person``, ``topic``, ``horizon_before``, ``horizon_after``,
        ``due_within``)."""
        from .forecasts import ledger

        return ledger(self, **filters)

    def trends(self, **filters: Any) -> list[Any]:
        """Stated and implied rates in one unit; see :func:`aitrends.trends.trends`."""
        from .trends import trends

        return trends(self, **filters)

    def check(self) -> list[Any]:
        """Recompute what the articles compute; see :func:`aitrends.trends.consistency`."""
        from .trends import consistency

        return consistency(self)

    def fact_counts(self, field: str) -> dict[str, Counter[str]]:
        """For each id appearing in ``field`` (source, speaker, topics, cited_by), counts of
        facts by kind."""
        if field in self._counts:
            return self._counts[field]
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        for fact in self._by_kind["facts"].values():
            value = [c.by for c in fact.cited] if field == "cited_by" else getattr(fact, field)
            for v in value if isinstance(value, list) else [value]:
                counts[v][fact.kind.value] += 1
        self._counts[field] = counts  # the knowledge base does not change once built
        return counts

    def to_pandas(
        self, kind: str | m.FactKind | Sequence[str | m.FactKind] | None = None, **filters: Any
    ) -> Any:
        """Facts as a pandas DataFrame, one flat typed row per fact (pandas is optional);
        see :func:`aitrends.frames.to_pandas`."""
        from .frames import to_pandas

        return to_pandas(self, kind, **filters)

    def frames(self) -> dict[str, Any]:
        """DataFrames of sources, people, organizations, topics and metrics; see
        :func:`aitrends.frames.frames`."""
        from .frames import frames

        return frames(self)


def _namespace_of(record: m.Record) -> str:
    if isinstance(record, m.Person | m.Organization):
        return "entities"
    for cls, kind in ((m.Source, "sources"), (m.Topic, "topics"), (m.Metric, "metrics")):
        if isinstance(record, cls):
            return kind
    return "facts"


def _names(rec: Any, kb: KnowledgeBase) -> list[str]:
    names = [rec.id]
    for attr in ("name_en", "name_zh_hans", "name_zh_hant", "label_en", "label_zh", "title", "title_en"):
        value = getattr(rec, attr, None)
        if value:
            names.append(value)
    names += getattr(rec, "aliases", [])
    name_en = getattr(rec, "name_en", None)
    if isinstance(rec, m.Person) and name_en and " " in name_en:
        names.append(" ".join(reversed(name_en.split())))  # "Lee Kai-Fu" for "Kai-Fu Lee"
    return names


def search_fields(kb: KnowledgeBase, fact: m.FactBase) -> dict[str, str]:
    """The fields full-text search reads of ``fact``: its text, the names of
    :meth:`KnowledgeBase.search_names`, and the labels of its topics and metric (the in-memory
    index, the compiled one and the SQLite export's are made from this)."""
    names = kb.search_names(fact)
    labels = []
    topics, metrics = kb.table("topics"), kb.table("metrics")
    for rec in [*(topics.get(t) for t in fact.topics), metrics.get(fact.metric) if fact.metric else None]:
        if rec is not None:
            labels += [x for x in (rec.label_en, rec.label_zh) if x]
    return fact_fields(fact, names, labels)


def _words(rec: Any, kb: KnowledgeBase) -> list[str]:
    """The weak keys of a record: each word of a person's or organization's English name, and
    every name of a source's outlet (so that "WIRED" finds the one source from Wired, and an
    outlet with several sources is reported as ambiguous)."""
    if isinstance(rec, m.Person | m.Organization):
        return rec.name_en.split()
    if isinstance(rec, m.Source):
        outlet = kb.entity(rec.outlet)
        return _names(outlet, kb) if outlet is not None else [rec.outlet]
    return []


def _zh_names(kb: KnowledgeBase, entity_id: str) -> list[str]:
    rec = kb.entity(entity_id)
    return [n for n in (getattr(rec, "name_zh_hans", None), getattr(rec, "name_zh_hant", None)) if n]


def fact_kind(value: str | m.FactKind) -> m.FactKind:
    """A kind of fact as typed (``Quote``, ``figures``); UsageError naming the choices otherwise."""
    from .query import fact_kind_name

    return m.FactKind(value if isinstance(value, m.FactKind) else fact_kind_name(value))


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    """ " (did you mean 'a' or 'b'?)" for ids that begin with, contain or resemble ``word``."""
    from .search import closest

    found = [k for k, _ in closest(word.strip().casefold(), choices, limit=3)]
    return " (did you mean " + " or ".join(f"'{k}'" for k in found) + "?)" if found else ""
