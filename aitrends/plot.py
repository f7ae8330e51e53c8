"""Charts of a topic: dated figures on a log scale, and its rates side by side.

matplotlib is an optional extra (``pip install '.[plot]'`` in a clone). Figures are drawn on a
bare :class:`matplotlib.figure.Figure` with the Agg canvas, so nothing here touches pyplot's
global state or needs a display.

>>> fig = aitrends.plot.topic_figure(kb, "inference-cost")   # doctest: +SKIP
>>> aitrends.plot.save(fig, "chart.png")                      # doctest: +SKIP
"""

from __future__ import annotations

import math
import textwrap
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import models as m
from .atomic import atomic_path
from .display import number
from .errors import NotFoundError, UsageError
from .frames import require

if TYPE_CHECKING:
    from .kb import KnowledgeBase
    from .scores import ScoreReport

POINT_GID = "aitrends-figure"
"""``gid`` of each marker series of dated figures (one Line2D per metric, unit and bound)."""
IMPLIED_GID = "aitrends-implied"
"""``gid`` of each line joining two figures that imply a rate."""
RATE_GID = "aitrends-rate"
"""``gid`` of each bar of the rates panel."""

_MARKERS = {m.Bound.at_most: "v", m.Bound.at_least: "^"}
_SIGN = {m.Bound.approx: "~", m.Bound.at_most: "≤", m.Bound.at_least: "≥"}
_NOT_LEVELS = ("percent", "times")
"""Units of ratios and shares, which are not levels that change over time."""


def dated_figures(kb: KnowledgeBase, topic: str) -> list[m.FactBase]:
    """Facts on ``topic`` with a positive quantity dated by ``quantity.as_of``, not a ratio."""
    return [
        f
        for f in kb.facts(topic=topic)
        if f.quantity is not None
        and f.quantity.as_of is not None
        and f.quantity.unit.lower() not in _NOT_LEVELS
        and _y(f.quantity) > 0
    ]


def _y(q: m.Quantity) -> float:
    if q.bound is m.Bound.range:
        assert q.low is not None and q.high is not None
        return math.sqrt(q.low * q.high) if q.low > 0 else q.high
    return q.value or 0.0


def _unit(q: m.Quantity) -> str:
    return f"{q.unit} per {q.per}" if q.per else q.unit


def _label(kb: KnowledgeBase, f: m.FactBase) -> str:
    q = f.quantity
    assert q is not None
    if q.bound is m.Bound.range:
        assert q.low is not None and q.high is not None
        value = f"{number(q.low, q.unit)}–{number(q.high, q.unit)}"
    else:
        value = _SIGN.get(q.bound, "") + number(q.value or 0.0, q.unit)
    who = ", ".join(kb.name_of(a) for a in f.about)
    return f"{who}: {value}" if who else value


def topic_figure(kb: KnowledgeBase, topic: str, *, width: float = 10.0) -> Any:
    """A :class:`matplotlib.figure.Figure` of ``topic``: one log-scale panel per unit of its
    dated figures (markers ▼ for 'at most', ▲ for 'at least'; a dashed line joins two figures
    that imply a rate) and a panel of its rates (``kb.trends(topic=...)``: stated and implied)
    as bars of the annual factor, with sources in a caption.

    Text from the data is drawn as written: matplotlib's mathtext is off (a ``$`` is a dollar
    sign, never the start of a formula).

    Raises :class:`NotFoundError` when the topic has neither dated figures nor rates.
    """
    matplotlib = require("matplotlib", "plot")
    with matplotlib.rc_context(_RC):
        return _topic_figure(kb, topic, width=width)


_RC = {"text.parse_math": False}
"""matplotlib settings of every plot: data text such as ``$0.5–$1`` or ``$x^{`` is not mathtext."""

FORMATS = ("png", "svg", "pdf")
"""Image formats :func:`save` writes, by the output's suffix (none: png)."""


