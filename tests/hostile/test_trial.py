"""Findings of a hostile trial (issue 15), each with its exact expected behaviour: parent
cycles, the index lock, huge cells, YAML 1.1 numbers, ids against aliases, blank texts,
non-ASCII digits, plots, terminal escapes, Markdown and CSV injection, SIGTERM."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest

import aitrends
from aitrends.search import Match, NameIndex

from .conftest import BASE, fact, fact_file, make_base, problems, run, shown

posix = pytest.mark.skipif(os.name != "posix", reason="POSIX locks and signals")


def write(d, files):
    for name, text in files.items():
        (d / name).write_text(text, encoding="utf-8")
    return d


# --------------------------------------------------------------------------- hangs

CYCLES = {
    "topics.yaml": "topics:\n"
    "  - {id: things, label_en: Things, label_zh: 事物, parent: more}\n"
    "  - {id: more, label_en: More, label_zh: 更多, parent: things}\n",
    "metrics.yaml": "metrics:\n"
    "  - {id: cost, label_en: Cost, parent: price}\n"
    "  - {id: price, label_en: Price, parent: cost}\n"
    "  - {id: solo, label_en: Solo, parent: solo}\n",
    "organizations.yaml": "organizations:\n"
    "  - {id: outlet, name_en: Example Outlet, kind: media, parent: group}\n"
    "  - {id: group, name_en: Group, kind: company, parent: outlet}\n",
}


class TestParentCycles:
    """Every parent chain is checked for cycles, and no traversal loops on unchecked data."""

    def test_validate_reports_every_cycle(self, data):
        write(data, CYCLES)
        where = {name: shown(data / name) for name in CYCLES}
        assert problems(data) == [
            f"{where['metrics.yaml']}:2: metrics[0].parent: metric 'cost' is its own ancestor",
            f"{where['metrics.yaml']}:3: metrics[1].parent: metric 'price' is its own ancestor",
            f"{where['metrics.yaml']}:4: metrics[2].parent: metric 'solo' is its own ancestor",
            f"{where['organizations.yaml']}:2: organizations[0].parent: organization 'outlet' is its own ancestor",
            f"{where['organizations.yaml']}:3: organizations[1].parent: organization 'group' is its own ancestor",
            f"{where['topics.yaml']}:2: topics[0].parent: topic 'things' is its own ancestor",
            f"{where['topics.yaml']}:3: topics[1].parent: topic 'more' is its own ancestor",
        ]

    def test_related_ends_on_an_unvalidated_metric_cycle(self, data):
        """related() and compare() walk the metric family; a cycle planted after loading
        (as unvalidated data would hold it) ends the walk instead of looping."""
        write(
            data,
            {"metrics.yaml": "metrics:\n  - {id: cost, label_en: Cost}\n  - {id: price, label_en: Price}\n"},
        )
        text = fact() + "    metric: cost\n"
        (data / "facts" / "a.yaml").write_text(fact_file(text), encoding="utf-8")
        kb = aitrends.load(data, bundled=False)
        metrics = kb.table("metrics")
        metrics["cost"] = metrics["cost"].model_copy(update={"parent": "price"})
        metrics["price"] = metrics["price"].model_copy(update={"parent": "cost"})
        from aitrends.checks import ancestors
        from aitrends.relate import _metric_family, related

        assert ancestors(metrics, "cost") == ["price"]
        assert _metric_family(kb, "cost") == {"cost", "price"}
        assert related(kb, "things-change") == []


@posix
@pytest.mark.realtime
class TestIndexLock:
    """A process holding the index lock (stopped with Ctrl-Z) delays others only so long."""

    @pytest.fixture
    def held(self, data, tmp_path):
        import fcntl

        from aitrends import cache

        env = {"AITRENDS_CACHE_DIR": str(tmp_path / "cache"), "AITRENDS_LOCK_TIMEOUT": "0.2"}
        path = cache.index_path([str(data)], env)
        os.makedirs(os.path.dirname(path))
        fd = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield env, path
        os.close(fd)

    def command(self, data, env, *extra_env):
        full = {k: v for k, v in os.environ.items() if k != "AITRENDS_DEBUG"} | env | dict(extra_env)
        cmd = [sys.executable, "-m", "aitrends", "--no-bundled", "-d", str(data), "claims", "--json"]
        return subprocess.run(cmd, env=full, capture_output=True, timeout=120, text=True)

    def test_answer_from_the_yaml(self, data, held):
        env, path = held
        done = self.command(data, env)
        assert (done.returncode, done.stderr) == (0, "")
        assert [f["id"] for f in json.loads(done.stdout)] == ["things-change"]
        assert not os.path.exists(path)  # nothing was built while the lock was held

    def test_debug_says_so(self, data, held):
        env, path = held
        done = self.command(data, env, ("AITRENDS_DEBUG", "1"))
        assert done.returncode == 0
        assert (
            done.stderr
            == f"aitrends: the index {path} is locked by another process; answering from the YAML files\n"
        )

    def test_the_wait_is_bounded_in_the_library(self, data, held, monkeypatch):
        from aitrends import cache, index

        env, path = held
        monkeypatch.setenv("AITRENDS_LOCK_TIMEOUT", "0")
        with pytest.raises(cache.LockTimeout):
            index.refresh(path, cache.scan([str(data)]))
        assert cache.open_fresh([str(data)], env) is None


class TestHugeCell:
    """A 4.5 MB one-word statement: the table shows 10,000 characters and says how many more."""

    def test_table(self):
        from aitrends.tables import MAX_CELL_CHARS, draw

        assert MAX_CELL_CHARS == 10_000
        out = draw(["id", "statement"], [["x", "a" * 4_500_000]], width=100)
        assert sum(len(run) for run in re.findall("a{2,}", out)) == 10_000
        assert out.splitlines()[-2] == "│    │ (4,490,000 more characters)" + " " * 65 + "│"

    def test_title(self):
        from aitrends.tables import draw

        out = draw(["id", "statement"], [["x", "y" * 90]], title="t" * 20_000, width=100)
        title = out.split("┏")[0]
        assert title.replace(" more characters)", "").count("t") == 10_000
        assert "(10,000 more characters)" in " ".join(title.split())


# --------------------------------------------------------------------------- wrong answers


class TestYamlNumbers:
    """YAML 1.1 numbers that read differently in YAML 1.2 and elsewhere are refused."""

    @pytest.mark.parametrize(
        ("value", "why"),
        [
            ("20:24", "is a base-60 number in YAML 1.1"),
            ("1:30.5", "is a base-60 number in YAML 1.1"),
            ("-1:00", "is a base-60 number in YAML 1.1"),
            ("017", "is an octal number in YAML 1.1"),
            ("0b101", "is a binary number in YAML 1.1"),
        ],
    )
    def test_refused(self, data, value, why):
        path = data / "facts" / "a.yaml"
        path.write_text(fact_file(fact() + f"    said: {value}\n"), encoding="utf-8")
        assert problems(data) == [
            f"{shown(path)}:10: '{value}' {why}; quote it if it is text, or write the number plainly"
        ]

    @pytest.mark.parametrize("value", ["yes", "no", "on", "off"])
    def test_yaml_11_booleans_are_not_text(self, data, value):
        path = data / "facts" / "a.yaml"
        path.write_text(fact_file(fact(statement=value)), encoding="utf-8")
        assert problems(data) == [f"{shown(path)}:7: facts[0].statement: Input should be a valid string"]

    def test_plain_numbers_and_quoted_text_still_read(self):
        from aitrends.yamlio import parse

        text = "a: '20:24'\nb: 2024\nc: 0.5\nd: 0x1F\ne: 0\nf: 1_000\ng: 007.5\n"
        assert parse(text).data == {"a": "20:24", "b": 2024, "c": 0.5, "d": 31, "e": 0, "f": 1000, "g": 7.5}


class TestIdsAndAliases:
    """An exact id always wins; an alias equal to another record's id is a validate error."""

    def test_exact_id_wins(self):
        index = NameIndex()
        index.add("cost", ["cost", "Cost", "compute"])
        index.add("compute", ["compute", "Compute"])
        assert index.lookup("compute") == Match(["compute"], "exact")
        assert index.lookup("COMPUTE") == Match(["compute"], "exact")

    def test_alias_equal_to_an_id_in_an_override_layer(self, data, tmp_path):
        write(
            data,
            {"topics.yaml": BASE["topics.yaml"] + "  - {id: compute, label_en: Compute, label_zh: 算力}\n"},
        )
        upper = tmp_path / "upper"
        upper.mkdir()
        topics = upper / "topics.yaml"
        topics.write_text(
            "topics:\n  - {id: things, label_en: Things, label_zh: 事物, aliases: [compute], override: true}\n",
            encoding="utf-8",
        )
        with pytest.raises(aitrends.DataError) as info:
            aitrends.load(data, upper, bundled=False)
        assert [str(p) for p in info.value.problems] == [
            f"{shown(topics)}:2: topics[0].aliases[0]: alias 'compute' is the id of another record ('compute')"
        ]


