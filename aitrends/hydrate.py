"""A knowledge base hydrated from the compiled index, without reading the YAML again.

The index keeps every validated record of every file as JSON (``items``), with where it was
read from (file, item, layer, line and the lines of its fields), and the merged view of the
layers (``facts``: the winning record of each fact id, after overrides). :func:`knowledge_base`
rebuilds from them the :class:`~aitrends.kb.KnowledgeBase` that :func:`aitrends.kb.load` would
give for the same files:

- reference records (sources, people, organizations, topics, metrics) and resolutions are
  validated from their stored JSON, a kind at a time, and merged by the knowledge base's own
  code (so overrides, resolution history and load order are the loader's);
- facts are hydrated **lazily**: :class:`Facts` is a mapping in the loader's order (by first
  appearance in layer, file and item order) that decodes and validates a fact when it is
  first read, and all the missing ones at once when every fact is iterated; their origins are
  made with them;
- :meth:`~aitrends.kb.KnowledgeBase.facts` selects from the index's own ``facts`` table (the
  same columns as the in-memory table a loaded knowledge base builds: :mod:`aitrends.query`).

Origins name files as the loader does: under the data directories as given (the index stores
the resolved paths), relative to the working directory when below it.

The connection must stay open while the knowledge base is used (facts are read on demand);
:func:`knowledge_base` with ``eager=True`` reads everything first and keeps no connection.
"""

from __future__ import annotations

import os
import sqlite3
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import models as m
from .errors import DataError
from .index import REFERENCE_KINDS, decode_lines
from .kb import KnowledgeBase
from .loader import Loaded, Origin, display_path

if TYPE_CHECKING:
    from pydantic import TypeAdapter

_ADAPTERS: dict[str, TypeAdapter[Any]] = {}
CHUNK = 500
"""Fact ids asked for in one query."""


def _adapter(kind: str) -> TypeAdapter[Any]:
    """A validator of a JSON list of records of ``kind`` (one call per batch, not per record)."""
    if kind not in _ADAPTERS:
        from pydantic import TypeAdapter

        from .loader import REFERENCE_FILES

        models: dict[str, Any] = dict(REFERENCE_FILES.values())
        models |= {"resolutions": m.Resolution, "facts": m.Fact}
        _ADAPTERS[kind] = TypeAdapter(list[models[kind]])  # type: ignore[valid-type]
    return _ADAPTERS[kind]


def _json(data: bytes, override: int, compressed: bool) -> bytes:
    """A stored record as JSON bytes, with ``override`` set again (it is not dumped)."""
    raw = zlib.decompress(data) if compressed else data
    if override:  # every record has an id: the object is not empty
        raw = b'{"override":true,' + raw.lstrip()[1:]
    return raw


class _Places:
    """The data directories as given, and how to name a stored file as the loader does."""

    def __init__(self, dirs: Sequence[str | os.PathLike[str]]) -> None:
        self.dirs = [Path(d) for d in dirs]
        self.real = [os.path.realpath(d) for d in dirs]
        self._shown: dict[str, str] = {}
        self._paths: dict[str, Path] = {}

    def path(self, stored: str, layer: int) -> Path:
        """The loader's path of a file the index stores under its resolved directory."""
        found = self._paths.get(stored)
        if found is None:
            found = self._paths[stored] = self.dirs[layer] / os.path.relpath(stored, self.real[layer])
        return found

    def origin(
        self, stored: str, layer: int, item: int, line: int | None, lines: bytes, kind: str = "facts"
    ) -> Origin:
        shown = self._shown.get(stored)
        if shown is None:
            shown = self._shown[stored] = display_path(self.path(stored, layer))
        return Origin(shown, line, layer, (kind, item), _Lines(lines))


class _Lines(dict[tuple[str | int, ...], int]):
    """The lines of a record's fields (:attr:`~aitrends.loader.Origin.lines`), decoded when
    first read: only a problem or a warning about a record asks for them."""

    def __init__(self, blob: bytes) -> None:
        super().__init__()
        self._blob: bytes | None = blob

    def _decoded(self) -> _Lines:
        if self._blob is not None:
            blob, self._blob = self._blob, None
            self.update(decode_lines(blob))
        return self

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self._decoded(), key)

    def __getitem__(self, key: tuple[str | int, ...]) -> int:
        return dict.__getitem__(self._decoded(), key)

    def get(self, key: tuple[str | int, ...], default: Any = None) -> Any:
        return dict.get(self._decoded(), key, default)

    def __iter__(self) -> Iterator[tuple[str | int, ...]]:
        return dict.__iter__(self._decoded())

    def __len__(self) -> int:
        return dict.__len__(self._decoded())

    def keys(self) -> Any:
        return dict.keys(self._decoded())

    def values(self) -> Any:
        return dict.values(self._decoded())

    def items(self) -> Any:
        return dict.items(self._decoded())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, _Lines):
            other._decoded()
        return dict.__eq__(self._decoded(), other)

    __hash__ = None

    def __repr__(self) -> str:
        return dict.__repr__(self._decoded())


