"""Answering the read commands from the compiled index, before typer is imported.

Every read command of :data:`HANDLERS` (``claims``, ``quote``, ``search``, ``show``,
``forecasts``, ``person``, ``source``, ``sources``, ``people``, ``organizations``,
``topics``, ``metrics``, ``cite``; ``related``, ``trends``, ``check``, ``compare`` and
``scores`` once their result is kept in the index) and TAB completion are answered from SQLite without
importing pydantic, typer, PyYAML or rich. This module only reads the command line and calls
the command's function (``module:function`` of :data:`HANDLERS`), which the typer command calls
too: one implementation, so the output cannot differ. Every option's spellings and defaults
come from the typer declaration through the generated :mod:`aitrends._spec`; this module only
names the parameters it takes (:data:`ANSWERS`) and the formats it writes (:data:`FORMATS`).

Anything this module does not handle exactly returns None, and typer runs and gives the
normal answer or error: another command, option or format, a name that is not an exact id,
name, alias or name word of exactly one record, an analysis not computed yet for this state of
the data (:mod:`aitrends.analyses`), an index that is stale and cannot be brought up to date, a
knowledge base with problems.
"""

from __future__ import annotations

import os
import sqlite3
import sys

from . import _spec, cache, config
from .query import FACT_KINDS, interval, pick

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Any

_tried = False
_writing = False
"""True once the fast path has begun to write its answer: from then on it never hands the
command to the CLI, which would write it a second time."""

TABULAR = ("table", "json", "jsonl", "csv", "markdown")
"""The formats the fast path writes: every format but YAML (which needs PyYAML: the typer
command writes it, with the same function); any other goes to the CLI."""
FORMATS: dict[str, tuple[str, ...]] = {"cite": ("text", "bibtex", "biblatex", "csl-json")}
"""A command's formats when they are not :data:`TABULAR`."""

ANSWERS = {
    "check": {"fmt", "json_"},
    "cite": {"refs", "fmt"},
    "claims": {
        "topic", "person", "source", "kind", "metric", "since", "until", "text", "limit", "fmt", "json_", "as_of",
    },
    "compare": {"topic", "metric", "fmt", "json_"},
    "forecasts": {
        "as_of", "status", "person", "topic", "horizon_before", "horizon_after", "due_within", "limit", "fmt",
        "json_",
    },
    "metrics": {"fmt", "json_"},
    "organizations": {"fmt", "json_"},
    "people": {"fmt", "json_"},
    "person": {"name", "fmt", "json_"},
    "quote": {"person", "topic", "kind", "limit", "fmt", "json_", "as_of"},
    "related": {"fact_id", "limit", "as_of", "fmt", "json_"},
    "scores": {"person", "topic", "as_of", "fmt", "json_"},
    "search": {"words", "kind", "topic", "person", "lang", "limit", "fmt", "json_", "as_of"},
    "show": {"fact_id", "as_of", "fmt", "json_"},
    "source": {"source_id", "fmt", "json_"},
    "sources": {"fmt", "json_"},
    "topics": {"fmt", "json_"},
    "trends": {"topic", "metric", "person", "repeats", "fmt", "json_"},
}  # fmt: skip
"""The commands the fast path answers, and the parameters of each it implements: a command
line with any other parameter goes to the CLI. Every spelling of every option comes from the
typer declaration, through :mod:`aitrends._spec` (generated from it)."""
HANDLERS: dict[str, str] = {
    "check": "analyses:check",
    "cite": "cite:answer",
    "claims": "claims:claims",
    "compare": "analyses:compare",
    "forecasts": "ledger:forecasts",
    "metrics": "reference:listing",
    "organizations": "reference:listing",
    "people": "reference:listing",
    "person": "reference:person",
    "quote": "claims:quote",
    "related": "analyses:related",
    "scores": "analyses:scores",
    "search": "claims:search",
    "show": "ledger:show",
    "source": "reference:source",
    "sources": "reference:listing",
    "topics": "reference:listing",
    "trends": "analyses:trends",
}
"""Commands answered by a function of the store/io layer, ``module:function`` under
``aitrends``: ``function(connection, query, day)`` returns an :class:`aitrends.output.Answer`,
or None when it cannot answer exactly (a name that is not certain: the CLI explains). The
typer command of the same name calls the same function, so the two cannot differ. Each such
command is also in :data:`ANSWERS`."""
GLOBALS = {"data_dir", "no_bundled", "no_cache"}
"""The global options the fast path implements."""