class TestBlankText:
    """A statement of only spaces, U+00A0 or U+200B is refused (so is any required text)."""

    def test_statements(self, data):
        path = data / "facts" / "a.yaml"
        path.write_text(
            fact_file(fact("a", '"   "'), fact("b", '"\\u00a0"'), fact("c", '"\\u200b \\u3000"')),
            encoding="utf-8",
        )
        message = "statement: text is blank (only spaces or invisible characters)"
        assert problems(data) == [
            f"{shown(path)}:7: facts[0].{message}",
            f"{shown(path)}:14: facts[1].{message}",
            f"{shown(path)}:21: facts[2].{message}",
        ]


class TestAsciiDigits:
    """Counts and dates are written with the digits 0-9: other digits are refused, not read."""

    @pytest.mark.parametrize("value", ["١٢", "１２", "१२"])
    def test_limit(self, data, value):
        result = run(data, "claims", "--limit", value)
        assert result.exit_code == 2
        assert result.stderr.endswith(
            f"Error: Invalid value for '--limit' / '-n': '{value}' is not a whole number written with the digits 0-9.\n"
        )

    @pytest.mark.parametrize("value", ["２０２４", "٢٠٢٤", "2024-０５"])
    def test_since(self, data, value):
        result = run(data, "claims", "--since", value)
        assert (result.exit_code, result.stderr) == (
            2,
            f"Error: --since: '{value}' is not a date like 2024, 2024-05 or 2024-05-01\n",
        )

    def test_fast_path_agrees(self, data, tmp_path):
        env = dict(os.environ, AITRENDS_CACHE_DIR=str(tmp_path / "cache"))
        cmd = [sys.executable, "-m", "aitrends", "--no-bundled", "-d", str(data), "claims", "--json"]
        for extra in (["--limit", "١٢"], ["--since", "２０２４"]):
            done = subprocess.run([*cmd, *extra], env=env, capture_output=True, timeout=120)
            assert (done.returncode, done.stdout) == (2, b"")


