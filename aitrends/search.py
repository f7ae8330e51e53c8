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
from typing import Any, Protocol

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
    if text.isascii():
        return text.casefold()  # what the rest would give, quickly
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
        self.ids: dict[str, str] = {}
        """Folded id -> id: an exact id wins over any other record's name or alias."""

    def add(self, record_id: str, names: Iterable[str], words: Iterable[str] = ()) -> None:
        """Index ``names`` (strong) and ``words`` (weak) for ``record_id``."""
        self.ids[name_key(record_id)] = record_id
        for name in names:
            if key := name_key(name):
                self.strong[key].add(record_id)
        for word in words:
            key = name_key(word)
            if len(key) >= 2 or _CJK.search(key):
                self.weak[key].add(record_id)

    def lookup(self, text: str) -> Match:
        """An id, then an exact strong key, then a unique name word, then a unique closest spelling.

        A spelling counts as close within :func:`allowed_edits` edits (insertions, deletions,
        substitutions and swaps of two neighbours); if several records are equally close the
        name is ambiguous. Nothing close gives suggestions only.
        """
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        key = name_key(text)
        if not key:
            return Match([], "none")
        if key in self.ids:
            return Match([self.ids[key]], "exact")
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

SEARCH_FIELDS = ("statement", "excerpt", "excerpt_en", "note", "names", "labels", "id")
"""The fields of a fact that search reads (see :func:`fact_fields`)."""
FIELD_WEIGHTS = {
    "statement": 2.0,
    "excerpt": 1.5,
    "excerpt_en": 1.0,
    "names": 1.5,
    "note": 0.5,
    "labels": 1.5,
    "id": 3.0,
}
"""How much a match in each field counts. The id is a fact's title, chosen by whoever wrote
it to say what the fact is about ("altman-gpt4-training-cost-over-100m"), so it counts most
(as titles do in BM25F), though only to rank (:data:`BOOST_FIELDS`)."""
BOOST_FIELDS = frozenset({"labels", "id"})
"""Fields that only rank: the labels of a fact's topics and metric, and its id. A fact is
found by its text (statement, excerpts, names, note); these add to the score of a fact
already found, so that a fact *about* inference cost ranks above one that mentions it."""
CHINESE_FIELDS = {"excerpt", "names"}
ENGLISH_FIELDS = {"statement", "excerpt_en", "note", "names"}
K1 = 1.2
"""BM25 term-frequency saturation: a word's fourth occurrence adds little."""
B = 0.75
"""BM25 length normalisation: a word in a short field counts more than in a long one."""
FUZZY_WEIGHT = 0.5
"""What a close spelling (a typo corrected) is worth against the word itself."""
PAIR_WEIGHT = 1.0
"""What two query words found next to each other add ("inference cost", "gpt4" in "GPT-4")."""

