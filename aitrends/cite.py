"""Citations of sources and facts: CSL-JSON (for Zotero, pandoc, citeproc), BibTeX and text.

Choices, where the data and CSL meet:

- **Type.** Interviews, news, speech write-ups and columns are ``article-newspaper`` (CSL has
  no type for a column or an interview write-up; both are articles in a periodical, and the
  data does not say whether the outlet is a newspaper or a magazine). A report summary is a
  ``post-weblog``: the one we have is a blog post (on CSDN) summarising a report, neither the
  report itself (CSL ``report`` would claim it is) nor a preprint (what citeproc prints for
  the generic ``article``). Anything else is a ``document``.
- **One entry per source.** Citing a fact and its source, or two facts of one source, gives
  one item: the source's, its note naming the facts.
- **BibTeX and biblatex.** ``bibtex`` writes classic fields (``journal``, ``year``,
  ``month``), read by BibTeX's own styles and by pybtex; ``biblatex`` writes biblatex's
  (``journaltitle``, ``date``, ``titleaddon``, ``@online`` for a blog post).
- **Names.** A person with a Chinese name is one ``literal`` name, never split into family
  and given (Chinese names put the family name first, and CSL would reorder them); in a
  Chinese-language source the name is in the source's script (李开复 / 李開復), elsewhere the
  English name. Other people are split at the last space (``Etzioni, Oren``).
- **Titles.** ``title`` is the title as published, in its language; the English title goes in
  ``custom.translated-title`` (CSL 1.0.2 has no variable for a translated title; citeproc-js
  reads ``custom`` through to styles that ask for it), with ``custom.translated-title-original``
  saying whether it is the article's own.
- **Dates.** ``issued`` has as many date-parts as the article states: ``[[2023]]``,
  ``[[2023, 12]]`` or ``[[2023, 12, 28]]``; a source without a date has no ``issued``.
- **URL** only where the source has one. A repost's platform goes in ``note``.
- A **fact** is cited as its source with the fact's id as the item id and in ``note``
  ("aitrends fact …"), so a citation of a claim leads back to both the article and the claim.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from . import models as m
from .errors import NotFoundError
from .render import CiteFormat as CiteFormat  # declared with the other formats
from .tables import safe_text

if TYPE_CHECKING:
    from .kb import KnowledgeBase


CSL_TYPES: dict[m.SourceKind, str] = {
    m.SourceKind.interview: "article-newspaper",
    m.SourceKind.news: "article-newspaper",
    m.SourceKind.speech_write_up: "article-newspaper",
    m.SourceKind.column: "article-newspaper",
    m.SourceKind.report_summary: "post-weblog",
    m.SourceKind.other: "document",
}
"""The CSL type of each kind of source (see the module docstring for why)."""

_CHINESE = {m.Language.zh_hans, m.Language.zh_hant}


def _zh_name(entity: Any, lang: m.Language) -> str | None:
    first, second = (
        ("name_zh_hant", "name_zh_hans") if lang is m.Language.zh_hant else ("name_zh_hans", "name_zh_hant")
    )
    return getattr(entity, first, None) or getattr(entity, second, None)


def csl_name(kb: KnowledgeBase, entity_id: str, lang: m.Language) -> dict[str, str]:
    """A CSL name: a literal for an organization or a person with a Chinese name, else
    family and given."""
    entity = kb.entity(entity_id)
    if entity is None:
        return {"literal": entity_id}
    zh = _zh_name(entity, lang)
    if isinstance(entity, m.Organization) or zh:
        return {"literal": (zh if lang in _CHINESE and zh else entity.name_en)}
    given, _, family = entity.name_en.rpartition(" ")
    return {"family": family, "given": given} if given else {"literal": family}


def _container(kb: KnowledgeBase, source: m.Source) -> str:
    outlet = kb.entity(source.outlet)
    if outlet is None:
        return source.outlet
    lang = source.language[0]
    return (_zh_name(outlet, lang) if lang in _CHINESE else None) or outlet.name_en


def source_item(kb: KnowledgeBase, source: m.Source) -> dict[str, Any]:
    """The CSL-JSON item of a source."""
    lang = source.language[0]
    item: dict[str, Any] = {
        "id": source.id,
        "type": CSL_TYPES[source.kind],
        "title": source.title,
        "container-title": _container(kb, source),
    }
    if source.authors:
        item["author"] = [csl_name(kb, a, lang) for a in source.authors]
    if source.published is not None:
        p = source.published
        item["issued"] = {"date-parts": [[x for x in (p.year, p.month, p.day) if x is not None]]}
    item["language"] = lang.value
    if source.url:
        item["URL"] = source.url
    if source.platform:
        platform = kb.entity(source.platform)
        item["note"] = f"Reposted on {platform.name_en if platform else source.platform}"
    item["custom"] = {
        "translated-title": source.title_en,
        "translated-title-language": "en",
        "translated-title-original": source.title_en_original,
        "aitrends-source": source.id,
    }
    return item


def fact_item(kb: KnowledgeBase, fact: m.FactBase) -> dict[str, Any]:
    """The CSL-JSON item of a fact: its source's item, with the fact's id and a note."""
    item = source_item(kb, kb.table("sources")[fact.source])
    item["id"] = fact.id
    note = f"aitrends fact {fact.id}"
    item["note"] = f"{note}; {item['note']}" if "note" in item else note
    item["custom"]["aitrends-fact"] = fact.id
    return item


def find(kb: KnowledgeBase, ref: str) -> m.Source | m.FactBase:
    """The source or fact with this id (a source may also be named by its title)."""
    from .kb import _did_you_mean

    for key in (ref, ref.strip().casefold()):
        if key in kb.table("sources"):
            return kb.table("sources")[key]  # type: ignore[no-any-return]
        if key in kb.table("facts"):
            return kb.get(key)
    hint = _did_you_mean(ref, [*kb.table("sources"), *kb.table("facts")])
    raise NotFoundError(f"unknown source or fact '{ref}'{hint}")


def csl_items(kb: KnowledgeBase, refs: list[str]) -> list[dict[str, Any]]:
    """CSL-JSON items of the sources and facts named by ``refs`` (ids), in order, one per
    source: a fact alone is cited as :func:`fact_item`; a source named with its facts, or
    several facts of one source, as the source's item with the facts in its note."""
    by_source: dict[str, list[m.Source | m.FactBase]] = {}
    for ref in refs:
        rec = find(kb, ref)
        sid = rec.id if isinstance(rec, m.Source) else rec.source
        named = by_source.setdefault(sid, [])
        if rec not in named:
            named.append(rec)
    out = []
    for sid, named in by_source.items():
        facts = [r for r in named if not isinstance(r, m.Source)]
        if len(named) == 1 and facts:
            out.append(fact_item(kb, facts[0]))
            continue
        item = source_item(kb, kb.table("sources")[sid])
        if facts:
            ids = ", ".join(f.id for f in facts)
            note = f"aitrends fact{'s' if len(facts) > 1 else ''} {ids}"
            item["note"] = f"{note}; {item['note']}" if "note" in item else note
            item["custom"]["aitrends-facts"] = [f.id for f in facts]
        out.append(item)
    return out


