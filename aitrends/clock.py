"""The one clock of aitrends: every "today" is read here.

Forecast status, days to a deadline and the "as of" date of every record are judged on
:func:`today`, which is the day given by ``$AITRENDS_TODAY`` (``YYYY-MM-DD``) when it is set,
else the system's local date. Commands whose output depends on the date take ``--as-of``, which
wins over both. Tests and generated docs pin the day, so their results never depend on when
they run. Standard library only: the fast path imports this module.
"""

from __future__ import annotations

import datetime as dt
import os

from .errors import UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

ENV = "AITRENDS_TODAY"
"""Environment variable that fixes "today" for every command and the Python API."""


class ClockError(UsageError):
    """``$AITRENDS_TODAY`` (or a day given for it) is not a date."""


def parse_day(text: str) -> dt.date:
    """``YYYY-MM-DD`` as a date, digits ASCII only; :class:`ClockError` otherwise."""
    value = text.strip()
    if len(value) == 10 and value.isascii():
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ClockError(f"${ENV}: '{text}' is not a day like 2026-11-23")


def day_of(as_of: str | None, environ: Mapping[str, str] | None = None) -> dt.date | None:
    """The day an ``--as-of`` value names: the day itself, or the last day of a month or year
    given as 2024-05 or 2024; :func:`today` when it is None; None when it is not such a date."""
    from .query import interval

    if as_of is None:
        return today(environ)
    bounds = interval(as_of)
    if bounds is None:
        return None
    return dt.date.fromisoformat(bounds[0] if len(as_of.strip()) == 10 else bounds[1])


def today(environ: Mapping[str, str] | None = None) -> dt.date:
    """The day forecast status is judged on: ``$AITRENDS_TODAY`` if set, else the local date."""
    env = os.environ if environ is None else environ
    pinned = env.get(ENV, "")
    if pinned.strip():
        return parse_day(pinned)
    return dt.date.today()
