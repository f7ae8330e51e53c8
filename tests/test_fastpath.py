"""The fast path answers exactly as the normal path, or leaves the question to it."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from aitrends import cache, config, fastpath
from aitrends.forecasts import forecast_record
from aitrends.query import daily_fields

from .conftest import FIXTURE_DATA, ROOT, fast, index_env, normal

FIX = ["--no-bundled", "--data-dir", str(FIXTURE_DATA)]


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def cache_env(shared_cache, monkeypatch):
    index_env(monkeypatch, shared_cache)
    yield
    fastpath.reset()


FIXTURE_CASES = [
    ["search", "data"],
    ["search", "data", "--json"],
    ["search", "推理成本", "-f", "jsonl"],
    ["search", "run", "out", "-n", "1"],
    ["search", "data", "--kind", "forecast", "--json"],
    ["search", "data", "-p", "Roe", "--as-of", "2027-01-01", "--json"],
    ["search", "zzzqqq"],
    ["search", "zzzqqq", "--json"],
    ["search", "data", "zzzqqq", "--json"],  # only some words match: a notice on stderr
    ["search", "data", "--lang", "en", "-n", "0"],
    ["claims"],
    ["claims", "--json"],
    ["claims", "-f", "json"],
    ["claims", "--format", "JSON"],
    ["claims", "-f", "jsonl"],
    ["claims", "--format=table"],
    ["claims", "--topic", "cost"],
    ["claims", "--topic", "cost", "--json"],
    ["claims", "-t", "推理成本", "--json"],
    ["claims", "-t", "compute", "-t", "model-size", "-f", "jsonl"],
    ["claims", "--topic=Market size", "-f", "json"],
    ["claims", "--person", "Zhang San", "--kind", "quote", "--kind", "claim", "--json"],
    ["claims", "-p", "张三", "-k", "forecast"],
    ["claims", "-p", "張三", "-k", "forecast", "--json"],
    ["claims", "-p", "Roe", "-f", "json"],
    ["claims", "-p", "zhang-san", "-p", "jane-roe", "-n", "4"],
    ["claims", "--source", "beta-column", "--json"],
    ["claims", "-s", "Example Weekly column", "-f", "jsonl"],
    ["claims", "--source", "Example Weekly", "--json"],
    ["claims", "-s", "示例日报", "-f", "jsonl"],
    ["claims", "--kind", "Forecasts", "--json"],
    ["claims", "--since", "2024-03", "--until", "2024", "--json"],
    ["claims", "--since", " 2024-03-05 ", "--json"],
    ["claims", "--until", "2024-03-04", "--json"],
    ["claims", "--since", "2024-02-29", "--until", "2024-03-31", "--json"],
    ["claims", "--since", "2025"],
    ["claims", "--since", "2025", "--json"],
    ["claims", "--since", "2025", "-f", "jsonl"],
    ["claims", "-n", "2", "--json"],
    ["claims", "--limit", "3"],
    ["claims", "--kind", "forecast", "--json"],
    ["claims", "--kind", "forecast", "-f", "jsonl"],
    ["claims", "--kind", "forecast"],
    ["claims", "--json", "--format", "table"],
    ["quote", "--person", "Jane Roe"],
    ["quote", "-p", "张三", "--json"],
    ["quote", "-p", "zhang-san", "-t", "market-size", "-f", "jsonl"],
    ["quote", "-p", "John Roe"],
    ["quote", "-p", "John Roe", "--json"],
    ["quote", "--person=Zhang San", "--limit", "2"],
    ["quote", "-p", "Zhang San", "--kind", "quote", "--json"],
    ["quote", "-p", "Zhang San", "-k", "Claims", "-k", "forecast", "-n", "2"],
    ["claims", "--metric", "inference-cost", "--json"],
    ["claims", "--text", "data", "-f", "jsonl"],
    ["claims", "--text", "data", "--text", "zzzqqq"],
    ["claims", "-f", "csv"],
    ["claims", "--topic", "cost", "-f", "markdown"],
    ["quote", "-p", "Zhang San", "-f", "csv"],
    ["search", "data", "-f", "csv"],
]


class TestSameAnswers:
    """Byte for byte what the normal path prints, on the fixture and the bundled data."""

    @pytest.mark.parametrize("args", FIXTURE_CASES, ids=lambda a: " ".join(a))
    def test_fixture(self, runner, capsys, args):
        answered = fast(capsys, [*FIX, *args])
        assert answered is not None, "the fast path should answer this"
        assert answered == normal(runner, [*FIX, *args])

    @pytest.mark.parametrize("args", FIXTURE_CASES[::3], ids=lambda a: " ".join(a))
    def test_without_a_cache(self, runner, capsys, args):
        """--no-cache answers with the same code, on an index built in memory."""
        answered = fast(capsys, [*FIX, *args])
        assert answered == normal(runner, ["--no-cache", *FIX, *args])

    @pytest.mark.parametrize(
        "args",
        [
            ["claims", "--json", "--no-bundled", "-d", str(FIXTURE_DATA)],
            ["claims", "-d", str(FIXTURE_DATA), "--topic", "cost", "--no-bundled", "-f", "jsonl"],
            ["--no-bundled", "quote", f"--data-dir={FIXTURE_DATA}", "-p", "Jane Roe"],
        ],
        ids=["flags after", "mixed", "split"],
    )
    def test_global_options_after_the_command(self, runner, capsys, args):
        answered = fast(capsys, args)
        assert answered is not None, "the fast path should answer this"
        assert answered == normal(runner, args)

    @pytest.mark.parametrize(
        "args",
        [
            ["claims", "--topic", "inference-cost", "--format", "json"],
            ["search", "推理成本"],
            ["search", "inference", "cost", "--json"],
            ["search", "gpt4", "-n", "3"],
            ["search", "光伏", "solar", "-f", "jsonl"],
            ["claims", "--topic", "inference-cost"],
            ["claims", "--topic", "inference-cost", "-f", "jsonl"],
            ["quote", "--person", "Amodei"],
            ["quote", "--person", "Amodei", "--json"],
            ["quote", "-p", "李开复", "-t", "agi"],
            ["claims", "-p", "Kai-Fu Lee", "-k", "forecast", "--json"],
            ["claims", "--since", "2024", "--until", "2024-06", "-n", "5"],
            ["claims", "-s", "nbd-etzioni-2023", "-f", "jsonl"],
            ["claims", "-k", "figure", "-t", "compute", "--json"],
            ["claims"],
            ["claims", "-n", "0"],
            ["claims", "-k", "claim", "-n", "150"],
            ["quote", "-p", "Amodei", "-n", "0"],
        ],
        ids=lambda a: " ".join(a),
    )
    def test_bundled(self, runner, capsys, args):
        answered = fast(capsys, args)
        assert answered is not None, "the fast path should answer this"
        assert answered == normal(runner, args)

    def test_a_narrow_console(self, runner, capsys, monkeypatch):
        monkeypatch.setenv("COLUMNS", "70")
        args = [*FIX, "quote", "-p", "zhang-san"]
        assert fast(capsys, args) == normal(runner, args)


class TestFallsThrough:
    """What the fast path cannot answer exactly, it leaves to the normal path."""

    @pytest.mark.parametrize(
        ("args", "why"),
        [
            (["claims", "-t", "nonexistent"], "unknown topic"),
            (["claims", "-p", "Example"], "ambiguous name"),
            (["claims", "-p", "Zhang Sam"], "a typo: the normal path corrects it"),
            (["claims", "-p", " "], "blank name"),
            (["claims", "--kind", "bogus"], "bad kind"),
            (["claims", "-f", "yaml"], "a format that needs PyYAML"),
            (["claims", "--since", "2024-13"], "bad date"),
            (["claims", "--since", "2024-00"], "month 0"),
            (["claims", "--until", "2024-05-00"], "day 0"),
            (["claims", "--until", "2023-02-29"], "no such day"),
            (["claims", "--since", "0000"], "year 0"),
            (["claims", "--since", "2024-5"], "one-digit month"),
            (["claims", "--since", "２０２４"], "digits other than ASCII"),
            (["claims", "-n", "-1"], "negative limit"),
            (["claims", "-n", "1_0"], "a number click reads differently"),
            (["claims", "-tcost"], "attached short option"),
            (["claims", "--topic"], "missing value"),
            (["claims", "--topic", "-x"], "value like an option"),
            (["claims", "--since", "2024", "--since", "2025"], "repeated single option"),
            (["claims", "extra"], "extra argument"),
            (["claims", "--json=yes"], "flag with a value"),
            (["quote"], "missing --person"),
            (["validate"], "other command"),
            (["show", "zhang-open-source"], "not an id as written: the normal path suggests"),
            (["show", "zhang-open-source-matters", "-f", "yaml"], "other format"),
            (["forecasts", "--status", "bogus"], "bad status"),
            (["forecasts", "--horizon-before", "2024-5"], "bad date"),
            (["claims", "--help"], "help"),
            (["--no-cache", "claims"], "--no-cache"),
            (["--version"], "no command"),
        ],
        ids=lambda x: x if isinstance(x, str) else " ".join(x),
    )
    def test_fixture(self, capsys, args, why):
        assert fast(capsys, [*FIX, *args]) is None, why

    def test_a_missing_data_directory(self, capsys, tmp_path):
        assert fast(capsys, ["--no-bundled", "-d", str(tmp_path / "nowhere"), "claims"]) is None

    @pytest.mark.parametrize("limit", config.LIMITS)
    def test_a_limit_in_the_environment(self, capsys, limit):
        assert fast(capsys, [*FIX, "claims"], **{f"AITRENDS_MAX_{limit}": "10"}) is None

    def test_no_cache_in_the_environment(self, capsys):
        assert fast(capsys, [*FIX, "claims"], AITRENDS_NO_CACHE="1") is None

    def test_data_with_problems(self, capsys, data_copy, runner):
        (data_copy / "facts" / "stray.txt").write_text("notes")
        args = ["--no-bundled", "-d", str(data_copy), "claims"]
        assert fast(capsys, args) is None
        code, _out, err = normal(runner, args)
        assert (code, err.splitlines()[-1]) == (1, "Error: 1 problem in the data")

    def test_once_per_process(self, capsys):
        fastpath.reset()
        assert fastpath.answer([*FIX, "claims", "--json"]) == 0
        assert fastpath.answer([*FIX, "claims", "--json"]) is None


class TestParse:
    """The command line is understood exactly or not at all."""

    def test_options(self):
        q = fastpath.parse(
            ["-d", "a", "--data-dir=b", "--no-bundled", "claims", "-t", "x", "--topic=y", "-n", "7"]
        )
        assert (q.command, q.data_dir, q.no_bundled, q.topic, q.limit, q.fmt) == (
            "claims",
            ["a", "b"],
            True,
            ["x", "y"],
            7,
            "table",
        )

    def test_json_wins_over_format(self):
        assert fastpath.parse(["claims", "--format", "jsonl", "--json"]).fmt == "json"

    def test_quote_person(self):
        assert fastpath.parse(["quote", "-p", "Amodei"]).person == ["Amodei"]


class TestDailyFields:
    """A forecast's status, days to due and as-of date are judged on the day they are printed."""

    @pytest.mark.parametrize("today", ["2020-01-01", "2024-12-31", "2025-01-01", "2026-12-31", "2031-01-01"])
    def test_as_forecast_record(self, kb, real_kb, today):
        day = dt.date.fromisoformat(today)
        for knowledge, data in ((kb, [str(FIXTURE_DATA)]), (real_kb, [config.bundled_data_dir()])):
            con = cache.open_fresh(data)
            assert con is not None
            for fact in knowledge.forecasts():
                row = con.execute(
                    "SELECT horizon_end, resolved FROM facts WHERE id = ?", (fact.id,)
                ).fetchone()
                expected = forecast_record(knowledge, fact, as_of=day)
                got = daily_fields(row["horizon_end"], row["resolved"], day)
                assert got == {k: expected[k] for k in cache.DAILY}, fact.id


