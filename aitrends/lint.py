"""``aitrends lint``: warnings for data that is valid but probably wrong.

``aitrends validate`` rejects data that breaks the format; lint flags data that keeps the
format but probably misreads the article: a hedge the fact drops, a horizon that is not a
time, a heading filed as the words of the person it is about, a number the statement adds.
Each warning has a rule id (:data:`RULES`), the file and line of the fact and one line of
reason. A fact waives a rule with a reason of its own::

    waivers:
    - {rule: hedge-unrecorded, reason: 可能 qualifies the other figure of the sentence.}

The rules are heuristics, tuned on the bundled articles; a waiver with a reason is the way
to say "read, and right".
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import models as m
from .dates import PartialDate
from .quantity import parse_expression

if TYPE_CHECKING:
    from .kb import KnowledgeBase

RULES: dict[str, str] = {
    "hedge-unrecorded": "a hedge word in the excerpt that the fact's hedge does not record",
    "horizon-not-time": "a horizon's stated holds no time expression, or words that are not time",
    "horizon-missing": "a forecast whose excerpt has a time expression but whose horizon is none",
    "figure-number-uncarried": "a number in a figure's excerpt that no quantity, rate or date carries",
    "quantity-not-in-excerpt": "a quantity whose value does not appear in its excerpt in any form",
    "speaker-not-in-passage": "a heading, lead or summary filed as the words of the person it presents",
    "link-periods-disjoint": "supports/contradicts between facts on one metric with non-overlapping periods",
    "as-of-planned": "as_of on a planned or forecast quantity that is not after the date said",
    "statement-number-unstated": "the statement names a number that the excerpt does not",
    "waiver-unknown-rule": "a waiver names a rule that does not exist",
    "waiver-unused": "a waiver for a rule that does not fire on the fact",
}
"""Every rule: its id and what it flags."""


@dataclass(frozen=True)
class LintWarning:
    """One warning: the rule, where, which fact and why."""

    rule: str
    file: str
    line: int | None
    fact: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.rule}: {self.fact}: {self.reason}"

    def record(self) -> dict[str, object]:
        """A JSON-ready row."""
        return {
            "rule": self.rule,
            "file": self.file,
            "line": self.line,
            "fact": self.fact,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class LintReport:
    """The warnings not waived, and the waived ones (with their reasons)."""

    warnings: list[LintWarning]
    waived: list[tuple[LintWarning, str]]


# --------------------------------------------------------------------------- words

# Each hedge is a pattern found in the excerpt and the spellings that record it in ``hedge``.
_HEDGES: list[tuple[str, re.Pattern[str], tuple[str, ...]]] = [
    ("可能", re.compile(r"(?<![不尽盡])可能(?!性)"), ("可能",)),
    ("也许", re.compile(r"也许|也許"), ("也许", "也許")),
    ("或许", re.compile(r"或许|或許"), ("或许", "或許")),
    ("预计", re.compile(r"预计|預計"), ("预计", "預計")),
    ("预期", re.compile(r"预期|預期"), ("预期", "預期")),
    ("估计", re.compile(r"估计|估計"), ("估计", "估計")),
    ("有望", re.compile(r"有望"), ("有望",)),
    ("大约", re.compile(r"大约|大約"), ("大约", "大約")),
    (
        "约",
        re.compile(r"(?<!大)[约約](?=\s*[\d零〇一二两兩三四五六七八九十百千万萬亿億半]|为|為)"),
        ("约", "約"),
    ),
    ("左右", re.compile(r"左右"), ("左右",)),
    ("大概", re.compile(r"大概"), ("大概",)),
    ("似乎", re.compile(r"似乎"), ("似乎",)),
    ("我认为", re.compile(r"我不?认为|我不?認為"), ("认为", "認為")),
    ("我觉得", re.compile(r"我觉得|我覺得"), ("我觉得", "我覺得")),
    ("我想", re.compile(r"我想(?!要)"), ("我想",)),
    ("我相信", re.compile(r"我相信"), ("我相信",)),
    ("我猜", re.compile(r"我猜"), ("我猜",)),
    ("可以说", re.compile(r"可以说|可以說"), ("可以说", "可以說")),
    ("may", re.compile(r"\bmay\b"), ("may",)),
    ("might", re.compile(r"\bmight\b", re.I), ("might",)),
    ("maybe", re.compile(r"\b(?:maybe|perhaps)\b", re.I), ("maybe", "perhaps")),
    ("I don't think", re.compile(r"\bI don't think\b"), ("I don't think",)),
    (
        "about",
        re.compile(r"\b(?:about|around|approximately|roughly)\s+\$?\d", re.I),
        ("about", "around", "approximately", "roughly"),
    ),
    ("expect", re.compile(r"\bexpect(?:s|ed)?\b", re.I), ("expect",)),
    ("likely", re.compile(r"\b(?:likely|probably)\b", re.I), ("likely", "probably")),
    ("I think", re.compile(r"\bI (?:think|believe)\b"), ("I think", "I believe")),
]

_YEAR = r"(?:19|20)\d\d"
_CN_NUM = r"[\d零〇一二两兩三四五六七八九十百几幾数數半]+"
_TIME = re.compile(
    "|".join(
        [
            rf"{_YEAR}\s*年?",
            rf"(?<!第){_CN_NUM}\s*(?:个|個)?\s*(?:年(?![级級])|月|周|週|天|世纪|世紀)",
            r"明年|今年|后年|後年|年底|年内|年內|未来|未來|将来|將來|以后|以後|之后|之後|近期|短期|中期|长期|長期",
            r"不久|很快|即将|即將|终将|終將|最终|最終|早晚|迟早|遲早|一天|世纪|世紀|下一(?!代)|指日可待|永远|永遠|届时|屆時",
            r"一段时间|一段時間",
            r"\b(?:year|years|month|months|decade|decades|century|next|soon|eventually|future|someday|one day|"
            r"within|by \d{4}|in \d{4}|forever|then|for a while)\b",
        ]
    ),
    re.I,
)
"""A time expression, in Chinese or English: a year, a span, a relative time."""

_NOT_TIME = re.compile(
    r"有望|最快|预计|預計|可能|如果|若|假如|只要|将是|將是|会是|會是|规模|規模|市场|市場|"
    r"\b(?:if|unless|may|might|could|expect\w*|will be)\b",
    re.I,
)
"""Words that are not part of a time expression: hedges, conditions, the forecast itself."""

_HEADING_ID = re.compile(r"(?:^|-)(?:heading|headline|summary|subtitle)(?:-|$)")
_HEADING_STATEMENT = re.compile(
    r"^(?:The|A|An) (?:\w+(?:'s)? ){0,2}(?:headline|heading|lead|summary|introduction|subtitle)\b", re.I
)
"""How our statement of a writer's headline, heading, lead or summary begins ("A section heading says")."""

