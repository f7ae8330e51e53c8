"""Track records: who predicted well, scored as forecast trackers score (Brier, log score).

Each resolved forecast is scored with its probability (:mod:`aitrends.hedges`: the stated
one, else its hedge word's, else the default) against its outcome: true = 1, false = 0,
partly = 0.5; ambiguous and void resolutions are left out of the scores. Per predictor (the
cited origin where the forecast relays one, else the speaker):

- hit rate: (true + ½ partly) / scored;
- Brier score: the mean of (p − o)², 0 best, 0.25 for always saying 50%;
- log score: the mean of o·ln p + (1 − o)·ln(1 − p), 0 best, about −0.69 for always 50%
  (p is kept within [0.001, 0.999] so that a stated certainty that failed scores −6.9, not
  minus infinity).

The calibration table puts every scored forecast in a bin of predicted probability and sets
the mean prediction beside the observed frequency. ``as_of`` uses only the resolutions recorded
on or before that day (:func:`aitrends.resolutions.resolution_as_of`).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import models as m
from .forecasts import horizon_interval
from .hedges import Estimate, estimate, table_for
from .resolutions import resolution_as_of

if TYPE_CHECKING:
    from .kb import KnowledgeBase

BINS = 10
"""Calibration bins: [0, 0.1), [0.1, 0.2) ... [0.9, 1.0]."""
LOG_CLIP = 0.001
"""Probabilities are kept within [LOG_CLIP, 1 − LOG_CLIP] for the log score."""
VALUE = {m.Outcome.true: 1.0, m.Outcome.false: 0.0, m.Outcome.partly: 0.5}
"""What an outcome counts as; the others (ambiguous, void) are not scored."""


@dataclass(frozen=True)
class Scored:
    """One resolved forecast of a predictor, with its probability and outcome."""

    fact: str
    probability: float
    origin: str
    outcome: m.Outcome
    value: float | None
    """1, 0 or 0.5; None when the outcome is not scored (ambiguous, void)."""


@dataclass
class PredictorScore:
    """A predictor's track record."""

    predictor: str
    name: str
    made: int = 0
    open: int = 0
    due: int = 0
    """Past due and not resolved."""
    outcomes: dict[str, int] = field(default_factory=lambda: {o.value: 0 for o in m.Outcome})
    scored: list[Scored] = field(default_factory=list)

    @property
    def resolved(self) -> int:
        return sum(self.outcomes.values())

    @property
    def _values(self) -> list[tuple[float, float]]:
        return [(s.probability, s.value) for s in self.scored if s.value is not None]

    @property
    def hit_rate(self) -> float | None:
        v = self._values
        return sum(o for _, o in v) / len(v) if v else None

    @property
    def brier(self) -> float | None:
        v = self._values
        return sum((p - o) ** 2 for p, o in v) / len(v) if v else None

    @property
    def log_score(self) -> float | None:
        v = self._values
        return sum(log_score(p, o) for p, o in v) / len(v) if v else None

    def record(self) -> dict[str, Any]:
        """JSON-ready, numbers typed (None where nothing is scored)."""
        return {
            "predictor": self.predictor,
            "name": self.name,
            "made": self.made,
            "resolved": self.resolved,
            **self.outcomes,
            "scored": len(self._values),
            "hit_rate": self.hit_rate,
            "brier": self.brier,
            "log_score": self.log_score,
            "open": self.open,
            "due": self.due,
            "forecasts": [
                {"fact": s.fact, "probability": s.probability, "from": s.origin, "outcome": s.outcome.value}
                for s in self.scored
            ],
        }


@dataclass(frozen=True)
class CalibrationBin:
    """Forecasts whose probability fell in [low, high): how often they came true."""

    low: float
    high: float
    count: int
    mean_probability: float | None
    observed: float | None
    """Mean outcome (partly = 0.5); None for an empty bin."""

    def record(self) -> dict[str, Any]:
        return {
            "low": self.low,
            "high": self.high,
            "count": self.count,
            "mean_probability": self.mean_probability,
            "observed": self.observed,
        }


@dataclass
class ScoreReport:
    """Every predictor's record and the calibration of their scored forecasts together."""

    as_of: dt.date
    predictors: list[PredictorScore]
    calibration: list[CalibrationBin]

    def record(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "predictors": [p.record() for p in self.predictors],
            "calibration": [b.record() for b in self.calibration],
        }


def log_score(p: float, o: float) -> float:
    """o·ln p + (1 − o)·ln(1 − p), with p kept within [LOG_CLIP, 1 − LOG_CLIP]."""
    p = min(max(p, LOG_CLIP), 1 - LOG_CLIP)
    return o * math.log(p) + (1 - o) * math.log(1 - p)


def predictors_of(fact: m.Forecast) -> list[str]:
    """Who a forecast counts for: its named cited origins, else its speakers."""
    cited = [c.by for c in fact.cited if c.by]
    return cited or list(fact.speaker)


def scores(
    kb: KnowledgeBase,
    *,
    as_of: dt.date,
    person: str | list[str] | None = None,
    topic: str | list[str] | None = None,
) -> ScoreReport:
    """Track records on ``as_of`` of every predictor (or those of ``person``) over the
    forecasts (on ``topic``) said by then, counting only the resolutions recorded on or before
    ``as_of`` (as they stood that day). Predictors with the most scored forecasts first, then
    by Brier score, then id."""
    table = table_for(kb)
    wanted = set(kb.resolve_many("entities", person))
    by_id: dict[str, PredictorScore] = {}
    cal: list[tuple[float, float]] = []
    for fact in kb.facts(kind=m.FactKind.forecast, topic=topic):
        assert isinstance(fact, m.Forecast)
        said = kb.said(fact)
        if said is not None and said.start > as_of:
            continue
        who = [p for p in predictors_of(fact) if not wanted or p in wanted]
        if not who:
            continue
        res = resolution_as_of(kb, fact.id, as_of)
        est: Estimate | None = estimate(table, fact) if res is not None else None
        counted = False
        for pid in who:
            ps = by_id.setdefault(pid, PredictorScore(pid, kb.name_of(pid)))
            ps.made += 1
            if res is None:
                interval = horizon_interval(fact.horizon, said)
                end = interval[1] if interval else None
                if end is not None and end < as_of:
                    ps.due += 1
                else:
                    ps.open += 1
                continue
            assert est is not None
            ps.outcomes[res.outcome.value] += 1
            value = VALUE.get(res.outcome)
            ps.scored.append(Scored(fact.id, est.probability, est.origin, res.outcome, value))
            if value is not None and not counted:
                cal.append((est.probability, value))
                counted = True
    rows = sorted(
        by_id.values(),
        key=lambda p: (-len(p._values), p.brier if p.brier is not None else 2.0, p.predictor),
    )
    return ScoreReport(as_of, rows, calibration(cal))


def calibration(pairs: list[tuple[float, float]], bins: int = BINS) -> list[CalibrationBin]:
    """(probability, outcome) pairs binned by probability; 1.0 goes in the last bin."""
    groups: list[list[tuple[float, float]]] = [[] for _ in range(bins)]
    for p, o in pairs:
        groups[min(int(p * bins), bins - 1)].append((p, o))
    out = []
    for i, g in enumerate(groups):
        n = len(g)
        out.append(
            CalibrationBin(
                round(i / bins, 10),
                round((i + 1) / bins, 10),
                n,
                sum(p for p, _ in g) / n if n else None,
                sum(o for _, o in g) / n if n else None,
            )
        )
    return out
