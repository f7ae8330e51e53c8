"""The import contract of docs/architecture.md: layers import only downward, no module-level
import cycles, and the hot path (the fast path, the cache, the query layer) imports neither
pydantic, PyYAML, typer, click nor rich."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "aitrends"

LAYERS = {
    "base": {
        "errors",
        "config",
        "clock",
        "query",
        "yamlio",
        "search",
        "tables",
        "render",
        "atomic",
        "dates",
        "_spec",
        "yamledit",
        "output",
    },
    "model": {"models", "quantity"},
    "load": {"loader"},
    "kb": {"kb", "checks"},
    "analysis": {
        "forecasts",
        "trends",
        "relate",
        "verify",
        "records",
        "frames",
        "display",
        "hedges",
        "resolutions",
        "scores",
        "lint",
        "extract",
        "draft",
        "articles",
    },
    "store/io": {
        "analyses",
        "kept",
        "cache",
        "store",
        "claims",
        "ledger",
        "index",
        "hydrate",
        "textsearch",
        "export",
        "sqlite_export",
        "serve",
        "views",
        "reference",
        "cite",
        "plot",
        "schema",
    },
    "cli": {"cli", "fastpath", "__main__", "__init__", "datasette_plugin"},
}
"""Each module's layer, lowest first (a module of cli/ is in "cli")."""
RANK = {module: rank for rank, modules in enumerate(LAYERS.values()) for module in modules}
FACADE = {
    ("models", "display"),  # a model's notebook card (_repr_html_)
    ("kb", "forecasts"),  # kb.forecasts(), kb.trends(), kb.check(), kb.frames(): the notebook API
    ("kb", "trends"),
    ("kb", "frames"),
    ("frames", "reference"),  # the reference frames, counted by the index's SQL (one implementation)
}
"""Upward imports, inside functions only: the Python API's conveniences on the knowledge base
and its models, which call the analysis layer. Listed so that no other one creeps in."""
HOT_PATH = [
    "aitrends.fastpath",
    "aitrends.cache",
    "aitrends.store",
    "aitrends.output",
    "aitrends.claims",
    "aitrends.ledger",
    "aitrends.query",
    "aitrends.config",
    "aitrends.clock",
    "aitrends.textsearch",
    "aitrends.views",
    "aitrends.reference",
    "aitrends.cite",
    "aitrends.analyses",
    "aitrends.kept",
]
HEAVY = ["pydantic", "yaml", "typer", "click", "rich"]


def _module(path: Path) -> str:
    rel = path.relative_to(PACKAGE).with_suffix("")
    return rel.parts[0]


def _imports() -> list[tuple[str, str, bool]]:
    """(importer, imported, at module level) for every import of one aitrends module by another."""
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        here = _module(path)
        package = path.relative_to(PACKAGE).parent.parts
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = {id(n) for n in tree.body}
        type_only = {
            id(n)
            for stmt in tree.body
            if isinstance(stmt, ast.If) and getattr(stmt.test, "id", "") == "TYPE_CHECKING"
            for n in ast.walk(stmt)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom) or id(node) in type_only:
                continue
            if node.level == 0:
                parts = (node.module or "").split(".")
                if parts[0] != "aitrends":
                    continue
                base = parts[1:]
            else:
                base = [*package[: len(package) - node.level + 1], *(node.module or "").split(".")]
                base = [b for b in base if b]
            names = [base[0]] if base else [a.name for a in node.names]
            for name in names:
                target = "cli" if name == "cli" else name
                if target in RANK or (PACKAGE / f"{target}.py").exists():
                    out.append((here, target, id(node) in top))
    return out


def test_every_module_has_a_layer():
    modules = {_module(p) for p in PACKAGE.rglob("*.py")}
    assert sorted(modules - set(RANK)) == [], "add new modules to LAYERS and docs/architecture.md"


def test_layers_import_only_downward():
    upward = sorted(
        {(a, b) for a, b, _ in _imports() if a in RANK and b in RANK and RANK[b] > RANK[a]} - FACADE
    )
    assert upward == []


def test_the_facade_imports_stay_inside_functions():
    assert not [(a, b) for a, b, top in _imports() if (a, b) in FACADE and top]


def test_no_import_cycles_at_module_level():
    graph: dict[str, set[str]] = {}
    for a, b, top in _imports():
        if top and a != b and a != "__init__" and b != "__init__":
            graph.setdefault(a, set()).add(b)
    seen: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        seen[node] = 1
        for nxt in sorted(graph.get(node, ())):
            assert seen.get(nxt) != 1, " -> ".join([*path, nxt])
            if nxt not in seen:
                visit(nxt, [*path, nxt])
        seen[node] = 2

    for node in sorted(graph):
        if node not in seen:
            visit(node, [node])


@pytest.mark.parametrize("module", HOT_PATH)
def test_the_hot_path_imports_nothing_heavy(module):
    code = f"import sys, {module}; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_light_list_of_kinds_is_the_models():
    """The hot path's list of fact kinds (it imports no pydantic) is the models' enum."""
    from aitrends import models, query

    assert list(query.FACT_KINDS) == [k.value for k in models.FactKind]


def test_the_cli_starts_without_the_models():
    """Importing the CLI (every command's declaration) imports neither pydantic nor PyYAML:
    commands that answer from the index (search, claims, quote) never load them."""
    code = f"import sys, aitrends.cli; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['typer']"
