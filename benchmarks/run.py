"""Time whole ``aitrends`` processes against the ``python -c "import yaml"`` floor.

    python benchmarks/run.py --all          # everything in docs/performance.md (about 5 minutes)
    python benchmarks/run.py --bundled      # the bundled knowledge base only (under a minute)

Each case runs ``--runs`` times (default 15), each run paired with a run of the floor in the
same round, so that a busy machine slows both. A case reports the median, minimum and
maximum wall time, its ratio to the floor's median, the target of issue 8, and the peak
resident memory of the process (from ``wait4``). Output is a Markdown table.

The cache lives in a temporary directory (``AITRENDS_CACHE_DIR``); each case is run once
before timing so that it measures a cold process with the index built (nothing drawn is kept:
every table is drawn anew by every run). The synthetic knowledge bases come
from ``benchmarks/generate.py`` and are kept in ``--workdir`` between runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent


COMMAND: list[str] = []


def say(text: str) -> None:
    """Progress, on stderr (the table goes to stdout)."""
    sys.stderr.write(text + "\n")


def aitrends_command() -> list[str]:
    """``--command``, else the ``aitrends`` script beside this Python, else ``python -m aitrends``."""
    if COMMAND:
        return COMMAND
    script = Path(sys.executable).parent / "aitrends"
    return [str(script)] if script.exists() else [sys.executable, "-m", "aitrends"]


def run_once(cmd: list[str], env: dict[str, str]) -> tuple[float, float, int, int]:
    """(seconds, peak RSS in MiB, exit status, bytes written to stdout) of one process."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        size = out.tell()
    return seconds, usage.ru_maxrss / 1024, proc.returncode, size


class Bench:
    """Runs cases paired with the floor and collects the rows of the table."""

    def __init__(self, runs: int, env: dict[str, str]) -> None:
        self.runs = runs
        self.env = env
        self.floor_cmd = [sys.executable, "-c", "import yaml"]
        self.rows: list[list[str]] = []

    def case(
        self,
        name: str,
        args: list[str],
        *,
        target: float | None = None,
        env: dict[str, str] | None = None,
        before: Callable[[], None] | None = None,
        runs: int | None = None,
        warm: bool = True,
        rss_target: float | None = None,
        check: Callable[[int], None] | None = None,
    ) -> float:
        env = {**self.env, **(env or {})}
        cmd = [*aitrends_command(), *args]
        if warm:
            run_once(cmd, env)
        times, floors, rss, size = [], [], 0.0, 0
        for _ in range(runs or self.runs):
            floors.append(run_once(self.floor_cmd, self.env)[0])
            if before:
                before()
            seconds, peak, status, size = run_once(cmd, env)
            if status != 0:
                raise SystemExit(f"{name}: exit status {status}: {' '.join(cmd)}")
            if check:
                check(size)
            times.append(seconds)
            rss = max(rss, peak)
        med, floor = statistics.median(times), statistics.median(floors)
        ratio = med / floor
        verdict = ""
        if target is not None:
            verdict = f"≤ {target:g}x " + ("yes" if ratio <= target else "**no**")
        if rss_target is not None:
            verdict += f"; ≤ {rss_target:g} MiB " + ("yes" if rss <= rss_target else "**no**")
        self.rows.append(
            [
                name,
                f"`aitrends {' '.join(args)}`".replace(str(Path.home()), "~"),
                f"{med * 1000:.0f}",
                f"{min(times) * 1000:.0f}–{max(times) * 1000:.0f}",
                f"{floor * 1000:.0f}",
                f"{ratio:.2f}x",
                verdict,
                f"{rss:.0f}",
                f"{size:,}",
            ]
        )
        say(f"  {name}: {med * 1000:.0f} ms, {ratio:.2f}x, {rss:.0f} MiB")
        return med

    def note(self, name: str, what: str, seconds: float, verdict: str = "", rss: float | None = None) -> None:
        self.rows.append(
            [name, what, f"{seconds * 1000:.0f}", "", "", "", verdict, f"{rss:.0f}" if rss else "", ""]
        )
        say(f"  {name}: {seconds:.2f} s {verdict}")

    def table(self) -> str:
        head = [
            "case",
            "command",
            "median ms",
            "min–max ms",
            "floor ms",
            "ratio",
            "target",
            "peak RSS MiB",
            "stdout bytes",
        ]
        lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in self.rows]
        return "\n".join(lines)


