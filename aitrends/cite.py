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
import sqlite3

from .errors import NotFoundError
from .render import CiteFormat as CiteFormat  # declared with the other formats
from .tables import safe_text

TYPE_CHECKING = False
if TYPE_CHECKING:
    import datetime as dt
    from typing import Any

    from .output import Answer


CSL_TYPES: dict[str, str] = {
    "interview": "article-newspaper",
    "news": "article-newspaper",
    "speech-write-up": "article-newspaper",
    "column": "article-newspaper",
    "report-summary": "post-weblog",
    "other": "document",
}
"""The CSL type of each kind of source (:class:`aitrends.models.SourceKind`; see the module
docstring for why)."""

_CHINESE = {"zh-Hans", "zh-Hant"}


def connection(db: Any) -> sqlite3.Connection:
    """The index citations are read from: ``db`` itself, or the in-memory index of a
    :class:`~aitrends.kb.KnowledgeBase` (:func:`aitrends.reference.knowledge_base_index`)."""
    if isinstance(db, sqlite3.Connection):
        return db
    from .reference import knowledge_base_index

    return knowledge_base_index(db)


def _entity(con: sqlite3.Connection, entity_id: str) -> tuple[str, dict[str, Any]] | None:
    """("person" or "organization", the stored record) of an entity, people first."""
    for table, kind in (("people", "person"), ("organizations", "organization")):
        row = con.execute(f"SELECT record FROM {table} WHERE id = ?", (entity_id,)).fetchone()
        if row is not None:
            return kind, json.loads(row[0])
    return None


def _zh_name(entity: dict[str, Any], lang: str) -> str | None:
    first, second = (
        ("name_zh_hant", "name_zh_hans") if lang == "zh-Hant" else ("name_zh_hans", "name_zh_hant")
    )
    found = entity.get(first) or entity.get(second)
    return str(found) if found else None


def csl_name(db: Any, entity_id: str, lang: str) -> dict[str, str]:
    """A CSL name: a literal for an organization or a person with a Chinese name, else
    family and given (``lang``: the source's language, a BCP 47 tag)."""
    found = _entity(connection(db), entity_id)
    if found is None:
        return {"literal": entity_id}
    kind, entity = found
    zh = _zh_name(entity, lang)
    if kind == "organization" or zh:
        return {"literal": (zh if lang in _CHINESE and zh else entity["name_en"])}
    given, _, family = entity["name_en"].rpartition(" ")
    return {"family": family, "given": given} if given else {"literal": family}


def _container(con: sqlite3.Connection, source: dict[str, Any]) -> str:
    found = _entity(con, source["outlet"])
    if found is None:
        return str(source["outlet"])
    lang = source["language"][0]
    return (_zh_name(found[1], lang) if lang in _CHINESE else None) or str(found[1]["name_en"])


def source_item(db: Any, source: dict[str, Any]) -> dict[str, Any]:
    """The CSL-JSON item of a source (its record as stored: the model as JSON)."""
    con = connection(db)
    lang = source["language"][0]
    item: dict[str, Any] = {
        "id": source["id"],
        "type": CSL_TYPES[source["kind"]],
        "title": source["title"],
        "container-title": _container(con, source),
    }
    if source.get("authors"):
        item["author"] = [csl_name(con, a, lang) for a in source["authors"]]
    if source.get("published") is not None:
        item["issued"] = {"date-parts": [[int(x) for x in str(source["published"]).split("-")]]}
    item["language"] = lang
    if source.get("url"):
        item["URL"] = source["url"]
    if source.get("platform"):
        platform = _entity(con, source["platform"])
        item["note"] = f"Reposted on {platform[1]['name_en'] if platform else source['platform']}"
    item["custom"] = {
        "translated-title": source["title_en"],
        "translated-title-language": "en",
        "translated-title-original": source["title_en_original"],
        "aitrends-source": source["id"],
    }
    return item


def _source(con: sqlite3.Connection, source_id: str) -> dict[str, Any]:
    row = con.execute("SELECT record FROM sources WHERE id = ?", (source_id,)).fetchone()
    return dict(json.loads(row[0]))


