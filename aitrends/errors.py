"""Errors raised by the library, each with the exit code the CLI maps it to."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes of the ``aitrends`` command."""

    OK = 0
    ERROR = 1
    USAGE = 2
    INTERRUPTED = 130


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in the data, reported as ``file:line: location: message``."""

    file: str
    line: int | None
    location: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.location}: {self.message}" if self.location else f"{where}: {self.message}"


class AitrendsError(Exception):
    """Base class of every error aitrends raises on purpose."""

    exit_code: int = ExitCode.ERROR


class DataError(AitrendsError):
    """The data files have problems; ``problems`` lists every one of them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0, p.location))
        n = len(self.problems)
        super().__init__(f"{n} problem{'s' if n != 1 else ''} in the data")


class NotFoundError(AitrendsError):
    """Nothing of that name or id."""


class AmbiguousError(AitrendsError):
    """A name matches several things equally well."""

    exit_code = ExitCode.USAGE


class UsageError(AitrendsError):
    """An argument is malformed (a bad date, an unknown name given as an option)."""

    exit_code = ExitCode.USAGE


class WriteError(AitrendsError):
    """An output file cannot be written (a missing permission, a full disk...)."""
