"""Configuration, in one place: environment variables, data directories, the cache directory
and the layout of a data directory.

Every other module reads its settings through here, so a name or a rule is written once.
Standard library only (no pathlib, no typing at run time): the fast path imports this module
on every command.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

# ---------------------------------------------------------------- environment variables

ENV_DATA = "AITRENDS_DATA"
"""Data directories layered over the bundled data (``os.pathsep``-separated)."""
ENV_NO_BUNDLED = "AITRENDS_NO_BUNDLED"
"""Set (to anything but ``0``): leave the bundled data out."""
ENV_CACHE_DIR = "AITRENDS_CACHE_DIR"
"""Where the compiled index lives (default ``$XDG_CACHE_HOME/aitrends``)."""
ENV_NO_CACHE = "AITRENDS_NO_CACHE"
"""Set (to anything but ``0``): neither read nor write the compiled index."""
ENV_DEBUG = "AITRENDS_DEBUG"
"""Set: internal errors show a traceback, and the index says why it was not used."""
ENV_TODAY = "AITRENDS_TODAY"
"""``YYYY-MM-DD``: the day every "today" is (see :mod:`aitrends.clock`)."""
ENV_LOCK_TIMEOUT = "AITRENDS_LOCK_TIMEOUT"
"""Seconds a query waits for another process's update of the index (default :data:`LOCK_TIMEOUT`)."""
LOCK_TIMEOUT = 5.0
"""Seconds a query waits for another process's update of the index before it answers from
the YAML files instead."""
ENV_LIMIT_PREFIX = "AITRENDS_MAX_"
"""``AITRENDS_MAX_FILE_SIZE``, ``..._DEPTH``, ``..._VALUES``, ``..._FACTS``: the loader's limits."""
LIMITS = ("FILE_SIZE", "DEPTH", "VALUES", "FACTS")

# ---------------------------------------------------------------- a data directory

REFERENCE_FILES = ("sources.yaml", "people.yaml", "organizations.yaml", "topics.yaml", "metrics.yaml")
"""The reference files of a data directory, in load order."""
FACTS_DIR = "facts"
"""The folder of fact files in a data directory."""
HEDGES_FILE = "hedges.yaml"
"""The probabilities of hedge words (:mod:`aitrends.hedges`), bundled and in any layer."""
OTHER_FILES = (HEDGES_FILE,)
"""Files at the top of a data directory read by their own modules (:mod:`aitrends.hedges`)."""


def limit_env(name: str) -> str:
    """``max_file_size`` → ``AITRENDS_MAX_FILE_SIZE``."""
    return "AITRENDS_" + name.upper()


def _flag(env: Mapping[str, str], name: str) -> bool:
    return env.get(name, "") not in ("", "0")


def caching_disabled(environ: Mapping[str, str] | None = None) -> bool:
    """True when ``$AITRENDS_NO_CACHE`` is set (to anything but ``0``)."""
    return _flag(os.environ if environ is None else environ, ENV_NO_CACHE)


def debug_enabled(environ: Mapping[str, str] | None = None) -> bool:
    """``$AITRENDS_DEBUG`` is set: errors are raised with a traceback, not summarised."""
    return bool((os.environ if environ is None else environ).get(ENV_DEBUG))


def limits_set(environ: Mapping[str, str] | None = None) -> bool:
    """Some ``$AITRENDS_MAX_...`` limit is set."""
    env = os.environ if environ is None else environ
    return any(env.get(ENV_LIMIT_PREFIX + k) for k in LIMITS)


def lock_timeout(environ: Mapping[str, str] | None = None) -> float:
    """``$AITRENDS_LOCK_TIMEOUT`` in seconds (a bad value is ignored), else :data:`LOCK_TIMEOUT`."""
    env = os.environ if environ is None else environ
    try:
        value = float(env.get(ENV_LOCK_TIMEOUT, ""))
    except ValueError:
        return LOCK_TIMEOUT
    return value if value >= 0 else LOCK_TIMEOUT


def cache_dir(environ: Mapping[str, str] | None = None) -> str:
    """``$AITRENDS_CACHE_DIR``, else ``$XDG_CACHE_HOME/aitrends``, else ``~/.cache/aitrends``."""
    env = os.environ if environ is None else environ
    if env.get(ENV_CACHE_DIR):
        return env[ENV_CACHE_DIR]
    xdg = env.get("XDG_CACHE_HOME", "")
    base = xdg if os.path.isabs(xdg) else os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "aitrends")


def bundled_data_dir() -> str:
    """The data shipped with the package (``aitrends/data`` when installed, else ``data/``)."""
    here = os.path.dirname(os.path.realpath(__file__))
    installed = os.path.join(here, "data")
    return installed if os.path.isdir(installed) else os.path.join(os.path.dirname(here), "data")


def data_dirs(
    dirs: Sequence[str | os.PathLike[str]] | None = None,
    *,
    bundled: bool | None = None,
    environ: Mapping[str, str] | None = None,
) -> list[str]:
    """The data directories to load, lowest layer first.

    ``dirs`` (the ``--data-dir`` options) win over ``$AITRENDS_DATA`` (``os.pathsep``-
    separated). Both are layered over the bundled data unless ``bundled`` is False (or
    ``$AITRENDS_NO_BUNDLED`` is set). A directory given twice is loaded once.
    """
    env = os.environ if environ is None else environ
    if bundled is None:
        bundled = not _flag(env, ENV_NO_BUNDLED)
    if dirs:
        chosen = [os.fspath(d) for d in dirs]
    else:
        chosen = [d for d in env.get(ENV_DATA, "").split(os.pathsep) if d.strip()]
    out: list[str] = []
    for d in [*([bundled_data_dir()] if bundled else []), *chosen]:
        if not any(_same(d, o) for o in out):
            out.append(d)
    return out


def _same(a: str, b: str) -> bool:
    try:
        return os.path.realpath(a) == os.path.realpath(b)
    except (OSError, RuntimeError, ValueError):  # a symlink loop; a NUL in the name
        return False
