"""The ``aitrends`` command: a thin typer layer over the library.

Each command parses its options, makes one library call, renders the result, and maps
errors to exit codes through :func:`cli_errors`. Commands live in one module per area and
register themselves on the shared ``app`` when imported.
"""

from . import data, drafting, facts, find, integrations, numbers, reference, track  # noqa: F401  (registers the commands)
from ._app import app, cli_errors, main

__all__ = ["app", "cli_errors", "main"]
