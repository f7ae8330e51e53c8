"""The SQLite export, its Datasette plugin (in process), and ``aitrends serve``'s library side."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import sqlite3
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

import pytest

from aitrends import serve, sqlite_export
from aitrends.atomic import ExistsError
from aitrends.cli import app

from .conftest import FIXTURE_DATA, fixture_args

AS_OF = dt.date(2025, 6, 1)


@pytest.fixture
def exported(kb, tmp_path):
    paths = sqlite_export.write_database(kb, tmp_path / "kb.db", as_of=AS_OF)
    assert paths == [tmp_path / "kb.db", tmp_path / "kb.metadata.json"]
    return tmp_path / "kb.db"


def ids_of(con: sqlite3.Connection, query: str) -> set[str]:
    expression = sqlite_export.match_expression(con, query)
    rows = con.execute(
        f"SELECT id FROM facts WHERE rowid IN (SELECT rowid FROM {sqlite_export.FTS_TABLE} "
        f"WHERE {sqlite_export.FTS_TABLE} MATCH ?)",
        (expression,),
    )
    return {r[0] for r in rows}


class TestExport:
    """export --to sqlite: the public tables, search as aitrends search, Datasette metadata."""

    def test_refuses_to_overwrite_without_force(self, kb, exported):
        with pytest.raises(ExistsError, match="kb.db exists; use --force to overwrite it"):
            sqlite_export.write_database(kb, exported)
        assert sqlite_export.write_database(kb, exported, force=True)[0] == exported

    def test_foreign_keys_hold(self, exported):
        con = sqlite3.connect(exported)
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        assert con.execute("SELECT count(*) FROM facts").fetchone()[0] == 8

    def test_the_real_data_exports_with_foreign_keys_holding(self, real_kb, tmp_path):
        sqlite_export.write_database(real_kb, tmp_path / "real.db", as_of=AS_OF)
        con = sqlite3.connect(tmp_path / "real.db")
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        assert con.execute("SELECT count(*) FROM facts").fetchone()[0] == len(real_kb.all_facts)
        assert con.execute("SELECT count(*) FROM trends").fetchone()[0] == len(real_kb.trends())

    @pytest.mark.parametrize(
        "query",
        [
            "推理成本",
            "張三",
            "张三",
            "inference costs",
            "infrence",
            "Zhang San",
            "tenfold",
            "market 2030",
            "nothing-like-it",
        ],
    )
    def test_search_finds_what_kb_search_finds(self, kb, exported, query):
        con = sqlite3.connect(exported)
        assert ids_of(con, query) == {h.id for h in kb.search(query)}

    def test_an_empty_query_matches_nothing(self, exported):
        con = sqlite3.connect(exported)
        assert sqlite_export.match_expression(con, "  ，。 ") == sqlite_export.NO_MATCH
        assert ids_of(con, "") == set()

    def test_the_export_day_judges_forecasts(self, exported):
        con = sqlite3.connect(exported)
        rec = json.loads(
            con.execute("SELECT record FROM facts WHERE id = 'roe-data-runs-out-2026'").fetchone()[0]
        )
        assert rec["as_of"] == "2025-06-01"

    def test_year_and_normalised_rate_columns(self, exported):
        con = sqlite3.connect(exported)
        row = con.execute(
            "SELECT rate_annual_factor, rate_percent_per_year FROM facts WHERE id = 'zhang-inference-cost-falls-10x'"
        ).fetchone()
        assert row == (10.0, -90.0)
        years = dict(con.execute("SELECT id, year FROM facts"))
        assert years["zhang-market-size-2023"] == int(
            con.execute(
                "SELECT substr(date_start, 1, 4) FROM facts WHERE id = 'zhang-market-size-2023'"
            ).fetchone()[0]
        )

    def test_related_facts_are_left_out_of_a_large_knowledge_base(self, kb, tmp_path, monkeypatch):
        monkeypatch.setattr(sqlite_export, "RELATED_MAX_FACTS", len(kb.all_facts) - 1)
        sqlite_export.write_database(kb, tmp_path / "big.db", as_of=AS_OF)
        con = sqlite3.connect(tmp_path / "big.db")
        assert con.execute("SELECT count(*) FROM fact_related").fetchone()[0] == 0

    def test_related_facts(self, exported):
        con = sqlite3.connect(exported)
        rows = con.execute("SELECT related, reasons FROM fact_related WHERE fact = 'zhang-market-size-2030'")
        related, reasons = rows.fetchone()
        assert related == "zhang-market-size-2023" and "this fact is derived from it" in json.loads(reasons)

    def test_metadata(self, exported):
        meta = json.loads(exported.with_name("kb.metadata.json").read_text(encoding="utf-8"))
        db = meta["databases"]["kb"]
        facts = db["tables"]["facts"]
        assert facts["facets"] == ["kind", {"array": "topics"}, {"array": "speaker"}, "source", "year"]
        assert facts["fts_table"] == "facts_fts"
        con = sqlite3.connect(exported)
        columns = [r[1] for r in con.execute("PRAGMA table_info(facts)")]
        assert sorted(facts["columns"]) == sorted(columns)
        assert sorted(db["queries"]) == ["forecasts_due", "search", "trends_for_topic", "what_did_they_say"]
        assert meta["description"].startswith(
            "8 facts (claims, forecasts, quotes and figures) from 2 articles"
        )


def datasette_get(path: Path, *urls: str, metadata: bool = True) -> list:
    """GET ``urls`` from Datasette serving the export at ``path`` (in process, plugin loaded)."""
    from datasette.app import Datasette

    meta = json.loads(path.with_name(f"{path.stem}.metadata.json").read_text(encoding="utf-8"))

    async def ask() -> list:
        ds = Datasette([str(path)], metadata=meta if metadata else None)
        await ds.invoke_startup()
        return [await ds.client.get(url) for url in urls]

    return asyncio.run(ask())


class TestPlugin:
    """The aitrends Datasette plugin, on Datasette in this process."""

    def test_it_is_registered_by_entry_point(self):
        from importlib.metadata import entry_points

        found = [e.value for e in entry_points(group="datasette") if e.name == "aitrends"]
        assert found == ["aitrends.datasette_plugin"]

    @pytest.mark.parametrize("metadata", [True, False], ids=["with-metadata", "plugin-only"])
    def test_search_box_and_facets(self, exported, kb, metadata):
        search, trad, facets = datasette_get(
            exported,
            "/kb/facts.json?_search=推理成本&_shape=objects",
            "/kb/facts.json?_search=張三+tenfold&_shape=objects",
            "/kb/facts.json?_size=0",
            metadata=metadata,
        )
        assert [r["id"] for r in search.json()["rows"]] == ["zhang-inference-cost-falls-10x"]
        assert {r["id"] for r in trad.json()["rows"]} == {h.id for h in kb.search("張三 tenfold")}
        results = facets.json()["facet_results"]
        kinds = {f["value"]: f["count"] for f in results["kind"]["results"]}
        assert kinds == dict(Counter(f.kind.value for f in kb.all_facts))
        speakers = {f["value"]: f["count"] for f in results["speaker"]["results"]}
        assert speakers == {"zhang-san": 5, "jane-roe": 3}
        assert {f["value"] for f in results["year"]["results"]} == {
            kb.said(f).start.year for f in kb.all_facts if kb.said(f)
        }

    def test_the_home_page_of_an_export_served_alone(self, exported):
        (home,) = datasette_get(exported, "/", metadata=False)
        assert "aitrends: claims about the AI industry" in home.text
        assert '<form class="aitrends-search" action="/kb/facts" method="get">' in home.text

    def test_canned_queries(self, exported, kb):
        search, said, due = datasette_get(
            exported,
            "/kb/search.json?q=張三&_shape=array",
            "/kb/what_did_they_say.json?person=張三&_shape=array",
            "/kb/forecasts_due.json?as_of=2099-01-01&_shape=array",
        )
        assert {r["id"] for r in search.json()} == {h.id for h in kb.search("張三")}
        assert {r["id"] for r in said.json()} == {f.id for f in kb.quotes("zhang-san")}
        for other in ("san zhang", "ZHANG-SAN", "张三"):
            (again,) = datasette_get(
                exported, "/kb/what_did_they_say.json?" + urlencode({"person": other, "_shape": "array"})
            )
            assert {r["id"] for r in again.json()} == {f.id for f in kb.quotes("zhang-san")}, other
        forecasts = {f.id for f in kb.forecasts(status="due", as_of=dt.date(2099, 1, 1))}
        assert {r["id"] for r in due.json()} == forecasts

    def test_a_fact_page_reads(self, exported, kb):
        (page,) = datasette_get(exported, "/kb/facts/zhang-inference-cost-falls-10x")
        html = page.text
        fact = kb.get("zhang-inference-cost-falls-10x")
        assert page.status_code == 200
        from markupsafe import escape

        for text in (fact.excerpt, fact.excerpt_en, "Zhang San", "×10 a year", "-90% a year"):
            assert str(escape(text)) in html
        assert 'href="/kb/facts?speaker__arraycontains=zhang-san"' in html
        assert 'href="/kb/facts?source=alpha-interview"' in html
        (linked,) = datasette_get(exported, "/kb/facts/zhang-market-size-2030")
        assert 'this fact derived from: <a href="/kb/facts/zhang-market-size-2023">' in linked.text
        assert "same speaker on market-size" in linked.text  # related facts, with their reasons

    def test_units_beside_numbers_and_records_folded(self, exported):
        (page,) = datasette_get(exported, "/kb/facts?id=zhang-market-size-2023")
        assert '<details class="aitrends-record"><summary>JSON</summary>' in page.text
        assert 'href="/-/static-plugins/aitrends/aitrends.css"' in page.text
        assert (
            "1.2e+09&nbsp;<small>USD</small>" in page.text
            or "1,200,000,000&nbsp;<small>USD</small>" in page.text
        )

    def test_other_databases_are_left_alone(self, tmp_path):
        other = tmp_path / "other.db"
        con = sqlite3.connect(other)
        con.execute("CREATE VIRTUAL TABLE docs USING fts5(body)")
        con.execute("INSERT INTO docs VALUES ('李开复 said')")
        con.commit()
        con.close()
        other.with_name("other.metadata.json").write_text("{}", encoding="utf-8")
        (search,) = datasette_get(other, "/other/docs.json?_search=李开复&_shape=array")
        assert len(search.json()) == 1  # Datasette's own escape_fts: the phrase as typed


@pytest.mark.realtime
class TestServe:
    """aitrends serve: a fresh export is reused, a stale one rebuilt; Datasette is optional."""

    def test_builds_then_reuses_then_rebuilds(self, data_copy, tmp_path):
        import aitrends

        kb = aitrends.load(data_copy, bundled=False)
        first = serve.serving_export(kb, directory=tmp_path / "s", as_of=AS_OF)
        assert first.built and first.database.is_file() and first.metadata.is_file()
        assert not serve.serving_export(kb, directory=tmp_path / "s", as_of=AS_OF).built
        assert serve.serving_export(kb, directory=tmp_path / "s", as_of=dt.date(2025, 6, 2)).built
        facts = data_copy / "facts" / "beta-column.yaml"
        os.utime(facts, ns=(facts.stat().st_atime_ns, facts.stat().st_mtime_ns + 10**9))
        assert serve.serving_export(kb, directory=tmp_path / "s", as_of=dt.date(2025, 6, 2)).built

    def test_the_export_lives_in_the_cache_directory(self, kb, monkeypatch, tmp_path):
        monkeypatch.setenv("AITRENDS_CACHE_DIR", str(tmp_path / "cache"))
        served = serve.serving_export(kb, as_of=AS_OF)
        assert served.database.parent.parent == tmp_path / "cache"
        assert served.database.name == "aitrends.db"

    def test_command(self, tmp_path):
        served = serve.Served(tmp_path / "aitrends.db", tmp_path / "aitrends.metadata.json", True)
        cmd = serve.datasette_command(served, host="127.0.0.1", port=9000, open_browser=True)
        assert cmd[1:] == [
            "-m",
            "datasette",
            "serve",
            str(tmp_path / "aitrends.db"),
            "--metadata",
            str(tmp_path / "aitrends.metadata.json"),
            "--host",
            "127.0.0.1",
            "--port",
            "9000",
            "--open",
        ]

    def test_the_cli_serves_the_export(self, runner, monkeypatch, tmp_path):
        import subprocess

        started = []

        class FakeDatasette:
            def __init__(self, cmd):
                started.append(cmd)

            def wait(self):
                return 0

        monkeypatch.setenv("AITRENDS_CACHE_DIR", str(tmp_path / "cache"))
        monkeypatch.setattr(subprocess, "Popen", FakeDatasette)
        args = fixture_args("serve", "--port", "9001", "--as-of", "2025-06-01")
        result = runner.invoke(app, args, catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
        (cmd,) = started
        assert cmd[cmd.index("--port") + 1] == "9001" and cmd[cmd.index("--host") + 1] == "127.0.0.1"
        assert "--open" not in cmd
        passed = runner.invoke(
            app, [*args, "--", "--setting", "sql_time_limit_ms", "5000"], catch_exceptions=False
        )
        assert passed.exit_code == 0 and started[-1][-3:] == ["--setting", "sql_time_limit_ms", "5000"]
        database = Path(cmd[4])
        assert result.stderr.splitlines() == [
            f"built {database}",
            "serving http://127.0.0.1:9001/ (Ctrl-C to stop)",
        ]
        again = runner.invoke(app, args, catch_exceptions=False)
        assert again.stderr.splitlines()[0] == f"reusing {database}"
        con = sqlite3.connect(database)
        assert con.execute("SELECT count(*) FROM facts").fetchone()[0] == 8
        assert str(FIXTURE_DATA) not in database.read_bytes().decode("utf-8", "replace")

    def test_without_datasette_one_line_says_how_to_install_it(self, runner, monkeypatch):
        import importlib.util

        real = importlib.util.find_spec
        monkeypatch.setattr(
            importlib.util, "find_spec", lambda name, *a: None if name == "datasette" else real(name, *a)
        )
        result = runner.invoke(app, fixture_args("serve"))
        assert result.exit_code == 1
        assert result.stderr.count("\n") == 1
        assert "pip install 'aitrends[serve]'" in result.stderr and "pip install '.[serve]'" in result.stderr