def _topic_figure(kb: KnowledgeBase, topic: str, *, width: float) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    topic_id = kb.resolve("topics", topic)
    label = kb.name_of(topic_id)
    figures = dated_figures(kb, topic_id)
    trends = kb.trends(topic=topic_id)
    if not figures and not trends:
        raise NotFoundError(f"nothing to plot for topic '{topic_id}': no dated figures and no rates")
    by_unit: dict[str, list[m.FactBase]] = defaultdict(list)
    for f in figures:
        by_unit[_unit(f.quantity)].append(f)  # type: ignore[arg-type]
    sources = sorted({f.source for f in figures} | {s for t in trends for s in t.sources})
    panels = len(by_unit) + (1 if trends else 0)
    heights = [3.2] * len(by_unit) + ([0.8 + 0.45 * len(trends)] if trends else [])
    caption_text = _caption(kb, sources, width)
    caption = 0.25 + 0.16 * caption_text.count("\n")
    total = sum(heights) + 0.8 + caption
    fig = Figure(figsize=(width, total), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(panels, 1, squeeze=False, height_ratios=heights)[:, 0]
    fig.suptitle(f"{label}: dated figures and rates of change", fontweight="bold")
    where: dict[str, tuple[Any, Any, float]] = {}
    for ax, (unit, facts) in zip(axes, sorted(by_unit.items()), strict=False):
        _figures_panel(kb, ax, unit, facts, where)
    for t in trends:
        if t.origin == "implied" and all(i in where for i in t.facts):
            (ax, x0, y0), (_ax, x1, y1) = where[t.facts[0]], where[t.facts[1]]
            word = "falls" if t.direction is m.Direction.decline else "grows"
            (line,) = ax.plot(
                [x0, x1],
                [y0, y1],
                linestyle="--",
                color="grey",
                label=f"implied: {word} ×{t.annual_factor:.3g} a year",
            )
            line.set_gid(IMPLIED_GID)
            ax.legend(loc="best", fontsize="small")
    if trends:
        _rates_panel(kb, axes[-1], trends)
    fig.text(0.01, 0.01, caption_text, ha="left", va="bottom", fontsize="x-small")
    engine = fig.get_layout_engine()
    assert isinstance(engine, ConstrainedLayoutEngine)
    engine.set(rect=(0, caption / total, 1, 1 - caption / total))
    return fig


def _figures_panel(
    kb: KnowledgeBase, ax: Any, unit: str, facts: list[m.FactBase], where: dict[str, tuple[Any, Any, float]]
) -> None:
    groups: dict[tuple[str, str], list[m.FactBase]] = defaultdict(list)
    for f in facts:
        q = f.quantity
        assert q is not None
        groups[(f.metric or "", _MARKERS.get(q.bound, "o"))].append(f)
    metrics = sorted({metric for metric, _ in groups})
    every_x = [f.quantity.as_of.midpoint for f in facts]  # type: ignore[union-attr]
    lo, hi = min(every_x), max(every_x)
    for (metric, marker), members in sorted(groups.items()):
        xs = [f.quantity.as_of.midpoint for f in members]  # type: ignore[union-attr]
        ys = [_y(f.quantity) for f in members]  # type: ignore[arg-type]
        # a figure on no metric is named by what it is about ("Google"), not "no metric"
        about = sorted({kb.name_of(a) for f in members for a in f.about})
        name = kb.name_of(metric) if metric else (", ".join(about) or "other figures")
        hedge = {"v": " (at most)", "^": " (at least)"}.get(marker, "")
        color = f"C{metrics.index(metric) % 10}"
        (line,) = ax.plot(
            xs, ys, linestyle="none", marker=marker, markersize=8, color=color, label=name + hedge
        )
        line.set_gid(POINT_GID)
        for f, x, y in zip(members, xs, ys, strict=True):
            where[f.id] = (ax, x, y)
            # labels of points in the right half go to their left, so none runs off the chart
            left = hi > lo and (x - lo) / (hi - lo) > 0.5
            ax.annotate(
                _label(kb, f),
                (x, y),
                textcoords="offset points",
                xytext=(-6, 4) if left else (6, 4),
                ha="right" if left else "left",
                fontsize="small",
            )
            q = f.quantity
            if q is not None and q.bound is m.Bound.range:
                ax.vlines(x, q.low, q.high, color=color)
    ax.set_yscale("log")
    ax.set_ylabel(f"{unit} (log scale)")
    ax.set_xlabel("date the figure describes")
    ax.margins(x=0.25, y=0.3)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(loc="best", fontsize="small")


def _rates_panel(kb: KnowledgeBase, ax: Any, trends: list[Any]) -> None:
    rows = sorted(trends, key=lambda t: (t.annual_factor, t.facts))
    for i, t in enumerate(rows):
        color = "tab:blue" if t.direction is m.Direction.decline else "tab:orange"
        hatch = "//" if t.origin == "implied" else None
        bars = ax.barh(i, t.annual_factor - 1, left=1, color=color, hatch=hatch, alpha=0.8)
        for bar in bars:
            bar.set_gid(RATE_GID)
        if t.annual_factor_high > t.annual_factor_low:
            ax.hlines(i, t.annual_factor_low, t.annual_factor_high, color="black", linewidth=1.5)
        months = 12 * math.log(2) / math.log(t.annual_factor)
        verb, word = ("falls", "halves") if t.direction is m.Direction.decline else ("grows", "doubles")
        plus = " or more" if t.bound is m.Bound.at_least else ""
        ax.annotate(
            f"{verb} {t.annual_factor:.3g}×{plus} a year ({word} every {months:.3g} months)",
            (max(t.annual_factor, t.annual_factor_high), i),
            textcoords="offset points",
            xytext=(4, -3),
            fontsize="small",
        )
    names = [
        f"{', '.join(kb.name_of(s) for s in t.speakers)} ({t.origin}, {kb.name_of(t.metric) if t.metric else 'no metric'})"
        for t in rows
    ]
    ax.set_yticks(range(len(rows)), labels=names, fontsize="small")
    ax.set_xscale("log")
    top = max(max(t.annual_factor, t.annual_factor_high) for t in rows)
    ax.set_xlim(1, top * 12)
    ax.set_xlabel("annual factor of change (log scale; blue: decline, orange: growth; hatched: implied)")
    ax.set_title("Rates of change, in one unit", fontsize="medium")
    ax.grid(True, axis="x", alpha=0.3)


def _caption(kb: KnowledgeBase, source_ids: list[str], width: float) -> str:
    lines = []
    for sid in source_ids:
        s = kb.table("sources")[sid]
        outlet = kb.name_of(s.outlet)
        lines.append(f"[{sid}] {s.title_en} ({outlet}, {s.published or 'undated'})")
    chars = int(width * 16)
    return "Sources:\n" + "\n".join(textwrap.fill(line, chars, subsequent_indent="    ") for line in lines)


CALIBRATION_GID = "aitrends-calibration"
"""``gid`` of the calibration curve (observed frequency against mean predicted probability)."""


def calibration_figure(report: ScoreReport, *, width: float = 6.0) -> Any:
    """A :class:`matplotlib.figure.Figure` of the calibration of ``report``
    (:func:`aitrends.scores.scores`): for each bin of predicted probability, the observed
    frequency against the mean prediction, each point sized by its number of forecasts, with
    the diagonal of perfect calibration.

    Raises :class:`NotFoundError` when no resolved forecast is scored.
    """
    require("matplotlib", "plot")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    points = [b for b in report.calibration if b.count]
    if not points:
        raise NotFoundError("Nothing to plot: no resolved forecast is scored (see aitrends resolve)")
    fig = Figure(figsize=(width, width), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", linewidth=1, label="perfect calibration")
    xs = [b.mean_probability or 0.0 for b in points]
    ys = [b.observed or 0.0 for b in points]
    (line,) = ax.plot(xs, ys, marker="o", color="tab:blue", label="observed")
    line.set_gid(CALIBRATION_GID)
    ax.scatter(xs, ys, s=[30 + 20 * b.count for b in points], color="tab:blue", alpha=0.4)
    for b, x, y in zip(points, xs, ys, strict=True):
        ax.annotate(f"n={b.count}", (x, y), textcoords="offset points", xytext=(6, -10), fontsize="small")
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("predicted probability (stated, else from the hedge word)")
    ax.set_ylabel("observed frequency (partly = 0.5)")
    n = sum(b.count for b in points)
    ax.set_title(
        f"Calibration of {n} resolved forecast{'s' if n != 1 else ''} as of {report.as_of}", fontsize="medium"
    )
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper left", fontsize="small")
    return fig


def image_format(path: Path | str) -> str:
    """The image format of ``path`` by its suffix (none: png); :class:`UsageError` listing the
    supported ones for any other (``.gif``, ``.jpg``: matplotlib cannot write them as we do)."""
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower() or "png"
    if fmt not in FORMATS:
        supported = ", ".join(f".{f}" for f in FORMATS)
        raise UsageError(f"cannot write '{path.suffix}' images; use {supported}")
    return fmt


def save(fig: Any, path: Path | str, *, force: bool = False) -> Path:
    """Write ``fig`` to ``path`` (PNG, SVG or PDF by its suffix), atomically; an existing file
    is replaced only with ``force``."""
    path = Path(path)
    fmt = image_format(path)
    metadata = {"Software": None} if fmt == "png" else {}
    matplotlib = require("matplotlib", "plot")
    with matplotlib.rc_context(_RC), atomic_path(path, force=force, suffix=path.suffix) as tmp:
        fig.savefig(tmp, format=fmt, dpi=120, metadata=metadata)
    return path
