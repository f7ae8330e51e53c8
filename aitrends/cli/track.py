"""Track records: resolve, unresolve, scores."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..render import Column, Format
from ._app import (
    FormatOpt,
    JsonOpt,
    PredictorOpt,
    State,
    TopicOpt,
    _date,
    _day,
    _err,
    _kb,
    _output,
    _record_out,
    _stdout,
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


def _num(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


SCORE_COLUMNS = [
    Column("predictor", lambda r: r["name"], ratio=2),
    Column("made", lambda r: r["made"], no_wrap=True),
    Column("resolved", lambda r: r["resolved"], no_wrap=True),
    Column("true", lambda r: r["true"], no_wrap=True),
    Column("false", lambda r: r["false"], no_wrap=True),
    Column("partly", lambda r: r["partly"], no_wrap=True),
    Column("void/ambig.", lambda r: r["void"] + r["ambiguous"], no_wrap=True),
    Column("hit rate", lambda r: _num(r["hit_rate"], 2), no_wrap=True),
    Column("Brier", lambda r: _num(r["brier"]), no_wrap=True),
    Column("log score", lambda r: _num(r["log_score"]), no_wrap=True),
    Column("open", lambda r: r["open"], no_wrap=True),
    Column("due", lambda r: r["due"], no_wrap=True),
]
CALIBRATION_COLUMNS = [
    Column("predicted", lambda r: f"{r['low']:.1f}–{r['high']:.1f}", no_wrap=True),
    Column("forecasts", lambda r: r["count"], no_wrap=True),
    Column("mean predicted", lambda r: _num(r["mean_probability"], 2), no_wrap=True),
    Column("observed", lambda r: _num(r["observed"], 2), no_wrap=True),
]


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
    from ..scores import scores as run

    day = _day(as_of)
    report = run(_kb(), as_of=day, person=person, topic=topic)
    rec = report.record()
    if _record_out(rec, fmt, json_):
        return
    rows: list[dict[str, Any]] = rec["predictors"]
    if fmt in (Format.csv, Format.jsonl):  # one flat row per predictor (JSON has the forecasts)
        _output([{k: v for k, v in r.items() if k != "forecasts"} for r in rows], fmt, False, SCORE_COLUMNS)
        return
    _output(rows, fmt, False, SCORE_COLUMNS, title=f"Track records as of {day}", empty="No forecasts match.")
    bins = [b for b in rec["calibration"] if b["count"]]
    if bins:
        _stdout("")
        _output(bins, fmt, False, CALIBRATION_COLUMNS, title="Calibration of the scored forecasts")
