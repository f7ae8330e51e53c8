import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aitrends.dates import PartialDate, Precision


class TestPartialDate:
    """Dates known to the day, month or year."""

    @pytest.mark.parametrize(
        ("value", "text", "precision", "start", "end"),
        [
            (2024, "2024", Precision.year, dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
            ("2024-02", "2024-02", Precision.month, dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
            (
                dt.date(2023, 12, 28),
                "2023-12-28",
                Precision.day,
                dt.date(2023, 12, 28),
                dt.date(2023, 12, 28),
            ),
            ("2023-12-28", "2023-12-28", Precision.day, dt.date(2023, 12, 28), dt.date(2023, 12, 28)),
        ],
    )
    def test_parse(self, value, text, precision, start, end):
        d = PartialDate.parse(value)
        assert (str(d), d.precision, d.start, d.end) == (text, precision, start, end)

    @pytest.mark.parametrize("bad", ["2024-13", "2024-02-30", "24", "May 2024", True, 1.5, "", "2024-1"])
    def test_rejects(self, bad):
        with pytest.raises(ValueError):
            PartialDate.parse(bad)

    def test_order_is_by_start_then_precision(self):
        dates = [PartialDate.parse(x) for x in ["2024-05-01", "2024", "2023-12-28", "2024-05"]]
        assert [str(d) for d in sorted(dates)] == ["2023-12-28", "2024", "2024-05", "2024-05-01"]

    @given(st.dates(min_value=dt.date(1, 1, 1)), st.sampled_from(["year", "month", "day"]))
    def test_round_trip(self, day, precision):
        text = {
            "year": f"{day.year:04d}",
            "month": f"{day.year:04d}-{day.month:02d}",
            "day": f"{day.year:04d}-{day.month:02d}-{day.day:02d}",
        }[precision]
        d = PartialDate.parse(text)
        assert str(d) == text
        assert d.start <= day <= d.end if precision != "day" else d.start == day
