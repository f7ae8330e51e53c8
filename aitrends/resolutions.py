"""Recording how forecasts turned out, in a user's own data layer.

Resolutions never come from the bundled data: the bundled data is what the articles say; an
outcome is the user's judgement, with evidence. :func:`resolve` appends a resolution to the
user's ``facts/resolutions.yaml`` (or to the file of that layer that already resolves the
forecast), keeping the file's comments and order (:mod:`aitrends.yamledit`); ``--replace``
keeps the old resolution as history (``superseded``); :func:`unresolve` removes it.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import models as m
from .dates import PartialDate
from .errors import AitrendsError, UsageError
from .forecasts import Status, resolutions_of, status_of
from .loader import FACTS_DIR, display_path, is_bundled, writable_layer
from .query import standing
from .render import NO_TIME_STATED
from .yamledit import append_item, remove_items, replace_items

if TYPE_CHECKING:
    from .kb import KnowledgeBase

RESOLUTIONS_FILE = "resolutions.yaml"
"""The file in a layer's ``facts/`` that new resolutions go to."""
KEY = "resolutions"


class ResolveError(AitrendsError):
    """A resolution cannot be recorded or removed (not due, already resolved, bundled data)."""


@dataclass(frozen=True)
class Resolved:
    """What :func:`resolve` or :func:`unresolve` did."""

    fact: str
    path: Path
    """The file written."""
    resolution: m.Resolution | None
    """The resolution recorded (None for unresolve)."""
    previous: m.Resolution | None = None
    """The resolution it replaced or removed, if any."""


def user_layer(dirs: list[Path]) -> Path:
    """The layer resolutions are written to (:func:`aitrends.loader.writable_layer`: the first
    directory given). Raises :class:`UsageError` when there is none, :class:`ResolveError`
    when it is the bundled data."""
    top = writable_layer(dirs)
    if top is None:
        raise UsageError(
            "resolutions go into your own data layer: give --data-dir DIRECTORY (or set AITRENDS_DATA)"
        )
    if is_bundled(top):
        raise ResolveError(
            f"{display_path(top)} is the bundled data, which holds what the articles say; "
            "record resolutions in your own data layer (--data-dir DIRECTORY)"
        )
    return top


def resolve(
    kb: KnowledgeBase,
    fact_id: str,
    outcome: m.Outcome | str,
    *,
    evidence: str,
    layer: Path,
    as_of: dt.date,
    on: str | PartialDate | None = None,
    note: str | None = None,
    by: str | None = None,
    early: bool = False,
    replace: bool = False,
) -> Resolved:
    """Record that forecast ``fact_id`` turned out ``outcome`` (on ``on``, default ``as_of``),
    in data directory ``layer``, on ``as_of`` (the day it is recorded).

    Refuses (:class:`ResolveError`) a fact that is not a forecast, a forecast not yet due on
    ``as_of`` unless ``early``, a forecast already resolved unless ``replace`` (which marks
    the old resolution ``superseded`` when it is in ``layer``, and otherwise lays the new one
    over it), a date after ``as_of``, and a bundled-data ``layer``.
    """
    layer = user_layer([layer])
    fact = kb.get(fact_id)
    if not isinstance(fact, m.Forecast):
        raise ResolveError(f"'{fact.id}' is a {fact.kind.value}, not a forecast")
    try:
        outcome = m.Outcome(str(outcome).lower())
    except ValueError:
        choices = ", ".join(o.value for o in m.Outcome)
        raise UsageError(f"--outcome: '{outcome}' is not one of {choices}") from None
    date = (
        on
        if isinstance(on, PartialDate)
        else PartialDate.parse(on)
        if on
        else PartialDate.parse(as_of.isoformat())
    )
    if date.start > as_of:
        raise ResolveError(f"--on {date} is after the day it is recorded ({as_of})")
    current = kb.resolutions.get(fact.id)
    if current is not None and not replace:
        raise ResolveError(
            f"'{fact.id}' is already resolved ({current.outcome.value} on {current.date}, "
            f"in {kb.resolution_origin[fact.id].file}); use --replace to replace it (the old one is kept as history)"
        )
    if current is None and not early and status_of(kb, fact, as_of) is not Status.due:
        raise ResolveError(
            f"'{fact.id}' is not due yet on {as_of} (its horizon: {fact.horizon.stated or NO_TIME_STATED}); "
            "use --early if what it predicts has already happened"
        )
    if not evidence.strip():
        raise UsageError("--evidence: say what shows the outcome (a URL or a sentence)")
    res = m.Resolution(
        fact=fact.id,
        outcome=outcome,
        date=date,
        evidence=evidence.strip(),
        by=by,
        note=note,
        recorded=PartialDate.parse(as_of.isoformat()),
    )
    path = layer / FACTS_DIR / RESOLUTIONS_FILE
    if current is not None:
        where = _file_in_layer(kb, fact.id, layer)
        if where is not None:
            path = where
            replace_items(
                path,
                KEY,
                lambda item: _is_current(item, fact.id),
                lambda old: {**old, "superseded": as_of},
            )
    append_item(path, KEY, _item(res))
    return Resolved(fact.id, path, res, current)


