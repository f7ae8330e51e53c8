"""The forecast ledger: each forecast's deadline as an interval of dates, and its status."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import TYPE_CHECKING, Any

from . import models as m
from .dates import PartialDate

if TYPE_CHECKING:
    from .kb import KnowledgeBase

H = m.HorizonType


class Status(str, Enum):
    """Where a forecast stands on a given date."""

    open = "open"
    due = "due"
    resolved = "resolved"


def _add_months(day: dt.date, months: int) -> dt.date:
    y, mo = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, mo + 1
    import calendar

    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def horizon_interval(horizon: m.Horizon, said: PartialDate | None) -> tuple[dt.date | None, dt.date | None] | None:
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
    """resolved if a resolution exists; due once the horizon has ended; else open."""
    if fact.id in kb.resolutions:
        return Status.resolved
    interval = horizon_interval(fact.horizon, kb.said(fact))
    if interval is not None and interval[1] is not None and interval[1] < as_of:
        return Status.due
    return Status.open


def forecast_record(kb: KnowledgeBase, fact: m.Forecast, *, as_of: dt.date | None = None) -> dict[str, Any]:
    """Deadline, status and resolution of a forecast, for records and tables."""
    as_of = as_of or dt.date.today()
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
