"""``aitrends lint`` (aitrends.lint): warnings for valid but probably wrong data.

(tests/test_lint.py is the code linter, ruff; this file is the data linter.)

Each rule is shown to fire on a small layer of facts written over the bundled data, and to
stay quiet on the corrected fact; the bundled data must have no unwaived warning, and every
waiver a reason.
"""

from __future__ import annotations

import json
from pathlib import Path
from textwrap import dedent

import pytest

import aitrends
from aitrends import models as m
from aitrends.cli import app
from aitrends.lint import RULES, lint

from .conftest import ROOT

# A fact the rules have nothing to say about; each test changes one thing in it.
BASE = {
    "kind": "claim",
    "source": "nbd-etzioni-2023",
    "speaker": "oren-etzioni",
    "topics": ["cost"],
    "statement": "Etzioni says costs fall.",
    "excerpt": "我们看到成本在下降。",
    "excerpt_en": "We see costs falling.",
}


def _layer(tmp_path: Path, *facts: dict[str, object]) -> aitrends.KnowledgeBase:
    """The bundled data with ``facts`` in a layer above it (ids lint-0, lint-1...)."""
    items = [{"id": f"lint-{i}", **BASE, **f} for i, f in enumerate(facts)]
    layer = tmp_path / "layer"
    (layer / "facts").mkdir(parents=True)
    (layer / "facts" / "mine.yaml").write_text(
        json.dumps({"facts": items}, ensure_ascii=False), encoding="utf-8"
    )
    return aitrends.load(layer)


def _rules(kb: aitrends.KnowledgeBase, fact: str = "lint-0") -> list[str]:
    return sorted(w.rule for w in lint(kb).warnings if w.fact == fact)


# --------------------------------------------------------------------------- the bundled data


def test_bundled_data_has_no_unwaived_warning(real_kb):
    report = lint(real_kb)
    assert report.warnings == [], "\n".join(map(str, report.warnings))


def test_every_bundled_waiver_has_a_reason_and_is_used(real_kb):
    report = lint(real_kb)
    waivers = [(f.id, w) for f in real_kb.all_facts for w in f.waivers]
    assert waivers, "the bundled data is expected to waive some warnings"
    assert all(w.reason.strip() for _, w in waivers)
    assert len(report.waived) == len(waivers)  # no waiver is unused: lint would report it


def test_no_bundled_heading_or_summary_has_the_person_as_speaker(real_kb):
    for f in real_kb.all_facts:
        assert not set(f.attributed_to) & set(f.speaker), f.id
    attributed = {f.id for f in real_kb.all_facts if "dario-amodei" in f.attributed_to}
    assert "amodei-ai-future-like-solar-headline" in attributed
    assert not attributed & {f.id for f in real_kb.quotes("dario-amodei")}


# --------------------------------------------------------------------------- each rule


def test_hedge_unrecorded(tmp_path):
    kb = _layer(
        tmp_path,
        {"excerpt": "我认为成本可能会下降。"},
        {"excerpt": "我认为成本可能会下降。", "hedge": "我认为, 可能"},
        {"excerpt": "成本不可能下降,可能性很小。"},
    )
    warnings = [w for w in lint(kb).warnings if w.rule == "hedge-unrecorded"]
    assert {w.fact for w in warnings} == {"lint-0"}
    assert len(warnings) == 2  # 我认为 and 可能, one warning each


def test_hedge_of_a_number_is_recorded_by_its_bound(tmp_path):
    quantity = {"value": 100, "unit": "USD", "bound": "approx", "stated": "约100美元"}
    kb = _layer(tmp_path, {"kind": "figure", "excerpt": "成本约100美元。", "quantity": quantity})
    assert "hedge-unrecorded" not in _rules(kb)


def test_horizon_not_time_and_missing(tmp_path):
    forecast = {"kind": "forecast", "criteria": "Costs fall."}
    kb = _layer(
        tmp_path,
        {
            **forecast,
            "excerpt": "成本有望下降。",
            "hedge": "有望",
            "horizon": {"type": "none", "stated": "有望"},
        },
        {**forecast, "excerpt": "明年成本将下降。", "horizon": {"type": "none"}},
        {
            **forecast,
            "excerpt": "明年成本将下降。",
            "horizon": {"type": "next", "stated": "明年", "amount": 1, "unit": "year"},
        },
        {
            **forecast,
            "excerpt": "成本有望在未来下降。",
            "hedge": "有望",
            "horizon": {"type": "none", "stated": "未来"},
        },
    )
    assert _rules(kb, "lint-0") == ["horizon-not-time"]
    assert _rules(kb, "lint-1") == ["horizon-missing"]
    assert _rules(kb, "lint-2") == _rules(kb, "lint-3") == []


def test_figure_number_uncarried_and_quantity_not_in_excerpt(tmp_path):
    q = {"value": 100, "unit": "USD", "stated": "100美元"}
    kb = _layer(
        tmp_path,
        {
            "kind": "figure",
            "excerpt": "2023年成本为100美元,2024年为50美元。",
            "quantity": {**q, "as_of": 2023},
        },
        {"kind": "figure", "excerpt": "2023年成本为100美元。", "quantity": {**q, "as_of": 2023}},
    )
    assert _rules(kb, "lint-0") == ["figure-number-uncarried"]
    assert _rules(kb, "lint-1") == []


