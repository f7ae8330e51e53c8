"""One clock: every "today" is aitrends.clock.today(), fixed by $AITRENDS_TODAY or --as-of."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from aitrends import clock, fastpath
from aitrends.cli import app

from .conftest import FIXTURE_DATA, TODAY

FORECAST = "roe-data-runs-out-2026"  # by 2026: open until 2026-12-31, then due


class TestToday:
    """$AITRENDS_TODAY is read strictly; the suite itself runs on a pinned day."""

    def test_the_suite_is_pinned(self):
        assert clock.today() == dt.date.fromisoformat(TODAY)

    @pytest.mark.parametrize("text", ["2027-07-01", " 2027-07-01 "])
    def test_environment(self, text):
        assert clock.today({clock.ENV: text}) == dt.date(2027, 7, 1)

    @pytest.mark.parametrize("text", ["2027", "2027-7-1", "tomorrow", "２０２７-０７-０１", "2027-02-30"])
    def test_not_a_day(self, text):
        with pytest.raises(clock.ClockError) as e:
            clock.today({clock.ENV: text})
        assert str(e.value) == f"$AITRENDS_TODAY: '{text}' is not a day like 2026-11-23"

    def test_unset_or_empty_is_the_system_date(self, monkeypatch):
        class Frozen(dt.date):
            @classmethod
            def today(cls):
                return cls(2031, 2, 3)

        monkeypatch.setattr(clock.dt, "date", Frozen)  # the system's date, without reading it
        assert clock.today({}) == clock.today({clock.ENV: " "}) == dt.datetime(2031, 2, 3).date()


def _status(runner, *args, env=None):
    result = runner.invoke(
        app, ["--no-bundled", "-d", str(FIXTURE_DATA), *args, "--json"], env=env, catch_exceptions=False
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    rec = data if isinstance(data, dict) else next(r for r in data if r["id"] == FORECAST)
    return rec["status"], rec["as_of"]


class TestAsOf:
    """Every command whose output depends on the day takes --as-of, and honours $AITRENDS_TODAY."""

    @pytest.mark.parametrize(
        "args",
        [
            ["show", FORECAST],
            ["claims", "--kind", "forecast"],
            ["quote", "--person", "jane-roe"],
            ["search", "data run out"],
            ["forecasts"],
        ],
        ids=lambda a: a[0],
    )
    def test_every_date_dependent_command(self, runner, args):
        assert _status(runner, *args) == ("open", TODAY)
        assert _status(runner, *args, "--as-of", "2027-01-01") == ("due", "2027-01-01")
        assert _status(runner, *args, "--as-of", "2026") == ("open", "2026-12-31")
        assert _status(runner, *args, env={"AITRENDS_TODAY": "2027-07-01"}) == ("due", "2027-07-01")

    def test_a_bad_environment_day_is_one_line(self, runner):
        result = runner.invoke(
            app, ["--no-bundled", "-d", str(FIXTURE_DATA), "show", FORECAST], env={"AITRENDS_TODAY": "soon"}
        )
        assert (result.exit_code, result.stderr) == (
            2,
            "Error: $AITRENDS_TODAY: 'soon' is not a day like 2026-11-23\n",
        )

    @pytest.mark.parametrize("as_of", [None, "2027-01-01", "2026"])
    def test_the_fast_path_judges_the_same_day(self, capsys, monkeypatch, as_of):
        """The fast path answers claims/quote from the index with the day the CLI would use."""
        args = ["--no-bundled", "-d", str(FIXTURE_DATA), "claims", "--kind", "forecast", "--json"]
        args += ["--as-of", as_of] if as_of else []
        fastpath.reset()
        assert fastpath.answer(args) == 0  # answered from the index
        fastpath.reset()
        rec = next(r for r in json.loads(capsys.readouterr().out) if r["id"] == FORECAST)
        expected = {
            None: ("open", TODAY),
            "2027-01-01": ("due", "2027-01-01"),
            "2026": ("open", "2026-12-31"),
        }
        assert (rec["status"], rec["as_of"]) == expected[as_of]