def unresolve(kb: KnowledgeBase, fact_id: str, *, layer: Path) -> Resolved:
    """Remove the current resolution of ``fact_id`` from data directory ``layer`` (its history,
    the ``superseded`` ones, stays). Refuses one that is in another layer or in the bundled data."""
    layer = user_layer([layer])
    fact = kb.get(fact_id)
    current = kb.resolutions.get(fact.id)
    if current is None:
        raise ResolveError(f"'{fact.id}' has no resolution to remove")
    origin = kb.resolution_origin[fact.id]
    if is_bundled(Path(origin.file)):
        raise ResolveError(
            f"the resolution of '{fact.id}' is in the bundled data ({origin.file}); it cannot be removed"
        )
    path = _file_in_layer(kb, fact.id, layer)
    if path is None:
        raise ResolveError(
            f"the resolution of '{fact.id}' is in {kb.resolution_origin[fact.id].file}, "
            f"not in {display_path(layer)}; it is removed from the layer it is in"
        )
    removed = remove_items(path, KEY, lambda item: _is_current(item, fact.id))
    if not removed:  # pragma: no cover - the file changed since it was loaded
        raise ResolveError(f"{display_path(path)} no longer holds a resolution of '{fact.id}'")
    return Resolved(fact.id, path, None, current)


def _file_in_layer(kb: KnowledgeBase, fact_id: str, layer: Path) -> Path | None:
    """The file of ``layer`` that holds the current resolution of ``fact_id``, if it is there."""
    origin = kb.resolution_origin.get(fact_id)
    if origin is None:
        return None
    path = Path(origin.file)
    try:
        inside = Path(os.path.abspath(path)).resolve().is_relative_to(layer.resolve())
    except (OSError, RuntimeError):  # pragma: no cover
        return None
    return path if inside and not is_bundled(path) else None


def _is_current(item: Any, fact_id: str) -> bool:
    return str(item.get("fact")) == fact_id and item.get("superseded") is None


def _item(res: m.Resolution) -> dict[str, Any]:
    """The resolution as a YAML mapping, fields in the model's order, dates unquoted."""
    out: dict[str, Any] = {}
    for name, value in res.model_dump(mode="json", exclude_none=True).items():
        if name in ("date", "recorded", "superseded"):
            d = PartialDate.parse(str(value))
            out[name] = d.start if d.precision.value == "day" else str(d)
        else:
            out[name] = value
    return out


# --------------------------------------------------------------------------- as of a date


def resolution_as_of(kb: KnowledgeBase, fact_id: str, as_of: dt.date | None) -> m.Resolution | None:
    """The resolution of ``fact_id`` as it stood on ``as_of``: the latest one recorded on or
    before that day and not yet superseded then (``None`` for as of now: the current one).
    The rule is :func:`aitrends.query.standing`, which every ``--as-of`` follows."""
    if as_of is None:
        return kb.resolutions.get(fact_id)
    candidates = resolutions_of(kb, fact_id)
    i = standing([r.model_dump(mode="json") for r in candidates], as_of)
    return None if i is None else candidates[i]
