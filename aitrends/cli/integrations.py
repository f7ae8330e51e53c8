"""Where users already work: export, serve, schema, cite, plot."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import UsageError
from ..render import CiteFormat, ExportFormat
from ._app import (
    AsOfOpt,
    ForceOpt,
    PredictorOpt,
    _completer,
    _day,
    _dirs,
    _emit,
    _err,
    _kb,
    _store,
    app,
    cli_errors,
)


@app.command()
@cli_errors
def export(
    path: Annotated[
        str,
        typer.Argument(
            help="Output file (a directory for --to csv); - for standard output (jsonl).", metavar="PATH"
        ),
    ],
    to: Annotated[ExportFormat, typer.Option("--to", help="Format to write.", case_sensitive=False)],
    force: ForceOpt = False,
    as_of: AsOfOpt = None,
) -> None:
    """Export the knowledge base: SQLite (with full-text search), CSV tables, JSON Lines or Parquet.

    csv writes one file per table into PATH (facts, sources, people, organizations, topics,
    metrics and the link tables fact_topics, fact_speakers, fact_cited, fact_about,
    fact_links); jsonl writes one complete fact record a line; parquet writes the facts table.
    Files are written atomically and all or nothing; an existing file is kept unless --force
    is given, and only a regular file is ever replaced (never a link, device or pipe). PATH -
    writes jsonl to standard output.

    Example: aitrends export --to csv exports/   (or: aitrends export --to jsonl - | head)
    """
    import sys

    from ..errors import UsageError
    from ..export import export as run

    if not path.strip():
        raise UsageError(
            "empty export path (give a file, a directory for --to csv, or - for standard output)"
        )
    # from the index, as it is read; the knowledge base is loaded only for what the SQLite
    # export computes from the models (trends, related facts)
    written = run(_store(), to, path, force=force, as_of=_day(as_of), stdout=sys.stdout, models=_kb)
    for p in written:
        _err(f"wrote {p}")


@app.command()
@cli_errors
def serve(
    datasette_args: Annotated[
        list[str] | None,
        typer.Argument(help="More options for datasette serve, after --.", metavar="[-- DATASETTE OPTIONS]"),
    ] = None,
    port: Annotated[int, typer.Option("--port", "-p", min=0, max=65535, help="Port to listen on.")] = 8001,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (0.0.0.0 for every interface).")
    ] = "127.0.0.1",
    open_browser: Annotated[bool, typer.Option("--open", "-o", help="Open it in a web browser.")] = False,
    as_of: AsOfOpt = None,
) -> None:
    """Browse and search the knowledge base in Datasette: facets, fact pages, Chinese search.

    Builds the SQLite export in the cache directory (or reuses it when the data has not
    changed) and serves it with Datasette and the aitrends plugin until Ctrl-C. Search finds
    what aitrends search finds. Needs Datasette (pip install 'aitrends[serve]').

    Example: aitrends serve --port 8001 --open
    """
    import signal
    import subprocess

    from ..serve import datasette_command, require_datasette, serving_export

    require_datasette()
    day = _day(as_of)
    served = serving_export(_store(), dirs=_dirs(), as_of=day, models=_kb)
    _err(f"{'built' if served.built else 'reusing'} {served.database}")
    where = f"http://{host}:{port}/" if port else f"{host} on a free port (Datasette prints it)"
    _err(f"serving {where} (Ctrl-C to stop)")
    cmd = datasette_command(served, host=host, port=port, open_browser=open_browser)
    proc = subprocess.Popen(cmd + (datasette_args or []))
    # Datasette stops with aitrends: Ctrl-C reaches both; a SIGTERM to aitrends is passed on
    previous = signal.signal(signal.SIGTERM, lambda signum, _frame: proc.send_signal(signum))
    try:
        code = proc.wait()
    except KeyboardInterrupt:
        proc.wait()
        raise typer.Exit(130) from None
    finally:
        signal.signal(signal.SIGTERM, previous)
    if code:
        raise typer.Exit(code)


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
    """Write JSON Schemas of the data files (sources, people, organizations, topics, metrics, hedges,
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
    from types import SimpleNamespace

    from ..cite import answer, check

    con = _store()
    check(con, refs)  # an unknown id: the error with suggestions
    _emit(answer(con, SimpleNamespace(refs=refs, fmt=fmt.value)))


@app.command()
@cli_errors
def plot(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Image file: .png, .svg or .pdf.", dir_okay=False)
    ],
    what: Annotated[
        str | None,
        typer.Argument(metavar="[scores]", help="'scores': the calibration curve of the track records."),
    ] = None,
    topic: Annotated[
        str | None,
        typer.Option("--topic", "-t", help="Topic id, label or alias (for scores: only its forecasts)."),
    ] = None,
    person: PredictorOpt = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="scores: only resolutions recorded on or before this date.", metavar="DATE"
        ),
    ] = None,
    force: ForceOpt = False,
) -> None:
    """Chart a topic: its dated figures on a log scale and its rates as bars, sources in a caption;
    or, with 'scores', the calibration curve of the resolved forecasts (aitrends scores).

    Needs matplotlib (in a clone: pip install '.[plot]'; the error says what works for yours).

    Example: aitrends plot --topic inference-cost --output chart.png
    """
    from ..plot import calibration_figure, image_format, save, topic_figure

    image_format(output)  # a usage error before any work

    if what is not None and what != "scores":
        raise UsageError(f"plot: '{what}' is not something to plot; the choices are a --topic, or scores")
    if what == "scores":
        from ..scores import scores

        day = _day(as_of)
        fig = calibration_figure(scores(_kb(), as_of=day, person=person, topic=topic))
    else:
        if topic is None:
            raise UsageError("plot: give --topic TOPIC, or plot scores")
        if person or as_of:
            raise UsageError("plot: --person and --as-of go with plot scores")
        fig = topic_figure(_kb(), topic)
    _err(f"wrote {save(fig, output, force=force)}")
