"""``show`` and ``forecasts`` answered from the compiled index: the one implementation that
the fast path and the typer commands call.

Each function takes an open index (:func:`aitrends.store.connect`), the command's parameters
(``q``: the typer parameter names as attributes, ``fmt`` a lowercase string) and the day
forecast status is judged on, and returns an :class:`aitrends.output.Answer`, or None when it
cannot answer exactly from the index (a name that is not certain, a value the CLI must
explain, a ``hedges.yaml`` with problems): the CLI then resolves or reports it.

Records are the index's stored ones (:func:`aitrends.records.fact_record`, made when the index
was built), with a forecast's daily fields recomputed for the day
(:func:`aitrends.query.daily_fields`) and its probability (``probability_used``: from its
hedge words, :mod:`aitrends.hedges`) as the index stored it.

On the hot path: no pydantic, PyYAML (except ``--format yaml``, which the fast path leaves to
the CLI), typer, click or rich.
"""

from __future__ import annotations

import json
import os

from . import cache, config, kept
from .output import Answer, json_array, rendered
from .query import (
    STATUSES,
    ForecastSelection,
    daily_fields,
    describe_due,
    describe_estimate,
    interval,
    pick,
    select_forecasts,
)
from .render import NO_TIME_STATED

TYPE_CHECKING = False
if TYPE_CHECKING:
    import datetime as dt
    import sqlite3
    from collections.abc import Iterator, Sequence
    from typing import Any


# ---------------------------------------------------------------- show


def show(con: sqlite3.Connection, q: Any, day: dt.date) -> Answer | None:
    """``aitrends show ID``: every field of one fact, as a card or in a format."""
    row = con.execute(
        "SELECT f.record, f.kind, f.horizon_end, f.resolved, f.file, f.item, t.probability "
        "FROM facts f LEFT JOIN fact_text t ON t.fact = f.id WHERE f.id = ?",
        (q.fact_id,),
    ).fetchone()
    if row is None:
        return None  # not an id exactly as written: the CLI finds it or suggests one
    record, kind, horizon_end, resolved, file, item, probability = row
    rec = json.loads(record)
    if kind == "forecast":
        if probability is None:
            return None  # hedges.yaml has problems: the CLI reports them
        rec.update(daily_fields(horizon_end, resolved, day))
        rec["probability_used"] = json.loads(probability)
    fmt = q.fmt
    if fmt == "json":
        from .render import to_json

        return Answer.text(to_json(rec))
    if fmt == "yaml":
        from .render import to_yaml

        return Answer.text(to_yaml(rec))
    if fmt != "table":
        from .views import FACT_COLUMNS

        return rendered([rec], fmt, FACT_COLUMNS)
    from .render import card

    pairs = fact_pairs(con, rec, origin(con, file, item, q))
    return Answer(table=lambda **terminal: card(pairs, title=rec["id"], **terminal))


