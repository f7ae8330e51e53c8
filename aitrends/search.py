"""Finding things the way people type them: name lookup and full-text search.

Names and text are folded before matching: Unicode NFKC, case, accents, spacing and
punctuation, and Traditional Chinese to Simplified (OpenCC's ``t2s``), so that 李開復 finds
李开复 and "lee kai-fu" finds "Kai-Fu Lee". Full-text search indexes Chinese as character
bigrams (no segmenter and no reliance on spaces) and English as lightly stemmed words, with
fuzzy matching of English words for typos.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

_STRIP = re.compile(r"[\s\-_.·・'’‘\"“”,，。()（）:：;；!！?？/\\|]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
_TOKEN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[a-z0-9]+(?:[.'][a-z0-9]+)*")


@lru_cache(maxsize=1)
def _t2s() -> Callable[[str], str]:
    import opencc

    convert: Callable[[str], str] = opencc.OpenCC("t2s").convert
    return convert


def simplified(text: str) -> str:
    """Traditional Chinese folded to Simplified (OpenCC t2s); other text unchanged."""
    return _t2s()(text) if _CJK.search(text) else text


def fold(text: str) -> str:
    """NFKC, no accents, Simplified Chinese, case-folded: the form all matching compares."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return simplified(unicodedata.normalize("NFKC", text)).casefold()


def name_key(text: str) -> str:
    """Fold a name for lookup: also drops spaces and punctuation ("Kai-Fu Lee" → "kaifulee")."""
    return _STRIP.sub("", fold(text))


