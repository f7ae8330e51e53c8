"""Charts of a topic (aitrends.plot), rendered with matplotlib's Agg backend."""

from __future__ import annotations

import struct
import sys

import pytest

import aitrends
from aitrends.atomic import ExistsError
from aitrends.cli import app
from aitrends.errors import NotFoundError
from aitrends.frames import MissingDependencyError, install_hint

from .conftest import FIXTURE_DATA

pytest.importorskip("matplotlib")
from aitrends import plot  # noqa: E402

# A layer over the fixture data: two dated prices (they imply a rate) and a bound.
PRICES = """\
source: alpha-interview
facts:
  - id: price-2023
    kind: figure
    speaker: zhang-san
    about: [example-corp]
    topics: [inference-cost]
    metric: inference-cost
    statement: A query cost about $0.75 in May 2023.
    excerpt: 2023年5月每次查询约0.75美元
    excerpt_en: about $0.75 per query in May 2023
    quantity: {value: 0.75, unit: USD, per: query, bound: approx, stated: 约0.75美元, as_of: 2023-05}
  - id: price-2024
    kind: figure
    speaker: zhang-san
    about: [example-corp]
    topics: [inference-cost]
    metric: inference-cost
    statement: A query cost about $0.04 in May 2024.
    excerpt: 2024年5月每次查询约0.04美元
    excerpt_en: about $0.04 per query in May 2024
    quantity: {value: 0.04, unit: USD, per: query, bound: approx, stated: 约0.04美元, as_of: 2024-05}
  - id: rival-price-2023
    kind: figure
    speaker: zhang-san
    topics: [inference-cost]
    metric: inference-cost
    statement: A rival's query cost under a cent in May 2023.
    excerpt: 不到0.01美元
    excerpt_en: under $0.01
    quantity: {value: 0.01, unit: USD, per: query, bound: at-most, stated: 不到0.01美元, as_of: 2023-05}
"""


@pytest.fixture(scope="module")
def layered(tmp_path_factory):
    layer = tmp_path_factory.mktemp("layer")
    (layer / "facts").mkdir()
    (layer / "facts" / "prices.yaml").write_text(PRICES, encoding="utf-8")
    return aitrends.load(FIXTURE_DATA, layer, bundled=False), layer


@pytest.fixture(scope="module")
def fig(layered):
    return plot.topic_figure(layered[0], "inference-cost")


