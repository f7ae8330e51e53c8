"""Writing files safely: through a temporary file in the same directory and an atomic rename.

A crash or an error midway leaves the old file (or no file) in place, never half a file. A
hard crash (the process killed between creating and renaming the temporary file) can leave
that temporary file behind, as ``.NAME.XXXXXXXX.tmp`` beside the target.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from .errors import AitrendsError, WriteError


class ExistsError(AitrendsError):
    """The output exists and overwriting was not asked for."""


def _mode_for(path: Path) -> int:
    """Permissions for the new file: those of the file it replaces, else what ``open`` would
    give (0666 less the umask), not the 0600 of a temporary file."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextlib.contextmanager
def atomic_path(path: Path, *, force: bool = False, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path`` atomically.

    Raises :class:`ExistsError` when ``path`` exists and ``force`` is False, or is a
    directory, and :class:`~aitrends.errors.WriteError` when the file cannot be created or
    renamed. On any error the temporary file is removed and ``path`` is untouched.
    """
    path = Path(path)
    if path.is_dir():
        raise ExistsError(f"{path} is a directory")
    if path.exists() and not force:
        raise ExistsError(f"{path} exists; use --force to overwrite it")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix + ".tmp", dir=path.parent)
        os.close(fd)
    except FileExistsError as e:  # mkdir met a file where a directory should be
        raise WriteError(f"cannot write {path}: {e.filename} is not a directory") from None
    except OSError as e:
        raise WriteError(f"cannot write {path}: {e.strerror or e}") from None
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        try:
            os.chmod(tmp_path, _mode_for(path))
            os.replace(tmp_path, path)
        except OSError as e:
            raise WriteError(f"cannot write {path}: {e.strerror or e}") from None
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def atomic_write(path: Path, *, force: bool = False, binary: bool = False) -> Iterator[IO[str] | IO[bytes]]:
    """Open a temporary file for writing that replaces ``path`` when the block succeeds."""
    with atomic_path(path, force=force) as tmp:
        fh: IO[str] | IO[bytes]
        fh = open(tmp, "wb") if binary else open(tmp, "w", encoding="utf-8", newline="\n")
        with fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
