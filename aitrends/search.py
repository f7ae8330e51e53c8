"""Normalising names for lookup, and "did you mean" suggestions."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_STRIP = re.compile(r"[\s\-_.·・'’‘\"“”,，。()（）]+")


def name_key(text: str) -> str:
    """Fold a name for matching: NFKC, case, accents, spacing and punctuation."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _STRIP.sub("", unicodedata.normalize("NFKC", text).casefold())


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


def compact(text: str) -> str:
    """Text for substring search: NFKC, case-folded, with all whitespace removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).casefold())