def _completions(command: str) -> dict[str, str]:
    """Option spelling -> the kind of record its value names, for ``command``."""
    options = _spec.COMMANDS.get(command, {}).get("options", {})
    return {spelling: o[3] for spelling, o in options.items() if o[3]}


def _variadic(command: str) -> str | None:
    """The parameter of the variadic argument of ``command`` that the fast path answers
    (``search WORDS...``), if it has one."""
    arguments = _spec.COMMANDS.get(command, {}).get("arguments", [])
    if arguments and arguments[0][2] == -1 and arguments[0][0] in ANSWERS.get(command, ()):
        return str(arguments[0][0])
    return None


def _argument_kind(command: str, rest: Sequence[str]) -> str | None:
    """The kind of record the argument being typed after ``command`` and the words ``rest``
    names, if it names one (its first argument, or any word of a variadic one)."""
    arguments = _spec.COMMANDS.get(command, {}).get("arguments", [])
    if not arguments or arguments[0][1] is None:
        return None
    variadic = arguments[0][2] == -1 and not any(w.startswith("-") for w in rest)
    return arguments[0][1] if not rest or variadic else None


def main() -> None:
    """Entry point of the ``aitrends`` command: the fast path, else the CLI."""
    import gc

    # The fast path makes no reference cycles worth collecting, and a long table makes
    # enough objects to set the collector off again and again (a third of its time).
    gc.disable()
    if sys.stdout is None:  # started with standard output closed (>&-)
        if sys.stderr is not None:
            sys.stderr.write("Error: standard output is closed\n")
        sys.exit(1)
    code = answer()
    if code is not None:
        sys.exit(code)
    gc.enable()
    from .cli import main as cli_main

    cli_main()


