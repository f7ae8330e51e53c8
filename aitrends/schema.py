"""JSON Schemas of the data files, and the field reference in ``docs/data-format.md``.

Both are generated from the models in :mod:`aitrends.models`, so they cannot drift from what
``aitrends validate`` accepts. The schemas describe what an editor sees: the shapes, types,
patterns and enumerations of every field. Rules between records (references, duplicate ids)
and the numbers' agreement with their text are checked by ``aitrends validate`` only.

Each data file names its schema on its first line, for editors with the YAML language server:
``# yaml-language-server: $schema=../schemas/sources.schema.json``.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, BeforeValidator

from . import models as m
from .atomic import atomic_path
from .dates import PARTIAL_DATE_PATTERN

DIALECT = "https://json-schema.org/draft/2020-12/schema"

FILE_MODELS: dict[str, type[m.Model]] = {
    "sources": m.SourcesFile,
    "people": m.PeopleFile,
    "organizations": m.OrganizationsFile,
    "topics": m.TopicsFile,
    "metrics": m.MetricsFile,
    "facts": m.FactsFile,
    "hedges": m.HedgesFile,
}
"""The model of each data file type; ``facts`` is every file in ``facts/``."""

FILE_PATHS = {name: f"{name}.yaml" for name in FILE_MODELS} | {"facts": "facts/*.yaml"}

# Fields whose before-validator also accepts YAML's unquoted true/false.
_ACCEPTS_BOOLEAN = {("Resolution", "outcome")}


def schema_line(name: str) -> str:
    """The comment that starts a data file of type ``name`` in the bundled ``data/``."""
    up = "../../" if name == "facts" else "../"
    return f"# yaml-language-server: $schema={up}schemas/{name}.schema.json"


def _models() -> dict[str, type[BaseModel]]:
    return {
        name: obj
        for name, obj in vars(m).items()
        if isinstance(obj, type) and issubclass(obj, BaseModel) and obj.__module__ == m.__name__
    }


def _bare(schema: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in schema.items() if k not in ("title", "description", "default")}


def _accept_single(defs: dict[str, Any], slug: dict[str, Any]) -> None:
    """Where a field's before-validator accepts one id (or one mapping) in place of a list,
    the schema does too."""
    for name, model in _models().items():
        if name not in defs:
            continue
        props = defs[name].get("properties", {})
        for field, info in model.model_fields.items():
            funcs = [v.func for v in info.metadata if isinstance(v, BeforeValidator)]
            prop = props.get(field)
            if prop is None:
                continue
            keep = {k: prop[k] for k in ("title", "description", "default") if k in prop}
            if m._listify in funcs:
                props[field] = {"anyOf": [prop["items"], _bare(prop)], **keep}
            elif m._cited_list in funcs:
                one = [slug, prop["items"]]
                props[field] = {"anyOf": [*one, {**_bare(prop), "items": {"anyOf": one}}], **keep}
            elif (name, field) in _ACCEPTS_BOOLEAN:
                props[field] = {"anyOf": [_bare(prop), {"type": "boolean"}], **keep}


def _fact_items(defs: dict[str, Any]) -> dict[str, Any]:
    """One fact: ``kind`` picks the schema of its kind (if/then, so that an editor reports the
    errors of the kind the fact has rather than of all four)."""
    kinds = [k.value for k in m.FactKind]
    return {
        "type": "object",
        "required": ["kind"],
        "properties": {"kind": {"enum": kinds, "description": "claim, forecast, quote or figure."}},
        "allOf": [
            {
                "if": {"properties": {"kind": {"const": k}}, "required": ["kind"]},
                "then": {"$ref": f"#/$defs/{m.FACT_CLASSES[m.FactKind(k)].__name__}"},
            }
            for k in kinds
        ],
    }


def _quantity_shape(defs: dict[str, Any]) -> None:
    """A range has low and high; any other bound has a value (as the model checks)."""
    defs["Quantity"]["if"] = {"properties": {"bound": {"const": "range"}}, "required": ["bound"]}
    number = {"type": "number"}
    defs["Quantity"]["then"] = {"required": ["low", "high"], "properties": {"low": number, "high": number}}
    defs["Quantity"]["else"] = {"required": ["value"], "properties": {"value": number}}


def file_schema(name: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a data file of type ``name`` (see :data:`FILE_MODELS`)."""
    model = FILE_MODELS[name]
    schema = copy.deepcopy(model.model_json_schema(mode="validation"))
    defs = schema.setdefault("$defs", {})
    slug = {"type": "string", "pattern": m.SLUG_PATTERN, "maxLength": 120}
    _accept_single(defs, slug)
    if "Quantity" in defs:
        _quantity_shape(defs)
    if name == "facts":
        schema["properties"]["facts"]["items"] = _fact_items(defs)
        for cls in m.FACT_CLASSES.values():
            # a fact may leave out `source` when its file gives one
            defs[cls.__name__]["required"].remove("source")
        schema["if"] = {"not": {"required": ["source"]}}
        schema["then"] = {"properties": {"facts": {"items": {"required": ["source"]}}}}
    title = f"aitrends {FILE_PATHS[name]}"
    return {"$schema": DIALECT, "title": title, **{k: v for k, v in schema.items() if k != "title"}}


