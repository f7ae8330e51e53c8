"""Numbers over time: forecasts, trends, check."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..render import Column, Format
from ._app import (
    AsOfOpt,
    FormatOpt,
    JsonOpt,
    LimitOpt,
    MetricOpt,
    PersonOpt,
    PredictorOpt,
    TopicOpt,
    _date,
    _day,
    _emit,
    _exact,
    _join,
    _kb,
    _output,
    _store,
    app,
    cli_errors,
    whole_number,
)

if TYPE_CHECKING:
    pass


@app.command()
@cli_errors
def forecasts(
    as_of: AsOfOpt = None,
    status: Annotated[
        list[str] | None,
        typer.Option(
            "--status",
            help="open (deadline ahead), due (deadline passed), undated (no deadline) or resolved; repeat for OR.",
        ),
    ] = None,
    person: PredictorOpt = None,
    topic: TopicOpt = None,
    horizon_before: Annotated[str | None, typer.Option(help="Deadline on or before this date.")] = None,
    horizon_after: Annotated[str | None, typer.Option(help="Deadline on or after this date.")] = None,
    due_within: Annotated[
        int | None,
        typer.Option(parser=whole_number(0), metavar="N", help="Open forecasts due within N days."),
    ] = None,
    limit: LimitOpt = None,
    fmt: FormatOpt = Format.table,
    json_: JsonOpt = False,
) -> None:
    """The forecast ledger: each prediction's deadline and status (open, due, undated, resolved).

    A forecast is open until its horizon ends, then due until a resolution is recorded; one
    with no deadline (no horizon, or an open end) is undated: it can never fall due.

    Example: aitrends forecasts --status due
    """
    from types import SimpleNamespace

    from ..forecasts import parse_status
    from ..ledger import forecasts as answer

    statuses = [parse_status(st).value for st in status or []]
    day = _day(as_of)
    params = SimpleNamespace(
        status=statuses,
        person=[_exact("entities", p) for p in person or []],
        topic=[_exact("topics", t) for t in topic or []],
        horizon_before=_day_text(horizon_before, "--horizon-before"),
        horizon_after=_day_text(horizon_after, "--horizon-after"),
        due_within=due_within,
        limit=limit,
        fmt="json" if json_ else fmt.value,
    )
    _emit(answer(_store(), params, day))


def _day_text(value: str | None, option: str) -> str | None:
    """A date option as the index reads it (2024, 2024-05, 2024-05-01); a usage error when it
    is not a date."""
    checked = _date(value, option)
    if checked is None:
        return None
    from ..dates import PartialDate

    return str(PartialDate.parse(checked))


TREND_COLUMNS = [
    Column("metric", lambda r: r["metric_label"] or "", ratio=2),
    Column("", lambda r: "↓" if r["direction"] == "decline" else "↑", no_wrap=True),
    Column("per year", lambda r: _factor(r), no_wrap=True),
    Column("halving/doubling", lambda r: f"{r['months_to_factor_two']:.3g} months", no_wrap=True),
    Column("% / year", lambda r: f"{r['percent_per_year']:+.1f}%", no_wrap=True),
    Column("stated or computed", lambda r: r["stated"], ratio=4),
    Column("who", lambda r: _join(r["speaker_names"]), ratio=1),
    Column("kind", lambda r: r["origin"], no_wrap=True),
]


def _factor(r: dict[str, Any]) -> str:
    lo, hi = r["annual_factor_low"], r["annual_factor_high"]
    text = f"×{lo:.3g}–{hi:.3g}" if lo != hi else f"×{r['annual_factor']:.3g}"
    return text + ("+" if r["bound"] == "at-least" else "")


@app.command()
@cli_errors
def trends(
    topic: TopicOpt = None,
    metric: MetricOpt = None,
    person: PersonOpt = None,
    repeats: Annotated[
        bool, typer.Option("--repeats", help="Also show paraphrases and repeats of a rate.")
    ] = False,
    fmt: FormatOpt = Format.table,
    json_: JsonOpt = False,
) -> None:
    """Rates side by side in one unit: annual factor, halving/doubling time, % per year.

    Stated rates ('halves every 18 months') and rates implied by two dated figures on one
    metric ('$0.75 in May 2023, $0.04 in May 2024').

    Example: aitrends trends --topic inference-cost
    """
    kb = _kb()
    rows = [t.record(kb) for t in kb.trends(topic=topic, metric=metric, person=person, repeats=repeats)]
    _output(rows, fmt, json_, TREND_COLUMNS, empty="No rates match.")


CHECK_COLUMNS = [
    Column("check", lambda r: r["check"], ratio=1),
    Column(
        "verdict",
        lambda r: (
            r["verdict"] + (f" [{r['scope']}: {', '.join(r['sources'])}]" if len(r["sources"]) > 1 else "")
        ),
        ratio=1,
    ),
    Column("stated", lambda r: r["stated"], ratio=2),
    Column("computed", lambda r: r["computed"], ratio=1),
    Column("arithmetic", lambda r: r["arithmetic"] + (f" ({r['note']})" if r["note"] else ""), ratio=5),
    Column("facts", lambda r: ", ".join(r["facts"]), ratio=2),
]


@app.command()
@cli_errors
def check(fmt: FormatOpt = Format.table, json_: JsonOpt = False) -> None:
    """Recompute what the articles compute (CAGRs, ratios, rates against dated figures).

    Each result is consistent, approximately consistent (within 20%) or inconsistent, with
    the arithmetic shown. A check that sets facts of different sources against each other is
    labelled cross-source, with the sources named: it is not an article checked against itself. Inconsistencies in the articles are reported, not errors: the exit
    code is 0.

    Example: aitrends check
    """
    kb = _kb()
    _output([c.record() for c in kb.check()], fmt, json_, CHECK_COLUMNS, empty="Nothing to check.")
