"""Drafting the facts of a new article for a person to confirm (``aitrends draft``).

Every sentence that holds a number, a rate, a year, a forecast cue or a named person's
quotation becomes a candidate fact, pre-filled from the existing parsers (kind, quantity,
rate, horizon, hedge, cited origin, speaker, topics). What only a person can write is left
as ``TODO(draft)`` (or the id ``todo-draft``), which ``validate`` refuses, so a draft never
passes for checked data.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import models as m
from .dates import PartialDate
from .errors import UsageError
from .extract import (
    Found,
    Sentence,
    examine,
    horizons_of,
    normalize,
    quantity_of,
    speech_verbs,
    split_sentences,
    title_horizon,
)
from .models import DRAFT_ID, DRAFT_MARK
from .search import fold

if TYPE_CHECKING:
    from .kb import KnowledgeBase

MIN_SENTENCE_CHARS = 6
"""Shorter sentences are not drafted (``validate`` finds such excerpts too short to verify)."""


@dataclass
class Candidate:
    """A proposed fact: the fields as data, and why the sentence was picked."""

    sentence: Sentence
    fields: dict[str, Any]
    reasons: list[str]
    notes: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        """figure, forecast, claim or quote."""
        return str(self.fields["kind"])


@dataclass
class Draft:
    """The candidates for one article."""

    source: str
    article: str
    sentences: int
    candidates: list[Candidate]
    skipped: int
    """Sentences left out because facts of the same source already cover them."""


def read_article(path: Path) -> str:
    """An article's text (UTF-8); :class:`UsageError` when it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise UsageError(f"cannot read article {path}: {e.strerror or e}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise UsageError(f"{path}: not UTF-8 text (byte {e.start})") from None


def sha256_of(path: Path) -> str:
    """SHA-256 of a file's bytes, as ``verify`` matches articles by."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as e:
        raise UsageError(f"cannot read article {path}: {e.strerror or e}") from None


def source_for(kb: KnowledgeBase, article: Path, source: str | None) -> m.Source:
    """The source an article belongs to: the one named, else the one with its sha256."""
    if source is not None:
        sid = kb.resolve("sources", source)
        found: m.Source = kb.table("sources")[sid]
        return found
    digest = sha256_of(article)
    for s in kb.sources:
        if s.sha256 == digest:
            return s
    raise UsageError(
        f"no source has the sha256 of {article.name}; add it first with "
        f"'aitrends add-source {article}' or name one with --source"
    )


# --------------------------------------------------------------------------- names


@dataclass
class _Names:
    """Names, aliases and labels of the knowledge base, folded, for finding them in text."""

    entities: list[tuple[str, str]]
    topics: list[tuple[str, str]]
    metrics: list[tuple[str, str]]


def _usable(name: str) -> bool:
    key = fold(name).strip()
    if re.search(r"[\u3400-\u9fff]", key):
        return len(key) >= 2
    return len(key) >= 3


def _name_list(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Folded names, longest first; a name that several records share names none of them."""
    ids: dict[str, set[str]] = {}
    for n, rid in pairs:
        if n and _usable(n):
            ids.setdefault(fold(n).strip(), set()).add(rid)
    out = [(name, next(iter(rids))) for name, rids in ids.items() if len(rids) == 1]
    return sorted(out, key=lambda p: (-len(p[0]), p))


def _names(kb: KnowledgeBase) -> _Names:
    ent: list[tuple[str, str]] = []
    for e in [*kb.people, *kb.organizations]:
        for n in (e.name_en, e.name_zh_hans, e.name_zh_hant, *e.aliases):
            if n:
                ent.append((n, e.id))
        if isinstance(e, m.Person) and " " in e.name_en:
            ent.append((e.name_en.split()[-1], e.id))  # a surname alone ("Amodei")
            ent.append((" ".join(reversed(e.name_en.split())), e.id))
        for n in (e.name_zh_hans, e.name_zh_hant):
            if n and "·" in n:
                ent.append((n.split("·")[-1], e.id))  # 伊奇奥尼 for 奥伦·伊奇奥尼
    topics = [(n, t.id) for t in kb.topics for n in (t.label_en, t.label_zh, *t.aliases)]
    metrics = [(n, x.id) for x in kb.metrics for n in (x.label_en, x.label_zh or "", *x.aliases)]
    return _Names(_name_list(ent), _name_list(topics), _name_list(metrics))


