"""Writing files safely: through a temporary file in the same directory and an atomic rename.

A crash or an error midway leaves the old file (or no file) in place, never half a file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from .errors import AitrendsError


class ExistsError(AitrendsError):
    """The output exists and overwriting was not asked for."""


@contextlib.contextmanager
def atomic_path(path: Path, *, force: bool = False, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path`` atomically.

    Raises :class:`ExistsError` when ``path`` exists and ``force`` is False. On any error the
    temporary file is removed and ``path`` is untouched.
    """
    path = Path(path)
    if path.exists() and not force:
        raise ExistsError(f"{path} exists; use --force to overwrite it")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix + ".tmp", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, path)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def atomic_write(path: Path, *, force: bool = False, binary: bool = False) -> Iterator[IO[str] | IO[bytes]]:
    """Open a temporary file for writing that replaces ``path`` when the block succeeds."""
    with atomic_path(path, force=force) as tmp:
        mode = "wb" if binary else "w"
        with open(tmp, mode, **({} if binary else {"encoding": "utf-8", "newline": "\n"})) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