def fact_pairs(con: sqlite3.Connection, r: dict[str, Any], file: str) -> list[tuple[str, Any]]:
    """The fields of ``show``'s card, in order, for the record ``r`` of a fact read from
    ``file`` (``path:line``); empty values are left out when drawn."""
    src_title, outlet = con.execute(
        "SELECT title, outlet FROM sources WHERE id = ?", (r["source"],)
    ).fetchone()
    pairs: list[tuple[str, Any]] = [
        ("kind", r["kind"]),
        ("statement", r["statement"]),
        ("speaker", ", ".join(f"{n} ({i})" for n, i in zip(r["speaker_names"], r["speaker"], strict=True))),
        ("attribution", r["attribution"]),
        (
            "cited",
            "; ".join(
                f"{n}" + (f", {c['work']}" if c.get("work") else "")
                for n, c in zip(r["cited_names"], r["cited"], strict=True)
            ),
        ),
        ("about", ", ".join(r["about_names"])),
        (
            "date",
            f"{r['date']} ({r['date_precision']}, from the {r['date_from']})" if r["date"] else "unknown",
        ),
        ("source", f"{src_title} ({r['source']}; {name_of(con, outlet)})"),
        ("topics", ", ".join(r["topics"])),
        ("metric", r["metric_label"]),
        ("excerpt", r["excerpt"]),
        ("English", r["excerpt_en"] + ("" if r["excerpt_en_original"] else "  [our translation]")),
        ("hedge", r["hedge"]),
    ]
    q = r.get("quantity")
    if q:
        number = f"{q['low']:g}–{q['high']:g}" if q["bound"] == "range" else f"{q['value']:g}"
        per = f" per {q['per']}" if q.get("per") else ""
        asof = (
            f", as of {q['as_of']}" + (f" to {q['as_of_end']}" if q.get("as_of_end") else "")
            if q.get("as_of")
            else ""
        )
        pairs.append(("quantity", f"{number} {q['unit']}{per} ({q['bound']}; stated '{q['stated']}'{asof})"))
    rate, norm = r.get("rate"), r.get("rate_normalized")
    if rate and norm:
        span = f"{rate['period']:g}" + (f"-{rate['period_high']:g}" if rate.get("period_high") else "")
        key = "halving_months" if "halving_months" in norm else "doubling_months"
        pairs.append(
            (
                "rate",
                f"{rate['direction']} x{rate['factor']:g} per {span} {rate['period_unit']}"
                f"{'' if span == '1' else 's'} ({rate['bound']}; "
                f"stated '{rate['stated']}') = x{norm['annual_factor']:.3g}/year, "
                f"{key.split('_')[0]} every {norm[key]:.3g} months, {norm['percent_per_year']:+.1f}%/year",
            )
        )
    if r["kind"] == "forecast":
        h = r["horizon"]
        if r["horizon_relative"]:
            deadline = "relative (date said unknown)"
        else:
            deadline = f"{r['horizon_start'] or '…'} to {r['horizon_end'] or 'open-ended'}"
        pairs += [
            (
                "horizon",
                f"{h['type']} "
                + (f"'{h['stated']}'" if h["stated"] else f"({NO_TIME_STATED})")
                + f": {deadline}",
            ),
            ("status", f"{r['status']} (as of {r['as_of']})"),
            ("criteria", r["criteria"]),
            ("condition", r.get("condition")),
            ("probability", _probability(r)),
        ]
        res = r.get("resolution")
        if res:
            extra = "".join(f"; {k} {res[k]}" for k in ("by", "note") if res.get(k))
            pairs.append(("resolution", f"{res['outcome']} on {res['date']}: {res['evidence']}{extra}"))
    pairs += [
        ("links", "; ".join(f"{x['rel']} {x['fact']}" for x in r["links"])),
        ("note", r["note"]),
        ("file", file),
    ]
    return pairs


def _probability(r: dict[str, Any]) -> str | None:
    """'0.75, from the hedge word '预计' (Kent's 'probable'; source: own)', or the stated one."""
    used = r.get("probability_used")
    stated = r.get("probability")
    if used is None:
        return f"{stated['low']:g}–{stated['high']:g} ('{stated['stated']}')" if stated else None
    text = describe_estimate(used)
    return f"{text} ('{stated['stated']}')" if stated else text


def name_of(con: sqlite3.Connection, record_id: str) -> str:
    """The display name of a record, as :meth:`aitrends.KnowledgeBase.name_of` gives it."""
    for sql in (
        "SELECT name_en FROM entities WHERE id = ?",
        "SELECT label_en FROM topics WHERE id = ?",
        "SELECT title_en FROM sources WHERE id = ?",
        "SELECT label_en FROM metrics WHERE id = ?",
    ):
        row = con.execute(sql, (record_id,)).fetchone()
        if row is not None:
            return str(row[0])
    return record_id


def origin(con: sqlite3.Connection, file: str, item: int, q: Any) -> str:
    """``path:line`` of a fact's record, the path as the loader shows it
    (:func:`aitrends.loader.display_path`: relative to the working directory when below it,
    else as the data directory was given)."""
    layer, line = con.execute(
        "SELECT f.layer, i.line FROM files f LEFT JOIN items i "
        "ON i.file = f.path AND i.kind = 'facts' AND i.item = ? WHERE f.path = ?",
        (item, file),
    ).fetchone()
    given = config.data_dirs(q.data_dir or None, bundled=False if q.no_bundled else None)
    path = file
    if 0 <= layer < len(given):
        path = _joined(given[layer], os.path.relpath(file, os.path.realpath(given[layer])))
    try:
        rel = os.path.relpath(path)
    except ValueError:
        rel = path
    shown = path if rel.startswith("..") else rel
    return f"{shown}:{line}" if line else shown