def fact_item(db: Any, fact_id: str) -> dict[str, Any]:
    """The CSL-JSON item of a fact: its source's item, with the fact's id and a note."""
    con = connection(db)
    (source_id,) = con.execute("SELECT source FROM facts WHERE id = ?", (fact_id,)).fetchone()
    item = source_item(con, _source(con, source_id))
    item["id"] = fact_id
    note = f"aitrends fact {fact_id}"
    item["note"] = f"{note}; {item['note']}" if "note" in item else note
    item["custom"]["aitrends-fact"] = fact_id
    return item


def find(db: Any, ref: str) -> tuple[str, str | None] | None:
    """(id, None) of the source, or (id, its source) of the fact, that ``ref`` names exactly
    (an id, in any case); None when none does."""
    con = connection(db)
    for key in (ref, ref.strip().casefold()):
        if con.execute("SELECT 1 FROM sources WHERE id = ?", (key,)).fetchone():
            return key, None
        row = con.execute("SELECT source FROM facts WHERE id = ?", (key,)).fetchone()
        if row is not None:
            return key, str(row[0])
    return None


def check(db: Any, refs: list[str]) -> None:
    """Raise :class:`~aitrends.errors.NotFoundError`, with suggestions, for the first of
    ``refs`` that names no source or fact."""
    from .search import closest

    con = connection(db)
    for ref in refs:
        if find(con, ref) is None:
            ids = [r[0] for r in con.execute("SELECT id FROM sources UNION ALL SELECT id FROM facts")]
            found = [k for k, _ in closest(ref.strip().casefold(), ids, limit=3)]
            hint = " (did you mean " + " or ".join(f"'{k}'" for k in found) + "?)" if found else ""
            raise NotFoundError(f"unknown source or fact '{ref}'{hint}")


def csl_items(db: Any, refs: list[str]) -> list[dict[str, Any]]:
    """CSL-JSON items of the sources and facts named by ``refs`` (ids), in order, one per
    source: a fact alone is cited as :func:`fact_item`; a source named with its facts, or
    several facts of one source, as the source's item with the facts in its note. An unknown
    id raises :class:`~aitrends.errors.NotFoundError` with suggestions."""
    con = connection(db)
    check(con, refs)
    by_source: dict[str, list[tuple[str, str | None]]] = {}
    for ref in refs:
        found = find(con, ref)
        assert found is not None
        named = by_source.setdefault(found[1] or found[0], [])
        if found not in named:
            named.append(found)
    out = []
    for sid, named in by_source.items():
        facts = [fid for fid, source in named if source is not None]
        if len(named) == 1 and facts:
            out.append(fact_item(con, facts[0]))
            continue
        item = source_item(con, _source(con, sid))
        if facts:
            ids = ", ".join(facts)
            note = f"aitrends fact{'s' if len(facts) > 1 else ''} {ids}"
            item["note"] = f"{note}; {item['note']}" if "note" in item else note
            item["custom"]["aitrends-facts"] = facts
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


def cite(db: Any, refs: list[str], fmt: CiteFormat | str = CiteFormat.csl_json) -> str:
    """Citations of the sources and facts named by ``refs`` in ``fmt`` (CSL-JSON is an array),
    from an index or a :class:`~aitrends.kb.KnowledgeBase` (``db``).

    BibTeX and text are for reading, and safe to print: a control or invisible character in the
    data (an escape sequence, an OSC 8 link) is shown as an escape. CSL-JSON carries the text
    exactly, as data for programs."""
    items = csl_items(db, refs)
    fmt = CiteFormat(fmt)
    if fmt is CiteFormat.csl_json:
        return json.dumps(items, ensure_ascii=False, indent=2) + "\n"
    if fmt is CiteFormat.bibtex:
        return "\n".join(bibtex_entry(i) for i in items)
    if fmt is CiteFormat.biblatex:
        return "\n".join(biblatex_entry(i) for i in items)
    return "".join(text_citation(i) + "\n" for i in items)


def answer(con: sqlite3.Connection, q: Any, day: dt.date | None = None) -> Answer | None:
    """``aitrends cite REF... --format FMT`` (``q.refs``, ``q.fmt``); None when a ref names no
    source or fact exactly (the CLI reports it, with suggestions: :func:`check`)."""
    from .output import Answer

    if not q.refs or any(find(con, ref) is None for ref in q.refs):
        return None
    return Answer.text(cite(con, list(q.refs), q.fmt))
