"""Checking the data: validate, verify, lint."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import ExitCode
from ..render import Column, Format
from ._app import (
    FormatOpt,
    JsonOpt,
    _err,
    _kb,
    _output,
    _stdout,
    app,
    cli_errors,
)


@app.command()
@cli_errors
def validate() -> None:
    """Check every data file: schema, ids, references, numbers against their text, hedges.yaml.

    Prints one line per problem and exits 1 if there are any; else a summary.

    Example: aitrends validate --data-dir my-data   (global option: aitrends -d my-data validate)
    """
    from collections import Counter

    from ..hedges import table_for
    from ..tables import counted

    kb = _kb()
    table_for(kb)  # the hedge-word tables (hedges.yaml) of the bundled data and the layers
    kinds = Counter(f.kind.value for f in kb.all_facts)
    by_kind = ", ".join(counted(kinds.get(k, 0), k) for k in ("claim", "forecast", "quote", "figure"))
    _err(
        f"OK: {counted(len(kb.files), 'file')}, {counted(len(kb.sources), 'source')}, "
        f"{counted(len(kb.people), 'person')}, {counted(len(kb.organizations), 'organization')}, "
        f"{counted(len(kb.topics), 'topic')}, {counted(len(kb.metrics), 'metric')}, "
        f"{counted(len(kb.all_facts), 'fact')} ({by_kind}), {counted(len(kb.resolutions), 'resolution')}"
    )


@app.command()
@cli_errors
def verify(
    articles: Annotated[
        Path, typer.Option("--articles", "-a", help="Directory of the article text files.", file_okay=False)
    ],
    layer: Annotated[
        list[str] | None,
        typer.Option(
            "--layer",
            metavar="DIRECTORY",
            help="Check only the sources of this data directory ('bundled' for the bundled data); repeat for more.",
        ),
    ] = None,
    only_given: Annotated[
        bool, typer.Option("--only-given", help="Check only the sources whose article is in --articles.")
    ] = False,
) -> None:
    """Check that every excerpt stands verbatim in its article (after NFKC, ignoring whitespace).

    Articles are matched to sources by the sha256 in sources.yaml. With --layer or
    --only-given, the other sources are skipped, and listed as skipped.

    Example: aitrends -d my-data verify --articles my-articles --layer my-data
    """
    from ..tables import counted
    from ..verify import verify as run

    kb = _kb()
    report = run(kb, articles, layers=layer or (), only_given=only_given)
    for sid, why in report.skipped.items():
        _err(f"note: skipped source '{sid}' ({why})")
    for miss in report.misses:
        _err(str(miss))
    for sid in report.missing_sources:
        _err(f"source '{sid}': no article in {articles} has its sha256")
    for name in report.unmatched_articles:
        _err(f"note: {name} matches no source")
    if not report.ok:
        _err(
            f"Error: {counted(len(report.misses), 'excerpt')} not found, "
            f"{counted(len(report.missing_sources), 'source')} without an article"
        )
        raise typer.Exit(ExitCode.ERROR)
    skipped = f"; {counted(len(report.skipped), 'source')} skipped" if report.skipped else ""
    _err(
        f"OK: {counted(report.checked, 'excerpt')} found verbatim in "
        f"{counted(len(report.matched_sources), 'article')}{skipped}"
    )


LINT_COLUMNS = [
    Column("where", lambda r: f"{r['file']}:{r['line']}" if r["line"] else r["file"], no_wrap=True),
    Column("rule", lambda r: r["rule"], no_wrap=True),
    Column("fact", lambda r: r["fact"], ratio=2),
    Column(
        "reason", lambda r: r["reason"] + (f" [waived: {r['waived']}]" if r.get("waived") else ""), ratio=5
    ),
]


@app.command()
@cli_errors
def lint(
    rule: Annotated[
        list[str] | None, typer.Option("--rule", "-r", help="Only this rule id; repeat for several.")
    ] = None,
    show_waived: Annotated[
        bool, typer.Option("--show-waived", help="Also list the waived warnings, with their reasons.")
    ] = False,
    fmt: FormatOpt = Format.table,
    json_: JsonOpt = False,
) -> None:
    """Warn about data that is valid but probably wrong: a hedge the fact drops, a horizon
    that is not a time, a heading filed as the words of the person it presents...

    One line per warning, as compilers print them (the table format): file:line: rule: fact:
    reason; --format json, csv... give the same as records. A fact waives a rule with
    `waivers: [{rule: ..., reason: ...}]`. Exits 1 if any warning is not waived.
    Rules and waivers: docs/data-format.md.

    Example: aitrends lint --rule hedge-unrecorded
    """
    from ..lint import lint as run

    report = run(_kb(), rules=rule)
    rows = [w.record() for w in report.warnings]
    if show_waived:
        rows += [{**w.record(), "waived": reason} for w, reason in report.waived]
    if fmt is Format.table and not json_:
        for r in rows:
            where = f"{r['file']}:{r['line']}" if r["line"] else r["file"]
            waived = f" [waived: {r['waived']}]" if r.get("waived") else ""
            _stdout(f"{where}: {r['rule']}: {r['fact']}: {r['reason']}{waived}\n")
    else:
        _output(rows, fmt, json_, LINT_COLUMNS)
    summary = f"{len(report.warnings)} warnings, {len(report.waived)} waived"
    if report.warnings:
        _err(f"Error: {summary}")
        raise typer.Exit(ExitCode.ERROR)
    _err(f"OK: {summary}")
