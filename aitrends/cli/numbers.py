"""Numbers over time: forecasts, trends, check."""

from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING, Annotated

import typer

from ..render import Format
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
    _filters,
    _kb,
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
    from .. import analyses

    params = _filters(topic=topic, metric=metric, person=person)
    params.update(repeats=repeats, fmt=fmt.value, json_=json_)
    _emit(analyses.trends(_store(), SimpleNamespace(**params), _day(None), kb=_kb))


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
    from .. import analyses

    _emit(analyses.check(_store(), SimpleNamespace(fmt=fmt.value, json_=json_), _day(None), kb=_kb))
