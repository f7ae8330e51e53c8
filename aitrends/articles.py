"""Adding a new article to a user's own data directory (``aitrends add-source``).

The source record is appended to the directory's ``sources.yaml`` with
:func:`aitrends.yamledit.append_item`, which keeps the file's comments, order and formatting
and writes atomically. Reading stays with the safe loader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import models as m
from .dates import PartialDate, Precision
from .draft import read_article, sha256_of
from .errors import UsageError, WriteError
from .extract import tidy, word_segmented
from .loader import is_bundled, writable_layer
from .models import DRAFT_ID, DRAFT_MARK

if TYPE_CHECKING:
    from .kb import KnowledgeBase

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
MIXED_SHARE = 0.15
"""An article is in two languages when each has at least this share of its words (a Chinese
character counts as a word)."""
TITLE_MAX = 200


def detect_language(text: str) -> list[m.Language]:
    """The languages of a text, main one first: ``zh-Hans`` or ``zh-Hant`` (by which script's
    characters it uses), ``en``, or both for a mixed text (each at least
    :data:`MIXED_SHARE` of the words). Raises :class:`UsageError` for a text with neither."""
    from .search import _t2s

    cjk = _CJK.findall(text)
    words = len(_LATIN_WORD.findall(text))
    if not cjk and not words:
        raise UsageError("cannot tell the article's language: it has no Chinese or English words")
    langs: list[tuple[int, m.Language]] = []
    total = len(cjk) + words
    if cjk and len(cjk) / total >= MIXED_SHARE:
        langs.append((len(cjk), _script(cjk, _t2s())))
    if words and (words / total >= MIXED_SHARE or not langs):
        langs.append((words, m.Language.en))
    return [lang for _, lang in sorted(langs, key=lambda p: -p[0])]


def _script(chars: list[str], t2s: Any) -> m.Language:
    """zh-Hant when more of the characters are Traditional-only than Simplified-only."""
    import opencc

    s2t = opencc.OpenCC("s2t").convert
    unique = set(chars)
    traditional = sum(chars.count(c) for c in unique if t2s(c) != c)
    simplified = sum(chars.count(c) for c in unique if s2t(c) != c)
    return m.Language.zh_hant if traditional > simplified else m.Language.zh_hans


def language_label(langs: list[m.Language]) -> str:
    """``zh-Hans``, ``zh-Hant``, ``en`` or ``mixed``."""
    return "mixed" if len(langs) > 1 else langs[0].value


def guess_title(text: str) -> str:
    """The first non-blank line of the article, tidied (and shortened past 200 characters)."""
    segmented = word_segmented(text)
    for line in text.splitlines():
        title = tidy(line, segmented=segmented)
        if title:
            return title if len(title) <= TITLE_MAX else title[: TITLE_MAX - 1] + "…"
    raise UsageError("the article is empty")


def _slug(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(words[:6])


@dataclass
class Added:
    """What ``add-source`` did."""

    source: dict[str, Any]
    """The record written (or that would have been)."""
    file: Path
    added: bool
    """False when a source with the article's sha256 already exists."""
    existing: str | None = None
    """The id of that source."""
    language: str = ""
    """zh-Hans, zh-Hant, en or mixed."""
    precision: Precision | None = None
    """How precise the date is (day, month, year), when one is given."""


def user_dir(dirs: list[Path]) -> Path:
    """The directory ``add-source`` writes into (:func:`aitrends.loader.writable_layer`: the
    first one given), created when missing; never the bundled data."""
    target = writable_layer(dirs)
    if target is None:
        raise UsageError(
            "add-source writes into your own data directory: give one with --data-dir (or $AITRENDS_DATA)"
        )
    if is_bundled(target):
        raise UsageError(f"{target} is the bundled data; add sources to your own directory with --data-dir")
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} is not a directory")
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise WriteError(f"cannot create {target}: {e.strerror or e}") from None
    return target


def add_source(
    kb: KnowledgeBase,
    article: Path,
    data_dir: Path,
    *,
    source_id: str | None = None,
    title: str | None = None,
    title_en: str | None = None,
    kind: m.SourceKind | str | None = None,
    outlet: str | None = None,
    date: str | None = None,
    url: str | None = None,
    dry_run: bool = False,
) -> Added:
    """Append a source record for ``article`` to ``data_dir/sources.yaml``.

    The sha256, the language and the title (first line, unless given) come from the file;
    ``outlet`` is resolved by any name of a known organization. What the tool cannot know
    (the English title of a Chinese article, an outlet not given) is written as a draft
    placeholder that ``validate`` refuses until a person fills it. An article whose sha256 a
    source already has is reported (``added`` False), not added again.
    """
    text = read_article(article)
    digest = sha256_of(article)
    file = data_dir / "sources.yaml"
    langs = detect_language(text)
    label = language_label(langs)
    for s in kb.sources:
        if s.sha256 == digest:
            return Added({"id": s.id, "sha256": digest}, file, False, s.id, label)
    title = title.strip() if title else guess_title(text)
    english = langs[0] is m.Language.en
    sid = source_id or _slug(title if english else "") or f"article-{digest[:8]}"
    if not re.fullmatch(m.SLUG_PATTERN, sid):
        raise UsageError(f"--id: '{sid}' is not an id (lower-case words joined by hyphens)")
    if sid in kb.table("sources"):
        raise UsageError(f"a source '{sid}' exists already; choose another id with --id")
    record: dict[str, Any] = {"id": sid, "title": title}
    if title_en:
        record["title_en"] = title_en
    elif english:
        record["title_en"] = title
        record["title_en_original"] = True
    else:
        record["title_en"] = f"{DRAFT_MARK}: the title in English"
    record["kind"] = _source_kind(kind).value
    record["language"] = [lang.value for lang in langs]
    record["outlet"] = kb.resolve("organizations", outlet) if outlet else DRAFT_ID
    precision = None
    if date is not None:
        try:
            parsed = PartialDate.parse(date.strip())
        except ValueError:
            raise UsageError(f"--date: '{date}' is not a date like 2024, 2024-05 or 2024-05-01") from None
        record["published"] = parsed.year if parsed.precision is Precision.year else str(parsed)
        precision = parsed.precision
    if url:
        record["url"] = url
    record["sha256"] = digest
    m.Source.model_validate(record)  # a bug here must not reach the file
    if not dry_run:
        from .yamledit import append_item

        append_item(file, "sources", record)
    return Added(record, file, True, None, label, precision)


def _source_kind(kind: m.SourceKind | str | None) -> m.SourceKind:
    """A source kind given by name (any case), or ``other``; a usage error naming the kinds."""
    if kind is None:
        return m.SourceKind.other
    try:
        return m.SourceKind(kind.lower() if isinstance(kind, str) else kind)
    except ValueError:
        kinds = ", ".join(k.value for k in m.SourceKind)
        raise UsageError(f"--kind: '{kind}' is not one of {kinds}") from None
