"""Duplicate ids across files and across layered data directories (the rule in docs/security.md).

Within one data directory an id is defined once. A directory layered above may replace a
record of a lower one only by saying so (``override: true``); anything else is an error that
names both places, so that no record is ever silently replaced or dropped.
"""

from __future__ import annotations

import pytest

import aitrends

from .conftest import fact, fact_file, make_base, problems, shown

PERSON = "people:\n  - {id: ann, name_en: Ann Other}\n"
PERSON_OVERRIDE = "people:\n  - {id: ann, name_en: Ann Other, override: true}\n"


@pytest.fixture
def lower(tmp_path):
    """A complete data directory holding the fact 'things-change'."""
    d = make_base(tmp_path / "lower")
    (d / "facts" / "a.yaml").write_text(fact_file(), encoding="utf-8")
    return d


@pytest.fixture
def upper(tmp_path):
    """An empty data directory to layer over ``lower``."""
    d = tmp_path / "upper"
    (d / "facts").mkdir(parents=True)
    return d


def load(*dirs):
    return aitrends.load(*dirs, bundled=False)


def layered_problems(*dirs):
    with pytest.raises(aitrends.DataError) as info:
        load(*dirs)
    return [str(p) for p in info.value.problems]


class TestOneLayer:
    """Within one data directory an id is defined once, override or not."""

    def test_same_id_in_two_files(self, lower):
        b = lower / "facts" / "b.yaml"
        b.write_text(fact_file(fact(statement="Ann says it again.")), encoding="utf-8")
        assert problems(lower) == [
            f"{shown(b)}:3: facts[0].id: duplicate id 'things-change' (also at {shown(lower / 'facts' / 'a.yaml')}:3)"
        ]

    def test_override_does_not_help_within_a_layer(self, lower):
        b = lower / "facts" / "b.yaml"
        b.write_text(fact_file(fact() + "    override: true\n"), encoding="utf-8")
        assert problems(lower) == [
            f"{shown(b)}:3: facts[0].id: duplicate id 'things-change' (also at {shown(lower / 'facts' / 'a.yaml')}:3)"
        ]

    def test_person_and_organization_share_ids(self, lower):
        """People and organizations are both speakers: one id names one of them."""
        orgs = lower / "organizations.yaml"
        orgs.write_text(
            "organizations:\n  - {id: outlet, name_en: Example Outlet, kind: media}\n"
            "  - {id: ann, name_en: Ann Inc, kind: company}\n",
            encoding="utf-8",
        )
        assert problems(lower) == [
            f"{shown(orgs)}:3: organizations[1].id: duplicate id 'ann' (also at {shown(lower / 'people.yaml')}:2)"
        ]


class TestLayers:
    """A higher layer replaces a record only with override: true."""

    def test_repeated_id_without_override(self, lower, upper):
        f = upper / "facts" / "mine.yaml"
        f.write_text(fact_file(fact(statement="Mine.")), encoding="utf-8")
        assert layered_problems(lower, upper) == [
            f"{shown(f)}:3: facts[0].id: duplicate id 'things-change' (also at "
            f"{shown(lower / 'facts' / 'a.yaml')}:3); set 'override: true' to replace it from a higher layer"
        ]

    def test_override_replaces(self, lower, upper):
        (upper / "facts" / "mine.yaml").write_text(
            fact_file(fact(statement="Mine.") + "    override: true\n"), encoding="utf-8"
        )
        (upper / "people.yaml").write_text(PERSON_OVERRIDE, encoding="utf-8")
        kb = load(lower, upper)
        assert kb.get("things-change").statement == "Mine."
        assert kb.entity("ann").name_en == "Ann Other"
        assert str(kb.origin(kb.get("things-change"))) == f"{shown(upper / 'facts' / 'mine.yaml')}:3"
        assert len(kb.all_facts) == 1

    def test_order_of_layers_decides(self, lower, upper):
        """The same two directories the other way round: the override has nothing below it."""
        (upper / "people.yaml").write_text(PERSON_OVERRIDE, encoding="utf-8")
        (upper / "facts").rmdir()
        assert layered_problems(upper, lower) == [
            f"{shown(upper / 'people.yaml')}:2: people[0].override: 'ann' overrides nothing: no lower layer has it"
        ]

    def test_override_of_nothing(self, lower, upper):
        f = upper / "facts" / "mine.yaml"
        f.write_text(fact_file(fact("brand-new") + "    override: true\n"), encoding="utf-8")
        assert layered_problems(lower, upper) == [
            f"{shown(f)}:10: facts[0].override: 'brand-new' overrides nothing: no lower layer has it"
        ]

    def test_override_of_another_kind(self, lower, upper):
        """An organization cannot replace a person of the same id."""
        f = upper / "organizations.yaml"
        f.write_text("organizations:\n  - {id: ann, name_en: Ann Inc, kind: company, override: true}\n")
        (found,) = layered_problems(lower, upper)
        assert found.startswith(
            f"{shown(f)}:2: organizations[0].id: duplicate id 'ann' (also at {shown(lower / 'people.yaml')}:2)"
        )

    def test_upper_layer_refers_to_lower_ids(self, lower, upper):
        (upper / "facts" / "mine.yaml").write_text(fact_file(fact("my-fact")), encoding="utf-8")
        kb = load(lower, upper)
        assert [f.id for f in kb.all_facts] == ["my-fact", "things-change"]

    def test_dangling_reference_in_upper_layer(self, lower, upper):
        f = upper / "facts" / "mine.yaml"
        f.write_text(fact_file(fact("my-fact").replace("speaker: ann", "speaker: bob")), encoding="utf-8")
        assert layered_problems(lower, upper) == [
            f"{shown(f)}:5: facts[0].speaker[0]: unknown person or organization 'bob'"
        ]

    def test_resolutions(self, lower, upper):
        """A forecast is resolved once per layer; a higher layer's resolution replaces a lower
        one's (resolutions have no id to override)."""
        forecast = (
            "  - id: will-change\n    kind: forecast\n    speaker: ann\n    topics: [things]\n"
            "    statement: Ann predicts that things change by 2030.\n"
            "    excerpt: 到2030年，事物一定会发生变化。\n    excerpt_en: By 2030, things will change.\n"
            "    horizon: {type: by, stated: 到2030年, date: 2030}\n    criteria: Things change by 2030.\n"
        )
        (lower / "facts" / "f.yaml").write_text(fact_file(forecast), encoding="utf-8")
        res = "resolutions:\n  - {{fact: will-change, outcome: {o}, date: 2031, evidence: {o}.}}\n"
        (upper / "facts" / "r.yaml").write_text(res.format(o="true"), encoding="utf-8")
        assert load(lower, upper).resolutions["will-change"].outcome.value == "true"
        twice = lower / "facts" / "r2.yaml"
        twice.write_text(res.format(o="false") + res.format(o="partly")[len("resolutions:\n") :])
        assert layered_problems(lower) == [
            f"{shown(twice)}:3: resolutions[1].fact: 'will-change' is resolved twice (also at {shown(twice)}:2)"
        ]
