"""Checking the data: validate, verify."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import ExitCode
from ._app import (
    _err,
    _kb,
    app,
    cli_errors,
)

if TYPE_CHECKING:
    pass


@app.command()
@cli_errors
def validate() -> None:
    """Check every data file: schema, ids, references, numbers against their text.

    Prints one line per problem and exits 1 if there are any; else a summary.

    Example: aitrends validate --data-dir my-data   (global option: aitrends -d my-data validate)
    """
    from collections import Counter

    from ..tables import counted

    kb = _kb()
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
