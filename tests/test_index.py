"""The compiled index: its content, its freshness rules, the SQLite export and Datasette."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

import aitrends
from aitrends import cache, config, index, query
from aitrends.records import fact_record

from .conftest import FIXTURE_DATA

DERIVED = (
    *index._FACT_TABLES,  # every per-fact table, fact_cells included
    *index._REFERENCE_TABLES,
    "resolutions",
    "vocabulary",  # the English tokens of the postings, for typos in searches
)


@pytest.fixture(autouse=True)
def cache_home(tmp_path, monkeypatch):
    """Every test gets its own cache directory."""
    home = tmp_path / "cache"
    monkeypatch.setenv("AITRENDS_CACHE_DIR", str(home))
    monkeypatch.delenv("AITRENDS_NO_CACHE", raising=False)
    return home


def refresh(*dirs: Path, workers: int | None = 1) -> index.Stats:
    found = [str(d) for d in dirs]
    return index.refresh(cache.index_path(found), cache.scan(found), workers=workers)


def open_index(*dirs: Path) -> sqlite3.Connection:
    con = cache.connect(cache.index_path([str(d) for d in dirs]))
    assert con is not None
    con.row_factory = None
    return con


def derived(*dirs: Path) -> dict[str, list[tuple]]:
    """Every derived table's rows (what the fast path reads), sorted."""
    con = open_index(*dirs)
    try:
        out = {}
        for table in DERIVED:
            rows = [tuple(r) for r in con.execute(f"SELECT * FROM {table}")]
            out[table] = sorted(rows, key=repr)
        out["meta.search"] = [tuple(r) for r in con.execute("SELECT value FROM meta WHERE key = 'search'")]
        return out
    finally:
        con.close()


def statement(data: Path, fact_id: str) -> str:
    con = open_index(data)
    try:
        return con.execute("SELECT statement FROM facts WHERE id = ?", (fact_id,)).fetchone()[0]
    finally:
        con.close()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


ALPHA = "facts/alpha-interview.yaml"
BETA = "facts/beta-column.yaml"


