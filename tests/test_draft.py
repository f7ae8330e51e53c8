"""aitrends draft: sentences, numbers, rates, horizons and names read from an article, the
candidates drafted from them, and a draft that validate refuses until a person fills it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

import aitrends
from aitrends import models as m
from aitrends.cli import app
from aitrends.draft import draft_article, draft_yaml, overlaps, spans, write_draft
from aitrends.errors import DataError, UsageError
from aitrends.extract import (
    examine,
    forecast_cues,
    hedges,
    horizons_of,
    number_expressions,
    quantity_of,
    rates,
    split_sentences,
    title_horizon,
    word_segmented,
)
from aitrends.quantity import check_quantity, check_rate
from aitrends.verify import normalize

from .conftest import ROOT

EXAMPLE = ROOT / "docs" / "examples" / "new-article"
ARTICLE = EXAMPLE / "article.txt"
SOURCE_ID = "example-inference-note"
TITLE_EN = "Example Institute: inference costs halve every year (a fictional example)"


class TestSentences:
    """Splitting keeps every sentence verbatim, as verify compares."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("第一句。第二句！第三句？", ["第一句。", "第二句！", "第三句？"]),
            ("他说：“成本会下降。”然后走了。", ["他说：“成本会下降。”", "然后走了。"]),
            ("甲；乙", ["甲；", "乙"]),
            (
                "Costs fall. Prices rise 3.5% a year! Why?",
                ["Costs fall.", "Prices rise 3.5% a year!", "Why?"],
            ),
            ("Mr. Lee spoke in the U.S. last year.", ["Mr. Lee spoke in the U.S. last year."]),
            ("标题\n正文一句。", ["标题", "正文一句。"]),
        ],
    )
    def test_split(self, text: str, expected: list[str]) -> None:
        assert [s.text for s in split_sentences(text)] == expected

    def test_a_hard_wrapped_paragraph_is_joined_and_keeps_its_first_line(self) -> None:
        first = "这是一段很长的文字，" * 7
        text = f"标题\n\n{first}\n接着的一行结束了。\n"
        sentences = split_sentences(text)
        assert sentences[-1].text.endswith("接着的一行结束了。") and sentences[-1].line == 3

    def test_word_segmented_text_loses_its_spaces(self) -> None:
        text = "每日 经济 新闻 报道 ， 融资额 已 超过 687亿 美元 。 Inflection AI 完成 融资 。" * 3
        assert word_segmented(text)
        sentence = split_sentences(text)[0].text
        assert sentence == "每日经济新闻报道，融资额已超过687亿美元。"

    @settings(max_examples=200, deadline=None)
    @given(st.text(alphabet="成本下降了一半。！？；“”,.!? \nAbc12%亿美元", max_size=120))
    def test_every_sentence_stands_in_the_article(self, text: str) -> None:
        article = normalize(text)
        for s in split_sentences(text):
            assert normalize(s.text) in article


class TestNumbers:
    """Numbers are read by quantity.parse_expression, with unit and bound."""

    @pytest.mark.parametrize(
        ("sentence", "stated", "value", "unit", "bound"),
        [
            ("融资额已超过687亿美元。", "超过687亿美元", 6.87e10, "USD", m.Bound.at_least),
            ("他籌集了 60 億美元用于創立新公司。", "60 億美元", 6e9, "USD", m.Bound.exact),
            ("價格約為 0.75 美元。", "約為 0.75 美元", 0.75, "USD", m.Bound.approx),
            ("纳指涨幅高达44.4%。", "高达44.4%", 44.4, "percent", m.Bound.exact),
            ("市场规模将达到1180.6亿美元左右。", "达到1180.6亿美元左右", 1.1806e11, "USD", m.Bound.approx),
            ("参数量1.6万亿。", "1.6万亿", 1.6e12, "parameters", m.Bound.exact),
            ("速度提高了10倍。", "10倍", 10, "times", m.Bound.exact),
            ("仅用了半年时间。", "半年", 6, "months", m.Bound.exact),
            (
                "The round raised more than $100 million.",
                "more than $100 million",
                1e8,
                "USD",
                m.Bound.at_least,
            ),
            ("今年一共调研了1200家企业。", "1200家", 1200, "count", m.Bound.exact),
        ],
    )
    def test_quantity(self, sentence: str, stated: str, value: float, unit: str, bound: m.Bound) -> None:
        exprs = number_expressions(sentence)
        assert [e.stated for e in exprs] == [stated]
        q = quantity_of(exprs[0], sentence)
        assert q is not None and (q.value, q.unit, q.bound) == (value, unit, bound)

    def test_a_range(self) -> None:
        sentence = "即使只有10%、20%或30%的改进。"
        q = quantity_of(number_expressions(sentence)[0], sentence)
        assert q is not None and (q.low, q.high, q.bound) == (10, 30, m.Bound.range)

    @pytest.mark.parametrize(
        "sentence",
        [
            "每日经济新闻2023-12-28 08:58:52",
            "这是一个很大的特点，一些人认为。",
            "他们购买了 H100 GPU。",
            "据12月5日发布的报告。",
        ],
    )
    def test_no_amount_in_dates_names_and_words(self, sentence: str) -> None:
        assert number_expressions(sentence) == []


