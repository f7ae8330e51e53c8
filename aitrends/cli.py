"""The ``aitrends`` command: a thin typer layer over the library.

Each command parses its options, makes one library call, renders the result, and maps
errors to exit codes through :func:`cli_errors`.
"""

from __future__ import annotations


import functools
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from . import __version__
from .errors import AitrendsError, DataError, ExitCode, UsageError
from .render import Column, Format

if TYPE_CHECKING:
    from .kb import KnowledgeBase
    from .models import FactBase

F = TypeVar("F", bound=Callable[..., Any])

app = typer.Typer(
    name="aitrends",
    help="A checked knowledge base of claims about the AI industry: costs, forecasts, quotes, figures.",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class State:
    """Global options, set by the callback."""

    data_dirs: list[Path] = []
    bundled: bool | None = None


# ---------------------------------------------------------------- shared options

FormatOpt = Annotated[
    Format, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Shortcut for --format json.")]
LimitOpt = Annotated[int | None, typer.Option("--limit", "-n", min=1, help="Show at most N results.")]
TopicOpt = Annotated[
    list[str] | None,
    typer.Option("--topic", "-t", help="Topic id, label or alias (includes child topics); repeat for OR."),
]
PersonOpt = Annotated[
    list[str] | None,
    typer.Option("--person", "-p", help="Speaker: person or organization by id, name or alias; repeat for OR."),
]
SourceOpt = Annotated[
    list[str] | None, typer.Option("--source", "-s", help="Source id, title or outlet; repeat for OR.")
]


def _stdout(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _console(stderr: bool = False) -> Any:
    from rich.console import Console

    return Console(stderr=stderr, soft_wrap=False, highlight=False, emoji=False, markup=False)


def _err(message: str) -> None:
    from .render import safe_text

    sys.stderr.write(safe_text(message) + "\n")


def cli_errors(func: F) -> F:
    """Turn library errors into a message on stderr and an exit code, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except DataError as e:
            for p in e.problems:
                _err(str(p))
            _err(f"Error: {e}")
            raise typer.Exit(e.exit_code) from None
        except AitrendsError as e:
            _err(f"Error: {e}")
            raise typer.Exit(e.exit_code) from None

    return wrapper  # type: ignore[return-value]


def _kb() -> KnowledgeBase:
    from .kb import load

    return load(*State.data_dirs, bundled=State.bundled)


def _output(
    records: Sequence[dict[str, Any]],
    fmt: Format,
    json_: bool,
    columns: Sequence[Column],
    *,
    title: str | None = None,
    empty: str = "No results.",
) -> None:
    from .render import render

    if json_:
        fmt = Format.json
    if not records and fmt is Format.table:
        _err(empty)
        return
    out = render(records, fmt, columns, title)
    if isinstance(out, str):
        _stdout(out) if out else None
    else:
        _console().print(out)


def _date(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    from .dates import PartialDate

    try:
        PartialDate.parse(value.strip())
    except ValueError:
        raise UsageError(f"{option}: '{value}' is not a date like 2024, 2024-05 or 2024-05-01") from None
    return value.strip()


# ---------------------------------------------------------------- columns

def _join(values: list[str] | None) -> str:
    return ", ".join(values or [])


FACT_COLUMNS = [
    Column("id", lambda r: r["id"], ratio=2),
    Column("kind", lambda r: r["kind"], no_wrap=True),
    Column("speaker", lambda r: _join(r["speaker_names"]), ratio=1),
    Column("date", lambda r: r["date"] or "?", no_wrap=True),
    Column("statement", lambda r: r["statement"], ratio=5),
]
QUOTE_COLUMNS = [
    Column("date", lambda r: r["date"] or "?", no_wrap=True),
    Column("said (verbatim)", lambda r: r["excerpt"], ratio=4),
    Column("English", lambda r: r["excerpt_en"] + ("" if r["excerpt_en_original"] else " [our translation]"), ratio=4),
    Column("source", lambda r: r["source_title"], ratio=2),
]
SOURCE_COLUMNS = [
    Column("id", lambda r: r["id"], no_wrap=True),
    Column("title", lambda r: r["title"], ratio=3),
    Column("outlet", lambda r: r["outlet_name"], ratio=1),
    Column("date", lambda r: r["published"] or "?", no_wrap=True),
    Column("lang", lambda r: _join(r["language"]), no_wrap=True),
    *(Column(k, (lambda k: lambda r: r["facts"][k])(k), no_wrap=True) for k in ("claim", "forecast", "quote", "figure")),
    Column("total", lambda r: r["facts_total"], no_wrap=True),
]
ENTITY_COLUMNS = [
    Column("id", lambda r: r["id"], no_wrap=True),
    Column("name", lambda r: r["name_en"], ratio=2),
    Column("中文", lambda r: r.get("name_zh_hans") or r.get("name_zh_hant") or "", ratio=1),
    Column("roles", lambda r: "; ".join(x["title"] + (f" ({x['org']})" if x.get("org") else "") for x in r.get("roles", [])), ratio=3),
    Column("said", lambda r: r["facts_total"], no_wrap=True),
    Column("cited", lambda r: r["cited_in"], no_wrap=True),
]
ORG_COLUMNS = [
    Column("id", lambda r: r["id"], no_wrap=True),
    Column("name", lambda r: r["name_en"], ratio=2),
    Column("中文", lambda r: r.get("name_zh_hans") or r.get("name_zh_hant") or "", ratio=1),
    Column("kind", lambda r: r["kind"], no_wrap=True),
    Column("said", lambda r: r["facts_total"], no_wrap=True),
    Column("cited", lambda r: r["cited_in"], no_wrap=True),
]
TOPIC_COLUMNS = [
    Column("id", lambda r: r["id"], no_wrap=True),
    Column("label", lambda r: r["label_en"], ratio=2),
    Column("中文", lambda r: r["label_zh"], ratio=1),
    Column("parent", lambda r: r["parent"] or "", no_wrap=True),
    Column("facts", lambda r: r["facts_total"], no_wrap=True),
]
METRIC_COLUMNS = [
    Column("id", lambda r: r["id"], no_wrap=True),
    Column("label", lambda r: r["label_en"], ratio=3),
    Column("unit", lambda r: r["unit"] or "", no_wrap=True),
    Column("facts", lambda r: r["facts_total"], no_wrap=True),
]


# ---------------------------------------------------------------- app

def _version(value: bool) -> None:
    if value:
        typer.echo(f"aitrends {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    data_dir: Annotated[
        list[Path] | None,
        typer.Option(
            "--data-dir",
            "-d",
            help="Data directory layered over the bundled data; repeat to stack several "
            "(later ones on top). Default: $AITRENDS_DATA.",
            file_okay=False,
        ),
    ] = None,
    no_bundled: Annotated[
        bool, typer.Option("--no-bundled", help="Leave the bundled data out; use only --data-dir.")
    ] = False,
    version: Annotated[
        bool | None, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = None,
) -> None:
    """Query a checked knowledge base of claims about the AI industry.

    Example: aitrends claims --topic inference-cost
    """
    State.data_dirs = list(data_dir or [])
    State.bundled = False if no_bundled else None


@app.command()
@cli_errors
def claims(
    topic: TopicOpt = None,
    person: PersonOpt = None,
    source: SourceOpt = None,
    kind: Annotated[
        list[str] | None, typer.Option("--kind", "-k", help="claim, forecast, quote or figure; repeat for OR.")
    ] = None,
    metric: Annotated[list[str] | None, typer.Option("--metric", "-m", help="Metric id or name.")] = None,
    since: Annotated[str | None, typer.Option(help="Said on or after this date (2024, 2024-05, 2024-05-01).")] = None,
    until: Annotated[str | None, typer.Option(help="Said on or before this date.")] = None,
    text: Annotated[list[str] | None, typer.Option("--text", help="Words that must all appear.")] = None,
    limit: LimitOpt = None,
    fmt: FormatOpt = Format.table,
    json_: JsonOpt = False,
) -> None:
    """List facts, filtered. With no filter, every fact.

    Filters combine with AND; repeating one option means OR.

    Example: aitrends claims --topic inference-cost --since 2024
    """
    from .models import FactKind
    from .records import fact_record

    kinds = []
    for k in kind or []:
        if k not in FactKind._value2member_map_:
            raise UsageError(f"--kind: '{k}' is not one of claim, forecast, quote, figure")
        kinds.append(FactKind(k))
    kb = _kb()
    facts = kb.facts(
        topic=topic, person=person, source=source, kind=kinds or None, metric=metric,
        since=_date(since, "--since"), until=_date(until, "--until"), text=text, limit=limit,
    )
    _output([fact_record(kb, f) for f in facts], fmt, json_, FACT_COLUMNS, empty="No facts match.")


@app.command()
@cli_errors
def quote(
    person: Annotated[str, typer.Option("--person", "-p", help="Person or organization: id, name or alias.")],
    topic: TopicOpt = None,
    limit: LimitOpt = None,
    fmt: FormatOpt = Format.table,
    json_: JsonOpt = False,
) -> None:
    """What a person said, verbatim, with the English, the source and the date.

    Lists every fact whose speaker they are, of any kind.

    Example: aitrends quote --person Amodei
    """
    from .records import fact_record

    kb = _kb()
    who = kb.resolve("entities", person)
    facts = kb.quotes(who, topic=topic)[:limit]
    _output(
        [fact_record(kb, f) for f in facts], fmt, json_, QUOTE_COLUMNS,
        title=kb.name_of(who), empty=f"No facts with speaker '{who}'.",
    )


@app.command()
@cli_errors
def show(
    fact_id: Annotated[str, typer.Argument(metavar="ID", help="Fact id.")],
    fmt: FormatOpt = Format.table,
    json_: JsonOpt = False,
) -> None:
    """Everything about one fact: all fields, its source, its speaker, its status.

    Example: aitrends show lee-wired-inference-cost-falls-10x-per-year
    """
    from .records import fact_record
    from .render import card, to_json, to_yaml

    kb = _kb()
    rec = fact_record(kb, kb.get(fact_id))
    if json_ or fmt is Format.json:
        _stdout(to_json(rec))
        return
    if fmt is Format.yaml:
        _stdout(to_yaml(rec))
        return
    if fmt is not Format.table:
        _output([rec], fmt, False, FACT_COLUMNS)
        return
    _console().print(card(_fact_pairs(kb, rec), title=rec["id"]))


def _fact_pairs(kb: KnowledgeBase, r: dict[str, Any]) -> list[tuple[str, Any]]:
    src = kb.table("sources")[r["source"]]
    pairs: list[tuple[str, Any]] = [
        ("kind", r["kind"]),
        ("statement", r["statement"]),
        ("speaker", ", ".join(f"{n} ({i})" for n, i in zip(r["speaker_names"], r["speaker"], strict=True))),
        ("attribution", r["attribution"]),
        ("cited", "; ".join(f"{n}" + (f", {c['work']}" if c.get("work") else "") for n, c in zip(r["cited_names"], r["cited"], strict=True))),
        ("about", ", ".join(r["about_names"])),
        ("date", f"{r['date']} ({r['date_precision']}, from the {r['date_from']})" if r["date"] else "unknown"),
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
        asof = f", as of {q['as_of']}" + (f" to {q['as_of_end']}" if q.get("as_of_end") else "") if q.get("as_of") else ""
        pairs.append(("quantity", f"{number} {q['unit']}{per} ({q['bound']}; stated '{q['stated']}'{asof})"))
    rate, norm = r.get("rate"), r.get("rate_normalized")
    if rate and norm:
        span = f"{rate['period']:g}" + (f"-{rate['period_high']:g}" if rate.get("period_high") else "")
        key = "halving_months" if "halving_months" in norm else "doubling_months"
        pairs.append((
            "rate",
            f"{rate['direction']} x{rate['factor']:g} per {span} {rate['period_unit']}"
            f"{'' if span == '1' else 's'} ({rate['bound']}; "
            f"stated '{rate['stated']}') = x{norm['annual_factor']:.3g}/year, "
            f"{key.split('_')[0]} every {norm[key]:.3g} months, {norm['percent_per_year']:+.1f}%/year",
        ))
    if r["kind"] == "forecast":
        h = r["horizon"]
        if r["horizon_relative"]:
            deadline = "relative (date said unknown)"
        else:
            deadline = f"{r['horizon_start'] or '…'} to {r['horizon_end'] or 'open-ended'}"
        pairs += [
            ("horizon", f"{h['type']} '{h['stated']}': {deadline}"),
            ("status", f"{r['status']} (as of {r['as_of']})"),
            ("criteria", r["criteria"]),
            ("condition", r.get("condition")),
            ("probability", f"{r['probability']['low']:g}–{r['probability']['high']:g} ('{r['probability']['stated']}')" if r.get("probability") else None),
        ]
        res = r.get("resolution")
        if res:
            pairs.append(("resolution", f"{res['outcome']} on {res['date']}: {res['evidence']}"))
    pairs += [
        ("links", "; ".join(f"{x['rel']} {x['fact']}" for x in r["links"])),
        ("note", r["note"]),
        ("file", str(kb.origin(kb.get(r["id"])))),
    ]
    return pairs


@app.command()
@cli_errors
def sources(fmt: FormatOpt = Format.table, json_: JsonOpt = False) -> None:
    """List the sources with their facts counted by kind.

    Example: aitrends sources
    """
    from .records import source_record

    kb = _kb()
    _output([source_record(kb, s) for s in kb.sources], fmt, json_, SOURCE_COLUMNS)


@app.command()
@cli_errors
def people(fmt: FormatOpt = Format.table, json_: JsonOpt = False) -> None:
    """List the people with their roles and how many facts they said or are cited in.

    Example: aitrends people --format csv
    """
    from .records import entity_record

    kb = _kb()
    _output([entity_record(kb, p) for p in kb.people], fmt, json_, ENTITY_COLUMNS)


@app.command()
@cli_errors
def organizations(fmt: FormatOpt = Format.table, json_: JsonOpt = False) -> None:
    """List the organizations with how many facts they said or are cited in.

    Example: aitrends organizations
    """
    from .records import entity_record

    kb = _kb()
    _output([entity_record(kb, o) for o in kb.organizations], fmt, json_, ORG_COLUMNS)


@app.command()
@cli_errors
def topics(fmt: FormatOpt = Format.table, json_: JsonOpt = False) -> None:
    """List the topic taxonomy with fact counts (a parent counts its children's facts).

    Example: aitrends topics
    """
    from .records import topic_record

    kb = _kb()
    _output([topic_record(kb, t) for t in kb.topics], fmt, json_, TOPIC_COLUMNS)


@app.command()
@cli_errors
def metrics(fmt: FormatOpt = Format.table, json_: JsonOpt = False) -> None:
    """List the metrics that figures and rates measure.

    Example: aitrends metrics
    """
    from .records import metric_record

    kb = _kb()
    _output([metric_record(kb, x) for x in kb.metrics], fmt, json_, METRIC_COLUMNS)


@app.command()
@cli_errors
def validate() -> None:
    """Check every data file: schema, ids, references, numbers against their text.

    Prints one line per problem and exits 1 if there are any; else a summary.

    Example: aitrends validate --data-dir my-data   (global option: aitrends -d my-data validate)
    """
    from collections import Counter

    kb = _kb()
    kinds = Counter(f.kind.value for f in kb.all_facts)
    by_kind = ", ".join(f"{kinds.get(k, 0)} {k}s" for k in ("claim", "forecast", "quote", "figure"))
    _err(
        f"OK: {len(kb.files)} files, {len(kb.sources)} sources, {len(kb.people)} people, "
        f"{len(kb.organizations)} organizations, {len(kb.topics)} topics, {len(kb.metrics)} metrics, "
        f"{len(kb.all_facts)} facts ({by_kind}), {len(kb.resolutions)} resolutions"
    )


@app.command()
@cli_errors
def verify(
    articles: Annotated[
        Path, typer.Option("--articles", "-a", help="Directory of the article text files.", file_okay=False)
    ],
) -> None:
    """Check that every excerpt stands verbatim in its article (after NFKC, ignoring whitespace).

    Articles are matched to sources by the sha256 in sources.yaml.

    Example: aitrends verify --articles ../shared/seeds
    """
    from .verify import verify as run

    kb = _kb()
    report = run(kb, articles)
    for miss in report.misses:
        _err(str(miss))
    for sid in report.missing_sources:
        _err(f"source '{sid}': no article in {articles} has its sha256")
    for name in report.unmatched_articles:
        _err(f"note: {name} matches no source")
    if not report.ok:
        _err(f"Error: {len(report.misses)} excerpts not found, {len(report.missing_sources)} sources without an article")
        raise typer.Exit(ExitCode.ERROR)
    _err(f"OK: {report.checked} excerpts found verbatim in {len(report.matched_sources)} articles")


FORECAST_COLUMNS = [
    Column("id", lambda r: r["id"], ratio=2),
    Column("predicts", lambda r: _join(r["cited_names"] or r["speaker_names"]), ratio=1),
    Column("said", lambda r: r["date"] or "?", no_wrap=True),
    Column("horizon", lambda r: f"{r['horizon']['stated']} → " + (
        "relative" if r["horizon_relative"] else (r["horizon_end"] or "open-ended")), ratio=1),
    Column("status", lambda r: r["status"], no_wrap=True),
    Column("when", lambda r: r["due"], ratio=1),
    Column("statement", lambda r: r["statement"], ratio=4),
]


@app.command()
@cli_errors
def forecasts(
    as_of: Annotated[str | None, typer.Option("--as-of", help="Judge status on this date (default: today).")] = None,
    status: Annotated[
        list[str] | None, typer.Option("--status", help="open, due or resolved; repeat for OR.")
    ] = None,
    person: Annotated[
        list[str] | None, typer.Option("--person", "-p", help="Who predicts: speaker or cited origin.")
    ] = None,
    topic: TopicOpt = None,
    horizon_before: Annotated[str | None, typer.Option(help="Deadline on or before this date.")] = None,
    horizon_after: Annotated[str | None, typer.Option(help="Deadline on or after this date.")] = None,
    due_within: Annotated[int | None, typer.Option(min=0, help="Open forecasts due within N days.")] = None,
    limit: LimitOpt = None,
    fmt: FormatOpt = Format.table,
    json_: JsonOpt = False,
) -> None:
    """The forecast ledger: each prediction's deadline and status (open, due, resolved).

    A forecast is open until its horizon ends, then due until a resolution is recorded.

    Example: aitrends forecasts --status due
    """
    from .forecasts import Status, _as_date, describe_due
    from .records import fact_record

    for st in status or []:
        if st not in Status._value2member_map_:
            raise UsageError(f"--status: '{st}' is not one of open, due, resolved")
    day = _as_date(_date(as_of, "--as-of"))
    kb = _kb()
    found = kb.forecasts(
        as_of=day, status=status, person=person, topic=topic,
        horizon_before=_date(horizon_before, "--horizon-before"),
        horizon_after=_date(horizon_after, "--horizon-after"), due_within=due_within,
    )[:limit]
    records = []
    for f in found:
        r = fact_record(kb, f, as_of=day)
        r["due"] = describe_due(r["days_to_due"], r["status"])
        records.append(r)
    _output(records, fmt, json_, FORECAST_COLUMNS, title=f"Forecasts as of {day}", empty="No forecasts match.")


TREND_COLUMNS = [
    Column("metric", lambda r: r["metric_label"] or "", ratio=2),
    Column("", lambda r: "↓" if r["direction"] == "decline" else "↑", no_wrap=True),
    Column("per year", lambda r: _factor(r), no_wrap=True),
    Column("halving/doubling", lambda r: f"{r['months_to_factor_two']:.3g} months", no_wrap=True),
    Column("% / year", lambda r: f"{r['percent_per_year']:+.1f}%", no_wrap=True),
    Column("stated or computed", lambda r: r["stated"], ratio=4),
    Column("who", lambda r: _join(r["speaker_names"]), ratio=1),
    Column("kind", lambda r: r["origin"], no_wrap=True),
]


def _factor(r: dict[str, Any]) -> str:
    lo, hi = r["annual_factor_low"], r["annual_factor_high"]
    text = f"×{lo:.3g}–{hi:.3g}" if lo != hi else f"×{r['annual_factor']:.3g}"
    return text + ("+" if r["bound"] == "at-least" else "")


@app.command()
@cli_errors
def trends(
    topic: TopicOpt = None,
    metric: Annotated[list[str] | None, typer.Option("--metric", "-m", help="Metric (includes narrower ones).")] = None,
    person: PersonOpt = None,
    repeats: Annotated[bool, typer.Option("--repeats", help="Also show paraphrases and repeats of a rate.")] = False,
    fmt: FormatOpt = Format.table,
    json_: JsonOpt = False,
) -> None:
    """Rates side by side in one unit: annual factor, halving/doubling time, % per year.

    Stated rates ('halves every 18 months') and rates implied by two dated figures on one
    metric ('$0.75 in May 2023, $0.04 in May 2024').

    Example: aitrends trends --topic inference-cost
    """
    kb = _kb()
    rows = [t.record(kb) for t in kb.trends(topic=topic, metric=metric, person=person, repeats=repeats)]
    _output(rows, fmt, json_, TREND_COLUMNS, empty="No rates match.")


CHECK_COLUMNS = [
    Column("check", lambda r: r["check"], ratio=1),
    Column("verdict", lambda r: r["verdict"], ratio=1),
    Column("stated", lambda r: r["stated"], ratio=2),
    Column("computed", lambda r: r["computed"], ratio=1),
    Column("arithmetic", lambda r: r["arithmetic"] + (f" ({r['note']})" if r["note"] else ""), ratio=5),
]


@app.command()
@cli_errors
def check(fmt: FormatOpt = Format.table, json_: JsonOpt = False) -> None:
    """Recompute what the articles compute (CAGRs, ratios, rates against dated figures).

    Each result is consistent, approximately consistent (within 20%) or inconsistent, with
    the arithmetic shown. Inconsistencies in the articles are reported, not errors: the exit
    code is 0.

    Example: aitrends check
    """
    kb = _kb()
    _output([c.record() for c in kb.check()], fmt, json_, CHECK_COLUMNS, empty="Nothing to check.")


def main() -> None:
    """Entry point: run the app; an unexpected error is one line, not a traceback."""
    try:
        app(prog_name="aitrends")
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.exit(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        _quiet_broken_pipe()
    except Exception as e:  # noqa: BLE001 - the last line of defence
        if os.environ.get("AITRENDS_DEBUG"):
            raise
        _err(f"Internal error: {type(e).__name__}: {e}")
        _err("Set AITRENDS_DEBUG=1 for a traceback.")
        sys.exit(ExitCode.ERROR)


def _quiet_broken_pipe() -> None:
    # Python flushes stdout at exit; point it at devnull so that flush cannot fail again.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(ExitCode.OK)



