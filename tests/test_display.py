"""HTML for Jupyter: fact cards, tables, and Model._repr_html_ (aitrends.display)."""

from __future__ import annotations

import html
import re

import pytest

from aitrends import display
from aitrends import models as m
from aitrends.display import HTML, fact_card, number, quantity_text, rate_text, table

HOSTILE = "<script>alert(\"x\")</script> & <b onmouseover='y'>"


def text_of(markup: str) -> str:
    """The visible text of some HTML, tags removed and entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


class TestFactCard:
    """A fact as a small card."""

    def test_card_shows_the_fact(self, kb):
        card = fact_card(kb.get("zhang-inference-cost-falls-10x"), kb)
        visible = " ".join(text_of(card).split())
        assert visible.startswith(
            "claim zhang-inference-cost-falls-10x Zhang says Example Corp's inference cost falls"
        )
        for part in (
            "张三表示，示例公司的推理成本每年下降十倍。",
            "(our translation)",
            "said by Zhang San",
            "about Example Corp",
            "source Interview with Example Corp's CEO Zhang San",
            "date 2024-03-05",
            "metric Inference cost",
            "rate decline ×10 per 1 year(s) = ×10/year, halving in 3.61 months (-90.0%/year) — “每年下降十倍”",
        ):
            assert part in visible, part

    def test_forecast_card_has_horizon_and_criteria(self, kb):
        visible = " ".join(text_of(fact_card(kb.get("zhang-market-size-2030"), kb)).split())
        assert "horizon by — “到2030年”" in visible
        assert "criteria The example market is above $5 billion in 2030." in visible
        assert "quantity $5 billion (at-least, as of 2030) — “超过50亿美元”" in visible

    def test_without_kb_ids_are_shown(self, kb):
        visible = text_of(fact_card(kb.get("zhang-open-source-matters")))
        assert "said by zhang-san" in " ".join(visible.split())

    def test_everything_from_the_data_is_escaped(self, kb):
        fact = kb.get("zhang-open-source-matters").model_copy(
            update={"statement": HOSTILE, "excerpt": HOSTILE, "note": HOSTILE, "hedge": HOSTILE}
        )
        card = fact_card(fact, kb)
        assert "<script>" not in card and "<b onmouseover" not in card
        assert card.count(html.escape(HOSTILE, quote=True)) == 4

    def test_repr_html_is_the_card(self, kb):
        fact = kb.get("zhang-open-source-matters")
        assert fact._repr_html_() == fact_card(fact)

    def test_other_models_are_a_field_table(self, kb):
        person = next(p for p in kb.people if p.id == "zhang-san")
        visible = " ".join(text_of(person._repr_html_()).split())
        assert visible == (
            "Person zhang-san name_en Zhang San name_zh_hans 张三 name_zh_hant 張三 aliases San Zhang "
            "roles title: CEO; title_zh: 首席执行官; org: example-corp; source: alpha-interview"
        )

    def test_repr_html_changes_neither_fields_nor_serialisation(self, kb):
        fact = kb.get("zhang-open-source-matters")
        assert "_repr_html_" not in type(fact).model_fields
        assert m.Quote.model_validate(fact.model_dump()) == fact
        assert "repr_html" not in fact.model_dump_json()


class TestTable:
    """A result list as an HTML table."""

    def test_facts(self, kb):
        got = table(kb.facts(kind="forecast"), kb=kb)
        assert isinstance(got, HTML) and got._repr_html_() == str(got)
        assert got.count("<tr>") == 4  # header and three forecasts
        assert re.findall(r"<th[^>]*>([^<]*)</th>", got) == ["id", "kind", "speaker", "date", "statement"]
        assert "<caption" in got and "3 results</caption>" in got
        assert "Zhang San" in got and "2024-03-05" in got

    def test_columns(self, kb):
        got = table(kb.facts(kind="figure"), kb=kb, columns=["id", "quantity"])
        cells = re.findall(r"<td[^>]*>([^<]*)</td>", got)
        assert cells == [
            "zhang-market-size-2023",
            "$1.2 billion (approx, as of 2023)",
            "roe-model-175b-parameters",
            "175 billion parameters",
        ]

    def test_records_and_models(self, kb):
        got = table([{"a": 1, "b": "<x>"}, {"a": 2, "b": None}])
        assert re.findall(r"<td[^>]*>([^<]*)</td>", got) == ["1", "&lt;x&gt;", "2", ""]
        topics = table(kb.topics[:2], columns=["id", "label_en"])
        assert re.findall(r"<td[^>]*>([^<]*)</td>", topics) == ["agents", "AI agents", "compute", "Compute"]

    def test_empty(self):
        assert "0 results</caption>" in table([])

    def test_escaped(self, kb):
        fact = kb.get("zhang-open-source-matters").model_copy(update={"statement": HOSTILE})
        got = table([fact])
        assert "<script>" not in got and html.escape(HOSTILE, quote=True) in got


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (0.75, "USD", "$0.75"),
        (118.06e9, "USD", "$118.06 billion"),
        (1.6e12, "parameters", "1.6 trillion parameters"),
        (100000, "GPUs", "100,000 GPUs"),
        (0.001, "USD", "$0.001"),
        (27.02, "percent", "27.02%"),
        (3e6, "count", "3 million"),
    ],
)
def test_number(value, unit, expected):
    assert number(value, unit) == expected


def test_quantity_and_rate_text():
    q = m.Quantity(
        low=3, high=4, unit="months", bound="range", stated="3-4个月", as_of="2024", as_of_end="2025"
    )
    assert quantity_text(q) == "3 months–4 months (range, as of 2024–2025)"
    r = m.Rate(direction="growth", factor=2, period=3, period_high=4, period_unit="month", stated="x")
    assert rate_text(r) == "growth ×2 per 3–4 month(s) = ×11.3/year, doubling in 3.43 months (+1031.4%/year)"


def test_module_is_reachable_from_the_package():
    import aitrends

    assert aitrends.display is display
