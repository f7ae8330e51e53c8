"""``show`` and ``forecasts`` from the index (aitrends.ledger): the fast path, the CLI and
``--no-cache`` print the same bytes; the ledger's selection is one (kb.forecasts runs it too);
an edit of hedges.yaml refreshes the probabilities the index stores."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

import aitrends
from aitrends import cache, config, fastpath, ledger
from aitrends.hedges import estimate, table_for

from .conftest import FIXTURE_DATA, FIXTURES, fast, normal

FIX = ["--no-bundled", "--data-dir", str(FIXTURE_DATA)]
TRACK = FIXTURES / "track-layer"

HEDGES = """\
sources: {mine: My own reading.}
default: {probability: 0.8, source: mine}
words:
  - {word: 预计, probability: 0.6, source: mine}
"""
RESOLUTIONS = """\
resolutions:
  - fact: roe-data-runs-out-2026
    outcome: "false"
    date: 2026-01-10
    evidence: A test outcome (not a judgement).
    recorded: 2026-02-01
"""


@pytest.fixture(autouse=True)
def _fresh() -> object:
    fastpath.reset()
    yield
    fastpath.reset()


def same_three_ways(runner, capsys, args: list[str]) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    answered = fast(capsys, args)
    assert answered is not None, "the fast path should answer this"
    assert answered == normal(runner, args), "fast path and CLI differ"
    assert answered == normal(runner, ["--no-cache", *args]), "the in-memory index differs"
    return answered


@pytest.fixture(scope="module")
def layer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A user layer over the fixture data: its own hedge words and a resolution."""
    root = tmp_path_factory.mktemp("layer")
    (root / "facts").mkdir()
    (root / "hedges.yaml").write_text(HEDGES, encoding="utf-8")
    (root / "facts" / "resolutions.yaml").write_text(RESOLUTIONS, encoding="utf-8")
    return root


BUNDLED_CASES = [
    ["show", "kpmg-oxford-yale-ai-drives-trucks-2027"],  # a forecast with a hedge word
    ["show", "kpmg-oxford-yale-ai-drives-trucks-2027", "--json"],
    ["show", "kpmg-oxford-yale-ai-drives-trucks-2027", "--as-of", "2030", "-f", "jsonl"],
    ["show", "amodei-scaling-continues-60-40-or-70-30"],  # a stated probability
    ["show", "amodei-scaling-continues-60-40-or-70-30", "-f", "json"],
    ["show", "lee-speech-zero-hallucination-removes-reasoning"],  # a quote
    ["show", "lee-speech-zero-hallucination-removes-reasoning", "-f", "markdown"],
    ["show", "kpmg-training-compute-grows-10x-a-year-since-2012"],  # a rate
    ["show", "kpmg-training-compute-grows-10x-a-year-since-2012", "-f", "csv"],
    ["show", "kpmg-bert-parameters-2018"],  # a figure
    ["show", "kpmg-bert-parameters-2018", "--json"],
    ["forecasts"],
    ["forecasts", "--json"],
    ["forecasts", "--status", "due"],
    ["forecasts", "--status", "due", "--json"],
    ["forecasts", "--status", "Open", "-f", "csv"],
    ["forecasts", "--status", "undated", "--status", "due", "-f", "markdown", "-n", "5"],
    ["forecasts", "--status", "resolved"],  # nothing: the empty message
    ["forecasts", "--status", "resolved", "--json"],
    ["forecasts", "--as-of", "2025-06", "--due-within", "400"],
    ["forecasts", "--horizon-before", "2030", "--horizon-after", "2025-07", "-f", "jsonl"],
    ["forecasts", "-p", "Amodei", "--json"],
    ["forecasts", "-t", "inference-cost", "-n", "3"],
    ["forecasts", "--due-within", "999999999", "--json"],  # beyond the year 9999: no bound
]


@pytest.mark.parametrize("args", BUNDLED_CASES, ids=" ".join)
def test_bundled(runner, capsys, args):  # type: ignore[no-untyped-def]
    code, out, err = same_three_ways(runner, capsys, args)
    assert code == 0 and (out or err == "No forecasts match.\n")


@pytest.mark.parametrize(
    "args",
    [
        ["show", "roe-data-runs-out-2026"],
        ["show", "roe-data-runs-out-2026", "--json"],
        ["show", "roe-compute-doubles-6-months"],
        ["show", "zhang-more-agents-next-year", "-f", "csv"],
        ["forecasts"],
        ["forecasts", "--status", "resolved", "--json"],
        ["forecasts", "--status", "resolved"],
        ["forecasts", "-p", "Jane Roe", "-f", "csv"],
        ["forecasts", "--status", "open", "--status", "due", "--as-of", "2027-01-01"],
    ],
    ids=" ".join,
)
def test_a_user_layer(runner, capsys, layer, args):  # type: ignore[no-untyped-def]
    code, out, _ = same_three_ways(runner, capsys, [*FIX, "-d", str(layer), *args])
    assert code == 0 and out


