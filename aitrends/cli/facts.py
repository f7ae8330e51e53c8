"""Commands about facts: claims, quote, show (answered by :mod:`aitrends.ledger`)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Annotated

import typer

from ..render import Format
from ._app import (
    AsOfOpt,
    FormatOpt,
    JsonOpt,
    KindOpt,
    LimitOpt,
    PersonOpt,
    SourceOpt,
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


@app.command()
@cli_errors
def claims(
    topic: TopicOpt = None,
    person: PersonOpt = None,
    source: SourceOpt = None,
    kind: KindOpt = None,
    metric: Annotated[
        list[str] | None,
        typer.Option("--metric", "-m", help="Metric id or name.", autocompletion=_completer("metrics")),
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Said on or after this date (2024, 2024-05, 2024-05-01).")
    ] = None,
    until: Annotated[str | None, typer.Option(help="Said on or before this date.")] = None,
    text: Annotated[list[str] | None, typer.Option("--text", help="Words that must all appear.")] = None,
    limit: LimitOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
    json_: JsonOpt = False,
) -> None:
    """List facts, filtered. With no filter, every fact.

    Filters combine with AND; repeating one option means OR.

    Example: aitrends claims --topic inference-cost --since 2024
    """
    from .. import claims as answers

    params = _filters(
        topic=topic, person=person, source=source, kind=kind, metric=metric, since=since, until=until
    )
    params.update(text=text, limit=limit, fmt=fmt.value, json_=json_)
    _emit(answers.claims(_store(), SimpleNamespace(**params), _day(as_of)))


@app.command()
@cli_errors
def quote(
    person: Annotated[
        str,
        typer.Option(
            "--person",
            "-p",
            help="Person or organization: id, name or alias.",
            autocompletion=_completer("entities"),
        ),
    ],
    topic: TopicOpt = None,
    kind: KindOpt = None,
    limit: LimitOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
    json_: JsonOpt = False,
) -> None:
    """What a person said, verbatim, with the English, the source and the date.

    Lists every fact whose speaker they are, of any kind unless --kind narrows it. A writer's
    headline, lead or summary that presents their view is the outlet's words, not theirs:
    `aitrends person` lists those apart, as what others say they said.

    Example: aitrends quote --person Amodei --kind quote
    """
    from .. import claims as answers

    params = _filters(topic=topic, person=[person], kind=kind)
    params.update(limit=limit, fmt=fmt.value, json_=json_)
    _emit(answers.quote(_store(), SimpleNamespace(**params), _day(as_of)))


@app.command()
@cli_errors
def show(
    fact_id: Annotated[
        str, typer.Argument(metavar="ID", help="Fact id.", autocompletion=_completer("facts"))
    ],
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
    json_: JsonOpt = False,
) -> None:
    """Everything about one fact: all fields, its source, its speaker, its status.

    Example: aitrends show lee-wired-inference-cost-falls-10x-per-year
    """
    from types import SimpleNamespace

    from ..ledger import show as answer
    from ._app import State

    params = SimpleNamespace(
        fact_id=_exact("facts", fact_id),
        fmt="json" if json_ else fmt.value,
        data_dir=[str(d) for d in State.data_dirs],  # the file is shown as the directory was given
        no_bundled=State.bundled is False,
    )
    found = answer(_store(), params, _day(as_of))
    if found is None:  # a forecast, and a hedges.yaml with problems: loading it reports them
        from ..hedges import table_for

        table_for(_kb())
    _emit(found)
