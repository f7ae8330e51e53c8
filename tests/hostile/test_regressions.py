"""Inputs that once crashed or misled the loader (most found by tests/test_fuzz.py), each
with the exact message it gives now."""

from __future__ import annotations

import pytest

from aitrends.yamlio import YamlError, parse

from .conftest import fact, fact_file, problems, shown


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        # fuzz: a multi-line value echoed in a message made it two lines
        ("!!int ---\n\n-", 1, "cannot read '---\\n-' as int"),
        # explicit tags reach corners of PyYAML's constructors (IndexError, KeyError)
        ('a: !!int ""', 1, "cannot read '' as int"),
        ("a: !!bool maybe", 1, "cannot read 'maybe' as bool"),
        ("a: !!float x", 1, "cannot read 'x' as float"),
        ("a: !!timestamp 2024-13-45", 1, "cannot read '2024-13-45' as timestamp: month must be in 1..12"),
        ("a: !!map x", 1, "tag '!!map' cannot be used on a scalar"),
        ("a: !!seq [1]\nb: !!seq x", 2, "tag '!!seq' cannot be used on a scalar"),
        (
            "a: !!int " + "1:" * 60 + "1",  # sexagesimal: 60 ** 60, computed digit by digit
            1,
            "number '1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1…' is too long (121 characters)",
        ),
        # str input can hold a lone surrogate, which the C parser cannot even encode
        ("a: \udc80", 1, "lone surrogate U+DC80 is not allowed"),
        # PyYAML's own error for a control character spans two lines
        ("a: b\x01c", 1, "control character U+0001 is not allowed (write it as an escape in double quotes)"),
        # a tag on a key is checked like any other
        ("? !!python/name:os.system x\n: 1", 1, "tag '!!python/name:os.system' is not allowed"),
        # merge keys are resolved as a tag ('None' was shown)
        ("a:\n  <<: {b: 1}\n", 2, "merge keys (<<) are not allowed in data files"),
    ],
)
def test_parse(text, line, message):
    with pytest.raises(YamlError) as info:
        parse(text)
    assert (info.value.line, info.value.message) == (line, message)


def test_numbers_read_as_pyyaml_reads_them():
    """The fast path for plain integers agrees with PyYAML (017, octal in YAML 1.1, is refused:
    see test_trial.py)."""
    import yaml

    text = "a: 0\nd: 1234567890123456789\ne: -5\nf: +5\ng: 1_000\nh: 0x1F\ni: 1.5e+3\nj: '7'\n"
    assert parse(text).data == yaml.safe_load(text)


def test_keys_are_strings_as_written():
    """1 and '1', yes and 'yes' are the same key (ints and booleans as keys made pydantic
    say 'Keys should be strings' at a location printed as a list index)."""
    assert parse("1: a\nyes: b\nnull: c\n2024-01-01: d\n").data == {
        "1": "a",
        "yes": "b",
        "null": "c",
        "2024-01-01": "d",
    }
    with pytest.raises(YamlError) as info:
        parse("1: a\n'1': b\n")
    assert (info.value.line, info.value.message) == (2, "duplicate key '1' (first on line 1)")


def test_union_members_not_in_locations(base):
    """A bad 'said' fails both members of its union; one problem, at the field itself (was
    two, at 'said.function-plain[parse()]' and "said.literal['unknown']")."""
    f = base / "facts" / "x.yaml"
    f.write_text(fact_file(fact() + "    said: soon\n"), encoding="utf-8")
    assert problems(base) == [
        f"{shown(f)}:10: facts[0].said: expected a date like 2024, 2024-05 or 2024-05-01, got 'soon'"
    ]


def test_kind_of_any_shape(base):
    """fuzz: a list or a mapping as the kind crashed the loader (TypeError: unhashable)."""
    f = base / "facts" / "x.yaml"
    f.write_text("facts:\n  - {id: a, kind: [claim]}\n  - {id: b, kind: {x: 1}}\n", encoding="utf-8")
    kinds = "kind must be one of claim, forecast, quote, figure, not"
    assert problems(base) == [
        f"{shown(f)}:2: facts[0]: {kinds} ['claim']",
        f"{shown(f)}:3: facts[1]: {kinds} {{'x': 1}}",
    ]


def test_huge_echoed_values_are_cut(base):
    """A value of a megabyte is echoed in 300 characters, not a megabyte (the date validator
    quotes the whole value)."""
    f = base / "facts" / "x.yaml"
    f.write_text(fact_file(fact() + "    said: " + "X" * 1_000_000 + "\n"), encoding="utf-8")
    (found,) = problems(base)
    prefix = "expected a date like 2024, 2024-05 or 2024-05-01, got '"
    assert found == f"{shown(f)}:10: facts[0].said: {prefix}{'X' * (299 - len(prefix))}…"


RATE = "    rate: {direction: growth, factor: 1.0e+300, period: 1, period_unit: day, stated: 快速增长}\n"


def test_rate_too_fast_for_a_float(base):
    """A rate growing 10^300-fold a day overflowed a float when shown ('claims', 'show',
    'trends' and 'check' stopped with an internal OverflowError); it is refused as data."""
    f = base / "facts" / "x.yaml"
    f.write_text(
        fact_file(fact().replace("。", "，快速增长。").replace("    statement:", RATE + "    statement:")),
        encoding="utf-8",
    )
    assert problems(base) == [
        f"{shown(f)}:7: facts[0].rate: rate is too fast to compute: its annual factor exceeds 1e300"
    ]
