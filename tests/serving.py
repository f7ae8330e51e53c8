"""Running a real server for a test: a free loopback port, waiting until it answers, stopping it."""

from __future__ import annotations

import contextlib
import json
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from typing import Any

HOST = "127.0.0.1"
STARTUP_SECONDS = 120  # a busy shared machine; the wait ends as soon as it answers
SETTINGS = ["--setting", "sql_time_limit_ms", "60000"]
"""Datasette's settings for tests: no query cut off at its 1 s default on a busy machine."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def get(url: str) -> Any:
    """GET ``url`` (loopback only) and parse its JSON."""
    assert urllib.parse.urlsplit(url).hostname == HOST
    try:
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - loopback
            return json.load(response)
    except urllib.error.HTTPError as e:
        raise AssertionError(f"{url}: HTTP {e.code}: {e.read().decode('utf-8', 'replace')[:2000]}") from None


@contextlib.contextmanager
def running(cmd: Sequence[str], port: int, env: dict[str, str] | None = None) -> Iterator[str]:
    """Start ``cmd`` (a server on ``port``), wait until it answers, yield its base URL, stop it."""
    base = f"http://{HOST}:{port}"
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if proc.poll() is not None:
                out = proc.stdout.read().decode("utf-8", "replace") if proc.stdout else ""
                raise AssertionError(f"the server exited with {proc.returncode}:\n{out}")
            try:
                get(f"{base}/-/versions.json")
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline:
                    raise AssertionError(f"no answer from {base} in {STARTUP_SECONDS} s") from None
                time.sleep(0.2)
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout:
            proc.stdout.close()
