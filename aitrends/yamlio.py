"""Reading YAML safely, with the line of every key and item.

PyYAML's ``safe_load`` silently keeps the last of two duplicate keys, expands aliases (so a
small file can grow without bound) and reports no line numbers after loading. This module
builds Python objects from PyYAML's event stream instead, so that it can refuse aliases, tags
and duplicate keys, bound the nesting depth and the number of values, and remember where each
value came from. Nothing in a file is ever executed or turned into anything but plain data:
strings, numbers, booleans, None, dates, lists and dicts with string keys.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

_Loader: Any
try:  # the C parser is about ten times faster
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader

Path = tuple[str | int, ...]

MAX_DEPTH = 64
"""Deepest nesting of mappings and sequences a data file may have."""
MAX_VALUES = 200_000
"""Most values (scalars, mappings and sequences) one data file may hold; a fact has about 40."""
MAX_FILE_BYTES = 5 * 1024 * 1024
"""Largest data file read, in bytes."""
MAX_NUMBER_CHARS = 100
"""Longest integer or float, in characters (longer ones are refused, not computed)."""

_STANDARD_TAGS = {
    f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
}
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_resolver = Resolver()
_constructor = SafeConstructor()

# Characters YAML forbids in a stream (C0 and C1 controls but tab and line breaks, DEL,
# surrogates, U+FFFE/U+FFFF), plus the line breaks YAML 1.1 accepts but editors do not show
# as such (NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR): with them the data would not be what the
# user sees. Inside double quotes every one of them can still be written as an escape.
_BAD_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
_LINE_BREAKS = {"\x85": "NEXT LINE", "\u2028": "LINE SEPARATOR", "\u2029": "PARAGRAPH SEPARATOR"}


class YamlError(ValueError):
    """A file that is not acceptable YAML; ``line`` is 1-based when known.

    ``limit`` names the limit (``max_depth``, ``max_values``) when one was exceeded, so that
    callers can say how to raise it.
    """

    def __init__(
        self, message: str, line: int | None = None, limit: str | None = None, *, syntax: bool = False
    ) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.limit = limit
        self.syntax = syntax
        """Raised by PyYAML's parser (not by one of our own checks)."""


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


def shorten(text: str, width: int = 40) -> str:
    """``text`` for echoing in a one-line message: line breaks and other unprintable
    characters as escapes (``\\n``), cut to ``width`` characters with an ellipsis."""
    if not text.isprintable():
        text = "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)
    return text if len(text) <= width else text[: width - 1] + "…"


def line_at(text: str | bytes, pos: int) -> int:
    """1-based line of offset ``pos``, counting CRLF, LF and lone CR as one line break each."""
    head = text[:pos]
    if isinstance(head, bytes):
        return head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1
    return head.count("\n") + head.count("\r") - head.count("\r\n") + 1


def decode(raw: bytes) -> str:
    """Decode a data file: UTF-8, with or without a byte-order mark, and nothing else."""
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise YamlError("file is UTF-32; save it as UTF-8", 1)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise YamlError("file is UTF-16; save it as UTF-8", 1)
    if b"\x00" in raw[:4] and len(raw) > 1:
        raise YamlError("file looks like UTF-16 or UTF-32 (NUL bytes); save it as UTF-8", 1)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise YamlError(f"invalid UTF-8 (byte 0x{raw[e.start]:02x})", line_at(raw, e.start)) from None
    if "\x00" in text:
        raise YamlError("file contains a NUL byte", line_at(text, text.index("\x00")))
    return text


def check_characters(text: str) -> None:
    """Refuse characters that YAML forbids or that would make the data differ from what an
    editor shows (see ``_BAD_CHAR``)."""
    found = _BAD_CHAR.search(text, 1 if text.startswith("\ufeff") else 0)
    if found is None:
        return
    ch = found.group()
    line = line_at(text, found.start())
    if ch in _LINE_BREAKS:
        raise YamlError(
            f"{_LINE_BREAKS[ch]} character (U+{ord(ch):04X}) is not allowed; use an ordinary line break",
            line,
        )
    if ch == "\ufeff":
        raise YamlError("byte-order mark (U+FEFF) is only allowed at the start of the file", line)
    if "\ud800" <= ch <= "\udfff":
        raise YamlError(f"lone surrogate U+{ord(ch):04X} is not allowed", line)
    raise YamlError(
        f"control character U+{ord(ch):04X} is not allowed (write it as an escape in double quotes)", line
    )


