"""Where the compiled index lives, and whether it is fresh.

This module is on the start-up path of every command, so it imports only cheap parts of the
standard library (no pydantic, no YAML, not even typing, dataclasses or pathlib): it finds
the index of a stack of data directories in the user's cache directory, checks it against
the files (path, size, mtime, ctime, inode and, when those changed, the SHA-256 of the
content, plus the package and schema versions and a fingerprint of the code), and answers
name and completion lookups from it. Building and updating the index is :mod:`aitrends.index`.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time

from . import __version__
from .config import (  # the settings live there; named here for this module's callers
    FACTS_DIR,
    OTHER_FILES,
    REFERENCE_FILES,
    bundled_data_dir,
    cache_dir,
    caching_disabled,
    debug_enabled,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

SCHEMA_VERSION = 7
"""Version of the database layout; a database of another version is rebuilt."""
APPLICATION_ID = 0x41495452
"""``PRAGMA application_id`` of an aitrends database ('AITR'); any other is foreign."""
CELL_SEPARATOR = "\x1f"
"""Between a row's table cells in ``fact_cells`` (safe text never holds a control character)."""
PLACEHOLDER = "\x00"
"""Prefix of the placeholder of a daily field in stored JSON (no data string holds a NUL)."""
DAILY = {"status", "as_of", "days_to_due", "resolution"}
"""Fields of a forecast's record that change with the day; the fast path recomputes them
(:func:`aitrends.query.daily_fields`, from the stored ``horizon_end`` and ``resolved``)."""


def filled(text: str, fields: Mapping[str, object]) -> str:
    """A record stored as indented JSON with :data:`DAILY` placeholders (an item of a list,
    :func:`aitrends.index._fact_text`), with ``fields`` (:func:`aitrends.query.daily_fields`)
    written in: the bytes ``json.dumps(records, ensure_ascii=False, indent=2)`` gives."""
    for key, value in fields.items():
        shown = json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n    ")
        text = text.replace(json.dumps(PLACEHOLDER + key), shown)
    return text


RACY_NS = 2_000_000_000
"""A file modified less than this before it was last hashed may change again without its size
or timestamps changing (timestamps are coarse on some file systems): it is hashed again."""


class LockTimeout(OSError):
    """Another process has held the index's lock for longer than :func:`aitrends.config.lock_timeout`."""


def index_path(dirs: Sequence[str], environ: Mapping[str, str] | None = None) -> str:
    """The index of this stack of data directories in the cache directory."""
    import zlib

    key = "\n".join(os.path.realpath(d) for d in dirs).encode("utf-8", "surrogateescape")
    return os.path.join(cache_dir(environ), f"index-{zlib.crc32(key):08x}{zlib.adler32(key):08x}.sqlite")


def code_fingerprint() -> str:
    """Names, sizes and mtimes of the package's modules: a changed module rebuilds the index
    (the version number does not change while the code is being worked on)."""
    here = os.path.dirname(os.path.abspath(__file__))
    parts = []
    for sub in ("", "cli"):  # the CLI too: the index stores the cells of its tables
        for entry in sorted(os.scandir(os.path.join(here, sub)), key=lambda e: e.name):
            if entry.name.endswith(".py"):
                st = entry.stat()
                parts.append(f"{sub}/{entry.name}:{st.st_size}:{st.st_mtime_ns}")
    return ";".join(parts)


# ---------------------------------------------------------------- the files of a data stack


class FileStat:
    """One data file as found on disk: absolute path, layer (index of its data directory),
    load order within the layer (reference files, then facts by name), and its stats."""

    __slots__ = ("path", "layer", "order", "size", "mtime_ns", "ctime_ns", "inode")

    def __init__(self, path: str, layer: int, order: str, st: os.stat_result) -> None:
        self.path, self.layer, self.order = path, layer, order
        self.size, self.mtime_ns, self.ctime_ns, self.inode = (
            st.st_size,
            st.st_mtime_ns,
            st.st_ctime_ns,
            st.st_ino,
        )

    def __repr__(self) -> str:
        return f"FileStat({self.path!r})"


class Scan:
    """The data files of a stack of directories in load order, and the problems of the
    directories themselves (missing, stray files, links outside): the loader reports those,
    so the fast path leaves such a stack to it."""

    def __init__(self, dirs: list[str]) -> None:
        self.dirs = dirs
        self.files: list[FileStat] = []
        self.problems: list[str] = []


