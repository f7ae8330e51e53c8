"""The reference listings (sources, people, organizations, topics, metrics), the profiles
(person, source) and cite answer from the index through one implementation each
(aitrends.reference, aitrends.cite): the fast path, the CLI and --no-cache write the same
bytes, on the bundled data and on a user layer; names the index is not certain of go to the
CLI, which explains."""

from __future__ import annotations

import shutil

import pytest

from aitrends import config, fastpath

from .conftest import FIXTURE_DATA, fast, index_env, normal

LISTINGS = ["sources", "people", "organizations", "topics", "metrics"]
FORMATS = [
    [],
    ["--json"],
    ["-f", "json"],
    ["-f", "jsonl"],
    ["-f", "csv"],
    ["-f", "markdown"],
    ["--format", "CSV"],
]
PROFILES = [
    ["person", "Amodei"],
    ["person", "李開復"],
    ["person", "kai-fu-lee"],
    ["person", "Oren Etzioni"],
    ["source", "wired-lee-think-lighter"],
    ["source", "nbd-etzioni-2023"],
]
LAYER_PROFILES = [
    ["person", "zhang-san"],
    ["person", "Zhang San"],
    ["person", "张三"],
    ["person", "example-corp"],
    ["person", "kai-fu-lee"],
    ["source", "alpha-interview"],
    ["source", "beta-column"],
]


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def layer(tmp_path_factory):
    """A user layer over the bundled data: people, an organization, sources and their facts
    (the test fixture's), a metric and a topic below a bundled one."""
    root = tmp_path_factory.mktemp("layer")
    for name in ("people.yaml", "organizations.yaml", "sources.yaml"):
        shutil.copy(FIXTURE_DATA / name, root / name)
    shutil.copytree(FIXTURE_DATA / "facts", root / "facts")
    (root / "metrics.yaml").write_text(
        "metrics:\n  - {id: example-market-size, label_en: Example market size, topics: [market-size], unit: USD}\n",
        encoding="utf-8",
    )
    (root / "topics.yaml").write_text(
        "topics:\n  - {id: example-layer-topic, label_en: Example layer topic, label_zh: 示例, parent: inference-cost}\n",
        encoding="utf-8",
    )
    return root


@pytest.fixture(autouse=True)
def cache_env(shared_cache, monkeypatch):
    index_env(monkeypatch, shared_cache)
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.delenv("AITRENDS_DATA", raising=False)
    yield
    fastpath.reset()


def _same(runner, capsys, args):
    expected = normal(runner, args)
    assert expected[0] == 0, expected
    assert expected[1], args
    assert fast(capsys, args) == expected, args
    return expected


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: " ".join(f) or "table")
@pytest.mark.parametrize("command", LISTINGS)
def test_listings_fast_path_equals_cli(runner, capsys, command, fmt):
    _same(runner, capsys, [command, *fmt])


@pytest.mark.parametrize("fmt", FORMATS[:5], ids=lambda f: " ".join(f) or "table")
@pytest.mark.parametrize("args", PROFILES, ids=" ".join)
def test_profiles_fast_path_equals_cli(runner, capsys, args, fmt):
    _same(runner, capsys, [*args, *fmt])


@pytest.mark.parametrize("fmt", [[], ["--json"], ["-f", "csv"]], ids=lambda f: " ".join(f) or "table")
@pytest.mark.parametrize("args", [[c] for c in LISTINGS] + LAYER_PROFILES, ids=" ".join)
def test_a_user_layer(runner, capsys, layer, args, fmt):
    _same(runner, capsys, ["--data-dir", str(layer), *args, *fmt])


@pytest.mark.parametrize(
    "args",
    [
        ["sources"],
        ["people", "--json"],
        ["organizations", "-f", "csv"],
        ["topics"],
        ["metrics", "-f", "jsonl"],
        ["person", "Amodei"],
        ["source", "wired-lee-think-lighter", "--json"],
    ],
    ids=" ".join,
)
def test_no_cache_is_the_same(runner, args):
    """--no-cache builds the index in memory and runs the same queries."""
    assert normal(runner, ["--no-cache", *args]) == normal(runner, args)


def test_no_cache_on_a_user_layer(runner, layer):
    for args in (
        ["people", "--json"],
        ["topics"],
        ["person", "zhang-san"],
        ["source", "alpha-interview", "--json"],
    ):
        layered = ["--data-dir", str(layer), *args]
        assert normal(runner, ["--no-cache", *layered]) == normal(runner, layered)


