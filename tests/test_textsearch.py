"""Search from the compiled index: the same ranking as the knowledge base, without loading it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aitrends
from aitrends import cache, config, search, textsearch
from aitrends.cli import app

from .conftest import FIXTURE_DATA, TODAY, fixture_args


@pytest.fixture(scope="module")
def bundled():
    """The bundled knowledge base and a connection to its index (built if need be)."""
    kb = aitrends.load()
    con = cache.open_fresh(config.data_dirs())
    assert con is not None
    yield kb, con
    con.close()


def _words(kb) -> list[str]:
    """Words of the bundled data as people type them: English words, Chinese runs and pieces
    of them, numbers, names, in either script."""
    out: set[str] = set()
    for f in kb.all_facts:
        for text in (f.statement, f.excerpt_en, f.note or ""):
            out.update(w.strip(".,;:()[]'\"") for w in text.split())
        for run in re.findall(r"[\u4e00-\u9fff]+", f.excerpt):
            out.update(run[i : i + n] for n in (1, 2, 4) for i in range(0, len(run), 3))
    for p in kb.people:
        out.update(n for n in (p.name_en, p.name_zh_hant, p.name_zh_hans) if n)
    return sorted(w for w in out if w)


def _typo(word: str, at: int) -> str:
    """The word with two neighbouring letters swapped (a typo the search must forgive)."""
    if len(word) < 5:
        return word
    i = at % (len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


WORDS = _words(aitrends.load())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=3),
    typo=st.one_of(st.none(), st.integers(0, 20)),
    lang=st.sampled_from([None, "zh", "en"]),
    require_all=st.booleans(),
)
def test_the_index_ranks_as_the_knowledge_base(bundled, words, typo, lang, require_all):
    kb, con = bundled
    if typo is not None:
        words = [*words[:-1], _typo(words[-1], typo)]
    query = " ".join(words)
    in_memory = kb.search(query, lang=lang, require_all=require_all)
    from_index = textsearch.search(con, query, lang=lang, require_all=require_all)
    assert [(h.id, h.score, h.matched, h.fields) for h in from_index] == [
        (h.id, h.score, h.matched, h.fields) for h in in_memory
    ]


def test_typos_and_phrases_take_the_same_path(bundled):
    """The cases the property test may miss: a typo corrected from the vocabulary table, a
    phrase bonus, a word found only in a label (which ranks, never finds)."""
    kb, con = bundled
    for query in ("inferance costs", "paramters", "gpt4", "inference cost", "Moore's law", "推理成本 下降"):
        assert [h.id for h in textsearch.search(con, query)] == [h.id for h in kb.search(query)]
        assert kb.search(query), query


def test_the_vocabulary_is_the_english_of_the_text_fields(bundled):
    kb, con = bundled
    stored = [r[0] for r in con.execute("SELECT token FROM vocabulary ORDER BY token")]
    assert stored == kb.text_index().vocabulary(0, 1000)
    assert "gpt" in stored and all(search.is_latin(t) for t in stored)


def test_statistics_are_those_of_the_knowledge_base(bundled):
    kb, con = bundled
    assert textsearch.IndexPostings(con).stats() == kb.text_index().stats()


class TestCommand:
    """``aitrends search`` answers from the index as from the knowledge base."""

    CASES = [
        ["推理成本"],
        ["開源模型", "--lang", "zh"],
        ["paramters"],
        ["compute", "nonexistentword"],  # partial: with a note on stderr
        ["Example", "--kind", "figure"],
        ["agents", "--lang", "en"],
        ["roe", "--person", "Jane Roe"],
        ["data", "--topic", "compute", "--kind", "claim", "--kind", "forecast"],
        ["data", "--as-of", "2030"],
        ["nothing-like-this"],
    ]

    @pytest.mark.parametrize("args", CASES, ids=[" ".join(a) for a in CASES])
    @pytest.mark.parametrize("fmt", [["--json"], ["--format", "table"], ["--format", "csv"]])
    def test_same_output_as_without_the_index(self, runner, args, fmt):
        indexed = runner.invoke(app, fixture_args("search", *args, *fmt))
        plain = runner.invoke(app, ["--no-cache", *fixture_args("search", *args, *fmt)])
        assert (indexed.exit_code, indexed.stdout, indexed.stderr) == (
            plain.exit_code,
            plain.stdout,
            plain.stderr,
        )

    def test_a_forecast_is_judged_on_the_day(self, runner):
        for day in ("2020-01-01", TODAY, "2099-12-31"):
            rows = json.loads(
                runner.invoke(
                    app, fixture_args("search", "data", "--kind", "forecast", "--as-of", day, "--json")
                ).stdout
            )
            assert rows and {r["as_of"] for r in rows} == {day}
            plain = runner.invoke(
                app,
                [
                    "--no-cache",
                    *fixture_args("search", "data", "--kind", "forecast", "--as-of", day, "--json"),
                ],
            )
            assert rows == json.loads(plain.stdout)

    def test_an_uncertain_name_is_resolved_by_the_knowledge_base(self, runner, capsys):
        """The fast path leaves a typo to the CLI, which takes it as the name it spells (with
        a notice) and answers from the same index."""
        from aitrends import fastpath

        fastpath.reset()
        typo = [*fixture_args("search", "data", "--person", "Jane Rooe")]
        assert fastpath.answer(typo, {}) is None
        fastpath.reset()
        exact = runner.invoke(app, fixture_args("search", "data", "--person", "Jane Roe"))
        fuzzy = runner.invoke(app, typo)
        assert fuzzy.exit_code == exact.exit_code == 0
        assert fuzzy.stdout == exact.stdout and fuzzy.stdout
        assert "taking 'Jane Rooe' as" in fuzzy.stderr

    def test_a_bad_lang_is_an_error_either_way(self, runner):
        for extra in ([], ["--no-cache"]):
            result = runner.invoke(app, [*extra, *fixture_args("search", "x", "--lang", "fr")])
            assert result.exit_code != 0 and "--lang" in result.stderr


DRIVER = """
import sys
from aitrends.fastpath import main
sys.argv = ["aitrends", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
heavy = [m for m in ("yaml", "pydantic", "aitrends.kb", "aitrends.loader", "aitrends.records") if m in sys.modules]
sys.stderr.write("MODULES " + " ".join(heavy) + "\\n")
"""


def _modules_after(*args: str) -> set[str]:
    env = {**os.environ}
    subprocess.run([sys.executable, "-c", DRIVER, *args], env=env, capture_output=True, check=True)  # builds
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, *args], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip()
    line = [x for x in done.stderr.splitlines() if x.startswith("MODULES")][0]
    return set(line.split()[1:])


@pytest.mark.parametrize("args", [("search", "推理成本", "--json"), ("search", "inference", "cost")])
def test_search_from_a_fresh_index_reads_no_yaml(args):
    """No YAML is parsed and no knowledge base is built when the index is fresh."""
    assert not _modules_after(*fixture_args(*args)) & {
        "yaml",
        "aitrends.kb",
        "aitrends.loader",
        "aitrends.records",
    }


def test_search_from_a_fresh_index_imports_no_pydantic():
    assert "pydantic" not in _modules_after(*fixture_args("search", "推理成本", "--json"))


def test_without_a_cache_an_index_in_memory_answers(runner, monkeypatch):
    """--no-cache: the same search, on an index built in memory and kept nowhere."""
    monkeypatch.setenv("AITRENDS_NO_CACHE", "1")
    result = runner.invoke(app, fixture_args("search", "推理成本", "--json"))
    assert [r["id"] for r in json.loads(result.stdout)] == ["zhang-inference-cost-falls-10x"]


def test_the_fixture_index_has_postings_for_every_fact():
    con = cache.open_fresh([str(FIXTURE_DATA)])
    assert con is not None
    try:
        facts = {r[0] for r in con.execute("SELECT id FROM facts")}
        assert {r[0] for r in con.execute("SELECT DISTINCT fact FROM postings")} == facts
        assert {r[0] for r in con.execute("SELECT fact FROM fact_lengths")} == facts
    finally:
        con.close()
