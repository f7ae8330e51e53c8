"""The bundled data: valid, verifiable, and consistent with itself."""

from __future__ import annotations

import pytest

import aitrends
from aitrends.loader import bundled_data_dir, data_files
from aitrends.verify import verify

from .conftest import SEEDS

FILES = data_files(bundled_data_dir())


def test_bundled_data_loads(real_kb):
    assert len(real_kb.sources) == 5
    assert {s.id for s in real_kb.sources} == {
        "nbd-etzioni-2023",
        "wired-lee-think-lighter",
        "yingai-amodei-solar",
        "kpmg-zgc-ai-trends-2024",
        "lee-ai2-speech",
    }


@pytest.mark.parametrize("path", FILES, ids=[p.relative_to(bundled_data_dir()).as_posix() for p in FILES])
def test_each_file_loads_on_its_own_layer(path, real_kb):
    """Every file is read completely: each of its records is in the knowledge base."""
    from aitrends.loader import RawData, load_file

    raw = RawData(dirs=[path.parent])
    load_file(path, raw, 0)
    assert raw.problems == []
    for key in ("sources", "people", "organizations", "topics", "metrics", "facts"):
        for item in raw.bucket(key).items:
            assert real_kb.table(key)[item.id] == item


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the articles are not beside the repository")
def test_every_excerpt_is_in_its_article(real_kb):
    report = verify(real_kb, SEEDS)
    assert [str(m) for m in report.misses] == []
    assert report.missing_sources == [] and report.unmatched_articles == []


def test_every_source_has_every_kind_it_should(real_kb):
    counts = real_kb.fact_counts("source")
    for source in real_kb.sources:
        assert sum(counts[source.id].values()) >= 20, source.id


def test_facts_are_attributed_to_people_or_organizations(real_kb):
    for fact in real_kb.all_facts:
        for s in fact.speaker:
            assert real_kb.entity(s) is not None, (fact.id, s)


def test_every_quantity_is_read_and_checked_by_the_parser(real_kb):
    """validate checks a number only if the parser can read it: all must be readable."""
    from aitrends.quantity import check_quantity, parse_expression

    figures = real_kb.facts(kind="figure")
    assert figures and all(f.quantity is not None for f in figures)
    for fact in real_kb.all_facts:
        if fact.quantity is not None:
            assert parse_expression(fact.quantity.stated).values, (fact.id, fact.quantity.stated)
            assert check_quantity(fact.quantity) is None


def test_rates_and_forecasts_have_their_data(real_kb):
    for fact in real_kb.all_facts:
        if isinstance(fact, aitrends.Forecast):
            assert fact.criteria.strip()
        if fact.rate is not None:
            assert fact.metric is not None, f"{fact.id}: a rate needs a metric to be compared"


def test_english_originals_only_where_the_article_has_english(real_kb):
    originals = {f.source for f in real_kb.all_facts if f.excerpt_en_original}
    assert originals <= {"wired-lee-think-lighter"}


def test_the_headline_claims_of_the_issue_exist(real_kb):
    """The facts the project was started for are in the data, attributed correctly."""
    cost = real_kb.facts(topic="inference-cost")
    speakers = {s for f in cost for s in f.speaker}
    assert {"oren-etzioni", "kai-fu-lee"} <= speakers
    assert any(f.rate and f.rate.factor == 2 and f.rate.period == 18 for f in real_kb.facts(person="Etzioni"))
    assert any(
        f.rate and f.rate.factor == 10 and f.rate.period_unit.value == "year"
        for f in real_kb.facts(person="Kai-Fu Lee")
    )
    assert real_kb.quotes("Amodei")
