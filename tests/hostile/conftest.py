"""Shared pieces of the hostile-input tests: a minimal valid data directory to add files to."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

import aitrends
from aitrends.loader import Limits

CORPUS = Path(__file__).parent / "corpus"

# A small, complete data directory of its own, so that these tests depend on nothing else.
BASE = {
    "sources.yaml": """\
sources:
  - id: src
    title: 示例来源
    title_en: Example source
    kind: column
    language: [zh-Hans]
    outlet: outlet
    sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
""",
    "organizations.yaml": "organizations:\n  - {id: outlet, name_en: Example Outlet, kind: media}\n",
    "people.yaml": "people:\n  - {id: ann, name_en: Ann Example, name_zh_hans: 安}\n",
    "topics.yaml": "topics:\n  - {id: things, label_en: Things, label_zh: 事物}\n",
}

FACT = """\
  - id: {id}
    kind: claim
    speaker: ann
    topics: [things]
    statement: {statement}
    excerpt: 事物总是在不断变化之中。
    excerpt_en: Things are always changing.
"""


def fact(id: str = "things-change", statement: str = "Ann says things change.") -> str:
    """One valid fact, as an item of a ``facts:`` list."""
    return FACT.format(id=id, statement=statement)


def fact_file(*facts: str) -> str:
    """A valid fact file of the given items (default: one fact)."""
    return "source: src\nfacts:\n" + "".join(facts or [fact()])


def make_base(root: Path) -> Path:
    """Write the base data directory at ``root`` (with an empty facts/) and return it."""
    (root / "facts").mkdir(parents=True)
    for name, text in BASE.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture(autouse=True)
def _no_limit_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    """No limit set in the user's environment changes what these tests see."""
    for name in ("max_file_size", "max_depth", "max_values", "max_facts"):
        monkeypatch.delenv(Limits.env_name(name), raising=False)


@pytest.fixture
def base(tmp_path: Path) -> Path:
    """A valid data directory with no facts yet."""
    return make_base(tmp_path / "data")


def shown(path: Path) -> str:
    """A path as the loader shows it in messages."""
    rel = os.path.relpath(path)
    return str(path) if rel.startswith("..") else rel


def problems(data_dir: Path, **limits) -> list[str]:
    """Every problem of loading ``data_dir`` alone (it must fail), as text."""
    with pytest.raises(aitrends.DataError) as info:
        aitrends.load(data_dir, bundled=False, **limits)
    return [str(p) for p in info.value.problems]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A small valid data directory of one fact, to run commands against."""
    d = make_base(tmp_path / "data")
    (d / "facts" / "a.yaml").write_text(fact_file(), encoding="utf-8")
    return d


def run(data: Path, *args: str, env: dict[str, str] | None = None) -> Any:
    """``aitrends --no-bundled -d DATA ARGS`` in-process: never a traceback, never an
    exception other than an exit."""
    from typer.testing import CliRunner

    from aitrends.cli import app

    result = CliRunner().invoke(app, ["--no-bundled", "-d", str(data), *args], env=env)
    assert "Traceback" not in result.output
    assert not result.exception or isinstance(result.exception, SystemExit), result.exception
    return result