_PART = re.compile(r"[0-9][a-z0-9.']*|[^0-9]+")
"""A Latin token split where letters meet digits ("gpt4" → "gpt", "4"; "4v" stays whole)."""


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light English stemmer: plurals and common verb endings ("costs", "falling" → "cost", "fall")."""
    if word.endswith("'s"):
        word = word[:-2]
    for suffix, repl in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            return word[: -len(suffix)] + repl
    return word


def _analyse(text: str, *, extras: bool) -> tuple[list[str], list[str]]:
    """The search tokens of ``text``, and (with ``extras``) the tokens indexed besides them:
    the single characters of Chinese runs and the pairs of neighbouring English tokens."""
    out: list[str] = []
    more: list[str] = []
    prev = ""
    for tok in _TOKEN.findall(fold(text)):
        if _CJK.match(tok):
            out.extend([tok] if len(tok) == 1 else [tok[i : i + 2] for i in range(len(tok) - 1)])
            if extras and len(tok) > 1:
                more.extend(tok)
            prev = ""
            continue
        for part in _PART.findall(tok):  # "gpt4" as "GPT-4" is
            word = stem(part.strip(".'"))
            if not word:
                continue
            out.append(word)
            if extras and prev:
                more.append(f"{prev} {word}")
            prev = word
    return out, more


def tokenize(text: str, *, unigrams: bool = False) -> list[str]:
    """Search tokens: Chinese as character bigrams (a lone character as itself), English as
    stems, letters and digits apart ("GPT-4" and "gpt4" → "gpt", "4").

    Documents are indexed with ``unigrams`` too, so that a one-character query word (每 in
    "每 18 个月") finds the character inside a longer run.
    """
    out, more = _analyse(text, extras=unigrams)
    return out + [t for t in more if " " not in t]


def is_latin(token: str) -> bool:
    """An English (or number) token, not a Chinese one nor a pair: what typos are looked up in
    (English tokens are ASCII: :data:`_TOKEN` keeps only a-z and 0-9 of folded text)."""
    return token.isascii() and " " not in token


TEXT_FIELDS = tuple(name for name in SEARCH_FIELDS if name not in BOOST_FIELDS)
"""The fields a fact is found by (the others only rank): the columns of the SQLite export's
full-text index."""


def field_tokens(counts: dict[str, Counter[str]]) -> tuple[str, ...]:
    """Each of :data:`TEXT_FIELDS`' tokens as :func:`tokenize` makes them with ``unigrams``
    (every occurrence; no pairs), sorted and space-separated, from the postings of
    :func:`document_postings`: what the SQLite export's full-text index holds."""
    return tuple(
        " ".join(sorted(t for t, n in counts.get(name, Counter()).items() if " " not in t for _ in range(n)))
        for name in TEXT_FIELDS
    )


def document_postings(fields: dict[str, str]) -> tuple[dict[str, Counter[str]], dict[str, int]]:
    """The postings of one document: for each field, how often each token occurs (Chinese
    bigrams and, in text fields, single characters; English stems and pairs of neighbouring
    stems), and the field's length in tokens (for length normalisation)."""
    counts: dict[str, Counter[str]] = {}
    lengths: dict[str, int] = {}
    for name in sorted(SEARCH_FIELDS):  # in name order, as the compiled index returns them
        toks, more = _analyse(fields.get(name, ""), extras=True)
        if name in BOOST_FIELDS:  # they only rank: no single characters (pairs rank)
            more = [t for t in more if " " in t]
        lengths[name] = len(toks)
        if toks:
            counts[name] = Counter(toks + more)
    return counts, lengths


@dataclass
class Hit:
    """A search result: the fact id, its score, and the query terms it matched."""

    id: str
    score: float
    matched: list[str]
    fields: list[str]


class Postings(Protocol):
    """Where :func:`rank` reads postings: :class:`TextIndex` in memory, or the compiled index
    (:class:`aitrends.textsearch.IndexPostings`)."""

    def stats(self) -> tuple[int, dict[str, int]]:
        """The number of documents and the total length of each field over all of them."""
        ...

    def lookup(self, token: str) -> dict[str, dict[str, tuple[int, int]]]:
        """For each document holding ``token``: field → (count, field length)."""
        ...

    def vocabulary(self, shortest: int, longest: int) -> list[str]:
        """The English tokens of the text fields between these lengths, sorted."""
        ...


class TextIndex:
    """An inverted index over documents made of weighted fields, in memory."""

    def __init__(self) -> None:
        self.postings: dict[str, dict[str, dict[str, tuple[int, int]]]] = defaultdict(dict)
        self.totals: Counter[str] = Counter()
        self.docs: list[str] = []
        self._vocabulary: list[str] | None = None

    def add(self, doc_id: str, fields: dict[str, str]) -> None:
        """Index one document."""
        self.docs.append(doc_id)
        counts, lengths = document_postings(fields)
        self.totals.update(lengths)
        for name, counter in counts.items():
            for tok, count in counter.items():
                self.postings[tok].setdefault(doc_id, {})[name] = (count, lengths[name])
        self._vocabulary = None

    def stats(self) -> tuple[int, dict[str, int]]:
        return len(self.docs), {f: self.totals[f] for f in SEARCH_FIELDS}

    def lookup(self, token: str) -> dict[str, dict[str, tuple[int, int]]]:
        return self.postings.get(token, {})

    def vocabulary(self, shortest: int, longest: int) -> list[str]:
        if self._vocabulary is None:
            self._vocabulary = sorted(
                t
                for t, docs in self.postings.items()
                if is_latin(t) and any(f not in BOOST_FIELDS for fs in docs.values() for f in fs)
            )
        return [t for t in self._vocabulary if shortest <= len(t) <= longest]

    def search(self, query: str, *, fields: set[str] | None = None, require_all: bool = True) -> list[Hit]:
        """Documents matching the query's words, best first (see :func:`rank`)."""
        return rank(self, query, fields=fields, require_all=require_all)


