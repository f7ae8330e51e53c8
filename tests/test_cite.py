"""Citations: CSL-JSON, BibTeX and text (aitrends.cite).

The CSL-JSON is validated against ``tests/fixtures/csl-data.json``. There is no network here,
so that file is not the official schema downloaded from citation-style-language/schema: it is
written for these tests from the CSL 1.0.2 specification of csl-data.json (the item types,
the name, date, string and number variables, ``custom``, ``required: [type, id]`` and
``additionalProperties: false``), so that an unknown field, a wrong type name, a malformed
name or date fails as it would against the official schema.
"""

from __future__ import annotations

import json

import pytest

from aitrends import cite as c
from aitrends import models as m
from aitrends.cli import app
from aitrends.dates import PartialDate

from .conftest import FIXTURES, fixture_args

jsonschema = pytest.importorskip("jsonschema")
CSL_SCHEMA = json.loads((FIXTURES / "csl-data.json").read_text(encoding="utf-8"))


def validate_csl(items):
    jsonschema.Draft7Validator.check_schema(CSL_SCHEMA)
    errors = [e.message for e in jsonschema.Draft7Validator(CSL_SCHEMA).iter_errors(items)]
    assert errors == []


def source(kb, sid):
    return kb.table("sources")[sid]


class TestCslJson:
    """CSL-JSON items of sources and facts."""

    def test_chinese_interview(self, kb):
        assert c.csl_items(kb, ["alpha-interview"]) == [
            {
                "id": "alpha-interview",
                "type": "article-newspaper",
                "title": "专访示例公司首席执行官张三：推理成本每年下降十倍",
                "container-title": "示例日报",
                "author": [{"literal": "李四"}],
                "issued": {"date-parts": [[2024, 3, 5]]},
                "language": "zh-Hans",
                "custom": {
                    "translated-title": "Interview with Example Corp's CEO Zhang San: inference cost falls tenfold a year",
                    "translated-title-language": "en",
                    "translated-title-original": False,
                    "aitrends-source": "alpha-interview",
                },
            }
        ]

    def test_undated_english_column(self, kb):
        item = c.csl_items(kb, ["beta-column"])[0]
        assert (item["type"], item["language"], item["container-title"]) == (
            "article-newspaper",
            "en",
            "Example Weekly",
        )
        assert "issued" not in item and "author" not in item and "URL" not in item

    @pytest.mark.parametrize(
        ("published", "parts"),
        [("2024", [2024]), ("2024-03", [2024, 3]), ("2024-03-05", [2024, 3, 5])],
    )
    def test_issued_keeps_the_precision(self, kb, published, parts):
        src = source(kb, "alpha-interview").model_copy(update={"published": PartialDate.parse(published)})
        item = c.source_item(kb, src.model_dump(mode="json"))
        assert item["issued"] == {"date-parts": [parts]}
        validate_csl([item])

    def test_names(self, kb):
        assert c.csl_name(kb, "li-si", m.Language.zh_hans) == {"literal": "李四"}
        assert c.csl_name(kb, "zhang-san", m.Language.zh_hant) == {"literal": "張三"}
        assert c.csl_name(kb, "li-si", m.Language.en) == {"literal": "Li Si"}  # never split
        assert c.csl_name(kb, "jane-roe", m.Language.en) == {"family": "Roe", "given": "Jane"}
        assert c.csl_name(kb, "example-corp", m.Language.zh_hans) == {"literal": "示例公司"}

    def test_report_summary_url_and_repost(self, kb):
        src = source(kb, "alpha-interview").model_copy(
            update={
                "kind": m.SourceKind.report_summary,
                "url": "https://example.org/a",
                "platform": "example-corp",
            }
        )
        item = c.source_item(kb, src.model_dump(mode="json"))
        assert (item["type"], item["URL"], item["note"]) == (
            "post-weblog",
            "https://example.org/a",
            "Reposted on Example Corp",
        )

    def test_fact_cites_its_source(self, kb):
        item = c.csl_items(kb, ["zhang-open-source-matters"])[0]
        assert (item["id"], item["note"], item["custom"]["aitrends-fact"], item["title"]) == (
            "zhang-open-source-matters",
            "aitrends fact zhang-open-source-matters",
            "zhang-open-source-matters",
            source(kb, "alpha-interview").title,
        )

    def test_fixture_items_validate(self, kb):
        validate_csl(c.csl_items(kb, ["alpha-interview", "beta-column", "roe-data-runs-out-2026"]))

    def test_bundled_items_validate(self, real_kb):
        items = c.csl_items(real_kb, [s.id for s in real_kb.sources] + [real_kb.all_facts[0].id])
        validate_csl(items)
        assert {i["type"] for i in items} == {"article-newspaper", "post-weblog"}
        assert len(items) == len(real_kb.sources)  # the fact is cited by its source's entry
        assert [i["id"] for i in items if "URL" in i] == ["kpmg-zgc-ai-trends-2024"]

    def test_schema_catches_mistakes(self, kb):
        item = c.csl_items(kb, ["alpha-interview"])[0]
        bad = [
            {**item, "type": "newspaper-article"},
            {**item, "translated-title": "x"},
            {**item, "author": [{"name": "李四"}]},
            {**item, "issued": {"date-parts": [[2024, 3, 5, 1]]}},
        ]
        validator = jsonschema.Draft7Validator(CSL_SCHEMA)
        assert [len(list(validator.iter_errors([b]))) > 0 for b in bad] == [True] * 4


