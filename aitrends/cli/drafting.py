"""From a new article to checked facts: add-source, draft."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ._app import ForceOpt, State, _err, _kb, _stdout, app, cli_errors

ArticleArg = Annotated[
    Path, typer.Argument(help="The article's text file (UTF-8).", metavar="ARTICLE", dir_okay=False)
]


@app.command("add-source")
@cli_errors
def add_source(
    article: ArticleArg,
    id_: Annotated[
        str | None, typer.Option("--id", help="Id of the new source (default: from the title).")
    ] = None,
    title: Annotated[
        str | None, typer.Option("--title", help="Title as published (default: the first line).")
    ] = None,
    title_en: Annotated[
        str | None, typer.Option("--title-en", help="English title (default: left for you to write).")
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            help="Kind of article: interview, column, report-summary, speech-write-up, news or other "
            "(default: other).",
        ),
    ] = None,
    outlet: Annotated[
        str | None, typer.Option("--outlet", help="Organization that published it, by id or any name.")
    ] = None,
    date: Annotated[
        str | None, typer.Option("--date", help="Publication date: 2024, 2024-05 or 2024-05-01.")
    ] = None,
    url: Annotated[
        str | None, typer.Option("--url", help="URL, only when the article itself gives one.")
    ] = None,
) -> None:
    """Add an article to your own data directory's sources.yaml (never to the bundled data).

    Records its sha256 (which verify matches articles by), its language (zh-Hans, zh-Hant,
    en, or several for a mixed text), its title (the first line unless --title) and the date
    given, keeping the file's comments and order. What only you can write is left as
    TODO(draft), which validate refuses until filled. An article already known by its sha256
    is reported, not added twice.

    Example: aitrends --data-dir my-data add-source article.txt --outlet wired --date 2024-05
    """
    from ..articles import add_source as run
    from ..articles import user_dir
    from ..loader import resolve_data_dirs

    target = user_dir(resolve_data_dirs(State.data_dirs, bundled=False))
    done = run(
        _kb(),
        article,
        target,
        source_id=id_,
        title=title,
        title_en=title_en,
        kind=kind,
        outlet=outlet,
        date=date,
        url=url,
    )
    if not done.added:
        _err(f"{article.name} is already known as source '{done.existing}' (same sha256); nothing added")
        return
    when = f", date {done.source['published']} ({done.precision.value})" if done.precision else ", no date"
    _err(f"added source '{done.source['id']}' to {done.file}: {done.language}{when}")
    _stdout(str(done.source["id"]))


@app.command()
@cli_errors
def draft(
    article: ArticleArg,
    source: Annotated[
        str | None,
        typer.Option("--source", "-s", help="Source of the article (default: the one with its sha256)."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write the draft to this file (default: standard output)."),
    ] = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Also draft sentences that facts of the source already cover.")
    ] = False,
    force: ForceOpt = False,
) -> None:
    """Propose the facts of an article as a fact file (YAML) for you to confirm.

    Every sentence holding a number, rate, year, forecast cue or a named person's quotation
    becomes a candidate, pre-filled with kind, quantity or rate, horizon, hedge, cited
    origin, speaker and topics. Statements, translations and undecided speakers are left as
    TODO(draft) / todo-draft, which validate refuses until you fill them. Sentences already
    covered by facts of the same source are left out unless --all.

    Example: aitrends --data-dir my-data draft article.txt --out my-article.yaml
    """
    from ..draft import draft_article, draft_yaml, summary, write_draft

    d = draft_article(_kb(), article, source=source, include_covered=all_)
    if out is None:
        _stdout(draft_yaml(d))
        _err(summary(d))
    else:
        write_draft(d, out, force=force)
        _err(f"{summary(d)}; wrote {out}")
