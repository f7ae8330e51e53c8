"""What a command answers, and writing it: the one output path of the fast path and the CLI.

A command's answer is built by a function of the store/io layer (``(connection, parameters,
day) -> Answer``) that neither prints nor exits; :func:`emit` writes it. The fast path
(:mod:`aitrends.fastpath`) and the typer command of the same name call the same function and
:func:`emit`, so their outputs cannot differ.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence
    from typing import Any, TextIO

    from .render import Column


class Answer:
    """A command's output, built before anything is written.

    ``notices`` go to stderr first (one line each); then either ``empty`` (a message on
    stderr when nothing matched: exit status 0, nothing on stdout) or ``chunks`` on stdout,
    written as they come (a generator streams a long export without holding it in memory).
    A ``table`` is a function that draws the answer for the terminal
    (:func:`aitrends.tables.terminal`: width and styles of standard output), called by
    :func:`emit`, which pages it when it is taller than the terminal: the command need not know
    where its output goes.
    """

    __slots__ = ("chunks", "empty", "notices", "table")

    def __init__(
        self,
        chunks: Iterable[str] = (),
        *,
        table: Callable[..., str] | None = None,
        notices: Iterable[str] = (),
        empty: str | None = None,
    ) -> None:
        self.chunks = chunks
        self.table = table
        self.notices = list(notices)
        self.empty = empty

    @classmethod
    def text(cls, text: str, *, notices: Iterable[str] = ()) -> Answer:
        """One text, ended by a newline (as the CLI writes every output)."""
        return cls([text if text.endswith("\n") else text + "\n"], notices=notices)


def format_of(q: Any) -> str:
    """The format a command's parameters ask for: ``json`` with ``--json``, else ``--format``
    (lower case; a table when the command has none)."""
    return "json" if getattr(q, "json_", False) else str(getattr(q, "fmt", None) or "table").lower()


def rendered(
    records: Sequence[dict[str, Any]],
    fmt: str,
    columns: Sequence[Column],
    *,
    title: str | None = None,
    empty: str = "No results.",
    notices: Iterable[str] = (),
) -> Answer:
    """Records in a format (:func:`aitrends.render.render`), as every listing is written: a
    table drawn for the terminal of standard output, or ``empty`` (on stderr) when there is no
    record to show in one; the text of any other format, with the CSV formula guard unless
    ``$AITRENDS_CSV_RAW`` is set."""
    import os

    from .render import CSV_RAW_ENV, Format, render, safe_text

    form = Format(fmt)
    shown = safe_text(title) if title is not None else None
    if form is Format.table:
        if not records:
            return Answer(empty=empty, notices=notices)
        return Answer(
            table=lambda **terminal: render(records, form, columns, shown, **terminal), notices=notices
        )
    raw = os.environ.get(CSV_RAW_ENV, "").strip() not in ("", "0")
    out = render(records, form, columns, shown, csv_guard=not raw)
    return Answer.text(out, notices=notices) if out else Answer(notices=notices)


def emit(answer: Answer, stdout: TextIO, stderr: TextIO) -> None:
    """Write ``answer``: notices, then the empty message or the output."""
    from .tables import one_line, show, terminal

    for notice in answer.notices:
        stderr.write(one_line(notice) + "\n")
    if answer.empty is not None:
        stderr.write(one_line(answer.empty) + "\n")
        return
    if answer.table is not None:
        text = answer.table(**terminal(stdout))
        show(text if text.endswith("\n") else text + "\n", stdout)
        return
    for chunk in answer.chunks:
        stdout.write(chunk)


def json_array(items: Iterable[str]) -> Iterator[str]:
    """A JSON list and its line break, written item by item as the items come: each item is
    JSON already indented as an item of a list (``json.dumps(..., indent=2)`` with two more
    spaces a line). The text is ``json.dumps(list, indent=2) + "\\n"``'s."""
    first = True
    for item in items:
        yield ("[\n" if first else ",\n") + item
        first = False
    yield "[]\n" if first else "\n]\n"


def json_item(record: Any) -> str:
    """``record`` as an item of :func:`json_array` (UTF-8 unescaped)."""
    import json

    return "  " + json.dumps(record, ensure_ascii=False, indent=2).replace("\n", "\n  ")