def find_names(text: str, names: list[tuple[str, str]]) -> list[tuple[str, int, int]]:
    """(id, start, end) of every name found in ``text`` (folded), longest names first and
    never overlapping; Latin names only as whole words."""
    folded = fold(text)
    taken: list[tuple[int, int]] = []
    out: list[tuple[str, int, int]] = []
    for name, rid in names:
        start = 0
        while (i := folded.find(name, start)) >= 0:
            j = i + len(name)
            start = i + 1
            if (
                name[0].isascii()
                and name[0].isalnum()
                and i > 0
                and folded[i - 1].isalnum()
                and folded[i - 1].isascii()
            ):
                continue
            if (
                name[-1].isascii()
                and name[-1].isalnum()
                and j < len(folded)
                and (folded[j].isascii() and folded[j].isalnum() or re.match(r"\.\d", folded[j : j + 2]))
            ):
                continue  # part of a longer word or a version ("AI2.0" is not AI2)
            if any(s < j and i < e for s, e in taken):
                continue
            taken.append((i, j))
            out.append((rid, i, j))
    return sorted(out, key=lambda x: x[1])


_CLAUSE = re.compile(r"[^,，。;；:：]+")
_CITE_BEFORE = re.compile(
    r"^\s*(?:据|據|根据|根據|according to|citing|per)\b|^\s*(?:据|據|根据|根據)", re.IGNORECASE
)
_CITE_AFTER = re.compile(
    r"(?:数据|數據|报告|報告|研究|调研|調研|统计|統計|调查|調查)(?:显示|顯示|指出|表明)|(?:data|report|study|survey) (?:shows?|finds?|says?)",
    re.IGNORECASE,
)


def cited_in(sentence: str, names: _Names) -> tuple[list[str], list[str]]:
    """(ids of known origins, clauses naming an origin the knowledge base does not know) of
    the figures or claims a sentence relays: 'according to X...', '据X...', 'X的数据显示'."""
    ids: list[str] = []
    unknown: list[str] = []
    for mt in _CLAUSE.finditer(sentence):
        clause = mt.group()
        after = _CITE_AFTER.search(clause)
        if not (_CITE_BEFORE.search(clause) or after):
            continue
        part = clause[: after.start()] if after and not _CITE_BEFORE.search(clause) else clause
        found = [rid for rid, _, _ in find_names(part, names.entities)]
        ids += [i for i in found if i not in ids]
        if not found:
            unknown.append(clause.strip())
    return ids, unknown


_ANAPHORA = re.compile(
    r"^(?:该所|該所|该公司|該公司|该机构|該機構|他|她|他们|他們|其|对方|對方|he|she|they)\b|^(?:该所|該所|该公司|該公司|他|她|他们|他們)",
    re.I,
)


# --------------------------------------------------------------------------- drafting


def _speaker(
    sentence: str, names: _Names, cited: list[str], last: str | None
) -> tuple[list[str], list[str], bool]:
    """(decided speakers, other candidates, decided by a speech verb). A sentence that opens
    with 'he', 'the institute'... and a speech verb is given ``last``, the speaker decided
    by the sentence before."""
    folded = fold(sentence)
    folded_verbs = _verbs_folded(sentence)
    mentions = [x for x in find_names(sentence, names.entities) if x[0] not in cited]
    for verb, pos in folded_verbs:
        before = [
            x
            for x in mentions
            if x[2] <= pos and pos - x[2] <= 12 and not _CLAUSE_END.search(folded[x[2] : pos])
        ]
        if before:
            return [before[-1][0]], [], True
        if verb.isascii():
            after = [x for x in mentions if x[1] >= pos + len(verb) and x[1] - pos - len(verb) <= 3]
            if after:  # "said Amodei"
                return [after[0][0]], [], True
    others = list(dict.fromkeys(x[0] for x in mentions))
    if folded_verbs and last is not None and _ANAPHORA.search(sentence.strip()):
        return [last], others, True  # "该所预计", "他表示": the speaker named just before
    return [], others, False