class Facts(Mapping[str, m.FactBase]):
    """Every fact of the index by id, in the loader's order, validated on first access."""

    def __init__(
        self, con: sqlite3.Connection | None, ids: Iterable[str], places: _Places, origins: dict[Any, Origin]
    ) -> None:
        self._con = con
        self._ids = dict.fromkeys(ids)
        self._models: dict[str, m.FactBase] = {}
        self._places = places
        self._origins = origins
        self._eager = False

    def __getitem__(self, key: str) -> m.FactBase:
        found = self._models.get(key)
        if found is None:
            if key not in self._ids:
                raise KeyError(key)
            self.load([key])
            found = self._models[key]
        return found

    def __contains__(self, key: object) -> bool:
        return key in self._ids

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def values(self) -> Any:
        self.load_all()
        return super().values()

    def items(self) -> Any:
        self.load_all()
        return super().items()

    @property
    def loaded(self) -> int:
        """How many facts are hydrated so far."""
        return len(self._models)

    def load_all(self) -> None:
        """Hydrate every fact not hydrated yet (one pass over the index)."""
        if len(self._models) < len(self._ids):
            self._fetch(None)

    def load(self, ids: Iterable[str]) -> None:
        """Hydrate the facts ``ids`` (those not hydrated yet; unknown ids are ignored)."""
        wanted = [i for i in dict.fromkeys(ids) if i in self._ids and i not in self._models]
        for start in range(0, len(wanted), CHUNK):
            self._fetch(wanted[start : start + CHUNK])

    def _fetch(self, ids: Sequence[str] | None) -> None:
        if self._con is None:  # pragma: no cover - an eager knowledge base has every fact
            raise RuntimeError("the index of this knowledge base is closed")
        sql = (
            "SELECT f.id, i.file, i.layer, i.item, i.line, i.lines, i.override, i.data FROM facts f "
            "JOIN items i ON i.file = f.file AND i.kind = 'facts' AND i.item = f.item"
        )
        params: Sequence[str] = ()
        if ids is not None:
            sql += f" WHERE f.id IN ({','.join('?' * len(ids))})"
            params = ids
        cursor = self._con.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK):  # a part at a time: the peak stays small
            self._validate([r for r in rows if r[0] not in self._models])

    def _validate(self, rows: list[Any]) -> None:
        if not rows:
            return
        blobs = [_json(r[7], r[6], compressed=True) for r in rows]
        models = _adapter("facts").validate_json(b"[" + b",".join(blobs) + b"]")
        for row, model in zip(rows, models, strict=True):
            self._models[row[0]] = model
            if self._eager:  # else made when asked for: few are, and each holds its lines' bytes
                self._origins[("facts", row[0])] = self._places.origin(*row[1:6])

    def origin(self, fact_id: str) -> Origin:
        """Where the fact ``fact_id`` was read from (KeyError when there is no such fact)."""
        found = self._origins.get(("facts", fact_id))
        if found is None:
            if fact_id not in self._ids or self._con is None:
                raise KeyError(fact_id)
            row = self._con.execute(
                "SELECT i.file, i.layer, i.item, i.line, i.lines FROM facts f "
                "JOIN items i ON i.file = f.file AND i.kind = 'facts' AND i.item = f.item WHERE f.id = ?",
                (fact_id,),
            ).fetchone()
            file, layer, item, line, lines = row
            found = self._origins[("facts", fact_id)] = self._places.origin(file, layer, item, line, lines)
        return found


class _Origins(dict[tuple[str, str], Origin]):
    """Origins by (namespace, id); a fact's is read from the index when first asked for (with
    the fact, in an eager knowledge base)."""

    facts: Facts | None = None

    def __missing__(self, key: tuple[str, str]) -> Origin:
        if key[0] == "facts" and self.facts is not None:
            return self.facts.origin(key[1])
        raise KeyError(key)


