"""The benchmark's generator and runner work from a clone (the timings live in
docs/performance.md, never in a test)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import aitrends

ROOT = Path(__file__).resolve().parent.parent
FACTS = 300


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bench") / f"kb-{FACTS}"
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--facts", str(FACTS), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    return out


def test_a_generated_base_is_valid_and_realistic(generated: Path) -> None:
    kb = aitrends.load(generated, bundled=False)  # raises on any problem
    facts = kb.all_facts
    assert len(facts) == FACTS
    assert {f.kind.value for f in facts} == {"claim", "forecast", "quote", "figure"}
    assert sum(any("\u4e00" <= ch <= "\u9fff" for ch in f.excerpt) for f in facts) > FACTS * 0.9
    assert kb.facts(topic="inference-cost")  # the benchmark's query finds something


@pytest.mark.slow
def test_the_runner_reports_every_case(generated: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--sizes",
            str(FACTS),
            "--runs",
            "1",
            "--workdir",
            str(generated.parent),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    prefix = f"| {FACTS} facts: "
    rows = [line for line in result.stdout.splitlines() if line.startswith(prefix)]
    cases = [row.split(" | ")[0].removeprefix(prefix) for row in rows]
    for name in ("first full build (2 cores)", "json", "table", "quote", "json after editing one file"):
        assert name in cases
    for row in rows:
        cells = row.split(" | ")
        assert int(cells[2]) > 0  # a median in ms
        if "first full build" not in row:
            assert cells[5].endswith("x")  # and its ratio to the floor