def _joined(directory: str, rel: str) -> str:
    """``directory/rel`` as :class:`pathlib.Path` writes it (no ``.`` parts, no doubled ``/``)."""
    parts = [p for p in os.path.join(directory, rel).split(os.sep) if p not in ("", ".")]
    lead = os.sep if directory.startswith(os.sep) else ""
    return lead + os.sep.join(parts) or "."


# ---------------------------------------------------------------- forecasts


def forecasts(con: sqlite3.Connection, q: Any, day: dt.date) -> Answer | None:
    """``aitrends forecasts``: the ledger, filtered (:func:`aitrends.query.select_forecasts`)."""
    statuses = [pick(s, STATUSES) for s in q.status or []]
    topics: set[str] = set()
    for text in q.topic or []:
        tid = cache.resolve(con, "topics", text)
        if tid is None:
            return None
        topics |= cache.topic_and_descendants(con, tid)
    people = cache.resolve_all(con, "entities", q.person)
    before = interval(q.horizon_before) if q.horizon_before is not None else None
    after = interval(q.horizon_after) if q.horizon_after is not None else None
    due_within, limit = _count(q.due_within), _count(q.limit)
    if (
        None in statuses
        or people is None
        or (q.horizon_before is not None and before is None)
        or (q.horizon_after is not None and after is None)
        or due_within is False
        or limit is False
    ):
        return None  # the CLI explains
    sel = ForecastSelection(
        statuses=[s for s in statuses if s is not None],
        topics=topics,
        people=people,
        before=before[1] if before else None,
        after=after[0] if after else None,
        due_within=due_within,
        limit=limit,
    )
    # Made once a day per question and kept in the index (aitrends.kept): thousands of
    # forecasts, each with its status of the day; a table as drawn for each terminal.
    params = {"fmt": q.fmt, "day": day.isoformat(), **vars(sel)}
    keeping = kept.table if q.fmt == "table" else kept.text
    return keeping(con, "forecasts", params, lambda: _ledger(con, q, sel, day))


def _ledger(con: sqlite3.Connection, q: Any, sel: ForecastSelection, day: dt.date) -> Answer:
    if q.fmt == "json":  # the stored indented JSON, filled in: no encoder for megabytes of it
        found = select_forecasts(con, sel, day, "f.id, f.horizon_end, f.resolved")
        return Answer(json_array(_forecast_items(con, found, day)))
    records = []
    for record, horizon_end, resolved in select_forecasts(
        con, sel, day, "f.record, f.horizon_end, f.resolved"
    ):
        rec = json.loads(record)
        rec.update(daily_fields(horizon_end, resolved, day))
        rec["due"] = describe_due(rec["days_to_due"], rec["status"], rec["resolution"])
        records.append(rec)
    from .views import FORECAST_COLUMNS

    return rendered(
        records, q.fmt, FORECAST_COLUMNS, title=f"Forecasts as of {day}", empty="No forecasts match."
    )


def _forecast_items(con: sqlite3.Connection, found: Sequence[Any], day: dt.date) -> Iterator[str]:
    """Each forecast as an item of the JSON list, read as it is written: its stored indented
    record (``fact_text.pretty``) with the fields of the day and ``due`` (the last key) filled
    in, the bytes ``json.dumps(records, ensure_ascii=False, indent=2)`` gives."""
    for fact_id, horizon_end, resolved in found:
        (text,) = con.execute("SELECT pretty FROM fact_text WHERE fact = ?", (fact_id,)).fetchone()
        daily = daily_fields(horizon_end, resolved, day)
        due = describe_due(daily["days_to_due"], daily["status"], daily["resolution"])
        assert text.endswith("\n  }")
        yield (
            cache.filled(text, daily)[:-4] + ',\n    "due": ' + json.dumps(due, ensure_ascii=False) + "\n  }"
        )


def _count(value: int | str | None) -> int | None | bool:
    """A whole number given as an int or as ASCII digits; None when not given; False when the
    CLI must read it (a sign, another script's digits)."""
    if value is None or isinstance(value, int):
        return value
    return int(value) if value.isascii() and value.isdigit() else False


# ---------------------------------------------------------------- output
