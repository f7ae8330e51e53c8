"""The CLI: every command in every format, exit codes, and errors without tracebacks."""

from __future__ import annotations

import csv
import io
import json

import pytest
import yaml

from aitrends.cli import app

from .conftest import FIXTURE_ARTICLES, FIXTURE_DATA, fixture_args

LISTINGS = [
    (["claims"], 8),
    (["claims", "--topic", "cost"], 1),
    (["quote", "--person", "Jane Roe"], 3),
    (["sources"], 2),
    (["people"], 4),
    (["organizations"], 3),
    (["topics"], 8),
    (["metrics"], 3),
]


def flat(text: str) -> str:
    """Table text with borders and wrapping removed, for substring checks."""
    return "".join(c for c in text if c not in " \n│┃")


def run(runner, *args, ok=True):
    result = runner.invoke(app, fixture_args(*args), catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.stderr
    return result


class TestFormats:
    """Every listing in every format holds the same records."""

    @pytest.mark.parametrize(("args", "count"), LISTINGS)
    def test_json(self, runner, args, count):
        data = json.loads(run(runner, *args, "--format", "json").stdout)
        assert len(data) == count
        assert all("id" in r for r in data)
        assert run(runner, *args, "--json").stdout == run(runner, *args, "-f", "json").stdout

    @pytest.mark.parametrize(("args", "count"), LISTINGS)
    def test_jsonl_csv_yaml(self, runner, args, count):
        ids = [r["id"] for r in json.loads(run(runner, *args, "--json").stdout)]
        jsonl = [json.loads(line) for line in run(runner, *args, "-f", "jsonl").stdout.splitlines()]
        rows = list(csv.DictReader(io.StringIO(run(runner, *args, "-f", "csv").stdout)))
        docs = yaml.safe_load(run(runner, *args, "-f", "yaml").stdout)
        assert [r["id"] for r in jsonl] == [r["id"] for r in rows] == [d["id"] for d in docs] == ids

    @pytest.mark.parametrize(("args", "count"), LISTINGS)
    def test_markdown(self, runner, args, count):
        lines = run(runner, *args, "-f", "markdown").stdout.splitlines()
        assert lines[0].startswith("| ") and lines[1].startswith("|---")
        assert len(lines) == count + 2

    @pytest.mark.parametrize(("args", "count"), LISTINGS)
    def test_table(self, runner, args, count, monkeypatch):
        monkeypatch.setenv("COLUMNS", "250")  # wide enough that no id is wrapped
        out = flat(run(runner, *args).stdout)
        first = json.loads(run(runner, *args, "--json").stdout)[0]
        needle = first["excerpt"] if args[0] == "quote" else first["id"]
        assert flat(needle) in out

    def test_json_is_unescaped_utf8(self, runner):
        out = run(runner, "claims", "--person", "张三", "--json").stdout
        assert "推理成本" in out and "\\u" not in out

    def test_yaml_output_reads_back(self):
        from aitrends.render import to_yaml
        from aitrends.yamlio import parse

        records = [{"text": "line\u2028separator\x85next\u2029para", "zh": "推理成本"}]
        out = to_yaml(records)
        assert "推理成本" in out and "\u2028" not in out
        assert parse(out).data == records

    def test_csv_flattens_nested_fields(self, runner):
        rows = list(
            csv.DictReader(io.StringIO(run(runner, "claims", "--kind", "figure", "-f", "csv").stdout))
        )
        row = next(r for r in rows if r["id"] == "roe-model-175b-parameters")
        assert (row["quantity.value"], row["quantity.unit"], row["topics"]) == (
            "175000000000.0",
            "parameters",
            "model-size",
        )


class TestCommands:
    """What each command shows."""

    def test_claims_empty_result(self, runner):
        result = run(runner, "claims", "--since", "2030")
        assert result.stdout == "" and result.stderr == "No facts match.\n"
        assert run(runner, "claims", "--since", "2030", "--json").stdout == "[]\n"

    def test_quote_shows_verbatim_and_english(self, runner):
        out = run(runner, "quote", "--person", "zhang san", "--topic", "open-source").stdout
        assert "我认为开源模型会越来越重要。" in out.replace("\n", "").replace("│", "").replace(" ", "")
        assert "[our translation]" in out

    def test_show(self, runner):
        out = run(runner, "show", "zhang-more-agents-next-year").stdout
        assert "next '明年': 2025-01-01 to 2025-12-31" in out
        assert "Zhang San (zhang-san)" in out

    def test_show_rate(self, runner):
        out = flat(run(runner, "show", "roe-compute-doubles-6-months").stdout)
        assert (
            flat(
                "growth x2 per 6 months (exact; stated 'doubles every 6 months') = x4/year, doubling every 6 months, +300.0%/year"
            )
            in out
        )

    def test_show_json(self, runner):
        data = json.loads(run(runner, "show", "roe-data-runs-out-2026", "--json").stdout)
        assert data["horizon_end"] == "2026-12-31" and data["horizon_relative"] is False

    def test_validate(self, runner):
        result = run(runner, "validate")
        assert result.stderr == (
            "OK: 7 files, 2 sources, 4 people, 3 organizations, 8 topics, 3 metrics, "
            "8 facts (2 claims, 3 forecasts, 1 quote, 2 figures), 0 resolutions\n"
        )

    def test_verify(self, runner):
        result = run(runner, "verify", "--articles", str(FIXTURE_ARTICLES))
        assert result.stderr.endswith("OK: 11 excerpts found verbatim in 2 articles\n")

    def test_sources_counts(self, runner):
        data = json.loads(run(runner, "sources", "--json").stdout)
        alpha = next(s for s in data if s["id"] == "alpha-interview")
        assert alpha["facts"] == {"claim": 1, "forecast": 2, "quote": 1, "figure": 1}

    def test_version(self, runner):
        from aitrends import __version__

        assert runner.invoke(app, ["--version"]).stdout == f"aitrends {__version__}\n"


class TestErrors:
    """Errors: one line on stderr, the right exit code, no traceback."""

    @pytest.mark.parametrize(
        ("args", "code", "message"),
        [
            (
                ["claims", "--person", "Janet Rowe"],
                2,
                "Error: unknown person or organization 'Janet Rowe' (did you mean 'jane-roe'?)",
            ),
            (
                ["claims", "--person", "example"],
                2,
                "Error: 'example' could be several people or organizations: 'example-corp' (Example Corp), "
                "'example-daily' (Example Daily), 'example-weekly' (Example Weekly)",
            ),
            (["claims", "--topic", "nothing-like-it"], 2, "Error: unknown topic 'nothing-like-it'"),
            (
                ["claims", "--since", "May 2024"],
                2,
                "Error: --since: 'May 2024' is not a date like 2024, 2024-05 or 2024-05-01",
            ),
            (
                ["claims", "--kind", "rumour"],
                2,
                "Error: --kind: 'rumour' is not one of claim, forecast, quote, figure",
            ),
            (
                ["show", "zhang-open-source"],
                1,
                "Error: unknown fact 'zhang-open-source' (did you mean 'zhang-open-source-matters'?)",
            ),
        ],
    )
    def test_messages(self, runner, args, code, message):
        result = run(runner, *args, ok=False)
        assert result.exit_code == code
        assert result.stderr.startswith(message)
        assert len(result.stderr.splitlines()) == 1
        assert result.stdout == ""

    @pytest.mark.parametrize(
        "args", [["claims", "--limit", "-2"], ["claims", "--format", "xml"], ["claims", "--nope"]]
    )
    def test_usage_errors_exit_2(self, runner, args):
        result = run(runner, *args, ok=False)
        assert result.exit_code == 2 and "Traceback" not in result.output

    def test_data_errors_listed_then_exit_1(self, runner, data_copy):
        (data_copy / "facts" / "bad.yaml").write_text("facts:\n  - {id: x, kind: claim}\n", encoding="utf-8")
        result = runner.invoke(app, ["--no-bundled", "-d", str(data_copy), "validate"])
        assert result.exit_code == 1
        lines = result.stderr.splitlines()
        assert lines[-1].startswith("Error: ") and lines[-1].endswith("problems in the data")
        assert all("bad.yaml:2: facts[0]." in line for line in lines[:-1])

    def test_terminal_escapes_are_neutralised(self, runner, data_copy):
        f = data_copy / "facts" / "beta-column.yaml"
        text = f.read_text(encoding="utf-8").replace(
            "statement: Roe says training compute doubles every six months.",
            'statement: "\\e]0;pwned\\a[bold]Roe[/bold] says training compute doubles every six months."',
        )
        f.write_text(text, encoding="utf-8")
        result = runner.invoke(app, ["--no-bundled", "-d", str(data_copy), "claims", "--topic", "compute"])
        assert result.exit_code == 0, result.stderr
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout
        assert flat("\\x1b]0;pwned\\x07[bold]Roe[/bold]") in flat(result.stdout)


def test_every_command_has_help_with_an_example(runner):
    import typer.main

    group = typer.main.get_command(app)
    for name, command in group.commands.items():
        assert command.help and "Example: aitrends" in command.help, name


def test_python_dash_m(tmp_path):
    import subprocess
    import sys

    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "aitrends",
            "--no-bundled",
            "-d",
            str(FIXTURE_DATA),
            "claims",
            "--kind",
            "quote",
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert [r["id"] for r in json.loads(out.stdout)] == ["zhang-open-source-matters"]


def test_internal_errors_have_no_traceback(monkeypatch, capsys):
    """An unexpected exception is one line and a hint, exit 1; AITRENDS_DEBUG=1 re-raises it."""
    import sys

    from aitrends import claims
    from aitrends.cli import main

    def boom(con, q, day):
        raise RuntimeError("boom")

    monkeypatch.setattr(claims, "claims", boom)
    monkeypatch.setenv("AITRENDS_NO_CACHE", "1")
    monkeypatch.setattr(sys, "argv", ["aitrends", *fixture_args("claims")])
    with pytest.raises(SystemExit) as info:
        main()
    assert info.value.code == 1
    assert (
        capsys.readouterr().err
        == "Internal error: RuntimeError: boom\nSet AITRENDS_DEBUG=1 for a traceback.\n"
    )
    monkeypatch.setenv("AITRENDS_DEBUG", "1")
    with pytest.raises(RuntimeError, match="boom"):
        main()


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["validate", "--data-dir", "x"], ["--data-dir", "x", "validate"]),
        (["-d", "a", "claims", "-d", "b", "--topic", "t"], ["-d", "a", "-d", "b", "claims", "--topic", "t"]),
        (
            ["claims", "--no-bundled", "--data-dir=x", "--json"],
            ["--no-bundled", "--data-dir=x", "claims", "--json"],
        ),
        (["search", "--", "-d", "x"], ["search", "--", "-d", "x"]),
        (["validate", "--data-dir"], ["validate", "--data-dir"]),
        (["--version"], ["--version"]),
    ],
)
def test_global_options_after_the_command(argv, expected):
    from aitrends.cli._app import hoist_global_options

    assert hoist_global_options(argv) == expected


def test_validate_with_data_dir_after_the_command(tmp_path):
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "aitrends", "validate", "--no-bundled", "--data-dir", str(FIXTURE_DATA)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert out.returncode == 0 and out.stderr.startswith("OK: 7 files, 2 sources")
