"""Track records: resolve and unresolve in a user's layer, hedge probabilities, scores."""

from __future__ import annotations

import datetime as dt
import json
import math
import shutil
from pathlib import Path

import pytest
import yaml

import aitrends
from aitrends import models as m
from aitrends.cli import app
from aitrends.errors import DataError
from aitrends.hedges import estimate, load_table, table_for
from aitrends.loader import bundled_data_dir
from aitrends.scores import calibration, log_score, scores

from .conftest import FIXTURES

TRACK = FIXTURES / "track-layer"
"""A user layer resolving a dozen bundled forecasts (tests/fixtures/track-layer)."""
DAY = dt.date(2026, 12, 2)
DUE_DAY = "2026-11-23"
LN = math.log


@pytest.fixture(scope="module")
def track_kb() -> aitrends.KnowledgeBase:
    return aitrends.load(TRACK)


def _by_id(report: object) -> dict[str, dict[str, object]]:
    return {p["predictor"]: p for p in report.record()["predictors"]}  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- scores by hand


class TestScoresByHand:
    """The fixture layer's scores equal the values worked out here by hand.

    Probabilities (data/hedges.yaml): no hedge 0.93; 我想…应该, 我相信, 預計 0.75; 可能, can 0.5.
    Outcomes count true 1, false 0, partly 0.5; void and ambiguous are not scored.
    """

    def test_etzioni(self, track_kb: aitrends.KnowledgeBase) -> None:
        # beyond-transformer .93 true; regulation .75 false; chip-design .5 partly;
        # multimodal .93 true. The NBD heading (resolved void) is the outlet's forecast, not his:
        # a writer's heading is the writer's claim about him (attributed_to), never his words.
        report = _by_id(scores(track_kb, as_of=DAY))
        p = report["oren-etzioni"]
        assert (p["resolved"], p["true"], p["false"], p["partly"], p["void"], p["scored"]) == (
            4,
            2,
            1,
            1,
            0,
            4,
        )
        assert (report["nbd"]["resolved"], report["nbd"]["void"], report["nbd"]["scored"]) == (1, 1, 0)
        assert p["brier"] == pytest.approx((0.07**2 + 0.75**2 + 0 + 0.07**2) / 4)
        assert p["brier"] == pytest.approx(0.143075)
        assert p["hit_rate"] == pytest.approx((1 + 0 + 0.5 + 1) / 4)
        assert p["log_score"] == pytest.approx((2 * LN(0.93) + LN(0.25) + LN(0.5)) / 4)

    def test_lee_with_an_ambiguous_one_left_out(self, track_kb: aitrends.KnowledgeBase) -> None:
        # turning point .75 true (the replaced false is history); AI-first apps .75 false;
        # new approach .5 partly; lighter models ambiguous: not scored
        p = _by_id(scores(track_kb, as_of=DAY))["kai-fu-lee"]
        assert (p["resolved"], p["ambiguous"], p["scored"]) == (4, 1, 3)
        assert p["brier"] == pytest.approx((0.25**2 + 0.75**2 + 0) / 3)
        assert p["hit_rate"] == pytest.approx(0.5)
        assert p["log_score"] == pytest.approx((LN(0.75) + LN(0.25) + LN(0.5)) / 3)

    def test_a_joint_report_counts_for_each_speaker(self, track_kb: aitrends.KnowledgeBase) -> None:
        report = _by_id(scores(track_kb, as_of=DAY))
        expected = (0.07**2 + 0.93**2 + 0.43**2) / 3
        for who in ("kpmg", "zgc-institute"):
            assert report[who]["brier"] == pytest.approx(expected)
            assert report[who]["log_score"] == pytest.approx(
                (LN(0.93) + LN(0.07) + 0.5 * LN(0.93 * 0.07)) / 3
            )

    def test_calibration_counts_each_forecast_once(self, track_kb: aitrends.KnowledgeBase) -> None:
        bins = [b for b in scores(track_kb, as_of=DAY).calibration if b.count]
        got = [(b.low, b.count, b.mean_probability, b.observed) for b in bins]
        assert got == [
            (0.5, 2, pytest.approx(0.5), pytest.approx(0.5)),
            (0.7, 3, pytest.approx(0.75), pytest.approx(1 / 3)),
            (0.9, 5, pytest.approx(0.93), pytest.approx(3.5 / 5)),
        ]

    def test_as_of_uses_only_what_was_recorded_by_then(self, track_kb: aitrends.KnowledgeBase) -> None:
        report = _by_id(scores(track_kb, as_of=dt.date(2026, 11, 25)))
        # KPMG's trend 7 was recorded on 2026-12-01: not yet; it counts as due
        assert (report["kpmg"]["resolved"], report["kpmg"]["due"]) == (2, 8)
        assert report["kpmg"]["brier"] == pytest.approx((0.07**2 + 0.93**2) / 2)
        # Lee's turning point stood at false until it was replaced on 2026-11-30
        assert report["kai-fu-lee"]["brier"] == pytest.approx((0.75**2 + 0.75**2 + 0) / 3)
        before = _by_id(scores(track_kb, as_of=dt.date(2026, 11, 1)))
        assert before["oren-etzioni"]["resolved"] == 0 and before["oren-etzioni"]["brier"] is None

    def test_person_and_topic_narrow_it(self, track_kb: aitrends.KnowledgeBase) -> None:
        only = scores(track_kb, as_of=DAY, person="Kai-Fu Lee")
        assert [p.predictor for p in only.predictors] == ["kai-fu-lee"]
        assert sum(b.count for b in only.calibration) == 3

    def test_log_score_of_a_failed_certainty_is_finite(self) -> None:
        assert log_score(1.0, 0.0) == pytest.approx(LN(0.001))
        assert log_score(0.5, 0.5) == pytest.approx(LN(0.5))

    def test_calibration_puts_one_in_the_last_bin(self) -> None:
        bins = calibration([(1.0, 1.0), (0.0, 0.0), (0.35, 1.0)])
        assert [b.count for b in bins] == [1, 0, 0, 1, 0, 0, 0, 0, 0, 1]


