"""aitrends verify: every excerpt stands in its article."""

from __future__ import annotations

from pathlib import Path

import pytest

import aitrends
from aitrends.verify import normalize, verify

from .conftest import FIXTURE_ARTICLES


def test_all_found(kb):
    report = verify(kb, FIXTURE_ARTICLES)
    assert report.ok
    assert report.checked == 11  # 8 excerpts + 3 English originals
    assert report.matched_sources == {"alpha-interview": "alpha.txt", "beta-column": "beta.txt"}
    assert report.unmatched_articles == ["unrelated.txt"]


def test_miss_is_reported_with_file_and_line(data_copy, tmp_path):
    f = data_copy / "facts" / "alpha-interview.yaml"
    f.write_text(
        f.read_text(encoding="utf-8").replace(
            "excerpt: 明年我们将看到更多的智能体。", "excerpt: 明年我们会看到更多的智能体。"
        ),
        encoding="utf-8",
    )
    report = verify(aitrends.load(data_copy, bundled=False), FIXTURE_ARTICLES)
    assert not report.ok
    (miss,) = report.misses
    assert str(miss).endswith(
        "alpha-interview.yaml:40: zhang-more-agents-next-year: excerpt not found in alpha.txt"
    )


def test_english_original_is_checked(data_copy):
    f = data_copy / "facts" / "beta-column.yaml"
    f.write_text(
        f.read_text(encoding="utf-8").replace(
            "excerpt_en: the data will run out by 2026", "excerpt_en: the data runs out by 2026"
        ),
        encoding="utf-8",
    )
    (miss,) = verify(aitrends.load(data_copy, bundled=False), FIXTURE_ARTICLES).misses
    assert (miss.fact, miss.field) == ("roe-data-runs-out-2026", "excerpt_en")


def test_source_without_article(kb, tmp_path: Path):
    (tmp_path / "alpha.txt").write_bytes((FIXTURE_ARTICLES / "alpha.txt").read_bytes())
    report = verify(kb, tmp_path)
    assert report.missing_sources == ["beta-column"] and not report.ok


def test_missing_directory(kb, tmp_path):
    with pytest.raises(aitrends.UsageError, match="articles directory not found"):
        verify(kb, tmp_path / "nope")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("OpenA I ， 谷歌", "OpenAI,谷歌"), ("２ ． ７亿", "2.7亿"), ("a\u3000b\nc", "abc")],
)
def test_normalize(text, expected):
    assert normalize(text) == expected
