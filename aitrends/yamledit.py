"""Editing a user's YAML file in place, keeping everything we do not touch byte for byte.

Only for *writing*: reading data stays with our own safe loader (:mod:`aitrends.yamlio`).
The file is parsed with ruamel.yaml's round-trip loader to learn where each item of a
top-level list starts; the edit is then made on the text itself: new items are rendered by
ruamel.yaml in the list's own indentation and inserted after its last item, removed items'
lines are cut out. Every other line (comments, blank lines, key order, quoting, indentation,
line endings) stays exactly as the user wrote it. A list written in flow style
(``key: [{...}]``) is the one case that is rewritten through ruamel.yaml's dumper, which
keeps comments and order but may change spacing in that file.

Writes are atomic (:mod:`aitrends.atomic`): a failure leaves the old file in place.

The API works on a top-level list of mappings, the shape of every aitrends data file::

    append_item(path, "resolutions", {"fact": "x", "outcome": "true"})
    remove_items(path, "resolutions", lambda item: item.get("fact") == "x")
    replace_items(path, "resolutions", lambda item: item.get("fact") == "x", lambda old: {**old, "note": "y"})
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from .atomic import atomic_path
from .errors import AitrendsError, WriteError

__all__ = ["EditError", "append_item", "read_items", "remove_items", "replace_items"]

Item = Mapping[str, Any]
Predicate = Callable[[Item], bool]

_DEFAULT_DASH = 2
"""Column of the dash of a new top-level list when the file has no list to copy: ``  - a``."""
_WIDTH = 4096
"""Line width for rendered items: long strings stay on one line rather than being folded."""


class EditError(AitrendsError):
    """A file cannot be edited: it is not YAML, or its shape is not a mapping with a list there."""


# --------------------------------------------------------------------------- public API


def read_items(path: str | Path, key: str) -> list[dict[str, Any]]:
    """The mappings of the top-level list ``key`` of ``path`` as plain dicts (``[]`` when the
    file or the key is missing). For finding what to edit; data is read with yamlio."""
    path = Path(path)
    if not path.exists():
        return []
    doc = _Doc.parse(path, _read(path))
    seq = doc.seq(key)
    return [_plain(x) for x in seq if isinstance(x, Mapping)] if seq is not None else []


def append_item(path: str | Path, key: str, item: Item) -> None:
    """Append mapping ``item`` to the top-level list ``key`` of ``path``.

    Creates the file (and its directory) when missing and the key when the file lacks it.
    Raises :class:`EditError` when the file is not a YAML mapping or ``key`` holds something
    other than a list, :class:`~aitrends.errors.WriteError` when it cannot be written.
    """
    path = Path(path)
    text = _read(path) if path.exists() else ""
    _write(path, _append(path, text, key, item))


def _matching(path: Path, key: str, predicate: Predicate) -> tuple[Any, Any, list[int]] | None:
    """The parsed file, its list ``key`` and the positions of the mappings ``predicate``
    picks; None when the file, the list or a match is missing."""
    if not path.exists():
        return None
    doc = _Doc.parse(path, _read(path))
    seq = doc.seq(key)
    if seq is None:
        return None
    hits = [i for i, x in enumerate(seq) if isinstance(x, Mapping) and predicate(x)]
    return (doc, seq, hits) if hits else None


def remove_items(path: str | Path, key: str, predicate: Predicate) -> int:
    """Remove every mapping of the top-level list ``key`` for which ``predicate`` is true;
    return how many were removed (the file is not rewritten when none is). A list left empty
    becomes ``key: []``. Comments and blank lines after a removed item are kept."""
    path = Path(path)
    found = _matching(path, key, predicate)
    if found is None:
        return 0
    doc, seq, hits = found
    if doc.is_flow(key):
        for i in reversed(hits):
            del seq[i]
        _write(path, doc.dump())
        return len(hits)
    lines = doc.lines
    spans = [doc.item_span(key, i) for i in hits]
    for start, end in reversed(spans):
        del lines[start:end]
    if len(hits) == len(seq):  # nothing left: an empty list, not a null
        key_line = doc.key_line(key)
        lines[key_line] = _set_empty_flow(lines[key_line], key, doc.newline)
    _write(path, _check(path, "".join(lines)))
    return len(hits)


def replace_items(
    path: str | Path, key: str, predicate: Predicate, replacement: Callable[[dict[str, Any]], Item]
) -> int:
    """Replace each mapping of the list ``key`` for which ``predicate`` is true by
    ``replacement(old)`` (``old`` as a plain dict); return how many were replaced.

    A replaced item is rendered anew (its own comments and quoting are not kept); the rest of
    the file is untouched.
    """
    path = Path(path)
    found = _matching(path, key, predicate)
    if found is None:
        return 0
    doc, seq, hits = found
    if doc.is_flow(key):
        for i in hits:
            seq[i] = dict(replacement(_plain(seq[i])))
        _write(path, doc.dump())
        return len(hits)
    lines = doc.lines
    dash = doc.dash_column(key)
    for i in reversed(hits):
        start, end = doc.item_span(key, i)
        new = _render(key, dict(replacement(_plain(seq[i]))), dash, doc.newline)
        lines[start:end] = new
    _write(path, _check(path, "".join(lines)))
    return len(hits)


# --------------------------------------------------------------------------- the document


@dataclass
class _Doc:
    path: Path
    text: str
    data: CommentedMap | None
    lines: list[str]
    newline: str

    @classmethod
    def parse(cls, path: Path, text: str) -> _Doc:
        try:
            docs = list(_yaml().load_all(text))
        except YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
            problem = getattr(e, "problem", None) or str(e).splitlines()[0]
            raise EditError(f"{where}: cannot edit: not valid YAML ({problem})") from None
        if len(docs) > 1:
            raise EditError(f"{path}: cannot edit: the file holds {len(docs)} YAML documents")
        data = docs[0] if docs else None
        if data is not None and not isinstance(data, CommentedMap):
            raise EditError(f"{path}: cannot edit: the file is not a mapping of keys")
        newline = "\r\n" if "\r\n" in text else "\n"
        return cls(path, text, data, text.splitlines(keepends=True), newline)

    def seq(self, key: str) -> CommentedSeq | None:
        if self.data is None or key not in self.data or self.data[key] is None:
            return None
        value = self.data[key]
        if not isinstance(value, CommentedSeq):
            line = self.key_line(key) + 1
            raise EditError(f"{self.path}:{line}: {key}: cannot edit: it is not a list")
        return value

    def is_flow(self, key: str) -> bool:
        seq = self.seq(key)
        return seq is not None and bool(seq.fa.flow_style())

    def key_line(self, key: str) -> int:
        assert self.data is not None
        return int(self.data.lc.key(key)[0])

    def dash_column(self, key: str) -> int:
        seq = self.seq(key)
        assert seq is not None and len(seq)
        line, col = (int(n) for n in seq.lc.item(0))
        before = self.lines[line][:col]
        if before.rstrip().endswith("-"):
            return len(before.rstrip()) - 1
        return max(col - 2, 0)  # pragma: no cover - a dash on a line of its own

    def item_span(self, key: str, index: int) -> tuple[int, int]:
        """Lines [start, end) of item ``index``: from its dash to the line before the next
        item or key, less trailing blank lines and comments no deeper than the dash."""
        seq = self.seq(key)
        assert seq is not None and self.data is not None
        start = int(seq.lc.item(index)[0])
        while not self.lines[start].lstrip().startswith("-"):  # pragma: no cover - '-' alone
            start -= 1
        if index + 1 < len(seq):
            end = int(seq.lc.item(index + 1)[0])
            while not self.lines[end].lstrip().startswith("-"):  # pragma: no cover
                end -= 1
        else:
            end = self._next_key_line(start)
        dash = self.dash_column(key)
        while end > start + 1:
            s = self.lines[end - 1]
            stripped = s.strip()
            indent = len(s) - len(s.lstrip())
            if stripped in ("", "...", "---") or (stripped.startswith("#") and indent <= dash):
                end -= 1
            else:
                break
        return start, end

    def list_end(self, key: str) -> int:
        """Line after the last item of the list ``key`` (where a new item goes)."""
        seq = self.seq(key)
        assert seq is not None
        return self.item_span(key, len(seq) - 1)[1]

    def _next_key_line(self, after: int) -> int:
        assert self.data is not None
        later = [int(self.data.lc.key(k)[0]) for k in self.data if int(self.data.lc.key(k)[0]) > after]
        return min(later, default=len(self.lines))

    def dump(self) -> str:
        out = io.StringIO()
        y = _yaml()
        y.dump(self.data, out)
        return _check(self.path, out.getvalue())


# --------------------------------------------------------------------------- helpers


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.allow_unicode = True
    y.width = _WIDTH
    return y


def _read(path: Path) -> str:
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            return fh.read()
    except UnicodeDecodeError:
        raise EditError(f"{path}: cannot edit: not UTF-8 text") from None
    except OSError as e:
        raise WriteError(f"cannot read {path}: {e.strerror or e}") from None


def _write(path: Path, text: str) -> None:
    with atomic_path(path, force=True) as tmp, open(tmp, "wb") as fh:
        fh.write(text.encode("utf-8"))
        fh.flush()
        os.fsync(fh.fileno())


def _check(path: Path, text: str) -> str:
    """The edited text, once it is known to parse (a bug here must not corrupt a file)."""
    try:
        list(_yaml().load_all(text))
    except YAMLError as e:  # pragma: no cover - a bug in this module
        raise EditError(f"{path}: the edit would not be valid YAML ({e}); the file is unchanged") from None
    return text


def _plain(value: Any) -> Any:
    """ruamel's commented containers and scalar strings as plain Python values."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, dt.datetime):
        return dt.datetime.fromisoformat(value.isoformat())
    return value


