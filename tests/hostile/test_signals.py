"""A closed pipe (``aitrends claims | head -1``) and Ctrl-C end the command quietly.

These run the real program (``python -m aitrends``) in a subprocess, because pipes and
signals are what they are only there.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from .conftest import fact, fact_file, make_base

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX pipes and signals")


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """A data directory whose JSON listing (about 400 KB) is far larger than a pipe holds."""
    d = make_base(tmp_path_factory.mktemp("signals") / "data")
    facts = [fact(f"fact-{i:04d}") for i in range(300)]
    (d / "facts" / "many.yaml").write_text(fact_file(*facts), encoding="utf-8")
    return d


def command(data, *args):
    return [sys.executable, "-m", "aitrends", "--no-bundled", "-d", str(data), *args]


@pytest.mark.parametrize(
    "args",
    [["claims", "--format", "json"], ["claims"], ["show", "fact-0001"], ["claims", "-f", "csv"]],
    ids=["json", "table", "show", "csv"],
)
def test_closed_pipe(big, args):
    """The reader is gone before anything is written: status 1, nothing on stderr."""
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run(command(big, *args), stdout=write, stderr=subprocess.PIPE, timeout=120)
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (1, b"")


def test_reader_stops_early(big):
    """Like ``| head -1``: the reader takes one line and leaves; nothing on stderr.

    The status is 1, or 0 when the interpreter itself swallows the error of a write cut short
    (CPython does, depending on where the pipe closes); neither prints anything."""
    proc = subprocess.Popen(
        command(big, "claims", "--format", "jsonl"), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    first = proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read()
    proc.stderr.close()
    assert proc.wait(timeout=120) in (0, 1)
    assert err == b""
    assert first.startswith(b'{"id": "fact-0000"')


@pytest.mark.slow
def test_ctrl_c(big):
    """SIGINT while output is being written (the pipe is full, nobody reads): status 130 at
    once, nothing on stderr, and no hang flushing what is left."""
    proc = subprocess.Popen(
        command(big, "claims", "--format", "json"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        # A shell without job control starts background commands with SIGINT ignored, and a
        # child inherits that: give the program the default a terminal would.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        assert proc.stdout.read(1) == b"["  # it is writing, and will block on the full pipe
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=120) == 130
        assert proc.stderr.read() == b""
    finally:
        proc.kill()
        proc.stdout.close()
        proc.stderr.close()