def answer(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int | None:
    """Answer the command line from the index and return the exit code, or None (once per
    process) when the normal path must answer it."""
    global _tried
    if _tried:
        return None
    _tried = True
    env = os.environ if environ is None else environ
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if env.get("_AITRENDS_COMPLETE"):
            return _complete(env)
        if config.limits_set(env):
            return None  # the index is checked with the default limits
        query = parse(args)
        if query is None:
            return None
        code = _run(query, env)
        if code is not None:
            sys.stdout.flush()  # here, where a closed pipe can still be handled
        return code
    except BrokenPipeError:
        return _quiet(1)  # as the CLI: status 1, as Python and typer use for EPIPE
    except KeyboardInterrupt:
        return _quiet(130)
    except OSError as e:
        if _writing:
            return output_failed(e)
        if config.debug_enabled(env):
            raise
        return None
    except Exception:
        if config.debug_enabled(env):
            raise
        return None


def output_failed(error: OSError) -> int:
    """Standard output cannot take the answer (a full disk, ``/dev/full``, an I/O error): one
    line on stderr and status 1, and stdout pointed at /dev/null so that the flush at exit
    cannot fail again. The CLI ends the same way (:func:`aitrends.cli._app.main`)."""
    sys.stderr.write(f"Error: cannot write the output: {error.strerror or error}\n")
    return _quiet(1)


def _quiet(code: int) -> int:
    """Point stdout at /dev/null so that the flush at exit can neither fail nor block."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return code


def reset() -> None:
    """Allow :func:`answer` to run again in this process (for tests)."""
    global _tried, _writing
    _tried = _writing = False


# ---------------------------------------------------------------- the command line


class Query:
    """A command line the fast path can answer: the command, the global options it
    implements, and every parameter of the command (its declared default when not given)."""

    limit: Any
    kind: Any
    fmt: Any
    json_: Any
    as_of: Any

    def __init__(self, command: str) -> None:
        self.command = command
        self.data_dir: list[str] = []
        self.no_bundled = False
        self.no_cache = False
        spec = _spec.COMMANDS.get(command, {})
        for o in spec.get("options", {}).values():
            setattr(self, o[0], [] if o[2] else o[4])
        for a in spec.get("arguments", []):
            setattr(self, a[0], [] if a[2] == -1 else None)

    def __getattr__(self, name: str) -> Any:  # a parameter another command has
        if name.startswith("__"):
            raise AttributeError(name)
        return None


def parse(args: Sequence[str]) -> Query | None:
    """The query of a command line, or None unless every word is understood exactly."""
    values: dict[str, Any] = {}
    positional: list[str] = []
    i, options, command = 0, _spec.GLOBAL, None
    while i < len(args):
        word = args[i]
        i += 1
        if command is None and word in ANSWERS:
            command, options = word, _spec.COMMANDS[word]["options"]
            continue
        if command is not None and not word.startswith("-"):
            positional.append(word)  # an argument: show ID, search WORDS...
            continue
        name, eq, value = word.partition("=") if word.startswith("--") else (word, "", "")
        # a global option may follow the command (as hoist_global_options in aitrends.cli._app
        # moves it in front, after those already there: the same order as read here)
        spec = options.get(name) or _spec.GLOBAL.get(name)
        if spec is None:
            return None
        param, takes_value, repeatable = spec[0], spec[1], spec[2]
        if param not in (ANSWERS[command] if command and spec is options.get(name) else GLOBALS):
            return None
        if not takes_value:
            if eq or param in values:
                return None
            values[param] = True
            continue
        if not eq:
            if i >= len(args):
                return None
            value = args[i]
            i += 1
        if not value or value.startswith("-"):
            return None
        if repeatable:
            values.setdefault(param, []).append(value)
        elif param in values:
            return None
        else:
            values[param] = value
    if command is None or values.pop("no_cache", False):
        return None
    for param, _, nargs in _spec.COMMANDS[command]["arguments"]:
        if param not in ANSWERS[command]:
            if positional:
                return None
            continue
        if nargs == -1:
            values[param], positional = positional, []
        elif positional:
            values[param] = positional.pop(0)
        else:
            return None  # missing: the CLI says so
    if positional:
        return None
    if command == "quote":
        if "person" not in values:
            return None
        values["person"] = [values["person"]]
    query = Query(command)
    for key, value in values.items():
        setattr(query, key, value)
    if command == "search" and not " ".join(query.words).strip():
        return None  # the CLI says what is missing
    if isinstance(query.limit, str):
        if not (query.limit.isascii() and query.limit.isdigit()):
            return None
        query.limit = int(query.limit)
    if isinstance(query.kind, list):
        kinds = [pick(k, FACT_KINDS) for k in query.kind]  # "Quote", "figures" as the CLI reads them
        if None in kinds:
            return None
        query.kind = [k for k in kinds if k is not None]
    if isinstance(query.fmt, str):
        fmt = query.fmt.lower() if query.fmt.isascii() else ""
        if fmt not in FORMATS.get(command, TABULAR):
            return None
        query.fmt = "json" if query.json_ else fmt
    if query.as_of is not None and interval(query.as_of) is None:
        return None  # the normal path reports the bad date
    return query


def _dirs(data_dir: Sequence[str], no_bundled: bool, env: Mapping[str, str]) -> list[Any] | None:
    if any(not os.path.isdir(d) for d in data_dir):
        return None  # the normal path reports it
    return config.data_dirs(data_dir or None, bundled=False if no_bundled else None, environ=env)


# ---------------------------------------------------------------- answering


def _run(query: Query, env: Mapping[str, str]) -> int | None:
    dirs = _dirs(query.data_dir, query.no_bundled, env)
    if dirs is None:
        return None
    con = cache.open_fresh(dirs, env)
    if con is None:
        return None
    try:
        return _handled(con, query, env)
    finally:
        con.close()


def handler(command: str) -> Any:
    """The function of :data:`HANDLERS` that answers ``command``."""
    import importlib

    module, _, name = HANDLERS[command].partition(":")
    return getattr(importlib.import_module(f"aitrends.{module}"), name)


def _handled(con: Any, query: Query, env: Mapping[str, str]) -> int | None:
    global _writing
    from .output import emit

    found = handler(query.command)(con, query, _today(query, env))
    if found is None:
        return None
    _writing = True
    emit(found, sys.stdout, sys.stderr)
    return 0


def _today(q: Query, env: Mapping[str, str]) -> Any:
    """The day of ``--as-of`` (checked by :func:`parse`), else :func:`aitrends.clock.today`."""
    from .clock import day_of

    return day_of(q.as_of, env)


def _completion_args(env: Mapping[str, str], shell: str) -> tuple[list[str], str]:
    """The words before the cursor and the word being completed, as typer's completion
    classes read them from the environment."""
    if shell == "bash":
        words = split_arg_string(env.get("COMP_WORDS", ""))
        cword = int(env.get("COMP_CWORD", "0"))
        return words[1:cword], words[cword] if cword < len(words) else ""
    line = env.get("_TYPER_COMPLETE_ARGS", "")
    words = split_arg_string(line)[1:]
    if words and not line.endswith(" "):
        return words[:-1], words[-1]
    return words, ""


def split_arg_string(string: str) -> list[str]:
    """Split a command line as the shell does, keeping an unfinished last word (as click does)."""
    import shlex

    lex = shlex.shlex(string, posix=True)
    lex.whitespace_split = True
    lex.commenters = ""
    out = []
    try:
        for token in lex:
            out.append(token)
    except ValueError:
        out.append(lex.token)
    return out


def completion_target(args: Sequence[str], incomplete: str) -> tuple[Query, str, str] | None:
    """(the global options, the kind of value, the text to complete), or None when the words
    ask for anything but a value the fast path completes."""
    args = list(args)
    if incomplete.startswith("-"):
        name, eq, value = incomplete.partition("=")
        if not eq or not name.startswith("--") or value.startswith("-"):
            return None
        args.append(name)
        incomplete = value
    if "--" in args or "=" in args:
        return None
    query = Query("")
    i = 0
    while i < len(args) and args[i] not in _spec.COMMANDS:
        word = args[i]
        name, eq, value = word.partition("=") if word.startswith("--") else (word, "", "")
        spec = _spec.GLOBAL.get(name)
        if spec is None or spec[0] not in GLOBALS:
            return None
        i += 1
        if spec[1] and not eq:
            if i >= len(args):
                return None
            value, i = args[i], i + 1
        if spec[0] == "data_dir":
            query.data_dir.append(value)
        else:
            setattr(query, spec[0], True)
    if i >= len(args):
        return None
    command, rest = args[i], args[i + 1 :]
    argument = _argument_kind(command, rest)
    if argument:
        return query, argument, incomplete
    kind = _completions(command).get(rest[-1] if rest else "")
    return (query, kind, incomplete) if kind else None


def completion_values(
    kind: str,
    incomplete: str,
    data_dir: Sequence[Any] | None,
    *,
    no_bundled: bool = False,
    no_cache: bool = False,
    environ: Mapping[str, str] | None = None,
) -> list[str]:
    """Values of ``kind`` starting with ``incomplete``, from the index as it is (a stale index
    is not checked against the files, so TAB stays instant); when there is no index yet, it is
    built first (the one time completion reads the YAML). None when caching is off."""
    return _values(kind, incomplete, data_dir, no_bundled, no_cache, environ) or []


def _values(
    kind: str,
    incomplete: str,
    data_dir: Sequence[Any] | None,
    no_bundled: bool,
    no_cache: bool,
    environ: Mapping[str, str] | None,
) -> list[str] | None:
    env = os.environ if environ is None else environ
    if no_cache:
        return None
    dirs = config.data_dirs(
        [str(d) for d in data_dir or []] or None, bundled=False if no_bundled else None, environ=env
    )
    con = cache.open_any(dirs, env) or cache.open_fresh(dirs, env)  # no index yet: build it
    if con is None:
        return None
    try:
        return cache.complete(con, kind, incomplete)
    except sqlite3.Error:
        return None  # a damaged index offers nothing; the next query rebuilds it
    finally:
        con.close()


def _complete(env: Mapping[str, str]) -> int | None:
    shell = {"complete_bash": "bash", "complete_zsh": "zsh", "complete_fish": "fish"}.get(
        env["_AITRENDS_COMPLETE"]
    )
    if shell is None:
        return None
    target = completion_target(*_completion_args(env, shell))
    if target is None:
        return None
    query, kind, incomplete = target
    values = _values(kind, incomplete, query.data_dir, query.no_bundled, query.no_cache, env)
    if values is None:
        return None
    if shell == "zsh":
        if not values:
            out = "_files"
        else:
            items = "\n".join(f'"{_zsh_escape(v)}"' for v in values)
            out = f"_arguments '*: :(({items}))'"
    elif shell == "fish":
        action = env.get("_TYPER_COMPLETE_FISH_ACTION", "")
        if action == "is-args":
            return 0 if values else 1
        out = "\n".join(values) if action == "get-args" else ""
    else:
        out = "\n".join(values)
    sys.stdout.write(out + "\n")
    sys.stdout.flush()
    return 0


def _zsh_escape(s: str) -> str:
    return (
        s.replace('"', '""').replace("'", "''").replace("$", "\\$").replace("`", "\\`").replace(":", r"\\:")
    )
