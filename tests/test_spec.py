"""Every option is declared once: the fast path reads argv from a spec generated from the app."""

from __future__ import annotations

import pytest
import typer.main

from aitrends import _spec, fastpath
from aitrends.cli import app, spec
from aitrends.cli._app import hoist_global_options


def test_the_spec_is_current():
    """aitrends/_spec.py is what the typer app generates (regenerate: python -m aitrends.cli.spec)."""
    assert spec.TARGET.read_text(encoding="utf-8") == spec.render(spec.build())


def test_every_command_and_spelling_is_in_the_spec():
    group = typer.main.get_command(app)
    assert set(_spec.COMMANDS) == set(group.commands)
    for name, command in group.commands.items():
        spellings = {
            s for p in command.params for s in (*p.opts, *p.secondary_opts) if p.param_type_name == "option"
        }
        assert set(_spec.COMMANDS[name]["options"]) == spellings, name


def test_the_fast_path_answers_only_parameters_that_exist():
    """The fast path names parameters, never spellings; each one exists in its command."""
    for command, params in fastpath.ANSWERS.items():
        declared = {o[0] for o in _spec.COMMANDS[command]["options"].values()}
        declared |= {a[0] for a in _spec.COMMANDS[command]["arguments"]}
        assert params <= declared, command
    assert fastpath.GLOBALS <= {o[0] for o in _spec.GLOBAL.values()}


@pytest.mark.parametrize(
    ("argv", "understood"),
    [
        (["claims", "--topic", "cost"], True),
        (["claims", "-t", "cost", "--as-of=2027-01-01"], True),
        (["claims", "--metric", "x"], True),
        (["forecasts", "--metric", "x"], False),  # no such option of forecasts
        (["claims", "--no-such"], False),
        (["quote", "-p", "x", "--limit", "3"], True),
        (["search", "x", "y"], True),
        (["search", "x", "--", "-y"], False),
        (["search", "--text", "x"], False),
        (["--no-bundled", "claims"], True),
        (["claims", "--max-depth", "3"], False),
    ],
)
def test_parse(argv, understood):
    assert (fastpath.parse(argv) is not None) == understood


def test_hoisting_reads_the_spec():
    """A global option after the command moves in front; a command's own option stays."""
    argv = ["claims", "--topic", "x", "--data-dir", "d", "--no-cache", "--as-of", "2026"]
    assert hoist_global_options(argv) == [
        "--data-dir",
        "d",
        "--no-cache",
        "claims",
        "--topic",
        "x",
        "--as-of",
        "2026",
    ]
