"""The locked test environment (requirements/test.txt) covers what pyproject.toml asks for."""

from __future__ import annotations

import re
import tomllib

from .conftest import ROOT


def _normal(name: str) -> str:
    """A project name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _name(requirement: str) -> str:
    return _normal(re.split(r"[\s<>=!~;\[(]", requirement.strip(), maxsplit=1)[0])


def _locked() -> dict[str, str]:
    text = (ROOT / "requirements" / "test.txt").read_text(encoding="utf-8")
    return {_normal(m[1]): m[2] for m in re.finditer(r"^([A-Za-z0-9_.-]+)==(\S+)", text, re.M)}


def test_every_dependency_and_test_extra_is_locked_with_hashes():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]}
    build = (ROOT / "requirements" / "build.in").read_text(encoding="utf-8")
    wanted |= {_name(line) for line in build.splitlines() if line.strip() and not line.startswith("#")}
    locked = _locked()
    assert sorted(wanted - set(locked)) == [], "run: bash .ci/lock"
    text = (ROOT / "requirements" / "test.txt").read_text(encoding="utf-8")
    # every pinned requirement carries at least one hash, so pip runs in --require-hashes mode
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
    assert all("--hash=sha256:" in b for b in blocks if "==" in b)


def test_pinned_versions_satisfy_the_project_ranges():
    from packaging.requirements import Requirement

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    locked = _locked()
    for req in map(Requirement, project["dependencies"] + project["optional-dependencies"]["test"]):
        name = _normal(req.name)
        assert req.specifier.contains(locked[name], prereleases=True), (
            name,
            locked[name],
            str(req.specifier),
        )


def test_the_readme_and_ci_install_from_the_lock():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for text in (readme, ci):
        assert "--require-hashes -r requirements/test.txt" in text
        assert "--no-deps --no-build-isolation -e ." in text
