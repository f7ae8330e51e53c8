"""Finding and connecting: search, related, compare, person, source."""

from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import UsageError
from ..render import Column, Format
from ..tables import counted
from ._app import (
    AsOfOpt,
    FormatOpt,
    JsonOpt,
    KindOpt,
    LimitOpt,
    MetricOpt,
    PersonOpt,
    TopicOpt,
    _completer,
    _day,
    _emit,
    _exact,
    _filters,
    _join,
    _kb,
    _output,
    _store,
    app,
    cli_errors,
)

if TYPE_CHECKING:
    pass


@app.command()
@cli_errors
def search(
    words: Annotated[list[str], typer.Argument(help="Words to find, in Chinese or English (either script).")],
    kind: KindOpt = None,
    topic: TopicOpt = None,
    person: PersonOpt = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="Search only Chinese (zh) or English (en) text.")
    ] = None,
    limit: LimitOpt = 20,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
    json_: JsonOpt = False,
) -> None:
    """Full-text search over statements, excerpts, translations, names and notes, ranked.

    Every word must match; Chinese is matched without relying on spaces and Traditional
    and Simplified are folded; English words are stemmed and typos tolerated. Facts whose
    topic or metric is what you typed, that have your words next to each other, or that say
    them in short text rank first. When nothing matches every word, facts matching some
    words are shown instead (with a note).

    Example: aitrends search 推理成本 --kind claim
    """
    from .. import claims as answers

    query = " ".join(words)
    if not query.strip():
        raise UsageError("search: give at least one word")
    params = _filters(topic=topic, person=person, kind=kind)
    params.update(words=words, lang=lang, limit=limit, fmt=fmt.value, json_=json_)
    _emit(answers.search(_store(), SimpleNamespace(**params), _day(as_of)))


RELATED_COLUMNS = [
    Column("id", lambda r: r["id"], ratio=2),
    Column("source", lambda r: r["source"], ratio=1),
    Column("why", lambda r: "; ".join(r["reasons"]), ratio=3),
    Column("statement", lambda r: r["statement"], ratio=4),
]


@app.command()
@cli_errors
def related(
    fact_id: Annotated[
        str, typer.Argument(metavar="ID", help="Fact id.", autocompletion=_completer("facts"))
    ],
    limit: LimitOpt = 20,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
    json_: JsonOpt = False,
) -> None:
    """The facts that bear on one fact, each with why: stated links, the same metric, the
    same cited origin or figure, the same speaker on the topic, shared topics elsewhere.

    Example: aitrends related lee-wired-inference-cost-falls-10x-per-year
    """
    from ..records import fact_record
    from ..relate import related as find

    day = _day(as_of)
    kb = _kb()
    rows = []
    for r in find(kb, fact_id, limit=limit or None):
        rec = fact_record(kb, r.fact, as_of=day)
        rec["relevance"] = r.score
        rec["reasons"] = r.reasons
        rows.append(rec)
    _output(rows, fmt, json_, RELATED_COLUMNS, title=f"related to {fact_id}", empty="No related facts.")


COMPARE_COLUMNS = [
    Column("who @ source", lambda r: f"{_join(r['speaker_names'])} @ {r['source']}", ratio=2),
    Column("facts", lambda r: ", ".join(counted(n, k) for k, n in sorted(r["kinds"].items())), ratio=1),
    Column("rates (per year)", lambda r: "; ".join(_rate_text(x) for x in r["rates"]), ratio=3),
    Column("figures", lambda r: "; ".join(r["figures"][:6]), ratio=2),
    Column("agrees / compatible / conflicts", lambda r: _agreement(r), ratio=3),
]


def _rate_text(x: dict[str, Any]) -> str:
    plus = "+" if x["bound"] == "at-least" else ""
    sign = "↓" if x["direction"] == "decline" else "↑"
    related = "".join(
        f"; {REL_WORDS.get(r['rel'], r['rel'])} '{r['stated']}'" + (" (inferred)" if r["inferred"] else "")
        for r in x.get("relations", [])
    )
    return f"{sign}×{x['annual_factor']:.3g}{plus} ({x['origin']}: {x['stated']}{related})"


REL_WORDS = {"follows": "later period than", "rival-estimate": "rival estimate to", "updates": "updates"}
"""How a series link between two rates reads in the compare table."""


def _agreement(r: dict[str, Any]) -> str:
    parts = []
    for key, word in (
        ("agrees_with", "agrees"),
        ("compatible_with", "compatible"),
        ("conflicts_with", "conflicts"),
        ("contradicts", "contradicts"),
    ):
        if r[key]:
            parts.append(f"{word}: {', '.join(r[key])}")
    return "; ".join(parts) or "—"


@app.command()
@cli_errors
def compare(
    topic: TopicOpt = None,
    metric: MetricOpt = None,
    fmt: FormatOpt = Format.table,
    json_: JsonOpt = False,
) -> None:
    """Sources and speakers side by side on a topic or metric, with where they agree or conflict.

    Rates are compared on their annual factor (within 20% on a log scale is agreement; a
    rate beyond a stated lower bound is 'compatible'); stated 'contradicts' links are shown,
    and so are rates that are a later period of one series or rival estimates of one period.

    Example: aitrends compare --topic inference-cost
    """
    from ..relate import compare as run

    if not topic and not metric:
        raise UsageError("compare: give --topic or --metric")
    kb = _kb()
    rows = []
    for p in run(kb, topic=topic, metric=metric):
        rows.append(
            {
                "source": p.source,
                "speakers": p.speakers,
                "speaker_names": [kb.name_of(s) for s in p.speakers],
                "kinds": dict(p.kinds),
                "facts": p.facts,
                "rates": p.rates,
                "figures": p.figures,
                "agrees_with": p.agrees_with,
                "compatible_with": p.compatible_with,
                "conflicts_with": p.conflicts_with,
                "contradicts": p.contradicts,
            }
        )
    _output(rows, fmt, json_, COMPARE_COLUMNS, empty="Nothing to compare.")


@app.command()
@cli_errors
def person(
    name: Annotated[
        str,
        typer.Argument(
            help="Person or organization: id, name or alias, any script.",
            autocompletion=_completer("entities"),
        ),
    ],
    fmt: FormatOpt = Format.table,
    json_: JsonOpt = False,
) -> None:
    """A profile: roles, what they said (by kind), what others say they said (headlines,
    leads and summaries that present their view, kept apart from their own words), what is
    said about them, where they are cited, their topics and dates.

    Example: aitrends person 李開復
    """
    from ..reference import person as profile

    entity = _exact("entities", name)
    _emit(profile(_store(), SimpleNamespace(name=entity, exact=True, fmt=fmt.value, json_=json_)))


@app.command()
@cli_errors
def source(
    source_id: Annotated[
        str,
        typer.Argument(
            metavar="SOURCE", help="Source id, title or outlet.", autocompletion=_completer("sources")
        ),
    ],
    fmt: FormatOpt = Format.table,
    json_: JsonOpt = False,
) -> None:
    """A profile of one source: metadata, facts by kind, speakers, topics, cited origins, facts.

    Example: aitrends source wired-lee-think-lighter
    """
    from ..reference import source as profile

    sid = _exact("sources", source_id)
    _emit(profile(_store(), SimpleNamespace(source_id=sid, exact=True, fmt=fmt.value, json_=json_)))
