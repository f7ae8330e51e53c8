"""The probability of a forecast: the one stated, else its hedge word's, else the default.

Most forecasts give no number, only words (可能, 预计, may, likely, will). ``hedges.yaml``
maps each hedge word to a probability, with the source of each value; the bundled table
(``data/hedges.yaml``) is read first, then each data directory's ``hedges.yaml`` on top of
it, a word at a time (docs/forecasts.md).
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import ValidationError

from . import config
from . import models as m
from .errors import DataError, Problem
from .loader import bundled_data_dir, display_path, loc_text, read_document
from .models import HedgesFile, HedgeValue, HedgeWord

if TYPE_CHECKING:
    from .kb import KnowledgeBase

HEDGES_FILE = config.HEDGES_FILE
"""The file name of the table, at the top of a data directory."""


@dataclass
class HedgeTable:
    """The merged table: words (lower case) to values, the default, the sources, and the file
    each word's value comes from."""

    words: dict[str, HedgeWord] = field(default_factory=dict)
    default: HedgeValue | None = None
    sources: dict[str, str] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    """File each word (and ``""`` for the default) was last set in."""

    def match(self, hedge: str) -> list[HedgeWord]:
        """The table's words found in ``hedge``, in the order they appear. Longer words are
        matched first, and a matched span is not matched again by a shorter word inside it
        (一定程度上 is not also 一定). Words of Latin letters match whole words only ('can' is
        not in 'significant')."""
        text = hedge.lower()
        found: list[tuple[int, HedgeWord]] = []
        for word in sorted(self.words, key=lambda w: (-len(w), w)):
            pattern = re.escape(word)
            if re.fullmatch(r"[a-z][a-z ]*", word):
                pattern = rf"\b{pattern}\b"
            hit = re.search(pattern, text)
            if hit:
                found.append((hit.start(), self.words[word]))
                text = text[: hit.start()] + "\x00" * len(hit.group()) + text[hit.end() :]
        return [w for _, w in sorted(found, key=lambda x: x[0])]


@dataclass(frozen=True)
class Estimate:
    """A forecast's probability and where it came from."""

    probability: float
    """The value scored (the middle of a stated range)."""
    origin: Literal["stated", "hedge", "default"]
    """stated (the speaker's number), hedge (the table's value of its hedge word) or default
    (no hedge, or a hedge the table does not know)."""
    low: float
    high: float
    word: str | None = None
    """The hedge word matched."""
    kent: str | None = None
    source: str | None = None
    """Id of the value's source in the table."""
    citation: str | None = None
    """The source's full text."""
    hedge: str | None = None
    """The fact's hedge as written."""

    def record(self) -> dict[str, object]:
        """JSON-ready fields."""
        return {
            "probability": self.probability,
            "origin": self.origin,
            "low": self.low,
            "high": self.high,
            "word": self.word,
            "kent": self.kent,
            "source": self.source,
            "citation": self.citation,
            "hedge": self.hedge,
        }

    def describe(self) -> str:
        """'0.75, from the hedge '预计' (Kent's 'probable'; source: own)'
        (:func:`aitrends.query.describe_estimate`)."""
        from .query import describe_estimate

        return describe_estimate(self.record())


# --------------------------------------------------------------------------- loading


def load_table(dirs: list[Path] | None = None) -> HedgeTable:
    """The bundled table with each directory's ``hedges.yaml`` (lowest first) laid over it.

    Raises :class:`~aitrends.errors.DataError` for a file that is not a valid table, a value
    whose source is not listed, or no default at all.
    """
    bundled = bundled_data_dir()
    paths = [bundled / HEDGES_FILE]
    for d in dirs or []:
        if Path(d).resolve() != bundled.resolve():
            paths.append(Path(d) / HEDGES_FILE)
    table = HedgeTable()
    problems: list[Problem] = []
    for path in paths:
        if path.is_file():
            _merge(table, path, problems)
    if not problems and table.default is None:
        problems.append(Problem(display_path(paths[0]), None, "default", "no default probability"))
    if not problems:
        for word, value in [("", table.default), *table.words.items()]:
            if value is not None and value.source not in table.sources:
                where = "default" if not word else f"words[{word}]"
                problems.append(
                    Problem(table.files[word], None, f"{where}.source", f"unknown source '{value.source}'")
                )
    if problems:
        raise DataError(problems)
    return table


def _merge(table: HedgeTable, path: Path, problems: list[Problem]) -> None:
    file = display_path(path)
    doc = read_document(path, file, problems)
    if doc is None:
        return
    try:
        parsed = HedgesFile.model_validate(doc.data)
    except ValidationError as e:
        for err in e.errors(include_url=False):
            loc = tuple(err["loc"])
            problems.append(Problem(file, doc.line_of(loc), loc_text(loc), err["msg"]))
        return
    table.sources.update(parsed.sources)
    if parsed.default is not None:
        table.default = parsed.default
        table.files[""] = file
    for w in parsed.words:
        key = w.word.strip().lower()
        table.words[key] = w
        table.files[key] = file


_TABLES: weakref.WeakKeyDictionary[KnowledgeBase, HedgeTable] = weakref.WeakKeyDictionary()


def table_for(kb: KnowledgeBase) -> HedgeTable:
    """The table for ``kb``'s data directories (read once per knowledge base)."""
    table = _TABLES.get(kb)
    if table is None:
        table = _TABLES[kb] = load_table([Path(d) for d in kb.dirs])
    return table


# --------------------------------------------------------------------------- estimating


def estimate(table: HedgeTable, fact: m.Forecast) -> Estimate:
    """``fact``'s probability: its stated one (the middle of a range), else the lowest value
    of the hedge words found in its ``hedge`` (the first of them on a tie), else the table's
    default."""
    if fact.probability is not None:
        lo, hi = float(fact.probability.low), float(fact.probability.high)
        return Estimate((lo + hi) / 2, "stated", lo, hi)
    hedge = fact.hedge
    found = table.match(hedge) if hedge else []
    if found:
        best = min(found, key=lambda w: w.probability)
        p = best.probability
        return Estimate(
            p, "hedge", p, p, best.word, best.kent, best.source, table.sources.get(best.source), hedge
        )
    d = table.default
    assert d is not None  # load_table makes sure of it
    return Estimate(
        d.probability,
        "default",
        d.probability,
        d.probability,
        None,
        d.kent,
        d.source,
        table.sources.get(d.source),
        hedge,
    )
