"""Finding and loading data directories into models, collecting every problem.

Layers: ``load_dirs`` → ``load_dir`` → ``load_file`` → ``parse_items``. Nothing here checks
references between records; :mod:`aitrends.kb` does that once everything is loaded.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from . import config
from . import models as m
from .errors import Problem, UsageError
from .search import suggest
from .yamlio import MAX_DEPTH, MAX_FILE_BYTES, MAX_VALUES, Document, YamlError, decode, parse, shorten

MAX_FACTS = 100_000
"""Most facts one run loads, over all data directories."""
PROBLEMS_PER_FILE = 100
"""Most problems listed for one file (a file of garbage must not flood the terminal)."""

_MODELS: dict[str, type[BaseModel]] = {
    "sources": m.Source,
    "people": m.Person,
    "organizations": m.Organization,
    "topics": m.Topic,
    "metrics": m.Metric,
}
# file name -> (top-level key, model of one item), for the files named in aitrends.config
REFERENCE_FILES: dict[str, tuple[str, type[BaseModel]]] = {
    name: (name.removesuffix(".yaml"), _MODELS[name.removesuffix(".yaml")]) for name in config.REFERENCE_FILES
}
FACTS_DIR = config.FACTS_DIR
OTHER_FILES = set(config.OTHER_FILES)
"""Files at the top of a data directory read by their own modules (:mod:`aitrends.hedges`)."""
_FACT_KEYS = {"source", "facts", "resolutions"}
_fact_adapter: TypeAdapter[Any] = TypeAdapter(m.Fact)


# --------------------------------------------------------------------------- limits

_SIZE = re.compile(r"^\s*(\d+)\s*(?:([kmg])(?:i?b)?|b)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def parse_size(text: str | int) -> int:
    """A size in bytes from ``5242880``, ``512K``, ``5M``, ``5MiB`` or ``1G`` (K, M and G are
    powers of 1024); ValueError when it is not one or is below 1."""
    if isinstance(text, int) and not isinstance(text, bool):
        size = text
    else:
        found = _SIZE.match(str(text))
        if not found:
            raise ValueError(f"'{shorten(str(text))}' is not a size like 5000000, 512K or 5M")
        size = int(found.group(1)) * _UNITS[(found.group(2) or "").lower()]
    if size < 1:
        raise ValueError(f"size must be at least 1 byte, not {size}")
    return size


def format_size(size: int) -> str:
    """``5242880`` → ``5 MiB``; sizes that are not whole KiB or MiB in bytes."""
    for unit, factor in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if size % factor == 0:
            return f"{size // factor} {unit}"
    return f"{size:,} bytes"


@dataclass(frozen=True)
class Limits:
    """How much one run reads. Each bounds the time and memory a crafted file can take; the
    defaults are far above what real data needs (the bundled data's largest file is 150 KB
    with 2,600 values, and it has about 400 facts)."""

    max_file_size: int = MAX_FILE_BYTES
    """Largest data file, in bytes."""
    max_depth: int = MAX_DEPTH
    """Deepest nesting of mappings and lists in a file."""
    max_values: int = MAX_VALUES
    """Most values (scalars, mappings and lists) in one file."""
    max_facts: int = MAX_FACTS
    """Most facts in one run, over all files."""

    @staticmethod
    def env_name(name: str) -> str:
        """``max_file_size`` → ``AITRENDS_MAX_FILE_SIZE``."""
        return config.limit_env(name)

    @staticmethod
    def option_name(name: str) -> str:
        """``max_file_size`` → ``--max-file-size``."""
        return "--" + name.replace("_", "-")

    @classmethod
    def resolve(
        cls, given: Mapping[str, int | str | None] | None = None, environ: Mapping[str, str] | None = None
    ) -> Limits:
        """Limits from ``given`` (keyword arguments, None for unset), else from the environment
        (``AITRENDS_MAX_FILE_SIZE``...), else the defaults. Raises :class:`UsageError` for a
        value that is not a positive whole number (or, for the file size, a size like 5M)."""
        env = os.environ if environ is None else environ
        given = dict(given or {})
        unknown = set(given) - {f.name for f in fields(cls)}
        if unknown:
            raise UsageError(f"unknown limit {', '.join(sorted(unknown))}")
        values: dict[str, int] = {}
        for f in fields(cls):
            value = given.get(f.name)
            where = f.name
            if value is None:
                value = env.get(cls.env_name(f.name)) or None
                where = cls.env_name(f.name)
            if value is None:
                continue
            try:
                values[f.name] = parse_size(value) if f.name == "max_file_size" else _positive(value)
            except ValueError as e:
                raise UsageError(f"{where}: {e}") from None
        return cls(**values)

    def hint(self, name: str) -> str:
        """How to raise limit ``name``, for the end of a message."""
        return f"raise it with {self.option_name(name)} or {self.env_name(name)}"


def _positive(value: int | str) -> int:
    if isinstance(value, bool):
        raise ValueError(f"'{value}' is not a whole number")
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"'{shorten(str(value))}' is not a whole number") from None
    if number < 1:
        raise ValueError(f"must be at least 1, not {number}")
    return number


# --------------------------------------------------------------------------- directories


def bundled_data_dir() -> Path:
    """The data shipped with the package (``aitrends/data`` when installed, else ``data/``)."""
    return Path(config.bundled_data_dir())


def is_bundled(path: str | os.PathLike[str]) -> bool:
    """``path`` is the bundled data or inside it (which nothing may write to)."""
    bundled = bundled_data_dir().resolve()
    try:
        p = Path(path).resolve()
    except (OSError, RuntimeError):
        return False
    return p == bundled or bundled in p.parents


def writable_layer(dirs: Sequence[str | os.PathLike[str]]) -> Path | None:
    """The data directory that the commands that write (``add-source``, ``resolve``) write into:
    the first one given with ``--data-dir`` (or in ``$AITRENDS_DATA``); None when none is."""
    return Path(dirs[0]) if dirs else None


def resolve_data_dirs(
    dirs: Sequence[str | os.PathLike[str]] | None = None,
    *,
    bundled: bool | None = None,
    environ: dict[str, str] | None = None,
) -> list[Path]:
    """The data directories to load, lowest layer first (see :func:`aitrends.config.data_dirs`)."""
    return [Path(d) for d in config.data_dirs(dirs, bundled=bundled, environ=environ)]


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
        out += f"[{part}]" if isinstance(part, int) else (f".{shorten(part)}" if out else shorten(part))
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
    limits: Limits = field(default_factory=Limits)
    fact_count: int = 0
    """Facts read so far, valid or not (for the ``max_facts`` limit)."""
    invalid_ids: set[str] = field(default_factory=set)
    """Ids of records that failed validation (already reported)."""
    invalid_facts: list[tuple[dict[str, Any], Origin]] = field(default_factory=list)
    """Facts that failed validation, as read, so that their references are checked too."""

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
        return f"'{shorten(str(err['input']))}' is not a valid id (lower-case letters, digits and single hyphens)"
    msg: str = err["msg"]
    if kind == "value_error":
        msg = msg.removeprefix("Value error, ")
    if kind == "union_tag_invalid":
        msg = (
            f"kind must be one of {', '.join(k.value for k in m.FactKind)}, "
            f"not {shorten(repr(err['input'].get('kind')))}"
        )
    return shorten(msg, 300)  # a validator may echo the whole value, which may be huge


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


_UNION_MEMBER = re.compile(r"^[a-z][a-z0-9_-]*\[.*\]$")


def _data_loc(data: Any, loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """``loc`` without the names pydantic gives the members of a union
    (``function-plain[parse()]``, ``literal['unknown']``), which are not in the data."""
    out: list[Any] = []
    for part in loc:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        elif isinstance(part, str) and _UNION_MEMBER.match(part):
            continue
        else:
            data = None
        out.append(part)
    return tuple(out)


def parse_items(
    doc: Document,
    key: str,
    model: type[BaseModel] | None,
    file: str,
    problems: list[Problem],
    invalid: set[str] | None = None,
    failed: list[tuple[dict[str, Any], int]] | None = None,
    english: Container[str] = (),
) -> list[tuple[Any, int]]:
    """Validate every item of ``doc.data[key]``; return (item, index) pairs for the valid ones.

    The ids of items that fail are added to ``invalid``, so that references to them are not
    reported a second time as dangling, and the items (dicts) to ``failed``. A fact of a
    source in ``english`` (ids of sources written in English only) may leave out
    ``excerpt_en``: it is the excerpt.
    """
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
        if (
            key == "facts"
            and isinstance(item, dict)
            and "excerpt_en" not in item
            and item.get("source") in english
        ):
            item = {
                **item,
                "excerpt_en": item.get("excerpt"),
                "excerpt_en_original": item.get("excerpt_en_original", True),
            }
        if key == "facts" and isinstance(item, dict) and _bad_kind(item):
            problems += _without_kind(item, key, i, doc, file)
            if invalid is not None and isinstance(item.get("id"), str):
                invalid.add(item["id"])
            if failed is not None:
                failed.append((item, i))
            continue
        try:
            obj = model.model_validate(item) if model is not None else _fact_adapter.validate_python(item)
        except ValidationError as e:
            if invalid is not None and isinstance(item, dict) and isinstance(item.get("id"), str):
                invalid.add(item["id"])
            if failed is not None and isinstance(item, dict):
                failed.append((item, i))
            kind = item.get("kind") if isinstance(item, dict) else None
            base = None
            if isinstance(kind, str) and kind in m.FactKind._value2member_map_:  # (kind: [a] is unhashable)
                base = m.FACT_CLASSES.get(m.FactKind(kind))
            seen: set[tuple[Any, ...]] = set()
            for err in e.errors(include_url=False):
                loc = tuple(err["loc"])
                if model is None and loc and loc[0] == kind:
                    loc = loc[1:]  # drop the discriminated union's tag
                loc = _data_loc(item, loc)
                if loc in seen:  # several members of a union failed: the first tells most
                    continue
                seen.add(loc)
                owner_base = model or base
                owner = _model_for(loc, owner_base) if owner_base else None
                path = (key, i, *loc)
                problems.append(
                    Problem(file, doc.line_of(path) or line, loc_text(path), _message(err, owner))
                )
            continue
        out.append((obj, i))
    return out


def _bad_kind(item: dict[str, Any]) -> bool:
    """A fact without a kind (an unknown kind is reported by validation as it is)."""
    return item.get("kind") is None


_KIND_SPECIFIC = {
    name
    for cls in m.FACT_CLASSES.values()
    for name in cls.model_fields
    if name not in m.FactBase.model_fields
}
"""Fields only some kinds of fact have (horizon, criteria, ...)."""


def _without_kind(item: dict[str, Any], key: str, i: int, doc: Document, file: str) -> list[Problem]:
    """The problems of a fact with no kind: that, and every problem of the fields all facts
    share (the fields of a particular kind cannot be checked without one)."""
    kinds = ", ".join(k.value for k in m.FactKind)
    message = f"required field is missing (one of {kinds})"
    line = doc.line_of((key, i))
    out = [Problem(file, doc.line_of((key, i, "kind")) or line, loc_text((key, i, "kind")), message)]
    probe = {k: v for k, v in item.items() if k not in _KIND_SPECIFIC}
    probe["kind"] = m.FactKind.claim.value
    try:
        m.FactBase.model_validate(probe)
    except ValidationError as e:
        seen: set[tuple[Any, ...]] = set()
        for err in e.errors(include_url=False):
            loc = _data_loc(item, tuple(err["loc"]))
            if loc in seen or loc[:1] == ("kind",):
                continue
            seen.add(loc)
            path = (key, i, *loc)
            owner = _model_for(loc, m.FactBase)
            out.append(Problem(file, doc.line_of(path) or line, loc_text(path), _message(err, owner)))
    return out


def read_bytes(path: Path, max_size: int) -> bytes:
    """The bytes of a regular file of at most ``max_size`` bytes.

    Raises :class:`YamlError` for a directory, a special file (a FIFO would block, a device
    may never end) or a file too large, and OSError when it cannot be read. The file is
    opened without blocking, and at most ``max_size + 1`` bytes are read whatever its size
    claims.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        st = os.fstat(fd)
        mode, size = st.st_mode, st.st_size
        if stat.S_ISDIR(mode):
            raise YamlError("is a directory, not a data file")
        if not stat.S_ISREG(mode):
            raise YamlError("is not a regular file")
        if size > max_size:
            raise YamlError(f"file is larger than {format_size(max_size)}", None, "max_file_size")
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as fh:
        # read what the size says (not a buffer of max_size for every small file), then any
        # more there is: a file may grow, and some (in /proc) say they are empty
        raw = fh.read(min(size, max_size) + 1)
        if size < len(raw) <= max_size:
            raw += fh.read(max_size + 1 - len(raw))
    if len(raw) > max_size:
        raise YamlError(f"file is larger than {format_size(max_size)}", None, "max_file_size")
    return raw


