"""Nothing lost: generated facts written as YAML or JSON and read back are identical.

Facts are generated with hypothesis over every field, with Chinese and arbitrary Unicode
text (control characters included), edge-case numbers (-0.0, the smallest subnormal, the
largest double) and dates from year 1 to 9999. "Identical" is compared on the JSON form, so
that -0.0 and 0.0, or 1 and 1.0, count as different.
"""

from __future__ import annotations

import json
import os
import unicodedata

import yaml
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from aitrends import models as m
from aitrends.dates import PartialDate
from aitrends.loader import load_dirs
from aitrends.render import to_yaml
from aitrends.yamlio import YamlError, parse

from .conftest import make_base

SETTINGS = settings(
    max_examples=int(os.environ.get("AITRENDS_FUZZ_EXAMPLES", "100")),
    deadline=2000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def is_blank(text: str) -> bool:
    """Only spaces and invisible characters: refused by the models (see test_trial.py)."""
    return all(c.isspace() or unicodedata.category(c) in {"Zs", "Zl", "Zp", "Cc", "Cf"} for c in text)


slugs = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,6}){0,3}", fullmatch=True)
chinese = st.text(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
    | st.sampled_from("，。、：；！？“”「」《》·—…%$¥ 0123456789"),
    min_size=1,
    max_size=30,
).filter(lambda t: not is_blank(t))
tricky = st.sampled_from(
    [
        "null",
        "~",
        "yes",
        "no",
        "on",
        "2024-05-01",
        "1e5",
        "0x1F",
        "0o17",
        "1:20",
        ".inf",
        "- item",
        "? key",
        "key: value",
        "# not a comment",
        "&anchor",
        "*alias",
        "!tag",
        "%directive",
        "@",
        "`",
        "'quoted'",
        '"quoted"',
        " leading space",
        "trailing space ",
        "two\nlines",
        "\ttab",
        "cr\rlf\r\n",
        "\x1b[31mred\x1b[0m",
        "nul\x00byte",
        "bidi\u202eoverride",
        "bom\ufeffinside",
        "nel\x85ls\u2028ps\u2029",
        "emoji 😀 and 𠀀",
        "x" * 300,
    ]
)
texts = chinese | tricky | st.text(min_size=1, max_size=40).filter(lambda t: not is_blank(t))
floats = st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from(
    [0.0, -0.0, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 0.1, 1e16, 68.7e9, 123456789.0]
)


@st.composite
def partial_dates(draw):
    year = draw(st.integers(1, 9999))
    precision = draw(st.sampled_from(["year", "month", "day"]))
    if precision == "year":
        return PartialDate(year)
    month = draw(st.integers(1, 12))
    if precision == "month":
        return PartialDate(year, month)
    return PartialDate(year, month, draw(st.integers(1, 28)))


@st.composite
def quantities(draw):
    bound = draw(st.sampled_from(list(m.Bound)))
    fields = {}
    if bound is m.Bound.range:
        low, high = sorted([draw(floats), draw(floats)])
        fields = {"low": low, "high": high}
    else:
        fields = {"value": draw(floats)}
    return m.Quantity(
        bound=bound,
        unit=draw(texts),
        per=draw(st.none() | texts),
        stated=draw(texts),
        as_of=draw(st.none() | partial_dates()),
        as_of_end=draw(st.none() | partial_dates()),
        **fields,
    )


above_one = st.floats(min_value=1, max_value=1e12, exclude_min=True)
positive = st.floats(min_value=0, max_value=1e6, exclude_min=True)


@st.composite
def rates(draw):
    """Valid rates: ranges in order, and an annual factor a float can hold (models.Rate checks both)."""
    factor = draw(above_one)
    period = draw(positive)
    fields = {
        "direction": draw(st.sampled_from(list(m.Direction))),
        "factor": factor,
        "factor_high": draw(st.none() | st.floats(min_value=factor, max_value=1e12)),
        "period": period,
        "period_high": draw(st.none() | st.floats(min_value=period, max_value=1e6)),
        "period_unit": draw(st.sampled_from(list(m.PeriodUnit))),
        "bound": draw(st.sampled_from(list(m.Bound))),
        "stated": draw(texts),
    }
    try:
        return m.Rate(**fields)
    except ValueError:
        reject()


@st.composite
def horizons(draw):
    kind = draw(st.sampled_from(list(m.HorizonType)))
    fields: dict = {}
    if kind in (m.HorizonType.in_, m.HorizonType.by, m.HorizonType.after):
        fields["date"] = draw(partial_dates())
    elif kind is m.HorizonType.between:
        a, b = sorted([draw(partial_dates()), draw(partial_dates())], key=lambda d: d.start)
        if b.end < a.start:
            a, b = b, a
        fields.update(date=a, end=PartialDate(max(a.year, b.year)))
    elif kind in (m.HorizonType.within, m.HorizonType.next):
        fields.update(amount=draw(st.integers(1, 1000)), unit=draw(st.sampled_from(["year", "month"])))
    return m.Horizon(type=kind, stated=draw(texts), **fields)