def scan(dirs: Sequence[str | os.PathLike[str]]) -> Scan:
    """Find the data files of ``dirs`` as :func:`aitrends.loader.load_dirs` does, with their
    stats; and the files of :data:`~aitrends.config.OTHER_FILES` (``hedges.yaml``) of each
    directory and of the bundled data (read even with ``--no-bundled``, as
    :func:`aitrends.hedges.load_table` reads it), on which stored records depend."""
    out = Scan([os.path.realpath(d) for d in dirs])
    bundled = os.path.realpath(bundled_data_dir())
    if bundled not in out.dirs:  # its hedge words are read all the same (aitrends.hedges)
        _other_files(out, bundled, OTHER_LAYER)
    for layer, root in enumerate(out.dirs):
        if not os.path.isdir(root):
            out.problems.append(f"{root}: data directory not found")
            continue
        for name in sorted(os.listdir(root)):  # as the loader: a YAML file it would not read
            if name.endswith((".yaml", ".yml")) and not name.startswith("."):
                if name not in REFERENCE_FILES and name not in OTHER_FILES:
                    out.problems.append(f"{os.path.join(root, name)}: not a data file name")
        for i, name in enumerate(REFERENCE_FILES):
            path = os.path.join(root, name)
            if os.path.isfile(path):
                _add(out, path, root, layer, f"0:{i}", os.path.islink(path))
            elif os.path.lexists(path):
                out.problems.append(f"{path}: not a file")
        _other_files(out, root, layer)
        facts = os.path.join(root, FACTS_DIR)
        if not os.path.isdir(facts):
            if os.path.lexists(facts):
                out.problems.append(f"{facts}: not a directory")
            continue
        linked_dir = os.path.islink(facts)
        for entry in sorted(os.scandir(facts), key=lambda e: e.name):
            is_yaml = entry.name.endswith((".yaml", ".yml")) and entry.name not in (".yaml", ".yml")
            if not is_yaml:
                if not entry.name.startswith("."):
                    out.problems.append(f"{entry.path}: not a YAML file")
                continue
            if not entry.is_file():
                out.problems.append(f"{entry.path}: not a file")
                continue
            _add(out, entry.path, root, layer, f"1:{entry.name}", linked_dir or entry.is_symlink())
    return out


OTHER_LAYER = -1
"""The layer of the bundled files of :data:`~aitrends.config.OTHER_FILES` when the bundled
data is left out (``--no-bundled``): its hedge words are still the base table."""
OTHER = "2:"
"""Prefix of the load order of :data:`~aitrends.config.OTHER_FILES` (not data records: the
index watches them because what it stores depends on them, e.g. each forecast's
probability from ``hedges.yaml``)."""


def _other_files(out: Scan, root: str, layer: int) -> None:
    for name in OTHER_FILES:
        path = os.path.join(root, name)
        if os.path.isfile(path):  # anything else is the loader's to report
            _add(out, path, root, layer, OTHER + name, os.path.islink(path))


def _add(out: Scan, path: str, root: str, layer: int, order: str, linked: bool) -> None:
    if linked and os.path.commonpath([os.path.realpath(path), root]) != root:
        out.problems.append(f"{path}: links outside the data directory")
        return
    try:
        st = os.stat(path)
    except OSError as e:
        out.problems.append(f"{path}: {e.strerror}")
        return
    out.files.append(FileStat(path, layer, order, st))


def file_sha256(path: str) -> str:
    """SHA-256 of a file's content."""
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def is_racy(checked_ns: int, mtime_ns: int, ctime_ns: int) -> bool:
    """Hashed so soon after its last change that a later change could leave the stats equal."""
    return checked_ns - max(mtime_ns, ctime_ns) < RACY_NS


# ---------------------------------------------------------------- opening an index


def connect(path: str | os.PathLike[str], *, readonly: bool = False) -> sqlite3.Connection | None:
    """Open an existing aitrends database, or None when it is missing, foreign or unreadable."""
    path = os.fspath(path)
    if not os.path.isfile(path):
        return None
    try:
        uri = "file:" + _uri_path(os.path.abspath(path)) + ("?mode=ro" if readonly else "?mode=rw")
        con = sqlite3.connect(uri, uri=True, timeout=5.0, isolation_level=None, check_same_thread=False)
    except (sqlite3.Error, OSError, ValueError):
        return None
    try:
        con.row_factory = sqlite3.Row
        (app_id,) = con.execute("PRAGMA application_id").fetchone()
        (version,) = con.execute("PRAGMA user_version").fetchone()
    except sqlite3.Error:
        con.close()
        return None
    if app_id != APPLICATION_ID or version != SCHEMA_VERSION:
        con.close()
        return None
    return con