_CLAUSE_END = re.compile(r"[,，;；。:：!?！？]")
_LABEL = re.compile(r"\s*([^:：]{1,40}?)\s*[:：]\s*")


def speaker_label(line: str, names: _Names) -> str | None:
    """The id of the known person or organization a transcript line names as the speaker
    of what follows ('Dario Amodei:' alone on its line), or None."""
    mt = _LABEL.fullmatch(line)
    if mt is None:
        return None
    found = find_names(mt.group(1), names.entities)
    if len(found) == 1 and len(fold(mt.group(1)).strip()) == found[0][2] - found[0][1]:
        return found[0][0]
    return None


def _verbs_folded(sentence: str) -> list[tuple[str, int]]:
    return speech_verbs(fold(sentence))


def _topics(sentence: str, names: _Names, kb: KnowledgeBase) -> tuple[list[str], str | None]:
    topics = list(dict.fromkeys(rid for rid, _, _ in find_names(sentence, names.topics)))
    metrics = list(dict.fromkeys(rid for rid, _, _ in find_names(sentence, names.metrics)))
    metric = metrics[0] if len(metrics) == 1 else None
    if metric is not None:
        for t in kb.table("metrics")[metric].topics:
            if t not in topics:
                topics.append(t)
    return topics, metric


def _reasons(found: Found) -> list[str]:
    out = [f"number {x.stated}" for x in found.numbers]
    out += [f"rate {r.stated}" for r, _, _ in found.rates]
    out += [f"year {y}" for y in found.years]
    if found.number_words and not (found.numbers or found.rates):
        out.append("number word")
    out += [f"cue {c}" for c in dict.fromkeys(found.cues)]
    if found.list_item is not None:
        out.append(f"list item {found.list_item}")
    if found.quotation:
        out.append("quotation")
    return out


@dataclass
class _Context:
    """What drafting one sentence needs to know about the article and the sentences before."""

    kb: KnowledgeBase
    names: _Names
    source: m.Source
    default: str | None
    last: str | None = None
    """The speaker decided by a speech verb in the sentence before."""
    label: str | None = None
    """The speaker of a transcript: the last line that was only a known name and a colon."""
    outlook: m.Horizon | None = None
    """The year the title of an outlook names ('2024年...十大发展趋势'): the horizon of its
    numbered items."""