def _short_tag(tag: str | None) -> str:
    if tag and tag.startswith("tag:yaml.org,2002:"):
        tag = "!!" + tag[len("tag:yaml.org,2002:") :]
    return shorten(str(tag))


def _line(event: yaml.Event) -> int:
    """The line an event starts on (1-based; 0 if PyYAML did not say)."""
    return event.start_mark.line + 1 if event.start_mark else 0


def _scalar(event: yaml.ScalarEvent) -> Any:
    tag = event.tag
    if tag is None or tag == "!":
        tag = _resolver.resolve(ScalarNode, event.value, event.implicit)  # type: ignore[no-untyped-call]
    line = _line(event)
    if tag not in _STANDARD_TAGS:
        raise YamlError(f"tag '{_short_tag(event.tag or tag)}' is not allowed", line)
    kind = tag.rsplit(":", 1)[1]
    value = event.value
    if kind in ("int", "float") and len(value) > MAX_NUMBER_CHARS:
        raise YamlError(f"number '{shorten(value)}' is too long ({len(value)} characters)", line)
    if kind in ("seq", "map"):
        raise YamlError(f"tag '!!{kind}' cannot be used on a scalar", line)
    if kind == "str":
        return value
    if kind == "null":
        return None
    if kind == "int" and value.isascii() and value.isdigit() and (value[0] != "0" or value == "0"):
        return int(value)  # the common case, without PyYAML's constructor (octal 017 is not it)
    if kind in ("int", "float") and (why := _surprising_number(value)):
        raise YamlError(
            f"'{shorten(value)}' {why}; quote it if it is text, or write the number plainly", line
        )
    marks: Any = (event.start_mark, event.end_mark)  # the C parser's marks are its own type
    node = ScalarNode(tag, value, marks[0], marks[1], event.style)
    construct = {
        "bool": _constructor.construct_yaml_bool,
        "int": _constructor.construct_yaml_int,
        "float": _constructor.construct_yaml_float,
        "timestamp": _constructor.construct_yaml_timestamp,
    }[kind]
    try:
        result = construct(node)
    except Exception as e:  # noqa: BLE001 - an explicit tag (!!int x) reaches any corner of these
        # only the date's reason tells the user something ("day is out of range for month")
        reason = f": {_one_line(str(e))}" if kind == "timestamp" and str(e) else ""
        raise YamlError(f"cannot read '{shorten(value)}' as {kind}{reason}", line) from None
    if isinstance(result, float) and not math.isfinite(result):
        raise YamlError(f"'{shorten(value)}' is not a finite number", line)
    return result


def _surprising_number(value: str) -> str | None:
    """Why a YAML 1.1 number would not be what it looks like, or None: base 60 (``20:24`` is
    1224), octal (``017`` is 15) and binary (``0b11`` is 3) read differently in YAML 1.2 and
    in most other tools."""
    digits = value.lstrip("+-").replace("_", "")
    if ":" in digits:
        return "is a base-60 number in YAML 1.1"
    if digits[:2] in ("0b", "0B"):
        return "is a binary number in YAML 1.1"
    if (
        len(digits) > 1
        and digits[0] == "0"
        and digits[1].isdigit()
        and "." not in digits
        and "e" not in digits.lower()
    ):
        return "is an octal number in YAML 1.1"
    return None


def _key(event: yaml.ScalarEvent) -> str:
    """A mapping key: its text as written (``1``, ``yes`` and ``null`` are the strings
    they look like), after checking its tag."""
    line = _line(event)
    if event.tag not in (None, "!", "tag:yaml.org,2002:str") and event.tag not in _STANDARD_TAGS:
        raise YamlError(f"tag '{_short_tag(event.tag)}' is not allowed", line)
    if event.value == "<<" and event.implicit[0]:
        raise YamlError("merge keys (<<) are not allowed in data files", line)
    return str(event.value)