@st.composite
def facts(draw):
    kind = draw(st.sampled_from(list(m.FactKind)))
    fields = {
        "id": draw(slugs),
        "kind": kind,
        "source": draw(slugs),
        "speaker": draw(st.lists(slugs, min_size=1, max_size=3)),
        "attribution": draw(st.sampled_from(list(m.Attribution))),
        "cited": draw(
            st.lists(
                st.builds(
                    m.Cited,
                    by=slugs,
                    work=st.none() | texts,
                    date=st.none() | partial_dates(),
                    url=st.none() | texts,
                ),
                max_size=2,
            )
        ),
        "about": draw(st.lists(slugs, max_size=2)),
        "topics": draw(st.lists(slugs, min_size=1, max_size=3)),
        "metric": draw(st.none() | slugs),
        "statement": draw(texts),
        "excerpt": draw(chinese | texts),
        "excerpt_en": draw(texts),
        "excerpt_en_original": draw(st.booleans()),
        "said": draw(st.none() | st.just("unknown") | partial_dates()),
        "hedge": draw(st.none() | chinese),
        "quantity": draw(quantities()) if kind is m.FactKind.figure else draw(st.none() | quantities()),
        "rate": draw(st.none() | rates()),
        "note": draw(st.none() | texts),
        "links": draw(
            st.lists(
                st.builds(m.Link, rel=st.sampled_from(list(m.LinkRel)), fact=slugs, note=st.none() | texts),
                max_size=2,
            )
        ),
    }
    if kind is m.FactKind.forecast:
        fields.update(
            horizon=draw(horizons()),
            criteria=draw(texts),
            condition=draw(st.none() | texts),
            probability=draw(
                st.none()
                | st.tuples(st.floats(0, 1), st.floats(0, 1), texts).map(
                    lambda t: m.Probability(low=min(t[:2]), high=max(t[:2]), stated=t[2])
                )
            ),
        )
    return m.FACT_CLASSES[kind](**fields)


def same(a: m.FactBase, b: m.FactBase) -> bool:
    """Equal models with equal JSON (which tells -0.0 from 0.0 and 1 from 1.0)."""
    dump = json.dumps  # noqa: E731 - a short alias
    return a == b and dump(a.model_dump(mode="json")) == dump(b.model_dump(mode="json"))


def validate(data) -> m.FactBase:
    from pydantic import TypeAdapter

    return TypeAdapter(m.Fact).validate_python(data)


class TestRoundTrip:
    """model → YAML or JSON → model."""

    @SETTINGS
    @given(facts())
    def test_one_fact(self, fact):
        """JSON (as pydantic and as the CLI writes it), YAML with every non-ASCII character
        escaped, and YAML as ``-f yaml`` writes it (UTF-8 unescaped)."""
        assert same(validate(json.loads(fact.model_dump_json())), fact)
        as_cli_prints = json.dumps(fact.model_dump(mode="json"), ensure_ascii=False, indent=2)
        assert same(validate(json.loads(as_cli_prints)), fact)

        escaped = yaml.safe_dump({"facts": [fact.model_dump(mode="json")]}, allow_unicode=False)
        assert same(validate(parse(escaped).data["facts"][0]), fact)

        # PyYAML writes NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR raw when unescaped; the
        # loader refuses them with a clear error rather than read them as line breaks
        text = to_yaml({"facts": [fact.model_dump(mode="json")]})
        try:
            back = validate(parse(text).data["facts"][0])
        except YamlError as e:
            assert any(c in text for c in "\x85\u2028\u2029")
            assert "SEPARATOR character" in e.message or "NEXT LINE character" in e.message
        else:
            assert same(back, fact)

    @settings(SETTINGS, max_examples=max(10, SETTINGS.max_examples // 5))
    @given(st.lists(facts(), min_size=1, max_size=8, unique_by=lambda f: f.id))
    def test_through_the_loader(self, tmp_path_factory, generated):
        """A whole fact file, read by the loader: every fact, in order, identical."""
        d = make_base(tmp_path_factory.mktemp("roundtrip") / "data")
        text = yaml.safe_dump({"facts": [f.model_dump(mode="json") for f in generated]}, allow_unicode=False)
        (d / "facts" / "generated.yaml").write_text(text, encoding="utf-8")
        raw = load_dirs([d])
        assert raw.problems == []
        assert len(raw.facts.items) == len(generated)
        assert all(same(a, b) for a, b in zip(raw.facts.items, generated, strict=True))