def png_size(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


class TestFigure:
    """The matplotlib Figure of a topic."""

    def test_panels(self, fig):
        figures, rates = fig.axes
        assert fig.get_suptitle() == "Inference cost: dated figures and rates of change"
        assert (figures.get_yscale(), figures.get_ylabel()) == ("log", "USD per query (log scale)")
        assert (rates.get_xscale(), rates.get_title()) == ("log", "Rates of change, in one unit")

    def test_points_by_bound(self, fig):
        points = [line for line in fig.axes[0].lines if line.get_gid() == plot.POINT_GID]
        assert [(line.get_label(), line.get_marker(), len(line.get_ydata())) for line in points] == [
            ("Inference cost", "o", 2),
            ("Inference cost (at most)", "v", 1),
        ]
        assert sorted(points[0].get_ydata()) == [0.04, 0.75]
        labels = sorted(t.get_text() for t in fig.axes[0].texts)
        assert labels == ["Example Corp: ~$0.04", "Example Corp: ~$0.75", "≤$0.01"]  # no subject: value only

    def test_implied_rate_joins_the_two_prices(self, fig):
        implied = [line for line in fig.axes[0].lines if line.get_gid() == plot.IMPLIED_GID]
        assert len(implied) == 1
        assert list(implied[0].get_ydata()) == [0.75, 0.04]
        assert implied[0].get_label() == "implied: falls ×18.8 a year"

    def test_rates_as_bars(self, fig):
        bars = [p for p in fig.axes[1].patches if p.get_gid() == plot.RATE_GID]
        assert [round(b.get_x() + b.get_width(), 2) for b in bars] == [10.0, 18.75]  # annual factors
        assert [t.get_text() for t in fig.axes[1].get_yticklabels()] == [
            "Zhang San (stated, Inference cost)",
            "Zhang San (implied, Inference cost)",
        ]
        assert [t.get_text() for t in fig.axes[1].texts] == [
            "falls 10× a year (halves every 3.61 months)",
            "falls 18.8× a year (halves every 2.84 months)",
        ]

    def test_sources_in_the_caption(self, fig):
        caption = fig.texts[-1].get_text()
        assert caption == (
            "Sources:\n[alpha-interview] Interview with Example Corp's CEO Zhang San: inference cost falls "
            "tenfold a year (Example Daily, 2024-03-05)"
        )

    def test_save_png(self, fig, tmp_path):
        path = plot.save(fig, tmp_path / "chart.png")
        width, height = png_size(path)
        assert (width, height) == (round(fig.get_figwidth() * 120), round(fig.get_figheight() * 120))
        assert width == 1200 and path.stat().st_size > 20_000
        with pytest.raises(ExistsError):
            plot.save(fig, path)
        assert plot.save(fig, tmp_path / "chart.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")

    def test_nothing_to_plot(self, kb):
        with pytest.raises(NotFoundError) as e:
            plot.topic_figure(kb, "agents")
        assert str(e.value) == "nothing to plot for topic 'agents': no dated figures and no rates"

    def test_figures_only(self, kb):
        only = plot.topic_figure(kb, "market-size")
        assert len(only.axes) == 1
        points = [line for line in only.axes[0].lines if line.get_gid() == plot.POINT_GID]
        assert [(line.get_marker(), len(line.get_xdata())) for line in points] == [("^", 1), ("o", 1)]

    def test_missing_matplotlib(self, kb, monkeypatch):
        monkeypatch.setitem(sys.modules, "matplotlib", None)
        with pytest.raises(MissingDependencyError) as e:
            plot.topic_figure(kb, "inference-cost")
        assert (
            str(e.value)
            == f"matplotlib is not installed; install it with: {install_hint('plot', 'matplotlib')}"
        )


def test_command(runner, layered, tmp_path):
    out = tmp_path / "chart.png"
    args = [
        "--no-bundled",
        "-d",
        str(FIXTURE_DATA),
        "-d",
        str(layered[1]),
        "plot",
        "-t",
        "inference-cost",
        "-o",
        str(out),
    ]
    result = runner.invoke(app, args, catch_exceptions=False)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", f"wrote {out}\n")
    assert png_size(out)[0] == 1200
    again = runner.invoke(app, args)
    assert (again.exit_code, again.stderr) == (1, f"Error: {out} exists; use --force to overwrite it\n")
    unknown = runner.invoke(
        app, ["--no-bundled", "-d", str(FIXTURE_DATA), "plot", "-t", "nothing", "-o", str(out)]
    )
    assert unknown.exit_code == 2 and unknown.stderr.startswith("Error: unknown topic 'nothing'")


class TestPlotScores:
    """plot scores: the calibration curve of the resolved forecasts."""

    def test_draws_the_observed_frequencies(self, runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
        import datetime as dt

        from aitrends.scores import scores

        from .conftest import FIXTURES

        layer = FIXTURES / "track-layer"
        fig = plot.calibration_figure(scores(aitrends.load(layer), as_of=dt.date(2026, 12, 2)))
        [line] = [ln for ax in fig.axes for ln in ax.get_lines() if ln.get_gid() == plot.CALIBRATION_GID]
        assert list(line.get_ydata()) == pytest.approx([0.5, 1 / 3, 0.7])
        out = tmp_path / "calibration.png"
        args = ["-d", str(layer), "plot", "scores", "-o", str(out), "--as-of", "2026-12-02"]
        result = runner.invoke(app, args, catch_exceptions=False)
        assert (result.exit_code, result.stderr) == (0, f"wrote {out}\n") and png_size(out)[0] > 0

    def test_nothing_resolved_and_bad_choices(self, runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
        out = tmp_path / "x.png"
        nothing = runner.invoke(app, ["plot", "scores", "-o", str(out), "--as-of", "2026-12-02"])
        assert nothing.exit_code == 1 and "no resolved forecast" in nothing.stderr
        wrong = runner.invoke(app, ["plot", "things", "-o", str(out)])
        assert wrong.exit_code == 2 and "'things'" in wrong.stderr
        bare = runner.invoke(app, ["plot", "-o", str(out)])
        assert bare.exit_code == 2 and "--topic" in bare.stderr
        assert not out.exists()


class TestReadable:
    """Issue 16: legends name what a point is, and no label runs off the chart."""

    @pytest.mark.parametrize("topic", ["inference-cost", "market-size", "aigc", "cost"])
    def test_labels_inside_and_named(self, real_kb, topic):
        fig = plot.topic_figure(real_kb, topic)
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        for ax in fig.axes:
            for text in ax.texts:  # inside the panel, not over its frame or off the image
                box = text.get_window_extent(renderer)
                assert ax.bbox.x0 <= box.x0 and box.x1 <= ax.bbox.x1, (text.get_text(), box, ax.bbox)
            legend = ax.get_legend()
            labels = [t.get_text() for t in legend.get_texts()] if legend else []
            assert not any(label.startswith("no metric") for label in labels), labels

    def test_google_point_is_named(self, real_kb):
        fig = plot.topic_figure(real_kb, "inference-cost")
        labels = [t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()]
        assert "Google (at most)" in labels