class TestRates:
    """Rates come out as factor per period, and each passes quantity.check_rate."""

    @pytest.mark.parametrize(
        ("sentence", "direction", "factor", "period", "period_high", "unit", "bound"),
        [
            ("AI成本可能每18个月就下降一半或甚至更多。", "decline", 2, 18, None, "month", m.Bound.at_least),
            ("算力大约每20个月翻一番。", "growth", 2, 20, None, "month", m.Bound.approx),
            ("此后每3-4个月翻一番。", "growth", 2, 3, 4, "month", m.Bound.exact),
            ("成本每年下降十倍。", "decline", 10, 1, None, "year", m.Bound.exact),
            ("复合年均增长率为27.02%。", "growth", 1.2702, 1, None, "year", m.Bound.exact),
            ("Costs halve every 18 months.", "decline", 2, 18, None, "month", m.Bound.exact),
        ],
    )
    def test_rate(
        self,
        sentence: str,
        direction: str,
        factor: float,
        period: float,
        period_high: float | None,
        unit: str,
        bound: m.Bound,
    ) -> None:
        (rate, _, _), *more = rates(sentence)
        assert not more
        assert (rate.direction.value, rate.factor, rate.period, rate.period_high) == (
            direction,
            factor,
            period,
            period_high,
        )
        assert (rate.period_unit.value, rate.bound) == (unit, bound)
        assert normalize(rate.stated) in normalize(sentence)


class TestCuesAndHorizons:
    """Forecast cues, hedges and horizons."""

    @pytest.mark.parametrize(
        ("sentence", "expected"),
        [
            ("到2032年将达到", ("by", "2032", None, None)),
            ("将在2030年至2050年枯竭", ("between", "2030", "2050", None)),
            ("2030年以后将放缓", ("after", "2030", None, None)),
            ("未來兩年內將會涌現", ("within", None, None, 2)),
            ("明年多模态时代将至", ("next", None, None, 1)),
            ("I expect this in 2027.", ("in", "2027", None, None)),
            ("五到十年内将会实现", ("none", None, None, None)),
        ],
    )
    def test_horizon(self, sentence: str, expected: tuple[str, str | None, str | None, int | None]) -> None:
        h = horizons_of(sentence, forecast_cues(sentence))[0]
        got = (h.type.value, str(h.date) if h.date else None, str(h.end) if h.end else None, h.amount)
        assert got == expected
        assert h.stated in sentence

    @pytest.mark.parametrize(
        ("title", "expected"),
        [
            ("2024年人工智能产业十大发展趋势", ("in", "2024", "2024年")),
            ("Ten AI trends for 2025", ("in", "2025", "2025")),
            ("AI的未来将类似光伏行业", None),
            ("2023年回顾与2024年展望", None),
            ("2024年的一次访谈", None),
        ],
    )
    def test_an_outlooks_title_gives_its_items_a_horizon(self, title: str, expected: tuple | None) -> None:
        h = title_horizon(title)
        assert (h.type.value, str(h.date), h.stated) == expected if h else expected is None

    @pytest.mark.parametrize(
        ("sentence", "item"), [("3. 示例技术加速普及", 3), ("10.示例", 10), ("1.5倍的增长", None)]
    )
    def test_list_items(self, sentence: str, item: int | None) -> None:
        assert examine(sentence).list_item == item

    def test_a_past_year_is_no_horizon(self) -> None:
        sentence = "IBM在2023年宣布将建造量子计算机。"
        assert horizons_of(sentence, ["将"], since=2024)[0].type is m.HorizonType.none

    def test_cues_leave_out_words_that_only_contain_one(self) -> None:
        assert forecast_cues("社会和机会都很多") == []
        assert forecast_cues("预计未来将会增长") == ["预计", "未来", "将会"]

    def test_hedges(self) -> None:
        assert hedges("可能超过，也许 about more than") == ["可能", "超过", "也许", "about", "more than"]

    def test_a_sentence_without_anything_to_draft(self) -> None:
        assert not examine("他们在会议上讨论了问题。").numeric


