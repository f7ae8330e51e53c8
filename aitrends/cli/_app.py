"""The typer app, shared options, output and the error boundary of the ``aitrends`` command.

Each command parses its options, makes one library call, renders the result, and maps
errors to exit codes through :func:`cli_errors`.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from .. import __version__
from ..errors import AitrendsError, DataError, ExitCode, UsageError
from ..render import Column, Format

if TYPE_CHECKING:
    from ..kb import KnowledgeBase

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


# ---------------------------------------------------------------- shared options

FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Shortcut for --format json.")]
LimitOpt = Annotated[int | None, typer.Option("--limit", "-n", min=1, help="Show at most N results.")]
TopicOpt = Annotated[
    list[str] | None,
    typer.Option("--topic", "-t", help="Topic id, label or alias (includes child topics); repeat for OR."),
]
PersonOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--person", "-p", help="Speaker: person or organization by id, name or alias; repeat for OR."
    ),
]
SourceOpt = Annotated[
    list[str] | None, typer.Option("--source", "-s", help="Source id, title or outlet; repeat for OR.")
]


def _stdout(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _console(stderr: bool = False) -> Any:
    from rich.console import Console

    return Console(stderr=stderr, soft_wrap=False, highlight=False, emoji=False, markup=False)


def _err(message: str) -> None:
    from ..render import safe_text

    sys.stderr.write(safe_text(message) + "\n")


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
    from ..kb import load

    return load(*State.data_dirs, bundled=State.bundled)


def _output(
    records: Sequence[dict[str, Any]],
    fmt: Format,
    json_: bool,
    columns: Sequence[Column],
    *,
    title: str | None = None,
    empty: str = "No results.",
) -> None:
    from ..render import render

    if json_:
        fmt = Format.json
    if not records and fmt is Format.table:
        _err(empty)
        return
    out = render(records, fmt, columns, title)
    if isinstance(out, str):
        _stdout(out) if out else None
    else:
        _console().print(out)


def _date(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    from ..dates import PartialDate

    try:
        PartialDate.parse(value.strip())
    except ValueError:
        raise UsageError(f"{option}: '{value}' is not a date like 2024, 2024-05 or 2024-05-01") from None
    return value.strip()


# ---------------------------------------------------------------- columns


def _join(values: list[str] | None) -> str:
    return ", ".join(values or [])


def _version(value: bool) -> None:
    if value:
        typer.echo(f"aitrends {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    data_dir: Annotated[
        list[Path] | None,
        typer.Option(
            "--data-dir",
            "-d",
            help="Data directory layered over the bundled data; repeat to stack several "
            "(later ones on top). Default: $AITRENDS_DATA.",
            file_okay=False,
        ),
    ] = None,
    no_bundled: Annotated[
        bool, typer.Option("--no-bundled", help="Leave the bundled data out; use only --data-dir.")
    ] = False,
    version: Annotated[
        bool | None, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = None,
) -> None:
    """Query a checked knowledge base of claims about the AI industry.

    Example: aitrends claims --topic inference-cost
    """
    State.data_dirs = list(data_dir or [])
    State.bundled = False if no_bundled else None


def main() -> None:
    """Entry point: run the app; an unexpected error is one line, not a traceback."""
    try:
        app(prog_name="aitrends")
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.exit(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        _quiet_broken_pipe()
    except Exception as e:  # noqa: BLE001 - the last line of defence
        if os.environ.get("AITRENDS_DEBUG"):
            raise
        _err(f"Internal error: {type(e).__name__}: {e}")
        _err("Set AITRENDS_DEBUG=1 for a traceback.")
        sys.exit(ExitCode.ERROR)


def _quiet_broken_pipe() -> None:
    # Python flushes stdout at exit; point it at devnull so that flush cannot fail again.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(ExitCode.OK)