def completion_env(words: str) -> dict[str, str]:
    return {
        "_AITRENDS_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split(" ")) - 1),
    }


def bundled(b: Bench, cache_dir: Path) -> None:
    say("bundled knowledge base")
    q_json = ["claims", "--topic", "inference-cost", "--format", "json"]
    q_table = ["claims", "--topic", "inference-cost"]
    q_quote = ["quote", "--person", "Amodei"]
    b.case("bundled: json", q_json, target=3)
    b.case("bundled: table", q_table, target=4)
    b.case("bundled: quote", q_quote, target=4)
    b.case("bundled: every fact, table", ["claims"])
    for words in ("aitrends claims --topic inf", "aitrends claims --person Am", "aitrends show lee-"):
        b.case(f"bundled: TAB `{words.split(' ', 1)[1]}`", [], target=2.5, env=completion_env(words))
    search_cases(b, "bundled", [], target=3)
    reference_cases(b, "bundled", [], target=3)
    ledger_cases(b, "bundled", [], target=3)
    analysis_cases(b, "bundled", [], "lee-wired-inference-cost-falls-10x-per-year", cache_dir, target=3)
    export_cases(b, "bundled", [], cache_dir.parent / "exports", runs=3)
    b.case("bundled: json, --no-cache (an index built in memory)", ["--no-cache", *q_json], runs=5)
    b.case("bundled: quote, --no-cache", ["--no-cache", *q_quote], runs=5)


REFERENCE_COMMANDS = [
    ["sources"],
    ["people"],
    ["organizations"],
    ["topics"],
    ["metrics"],
    ["person", "Amodei"],
    ["source", "wired-lee-think-lighter"],
    ["cite", "nbd-etzioni-2023"],
]
"""The reference listings, profiles and citations (aitrends.reference, aitrends.cite)."""


def reference_cases(
    b: Bench, label: str, dd: list[str], *, target: float | None = None, runs: int | None = None
) -> None:
    """Each of :data:`REFERENCE_COMMANDS` as a table (cite: text) and as JSON (cite: CSL-JSON)."""
    for words in REFERENCE_COMMANDS:
        json_ = ["-f", "csl-json"] if words[0] == "cite" else ["--format", "json"]
        for suffix, fmt in (("", []), (", json", json_)):
            b.case(f"{label}: {' '.join(words)}{suffix}", [*dd, *words, *fmt], target=target, runs=runs)


