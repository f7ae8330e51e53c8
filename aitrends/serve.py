"""``aitrends serve``: the knowledge base in Datasette, in one command.

:func:`serving_export` builds the SQLite export (:mod:`aitrends.sqlite_export`) in the cache
directory, or reuses the one there when it is fresh: made by this code, from data files of the
same names, sizes and times, judging forecasts on the same day. :func:`datasette_command` is
the command that serves it; Datasette loads the aitrends plugin
(:mod:`aitrends.datasette_plugin`) by its entry point.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import json
import os
import sys
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import AitrendsError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from .export import Index
    from .kb import KnowledgeBase

DATABASE = "aitrends"
"""The database's name in Datasette (its URLs start /aitrends/)."""
INSTALL_HINT = "pip install 'aitrends[serve]' (from a clone of aitrends: pip install '.[serve]')"


class MissingDatasetteError(AitrendsError):
    """Datasette (the ``serve`` extra) is not installed."""


def require_datasette() -> None:
    """Raise :class:`MissingDatasetteError` (with the command to install it) unless Datasette
    can be imported."""
    if importlib.util.find_spec("datasette") is None:
        raise MissingDatasetteError(f"aitrends serve needs Datasette; install it with: {INSTALL_HINT}")


def serve_dir(dirs: Sequence[str | os.PathLike[str]], environ: dict[str, str] | None = None) -> Path:
    """Where the export of this stack of data directories is kept for serving."""
    from .config import cache_dir

    key = "\n".join(os.path.realpath(d) for d in dirs).encode("utf-8", "surrogateescape")
    return Path(cache_dir(environ)) / f"serve-{zlib.crc32(key):08x}{zlib.adler32(key):08x}"


def fingerprint(dirs: Sequence[str | os.PathLike[str]], as_of: dt.date) -> str:
    """What an export depends on: the code, the data files of ``dirs`` (names, sizes, times)
    and the day."""
    from .cache import code_fingerprint, scan

    s = scan(dirs)
    files = [(f.path, f.layer, f.size, f.mtime_ns, f.ctime_ns) for f in s.files]
    text = json.dumps([code_fingerprint(), s.dirs, files, as_of.isoformat()], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


@dataclass
class Served:
    """The export to serve: the database, its metadata file, and whether it was just built."""

    database: Path
    metadata: Path
    built: bool


def serving_export(
    source: Index,
    *,
    dirs: Sequence[str | os.PathLike[str]] | None = None,
    directory: Path | None = None,
    as_of: dt.date | None = None,
    models: KnowledgeBase | Callable[[], KnowledgeBase] | None = None,
) -> Served:
    """The export to serve of the index ``source`` of the data directories ``dirs`` (or of a
    knowledge base, and its directories), in ``directory`` (default :func:`serve_dir`):
    reused when its stamp says it is fresh, else written anew (atomically) by
    :func:`aitrends.sqlite_export.write_database` (``models``: see there)."""
    import sqlite3

    from .atomic import atomic_path
    from .sqlite_export import write_database

    day = as_of or dt.date.today()
    if dirs is None:
        if isinstance(source, sqlite3.Connection):
            raise AitrendsError("serving an index needs its data directories")
        dirs = source.dirs
    directory = Path(directory) if directory is not None else serve_dir(dirs)
    database = directory / f"{DATABASE}.db"
    metadata = directory / f"{DATABASE}.metadata.json"
    stamp = directory / f"{DATABASE}.stamp"
    wanted = fingerprint(dirs, day)
    fresh = (
        database.is_file()
        and metadata.is_file()
        and stamp.is_file()
        and stamp.read_text(encoding="utf-8").strip() == wanted
    )
    if not fresh:
        directory.mkdir(parents=True, exist_ok=True)
        stamp.unlink(missing_ok=True)
        write_database(source, database, force=True, as_of=day, models=models)
        with atomic_path(stamp, force=True) as tmp:
            tmp.write_text(wanted + "\n", encoding="utf-8")
    return Served(database, metadata, not fresh)


def datasette_command(
    served: Served, *, host: str = "127.0.0.1", port: int = 8001, open_browser: bool = False
) -> list[str]:
    """The command line that serves ``served`` with Datasette (this Python's)."""
    cmd = [sys.executable, "-m", "datasette", "serve", str(served.database)]
    cmd += ["--metadata", str(served.metadata), "--host", host, "--port", str(port)]
    return cmd + (["--open"] if open_browser else [])