class TestBibtexAndText:
    """BibTeX (biblatex) entries and plain-text references."""

    def test_biblatex(self, kb):
        assert c.cite(kb, ["alpha-interview"], "biblatex") == (
            "@article{alpha-interview,\n"
            "  entrysubtype = {newspaper},\n"
            "  author = {{李四}},\n"
            "  title = {专访示例公司首席执行官张三：推理成本每年下降十倍},\n"
            "  titleaddon = {[Interview with Example Corp's CEO Zhang San: inference cost falls tenfold a year]},\n"
            "  journaltitle = {示例日报},\n"
            "  date = {2024-03-05},\n"
            "  language = {Chinese (Simplified)}\n"
            "}\n"
        )

    def test_bibtex_partial_date_and_escaping(self, kb):
        src = source(kb, "beta-column").model_copy(
            update={
                "published": PartialDate(2024, 3),
                "title": "R&D costs: 50% {less}_now",
                "title_en": "R&D costs: 50% {less}_now",
            }
        )
        entry = c.biblatex_entry(c.source_item(kb, src.model_dump(mode="json")))
        assert "  title = {R\\&D costs: 50\\% \\{less\\}\\_now},\n" in entry
        assert "  date = {2024-03},\n" in entry and "titleaddon" not in entry

    def test_text(self, kb):
        assert c.cite(kb, ["alpha-interview", "beta-column", "zhang-open-source-matters"], "text") == (
            "李四. “专访示例公司首席执行官张三：推理成本每年下降十倍” [Interview with Example Corp's CEO Zhang San: "
            "inference cost falls tenfold a year]. 示例日报, 2024-03-05. aitrends fact zhang-open-source-matters.\n"
            "“Example Weekly column”. Example Weekly, n.d.\n"
        )


class TestCommand:
    """aitrends cite SOURCE|FACT --format ..."""

    def test_csl_json(self, runner):
        result = runner.invoke(
            app, fixture_args("cite", "alpha-interview", "-f", "csl-json"), catch_exceptions=False
        )
        assert result.exit_code == 0
        items = json.loads(result.stdout)
        assert [i["id"] for i in items] == ["alpha-interview"]
        validate_csl(items)

    def test_default_is_text(self, runner):
        result = runner.invoke(app, fixture_args("cite", "beta-column"), catch_exceptions=False)
        assert (result.exit_code, result.stdout) == (0, "“Example Weekly column”. Example Weekly, n.d.\n")

    def test_unknown(self, runner):
        result = runner.invoke(app, fixture_args("cite", "alpha-intervew"))
        assert (result.exit_code, result.stdout) == (1, "")
        assert (
            result.stderr
            == "Error: unknown source or fact 'alpha-intervew' (did you mean 'alpha-interview'?)\n"
        )


class TestIssue16:
    """Classic BibTeX and biblatex apart, read by real parsers; CSL types; one entry a source."""

    REFS = ["kpmg-zgc-ai-trends-2024", "nbd-etzioni-2023", "wired-lee-think-lighter", "yingai-amodei-solar"]

    def test_pybtex_plain_style_formats_classic_bibtex(self, real_kb):
        pybtex_database = pytest.importorskip("pybtex.database")
        from pybtex.style.formatting.plain import Style

        data = pybtex_database.parse_string(c.cite(real_kb, self.REFS, "bibtex"), "bibtex")
        entries = list(Style().format_entries(data.entries.values()))  # raises on "missing journal"
        assert len(entries) == len(self.REFS)
        assert data.entries["nbd-etzioni-2023"].fields["journal"] == "每日经济新闻"
        assert "journaltitle" not in data.entries["nbd-etzioni-2023"].fields

    def test_bibtexparser_reads_both(self, real_kb):
        bibtexparser = pytest.importorskip("bibtexparser")
        for fmt, field in (("bibtex", "journal"), ("biblatex", "journaltitle")):
            text = c.cite(real_kb, self.REFS, fmt)
            parsed = (
                bibtexparser.parse_string(text)
                if hasattr(bibtexparser, "parse_string")
                else bibtexparser.loads(text)
            )
            entries = parsed.entries
            assert len(entries) == len(self.REFS)
            keys = {e.key if hasattr(e, "key") else e["ID"] for e in entries}
            assert keys == set(self.REFS)
            nbd = next(e for e in entries if (e.key if hasattr(e, "key") else e["ID"]) == "nbd-etzioni-2023")
            fields = nbd.fields_dict if hasattr(nbd, "fields_dict") else nbd
            assert field in fields

    def test_blog_post_type(self, real_kb):
        assert c.csl_items(real_kb, ["kpmg-zgc-ai-trends-2024"])[0]["type"] == "post-weblog"
        assert c.cite(real_kb, ["kpmg-zgc-ai-trends-2024"], "biblatex").startswith("@online{")

    def test_fact_and_its_source_give_one_entry(self, kb):
        items = c.csl_items(kb, ["alpha-interview", "zhang-open-source-matters", "zhang-market-size-2023"])
        assert [i["id"] for i in items] == ["alpha-interview"]
        assert items[0]["note"] == "aitrends facts zhang-open-source-matters, zhang-market-size-2023"
        validate_csl(items)

    def test_the_same_ref_twice(self, kb):
        assert len(c.csl_items(kb, ["beta-column", "beta-column"])) == 1


def test_every_kind_of_source_has_a_csl_type():
    """The CSL types are keyed by the kinds' values (cite reads the stored records)."""
    assert set(c.CSL_TYPES) == {k.value for k in m.SourceKind}
