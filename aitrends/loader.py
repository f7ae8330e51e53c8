"""Finding and loading data directories into models, collecting every problem.

Layers: ``load_dirs`` → ``load_dir`` → ``load_file`` → ``parse_items``. Nothing here checks
references between records; :mod:`aitrends.kb` does that once everything is loaded.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from . import models as m
from .errors import Problem
from .search import suggest
from .yamlio import MAX_FILE_BYTES, Document, YamlError, decode, parse

ENV_DATA = "AITRENDS_DATA"
ENV_NO_BUNDLED = "AITRENDS_NO_BUNDLED"

# file name -> (top-level key, model of one item)
REFERENCE_FILES: dict[str, tuple[str, type[BaseModel]]] = {
    "sources.yaml": ("sources", m.Source),
    "people.yaml": ("people", m.Person),
    "organizations.yaml": ("organizations", m.Organization),
    "topics.yaml": ("topics", m.Topic),
    "metrics.yaml": ("metrics", m.Metric),
}
FACTS_DIR = "facts"
_FACT_KEYS = {"source", "facts", "resolutions"}
_fact_adapter: TypeAdapter[Any] = TypeAdapter(m.Fact)


def bundled_data_dir() -> Path:
    """The data shipped with the package (``aitrends/data`` when installed, else ``data/``)."""
    here = Path(__file__).resolve().parent
    installed = here / "data"
    return installed if installed.is_dir() else here.parent / "data"


def resolve_data_dirs(
    dirs: Sequence[str | os.PathLike[str]] | None = None,
    *,
    bundled: bool | None = None,
    environ: dict[str, str] | None = None,
) -> list[Path]:
    """The data directories to load, lowest layer first.

    ``dirs`` (the ``--data-dir`` options) win over ``$AITRENDS_DATA`` (``os.pathsep``-
    separated). Both are layered over the bundled data unless ``bundled`` is False (or
    ``$AITRENDS_NO_BUNDLED`` is set). A directory given twice is loaded once.
    """
    env = os.environ if environ is None else environ
    if bundled is None:
        bundled = env.get(ENV_NO_BUNDLED, "") in ("", "0")
    if dirs:
        chosen = [Path(d) for d in dirs]
    else:
        chosen = [Path(d) for d in env.get(ENV_DATA, "").split(os.pathsep) if d.strip()]
    layers = [bundled_data_dir()] if bundled else []
    out: list[Path] = []
    for d in [*layers, *chosen]:
        if not any(_same(d, o) for o in out):
            out.append(d)
    return out


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def display_path(path: Path) -> str:
    """A path as shown in messages: relative to the working directory when below it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel


def loc_text(loc: Iterable[str | int]) -> str:
    """``('facts', 3, 'speaker')`` → ``facts[3].speaker``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@dataclass(frozen=True)
class Origin:
    """Where a record was read from: file, line, layer, and the lines of its fields."""

    file: str
    line: int | None
    layer: int
    path: tuple[str | int, ...]
    lines: dict[tuple[str | int, ...], int] = field(default_factory=dict, compare=False, repr=False)

    def problem(self, sub: tuple[str | int, ...], message: str) -> Problem:
        """A problem located at field ``sub`` of this record."""
        line = self.line
        probe = sub
        while probe:
            if probe in self.lines:
                line = self.lines[probe]
                break
            probe = probe[:-1]
        return Problem(self.file, line, loc_text((*self.path, *sub)), message)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass
class Loaded:
    """Records of one kind, read from one or more files, with where each came from."""

    items: list[Any] = field(default_factory=list)
    where: list[Origin] = field(default_factory=list)


@dataclass
class RawData:
    """Everything read from a stack of data directories, before cross-checking."""

    dirs: list[Path]
    sources: Loaded = field(default_factory=Loaded)
    people: Loaded = field(default_factory=Loaded)
    organizations: Loaded = field(default_factory=Loaded)
    topics: Loaded = field(default_factory=Loaded)
    metrics: Loaded = field(default_factory=Loaded)
    facts: Loaded = field(default_factory=Loaded)
    resolutions: Loaded = field(default_factory=Loaded)
    files: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def bucket(self, key: str) -> Loaded:
        """The :class:`Loaded` for a top-level key such as ``people``."""
        bucket: Loaded = getattr(self, key)
        return bucket


def _message(err: Any, model: type[BaseModel] | None) -> str:
    kind = err["type"]
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        name = str(err["loc"][-1])
        fields = list(model.model_fields) if model is not None else []
        hint = suggest(name, fields)
        return "unknown field" + (f" (did you mean '{hint[0]}'?)" if hint else "")
    if kind == "string_pattern_mismatch" and "a-z0-9" in str(err.get("ctx", {}).get("pattern", "")):
        return f"'{err['input']}' is not a valid id (lower-case letters, digits and single hyphens)"
    msg: str = err["msg"]
    if kind == "value_error":
        msg = msg.removeprefix("Value error, ")
    if kind == "union_tag_invalid":
        msg = (
            f"kind must be one of {', '.join(k.value for k in m.FactKind)}, not {err['input'].get('kind')!r}"
        )
    return msg


def _model_for(loc: tuple[Any, ...], base: type[BaseModel]) -> type[BaseModel] | None:
    """The model that owns the last field of ``loc`` (for 'did you mean' on unknown fields)."""
    model: type[BaseModel] | None = base
    for part in loc[:-1]:
        if model is None:
            return None
        if isinstance(part, int):
            continue
        info = model.model_fields.get(str(part))
        if info is None:
            return None
        model = _inner_model(info.annotation)
    return model


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def parse_items(
    doc: Document, key: str, model: type[BaseModel] | None, file: str, problems: list[Problem]
) -> list[tuple[Any, int]]:
    """Validate every item of ``doc.data[key]``; return (item, index) pairs for the valid ones."""
    raw = doc.data.get(key) if isinstance(doc.data, dict) else None
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.append(Problem(file, doc.line_of((key,)), key, "must be a list"))
        return []
    out: list[tuple[Any, int]] = []
    default_source = doc.data.get("source") if key == "facts" else None
    for i, item in enumerate(raw):
        line = doc.line_of((key, i))
        if key == "facts" and isinstance(item, dict) and default_source and "source" not in item:
            item = {**item, "source": default_source}
        try:
            obj = model.model_validate(item) if model is not None else _fact_adapter.validate_python(item)
        except ValidationError as e:
            kind = item.get("kind") if isinstance(item, dict) else None
            base = m.FACT_CLASSES.get(m.FactKind(kind)) if kind in m.FactKind._value2member_map_ else None
            for err in e.errors(include_url=False):
                loc = tuple(err["loc"])
                if model is None and loc and loc[0] == kind:
                    loc = loc[1:]  # drop the discriminated union's tag
                owner = _model_for(loc, model or base) if (model or base) else None
                path = (key, i, *loc)
                problems.append(
                    Problem(file, doc.line_of(path) or line, loc_text(path), _message(err, owner))
                )
            continue
        out.append((obj, i))
    return out


def read_document(path: Path, file: str, problems: list[Problem]) -> Document | None:
    """Read and parse one file; on failure record a problem and return None."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            problems.append(Problem(file, None, "", f"file is larger than {MAX_FILE_BYTES} bytes"))
            return None
        doc = parse(decode(path.read_bytes()))
    except OSError as e:
        problems.append(Problem(file, None, "", f"cannot read file: {e.strerror or e}"))
        return None
    except YamlError as e:
        problems.append(Problem(file, e.line, "", e.message))
        return None
    if doc.data is None:
        problems.append(Problem(file, None, "", "file is empty"))
        return None
    if not isinstance(doc.data, dict):
        problems.append(Problem(file, 1, "", "expected a mapping at the top of the file"))
        return None
    return doc