# --------------------------------------------------------------------------- BibTeX

_BIB_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def bib_escape(text: str) -> str:
    """Text safe inside a braced BibTeX field, and on a terminal: control and invisible
    characters shown as escapes first (:func:`aitrends.tables.safe_text`), then TeX's
    special characters escaped."""
    return "".join(_BIB_SPECIAL.get(c, c) for c in safe_text(text))


def _bib_name(name: dict[str, str]) -> str:
    if "literal" in name:
        return "{" + bib_escape(name["literal"]) + "}"  # braces: never split or reordered
    return f"{bib_escape(name['family'])}, {bib_escape(name['given'])}"


_LANGUAGE_NAMES = {"zh-Hans": "Chinese (Simplified)", "zh-Hant": "Chinese (Traditional)", "en": "English"}


def _translated(item: dict[str, Any]) -> str | None:
    custom = item.get("custom", {})
    title = custom.get("translated-title")
    return title if title and title != item["title"] else None


def _entry(entry_type: str, key: str, fields: list[tuple[str, str]]) -> str:
    # a month is BibTeX's macro (feb), unbraced, so that styles print it in their own words
    body = ",\n".join(f"  {k} = {v}" if k == "month" else f"  {k} = {{{v}}}" for k, v in fields)
    return f"@{entry_type}{{{key},\n{body}\n}}\n"


