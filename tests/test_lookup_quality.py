"""Quality gate for lookup and search on the bundled data: each case has its expected answer.

The accuracy is reported at the end of the test run (see conftest.pytest_terminal_summary)
and must be 100%: a wrong silent match is worse than an error.
"""

from __future__ import annotations

import pytest

import aitrends

RESULTS: list[bool] = []

# (kind, what the user types, expected id, or a set of ids for "ambiguous", or None for "no match")
LOOKUPS = [
    # people, English, every order and case
    ("entities", "Amodei", "dario-amodei"),
    ("entities", "amodie", "dario-amodei"),  # typo (swapped letters)
    ("entities", "Dario Amodei", "dario-amodei"),
    ("entities", "amodei dario", "dario-amodei"),
    ("entities", "Kai-Fu Lee", "kai-fu-lee"),
    ("entities", "Lee Kai-fu", "kai-fu-lee"),
    ("entities", "kaifu lee", "kai-fu-lee"),
    ("entities", "KAI FU LEE", "kai-fu-lee"),
    ("entities", "Oren Etzioni", "oren-etzioni"),
    ("entities", "Etzoni", "oren-etzioni"),  # typo (missing letter)
    ("entities", "Noah Smyth", "noah-smith"),
    ("entities", "Torenberg", "erik-torenberg"),
    ("entities", "Sam Altman", "sam-altman"),
    ("entities", "Bill Gate", "bill-gates"),
    ("entities", "Elon Musk", "elon-musk"),
    # people, Chinese, both scripts
    ("entities", "李开复", "kai-fu-lee"),
    ("entities", "李開復", "kai-fu-lee"),
    ("entities", "奥伦·伊奇奥尼", "oren-etzioni"),
    ("entities", "伊奇奥尼", "oren-etzioni"),
    ("entities", "埃隆·馬斯克", "elon-musk"),
    ("entities", "比爾·蓋茨", "bill-gates"),
    ("entities", "李孟林", "li-menglin"),
    ("entities", "黄雯雯", "huang-wenwen"),
    ("entities", "黃雯雯", "huang-wenwen"),  # Traditional form of a name given only in Simplified
    ("entities", "沈春蕾", "shen-chunlei"),
    # shared surnames and shared words are never guessed
    ("entities", "Li", {"li-menglin", "fei-fei-li"}),
    ("entities", "Allen", {"ai2", "paul-allen"}),
    # organizations
    ("entities", "OpenAI", "openai"),
    ("entities", "Open AI", "openai"),
    ("entities", "OpenAl", "openai"),  # the article's own misspelling
    ("entities", "英伟达", "nvidia"),
    ("entities", "英偉達", "nvidia"),
    ("entities", "Nvdia", "nvidia"),
    ("entities", "antropic", "anthropic"),
    ("entities", "零一万物", "01-ai"),
    ("entities", "零一萬物", "01-ai"),
    ("entities", "毕马威", "kpmg"),
    ("entities", "Epoch AI", "epoch-ai"),
    ("entities", "每日经济新闻", "nbd"),
    ("entities", "每日經濟新聞", "nbd"),
    ("entities", "AI2", "ai2"),
    ("entities", "xyzzy corp", None),
    # topics
    ("topics", "inference-cost", "inference-cost"),
    ("topics", "推理成本", "inference-cost"),
    ("topics", "inferance cost", "inference-cost"),
    ("topics", "Scaling Law", "scaling-law"),
    ("topics", "規模定律", "scaling-law"),
    ("topics", "算力", "compute"),
    ("topics", "AI agent", "agents"),
    ("topics", "智能體", "agents"),
    ("topics", "market size", "market-size"),
    ("topics", "MaaS", "maas"),
    ("topics", "AIGC", "aigc"),
    ("topics", "quantum", None),
    # sources and metrics
    ("sources", "wired-lee-think-lighter", "wired-lee-think-lighter"),
    (
        "sources",
        "How Do You Get to Artificial General Intelligence? Think Lighter",
        "wired-lee-think-lighter",
    ),
    ("metrics", "price per query", "price-per-query"),
    ("metrics", "training compute", "training-compute"),
    ("metrics", "price-per-query", "price-per-query"),
    ("metrics", "单次搜索成本", "price-per-query"),
]

# (query, --lang, a fact id that must be among the first five results)
SEARCHES = [
    ("推理成本", None, "lee-wired-inference-cost-falls-10x-per-year"),
    ("推理成本 下降", None, "lee-wired-inference-cost-falls-10x-per-year"),
    ("推理成本每年", "zh", "lee-wired-10x-decline-unprecedented"),
    ("每18个月", "zh", "etzioni-ai-cost-halves-every-18-months"),
    ("每18個月", "zh", "etzioni-ai-cost-halves-every-18-months"),  # Traditional query, Simplified text
    ("單次搜索成本", "zh", "lee-wired-ai-search-cost-may-2023"),
    ("成本效益", "zh", "lee-wired-inference-cost-falls-10x-per-year"),  # Traditional text, Simplified query
    ("inference cost tenfold", "en", "lee-wired-inference-cost-falls-10x-per-year"),
    ("inferance costs", "en", "amodei-most-cost-in-inference"),  # typo and plural
    ("high-quality language data 2026", "en", "kpmg-epoch-high-quality-language-data-exhausted-2026"),
    ("高质量的语言数据", None, "kpmg-epoch-high-quality-language-data-exhausted-2026"),
    ("Precedence Research market", None, "nbd-precedence-genai-market-2032"),
    ("solar", "en", "smith-solar-commoditized-hard-to-profit"),
    ("光伏", "zh", "amodei-ai-future-like-solar-headline"),
    ("60-40", None, "amodei-scaling-continues-60-40-or-70-30"),
    ("Moore's law", "en", "nbd-heading-moores-law-applies-to-ai"),  # NBD's heading: Moore's law applies to AI
    ("Moore's law AI cost", "en", "etzioni-ai-cost-halves-every-18-months"),
    ("H100", None, "lee-wired-xai-100k-h100-gpus"),
    ("胡说八道", None, "lee-speech-hallucination-is-source-of-ability"),
]

