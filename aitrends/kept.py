"""Results kept in the index until its data changes: the ``derived`` table.

Some answers cost more than a query: an analysis computed with the models
(:mod:`aitrends.analyses`), a listing of every record with its facts counted, thousands of
forecasts with their status of the day. Each is made once and kept here under its command and
a key (its resolved parameters, the format, the day when it depends on it); a later run with
the same question reads it. Any update of the index empties the table
(:func:`aitrends.index.refresh`), and a change of the code rebuilds the index, so a kept result
is never stale; at most :data:`KEPT` results and :data:`KEPT_BYTES` of text are kept, the
oldest dropped first.

Keeping is best effort and never changes an answer: an index that is busy, read-only or was
updated by another process while the result was made keeps nothing. Standard library only: the
hot path.
"""

from __future__ import annotations

import json
import os
import sqlite3

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from typing import Any

    from .output import Answer

KEPT = 512
"""The most results the index keeps; the oldest go first (one of another day is never read
again)."""
KEPT_BYTES = 64 << 20
"""The most text the index keeps (the newest result is always kept), in characters."""


def key_of(params: dict[str, Any]) -> str:
    """The key of a question: its parameters as canonical JSON."""
    return json.dumps(params, sort_keys=True, ensure_ascii=False)


def read(con: sqlite3.Connection, command: str, key: str) -> str | None:
    """The kept result of ``command`` for ``key``, or None."""
    row = con.execute("SELECT body FROM derived WHERE command = ? AND key = ?", (command, key)).fetchone()
    return None if row is None else str(row[0])


def version(con: sqlite3.Connection) -> int:
    """The state of the index as this connection sees it (``PRAGMA data_version``): it changes
    when another connection commits a change."""
    return int(con.execute("PRAGMA data_version").fetchone()[0])


def write(con: sqlite3.Connection, command: str, key: str, body: str, since: int) -> bool:
    """Keep ``body`` as the result of ``command`` for ``key`` if the index is still as it was
    at ``since`` (:func:`version` when the result began to be made: otherwise it may describe
    data another process has replaced meanwhile). True if it was kept."""
    if con.in_transaction:  # the caller's transaction is not this function's to commit
        return False
    try:
        con.execute("BEGIN IMMEDIATE")
    except sqlite3.Error:
        return False
    try:
        if version(con) != since:
            return False
        con.execute("DELETE FROM derived WHERE command = ? AND key = ?", (command, key))
        con.execute(
            "INSERT INTO derived (command, key, body, size) VALUES (?, ?, ?, ?)",
            (command, key, body, len(body)),
        )
        con.execute(
            "DELETE FROM derived WHERE seq IN (SELECT seq FROM (SELECT seq,"
            " row_number() OVER (ORDER BY seq DESC) AS n, sum(size) OVER (ORDER BY seq DESC) AS total"
            " FROM derived) WHERE n > ? OR (n > 1 AND total > ?))",
            (KEPT, KEPT_BYTES),
        )
        con.execute("COMMIT")
        return True
    except sqlite3.Error:
        return False
    finally:
        if con.in_transaction:
            con.execute("ROLLBACK")


def value(
    con: sqlite3.Connection, command: str, params: dict[str, Any], make: Callable[[], Any] | None
) -> Any:
    """The JSON value kept for ``command`` and ``params``, else ``make()``'s (then kept), read
    back from its JSON either way so that the two cannot differ; None when nothing is kept and
    there is no ``make``."""
    key = key_of(params)
    body = read(con, command, key)
    if body is not None:
        try:
            return json.loads(body)
        except ValueError:  # not what write() kept (a damaged row): made again, replaced
            pass
    if make is None:
        return None
    since = version(con)
    body = json.dumps(make(), ensure_ascii=False, separators=(",", ":"))
    write(con, command, key, body, since)
    return json.loads(body)


def text(con: sqlite3.Connection, command: str, params: dict[str, Any], make: Callable[[], Answer]) -> Answer:
    """The answer kept for ``command`` and ``params`` (the text written, for any format but a
    table: a table is drawn for the terminal), else ``make()``'s, written as it comes and kept
    once it has all been written."""
    from .output import Answer
    from .render import CSV_RAW_ENV

    raw = os.environ.get(CSV_RAW_ENV, "").strip() not in ("", "0")  # the CSV guard is in the text
    key = key_of({**params, "csv_raw": raw})
    body = read(con, command, key)
    if body is not None:
        return Answer([body])
    since = version(con)
    answer = make()
    if answer.table is not None or answer.empty is not None or answer.notices:
        return answer
    return Answer(_kept_when_done(answer.chunks, con, command, key, since))


def _kept_when_done(
    chunks: Iterable[str], con: sqlite3.Connection, command: str, key: str, since: int
) -> Iterator[str]:
    """``chunks`` as they come (the answer streams: a reader that stops early stops it), kept
    once the last has been written."""
    parts = []
    for chunk in chunks:
        parts.append(chunk)
        yield chunk
    write(con, command, key, "".join(parts), since)


def table(
    con: sqlite3.Connection, command: str, params: dict[str, Any], make: Callable[[], Answer]
) -> Answer:
    """A table answer kept as it is drawn for each terminal (``width``, ``styled``,
    ``unicode``: :func:`aitrends.tables.terminal`), and whether it is empty; ``make()`` gives
    the answer when nothing is kept (it is made at most once a run)."""
    from .output import Answer

    made: list[Answer] = []

    def answer() -> Answer:
        if not made:
            made.append(make())
        return made[0]

    empty_key = key_of({**params, "part": "empty"})
    marker = read(con, command, empty_key)
    if marker is None:
        since = version(con)
        first = answer()
        if first.notices or (first.table is None and first.empty is None):
            return first
        write(con, command, empty_key, json.dumps(first.empty), since)
        if first.table is None:
            return first
    elif json.loads(marker) is not None:
        return Answer(empty=json.loads(marker))

    def drawn(**terminal: Any) -> str:
        key = key_of({**params, "part": "table", "terminal": terminal})
        body = read(con, command, key)
        if body is None:
            since = version(con)
            draw = answer().table
            if draw is None:  # the data changed since the marker was kept: drawn next time
                from .errors import AitrendsError

                raise AitrendsError("the index changed while the table was drawn; run the command again")
            body = draw(**terminal)
            write(con, command, key, body, since)
        return body

    return Answer(table=drawn)