def parse(text: str, *, max_depth: int = MAX_DEPTH, max_values: int = MAX_VALUES) -> Document:
    """Parse one YAML document into plain Python data plus a map of lines.

    Raises :class:`YamlError` for syntax errors, forbidden characters, several documents,
    aliases, merge keys, tags other than the standard ones, non-scalar or duplicate keys,
    non-finite or overlong numbers, nesting deeper than ``max_depth`` and more than
    ``max_values`` values. Mapping keys are always strings, as written.
    """
    check_characters(text)
    try:
        return _parse(text, _Loader, max_depth, max_values)
    except YamlError as e:
        if not e.syntax or _Loader is yaml.SafeLoader:
            raise
        # libyaml has limits of its own (a nesting depth of its choosing, which differs
        # between releases) that it can reach before ours, and then its message has no hint.
        # PyYAML's pure-Python parser has none: if it stops at one of our limits first,
        # that is the error to report, whatever libyaml's release and wording.
        try:
            _parse(text, yaml.SafeLoader, max_depth, max_values)
        except YamlError as again:
            if again.limit is not None:
                raise again from None
        raise


def _parse(text: str, loader: Any, max_depth: int, max_values: int) -> Document:
    doc = Document(None)
    # Each frame: [container, path, pending key or no_key, {key: line}]
    stack: list[list[Any]] = []
    documents = 0
    values = 0
    no_key = object()

    def attach(value: Any, line: int) -> Path:
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
        key = frame[2]
        parent[key] = value
        frame[2] = no_key
        return (*path, key)

    def add_key(key: str, line: int) -> None:
        frame = stack[-1]
        if key in frame[3]:
            raise YamlError(f"duplicate key '{shorten(key)}' (first on line {frame[3][key]})", line)
        frame[3][key] = line
        frame[2] = key
        doc.lines[(*frame[1], key)] = line

    try:
        for event in yaml.parse(text, Loader=loader):
            line = _line(event)
            if isinstance(event, yaml.AliasEvent):
                raise YamlError("aliases (*name) are not allowed in data files", line)
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise YamlError("a data file holds one YAML document; found a second", line)
                continue
            if not isinstance(event, yaml.NodeEvent | yaml.CollectionEndEvent):
                continue
            if isinstance(event, yaml.CollectionEndEvent):
                stack.pop()
                continue
            values += 1
            if values > max_values:
                raise YamlError(f"file holds more than {max_values:,} values", line, "max_values")
            in_key = bool(stack) and isinstance(stack[-1][0], dict) and stack[-1][2] is no_key
            if isinstance(event, yaml.ScalarEvent):
                if in_key:
                    add_key(_key(event), line)
                else:
                    attach(_scalar(event), line)
                continue
            # the start of a mapping or a sequence
            assert isinstance(event, yaml.CollectionStartEvent)
            if in_key:
                raise YamlError("a mapping key must be a plain value", line)
            is_map = isinstance(event, yaml.MappingStartEvent)
            if event.tag not in (None, "!", _MAP_TAG if is_map else _SEQ_TAG):
                what = "mapping" if is_map else "list"
                if event.tag in _STANDARD_TAGS:
                    raise YamlError(f"tag '{_short_tag(event.tag)}' cannot be used on a {what}", line)
                raise YamlError(f"tag '{_short_tag(event.tag)}' is not allowed", line)
            if len(stack) >= max_depth:
                raise YamlError(f"nesting deeper than {max_depth} levels", line, "max_depth")
            container: Any = {} if is_map else []
            stack.append([container, attach(container, line), no_key, {}])
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        at = mark.line + 1 if mark else None
        if at and _indented_with_tab(text, at):
            raise YamlError("tab used for indentation; YAML needs spaces", at, syntax=True) from None
        raise YamlError(f"invalid YAML: {_one_line(e.problem or e.context)}", at, syntax=True) from None
    except yaml.reader.ReaderError as e:  # normally caught by check_characters first
        at = line_at(text, e.position) if isinstance(e.position, int) else None
        raise YamlError(f"invalid YAML: {_one_line(e.reason)}", at, syntax=True) from None
    except yaml.YAMLError as e:
        raise YamlError(f"invalid YAML: {_one_line(str(e))}", syntax=True) from None
    return doc


def _indented_with_tab(text: str, line: int) -> bool:
    lines = text.splitlines()
    if not 0 < line <= len(lines):
        return False
    row = lines[line - 1]
    return "\t" in row[: len(row) - len(row.lstrip(" \t"))]


def _one_line(text: str | None) -> str:
    return shorten(" ".join(str(text).split()), 200)
