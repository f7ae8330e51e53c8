"""The forecast ledger: horizons as dates, statuses against --as-of, resolutions in layers."""

from __future__ import annotations

import datetime as dt
import json

import pytest

import aitrends
from aitrends import models as m
from aitrends.cli import app
from aitrends.dates import PartialDate
from aitrends.forecasts import describe_due, horizon_interval

from .conftest import FIXTURE_DATA, fixture_args

D = dt.date
SAID = PartialDate.parse("2023-12-28")


def horizon(**kw):
    return m.Horizon(stated="x", **kw)


class TestHorizon:
    """Each horizon type as an interval of dates."""

    @pytest.mark.parametrize(
        ("h", "said", "expected"),
        [
            (horizon(type="in", date=2024), SAID, (D(2024, 1, 1), D(2024, 12, 31))),
            (horizon(type="in", date="2025-05"), None, (D(2025, 5, 1), D(2025, 5, 31))),
            (horizon(type="by", date=2032), SAID, (D(2023, 12, 28), D(2032, 12, 31))),
            (horizon(type="by", date=2032), None, (None, D(2032, 12, 31))),
            (horizon(type="between", date=2030, end=2050), None, (D(2030, 1, 1), D(2050, 12, 31))),
            (horizon(type="after", date=2030), None, (D(2031, 1, 1), None)),
            (horizon(type="none"), SAID, (None, None)),
            (horizon(type="within", amount=5, unit="year"), SAID, (D(2023, 12, 28), D(2028, 12, 28))),
            (horizon(type="within", amount=2, unit="year"), None, None),
            (horizon(type="next", amount=1, unit="year"), SAID, (D(2024, 1, 1), D(2024, 12, 31))),
            (horizon(type="next", amount=1, unit="month"), SAID, (D(2024, 1, 1), D(2024, 1, 31))),
            (
                horizon(type="next", amount=1, unit="year"),
                PartialDate(2024),
                (D(2025, 1, 1), D(2025, 12, 31)),
            ),
        ],
    )
    def test_interval(self, h, said, expected):
        assert horizon_interval(h, said) == expected

    @pytest.mark.parametrize(
        ("kw", "message"),
        [
            ({"type": "in"}, "horizon type 'in' needs date"),
            ({"type": "within", "amount": 2}, "horizon type 'within' needs unit"),
            ({"type": "none", "date": 2024}, "horizon type 'none' takes no date"),
            ({"type": "between", "date": 2050, "end": 2030}, "horizon end is before its start"),
        ],
    )
    def test_invalid(self, kw, message):
        with pytest.raises(ValueError, match=message):
            horizon(**kw)


class TestLedger:
    """Status is computed against as_of."""

    @pytest.mark.parametrize(
        ("as_of", "due"),
        [
            ("2024-06-01", []),
            ("2025-12-31", []),
            ("2026-01-01", ["zhang-more-agents-next-year"]),
            ("2027-01-01", ["zhang-more-agents-next-year", "roe-data-runs-out-2026"]),
            ("2031", ["zhang-more-agents-next-year", "roe-data-runs-out-2026", "zhang-market-size-2030"]),
        ],
    )
    def test_due_moves_with_as_of(self, kb, as_of, due):
        assert [f.id for f in kb.forecasts(as_of=as_of, status="due")] == due

    def test_open_and_deadline_filters(self, kb):
        assert [f.id for f in kb.forecasts(as_of=D(2024, 6, 1), status="open")] == [
            "zhang-more-agents-next-year",
            "roe-data-runs-out-2026",
            "zhang-market-size-2030",
        ]
        assert [f.id for f in kb.forecasts(horizon_before="2026")] == [
            "zhang-more-agents-next-year",
            "roe-data-runs-out-2026",
        ]
        assert [f.id for f in kb.forecasts(horizon_after="2027")] == ["zhang-market-size-2030"]
        assert [f.id for f in kb.forecasts(as_of=D(2026, 11, 23), due_within=60)] == [
            "roe-data-runs-out-2026"
        ]

    def test_person_matches_speaker(self, kb):
        assert [f.id for f in kb.forecasts(person="Jane Roe")] == ["roe-data-runs-out-2026"]

    def test_resolution_in_a_user_layer(self, tmp_path):
        (tmp_path / "facts").mkdir()
        (tmp_path / "facts" / "resolutions.yaml").write_text(
            "resolutions:\n"
            "  - fact: zhang-more-agents-next-year\n"
            "    outcome: true\n"
            "    date: 2025-12-31\n"
            "    evidence: Many more agents were released.\n"
            "    by: a user\n",
            encoding="utf-8",
        )
        kb = aitrends.load(FIXTURE_DATA, tmp_path, bundled=False)
        assert [f.id for f in kb.forecasts(as_of="2027-01-01", status="resolved")] == [
            "zhang-more-agents-next-year"
        ]
        assert kb.resolutions["zhang-more-agents-next-year"].outcome is m.Outcome.true

    def test_resolution_of_a_non_forecast_is_an_error(self, tmp_path):
        (tmp_path / "facts").mkdir()
        (tmp_path / "facts" / "r.yaml").write_text(
            "resolutions:\n  - {fact: zhang-open-source-matters, outcome: 'false', date: 2025, evidence: x}\n",
            encoding="utf-8",
        )
        with pytest.raises(aitrends.DataError) as info:
            aitrends.load(FIXTURE_DATA, tmp_path, bundled=False)
        assert str(info.value.problems[0]).endswith(
            "resolutions[0].fact: 'zhang-open-source-matters' is a quote, not a forecast"
        )


class TestCli:
    """aitrends forecasts."""

    def test_json_has_deadline_and_status(self, runner):
        out = runner.invoke(
            app, fixture_args("forecasts", "--as-of", "2025-02-01", "--json"), catch_exceptions=False
        )
        rows = {r["id"]: r for r in json.loads(out.stdout)}
        agents = rows["zhang-more-agents-next-year"]
        assert (agents["status"], agents["horizon_end"], agents["days_to_due"], agents["due"]) == (
            "open",
            "2025-12-31",
            333,
            "due in 11 months",
        )
        assert rows["zhang-market-size-2030"]["horizon_start"] == "2024-03-05"

    def test_table_says_overdue(self, runner):
        out = runner.invoke(
            app, fixture_args("forecasts", "--as-of", "2026-03-01", "--status", "due"), catch_exceptions=False
        ).stdout
        assert "overdue by 2 months" in out

    def test_bad_status(self, runner):
        result = runner.invoke(app, fixture_args("forecasts", "--status", "late"))
        assert (
            result.exit_code == 2
            and result.stderr == "Error: --status: 'late' is not one of open, due, undated, resolved\n"
        )


@pytest.mark.parametrize(
    ("days", "status", "text"),
    [
        (None, "open", "no deadline"),
        (0, "open", "due today"),
        (38, "open", "due in 38 days"),
        (-700, "due", "overdue by 1 year 11 months"),
        (5, "resolved", "resolved"),
        (400, "open", "due in 1 year 1 month"),
    ],
)
def test_describe_due(days, status, text):
    assert describe_due(days, status) == text
