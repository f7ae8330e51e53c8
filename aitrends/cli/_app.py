"""The typer app, shared options, output and the error boundary of the ``aitrends`` command.

Each command parses its options, makes one library call, renders the result, and maps
errors to exit codes through :func:`cli_errors`.
"""

from __future__ import annotations

import errno
import functools
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from .. import __version__
from ..config import debug_enabled
from ..errors import AitrendsError, DataError, ExitCode, UsageError
from ..render import Column, Format

if TYPE_CHECKING:
    import datetime as dt
    import sqlite3

    from ..kb import KnowledgeBase
    from ..output import Answer

F = TypeVar("F", bound=Callable[..., Any])

app = typer.Typer(
    name="aitrends",
    help="A checked knowledge base of claims about the AI industry: costs, forecasts, quotes, figures.",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class State:
    """Global options, set by the callback."""

    data_dirs: list[Path] = []
    bundled: bool | None = None
    no_cache: bool = False
    kb: KnowledgeBase | None = None
    """The knowledge base of this command, once loaded (its typo corrections are shown)."""
    store: sqlite3.Connection | None = None
    """The index this command reads (:func:`_store`)."""
    store_opened: bool = False
    """The index was asked for (``store`` None then means that the data has problems)."""


# ---------------------------------------------------------------- shared options


def whole_number(least: int, option: str | None = None) -> Callable[[str], int]:
    """A parser of a count option: ASCII digits only (``--limit ١٢`` and ``２０`` are refused,
    not read as 12 and 20), at least ``least`` (below it, with ``option`` named, the usual
    one-line usage error rather than click's usage block)."""

    def parse(value: str | int) -> int:
        if isinstance(value, int):  # a default
            return value
        text = value.strip()
        digits = text[1:] if text[:1] in "+-" else text
        if not (digits.isascii() and digits.isdigit()):
            raise typer.BadParameter(f"'{value}' is not a whole number written with the digits 0-9.")
        number = int(text)
        if number < least and option is not None:
            _err(f"Error: {option}: {number} is not {least} or more")
            raise typer.Exit(ExitCode.USAGE)
        if number < least:
            raise typer.BadParameter(f"{number} is not in the range x>={least}.")
        return number

    parse.__name__ = "integer"
    return parse


FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Shortcut for --format json.")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Overwrite existing files.")]
LimitOpt = Annotated[
    int | None,
    typer.Option(
        "--limit",
        "-n",
        parser=whole_number(0, "--limit"),
        metavar="N",
        help="Show at most N results; 0 for all.",
    ),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar="DATE",
        help="Judge forecast status on this date (default: $AITRENDS_TODAY, else today).",
    ),
]


def _day(as_of: str | None) -> dt.date:
    """The day of ``--as-of`` (the end of a month or year given as 2024-05 or 2024), else
    :func:`aitrends.clock.today`; a usage error when it is not a date."""
    from ..clock import day_of

    day = day_of(_date(as_of, "--as-of"))
    assert day is not None  # _date refused anything else
    return day


def _completer(kind: str) -> Callable[..., list[str]]:
    """TAB completion of ``kind`` values (topics, entities, sources, facts, metrics) from the
    index, never from YAML. The callback's ``kind`` attribute is read by
    :mod:`aitrends.cli.spec`, so that the fast path completes the same parameters without typer."""

    def complete(ctx: typer.Context, incomplete: str) -> list[str]:
        from ..fastpath import completion_values

        root = ctx.find_root().params
        return completion_values(
            kind,
            incomplete,
            root.get("data_dir"),
            no_bundled=bool(root.get("no_bundled")),
            no_cache=bool(root.get("no_cache")),
        )

    complete.kind = kind  # type: ignore[attr-defined]
    return complete


TopicOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--topic",
        "-t",
        help="Topic id, label or alias (includes child topics); repeat for OR.",
        autocompletion=_completer("topics"),
    ),
]
PersonOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--person",
        "-p",
        help="Speaker: person or organization by id, name or alias; repeat for OR.",
        autocompletion=_completer("entities"),
    ),
]
PredictorOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--person",
        "-p",
        help="Who predicts: speaker or cited origin, by id, name or alias; repeat for OR.",
        autocompletion=_completer("entities"),
    ),
]
MetricOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--metric",
        "-m",
        help="Metric by id or name (includes narrower metrics); repeat for OR.",
        autocompletion=_completer("metrics"),
    ),
]
KindOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--kind",
        "-k",
        help="claim, forecast, quote or figure (any case, singular or plural); repeat for OR.",
    ),
]
SourceOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--source",
        "-s",
        help="Source id, title or outlet; repeat for OR.",
        autocompletion=_completer("sources"),
    ),
]