@pytest.fixture
def layer(tmp_path: Path) -> Path:
    """The worked example's own layer, with the sixth article's source added."""
    dest = tmp_path / "my-data"
    shutil.copytree(EXAMPLE / "my-data", dest)
    kb = aitrends.load(dest)
    aitrends.add_source(
        kb,
        ARTICLE,
        dest,
        source_id=SOURCE_ID,
        title_en=TITLE_EN,
        kind=m.SourceKind.report_summary,
        outlet="示例研究所",
        date="2026-11",
    )
    return dest


def _by_line(d: object) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = {}
    for c in d.candidates:  # type: ignore[attr-defined]
        out.setdefault(c.sentence.line, []).append(c.fields)
    return out


class TestDraft:
    """Candidates of the sixth article (docs/examples/new-article), drafted against the bundled data."""

    def test_candidates(self, layer: Path) -> None:
        d = draft_article(aitrends.load(layer), ARTICLE)
        lines = _by_line(d)
        assert sorted(lines) == [1, 3, 4, 5, 6, 7]  # line 2 (the disclaimer) holds nothing
        figure = lines[3][0]
        assert figure["kind"] == "figure" and figure["speaker"] == ["example-institute"]
        assert figure["quantity"].model_dump(exclude_defaults=True) == {
            "value": 75,
            "unit": "percent",
            "bound": m.Bound.approx,
            "stated": "约75%",
        }
        assert "inference-cost" in figure["topics"] and figure["hedge"] == "约"
        forecast = lines[4][0]
        assert forecast["kind"] == "forecast" and forecast["speaker"] == [
            "example-institute"
        ]  # 该所: carried over
        assert (forecast["horizon"].type, str(forecast["horizon"].date)) == (m.HorizonType.by, "2030")
        assert forecast["criteria"].startswith(m.DRAFT_MARK)
        quote = lines[5][0]
        assert quote["speaker"] == ["lin-xiao"] and quote["rate"].factor == 2 and quote["rate"].period == 12
        cited = lines[6][0]
        assert cited["cited"] == [{"by": "example-institute"}] and cited["speaker"] == [m.DRAFT_ID]
        assert lines[7][0]["topics"] == [m.DRAFT_ID]

    def test_excerpts_are_verbatim(self, layer: Path) -> None:
        d = draft_article(aitrends.load(layer), ARTICLE)
        text = normalize(ARTICLE.read_text(encoding="utf-8"))
        assert all(normalize(c.fields["excerpt"]) in text for c in d.candidates)

    def test_the_draft_is_refused_until_filled(self, layer: Path) -> None:
        d = draft_article(aitrends.load(layer), ARTICLE)
        (layer / "facts").mkdir()
        write_draft(d, layer / "facts" / "draft.yaml")
        with pytest.raises(DataError) as err:
            aitrends.load(layer)
        messages = [p.message for p in err.value.problems]
        assert sum("draft:" in msg for msg in messages) == len(messages)
        fields = {p.location.rsplit(".", 1)[-1] for p in err.value.problems}
        assert {"statement", "excerpt_en", "criteria"} <= fields
        assert any(p.location.endswith("speaker[0]") for p in err.value.problems)

    def test_the_edited_draft_validates_and_verifies(self, layer: Path, tmp_path: Path) -> None:
        (layer / "facts").mkdir()
        shutil.copy(EXAMPLE / "facts.yaml", layer / "facts" / f"{SOURCE_ID}.yaml")
        kb = aitrends.load(layer)
        articles = tmp_path / "articles"
        articles.mkdir()
        shutil.copy(ARTICLE, articles / "article.txt")
        from aitrends.verify import verify

        report = verify(kb, articles)
        assert report.matched_sources == {SOURCE_ID: "article.txt"} and not report.misses
        assert report.checked == 5

    def test_covered_sentences_are_skipped_unless_all(self, layer: Path) -> None:
        (layer / "facts").mkdir()
        shutil.copy(EXAMPLE / "facts.yaml", layer / "facts" / f"{SOURCE_ID}.yaml")
        kb = aitrends.load(layer)
        d = draft_article(kb, ARTICLE)
        assert sorted(_by_line(d)) == [1] and d.skipped == 5
        assert sorted(_by_line(draft_article(kb, ARTICLE, include_covered=True))) == [1, 3, 4, 5, 6, 7]

    def test_ids_are_new(self, layer: Path) -> None:
        (layer / "facts").mkdir()
        shutil.copy(EXAMPLE / "facts.yaml", layer / "facts" / f"{SOURCE_ID}.yaml")
        kb = aitrends.load(layer)
        ids = [c.fields["id"] for c in draft_article(kb, ARTICLE, include_covered=True).candidates]
        assert len(set(ids)) == len(ids) and not set(ids) & set(kb.table("facts"))

    def test_the_yaml_parses_to_the_candidates(self, layer: Path) -> None:
        d = draft_article(aitrends.load(layer), ARTICLE)
        data = yaml.safe_load(draft_yaml(d))
        assert data["source"] == SOURCE_ID
        assert [f["excerpt"] for f in data["facts"]] == [c.fields["excerpt"] for c in d.candidates]
        for fact in data["facts"]:
            m.FACT_CLASSES[m.FactKind(fact["kind"])].model_validate({**fact, "source": SOURCE_ID})

    def test_an_article_no_source_has(self, tmp_path: Path) -> None:
        other = tmp_path / "other.txt"
        other.write_text("预计明年成本将下降一半。", encoding="utf-8")
        with pytest.raises(UsageError, match="add-source"):
            draft_article(aitrends.load(), other)

    def test_a_source_named_explicitly(self, tmp_path: Path) -> None:
        other = tmp_path / "other.txt"
        other.write_text("Lee expects costs to fall tenfold a year by 2030.", encoding="utf-8")
        d = draft_article(aitrends.load(), other, source="wired-lee-think-lighter")
        claim, forecast = (c.fields for c in d.candidates)
        assert (
            claim["kind"] == "claim"
            and claim["rate"].factor == 10
            and claim["rate"].period_unit.value == "year"
        )
        assert forecast["kind"] == "forecast" and forecast["horizon"].type is m.HorizonType.by
        assert claim["speaker"] == forecast["speaker"] == ["kai-fu-lee"]

    @pytest.mark.parametrize(
        ("text", "language", "expected"),
        [
            (
                "A Fictional Note on Model Prices\n"
                "The Example Institute said prices fell by about 80% in 2025. "
                "We expect the price of a query to fall below $0.01 by 2028.\n"
                '"Costs halve every 18 months," Lin Xiao said.\n',
                "en",
                [
                    (2, "figure", ["example-institute"], "about 80%", m.Bound.approx),
                    (2, "forecast", [m.DRAFT_ID], "below $0.01", m.Bound.at_most),
                    (3, "claim", ["lin-xiao"], "halve every 18 months", m.Bound.exact),
                ],
            ),
            (
                "虛構的示例\n示例研究所表示，推理成本下降了約75%。\n分析師林曉說：「推理成本大約每12個月下降一半。」\n",
                "zh-Hant",
                [
                    (2, "figure", ["example-institute"], "約75%", m.Bound.approx),
                    (3, "claim", ["lin-xiao"], "大約每12個月下降一半", m.Bound.approx),
                ],
            ),
        ],
    )
    def test_english_and_traditional_chinese(
        self, tmp_path: Path, text: str, language: str, expected: list[tuple]
    ) -> None:
        layer = tmp_path / "my-data"
        shutil.copytree(EXAMPLE / "my-data", layer)
        article = tmp_path / "a.txt"
        article.write_text(text, encoding="utf-8")
        done = aitrends.add_source(
            aitrends.load(layer), article, layer, title_en="T", outlet="example-institute"
        )
        assert done.language == language
        d = draft_article(aitrends.load(layer), article)
        got = []
        for c in d.candidates:
            part = c.fields.get("rate") or c.fields["quantity"]
            got.append((c.sentence.line, c.kind, c.fields["speaker"], part.stated, part.bound))
        assert got == expected

    def test_the_items_of_an_outlook_are_forecasts_for_its_year(self, tmp_path: Path) -> None:
        other = tmp_path / "trends.txt"
        other.write_text("一份示例清单\n3. 示例技术加速普及\n4. 示例应用未来将更多\n", encoding="utf-8")
        d = draft_article(
            aitrends.load(), other, source="kpmg-zgc-ai-trends-2024"
        )  # its title: 2024年...趋势
        got = [(c.kind, c.fields["horizon"].type.value, c.fields["horizon"].stated) for c in d.candidates]
        assert got == [("forecast", "in", "2024年"), ("forecast", "in", "2024年")]

    def test_transcript_labels_name_the_speaker(self, tmp_path: Path) -> None:
        other = tmp_path / "talk.txt"
        other.write_text(
            "Noah Smith:\n成本会下降吗？\nDario Amodei:\n我认为成本每年下降十倍。\n", encoding="utf-8"
        )
        d = draft_article(aitrends.load(), other, source="yingai-amodei-solar")
        assert [(c.sentence.line, c.fields["speaker"]) for c in d.candidates] == [
            (2, ["noah-smith"]),
            (4, ["dario-amodei"]),
        ]

    def test_words_holding_a_speech_verb_decide_nothing(self, tmp_path: Path) -> None:
        other = tmp_path / "other.txt"
        other.write_text("AI2.0的胡说八道问题有望解决。", encoding="utf-8")
        d = draft_article(aitrends.load(), other, source="lee-ai2-speech")
        assert [c.fields["speaker"] for c in d.candidates] == [[m.DRAFT_ID]]

    def test_spans_and_overlap(self) -> None:
        text = "一二三四五六七八九十"
        a, b = spans(text, ["一二三四", "三四五六七八"])
        assert a == (0, 4) and b == (2, 8)
        assert overlaps(a, b) and not overlaps(a, (6, 10))