class TestContent:
    """The index holds what the knowledge base holds."""

    def test_facts_hold_the_complete_records(self, kb):
        assert refresh(FIXTURE_DATA).valid
        con = open_index(FIXTURE_DATA)
        con.row_factory = sqlite3.Row
        rows = {r["id"]: r for r in con.execute("SELECT * FROM facts")}
        assert sorted(rows) == sorted(f.id for f in kb.all_facts)
        for fact in kb.all_facts:
            assert json.loads(rows[fact.id]["record"]) == fact_record(kb, fact)
        assert rows["zhang-inference-cost-falls-10x"]["date_start"] == "2024-03-05"
        assert rows["roe-compute-doubles-6-months"]["date_start"] is None
        assert json.loads(rows["zhang-inference-cost-falls-10x"]["speaker_names"]) == ["Zhang San"]

    def test_link_tables(self):
        refresh(FIXTURE_DATA)
        con = open_index(FIXTURE_DATA)
        assert con.execute("SELECT fact, rel, target FROM fact_links").fetchall() == [
            ("zhang-market-size-2030", "derived-from", "zhang-market-size-2023")
        ]
        about = con.execute("SELECT fact FROM fact_about WHERE entity = 'example-corp' ORDER BY fact")
        assert [r[0] for r in about] == ["roe-model-175b-parameters", "zhang-inference-cost-falls-10x"]
        topics = con.execute("SELECT id, parent FROM topics WHERE parent IS NOT NULL").fetchall()
        assert [tuple(r) for r in topics] == [("inference-cost", "cost")]

    def test_topic_descendants_as_the_knowledge_base(self, kb):
        refresh(FIXTURE_DATA)
        con = open_index(FIXTURE_DATA)
        for topic in kb.topics:
            assert cache.topic_and_descendants(con, topic.id) == kb.topic_and_descendants(topic.id)

    def test_names_resolve_as_the_knowledge_base_resolves_them(self, kb):
        """Every id, name, alias and name word, and variants of them, resolve to what
        KnowledgeBase.resolve says, or to None (then the normal path answers)."""
        refresh(FIXTURE_DATA)
        con = open_index(FIXTURE_DATA)
        texts = {
            "Roe",
            "roe",
            "ZHANG SAN",
            "san zhang",
            "張三",
            " zhang-san ",
            "example",
            "nobody",
            "zhang-sam",
        }
        for table in ("people", "organizations", "topics", "sources", "metrics"):
            for rec in kb.table(table).values():
                texts.update(str(v) for v in rec.model_dump().values() if isinstance(v, str))
                texts.update(getattr(rec, "aliases", []))
        answered = 0
        for ns in ("entities", "topics", "sources", "metrics"):
            for text in sorted(texts):
                mine = cache.resolve(con, ns, text)
                if mine is None:
                    continue
                answered += 1
                assert mine == kb.resolve(ns, text), (ns, text)
        assert cache.resolve(con, "entities", "Roe") == "jane-roe"  # an alias beats John Roe's name word
        assert cache.resolve(con, "entities", "Example") is None  # a word of three names
        with pytest.raises(aitrends.AmbiguousError):
            kb.resolve("entities", "Example")
        assert cache.resolve(con, "entities", "zhang-sam") is None  # a typo: the normal path decides
        assert cache.resolve(con, "entities", "張三") == "zhang-san"
        assert answered >= 40

    def test_real_data_resolves_the_same(self, real_kb):
        refresh(Path(config.bundled_data_dir()))
        con = open_index(Path(config.bundled_data_dir()))
        for ns, texts in {
            "entities": ["Amodei", "amodei", "Kai-Fu Lee", "李开复", "李開復", "OpenAI"]
        }.items():
            for text in texts:
                assert cache.resolve(con, ns, text) == real_kb.resolve(ns, text)

    def test_cells_are_the_cli_table_cells(self, kb):
        from aitrends.render import safe_text
        from aitrends.views import FACT_COLUMNS, QUOTE_COLUMNS

        refresh(FIXTURE_DATA)
        con = open_index(FIXTURE_DATA)
        for fact in kb.all_facts:
            rec = fact_record(kb, fact)
            kind, source, start, end, claims, quote = con.execute(
                "SELECT kind, source, date_start, date_end, claims, quote FROM fact_cells WHERE id = ?",
                (fact.id,),
            ).fetchone()
            assert claims.split("\x1f") == [safe_text(c.get(rec)) for c in FACT_COLUMNS]
            assert quote.split("\x1f") == [safe_text(c.get(rec)) for c in QUOTE_COLUMNS]
            # the columns a table is filtered and sorted by are those of facts
            assert (kind, source, start, end) == con.execute(
                "SELECT kind, source, date_start, date_end FROM facts WHERE id = ?", (fact.id,)
            ).fetchone()


