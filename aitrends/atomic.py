"""Writing files safely: through a temporary file in the same directory and an atomic rename.

A crash or an error midway leaves the old file (or no file) in place, never half a file. A
hard crash (the process killed between creating and renaming the temporary file) can leave
that temporary file behind, as ``.NAME.XXXXXXXX.tmp`` beside the target.

Only a regular file is ever replaced (:func:`check_target`): a directory, a symbolic link
(dangling or not), a device, a FIFO or a socket in the way is refused, never turned into a
regular file. :func:`atomic_paths` writes several files all or nothing.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import stat
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

from .errors import AitrendsError, WriteError


class ExistsError(AitrendsError):
    """The output exists and overwriting was not asked for."""


_KINDS = {
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFSOCK: "a socket",
}


def check_target(path: Path, *, force: bool = False) -> None:
    """Refuse to write ``path`` unless it is absent, or a regular file and ``force`` is given.

    Raises :class:`ExistsError` for an existing file without ``force``, a directory, a
    symbolic link (dangling or not: the link would be replaced, not written through), a device,
    a FIFO or a socket; :class:`~aitrends.errors.WriteError` when ``path`` cannot be looked at.
    """
    try:
        mode = os.lstat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):  # (the second: reported when writing)
        return
    except OSError as e:
        raise WriteError(f"cannot write {path}: {e.strerror or e}") from None
    if stat.S_ISDIR(mode):
        raise ExistsError(f"{path} is a directory")
    if stat.S_ISLNK(mode):
        what = "a symbolic link" if os.path.exists(path) else "a dangling symbolic link"
        raise ExistsError(f"{path} is {what}; only a regular file is replaced (name the file it points to)")
    if not stat.S_ISREG(mode):
        what = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
        raise ExistsError(f"{path} is {what}; only a regular file is replaced")
    if not force:
        raise ExistsError(f"{path} exists; use --force to overwrite it")


def is_stream(path: Path) -> bool:
    """Whether ``path`` is (or links to) a character device or a FIFO: a target a stream can be
    written into (``/dev/stdout``, ``/dev/null``, a named pipe) rather than replaced."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Ctrl-C and SIGTERM arriving during the block take effect when it ends (POSIX), so that a
    temporary file is never created without its name being kept, nor a set of renames cut."""
    import signal

    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - not POSIX
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _temp_beside(path: Path, suffix: str = "", into: list[Path] | None = None) -> Path:
    """A new empty temporary file beside ``path`` (appended to ``into`` before any signal can
    interrupt)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with _signals_deferred():
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix + ".tmp", dir=path.parent)
            os.close(fd)
            if into is not None:
                into.append(Path(tmp))
    except FileExistsError as e:  # mkdir met a file where a directory should be
        raise WriteError(f"cannot write {path}: {e.filename} is not a directory") from None
    except OSError as e:
        raise WriteError(f"cannot write {path}: {e.strerror or e}") from None
    return Path(tmp)


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

    Raises :class:`ExistsError` when ``path`` exists and ``force`` is False, or is anything
    but a regular file (:func:`check_target`), and :class:`~aitrends.errors.WriteError` when
    the file cannot be created or renamed. On any error the temporary file is removed and
    ``path`` is untouched.
    """
    path = Path(path)
    check_target(path, force=force)
    made: list[Path] = []
    try:
        tmp_path = _temp_beside(path, suffix, into=made)
        yield tmp_path
        try:
            os.chmod(tmp_path, _mode_for(path))
            os.replace(tmp_path, path)
        except OSError as e:
            raise WriteError(f"cannot write {path}: {e.strerror or e}") from None
    except BaseException:
        for t in made:
            t.unlink(missing_ok=True)
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


@contextlib.contextmanager
def atomic_paths(paths: Sequence[Path], *, force: bool = False) -> Iterator[list[Path]]:
    """Yield a temporary path beside each of ``paths``; when the block succeeds they replace
    them all, or none.

    Every target is checked (:func:`check_target`) before anything is written. On an error or
    an interrupt while writing, the temporary files are removed; during the renames, the
    targets already replaced get their old content back (from a hard link kept until the end),
    so the old set of files stays whole.
    """
    paths = [Path(p) for p in paths]
    for p in paths:
        check_target(p, force=force)
    temps: list[Path] = []
    try:
        for p in paths:
            _temp_beside(p, into=temps)
        yield list(temps)
        with _signals_deferred():
            _replace_all(temps, paths)
    except BaseException:
        for t in temps:
            t.unlink(missing_ok=True)
        raise


def replace_together(sources: Sequence[Path], targets: Sequence[Path], *, force: bool = False) -> None:
    """Rename each finished file of ``sources`` over its target (on the same file system), all
    or none, as :func:`atomic_paths` does; the sources are removed whatever happens."""
    sources, targets = [Path(p) for p in sources], [Path(p) for p in targets]
    try:
        for t in targets:
            check_target(t, force=force)
        with _signals_deferred():
            _replace_all(sources, targets)
    finally:
        for p in sources:
            p.unlink(missing_ok=True)


def _replace_all(temps: list[Path], paths: list[Path]) -> None:
    done: list[tuple[Path, Path | None]] = []  # (target, the old file's backup or None)
    try:
        for tmp, path in zip(temps, paths, strict=True):
            os.chmod(tmp, _mode_for(path))
        for tmp, path in zip(temps, paths, strict=True):
            backup = None
            if path.exists():
                backup = path.with_name(f".{path.name}.{secrets.token_hex(4)}.old")
                try:
                    os.link(path, backup)
                except OSError:  # a file system without hard links
                    shutil.copy2(path, backup)
            done.append((path, backup))
            os.replace(tmp, path)
    except BaseException as e:
        for path, backup in reversed(done):
            with contextlib.suppress(OSError):
                if backup is None:
                    path.unlink(missing_ok=True)
                else:  # (a rename onto another link of the same file does nothing)
                    os.replace(backup, path)
                    backup.unlink(missing_ok=True)
        if isinstance(e, OSError):
            raise WriteError(f"cannot write {path}: {e.strerror or e}") from None
        raise
    for _, backup in done:
        if backup is not None:
            backup.unlink(missing_ok=True)