class TestTables:
    """Tables are drawn for the console they are written to, as the normal path draws them."""

    def test_another_width_is_drawn_anew(self, runner, capsys, monkeypatch):
        args = [*FIX, "claims", "--topic", "cost"]
        wide = fast(capsys, args)
        monkeypatch.setenv("COLUMNS", "60")
        narrow = fast(capsys, args)
        assert narrow == normal(runner, args)
        assert narrow != wide


def run(args, **env):
    environ = {**os.environ, "COLUMNS": "120", **env}
    return subprocess.run(
        [sys.executable, "-m", "aitrends", *args],
        capture_output=True,
        text=True,
        env=environ,
        cwd=ROOT,
        check=False,
    )


class TestProcess:
    """The real command: the hook at the start of main() answers, and the answer is the same."""

    @pytest.mark.realtime
    def test_same_output_and_the_index_is_made(self, shared_cache, tmp_path):
        args = [*FIX, "claims", "--topic", "cost", "--json"]
        fresh = tmp_path / "cache"
        answered = run(args, AITRENDS_CACHE_DIR=str(fresh))
        assert list(fresh.glob("index-*.sqlite")), "the fast path did not run"
        slow = run(args, AITRENDS_NO_CACHE="1")
        assert (answered.returncode, answered.stdout, answered.stderr) == (
            slow.returncode,
            slow.stdout,
            slow.stderr,
        )
        assert [r["id"] for r in json.loads(answered.stdout)] == ["zhang-inference-cost-falls-10x"]

    @pytest.mark.parametrize(
        "args",
        [
            [*FIX, "quote", "-p", "Jane Roe", "--json"],
            [*FIX, "sources", "--json"],
            [*FIX, "claims", "-t", "nope"],
        ],
        ids=["answered", "another command", "an error"],
    )
    def test_fastpath_main_as_the_entry_point(self, args):
        """aitrends.fastpath:main answers, or hands over to the CLI, exactly as the CLI would."""
        environ = {**os.environ, "COLUMNS": "120"}
        entry = subprocess.run(
            [sys.executable, "-c", "from aitrends.fastpath import main; main()", *args],
            capture_output=True, text=True, env=environ, cwd=ROOT, check=False,
        )  # fmt: skip
        slow = run(args, AITRENDS_NO_CACHE="1")
        assert (entry.returncode, entry.stdout, entry.stderr) == (slow.returncode, slow.stdout, slow.stderr)
        assert entry.stdout or entry.stderr

    def test_an_error_is_the_normal_error(self):
        fast_run, slow = (
            run([*FIX, "claims", "-t", "nope"]),
            run([*FIX, "claims", "-t", "nope"], AITRENDS_NO_CACHE="1"),
        )
        assert (fast_run.returncode, fast_run.stderr) == (slow.returncode, slow.stderr)
        assert fast_run.stderr.startswith("Error: unknown topic 'nope'")

    @pytest.mark.skipif(
        subprocess.run(
            [sys.executable, "-c", "import sys, aitrends; sys.exit('pydantic' in sys.modules)"], check=False
        ).returncode
        != 0,
        reason="aitrends/__init__.py imports pydantic eagerly (see docs/performance.md)",
    )
    def test_answers_without_pydantic_typer_or_yaml(self):
        code = (
            "import sys; from aitrends import fastpath; "
            "assert fastpath.answer(sys.argv[1:]) == 0; "
            "sys.stderr.write(' '.join(m for m in ('pydantic', 'typer', 'yaml', 'rich') if m in sys.modules))"
        )
        out = subprocess.run(
            [sys.executable, "-c", code, *FIX, "claims", "--json"], capture_output=True, text=True, check=True
        )
        assert out.stderr == ""


def test_columns_of_memo_and_cli_agree():
    """The stored column layout is the CLI's (the index takes it from aitrends.cli.facts)."""
    from aitrends.views import FACT_COLUMNS, QUOTE_COLUMNS

    con = cache.open_fresh([str(FIXTURE_DATA)])
    for name, cols in (("claims", FACT_COLUMNS), ("quote", QUOTE_COLUMNS)):
        stored = json.loads(
            con.execute("SELECT value FROM meta WHERE key = ?", (f"columns.{name}",)).fetchone()[0]
        )
        assert stored == [[c.header, c.ratio, c.no_wrap] for c in cols]


def test_paths(tmp_path):
    assert Path(config.cache_dir({"AITRENDS_CACHE_DIR": str(tmp_path)})) == tmp_path
    assert config.cache_dir({"XDG_CACHE_HOME": "/x/cache", "HOME": "/h"}) == "/x/cache/aitrends"
    assert config.cache_dir({"XDG_CACHE_HOME": "relative"}).endswith(os.path.join(".cache", "aitrends"))
