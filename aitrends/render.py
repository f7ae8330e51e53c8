"""Output formats: table, json, jsonl, csv, yaml and markdown, from plain records; and the
formats of ``cite`` and ``export`` (declared here, light, so that the CLI starts without the models).

Text from data files is untrusted: in table and markdown output, control characters and escape
sequences are made visible (tables are drawn by :mod:`aitrends.tables`, which interprets no
markup); markdown also escapes HTML and Markdown's link and emphasis characters; CSV guards
cells a spreadsheet would run as formulas (:data:`FORMULA_START`) unless asked not to.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .tables import safe_text as safe_text  # re-exported: safe_text lives with the tables

NO_TIME_STATED = "no time stated"
"""What a forecast horizon that states no time expression shows instead of its text."""


class Format(StrEnum):
    """Output formats every listing offers."""

    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    yaml = "yaml"
    markdown = "markdown"


class CiteFormat(StrEnum):
    """Formats of ``aitrends cite``."""

    csl_json = "csl-json"
    bibtex = "bibtex"
    biblatex = "biblatex"
    text = "text"


class ExportFormat(StrEnum):
    """Formats of ``aitrends export --to``."""

    sqlite = "sqlite"
    csv = "csv"
    jsonl = "jsonl"
    parquet = "parquet"


@dataclass(frozen=True)
class Column:
    """A column of the table and markdown views: a header and how to get its text."""

    header: str
    get: Callable[[dict[str, Any]], Any]
    ratio: int | None = None
    no_wrap: bool = False


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


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""A text cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets
(``=HYPERLINK(...)``, ``@SUM(...)``, ``+cmd|...``); the CSV guard puts ``'`` before it."""

CSV_RAW_ENV = "AITRENDS_CSV_RAW"
"""Set to 1 to turn the CSV formula guard of ``--format csv`` off (for round trips)."""


def guard_formula(value: Any) -> Any:
    """``value`` with ``'`` before it when it is text a spreadsheet would run as a formula;
    numbers, and text that does not start with :data:`FORMULA_START`, unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(records: Sequence[dict[str, Any]], *, guard: bool = True) -> str:
    """CSV with a header of every column any record has, in first-seen order; with ``guard``,
    text cells that would be formulas are prefixed with ``'`` (:func:`guard_formula`)."""
    rows = [flatten(r) for r in records]
    columns = list(dict.fromkeys(k for row in rows for k in row))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if v is None else guard_formula(v) if guard else v) for k, v in row.items()})
    return buf.getvalue()


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|])")


def markdown_text(value: Any) -> str:
    """Text for a Markdown table cell: terminal-safe (:func:`safe_text`), HTML escaped
    (``<img onerror=...>`` shows as written) and Markdown's code, emphasis, link and cell
    characters backslash-escaped (``[x](javascript:...)`` is no link)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(safe_text(value), quote=False))


def to_markdown(records: Sequence[dict[str, Any]], columns: Sequence[Column]) -> str:
    """A GitHub-flavoured Markdown table of the readable columns (cells: :func:`markdown_text`)."""
    cell = markdown_text

    lines = ["| " + " | ".join(c.header for c in columns) + " |"]
    lines.append("|" + "|".join("---" for _ in columns) + "|")
    for r in records:
        lines.append("| " + " | ".join(cell(c.get(r)) for c in columns) + " |")
    return "\n".join(lines) + "\n"


def to_table(
    records: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    title: str | None = None,
    **terminal: Any,
) -> str:
    """A boxed table of the readable columns; ``terminal`` is the width and styles of
    :func:`aitrends.tables.terminal` (80 columns, unstyled, by default)."""
    from .tables import draw

    return draw(
        [c.header for c in columns],
        [[safe_text(c.get(r)) for c in columns] for r in records],
        ratios=[c.ratio for c in columns],
        no_wrap=[c.no_wrap for c in columns],
        title=title,
        **terminal,
    )


def render(
    records: Sequence[dict[str, Any]],
    fmt: Format,
    columns: Sequence[Column],
    title: str | None = None,
    *,
    csv_guard: bool = True,
    **terminal: Any,
) -> str:
    """The records as text in a format (``terminal``: see :func:`to_table`; ``csv_guard``:
    see :func:`to_csv`)."""
    if fmt is Format.json:
        return to_json(list(records))
    if fmt is Format.jsonl:
        return to_jsonl(records)
    if fmt is Format.csv:
        return to_csv(records, guard=csv_guard)
    if fmt is Format.yaml:
        return to_yaml(list(records))
    if fmt is Format.markdown:
        return to_markdown(records, columns)
    return to_table(records, columns, title, **terminal)


def card(pairs: Sequence[tuple[str, Any]], title: str | None = None, **terminal: Any) -> str:
    """A two-column key/value table for one record (``show``); empty values are left out."""
    from .tables import draw

    rows = [[key, safe_text(value)] for key, value in pairs if value not in (None, "", [])]
    return draw(
        ["field", "value"],
        rows,
        ratios=[None, 1],
        no_wrap=[True, False],
        title=title,
        show_header=False,
        show_lines=False,
        bold_first=True,
        **terminal,
    )
