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
