"""Reading YAML safely, with the line of every key and item.

PyYAML's ``safe_load`` silently keeps the last of two duplicate keys, expands aliases (so a
small file can grow without bound) and reports no line numbers after loading. This module
builds Python objects from PyYAML's event stream instead, so that it can refuse aliases, tags
and duplicate keys, bound the nesting depth, and remember where each value came from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

try:  # the C parser is about ten times faster
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Path = tuple[str | int, ...]

MAX_DEPTH = 64
"""Deepest nesting of mappings and sequences a data file may have."""
MAX_FILE_BYTES = 20 * 1024 * 1024
"""Largest data file read, in bytes."""

_STANDARD_TAGS = {
    f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
}
_resolver = Resolver()


def _short_tag(tag: str | None) -> str:
    return (
        "!!" + tag[len("tag:yaml.org,2002:") :] if tag and tag.startswith("tag:yaml.org,2002:") else str(tag)
    )


_constructor = SafeConstructor()


class YamlError(ValueError):
    """A file that is not acceptable YAML; ``line`` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class Document:
    """A parsed file: its data and the line each path starts on."""

    data: Any
    lines: dict[Path, int] = field(default_factory=dict)

    def line_of(self, path: Path) -> int | None:
        """Line of ``path``, or of its nearest ancestor that has one."""
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = path[:-1]


def decode(raw: bytes) -> str:
    """Decode a data file: UTF-8, with or without a byte-order mark, and nothing else."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise YamlError("file is UTF-16; save it as UTF-8", 1)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise YamlError(f"invalid UTF-8 (byte 0x{raw[e.start]:02x})", line) from None
    if "\x00" in text:
        raise YamlError("file contains a NUL byte", text[: text.index("\x00")].count("\n") + 1)
    return text


def _scalar(event: yaml.ScalarEvent) -> Any:
    tag = event.tag
    if tag is None or tag == "!":
        tag = _resolver.resolve(ScalarNode, event.value, event.implicit)
    if tag not in _STANDARD_TAGS:
        raise YamlError(f"tag '{_short_tag(event.tag)}' is not allowed", event.start_mark.line + 1)
    node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
    kind = tag.rsplit(":", 1)[1]
    try:
        if kind == "str":
            return event.value
        if kind == "null":
            return None
        if kind == "bool":
            return _constructor.construct_yaml_bool(node)
        if kind == "int":
            return _constructor.construct_yaml_int(node)
        if kind == "float":
            return _constructor.construct_yaml_float(node)
        if kind == "timestamp":
            return _constructor.construct_yaml_timestamp(node)
    except (ValueError, yaml.YAMLError) as e:
        raise YamlError(f"cannot read {event.value!r} as {kind}: {e}", event.start_mark.line + 1) from None
    raise YamlError(f"a {kind} cannot be a scalar", event.start_mark.line + 1)


def parse(text: str, *, max_depth: int = MAX_DEPTH) -> Document:
    """Parse one YAML document into plain Python data plus a map of lines.

    Raises :class:`YamlError` for syntax errors, several documents, aliases, tags other than
    the standard scalar ones, non-scalar or duplicate keys, and nesting deeper than
    ``max_depth``.
    """
    doc = Document(None)
    # Each frame: [container, path, pending key or _NO_KEY, {key: line}]
    stack: list[list[Any]] = []
    documents = 0
    no_key = object()

    def attach(value: Any, line: int, is_container: bool) -> Path | None:
        """Put a finished scalar (or a new container) into its parent; return its path."""
        if not stack:
            doc.data = value
            doc.lines[()] = line
            return ()
        frame = stack[-1]
        parent, path = frame[0], frame[1]
        if isinstance(parent, list):
            child = (*path, len(parent))
            parent.append(value)
            doc.lines[child] = line
            return child
        if frame[2] is no_key:
            if is_container:
                raise YamlError("a mapping key must be a plain value", line)
            if isinstance(value, float | dt.date) or value is None:
                value = str(value) if value is not None else "null"
            if value in frame[3]:
                raise YamlError(f"duplicate key '{value}' (first on line {frame[3][value]})", line)
            frame[3][value] = line
            frame[2] = value
            doc.lines[(*path, value)] = line
            return None
        key = frame[2]
        parent[key] = value
        frame[2] = no_key
        return (*path, key)

    try:
        for event in yaml.parse(text, Loader=_Loader):
            line = event.start_mark.line + 1 if event.start_mark else 0
            if isinstance(event, yaml.AliasEvent):
                raise YamlError("aliases (*name) are not allowed in data files", line)
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise YamlError("a data file holds one YAML document; found a second", line)
            elif isinstance(event, yaml.ScalarEvent):
                attach(_scalar(event), line, False)
            elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                if event.tag not in (None, "!") and event.tag not in _STANDARD_TAGS:
                    raise YamlError(f"tag '{_short_tag(event.tag)}' is not allowed", line)
                if len(stack) >= max_depth:
                    raise YamlError(f"nesting deeper than {max_depth} levels", line)
                container: Any = {} if isinstance(event, yaml.MappingStartEvent) else []
                path = attach(container, line, True)
                stack.append([container, path, no_key, {}])
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                stack.pop()
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        raise YamlError(f"invalid YAML: {e.problem or e.context}", line) from None
    except yaml.YAMLError as e:
        raise YamlError(f"invalid YAML: {e}") from None
    return doc