def test_a_users_hedge_words_and_resolution_are_shown(runner, capsys, layer):  # type: ignore[no-untyped-def]
    _, out, _ = same_three_ways(
        runner, capsys, [*FIX, "-d", str(layer), "show", "roe-data-runs-out-2026", "--json"]
    )
    rec = json.loads(out)
    kb = aitrends.load(FIXTURE_DATA, layer, bundled=False)
    fact = kb.get("roe-data-runs-out-2026")
    assert rec["probability_used"] == estimate(table_for(kb), fact).record()  # type: ignore[arg-type]
    assert rec["probability_used"]["probability"] == 0.8  # the layer's default
    assert (rec["status"], rec["resolution"]["outcome"]) == ("resolved", "false")


def test_the_common_lines_are_answered_by_the_fast_path(capsys):  # type: ignore[no-untyped-def]
    for args in (
        ["show", "kpmg-bert-parameters-2018"],
        ["show", "kpmg-bert-parameters-2018", "--json"],
        ["forecasts", "--status", "due"],
        ["forecasts", "--status", "due", "--json"],
        ["forecasts", "-p", "Amodei"],
    ):
        assert fast(capsys, args) is not None, args


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"status": ["due"]},
        {"status": ["open", "undated"], "as_of": "2024-06-01"},
        {"person": ["Amodei"]},
        {"topic": ["inference-cost"]},
        {"horizon_before": "2030", "horizon_after": "2025"},
        {"due_within": 800, "as_of": "2025-01-01"},
    ],
)
def test_kb_forecasts_and_the_command_select_the_same(runner, real_kb, filters):  # type: ignore[no-untyped-def]
    """One selection: kb.forecasts (on its in-memory table) and the command (on the index)."""
    args = ["forecasts", "--json", "--as-of", filters.get("as_of", "2026-11-23")]
    for key, value in filters.items():
        if key == "as_of":
            continue
        for v in value if isinstance(value, list) else [value]:
            args += [f"--{key.replace('_', '-')}", str(v)]
    code, out, _ = normal(runner, args)
    assert code == 0
    as_of = dt.date.fromisoformat(filters.get("as_of", "2026-11-23"))
    wanted = real_kb.forecasts(**{**filters, "as_of": as_of})
    assert [r["id"] for r in json.loads(out)] == [f.id for f in wanted]


def test_an_edit_of_hedges_yaml_refreshes_the_probabilities(runner, capsys, tmp_path):  # type: ignore[no-untyped-def]
    layer = tmp_path / "layer"
    shutil.copytree(TRACK, layer)
    args = ["-d", str(layer), "show", "kpmg-oxford-yale-ai-drives-trucks-2027", "--json"]

    def probability() -> float:
        _, out, _ = same_three_ways(runner, capsys, args)
        return float(json.loads(out)["probability_used"]["probability"])

    assert probability() == 0.75  # the bundled value of 预计
    hedges = layer / "hedges.yaml"
    hedges.write_text(HEDGES, encoding="utf-8")
    assert probability() == 0.6
    hedges.write_text(HEDGES.replace("0.6", "0.55"), encoding="utf-8")
    assert probability() == 0.55
    hedges.write_text("words:\n  - {word: x, probability: 2, source: own}\n", encoding="utf-8")
    assert fast(capsys, args) is None  # a table with problems: the CLI reports them
    code, out, err = normal(runner, args)
    assert code == 1 and "hedges.yaml:2: words[0].probability:" in err and out == ""
    code, out, _ = normal(runner, ["-d", str(layer), "show", "kpmg-bert-parameters-2018", "--json"])
    assert code == 0 and json.loads(out)["id"] == "kpmg-bert-parameters-2018"  # not a forecast
    hedges.unlink()
    assert probability() == 0.75


def test_the_file_is_shown_as_the_directory_was_given(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """A layer given as ../layer is shown as ../layer/facts/..., as the loader shows it."""
    layer = tmp_path / "layer"
    shutil.copytree(FIXTURE_DATA, layer)
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    for given in ("../layer", str(layer), "./../layer/"):
        kb = aitrends.load(given, bundled=False)
        dirs = config.data_dirs([given], bundled=False)
        con = cache.open_fresh(dirs)
        assert con is not None
        try:
            for fact_id in ("roe-data-runs-out-2026", "zhang-open-source-matters"):
                file, item = con.execute("SELECT file, item FROM facts WHERE id = ?", (fact_id,)).fetchone()
                q = SimpleNamespace(data_dir=[given], no_bundled=True)
                assert ledger.origin(con, file, item, q) == str(kb.origin(kb.get(fact_id)))
        finally:
            con.close()


@pytest.mark.parametrize("day", ["2024-01-01", "2026-06-15", "2026-11-23", "2031-01-01"])
@pytest.mark.parametrize("stack", ["bundled", "track"])
def test_forecasts_json_is_the_records_indented(runner, day, stack):  # type: ignore[no-untyped-def]
    """``forecasts --json`` writes each forecast's stored indented JSON, filled in for the day
    (no encoder): the same bytes as the records (``--format jsonl``, built field by field)
    dumped as one indented list."""
    extra = [] if stack == "bundled" else ["--data-dir", str(TRACK)]
    as_json = normal(runner, [*extra, "forecasts", "--as-of", day, "--json"])
    as_lines = normal(runner, [*extra, "forecasts", "--as-of", day, "-f", "jsonl"])
    assert as_json[0] == as_lines[0] == 0
    records = [json.loads(line) for line in as_lines[1].splitlines()]
    assert records and all("due" in r for r in records)
    assert as_json[1] == json.dumps(records, ensure_ascii=False, indent=2) + "\n"