class TestFreshness:
    """The index is never stale: each rule, proved."""

    def test_nothing_changed_reads_nothing(self):
        assert refresh(FIXTURE_DATA).full
        again = refresh(FIXTURE_DATA)
        assert (again.full, again.files_read, again.facts_checked) == (False, [], 0)

    def test_a_changed_file_is_the_only_one_read(self, data_copy):
        refresh(data_copy)
        edit(
            data_copy / BETA, "Roe says training compute doubles", "Roe writes that training compute doubles"
        )
        stats = refresh(data_copy)
        assert (stats.full, stats.files_read) == (False, [str(data_copy / BETA)])
        assert stats.facts_checked == 3
        assert statement(data_copy, "roe-compute-doubles-6-months").startswith("Roe writes that")

    def test_same_size_and_mtime_but_new_content_is_noticed(self, data_copy):
        path = data_copy / BETA
        refresh(data_copy)
        before = path.stat()
        edit(path, "Roe says training", "Roe said training")  # same length
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
        stats = refresh(data_copy)
        assert stats.files_read == [str(path)]
        assert statement(data_copy, "roe-compute-doubles-6-months").startswith("Roe said training")

    def test_a_touched_file_is_hashed_not_read(self, data_copy):
        refresh(data_copy)
        os.utime(data_copy / BETA, ns=(1, 1_000_000_000))
        stats = refresh(data_copy)
        assert (stats.full, stats.files_read) == (False, [])
        con = open_index(data_copy)
        row = con.execute("SELECT mtime_ns FROM files WHERE path = ?", (str(data_copy / BETA),)).fetchone()
        assert row[0] == 1_000_000_000

    def test_a_file_changed_without_any_stat_change_is_hashed_while_racy(self, data_copy):
        """Right after a file was indexed its stats may not change on the next edit
        (coarse timestamps): it is hashed until it has been unchanged for RACY_NS."""
        path = data_copy / BETA
        refresh(data_copy)
        edit(path, "Roe says training", "Roe said training")
        st = path.stat()
        con = open_index(data_copy)
        con.execute(  # as if the edit had left every stat as recorded
            "UPDATE files SET size=?, mtime_ns=?, ctime_ns=?, inode=?, checked_ns=? WHERE path=?",
            (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_mtime_ns + 1, str(path)),
        )
        con.close()
        assert refresh(data_copy).files_read == [str(path)]

    def test_stats_recorded_long_after_a_change_are_trusted(self, data_copy):
        path = data_copy / BETA
        refresh(data_copy)
        con = open_index(data_copy)
        st = path.stat()
        con.execute(
            "UPDATE files SET sha256 = 'x', checked_ns = ? WHERE path = ?",
            (max(st.st_mtime_ns, st.st_ctime_ns) + cache.RACY_NS, str(path)),
        )
        con.close()
        assert refresh(data_copy).files_read == []

    def test_an_added_file_is_read_and_a_removed_one_forgotten(self, data_copy):
        refresh(data_copy)
        extra = data_copy / "facts" / "gamma.yaml"
        extra.write_text(
            "source: beta-column\nfacts:\n  - id: roe-gamma\n    kind: quote\n    speaker: john-roe\n"
            "    topics: [agents]\n    statement: John Roe likes agents.\n    excerpt: agents are the future\n"
            "    excerpt_en: agents are the future\n    excerpt_en_original: true\n",
            encoding="utf-8",
        )
        stats = refresh(data_copy)
        assert (stats.files_read, stats.valid) == ([str(extra)], True)
        assert statement(data_copy, "roe-gamma") == "John Roe likes agents."
        extra.unlink()
        stats = refresh(data_copy)
        assert (stats.files_read, stats.files_removed) == ([], [str(extra)])
        con = open_index(data_copy)
        assert con.execute("SELECT count(*) FROM facts WHERE id = 'roe-gamma'").fetchone()[0] == 0

    def test_a_changed_reference_record_rewrites_the_facts_naming_it(self, data_copy):
        refresh(data_copy)
        edit(data_copy / "people.yaml", "name_en: Jane Roe", "name_en: Jane Q. Roe")
        stats = refresh(data_copy)
        assert (stats.files_read, stats.facts_checked) == ([str(data_copy / "people.yaml")], 3)
        con = open_index(data_copy)
        names = con.execute("SELECT DISTINCT speaker_names FROM facts WHERE source = 'beta-column'")
        assert [r[0] for r in names] == ['["Jane Q. Roe"]']

    @pytest.mark.parametrize(
        ("setup", "expected"),
        [
            (lambda: setattr(cache, "__version__", "99.0"), "package version"),
            (lambda: setattr(cache, "code_fingerprint", lambda: "other code"), "code"),
        ],
    )
    def test_other_versions_rebuild(self, monkeypatch, setup, expected):
        refresh(FIXTURE_DATA)
        monkeypatch.setattr(cache, "__version__", cache.__version__)
        monkeypatch.setattr(cache, "code_fingerprint", cache.code_fingerprint)
        setup()
        stats = refresh(FIXTURE_DATA)
        # 7 data files, and the bundled hedges.yaml (the probabilities of forecasts depend on it)
        assert (stats.full, stats.valid, len(stats.files_read)) == (True, True, 8), expected

    def test_another_schema_version_is_rebuilt(self):
        refresh(FIXTURE_DATA)
        path = cache.index_path([str(FIXTURE_DATA)])
        con = sqlite3.connect(path)
        con.execute("PRAGMA user_version = 99")
        con.close()
        assert cache.connect(path) is None
        assert refresh(FIXTURE_DATA).full

    @pytest.mark.parametrize(
        "damage",
        [
            lambda p: p.write_bytes(b"this is not a database" * 100),
            lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]),
            lambda p: p.write_bytes(b""),
        ],
        ids=["garbage", "truncated", "empty"],
    )
    def test_a_corrupt_index_is_rebuilt(self, damage):
        refresh(FIXTURE_DATA)
        path = Path(cache.index_path([str(FIXTURE_DATA)]))
        damage(path)
        con = cache.open_fresh([str(FIXTURE_DATA)])
        assert con is not None
        assert con.execute("SELECT count(*) FROM facts").fetchone()[0] == 8

    def test_a_foreign_database_is_rebuilt(self, tmp_path):
        path = Path(cache.index_path([str(FIXTURE_DATA)]))
        path.parent.mkdir(parents=True)
        con = sqlite3.connect(path)
        con.execute("CREATE TABLE facts (id TEXT)")
        con.execute("INSERT INTO facts VALUES ('not-ours')")
        con.commit()
        con.close()
        assert refresh(FIXTURE_DATA).full
        assert open_index(FIXTURE_DATA).execute("SELECT count(*) FROM facts").fetchone()[0] == 8

    def test_an_export_is_not_taken_for_the_index(self, kb):
        path = Path(cache.index_path([str(FIXTURE_DATA)]))
        from aitrends.sqlite_export import write_database

        write_database(kb, path, force=True)  # (over the index the export itself was read from)
        assert refresh(FIXTURE_DATA).full

    def test_a_read_only_cache_location_means_no_cache(self, tmp_path, monkeypatch):
        blocker = tmp_path / "a-file"
        blocker.write_text("not a directory")
        monkeypatch.setenv("AITRENDS_CACHE_DIR", str(blocker / "cache"))
        assert cache.open_fresh([str(FIXTURE_DATA)]) is None

    def test_no_cache(self, monkeypatch, cache_home):
        monkeypatch.setenv("AITRENDS_NO_CACHE", "1")
        assert cache.open_fresh([str(FIXTURE_DATA)]) is None
        assert not cache_home.exists()


