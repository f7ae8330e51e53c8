"""What a command answers, and writing it: the one output path of the fast path and the CLI.

A command's answer is built by a function of the store/io layer (``(connection, parameters,
day) -> Answer``) that neither prints nor exits; :func:`emit` writes it. The fast path
(:mod:`aitrends.fastpath`) and the typer command of the same name call the same function and
:func:`emit`, so their outputs cannot differ.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from typing import Any, TextIO


class Answer:
    """A command's output, built before anything is written.

    ``notices`` go to stderr first (one line each); then either ``empty`` (a message on
    stderr when nothing matched: exit status 0, nothing on stdout) or ``chunks`` on stdout,
    written as they come (a generator streams a long export without holding it in memory).
    A ``table`` is joined and paged when taller than the terminal.
    """

    __slots__ = ("chunks", "empty", "notices", "table")

    def __init__(
        self,
        chunks: Iterable[str] = (),
        *,
        table: bool = False,
        notices: Iterable[str] = (),
        empty: str | None = None,
    ) -> None:
        self.chunks = chunks
        self.table = table
        self.notices = list(notices)
        self.empty = empty

    @classmethod
    def text(cls, text: str, *, table: bool = False, notices: Iterable[str] = ()) -> Answer:
        """One text, ended by a newline (as the CLI writes every output)."""
        return cls([text if text.endswith("\n") else text + "\n"], table=table, notices=notices)


def emit(answer: Answer, stdout: TextIO, stderr: TextIO) -> None:
    """Write ``answer``: notices, then the empty message or the output."""
    from .tables import one_line, show

    for notice in answer.notices:
        stderr.write(one_line(notice) + "\n")
    if answer.empty is not None:
        stderr.write(one_line(answer.empty) + "\n")
        return
    if answer.table:
        text = "".join(answer.chunks)
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
