"""The one place every reading command gets its data from: the compiled index.

:func:`connect` gives an open SQLite index of a stack of data directories that describes a
valid knowledge base: the cached one (:func:`aitrends.cache.open_fresh`, brought up to date
with the files first), or, when caching is off (``--no-cache``, ``$AITRENDS_NO_CACHE``), the
cache directory cannot be used, or limits are set (``--max-facts``...), one built in memory by
the same code (:mod:`aitrends.index`), never written to disk. Either way the same queries
answer: there is one engine, and ``--no-cache`` only means that nothing is kept.

None means the files cannot make a valid index (a problem in the data, a limit exceeded): the
caller then loads the YAML with :func:`aitrends.kb.load`, which reports every problem.

This module is on the hot path: it imports neither pydantic, PyYAML, typer nor rich (the
in-memory build imports :mod:`aitrends.index`, which does, only when it runs).
"""

from __future__ import annotations

import sqlite3

from . import cache, config

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence


def connect(
    dirs: Sequence[str], environ: Mapping[str, str] | None = None, *, workers: int | None = None
) -> sqlite3.Connection | None:
    """An index of ``dirs`` describing a valid knowledge base (cached, else in memory), or
    None when the data has problems (load the YAML to report them)."""
    if not config.limits_set(environ):  # the cached index is checked with the default limits
        con = cache.open_fresh(dirs, environ)
        if con is not None:
            return con
    return in_memory(dirs, workers=workers)


def in_memory(dirs: Sequence[str], *, workers: int | None = None) -> sqlite3.Connection | None:
    """An index of ``dirs`` built in memory and kept nowhere, or None when the data has
    problems. The files are read with the limits of the environment (``$AITRENDS_MAX_...``)."""
    s = cache.scan(dirs)
    if s.problems:
        return None
    from .index import build

    con = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    try:
        if build(con, s, workers=workers).valid:
            con.row_factory = sqlite3.Row
            return con
    except BaseException:
        con.close()
        raise
    con.close()
    return None
