"""Loading data files: every class of error with its exact one-line message."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import aitrends
from aitrends.loader import bundled_data_dir, resolve_data_dirs
from aitrends.records import fact_record
from aitrends.yamlio import YamlError, parse

from .conftest import FIXTURE_DATA


def problems(data_dir: Path) -> list[str]:
    with pytest.raises(aitrends.DataError) as info:
        aitrends.load(data_dir, bundled=False)
    return [str(p) for p in info.value.problems]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


GOOD_FACT = """\
  - id: new-fact
    kind: quote
    speaker: zhang-san
    topics: [open-source]
    statement: A statement.
    excerpt: 我认为开源模型会越来越重要。
    excerpt_en: I think so.
"""


class TestYaml:
    """The safe YAML reader."""

    @pytest.mark.parametrize(
        ("text", "line", "message"),
        [
            ("a: 1\na: 2\n", 2, "duplicate key 'a' (first on line 1)"),
            ("a: &x [1]\nb: *x\n", 2, "aliases (*name) are not allowed in data files"),
            (
                "x: !!python/object/apply:os.system [echo hi]\n",
                1,
                "tag '!!python/object/apply:os.system' is not allowed",
            ),
            ("x: !custom 1\n", 1, "tag '!custom' is not allowed"),
            ("a: [\n", 2, "invalid YAML: did not find expected node content"),
            ("---\na: 1\n---\nb: 2\n", 3, "a data file holds one YAML document; found a second"),
            ("? [1]\n: 2\n", 1, "a mapping key must be a plain value"),
            ("[" * 100 + "]" * 100, 1, "nesting deeper than 64 levels"),
        ],
    )
    def test_refused(self, text, line, message):
        with pytest.raises(YamlError) as info:
            parse(text)
        assert (info.value.line, info.value.message) == (line, message)

    def test_lines_of_nested_items(self):
        doc = parse("facts:\n  - id: a\n    speaker: b\n  - id: c\n")
        assert doc.data == {"facts": [{"id": "a", "speaker": "b"}, {"id": "c"}]}
        assert doc.line_of(("facts", 0, "speaker")) == 3
        assert doc.line_of(("facts", 1)) == 4
        assert doc.line_of(("facts", 1, "missing")) == 4

    def test_scalars_resolve_like_safe_load(self):
        import yaml

        text = "a: 1\nb: 1.5\nc: true\nd: null\ne: 2024-05-01\nf: '2024'\ng: 1e9\nh: 0x10\n"
        assert parse(text).data == yaml.safe_load(text)


class TestErrors:
    """Each class of data error, reported as file:line: location: message."""

    def test_unknown_field_with_suggestion(self, data_copy):
        f = data_copy / "facts" / "alpha-interview.yaml"
        f.write_text(
            f.read_text(encoding="utf-8").replace(
                "    speaker: zhang-san\n    topics: [agents]", "    speker: zhang-san\n    topics: [agents]"
            ),
            encoding="utf-8",
        )
        assert problems(data_copy) == [
            f"{rel(f)}:35: facts[3].speaker: required field is missing",
            f"{rel(f)}:37: facts[3].speker: unknown field (did you mean 'speaker'?)",
        ]

    def test_dangling_reference_with_suggestion(self, data_copy):
        f = data_copy / "facts" / "beta-column.yaml"
        f.write_text(
            f.read_text(encoding="utf-8").replace("speaker: jane-roe", "speaker: jane-ro", 1),
            encoding="utf-8",
        )
        assert problems(data_copy) == [
            f"{rel(f)}:5: facts[0].speaker[0]: unknown person or organization 'jane-ro' (did you mean 'jane-roe'?)"
        ]

    def test_a_cited_origin_is_named_or_described(self, data_copy):
        f = data_copy / "facts" / "beta-column.yaml"
        text = f.read_text(encoding="utf-8")
        f.write_text(
            text.replace("    speaker: jane-roe\n", "    speaker: jane-roe\n    cited: [{}]\n", 1),
            encoding="utf-8",
        )
        assert problems(data_copy) == [
            f"{rel(f)}:6: facts[0].cited[0]: a cited origin needs 'by' (who) or, when the article names "
            "no one, 'work'"
        ]
        # an unnamed origin, described as the article describes it, is valid and shown as unnamed
        f.write_text(
            text.replace(
                "    speaker: jane-roe\n", "    speaker: jane-roe\n    cited: [{work: some say}]\n", 1
            ),
            encoding="utf-8",
        )
        kb = aitrends.load(data_copy, bundled=False)
        fact = kb.get("roe-compute-doubles-6-months")
        assert fact.cited[0].by is None and fact.cited[0].name(kb) == "unnamed"
        rec = fact_record(kb, fact)
        assert rec["cited_names"] == ["unnamed"] and rec["cited"][0]["work"] == "some say"

    def test_duplicate_id_across_files(self, data_copy):
        f = write(
            data_copy / "facts" / "zz.yaml",
            "source: beta-column\nfacts:\n" + GOOD_FACT.replace("new-fact", "zhang-open-source-matters"),
        )
        (p,) = problems(data_copy)
        assert p.startswith(f"{rel(f)}:3: facts[0].id: duplicate id 'zhang-open-source-matters' (also at ")
        assert p.endswith("alpha-interview.yaml:44)")

    def test_wrong_type_and_bad_id(self, data_copy):
        f = write(
            data_copy / "facts" / "zz.yaml",
            "source: beta-column\nfacts:\n"
            + GOOD_FACT.replace("new-fact", "New Fact").replace(
                "topics: [open-source]",
                "topics: open-source\n    rate: {direction: decline, factor: 0.5, period: 1, period_unit: year, stated: x}",
            ),
        )
        assert problems(data_copy) == [
            f"{rel(f)}:3: facts[0].id: 'New Fact' is not a valid id (lower-case letters, digits and single hyphens)",
            f"{rel(f)}:7: facts[0].rate.factor: Input should be greater than 1",
        ]

    def test_number_text_must_be_in_excerpt(self, data_copy):
        f = data_copy / "facts" / "alpha-interview.yaml"
        f.write_text(
            f.read_text(encoding="utf-8").replace("stated: 约为12亿美元", "stated: 约为13亿美元"),
            encoding="utf-8",
        )
        assert problems(data_copy) == [
            f"{rel(f)}:21: facts[1].quantity.stated: value 1.2e+09 does not match '约为13亿美元' (which reads as 1.3e+09)",
            f"{rel(f)}:21: facts[1].quantity.stated: '约为13亿美元' does not appear in the excerpt",
        ]

    def test_attribution_rules(self, data_copy):
        body = GOOD_FACT + "    attribution: indirect\n"
        f = write(data_copy / "facts" / "zz.yaml", "source: beta-column\nfacts:\n" + body)
        assert problems(data_copy) == [
            f"{rel(f)}:10: facts[0].attribution: a quote must be the speaker's own words (attribution: direct)",
        ]

    def test_numbers_must_be_yaml_numbers(self, data_copy):
        """'68.7e9' is a string to YAML 1.1 (PyYAML): it must not be coerced silently."""
        f = data_copy / "facts" / "alpha-interview.yaml"
        f.write_text(f.read_text(encoding="utf-8").replace("value: 1.2e+9", "value: 12e8"), encoding="utf-8")
        assert problems(data_copy) == [
            f"{rel(f)}:21: facts[1].quantity.value: Input should be a valid number"
        ]

    def test_unknown_kind(self, data_copy):
        f = write(
            data_copy / "facts" / "zz.yaml",
            "source: beta-column\nfacts:\n" + GOOD_FACT.replace("kind: quote", "kind: rumour"),
        )
        assert problems(data_copy) == [
            f"{rel(f)}:3: facts[0]: kind must be one of claim, forecast, quote, figure, not 'rumour'"
        ]

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (b"", "file is empty"),
            (b"- a\n- b\n", "expected a mapping at the top of the file"),
            (b"facts: {}\n", "facts: must be a list"),
            (b"fact: []\n", "fact: unknown section (did you mean 'facts'?)"),
            (b"facts:\n  - \xff\n", "invalid UTF-8 (byte 0xff)"),
            (b"\xff\xfef\x00", "file is UTF-16; save it as UTF-8"),
            (b"facts: []\x00\n", "file contains a NUL byte"),
        ],
    )
    def test_file_level(self, data_copy, content, message):
        f = data_copy / "facts" / "zz.yaml"
        f.write_bytes(content)
        (p,) = problems(data_copy)
        assert p.startswith(rel(f) + ":") and p.endswith(message)

    def test_non_yaml_file_in_facts(self, data_copy):
        write(data_copy / "facts" / "notes.txt", "hello")
        assert problems(data_copy) == [
            f"{rel(data_copy / 'facts' / 'notes.txt')}: not a YAML file (facts/ holds *.yaml files only)"
        ]

    def test_bom_is_read(self, data_copy):
        f = write(data_copy / "facts" / "zz.yaml", "source: beta-column\nfacts:\n" + GOOD_FACT)
        f.write_bytes(b"\xef\xbb\xbf" + f.read_bytes())
        assert aitrends.load(data_copy, bundled=False).get("new-fact").statement == "A statement."

    def test_all_errors_of_all_files_together(self, data_copy):
        write(data_copy / "facts" / "a1.yaml", "facts:\n  - {id: x}\n")
        write(data_copy / "facts" / "a2.yaml", "a: 1\na: 2\n")
        found = problems(data_copy)
        assert any("a1.yaml" in p for p in found) and any("a2.yaml:2: duplicate key 'a'" in p for p in found)

    def test_missing_directory(self, tmp_path):
        assert problems(tmp_path / "nope") == [f"{rel(tmp_path / 'nope')}: data directory not found"]


class TestLayers:
    """Data directories stack over the bundled data."""

    def test_layer_adds_facts_and_refers_to_lower_ids(self, tmp_path):
        write(tmp_path / "facts" / "mine.yaml", "source: beta-column\nfacts:\n" + GOOD_FACT)
        kb = aitrends.load(FIXTURE_DATA, tmp_path, bundled=False)
        assert kb.get("new-fact").speaker == ["zhang-san"]
        assert len(kb.all_facts) == 9

    def test_duplicate_across_layers_needs_override(self, tmp_path):
        body = GOOD_FACT.replace("new-fact", "zhang-open-source-matters")
        write(tmp_path / "facts" / "mine.yaml", "source: beta-column\nfacts:\n" + body)
        with pytest.raises(aitrends.DataError) as info:
            aitrends.load(FIXTURE_DATA, tmp_path, bundled=False)
        assert "set 'override: true' to replace it from a higher layer" in str(info.value.problems[0])
        write(
            tmp_path / "facts" / "mine.yaml", "source: beta-column\nfacts:\n" + body + "    override: true\n"
        )
        kb = aitrends.load(FIXTURE_DATA, tmp_path, bundled=False)
        assert kb.get("zhang-open-source-matters").statement == "A statement."

    def test_override_of_nothing_is_an_error(self, tmp_path):
        write(
            tmp_path / "facts" / "mine.yaml",
            "source: beta-column\nfacts:\n" + GOOD_FACT + "    override: true\n",
        )
        with pytest.raises(aitrends.DataError) as info:
            aitrends.load(FIXTURE_DATA, tmp_path, bundled=False)
        assert str(info.value.problems[0]).endswith(
            "facts[0].override: 'new-fact' overrides nothing: no lower layer has it"
        )

    def test_resolve_data_dirs(self, tmp_path):
        env = {"AITRENDS_DATA": os.pathsep.join([str(tmp_path), str(FIXTURE_DATA)])}
        assert resolve_data_dirs(environ=env) == [bundled_data_dir(), tmp_path, FIXTURE_DATA]
        assert resolve_data_dirs([FIXTURE_DATA], environ=env) == [bundled_data_dir(), FIXTURE_DATA]
        assert resolve_data_dirs([FIXTURE_DATA], bundled=False, environ={}) == [FIXTURE_DATA]
        assert resolve_data_dirs(environ={"AITRENDS_NO_BUNDLED": "1"}) == []
        assert resolve_data_dirs([bundled_data_dir(), FIXTURE_DATA], environ={}) == [
            bundled_data_dir(),
            FIXTURE_DATA,
        ]


def rel(path: Path) -> str:
    r = os.path.relpath(path)
    return str(path) if r.startswith("..") else r