def load_file(path: Path, raw: RawData, layer: int) -> None:
    """Read one data file into ``raw``, adding its problems."""
    file = display_path(path)
    doc = read_document(path, file, raw.problems)
    if doc is None:
        return
    raw.files.append(path)
    if path.parent.name == FACTS_DIR:
        allowed, plan = _FACT_KEYS, [("facts", None), ("resolutions", m.Resolution)]
        source = doc.data.get("source")
        if source is not None:
            try:
                TypeAdapter(m.Slug).validate_python(source)
            except ValidationError:
                raw.problems.append(
                    Problem(file, doc.line_of(("source",)), "source", f"'{source}' is not a valid id")
                )
                return
    else:
        key, model = REFERENCE_FILES[path.name]
        allowed, plan = {key}, [(key, model)]
    for extra in sorted(set(map(str, doc.data)) - allowed):
        hint = suggest(extra, sorted(allowed))
        more = f" (did you mean '{hint[0]}'?)" if hint else f" (expected {', '.join(sorted(allowed))})"
        raw.problems.append(Problem(file, doc.line_of((extra,)), extra, "unknown section" + more))
    field_lines: dict[tuple[str | int, ...], dict[tuple[str | int, ...], int]] = {}
    for p, ln in doc.lines.items():
        if len(p) > 2:
            field_lines.setdefault(p[:2], {})[p[2:]] = ln
    for key, model in plan:
        bucket = raw.bucket(key)
        for obj, i in parse_items(doc, key, model, file, raw.problems):
            lines = field_lines.get((key, i), {})
            bucket.items.append(obj)
            bucket.where.append(Origin(file, doc.line_of((key, i)), layer, (key, i), lines))


def data_files(directory: Path) -> list[Path]:
    """The data files of one directory, in load order (reference files, then facts by name)."""
    files = [directory / name for name in REFERENCE_FILES if (directory / name).is_file()]
    facts = directory / FACTS_DIR
    if facts.is_dir():
        files += sorted(p for p in facts.iterdir() if p.suffix in (".yaml", ".yml"))
    return files


def load_dirs(dirs: Sequence[Path]) -> RawData:
    """Load a stack of data directories, lowest layer first."""
    raw = RawData(dirs=list(dirs))
    for layer, directory in enumerate(dirs):
        if not directory.is_dir():
            raw.problems.append(Problem(display_path(directory), None, "", "data directory not found"))
            continue
        facts = directory / FACTS_DIR
        if facts.is_dir():
            for p in sorted(facts.iterdir()):
                if p.suffix not in (".yaml", ".yml") and not p.name.startswith("."):
                    raw.problems.append(
                        Problem(display_path(p), None, "", "not a YAML file (facts/ holds *.yaml files only)")
                    )
        for path in data_files(directory):
            if not _inside(path, directory):
                raw.problems.append(Problem(display_path(path), None, "", "links outside the data directory"))
                continue
            load_file(path, raw, layer)
    return raw


def _inside(path: Path, directory: Path) -> bool:
    try:
        path.resolve().relative_to(directory.resolve())
    except ValueError:
        return False
    return True
