"""Output that cannot be written: a full disk (/dev/full) or a closed standard output gives one
line and status 1, from the fast path and the CLI alike, and the answer is never produced twice
(the fast path used to fail, then hand the command to the CLI, which wrote it again)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from ..conftest import FIXTURE_DATA

pytestmark = pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")

FULL = "Error: cannot write the output: No space left on device\n"


def run(*args: str, **kwargs):
    cmd = [sys.executable, "-m", "aitrends", "--no-bundled", "-d", str(FIXTURE_DATA), *args]
    return subprocess.run(cmd, stderr=subprocess.PIPE, text=True, timeout=120, check=False, **kwargs)


@pytest.mark.parametrize(
    "args",
    [
        ["claims", "-f", "json"],  # the fast path, JSON
        ["claims"],  # the fast path, a table
        ["quote", "-p", "jane-roe", "-f", "jsonl"],
        ["topics", "--json"],  # the CLI
        ["search", "data", "--json"],
        ["claims", "--metric", "inference-cost", "-f", "csv"],  # the CLI's claims
    ],
    ids=" ".join,
)
def test_a_full_disk_is_one_line(args):
    run("claims")  # the index is built, so the fast path answers what it can
    with open("/dev/full", "w") as full:
        done = run(*args, stdout=full)
    assert (done.returncode, done.stderr) == (1, FULL)


@pytest.mark.parametrize("args", [["claims", "-n", "1"], ["topics"]], ids=" ".join)
@pytest.mark.realtime
def test_a_closed_standard_output_is_one_line(args):
    done = run(*args, stdout=None, preexec_fn=lambda: os.close(1))
    assert (done.returncode, done.stderr) == (1, "Error: standard output is closed\n")
