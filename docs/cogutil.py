"""Helpers for the cog blocks in README.md and docs/*.md: run a real command, paste its output.

Regenerate with ``cog -I docs -r README.md docs/*.md``; CI checks with ``cog -I docs --check``.
"""

from __future__ import annotations

import os
import shlex

import cog  # type: ignore[import-not-found]

WIDTH = "100"
TODAY = "2026-11-23"
"""The day the examples are judged on ($AITRENDS_TODAY), so that the docs never change with the
date they are regenerated or checked on: forecast status and days to due are as of this day."""


def show(command: str, *, lines: int | None = None, stderr: bool = False) -> None:
    """Run ``aitrends ...`` in-process with a fixed terminal width and paste a console block."""
    from typer.testing import CliRunner

    from aitrends.cli import app

    args = shlex.split(command)
    assert args[0] == "aitrends"
    env = {"COLUMNS": WIDTH, "TERM": "dumb", "NO_COLOR": "1", "AITRENDS_NO_CACHE": "1", "AITRENDS_TODAY": TODAY}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        result = CliRunner().invoke(app, args[1:], catch_exceptions=False)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    out = result.stdout + (result.stderr if stderr else "")
    text = out.rstrip("\n").split("\n")
    if lines is not None and len(text) > lines:
        text = text[:lines] + ["…"]
    cog.outl("```console")
    cog.outl(f"$ {command}")
    for line in text:
        cog.outl(line.rstrip())
    cog.outl("```")


def session(
    commands: list[str], *, setup: tuple[str, ...] = (), files: tuple[str, ...] = (), layer: str = "my-data"
) -> None:
    """Run ``commands`` one after another in a scratch directory (the working directory for
    their length), each shown with its stdout and stderr, after running ``setup`` unshown; then
    show ``files``. Commands that write a data layer (``resolve``) so start from an empty
    ``layer`` each time the docs are generated."""
    import tempfile

    from typer.testing import CliRunner

    from aitrends.cli import app

    here = os.getcwd()
    with tempfile.TemporaryDirectory() as scratch:
        os.makedirs(os.path.join(scratch, layer))
        os.chdir(scratch)
        try:
            for command in setup:
                result = CliRunner().invoke(app, shlex.split(command)[1:], catch_exceptions=False)
                assert result.exit_code == 0, result.stderr
            for command in commands:
                show(command, stderr=True)
            for name in files:
                with open(name, encoding="utf-8") as fh:
                    cog.outl("```yaml")
                    cog.outl(f"# {name}")
                    cog.out(fh.read())
                    cog.outl("```")
        finally:
            os.chdir(here)


def hedge_table() -> None:
    """The bundled hedge-word table (data/hedges.yaml) as Markdown."""
    from aitrends.hedges import load_table

    table = load_table()
    d = table.default
    assert d is not None
    cog.outl("| word | probability | Kent's point | source | note |")
    cog.outl("|---|---|---|---|---|")
    cog.outl(f"| *(no hedge)* | {d.probability:g} | {d.kent} | {d.source} | {_cell(d.note)} |")
    for w in sorted(table.words.values(), key=lambda w: (-w.probability, w.word)):
        cog.outl(f"| {w.word} | {w.probability:g} | {w.kent} | {w.source} | {_cell(w.note)} |")
    cog.outl("")
    for sid, text in table.sources.items():
        cog.outl(f"- `{sid}`: {_cell(text)}")


def _cell(text: str | None) -> str:
    return " ".join((text or "").split()).replace("|", "\\|")