_WORDS = st.sampled_from(
    ["成本", "将", "预计", "每18个月", "下降一半", "超过", "687亿美元", "10倍", "2030年", "到2032年", "约75%", "明年",
     "李开复", "表示", "“", "”", "。", "，", "\n", " ", "Costs", "halve", "every", "3", "months", "by", "2028", ".",
     "more than", "$1.5 billion", "said", "Kai-Fu Lee", "：", "0"]
)  # fmt: skip


@pytest.fixture(scope="module")
def bundled() -> aitrends.KnowledgeBase:
    return aitrends.load()


@settings(max_examples=60, deadline=None)
@given(words=st.lists(_WORDS, max_size=40))
@example(words=["成本", "3", "3"])  # "stated: 33" was read back as a number
def test_any_article_gives_a_loadable_draft(
    tmp_path_factory: pytest.TempPathFactory, bundled, words: list[str]
) -> None:
    """Whatever the text, the draft parses, each candidate is a valid fact (placeholders
    aside) whose numbers agree with their text, and each excerpt stands in the article."""
    article = tmp_path_factory.mktemp("any") / "a.txt"
    text = "".join(words)
    article.write_text(text, encoding="utf-8")
    d = draft_article(bundled, article, source="wired-lee-think-lighter")
    data = yaml.safe_load(draft_yaml(d))
    assert len(data["facts"]) == len(d.candidates)
    for fact in data["facts"]:
        model = m.FACT_CLASSES[m.FactKind(fact["kind"])].model_validate(
            {**fact, "source": "wired-lee-think-lighter"}
        )
        assert normalize(fact["excerpt"]) in normalize(text)
        assert model.quantity is None or check_quantity(model.quantity) is None  # what validate checks
        assert model.rate is None or check_rate(model.rate) is None


