"""The forecast ledger: each forecast's deadline as an interval of dates, and its status."""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from . import clock
from . import models as m
from .dates import PartialDate
from .query import daily_fields
from .query import describe_due as describe_due  # re-exported: it lives with the status

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


def resolutions_of(kb: KnowledgeBase, fact_id: str) -> list[m.Resolution]:
    """Every resolution of ``fact_id``: its history (the superseded ones, in load order), then
    its current one."""
    out = [r for r, _ in kb.resolution_history.get(fact_id, [])]
    current = kb.resolutions.get(fact_id)
    return out + [current] if current is not None else out


def resolutions_json(kb: KnowledgeBase, fact_id: str) -> str | None:
    """The resolutions of ``fact_id`` (:func:`resolutions_of`) as the JSON list the index stores
    in ``facts.resolved`` (None when it has none), from which
    :func:`aitrends.query.daily_fields` judges the forecast on any day."""
    found = resolutions_of(kb, fact_id)
    if not found:
        return None
    return json.dumps([r.model_dump(mode="json") for r in found], ensure_ascii=False)


def _daily(kb: KnowledgeBase, fact: m.Forecast, end: dt.date | None, as_of: dt.date) -> dict[str, Any]:
    history = [r.model_dump(mode="json") for r in resolutions_of(kb, fact.id)]
    return daily_fields(end.isoformat() if end else None, history, as_of)


def status(kb: KnowledgeBase, fact: m.Forecast, as_of: dt.date) -> Status:
    """resolved if a resolution stood on ``as_of`` (recorded by then); undated with no
    deadline; due once the horizon has ended; else open (see
    :func:`aitrends.query.daily_fields`)."""
    return Status(_daily(kb, fact, _end(kb, fact), as_of)["status"])


def forecast_record(kb: KnowledgeBase, fact: m.Forecast, *, as_of: dt.date | None = None) -> dict[str, Any]:
    """Deadline, status and resolution of a forecast on ``as_of`` (today), for records and
    tables: the resolution that stood that day (:func:`aitrends.query.resolution_on`), so a
    resolution recorded later is not seen."""
    as_of = as_of or clock.today()
    interval = horizon_interval(fact.horizon, kb.said(fact))
    start, end = interval if interval is not None else (None, None)
    return {
        "horizon_start": start.isoformat() if start else None,
        "horizon_end": end.isoformat() if end else None,
        "horizon_relative": interval is None,
        **_daily(kb, fact, end, as_of),
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
                    resolutions_json(kb, fact.id),
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
