"""The command line's shape, derived from the typer app: what the fast path needs to read argv.

The typer commands in :mod:`aitrends.cli` are the one declaration of every command, option and
argument. The fast path (:mod:`aitrends.fastpath`) must read a command line without importing
typer, so this module writes what it needs — every option's spellings, whether it takes a
value, whether it repeats, and which parameters name records for TAB completion — into the
generated module :mod:`aitrends._spec`. ``tests/test_spec.py`` fails when it is out of date;
regenerate it with::

    python -m aitrends.cli.spec
"""

from __future__ import annotations

import enum
import pprint
import typing
from pathlib import Path
from typing import Any

import typer.main

from . import app

TARGET = Path(__file__).resolve().parent.parent / "_spec.py"
HEADER = '''"""The command line's shape, for the fast path: generated from the typer app by
``python -m aitrends.cli.spec`` (see :mod:`aitrends.cli.spec`). Do not edit.

Option spelling -> [parameter, takes a value, repeats, kind of record it names or None, default];
arguments as [parameter, kind of record it names or None, nargs].
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

'''
TYPES = {"GLOBAL": "dict[str, list[Any]]", "COMMANDS": "dict[str, dict[str, Any]]"}


def _kinds(callback: Any) -> dict[str, str]:
    """Parameter name -> the kind of record it names, from the command's annotations."""
    out = {}
    for name, hint in typing.get_type_hints(callback, include_extras=True).items():
        for meta in getattr(hint, "__metadata__", ()):
            kind = getattr(getattr(meta, "autocompletion", None), "kind", None)
            if kind is not None:
                out[name] = kind
    return out


def _params(params: list[Any], kinds: dict[str, str]) -> dict[str, Any]:
    options: dict[str, list[Any]] = {}
    arguments: list[list[Any]] = []
    for p in params:
        if p.param_type_name == "argument":
            arguments.append([p.name, kinds.get(p.name), p.nargs])
            continue
        default = p.default.value if isinstance(p.default, enum.Enum) else p.default
        default = default if isinstance(default, str | int | float | bool) else None
        for spelling in p.opts:
            options[spelling] = [p.name, not p.is_flag, bool(p.multiple), kinds.get(p.name), default]
        for spelling in p.secondary_opts:  # --no-x of a --x/--no-x flag
            options[spelling] = [p.name, False, False, None, None]
    return {"options": dict(sorted(options.items())), "arguments": arguments}


def build() -> dict[str, Any]:
    """The shape of every command line: global options, and each command's options and arguments."""
    group = typer.main.get_command(app)
    callbacks = {
        (info.name or info.callback.__name__.replace("_", "-")): info.callback  # type: ignore[union-attr]
        for info in app.registered_commands
    }
    root = _params([p for p in group.params if p.name not in ("install_completion", "show_completion")], {})
    commands = {}
    for name, command in sorted(group.commands.items()):  # type: ignore[attr-defined]
        commands[name] = _params(command.params, _kinds(callbacks[name]))
    return {"GLOBAL": root["options"], "COMMANDS": commands}


def render(spec: dict[str, Any]) -> str:
    """The text of :mod:`aitrends._spec`."""
    body = "".join(
        f"{name}: {TYPES[name]} = {pprint.pformat(value, width=100, sort_dicts=False)}\n"
        for name, value in spec.items()
    )
    return HEADER + body


def main() -> None:
    """Write :mod:`aitrends._spec` when it changed."""
    text = render(build())
    if not TARGET.exists() or TARGET.read_text(encoding="utf-8") != text:
        TARGET.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
