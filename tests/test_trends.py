"""Trends side by side and the consistency checks, on the bundled data (the issue's examples)."""

from __future__ import annotations

import json

import pytest

from aitrends.cli import app


def test_inference_cost_trends_side_by_side(real_kb):
    rows = [t.record(real_kb) for t in real_kb.trends(topic="inference-cost")]
    by = {(r["origin"], tuple(r["speakers"])): r for r in rows}
    etzioni = by[("stated", ("oren-etzioni",))]
    lee = by[("stated", ("kai-fu-lee",))]
    implied = by[("implied", ("kai-fu-lee",))]
    assert etzioni["annual_factor"] == pytest.approx(2 ** (12 / 18), rel=1e-4)
    assert etzioni["months_to_factor_two"] == 18
    assert lee["annual_factor"] == 10
    assert implied["annual_factor"] == pytest.approx(0.75 / 0.04)
    assert implied["facts"] == ["lee-wired-ai-search-cost-may-2023", "lee-wired-openai-query-cost-may-2024"]
    # paraphrases of Etzioni's rate are not listed twice unless asked for
    assert len([r for r in rows if "oren-etzioni" in r["speakers"]]) == 1
    assert len(real_kb.trends(topic="inference-cost", repeats=True)) > len(rows)


def test_checks_report_the_articles_arithmetic(real_kb):
    checks = {(c.kind, c.facts[0]): c for c in real_kb.check()}
    cagr = checks[("CAGR vs start and end values", "nbd-precedence-genai-market-cagr-2023-2032")]
    assert cagr.verdict == "consistent" and cagr.computed == "27.03% a year"
    ratio = checks[("ratio", "lee-wired-ai-search-75x-google")]
    assert (ratio.verdict, ratio.computed) == ("consistent", "≥75x")
    pct = checks[("ratio", "lee-wired-beago-cost-3pct-of-gpt4")]
    assert (pct.verdict, pct.computed) == ("approximately consistent", "2.5%")
    lee = checks[("rate vs dated figures", "lee-wired-inference-cost-falls-10x-per-year")]
    assert (lee.verdict, lee.computed) == ("inconsistent", "×18.75/year")
    compute = checks[("rate vs rate", "kpmg-training-compute-grows-10x-a-year-since-2012")]
    assert (compute.verdict, compute.computed) == ("consistent", "×8–16/year")


def test_cli_trends_and_check_json(runner):
    rows = json.loads(
        runner.invoke(app, ["trends", "--metric", "inference cost", "--json"], catch_exceptions=False).stdout
    )
    assert {r["metric"] for r in rows} == {"inference-cost", "price-per-query"}
    checks = json.loads(runner.invoke(app, ["check", "--json"], catch_exceptions=False).stdout)
    assert {c["verdict"] for c in checks} == {"consistent", "approximately consistent", "inconsistent"}
    assert all(c["arithmetic"] for c in checks)


def test_a_check_across_sources_is_labelled_and_names_them(real_kb):
    checks = {(c.kind, c.facts[0]): c.record() for c in real_kb.check()}
    etzioni = checks[("rate vs dated figures", "etzioni-ai-cost-halves-every-18-months")]
    assert etzioni["scope"] == "cross-source"
    assert etzioni["sources"] == ["nbd-etzioni-2023", "wired-lee-think-lighter"]
    cagr = checks[("CAGR vs start and end values", "nbd-precedence-genai-market-cagr-2023-2032")]
    assert (cagr["scope"], cagr["sources"]) == ("one source", ["nbd-etzioni-2023"])


def test_a_ratio_on_an_inferred_link_says_so(real_kb):
    checks = {(c.kind, c.facts[0]): c for c in real_kb.check()}
    assert "inferred" in checks[("ratio", "lee-wired-beago-cost-3pct-of-gpt4")].note
    assert checks[("ratio", "lee-wired-ai-search-75x-google")].note == ""


def test_cli_check_table_shows_the_cross_source_label(runner):
    out = runner.invoke(app, ["check", "--format", "markdown"], catch_exceptions=False).stdout
    line = next(x for x in out.splitlines() if "cross-source" in x)
    assert "nbd-etzioni-2023" in line and "wired-lee-think-lighter" in line