class TestPlot:
    """Data text is drawn as written (no mathtext); unsupported formats are usage errors."""

    @pytest.fixture
    def dollars(self, tmp_path):
        pytest.importorskip("matplotlib")
        d = make_base(tmp_path / "plot")
        write(d, {"topics.yaml": "topics:\n  - {id: things, label_en: 'Things $x^{', label_zh: 事物}\n"})
        text = fact().replace("    kind: claim\n", "    kind: figure\n") + (
            "    quantity: {stated: 事物总是, bound: range, low: 0.5, high: 1, unit: USD, as_of: 2024}\n"
        )
        (d / "facts" / "a.yaml").write_text(fact_file(text), encoding="utf-8")
        return d

    def test_dollar_signs_are_text(self, dollars, tmp_path):
        from aitrends.plot import save, topic_figure

        kb = aitrends.load(dollars, bundled=False)
        fig = topic_figure(kb, "things")
        out = save(fig, tmp_path / "chart.svg")
        texts = list(dict.fromkeys([t for ax in fig.axes for t in ax.texts] + fig.texts + [fig._suptitle]))
        assert [t.get_text() for t in texts if "$" in t.get_text()] == [
            "$0.5–$1",
            "Things $x^{: dated figures and rates of change",
        ]
        assert all(not t._parse_math for t in texts)
        assert out.stat().st_size > 0

    @pytest.mark.parametrize("name", ["x.gif", "x.jpg", "x.tiff", "x.txt"])
    def test_unsupported_format(self, data, tmp_path, name):
        pytest.importorskip("matplotlib")
        from aitrends.errors import UsageError
        from aitrends.plot import save

        with pytest.raises(UsageError) as info:
            save(object(), tmp_path / name)
        suffix = name[1:]
        assert str(info.value) == f"cannot write '{suffix}' images; use .png, .svg, .pdf"
        assert info.value.exit_code == 2
        result = run(data, "plot", "--topic", "things", "--output", str(tmp_path / name))
        assert (result.exit_code, result.stderr) == (
            2,
            f"Error: cannot write '{suffix}' images; use .png, .svg, .pdf\n",
        )
        assert not (tmp_path / name).exists()


# --------------------------------------------------------------------------- leaks and injection

OSC8 = "\\e]8;;https://evil.example\\a click me \\e]8;;\\a\\e]0;pwned\\a"
"""An OSC 8 hyperlink and a window title, as YAML double-quoted escapes."""
SHOWN = "\\x1b]8;;https://evil.example\\x07 click me \\x1b]8;;\\x07\\x1b]0;pwned\\x07"


