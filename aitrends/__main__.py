"""``python -m aitrends``."""

from .cli import main

main()