def _render(key: str, item: Item, dash: int, newline: str) -> list[str]:
    """Lines of ``item`` as an entry of the list ``key`` whose dashes are in column ``dash``."""
    y = _yaml()
    y.indent(mapping=2, sequence=dash + 2, offset=dash)
    out = io.StringIO()
    y.dump({key: [{k: _escaped(v) for k, v in item.items()}]}, out)
    lines = out.getvalue().split("\n")[1:]  # not splitlines(): it also breaks at NEL, U+2028...
    if lines and not lines[-1]:
        lines.pop()  # after the last line break
    return [ln.rstrip("\r") + newline for ln in lines]


_BREAKS = frozenset("\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
"""Characters that a YAML 1.1 reader (PyYAML, which aitrends reads with) or Python's
``str.splitlines`` takes as a line break: a text holding one is written double-quoted, where
the emitter escapes them (``\\N``, ``\\L``...), so that it reads back the same."""


def _escaped(value: Any) -> Any:
    if isinstance(value, str) and _BREAKS.intersection(value):
        from ruamel.yaml.scalarstring import DoubleQuotedScalarString

        return DoubleQuotedScalarString(value)
    return value


def _set_empty_flow(line: str, key: str, newline: str) -> str:
    """``key:   # note`` becomes ``key: []   # note``."""
    m = re.match(
        r"(\s*(?:" + re.escape(key) + r"|'" + re.escape(key) + r"'|\"" + re.escape(key) + r"\")\s*:)", line
    )
    if m is None:  # pragma: no cover - the key line always starts with the key
        return line
    rest = line[m.end() :].rstrip("\r\n")
    return f"{m.group(1)} []{rest}{newline}"


def _append(path: Path, text: str, key: str, item: Item) -> str:
    doc = _Doc.parse(path, text)
    lines = doc.lines
    nl = doc.newline
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += nl
    if doc.data is None or key not in doc.data:
        dash = _any_dash(doc)
        at = len(lines)
        while at and lines[at - 1].strip() in ("", "..."):  # before a document end marker
            at -= 1
        if at and lines[at - 1].strip() == "---":
            at = len(lines)
        tail = lines[at:]
        if any(t.strip() == "..." for t in tail):
            del lines[at:]
        else:
            tail = []
        sep = [nl] if lines and lines[-1].strip() else []
        lines += sep + [f"{key}:{nl}"] + _render(key, item, dash, nl) + tail
        return _check(path, "".join(lines))
    seq = doc.seq(key)
    key_line = doc.key_line(key)
    if seq is None or len(seq) == 0:
        # ``key:`` (null) or ``key: []``: the items go below the key line
        line = lines[key_line]
        body = line.rstrip("\r\n")
        m = re.match(r"(.*?:)\s*(?:\[\s*\])?(\s*#.*)?$", body)
        if m is None:
            if seq is not None and doc.is_flow(key):  # pragma: no cover - an odd flow list
                seq.append(dict(item))
                return doc.dump()
            raise EditError(f"{path}:{key_line + 1}: {key}: cannot edit this line")
        lines[key_line] = m.group(1) + (m.group(2) or "") + nl
        lines[key_line + 1 : key_line + 1] = _render(key, item, _any_dash(doc), nl)
        return _check(path, "".join(lines))
    if doc.is_flow(key):
        seq.append(dict(item))
        return doc.dump()
    at = doc.list_end(key)
    lines[at:at] = _render(key, item, doc.dash_column(key), nl)
    return _check(path, "".join(lines))


def _any_dash(doc: _Doc) -> int:
    """The dash column of the file's first non-empty block list, else the default."""
    if doc.data is not None:
        for k, v in doc.data.items():
            if isinstance(v, CommentedSeq) and len(v) and not v.fa.flow_style():
                return doc.dash_column(str(k))
    return _DEFAULT_DASH