def compact(text: str) -> str:
    """Text for substring search: NFKC, case-folded, with all whitespace removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).casefold())


def suggest(word: str, choices: Iterable[str], *, limit: int = 3, cutoff: float = 60) -> list[str]:
    """The choices closest to ``word``, best first, for "did you mean" messages."""
    from rapidfuzz import fuzz, process, utils

    found = process.extract(
        word,
        list(dict.fromkeys(choices)),
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        limit=limit,
        score_cutoff=cutoff,
    )
    return [choice for choice, _score, _index in found]


# --------------------------------------------------------------------------- name lookup


def allowed_edits(key: str) -> int:
    """Typos corrected silently: none below 4 characters, 1 below 10, else 2 (Chinese: none)."""
    if _CJK.search(key) or len(key) < 4:
        return 0
    return 1 if len(key) < 10 else 2


@dataclass
class Match:
    """The outcome of looking a name up: one id, several candidates, or suggestions."""

    ids: list[str]
    how: str
    """exact, word, fuzzy, ambiguous or none."""
    suggestions: list[str] = field(default_factory=list)


class NameIndex:
    """Names (keys) of records, folded, with the ids they name.

    Strong keys are ids, full names in every script, aliases and the other name order of a
    person; weak keys are single words of a name ("Amodei"), used only when no strong key
    matches, so that a shared surname is reported as ambiguous rather than guessed.
    """

    def __init__(self) -> None:
        self.strong: dict[str, set[str]] = defaultdict(set)
        self.weak: dict[str, set[str]] = defaultdict(set)

    def add(self, record_id: str, names: Iterable[str], words: Iterable[str] = ()) -> None:
        """Index ``names`` (strong) and ``words`` (weak) for ``record_id``."""
        for name in names:
            if key := name_key(name):
                self.strong[key].add(record_id)
        for word in words:
            key = name_key(word)
            if len(key) >= 2 or _CJK.search(key):
                self.weak[key].add(record_id)

    def lookup(self, text: str) -> Match:
        """Exact strong key, then a unique name word, then a unique closest spelling.

        A spelling counts as close within :func:`allowed_edits` edits (insertions, deletions,
        substitutions and swaps of two neighbours); if several records are equally close the
        name is ambiguous. Nothing close gives suggestions only.
        """
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        key = name_key(text)
        if not key:
            return Match([], "none")
        if ids := self.strong.get(key):
            return Match(sorted(ids), "exact" if len(ids) == 1 else "ambiguous")
        if ids := self.weak.get(key):
            return Match(sorted(ids), "word" if len(ids) == 1 else "ambiguous")
        edits = allowed_edits(key)
        if edits:
            by_distance: dict[int, set[str]] = defaultdict(set)
            for table in (self.strong, self.weak):
                for choice, dist, _ in process.extract(
                    key, list(table), scorer=OSA.distance, limit=None, score_cutoff=edits
                ):
                    by_distance[int(dist)].update(table[choice])
            if by_distance:
                ids = by_distance[min(by_distance)]
                return Match(sorted(ids), "fuzzy" if len(ids) == 1 else "ambiguous")
        ranked: dict[str, float] = {}
        for choice, score in closest(key, self.strong):
            for rid in self.strong[choice]:
                ranked[rid] = max(ranked.get(rid, 0.0), score)
        best = sorted(ranked.items(), key=lambda kv: (-kv[1], kv[0]))
        return Match([], "none", [rid for rid, _ in best[:3]])


def closest(key: str, keys: Iterable[str], *, limit: int = 12) -> list[tuple[str, float]]:
    """The ``keys`` worth suggesting for a folded ``key`` that matched none, best first, with
    a score: keys it begins (200 and up), keys it is part of, or that are part of it (100 and
    up, the closer in length the better), else close spellings (fuzzy ratio of at least 65)."""
    from rapidfuzz import fuzz, process

    keys = list(dict.fromkeys(keys))
    scored: dict[str, float] = {}
    for k in keys:
        if k.startswith(key) or (len(k) >= 3 and key.startswith(k)):
            scored[k] = 200 + 100 * min(len(k), len(key)) / max(len(k), len(key))
        elif key in k or (len(k) >= 4 and k in key):
            scored[k] = 100 + 100 * min(len(k), len(key)) / max(len(k), len(key))
    if not scored:  # a misspelling only when no key begins or contains it
        for choice, score, _ in process.extract(key, keys, scorer=fuzz.ratio, limit=limit, score_cutoff=65):
            scored[choice] = score
    return sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]


# --------------------------------------------------------------------------- full text

FIELD_WEIGHTS = {"statement": 2.0, "excerpt": 1.5, "excerpt_en": 1.0, "names": 1.5, "note": 0.5}
"""How much a match in each field counts."""
CHINESE_FIELDS = {"excerpt", "names"}
ENGLISH_FIELDS = {"statement", "excerpt_en", "note", "names"}


def stem(word: str) -> str:
    """A light English stemmer: plurals and common verb endings ("costs", "falling" → "cost", "fall")."""
    for suffix, repl in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            return word[: -len(suffix)] + repl
    return word


def tokenize(text: str, *, unigrams: bool = False) -> list[str]:
    """Search tokens: Chinese as character bigrams (a lone character as itself), English as stems.

    Documents are indexed with ``unigrams`` too, so that a one-character query word (每 in
    "每 18 个月") finds the character inside a longer run.
    """
    out: list[str] = []
    for tok in _TOKEN.findall(fold(text)):
        if _CJK.match(tok):
            out.extend([tok] if len(tok) == 1 else [tok[i : i + 2] for i in range(len(tok) - 1)])
            if unigrams and len(tok) > 1:
                out.extend(tok)
        else:
            out.append(stem(tok))
    return out


@dataclass
class Hit:
    """A search result: the fact id, its score, and the query terms it matched."""

    id: str
    score: float
    matched: list[str]
    fields: list[str]


class TextIndex:
    """An inverted index over documents made of weighted fields."""

    def __init__(self) -> None:
        self.postings: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
        self.docs: list[str] = []

    def add(self, doc_id: str, fields: dict[str, str]) -> None:
        """Index one document."""
        self.docs.append(doc_id)
        for name, text in fields.items():
            for tok in tokenize(text, unigrams=True):
                self.postings[tok][doc_id][name] += 1

    def _expand(self, tok: str) -> list[str]:
        """The token itself, or for an English word not in the index, close spellings."""
        if tok in self.postings or _CJK.match(tok) or len(tok) < 4 or tok.isdigit():
            return [tok]
        from rapidfuzz import fuzz, process

        latin = [t for t in self.postings if not _CJK.match(t) and abs(len(t) - len(tok)) <= 2]
        return [t for t, _s, _ in process.extract(tok, latin, scorer=fuzz.ratio, limit=3, score_cutoff=80)]

    def search(self, query: str, *, fields: set[str] | None = None, require_all: bool = True) -> list[Hit]:
        """Documents matching the query's words, best first.

        Each whitespace-separated word of the query is a term; a Chinese term matches when all
        its bigrams occur in the document, an English term when its stem (or a close spelling)
        does. With ``require_all`` only documents matching every term are returned.
        """
        terms = [t for t in query.split() if tokenize(t)]
        n = max(len(self.docs), 1)
        scores: dict[str, float] = defaultdict(float)
        matched: dict[str, list[str]] = defaultdict(list)
        where: dict[str, set[str]] = defaultdict(set)
        for term in terms:
            per_doc: dict[str, float] | None = None
            for tok in tokenize(term):
                tok_scores: dict[str, float] = defaultdict(float)
                for variant in self._expand(tok):
                    posting = self.postings.get(variant, {})
                    idf = math.log(1 + n / (1 + len(posting)))
                    for doc, counts in posting.items():
                        for name, count in counts.items():
                            if fields is None or name in fields:
                                tok_scores[doc] += idf * FIELD_WEIGHTS.get(name, 1.0) * (1 + math.log(count))
                                where[doc].add(name)
                per_doc = (
                    dict(tok_scores)
                    if per_doc is None
                    else {d: s + tok_scores[d] for d, s in per_doc.items() if d in tok_scores}
                )
            for doc, s in (per_doc or {}).items():
                scores[doc] += s
                matched[doc].append(term)
        hits = [
            Hit(doc, round(score, 4), matched[doc], sorted(where[doc]))
            for doc, score in scores.items()
            if not require_all or len(matched[doc]) == len(terms)
        ]
        hits.sort(key=lambda h: (-len(h.matched), -h.score, h.id))
        return hits


def highlight_spans(text: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """(start, end) of each occurrence of a term in ``text``, compared after folding.

    Chinese terms are matched ignoring spaces inside them; English terms by prefix of their
    stem, so "cost" marks "costs". Returns no spans where folding changed the text's length.
    """
    folded = fold(text)
    if len(folded) != len(text):
        return []
    spans = []
    for term in terms:
        t = fold(term).strip()
        if not t:
            continue
        pattern = re.escape(stem(t)) + r"\w*" if not _CJK.search(t) else r"\s*".join(map(re.escape, t))
        spans += [(mt.start(), mt.end()) for mt in re.finditer(pattern, folded)]
    return sorted(spans)


def snippet(text: str, terms: Sequence[str], width: int = 120) -> tuple[str, list[tuple[int, int]]]:
    """A window of ``text`` around the first match, and the match spans inside it."""
    spans = highlight_spans(text, terms)
    if len(text) <= width or not spans:
        return text[:width] + ("…" if len(text) > width else ""), [s for s in spans if s[1] <= width]
    start = max(0, spans[0][0] - width // 3)
    end = min(len(text), start + width)
    inner = [(a - start, b - start) for a, b in spans if a >= start and b <= end]
    prefix = "…" if start else ""
    shifted = [(a + len(prefix), b + len(prefix)) for a, b in inner]
    return prefix + text[start:end] + ("…" if end < len(text) else ""), shifted


def fact_fields(fact: Any, names: list[str]) -> dict[str, str]:
    """The searchable fields of a fact."""
    return {
        "statement": fact.statement,
        "excerpt": fact.excerpt,
        "excerpt_en": fact.excerpt_en,
        "note": fact.note or "",
        "names": " ".join(names),
    }
