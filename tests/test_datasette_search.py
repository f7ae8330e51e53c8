"""Search in Datasette finds what ``aitrends search`` finds: Datasette serves an export of the
bundled data for real on 127.0.0.1 (``datasette kb.db`` alone: the plugin comes by its entry
point, the metadata from the plugin), and for each query the set of fact ids its search box
returns equals the set ``aitrends search --json --limit 0`` prints. Sets, not lists: ranking is
the CLI's business."""

from __future__ import annotations

import datetime as dt
import json
import sys
import urllib.parse

import pytest

from aitrends.cli import app
from aitrends.sqlite_export import write_database

from .serving import SETTINGS, free_port, get, running

pytestmark = pytest.mark.realtime  # servers, external tools: not for a faked clock (.ci/run)

QUERIES = [
    # two-character Chinese words, which a trigram index cannot find
    "光伏", "成本", "算力", "十倍", "预测", "預測", "开源", "開源",
    # longer Chinese, in both scripts
    "芯片技术", "芯片技術", "推理成本", "多模态", "多模態", "人工智能", "大模型", "太阳能", "中关村", "關村",
    # names, in Chinese and English, in any order
    "李开复", "李開復", "毕马威", "Kai-Fu Lee", "Lee Kai-fu", "Amodei", "Dario Amodei", "Etzioni", "KPMG", "OpenAI",
    # English words and phrases: stems, a typo, numbers
    "inference cost", "inference costs", "infrence", "GPU", "scaling laws", "solar", "energy",
    "open source", "AGI", "market size", "Transformer", "2024", "18 months", "halve", "predicts", "chips",
    # mixed, and spaced Chinese
    "成本 inference", "光伏 solar", "每 18 个月",
]  # fmt: skip


@pytest.fixture(scope="module")
def datasette(real_kb, tmp_path_factory):
    path = tmp_path_factory.mktemp("served") / "kb.db"
    write_database(real_kb, path, as_of=dt.date(2025, 6, 1))
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        str(path),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *SETTINGS,
    ]
    with running(cmd, port) as base:
        yield base


def cli_ids(runner, query: str) -> set[str]:
    result = runner.invoke(app, ["search", *query.split(), "--json", "--limit", "0"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""  # every word matched: no "showing facts that match some"
    return {r["id"] for r in json.loads(result.stdout)}


def datasette_ids(base: str, query: str) -> set[str]:
    args = urllib.parse.urlencode(
        {"_search": query, "_col": "id", "_shape": "array", "_size": "max", "_nofacet": "1", "_nocount": "1"}
    )
    return {r["id"] for r in get(f"{base}/kb/facts.json?{args}")}


def test_the_list_is_long_enough():
    assert len(set(QUERIES)) == len(QUERIES) >= 30


@pytest.mark.parametrize("query", QUERIES)
def test_datasette_finds_what_the_cli_finds(datasette, runner, query):
    expected = cli_ids(runner, query)
    assert expected, f"{query!r} finds nothing in the CLI: a useless comparison"
    assert datasette_ids(datasette, query) == expected


@pytest.mark.parametrize("query", ["李開復", "光伏 solar", "infrence"])
def test_the_search_canned_query_agrees(datasette, runner, query):
    args = urllib.parse.urlencode({"q": query, "_shape": "array", "_size": "max"})
    assert {r["id"] for r in get(f"{datasette}/kb/search.json?{args}")} == cli_ids(runner, query)


def test_metadata_and_plugin_without_a_metadata_file(datasette):
    plugins = {p["name"] for p in get(f"{datasette}/-/plugins.json")}
    assert "aitrends" in plugins
    facets = get(f"{datasette}/kb/facts.json?_size=0")["facet_results"]
    assert {"kind", "topics", "speaker", "source", "year"} <= set(facets)