def test_the_layer_is_counted(runner, layer):
    """The records count the layer's facts: a person's said and cited, a source's by kind, a
    topic's with the facts of the topics below it, a metric's."""
    import json

    base = ["--data-dir", str(layer)]
    people = {r["id"]: r for r in json.loads(normal(runner, [*base, "people", "--json"])[1])}
    assert people["zhang-san"]["facts_total"] == sum(people["zhang-san"]["facts"].values()) > 0
    sources = {r["id"]: r for r in json.loads(normal(runner, [*base, "sources", "--json"])[1])}
    assert sources["alpha-interview"]["facts_total"] > 0
    topics = {r["id"]: r for r in json.loads(normal(runner, [*base, "topics", "--json"])[1])}
    assert "example-layer-topic" in topics["inference-cost"]["children"]
    assert topics["cost"]["facts_total"] >= topics["inference-cost"]["facts_total"] > 0
    metrics = {r["id"]: r for r in json.loads(normal(runner, [*base, "metrics", "--json"])[1])}
    assert metrics["example-market-size"]["facts_total"] > 0
    profile = json.loads(normal(runner, [*base, "person", "zhang-san", "--json"])[1])
    assert [f["id"] for f in profile["said"]] == [
        r["id"] for r in json.loads(normal(runner, [*base, "claims", "-p", "zhang-san", "--json"])[1])
    ]


@pytest.mark.parametrize(
    "args",
    [
        *[[c] for c in LISTINGS],
        *[[c, "--json"] for c in LISTINGS],
        ["people", "-f", "csv"],
        ["topics", "-f", "markdown"],
        ["person", "Amodei"],
        ["person", "dario-amodei", "--json"],
        ["person", "李开复", "-f", "jsonl"],
        ["source", "wired-lee-think-lighter"],
        ["source", "nbd-etzioni-2023", "--json"],
        ["cite", "nbd-etzioni-2023"],
        ["cite", "nbd-etzioni-2023", "wired-lee-think-lighter", "-f", "bibtex"],
        ["cite", "lee-wired-inference-cost-falls-10x-per-year", "-f", "csl-json"],
    ],
    ids=" ".join,
)
def test_the_fast_path_answers_the_common_lines(capsys, args):
    """A regression to typer (the fast path giving up) is caught here."""
    assert fast(capsys, args) is not None


@pytest.mark.parametrize(
    "args",
    [
        ["person", "Amodie"],  # a typo: the CLI says which person it took
        ["person", "Li"],  # ambiguous: the CLI lists the candidates
        ["person", "nobody-at-all"],  # unknown: the CLI's error with suggestions
        ["source", "no-such-source"],
        ["people", "-f", "yaml"],  # YAML is written by the CLI (PyYAML)
        ["person", "Amodei", "-f", "yaml"],
    ],
    ids=" ".join,
)
def test_what_the_fast_path_leaves_to_the_cli(capsys, args):
    assert fast(capsys, args) is None
    assert capsys.readouterr() == ("", "")


def test_a_typo_gets_todays_notice(runner, capsys):
    code, out, err = normal(runner, ["person", "Amodie"])
    assert code == 0 and "Dario Amodei" in out
    assert err.startswith("taking 'Amodie' as Dario Amodei")
    code, out, err = normal(runner, ["person", "Amodie", "--json"])
    assert code == 0 and err == ""  # JSON stays clean for programs, as before


def test_an_unknown_name_is_todays_error(runner):
    code, out, err = normal(runner, ["person", "Li"])
    assert code != 0 and out == "" and "fei-fei-li" in err and "li-menglin" in err
    code, out, err = normal(runner, ["person", "nobody-at-all"])
    assert code != 0 and out == "" and "nobody-at-all" in err
    code, out, err = normal(runner, ["source", "no-such-source"])
    assert code != 0 and out == "" and "no-such-source" in err


CITE_FORMATS = [[], ["-f", "bibtex"], ["--format", "biblatex"], ["-f", "csl-json"], ["-f", "TEXT"]]


@pytest.mark.parametrize("fmt", CITE_FORMATS, ids=lambda f: " ".join(f) or "text")
@pytest.mark.parametrize(
    "refs",
    [
        ["nbd-etzioni-2023"],
        ["kpmg-zgc-ai-trends-2024", "wired-lee-think-lighter"],
        ["lee-wired-inference-cost-falls-10x-per-year"],
        ["wired-lee-think-lighter", "LEE-WIRED-INFERENCE-COST-FALLS-10X-PER-YEAR"],
    ],
    ids=" ".join,
)
def test_cite_fast_path_equals_cli(runner, capsys, refs, fmt):
    _same(runner, capsys, ["cite", *refs, *fmt])


@pytest.mark.parametrize("fmt", CITE_FORMATS[:2], ids=lambda f: " ".join(f) or "text")
def test_cite_on_a_user_layer(runner, capsys, layer, fmt):
    args = [
        "--data-dir",
        str(layer),
        "cite",
        "alpha-interview",
        "zhang-open-source-matters",
        "beta-column",
        *fmt,
    ]
    expected = _same(runner, capsys, args)
    assert normal(runner, ["--no-cache", *args]) == expected


