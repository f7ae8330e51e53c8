"""The numeric-expression parser and rate normalisation."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aitrends import models as m
from aitrends.quantity import check_quantity, check_rate, cn_number, parse_expression, rate_record

B = m.Bound


class TestParse:
    """Chinese and English numeric expressions."""

    @pytest.mark.parametrize(
        ("text", "values", "bound", "currency"),
        [
            ("超过687亿美元", [6.87e10], B.at_least, "USD"),
            ("1180.6亿美元左右", [1.1806e11], B.approx, "USD"),
            ("约3,640PF-days", [3640], B.approx, None),
            ("参数量1.75万亿", [1.75e12], None, None),
            ("10万张", [1e5], None, None),
            ("至少要上万颗", [1e4], B.at_least, None),
            ("十倍", [10], None, None),
            ("一半", [0.5], None, None),
            ("百亿参数", [1e10], None, None),
            ("一万亿", [1e12], None, None),
            ("不会有超过四五个实体", [4, 5], B.at_most, None),
            ("3-4个月", [3, 4], None, None),
            ("2030年至2050年", [2030, 2050], None, None),
            ("10%、20%或30%", [10, 20, 30], None, None),
            ("五到十年", [5, 10], None, None),
            ("more than $100 million", [1e8], B.at_least, "USD"),
            ("north of $3 billion", [3e9], B.at_least, "USD"),
            ("well less than $0.01", [0.01], B.at_most, "USD"),
            ("about $0.04 per query", [0.04], B.approx, "USD"),
            ("100,000 Nvidia H100 GPUs", [1e5, 100], None, None),
            ("遠遠低于 0.01 美元", [0.01], B.at_most, "USD"),
            ("數十億美元", [1e9], B.at_least, "USD"),
            ("超過 1 億美元", [1e8], B.at_least, "USD"),
        ],
    )
    def test_examples(self, text, values, bound, currency):
        p = parse_expression(text)
        assert p.values == pytest.approx(values)
        assert (p.bound, p.currency) == (bound, currency)

    def test_percent_and_time(self):
        assert parse_expression("27.02%").percent
        assert parse_expression("半年").time_unit == "years"
        assert parse_expression("兩個月").time_unit == "months"

    @pytest.mark.parametrize(
        ("text", "value"),
        [
            ("三十", 30),
            ("二十一", 21),
            ("一百零五", 105),
            ("三亿五千万", 3.5e8),
            ("十万", 1e5),
            ("两千", 2000),
            ("万", 1e4),
        ],
    )
    def test_chinese_numerals(self, text, value):
        assert cn_number(text) == value

    @given(st.integers(min_value=1, max_value=99_999_999))
    def test_chinese_numerals_round_trip(self, n):
        assert cn_number(to_chinese(n)) == n

    @given(
        st.decimals(min_value="0.01", max_value="99999", places=2),
        st.sampled_from([("万", 1e4), ("亿", 1e8), ("万亿", 1e12)]),
    )
    def test_arabic_with_chinese_multiplier(self, number, unit):
        text = f"约{number.normalize():f}{unit[0]}美元"
        p = parse_expression(text)
        assert p.values == [pytest.approx(float(number) * unit[1])]
        assert (p.bound, p.currency) == (B.approx, "USD")

    @given(
        st.floats(min_value=0.01, max_value=9999, allow_nan=False).map(lambda x: round(x, 2)),
        st.sampled_from([("million", 1e6), ("billion", 1e9), ("trillion", 1e12)]),
    )
    def test_english_scale_words(self, x, scale):
        p = parse_expression(f"more than ${x:,} {scale[0]}")
        assert p.values == [pytest.approx(x * scale[1])]
        assert p.bound is B.at_least

    @given(st.text(max_size=60))
    def test_never_crashes(self, text):
        p = parse_expression(text)
        assert all(isinstance(v, float) and not math.isnan(v) for v in p.values)


def to_chinese(n: int) -> str:
    digits = "零一二三四五六七八九"

    def below_10k(x: int) -> str:
        out, zero = "", False
        for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d = x // value % 10
            if d:
                out += ("零" if zero and out else "") + digits[d] + unit
                zero = False
            else:
                zero = True
        return out

    high, low = divmod(n, 10000)
    if high:
        return below_10k(high) + "万" + (("零" if low < 1000 and low else "") + below_10k(low) if low else "")
    return below_10k(low)


class TestChecks:
    """validate: a quantity or rate that disagrees with its own text."""

    def q(self, **kw):
        return m.Quantity(**{"unit": "USD", **kw})

    @pytest.mark.parametrize(
        ("kw", "why"),
        [
            ({"value": 6.87e10, "bound": "at-least", "stated": "超过687亿美元"}, None),
            (
                {"value": 6.87e9, "bound": "at-least", "stated": "超过687亿美元"},
                "value 6.87e+09 does not match '超过687亿美元' (which reads as 6.87e+10)",
            ),
            (
                {"value": 6.87e10, "stated": "超过687亿美元"},
                "bound is 'exact' but '超过687亿美元' says at-least",
            ),
            (
                {"value": 6.87e10, "unit": "CNY", "bound": "at-least", "stated": "超过687亿美元"},
                "unit is CNY but '超过687亿美元' is in USD",
            ),
            (
                {"value": 44.4, "unit": "count", "stated": "44.4%"},
                "'44.4%' is a percentage but unit is count",
            ),
            ({"value": 6, "unit": "months", "stated": "半年"}, None),
            ({"low": 5, "high": 10, "unit": "years", "bound": "range", "stated": "五到十年"}, None),
            (
                {"value": 5, "unit": "engineers", "stated": "five engineers"},
                None,
            ),  # words it cannot read are not errors
        ],
    )
    def test_quantity(self, kw, why):
        assert check_quantity(self.q(**kw)) == why

    @pytest.mark.parametrize(
        ("kw", "why"),
        [
            (
                {
                    "direction": "decline",
                    "factor": 2,
                    "period": 18,
                    "period_unit": "month",
                    "stated": "每18个月就下降一半",
                },
                None,
            ),
            (
                {
                    "direction": "decline",
                    "factor": 2,
                    "period": 12,
                    "period_unit": "month",
                    "stated": "每18个月就下降一半",
                },
                "period 12 month does not match '每18个月就下降一半' (18 month)",
            ),
            (
                {
                    "direction": "decline",
                    "factor": 10,
                    "period": 1,
                    "period_unit": "year",
                    "stated": "每年下降十倍",
                },
                None,
            ),
            (
                {
                    "direction": "decline",
                    "factor": 5,
                    "period": 1,
                    "period_unit": "year",
                    "stated": "每年下降十倍",
                },
                "factor 5 does not match '每年下降十倍'",
            ),
            (
                {
                    "direction": "growth",
                    "factor": 2,
                    "period": 3,
                    "period_high": 4,
                    "period_unit": "month",
                    "stated": "每3-4个月翻一番",
                },
                None,
            ),
            (
                {
                    "direction": "growth",
                    "factor": 1.2702,
                    "period": 1,
                    "period_unit": "year",
                    "stated": "复合年均增长率为27.02%",
                },
                None,
            ),
            (
                {
                    "direction": "decline",
                    "factor": 10,
                    "period": 1,
                    "period_unit": "year",
                    "stated": "fallen by a factor of 10 per year",
                },
                None,
            ),
        ],
    )
    def test_rate(self, kw, why):
        assert check_rate(m.Rate(**kw)) == why


class TestNormalise:
    """Rates in one unit."""

    @pytest.mark.parametrize(
        ("kw", "annual", "months", "pct"),
        [
            (
                {"direction": "decline", "factor": 2, "period": 18, "period_unit": "month"},
                1.587401,
                ("halving_months", 18),
                -37.004,
            ),
            (
                {"direction": "decline", "factor": 10, "period": 1, "period_unit": "year"},
                10,
                ("halving_months", 3.612),
                -90,
            ),
            (
                {"direction": "growth", "factor": 2, "period": 3, "period_high": 4, "period_unit": "month"},
                11.313708,
                ("doubling_months", 3.429),
                1031.371,
            ),
        ],
    )
    def test_rate_record(self, kw, annual, months, pct):
        r = rate_record(m.Rate(stated="x", **kw))
        assert r["annual_factor"] == pytest.approx(annual, rel=1e-6)
        assert r[months[0]] == pytest.approx(months[1], rel=1e-3)
        assert r["percent_per_year"] == pytest.approx(pct, rel=1e-4)

    def test_range_bounds(self):
        r = rate_record(
            m.Rate(stated="x", direction="growth", factor=2, period=3, period_high=4, period_unit="month")
        )
        assert (r["annual_factor_low"], r["annual_factor_high"]) == (8, 16)
