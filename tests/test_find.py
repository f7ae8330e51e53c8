"""search, related, compare, person, source."""

from __future__ import annotations

import json

import pytest

from aitrends.cli import app
from aitrends.search import fold, highlight_spans, name_key, snippet, stem, tokenize

from .conftest import fixture_args


def run_json(runner, *args):
    result = runner.invoke(app, fixture_args(*args, "--json"), catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


class TestFolding:
    """Text is compared after folding scripts, case, width and accents."""

    @pytest.mark.parametrize(
        ("a", "b"),
        [("李開復", "李开复"), ("ＡＢＣ", "abc"), ("Café", "cafe"), ("數十億美元", "数十亿美元")],
    )
    def test_fold(self, a, b):
        assert fold(a) == fold(b)

    def test_name_key_drops_punctuation_and_spaces(self):
        assert name_key("Kai-Fu Lee") == name_key("kaifu lee") == "kaifulee"
        assert name_key("奥伦 · 伊奇奥尼") == "奥伦伊奇奥尼"

    @pytest.mark.parametrize(
        ("word", "root"), [("costs", "cost"), ("falling", "fall"), ("studies", "study"), ("class", "class")]
    )
    def test_stem(self, word, root):
        assert stem(word) == root

    def test_tokenize(self):
        assert tokenize("推理成本 falls") == ["推理", "理成", "成本", "fall"]
        assert "每" in tokenize("会每18个月", unigrams=True)

    def test_highlight_and_snippet(self):
        assert highlight_spans("Inference costs fell", ["cost"]) == [(10, 15)]
        assert highlight_spans("推理成本下降", ["成本"]) == [(2, 4)]
        text, spans = snippet("x" * 200 + "推理成本" + "y" * 200, ["推理成本"], width=60)
        assert text.startswith("…") and text.endswith("…")
        assert text[spans[0][0] : spans[0][1]] == "推理成本"


class TestSearch:
    """aitrends search."""

    def test_chinese_query_without_spaces(self, runner):
        rows = run_json(runner, "search", "推理成本")
        assert [r["id"] for r in rows] == ["zhang-inference-cost-falls-10x"]
        assert rows[0]["score"] > 0 and rows[0]["matched"] == ["推理成本"]

    def test_traditional_query_finds_simplified_text(self, runner):
        assert [r["id"] for r in run_json(runner, "search", "開源模型")] == ["zhang-open-source-matters"]

    def test_english_stem_and_typo(self, runner):
        assert [r["id"] for r in run_json(runner, "search", "paramters")] == ["roe-model-175b-parameters"]

    def test_lang_restricts_fields(self, runner):
        assert run_json(runner, "search", "agents", "--lang", "zh") == []
        assert [r["id"] for r in run_json(runner, "search", "agents", "--lang", "en")] == [
            "zhang-more-agents-next-year"
        ]

    def test_every_word_must_match_else_partial_with_note(self, runner):
        result = runner.invoke(app, fixture_args("search", "compute", "nonexistentword", "--json"))
        assert [r["id"] for r in json.loads(result.stdout)] == ["roe-compute-doubles-6-months"]
        assert result.stderr.startswith("No fact matches every word of 'compute nonexistentword'")

    def test_filters(self, runner):
        assert run_json(runner, "search", "Example", "--kind", "figure") != []
        assert all(r["kind"] == "figure" for r in run_json(runner, "search", "Example", "--kind", "figure"))

    def test_table_shows_matches(self, runner):
        out = runner.invoke(app, fixture_args("search", "推理成本"), catch_exceptions=False).stdout
        assert "zhang-inference-cost-falls-10x" in out and "推理成本" in out

    def test_claims_text_uses_the_engine(self, runner):
        assert [r["id"] for r in run_json(runner, "claims", "--text", "開源")] == [
            "zhang-open-source-matters"
        ]


class TestRelated:
    """aitrends related."""

    def test_links_both_ways_with_reasons(self, runner):
        rows = {r["id"]: r for r in run_json(runner, "related", "zhang-market-size-2023")}
        assert "it is derived from this fact" in rows["zhang-market-size-2030"]["reasons"]
        assert (
            "same metric 'Example market size' in the same source"
            in rows["zhang-market-size-2030"]["reasons"]
        )
        back = {r["id"]: r for r in run_json(runner, "related", "zhang-market-size-2030")}
        assert back["zhang-market-size-2023"]["reasons"][0] == "this fact is derived from it"

    def test_unknown_fact(self, runner):
        result = runner.invoke(app, fixture_args("related", "nope"))
        assert result.exit_code == 1 and result.stderr.startswith("Error: unknown fact 'nope'")


class TestCompare:
    """aitrends compare on the bundled data (the inference-cost claims of three sources)."""

    def test_inference_cost(self, runner):
        rows = json.loads(
            runner.invoke(
                app, ["compare", "--topic", "inference-cost", "--json"], catch_exceptions=False
            ).stdout
        )
        by = {(r["source"], tuple(r["speakers"])): r for r in rows}
        lee = by[("wired-lee-think-lighter", ("kai-fu-lee",))]
        etzioni = by[("nbd-etzioni-2023", ("oren-etzioni",))]
        assert sorted(x["annual_factor"] for x in lee["rates"]) == [10.0, 18.75]
        assert etzioni["compatible_with"] == ["kai-fu-lee @ wired-lee-think-lighter"]
        assert etzioni["agrees_with"] == [] and etzioni["conflicts_with"] == []

    def test_series_relations_are_shown_on_the_rates(self, runner):
        rows = json.loads(
            runner.invoke(
                app, ["compare", "--metric", "training-compute", "--json"], catch_exceptions=False
            ).stdout
        )
        rates = {r["facts"][0]: r for row in rows for r in row["rates"]}
        six = rates["kpmg-training-compute-doubled-every-6-months-after-deep-learning"]
        since_2012 = rates["kpmg-training-compute-doubles-every-3-4-months-since-2012"]
        assert {(x["rel"], x["fact"]) for x in six["relations"]} == {
            ("follows", "kpmg-training-compute-doubled-every-20-months-before-deep-learning"),
            ("rival-estimate", "kpmg-training-compute-doubles-every-3-4-months-since-2012"),
        }
        assert [(x["rel"], x["inferred"]) for x in since_2012["relations"]] == [("rival-estimate", True)]
        table = runner.invoke(
            app, ["compare", "--metric", "training-compute", "--format", "markdown"], catch_exceptions=False
        ).stdout
        assert "rival estimate" in table and "later period" in table

    def test_needs_topic_or_metric(self, runner):
        result = runner.invoke(app, ["compare"])
        assert result.exit_code == 2 and result.stderr == "Error: compare: give --topic or --metric\n"


class TestProfiles:
    """aitrends person / source."""

    def test_person(self, runner):
        rec = run_json(runner, "person", "張三")
        assert rec["id"] == "zhang-san" and rec["facts"]["forecast"] == 2
        assert rec["first_said"] == rec["last_said"] == "2024-03-05"
        assert [t["id"] for t in rec["topics"]][:1] == ["market-size"]

    def test_what_others_say_they_said_is_apart_from_their_words(self, runner):
        rec = json.loads(runner.invoke(app, ["person", "Amodei", "--json"], catch_exceptions=False).stdout)
        said = {f["id"] for f in rec["said"]}
        attributed = {f["id"] for f in rec["attributed"]}
        assert "amodei-ai-future-like-solar-headline" in attributed
        assert "amodei-biology-discovery-100x-heading" in attributed
        assert "amodei-ai-speeds-discovery-10x-maybe-100x" in said
        assert not said & attributed and not attributed & {f["id"] for f in rec["about"]}
        quoted = runner.invoke(
            app, ["quote", "--person", "Amodei", "--format", "jsonl"], catch_exceptions=False
        )
        ids = {json.loads(x)["id"] for x in quoted.stdout.splitlines()}
        assert ids == said and not ids & attributed
        table = runner.invoke(app, ["person", "Amodei"], catch_exceptions=False).stdout
        assert "what others say they said" in table

    def test_organization_about_and_cited(self, runner):
        rec = run_json(runner, "person", "Example Corp")
        assert {f["id"] for f in rec["about"]} == {
            "zhang-inference-cost-falls-10x",
            "roe-model-175b-parameters",
        }

    def test_source(self, runner):
        rec = run_json(runner, "source", "beta-column")
        assert rec["facts"] == {"claim": 1, "forecast": 1, "quote": 0, "figure": 1}
        assert rec["speakers"] == [{"id": "jane-roe", "name": "Jane Roe", "facts": 3}]

    def test_tables(self, runner):
        out = runner.invoke(app, fixture_args("person", "jane roe"), catch_exceptions=False).stdout
        assert "Jane Roe (jane-roe)" in out and "roe-data-runs-out-2026" in out
        out = runner.invoke(app, fixture_args("source", "alpha-interview"), catch_exceptions=False).stdout
        assert "Example Daily" in out and "zhang-open-source-matters" in out


def test_every_link_relation_reads_both_ways():
    """related() says how a fact linking to this one relates to it, for every relation."""
    from aitrends import models as m
    from aitrends.relate import _REL_INVERSE

    assert set(_REL_INVERSE) == set(m.LinkRel)