def read_document(
    path: Path, file: str, problems: list[Problem], limits: Limits | None = None
) -> Document | None:
    """Read and parse one file; on failure record a problem and return None."""
    limits = limits or Limits()
    try:
        text = decode(read_bytes(path, limits.max_file_size))
        doc = parse(text, max_depth=limits.max_depth, max_values=limits.max_values)
    except OSError as e:
        problems.append(Problem(file, None, "", f"cannot read file: {e.strerror or e}"))
        return None
    except YamlError as e:
        message = f"{e.message} ({limits.hint(e.limit)})" if e.limit else e.message
        problems.append(Problem(file, e.line, "", message))
        return None
    if doc.data is None:
        problems.append(Problem(file, None, "", "file is empty"))
        return None
    if not isinstance(doc.data, dict):
        problems.append(Problem(file, 1, "", "expected a mapping at the top of the file"))
        return None
    return doc


def load_file(path: Path, raw: RawData, layer: int) -> None:
    """Read one data file into ``raw``, adding its problems (at most
    :data:`PROBLEMS_PER_FILE` of them, and a line saying there are more)."""
    start = len(raw.problems)
    _load_file(path, raw, layer)
    if len(raw.problems) - start > PROBLEMS_PER_FILE:
        file = display_path(path)
        del raw.problems[start + PROBLEMS_PER_FILE :]
        raw.problems.append(
            Problem(
                file,
                None,
                "",
                f"more than {PROBLEMS_PER_FILE} problems; the first {PROBLEMS_PER_FILE} are listed",
            )
        )