def schema_text(name: str) -> str:
    """The schema of ``name`` as written to ``schemas/<name>.schema.json``."""
    return json.dumps(file_schema(name), indent=2, ensure_ascii=False) + "\n"


def write_schemas(directory: Path) -> list[Path]:
    """Write ``<name>.schema.json`` for every file type into ``directory``, rewriting a file
    only when its content changes. Returns the files written (empty when all were current)."""
    directory = Path(directory)
    written = []
    for name in FILE_MODELS:
        path = directory / f"{name}.schema.json"
        text = schema_text(name)
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        with atomic_path(path, force=True) as tmp:
            tmp.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    return written


def stale_schemas(directory: Path) -> list[str]:
    """Names of the schema files in ``directory`` that are missing or differ from the models."""
    directory = Path(directory)
    return [
        f"{name}.schema.json"
        for name in FILE_MODELS
        if not (p := directory / f"{name}.schema.json").is_file()
        or p.read_text(encoding="utf-8") != schema_text(name)
    ]


# --------------------------------------------------------------------------- field reference


def _md(text: str | None) -> str:
    """A docstring as one line of Markdown: rST ``literals`` become `literals`."""
    if not text:
        return ""
    return " ".join(text.replace("``", "`").split()).replace("|", "\\|")


def _md_block(text: str | None) -> str:
    """A model's docstring as Markdown paragraphs (lists and line breaks kept)."""
    return (text or "").replace("``", "`").strip()


