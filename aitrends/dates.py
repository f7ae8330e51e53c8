"""Dates with a precision: ``2023-12-28`` (day), ``2024-05`` (month), ``2024`` (year).

Articles rarely give exact dates for what they report. A :class:`PartialDate` keeps only
what was stated and turns it into an interval of real dates when one is needed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from enum import StrEnum
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

_PATTERN = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")
PARTIAL_DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"


class Precision(StrEnum):
    """How much of a date is known."""

    day = "day"
    month = "month"
    year = "year"


class PartialDate:
    """A calendar date known to the day, the month or the year.

    Written in YAML as ``2023-12-28``, ``2024-05`` or ``2024``; ordered by the start of
    the interval it covers, then by precision (coarser first).
    """

    __slots__ = ("year", "month", "day")

    def __init__(self, year: int, month: int | None = None, day: int | None = None) -> None:
        if day is not None and month is None:
            raise ValueError("a day needs a month")
        if not 1 <= year <= 9999:
            raise ValueError(f"year {year} out of range")
        if month is not None and not 1 <= month <= 12:
            raise ValueError(f"month {month} out of range")
        if day is not None:
            assert month is not None
            dt.date(year, month, day)  # raises ValueError for 2024-02-30
        self.year = year
        self.month = month
        self.day = day

    @classmethod
    def parse(cls, value: object) -> PartialDate:
        """Read ``2024``, ``"2024-05"``, ``"2024-05-01"`` or a :class:`datetime.date`."""
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, dt.datetime):
            raise ValueError("expected a date, not a date and time")
        if isinstance(value, dt.date):
            return cls(value.year, value.month, value.day)
        if isinstance(value, bool):
            raise ValueError("expected a date like 2024, 2024-05 or 2024-05-01")
        if isinstance(value, int):
            return cls(value)
        if isinstance(value, str):
            m = _PATTERN.match(value.strip())
            if m:
                y, mo, d = m.groups()
                return cls(int(y), int(mo) if mo else None, int(d) if d else None)
        raise ValueError(f"expected a date like 2024, 2024-05 or 2024-05-01, got {value!r}")

    @property
    def precision(self) -> Precision:
        """``day``, ``month`` or ``year``."""
        if self.day is not None:
            return Precision.day
        if self.month is not None:
            return Precision.month
        return Precision.year

    @property
    def start(self) -> dt.date:
        """First day of the interval."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def end(self) -> dt.date:
        """Last day of the interval."""
        if self.day is not None:
            assert self.month is not None
            return dt.date(self.year, self.month, self.day)
        if self.month is not None:
            return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        return dt.date(self.year, 12, 31)

    @property
    def midpoint(self) -> dt.date:
        """The middle of the interval, for computing rates between dated figures."""
        return self.start + (self.end - self.start) / 2

    def __str__(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    def __repr__(self) -> str:
        return f"PartialDate({str(self)!r})"

    def _key(self) -> tuple[dt.date, int]:
        order = {Precision.year: 0, Precision.month: 1, Precision.day: 2}
        return (self.start, order[self.precision])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PartialDate) and str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))

    def __lt__(self, other: PartialDate) -> bool:
        return self._key() < other._key()

    def __le__(self, other: PartialDate) -> bool:
        return self._key() <= other._key()

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls.parse,
            serialization=core_schema.plain_serializer_function_ser_schema(str),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "anyOf": [
                {"type": "string", "pattern": PARTIAL_DATE_PATTERN},
                {"type": "integer", "minimum": 1, "maximum": 9999},
            ],
            "description": "A date known to the day (2024-05-01), month (2024-05) or year (2024).",
        }


def parse_user_date(text: str) -> PartialDate:
    """Parse a date typed on the command line; raises ValueError with a readable message."""
    return PartialDate.parse(text.strip())