_LATIN_NEIGHBOUR = re.compile(r"[A-Za-z\-]")
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_PLAIN_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _recorded(fact: m.FactBase, spellings: Iterable[str]) -> bool:
    hedge = unicodedata.normalize("NFKC", fact.hedge or "").casefold()
    return any(s.casefold() in hedge for s in spellings)


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def _values(text: str) -> list[float]:
    return [v for v in parse_expression(text).values if v is not None]


def _has(values: Iterable[float], v: float) -> bool:
    return any(_close(v, x) for x in values)


# --------------------------------------------------------------------------- rules


_NUMBER_HEDGES = {"约", "大约", "左右", "about"}
"""Hedges of a number: recorded by the bound of the quantity or rate whose stated holds them."""


def _stated_texts(fact: m.FactBase) -> list[str]:
    parts = (fact.quantity, fact.rate, getattr(fact, "probability", None))
    return [_norm(p.stated) for p in parts if p is not None]


@dataclass
class _Context:
    """What the rules need to know about the other facts, computed once per run."""

    stated_by_excerpt: dict[str, list[tuple[str, str]]]
    """Normalised excerpt → (fact id, normalised stated text) of the facts that share it."""
    numbers_by_source: dict[str, set[float]]
    """Source → the numbers its facts carry (in a stated text or a date)."""

    @classmethod
    def of(cls, facts: Iterable[m.FactBase]) -> _Context:
        ctx = cls({}, {})
        for f in facts:
            excerpt = _norm(f.excerpt)
            ctx.stated_by_excerpt.setdefault(excerpt, []).extend((f.id, t) for t in _stated_texts(f))
            numbers = ctx.numbers_by_source.setdefault(f.source, set())
            for text in _carried(f):
                numbers.update(_number_key(n) for n in _PLAIN_NUMBER.findall(_norm(text).replace(",", "")))
        return ctx


