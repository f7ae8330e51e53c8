"""aitrends add-source: a source record for a new article in the user's own layer, written so
that everything the user wrote in sources.yaml stays as it was."""

from __future__ import annotations

import difflib
import hashlib
import string
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aitrends
from aitrends import models as m
from aitrends.articles import add_source, detect_language, guess_title, language_label, user_dir
from aitrends.cli import app
from aitrends.dates import Precision
from aitrends.errors import UsageError
from aitrends.loader import bundled_data_dir

from .conftest import ROOT, SEEDS

EXAMPLE = ROOT / "docs" / "examples" / "new-article"


class TestLanguage:
    """zh-Hans, zh-Hant, en, or both languages of a mixed text."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("人工智能的推理成本每年下降，这对开发者来说是好消息。", ["zh-Hans"]),
            ("人工智慧的推理成本每年下降，這對開發者來說是好消息。", ["zh-Hant"]),
            ("Inference costs fall every year, which is good news for developers.", ["en"]),
            (
                "推理成本每年下降。Inference costs fall every year, good news for all developers.",
                ["en", "zh-Hans"],
            ),
            ("這是繁體中文的段落，說明成本。This English part is shorter.", ["zh-Hant", "en"]),
            ("这是简体中文，只提到 GPU 一个词。", ["zh-Hans"]),
        ],
    )
    def test_detect(self, text: str, expected: list[str]) -> None:
        assert [lang.value for lang in detect_language(text)] == expected

    def test_label(self) -> None:
        assert language_label([m.Language.zh_hant, m.Language.en]) == "mixed"
        assert language_label([m.Language.en]) == "en"

    def test_no_words(self) -> None:
        with pytest.raises(UsageError):
            detect_language("1234 … ---")

    @pytest.mark.skipif(not SEEDS.is_dir(), reason="needs ../shared/seeds")
    def test_the_five_articles(self, real_kb: aitrends.KnowledgeBase) -> None:
        by_hash = {s.sha256: s for s in real_kb.sources}
        for path in sorted(SEEDS.glob("*.txt")):
            source = by_hash[hashlib.sha256(path.read_bytes()).hexdigest()]
            assert detect_language(path.read_text(encoding="utf-8")) == source.language, path.name


class TestTitle:
    """The first non-blank line, tidied."""

    def test_first_line(self) -> None:
        assert guess_title("\n\n  示例研究所 报告  \n正文。") == "示例研究所报告"

    def test_long(self) -> None:
        assert len(guess_title("长" * 500)) == 200

    def test_empty(self) -> None:
        with pytest.raises(UsageError):
            guess_title(" \n \n")


def _article(
    tmp_path: Path, text: str = "示例文章的标题\n正文说成本下降了一半。\n", name: str = "a.txt"
) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


class TestAddSource:
    """The record written and the refusals."""

    def test_record(self, tmp_path: Path, real_kb: aitrends.KnowledgeBase) -> None:
        article = _article(tmp_path)
        done = add_source(
            real_kb, article, tmp_path / "my", outlet="WIRED", date="2024-05", url="https://example.org/a"
        )
        assert done.added and done.precision is Precision.month and done.language == "zh-Hans"
        data = yaml.safe_load((tmp_path / "my" / "sources.yaml").read_text(encoding="utf-8"))
        (record,) = data["sources"]
        assert record == {
            "id": f"article-{hashlib.sha256(article.read_bytes()).hexdigest()[:8]}",
            "title": "示例文章的标题",
            "title_en": f"{m.DRAFT_MARK}: the title in English",
            "kind": "other",
            "language": ["zh-Hans"],
            "outlet": "wired",
            "published": "2024-05",
            "url": "https://example.org/a",
            "sha256": hashlib.sha256(article.read_bytes()).hexdigest(),
        }

    def test_the_placeholders_are_refused(self, tmp_path: Path, real_kb: aitrends.KnowledgeBase) -> None:
        add_source(real_kb, _article(tmp_path), tmp_path / "my")
        with pytest.raises(aitrends.DataError) as err:
            aitrends.load(tmp_path / "my")
        assert sorted(p.location for p in err.value.problems) == ["sources[0].outlet", "sources[0].title_en"]

    def test_an_english_article_is_complete(self, tmp_path: Path, real_kb: aitrends.KnowledgeBase) -> None:
        article = _article(tmp_path, "Costs Fall Again\nInference costs fell by half this year.\n")
        done = add_source(real_kb, article, tmp_path / "my", outlet="wired", date="2024")
        assert done.source["id"] == "costs-fall-again" and done.source["title_en_original"] is True
        assert done.source["published"] == 2024 and done.precision is Precision.year
        kb = aitrends.load(tmp_path / "my")  # nothing left to fill
        assert kb.table("sources")["costs-fall-again"].title_en == "Costs Fall Again"

    def test_known_by_hash(self, tmp_path: Path) -> None:
        article = _article(tmp_path)
        add_source(aitrends.load(), article, tmp_path / "my", source_id="mine", title_en="T", outlet="wired")
        before = (tmp_path / "my" / "sources.yaml").read_bytes()
        again = add_source(aitrends.load(tmp_path / "my"), article, tmp_path / "my", source_id="other")
        assert not again.added and again.existing == "mine"
        assert (tmp_path / "my" / "sources.yaml").read_bytes() == before

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"source_id": "Not An Id"}, "is not an id"),
            ({"source_id": "nbd-etzioni-2023"}, "exists already"),
            ({"date": "May 2024"}, "is not a date"),
            ({"outlet": "no such outlet at all"}, "unknown organization"),
        ],
    )
    def test_refusals(
        self, tmp_path: Path, real_kb: aitrends.KnowledgeBase, kwargs: dict, message: str
    ) -> None:
        with pytest.raises(UsageError, match=message):
            add_source(real_kb, _article(tmp_path), tmp_path / "my", **kwargs)
        assert not (tmp_path / "my" / "sources.yaml").exists()

    def test_never_the_bundled_data(self) -> None:
        with pytest.raises(UsageError, match="bundled"):
            user_dir([bundled_data_dir()])
        with pytest.raises(UsageError, match="--data-dir"):
            user_dir([])


# --------------------------------------------------------------------------- round trip

_ID = st.from_regex(r"[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,6}){0,2}", fullmatch=True)
_TEXT = (
    st.text(alphabet=string.ascii_letters + " 成本下降一半推理", min_size=1, max_size=30)
    .map(str.strip)
    .filter(bool)
)
_COMMENT = st.text(alphabet=string.ascii_letters + " #:-成本", max_size=30).map(lambda t: "# " + t.strip())


@st.composite
def sources_files(draw: st.DrawFn) -> str:
    """A user's sources.yaml in varied hand-written styles: comments anywhere, blank lines,
    dashes at column 0 or 2, quoted or plain titles, flow lists, a trailing comment."""
    dash = draw(st.sampled_from([0, 2]))
    pad = " " * dash
    ids = draw(st.lists(_ID, min_size=0, max_size=4, unique=True))
    lines = [draw(_COMMENT)] if draw(st.booleans()) else []
    lines.append("sources:" + (f"  {draw(_COMMENT)}" if draw(st.booleans()) else ""))
    for i, sid in enumerate(ids):
        if draw(st.booleans()):
            lines.append(pad + draw(_COMMENT))
        title = draw(_TEXT)
        quoted = draw(st.booleans())
        lines.append(f"{pad}- id: {sid}")
        lines.append(f"{pad}  title: " + (f'"{title}"' if quoted else f"'{title}'"))
        lines.append(
            f"{pad}  title_en: Title {i}   {draw(_COMMENT)}"
            if draw(st.booleans())
            else f"{pad}  title_en: Title {i}"
        )
        lines.append(f"{pad}  kind: news")
        lines.append(f"{pad}  language: [en]" if draw(st.booleans()) else f"{pad}  language:\n{pad}    - en")
        lines.append(f"{pad}  outlet: wired")
        lines.append(f"{pad}  sha256: {hashlib.sha256(sid.encode()).hexdigest()}")
        if draw(st.booleans()):
            lines.append("")
    if not ids:
        lines[-1] = lines[-1].replace("sources:", "sources: []", 1)
    if draw(st.booleans()):
        lines.append(draw(_COMMENT))
    return "\n".join(lines) + ("\n" if draw(st.booleans()) else "")


class TestRoundTrip:
    """Adding a source keeps every line the user wrote, in order, and adds only the new record."""

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(original=sources_files(), body=st.text(alphabet="成本下降一半推理 abc", min_size=3, max_size=40))
    def test_users_file_kept(
        self, tmp_path_factory: pytest.TempPathFactory, real_kb, original: str, body: str
    ) -> None:
        work = tmp_path_factory.mktemp("rt")
        (work / "my").mkdir()
        target = work / "my" / "sources.yaml"
        target.write_text(original, encoding="utf-8")
        article = _article(work, "Example heading\n" + body + "成本下降。\n")
        before = yaml.safe_load(original)["sources"] or []
        done = add_source(real_kb, article, work / "my", source_id="zz-new", title_en="T", outlet="wired")
        assert done.added
        after_text = target.read_text(encoding="utf-8")
        after = yaml.safe_load(after_text)["sources"]
        assert after[:-1] == before and after[-1] == done.source
        old_lines, new_lines = original.splitlines(), after_text.splitlines()
        ops = [
            op
            for op in difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes()
            if op[0] != "equal"
        ]
        if before:  # the user's lines untouched; one block inserted
            assert [op[0] for op in ops] == ["insert"]
        else:  # "sources: []" becomes "sources:" above the new item
            assert all(op[0] in ("insert", "replace") for op in ops)
            assert [ln for ln in old_lines if not ln.startswith("sources:")] == [
                ln for ln in new_lines if ln in old_lines and not ln.startswith("sources:")
            ]


class TestAddSourceCommand:
    """The command: one id on stdout, a summary on stderr, errors as one line."""

    def test_add_then_known(self, runner, tmp_path: Path) -> None:
        my = tmp_path / "my"
        args = ["--data-dir", str(my), "add-source", str(EXAMPLE / "article.txt"), "--outlet", "示例研究所"]
        args += [
            "--id",
            "example-inference-note",
            "--title-en",
            "T",
            "--kind",
            "report-summary",
            "--date",
            "2026-11",
        ]
        import shutil

        shutil.copytree(EXAMPLE / "my-data", my)
        result = runner.invoke(app, args, catch_exceptions=False)
        assert result.exit_code == 0 and result.stdout == "example-inference-note\n"
        assert "zh-Hans" in result.stderr and "(month)" in result.stderr
        again = runner.invoke(app, args, catch_exceptions=False)
        assert again.exit_code == 0 and again.stdout == ""
        assert "already known as source 'example-inference-note'" in again.stderr
        assert (
            yaml.safe_load((my / "sources.yaml").read_text(encoding="utf-8"))["sources"][0]["kind"]
            == "report-summary"
        )

    def test_needs_a_data_dir(self, runner, tmp_path: Path) -> None:
        result = runner.invoke(app, ["add-source", str(_article(tmp_path))])
        assert result.exit_code == 2 and result.stderr.startswith("Error: add-source writes into your own")

    def test_refuses_the_bundled_data(self, runner, tmp_path: Path) -> None:
        result = runner.invoke(
            app, ["--data-dir", str(bundled_data_dir()), "add-source", str(_article(tmp_path))]
        )
        assert result.exit_code == 2 and "bundled" in result.stderr

    def test_a_file_that_is_not_text(self, runner, tmp_path: Path) -> None:
        bad = tmp_path / "bad.txt"
        bad.write_bytes(b"\xff\xfe\x00bad")
        result = runner.invoke(app, ["--data-dir", str(tmp_path / "my"), "add-source", str(bad)])
        assert result.exit_code == 2 and "not UTF-8" in result.stderr and len(result.stderr.splitlines()) == 1


def test_add_source_and_resolve_write_into_the_same_layer(tmp_path):
    """One rule for the layer a command writes into: the first directory given."""
    from aitrends.loader import writable_layer
    from aitrends.resolutions import user_layer

    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    assert (
        user_dir([first, second]) == user_layer([first, second]) == writable_layer([first, second]) == first
    )
