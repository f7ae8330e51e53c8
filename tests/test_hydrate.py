"""A knowledge base hydrated from the compiled index (aitrends.hydrate) is the one the YAML
loader gives: same records in the same order, same origins (file, line, the lines of every
field), same resolutions and history; the analysis commands print the same bytes with it; and
data with problems is still reported by the loader, with file and line."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest
import yaml

import aitrends
from aitrends import config, hydrate, kept, store
from aitrends.cli import app
from aitrends.records import fact_record

from .conftest import ROOT

OVERRIDDEN = "etzioni-more-multimodal-models-2024"
RESOLVED = "etzioni-major-ai-regulation-next-year"
DAY = dt.date(2026, 11, 23)
KINDS = ("sources", "people", "organizations", "topics", "metrics", "facts")


@pytest.fixture(autouse=True)
def _cache_on(monkeypatch):
    monkeypatch.delenv("AITRENDS_NO_CACHE", raising=False)


@pytest.fixture(scope="module")
def layered(tmp_path_factory) -> Path:
    """A user layer that overrides a person and a fact of the bundled data, adds a fact, and
    resolves a bundled forecast (with an earlier resolution kept as history)."""
    layer = tmp_path_factory.mktemp("user") / "mine"
    (layer / "facts").mkdir(parents=True)
    people = yaml.safe_load((ROOT / "data" / "people.yaml").read_text(encoding="utf-8"))["people"]
    lee = next(p for p in people if p["id"] == "kai-fu-lee")
    lee = {**lee, "aliases": [*lee["aliases"], "KFL"], "override": True}
    (layer / "people.yaml").write_text(
        yaml.safe_dump({"people": [lee]}, allow_unicode=True), encoding="utf-8"
    )
    bundled = yaml.safe_load((ROOT / "data" / "facts" / "nbd-etzioni-2023.yaml").read_text(encoding="utf-8"))
    fact = next(f for f in bundled["facts"] if f["id"] == OVERRIDDEN)
    fact = {
        "source": bundled["source"],
        **fact,
        "statement": "A user's rewording of this forecast.",
        "override": True,
    }
    new = copy.deepcopy(
        {
            **{k: v for k, v in fact.items() if k not in ("override", "links")},
            "id": "my-own-forecast",
            "statement": "A user's own forecast.",
        }
    )
    resolutions = [
        {
            "fact": RESOLVED,
            "outcome": "false",
            "date": "2025-01",
            "evidence": "First judgement.",
            "superseded": "2025-06",
        },
        {
            "fact": RESOLVED,
            "outcome": "partly",
            "date": "2025-06",
            "evidence": "Second judgement.",
            "by": "a user",
        },
    ]
    text = yaml.safe_dump(
        {"facts": [fact, new], "resolutions": resolutions}, allow_unicode=True, sort_keys=False
    )
    (layer / "facts" / "mine.yaml").write_text("# a user's layer\n\n" + text, encoding="utf-8")
    return layer


def _hydrated(dirs: list[str], *, memory: bool = False, eager: bool = False) -> aitrends.KnowledgeBase:
    given = config.data_dirs(dirs or None)
    con = store.in_memory(given) if memory else store.connect(given)
    assert con is not None
    return hydrate.knowledge_base(con, given, eager=eager)


def assert_same(loaded: aitrends.KnowledgeBase, hydrated: aitrends.KnowledgeBase) -> None:
    """Every table (ids, order, records), origin, resolution and the records of every fact."""
    for kind in KINDS:
        assert list(hydrated.table(kind)) == list(loaded.table(kind)), kind
        for key, record in loaded.table(kind).items():
            other = hydrated.table(kind)[key]
            assert other == record, key
            assert other.override == record.override, key
            a, b = loaded.origin(record), hydrated.origin(other)
            assert (b, b.lines) == (a, a.lines), key
    assert hydrated.resolutions == loaded.resolutions
    assert hydrated.resolution_origin == loaded.resolution_origin
    assert dict(hydrated.resolution_history) == dict(loaded.resolution_history)
    assert hydrated.files == loaded.files
    assert hydrated.dirs == loaded.dirs
    for fact in loaded.all_facts:
        assert fact_record(hydrated, hydrated.get(fact.id), as_of=DAY) == fact_record(loaded, fact, as_of=DAY)
    assert [f.id for f in hydrated.all_facts] == [f.id for f in loaded.all_facts]
    assert [f.id for f in hydrated.facts(topic="inference-cost")] == [
        f.id for f in loaded.facts(topic="inference-cost")
    ]
    assert repr(hydrated) == repr(loaded)


@pytest.fixture(scope="module")
def yaml_kb() -> aitrends.KnowledgeBase:
    """The bundled knowledge base read from the YAML (aitrends.load may hydrate it)."""
    return aitrends.kb.load()


@pytest.mark.parametrize("memory", [False, True], ids=["cached", "in-memory"])
def test_bundled(yaml_kb, memory):
    assert_same(yaml_kb, _hydrated([], memory=memory))


@pytest.mark.parametrize("eager", [False, True], ids=["lazy", "eager"])
def test_user_layer_overriding_records(layered, eager):
    loaded = aitrends.kb.load(layered)
    assert loaded.table("facts")[OVERRIDDEN].statement == "A user's rewording of this forecast."
    assert loaded.table("facts")[OVERRIDDEN].override
    assert len(loaded.resolution_history[RESOLVED]) == 1
    hydrated = _hydrated([str(layered)], eager=eager)
    assert_same(loaded, hydrated)
    assert hydrated.origin(hydrated.get(OVERRIDDEN)).file.endswith("mine.yaml")
    assert hydrated.resolve("people", "KFL") == "kai-fu-lee"


def test_facts_are_hydrated_on_demand():
    kb = _hydrated([])
    facts = kb.table("facts")
    assert isinstance(facts, hydrate.Facts)
    assert facts.loaded == 0 and len(facts) > 400
    kb.get(OVERRIDDEN)
    assert facts.loaded == 1
    selected = kb.facts(topic="inference-cost")
    assert facts.loaded <= len(selected) + 1 < len(facts)
    kb.origin(kb.get(OVERRIDDEN))
    assert facts.loaded <= len(selected) + 1
    list(facts.values())
    assert facts.loaded == len(facts)


COMMANDS = [
    ["related", "lee-wired-inference-cost-falls-10x-per-year", "--as-of", "2026-11-23"],
    ["related", "lee-wired-inference-cost-falls-10x-per-year", "--json", "--as-of", "2026-11-23"],
    ["compare", "--topic", "inference-cost"],
    ["compare", "--metric", "inference-cost", "--json"],
    ["trends"],
    ["trends", "--topic", "inference-cost", "--json"],
    ["trends", "--repeats", "--format", "csv"],
    ["check"],
    ["check", "--json"],
    ["scores", "--as-of", "2026-11-23"],
    ["scores", "--as-of", "2026-11-23", "--json"],
    ["validate"],
]


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda a: " ".join(a)[:60])
@pytest.mark.parametrize("base", ["bundled", "layered"])
def test_commands_print_the_same_with_the_hydrated_knowledge_base(runner, monkeypatch, layered, argv, base):
    """The output of each command with the knowledge base hydrated from the index and with
    one loaded from the YAML by aitrends.kb.load."""
    prefix = ["--data-dir", str(layered)] if base == "layered" else []
    used = []
    real = hydrate.knowledge_base

    def spy(con, dirs, **kw):
        used.append(dirs)
        return real(con, dirs, **kw)

    monkeypatch.setattr(hydrate, "knowledge_base", spy)
    monkeypatch.setattr(kept, "read", lambda con, command, key: None)  # computed each time
    first = runner.invoke(app, [*prefix, *argv])
    assert used, "the command did not hydrate the knowledge base"
    monkeypatch.setattr(
        hydrate, "knowledge_base", lambda con, dirs, **kw: aitrends.kb.load(*dirs, bundled=False)
    )
    second = runner.invoke(app, [*prefix, *argv])
    assert (first.exit_code, first.stdout, first.stderr) == (second.exit_code, second.stdout, second.stderr)
    assert first.exit_code == 0, first.stderr


def test_problems_are_still_reported_with_file_and_line(runner, tmp_path, monkeypatch):
    (tmp_path / "facts").mkdir()
    (tmp_path / "facts" / "bad.yaml").write_text(
        "source: wired-lee-think-lighter\nfacts:\n  - id: my-bad-fact\n    kind: claim\n"
        "    speaker: nobody-at-all\n    topics: [inference-cost]\n    statement: A bad fact.\n"
        "    excerpt: x\n    excerpt_en: x\n    excerpt_en_original: false\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(hydrate, "knowledge_base", None)  # never reached: the data has problems
    for argv in (["trends"], ["related", "lee-wired-inference-cost-falls-10x-per-year"], ["check"]):
        for cache in ([], ["--no-cache"]):
            result = runner.invoke(app, [*cache, "--data-dir", str(tmp_path), *argv])
            assert result.exit_code != 0
            assert "bad.yaml:5: facts[0].speaker" in result.stderr, result.stderr
            assert "nobody-at-all" in result.stderr
            assert "Traceback" not in result.stderr


@pytest.mark.parametrize("analysis", ["trends", "check", "related", "scores", "compare"])
def test_analysis_reads_only_the_facts_it_needs(yaml_kb, analysis):
    """Each analysis hydrates the facts that can count (those with a number, the candidates of
    related, the forecasts) and gives what it gives with every fact loaded from the YAML."""
    from aitrends.relate import compare, related
    from aitrends.scores import scores

    calls = {
        "trends": lambda kb: [t.record(kb) for t in kb.trends(repeats=False)],
        "check": lambda kb: [c.record() for c in kb.check()],
        "related": lambda kb: [
            (r.fact.id, r.score, r.reasons)
            for r in related(kb, "lee-wired-inference-cost-falls-10x-per-year")
        ],
        "scores": lambda kb: repr(scores(kb, as_of=DAY)),
        "compare": lambda kb: repr(compare(kb, topic="inference-cost")),
    }
    kb = _hydrated([])
    assert calls[analysis](kb) == calls[analysis](yaml_kb)
    facts = kb.table("facts")
    assert 0 < facts.loaded < len(facts) * 0.7, facts.loaded


def test_load_hydrates_from_the_cache_unless_told_not_to(monkeypatch, layered, yaml_kb):
    """aitrends.load: every fact hydrated from the cached index at once, the index closed;
    the YAML with cache=False, $AITRENDS_NO_CACHE or a limit."""
    kb = aitrends.load(layered)
    facts = kb.table("facts")
    assert isinstance(facts, hydrate.Facts) and facts.loaded == len(facts)
    assert kb._store is None  # nothing is read from the index afterwards
    assert_same(aitrends.kb.load(layered), kb)
    assert isinstance(aitrends.load(cache=False).table("facts"), dict)
    assert isinstance(aitrends.load(max_facts=10_000).table("facts"), dict)
    monkeypatch.setenv("AITRENDS_NO_CACHE", "1")
    assert isinstance(aitrends.load().table("facts"), dict)


def test_load_reports_problems_from_the_yaml(tmp_path):
    (tmp_path / "facts").mkdir()
    (tmp_path / "facts" / "bad.yaml").write_text("facts:\n  - id: x\n", encoding="utf-8")
    with pytest.raises(aitrends.DataError) as info:
        aitrends.load(tmp_path)
    assert any(p.file.endswith("bad.yaml") and p.line == 2 for p in info.value.problems)


def test_a_yaml_file_the_loader_would_not_read_is_a_problem_not_a_hydrated_answer(
    runner, tmp_path, monkeypatch
):
    """The index is not used for a data directory with a stray YAML file at its top (the
    loader reports it): validate says so, from the YAML, instead of OK."""
    (tmp_path / "facts").mkdir()
    (tmp_path / "topic.yaml").write_text("topics: []\n", encoding="utf-8")
    monkeypatch.setattr(hydrate, "knowledge_base", None)  # never reached
    result = runner.invoke(app, ["--data-dir", str(tmp_path), "validate"])
    assert result.exit_code != 0
    assert "topic.yaml: not a data file name (did you mean 'topics.yaml'?)" in result.stderr
    assert store.connect(config.data_dirs([str(tmp_path)])) is None


@pytest.mark.parametrize(
    "argv",
    [
        ["trends", "--json"],
        ["check"],
        ["related", "lee-wired-inference-cost-falls-10x-per-year", "--as-of", "2026-11-23"],
    ],
    ids=lambda a: a[0],
)
def test_no_cache_hydrates_from_an_index_built_in_memory(runner, layered, argv):
    cached = runner.invoke(app, ["--data-dir", str(layered), *argv])
    memory = runner.invoke(app, ["--no-cache", "--data-dir", str(layered), *argv])
    assert (memory.exit_code, memory.stdout, memory.stderr) == (
        cached.exit_code,
        cached.stdout,
        cached.stderr,
    )
    assert cached.exit_code == 0 and cached.stdout
