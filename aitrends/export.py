"""Exports of the whole knowledge base: CSV tables, JSON Lines, Parquet (and SQLite, in
:mod:`aitrends.sqlite_export`), read from the compiled index (:mod:`aitrends.store`).

Every export streams: rows are read from the index and written as they come (a generator of
lines, CSV rows, Parquet record batches), never gathered into one output in memory first.
The records are those the index stores (:func:`aitrends.records.fact_record`), with a
forecast's fields that change with the day recomputed for ``as_of``
(:func:`aitrends.query.daily_fields`).

Every file is written through :mod:`aitrends.atomic` (a temporary file, then a rename), and
an existing file is not overwritten unless ``force`` is given; only a regular file is ever
replaced. An export of several files is all or nothing: every target is checked first, all
are written to temporary files, then renamed. JSON Lines can also stream: to ``-`` (the
``stdout`` given) or into a character device or named pipe. Output is deterministic: rows are
sorted by id and forecast status is judged on ``as_of`` (default today).

The functions take the index (an open :class:`sqlite3.Connection` of :mod:`aitrends.index`),
or a :class:`~aitrends.kb.KnowledgeBase`, whose data directories' index is opened then.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from . import clock
from .atomic import ExistsError, atomic_path, atomic_paths, check_target, is_stream
from .errors import AitrendsError, UsageError, WriteError
from .frames import (
    FACT_COLUMNS,
    LINK_COLUMNS,
    REFERENCE_COLUMNS,
    record_links,
    record_row,
    reference_row,
    require,
)
from .reference import records as listing_records
from .render import ExportFormat as ExportFormat  # declared with the other formats

if TYPE_CHECKING:
    from collections.abc import Callable

    from .kb import KnowledgeBase

    Index = sqlite3.Connection | KnowledgeBase
    """Where an export reads: the index, or a knowledge base (its directories' index)."""


CSV_TABLES = ("facts", *REFERENCE_COLUMNS, *LINK_COLUMNS)
"""The CSV files of ``--to csv``, without their ``.csv`` suffix."""

LIST_SEPARATOR = "; "
"""How a list is written in a CSV cell of a reference table (aliases, languages, authors)."""


STDOUT = "-"
"""The path that means standard output, for the formats that can stream (jsonl)."""

STREAMABLE = frozenset({"jsonl"})
"""Export formats that can be written to ``-`` or into a device or named pipe."""


@contextlib.contextmanager
def _text_file(path: Path, *, newline: str) -> Iterator[IO[str]]:
    """A text file whose content is synced to disk before the block ends."""
    with open(path, "w", encoding="utf-8", newline=newline) as fh:
        yield fh
        fh.flush()
        os.fsync(fh.fileno())


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return LIST_SEPARATOR.join("" if v is None else str(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return value


BATCH = 5_000
"""Rows written at a time: Parquet record batches, SQLite ``executemany`` batches."""


@contextlib.contextmanager
def opened(source: Index) -> Iterator[sqlite3.Connection]:
    """The index of ``source``: the connection itself, or the index of a knowledge base's data
    directories (:func:`aitrends.store.connect`), closed when the block ends."""
    if isinstance(source, sqlite3.Connection):
        yield source
        return
    from .store import connect

    con = connect([str(d) for d in source.dirs])
    if con is None:
        raise AitrendsError(f"the data in {', '.join(map(str, source.dirs))} has problems")
    try:
        yield con
    finally:
        con.close()


def record_texts(con: sqlite3.Connection, day: dt.date) -> Iterator[str]:
    """Every fact's complete record as JSON (no line break), by id, as the index stores it,
    with a forecast's daily fields for ``day`` (:func:`aitrends.query.dated_record`)."""
    from .query import dated_record

    for kind, horizon_end, resolved, record in con.execute(
        "SELECT kind, horizon_end, resolved, record FROM facts ORDER BY id"
    ):
        yield dated_record(kind, horizon_end, resolved, record, day)


def records(con: sqlite3.Connection, day: dt.date) -> Iterator[dict[str, Any]]:
    """Every fact's complete record, by id (see :func:`record_texts`)."""
    for text in record_texts(con, day):
        yield json.loads(text)


def csv_tables(
    source: Index, *, as_of: dt.date | None = None
) -> dict[str, tuple[list[str], list[dict[str, Any]]]]:
    """Each CSV table's columns and rows: ``facts`` (scalar columns only; its lists are the
    link tables), the reference tables, and ``fact_topics``, ``fact_speakers``,
    ``fact_cited``, ``fact_about``, ``fact_links``. (Gathered in memory: :func:`write_csv`
    streams them.)"""
    tables: dict[str, tuple[list[str], list[dict[str, Any]]]] = {}
    with opened(source) as con:
        for name, columns, row in _csv_rows(con, as_of or clock.today()):
            tables.setdefault(name, (columns, []))[1].append(row)
    return {name: tables.get(name, (_csv_columns(name), [])) for name in CSV_TABLES}


def _csv_columns(table: str) -> list[str]:
    if table == "facts":
        return [c for c, kind in FACT_COLUMNS.items() if kind != "list"]
    return list({**REFERENCE_COLUMNS, **LINK_COLUMNS}[table])


def _csv_rows(con: sqlite3.Connection, day: dt.date) -> Iterator[tuple[str, list[str], dict[str, Any]]]:
    """(table, columns, row) of every CSV table, read from the index as they are written:
    the facts and their links in one pass, then the reference tables."""
    facts = _csv_columns("facts")
    links = {name: _csv_columns(name) for name in LINK_COLUMNS}
    for rec in records(con, day):
        yield "facts", facts, record_row(rec)
        for name, rows in record_links(rec).items():
            for row in rows:
                yield name, links[name], row
    for name in REFERENCE_COLUMNS:
        columns = _csv_columns(name)
        for rec in listing_records(con, name):
            yield name, columns, reference_row(name, rec)


def write_csv(
    source: Index, directory: Path, *, force: bool = False, as_of: dt.date | None = None
) -> list[Path]:
    """Write one CSV file per table into ``directory`` (created if needed); return the paths.

    Every file is open at once and each row is written as it is read from the index. Fails
    before writing anything when any of the files exists and ``force`` is False.
    """
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise ExistsError(f"{directory} exists and is not a directory")
    paths = [directory / f"{name}.csv" for name in CSV_TABLES]
    if not force:
        existing = [p for p in paths if os.path.lexists(p)]
        if existing:
            more = f" (and {len(existing) - 1} more)" if len(existing) > 1 else ""
            raise ExistsError(f"{existing[0]} exists{more}; use --force to overwrite")
    with opened(source) as con, atomic_paths(paths, force=force) as temps:
        with contextlib.ExitStack() as stack:
            writers = {}
            for tmp, name in zip(temps, CSV_TABLES, strict=True):
                writers[name] = csv.writer(
                    stack.enter_context(_text_file(tmp, newline="")), lineterminator="\n"
                )
                writers[name].writerow(_csv_columns(name))
            for name, columns, row in _csv_rows(con, as_of or clock.today()):
                writers[name].writerow([_cell(row[c]) for c in columns])
    return paths


def jsonl_lines(source: Index, *, as_of: dt.date | None = None) -> Iterator[str]:
    """Every fact as one line of JSON (with its line break): the complete record of
    :func:`aitrends.records.fact_record` (fields, names, date, normalised rate, forecast status)."""
    with opened(source) as con:
        for text in record_texts(con, as_of or clock.today()):
            yield text + "\n"


def write_jsonl(source: Index, path: Path, *, force: bool = False, as_of: dt.date | None = None) -> Path:
    """Write every fact as one JSON object a line (see :func:`jsonl_lines`).

    A character device or a named pipe (``/dev/stdout``, ``/dev/null``, a FIFO) is written
    into, not replaced; anything else goes through :func:`aitrends.atomic.atomic_path`.
    """
    path = Path(path)
    if is_stream(path):
        try:
            with opened(source) as con, open(path, "w", encoding="utf-8", newline="\n") as fh:
                for text in record_texts(con, as_of or clock.today()):
                    fh.write(text + "\n")
        except OSError as e:
            raise WriteError(f"cannot write {path}: {e.strerror or e}") from None
        return path
    with opened(source) as con, atomic_path(path, force=force) as tmp, _text_file(tmp, newline="\n") as fh:
        for text in record_texts(con, as_of or clock.today()):
            fh.write(text + "\n")
    return path


def _arrow_type(pa: Any, kind: str) -> Any:
    return {
        "str": pa.string(),
        "float": pa.float64(),
        "int": pa.int64(),
        "bool": pa.bool_(),
        "date": pa.date32(),
        "list": pa.list_(pa.string()),
    }[kind]


def _arrow_schema(pa: Any) -> Any:
    return pa.schema([pa.field(name, _arrow_type(pa, kind)) for name, kind in FACT_COLUMNS.items()])


def arrow_batches(con: sqlite3.Connection, day: dt.date, *, size: int = BATCH) -> Iterator[Any]:
    """The facts table (every column of :data:`aitrends.frames.FACT_COLUMNS`, lists as
    ``list<string>``, dates as ``date32``) as :class:`pyarrow.Table` pieces of ``size`` rows."""
    pa = require("pyarrow", "parquet")
    schema = _arrow_schema(pa)
    rows: list[dict[str, Any]] = []

    def table() -> Any:
        return pa.Table.from_pydict({name: [r[name] for r in rows] for name in FACT_COLUMNS}, schema=schema)

    for rec in records(con, day):
        rows.append(record_row(rec))
        if len(rows) >= size:
            yield table()
            rows = []
    if rows:
        yield table()


def arrow_table(source: Index, *, as_of: dt.date | None = None) -> Any:
    """The facts table (every column of :data:`aitrends.frames.FACT_COLUMNS`, lists as
    ``list<string>``, dates as ``date32``) as a :class:`pyarrow.Table`."""
    pa = require("pyarrow", "parquet")
    with opened(source) as con:
        pieces = list(arrow_batches(con, as_of or clock.today()))
    return pa.concat_tables(pieces) if pieces else _arrow_schema(pa).empty_table()


def write_parquet(source: Index, path: Path, *, force: bool = False, as_of: dt.date | None = None) -> Path:
    """Write the facts table to one Parquet file (pyarrow is an optional extra), a row group
    of :data:`BATCH` facts at a time."""
    pa = require("pyarrow", "parquet")
    pq = require("pyarrow.parquet", "parquet")
    with opened(source) as con, atomic_path(Path(path), force=force) as tmp:
        with pq.ParquetWriter(tmp, _arrow_schema(pa)) as writer:
            for piece in arrow_batches(con, as_of or clock.today(), size=BATCH):
                writer.write_table(piece)
    return Path(path)


def export(
    source: Index,
    to: ExportFormat | str,
    path: Path | str,
    *,
    force: bool = False,
    as_of: dt.date | None = None,
    stdout: IO[str] | None = None,
    models: KnowledgeBase | Callable[[], KnowledgeBase] | None = None,
) -> list[Path]:
    """Export the knowledge base (its index, or a knowledge base) to ``path`` in format
    ``to``; return the files written.

    ``path`` ``-`` means ``stdout`` (required then), for the formats that can stream
    (:data:`STREAMABLE`); the list returned is then empty. An empty path is a
    :class:`~aitrends.errors.UsageError`. ``models`` (the knowledge base, or a function that
    loads it) is what the SQLite export's analyses need (:func:`aitrends.sqlite_export.write_database`).
    """
    fmt = ExportFormat(to)
    if not str(path).strip():
        raise UsageError("the export path is empty")
    if str(path) == STDOUT:
        if fmt.value not in STREAMABLE:
            raise UsageError(
                f"--to {fmt.value} cannot be written to standard output ('-'); it can with --to "
                + ", ".join(sorted(STREAMABLE))
            )
        if stdout is None:
            raise UsageError("'-' (standard output) needs a stream to write to")
        for line in jsonl_lines(source, as_of=as_of):
            stdout.write(line)
        return []
    path = Path(path)
    if fmt is ExportFormat.csv:
        return write_csv(source, path, force=force, as_of=as_of)
    if fmt is ExportFormat.jsonl:
        return [write_jsonl(source, path, force=force, as_of=as_of)]
    if fmt is ExportFormat.parquet:
        return [write_parquet(source, path, force=force, as_of=as_of)]
    return _write_sqlite(source, path, force=force, as_of=as_of, models=models)


def _write_sqlite(
    source: Index,
    path: Path,
    *,
    force: bool,
    as_of: dt.date | None,
    models: KnowledgeBase | Callable[[], KnowledgeBase] | None,
) -> list[Path]:
    """The database and its Datasette metadata (``<stem>.metadata.json``, named by
    :func:`aitrends.sqlite_export.write_database`), all or nothing: both are checked, written into a
    temporary directory beside them, then renamed together."""
    import tempfile

    from .atomic import replace_together
    from .sqlite_export import write_database

    for target in (path, path.with_name(f"{path.stem}.metadata.json")):
        check_target(target, force=force)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmpdir = tempfile.TemporaryDirectory(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as e:
        raise WriteError(f"cannot write {path}: {e.strerror or e}") from None
    with tmpdir as work:
        written = write_database(source, Path(work) / path.name, as_of=as_of, models=models)
        targets = [path.parent / p.name for p in written]
        replace_together(written, targets, force=force)
    return targets
