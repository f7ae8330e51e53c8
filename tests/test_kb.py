"""The knowledge base: filters, lookups, records."""

from __future__ import annotations

import pytest

import aitrends
from aitrends.records import fact_record


class TestFilters:
    """kb.facts() filters combine with AND; a list within one filter is OR."""

    @pytest.mark.parametrize(
        ("filters", "expected"),
        [
            ({}, 8),
            ({"topic": "cost"}, ["zhang-inference-cost-falls-10x"]),  # includes the child topic
            ({"topic": "推理成本"}, ["zhang-inference-cost-falls-10x"]),
            (
                {"topic": ["compute", "model-size"]},
                ["roe-compute-doubles-6-months", "roe-model-175b-parameters"],
            ),
            ({"person": "Roe", "kind": "figure"}, ["roe-model-175b-parameters"]),
            (
                {"person": "张三", "kind": ["quote", "claim"]},
                ["zhang-inference-cost-falls-10x", "zhang-open-source-matters"],
            ),
            ({"source": "beta-column", "text": "run out"}, ["roe-data-runs-out-2026"]),
            ({"text": "市场 规模"}, ["zhang-market-size-2023"]),
            ({"text": "Example Corp"}, ["zhang-inference-cost-falls-10x", "roe-model-175b-parameters"]),
            ({"since": "2024-03", "until": "2024"}, 5),
            ({"since": "2025"}, []),
            ({"metric": "Training compute"}, ["roe-compute-doubles-6-months"]),
        ],
    )
    def test_filters(self, kb, filters, expected):
        found = kb.facts(**filters)
        if isinstance(expected, int):
            assert len(found) == expected
        else:
            assert sorted(f.id for f in found) == sorted(expected)

    def test_facts_without_date_are_left_out_of_date_filters(self, kb):
        assert all(f.source == "alpha-interview" for f in kb.facts(until="2030"))

    def test_sorted_by_date_then_id(self, kb):
        ids = [f.id for f in kb.facts()]
        assert ids[:5] == sorted(ids[:5]) and all(i.startswith("zhang") for i in ids[:5])
        assert all(i.startswith("roe") for i in ids[5:])

    def test_limit(self, kb):
        assert len(kb.facts(limit=2)) == 2

    def test_quotes_are_all_facts_of_the_speaker(self, kb):
        assert {f.kind.value for f in kb.quotes("Zhang San")} == {"claim", "figure", "forecast", "quote"}


class TestResolve:
    """Names resolve by id, name or alias, in any script, case- and space-insensitively."""

    @pytest.mark.parametrize(
        ("kind", "text", "expected"),
        [
            ("entities", "zhang-san", "zhang-san"),
            ("entities", "ZHANG SAN", "zhang-san"),
            ("entities", "San Zhang", "zhang-san"),
            ("entities", "張三", "zhang-san"),
            ("entities", "example corp", "example-corp"),
            ("entities", "示例公司", "example-corp"),
            ("topics", "Inference Cost", "inference-cost"),
            ("sources", "Example Weekly column", "beta-column"),
        ],
    )
    def test_resolves(self, kb, kind, text, expected):
        assert kb.resolve(kind, text) == expected

    def test_unknown_suggests(self, kb):
        with pytest.raises(
            aitrends.UsageError,
            match=r"^unknown person or organization 'janet rowe' \(did you mean 'jane-roe'",
        ):
            kb.resolve("entities", "janet rowe")

    def test_no_suggestion_when_nothing_is_close(self, kb):
        with pytest.raises(aitrends.UsageError) as info:
            kb.resolve("topics", "zzzzqqq")
        assert str(info.value) == "unknown topic 'zzzzqqq'"

    def test_empty_name(self, kb):
        with pytest.raises(aitrends.UsageError, match="empty topic name"):
            kb.resolve("topics", "  ")

    def test_get_unknown_fact(self, kb):
        with pytest.raises(aitrends.NotFoundError) as info:
            kb.get("roe-data-runs-out-2027")
        assert (
            str(info.value)
            == "unknown fact 'roe-data-runs-out-2027' (did you mean 'roe-data-runs-out-2026'?)"
        )


class TestRecords:
    """JSON records carry every field plus linked names."""

    def test_fact_record(self, kb):
        r = fact_record(kb, kb.get("zhang-inference-cost-falls-10x"))
        assert r["speaker_names"] == ["Zhang San"]
        assert r["about_names"] == ["Example Corp"]
        assert r["source_title"].startswith("Interview with Example Corp")
        assert (r["date"], r["date_precision"], r["date_from"]) == ("2024-03-05", "day", "source")
        assert r["rate_normalized"]["annual_factor"] == 10
        assert set(aitrends.Claim.model_fields) - {"override"} <= set(r)

    def test_undated_source(self, kb):
        r = fact_record(kb, kb.get("roe-model-175b-parameters"))
        assert (r["date"], r["date_precision"], r["date_from"]) == (None, None, None)

    def test_round_trip_through_json(self, kb):
        from pydantic import TypeAdapter

        adapter = TypeAdapter(aitrends.Fact)
        for fact in kb.all_facts:
            data = fact.model_dump(mode="json")
            assert adapter.validate_python(data) == fact


def test_package_root_exports_lazily():
    """import aitrends is cheap; every name in __all__ resolves on first use."""
    import subprocess
    import sys

    code = "import sys, aitrends; assert 'pydantic' not in sys.modules; [getattr(aitrends, n) for n in aitrends.__all__]"
    subprocess.run([sys.executable, "-c", code], check=True)
    assert sorted(aitrends.__all__) == sorted([*aitrends._EXPORTS, "__version__"])
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        aitrends.nope  # noqa: B018