def _hedge_unrecorded(fact: m.FactBase, ctx: _Context) -> Iterable[str]:
    text = _norm(fact.excerpt)
    for word, pattern, spellings in _HEDGES:
        source = text if not word.isascii() else unicodedata.normalize("NFKC", fact.excerpt)
        found = pattern.search(source)
        if found is None or _recorded(fact, (*spellings, found.group(0))):
            continue
        if word in _NUMBER_HEDGES:
            hedged = found.group(0)
            if any(hedged in t for t in _stated_texts(fact)):
                continue  # the quantity's or rate's bound records it
            if any(hedged in t for fid, t in ctx.stated_by_excerpt.get(text, []) if fid != fact.id):
                continue  # it hedges another number of the sentence, which another fact carries
        yield f"the excerpt says '{found.group(0)}' but hedge is {fact.hedge!r}"


def _horizon(fact: m.FactBase) -> Iterable[tuple[str, str]]:
    if not isinstance(fact, m.Forecast):
        return
    h = fact.horizon
    if h.stated is not None:
        if not _TIME.search(h.stated):
            yield "horizon-not-time", f"horizon stated '{h.stated}' holds no time expression"
        elif found := _NOT_TIME.search(h.stated):
            yield (
                "horizon-not-time",
                f"horizon stated '{h.stated}' holds '{found.group(0)}', which is not time",
            )
    elif h.type is m.HorizonType.none and (found := _TIME.search(_norm(fact.excerpt))):
        yield (
            "horizon-missing",
            f"the excerpt has the time expression '{found.group(0)}' but the horizon is none",
        )


def _numbers_in(text: str) -> list[str]:
    """Arabic numbers in ``text`` that are not part of a name (GPT-4, M6, T5)."""
    out = []
    for mt in _DIGITS.finditer(text):
        before = text[mt.start() - 1] if mt.start() else ""
        after = text[mt.end()] if mt.end() < len(text) else ""
        if _LATIN_NEIGHBOUR.fullmatch(before or "_") or re.fullmatch(r"[A-Za-z”\"」]", after or "_"):
            continue  # part of a name: GPT-4, M6, “悟道2.0”
        if after == "." and (mt.end() + 1 >= len(text) or not text[mt.end() + 1].isdigit()) and not before:
            continue  # a list number: "1. ..."
        out.append(mt.group(0))
    return out


def _carried(fact: m.FactBase) -> list[str]:
    """The texts whose numbers count as carried by a fact: its stated parts and dates."""
    out = []
    for part in (
        fact.quantity,
        fact.rate,
        getattr(fact, "horizon", None),
        getattr(fact, "probability", None),
    ):
        if part is not None and part.stated:
            out.append(part.stated)
    q = fact.quantity
    if q is not None:
        out += [str(d) for d in (q.as_of, q.as_of_end) if d is not None]
    if isinstance(fact.said, PartialDate):
        out.append(str(fact.said))
    out += [str(c.date) for c in fact.cited if c.date is not None]
    return out


def _number_key(number: str) -> float:
    """A number as written ('1,200', '05', '3.0') as the value it denotes; NaN (equal to
    nothing) for a dotted string such as a version ('2.0.1')."""
    plain = number.replace(",", "")
    return float(plain) if _PLAIN_NUMBER.fullmatch(plain) else math.nan


def _figure_numbers(fact: m.FactBase, ctx: _Context) -> Iterable[str]:
    if fact.kind is not m.FactKind.figure:
        return
    text = unicodedata.normalize("NFKC", fact.excerpt)
    carried = ctx.numbers_by_source.get(fact.source, set())
    for number in _numbers_in(text):
        if _number_key(number) in carried:
            continue  # this fact carries it, or another fact of the source does (a split sentence)
        yield f"the excerpt's number {number} is carried by no quantity, rate or date"


