"""``--as-of DAY`` never looks ahead: a resolution counts from the day it was recorded, and a
superseded one until the day it was replaced, in every command that prints a forecast (the
fast path, the CLI and ``--no-cache`` alike), in the Python API and in ``scores``
(:func:`aitrends.query.standing`, the one rule)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import aitrends
from aitrends import cache, fastpath, query, store
from aitrends.forecasts import forecast_record, status
from aitrends.render import to_json
from aitrends.resolutions import resolution_as_of

from .conftest import fast, normal

LATE = "etzioni-beyond-transformer-2024"
"""Resolved false, recorded 2026-06-01 (its horizon ended 2024-12-31: due before that)."""
REPLACED = "etzioni-more-multimodal-models-2024"
"""Resolved false recorded 2026-03-01, replaced by true on 2026-08-01."""
RESOLUTIONS = f"""\
# Test outcomes, chosen to exercise --as-of; not judgements of what happened.
resolutions:
  - fact: {LATE}
    outcome: "false"
    date: 2025-01-15
    evidence: A test outcome (not a judgement).
    recorded: 2026-06-01
  - fact: {REPLACED}
    outcome: "false"
    date: 2025-01-15
    evidence: A first test outcome, later replaced (history).
    recorded: 2026-03-01
    superseded: 2026-08-01
  - fact: {REPLACED}
    outcome: "true"
    date: 2025-01-15
    evidence: A test outcome (not a judgement).
    recorded: 2026-08-01
