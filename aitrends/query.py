"""Selecting facts: the one implementation of the filters, the order and the limit.

``aitrends claims``/``quote`` answered from the compiled index (:mod:`aitrends.fastpath`) and
:meth:`aitrends.KnowledgeBase.facts` (the Python API and every other command) both select
facts with :func:`select`, in SQL, over tables of the same shape: ``facts`` (or the index's
narrow ``fact_cells``) with the columns ``id``, ``kind``, ``source``, ``metric``,
``date_start`` and ``date_end``, and the link tables ``fact_topics`` and ``fact_speakers``. The
index writes those columns with :func:`filter_columns`; a knowledge base loaded from YAML keeps
an in-memory table written by the same function (:func:`memory_table`). So "which facts, in
what order" cannot differ between the two. Names are resolved to ids before they get here.

Standard library only: the fast path imports this module.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import sqlite3

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from typing import Any

ORDER = "ORDER BY f.date_start IS NULL, f.date_start, f.id"
"""Chronological by the date said (undated last), then by id."""

FILTER_SCHEMA = """
CREATE TABLE facts (id TEXT PRIMARY KEY, kind TEXT NOT NULL, source TEXT NOT NULL, metric TEXT,
                    date_start TEXT, date_end TEXT);
CREATE INDEX facts_date ON facts(date_start, id);
CREATE TABLE fact_topics (fact TEXT NOT NULL, position INTEGER NOT NULL, topic TEXT NOT NULL);
CREATE INDEX fact_topics_topic ON fact_topics(topic, fact);
CREATE TABLE fact_speakers (fact TEXT NOT NULL, position INTEGER NOT NULL, entity TEXT NOT NULL);
CREATE INDEX fact_speakers_entity ON fact_speakers(entity, fact);
"""
"""The filter columns of :func:`memory_table` (the index's ``facts`` has these and more)."""


class Selection:
    """Which facts: every given filter must hold; several values of one filter mean any of them.

    ``topics``, ``people``, ``sources`` and ``metrics`` are ids (topics with their
    descendants already added); ``since``/``until`` are date intervals as ISO strings (first
    day, last day), keeping facts whose date said overlaps and leaving undated facts out;
    ``ids`` restricts to those facts (a full-text match); ``limit`` of 0 or None is no limit.
    """

    def __init__(
        self,
        *,
        kinds: Iterable[str] = (),
        topics: Iterable[str] = (),
        people: Iterable[str] = (),
        sources: Iterable[str] = (),
        metrics: Iterable[str] = (),
        since: tuple[str, str] | None = None,
        until: tuple[str, str] | None = None,
        ids: Iterable[str] | None = None,
        limit: int | None = None,
    ) -> None:
        self.kinds = sorted(set(kinds))
        self.topics = sorted(set(topics))
        self.people = sorted(set(people))
        self.sources = sorted(set(sources))
        self.metrics = sorted(set(metrics))
        self.since = since
        self.until = until
        self.ids = None if ids is None else sorted(set(ids))
        self.limit = limit


def _in(values: Sequence[str]) -> str:
    return f"({','.join('?' * len(values))})"


def select(con: sqlite3.Connection, sel: Selection, columns: str, source: str = "facts f") -> list[Any]:
    """Rows of ``columns`` of the facts ``sel`` selects, in order. ``source`` is the FROM
    clause, naming the table of filter columns ``f`` (it may join others)."""
    where: list[str] = []
    params: list[Any] = []
    if sel.kinds:
        where.append(f"f.kind IN {_in(sel.kinds)}")
        params += sel.kinds
    if sel.topics:
        where.append(f"f.id IN (SELECT fact FROM fact_topics WHERE topic IN {_in(sel.topics)})")
        params += sel.topics
    if sel.people:
        where.append(f"f.id IN (SELECT fact FROM fact_speakers WHERE entity IN {_in(sel.people)})")
        params += sel.people
    if sel.sources:
        where.append(f"f.source IN {_in(sel.sources)}")
        params += sel.sources
    if sel.metrics:
        where.append(f"f.metric IN {_in(sel.metrics)}")
        params += sel.metrics
    if sel.since or sel.until:
        where.append("f.date_start IS NOT NULL")
        if sel.since:
            where.append("f.date_end >= ?")
            params.append(sel.since[0])
        if sel.until:
            where.append("f.date_start <= ?")
            params.append(sel.until[1])
    if sel.ids is not None:
        con.execute("CREATE TEMP TABLE IF NOT EXISTS selected_ids (id TEXT PRIMARY KEY)")
        con.execute("DELETE FROM selected_ids")
        con.executemany("INSERT INTO selected_ids VALUES (?)", ((i,) for i in sel.ids))
        where.append("f.id IN (SELECT id FROM selected_ids)")
    sql = f"SELECT {columns} FROM {source}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " " + ORDER
    if sel.limit and sel.limit < 2**62:  # a larger limit is no limit (SQLite's integers are 64-bit)
        sql += f" LIMIT {int(sel.limit)}"
    return con.execute(sql, params).fetchall()


def interval(text: str) -> tuple[str, str] | None:
    """First and last day (ISO) of a date typed as 2024, 2024-05 or 2024-05-01, ASCII digits
    only, or None when it is not exactly such a date."""
    parts = text.strip().split("-")
    if not all(p.isascii() and p.isdigit() for p in parts) or [len(p) for p in parts] not in (
        [4],
        [4, 2],
        [4, 2, 2],
    ):
        return None
    numbers = [int(p) for p in parts]
    try:
        if len(numbers) == 3:
            first = last = dt.date(*numbers)
        elif len(numbers) == 2:
            year, month = numbers
            first = dt.date(year, month, 1)
            last = dt.date(year, month, calendar.monthrange(year, month)[1])
        else:
            first, last = dt.date(numbers[0], 1, 1), dt.date(numbers[0], 12, 31)
    except ValueError:  # month 0 or 13, day 0 or 31 April, year 0
        return None
    return first.isoformat(), last.isoformat()


def forecast_status(end: dt.date | None, resolved: bool, as_of: dt.date) -> str:
    """``resolved`` once a resolution stands (:func:`standing`: recorded by ``as_of``); ``undated`` when the forecast has no
    deadline (no horizon, an open end, or a relative horizon of unknown start), so it can never
    fall due; ``due`` once the horizon has ended (its last day is before ``as_of``); else
    ``open`` (the deadline is ahead)."""
    if resolved:
        return "resolved"
    if end is None:
        return "undated"
    return "due" if end < as_of else "open"


FACT_KINDS = ("claim", "forecast", "quote", "figure")
"""The kinds of fact, in the order messages list them (:class:`aitrends.models.FactKind`)."""
STATUSES = ("open", "due", "undated", "resolved")
"""Where a forecast stands (:func:`forecast_status`), in the order messages list them."""


def pick(text: str, choices: Sequence[str]) -> str | None:
    """The one of ``choices`` that ``text`` names, forgiving case, surrounding spaces and a
    plural (``Quote``, ``figures``, `` Due``); None when it names none."""
    word = text.strip().casefold()
    for choice in choices:
        if word in (choice, choice + "s", choice + "es"):
            return choice
    return None


def clean(text: str) -> str:
    """A user's text, safe to echo in a one-line message."""
    shown = "".join(c if c.isprintable() else "?" for c in text)
    return shown if len(shown) <= 80 else shown[:77] + "..."


def fact_kind_name(value: str) -> str:
    """The kind of fact ``value`` names (``Quote``, ``figures``); a usage error naming the
    choices otherwise."""
    found = pick(str(value), FACT_KINDS)
    if found is None:
        from .errors import UsageError

        raise UsageError(f"--kind: '{clean(str(value))}' is not one of {', '.join(FACT_KINDS)}")
    return found


def date_range(since: Any, until: Any) -> tuple[tuple[str, str] | None, tuple[str, str] | None]:
    """The intervals of ``--since`` and ``--until`` (None when not given); a usage error when
    one is not a date or when no date can be in both."""
    from .errors import UsageError

    found: list[tuple[str, str] | None] = []
    for value, option in ((since, "--since"), (until, "--until")):
        if value is None:
            found.append(None)
            continue
        days = interval(str(value))
        if days is None:
            raise UsageError(f"{option}: '{value}' is not a date like 2024, 2024-05 or 2024-05-01")
        found.append(days)
    lo, hi = found
    if lo is not None and hi is not None and lo[0] > hi[1]:
        raise UsageError(
            f"--since {str(since).strip()} is after --until {str(until).strip()}: no date can be both"
        )
    return lo, hi


def daily_fields(horizon_end: str | None, resolved: Any, today: dt.date) -> dict[str, Any]:
    """A forecast's fields that change with the day (``status``, ``as_of``, ``days_to_due``,
    ``resolution``), from its stored deadline and its resolutions (``resolved``: the history of
    :func:`resolution_on`, as JSON or a list), as :func:`aitrends.forecasts.forecast_record`
    computes them: the record as it stood on ``today``, never looking ahead."""
    end = dt.date.fromisoformat(horizon_end) if horizon_end else None
    resolution = resolution_on(resolved, today)
    return {
        "status": forecast_status(end, resolution is not None, today),
        "as_of": today.isoformat(),
        "days_to_due": (end - today).days if end else None,
        "resolution": resolution,
    }


# ---------------------------------------------------------------- resolutions as of a day


def resolution_history(resolved: Any) -> list[dict[str, Any]]:
    """The resolutions of a forecast as records (``fact``, ``outcome``, ``date``, ...,
    ``recorded``, ``superseded``; dates as written, ``2026``, ``2026-06`` or ``2026-06-01``):
    from the JSON the index stores (a list), a list of them, or nothing (None, empty)."""
    if not resolved:
        return []
    if isinstance(resolved, str):
        history: list[dict[str, Any]] = json.loads(resolved)
        return history
    return list(resolved)


def standing(history: Sequence[dict[str, Any]], day: dt.date) -> int | None:
    """The position in ``history`` of the resolution that stood on ``day``: the one recorded
    last on or before that day (``recorded``, else ``date``: its first day) and not superseded
    by then (``superseded`` after that day, or never); the first of equals. None when none
    stood: a resolution recorded after ``day`` is not seen on ``day``. The one rule of
    ``--as-of`` for every command (:func:`daily_fields`) and for ``scores``
    (:func:`aitrends.resolutions.resolution_as_of`)."""
    at = day.isoformat()
    found, found_on = None, ""
    for i, res in enumerate(history):
        on = _first_day(res.get("recorded") or res["date"])
        superseded = res.get("superseded")
        if (
            on <= at
            and (superseded is None or _first_day(superseded) > at)
            and (found is None or on > found_on)
        ):
            found, found_on = i, on
    return found


def resolution_on(resolved: Any, day: dt.date) -> dict[str, Any] | None:
    """The record of the resolution that stood on ``day`` (:func:`standing`) among
    ``resolved`` (:func:`resolution_history`), as it stood then: not yet ``superseded``."""
    history = resolution_history(resolved)
    i = standing(history, day)
    return None if i is None else {**history[i], "superseded": None}


def _first_day(text: Any) -> str:
    days = interval(str(text))
    return days[0] if days is not None else str(text)


def dated_record(kind: str, horizon_end: str | None, resolved: Any, record: str, today: dt.date) -> str:
    """A fact's record as the index stores it (JSON), with a forecast's :func:`daily_fields`
    for ``today``: what :func:`aitrends.records.fact_record` gives on that day."""
    if kind != "forecast":
        return record
    rec = json.loads(record)
    rec.update(daily_fields(horizon_end, resolved, today))
    return json.dumps(rec, ensure_ascii=False)


def filter_columns(fact: Any, said: Any) -> tuple[Any, ...]:
    """``id, kind, source, metric, date_start, date_end`` of a fact model (``said``: its
    :class:`~aitrends.dates.PartialDate` or None), as the index and :func:`memory_table` store them."""
    return (
        fact.id,
        fact.kind.value,
        fact.source,
        fact.metric,
        said.start.isoformat() if said else None,
        said.end.isoformat() if said else None,
    )


def memory_table(facts: Iterable[tuple[Any, Any]]) -> sqlite3.Connection:
    """An in-memory database of :data:`FILTER_SCHEMA` for ``(fact, said)`` pairs."""
    con = sqlite3.connect(":memory:", check_same_thread=False)
    con.executescript(FILTER_SCHEMA)
    for fact, said in facts:
        con.execute("INSERT INTO facts VALUES (?, ?, ?, ?, ?, ?)", filter_columns(fact, said))
        con.executemany(
            "INSERT INTO fact_topics VALUES (?, ?, ?)", ((fact.id, i, t) for i, t in enumerate(fact.topics))
        )
        con.executemany(
            "INSERT INTO fact_speakers VALUES (?, ?, ?)",
            ((fact.id, i, s) for i, s in enumerate(fact.speaker)),
        )
    return con


# ---------------------------------------------------------------- the forecast ledger


FORECAST_ORDER = "ORDER BY f.horizon_end IS NULL, f.horizon_end, f.id"
"""By deadline (none last), then by id."""


class ForecastSelection:
    """Which forecasts (:func:`select_forecasts`): every given filter must hold.

    ``statuses`` are of :data:`STATUSES` (any of them; on the day of the query);
    ``topics`` (with their descendants) and ``people`` (who predicts: a speaker or a cited
    origin) are ids; ``before``/``after`` are ISO days the deadline (horizon end) must be on or
    before / on or after; ``due_within`` keeps open forecasts due within that many days. The
    deadline filters leave forecasts without a deadline out. ``limit`` of 0 or None is no limit.
    """

    def __init__(
        self,
        *,
        statuses: Iterable[str] = (),
        topics: Iterable[str] = (),
        people: Iterable[str] = (),
        before: str | None = None,
        after: str | None = None,
        due_within: int | None = None,
        limit: int | None = None,
    ) -> None:
        self.statuses = sorted(set(statuses))
        self.topics = sorted(set(topics))
        self.people = sorted(set(people))
        self.before = before
        self.after = after
        self.due_within = due_within
        self.limit = limit


def select_forecasts(
    con: sqlite3.Connection, sel: ForecastSelection, day: dt.date, columns: str, source: str = "facts f"
) -> list[Any]:
    """Rows of ``columns`` of the forecasts ``sel`` selects on ``day``, by deadline then id.

    The one implementation of the ledger's filters: the index (:mod:`aitrends.ledger`) and
    :meth:`aitrends.KnowledgeBase.forecasts` (on :func:`forecast_table`) both run it. The
    table ``f`` has ``id``, ``kind``, ``horizon_end`` (ISO or NULL) and ``resolved`` (the
    resolutions as JSON, or NULL), beside ``fact_topics``, ``fact_speakers`` and ``fact_cited``
    (``entity`` may be NULL); a row's status on ``day`` is that of :func:`daily_fields`,
    registered as an SQL function."""
    con.create_function("forecast_status", 3, _status_sql, deterministic=True)
    where = ["f.kind = 'forecast'"]
    params: list[Any] = []
    if sel.topics:
        where.append(f"f.id IN (SELECT fact FROM fact_topics WHERE topic IN {_in(sel.topics)})")
        params += sel.topics
    if sel.people:
        where.append(
            f"(f.id IN (SELECT fact FROM fact_speakers WHERE entity IN {_in(sel.people)}) "
            f"OR f.id IN (SELECT fact FROM fact_cited WHERE entity IN {_in(sel.people)}))"
        )
        params += sel.people + sel.people
    status = "forecast_status(f.horizon_end, f.resolved, ?)"
    if sel.statuses:
        where.append(f"{status} IN {_in(sel.statuses)}")
        params += [day.isoformat(), *sel.statuses]
    if sel.before is not None or sel.after is not None or sel.due_within is not None:
        where.append("f.horizon_end IS NOT NULL")
    if sel.before is not None:
        where.append("f.horizon_end <= ?")
        params.append(sel.before)
    if sel.after is not None:
        where.append("f.horizon_end >= ?")
        params.append(sel.after)
    if sel.due_within is not None:
        where.append(f"{status} = 'open'")
        params.append(day.isoformat())
        try:
            latest = (day + dt.timedelta(days=sel.due_within)).isoformat()
        except OverflowError:  # beyond the year 9999: no bound
            latest = None
        if latest is not None:
            where.append("f.horizon_end <= ?")
            params.append(latest)
    sql = f"SELECT {columns} FROM {source} WHERE {' AND '.join(where)} {FORECAST_ORDER}"
    if sel.limit and sel.limit < 2**62:
        sql += f" LIMIT {int(sel.limit)}"
    return con.execute(sql, params).fetchall()


def _status_sql(horizon_end: str | None, resolved: Any, day: str) -> str:
    status: str = daily_fields(horizon_end, resolved, dt.date.fromisoformat(day))["status"]
    return status


FORECAST_SCHEMA = """
CREATE TABLE facts (id TEXT PRIMARY KEY, kind TEXT NOT NULL, horizon_end TEXT, resolved TEXT);
CREATE TABLE fact_topics (fact TEXT NOT NULL, position INTEGER NOT NULL, topic TEXT NOT NULL);
CREATE TABLE fact_speakers (fact TEXT NOT NULL, position INTEGER NOT NULL, entity TEXT NOT NULL);
CREATE TABLE fact_cited (fact TEXT NOT NULL, position INTEGER NOT NULL, entity TEXT);
"""
"""The columns :func:`select_forecasts` reads (the index's tables have these and more)."""


def forecast_table(
    rows: Iterable[tuple[str, str | None, str | None, Sequence[str], Sequence[str], Sequence[str | None]]],
) -> sqlite3.Connection:
    """An in-memory database of :data:`FORECAST_SCHEMA` for ``(id, horizon_end, resolved,
    topics, speakers, cited origins)`` of each forecast (``resolved``: its resolutions as
    JSON, :func:`resolution_history`, or None), as the index stores them."""
    con = sqlite3.connect(":memory:", check_same_thread=False)
    con.executescript(FORECAST_SCHEMA)
    for fact_id, end, resolved, topics, speakers, cited in rows:
        con.execute("INSERT INTO facts VALUES (?, 'forecast', ?, ?)", (fact_id, end, resolved))
        con.executemany(
            "INSERT INTO fact_topics VALUES (?, ?, ?)", ((fact_id, i, t) for i, t in enumerate(topics))
        )
        con.executemany(
            "INSERT INTO fact_speakers VALUES (?, ?, ?)", ((fact_id, i, s) for i, s in enumerate(speakers))
        )
        con.executemany(
            "INSERT INTO fact_cited VALUES (?, ?, ?)", ((fact_id, i, c) for i, c in enumerate(cited))
        )
    return con


def describe_due(days: int | None, st: str, resolution: dict[str, Any] | None = None) -> str:
    """'due in 38 days', 'overdue by 1 year 2 months', 'no deadline'; for a resolved forecast
    its outcome, 'true on 2025-01-15' (given its ``resolution`` record)."""
    if st == "resolved":
        return f"{resolution['outcome']} on {resolution['date']}" if resolution else "resolved"
    if days is None:
        return "no deadline"
    span = _span(abs(days))
    if days < 0:
        return f"overdue by {span}"
    return "due today" if days == 0 else f"due in {span}"


def _span(days: int) -> str:
    if days < 60:
        return f"{days} day{'s' if days != 1 else ''}"
    months = round(days / 30.44)
    years, months = divmod(months, 12)
    parts = ([f"{years} year{'s' if years != 1 else ''}"] if years else []) + (
        [f"{months} month{'s' if months != 1 else ''}"] if months else []
    )
    return " ".join(parts)


def describe_estimate(e: dict[str, Any]) -> str:
    """A forecast's probability in words, from the record of an
    :class:`aitrends.hedges.Estimate`: '0.75, from the hedge word '预计' (Kent's 'probable';
    source: own)'."""
    if e["origin"] == "stated":
        number = (
            f"{e['low']:g}–{e['high']:g}, scored as {e['probability']:g}"
            if e["low"] != e["high"]
            else f"{e['probability']:g}"
        )
        return f"{number}, stated by the speaker"
    point = f"Kent's '{e['kent']}'; " if e["kent"] else ""
    src = f"source: {e['source']}"
    if e["origin"] == "hedge":
        return f"{e['probability']:g}, from the hedge word '{e['word']}' ({point}{src})"
    why = f"the hedge '{e['hedge']}' is not in the table" if e["hedge"] else "no hedge"
    return f"{e['probability']:g}, the default for an unhedged forecast ({why}; {point}{src})"
