"""Proving that every excerpt stands verbatim in its article."""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UsageError
from .kb import KnowledgeBase


def normalize(text: str) -> str:
    """Unicode NFKC with all whitespace removed: the only loosening ``verify`` allows."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@dataclass(frozen=True)
class Miss:
    """An excerpt that is not in its article."""

    fact: str
    field: str
    file: str
    line: int | None
    article: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.fact}: {self.field} not found in {self.article}"


@dataclass
class Report:
    """What ``verify`` found."""

    checked: int = 0
    matched_sources: dict[str, str] = field(default_factory=dict)
    """Source id -> article file name."""
    missing_sources: list[str] = field(default_factory=list)
    """Sources with no article in the directory (their facts cannot be checked)."""
    unmatched_articles: list[str] = field(default_factory=list)
    """Article files that no source's sha256 matches."""
    misses: list[Miss] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    """Sources left out on purpose -> why (another layer, or no article given)."""

    @property
    def ok(self) -> bool:
        """True when every excerpt of every source with an article was found."""
        return not self.misses and not self.missing_sources


def layer_name(kb: KnowledgeBase, layer: int) -> str:
    """How a layer is named to the user: ``bundled`` for the bundled data, else its directory."""
    from .config import bundled_data_dir

    directory = kb.dirs[layer]
    if os.path.realpath(directory) == os.path.realpath(bundled_data_dir()):
        return "bundled"
    return os.fspath(directory)


def _chosen_layers(kb: KnowledgeBase, layers: Sequence[str | os.PathLike[str]]) -> set[int]:
    wanted = {"bundled" if str(x) == "bundled" else os.path.realpath(x) for x in layers}
    found = set()
    for i in range(len(kb.dirs)):
        name = layer_name(kb, i)
        if (name if name == "bundled" else os.path.realpath(name)) in wanted:
            found.add(i)
    if len(found) < len(wanted):
        names = ", ".join(layer_name(kb, i) for i in range(len(kb.dirs)))
        raise UsageError(f"--layer: {', '.join(map(str, layers))} is not a loaded layer (layers: {names})")
    return found


def verify(
    kb: KnowledgeBase,
    articles: Path,
    *,
    layers: Sequence[str | os.PathLike[str]] = (),
    only_given: bool = False,
) -> Report:
    """Check every ``excerpt`` (and every ``excerpt_en`` marked original) against the article
    whose SHA-256 is the source's ``sha256``.

    ``layers`` (data directories, or ``"bundled"``) checks only the sources defined in those
    layers; ``only_given`` only the sources whose article is in ``articles``. The others are
    listed in :attr:`Report.skipped` rather than as missing."""
    if not articles.is_dir():
        raise UsageError(f"articles directory not found: {articles}")
    chosen = _chosen_layers(kb, layers) if layers else None
    by_hash: dict[str, Path] = {}
    for path in sorted(articles.iterdir()):
        if path.is_file() and path.suffix == ".txt":
            by_hash[hashlib.sha256(path.read_bytes()).hexdigest()] = path
    report = Report()
    texts: dict[str, str] = {}
    for source in kb.sources:
        layer = kb.origin(source).layer
        if chosen is not None and layer not in chosen:
            report.skipped[source.id] = f"in layer {layer_name(kb, layer)}"
            continue
        article = by_hash.pop(source.sha256, None)
        if article is None and only_given:
            report.skipped[source.id] = "no article given"
            continue
        if article is None:
            report.missing_sources.append(source.id)
            continue
        report.matched_sources[source.id] = article.name
        texts[source.id] = normalize(article.read_text(encoding="utf-8"))
    report.unmatched_articles = sorted(p.name for p in by_hash.values())
    for fact in kb.all_facts:
        text = texts.get(fact.source)
        if text is None:
            continue
        fields = [("excerpt", fact.excerpt)]
        if fact.excerpt_en_original:
            fields.append(("excerpt_en", fact.excerpt_en))
        for name, value in fields:
            report.checked += 1
            if normalize(value) not in text:
                origin = kb.origin(fact)
                line = origin.lines.get((name,), origin.line)
                report.misses.append(
                    Miss(fact.id, name, origin.file, line, report.matched_sources[fact.source])
                )
    return report