def propose(sentence: Sentence, found: Found, ctx: _Context) -> list[Candidate]:
    """The candidate facts of one sentence (none when it holds nothing to draft)."""
    text = sentence.text
    kb, names, source, default = ctx.kb, ctx.names, ctx.source, ctx.default
    cited, unknown = cited_in(text, names)
    speakers, others, by_verb = _speaker(text, names, cited, ctx.last)
    ctx.last = speakers[0] if by_verb and len(speakers) == 1 else None
    quote = found.quotation and by_verb
    if not (found.numeric or found.cues or quote):
        return []
    topics, metric = _topics(text, names, kb)
    base: dict[str, Any] = {}
    notes: list[str] = []
    if speakers:
        base["speaker"] = speakers
    elif ctx.label is not None:
        base["speaker"] = [ctx.label]
        notes.append("speaker: from the transcript's last speaker label")
    elif default is not None:
        base["speaker"] = [default]
        notes.append(f"speaker: the author of this {source.kind.value}, by default")
    else:
        base["speaker"] = [DRAFT_ID]
        if others:
            notes.append("speaker candidates: " + ", ".join(others))
    if by_verb and not quote:
        base["attribution"] = "indirect"
    if cited:
        base["cited"] = [{"by": c} for c in cited]
    if unknown:
        notes.append("cited origin not in the knowledge base: " + "; ".join(unknown))
    base["topics"] = topics or [DRAFT_ID]
    if metric:
        base["metric"] = metric
    base["statement"] = f"{DRAFT_MARK}: one English sentence in your own words, keeping the hedges"
    base["excerpt"] = text
    base["excerpt_en"] = f"{DRAFT_MARK}: the excerpt in English"
    if found.hedges:
        base["hedge"] = ", ".join(found.hedges)
    outlook = ctx.outlook if found.list_item is not None else None
    forecast = bool(found.cues) or outlook is not None
    since = source.published.year if source.published is not None else None
    as_of = str(found.years[0]) if len(set(found.years)) == 1 and not forecast else None
    reasons = _reasons(found)
    out: list[Candidate] = []
    for rate, _, _ in found.rates:
        fields: dict[str, Any] = {"kind": "claim", **base}
        pct = re.search(r"\d+(?:\.\d+)?\s?%", rate.stated)
        if pct:  # a growth rate in percent states its figure too
            fields["quantity"] = m.Quantity(
                value=float(pct.group().rstrip("% ")), unit="percent", stated=pct.group()
            )
        fields["rate"] = rate
        out.append(Candidate(sentence, fields, reasons, notes))
    for expr in found.numbers:
        q = quantity_of(expr, text)
        if q is None:
            continue
        if as_of is not None:
            q = q.model_copy(update={"as_of": PartialDate.parse(as_of)})
        kind = "forecast" if forecast else "figure"
        fields = {"kind": kind, **base, "quantity": q}
        out.append(Candidate(sentence, fields, reasons, notes))
    if forecast:
        horizons = horizons_of(text, found.cues, since=since)
        if outlook is not None and horizons[0].type is m.HorizonType.none:
            horizons = [outlook]  # an item of "ten trends for 2024" is for 2024
        for c in out:
            if c.kind == "forecast":
                _add_horizon(c, horizons[0])
        if not any(c.kind == "forecast" for c in out):
            for horizon in horizons:
                c = Candidate(sentence, {"kind": "forecast", **base}, reasons, notes)
                _add_horizon(c, horizon)
                out.append(c)
    if not out:
        kind = "quote" if quote else "claim"
        out.append(Candidate(sentence, {"kind": kind, **base}, reasons, notes))
    return out


def _add_horizon(c: Candidate, horizon: m.Horizon) -> None:
    c.fields["horizon"] = horizon
    c.fields["criteria"] = f"{DRAFT_MARK}: what would make it true, in your own words"


def _main_speaker(kb: KnowledgeBase, source: m.Source) -> str | None:
    if source.kind is m.SourceKind.column and source.authors:
        return source.authors[0]
    return None


def spans(article_text: str, pieces: Iterable[str]) -> list[tuple[int, int] | None]:
    """Where each piece stands in the article, compared as ``verify`` compares (NFKC, no
    whitespace); pieces are looked for in order, each from where the last one started."""
    text = normalize(article_text)
    out: list[tuple[int, int] | None] = []
    cursor = 0
    for piece in pieces:
        key = normalize(piece)
        i = text.find(key, cursor)
        if i < 0:
            i = text.find(key)
        else:
            cursor = i
        out.append((i, i + len(key)) if i >= 0 and key else None)
    return out


def overlaps(a: tuple[int, int] | None, b: tuple[int, int] | None, share: float = 0.5) -> bool:
    """True when two spans overlap by at least ``share`` of the shorter one."""
    if a is None or b is None:
        return False
    common = min(a[1], b[1]) - max(a[0], b[0])
    return common > 0 and common >= share * min(a[1] - a[0], b[1] - b[0])