def _in_text(docs: dict[str, dict[str, tuple[int, int]]]) -> bool:
    return any(f not in BOOST_FIELDS for fs in docs.values() for f in fs)


def expand_token(
    source: Postings, tok: str, found: dict[str, dict[str, tuple[int, int]]]
) -> list[tuple[str, float]]:
    """The token itself, or for an English word found in no text field, close spellings
    (worth :data:`FUZZY_WEIGHT`)."""
    if _in_text(found) or not is_latin(tok) or len(tok) < 4 or tok.isdigit():
        return [(tok, 1.0)]
    from rapidfuzz import fuzz, process

    latin = source.vocabulary(len(tok) - 2, len(tok) + 2)
    close = process.extract(tok, latin, scorer=fuzz.ratio, limit=3, score_cutoff=80)
    return [(t, FUZZY_WEIGHT) for t, _s, _ in close]


def lang_fields(lang: str | None) -> set[str] | None:
    """The text fields ``--lang`` searches: Chinese (zh), English (en) or all (None)."""
    if lang not in (None, "zh", "en"):
        from .errors import UsageError

        raise UsageError(f"--lang: '{lang}' is not zh or en")
    return {"zh": CHINESE_FIELDS, "en": ENGLISH_FIELDS}.get(lang or "")


def query_terms(query: str) -> list[str]:
    """The terms of a query: its whitespace-separated words that have a search token."""
    return [t for t in query.split() if tokenize(t)]


def with_fallback(hits: Sequence[Hit], terms: int, allowed: set[str] | None) -> tuple[list[Hit], bool]:
    """Of ``hits`` (ranked without ``require_all``), those in ``allowed`` (None: all) that
    match all ``terms``; if there are none, those that match some, and True."""
    kept = [h for h in hits if allowed is None or h.id in allowed]
    complete = [h for h in kept if len(h.matched) == terms]
    return (complete, False) if complete or not kept else (kept, True)