def _uri_path(path: str) -> str:
    # the characters a SQLite URI gives a meaning to (urllib would cost more to import)
    return path.replace("%", "%25").replace("?", "%3f").replace("#", "%23")


def read_meta(con: sqlite3.Connection) -> dict[str, str]:
    """The ``meta`` table as a dict."""
    return {row[0]: row[1] for row in con.execute("SELECT key, value FROM meta")}


def expected_meta(s: Scan) -> dict[str, str]:
    """What ``meta`` must say for the index of ``s`` to be usable."""
    return {
        "application": "aitrends-index",
        "package_version": __version__,
        "schema_version": str(SCHEMA_VERSION),
        "code": code_fingerprint(),
        "dirs": json.dumps(s.dirs, ensure_ascii=False),
    }


class Freshness:
    """How an index compares with the files it was built from: whether it can be updated in
    place (same application, versions, code and directories), the files new or changed in
    content, the files removed, the files whose stats changed but not their content (with
    their hash), and whether the index says the knowledge base has no problems."""

    def __init__(self, usable: bool, changed: list[FileStat] | None = None, valid: bool = False) -> None:
        self.usable = usable
        self.changed: list[FileStat] = changed or []
        self.removed: list[str] = []
        self.touched: list[tuple[FileStat, str]] = []
        self.valid = valid

    @property
    def fresh(self) -> bool:
        """Nothing to re-read."""
        return self.usable and not self.changed and not self.removed


def freshness(con: sqlite3.Connection, s: Scan) -> Freshness:
    """Compare the index with the files: a file whose stats changed (or were recorded too
    close to its last change) is hashed, and counts as changed only if its content did."""
    meta = read_meta(con)
    if any(meta.get(k) != v for k, v in expected_meta(s).items()):
        return Freshness(usable=False)
    rows = {
        r[0]: r[1:]
        for r in con.execute(
            "SELECT path, layer, position, size, mtime_ns, ctime_ns, inode, sha256, checked_ns FROM files"
        )
    }
    out = Freshness(usable=True, valid=meta.get("valid") == "1")
    for f in s.files:
        row = rows.pop(f.path, None)
        if row is None or row[0] != f.layer or row[1] != f.order:
            out.changed.append(f)
            continue
        size, mtime, ctime, inode, sha, checked = row[2:]
        same = (size, mtime, ctime, inode) == (f.size, f.mtime_ns, f.ctime_ns, f.inode)
        if same and not is_racy(checked, mtime, ctime):
            continue
        try:
            digest = file_sha256(f.path)
        except OSError:
            out.changed.append(f)
            continue
        if digest == sha:
            out.touched.append((f, digest))
        else:
            out.changed.append(f)
    out.removed = sorted(rows)
    return out


def record_touched(con: sqlite3.Connection, touched: Sequence[tuple[FileStat, str]]) -> None:
    """Store the new stats of files whose content did not change (best effort)."""
    if not touched:
        return
    now = time.time_ns()
    try:
        con.execute("BEGIN IMMEDIATE")
        con.executemany(
            "UPDATE files SET size=?, mtime_ns=?, ctime_ns=?, inode=?, checked_ns=? WHERE path=? AND sha256=?",
            [(f.size, f.mtime_ns, f.ctime_ns, f.inode, now, f.path, digest) for f, digest in touched],
        )
        con.execute("COMMIT")
    except sqlite3.Error:
        if con.in_transaction:
            con.execute("ROLLBACK")


_LOCKED: set[str] = set()
"""Indexes found locked by another process in this run: not waited for a second time (the
fast path, then the CLI)."""


def open_fresh(
    dirs: Sequence[str], environ: Mapping[str, str] | None = None, *, update: bool = True
) -> sqlite3.Connection | None:
    """The index of ``dirs``, fresh and describing a valid knowledge base, or None.

    A stale index is brought up to date first (re-reading only the files that changed), a
    missing, foreign or corrupt one is rebuilt; when that is not possible (``update`` is
    False, the cache directory is read-only, the data has problems) the answer is None and
    the caller loads the YAML as usual.
    """
    if caching_disabled(environ):
        return None
    path = ""
    try:
        s = scan(dirs)
        if s.problems:
            return None
        path = index_path(dirs, environ)
        con = connect(path)
        if con is not None:
            try:
                state = freshness(con, s)
            except sqlite3.DatabaseError:
                state = Freshness(usable=False)  # corrupt: rebuilt below
            if state.fresh:
                record_touched(con, state.touched)
                if state.valid:
                    return con
            con.close()
            if state.fresh:
                return None
        if not update or path in _LOCKED:
            return None
        from .index import refresh

        if not refresh(path, s).valid:
            return None
        # just brought up to date with ``s`` (a file changed since is seen next time)
        con = connect(path)
        if con is not None and read_meta(con).get("valid") == "1":
            return con
        if con is not None:
            con.close()
        return None
    except LockTimeout as e:
        _LOCKED.add(path)
        if debug_enabled():  # a note, not an error: the answer is still right
            import logging

            logging.getLogger("aitrends").warning("aitrends: %s; answering from the YAML files", e)
        return None
    except (sqlite3.Error, OSError):
        if debug_enabled():
            raise
        return None


