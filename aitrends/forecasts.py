"""The forecast ledger: each forecast's deadline as an interval of dates, and its status."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from . import clock
from . import models as m
from .dates import PartialDate
from .query import describe_due as describe_due  # re-exported: it lives with the status
from .query import forecast_status

if TYPE_CHECKING:
    from .kb import KnowledgeBase

H = m.HorizonType


class Status(StrEnum):
    """Where a forecast stands on a given date."""

    open = "open"
    due = "due"
    undated = "undated"
    resolved = "resolved"


def _add_months(day: dt.date, months: int) -> dt.date:
    y, mo = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, mo + 1
    import calendar

    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def horizon_interval(
    horizon: m.Horizon, said: PartialDate | None
) -> tuple[dt.date | None, dt.date | None] | None:
    """(start, end) of the period in which the forecast should come true.

    ``None`` for a relative horizon ('within five years') whose date said is unknown: it stays
    relative rather than guessed. An open end (after, none) is ``None`` in the tuple.
    """
    t = horizon.type
    if t is H.in_:
        assert horizon.date is not None
        return horizon.date.start, horizon.date.end
    if t is H.by:
        assert horizon.date is not None
        return (said.start if said else None), horizon.date.end
    if t is H.between:
        assert horizon.date is not None and horizon.end is not None
        return horizon.date.start, horizon.end.end
    if t is H.after:
        assert horizon.date is not None
        return horizon.date.end + dt.timedelta(days=1), None
    if t is H.none:
        return None, None
    if said is None:
        return None
    assert horizon.amount is not None
    months = horizon.amount * (12 if horizon.unit == "year" else 1)
    if t is H.within:
        return said.start, _add_months(said.end, months)
    # next: the calendar year (or month) ``amount`` after the one it was said in
    if horizon.unit == "year":
        year = said.year + horizon.amount
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if said.month is None:
        return None
    start = _add_months(dt.date(said.year, said.month, 1), horizon.amount)
    return start, PartialDate(start.year, start.month).end


def status(kb: KnowledgeBase, fact: m.Forecast, as_of: dt.date) -> Status:
    """resolved if a resolution exists; undated with no deadline; due once the horizon has
    ended; else open (see :func:`aitrends.query.forecast_status`)."""
    interval = horizon_interval(fact.horizon, kb.said(fact))
    end = interval[1] if interval is not None else None
    return Status(forecast_status(end, fact.id in kb.resolutions, as_of))


def forecast_record(kb: KnowledgeBase, fact: m.Forecast, *, as_of: dt.date | None = None) -> dict[str, Any]:
    """Deadline, status and resolution of a forecast, for records and tables."""
    as_of = as_of or clock.today()
    interval = horizon_interval(fact.horizon, kb.said(fact))
    start, end = interval if interval is not None else (None, None)
    res = kb.resolutions.get(fact.id)
    return {
        "horizon_start": start.isoformat() if start else None,
        "horizon_end": end.isoformat() if end else None,
        "horizon_relative": interval is None,
        "status": status(kb, fact, as_of).value,
        "as_of": as_of.isoformat(),
        "days_to_due": (end - as_of).days if end else None,
        "resolution": res.model_dump(mode="json") if res else None,
    }


def ledger(
    kb: KnowledgeBase,
    *,
    as_of: dt.date | str | None = None,
    status: Status | str | list[Status | str] | None = None,
    person: str | list[str] | None = None,
    topic: str | list[str] | None = None,
    horizon_before: str | PartialDate | None = None,
    horizon_after: str | PartialDate | None = None,
    due_within: int | None = None,
) -> list[m.Forecast]:
    """Forecasts filtered by status on ``as_of`` (default today), by who predicts (speaker or
    cited origin), topic, and deadline.

    ``horizon_before``/``horizon_after`` keep forecasts whose deadline (horizon end) falls
    before the end / after the start of the given date; ``due_within`` keeps open forecasts
    due within that many days. Forecasts without a deadline (relative with no date said, or
    open-ended) are left out by the deadline filters. Sorted by deadline, then id.
    """
    from .query import ForecastSelection, forecast_table, select_forecasts

    day = _as_date(as_of)
    wanted = {parse_status(s) for s in ([status] if isinstance(status, str | Status) else status or [])}
    before = PartialDate.parse(horizon_before) if horizon_before is not None else None
    after = PartialDate.parse(horizon_after) if horizon_after is not None else None
    sel = ForecastSelection(
        statuses=[s.value for s in wanted],
        topics={t for tid in kb.resolve_many("topics", topic) for t in kb.topic_and_descendants(tid)},
        people=kb.resolve_many("entities", person),
        before=before.end.isoformat() if before else None,
        after=after.start.isoformat() if after else None,
        due_within=due_within,
    )
    facts = kb.table("facts")
    rows = []
    for fact in facts.values():
        if isinstance(fact, m.Forecast):
            end = _end(kb, fact)
            cited = [c.by for c in fact.cited]
            rows.append(
                (
                    fact.id,
                    end.isoformat() if end else None,
                    fact.id in kb.resolutions,
                    fact.topics,
                    fact.speaker,
                    cited,
                )
            )
    con = forecast_table(rows)
    try:
        return [facts[fact_id] for (fact_id,) in select_forecasts(con, sel, day, "f.id")]
    finally:
        con.close()


def parse_status(value: Status | str) -> Status:
    """A status as typed (``Due``, ``resolved``...); UsageError naming the choices otherwise."""
    from .errors import UsageError
    from .query import STATUSES, pick

    found = pick(str(value), STATUSES)
    if found is None:
        raise UsageError(f"--status: '{value}' is not one of {', '.join(STATUSES)}")
    return Status(found)


def _end(kb: KnowledgeBase, fact: m.Forecast) -> dt.date | None:
    interval = horizon_interval(fact.horizon, kb.said(fact))
    return interval[1] if interval else None


def _as_date(value: dt.date | str | None) -> dt.date:
    if value is None:
        return clock.today()
    if isinstance(value, dt.date):
        return value
    d = PartialDate.parse(value)
    return d.start if d.precision.value == "day" else d.end


status_of = status