def draft_article(
    kb: KnowledgeBase, article: Path, *, source: str | None = None, include_covered: bool = False
) -> Draft:
    """Candidate facts for ``article``, skipping sentences already covered by facts of the
    same source unless ``include_covered``."""
    text = read_article(article)
    src = source_for(kb, article, source)
    names = _names(kb)
    labelled = [(s, speaker_label(s.text, names)) for s in split_sentences(text)]
    labelled = [(s, who) for s, who in labelled if who or len(normalize(s.text)) >= MIN_SENTENCE_CHARS]
    sentences = [s for s, _ in labelled]
    existing = [f for f in kb.all_facts if f.source == src.id]
    sentence_spans = spans(text, [s.text for s in sentences])
    fact_spans = [spans(text, [f.excerpt])[0] for f in existing]
    ctx = _Context(kb, names, src, _main_speaker(kb, src), outlook=title_horizon(src.title))
    candidates: list[Candidate] = []
    skipped = 0
    for (sentence, who), span in zip(labelled, sentence_spans, strict=True):
        if who is not None:
            ctx.label = who
            continue
        found = examine(sentence.text)
        proposed = propose(sentence, found, ctx)
        if not proposed:
            continue
        if not include_covered and any(overlaps(span, fs) for fs in fact_spans):
            skipped += 1
            continue
        candidates += proposed
    _number_ids(candidates, src.id, set(kb.table("facts")))
    return Draft(src.id, article.name, len(sentences), candidates, skipped)


def _number_ids(candidates: list[Candidate], source: str, taken: set[str]) -> None:
    per_line = Counter(c.sentence.line for c in candidates)
    seen: Counter[int] = Counter()
    for c in candidates:
        line = c.sentence.line
        seen[line] += 1
        base = f"{source}-line-{line}" + (f"-{seen[line]}" if per_line[line] > 1 else "")
        fid, n = base, 1
        while fid in taken:
            n += 1
            fid = f"{base}-v{n}"
        taken.add(fid)
        c.fields = {"id": fid, **c.fields}


# --------------------------------------------------------------------------- YAML


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        text = repr(value)
        if "e" in text and "." not in text.split("e")[0]:
            mantissa, exp = text.split("e")
            text = f"{mantissa}.0e{exp if exp[0] in '+-' else '+' + exp}"
        return text
    return json.dumps(str(value), ensure_ascii=False)


def _flow(value: Any) -> str:
    if isinstance(value, m.Model):
        value = value.model_dump(mode="json", exclude_defaults=True, by_alias=True)
        if "stated" in value:  # keep the stated text last, as the bundled files do
            value["stated"] = value.pop("stated")
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if (
        isinstance(value, str)
        and re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", value)
        and re.search("[a-z]", value)  # digits alone would be read as a number
        and value not in ("true", "false", "null", "yes", "no", "on", "off")
    ):
        return value
    return _scalar(value)


def draft_yaml(d: Draft) -> str:
    """The draft as a fact file (YAML), with a comment above each candidate saying why it
    was picked and what to check."""
    lines = [
        "# yaml-language-server: $schema=../../schemas/facts.schema.json",
        f"# Draft of the facts of {d.article}, written by `aitrends draft`: {_count(len(d.candidates), 'candidate')}"
        f" from {_count(d.sentences, 'sentence')}"
        + (f" ({d.skipped} already covered were left out)." if d.skipped else "."),
        f"# Replace every {DRAFT_MARK} and {DRAFT_ID}, delete the candidates not worth keeping and check",
        "# every pre-filled value against the excerpt; `aitrends validate` refuses the file until then.",
        f"source: {d.source}",
        "facts:" if d.candidates else "facts: []",
    ]
    for c in d.candidates:
        lines.append(f"  # line {c.sentence.line}: " + "; ".join(c.reasons))
        lines += [f"  # {n}" for n in c.notes]
        first = True
        for key, value in c.fields.items():
            if key == "source":
                continue
            prefix = "  - " if first else "    "
            first = False
            lines.append(f"{prefix}{key}: {_flow(value)}")
    return "\n".join(lines) + "\n"


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary(d: Draft) -> str:
    """One line: how many candidates from how many sentences, and how many were skipped."""
    text = f"{_count(len(d.candidates), 'candidate')} from {_count(d.sentences, 'sentence')} of {d.article}"
    if d.skipped:
        text += f" ({_count(d.skipped, 'sentence')} already covered left out; --all shows them)"
    return text


def write_draft(d: Draft, out: Path, *, force: bool = False) -> None:
    """Write the draft to ``out`` atomically; an existing file only with ``force``."""
    from .atomic import atomic_write

    with atomic_write(out, force=force) as fh:
        fh.write(draft_yaml(d))  # type: ignore[call-overload]
