"""Cross-record checks run by ``validate`` (and on every load): references and self-consistency."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from . import models as m
from .errors import Problem
from .search import compact, suggest

if TYPE_CHECKING:
    from .kb import KnowledgeBase

_SLUG = re.compile(m.SLUG_PATTERN)
"""A well-formed id (a malformed one is reported by validation, not as an unknown reference)."""
MIN_EXCERPT_CHARS = 6
"""An excerpt shorter than this (whitespace removed) is too short to locate or to mean much."""


def parent_cycle(table: dict[str, Any], start: str) -> bool:
    """Whether following ``parent`` from ``start`` through ``table`` comes back to ``start``."""
    seen, p = {start}, getattr(table.get(start), "parent", None)
    while p in table:
        if p == start:
            return True
        if p in seen:  # a cycle above start, reported on its own members
            return False
        seen.add(p)
        p = getattr(table[p], "parent", None)
    return False


def ancestors(table: dict[str, Any], start: str) -> list[str]:
    """The ids above ``start`` by ``parent``, nearest first; stops at a cycle, so it ends even on
    data that was never validated."""
    out: list[str] = []
    seen, p = {start}, getattr(table.get(start), "parent", None)
    while p in table and p not in seen:
        out.append(p)
        seen.add(p)
        p = getattr(table[p], "parent", None)
    return out


def check_references(kb: KnowledgeBase) -> list[Problem]:
    """Every dangling reference and self-inconsistency, as problems."""
    out: list[Problem] = []
    people, orgs = kb.table("people"), kb.table("organizations")
    entities = {**people, **orgs}
    topics, sources, metrics, facts = (kb.table(k) for k in ("topics", "sources", "metrics", "facts"))

    def ref(
        rec: Any, loc: tuple[str | int, ...], value: str | None, table: dict[str, Any], what: str
    ) -> None:
        if value is None or value in table or value in kb.invalid_ids:
            return
        if value == m.DRAFT_ID:
            out.append(
                kb.origin(rec).problem(loc, f"draft: choose the {what} ({m.DRAFT_ID} is a placeholder)")
            )
            return
        hint = suggest(value, table)
        more = f" (did you mean '{hint[0]}'?)" if hint else ""
        out.append(kb.origin(rec).problem(loc, f"unknown {what} '{value}'{more}"))

    def refs(rec: Any, field: str, values: Iterable[str], table: dict[str, Any], what: str) -> None:
        for i, v in enumerate(values):
            ref(rec, (field, i), v, table, what)

    for s in sources.values():
        out += _draft_text(kb, s, ("title_en", "date_note", "notes"))
        ref(s, ("outlet",), s.outlet, orgs, "organization")
        ref(s, ("platform",), s.platform, orgs, "organization")
        refs(s, "authors", s.authors, entities, "person")
        refs(s, "editors", s.editors, entities, "person")
    for e in entities.values():
        for i, role in enumerate(getattr(e, "roles", [])):
            ref(e, ("roles", i, "org"), role.org, orgs, "organization")
            ref(e, ("roles", i, "source"), role.source, sources, "source")
        ref(e, ("parent",), getattr(e, "parent", None), orgs, "organization")
    for t in topics.values():
        ref(t, ("parent",), t.parent, topics, "topic")
    for mt in metrics.values():
        refs(mt, "topics", mt.topics, topics, "topic")
        ref(mt, ("parent",), mt.parent, metrics, "metric")
    for table, what in ((topics, "topic"), (metrics, "metric"), (orgs, "organization")):
        for rec in table.values():
            if parent_cycle(table, rec.id):
                out.append(kb.origin(rec).problem(("parent",), f"{what} '{rec.id}' is its own ancestor"))
    out += _alias_clashes(kb)
    for f in facts.values():
        out += _check_fact(kb, f, ref, refs, entities, topics, sources, metrics, facts)
    fields = (
        ("source", sources, "source"),
        ("speaker", entities, "person or organization"),
        ("about", entities, "person or organization"),
        ("topics", topics, "topic"),
        ("metric", metrics, "metric"),
    )
    for item, origin in kb.invalid_facts:  # every problem in one pass: their references too
        for name, table, what in fields:
            value = item.get(name)
            for loc, v in (
                [((name, i), v) for i, v in enumerate(value)]
                if isinstance(value, list)
                else [((name,), value)]
            ):
                if isinstance(v, str) and _SLUG.match(v) and v not in table and v not in kb.invalid_ids:
                    hint = suggest(v, table)
                    more = f" (did you mean '{hint[0]}'?)" if hint else ""
                    out.append(origin.problem(loc, f"unknown {what} '{v}'{more}"))
    resolutions = [(fact_id, res, kb.resolution_origin[fact_id]) for fact_id, res in kb.resolutions.items()]
    resolutions += [(fact_id, res, o) for fact_id, old in kb.resolution_history.items() for res, o in old]
    for fact_id, res, origin in resolutions:
        target = facts.get(fact_id)
        if target is None:
            hint = suggest(fact_id, facts)
            more = f" (did you mean '{hint[0]}'?)" if hint else ""
            out.append(origin.problem(("fact",), f"unknown fact '{fact_id}'{more}"))
        elif target.kind is not m.FactKind.forecast:
            out.append(origin.problem(("fact",), f"'{fact_id}' is a {target.kind.value}, not a forecast"))
        if res.source is not None and res.source not in sources:
            out.append(origin.problem(("source",), f"unknown source '{res.source}'"))
    return out


def _alias_clashes(kb: KnowledgeBase) -> list[Problem]:
    """An alias that is another record's id (looked up in the same namespace): the id always
    wins a lookup, so the alias could never name its own record."""
    from .search import name_key

    out: list[Problem] = []
    for tables in (("people", "organizations"), ("topics",), ("metrics",), ("sources",)):
        records = [r for t in tables for r in kb.table(t).values()]
        ids = {name_key(r.id): r.id for r in records}
        for rec in records:
            for i, alias in enumerate(getattr(rec, "aliases", [])):
                other = ids.get(name_key(alias))
                if other is not None and other != rec.id:
                    out.append(
                        kb.origin(rec).problem(
                            ("aliases", i), f"alias '{alias}' is the id of another record ('{other}')"
                        )
                    )
    return out


_DRAFT_FIELDS = ("statement", "excerpt", "excerpt_en", "criteria", "condition", "hedge", "note")


def _draft_text(kb: KnowledgeBase, rec: Any, fields: tuple[str, ...]) -> list[Problem]:
    """A problem for every field still holding the ``TODO(draft)`` placeholder of a draft."""
    out = []
    values = rec.__dict__  # not getattr: a field another kind lacks would raise, slowly
    for name in fields:
        value = values.get(name)
        if isinstance(value, str) and m.DRAFT_MARK in value:
            out.append(kb.origin(rec).problem((name,), f"draft: write this field (it holds {m.DRAFT_MARK})"))
    for name in ("quantity", "rate", "horizon"):
        part = values.get(name)
        if part is not None and part.stated and m.DRAFT_MARK in part.stated:
            out.append(
                kb.origin(rec).problem((name, "stated"), f"draft: write this field (it holds {m.DRAFT_MARK})")
            )
    return out


def _check_fact(
    kb: KnowledgeBase,
    f: m.FactBase,
    ref: Any,
    refs: Any,
    entities: dict[str, Any],
    topics: dict[str, Any],
    sources: dict[str, Any],
    metrics: dict[str, Any],
    facts: dict[str, Any],
) -> list[Problem]:
    out: list[Problem] = _draft_text(kb, f, _DRAFT_FIELDS)
    origin = kb.origin(f)
    ref(f, ("source",), f.source, sources, "source")
    refs(f, "speaker", f.speaker, entities, "person or organization")
    for i, c in enumerate(f.cited):
        ref(f, ("cited", i, "by"), c.by, entities, "person or organization")
    refs(f, "about", f.about, entities, "person or organization")
    refs(f, "attributed_to", f.attributed_to, entities, "person or organization")
    refs(f, "topics", f.topics, topics, "topic")
    ref(f, ("metric",), f.metric, metrics, "metric")
    for i, link in enumerate(f.links):
        if link.fact == f.id:
            out.append(origin.problem(("links", i, "fact"), "a fact cannot link to itself"))
        else:
            ref(f, ("links", i, "fact"), link.fact, facts, "fact")
    if f.kind is m.FactKind.quote and f.attribution is m.Attribution.indirect:
        out.append(
            origin.problem(("attribution",), "a quote must be the speaker's own words (attribution: direct)")
        )
    excerpt = compact(f.excerpt)
    if len(excerpt) < MIN_EXCERPT_CHARS:
        out.append(
            origin.problem(("excerpt",), f"excerpt is too short to be verifiable ({len(excerpt)} characters)")
        )
    source = sources.get(f.source)
    if f.excerpt_en_original and source is not None and m.Language.en not in source.language:
        out.append(
            origin.problem(
                ("excerpt_en_original",), f"source '{f.source}' has no English text to be original"
            )
        )
    from .quantity import check_quantity, check_rate

    if f.quantity is not None and (why := check_quantity(f.quantity)):
        out.append(origin.problem(("quantity", "stated"), why))
    if f.rate is not None and (why := check_rate(f.rate)):
        out.append(origin.problem(("rate", "stated"), why))
    texts = excerpt + (compact(f.excerpt_en) if f.excerpt_en_original else "")
    for name in ("quantity", "rate", "horizon", "probability"):
        part = getattr(f, name, None)
        if part is None or part.stated is None or compact(part.stated) in texts:
            continue
        # a report's horizon may be stated once, in its title ("2024年...十大趋势")
        if name == "horizon" and source is not None and compact(part.stated) in compact(source.title):
            continue
        out.append(origin.problem((name, "stated"), f"'{part.stated}' does not appear in the excerpt"))
    return out