class TestProblems:
    """A knowledge base with problems is never answered from the index, until fixed."""

    def test_a_broken_reference_makes_it_invalid_until_fixed(self, data_copy):
        refresh(data_copy)
        edit(
            data_copy / BETA,
            "speaker: jane-roe\n    topics: [compute]",
            "speaker: jane-doe\n    topics: [compute]",
        )
        assert not refresh(data_copy).valid
        assert cache.open_fresh([str(data_copy)]) is None
        edit(data_copy / BETA, "speaker: jane-doe", "speaker: john-roe")
        assert refresh(data_copy).valid
        con = cache.open_fresh([str(data_copy)])
        row = con.execute("SELECT speaker FROM facts WHERE id = 'roe-compute-doubles-6-months'").fetchone()
        assert row[0] == '["john-roe"]'

    def test_removing_a_record_others_refer_to(self, data_copy):
        refresh(data_copy)
        edit(data_copy / "topics.yaml", "  - {id: agents, label_en: AI agents, label_zh: 智能体}\n", "")
        stats = refresh(data_copy)
        assert (stats.valid, stats.files_read) == (False, [str(data_copy / "topics.yaml")])
        edit(data_copy / ALPHA, "topics: [agents]", "topics: [compute]")
        assert refresh(data_copy).valid
        assert derived(data_copy) == _fresh_build(data_copy)

    def test_removing_a_fact_another_links_to(self, data_copy):
        refresh(data_copy)
        text = (data_copy / ALPHA).read_text(encoding="utf-8")
        start = text.index("  - id: zhang-market-size-2023")
        end = text.index("  - id: zhang-market-size-2030")
        (data_copy / ALPHA).write_text(text[:start] + text[end:], encoding="utf-8")
        assert not refresh(data_copy).valid
        (data_copy / ALPHA).write_text(text, encoding="utf-8")
        assert refresh(data_copy).valid
        assert derived(data_copy) == _fresh_build(data_copy)

    def test_a_duplicate_id_in_another_file(self, data_copy):
        refresh(data_copy)
        edit(data_copy / BETA, "id: roe-data-runs-out-2026", "id: zhang-more-agents-next-year")
        assert not refresh(data_copy).valid
        edit(data_copy / BETA, "id: zhang-more-agents-next-year", "id: roe-data-runs-out-2027")
        assert refresh(data_copy).valid
        assert derived(data_copy) == _fresh_build(data_copy)

    def test_a_file_that_does_not_parse(self, data_copy):
        refresh(data_copy)
        good = (data_copy / BETA).read_text(encoding="utf-8")
        (data_copy / BETA).write_text(good + "  - id: [unclosed\n", encoding="utf-8")
        assert not refresh(data_copy).valid
        (data_copy / BETA).write_text(good, encoding="utf-8")
        assert refresh(data_copy).valid
        assert derived(data_copy) == _fresh_build(data_copy)

    def test_more_facts_than_the_limit(self, monkeypatch):
        from aitrends.loader import Limits

        class Small(Limits):
            def __init__(self) -> None:
                super().__init__(max_facts=5)

        monkeypatch.setattr(index, "Limits", Small)
        assert not refresh(FIXTURE_DATA).valid


