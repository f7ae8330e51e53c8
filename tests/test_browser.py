"""``aitrends serve`` in a real browser: headless Chromium (the Debian package) loads the home
page, a search for 光伏 and a fact page; the test checks what is on each page and saves
screenshots as test artifacts (``test-artifacts/browser/``, or ``$AITRENDS_TEST_ARTIFACTS``).

Chromium talks to 127.0.0.1 only: every other host name resolves to nothing, and its
background services (updates, sync, QUIC, first-run) are off. Without Chromium the tests are
skipped on a developer's machine and fail in CI (``CI`` set), which installs it (``.ci/run``).

The screenshots in ``docs/`` are made by the same code::

    .venv/bin/python -m tests.test_browser docs/images
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

import pytest

from .serving import HOST, SETTINGS, free_port, running

pytestmark = pytest.mark.realtime  # servers, external tools: not for a faked clock (.ci/run)

ROOT = Path(__file__).parent.parent
AS_OF = "2025-06-01"
FACT = "lee-wired-inference-cost-falls-10x-per-year"
PAGES = {
    "home": "/",
    "search": "/aitrends/facts?" + urllib.parse.urlencode({"_search": "光伏"}),
    "fact": f"/aitrends/facts/{FACT}",
}
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    f"--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE {HOST}",
]


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        if found := shutil.which(name):
            return found
    return None


def browse(binary: str, url: str, *, screenshot: Path | None = None, height: int = 1000) -> str:
    """The DOM of ``url`` after loading it in a fresh headless Chromium; with ``screenshot``,
    a PNG of the page too."""
    assert urllib.parse.urlsplit(url).hostname == HOST
    with tempfile.TemporaryDirectory(prefix="aitrends-chromium-") as profile:
        cmd = [binary, *FLAGS, f"--user-data-dir={profile}", f"--window-size=1280,{height}"]
        if screenshot is not None:
            shot = subprocess.run(
                [*cmd, f"--screenshot={screenshot}", url], capture_output=True, timeout=180, check=False
            )
            assert shot.returncode == 0 and screenshot.is_file(), shot.stderr.decode("utf-8", "replace")
        dom = subprocess.run([*cmd, "--dump-dom", url], capture_output=True, timeout=180, check=False)
    assert dom.returncode == 0, dom.stderr.decode("utf-8", "replace")
    return dom.stdout.decode("utf-8")


def serve_command(port: int) -> list[str]:
    aitrends = [sys.executable, "-m", "aitrends"]
    return [*aitrends, "serve", "--port", str(port), "--as-of", AS_OF, "--", *SETTINGS]


def take(binary: str, base: str, outdir: Path) -> dict[str, str]:
    """Load every page of :data:`PAGES`, save its screenshot in ``outdir``, return the DOMs."""
    outdir.mkdir(parents=True, exist_ok=True)
    heights = {"home": 800, "search": 1500, "fact": 1500}
    return {
        name: browse(binary, base + path, screenshot=outdir / f"serve-{name}.png", height=heights[name])
        for name, path in PAGES.items()
    }


@pytest.fixture(scope="module")
def binary() -> str:
    found = chromium()
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(
                "Chromium is not installed (apt-get install -y chromium); CI must run the browser tests"
            )
        pytest.skip("Chromium is not installed (apt-get install -y chromium); CI runs these tests")
    return found


@pytest.fixture(scope="module")
def pages(binary, tmp_path_factory) -> dict[str, str]:
    env = dict(os.environ, AITRENDS_CACHE_DIR=str(tmp_path_factory.mktemp("cache")))
    env.pop("AITRENDS_DATA", None)
    port = free_port()
    artifacts = Path(os.environ.get("AITRENDS_TEST_ARTIFACTS", ROOT / "test-artifacts")) / "browser"
    with running(serve_command(port), port, env=env) as base:
        return take(binary, base, artifacts)


def test_home_page(pages, real_kb):
    dom = pages["home"]
    assert "aitrends: claims about the AI industry" in dom
    assert 'href="/aitrends/facts"' in dom
    assert '<form class="aitrends-search" action="/aitrends/facts" method="get">' in dom
    assert f"{len(real_kb.all_facts)} facts (claims, forecasts, quotes and figures)" in dom


def test_search_for_a_two_character_chinese_word(pages, real_kb):
    dom = pages["search"]
    found = {h.id for h in real_kb.search("光伏")}
    assert f"{len(found)} rows where search matches" in dom
    for fact_id in found:
        assert f'href="/aitrends/facts/{fact_id}"' in dom


def test_fact_page(pages, real_kb):
    from markupsafe import escape

    dom = pages["fact"]
    fact = real_kb.get(FACT)
    assert str(escape(fact.excerpt)) in dom and str(escape(fact.excerpt_en)) in dom
    assert 'class="aitrends-speaker" href="/aitrends/facts?speaker__arraycontains=kai-fu-lee"' in dom
    assert "×10 a year" in dom and "-90% a year" in dom
    assert 'class="aitrends-links"' in dom and 'class="aitrends-related"' in dom


if __name__ == "__main__":
    found = chromium()
    if found is None:
        sys.exit("Chromium is not installed (apt-get install -y chromium)")
    port = free_port()
    with tempfile.TemporaryDirectory() as cache:
        with running(serve_command(port), port, env=dict(os.environ, AITRENDS_CACHE_DIR=cache)) as base:
            take(found, base, Path(sys.argv[1] if len(sys.argv) > 1 else "docs/images"))
