"""Exports of the whole knowledge base: CSV tables, JSON Lines, Parquet (and SQLite, in
:mod:`aitrends.sqlite_export`).

Every file is written through :mod:`aitrends.atomic` (a temporary file, then a rename), and
an existing file is not overwritten unless ``force`` is given; only a regular file is ever
replaced. An export of several files is all or nothing: every target is checked first, all
are written to temporary files, then renamed. JSON Lines can also stream: to ``-`` (the
``stdout`` given) or into a character device or named pipe. Output is deterministic: rows are
sorted by id and forecast status is judged on ``as_of`` (default today).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from . import clock
from .atomic import ExistsError, atomic_path, atomic_paths, check_target, is_stream
from .errors import UsageError, WriteError
from .frames import (
    FACT_COLUMNS,
    LINK_COLUMNS,
    REFERENCE_COLUMNS,
    fact_rows,
    link_rows,
    reference_rows,
    require,
)
from .render import ExportFormat as ExportFormat  # declared with the other formats

if TYPE_CHECKING:
    from .kb import KnowledgeBase


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


def csv_tables(
    kb: KnowledgeBase, *, as_of: dt.date | None = None
) -> dict[str, tuple[list[str], list[dict[str, Any]]]]:
    """Each CSV table's columns and rows: ``facts`` (scalar columns only; its lists are the
    link tables), the reference tables, and ``fact_topics``, ``fact_speakers``,
    ``fact_cited``, ``fact_about``, ``fact_links``."""
    scalar = [c for c, kind in FACT_COLUMNS.items() if kind != "list"]
    tables: dict[str, tuple[list[str], list[dict[str, Any]]]] = {
        "facts": (scalar, fact_rows(kb, as_of=as_of))
    }
    for name, cols in REFERENCE_COLUMNS.items():
        tables[name] = (list(cols), reference_rows(kb, name))
    for name, rows in link_rows(kb).items():
        tables[name] = (list(LINK_COLUMNS[name]), rows)
    return tables


def write_csv(
    kb: KnowledgeBase, directory: Path, *, force: bool = False, as_of: dt.date | None = None
) -> list[Path]:
    """Write one CSV file per table into ``directory`` (created if needed); return the paths.

    Fails before writing anything when any of the files exists and ``force`` is False.
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
    tables = csv_tables(kb, as_of=as_of)
    with atomic_paths(paths, force=force) as temps:
        for tmp, name in zip(temps, CSV_TABLES, strict=True):
            columns, rows = tables[name]
            with _text_file(tmp, newline="") as fh:
                writer = csv.writer(fh, lineterminator="\n")
                writer.writerow(columns)
                for row in rows:
                    writer.writerow([_cell(row[c]) for c in columns])
    return paths


def jsonl_lines(kb: KnowledgeBase, *, as_of: dt.date | None = None) -> Iterator[str]:
    """Every fact as one line of JSON (with its line break): the complete record of
    :func:`aitrends.records.fact_record` (fields, names, date, normalised rate, forecast status)."""
    from .records import fact_record

    day = as_of or clock.today()
    for fact in kb.all_facts:
        yield json.dumps(fact_record(kb, fact, as_of=day), ensure_ascii=False) + "\n"


def write_jsonl(kb: KnowledgeBase, path: Path, *, force: bool = False, as_of: dt.date | None = None) -> Path:
    """Write every fact as one JSON object a line (see :func:`jsonl_lines`).

    A character device or a named pipe (``/dev/stdout``, ``/dev/null``, a FIFO) is written
    into, not replaced; anything else goes through :func:`aitrends.atomic.atomic_path`.
    """
    path = Path(path)
    if is_stream(path):
        try:
            with open(path, "w", encoding="utf-8", newline="\n") as fh:
                fh.writelines(jsonl_lines(kb, as_of=as_of))
        except OSError as e:
            raise WriteError(f"cannot write {path}: {e.strerror or e}") from None
        return path
    with atomic_path(path, force=force) as tmp, _text_file(tmp, newline="\n") as fh:
        fh.writelines(jsonl_lines(kb, as_of=as_of))
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


def arrow_table(kb: KnowledgeBase, *, as_of: dt.date | None = None) -> Any:
    """The facts table (every column of :data:`aitrends.frames.FACT_COLUMNS`, lists as
    ``list<string>``, dates as ``date32``) as a :class:`pyarrow.Table`."""
    pa = require("pyarrow", "parquet")
    schema = pa.schema([pa.field(name, _arrow_type(pa, kind)) for name, kind in FACT_COLUMNS.items()])
    rows = fact_rows(kb, as_of=as_of)
    columns = {name: [r[name] for r in rows] for name in FACT_COLUMNS}
    return pa.Table.from_pydict(columns, schema=schema)


def write_parquet(
    kb: KnowledgeBase, path: Path, *, force: bool = False, as_of: dt.date | None = None
) -> Path:
    """Write the facts table to one Parquet file (pyarrow is an optional extra)."""
    require("pyarrow", "parquet")
    pq = require("pyarrow.parquet", "parquet")
    table = arrow_table(kb, as_of=as_of)
    with atomic_path(Path(path), force=force) as tmp:
        pq.write_table(table, tmp)
    return Path(path)


def export(
    kb: KnowledgeBase,
    to: ExportFormat | str,
    path: Path | str,
    *,
    force: bool = False,
    as_of: dt.date | None = None,
    stdout: IO[str] | None = None,
) -> list[Path]:
    """Export the knowledge base to ``path`` in format ``to``; return the files written.

    ``path`` ``-`` means ``stdout`` (required then), for the formats that can stream
    (:data:`STREAMABLE`); the list returned is then empty. An empty path is a
    :class:`~aitrends.errors.UsageError`.
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
        stdout.writelines(jsonl_lines(kb, as_of=as_of))
        return []
    path = Path(path)
    if fmt is ExportFormat.csv:
        return write_csv(kb, path, force=force, as_of=as_of)
    if fmt is ExportFormat.jsonl:
        return [write_jsonl(kb, path, force=force, as_of=as_of)]
    if fmt is ExportFormat.parquet:
        return [write_parquet(kb, path, force=force, as_of=as_of)]
    return _write_sqlite(kb, path, force=force, as_of=as_of)


def _write_sqlite(kb: KnowledgeBase, path: Path, *, force: bool, as_of: dt.date | None) -> list[Path]:
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
        written = write_database(kb, Path(work) / path.name, as_of=as_of)
        targets = [path.parent / p.name for p in written]
        replace_together(written, targets, force=force)
    return targets
