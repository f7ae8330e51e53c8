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

    kb = _kb()
    table_for(kb)  # the hedge-word tables (hedges.yaml) of the bundled data and the layers
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
    from ..verify import verify as run

    kb = _kb()
    report = run(kb, articles)
    for miss in report.misses:
        _err(str(miss))
    for sid in report.missing_sources:
        _err(f"source '{sid}': no article in {articles} has its sha256")
    for name in report.unmatched_articles:
        _err(f"note: {name} matches no source")
    if not report.ok:
        _err(
            f"Error: {len(report.misses)} excerpts not found, {len(report.missing_sources)} sources without an article"
        )
        raise typer.Exit(ExitCode.ERROR)
    _err(f"OK: {report.checked} excerpts found verbatim in {len(report.matched_sources)} articles")


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