# (query, --lang, what the ranking must show): "top" — this fact first; "first" — these facts,
# in any order, before any other; "topic" — the first k facts all have this topic; "before" —
# every fact of the first topic (and not the second) above every fact of the second (and not
# the first)
RANKINGS = [
    ("gpt4", None, ("top", "altman-gpt4-training-cost-over-100m")),  # not behind GPT-3 facts
    ("GPT-4", None, ("top", "altman-gpt4-training-cost-over-100m")),
    ("inference cost", None, ("before", "inference-cost", "training-cost")),
    ("inference cost", "en", ("topic", "inference-cost", 10)),
    ("training cost", "en", ("before", "training-cost", "inference-cost")),
    ("推理成本", None, ("topic", "inference-cost", 8)),
    ("推理成本", "zh", ("before", "inference-cost", "training-cost")),
    (
        "推理成本 下降",
        None,
        ("first", {"lee-wired-10x-decline-unprecedented", "lee-wired-inference-cost-falls-10x-per-year"}),
    ),
    ("训练成本", None, ("top", "kpmg-gpt-3-training-cost-over-12m-usd")),
    ("訓練成本", None, ("top", "kpmg-gpt-3-training-cost-over-12m-usd")),  # Traditional query
    ("开源模型", None, ("top", "lee-speech-open-source-models-have-limits")),
    ("開源模型", None, ("top", "lee-speech-open-source-models-have-limits")),
    ("規模定律", None, ("topic", "scaling-law", 5)),
    ("scaling law", "en", ("topic", "scaling-law", 5)),
    ("智能體", None, ("topic", "agents", 4)),
    ("单次搜索成本", None, ("top", "lee-wired-ai-search-cost-may-2023")),
    ("單次搜索成本", None, ("top", "lee-wired-ai-search-cost-may-2023")),
    ("H100", None, ("top", "lee-wired-xai-100k-h100-gpus")),
    ("data exhausted 2026", "en", ("top", "kpmg-epoch-high-quality-language-data-exhausted-2026")),
    (
        "每18個月",
        "zh",
        ("first", {"nbd-headline-ai-cost-halves-every-18-months", "etzioni-ai-cost-halves-every-18-months"}),
    ),
    ("Altman", None, ("top", "altman-gpt4-training-cost-over-100m")),
]


@pytest.fixture(scope="module")
def kb():
    return aitrends.load()


@pytest.mark.parametrize(("kind", "text", "expected"), LOOKUPS, ids=[f"{k}:{t}" for k, t, _ in LOOKUPS])
def test_lookup(kb, kind, text, expected):
    match = kb.lookup(kind, text)
    if expected is None:
        ok = match.ids == []
    elif isinstance(expected, set):
        ok = set(match.ids) == expected and match.how == "ambiguous"
    else:
        ok = match.ids == [expected]
    RESULTS.append(ok)
    assert ok, (match.ids, match.how, match.suggestions)


@pytest.mark.parametrize(("query", "lang", "expected"), SEARCHES, ids=[q for q, _, _ in SEARCHES])
def test_search(kb, query, lang, expected):
    assert expected in kb.table("facts"), f"test case names an unknown fact: {expected}"
    top = [h.id for h in kb.search(query, lang=lang)[:5]]
    ok = expected in top
    RESULTS.append(ok)
    assert ok, top


def _ranked_well(kb, ids, expected) -> bool:
    how = expected[0]
    if how == "top":
        return ids[:1] == [expected[1]]
    if how == "first":
        return set(ids[: len(expected[1])]) == expected[1]
    topics = [set(kb.get(i).topics) for i in ids]
    if how == "topic":
        _, topic, k = expected
        return len(ids) >= k and all(topic in t for t in topics[:k])
    _, a, b = expected
    rank_a = [n for n, t in enumerate(topics) if a in t and b not in t]
    rank_b = [n for n, t in enumerate(topics) if b in t and a not in t]
    return bool(rank_a) and (not rank_b or max(rank_a) < min(rank_b))


@pytest.mark.parametrize(
    ("query", "lang", "expected"), RANKINGS, ids=[f"{q}:{lang}:{e[0]}" for q, lang, e in RANKINGS]
)
def test_ranking(kb, query, lang, expected):
    ids = [h.id for h in kb.search(query, lang=lang)]
    named = [expected[1]] if expected[0] == "top" else expected[1] if expected[0] == "first" else []
    assert all(i in kb.table("facts") for i in named), f"test case names an unknown fact: {named}"
    ok = _ranked_well(kb, ids, expected)
    RESULTS.append(ok)
    assert ok, ids[:10]


def test_ambiguous_is_an_error_listing_candidates(kb):
    with pytest.raises(aitrends.AmbiguousError) as info:
        kb.resolve("entities", "Li")
    assert str(info.value) == (
        "'Li' could be several people or organizations: 'fei-fei-li' (Fei-Fei Li), 'li-menglin' (Li Menglin)"
    )


def test_enough_cases():
    assert len(LOOKUPS) + len(SEARCHES) >= 40
    assert len(RANKINGS) >= 10