"""
EXPECTED = {
    # day: {fact: (status, outcome of the resolution that stood)}
    "2026-02-01": {LATE: ("due", None), REPLACED: ("due", None)},
    "2026-05-01": {LATE: ("due", None), REPLACED: ("resolved", "false")},
    "2026-06-01": {LATE: ("resolved", "false"), REPLACED: ("resolved", "false")},
    "2026-07-01": {LATE: ("resolved", "false"), REPLACED: ("resolved", "false")},
    "2026-09-01": {LATE: ("resolved", "false"), REPLACED: ("resolved", "true")},
}


@pytest.fixture(autouse=True)
def _fresh() -> object:
    fastpath.reset()
    yield
    fastpath.reset()


@pytest.fixture(scope="module")
def layer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("as-of-layer")
    (root / "facts").mkdir()
    (root / "facts" / "resolutions.yaml").write_text(RESOLUTIONS, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def layer_kb(layer: Path) -> aitrends.KnowledgeBase:
    return aitrends.load(layer)


def answered(runner, capsys, args: list[str], *, fast_path: bool = True) -> str:  # type: ignore[no-untyped-def]
    """The output of ``args`` (a success), the same from the fast path (when it answers the
    command), the CLI and ``--no-cache``."""
    cli = normal(runner, args)
    assert cli[0] == 0, cli
    assert normal(runner, ["--no-cache", *args]) == cli, "the in-memory index differs"
    if fast_path:
        assert fast(capsys, args) == cli, "the fast path differs"
    return cli[1]


def stood(records: list[dict[str, object]]) -> dict[str, tuple[object, object]]:
    """(status, outcome) of the two forecasts among ``records``, checking each record's
    resolution is as it stood: never marked superseded."""
    out = {}
    for r in records:
        if r["id"] in (LATE, REPLACED):
            res = r["resolution"]
            assert res is None or (isinstance(res, dict) and res["superseded"] is None)
            out[str(r["id"])] = (r["status"], res["outcome"] if isinstance(res, dict) else None)
    return out


DAYS = sorted(EXPECTED)


@pytest.mark.parametrize("day", DAYS)
class TestEveryCommand:
    def test_forecasts(self, runner, capsys, layer, day):  # type: ignore[no-untyped-def]
        out = answered(
            runner, capsys, ["-d", str(layer), "forecasts", "-p", "Etzioni", "--json", "--as-of", day]
        )
        assert stood(json.loads(out)) == EXPECTED[day]

    def test_forecasts_by_status(self, runner, capsys, layer, day):  # type: ignore[no-untyped-def]
        for wanted in ("due", "resolved"):
            out = answered(
                runner, capsys, ["-d", str(layer), "forecasts", "--status", wanted, "--json", "--as-of", day]
            )
            ids = {r["id"] for r in json.loads(out)} & {LATE, REPLACED}
            assert ids == {f for f, (st, _) in EXPECTED[day].items() if st == wanted}

    def test_show(self, runner, capsys, layer, day):  # type: ignore[no-untyped-def]
        records = []
        for fact in (LATE, REPLACED):
            out = answered(runner, capsys, ["-d", str(layer), "show", fact, "--json", "--as-of", day])
            records.append(json.loads(out))
        assert stood(records) == EXPECTED[day]

    def test_show_card(self, runner, capsys, layer, day):  # type: ignore[no-untyped-def]
        out = answered(runner, capsys, ["-d", str(layer), "show", LATE, "--as-of", day])
        assert ("A test outcome" in out) == (EXPECTED[day][LATE][0] == "resolved")

    def test_claims_json_and_jsonl(self, runner, capsys, layer, day):  # type: ignore[no-untyped-def]
        args = ["-d", str(layer), "claims", "--kind", "forecast", "-p", "Etzioni", "--as-of", day]
        out = answered(runner, capsys, [*args, "--json"])
        records = json.loads(out)
        assert stood(records) == EXPECTED[day]
        # the stored text with the daily fields written in: the bytes of the records as JSON
        assert out == to_json(records) + "\n"
        lines = answered(runner, capsys, [*args, "-f", "jsonl"])
        assert [json.loads(line) for line in lines.splitlines()] == records

    def test_search(self, runner, capsys, layer, day):  # type: ignore[no-untyped-def]
        out = answered(
            runner, capsys, ["-d", str(layer), "search", "Etzioni predicts 2024", "--json", "--as-of", day]
        )
        assert stood(json.loads(out)) == EXPECTED[day]

    def test_export_jsonl(self, runner, capsys, layer, day):  # type: ignore[no-untyped-def]
        out = answered(
            runner,
            capsys,
            ["-d", str(layer), "export", "--to", "jsonl", "-", "--as-of", day],
            fast_path=False,
        )
        assert stood([json.loads(line) for line in out.splitlines()]) == EXPECTED[day]

    def test_the_python_api(self, runner, layer, layer_kb, day):  # type: ignore[no-untyped-def]
        as_of = dt.date.fromisoformat(day)
        records = [
            forecast_record(layer_kb, layer_kb.get(f), as_of=as_of) | {"id": f} for f in (LATE, REPLACED)
        ]  # type: ignore[arg-type]
        assert stood(records) == EXPECTED[day]
        for fact_id, (st, outcome) in EXPECTED[day].items():
            assert status(layer_kb, layer_kb.get(fact_id), as_of).value == st  # type: ignore[arg-type]
            res = resolution_as_of(layer_kb, fact_id, as_of)  # what scores counts
            assert (res.outcome.value if res else None) == outcome
        for wanted in ("due", "resolved"):
            code, out, _ = normal(
                runner, ["-d", str(layer), "forecasts", "--status", wanted, "--json", "--as-of", day]
            )
            assert code == 0
            assert [r["id"] for r in json.loads(out)] == [
                f.id for f in layer_kb.forecasts(as_of=day, status=wanted)
            ]


def test_the_index_judges_each_day_as_the_knowledge_base(layer, layer_kb):  # type: ignore[no-untyped-def]
    """Every forecast of the layer, on days around the resolutions: the index's stored
    resolutions give the fields of :func:`aitrends.forecasts.forecast_record`."""
    con = store.in_memory([str(d) for d in layer_kb.dirs])
    assert con is not None
    for day in [*DAYS, "2026-05-31", "2026-07-31", "2026-08-01"]:
        as_of = dt.date.fromisoformat(day)
        for fact in layer_kb.forecasts():
            horizon_end, resolved = con.execute(
                "SELECT horizon_end, resolved FROM facts WHERE id = ?", (fact.id,)
            ).fetchone()
            expected = forecast_record(layer_kb, fact, as_of=as_of)
            assert query.daily_fields(horizon_end, resolved, as_of) == {k: expected[k] for k in cache.DAILY}


class TestTheRule:
    """:func:`aitrends.query.standing` on plain records."""

    def res(
        self, recorded: str | None, superseded: str | None = None, date: str = "2025-01"
    ) -> dict[str, object]:
        return {"outcome": "true", "date": date, "recorded": recorded, "superseded": superseded}

    def test_counted_from_the_day_recorded(self) -> None:
        history = [self.res("2026-06-01")]
        assert query.standing(history, dt.date(2026, 5, 31)) is None
        assert query.standing(history, dt.date(2026, 6, 1)) == 0

    def test_recorded_defaults_to_the_date_and_a_month_counts_from_its_first_day(self) -> None:
        assert query.standing([self.res(None, date="2026-06")], dt.date(2026, 5, 31)) is None
        assert query.standing([self.res(None, date="2026-06")], dt.date(2026, 6, 1)) == 0
        assert query.standing([self.res("2026")], dt.date(2025, 12, 31)) is None

    def test_a_superseded_one_stands_until_replaced(self) -> None:
        history = [self.res("2026-03-01", "2026-08-01"), self.res("2026-08-01")]
        assert [query.standing(history, dt.date(2026, m, 1)) for m in (2, 3, 7, 8)] == [None, 0, 0, 1]

    def test_as_it_stood(self) -> None:
        history = [self.res("2026-03-01", "2026-08-01"), self.res("2026-08-01")]
        assert query.resolution_on(json.dumps(history), dt.date(2026, 7, 1)) == {
            **history[0],
            "superseded": None,
        }
        assert query.resolution_on(None, dt.date(2026, 7, 1)) is None

    def test_daily_fields(self) -> None:
        history = json.dumps([self.res("2026-06-01")])
        before = query.daily_fields("2024-12-31", history, dt.date(2026, 5, 1))
        after = query.daily_fields("2024-12-31", history, dt.date(2026, 7, 1))
        assert (before["status"], before["resolution"]) == ("due", None)
        assert after["status"] == "resolved" and after["resolution"]["recorded"] == "2026-06-01"
        assert query.daily_fields("2027-12-31", history, dt.date(2026, 5, 1))["status"] == "open"