def test_cite_no_cache_is_the_same(runner):
    args = ["cite", "nbd-etzioni-2023", "yingai-amodei-solar", "-f", "csl-json"]
    assert normal(runner, ["--no-cache", *args]) == normal(runner, args)


def test_an_unknown_ref_goes_to_the_cli(runner, capsys):
    assert fast(capsys, ["cite", "nbd-etzioni-2O23"]) is None
    assert fast(capsys, ["cite", "nbd-etzioni-2023", "nope-nope"]) is None
    code, out, err = normal(runner, ["cite", "nbd-etzioni-2O23"])
    assert (code, out) == (1, "") and "did you mean 'nbd-etzioni-2023'" in err


def _index(layer=None):
    from aitrends import store

    dirs = config.data_dirs([str(layer)] if layer else None)
    con = store.connect(dirs)
    assert con is not None
    return con


def _kinds(facts):
    from collections import Counter

    counts = Counter(f.kind.value for f in facts)
    return {k: counts.get(k, 0) for k in ("claim", "forecast", "quote", "figure")}


def test_the_counts_are_the_knowledge_bases(real_kb):
    """Each SQL count against the knowledge base counted in Python (the definitions of the
    records before they moved to the index)."""
    from aitrends.reference import records

    con = _index()
    facts = real_kb.all_facts
    for rec in records(con, "sources"):
        assert rec["facts"] == _kinds([f for f in facts if f.source == rec["id"]]), rec["id"]
    for table in ("people", "organizations"):
        for rec in records(con, table):
            assert rec["facts"] == _kinds([f for f in facts if rec["id"] in f.speaker]), rec["id"]
            assert rec["cited_in"] == sum(c.by == rec["id"] for f in facts for c in f.cited), rec["id"]
    assert any(rec["cited_in"] for rec in records(con, "people"))
    topics = real_kb.table("topics")
    for rec in records(con, "topics"):
        below = real_kb.topic_and_descendants(rec["id"])
        assert rec["facts_total"] == sum(1 for f in facts if below.intersection(f.topics)), rec["id"]
        assert rec["children"] == sorted(t for t in topics if topics[t].parent == rec["id"])
    assert any(rec["children"] for rec in records(con, "topics"))
    for rec in records(con, "metrics"):
        assert rec["facts_total"] == sum(1 for f in facts if f.metric == rec["id"]), rec["id"]


def test_the_profiles_are_the_knowledge_bases(real_kb):
    """Every person's and organization's facts said, presented, about them and citing them,
    in order, against the knowledge base."""
    from aitrends.reference import person_profile

    con = _index()
    facts = real_kb.all_facts
    seen = set()
    for entity in [*real_kb.people, *real_kb.organizations]:
        eid = entity.id
        rec = person_profile(con, eid)
        ids = {key: [f["id"] for f in rec[key]] for key in ("said", "attributed", "about", "cited_by")}
        order = real_kb.sort_key
        assert ids["said"] == [f.id for f in real_kb.facts(person=eid)]
        assert ids["attributed"] == [
            f.id for f in sorted((f for f in facts if eid in f.attributed_to), key=order)
        ]
        about = [f for f in facts if eid in f.about and eid not in f.attributed_to]
        assert ids["about"] == [f.id for f in sorted(about, key=order)]
        cited = [f for f in facts if eid in (c.by for c in f.cited)]
        assert ids["cited_by"] == [f.id for f in sorted(cited, key=order)]
        dates = sorted(d for f in real_kb.facts(person=eid) if (d := real_kb.said(f)) is not None)
        assert (rec["first_said"], rec["last_said"]) == (
            (str(dates[0]), str(dates[-1])) if dates else (None, None)
        )
        seen |= {key for key, value in ids.items() if value}
    assert seen == {"said", "attributed", "about", "cited_by"}  # each kind of list is exercised


@pytest.mark.parametrize("table", LISTINGS)
def test_the_python_api_counts_as_the_command(real_kb, table):
    """kb.frames() and the CSV export (frames.reference_rows, on the knowledge base's index in
    memory) count as `aitrends TABLE` does (on the cached index)."""
    from aitrends.frames import reference_rows
    from aitrends.reference import records

    listed = records(_index(), table)
    rows = reference_rows(real_kb, table)
    assert [r["id"] for r in rows] == [r["id"] for r in listed]
    assert [r["facts_total"] for r in rows] == [r["facts_total"] for r in listed]
    if table in ("people", "organizations"):
        assert [r["cited_in"] for r in rows] == [r["cited_in"] for r in listed]
    if table == "sources":
        assert [r["outlet_name"] for r in rows] == [r["outlet_name"] for r in listed]
