"""Track records: resolve, unresolve, scores."""

from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING, Annotated

import typer

from ..render import Format
from ._app import (
    FormatOpt,
    JsonOpt,
    PredictorOpt,
    State,
    TopicOpt,
    _date,
    _day,
    _emit,
    _err,
    _filters,
    _kb,
    _store,
    app,
    cli_errors,
)

if TYPE_CHECKING:
    from pathlib import Path

_FACT = Annotated[str, typer.Argument(metavar="ID", help="Forecast id.")]
RecordedOpt = Annotated[
    str | None,
    typer.Option("--as-of", help="The day the resolution is recorded (default: today).", metavar="DATE"),
]


def _layer() -> Path:
    from ..loader import resolve_data_dirs
    from ..resolutions import user_layer

    return user_layer(resolve_data_dirs(State.data_dirs or None, bundled=False))


@app.command()
@cli_errors
def resolve(
    fact_id: _FACT,
    outcome: Annotated[
        str,
        typer.Option("--outcome", "-o", help="true, false, partly, ambiguous or void.", metavar="OUTCOME"),
    ],
    evidence: Annotated[
        str, typer.Option("--evidence", "-e", help="What shows the outcome: a URL or a sentence.")
    ],
    on: Annotated[
        str | None,
        typer.Option("--on", help="When it was settled (default: the --as-of day).", metavar="DATE"),
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="Anything else about the judgement.")] = None,
    by: Annotated[str | None, typer.Option("--by", help="Who judged it.")] = None,
    early: Annotated[
        bool, typer.Option("--early", help="Resolve a forecast that is not due yet (it already happened).")
    ] = False,
    replace: Annotated[
        bool,
        typer.Option("--replace", help="Replace an existing resolution; the old one is kept as history."),
    ] = False,
    as_of: RecordedOpt = None,
) -> None:
    """Record how a forecast turned out, in your own data layer (--data-dir).

    Writes to facts/resolutions.yaml of the first --data-dir (or $AITRENDS_DATA), created
    if missing, keeping the file's comments and order; the bundled data is never written. A forecast must be due
    (its horizon over) unless --early.

    Example: aitrends --data-dir my-data resolve etzioni-more-multimodal-models-2024 --outcome true --on 2025-01-15 --evidence "https://example.org/multimodal-2024"
    """
    from ..loader import display_path
    from ..resolutions import resolve as run

    day = _day(as_of)
    layer = _layer()
    if not layer.exists() and State.data_dirs:  # a new layer: created by the write
        from ..kb import load

        kb = load(*[d for d in State.data_dirs if d != layer], bundled=State.bundled)
    else:
        kb = _kb()
    done = run(
        kb,
        fact_id,
        outcome,
        evidence=evidence,
        layer=layer,
        as_of=day,
        on=_date(on, "--on"),
        note=note,
        by=by,
        early=early,
        replace=replace,
    )
    assert done.resolution is not None
    res = done.resolution
    what = "replaced the resolution of" if done.previous else "resolved"
    _err(f"{what} {done.fact}: {res.outcome.value} on {res.date} ({display_path(done.path)})")


@app.command()
@cli_errors
def unresolve(fact_id: _FACT) -> None:
    """Remove a forecast's resolution from your own data layer (--data-dir).

    Earlier resolutions it replaced (history) stay in the file.

    Example: aitrends --data-dir my-data unresolve etzioni-more-multimodal-models-2024
    """
    from ..loader import display_path
    from ..resolutions import unresolve as run

    done = run(_kb(), fact_id, layer=_layer())
    _err(f"removed the resolution of {done.fact} ({display_path(done.path)})")


@app.command()
@cli_errors
def scores(
    person: PredictorOpt = None,
    topic: TopicOpt = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Only resolutions recorded on or before this date (default: today).",
            metavar="DATE",
        ),
    ] = None,
    fmt: FormatOpt = Format.table,
    json_: JsonOpt = False,
) -> None:
    """Track records: who predicted well (Brier score, log score, hit rate, calibration).

    Each resolved forecast is scored with its probability: the one stated, else its hedge
    word's (hedges.yaml), else the default for an unhedged 'will'. partly counts as 0.5;
    ambiguous and void are left out. Brier: 0 best; log score: 0 best.

    Example: aitrends --data-dir my-data scores --as-of 2026-11-23
    """
    from .. import analyses

    params = _filters(person=person, topic=topic)
    params.update(fmt=fmt.value, json_=json_)
    _emit(analyses.scores(_store(), SimpleNamespace(**params), _day(as_of), kb=_kb))
