"""One engine: ``kb.facts(...)`` and ``aitrends claims ...`` answered from the compiled index
select the same facts in the same order, for any question (a property-based test), on the
bundled data and on the bundled data with a user layer on top."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aitrends
from aitrends import fastpath

USER_LAYER = """\
source: wired-lee-think-lighter
facts:
  - id: my-lee-cost-note
    kind: claim
    speaker: kai-fu-lee
    topics: [inference-cost, jobs]
    statement: A user's own fact, dated 2021, on the bundled source.
    excerpt: '我相信,2025 年將是一個重要的轉折點。'
    excerpt_en: I believe 2025 will be an important turning point.
    excerpt_en_original: false
    said: 2021-03
  - id: my-undated-forecast
    kind: forecast
    speaker: [kai-fu-lee, dario-amodei]
    topics: [compute]
    statement: An undated user forecast with two speakers.
    excerpt: '我相信,2025 年將是一個重要的轉折點。'
    excerpt_en: I believe 2025 will be an important turning point.
    excerpt_en_original: false
    horizon: {type: none, stated: 轉折點}
    criteria: A user's test forecast, never resolved.
"""


@pytest.fixture(scope="module")
def layered(tmp_path_factory) -> Path:
    layer = tmp_path_factory.mktemp("user") / "mine"
    (layer / "facts").mkdir(parents=True)
    (layer / "facts" / "mine.yaml").write_text(USER_LAYER, encoding="utf-8")
    return layer


@pytest.fixture(scope="module")
def bases(real_kb, layered):
    both = aitrends.load(layered)
    assert not both.problems(), [str(p) for p in both.problems()][:3]
    return {"bundled": (real_kb, []), "layered": (both, [str(layered)])}


def _names(kb, kind: str) -> list[str]:
    table = kb.table(kind)
    out = sorted(table)
    for record in table.values():
        name = getattr(record, "name_en", None) or getattr(record, "label_en", None)
        if name:
            out.append(name)
    return out


@pytest.fixture(autouse=True)
def _cache_on(monkeypatch):
    monkeypatch.delenv("AITRENDS_NO_CACHE", raising=False)


@settings(
    max_examples=int(os.environ.get("AITRENDS_ENGINE_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data(), base=st.sampled_from(["bundled", "layered"]))
def test_kb_facts_and_claims_select_the_same_ids(bases, capsys, data, base):
    kb, dirs = bases[base]
    topic = data.draw(st.lists(st.sampled_from(_names(kb, "topics")), max_size=2), "topic")
    person = data.draw(st.lists(st.sampled_from(sorted(kb.table("people"))), max_size=2), "person")
    source = data.draw(st.lists(st.sampled_from(sorted(kb.table("sources"))), max_size=1), "source")
    kind = data.draw(st.lists(st.sampled_from(["claim", "forecast", "quote", "figure"]), max_size=2), "kind")
    years = st.sampled_from(["2021", "2023", "2023-12", "2024-05", "2024-05-08", "2025"])
    since = data.draw(st.none() | years, "since")
    until = data.draw(st.none() | years, "until")
    limit = data.draw(st.none() | st.integers(0, 30), "limit")

    try:
        expected = kb.facts(
            topic=topic,
            person=person,
            source=source,
            kind=kind,
            since=since,
            until=until,
            limit=limit or None,
        )
    except aitrends.AitrendsError:
        return  # an ambiguous name: the fast path leaves it to the CLI, which reports it

    argv = [arg for d in dirs for arg in ("-d", d)] + ["claims", "--json"]
    argv += [a for t in topic for a in ("--topic", t)] + [a for p in person for a in ("--person", p)]
    argv += [a for s in source for a in ("--source", s)] + [a for k in kind for a in ("--kind", k)]
    argv += (["--since", since] if since else []) + (["--until", until] if until else [])
    argv += ["--limit", str(limit)] if limit is not None else []
    fastpath.reset()
    try:
        code = fastpath.answer(argv)
    finally:
        fastpath.reset()
    out = capsys.readouterr().out
    assert code == 0, (argv, out)
    assert [r["id"] for r in json.loads(out)] == [f.id for f in expected], argv