def rank(
    source: Postings, query: str, *, fields: set[str] | None = None, require_all: bool = True
) -> list[Hit]:
    """Documents matching the query's words, best first: the one ranking of search, whatever
    ``source`` holds the postings.

    Each whitespace-separated word of the query is a term. A term matches a document when
    each of its tokens (Chinese bigrams, English stems, letters and digits apart) occurs in
    one of its text fields (``fields``, else all): statement, excerpt, English excerpt,
    names, note. An English token found in no document is replaced by up to three close
    spellings. With ``require_all`` only documents matching every term are returned.

    The score is BM25F: for each token, its occurrences in the document's fields, weighted
    by :data:`FIELD_WEIGHTS` and normalised by the field's length against the average
    (:data:`B`), are summed and saturated (:data:`K1`), then multiplied by the token's
    inverse document frequency. A close spelling counts :data:`FUZZY_WEIGHT` of the word.
    The labels of the document's topics and metric and its id (:data:`BOOST_FIELDS`) add
    to a token's weight in documents that match it. Two English tokens of the query found
    next to each other in the document ("gpt" "4" in "GPT-4"; "inference cost") add
    :data:`PAIR_WEIGHT` of a token. Documents matching more terms come first, then by
    score, then by id.
    """
    terms = query_terms(query)
    n, totals = source.stats()
    avg = {f: (totals.get(f, 0) / n if n else 0.0) or 1.0 for f in SEARCH_FIELDS}
    cache: dict[str, dict[str, dict[str, tuple[int, int]]]] = {}

    def postings(tok: str) -> dict[str, dict[str, tuple[int, int]]]:
        if tok not in cache:
            cache[tok] = source.lookup(tok)
        return cache[tok]

    def weigh(
        found: dict[str, dict[str, tuple[int, int]]], doc: str, text_only: bool
    ) -> tuple[float, list[str]]:
        text, boost, where = 0.0, 0.0, []
        for name, (count, length) in found[doc].items():  # in name order in both sources
            part = FIELD_WEIGHTS.get(name, 1.0) * count / (1 - B + B * length / avg.get(name, 1.0))
            if name in BOOST_FIELDS:
                boost += part
            elif fields is None or name in fields:
                text += part
                where.append(name)
        if text_only and not text:
            return 0.0, where
        return text + boost, where

    def idf(found: dict[str, dict[str, tuple[int, int]]]) -> float:
        df = len(found)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def bm25(tf: float) -> float:
        return tf * (K1 + 1) / (tf + K1)

    scores: dict[str, float] = defaultdict(float)
    matched: dict[str, list[str]] = defaultdict(list)
    where: dict[str, set[str]] = defaultdict(set)
    edges: list[tuple[str, str]] = []  # neighbouring English tokens of the query, found as typed
    before = ""  # the last token of the previous term, if found as typed
    for term in terms:
        toks = tokenize(term)
        per_doc: dict[str, float] | None = None
        term_where: dict[str, set[str]] = defaultdict(set)
        for tok in toks:
            found = postings(tok)
            tok_scores: dict[str, float] = {}
            for variant, weight in expand_token(source, tok, found):
                vfound = postings(variant)
                w_idf = weight * idf(vfound)
                for doc in vfound:
                    tf, fs = weigh(vfound, doc, True)
                    if tf:
                        s = w_idf * bm25(tf)
                        if s > tok_scores.get(doc, 0.0):
                            tok_scores[doc] = s
                        term_where[doc].update(fs)
            per_doc = (
                tok_scores
                if per_doc is None
                else {d: s + tok_scores[d] for d, s in per_doc.items() if d in tok_scores}
            )
        exact = [is_latin(t) and _in_text(postings(t)) for t in toks]
        for i, tok in enumerate(toks):
            left = toks[i - 1] if i else before
            if exact[i] and left and (exact[i - 1] if i else True):
                edges.append((left, tok))
        before = toks[-1] if exact[-1] else ""
        for doc, s in (per_doc or {}).items():
            scores[doc] += s
            matched[doc].append(term)
            where[doc] |= term_where[doc]
    for a, b in dict.fromkeys(edges):
        found = postings(f"{a} {b}")
        w_idf = PAIR_WEIGHT * idf(found)
        for doc in sorted(found):
            if doc in scores:
                tf, _ = weigh(found, doc, False)
                if tf:
                    scores[doc] += w_idf * bm25(tf)
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
        if _CJK.search(t):
            pattern = r"\s*".join(map(re.escape, t))
        else:  # "gpt4" marks "GPT-4", as it finds it
            parts = [stem(p.strip(".'")) or p for p in _PART.findall(t)] or [t]
            pattern = r"[\s\-_.']?".join(map(re.escape, parts)) + r"\w*"
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


def fact_fields(fact: Any, names: Sequence[str], labels: Sequence[str] = ()) -> dict[str, str]:
    """The searchable fields of a fact (:data:`SEARCH_FIELDS`): its text, the names of who
    it names, the labels of its topics and metric, and its id."""
    return {
        "statement": fact.statement,
        "excerpt": fact.excerpt,
        "excerpt_en": fact.excerpt_en,
        "note": fact.note or "",
        "names": " ".join(names),
        "labels": " ".join(labels),
        "id": fact.id,
    }