# --------------------------------------------------------------------------- hedge table


KENT = {
    "almost certain": 0.93,
    "probable": 0.75,
    "chances about even": 0.5,
    "probably not": 0.3,
    "almost certainly not": 0.07,
}
"""Sherman Kent's estimative points (1964), as data/hedges.yaml cites them."""


class TestHedgeTable:
    """The bundled table, its sources, and overriding it from a user's layer."""

    def test_every_value_is_a_kent_point_and_names_its_source(self) -> None:
        table = load_table()
        assert set(table.sources) >= {"kent-1964", "own"}
        for value in [table.default, *table.words.values()]:
            assert value is not None and value.source in table.sources and value.kent in KENT
            # a value is Kent's point, or (for a doubt worded as its negation) its complement
            assert value.probability in (KENT[value.kent], round(1 - KENT[value.kent], 10))

    @pytest.mark.parametrize(
        ("hedge", "word", "p"),
        [
            ("预计", "预计", 0.75),
            ("预计, 有望", "预计", 0.75),
            ("可能; 我不确定", "可能", 0.5),
            ("在一定程度上", "一定程度上", 0.75),  # not 一定 ('certainly'), which it contains
            ("不太可能", "不太可能", 0.3),
            ("can (帶來希望)", "can", 0.5),
            ("I am a firm believer (我堅信)", "firm believer", 0.93),
            ("significant", None, 0.93),  # 'can' is a whole word only: the default
        ],
    )
    def test_matching(self, hedge: str, word: str | None, p: float) -> None:
        table = load_table()
        fact = _forecast(hedge=hedge)
        e = estimate(table, fact)
        assert (e.word, e.probability, e.origin) == (word, p, "hedge" if word else "default")

    def test_stated_probability_wins(self) -> None:
        fact = _forecast(hedge="可能", probability=m.Probability(low=0.6, high=0.7, stated="60-40或70-30"))
        e = estimate(load_table(), fact)
        assert (e.origin, e.probability) == ("stated", pytest.approx(0.65))

    def test_a_users_layer_overrides_a_word_and_the_default(self, tmp_path: Path) -> None:
        (tmp_path / "hedges.yaml").write_text(
            "sources: {mine: My own reading.}\n"
            "default: {probability: 0.8, source: mine}\n"
            "words:\n  - {word: 预计, probability: 0.6, source: mine}\n",
            encoding="utf-8",
        )
        table = load_table([tmp_path])
        assert estimate(table, _forecast(hedge="预计")).probability == 0.6
        assert estimate(table, _forecast(hedge=None)).probability == 0.8
        assert estimate(table, _forecast(hedge="可能")).probability == 0.5  # the bundled value stays
        assert table.files["预计"].endswith("hedges.yaml") and str(tmp_path.name) in table.files["预计"]

    def test_a_bad_table_is_reported_with_file_and_field(self, tmp_path: Path) -> None:
        (tmp_path / "hedges.yaml").write_text(
            "words:\n  - {word: 预计, probability: 1.5, source: own}\n  - {word: x, probability: 0.5, source: nobody}\n"
        )
        with pytest.raises(DataError) as e:
            load_table([tmp_path])
        assert [(p.line, p.location) for p in e.value.problems] == [(2, "words[0].probability")]
        (tmp_path / "hedges.yaml").write_text("words:\n  - {word: x, probability: 0.5, source: nobody}\n")
        with pytest.raises(DataError) as e:
            load_table([tmp_path])
        assert e.value.problems[0].location == "words[x].source"

    def test_a_hedges_file_in_a_layer_is_not_a_misplaced_file(self, tmp_path: Path) -> None:
        shutil.copytree(TRACK, tmp_path / "layer")
        (tmp_path / "layer" / "hedges.yaml").write_text("words: []\n")
        kb = aitrends.load(tmp_path / "layer")
        assert table_for(kb).default is not None