def knowledge_base(
    con: sqlite3.Connection, dirs: Sequence[str | os.PathLike[str]], *, eager: bool = False
) -> KnowledgeBase:
    """The knowledge base of the valid index ``con`` of the data directories ``dirs`` (as
    given, lowest layer first): what :func:`aitrends.kb.load` gives for them, facts hydrated
    on demand (all at once with ``eager``, after which ``con`` is no longer used)."""
    places = _Places(dirs)
    kb = KnowledgeBase()
    origins = _Origins()
    kb._origin = origins
    kb.dirs = list(places.dirs)
    kb.files = [
        places.path(path, layer)
        for path, layer in con.execute("SELECT path, layer FROM files ORDER BY layer, position")
    ]
    refs, resolutions = _reference_items(con, places)
    problems: list[Any] = []
    for kind in REFERENCE_KINDS:
        kb._merge(kind, refs[kind], problems)
    kb._merge_resolutions(resolutions, problems)
    if problems:  # pragma: no cover - the index is only used when the data is valid
        raise DataError(problems)
    for topic in kb.topics:
        if topic.parent:
            kb._children[topic.parent].append(topic.id)
    order = con.execute("SELECT id FROM items WHERE kind = 'facts' ORDER BY layer, position, item")
    facts = Facts(con, (i for (i,) in order), places, origins)
    if eager:
        facts._eager = True
        facts.load_all()
        facts._con = None
    else:
        kb._selectable = con  # the index's facts table has the filter columns (aitrends.query)
        kb._store = con
    origins.facts = facts
    # typed as a dict, read as a mapping only (nothing changes a table once it is built)
    kb._by_kind["facts"] = facts  # type: ignore[assignment]
    return kb


def _reference_items(con: sqlite3.Connection, places: _Places) -> tuple[dict[str, Loaded], Loaded]:
    """Every reference record and resolution stored, as models with their origins, in load order."""
    data: dict[str, list[bytes]] = {k: [] for k in (*REFERENCE_KINDS, "resolutions")}
    loaded = {k: Loaded() for k in data}
    rows = con.execute(
        "SELECT kind, file, item, layer, line, lines, data FROM items "
        "WHERE kind IN (?, ?, ?, ?, ?, 'resolutions') ORDER BY layer, position, item",
        REFERENCE_KINDS,
    )
    for kind, file, item, layer, line, lines, blob in rows:
        # a reference record's override is in its JSON (see aitrends.index._read_file)
        data[kind].append(_json(blob, 0, compressed=False))
        loaded[kind].where.append(places.origin(file, layer, item, line, lines, kind))
    for kind, blobs in data.items():
        if blobs:
            loaded[kind].items = _adapter(kind).validate_json(b"[" + b",".join(blobs) + b"]")
    resolutions = loaded.pop("resolutions")
    return loaded, resolutions


def load(
    *data_dirs: str | os.PathLike[str],
    bundled: bool | None = None,
    max_file_size: int | str | None = None,
    max_depth: int | None = None,
    max_values: int | None = None,
    max_facts: int | None = None,
    cache: bool = True,
) -> KnowledgeBase:
    """Load the knowledge base: the bundled data with ``data_dirs`` layered over it (this is
    ``aitrends.load``; :func:`aitrends.kb.load` says what the arguments mean).

    When the cached index can be used (``cache`` true, ``$AITRENDS_NO_CACHE`` unset, no limit
    given or set in the environment, a writable cache directory, valid data) the knowledge
    base is hydrated from it, every fact at once and the index closed (so that a later update
    of the cache by another process cannot change it): the same knowledge base, read about
    twice as fast. Otherwise the YAML is read, and data with problems raises
    :class:`~aitrends.errors.DataError` listing every problem.
    """
    from . import config
    from . import kb as yaml

    given = (max_file_size, max_depth, max_values, max_facts)
    if cache and given == (None, None, None, None) and not config.limits_set():
        from .cache import open_fresh

        dirs = config.data_dirs([os.fspath(d) for d in data_dirs] or None, bundled=bundled)
        con = open_fresh(dirs)
        if con is not None:
            try:
                return knowledge_base(con, dirs, eager=True)
            finally:
                con.close()
    return yaml.load(
        *data_dirs,
        bundled=bundled,
        max_file_size=max_file_size,
        max_depth=max_depth,
        max_values=max_values,
        max_facts=max_facts,
    )