def _quantity_in_excerpt(fact: m.FactBase) -> Iterable[str]:
    q = fact.quantity
    if q is None:
        return
    texts = [fact.excerpt] + ([fact.excerpt_en] if fact.excerpt_en_original else [])
    found = [v for t in texts for v in _values(t)]
    wanted = [v for v in (q.value, q.low, q.high) if v is not None]
    per_unit = {"months": 1 / 12, "month": 1 / 12, "years": 12.0, "year": 12.0}.get(q.unit.lower(), 1.0)
    for v in wanted:
        scaled = {v, v / 100, v * per_unit} | {v / s for s in (1e3, 1e4, 1e6, 1e8, 1e9, 1e12)}
        if not any(_has(found, s) for s in scaled):
            yield f"quantity value {v:g} appears in the excerpt in no form"


def _speaker_in_passage(kb: KnowledgeBase, fact: m.FactBase) -> Iterable[str]:
    people = [s for s in fact.speaker if s in kb.table("people")]
    if overlap := set(fact.attributed_to) & set(fact.speaker):
        yield f"speaker {', '.join(sorted(overlap))} is also in attributed_to: the writer presents them, they do not speak"
        return
    writers = _HEADING_ID.search(fact.id) or _HEADING_STATEMENT.match(fact.statement)
    source = kb.table("sources").get(fact.source)
    authors = set(source.authors) if source is not None else set()
    presented = [p for p in people if p not in authors]  # a writer's own heading is theirs
    if writers and presented and not fact.attributed_to:
        yield (
            f"a heading, lead or summary has the person {', '.join(presented)} as speaker: "
            "it is the writer's claim about them (speaker: the outlet or writer, attributed_to: the person)"
        )
        return
    if fact.attribution is m.Attribution.direct and people:
        text = unicodedata.normalize("NFKC", fact.excerpt)
        for pid in people:
            person = kb.table("people")[pid]
            names = [
                n for n in (person.name_en, person.name_zh_hans, person.name_zh_hant, *person.aliases) if n
            ]
            names += [p for n in (person.name_en,) for p in n.split() if len(p) > 3]
            for name in names:
                if re.search(
                    re.escape(name) + r"\s*(?:认为|認為|表示|指出|强调|強調|称|稱|说|說|says|said|argues)",
                    text,
                ):
                    yield (
                        f"the excerpt reports {name} in the third person, so it is the writer's words, "
                        "not the speaker's own (attribution: indirect)"
                    )
                    return


def _periods(fact: m.FactBase) -> tuple[float, float] | None:
    """The span of days a fact's quantity describes, when it is dated."""
    q = fact.quantity
    if q is None or q.as_of is None:
        return None
    end = q.as_of_end or q.as_of
    return (q.as_of.start.toordinal(), end.end.toordinal())


def _link_periods(kb: KnowledgeBase, fact: m.FactBase) -> Iterable[str]:
    facts = kb.table("facts")
    mine = _periods(fact)
    if fact.metric is None or mine is None:
        return
    for link in fact.links:
        if link.rel not in (m.LinkRel.supports, m.LinkRel.contradicts):
            continue
        other = facts.get(link.fact)
        if other is None or other.metric != fact.metric:
            continue
        theirs = _periods(other)
        if theirs is not None and (mine[1] < theirs[0] or theirs[1] < mine[0]):
            yield (
                f"'{link.rel.value}' links {fact.id} and {other.id}, on one metric but different periods: "
                "two periods of one series 'follow', rival estimates are 'rival-estimate'"
            )


_PLANNED = re.compile(r"计划|計劃|拟|擬|将推出|將推出|将于|將於|\bplan|\bwill\b", re.I)


def _as_of_planned(kb: KnowledgeBase, fact: m.FactBase) -> Iterable[str]:
    q = fact.quantity
    if q is None or q.as_of is None:
        return
    planned = fact.kind is m.FactKind.forecast or _PLANNED.search(fact.excerpt)
    said = kb.said(fact)
    if planned and (said is None or q.as_of.end <= said.end):
        yield (
            f"as_of {q.as_of} on a planned or forecast quantity is not after the date said "
            f"({said or 'unknown'}): as_of is the period the number describes, not the announcement"
        )