def test_quantity_not_in_excerpt():
    from aitrends.lint import _quantity_in_excerpt  # the validator already rejects most such data

    fact = m.Figure(
        id="x",
        **{**BASE, "kind": "figure"},
        quantity=m.Quantity(value=300, unit="USD", stated="100美元"),
    )
    assert list(_quantity_in_excerpt(fact)) == ["quantity value 300 appears in the excerpt in no form"]


def test_speaker_not_in_passage(tmp_path):
    kb = _layer(
        tmp_path,
        {"id": "x-headline", "excerpt": "专访:成本每年下降一半"},
        {"excerpt": "伊奇奥尼表示,成本在下降。"},
        {"excerpt": "伊奇奥尼表示,成本在下降。", "speaker": "nbd", "attributed_to": "oren-etzioni"},
        {"excerpt": "伊奇奥尼表示,成本在下降。", "attribution": "indirect"},
        {"statement": "The headline says costs fall.", "excerpt": "专访:成本每年下降一半"},
        {
            "statement": "The lead says costs fall.",
            "excerpt": "专访:成本每年下降一半",
            "speaker": "li-menglin",
        },
    )
    report = lint(kb)
    fired = {w.fact for w in report.warnings if w.rule == "speaker-not-in-passage"}
    # the reporter (an author of the source) speaks for himself in his own lead
    assert fired == {"x-headline", "lint-1", "lint-4"}


def test_link_periods_disjoint(tmp_path):
    fig = {"kind": "figure", "metric": "price-per-query", "excerpt": "成本为1美元。"}
    q = {"value": 1, "unit": "USD", "stated": "1美元"}
    kb = _layer(
        tmp_path,
        {**fig, "quantity": {**q, "as_of": 2020}, "links": [{"rel": "supports", "fact": "lint-1"}]},
        {**fig, "quantity": {**q, "as_of": 2022}},
        {**fig, "quantity": {**q, "as_of": 2020}, "links": [{"rel": "follows", "fact": "lint-1"}]},
    )
    assert _rules(kb, "lint-0") == ["link-periods-disjoint"]
    assert _rules(kb, "lint-2") == []


def test_as_of_planned(tmp_path):
    fig = {"kind": "figure", "excerpt": "IBM计划建造10万个量子比特的计算机。", "said": 2023}
    q = {"value": 100000, "unit": "qubits", "stated": "10万个量子比特"}
    kb = _layer(tmp_path, {**fig, "quantity": {**q, "as_of": 2023}}, {**fig, "quantity": q})
    assert _rules(kb, "lint-0") == ["as-of-planned"]
    assert _rules(kb, "lint-1") == []


def test_statement_number_unstated(tmp_path):
    kb = _layer(
        tmp_path,
        {"statement": "Etzioni says costs fell 30% in 2019."},
        {"statement": "Etzioni says costs fell 30% in 2019.", "excerpt": "2019年成本下降了30%。"},
    )
    assert _rules(kb, "lint-0") == ["statement-number-unstated"] * 2
    assert _rules(kb, "lint-1") == []


# --------------------------------------------------------------------------- waivers


def test_a_waiver_silences_its_rule_only(tmp_path):
    waiver = {"rule": "hedge-unrecorded", "reason": "可能 belongs to another clause."}
    kb = _layer(tmp_path, {"excerpt": "成本可能下降。", "waivers": [waiver]})
    report = lint(kb)
    assert not [w for w in report.warnings if w.fact == "lint-0"]
    assert [(w.fact, reason) for w, reason in report.waived if w.fact == "lint-0"] == [
        ("lint-0", waiver["reason"])
    ]


def test_unknown_and_unused_waivers_are_reported(tmp_path):
    kb = _layer(
        tmp_path,
        {"waivers": [{"rule": "no-such-rule", "reason": "r"}, {"rule": "hedge-unrecorded", "reason": "r"}]},
    )
    assert _rules(kb) == ["waiver-unknown-rule", "waiver-unused"]


def test_a_waiver_needs_a_reason(tmp_path):
    with pytest.raises(aitrends.DataError):
        _layer(tmp_path, {"waivers": [{"rule": "hedge-unrecorded"}]})


def test_rules_can_be_selected_and_unknown_ones_are_refused(tmp_path):
    kb = _layer(tmp_path, {"excerpt": "成本可能下降。", "statement": "Costs fall 30%."})
    assert {w.rule for w in lint(kb, rules=["hedge-unrecorded"]).warnings} == {"hedge-unrecorded"}
    with pytest.raises(aitrends.UsageError):
        lint(kb, rules=["nope"])


def test_every_rule_is_documented():
    text = (ROOT / "docs" / "data-format.md").read_text(encoding="utf-8")
    assert [r for r in RULES if f"`{r}`" not in text] == []


# --------------------------------------------------------------------------- the command


def test_cli_lines_and_exit_code(runner, tmp_path):
    kb_dir = tmp_path / "layer" / "facts"
    _layer(tmp_path, {"excerpt": "成本可能下降。"})
    result = runner.invoke(app, ["--data-dir", str(kb_dir.parent), "lint"])
    assert result.exit_code == 1
    line = result.stdout.strip().splitlines()[0]
    assert line.startswith(str(kb_dir / "mine.yaml") + ":") or "mine.yaml:" in line
    assert ": hedge-unrecorded: lint-0: " in line
    assert "Traceback" not in result.output


def test_cli_on_bundled_data_is_clean(runner):
    result = runner.invoke(app, ["lint", "--show-waived", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows and all(r["waived"] for r in rows)


def test_docs_list_the_attribution_rule():
    text = dedent((ROOT / "docs" / "data-format.md").read_text(encoding="utf-8"))
    assert "attributed_to" in text and "what others say" in text
