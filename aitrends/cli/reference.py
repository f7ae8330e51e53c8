"""Listings of reference data: sources, people, organizations, topics, metrics.

Each command is :func:`aitrends.reference.listing` on the index (the fast path calls the same
function); the columns of their tables live there too."""

from __future__ import annotations

from types import SimpleNamespace

from ..render import Format
from ._app import FormatOpt, JsonOpt, _emit, _store, app, cli_errors


def _listing(command: str, fmt: Format, json_: bool) -> None:
    from ..reference import listing

    _emit(listing(_store(), SimpleNamespace(command=command, fmt=fmt.value, json_=json_)))


@app.command()
@cli_errors
def sources(fmt: FormatOpt = Format.table, json_: JsonOpt = False) -> None:
    """List the sources with their facts counted by kind.

    Example: aitrends sources
    """
    _listing("sources", fmt, json_)


@app.command()
@cli_errors
def people(fmt: FormatOpt = Format.table, json_: JsonOpt = False) -> None:
    """List the people with their roles and how many facts they said or are cited in.

    Example: aitrends people --format csv
    """
    _listing("people", fmt, json_)


@app.command()
@cli_errors
def organizations(fmt: FormatOpt = Format.table, json_: JsonOpt = False) -> None:
    """List the organizations with how many facts they said or are cited in.

    Example: aitrends organizations
    """
    _listing("organizations", fmt, json_)


@app.command()
@cli_errors
def topics(fmt: FormatOpt = Format.table, json_: JsonOpt = False) -> None:
    """List the topic taxonomy with fact counts (a parent counts its children's facts).

    Example: aitrends topics
    """
    _listing("topics", fmt, json_)


@app.command()
@cli_errors
def metrics(fmt: FormatOpt = Format.table, json_: JsonOpt = False) -> None:
    """List the metrics that figures and rates measure.

    Example: aitrends metrics
    """
    _listing("metrics", fmt, json_)