def _fresh_build(*dirs: Path) -> dict[str, list[tuple]]:
    """The derived tables of a full build of ``dirs`` in another cache directory."""
    other = Path(config.cache_dir()).parent / "fresh"
    shutil.rmtree(other, ignore_errors=True)
    old = os.environ["AITRENDS_CACHE_DIR"]
    os.environ["AITRENDS_CACHE_DIR"] = str(other)
    try:
        assert refresh(*dirs).full
        return derived(*dirs)
    finally:
        os.environ["AITRENDS_CACHE_DIR"] = old


class TestIncrementalEqualsFull:
    """Whatever the order of edits, the updated index equals one built from scratch."""

    def test_a_sequence_of_edits(self, data_copy):
        refresh(data_copy)
        steps = [
            ("people.yaml", "name_en: Zhang San", "name_en: Zhang San Jr."),
            (ALPHA, "topics: [open-source]", "topics: [open-source, agents]"),
            ("topics.yaml", "label_en: AI agents", "label_en: Agents"),
            (BETA, "statement: Roe predicts", "statement: Jane Roe predicts"),
            (BETA, "predicts the data", "predicts the zorblat data"),  # a new word in the vocabulary
            (BETA, "predicts the zorblat data", "predicts the data"),  # and gone from it
            ("sources.yaml", "published: 2024-03-05", "published: 2024-04"),
            (ALPHA, "links: [{rel: derived-from, fact: zhang-market-size-2023}]", "links: []"),
            ("organizations.yaml", "name_en: Example Corp", "name_en: Example Corporation"),
        ]
        for name, old, new in steps:
            edit(data_copy / name, old, new)
            stats = refresh(data_copy)
            assert (stats.valid, stats.files_read) == (True, [str(data_copy / name)])
            assert derived(data_copy) == _fresh_build(data_copy), name

    def test_resolutions_in_another_file(self, data_copy):
        refresh(data_copy)
        (data_copy / "facts" / "zz-resolutions.yaml").write_text(
            "resolutions:\n  - {fact: roe-data-runs-out-2026, outcome: false, date: 2026-01, evidence: Data remains.}\n",
            encoding="utf-8",
        )
        stats = refresh(data_copy)
        assert (stats.valid, stats.facts_checked) == (True, 1)
        con = open_index(data_copy)
        rec = json.loads(
            con.execute("SELECT record FROM facts WHERE id = 'roe-data-runs-out-2026'").fetchone()[0]
        )
        assert (rec["status"], rec["resolution"]["outcome"]) == ("resolved", "false")
        assert derived(data_copy) == _fresh_build(data_copy)

    def test_a_change_to_a_superseded_resolution_alone(self, data_copy):
        """The history decides a forecast's past days: an edit of a superseded resolution only
        rewrites the forecast's stored resolutions."""
        path = data_copy / "facts" / "zz-resolutions.yaml"
        text = (
            "resolutions:\n"
            "  - {fact: roe-data-runs-out-2026, outcome: true, date: 2026-01, evidence: First look.,\n"
            "     recorded: 2026-02-01, superseded: 2026-06-01}\n"
            "  - {fact: roe-data-runs-out-2026, outcome: false, date: 2026-01, evidence: Data remains.,\n"
            "     recorded: 2026-06-01}\n"
        )
        path.write_text(text, encoding="utf-8")
        refresh(data_copy)

        def stood(day: str) -> object:
            con = open_index(data_copy)
            (history,) = con.execute(
                "SELECT resolved FROM facts WHERE id = 'roe-data-runs-out-2026'"
            ).fetchone()
            res = query.daily_fields(None, history, dt.date.fromisoformat(day))["resolution"]
            return res and res["outcome"]

        assert [stood(d) for d in ("2026-01-31", "2026-02-01", "2026-06-01")] == [None, "true", "false"]
        path.write_text(text.replace("recorded: 2026-02-01", "recorded: 2026-03-01"), encoding="utf-8")
        stats = refresh(data_copy)
        assert (stats.valid, stats.facts_checked) == (True, 1)
        assert [stood(d) for d in ("2026-02-01", "2026-03-01")] == [None, "true"]
        assert derived(data_copy) == _fresh_build(data_copy)

    def test_layers_and_overrides(self, data_copy, tmp_path):
        upper = tmp_path / "upper"
        (upper / "facts").mkdir(parents=True)
        (upper / "facts" / "mine.yaml").write_text(
            "source: beta-column\nfacts:\n  - id: roe-compute-doubles-6-months\n    override: true\n"
            "    kind: claim\n    speaker: jane-roe\n    topics: [compute]\n"
            "    statement: My own wording of Roe's claim.\n    excerpt: Training compute doubles every 6 months\n"
            "    excerpt_en: Training compute doubles every 6 months\n    excerpt_en_original: true\n",
            encoding="utf-8",
        )
        assert refresh(data_copy, upper).valid
        con = open_index(data_copy, upper)
        row = con.execute("SELECT statement FROM facts WHERE id = 'roe-compute-doubles-6-months'").fetchone()
        assert row[0] == "My own wording of Roe's claim."
        (upper / "facts" / "mine.yaml").unlink()
        assert refresh(data_copy, upper).valid
        row = open_index(data_copy, upper).execute(
            "SELECT statement FROM facts WHERE id = 'roe-compute-doubles-6-months'"
        )
        assert row.fetchone()[0] == "Roe says training compute doubles every six months."
        assert derived(data_copy, upper) == _fresh_build(data_copy, upper)

    def test_worker_processes_build_the_same_index(self, monkeypatch):
        serial = _fresh_build(FIXTURE_DATA)
        monkeypatch.setattr(index, "PARALLEL_FILES", 1)
        monkeypatch.setattr(index, "PARALLEL_FACTS", 1)
        assert refresh(FIXTURE_DATA, workers=2).full
        assert derived(FIXTURE_DATA) == serial


def test_the_bundled_data_builds_and_validates():
    stats = refresh(Path(config.bundled_data_dir()))
    assert (stats.full, stats.valid) == (True, True)
    assert stats.facts_checked == len(aitrends.load().all_facts)


def test_stale_temporary_files_are_not_left_behind(cache_home):
    refresh(FIXTURE_DATA)
    refresh(FIXTURE_DATA)
    assert sorted(p.name for p in cache_home.iterdir() if not p.name.endswith(".lock")) == [
        Path(cache.index_path([str(FIXTURE_DATA)])).name
    ]


def test_copy_fixture_is_untouched(tmp_path):
    """Building never writes into the data directory."""
    copy = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, copy)
    before = sorted((p.name, p.stat().st_mtime_ns) for p in copy.rglob("*"))
    refresh(copy)
    assert sorted((p.name, p.stat().st_mtime_ns) for p in copy.rglob("*")) == before