def _dated_years(kb: KnowledgeBase, fact: m.FactBase) -> list[str]:
    """Years the fact's own data carry: when it was said, its quantity's period, its horizon."""
    said = kb.said(fact)
    dates = [said] + ([fact.quantity.as_of, fact.quantity.as_of_end] if fact.quantity else [])
    out = [str(d.year) for d in dates if d is not None]
    if isinstance(fact, m.Forecast):
        h = fact.horizon
        out += [str(d.year) for d in (h.date, h.end) if d is not None]
        if h.type is m.HorizonType.next and h.unit == "year" and h.amount and said is not None:
            out.append(str(said.year + h.amount))
    return out


def _statement_numbers(kb: KnowledgeBase, fact: m.FactBase) -> Iterable[str]:
    title = kb.table("sources")[fact.source].title
    texts = [fact.excerpt, title, " ".join(_dated_years(kb, fact))]
    texts += [fact.excerpt_en] if fact.excerpt_en_original else []
    found = [v for t in texts for v in _values(t)]
    for number in _numbers_in(unicodedata.normalize("NFKC", fact.statement)):
        n = number.replace(",", "")
        v = float(n) if re.fullmatch(r"\d+(?:\.\d+)?", n) else None
        if v is None:
            continue
        after = fact.statement[fact.statement.find(number) + len(number) :][:12].lower()
        scale = next((s for w, s in _SCALES if after.lstrip(" ").startswith(w)), 1.0)
        if _has(found, v) or _has(found, v * scale) or any(n in _norm(t) for t in texts):
            continue
        yield f"the statement names {number}, which the excerpt does not"


_SCALES = [("thousand", 1e3), ("million", 1e6), ("billion", 1e9), ("trillion", 1e12)]


# --------------------------------------------------------------------------- running


def _fact_warnings(kb: KnowledgeBase, fact: m.FactBase, ctx: _Context) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    found += [("hedge-unrecorded", r) for r in _hedge_unrecorded(fact, ctx)]
    found += list(_horizon(fact))
    found += [("figure-number-uncarried", r) for r in _figure_numbers(fact, ctx)]
    found += [("quantity-not-in-excerpt", r) for r in _quantity_in_excerpt(fact)]
    found += [("speaker-not-in-passage", r) for r in _speaker_in_passage(kb, fact)]
    found += [("link-periods-disjoint", r) for r in _link_periods(kb, fact)]
    found += [("as-of-planned", r) for r in _as_of_planned(kb, fact)]
    found += [("statement-number-unstated", r) for r in _statement_numbers(kb, fact)]
    return found


def lint(kb: KnowledgeBase, *, rules: Iterable[str] | None = None) -> LintReport:
    """Every warning on the facts of ``kb``, in file order, split into unwaived and waived.

    ``rules`` restricts the run to those rule ids (an unknown id is a UsageError)."""
    from .errors import UsageError

    wanted = set(rules) if rules is not None else set(RULES)
    if unknown := sorted(wanted - set(RULES)):
        raise UsageError(f"unknown lint rule '{unknown[0]}' (rules: {', '.join(RULES)})")
    ctx = _Context.of(kb.all_facts)
    warnings: list[LintWarning] = []
    waived: list[tuple[LintWarning, str]] = []
    for fact in kb.all_facts:
        origin = kb.origin(fact)
        waivers = {w.rule: w.reason for w in fact.waivers}
        fired = set()
        for rule, reason in _fact_warnings(kb, fact, ctx):
            fired.add(rule)
            w = LintWarning(rule, origin.file, origin.line, fact.id, reason)
            if rule in waivers:
                waived.append((w, waivers[rule]))
            elif rule in wanted:
                warnings.append(w)
        for i, waiver in enumerate(fact.waivers):
            line = origin.problem(("waivers", i), "").line
            if waiver.rule not in RULES:
                warnings.append(
                    LintWarning(
                        "waiver-unknown-rule", origin.file, line, fact.id, f"no lint rule '{waiver.rule}'"
                    )
                )
            elif waiver.rule not in fired:
                warnings.append(
                    LintWarning(
                        "waiver-unused",
                        origin.file,
                        line,
                        fact.id,
                        f"the waiver for '{waiver.rule}' waives nothing: remove it",
                    )
                )
    warnings = [w for w in warnings if w.rule in wanted]
    return LintReport(sorted(warnings, key=_order), sorted(waived, key=lambda p: _order(p[0])))


def _order(w: LintWarning) -> tuple[str, int, str]:
    return (w.file, w.line or 0, w.rule)