def synthetic(
    b: Bench, cache_dir: Path, workdir: Path, facts: int, slow: bool, one_build: bool = False
) -> None:
    data = workdir / f"kb-{facts}"
    if not (data / "facts").is_dir():
        say(f"generating {facts} facts")
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), "--facts", str(facts), "--out", str(data)], check=True
        )
    size = sum(p.stat().st_size for p in data.rglob("*.yaml"))
    files = len(list((data / "facts").iterdir()))
    label = f"{facts // 1000}k" if facts >= 1000 and facts % 1000 == 0 else f"{facts:,} facts"
    say(f"{label}: {files} files, {size / 1e6:.0f} MB of YAML")
    dd = ["--no-bundled", "--data-dir", str(data)]
    q_json = [*dd, "claims", "--topic", "inference-cost", "--format", "json"]
    q_table = [*dd, "claims", "--topic", "inference-cost"]
    q_quote = [*dd, "quote", "--person", "Amodei"]

    builds = (("2 cores", []), ("1 core", ["taskset", "-c", "0"]))
    for name, prefix in builds[:1] if one_build else builds:
        if prefix and not shutil.which("taskset"):
            continue
        for db in cache_dir.glob("index-*"):
            db.unlink()
        seconds, rss, status, _ = run_once([*prefix, *aitrends_command(), *q_json], b.env)
        assert status == 0
        db = next(cache_dir.glob("index-*.sqlite"))
        b.note(
            f"{label}: first full build ({name})",
            f"index of {facts:,} facts in {files:,} files ({size / 1e6:.0f} MB of YAML) → "
            f"{db.stat().st_size / 1e6:.0f} MB of SQLite, then the query",
            seconds,
            rss=rss,
        )
    target = 5 if facts >= 100_000 else None
    rss_target = 100 if facts >= 100_000 else None
    b.case(f"{label}: json", q_json, target=target, rss_target=rss_target)
    b.case(f"{label}: table", q_table, target=target, rss_target=rss_target)
    b.case(f"{label}: quote", q_quote, target=target, rss_target=rss_target)
    for words in (
        f"aitrends {' '.join(dd)} claims --topic inf",
        f"aitrends {' '.join(dd)} claims --person Am",
        f"aitrends {' '.join(dd)} show syn-2024-001",
    ):
        b.case(
            f"{label}: TAB `{words.split(' claims ')[-1] if ' claims ' in words else 'show syn-2024-001'}`",
            [],
            target=2.5,
            env=completion_env(words),
        )
    search_cases(b, label, dd, target=target, rss_target=150 if facts >= 100_000 else None)
    sample = json.loads(
        subprocess.run(
            [*aitrends_command(), *q_json[:-2], "--format", "json", "-n", "1"],
            env=b.env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )[0]
    read_cases(
        b,
        label,
        dd,
        sample["id"],
        sample["source"],
        target=target,
        rss_target=150 if facts >= 100_000 else None,
        runs=max(3, b.runs // 3),
    )
    analysis_cases(
        b,
        label,
        dd,
        sample["id"],
        cache_dir,
        target=target,
        rss_target=150 if facts >= 100_000 else None,
        runs=max(3, b.runs // 3),
    )
    export_cases(b, label, dd, workdir / "exports", runs=1)
    edit_case(b, data, q_json, label)
    if slow:
        b.case(f"{label}: json, normal path", ["--no-cache", *q_json], runs=1, warm=False)


SEARCHES = [("推理成本",), ("inference", "cost")]
"""The search cases: a Chinese and an English query (each as a table and as JSON)."""


def search_cases(
    b: Bench, label: str, dd: list[str], *, target: float | None, rss_target: float | None = None
) -> None:
    for words in SEARCHES:
        for fmt in ([], ["--format", "json"]):
            name = f"{label}: search {' '.join(words)}{', json' if fmt else ''}"
            b.case(name, [*dd, "search", *words, *fmt], target=target, rss_target=rss_target)


LEDGER = [
    ["show", "kpmg-oxford-yale-ai-drives-trucks-2027", "--json"],
    ["show", "kpmg-oxford-yale-ai-drives-trucks-2027"],
    ["forecasts", "--status", "due"],
    ["forecasts", "--status", "due", "--json"],
]
"""``show`` (a forecast, JSON and its card) and ``forecasts`` (table and JSON), from the index."""


ANALYSIS = [
    ["trends", "--topic", "inference-cost"],
    ["check"],
    ["compare", "--topic", "inference-cost"],
    ["scores"],
]
"""The commands whose result is computed with the models (aitrends.analyses), with ``related``."""


def forget(cache_dir: Path) -> None:
    """Drop every result the index keeps (aitrends.kept), as an update of the data does."""
    for db in cache_dir.glob("index-*.sqlite"):
        con = sqlite3.connect(db)
        try:
            con.execute("DELETE FROM derived")
            con.commit()
        finally:
            con.close()


def analysis_cases(
    b: Bench,
    label: str,
    dd: list[str],
    fact: str,
    cache_dir: Path,
    *,
    target: float | None,
    rss_target: float | None = None,
    runs: int | None = None,
) -> None:
    """``related`` of a fact and :data:`ANALYSIS`: answered from the result the index keeps
    (the target), and computed with the models (the first answer after a change of the data:
    no target); then the listings and the ledger made afresh (what is kept dropped first)."""
    for args in [["related", fact], *ANALYSIS]:
        b.case(f"{label}: {' '.join(args)}", [*dd, *args], target=target, rss_target=rss_target, runs=runs)
    for args in [["related", fact], *ANALYSIS]:
        b.case(
            f"{label}: {' '.join(args)}, computed (models)",
            [*dd, *args],
            runs=runs,
            before=lambda: forget(cache_dir),
            warm=False,
        )
    for args in (["people", "--json"], ["topics", "--json"], ["forecasts", "--status", "due", "--json"]):
        b.case(
            f"{label}: {' '.join(args)}, made afresh",
            [*dd, *args],
            runs=runs,
            before=lambda: forget(cache_dir),
            warm=False,
        )


def read_cases(
    b: Bench,
    label: str,
    dd: list[str],
    fact: str,
    source: str,
    *,
    target: float | None,
    rss_target: float | None = None,
    runs: int | None = None,
) -> None:
    """Every other read command on one sample fact and source: ``show`` and ``related`` of
    the fact, ``cite`` and ``source`` of its source, ``person``, ``forecasts``, the reference
    listings (JSON)."""
    cases = [
        ["show", fact],
        ["show", fact, "--json"],
        ["forecasts", "--status", "due"],
        ["forecasts", "--status", "due", "--json"],
        ["person", "Amodei"],
        ["person", "Amodei", "--json"],
        ["source", source],
        ["cite", source],
        *([name, "--json"] for name in ("sources", "people", "organizations", "topics", "metrics")),
    ]
    for args in cases:
        b.case(f"{label}: {' '.join(args)}", [*dd, *args], target=target, rss_target=rss_target, runs=runs)


def export_cases(b: Bench, label: str, dd: list[str], out: Path, *, runs: int | None = None) -> None:
    """An export of everything in each format (into ``out``, replaced each run)."""
    for fmt in ("jsonl", "csv", "sqlite", "parquet"):
        target = out / {"csv": "csv", "jsonl": "kb.jsonl", "sqlite": "kb.db", "parquet": "kb.parquet"}[fmt]
        b.case(
            f"{label}: export --to {fmt}",
            [*dd, "export", "--to", fmt, str(target), "--force"],
            rss_target=300 if label == "100k" else None,
            runs=runs,
        )
        b.rows[-1][6] = (b.rows[-1][6] + "; " if b.rows[-1][6] else "") + (
            "≤ 30 s " + ("yes" if float(b.rows[-1][2]) <= 30_000 else "**no**") if label == "100k" else ""
        )


def ledger_cases(b: Bench, label: str, dd: list[str], *, target: float | None) -> None:
    for args in LEDGER:
        b.case(
            f"{label}: {' '.join(args[:1] + args[2:] if args[0] == 'show' else args)}",
            [*dd, *args],
            target=target,
        )


def edit_case(b: Bench, data: Path, query: list[str], label: str) -> None:
    """Edit one file that the query shows, then time the query, which must show the edit."""
    out = subprocess.run([*aitrends_command(), *query], env=b.env, capture_output=True, text=True, check=True)
    fact = json.loads(out.stdout)[0]
    path = data / "facts" / f"{fact['source']}.yaml"
    original = path.read_text(encoding="utf-8")
    old = json.dumps(fact["statement"], ensure_ascii=False)
    counter = iter(range(10**6))
    wanted: list[str] = []

    def before() -> None:
        new = fact["statement"] + f" (edited {next(counter)})"
        wanted[:] = [new]
        path.write_text(original.replace(old, json.dumps(new, ensure_ascii=False), 1), encoding="utf-8")

    def check(_size: int) -> None:
        seen = subprocess.run(
            [*aitrends_command(), *query[:-2], "--format", "jsonl", "-n", "1"],
            env=b.env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert wanted[0] in seen, "the query did not see the edit"

    try:
        b.case(
            f"{label}: json after editing one file",
            query,
            target=None,
            before=before,
            check=check,
            warm=False,
        )
        b.rows[-1][6] = "≤ 1 s " + ("yes" if float(b.rows[-1][2]) <= 1000 else "**no**")
    finally:
        path.write_text(original, encoding="utf-8")


def typer_compare(b: Bench, workdir: Path) -> None:
    """A typer hello-world on typer 0.28 and 0.29, each in its own virtual environment."""
    app = "import typer\napp = typer.Typer()\n@app.command()\ndef hello(name: str = 'x'):\n    print(name)\napp()\n"
    script = workdir / "hello.py"
    script.write_text(app)
    for version in ("0.28.0", "0.29.1"):
        venv = workdir / f"typer-{version}"
        python = venv / "bin" / "python"
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            subprocess.run([str(python), "-m", "pip", "install", "-q", f"typer=={version}"], check=True)
        times, floors = [], []
        for _ in range(b.runs):
            floors.append(run_once(b.floor_cmd, b.env)[0])
            times.append(run_once([str(python), str(script)], b.env)[0])
        med, floor = statistics.median(times), statistics.median(floors)
        b.rows.append(
            [f"typer {version} hello-world", "`python hello.py`", f"{med * 1000:.0f}",
             f"{min(times) * 1000:.0f}–{max(times) * 1000:.0f}", f"{floor * 1000:.0f}", f"{med / floor:.2f}x", "", "", ""]
        )  # fmt: skip
        say(f"  typer {version}: {med * 1000:.0f} ms")


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs ({cpu}), {platform.system()} {platform.release()}, Python {platform.python_version()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="bundled, 100k facts, typer comparison")
    parser.add_argument("--bundled", action="store_true", help="the bundled knowledge base")
    parser.add_argument("--sizes", type=int, nargs="*", default=[], help="synthetic knowledge bases (facts)")
    parser.add_argument("--slow", action="store_true", help="also time the normal path on synthetic bases")
    parser.add_argument("--typer", action="store_true", help="compare typer 0.28 and 0.29 (installs both)")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--one-build",
        action="store_true",
        help="time the first build with both cores only (not also with one)",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "aitrends-bench",
        help="kept between runs",
    )
    parser.add_argument("--command", help="how to run aitrends (default: the script beside this Python)")
    parser.add_argument(
        "--entry",
        metavar="MODULE:FUNCTION",
        help="run aitrends through a console script calling this entry point, as pip would write it "
        "(e.g. aitrends.fastpath:main to measure that entry point before it is installed)",
    )
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    if args.command:
        import shlex

        COMMAND[:] = shlex.split(args.command)
    elif args.entry:
        module, function = args.entry.split(":")
        script = args.workdir / "aitrends-entry.py"
        script.write_text(
            f"import re\nimport sys\nfrom {module} import {function}\n"
            "if __name__ == '__main__':\n"
            "    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n"
            f"    sys.exit({function}())\n"
        )
        COMMAND[:] = [sys.executable, str(script)]
    if args.all:
        args.bundled, args.typer, args.slow = True, True, True
        args.sizes = args.sizes or [100_000]
    # bytecode as an installed package has it
    found = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, aitrends, pydantic, typer, yaml; print(os.path.dirname(aitrends.__file__))",
        ],
        capture_output=True,
        text=True,
    )
    if found.returncode != 0:
        sys.stderr.write(
            f"Error: aitrends and its dependencies are not installed for {sys.executable}. From a clone:\n"
            "  python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/python benchmarks/run.py --all\n"
        )
        return 2
    package = found.stdout.strip()
    subprocess.run([sys.executable, "-m", "compileall", "-q", package], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        cache_dir = Path(tmp) / "cache"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AITRENDS_", "_AITRENDS"))}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env |= {"AITRENDS_CACHE_DIR": str(cache_dir), "COLUMNS": "120"}
        b = Bench(args.runs, env)
        say(f"{machine()}; {args.runs} runs a case")
        if args.bundled:
            bundled(b, cache_dir)
        for facts in args.sizes:
            synthetic(b, cache_dir, args.workdir, facts, args.slow, args.one_build)
        if args.typer:
            typer_compare(b, args.workdir)
    sys.stdout.write(f"Machine: {machine()}. {args.runs} runs a case unless fewer are shown.\n\n")
    sys.stdout.write(b.table() + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
