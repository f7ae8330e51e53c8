"""JSON Schemas of the data files and the generated field reference (aitrends.schema).

The data is validated with the real ``jsonschema`` package, so the schemas cannot drift from
the models: every bundled file must pass, and invalid snippets must fail under both the
schema and the models.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from aitrends import models as m
from aitrends import schema
from aitrends.cli import app

from .conftest import FIXTURE_DATA, ROOT

jsonschema = pytest.importorskip("jsonschema")

SCHEMAS = ROOT / "schemas"
DATA = ROOT / "data"
DATA_FILES = sorted(DATA.glob("*.yaml")) + sorted((DATA / "facts").glob("*.yaml"))


class Yaml12Loader(yaml.SafeLoader):
    """PyYAML's safe loader, reading floats as YAML 1.2 does (as an editor's YAML language
    server does): ``68.7e9`` is a number, not the string PyYAML 1.1 makes of it."""


Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$"),
    list("-+0123456789."),
)


def as_json(value):
    """YAML data as JSON data: PyYAML reads an unquoted 2024-05-01 as a date, which an
    editor's YAML 1.2 parser (and JSON Schema) sees as the string it is."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def load(path: Path):
    return as_json(yaml.load(path.read_text(encoding="utf-8"), Loader=Yaml12Loader))  # noqa: S506 - a SafeLoader


def type_of(path: Path) -> str:
    return "facts" if path.parent.name == "facts" else path.stem


def validator(name: str):
    return jsonschema.Draft202012Validator(schema.file_schema(name))


def errors(name: str, data) -> list[str]:
    """Every error message, including those of each failed branch of an anyOf (where the
    message that explains the problem is, e.g. a pattern mismatch)."""
    out: set[str] = set()

    def leaves(error) -> None:
        out.add(error.message)
        for sub in error.context or []:
            leaves(sub)

    for error in validator(name).iter_errors(data):
        leaves(error)
    return sorted(out)


def rejected_for(name: str, data, expected: list[str]) -> bool:
    """Valid when ``expected`` is empty; else invalid with every expected message among the errors."""
    found = errors(name, data)
    return found == [] if not expected else set(expected) <= set(found)


@pytest.mark.parametrize("name", list(schema.FILE_MODELS))
def test_schemas_are_valid_json_schema(name):
    jsonschema.Draft202012Validator.check_schema(schema.file_schema(name))


def test_committed_schemas_are_current():
    assert schema.stale_schemas(SCHEMAS) == [], "run: aitrends schema --docs docs/data-format.md"
    assert sorted(p.name for p in SCHEMAS.iterdir()) == sorted(f"{n}.schema.json" for n in schema.FILE_MODELS)


