"""Output formats: table (rich), json, jsonl, csv, yaml and markdown, from plain records.

Text from data files is untrusted: in table and markdown output, control characters and escape
sequences are made visible, and rich markup is never interpreted.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Format(StrEnum):
    """Output formats every listing offers."""

    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    yaml = "yaml"
    markdown = "markdown"


@dataclass(frozen=True)
class Column:
    """A column of the table and markdown views: a header and how to get its text."""

    header: str
    get: Callable[[dict[str, Any]], Any]
    ratio: int | None = None
    no_wrap: bool = False


# Unicode categories that a terminal does not show as text: controls (C0, DEL, C1: escape
# sequences start with ESC or CSI), format characters (bidi overrides and isolates,
# zero-width characters, invisible tag characters), line and paragraph separators, and
# surrogates (which cannot even be encoded).
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


def _escape(ch: str) -> str:
    cp = ord(ch)
    if cp < 0x100:
        return f"\\x{cp:02x}"
    return f"\\u{cp:04x}" if cp < 0x10000 else f"\\U{cp:08x}"


def safe_text(value: Any) -> str:
    """A value as one printable line: newlines and tabs become spaces, and every character a
    terminal would not show as text (escape sequences, bidi overrides, zero-width and other
    invisible characters) is shown as an escape such as ``\\x1b`` or ``\\u202e``."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = ", ".join(safe_text(v) for v in value)
    text = str(value).replace("\r\n", " ").replace("\n", " ").replace("\t", " ")
    if text.isprintable():  # the common case (unprintable also covers Zs, Co and Cn, kept below)
        return text
    return "".join(_escape(c) if unicodedata.category(c) in _UNSAFE_CATEGORIES else c for c in text)


def to_json(records: Sequence[dict[str, Any]] | dict[str, Any]) -> str:
    """Indented JSON, UTF-8 unescaped."""
    return json.dumps(records, ensure_ascii=False, indent=2)


def to_jsonl(records: Sequence[dict[str, Any]]) -> str:
    """One JSON object a line."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


_YAML_ESCAPE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff]")


def to_yaml(records: Sequence[dict[str, Any]] | dict[str, Any]) -> str:
    """Block YAML, UTF-8 unescaped, keys in record order.

    A string holding a line or paragraph separator or a control character is written
    double-quoted, where YAML escapes it, so the output reads back as it was written.
    """
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def represent_str(dumper: yaml.SafeDumper, value: str) -> Any:
        style = '"' if _YAML_ESCAPE.search(value) else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, represent_str)
    return str(yaml.dump(records, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=100))


def flatten(record: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested mappings become dotted keys; lists of scalars are joined with '; '; lists of
    mappings are kept as JSON text."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, f"{name}."))
        elif isinstance(value, list):
            if all(not isinstance(v, dict | list) for v in value):
                out[name] = "; ".join("" if v is None else str(v) for v in value)
            else:
                out[name] = json.dumps(value, ensure_ascii=False)
        else:
            out[name] = value
    return out


def to_csv(records: Sequence[dict[str, Any]]) -> str:
    """CSV with a header of every column any record has, in first-seen order."""
    rows = [flatten(r) for r in records]
    columns = list(dict.fromkeys(k for row in rows for k in row))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
    return buf.getvalue()


def to_markdown(records: Sequence[dict[str, Any]], columns: Sequence[Column]) -> str:
    """A GitHub-flavoured Markdown table of the readable columns."""

    def cell(value: Any) -> str:
        return safe_text(value).replace("|", "\\|")

    lines = ["| " + " | ".join(c.header for c in columns) + " |"]
    lines.append("|" + "|".join("---" for _ in columns) + "|")
    for r in records:
        lines.append("| " + " | ".join(cell(c.get(r)) for c in columns) + " |")
    return "\n".join(lines) + "\n"


def to_table(records: Sequence[dict[str, Any]], columns: Sequence[Column], title: str | None = None) -> Any:
    """A rich Table of the readable columns (rendered by the CLI's console)."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, show_lines=True, expand=False)
    for c in columns:
        table.add_column(c.header, ratio=c.ratio, no_wrap=c.no_wrap, overflow="fold")
    for r in records:
        table.add_row(*(Text(safe_text(c.get(r))) for c in columns))
    return table


def render(
    records: Sequence[dict[str, Any]], fmt: Format, columns: Sequence[Column], title: str | None = None
) -> Any:
    """Text for every format but table, which returns a rich renderable."""
    if fmt is Format.json:
        return to_json(list(records))
    if fmt is Format.jsonl:
        return to_jsonl(records)
    if fmt is Format.csv:
        return to_csv(records)
    if fmt is Format.yaml:
        return to_yaml(list(records))
    if fmt is Format.markdown:
        return to_markdown(records, columns)
    return to_table(records, columns, title)


def card(pairs: Sequence[tuple[str, Any]], title: str | None = None) -> Any:
    """A two-column key/value table for one record (``show``)."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, show_header=False, show_lines=False, expand=False)
    table.add_column("field", style="bold", no_wrap=True)
    table.add_column("value", overflow="fold")
    for key, value in pairs:
        if value not in (None, "", []):
            table.add_row(Text(key), Text(safe_text(value)))
    return table
