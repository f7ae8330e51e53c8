"""Commands about facts: claims, quote, show."""

from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..render import NO_TIME_STATED, Format
from ..views import FACT_COLUMNS
from ._app import (
    AsOfOpt,
    FormatOpt,
    JsonOpt,
    KindOpt,
    LimitOpt,
    PersonOpt,
    SourceOpt,
    TopicOpt,
    _completer,
    _day,
    _emit,
    _filters,
    _kb,
    _output,
    _record_out,
    _show,
    _store,
    _terminal,
    app,
    cli_errors,
)

if TYPE_CHECKING:
    from ..kb import KnowledgeBase


@app.command()
@cli_errors
def claims(
    topic: TopicOpt = None,
    person: PersonOpt = None,
    source: SourceOpt = None,
    kind: KindOpt = None,
    metric: Annotated[
        list[str] | None,
        typer.Option("--metric", "-m", help="Metric id or name.", autocompletion=_completer("metrics")),
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Said on or after this date (2024, 2024-05, 2024-05-01).")
    ] = None,
    until: Annotated[str | None, typer.Option(help="Said on or before this date.")] = None,
    text: Annotated[list[str] | None, typer.Option("--text", help="Words that must all appear.")] = None,
    limit: LimitOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
    json_: JsonOpt = False,
) -> None:
    """List facts, filtered. With no filter, every fact.

    Filters combine with AND; repeating one option means OR.

    Example: aitrends claims --topic inference-cost --since 2024
    """
    from .. import claims as answers

    params = _filters(
        topic=topic, person=person, source=source, kind=kind, metric=metric, since=since, until=until
    )
    params.update(text=text, limit=limit, fmt=fmt.value, json_=json_)
    _emit(answers.claims(_store(), SimpleNamespace(**params), _day(as_of)))


@app.command()
@cli_errors
def quote(
    person: Annotated[
        str,
        typer.Option(
            "--person",
            "-p",
            help="Person or organization: id, name or alias.",
            autocompletion=_completer("entities"),
        ),
    ],
    topic: TopicOpt = None,
    kind: KindOpt = None,
    limit: LimitOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
    json_: JsonOpt = False,
) -> None:
    """What a person said, verbatim, with the English, the source and the date.

    Lists every fact whose speaker they are, of any kind unless --kind narrows it. A writer's
    headline, lead or summary that presents their view is the outlet's words, not theirs:
    `aitrends person` lists those apart, as what others say they said.

    Example: aitrends quote --person Amodei --kind quote
    """
    from .. import claims as answers

    params = _filters(topic=topic, person=[person], kind=kind)
    params.update(limit=limit, fmt=fmt.value, json_=json_)
    _emit(answers.quote(_store(), SimpleNamespace(**params), _day(as_of)))


@app.command()
@cli_errors
def show(
    fact_id: Annotated[
        str, typer.Argument(metavar="ID", help="Fact id.", autocompletion=_completer("facts"))
    ],
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
    json_: JsonOpt = False,
) -> None:
    """Everything about one fact: all fields, its source, its speaker, its status.

    Example: aitrends show lee-wired-inference-cost-falls-10x-per-year
    """
    from ..records import fact_record
    from ..render import card

    day = _day(as_of)
    kb = _kb()
    fact = kb.get(fact_id)
    rec = fact_record(kb, fact, as_of=day)
    from ..models import Forecast

    if isinstance(fact, Forecast):
        from ..hedges import estimate, table_for

        rec["probability_used"] = estimate(table_for(kb), fact).record()
    if _record_out(rec, fmt, json_):
        return
    if fmt is not Format.table:
        _output([rec], fmt, False, FACT_COLUMNS)
        return
    _show(card(_fact_pairs(kb, rec), title=rec["id"], **_terminal()))


def _fact_pairs(kb: KnowledgeBase, r: dict[str, Any]) -> list[tuple[str, Any]]:
    src = kb.table("sources")[r["source"]]
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
        ("source", f"{src.title} ({src.id}; {kb.name_of(src.outlet)})"),
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
        ("file", str(kb.origin(kb.get(r["id"])))),
    ]
    return pairs


def _probability(r: dict[str, Any]) -> str | None:
    """'0.75, from the hedge word '预计' (Kent's 'probable'; source: own)', or the stated one."""
    used = r.get("probability_used")
    stated = r.get("probability")
    if used is None:
        return f"{stated['low']:g}–{stated['high']:g} ('{stated['stated']}')" if stated else None
    from ..hedges import Estimate

    text = Estimate(**used).describe()
    return f"{text} ('{stated['stated']}')" if stated else text