class TestDraftCommand:
    """aitrends draft writes the file (stdout or --out) and never overwrites without --force."""

    def test_stdout(self, runner, layer: Path) -> None:
        result = runner.invoke(app, ["--data-dir", str(layer), "draft", str(ARTICLE)], catch_exceptions=False)
        assert result.exit_code == 0
        assert yaml.safe_load(result.stdout)["source"] == SOURCE_ID
        assert result.stderr.startswith("6 candidates from 7 sentences")

    def test_out_and_force(self, runner, layer: Path, tmp_path: Path) -> None:
        out = tmp_path / "draft.yaml"
        args = ["--data-dir", str(layer), "draft", str(ARTICLE), "--out", str(out)]
        assert runner.invoke(app, args, catch_exceptions=False).exit_code == 0
        out.write_text("mine\n", encoding="utf-8")
        result = runner.invoke(app, args)
        assert result.exit_code == 1 and "--force" in result.stderr
        assert out.read_text(encoding="utf-8") == "mine\n"
        assert runner.invoke(app, [*args, "--force"]).exit_code == 0
        assert yaml.safe_load(out.read_text(encoding="utf-8"))["source"] == SOURCE_ID

    def test_all(self, runner, layer: Path) -> None:
        (layer / "facts").mkdir()
        shutil.copy(EXAMPLE / "facts.yaml", layer / "facts" / f"{SOURCE_ID}.yaml")
        base = ["--data-dir", str(layer), "draft", str(ARTICLE)]
        few = runner.invoke(app, base, catch_exceptions=False)
        every = runner.invoke(app, [*base, "--all"], catch_exceptions=False)
        assert len(yaml.safe_load(few.stdout)["facts"]) == 1
        assert len(yaml.safe_load(every.stdout)["facts"]) == 6
        assert "--all shows them" in few.stderr

    def test_unknown_article(self, runner, tmp_path: Path) -> None:
        result = runner.invoke(app, ["draft", str(tmp_path / "missing.txt")])
        assert result.exit_code == 2 and result.stdout == ""
        assert result.stderr.startswith("Error: cannot read article")