def open_any(dirs: Sequence[str], environ: Mapping[str, str] | None = None) -> sqlite3.Connection | None:
    """The index of ``dirs`` as it is, without checking the files (for TAB completion, which
    must never read YAML), or None."""
    if caching_disabled(environ):
        return None
    try:
        return connect(index_path(dirs, environ), readonly=True)
    except (sqlite3.Error, OSError):
        return None


# ---------------------------------------------------------------- lookups


COMPLETION_LIMIT = 1000
"""Most values offered for one TAB."""


def complete(con: sqlite3.Connection, kind: str, incomplete: str) -> list[str]:
    """Values of ``kind`` (topics, entities, sources, facts, metrics; refs: sources and facts) that start with ``incomplete``:
    ids, and for entities also names and aliases written without spaces."""
    high = incomplete + "\U0010ffff"
    tables = {"topics": "topics", "entities": "entities", "sources": "sources", "facts": "facts"}
    tables |= {"metrics": "metrics", "refs": "sources"}
    ids = [
        r[0]
        for r in con.execute(
            f"SELECT id FROM {tables[kind]} WHERE id >= ? AND id < ? ORDER BY id LIMIT ?",
            (incomplete, high, COMPLETION_LIMIT),
        )
    ]
    if kind == "refs":  # cite takes source and fact ids
        return sorted({*ids, *complete(con, "facts", incomplete)})[:COMPLETION_LIMIT]
    if kind != "entities":
        return ids
    names: set[str] = set()
    for (text,) in con.execute("SELECT names FROM entities WHERE names != '[]'"):
        names.update(n for n in json.loads(text) if n.startswith(incomplete) and not _has_space(n))
    return [*ids, *sorted(names - set(ids))][:COMPLETION_LIMIT]


def _has_space(text: str) -> bool:
    return any(c.isspace() for c in text)


def resolve(con: sqlite3.Connection, namespace: str, text: str) -> str | None:
    """The one id that ``text`` names in ``namespace`` by a full name or id (strong key) or,
    failing that, by a word of a name (weak key), as :meth:`KnowledgeBase.resolve` finds it;
    None when the text is blank, matches several records or matches only a misspelling (the
    caller then lets the knowledge base answer or raise the proper error).

    Every id, name, alias and name word exactly as written in the data was looked up when
    the index was built (``lookups``), so that typing one of them needs no name folding.
    """
    if not text.strip():
        return None
    row = con.execute("SELECT id FROM lookups WHERE ns = ? AND text = ?", (namespace, text)).fetchone()
    if row is not None:
        return row[0]  # type: ignore[no-any-return]
    from .search import name_key

    key = name_key(text)
    if not key:
        return None
    for weak in (0, 1):
        ids = [
            r[0]
            for r in con.execute(
                "SELECT id FROM names WHERE ns = ? AND key = ? AND weak = ? ORDER BY id",
                (namespace, key, weak),
            )
        ]
        if ids:
            return ids[0] if len(ids) == 1 else None
    return None


def resolve_all(
    con: sqlite3.Connection, namespace: str, texts: str | Iterable[str] | None
) -> list[str] | None:
    """The ids of ``texts`` (a name, a list of names as typer gives a repeated option, or
    None), each as :func:`resolve` finds it; None when one of them is not certain."""
    out = []
    for text in [] if texts is None else [texts] if isinstance(texts, str) else texts:
        found = resolve(con, namespace, text)
        if found is None:
            return None
        out.append(found)
    return out


def topic_and_descendants(con: sqlite3.Connection, topic: str) -> set[str]:
    """A topic id with the ids of all topics below it."""
    rows = con.execute(
        "WITH RECURSIVE d(id) AS (VALUES (?) UNION SELECT t.id FROM topics t JOIN d ON t.parent = d.id) "
        "SELECT id FROM d",
        (topic,),
    )
    return {r[0] for r in rows}
