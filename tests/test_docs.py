"""The documentation is true: examples run, generated parts are current, every command is documented."""

from __future__ import annotations

import doctest
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

from aitrends.cli import app

from .conftest import ROOT, SEEDS

DOCS = ROOT / "docs"


def test_python_api_examples_run():
    result = doctest.testfile(
        str(DOCS / "python-api.md"), module_relative=False, optionflags=doctest.ELLIPSIS
    )
    assert result.failed == 0 and result.attempted > 20


@pytest.mark.skipif(not SEEDS.is_dir(), reason="docs/cli.md shows verify against ../shared/seeds")
def test_cog_blocks_are_current():
    """README.md and docs/*.md show the real output of today's code and data."""
    files = [
        "README.md",
        *sorted(
            str(p.relative_to(ROOT)) for p in DOCS.glob("*.md") if "[[[cog" in p.read_text(encoding="utf-8")
        ),
    ]
    result = subprocess.run(
        [sys.executable, "-m", "cogapp", "-I", "docs", "--check", "--diff", *files],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_command_is_in_the_docs():
    cli_doc = (DOCS / "cli.md").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in typer.main.get_command(app).commands:
        assert f"aitrends {name}" in cli_doc + readme or f"`{name}`" in readme, name


def test_readme_opens_with_the_two_commands():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    code = [line for line in lines[:15] if line.startswith("python3 -m venv")]
    assert code[0].endswith("aitrends claims --topic inference-cost")
    assert code[1].endswith(".venv/bin/python -m pytest")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert (
        "--require-hashes -r requirements/test.txt" in code[1]
        and "--require-hashes -r requirements/test.txt" in ci
    )
    assert ".venv/bin/python -m pytest" in ci


def test_changelog_has_unreleased_section():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert text.startswith("# Changelog") and "## [Unreleased]" in text


def test_doc_links_resolve():
    import re

    for md in [ROOT / "README.md", *DOCS.glob("*.md")]:
        for target in re.findall(r"\]\(([^)#:]+\.md)\)", md.read_text(encoding="utf-8")):
            assert (md.parent / target).is_file(), f"{md.name} links to missing {target}"


def test_example_layers_load():
    import aitrends

    kb = aitrends.load(DOCS / "examples" / "my-data")
    assert "etzioni-more-multimodal-models-2024" in kb.resolutions
    assert Path(DOCS / "examples" / "broken-data").is_dir()


def test_cli_reference_is_current(tmp_path):
    """docs/cli-reference.md is generated from the app by typer's docs utility."""
    out = tmp_path / "ref.md"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "typer",
            "aitrends.cli",
            "utils",
            "docs",
            "--name",
            "aitrends",
            "--title",
            "aitrends command reference",
            "--output",
            str(out),
        ],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    committed = (DOCS / "cli-reference.md").read_text(encoding="utf-8")
    assert out.read_text(encoding="utf-8") == committed, (
        "regenerate: python -m typer aitrends.cli utils docs --name aitrends "
        "--title 'aitrends command reference' --output docs/cli-reference.md"
    )
    for name in typer.main.get_command(app).commands:
        assert f"## `aitrends {name}`" in committed