def test_committed_field_reference_is_current():
    assert (ROOT / "docs" / "data-format.md").read_text(encoding="utf-8") == schema.data_format_markdown(), (
        "run: aitrends schema --docs docs/data-format.md"
    )


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: str(p.relative_to(DATA)))
def test_bundled_data_validates(path):
    assert errors(type_of(path), load(path)) == []


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: str(p.relative_to(DATA)))
def test_bundled_data_names_its_schema(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == schema.schema_line(type_of(path))
    target = (path.parent / first.split("$schema=", 1)[1]).resolve()
    assert target == (SCHEMAS / f"{type_of(path)}.schema.json").resolve() and target.is_file()


@pytest.mark.parametrize(
    "path",
    sorted(FIXTURE_DATA.glob("*.yaml")) + sorted((FIXTURE_DATA / "facts").glob("*.yaml")),
    ids=lambda p: str(p.relative_to(FIXTURE_DATA)),
)
def test_fixture_data_validates(path):
    assert errors(type_of(path), load(path)) == []


FACT = {
    "id": "x",
    "kind": "claim",
    "speaker": "zhang-san",
    "topics": ["cost"],
    "statement": "s",
    "excerpt": "e",
    "excerpt_en": "e",
}


def facts_file(**changes):
    fact = {**FACT, **changes}
    return {"source": "alpha-interview", "facts": [{k: v for k, v in fact.items() if v is not None}]}


QUANTITY = {"value": 1.0, "unit": "USD", "stated": "1美元"}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (facts_file(), []),
        (facts_file(speaker=["a", "b"], cited="kpmg", about="openai"), []),
        (facts_file(cited=[{"by": "kpmg", "work": "report", "date": "2023"}, "openai"]), []),
        (facts_file(kind="figure", quantity=QUANTITY), []),
        (facts_file(quantity={**QUANTITY, "value": None, "bound": "range", "low": 1, "high": 2}), []),
        (facts_file(said="unknown"), []),
        (facts_file(colour="red"), ["Additional properties are not allowed ('colour' was unexpected)"]),
        (facts_file(kind="rumour"), ["'rumour' is not one of ['claim', 'forecast', 'quote', 'figure']"]),
        (facts_file(kind="figure"), ["'quantity' is a required property"]),
        (facts_file(speaker="Zhang San"), ["'Zhang San' does not match '^[a-z0-9]+(?:-[a-z0-9]+)*$'"]),
        (facts_file(said="May 2024"), [r"'May 2024' does not match '^\\d{4}(-\\d{2}(-\\d{2})?)?$'"]),
        (
            facts_file(quantity={**QUANTITY, "bound": "range"}),
            ["'high' is a required property", "'low' is a required property"],
        ),
        (facts_file(quantity={"unit": "USD", "stated": "1美元"}), ["'value' is a required property"]),
        (facts_file(quantity={**QUANTITY, "value": None}), ["None is not of type 'number'"]),
        (
            facts_file(kind="forecast"),
            ["'criteria' is a required property", "'horizon' is a required property"],
        ),
        ({"facts": [FACT]}, ["'source' is a required property"]),
        ({"resolutions": [{"fact": "x", "outcome": True, "date": "2025", "evidence": "e"}]}, []),
        (
            {"resolutions": [{"fact": "x", "outcome": "maybe", "date": "2025", "evidence": "e"}]},
            ["'maybe' is not one of ['true', 'false', 'partly', 'ambiguous', 'void']"],
        ),
    ],
)
def test_schema_and_models_agree_on_facts(data, expected):
    """Each snippet is judged the same by the schema and by the models the loader uses."""
    assert rejected_for("facts", data, expected), errors("facts", data)
    from pydantic import TypeAdapter, ValidationError

    default = data.get("source")
    try:
        for fact in data.get("facts", []):
            TypeAdapter(m.Fact).validate_python({"source": default, **fact} if default else fact)
        for res in data.get("resolutions", []):
            m.Resolution.model_validate(res)
    except ValidationError:
        assert expected
    else:
        assert not expected


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        (
            "sources",
            {"sources": [{"id": "a"}]},
            [
                "'kind' is a required property",
                "'language' is a required property",
                "'outlet' is a required property",
                "'sha256' is a required property",
                "'title' is a required property",
                "'title_en' is a required property",
            ],
        ),
        (
            "people",
            {"people": [{"id": "a", "name_en": "A", "roles": [{"title": "CEO", "org": "Example"}]}]},
            ["'Example' does not match '^[a-z0-9]+(?:-[a-z0-9]+)*$'"],
        ),
        (
            "topics",
            {"topics": [{"id": "a", "label_en": "A", "label_zh": "甲"}], "extra": 1},
            ["Additional properties are not allowed ('extra' was unexpected)"],
        ),
        (
            "organizations",
            {"organizations": [{"id": "a", "name_en": "A", "kind": "startup"}]},
            [
                "'startup' is not one of ['company', 'research', 'university', 'media', 'investor', 'government', 'nonprofit', 'consultancy', 'platform', 'other']"
            ],
        ),
    ],
)
def test_reference_files_rejected(name, data, expected):
    assert rejected_for(name, data, expected), errors(name, data)


class TestWriting:
    """aitrends schema: writes only what changed."""

    def test_rewrites_only_changed_files(self, tmp_path):
        first = schema.write_schemas(tmp_path)
        assert [p.name for p in first] == [f"{n}.schema.json" for n in schema.FILE_MODELS]
        assert schema.write_schemas(tmp_path) == []
        (tmp_path / "topics.schema.json").write_text("{}", encoding="utf-8")
        assert schema.write_schemas(tmp_path) == [tmp_path / "topics.schema.json"]
        assert schema.stale_schemas(tmp_path) == []

    def test_command(self, runner, tmp_path):
        out, doc = tmp_path / "s", tmp_path / "data-format.md"
        check = runner.invoke(app, ["schema", "-o", str(out), "--check"])
        assert check.exit_code == 1
        assert check.stderr == (
            f"Error: out of date: {', '.join(str(out / (n + '.schema.json')) for n in schema.FILE_MODELS)}; "
            "run aitrends schema to rewrite\n"
        )
        result = runner.invoke(app, ["schema", "-o", str(out), "--docs", str(doc)], catch_exceptions=False)
        assert result.exit_code == 0
        assert result.stderr.splitlines() == [
            *(f"wrote {out / n}.schema.json" for n in schema.FILE_MODELS),
            f"wrote {doc}",
        ]
        again = runner.invoke(app, ["schema", "-o", str(out), "--docs", str(doc), "--check"])
        assert (again.exit_code, again.stderr) == (0, "schemas are up to date\n")


def test_field_reference_documents_every_field():
    text = schema.data_format_markdown()
    for model in (
        m.Source,
        m.Person,
        m.Organization,
        m.Topic,
        m.Metric,
        m.Quantity,
        m.Rate,
        m.Horizon,
        m.Resolution,
    ):
        for field in model.model_fields:
            assert re.search(rf"^\| `{field}` \|", text, re.M), (model.__name__, field)
    for model in (m.Forecast, m.Figure):
        assert f"### {model.__name__}" in text
    assert "| `horizon` | [Horizon](#horizon) | yes | When it should come true. |" in text
