"""Finding and connecting: search, related, compare, person, source."""

from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import UsageError
from ..render import Format
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
    _kb,
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
    from .. import analyses

    day = _day(as_of)
    params = SimpleNamespace(fact_id=_exact("facts", fact_id), limit=limit, fmt=fmt.value, json_=json_)
    _emit(analyses.related(_store(), params, day, kb=_kb))


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
    from .. import analyses

    if not topic and not metric:
        raise UsageError("compare: give --topic or --metric")
    params = _filters(topic=topic, metric=metric)
    params.update(fmt=fmt.value, json_=json_)
    _emit(analyses.compare(_store(), SimpleNamespace(**params), _day(None), kb=_kb))


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
