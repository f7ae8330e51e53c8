"""Shared fixtures: a small fictional knowledge base, and a CLI runner pointed at it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings
from typer.testing import CliRunner

import aitrends

settings.register_profile("reproducible", derandomize=True, database=None)
settings.load_profile("reproducible")
"""Property tests draw the same examples on every run and machine (the same commit gives the
same result); set HYPOTHESIS_PROFILE=explore to draw new ones (a local hunt for bugs)."""
settings.register_profile("explore", derandomize=False)
if os.environ.get("HYPOTHESIS_PROFILE") == "explore":
    settings.load_profile("explore")

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_DATA = FIXTURES / "data"
FIXTURE_ARTICLES = FIXTURES / "articles"
ROOT = Path(__file__).parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
TODAY = "2026-11-23"
"""The day every test runs on ($AITRENDS_TODAY); CI also runs the suite under a shifted clock."""


@pytest.fixture(scope="session")
def _cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One index cache for the whole run, never the user's ~/.cache."""
    return tmp_path_factory.mktemp("aitrends-cache")


@pytest.fixture(autouse=True)
def _isolate(monkeypatch: pytest.MonkeyPatch, _cache_dir: Path) -> None:
    """No test sees the user's environment or writes to their cache."""
    monkeypatch.setenv("AITRENDS_CACHE_DIR", str(_cache_dir))
    monkeypatch.delenv("AITRENDS_DATA", raising=False)
    monkeypatch.delenv("AITRENDS_NO_BUNDLED", raising=False)
    monkeypatch.delenv("AITRENDS_DEBUG", raising=False)
    monkeypatch.setenv("COLUMNS", "120")
    # Every "today" in a test is this day (aitrends.clock), whatever the machine's clock says.
    monkeypatch.setenv("AITRENDS_TODAY", TODAY)


@pytest.fixture(scope="session")
def kb() -> aitrends.KnowledgeBase:
    """The fixture knowledge base, without the bundled data."""
    return aitrends.load(FIXTURE_DATA, bundled=False)


@pytest.fixture(scope="session")
def real_kb() -> aitrends.KnowledgeBase:
    """The bundled knowledge base."""
    return aitrends.load()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture data directory."""
    dest = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, dest)
    return dest


def fixture_args(*args: str) -> list[str]:
    """CLI arguments that select the fixture data only."""
    return ["--no-bundled", "--data-dir", str(FIXTURE_DATA), *args]


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Report the accuracy of the lookup and search quality gate."""
    from . import test_lookup_quality as q

    if q.RESULTS:
        ok = sum(q.RESULTS)
        terminalreporter.write_line(
            f"lookup/search quality gate: {ok}/{len(q.RESULTS)} correct ({100 * ok / len(q.RESULTS):.1f}%)"
        )


def fast(capsys: pytest.CaptureFixture[str], args: list[str], **env: str) -> tuple[int, str, str] | None:
    """What the fast path answers for ``args`` (exit code, stdout, stderr), or None when it
    leaves the command to typer."""
    from aitrends import fastpath

    fastpath.reset()
    capsys.readouterr()
    code = fastpath.answer(list(args), {**os.environ, **env})
    out, err = capsys.readouterr()
    return None if code is None else (code, out, err)


def normal(runner: CliRunner, args: list[str]) -> tuple[int, str, str]:
    """What typer answers for ``args``, the global options hoisted as ``main()`` does."""
    from aitrends.cli import app
    from aitrends.cli._app import hoist_global_options

    result = runner.invoke(app, hoist_global_options(list(args)))
    return result.exit_code, result.stdout, result.stderr


def index_env(monkeypatch: pytest.MonkeyPatch, cache_dir: Path) -> None:
    """The index in ``cache_dir``, caching on, no limits, the fast path ready to answer."""
    from aitrends import config, fastpath

    monkeypatch.setenv("AITRENDS_CACHE_DIR", str(cache_dir))
    monkeypatch.delenv("AITRENDS_NO_CACHE", raising=False)
    for limit in config.LIMITS:
        monkeypatch.delenv(f"AITRENDS_MAX_{limit}", raising=False)
    fastpath.reset()
