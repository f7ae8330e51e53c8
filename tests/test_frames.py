"""Facts and reference data as pandas DataFrames (aitrends.frames)."""

from __future__ import annotations

import datetime as dt
import math
import sys

import pytest

from aitrends import frames
from aitrends.frames import FACT_COLUMNS, MissingDependencyError, install_hint

pd = pytest.importorskip("pandas")

AS_OF = dt.date(2025, 6, 1)


@pytest.fixture(scope="module")
def df(kb):
    return kb.to_pandas(as_of=AS_OF)


def row(df, fact_id):
    found = df[df["id"] == fact_id]
    assert len(found) == 1
    return found.iloc[0]


class TestFacts:
    """kb.to_pandas(): one flat, typed row per fact."""

    def test_one_row_per_fact_in_query_order(self, kb, df):
        assert list(df.columns) == list(FACT_COLUMNS)
        assert list(df["id"]) == [f.id for f in kb.facts()]
        assert list(df["id"][:2]) == ["zhang-inference-cost-falls-10x", "zhang-market-size-2023"]

    def test_column_types(self, df):
        kinds = {
            "date": "datetime64[ns]",
            "quantity_as_of": "datetime64[ns]",
            "horizon_end": "datetime64[ns]",
            "quantity_value": "float64",
            "rate_annual_factor": "float64",
            "days_to_due": "Int64",
            "excerpt_en_original": "bool",
            "topics": "object",
        }
        assert {c: str(df[c].dtype) for c in kinds} == kinds
        assert str(df["kind"].dtype) == "string"

    def test_quantity_columns(self, df):
        r = row(df, "zhang-market-size-2023")
        assert (r.quantity_value, r.quantity_unit, r.quantity_bound, r.quantity_stated) == (
            1.2e9,
            "USD",
            "approx",
            "约为12亿美元",
        )
        assert r.quantity_as_of == pd.Timestamp("2023-01-01") and r.quantity_as_of_precision == "year"
        assert math.isnan(row(df, "zhang-open-source-matters").quantity_value)

    def test_dates_keep_their_precision_and_origin(self, df):
        r = row(df, "zhang-open-source-matters")
        assert (r.date, r.date_precision, r.date_from) == (pd.Timestamp("2024-03-05"), "day", "source")
        assert pd.isna(row(df, "roe-model-175b-parameters").date)

    def test_rate_is_normalised(self, df):
        r = row(df, "zhang-inference-cost-falls-10x")
        assert (r.rate_direction, r.rate_factor, r.rate_period, r.rate_period_unit) == (
            "decline",
            10.0,
            1.0,
            "year",
        )
        assert r.rate_annual_factor == pytest.approx(10.0)
        assert r.rate_months_to_factor_two == pytest.approx(12 * math.log(2) / math.log(10))
        assert r.rate_percent_per_year == pytest.approx(-90.0)
        growth = row(df, "roe-compute-doubles-6-months")
        assert (growth.rate_annual_factor, growth.rate_percent_per_year) == (
            pytest.approx(4.0),
            pytest.approx(300.0),
        )

    def test_lists_stay_lists(self, df):
        r = row(df, "zhang-inference-cost-falls-10x")
        assert (r.speaker, r.speaker_names, r.about, r.topics) == (
            ["zhang-san"],
            ["Zhang San"],
            ["example-corp"],
            ["inference-cost"],
        )

    def test_forecast_deadline_and_status(self, kb, df):
        r = row(df, "zhang-more-agents-next-year")
        assert (r.horizon_type, r.horizon_start, r.horizon_end) == (
            "next",
            pd.Timestamp("2025-01-01"),
            pd.Timestamp("2025-12-31"),
        )
        assert (r.status, r.days_to_due) == ("open", 213)
        later = kb.to_pandas(kind="forecast", as_of="2026-01-01")
        assert dict(zip(later["id"], later["status"], strict=True)) == {
            "zhang-market-size-2030": "open",
            "zhang-more-agents-next-year": "due",
            "roe-data-runs-out-2026": "open",
        }

    def test_filters_are_those_of_facts(self, kb):
        assert list(kb.to_pandas(kind="figure")["id"]) == [
            "zhang-market-size-2023",
            "roe-model-175b-parameters",
        ]
        assert list(kb.to_pandas(topic="cost")["id"]) == ["zhang-inference-cost-falls-10x"]  # child topic

    def test_empty_result_keeps_columns_and_types(self, kb):
        empty = kb.to_pandas(topic="agents", kind="quote")
        assert len(empty) == 0 and list(empty.columns) == list(FACT_COLUMNS)
        assert (
            str(empty["date"].dtype) == "datetime64[ns]" and str(empty["quantity_value"].dtype) == "float64"
        )

    def test_groupby(self, df):
        counts = df.groupby("kind").size().to_dict()
        assert counts == {"claim": 2, "figure": 2, "forecast": 3, "quote": 1}
        by_speaker = df.explode("speaker_names").groupby("speaker_names")["id"].count().to_dict()
        assert by_speaker == {"Jane Roe": 3, "Zhang San": 5}


class TestReferenceFrames:
    """kb.frames(): sources, people, organizations, topics, metrics."""

    def test_tables(self, kb):
        got = kb.frames()
        assert list(got) == ["sources", "people", "organizations", "topics", "metrics"]
        assert [len(got[k]) for k in got] == [
            len(kb.sources),
            len(kb.people),
            len(kb.organizations),
            len(kb.topics),
            len(kb.metrics),
        ]

    def test_sources(self, kb):
        sources = kb.frames()["sources"].set_index("id")
        alpha = sources.loc["alpha-interview"]
        assert (alpha.published, alpha.published_precision, alpha.outlet_name) == (
            pd.Timestamp("2024-03-05"),
            "day",
            "Example Daily",
        )
        assert (alpha.language, alpha.author_names, alpha.facts_total, alpha.facts_forecast) == (
            ["zh-Hans"],
            ["Li Si"],
            5,
            2,
        )
        assert pd.isna(sources.loc["beta-column"].published)

    def test_people_roles_and_counts(self, kb):
        people = kb.frames()["people"].set_index("id")
        assert (people.loc["zhang-san"].roles, people.loc["zhang-san"].role_orgs) == (
            ["CEO"],
            ["example-corp"],
        )
        assert (people.loc["jane-roe"].facts_total, people.loc["jane-roe"].facts_claim) == (3, 1)

    def test_topics_count_their_children(self, kb):
        topics = kb.frames()["topics"].set_index("id")
        assert (topics.loc["cost"].children, topics.loc["cost"].facts_total) == (["inference-cost"], 1)


def test_trends_frame(kb):
    got = frames.trends_frame(kb)
    assert list(got["stated"]) == ["每年下降十倍", "doubles every 6 months"]
    assert list(got["annual_factor"]) == [10.0, 4.0]


def test_rows_need_no_pandas(kb):
    rows = frames.fact_rows(kb, [kb.get("zhang-market-size-2023")], as_of=AS_OF)
    assert rows[0]["quantity_as_of"] == dt.date(2023, 1, 1) and rows[0]["topics"] == ["market-size"]


def test_missing_pandas_is_a_clear_error(kb, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now raises ImportError
    with pytest.raises(MissingDependencyError) as e:
        kb.to_pandas()
    assert str(e.value) == f"pandas is not installed; install it with: {install_hint('pandas', 'pandas')}"