def _type(schema: dict[str, Any], defs: dict[str, Any]) -> str:
    """A readable type for a schema fragment."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        target = defs.get(name, {})
        if "enum" in target:
            return "one of " + ", ".join(f"`{v}`" for v in target["enum"])
        return f"[{name}](#{name.lower()})"
    if "anyOf" in schema:
        parts = [p for p in schema["anyOf"] if p.get("type") != "null"]
        if any(p.get("pattern") == PARTIAL_DATE_PATTERN for p in parts):
            return "date (`2024`, `2024-05` or `2024-05-01`)"
        return " or ".join(dict.fromkeys(_type(p, defs) for p in parts))
    if "const" in schema:
        return f"`{schema['const']}`"
    if "kind" in schema.get("properties", {}) and "allOf" in schema:
        return "fact (see [Fields of every fact](#fields-of-every-fact))"
    if "enum" in schema:
        return "one of " + ", ".join(f"`{v}`" for v in schema["enum"])
    kind = schema.get("type")
    if kind == "array":
        text = "list of " + _type(schema.get("items", {}), defs)
        return text + (f" (at least {schema['minItems']})" if schema.get("minItems") else "")
    if kind == "string":
        if schema.get("pattern") == m.SLUG_PATTERN:
            return "id"
        if schema.get("pattern"):
            return f"string matching `{schema['pattern']}`"
        return "text" if schema.get("minLength") else "string"
    if kind == "number":
        bounds = [
            f"{op} {schema[k]:g}"
            for k, op in (("exclusiveMinimum", ">"), ("minimum", "≥"), ("maximum", "≤"))
            if k in schema
        ]
        return "number" + (f" ({', '.join(bounds)})" if bounds else "")
    if kind == "integer":
        return "integer" + (f" (≥ {schema['minimum']})" if "minimum" in schema else "")
    if kind == "boolean":
        return "true or false"
    return "any"


def _field_table(props: dict[str, Any], required: list[str], defs: dict[str, Any]) -> list[str]:
    lines = ["| field | type | required | description |", "|---|---|---|---|"]
    for name, prop in props.items():
        req = "yes" if name in required else ""
        if "default" in prop and prop["default"] not in (None, [], False):
            req = f"default `{json.dumps(prop['default'], ensure_ascii=False)}`"
        lines.append(f"| `{name}` | {_type(prop, defs)} | {req} | {_md(prop.get('description'))} |")
    return lines


def data_format_markdown() -> str:
    """The field reference of every data file type, as Markdown (``docs/data-format.md``)."""
    out = [
        "# Data format",
        "",
        "<!-- Generated by `aitrends schema --docs docs/data-format.md` from aitrends/models.py;",
        "     tests/test_schema.py fails when it is out of date. Do not edit by hand. -->",
        "",
        "The knowledge base is a directory of YAML files: five reference files and one file of",
        "facts per article in `facts/`, and `hedges.yaml`, the probabilities of hedge words",
        "([forecasts.md](forecasts.md)). Every file is checked by `aitrends validate`; the JSON",
        "Schemas in `schemas/` (written by `aitrends schema`) let an editor check them as you type.",
        "Each bundled file names its schema on its first line, e.g.",
        "",
        "```yaml",
        schema_line("sources"),
        "```",
        "",
        "(files in `facts/` use `../../schemas/facts.schema.json`). The schemas check shapes, types",
        "and enumerations; references between records, duplicate ids and the agreement of numbers",
        "with their text are checked by `aitrends validate` only.",
        "",
        "Dates are partial: `2024`, `2024-05` or `2024-05-01`, as precise as the article is. Ids",
        "are lower-case kebab-case (`kai-fu-lee`). Where a field takes a list of ids, one id alone",
        "is accepted too (`speaker: dario-amodei`).",
        "",
        "## Files",
        "",
        "| file | top-level keys | schema |",
        "|---|---|---|",
    ]
    for name, model in FILE_MODELS.items():
        keys = ", ".join(f"`{k}`" for k in model.model_fields)
        out.append(f"| `{FILE_PATHS[name]}` | {keys} | `schemas/{name}.schema.json` |")
    done: set[str] = set()
    all_defs: dict[str, Any] = {}
    for name in FILE_MODELS:
        all_defs.update(file_schema(name)["$defs"])
    for name in FILE_MODELS:
        schema = file_schema(name)
        out += ["", f"## `{FILE_PATHS[name]}`", "", "Top-level keys:", ""]
        out += _field_table(schema["properties"], schema.get("required", []), all_defs)
        order = _reached(schema, all_defs)
        if name == "facts":
            out += _facts_section(all_defs)
            done.update(c.__name__ for c in m.FACT_CLASSES.values())
        for def_name in order:
            d = all_defs[def_name]
            if def_name in done or "properties" not in d:
                continue
            done.add(def_name)
            out += ["", f"### {def_name}", "", _md_block(d.get("description")), ""]
            out += _field_table(d["properties"], d.get("required", []), all_defs)
    out += ATTRIBUTION_RULE + _lint_section()
    return "\n".join(out) + "\n"


ATTRIBUTION_RULE = [
    "",
    "## Who said it: the attribution rule",
    "",
    "The `speaker` of a fact is whoever asserts it *in the article's own words*:",
    "",
    "- the person whose words the excerpt is (an interview answer, a transcript, their own column",
    "  or speech): `attribution: direct`;",
    '- the person the writer reports in the body ("伊奇奥尼表示…", "he said…"):',
    "  `attribution: indirect`;",
    "- the outlet (or the credited writer) for its own words: a headline, a section heading, a",
    "  lead, an introduction or a summary. When such a passage presents what a person said, it is",
    "  the outlet's claim **about** that person, not the person's words: the speaker is the",
    "  outlet, the person goes in `attributed_to`, and a `paraphrases` link points to what the",
    "  person actually said (the note says where the two differ: a dropped hedge, a number",
    "  rounded up, someone else's argument).",
    "",
    "So `aitrends quote --person X` and every speaker filter list only X's own words (direct or",
    "reported), and `aitrends person X` lists the headlines and summaries that present X's view",
    "apart, as *what others say they said*. A report's own headings (the KPMG report's ten",
    "trends) are the report's words, so the report is their speaker; a repost's introduction is",
    "the reposter's.",
    "",
    "Hedges are kept whole: every hedge word of the excerpt that qualifies the fact (可能, 预计,",
    "有望, 我认为, 可以说, may, I think...) is recorded in `hedge`, or in the `bound` of the number",
    "it qualifies. A horizon's `stated` is the time expression only; a condition goes in",
    "`condition`, and a forecast whose excerpt has no time expression has `type: none` without",
    "`stated`. A link the article does not state, but that we infer, has `inferred: true`.",
]
"""The rule for ``speaker`` and ``attributed_to``, in docs/data-format.md."""


def _lint_section() -> list[str]:
    from .lint import RULES

    out = [
        "",
        "## `aitrends lint`: data that is valid but probably wrong",
        "",
        "`aitrends validate` rejects what breaks the format; `aitrends lint` warns about what keeps",
        "it but probably misreads the article. Each warning is one line: file:line, rule id, fact",
        "and reason; the command exits 1 while any warning is not waived. A fact waives a rule,",
        "with the reason, in its own data:",
        "",
        "```yaml",
        "waivers:",
        "- {rule: hedge-unrecorded, reason: 有望 hedges the other clause of the sentence.}",
        "```",
        "",
        "| rule | warns about |",
        "|---|---|",
    ]
    out += [f"| `{rule}` | {text} |" for rule, text in RULES.items()]
    return out


def _reached(schema: dict[str, Any], defs: dict[str, Any]) -> list[str]:
    """Names of the definitions ``schema`` refers to, in the order first reached."""
    order: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                target = ref.rsplit("/", 1)[1]
                if target not in order:
                    order.append(target)
                    walk(defs[target])
            for key, value in node.items():
                if key != "$defs":
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return order


def _facts_section(defs: dict[str, Any]) -> list[str]:
    base = defs["Claim"]
    common = {k: v for k, v in base["properties"].items() if k != "kind"}
    out = [
        "",
        "### Fields of every fact",
        "",
        "Every fact has `kind` (`claim`, `forecast`, `quote` or `figure`) and these fields;",
        "`source` may be left out when the file gives one.",
        "",
    ]
    out += _field_table(common, base.get("required", []), defs)
    for cls in m.FACT_CLASSES.values():
        d = defs[cls.__name__]
        extra = {"kind": d["properties"]["kind"]}
        extra.update((k, v) for k, v in d["properties"].items() if common.get(k, v) != v or k not in common)
        out += ["", f"### {cls.__name__}", "", _md_block(d.get("description")), ""]
        out += _field_table(extra, d.get("required", []), defs)
    return out
