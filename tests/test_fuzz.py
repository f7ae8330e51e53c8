"""Fuzzing the loader and the quantity parser with hypothesis: no input may crash them.

Arbitrary bytes and text, and YAML-like text built from YAML's own punctuation (to reach deep
into the parser), go through the same steps as a data file: ``decode`` → ``parse`` → model
validation → the loader as a whole. Only our own errors (:class:`YamlError`, problems in a
:class:`DataError`) may come out. The numeric-expression parser and the checks built on it
take any text and must return, never raise.

The run is bounded: ``AITRENDS_FUZZ_EXAMPLES`` examples per target (default 150, which keeps
this file to a few seconds); set it higher for a longer hunt, e.g.
``AITRENDS_FUZZ_EXAMPLES=20000 pytest tests/test_fuzz.py``. Every crash found becomes a
regression test in ``tests/hostile/test_regressions.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aitrends
from aitrends import models as m
from aitrends.errors import Problem
from aitrends.loader import load_dirs, parse_items
from aitrends.quantity import check_quantity, check_rate, cn_number, parse_expression
from aitrends.yamlio import YamlError, decode, parse

EXAMPLES = int(os.environ.get("AITRENDS_FUZZ_EXAMPLES", "150"))
# A deadline catches a hang or a catastrophic regex, not a slow machine: it is generous.
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=2000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# Pieces of YAML syntax, so that random text is often nearly valid YAML.
TOKENS = [
    *"\n\n\n  -:?,[]{}#&*!|>'\"%@`\t\r",
    "- ",
    ": ",
    "  ",
    "---\n",
    "...\n",
    "? ",
    "!!str ",
    "!!int ",
    "!!float ",
    "!!bool ",
    "!!timestamp ",
    "!!null ",
    "!!map ",
    "!!seq ",
    "!!binary ",
    "!!python/object/apply:os.system ",
    "!local ",
    "! ",
    "&a ",
    "*a",
    "<<: ",
    "%YAML 1.1\n",
    "%TAG !e! tag:example.com,2000:\n",
    "facts:\n",
    "  - id: x\n",
    "    kind: claim\n",
    "source: beta-column\n",
    "id",
    "kind",
    "quantity",
    "value",
    "said",
    "2024-05-01",
    "2024-02-30",
    "2024-01-01 10:00:00",
    "1e400",
    "1.0e+400",
    ".nan",
    ".inf",
    "0x1F",
    "0b102",
    "0o17",
    "1:20:30",
    "1_000",
    "~",
    "null",
    "yes",
    "No",
    "\\e",
    "\\x00",
    "\\ud800",
    "\\U0010FFFF",
    "中文",
    "\u2028",
    "\x85",
    "\ufeff",
    "\x1b",
    "\x00",
]
yamlish = st.lists(st.sampled_from(TOKENS) | st.text(max_size=5), max_size=60).map("".join)


# Data shaped like facts, with values of every shape in every field: reaches the validation
# and error-reporting code that random text rarely gets to.
FIELDS = sorted(
    {
        name
        for cls in (*m.FACT_CLASSES.values(), m.Quantity, m.Rate, m.Horizon, m.Person)
        for name in cls.model_fields
    }
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(["claim", "forecast", "quote", "figure", "ann", "2024", "2024-05-01", "unknown", ""])
    | st.text(max_size=10)
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(FIELDS), inner, max_size=5),
    max_leaves=15,
)
fact_like = st.dictionaries(st.sampled_from(FIELDS), values, max_size=12)


def parse_and_validate(text: str) -> None:
    """What the loader does with a file's text, short of reading it: our errors only."""
    try:
        doc = parse(text)
    except YamlError as e:
        assert e.message and "\n" not in e.message
        return
    if isinstance(doc.data, dict):
        problems: list[Problem] = []
        parse_items(doc, "facts", None, "x.yaml", problems)
        parse_items(doc, "people", m.Person, "x.yaml", problems)
        parse_items(doc, "resolutions", m.Resolution, "x.yaml", problems)
        assert all("\n" not in p.message for p in problems)


