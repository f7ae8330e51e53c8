"""Exports: CSV tables, JSON Lines, Parquet, and the export command (aitrends.export)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sqlite3
import sys
import types

import pytest

from aitrends.atomic import ExistsError
from aitrends.cli import app
from aitrends.export import CSV_TABLES, export, write_csv, write_jsonl, write_parquet
from aitrends.frames import FACT_COLUMNS, MissingDependencyError, install_hint
from aitrends.records import fact_record

from .conftest import fixture_args

AS_OF = dt.date(2025, 6, 1)


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


class TestCsv:
    """--to csv DIR: one file per table."""

    def test_one_file_per_table(self, kb, tmp_path):
        paths = write_csv(kb, tmp_path / "out", as_of=AS_OF)
        assert [p.name for p in paths] == [f"{t}.csv" for t in CSV_TABLES]
        assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(f"{t}.csv" for t in CSV_TABLES)
        assert list(CSV_TABLES) == [
            "facts",
            "sources",
            "people",
            "organizations",
            "topics",
            "metrics",
            "fact_topics",
            "fact_speakers",
            "fact_cited",
            "fact_about",
            "fact_links",
        ]

    def test_facts_table(self, kb, tmp_path):
        write_csv(kb, tmp_path, as_of=AS_OF)
        rows = read_csv(tmp_path / "facts.csv")
        assert [r["id"] for r in rows] == sorted(f.id for f in kb.all_facts)
        assert list(rows[0]) == [c for c, kind in FACT_COLUMNS.items() if kind != "list"]
        market = next(r for r in rows if r["id"] == "zhang-market-size-2023")
        assert {
            k: market[k] for k in ("quantity_value", "quantity_unit", "quantity_bound", "quantity_as_of")
        } == {
            "quantity_value": "1200000000.0",
            "quantity_unit": "USD",
            "quantity_bound": "approx",
            "quantity_as_of": "2023-01-01",
        }
        agents = next(r for r in rows if r["id"] == "zhang-more-agents-next-year")
        assert (agents["status"], agents["days_to_due"], agents["horizon_end"]) == (
            "open",
            "213",
            "2025-12-31",
        )
        assert market["excerpt_en_original"] == "false" and market["hedge"] == ""

    def test_link_tables(self, kb, tmp_path):
        write_csv(kb, tmp_path, as_of=AS_OF)
        assert read_csv(tmp_path / "fact_links.csv") == [
            {
                "fact": "zhang-market-size-2030",
                "rel": "derived-from",
                "target": "zhang-market-size-2023",
                "note": "",
            }
        ]
        speakers = read_csv(tmp_path / "fact_speakers.csv")
        assert len(speakers) == len(kb.all_facts)
        assert speakers[0] == {
            "fact": "roe-compute-doubles-6-months",
            "speaker": "jane-roe",
            "position": "0",
            "name": "Jane Roe",
        }
        topics = read_csv(tmp_path / "fact_topics.csv")
        assert {(r["fact"], r["topic"]) for r in topics} == {
            (f.id, t) for f in kb.all_facts for t in f.topics
        }

    def test_reference_tables_join_lists(self, kb, tmp_path):
        write_csv(kb, tmp_path, as_of=AS_OF)
        alpha = read_csv(tmp_path / "sources.csv")[0]
        assert (
            alpha["id"],
            alpha["language"],
            alpha["authors"],
            alpha["published"],
            alpha["facts_total"],
        ) == (
            "alpha-interview",
            "zh-Hans",
            "li-si",
            "2024-03-05",
            "5",
        )

    def test_existing_files_are_kept_without_force(self, kb, tmp_path):
        (tmp_path / "people.csv").write_text("mine\n", encoding="utf-8")
        with pytest.raises(ExistsError) as e:
            write_csv(kb, tmp_path)
        assert str(e.value) == f"{tmp_path / 'people.csv'} exists; use --force to overwrite"
        assert [p.name for p in tmp_path.iterdir()] == ["people.csv"]  # nothing written
        assert (tmp_path / "people.csv").read_text(encoding="utf-8") == "mine\n"
        write_csv(kb, tmp_path, force=True)
        assert read_csv(tmp_path / "people.csv")[0]["id"] == "jane-roe"

    def test_a_file_in_place_of_the_directory(self, kb, tmp_path):
        (tmp_path / "out").write_text("", encoding="utf-8")
        with pytest.raises(ExistsError, match="exists and is not a directory$"):
            write_csv(kb, tmp_path / "out")


class TestJsonl:
    """--to jsonl PATH: one complete fact record a line."""

    def test_complete_records(self, kb, tmp_path):
        path = write_jsonl(kb, tmp_path / "facts.jsonl", as_of=AS_OF)
        lines = path.read_text(encoding="utf-8").splitlines()
        assert [json.loads(line) for line in lines] == [fact_record(kb, f, as_of=AS_OF) for f in kb.all_facts]
        first = json.loads(lines[0])
        assert (
            first["id"] == "roe-compute-doubles-6-months" and first["rate_normalized"]["annual_factor"] == 4.0
        )
        assert "张三" in path.read_text(encoding="utf-8")  # not \\u-escaped

    def test_not_overwritten_without_force(self, kb, tmp_path):
        path = tmp_path / "facts.jsonl"
        path.write_text("keep\n", encoding="utf-8")
        with pytest.raises(ExistsError, match="use --force to overwrite it$"):
            write_jsonl(kb, path)
        assert path.read_text(encoding="utf-8") == "keep\n"
        assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


class TestParquet:
    """--to parquet PATH: the facts table with its types."""

    def test_types_and_values(self, kb, tmp_path):
        pq = pytest.importorskip("pyarrow.parquet")
        import pyarrow as pa

        path = write_parquet(kb, tmp_path / "facts.parquet", as_of=AS_OF)
        table = pq.read_table(path)
        assert table.num_rows == len(kb.all_facts) and table.column_names == list(FACT_COLUMNS)
        assert table.schema.field("date").type == pa.date32()
        assert table.schema.field("topics").type == pa.list_(pa.string())
        assert table.schema.field("quantity_value").type == pa.float64()
        rows = {r["id"]: r for r in table.to_pylist()}
        assert rows["zhang-market-size-2023"]["quantity_as_of"] == dt.date(2023, 1, 1)
        assert rows["zhang-inference-cost-falls-10x"]["speaker_names"] == ["Zhang San"]

    def test_missing_pyarrow(self, kb, tmp_path, monkeypatch):
        monkeypatch.setitem(sys.modules, "pyarrow", None)
        with pytest.raises(MissingDependencyError) as e:
            write_parquet(kb, tmp_path / "x.parquet")
        assert (
            str(e.value) == f"pyarrow is not installed; install it with: {install_hint('parquet', 'pyarrow')}"
        )
        assert not (tmp_path / "x.parquet").exists()


class TestCommand:
    """aitrends export --to FORMAT PATH [--force]."""

    def test_jsonl_then_refuse_then_force(self, runner, tmp_path):
        path = tmp_path / "facts.jsonl"
        args = fixture_args("export", "--to", "jsonl", str(path), "--as-of", "2025-06-01")
        result = runner.invoke(app, args, catch_exceptions=False)
        assert (result.exit_code, result.stdout, result.stderr) == (0, "", f"wrote {path}\n")
        assert len(path.read_text(encoding="utf-8").splitlines()) == 8
        again = runner.invoke(app, args)
        assert (again.exit_code, again.stderr) == (1, f"Error: {path} exists; use --force to overwrite it\n")
        forced = runner.invoke(app, [*args, "--force"])
        assert forced.exit_code == 0 and forced.stderr == f"wrote {path}\n"

    def test_csv_lists_the_files(self, runner, tmp_path):
        result = runner.invoke(
            app, fixture_args("export", "--to", "csv", str(tmp_path / "t")), catch_exceptions=False
        )
        assert result.exit_code == 0
        assert result.stderr.splitlines() == [f"wrote {tmp_path / 't' / name}.csv" for name in CSV_TABLES]

    def test_bad_format_is_a_usage_error(self, runner, tmp_path):
        result = runner.invoke(app, fixture_args("export", "--to", "xlsx", str(tmp_path / "x")))
        assert result.exit_code == 2 and "'xlsx' is not one of" in result.stderr

    def test_sqlite_is_delegated_to_the_sqlite_export(self, kb, runner, tmp_path, monkeypatch):
        calls = []
        fake = types.ModuleType("aitrends.sqlite_export")

        # written into a temporary directory beside the target, then renamed into place
        def facts(source):  # the CLI passes the index, the Python API may pass a knowledge base
            if isinstance(source, sqlite3.Connection):
                return source.execute("SELECT count(*) FROM facts").fetchone()[0]
            return len(source.all_facts)

        fake.write_database = lambda source, path, force=False, as_of=None, models=None: (
            calls.append((facts(source), path.name, path.parent.parent == tmp_path)),
            path.write_text("db", encoding="utf-8"),
            [path],
        )[-1]
        monkeypatch.setitem(sys.modules, "aitrends.sqlite_export", fake)
        args = fixture_args("export", "--to", "sqlite", str(tmp_path / "kb.db"), "--force")
        result = runner.invoke(app, args, catch_exceptions=False)
        assert (result.exit_code, result.stderr) == (0, f"wrote {tmp_path / 'kb.db'}\n")
        assert calls == [(8, "kb.db", True)]
        assert (tmp_path / "kb.db").read_text(encoding="utf-8") == "db"
        assert export(kb, "sqlite", tmp_path / "b.db") == [tmp_path / "b.db"]
        assert sorted(p.name for p in tmp_path.iterdir()) == ["b.db", "kb.db"]


def test_integrations_doc_examples_run():
    """The Python examples of docs/integrations.md (frames, display, exports) are true."""
    import doctest

    from .conftest import ROOT

    result = doctest.testfile(
        str(ROOT / "docs" / "integrations.md"), module_relative=False, optionflags=doctest.ELLIPSIS
    )
    assert result.failed == 0 and result.attempted >= 20
