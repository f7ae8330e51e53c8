"""``python -m aitrends``: the fast path for common queries, else the full CLI."""

from .fastpath import main

main()
