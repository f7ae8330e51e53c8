"""Where users already work: export, schema, cite, plot."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..cite import CiteFormat
from ..export import ExportFormat
from ._app import AsOfOpt, _completer, _day, _err, _kb, _stdout, app, cli_errors

ForceOpt = Annotated[bool, typer.Option("--force", help="Overwrite existing files.")]


@app.command()
@cli_errors
def export(
    path: Annotated[Path, typer.Argument(help="Output file (a directory for --to csv).", metavar="PATH")],
    to: Annotated[ExportFormat, typer.Option("--to", help="Format to write.", case_sensitive=False)],
    force: ForceOpt = False,
    as_of: AsOfOpt = None,
) -> None:
    """Export the knowledge base: SQLite (with full-text search), CSV tables, JSON Lines or Parquet.

    csv writes one file per table into PATH (facts, sources, people, organizations, topics,
    metrics and the link tables fact_topics, fact_speakers, fact_cited, fact_about,
    fact_links); jsonl writes one complete fact record a line; parquet writes the facts table.
    Files are written atomically; an existing file is kept unless --force is given.

    Example: aitrends export --to csv exports/
    """
    from ..export import export as run

    written = run(_kb(), to, path, force=force, as_of=_day(as_of))
    for p in written:
        _err(f"wrote {p}")


@app.command()
@cli_errors
def schema(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Directory of the schema files.", file_okay=False)
    ] = Path("schemas"),
    docs: Annotated[
        Path | None, typer.Option("--docs", help="Also write the field reference (Markdown) to this file.")
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 if a file is missing or out of date.")
    ] = False,
) -> None:
    """Write JSON Schemas of the data files (sources, people, organizations, topics, metrics,
    facts), generated from the models, for editors that validate YAML as you type.

    A file is rewritten only when its content changes.

    Example: aitrends schema --output schemas --docs docs/data-format.md
    """
    from ..errors import AitrendsError
    from ..schema import data_format_markdown, stale_schemas, write_schemas

    if check:
        stale = [str(output / name) for name in stale_schemas(output)]
        if docs is not None and (
            not docs.is_file() or docs.read_text(encoding="utf-8") != data_format_markdown()
        ):
            stale.append(str(docs))
        if stale:
            raise AitrendsError(f"out of date: {', '.join(stale)}; run aitrends schema to rewrite")
        _err("schemas are up to date")
        return
    written = write_schemas(output)
    if docs is not None:
        from ..atomic import atomic_path

        text = data_format_markdown()
        if not docs.is_file() or docs.read_text(encoding="utf-8") != text:
            with atomic_path(docs, force=True) as tmp:
                tmp.write_text(text, encoding="utf-8", newline="\n")
            written.append(docs)
    for p in written:
        _err(f"wrote {p}")
    if not written:
        _err("schemas are up to date")


@app.command()
@cli_errors
def cite(
    refs: Annotated[
        list[str],
        typer.Argument(
            help="Source or fact ids.", metavar="SOURCE|FACT...", autocompletion=_completer("refs")
        ),
    ],
    fmt: Annotated[
        CiteFormat, typer.Option("--format", "-f", help="Citation format.", case_sensitive=False)
    ] = CiteFormat.text,
) -> None:
    """Cite a source, or the source of a fact: CSL-JSON (Zotero, pandoc), BibTeX, biblatex or text.

    A fact is cited as its article with the fact's id in the note; one entry per source.

    Example: aitrends cite nbd-etzioni-2023 --format bibtex
    """
    from ..cite import cite as run

    _stdout(run(_kb(), refs, fmt))


@app.command()
@cli_errors
def plot(
    topic: Annotated[str, typer.Option("--topic", "-t", help="Topic id, label or alias.")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Image file: .png, .svg or .pdf.", dir_okay=False)
    ],
    force: ForceOpt = False,
) -> None:
    """Chart a topic: its dated figures on a log scale and its rates as bars, sources in a caption.

    Needs matplotlib (in a clone: pip install '.[plot]'; the error says what works for yours).

    Example: aitrends plot --topic inference-cost --output chart.png
    """
    from ..plot import save, topic_figure

    fig = topic_figure(_kb(), topic)
    _err(f"wrote {save(fig, output, force=force)}")