def _load_file(path: Path, raw: RawData, layer: int) -> None:
    file = display_path(path)
    doc = read_document(path, file, raw.problems, raw.limits)
    if doc is None:
        return
    raw.files.append(path)
    if path.parent.name == FACTS_DIR:
        plan: list[tuple[str, type[BaseModel] | None]] = [("facts", None), ("resolutions", m.Resolution)]
        allowed = _FACT_KEYS
        source = doc.data.get("source")
        if source is not None:
            try:
                TypeAdapter(m.Slug).validate_python(source)
            except ValidationError:
                raw.problems.append(
                    Problem(
                        file,
                        doc.line_of(("source",)),
                        "source",
                        f"'{shorten(str(source))}' is not a valid id",
                    )
                )
                return
        facts = doc.data.get("facts")
        if isinstance(facts, list):
            raw.fact_count += len(facts)
            if raw.fact_count > raw.limits.max_facts:
                raw.problems.append(
                    Problem(
                        file,
                        doc.line_of(("facts",)),
                        "facts",
                        f"more than {raw.limits.max_facts:,} facts in this run; the rest are not read "
                        f"({raw.limits.hint('max_facts')})",
                    )
                )
                return
    else:
        section, section_model = REFERENCE_FILES[path.name]
        allowed, plan = {section}, [(section, section_model)]
    for extra in sorted(set(map(str, doc.data)) - allowed)[: PROBLEMS_PER_FILE + 1]:
        hint = suggest(extra, sorted(allowed))
        more = f" (did you mean '{hint[0]}'?)" if hint else f" (expected {', '.join(sorted(allowed))})"
        raw.problems.append(
            Problem(file, doc.line_of((extra,)), loc_text((extra,)), "unknown section" + more)
        )
    field_lines: dict[tuple[str | int, ...], dict[tuple[str | int, ...], int]] = {}
    for p, ln in doc.lines.items():
        if len(p) > 2:
            field_lines.setdefault(p[:2], {})[p[2:]] = ln
    english = {
        s.id for s in raw.sources.items if isinstance(s, m.Source) and set(s.language) == {m.Language.en}
    }
    for key, model in plan:
        bucket = raw.bucket(key)
        failed: list[tuple[dict[str, Any], int]] = []
        for obj, i in parse_items(doc, key, model, file, raw.problems, raw.invalid_ids, failed, english):
            lines = field_lines.get((key, i), {})
            bucket.items.append(obj)
            bucket.where.append(Origin(file, doc.line_of((key, i)), layer, (key, i), lines))
        if key == "facts":
            raw.invalid_facts += [
                (item, Origin(file, doc.line_of((key, i)), layer, (key, i), field_lines.get((key, i), {})))
                for item, i in failed
            ]