class TestTerminalEscapes:
    """Data text reaching a terminal shows escapes as text: the person title, cite text, BibTeX."""

    def test_person_title(self, data):
        write(data, {"people.yaml": f'people:\n  - {{id: ann, name_en: "Ann{OSC8}", name_zh_hans: 安}}\n'})
        result = run(data, "person", "ann", env={"COLUMNS": "3000"})
        assert result.exit_code == 0, result.stderr
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout
        assert result.stdout.splitlines()[0].strip() == f"Ann{SHOWN} (ann)"

    @pytest.mark.parametrize(
        ("fmt", "expected"),
        [
            ("text", f"“示例来源” [Example source{SHOWN}]."),
            ("biblatex", "titleaddon = {[Example source" + SHOWN.replace("\\", r"\textbackslash{}") + "]}"),
            ("bibtex", "note = {[Example source" + SHOWN.replace("\\", r"\textbackslash{}") + "]."),
        ],
    )
    def test_cite(self, data, fmt, expected):
        sources = BASE["sources.yaml"].replace(
            "title_en: Example source", f'title_en: "Example source{OSC8}"'
        )
        write(data, {"sources.yaml": sources})
        result = run(data, "cite", "src", "--format", fmt)
        assert result.exit_code == 0, result.stderr
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout
        assert expected in result.stdout

    def test_csl_json_carries_the_text_exactly(self, data):
        sources = BASE["sources.yaml"].replace(
            "title_en: Example source", f'title_en: "Example source{OSC8}"'
        )
        write(data, {"sources.yaml": sources})
        result = run(data, "cite", "src", "--format", "csl-json")
        item = json.loads(result.stdout)[0]
        assert item["custom"]["translated-title"] == "Example source" + SHOWN.replace(
            "\\x1b", "\x1b"
        ).replace("\\x07", "\x07")


HOSTILE = "<img src=x onerror=alert(1)> [x](javascript:alert(1)) *b* `c`"


class TestMarkdown:
    """HTML and Markdown syntax in data are shown as written, never rendered."""

    def test_escaped(self, data):
        (data / "facts" / "a.yaml").write_text(fact_file(fact(statement=f'"{HOSTILE}"')), encoding="utf-8")
        result = run(data, "claims", "--format", "markdown")
        assert result.exit_code == 0, result.stderr
        row = result.stdout.splitlines()[2]
        assert "&lt;img src=x onerror=alert(1)&gt; \\[x\\](javascript:alert(1)) \\*b\\* \\`c\\`" in row, row
        assert "<img" not in result.stdout and "[x](" not in result.stdout


FORMULAS = ['=HYPERLINK("https://evil.example","x")', "@SUM(1+1)", "+cmd|' /C calc'!A0", "-2+3"]


class TestCsvFormulas:
    """--format csv guards cells a spreadsheet would run; AITRENDS_CSV_RAW=1 turns it off."""

    @pytest.fixture
    def formulas(self, data):
        facts = [fact(f"f-{i}", json.dumps(text)) for i, text in enumerate(FORMULAS)]
        (data / "facts" / "a.yaml").write_text(fact_file(*facts), encoding="utf-8")
        return data

    def statements(self, result):
        assert result.exit_code == 0, result.stderr
        return [row["statement"] for row in csv.DictReader(io.StringIO(result.stdout))]

    def test_guarded_by_default(self, formulas):
        assert self.statements(run(formulas, "claims", "-f", "csv")) == ["'" + f for f in FORMULAS]

    @pytest.mark.parametrize(("value", "raw"), [("1", True), ("0", False), ("", False)])
    def test_turned_off(self, formulas, value, raw):
        got = self.statements(run(formulas, "claims", "-f", "csv", env={"AITRENDS_CSV_RAW": value}))
        assert got == (FORMULAS if raw else ["'" + f for f in FORMULAS])

    def test_numbers_are_not_touched(self):
        from aitrends.render import to_csv

        assert to_csv([{"a": -5, "b": -0.5, "c": "-5"}]) == "a,b,c\n-5,-0.5,'-5\n"


@posix
@pytest.mark.realtime
def test_sigterm_during_a_parallel_index_build(tmp_path):
    """SIGTERM while a parallel build writes its temporary database: the process ends as
    SIGTERM ends it, quietly, and leaves no temporary file in the cache."""
    d = make_base(tmp_path / "big")
    for f in range(40):  # above the thresholds of a parallel build (32 files, 4,000 facts)
        facts = [fact(f"fact-{f:02d}-{i:03d}") for i in range(150)]
        (d / "facts" / f"f{f:02d}.yaml").write_text(fact_file(*facts), encoding="utf-8")
    cache = tmp_path / "cache"
    env = dict(os.environ, AITRENDS_CACHE_DIR=str(cache))
    env.pop("AITRENDS_DEBUG", None)
    cmd = [sys.executable, "-m", "aitrends", "--no-bundled", "-d", str(d), "claims", "--json"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(12000):  # until the build is under way (at most two minutes)
            if cache.is_dir() and any(p.name.endswith(".tmp") for p in cache.iterdir()):
                break
            if proc.poll() is not None:
                pytest.fail("the build ended before it could be interrupted")
            time.sleep(0.01)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=120) == -signal.SIGTERM
        assert proc.stderr.read() == b""
    finally:
        proc.kill()
        proc.stderr.close()
    assert [p.name for p in cache.iterdir() if p.name.endswith(".tmp")] == []