def _stdout(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _notices() -> None:
    """One line on stderr for each name taken as a typo of another ("taking 'Amodie' as Dario
    Amodei"), shown with tables only: JSON and other formats stay clean for programs."""
    kb = State.kb
    if kb is None:
        return
    for text, rid in kb.corrections:
        _err(f"taking '{text}' as {kb.name_of(rid)}")
    kb.corrections.clear()


def _show(text: str) -> None:
    """Write a table to standard output, through a pager if it is taller than the terminal."""
    from ..tables import show

    _notices()

    show(text if text.endswith("\n") else text + "\n", sys.stdout)


def _terminal() -> dict[str, Any]:
    """Width and styles for a table on standard output (see :func:`aitrends.tables.terminal`)."""
    from ..tables import terminal

    return terminal(sys.stdout)


def _err(message: str) -> None:
    from ..tables import one_line

    sys.stderr.write(one_line(message) + "\n")


def cli_errors(func: F) -> F:
    """Turn library errors into a message on stderr and an exit code, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except DataError as e:
            for p in e.problems:
                _err(str(p))
            _err(f"Error: {e}")
            raise typer.Exit(e.exit_code) from None
        except AitrendsError as e:
            _err(f"Error: {e}")
            raise typer.Exit(e.exit_code) from None

    return wrapper  # type: ignore[return-value]


def _kb() -> KnowledgeBase:
    """The knowledge base of this command: hydrated from the index (:mod:`aitrends.hydrate`)
    when the data is valid, else loaded from the YAML, which raises the loader's
    :class:`~aitrends.errors.DataError` listing every problem with its file and line."""
    if State.kb is None:
        con = _open_store()
        if con is None:
            State.kb = _load_yaml()
        else:
            from ..hydrate import knowledge_base

            State.kb = knowledge_base(con, _dirs())
    return State.kb


def _load_yaml() -> KnowledgeBase:
    from ..kb import load

    return load(*State.data_dirs, bundled=State.bundled)


def _dirs() -> list[str]:
    """The data directories of this command, lowest layer first, as given."""
    from ..config import data_dirs

    return data_dirs([str(d) for d in State.data_dirs] or None, bundled=State.bundled)


def _open_store() -> sqlite3.Connection | None:
    """The index of this command (:func:`aitrends.store.connect`), None when the data has problems."""
    if not State.store_opened:
        from ..store import connect, in_memory

        dirs = _dirs()
        State.store = in_memory(dirs) if State.no_cache else connect(dirs)
        State.store_opened = True
    return State.store


def _store() -> sqlite3.Connection:
    """The index this command reads (:func:`aitrends.store.connect`: the cached one, else one
    built in memory, as with ``--no-cache``). Data with problems raises the loader's
    :class:`~aitrends.errors.DataError`, which lists every problem."""
    con = _open_store()
    if con is None:
        _kb()  # reports the problems
        raise AitrendsError("the compiled index could not be built; set AITRENDS_DEBUG=1 and try again")
    return con


def _exact(namespace: str, text: str) -> str:
    """The id ``text`` names in ``namespace`` (facts, sources, entities, topics, metrics):
    from the index when certain, else as the knowledge base resolves it (a typo taken as the
    record it spells, with a notice; an unknown or ambiguous name is an error with
    suggestions)."""
    from ..cache import resolve

    con = _store()
    if namespace == "facts":
        if con.execute("SELECT 1 FROM facts WHERE id = ?", (text,)).fetchone():
            return text
        return str(_kb().get(text).id)  # an unknown id: the error with suggestions
    found = resolve(con, namespace, text)
    if found is not None:
        return found
    return _kb().resolve(namespace, text)


def _filters(**given: Any) -> dict[str, Any]:
    """The filters of ``claims``, ``quote`` and ``search`` as :mod:`aitrends.claims` takes them:
    names resolved to ids (:func:`_exact`: a typo noticed, an unknown name an error with
    suggestions), kinds named exactly, dates checked (a usage error for a bad date or an empty
    range). ``given``: ``topic``, ``person``, ``source``, ``metric``, ``kind``, ``since``,
    ``until``; those not given are left out."""
    from ..query import date_range, fact_kind_name

    namespaces = {"topic": "topics", "person": "entities", "source": "sources", "metric": "metrics"}
    out: dict[str, Any] = {}
    for key, values in given.items():
        if key in namespaces:
            out[key] = [_exact(namespaces[key], v) for v in values or []]
        elif key == "kind":
            out[key] = [fact_kind_name(k) for k in values or []]
    if "since" in given or "until" in given:
        date_range(given.get("since"), given.get("until"))  # the usage errors
        out["since"], out["until"] = given.get("since"), given.get("until")
    return out


def _emit(answer: Answer | None) -> None:
    """Write a command's :class:`~aitrends.output.Answer` as the fast path writes it, after
    the notices of names taken as typos (tables only)."""
    from ..output import emit

    if answer is None:  # the parameters were resolved before the call: a bug if it happens
        raise AitrendsError("no answer")
    if answer.table is not None or answer.empty is not None:
        _notices()
    emit(answer, sys.stdout, sys.stderr)


def _output(
    records: Sequence[dict[str, Any]],
    fmt: Format,
    json_: bool,
    columns: Sequence[Column],
    *,
    title: str | None = None,
    empty: str = "No results.",
) -> None:
    """Print records in a format."""
    from ..render import CSV_RAW_ENV, render, safe_text

    if json_:
        fmt = Format.json
    if not records and fmt is Format.table:
        _notices()
        _err(empty)
        return
    terminal = _terminal() if fmt is Format.table else {}
    raw = os.environ.get(CSV_RAW_ENV, "").strip() not in ("", "0")
    title = safe_text(title) if title is not None else None
    out = render(records, fmt, columns, title, csv_guard=not raw, **terminal)
    if out and terminal:
        _show(out)
    elif out:
        _stdout(out)


def _date(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    from ..dates import PartialDate

    try:
        PartialDate.parse(value.strip())
    except ValueError:
        raise UsageError(f"{option}: '{value}' is not a date like 2024, 2024-05 or 2024-05-01") from None
    return value.strip()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"aitrends {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    ctx: typer.Context,
    data_dir: Annotated[
        list[str] | None,
        typer.Option(
            "--data-dir",
            "-d",
            metavar="DIRECTORY",
            help="Data directory layered over the bundled data; repeat to stack several "
            "(later ones on top). Default: $AITRENDS_DATA.",
        ),
    ] = None,
    no_bundled: Annotated[
        bool, typer.Option("--no-bundled", help="Leave the bundled data out; use only --data-dir.")
    ] = False,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            help="Neither read nor write the compiled index in the cache directory "
            "($AITRENDS_NO_CACHE): the YAML is read into an index in memory, kept nowhere.",
        ),
    ] = False,
    max_file_size: Annotated[
        str | None,
        typer.Option(
            metavar="SIZE",
            envvar="AITRENDS_MAX_FILE_SIZE",
            help="Largest data file read, in bytes or with K, M or G (default 5M).",
        ),
    ] = None,
    max_depth: Annotated[
        int | None,
        typer.Option(
            parser=whole_number(1),
            metavar="N",
            envvar="AITRENDS_MAX_DEPTH",
            help="Deepest nesting in a data file (default 64).",
        ),
    ] = None,
    max_values: Annotated[
        int | None,
        typer.Option(
            parser=whole_number(1),
            metavar="N",
            envvar="AITRENDS_MAX_VALUES",
            help="Most values in one data file (default 200000).",
        ),
    ] = None,
    max_facts: Annotated[
        int | None,
        typer.Option(
            parser=whole_number(1),
            metavar="N",
            envvar="AITRENDS_MAX_FACTS",
            help="Most facts in one run (default 100000).",
        ),
    ] = None,
    version: Annotated[
        bool | None, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = None,
) -> None:
    """Query a checked knowledge base of claims about the AI industry.

    Example: aitrends claims --topic inference-cost
    """
    for d in data_dir or []:
        if not d.strip():
            raise typer.BadParameter("empty directory name", param_hint="'--data-dir'")
    State.data_dirs = [Path(d) for d in data_dir or []]
    State.kb = None
    State.store = None
    State.store_opened = False
    State.no_cache = no_cache
    State.bundled = False if no_bundled else None
    if max_file_size is not None:
        from ..loader import parse_size  # only when given: the loader imports pydantic and PyYAML

        try:
            max_file_size = str(parse_size(max_file_size))
        except ValueError as e:
            raise typer.BadParameter(str(e), param_hint="'--max-file-size'") from None
    # The loader reads the limits from the environment (as it does for the Python API), so
    # an option is set there for the length of the command and restored afterwards.
    given = {
        "max_file_size": max_file_size,
        "max_depth": max_depth,
        "max_values": max_values,
        "max_facts": max_facts,
    }
    saved: dict[str, str | None] = {}
    for name, value in given.items():
        if value is not None:
            from ..loader import Limits

            key = Limits.env_name(name)
            saved[key] = os.environ.get(key)
            os.environ[key] = str(value)

    def restore() -> None:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old

    ctx.call_on_close(restore)


def main() -> None:
    """Entry point: run the app; an unexpected error is one line, not a traceback.

    A closed pipe (``aitrends claims | head -1``) ends the command quietly with status 1,
    Ctrl-C quietly with status 130; output still buffered is dropped in both cases.
    """
    from ..fastpath import answer, output_failed

    if sys.stdout is None:  # started with standard output closed (>&-)
        _err("Error: standard output is closed")
        sys.exit(ExitCode.ERROR)
    sys.argv[1:] = hoist_global_options(sys.argv[1:])
    if (code := answer()) is not None:  # answered from the compiled index
        sys.exit(code)
    try:
        app(prog_name="aitrends")
    except SystemExit as e:
        if e.code == ExitCode.INTERRUPTED:
            _quiet_broken_pipe(ExitCode.INTERRUPTED)
        try:  # flush now, where a closed pipe can still be handled, not at interpreter exit
            sys.stdout.flush()
        except BrokenPipeError:
            _quiet_broken_pipe()
        except OSError as flush_error:
            sys.exit(output_failed(flush_error))
        raise
    except KeyboardInterrupt:
        _quiet_broken_pipe(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        _quiet_broken_pipe()
    except OSError as e:
        if e.errno not in _OUTPUT_ERRNOS or debug_enabled():
            raise
        sys.exit(output_failed(e))
    except Exception as e:  # noqa: BLE001 - the last line of defence
        if debug_enabled():
            raise
        _err(f"Internal error: {type(e).__name__}: {e}")
        _err("Set AITRENDS_DEBUG=1 for a traceback.")
        sys.exit(ExitCode.ERROR)


_OUTPUT_ERRNOS = {errno.ENOSPC, errno.EIO, errno.EFBIG, errno.EDQUOT, errno.EBADF}
"""Errors of writing the output (the library maps its own file errors to one-line errors)."""


def hoist_global_options(argv: list[str]) -> list[str]:
    """Move global options written after the command in front of it, so that
    ``aitrends validate --data-dir my-data`` works like ``aitrends --data-dir my-data validate``.

    Nothing after ``--`` is moved; an option missing its value is left for typer to report.
    """
    from .._spec import GLOBAL

    with_value = {spelling for spelling, o in GLOBAL.items() if o[1]}
    flags = {spelling for spelling, o in GLOBAL.items() if not o[1] and spelling != "--version"}
    front: list[str] = []
    i = 0
    while i < len(argv) and argv[i].startswith("-"):  # options already before the command
        step = 2 if argv[i] in with_value else 1
        front += argv[i : i + step]
        i += step
    if i >= len(argv):
        return argv
    command, rest, moved = argv[i], [], []
    j = i + 1
    while j < len(argv):
        arg = argv[j]
        if arg == "--":
            rest += argv[j:]
            break
        name = arg.split("=", 1)[0]
        if (name in with_value and "=" in arg) or arg in flags:
            moved.append(arg)
        elif arg in with_value and j + 1 < len(argv):
            moved += argv[j : j + 2]
            j += 1
        else:
            rest.append(arg)
        j += 1
    return [*front, *moved, command, *rest]


def _quiet_broken_pipe(code: int = ExitCode.ERROR) -> None:
    # Python flushes stdout at exit; point it at devnull so that the flush can neither fail
    # on a closed pipe nor block on a full one. Status 1, as Python and typer use for EPIPE.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real stdout (an embedding, a test runner)
        pass
    sys.exit(code)