class TestLoaderFuzz:
    """decode, parse and validation never crash."""

    @FUZZ
    @given(st.binary(max_size=300))
    def test_bytes(self, raw):
        try:
            text = decode(raw)
        except YamlError:
            return
        parse_and_validate(text)

    @FUZZ
    @given(st.text(max_size=300))
    def test_text(self, text):
        parse_and_validate(text)

    @FUZZ
    @given(yamlish)
    def test_yamlish(self, text):
        parse_and_validate(text)

    @FUZZ
    @given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200), st.booleans())
    def test_unicode_and_surrogates(self, text, surrogate):
        # str input may hold lone surrogates that no file could (the C parser cannot encode them)
        parse_and_validate(text + ("\udc80" if surrogate else ""))


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("fuzz")
    (d / "facts").mkdir()
    return d


class TestShapedFuzz:
    """Fact-shaped data with values of every shape: validation reports, never crashes."""

    @FUZZ
    @given(st.lists(fact_like | values, max_size=3), st.sampled_from(["facts", "people", "resolutions"]))
    def test_items(self, items, section):
        parse_and_validate(yaml.safe_dump({section: items}, allow_unicode=True))


class TestWholeLoaderFuzz:
    """A fuzzed file in a data directory gives problems (or loads), never anything else."""

    @FUZZ
    @given(yamlish | st.binary(max_size=200).map(lambda b: b.decode("latin-1")))
    def test_fact_file(self, fuzz_dir, text):
        (fuzz_dir / "facts" / "fuzz.yaml").write_bytes(text.encode("utf-8", "surrogatepass"))
        raw = load_dirs([fuzz_dir])
        assert all(isinstance(p, Problem) and "\n" not in p.message for p in raw.problems)
        try:
            aitrends.KnowledgeBase.from_raw(raw)
        except aitrends.DataError as e:
            assert e.problems


class TestQuantityFuzz:
    """The numeric-expression parser and the checks built on it take any text."""

    numberish = st.lists(
        st.sampled_from(
            [
                *"0123456789.,-–~%$¥ ",
                *"零〇一二两三四五六七八九十百千万萬亿億半数數上",
                "约",
                "超过",
                "不到",
                "more than",
                "about",
                "billion",
                "million",
                "k",
                "美元",
                "人民币",
                "个月",
                "年",
                "倍",
                "每",
                "every",
                "times",
                "halves",
                "翻一番",
                "%",
            ]
        )
        | st.text(max_size=3),
        max_size=30,
    ).map("".join)

    @FUZZ
    @given(numberish | st.text(max_size=200))
    def test_parse_expression(self, text):
        parsed = parse_expression(text)
        assert all(isinstance(v, float) for v in parsed.values)
        assert isinstance(cn_number(text), float | list | type(None))

    @FUZZ
    @given(
        numberish,
        st.floats(allow_nan=False, allow_infinity=False) | st.integers(-(10**30), 10**30),
        st.sampled_from(list(m.Bound)),
        st.sampled_from(["USD", "CNY", "percent", "months", "years", "count"]),
    )
    def test_check_quantity(self, stated, value, bound, unit):
        fields = {"low": value, "high": value} if bound is m.Bound.range else {"value": value}
        try:
            q = m.Quantity(unit=unit, bound=bound, stated=stated or "x", **fields)
        except ValueError:
            return
        assert isinstance(check_quantity(q), str | type(None))

    @FUZZ
    @given(
        numberish,
        st.floats(min_value=1.0001, max_value=1e6),
        st.floats(min_value=0.001, max_value=1e4),
        st.sampled_from(list(m.PeriodUnit)),
        st.sampled_from(list(m.Direction)),
    )
    def test_check_rate(self, stated, factor, period, unit, direction):
        try:
            rate = m.Rate(
                direction=direction, factor=factor, period=period, period_unit=unit, stated=stated or "x"
            )
        except ValueError:  # the model refuses it (a rate too fast for a float)
            return
        assert isinstance(check_rate(rate), str | type(None))