def data_files(directory: Path) -> list[Path]:
    """The data files of one directory, in load order (reference files, then facts by name).

    Every name that should be a data file is listed, even when it is a directory, a broken
    link or unreadable, so that reading it reports the problem instead of skipping it.
    """
    files = [directory / name for name in REFERENCE_FILES if os.path.lexists(directory / name)]
    facts = directory / FACTS_DIR
    if facts.is_dir():
        files += [p for p in _listing(facts) if p.suffix in (".yaml", ".yml")]
    return files


def _listing(directory: Path) -> list[Path]:
    """The entries of ``directory``, sorted; [] when it cannot be read."""
    try:
        return sorted(directory.iterdir())
    except OSError:
        return []


def load_dirs(
    dirs: Sequence[Path],
    *,
    max_file_size: int | str | None = None,
    max_depth: int | None = None,
    max_values: int | None = None,
    max_facts: int | None = None,
) -> RawData:
    """Load a stack of data directories, lowest layer first.

    The limits (see :class:`Limits`) default to ``$AITRENDS_MAX_FILE_SIZE``... else to the
    built-in defaults; a file over one is reported as a problem.
    """
    limits = Limits.resolve(
        {
            "max_file_size": max_file_size,
            "max_depth": max_depth,
            "max_values": max_values,
            "max_facts": max_facts,
        }
    )
    raw = RawData(dirs=list(dirs), limits=limits)
    for layer, directory in enumerate(dirs):
        shown = display_path(directory)
        if not directory.is_dir():
            what = "is not a directory" if os.path.lexists(directory) else "data directory not found"
            raw.problems.append(Problem(shown, None, "", what))
            continue
        facts = directory / FACTS_DIR
        if os.path.lexists(facts) and not facts.is_dir():
            raw.problems.append(
                Problem(display_path(facts), None, "", "is not a directory (facts/ holds the fact files)")
            )
        elif facts.is_dir():
            try:
                next(facts.iterdir(), None)
            except OSError as e:
                raw.problems.append(
                    Problem(display_path(facts), None, "", f"cannot read directory: {e.strerror or e}")
                )
            for p in _listing(facts):
                if p.suffix in (".yaml", ".yml") or p.name.startswith("."):
                    continue
                what = "a directory" if p.is_dir() else "not a YAML file"
                raw.problems.append(
                    Problem(display_path(p), None, "", f"{what} (facts/ holds *.yaml files only)")
                )
        for p in _listing(directory):
            known = p.name in REFERENCE_FILES or p.name in OTHER_FILES
            if p.suffix in (".yaml", ".yml") and not known and not p.name.startswith("."):
                raw.problems.append(Problem(display_path(p), None, "", _misplaced(p)))
        for path in data_files(directory):
            if not _inside(path, directory):
                raw.problems.append(Problem(display_path(path), None, "", "links outside the data directory"))
                continue
            if path.parent.name == FACTS_DIR and raw.fact_count > limits.max_facts:
                continue  # over the limit already (reported once): reading more would not help
            load_file(path, raw, layer)
    return raw


def _misplaced(path: Path) -> str:
    """Why a YAML file at the top of a data directory is not read."""
    import difflib

    close = difflib.get_close_matches(path.stem.lower(), [Path(n).stem for n in REFERENCE_FILES], 1, 0.75)
    hint = f"did you mean '{close[0]}.yaml'?" if close else "fact files go in facts/"
    return f"not a data file name ({hint})"


def _inside(path: Path, directory: Path) -> bool:
    """Whether ``path``, with every link followed, is inside ``directory``."""
    try:
        path.resolve().relative_to(directory.resolve())
    except ValueError:
        return False
    except (OSError, RuntimeError):  # a link loop (RuntimeError before Python 3.13): reading reports it
        return True
    return True