def _forecast(hedge: str | None, probability: m.Probability | None = None) -> m.Forecast:
    return m.Forecast(
        id="a-forecast",
        kind=m.FactKind.forecast,
        source="s",
        speaker=["p"],
        topics=["t"],
        statement="s",
        excerpt="e",
        excerpt_en="e",
        hedge=hedge,
        horizon=m.Horizon(type=m.HorizonType.none, stated="x"),
        criteria="c",
        probability=probability,
    )


# --------------------------------------------------------------------------- the CLI


USER_FILE = """\
# My resolutions. Keep this comment.
source: nbd-etzioni-2023   # unused here

resolutions:
    # resolved by hand, a while ago
    - fact: lee-wired-ai-first-apps-2025
      outcome: 'false'      # quoted on purpose
      date: 2026-01-05
      evidence: "My own reading."

# end of file
"""


@pytest.fixture
def layer(tmp_path: Path) -> Path:
    d = tmp_path / "my-data"
    (d / "facts").mkdir(parents=True)
    (d / "facts" / "resolutions.yaml").write_text(USER_FILE, encoding="utf-8")
    return d


def _resolve(runner, layer: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["-d", str(layer), "resolve", *args, "--as-of", DUE_DAY])


class TestResolveCommand:
    """resolve and unresolve write the user's layer and nothing else."""

    def test_round_trip_keeps_the_users_file(self, runner, layer: Path) -> None:  # type: ignore[no-untyped-def]
        path = layer / "facts" / "resolutions.yaml"
        done = _resolve(
            runner,
            layer,
            "etzioni-more-multimodal-models-2024",
            "--outcome",
            "true",
            "--on",
            "2025-01-15",
            "--evidence",
            "https://example.org/evidence",
            "--note",
            "a note",
        )
        assert done.exit_code == 0, done.stderr
        text = path.read_text(encoding="utf-8")
        head, _, tail = USER_FILE.partition("\n# end of file\n")
        assert text.startswith(head) and text.endswith("\n# end of file\n")
        added = yaml.safe_load(text)["resolutions"][-1]
        assert added == {
            "fact": "etzioni-more-multimodal-models-2024",
            "outcome": "true",
            "date": dt.date(2025, 1, 15),
            "evidence": "https://example.org/evidence",
            "note": "a note",
            "recorded": dt.date(2026, 11, 23),
        }
        shown = runner.invoke(
            app, ["-d", str(layer), "forecasts", "--status", "resolved", "--as-of", DUE_DAY, "-f", "markdown"]
        )
        assert "| true on 2025-01-15 |" in shown.stdout and "| false on 2026-01-05 |" in shown.stdout
        undone = runner.invoke(app, ["-d", str(layer), "unresolve", "etzioni-more-multimodal-models-2024"])
        assert undone.exit_code == 0, undone.stderr
        assert path.read_text(encoding="utf-8") == USER_FILE

    def test_a_new_layer_gets_its_file(self, runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        layer = tmp_path / "fresh"
        done = _resolve(
            runner, layer, "kpmg-trend-1-multimodal-pretrained-models-standard", "-o", "void", "-e", "x"
        )
        assert done.exit_code == 0, done.stderr
        kb = aitrends.load(layer)
        assert kb.resolutions["kpmg-trend-1-multimodal-pretrained-models-standard"].outcome is m.Outcome.void

    def test_replace_keeps_the_old_one_as_history(self, runner, layer: Path) -> None:  # type: ignore[no-untyped-def]
        fid = "lee-wired-ai-first-apps-2025"
        again = _resolve(runner, layer, fid, "-o", "true", "-e", "changed my mind")
        assert again.exit_code == 1 and "--replace" in again.stderr
        done = _resolve(runner, layer, fid, "-o", "true", "-e", "changed my mind", "--replace")
        assert done.exit_code == 0, done.stderr
        kb = aitrends.load(layer)
        assert kb.resolutions[fid].outcome is m.Outcome.true
        [(old, _)] = kb.resolution_history[fid]
        assert (old.outcome, str(old.superseded)) == (m.Outcome.false, DUE_DAY)
        text = (layer / "facts" / "resolutions.yaml").read_text(encoding="utf-8")
        assert text.startswith("# My resolutions. Keep this comment.\n") and "# end of file" in text

    @pytest.mark.parametrize(
        ("args", "code", "needle"),
        [
            (["amodei-skeptical-large-open-source-model", "-o", "true", "-e", "x"], 1, "--early"),
            (["kpmg-intro-ai-deployed-across-sectors", "-o", "true", "-e", "x"], 1, "not a forecast"),
            (["etzioni-more-multimodal-models-2024", "-o", "maybe", "-e", "x"], 2, "--outcome"),
            (
                ["etzioni-more-multimodal-models-2024", "-o", "true", "-e", "x", "--on", "2027-01-01"],
                1,
                "after",
            ),
            (["etzioni-more-multimodal-models-2024", "-o", "true", "-e", "  "], 2, "--evidence"),
            (["no-such-forecast", "-o", "true", "-e", "x"], 1, "no-such-forecast"),
        ],
    )
    def test_refusals_leave_the_file(
        self, runner, layer: Path, args: list[str], code: int, needle: str
    ) -> None:  # type: ignore[no-untyped-def]
        result = _resolve(runner, layer, *args)
        assert result.exit_code == code and needle in result.stderr and "Traceback" not in result.stderr
        assert (layer / "facts" / "resolutions.yaml").read_text(encoding="utf-8") == USER_FILE

    def test_early_resolves_what_is_not_due(self, runner, layer: Path) -> None:  # type: ignore[no-untyped-def]
        done = _resolve(
            runner, layer, "amodei-skeptical-large-open-source-model", "-o", "false", "-e", "x", "--early"
        )
        assert done.exit_code == 0, done.stderr

    def test_the_bundled_data_is_refused(self, runner) -> None:  # type: ignore[no-untyped-def]
        before = {p: p.read_bytes() for p in bundled_data_dir().rglob("*.yaml")}
        for target in (bundled_data_dir(), bundled_data_dir() / "facts"):
            result = runner.invoke(
                app,
                [
                    "-d",
                    str(target),
                    "resolve",
                    "etzioni-more-multimodal-models-2024",
                    "-o",
                    "true",
                    "-e",
                    "x",
                ],
            )
            assert result.exit_code == 1 and "bundled data" in result.stderr
        assert {p: p.read_bytes() for p in bundled_data_dir().rglob("*.yaml")} == before

    def test_no_layer_is_a_usage_error(self, runner) -> None:  # type: ignore[no-untyped-def]
        result = runner.invoke(
            app, ["resolve", "etzioni-more-multimodal-models-2024", "-o", "true", "-e", "x"]
        )
        assert result.exit_code == 2 and "--data-dir" in result.stderr

    def test_unresolve_without_a_resolution(self, runner, layer: Path) -> None:  # type: ignore[no-untyped-def]
        result = runner.invoke(app, ["-d", str(layer), "unresolve", "etzioni-more-multimodal-models-2024"])
        assert result.exit_code == 1 and "no resolution" in result.stderr


class TestScoresCommand:
    """scores renders the report; JSON carries typed numbers."""

    def test_json_is_typed(self, runner) -> None:  # type: ignore[no-untyped-def]
        result = runner.invoke(
            app, ["-d", str(TRACK), "scores", "--as-of", "2026-12-02", "--json"], catch_exceptions=False
        )
        data = json.loads(result.stdout)
        assert data["as_of"] == "2026-12-02"
        lee = next(p for p in data["predictors"] if p["predictor"] == "kai-fu-lee")
        assert isinstance(lee["made"], int) and isinstance(lee["brier"], float)
        assert lee["brier"] == pytest.approx(0.625 / 3)
        assert {f["from"] for f in lee["forecasts"]} == {"hedge"}
        assert [b["count"] for b in data["calibration"]] == [0, 0, 0, 0, 0, 2, 0, 3, 0, 5]

    def test_table_and_as_of(self, runner) -> None:  # type: ignore[no-untyped-def]
        result = runner.invoke(
            app, ["-d", str(TRACK), "scores", "-p", "Oren Etzioni", "--as-of", "2026-12-02", "-f", "markdown"]
        )
        assert result.exit_code == 0
        assert "| Oren Etzioni | 8 | 4 | 2 | 1 | 1 | 0 | 0.62 | 0.143 |" in result.stdout
        assert "| 0.9–1.0 | 2 | 0.93 | 1.00 |" in result.stdout

    def test_show_says_where_the_probability_comes_from(self, runner) -> None:  # type: ignore[no-untyped-def]
        result = runner.invoke(
            app, ["show", "lee-wired-ai-first-apps-2025", "--json"], catch_exceptions=False
        )
        used = json.loads(result.stdout)["probability_used"]
        assert (used["origin"], used["word"], used["probability"], used["source"]) == (
            "hedge",
            "預計",
            0.75,
            "own",
        )
        card = runner.invoke(app, ["show", "etzioni-beyond-transformer-2024"], catch_exceptions=False)
        assert "default for an unhedged forecast" in card.stdout


class TestLayers:
    """A resolution in a lower layer is laid over, never edited from above."""

    def test_replace_over_a_lower_layer_and_unresolve_refused(
        self, layer: Path, tmp_path: Path, monkeypatch
    ) -> None:  # type: ignore[no-untyped-def]
        from aitrends import resolutions as r

        top = tmp_path / "top"
        top.mkdir()
        kb = aitrends.load(layer, top)
        fid = "lee-wired-ai-first-apps-2025"
        with pytest.raises(r.ResolveError, match="not in"):
            r.unresolve(kb, fid, layer=top)
        done = r.resolve(kb, fid, "true", evidence="x", layer=top, as_of=dt.date(2026, 11, 23), replace=True)
        assert done.path == top / "facts" / "resolutions.yaml" and done.previous is not None
        assert (layer / "facts" / "resolutions.yaml").read_text(encoding="utf-8") == USER_FILE
        assert aitrends.load(layer, top).resolutions[fid].outcome is m.Outcome.true
        # the lower layer taken for the bundled data: its resolution cannot be removed
        from aitrends import loader

        monkeypatch.setattr(loader, "bundled_data_dir", lambda: layer)
        with pytest.raises(r.ResolveError, match="bundled data"):
            r.unresolve(aitrends.load(layer), fid, layer=top)
        with pytest.raises(r.ResolveError, match="bundled data"):
            r.user_layer([layer / "facts"])

    def test_the_python_example_of_the_docs(self, tmp_path: Path) -> None:
        from aitrends.resolutions import resolve

        (tmp_path / "my-data").mkdir()
        kb = aitrends.load(tmp_path / "my-data")
        resolve(
            kb,
            "etzioni-more-multimodal-models-2024",
            "true",
            evidence="...",
            layer=tmp_path / "my-data",
            as_of=dt.date(2026, 11, 23),
            on="2025-01-15",
        )
        report = scores(aitrends.load(tmp_path / "my-data"), as_of=dt.date(2026, 11, 23))
        etzioni = next(p for p in report.record()["predictors"] if p["predictor"] == "oren-etzioni")
        assert (etzioni["true"], etzioni["brier"]) == (1, pytest.approx(0.07**2))


def test_validate_checks_a_layers_hedges_file(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "hedges.yaml").write_text("words:\n  - {word: x, probability: 2, source: own}\n")
    result = runner.invoke(app, ["-d", str(tmp_path), "validate"])
    assert result.exit_code == 1
    assert "hedges.yaml:2: words[0].probability:" in result.stderr and "Traceback" not in result.stderr
