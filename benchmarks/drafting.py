"""Measure ``aitrends draft`` against the facts we extracted by hand from the five articles.

    python benchmarks/drafting.py --articles ../shared/seeds

The bundled data is the answer key. Each article is drafted with every sentence kept (as
``aitrends draft --all``) and compared with the bundled facts of its source:

- recall: the share of target facts (every figure and forecast, and every fact with a
  quantity or rate) whose excerpt a candidate covers. A candidate covers an excerpt when
  their spans in the article (NFKC, whitespace removed, as ``verify`` compares) overlap by at
  least half of the shorter one. Target: 95%.
- values: of the covered target facts, the share for which some covering candidate has the
  same quantity (value or low/high, unit, bound), rate (direction, factor, factor_high,
  period, period_high, period_unit) and horizon (type, date, end, amount, unit) as the
  bundled fact; parts the bundled fact does not have are not compared. Target: 90%.
- precision: the share of candidates that cover some bundled fact (of any kind).
- speaker: of the candidates that cover a bundled fact and have a decided speaker, the share
  whose speakers equal that fact's; "decided" is the share of such candidates with one.
- topics: of the candidates that cover a bundled fact, the share sharing a topic with it.

Output is a Markdown table (``--json`` for the numbers); the exit status is 1 when a target
is missed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

try:
    import aitrends
    from aitrends import models as m
    from aitrends.draft import Candidate, draft_article, overlaps, spans
except ImportError:  # pragma: no cover - a clear message instead of a traceback
    sys.exit("benchmarks/drafting.py needs aitrends installed: pip install -e . (from the clone)")

RECALL_TARGET = 0.95
VALUES_TARGET = 0.90
ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Score:
    """The measures for one article (or the total)."""

    article: str
    source: str
    targets: int = 0
    covered: int = 0
    valued: int = 0
    candidates: int = 0
    matching: int = 0
    decided: int = 0
    decided_of: int = 0
    speaker_ok: int = 0
    topic_ok: int = 0
    topic_of: int = 0

    def add(self, other: Score) -> None:
        """Add another article's counts to this one."""
        for name in ("targets", "covered", "valued", "candidates", "matching", "decided"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("decided_of", "speaker_ok", "topic_ok", "topic_of"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def recall(self) -> float:
        """Covered target facts / target facts."""
        return _share(self.covered, self.targets)

    @property
    def values(self) -> float:
        """Target facts with equal values / covered target facts."""
        return _share(self.valued, self.covered)

    @property
    def precision(self) -> float:
        """Candidates covering a bundled fact / candidates."""
        return _share(self.matching, self.candidates)

    def row(self) -> dict[str, Any]:
        """The measures as a record (shares rounded to 0.1%)."""
        return {
            **asdict(self),
            "recall": round(self.recall * 100, 1),
            "values": round(self.values * 100, 1),
            "precision": round(self.precision * 100, 1),
            "speaker": round(_share(self.speaker_ok, self.decided) * 100, 1),
            "speaker_decided": round(_share(self.decided, self.decided_of) * 100, 1),
            "topics": round(_share(self.topic_ok, self.topic_of) * 100, 1),
        }


def _share(a: int, b: int) -> float:
    return a / b if b else 1.0


def is_target(fact: m.FactBase) -> bool:
    """Figures, forecasts, and facts with a quantity or rate."""
    return (
        fact.kind in (m.FactKind.figure, m.FactKind.forecast)
        or fact.quantity is not None
        or fact.rate is not None
    )


def _dump(model: Any) -> dict[str, Any] | None:
    if model is None:
        return None
    data: dict[str, Any] = model.model_dump(mode="json", exclude={"stated", "as_of", "as_of_end", "per"})
    return data


def same_values(fact: m.FactBase, cand: Candidate) -> bool:
    """True when the candidate's quantity, rate and horizon equal the fact's (each compared
    only when the fact has it)."""
    for name in ("quantity", "rate", "horizon"):
        want = getattr(fact, name, None)
        if want is None:
            continue
        got = cand.fields.get(name)
        if name == "horizon" and got is None and want.type is m.HorizonType.none:
            continue  # no time given either way: neither is ever due
        if _dump(want) != _dump(got):
            return False
    return True


def score_article(kb: aitrends.KnowledgeBase, article: Path) -> Score:
    """Draft one article (every sentence) and score it against the bundled facts."""
    d = draft_article(kb, article, include_covered=True)
    facts = [f for f in kb.all_facts if f.source == d.source]
    text = article.read_text(encoding="utf-8")
    fact_spans = [spans(text, [f.excerpt])[0] for f in facts]
    cand_spans = spans(text, [c.sentence.text for c in d.candidates])
    out = Score(article.name, d.source, candidates=len(d.candidates))
    for fact, fs in zip(facts, fact_spans, strict=True):
        covering = [c for c, cs in zip(d.candidates, cand_spans, strict=True) if overlaps(fs, cs)]
        if is_target(fact):
            out.targets += 1
            if covering:
                out.covered += 1
                out.valued += any(same_values(fact, c) for c in covering)
    for cand, cs in zip(d.candidates, cand_spans, strict=True):
        matched = [f for f, fs in zip(facts, fact_spans, strict=True) if overlaps(fs, cs)]
        if not matched:
            continue
        out.matching += 1
        out.decided_of += 1
        speakers = [s for s in cand.fields["speaker"] if s != m.DRAFT_ID]
        if speakers:
            out.decided += 1
            out.speaker_ok += any(set(speakers) == set(f.speaker) for f in matched)
        topics = {t for t in cand.fields["topics"] if t != m.DRAFT_ID}
        out.topic_of += 1
        out.topic_ok += any(topics & set(f.topics) for f in matched)
    return out


def score_all(articles: Path, kb: aitrends.KnowledgeBase | None = None) -> list[Score]:
    """A score per article of ``articles`` that a bundled source has, then the total."""
    kb = kb or aitrends.load(bundled=True)
    by_hash = {s.sha256: s.id for s in kb.sources}
    scores = []
    for path in sorted(articles.glob("*.txt")):
        if hashlib.sha256(path.read_bytes()).hexdigest() in by_hash:
            scores.append(score_article(kb, path))
    total = Score("total", "")
    for s in scores:
        total.add(s)
    return [*scores, total]


def markdown(scores: list[Score]) -> str:
    """The scores as a Markdown table."""
    head = (
        "| article | source | target facts | recall | values | candidates | precision | speaker (decided) | topics |\n"
        "|---|---|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    rows = []
    for s in scores:
        r = s.row()
        name = f"**{s.article}**" if s.article == "total" else f"`{s.article}`"
        rows.append(
            f"| {name} | {s.source} | {s.targets} | {r['recall']}% | {r['values']}% | {s.candidates} "
            f"| {r['precision']}% | {r['speaker']}% ({r['speaker_decided']}%) | {r['topics']}% |"
        )
    return head + "\n".join(rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; 1 when recall or values miss their target."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=Path, default=ROOT.parent / "shared" / "seeds")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = parser.parse_args(argv)
    if not args.articles.is_dir():
        sys.stderr.write(f"articles directory not found: {args.articles}\n")
        return 2
    scores = score_all(args.articles)
    if args.json:
        sys.stdout.write(json.dumps([s.row() for s in scores], indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(markdown(scores))
    total = scores[-1]
    return 0 if total.recall >= RECALL_TARGET and total.values >= VALUES_TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