def biblatex_entry(item: dict[str, Any]) -> str:
    """A biblatex entry for a CSL item: ``@article`` (``entrysubtype = {newspaper}`` for a
    newspaper article) or ``@online`` for a blog post; the English title in ``titleaddon``;
    ``date`` as precise as stated."""
    online = item["type"] == "post-weblog"
    fields: list[tuple[str, str]] = []
    if item["type"] == "article-newspaper":
        fields.append(("entrysubtype", "newspaper"))
    if "author" in item:
        fields.append(("author", " and ".join(_bib_name(n) for n in item["author"])))
    fields.append(("title", bib_escape(item["title"])))
    if translated := _translated(item):
        fields.append(("titleaddon", bib_escape(f"[{translated}]")))
    fields.append(("organization" if online else "journaltitle", bib_escape(item["container-title"])))
    if "issued" in item:
        parts = item["issued"]["date-parts"][0]
        fields.append(("date", "-".join(f"{p:02d}" if i else f"{p:04d}" for i, p in enumerate(parts))))
    fields.append(("language", _LANGUAGE_NAMES.get(item["language"], item["language"])))
    if "URL" in item:
        fields.append(("url", safe_text(item["URL"])))  # biblatex reads url verbatim
    if "note" in item:
        fields.append(("note", bib_escape(item["note"])))
    return _entry("online" if online else "article", item["id"], fields)


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def bibtex_entry(item: dict[str, Any]) -> str:
    """A classic BibTeX entry for a CSL item, as BibTeX's standard styles and pybtex read it:
    ``@article`` with ``journal`` and ``year`` when the item has an author and a year (what
    those styles require of an article), else ``@misc`` with ``howpublished``; the English
    title and the day in ``note``."""
    parts = item["issued"]["date-parts"][0] if "issued" in item else []
    article = "author" in item and bool(parts) and item["type"] != "post-weblog"
    fields: list[tuple[str, str]] = []
    if "author" in item:
        fields.append(("author", " and ".join(_bib_name(n) for n in item["author"])))
    fields.append(("title", bib_escape(item["title"])))
    fields.append(("journal" if article else "howpublished", bib_escape(item["container-title"])))
    if parts:
        fields.append(("year", f"{parts[0]:04d}"))
    if len(parts) > 1:
        fields.append(("month", _MONTHS[parts[1] - 1]))
    if "URL" in item:
        fields.append(("url", item["URL"]))
    notes = []
    if translated := _translated(item):
        notes.append(f"[{translated}]")
    if len(parts) > 2:
        notes.append(f"Published {parts[0]:04d}-{parts[1]:02d}-{parts[2]:02d}")
    notes.append(f"In {_LANGUAGE_NAMES.get(item['language'], item['language'])}")
    if "note" in item:
        notes.append(item["note"])
    fields.append(("note", bib_escape(". ".join(notes))))
    return _entry("article" if article else "misc", item["id"], fields)


# --------------------------------------------------------------------------- text


def _text_name(name: dict[str, str]) -> str:
    return name.get("literal") or f"{name['given']} {name['family']}"


def text_citation(item: dict[str, Any]) -> str:
    """A one-paragraph reference: authors, “title” [English title], container, date, URL."""
    parts = []
    if "author" in item:
        parts.append(", ".join(_text_name(n) for n in item["author"]) + ".")
    title = f"“{item['title']}”"
    custom = item.get("custom", {})
    if custom.get("translated-title") and custom["translated-title"] != item["title"]:
        title += f" [{custom['translated-title']}]"
    parts.append(title + ".")
    where = item["container-title"]
    if "issued" in item:
        where += ", " + "-".join(
            f"{p:02d}" if i else f"{p:04d}" for i, p in enumerate(item["issued"]["date-parts"][0])
        )
    else:
        where += ", n.d."
    parts.append(where if where.endswith(".") else where + ".")
    if "URL" in item:
        parts.append(item["URL"])
    if "note" in item:
        parts.append(item["note"] + ".")
    return safe_text(" ".join(parts))


def cite(kb: KnowledgeBase, refs: list[str], fmt: CiteFormat | str = CiteFormat.csl_json) -> str:
    """Citations of the sources and facts named by ``refs`` in ``fmt`` (CSL-JSON is an array).

    BibTeX and text are for reading, and safe to print: a control or invisible character in the
    data (an escape sequence, an OSC 8 link) is shown as an escape. CSL-JSON carries the text
    exactly, as data for programs."""
    items = csl_items(kb, refs)
    fmt = CiteFormat(fmt)
    if fmt is CiteFormat.csl_json:
        return json.dumps(items, ensure_ascii=False, indent=2) + "\n"
    if fmt is CiteFormat.bibtex:
        return "\n".join(bibtex_entry(i) for i in items)
    if fmt is CiteFormat.biblatex:
        return "\n".join(biblatex_entry(i) for i in items)
    return "".join(text_citation(i) + "\n" for i in items)
