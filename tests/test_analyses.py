"""The analysis commands (related, trends, check, compare, scores): computed with the models
once per state of the data, kept in the index, answered from it by the fast path exactly as
the typer command computes them, and never kept past a change of the data."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

import aitrends
from aitrends import cache, fastpath, kept
from aitrends.relate import related

from .conftest import FIXTURE_DATA, fast, index_env, normal

FIX = ["--no-bundled", "--data-dir", str(FIXTURE_DATA)]
FACT = "zhang-inference-cost-falls-10x"
CASES = [
    ["related", FACT],
    ["related", FACT, "--json"],
    ["related", FACT, "-n", "1", "-f", "csv"],
    ["related", "roe-data-runs-out-2026", "--as-of", "2027-01-01", "-f", "jsonl"],
    ["trends"],
    ["trends", "--json"],
    ["trends", "--repeats", "-f", "jsonl"],
    ["trends", "--topic", "cost", "-f", "markdown"],
    ["trends", "-p", "Jane Roe", "--json"],
    ["trends", "--metric", "inference-cost", "-f", "csv"],
    ["check"],
    ["check", "--json"],
    ["compare", "--topic", "cost"],
    ["compare", "--topic", "cost", "--json"],
    ["compare", "--metric", "inference-cost", "-f", "jsonl"],
    ["scores"],
    ["scores", "--json"],
    ["scores", "-f", "csv"],
    ["scores", "-f", "jsonl"],
    ["scores", "-f", "markdown"],
    ["scores", "--as-of", "2024-01-01", "--json"],
    ["scores", "-p", "Jane Roe", "--topic", "training-data"],
]


@pytest.fixture(autouse=True)
def cache_env(tmp_path, monkeypatch):
    index_env(monkeypatch, tmp_path / "cache")
    yield
    fastpath.reset()


def _kept(dirs: list[str]) -> list[tuple[str, str]]:
    con = cache.open_fresh(dirs)
    assert con is not None
    try:
        return [(r[0], r[1]) for r in con.execute("SELECT command, key FROM derived ORDER BY seq")]
    finally:
        con.close()


class TestKeptAndAnswered:
    @pytest.mark.parametrize("args", CASES, ids=lambda a: " ".join(a))
    def test_computed_once_then_answered_by_the_fast_path(self, runner, capsys, args):
        """Nothing kept: the fast path leaves the command to typer, which computes and keeps the
        result; then the fast path answers it, byte for byte as typer did."""
        assert fast(capsys, [*FIX, *args]) is None
        computed = normal(runner, [*FIX, *args])
        assert computed[0] == 0, computed[2]
        assert _kept([str(FIXTURE_DATA)]), "nothing was kept"
        assert fast(capsys, [*FIX, *args]) == computed
        assert normal(runner, [*FIX, *args]) == computed  # typer reads the kept result too

    @pytest.mark.parametrize("args", CASES[::4], ids=lambda a: " ".join(a))
    def test_without_a_cache_the_same(self, runner, args):
        """--no-cache: an index in memory, computed there and kept nowhere, the same answer."""
        in_memory = normal(runner, ["--no-cache", *FIX, *args])
        assert not Path(cache.index_path([str(FIXTURE_DATA)])).exists()
        assert in_memory == normal(runner, [*FIX, *args])

    def test_one_entry_per_question(self, runner):
        """The format, the limit and --json are not part of the key; names are resolved first,
        so a name and its id are one question; the day is part of it only for scores."""
        for args in (["trends", "-t", "cost"], ["trends", "-t", "Cost", "--json"], ["trends", "-t", "cost"]):
            normal(runner, [*FIX, *args])
        for args in (
            ["related", FACT],
            ["related", FACT, "-n", "1", "--json"],
            ["related", FACT, "--as-of", "2030"],
        ):
            normal(runner, [*FIX, *args])
        for day in ("2024-01-01", "2025-01-01", "2024-01-01"):
            normal(runner, [*FIX, "scores", "--as-of", day])
        found = _kept([str(FIXTURE_DATA)])
        assert [c for c, _ in found] == ["trends", "related", "scores", "scores"]
        assert json.loads(found[0][1])["topic"] == ["cost"]
        assert [json.loads(k)["day"] for c, k in found if c == "scores"] == ["2024-01-01", "2025-01-01"]

    def test_uncertain_names_go_to_typer(self, runner, capsys):
        """A typo is the knowledge base's to explain (with its notice); the result is kept under
        the id it names."""
        assert fast(capsys, [*FIX, "trends", "--topic", "cots"]) is None
        code, out, err = normal(runner, [*FIX, "trends", "--topic", "cots"])
        assert code == 0 and "cost" in err.lower()
        assert json.loads(_kept([str(FIXTURE_DATA)])[0][1])["topic"] == ["cost"]
        assert fast(capsys, [*FIX, "trends", "--topic", "cots"]) is None  # still explained by typer

    def test_errors_are_typers(self, runner, capsys):
        assert fast(capsys, [*FIX, "compare"]) is None
        assert normal(runner, [*FIX, "compare"])[0] == 2
        assert fast(capsys, [*FIX, "related", "zhang-inference"]) is None
        code, _, err = normal(runner, [*FIX, "related", "zhang-inference"])
        assert code != 0 and "zhang-inference-cost-falls-10x" in err


@pytest.fixture(scope="module")
def kb():
    return aitrends.load(FIXTURE_DATA, bundled=False, cache=False)


class TestSameAsTheModels:
    """A kept result, read back, is what the analysis layer computes from a knowledge base
    loaded from the YAML."""

    def _json(self, runner, *args: str):
        normal(runner, [*FIX, *args, "--json"])  # computed and kept
        code, out, err = normal(runner, [*FIX, *args, "--json"])  # read back
        assert code == 0, err
        return json.loads(out)

    def test_trends(self, runner, kb):
        assert self._json(runner, "trends", "--repeats") == [t.record(kb) for t in kb.trends(repeats=True)]

    def test_related(self, runner, kb):
        got = self._json(runner, "related", FACT, "-n", "0")
        want = related(kb, FACT, limit=None)
        assert [(r["id"], r["relevance"], r["reasons"]) for r in got] == [
            (r.fact.id, r.score, r.reasons) for r in want
        ]

    def test_scores(self, runner, kb):
        import datetime as dt

        from aitrends.scores import scores

        day = dt.date(2030, 1, 1)
        assert self._json(runner, "scores", "--as-of", "2030-01-01") == scores(kb, as_of=day).record()


class TestNeverStale:
    def test_an_edit_empties_the_kept_results(self, runner, data_copy):
        """Any update of the index drops every kept result: the next answer is computed from
        the new data."""
        args = ["--no-bundled", "--data-dir", str(data_copy)]
        before = normal(runner, [*args, "trends", "--json"])
        assert _kept([str(data_copy)])
        path = data_copy / "facts" / "beta-column.yaml"
        text = path.read_text(encoding="utf-8")
        assert "doubles every 6 months" in text
        for old, new in (
            ("6 months", "3 months"),
            ("six months", "three months"),
            ("period: 6", "period: 3"),
        ):
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")
        assert _kept([str(data_copy)]) == []  # open_fresh brought the index up to date
        after = normal(runner, [*args, "trends", "--json"])
        assert after != before and "doubles every 3 months" in after[1]

    def test_a_resolution_changes_the_scores(self, runner, data_copy):
        """resolve writes the user's layer; the next scores counts it (the kept report of the
        same day is dropped)."""
        args = ["--no-bundled", "--data-dir", str(data_copy)]
        day = ["--as-of", "2027-01-01"]
        first = json.loads(normal(runner, [*args, "scores", *day, "--json"])[1])
        assert sum(p["resolved"] for p in first["predictors"]) == 0
        done = runner.invoke(
            aitrends.cli.app,
            [
                *args,
                "resolve",
                "roe-data-runs-out-2026",
                "-o",
                "false",
                "-e",
                "It did not.",
                "--as-of",
                "2027-01-01",
            ],
        )
        assert done.exit_code == 0, done.stderr
        second = json.loads(normal(runner, [*args, "scores", *day, "--json"])[1])
        assert sum(p["resolved"] for p in second["predictors"]) == 1

    def test_a_result_of_older_data_is_not_kept(self, tmp_path):
        """Another process updated the index while this one computed: nothing is kept."""
        data = tmp_path / "data"
        shutil.copytree(FIXTURE_DATA, data)
        con = cache.open_fresh([str(data)])
        other = sqlite3.connect(cache.index_path([str(data)]), isolation_level=None)
        try:
            version = con.execute("PRAGMA data_version").fetchone()[0]
            other.execute("INSERT INTO derived (command, key, body, size) VALUES ('check', 'x', '[]', 2)")
            assert not kept.write(con, "check", "{}", "[]", version)
            version = con.execute("PRAGMA data_version").fetchone()[0]
            assert kept.write(con, "check", "{}", "[]", version)
            assert kept.read(con, "check", "{}") == "[]"
        finally:
            other.close()
            con.close()

    def test_the_oldest_go_first(self, tmp_path, monkeypatch):
        monkeypatch.setattr(kept, "KEPT", 3)
        data = tmp_path / "data"
        shutil.copytree(FIXTURE_DATA, data)
        con = cache.open_fresh([str(data)])
        try:
            for i in range(5):
                version = con.execute("PRAGMA data_version").fetchone()[0]
                assert kept.write(con, "trends", str(i), "[]", version)
            assert [r[0] for r in con.execute("SELECT key FROM derived ORDER BY seq")] == ["2", "3", "4"]
            monkeypatch.setattr(kept, "KEPT_BYTES", 25)
            for i, body in enumerate(["x" * 10, "y" * 10, "z" * 30]):
                assert kept.write(con, "check", str(i), body, kept.version(con))
                assert sum(len(r[0]) for r in con.execute("SELECT body FROM derived")) <= max(25, len(body))
            assert [r[0] for r in con.execute("SELECT body FROM derived")] == ["z" * 30]  # the newest stays
        finally:
            con.close()

    def test_a_busy_index_keeps_nothing_and_answers(self, runner, tmp_path):
        """While another process holds a write lock, the result is computed and printed, not kept."""
        data = tmp_path / "data"
        shutil.copytree(FIXTURE_DATA, data)
        args = ["--no-bundled", "--data-dir", str(data), "check", "--json"]
        normal(runner, ["--no-bundled", "--data-dir", str(data), "claims", "-n", "1"])  # the index
        other = sqlite3.connect(cache.index_path([str(data)]), isolation_level=None, timeout=0)
        con = cache.open_fresh([str(data)])
        assert con is not None
        con.execute("PRAGMA busy_timeout = 0")
        other.execute("BEGIN IMMEDIATE")
        try:
            assert not kept.write(con, "check", "{}", "[]", con.execute("PRAGMA data_version").fetchone()[0])
        finally:
            other.execute("ROLLBACK")
            other.close()
            con.close()
        code, out, _ = normal(runner, args)
        assert code == 0 and json.loads(out) == []


class TestKeptListings:
    """The listings of every record and the forecast ledger in any format but a table: made
    once per state of the data (and day, for the ledger), kept, and read back unchanged."""

    @pytest.mark.parametrize(
        "args",
        [
            ["people", "--json"],
            ["topics", "-f", "csv"],
            ["sources", "-f", "jsonl"],
            ["organizations", "-f", "markdown"],
            ["people"],
            ["forecasts", "--json"],
            ["forecasts", "--status", "open", "-f", "csv"],
            ["forecasts", "--as-of", "2030-01-01", "-f", "jsonl"],
        ],
        ids=" ".join,
    )
    def test_kept_then_read_back(self, runner, capsys, args):
        first = fast(capsys, [*FIX, *args])
        assert first is not None and first[0] == 0
        assert args[0] in {c for c, _ in _kept([str(FIXTURE_DATA)])}
        assert fast(capsys, [*FIX, *args]) == first
        assert normal(runner, [*FIX, *args]) == first

    def test_the_same_as_made_afresh(self, capsys):
        """What is kept is what the listing makes (reference.records, drawn by output.rendered)."""
        from aitrends import output, reference

        first = fast(capsys, [*FIX, "people", "--json"])
        con = cache.open_fresh([str(FIXTURE_DATA)])
        try:
            made = output.rendered(
                reference.records(con, "people"), "json", reference.LISTING_COLUMNS["people"]
            )
        finally:
            con.close()
        assert first is not None and first[1] == "".join(made.chunks)
        assert fast(capsys, [*FIX, "people", "--json"]) == first

    def test_the_day_is_part_of_the_ledgers_key(self, capsys):
        early = fast(capsys, [*FIX, "forecasts", "--as-of", "2024-01-01", "--json"])
        late = fast(capsys, [*FIX, "forecasts", "--as-of", "2030-01-01", "--json"])
        assert early is not None and late is not None and early != late
        assert {json.loads(k)["day"] for c, k in _kept([str(FIXTURE_DATA)]) if c == "forecasts"} == {
            "2024-01-01",
            "2030-01-01",
        }

    def test_the_csv_guard_is_part_of_the_key(self, capsys, monkeypatch):
        fast(capsys, [*FIX, "people", "-f", "csv"])
        monkeypatch.setenv("AITRENDS_CSV_RAW", "1")
        fast(capsys, [*FIX, "people", "-f", "csv"])
        keys = [json.loads(k) for c, k in _kept([str(FIXTURE_DATA)]) if c == "people" and "fmt" in k]
        assert sorted(k["csv_raw"] for k in keys) == [False, True]

    def test_an_edit_is_seen(self, capsys, data_copy):
        args = ["--no-bundled", "--data-dir", str(data_copy), "people", "--json"]
        before = fast(capsys, args)
        assert before is not None and "Jane Roe" in before[1]
        path = data_copy / "people.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("Jane Roe", "Jane Q. Roe"), encoding="utf-8")
        after = fast(capsys, args)
        assert after is not None and "Jane Q. Roe" in after[1] and 'Jane Roe"' not in after[1]

    def test_a_table_is_kept_as_drawn_for_each_terminal(self, runner, capsys, monkeypatch):
        args = [*FIX, "forecasts", "--as-of", "2030-01-01"]
        wide = fast(capsys, args)
        monkeypatch.setenv("COLUMNS", "60")
        narrow = fast(capsys, args)
        assert wide is not None and narrow is not None and wide != narrow
        assert fast(capsys, args) == narrow == normal(runner, args)
        monkeypatch.setenv("COLUMNS", "120")
        assert fast(capsys, args) == wide
        parts = [json.loads(k) for c, k in _kept([str(FIXTURE_DATA)]) if c == "forecasts"]
        assert sorted(p["terminal"]["width"] for p in parts if p["part"] == "table") == [60, 120]
        assert [p for p in parts if p["part"] == "empty"] != []

    def test_an_empty_table_is_kept_empty(self, runner, capsys):
        args = [*FIX, "forecasts", "--status", "resolved"]
        first = fast(capsys, args)
        assert first is not None and first[1] == "" and "No forecasts match" in first[2]
        assert fast(capsys, args) == first == normal(runner, args)
        parts = [json.loads(k) for c, k in _kept([str(FIXTURE_DATA)]) if c == "forecasts"]
        assert [p["part"] for p in parts] == ["empty"]


def test_a_callers_transaction_is_left_alone(tmp_path):
    """kept.write never commits or rolls back a transaction it did not begin."""
    data = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, data)
    con = cache.open_fresh([str(data)])
    assert con is not None
    try:
        con.execute("BEGIN")
        con.execute("INSERT INTO derived (command, key, body, size) VALUES ('mine', 'k', 'b', 1)")
        assert not kept.write(con, "check", "{}", "[]", kept.version(con))
        assert con.in_transaction
        assert kept.read(con, "mine", "k") == "b"
        con.execute("ROLLBACK")
        assert kept.read(con, "mine", "k") is None
    finally:
        con.close()


def test_a_kept_text_streams_and_is_kept_only_when_written_whole(tmp_path):
    """The first run writes the answer as it is made (a reader that stops early stops it, and
    nothing is kept); a run that writes it all keeps it."""
    import datetime as dt
    from types import SimpleNamespace

    from aitrends import ledger

    data = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, data)
    con = cache.open_fresh([str(data)])
    assert con is not None
    q = SimpleNamespace(
        status=[], topic=[], person=[], horizon_before=None, horizon_after=None, due_within=None, limit=None
    )
    q.fmt = "json"  # written a forecast at a time
    day = dt.date(2030, 1, 1)
    try:
        chunks = iter(ledger.forecasts(con, q, day).chunks)
        first = next(chunks)
        assert first.startswith("[\n  {") and not _kept([str(data)])
        chunks.close()  # type: ignore[attr-defined]  # the reader went away
        assert not _kept([str(data)])
        whole = "".join(ledger.forecasts(con, q, day).chunks)
        assert whole.startswith(first) and whole != first
        assert [c for c, _ in _kept([str(data)])] == ["forecasts"]
        assert "".join(ledger.forecasts(con, q, day).chunks) == whole
    finally:
        con.close()


def test_a_damaged_kept_value_is_made_again(runner, capsys):
    """A kept row that is not JSON (not written by aitrends) is neither trusted nor fatal."""
    args = [*FIX, "check", "--json"]
    computed = normal(runner, args)
    path = cache.index_path([str(FIXTURE_DATA)])
    con = sqlite3.connect(path, isolation_level=None)
    try:
        assert con.execute("UPDATE derived SET body = '{not json' WHERE command = 'check'").rowcount == 1
    finally:
        con.close()
    assert fast(capsys, args) is None  # typer makes it again
    assert normal(runner, args) == computed
    assert fast(capsys, args) == computed
