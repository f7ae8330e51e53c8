"""Exports read from the compiled index: the rows the knowledge base's models give, written
as they are read (streaming), all or nothing.

The oracle is the knowledge base: :func:`aitrends.records.fact_record` and the reference
records of :mod:`aitrends.records` computed from the models, and the search tokens
:func:`aitrends.search.tokenize` makes of :func:`aitrends.kb.search_fields`. They are compared
with what the exports read from the index, on the bundled data and on a user layer over it.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import os
import sqlite3
import sys

import pytest

import aitrends
from aitrends import export, fastpath, query, sqlite_export, store
from aitrends.cli import app
from aitrends.frames import LINK_COLUMNS, REFERENCE_COLUMNS, fact_row, link_rows, reference_rows
from aitrends.kb import search_fields
from aitrends.records import fact_record
from aitrends.search import tokenize

from .conftest import FIXTURE_DATA, FIXTURES, index_env

AS_OF = dt.date(2025, 6, 1)
LATER = dt.date(2031, 1, 1)
LAYER = FIXTURES / "track-layer"


@pytest.fixture(scope="module", params=["bundled", "layer"])
def stack(request, tmp_path_factory):
    """(knowledge base, its index built in memory) of the bundled data, or of a user layer
    over it."""
    kb = aitrends.load() if request.param == "bundled" else aitrends.load(LAYER)
    con = store.in_memory([str(d) for d in kb.dirs])
    assert con is not None
    yield kb, con
    con.close()


def test_the_layer_changes_the_export():
    """The user layer is not the bundled data (else its runs would prove nothing new): it
    resolves forecasts, which changes their records and the resolutions table."""
    assert len(aitrends.load(LAYER).resolutions) > len(aitrends.load().resolutions)


class TestSameRows:
    @pytest.mark.parametrize("day", [AS_OF, LATER])
    def test_jsonl_lines_are_the_records_of_the_day(self, stack, day):
        kb, con = stack
        expected = [
            json.dumps(fact_record(kb, f, as_of=day), ensure_ascii=False) + "\n" for f in kb.all_facts
        ]
        assert list(export.jsonl_lines(con, as_of=day)) == expected

    def test_the_daily_fields_change_with_the_day(self, stack):
        _, con = stack
        assert list(export.jsonl_lines(con, as_of=AS_OF)) != list(export.jsonl_lines(con, as_of=LATER))

    def test_csv_rows(self, stack):
        kb, con = stack
        tables: dict[str, list[dict]] = {}
        for name, _columns, row in export._csv_rows(con, AS_OF):
            tables.setdefault(name, []).append(row)
        assert tables["facts"] == [fact_row(kb, f, as_of=AS_OF) for f in kb.all_facts]
        for name in REFERENCE_COLUMNS:  # names and counts from the models (aitrends.records)
            assert tables.get(name, []) == reference_rows(kb, name), name
        links = link_rows(kb)
        for name in LINK_COLUMNS:
            assert tables.get(name, []) == links[name], name

    def test_full_text_tokens_are_the_search_tokens(self, stack):
        kb, con = stack
        for f in kb.all_facts:
            fields = search_fields(kb, f)
            expected = tuple(
                " ".join(sorted(tokenize(fields[name], unigrams=True))) for name in sqlite_export.FTS_FIELDS
            )
            assert sqlite_export.search_tokens(con, f.id) == expected, f.id

    def test_parquet_table(self, stack):
        pa = pytest.importorskip("pyarrow")
        kb, con = stack
        table = export.arrow_table(con, as_of=AS_OF)
        assert table.num_rows == len(kb.all_facts)
        assert table.column("id").to_pylist() == [f.id for f in kb.all_facts]
        assert table.schema == export._arrow_schema(pa)


class TestSqlite:
    def test_the_index_with_models_writes_what_the_knowledge_base_writes(self, stack, tmp_path):
        kb, con = stack
        a = sqlite_export.write_database(con, tmp_path / "a" / "kb.db", as_of=AS_OF, models=kb)
        b = sqlite_export.write_database(kb, tmp_path / "b" / "kb.db", as_of=AS_OF)
        assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]

    def test_trends_are_made_from_the_index(self, stack, tmp_path):
        """Trends come from the index's records (no YAML read); related facts need every
        model, and are left out without them."""
        kb, con = stack
        db, _ = sqlite_export.write_database(con, tmp_path / "kb.db", as_of=AS_OF)
        out = sqlite3.connect(db)
        assert out.execute("SELECT count(*) FROM fact_related").fetchone() == (0,)
        assert out.execute("SELECT count(*) FROM facts").fetchone() == (len(kb.all_facts),)
        partial = sqlite_export.trend_models(con)
        assert len(partial.all_facts) < len(kb.all_facts)
        expected = [t.record(kb) for t in kb.trends()]
        assert len(expected) > 5 and [t.record(partial) for t in partial.trends()] == expected
        rows = out.execute("SELECT origin, metric, stated, facts FROM trends ORDER BY id").fetchall()
        assert rows == [(r["origin"], r["metric"], r["stated"], json.dumps(r["facts"])) for r in expected]

    def test_the_facts_a_trend_fact_repeats_come_with_it(self, stack, monkeypatch):
        """A fact that paraphrases another is shown once: the other comes into the models even
        when it is not one of the trend facts, so that the repeat is still left out."""
        _, con = stack
        repeat, original = (
            "nbd-headline-ai-cost-halves-every-18-months",
            "etzioni-ai-cost-halves-every-18-months",
        )
        monkeypatch.setattr(sqlite_export, "TREND_FACTS", f"SELECT id FROM facts WHERE id = '{repeat}'")
        partial = sqlite_export.trend_models(con)
        assert sorted(f.id for f in partial.all_facts) == sorted([repeat, original])
        assert all(repeat not in t.facts for t in partial.trends())
        assert any(original in t.facts for t in partial.trends())


class CountingReads:
    """Counts the records read from the index (every export reads them through
    :func:`aitrends.query.dated_record`)."""

    def __init__(self, monkeypatch):
        self.n = 0
        real = query.dated_record

        def counted(*args):
            self.n += 1
            return real(*args)

        monkeypatch.setattr(query, "dated_record", counted)


class ClosedAfterOneWrite(io.StringIO):
    """A standard output whose reader goes away after the first write."""

    def __init__(self):
        super().__init__()
        self.writes: list[str] = []

    def write(self, text):
        if self.writes:
            raise BrokenPipeError(32, "Broken pipe")
        self.writes.append(text)
        return len(text)


class TestStreaming:
    def test_jsonl_to_standard_output_is_written_as_it_is_read(self, stack, monkeypatch):
        kb, con = stack
        reads = CountingReads(monkeypatch)
        out = ClosedAfterOneWrite()
        with pytest.raises(BrokenPipeError):
            export.export(con, "jsonl", "-", as_of=AS_OF, stdout=out)
        assert out.writes == [
            json.dumps(fact_record(kb, kb.all_facts[0], as_of=AS_OF), ensure_ascii=False) + "\n"
        ]
        assert reads.n <= 2 < len(kb.all_facts)

    def test_parquet_is_written_in_row_groups(self, stack, tmp_path, monkeypatch):
        pq = pytest.importorskip("pyarrow.parquet")
        kb, con = stack
        monkeypatch.setattr(export, "BATCH", 100)
        path = export.write_parquet(con, tmp_path / "facts.parquet", as_of=AS_OF)
        assert pq.ParquetFile(path).num_row_groups == math.ceil(len(kb.all_facts) / 100) > 1
        assert pq.read_table(path).equals(export.arrow_table(con, as_of=AS_OF))

    def test_csv_rows_are_read_as_they_are_written(self, stack, tmp_path, monkeypatch):
        """The facts file is being written before the last record is read."""
        kb, con = stack
        seen = []
        real = export.records

        def watched(*args):
            for i, rec in enumerate(real(*args)):
                if i == 200:
                    temps = [p for p in tmp_path.rglob("*facts.csv*") if p.stat().st_size > 0]
                    seen.append(sum(p.stat().st_size for p in temps))
                yield rec

        monkeypatch.setattr(export, "records", watched)
        monkeypatch.setattr(export, "_text_file", _unbuffered(export._text_file))
        export.write_csv(con, tmp_path / "out", as_of=AS_OF)
        assert len(kb.all_facts) > 200 and seen and seen[0] > 0


def _unbuffered(text_file):
    """Flush every CSV row (so that the test sees it on disk)."""
    import contextlib

    @contextlib.contextmanager
    def opened(path, *, newline):
        with text_file(path, newline=newline) as fh:
            real = fh.write

            def write(text):
                n = real(text)
                fh.flush()
                return n

            fh.write = write
            yield fh

    return opened


@pytest.fixture
def fast_env(tmp_path, monkeypatch):
    index_env(monkeypatch, tmp_path / "cache")
    yield
    fastpath.reset()


class TestFastPathStreams:
    """``claims --format json|jsonl | head -1``: the answer is written as it is read, and a
    reader that goes away ends it quietly with status 1."""

    ARGS = ["claims", "--as-of", "2025-06-01"]

    def test_jsonl(self, fast_env, monkeypatch):
        assert fastpath.answer(["--no-bundled", "--data-dir", str(FIXTURE_DATA), "claims", "-n", "1"]) == 0
        fastpath.reset()
        reads = CountingReads(monkeypatch)
        out = ClosedAfterOneWrite()
        monkeypatch.setattr(sys, "stdout", out)
        assert fastpath.answer([*self.ARGS, "--format", "jsonl"]) == 1
        assert len(out.writes) == 1 and json.loads(out.writes[0])["id"]
        assert reads.n <= 2

    def test_json(self, fast_env, monkeypatch):
        out = ClosedAfterOneWrite()
        monkeypatch.setattr(sys, "stdout", out)
        assert fastpath.answer([*self.ARGS, "--format", "json"]) == 1
        first = out.writes[0]
        assert first.startswith("[\n  {") and json.loads(first[2:])["id"]  # one fact, not the list

    def test_search_json(self, fast_env, monkeypatch):
        out = ClosedAfterOneWrite()
        monkeypatch.setattr(sys, "stdout", out)
        assert fastpath.answer(["search", "cost", "--format", "json"]) == 1
        assert json.loads(out.writes[0][2:])["id"]

    @pytest.mark.parametrize("fmt", ["json", "jsonl"])
    def test_the_whole_answer_is_the_cli_answer(self, fast_env, runner, capsys, fmt):
        args = [*self.ARGS, "--topic", "inference-cost", "--format", fmt]
        assert fastpath.answer(args) == 0
        out = capsys.readouterr().out
        result = runner.invoke(app, ["--no-cache", *args])
        assert result.exit_code == 0 and result.stdout == out and out.strip()


class TestAllOrNothing:
    def _fail_late(self, monkeypatch, name):
        real = getattr(export, name)
        calls = []

        def failing(*args, **kwargs):
            calls.append(1)
            if len(calls) == 300:
                raise OSError(28, "No space left on device")
            return real(*args, **kwargs)

        monkeypatch.setattr(export, name, failing)

    def test_csv(self, stack, tmp_path, monkeypatch):
        _, con = stack
        self._fail_late(monkeypatch, "record_row")
        with pytest.raises(OSError):
            export.write_csv(con, tmp_path / "out", as_of=AS_OF)
        assert not (tmp_path / "out").exists() or os.listdir(tmp_path / "out") == []

    def test_jsonl_keeps_the_old_file(self, stack, tmp_path, monkeypatch):
        _, con = stack
        old = tmp_path / "facts.jsonl"
        old.write_text("old\n", encoding="utf-8")
        real = export.record_texts

        def failing(*args):
            for i, text in enumerate(real(*args)):
                if i == 300:
                    raise OSError(28, "No space left on device")
                yield text

        monkeypatch.setattr(export, "record_texts", failing)
        with pytest.raises(OSError):
            export.write_jsonl(con, old, force=True, as_of=AS_OF)
        assert os.listdir(tmp_path) == ["facts.jsonl"] and old.read_text(encoding="utf-8") == "old\n"

    def test_sqlite(self, stack, tmp_path, monkeypatch):
        _, con = stack

        def failing(*args):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(sqlite_export, "_analyses", failing)
        with pytest.raises(OSError):
            export.export(con, "sqlite", tmp_path / "kb.db", as_of=AS_OF)
        assert os.listdir(tmp_path) == []


class TestCommand:
    @pytest.mark.parametrize("where", [[], ["--data-dir", str(LAYER)]])
    def test_cached_and_no_cache_exports_are_the_same(self, runner, tmp_path, monkeypatch, where):
        monkeypatch.setenv("AITRENDS_CACHE_DIR", str(tmp_path / "cache"))
        args = ["export", "--to", "jsonl", "-", "--as-of", "2025-06-01"]
        cached = runner.invoke(app, [*where, *args])
        uncached = runner.invoke(app, ["--no-cache", *where, *args])
        assert cached.exit_code == uncached.exit_code == 0
        assert cached.stdout == uncached.stdout and cached.stdout.count("\n") > 400


def test_serve_builds_its_export_from_the_index(stack, tmp_path):
    """``aitrends serve`` writes the same export from the index as from the knowledge base, and
    reuses it while the files and the day are the same."""
    from aitrends import serve

    kb, con = stack
    dirs = [str(d) for d in kb.dirs]
    served = serve.serving_export(con, dirs=dirs, directory=tmp_path / "s", as_of=AS_OF, models=kb)
    assert served.built
    expected = sqlite_export.write_database(kb, tmp_path / "e" / "aitrends.db", as_of=AS_OF)
    assert [served.database.read_bytes(), served.metadata.read_bytes()] == [p.read_bytes() for p in expected]
    again = serve.serving_export(con, dirs=dirs, directory=tmp_path / "s", as_of=AS_OF, models=kb)
    assert not again.built
