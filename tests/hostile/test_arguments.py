"""Hostile and mistaken arguments: a usage error (exit 2) with a one-line message, never a
traceback; and the limits given as options, environment variables or keyword arguments."""

from __future__ import annotations

import json
import os
import re

import pytest
from typer.testing import CliRunner

import aitrends
from aitrends.cli import app
from aitrends.loader import Limits

from .conftest import run, shown


def usage(command: str, error: str) -> str:
    """What typer prints for a malformed command line: usage, a hint, and the one-line error."""
    prog = "aitrends" + (f" {command}" if command else "")
    shape = {"": "[OPTIONS] COMMAND [ARGS]...", "show": "[OPTIONS] {ID}"}.get(command, "[OPTIONS]")
    return f"Usage: {prog} {shape}\nTry '{prog} -h' for help.\n\nError: {error}\n"


X = "x" * 100_000  # far longer than anything typed; the OS allows 128 KiB per argument


class TestCommandLine:
    """Options and values typer refuses: usage, a hint, one line of error, exit 2."""

    @pytest.mark.parametrize(
        ("args", "command", "error"),
        [
            (["claims", "--nope"], "claims", "No such option: --nope (Possible options: --since, --topic)"),
            (["nope"], "", "No such command 'nope'."),
            (["claims", "extra"], "claims", "Got unexpected extra argument(s) (extra)"),
            (["show"], "show", "Missing argument 'ID'."),
            (
                ["claims", "--format", "xml"],
                "claims",
                "Invalid value for '--format' / '-f': 'xml' is not one of "
                "'table', 'json', 'jsonl', 'csv', 'yaml', 'markdown'.",
            ),
            (
                ["claims", "--limit", "ten"],
                "claims",
                "Invalid value for '--limit' / '-n': 'ten' is not a whole number written with the digits 0-9.",
            ),
            (
                ["forecasts", "--due-within", "-1"],
                "forecasts",
                "Invalid value for '--due-within': -1 is not in the range x>=0.",
            ),
            # control characters typed into an option name or value are shown as escapes
            (["claims", "--\x1b[2J"], "claims", "No such option: --\\x1b[2J"),
            (
                ["claims", "-f", "\x1b]0;x\x07"],
                "claims",
                "Invalid value for '--format' / '-f': '\\x1b]0;x\\x07' is not one of "
                "'table', 'json', 'jsonl', 'csv', 'yaml', 'markdown'.",
            ),
        ],
    )
    def test_refused(self, data, args, command, error):
        """Exit 2, nothing on stdout, the usage and hint lines, and one error line that names
        what was wrong: each quoted value and option of ``error`` (today's wording) must be in
        it, but not typer's exact phrasing, which changes between releases (0.29 adds
        "Value error, " before a refused choice)."""
        result = run(data, *args)
        assert (result.exit_code, result.stdout) == (2, "")
        head, _, line = usage(command, error).rstrip("\n").rpartition("\n")
        assert result.stderr.startswith(head + "\n")
        got = result.stderr[len(head) + 1 :]
        assert got.startswith("Error: ") and got.endswith("\n") and got.count("\n") == 1, got
        for piece in re.findall(r"'[^']*'|\(\w[^)]*\)|--?[\w\\\[-]+", line):
            assert piece in got, (piece, got)


class TestValues:
    """Values our own code refuses: exactly one line on stderr."""

    @pytest.mark.parametrize(
        ("args", "code", "message"),
        [
            (["claims", "--person", ""], 2, "Error: empty person or organization name"),
            (["claims", "--limit", "-1"], 2, "Error: --limit: -1 is not 0 or more"),
            (["quote", "--person", "  "], 2, "Error: empty person or organization name"),
            (["claims", "--topic", ""], 2, "Error: empty topic name"),
            (["claims", "--source", ""], 2, "Error: empty source name"),
            (["claims", "--metric", ""], 2, "Error: empty metric name"),
            (["claims", "--kind", ""], 2, "Error: --kind: '' is not one of claim, forecast, quote, figure"),
            (
                ["claims", "--since", ""],
                2,
                "Error: --since: '' is not a date like 2024, 2024-05 or 2024-05-01",
            ),
            (
                ["claims", "--since", "2024-13"],
                2,
                "Error: --since: '2024-13' is not a date like 2024, 2024-05 or 2024-05-01",
            ),
            (
                ["claims", "--until", "2024-02-30"],
                2,
                "Error: --until: '2024-02-30' is not a date like 2024, 2024-05 or 2024-05-01",
            ),
            (
                ["claims", "--since", "0000"],
                2,
                "Error: --since: '0000' is not a date like 2024, 2024-05 or 2024-05-01",
            ),
            (
                ["claims", "--since", "2024-05-01T10:00"],
                2,
                "Error: --since: '2024-05-01T10:00' is not a date like 2024, 2024-05 or 2024-05-01",
            ),
            (
                ["forecasts", "--as-of", "tomorrow"],
                2,
                "Error: --as-of: 'tomorrow' is not a date like 2024, 2024-05 or 2024-05-01",
            ),
            (
                ["forecasts", "--status", "maybe"],
                2,
                "Error: --status: 'maybe' is not one of open, due, undated, resolved",
            ),
            # huge values are cut short in the message
            (["claims", "--person", X], 2, f"Error: unknown person or organization '{'x' * 77}...'"),
            (
                ["show", X],
                1,
                f"Error: unknown fact '{X[:1979]}… ({len(X) + 22 - 2000:,} more characters)",
            ),
            # control characters and bidi overrides never reach the terminal
            (
                ["claims", "--person", "\x1b]0;pwned\x07\u202e"],
                2,
                "Error: unknown person or organization '?]0;pwned??'",
            ),
            (["show", "\x1b[2J\u202eabc"], 1, "Error: unknown fact '\\x1b[2J\\u202eabc'"),
            (
                ["claims", "--since", "\x1b[2J"],
                2,
                "Error: --since: '\\x1b[2J' is not a date like 2024, 2024-05 or 2024-05-01",
            ),
        ],
    )
    def test_one_line(self, data, args, code, message):
        result = run(data, *args)
        assert (result.exit_code, result.stdout, result.stderr) == (code, "", message + "\n")

    def test_huge_text_filter_finds_nothing(self, data):
        result = run(data, "claims", "--text", X)
        assert (result.exit_code, result.stdout, result.stderr) == (0, "", "No facts match.\n")

    def test_huge_limit_is_no_limit(self, data):
        result = run(data, "claims", "--limit", "9" * 30, "--json")
        assert [r["id"] for r in json.loads(result.stdout)] == ["things-change"]


class TestLimits:
    """Limits from options, environment variables and keyword arguments."""

    def test_option(self, data):
        result = run(data, "--max-file-size", "100", "validate")
        hint = "(raise it with --max-file-size or AITRENDS_MAX_FILE_SIZE)"
        assert (result.exit_code, result.stderr) == (
            1,
            f"{shown(data / 'facts' / 'a.yaml')}: file is larger than 100 bytes {hint}\n"
            f"{shown(data / 'sources.yaml')}: file is larger than 100 bytes {hint}\n"
            "Error: 2 problems in the data\n",
        )

    def test_option_is_restored(self, data, monkeypatch):
        monkeypatch.setenv("AITRENDS_MAX_DEPTH", "70")
        run(data, "--max-depth", "3", "--max-facts", "5", "validate")
        assert (os.environ["AITRENDS_MAX_DEPTH"], os.environ.get("AITRENDS_MAX_FACTS")) == ("70", None)

    def test_environment(self, data):
        result = run(data, "validate", env={"AITRENDS_MAX_DEPTH": "2"})
        assert result.stderr.splitlines()[0] == (
            f"{shown(data / 'facts' / 'a.yaml')}:3: nesting deeper than 2 levels "
            "(raise it with --max-depth or AITRENDS_MAX_DEPTH)"
        )

    def test_option_wins_over_environment(self, data):
        result = run(data, "--max-depth", "64", "validate", env={"AITRENDS_MAX_DEPTH": "2"})
        assert (result.exit_code, result.stderr[:12]) == (0, "OK: 5 files,")

    @pytest.mark.parametrize(
        ("args", "env", "error"),
        [
            (["-d", ""], {}, "Invalid value for '--data-dir': empty directory name"),
            (
                ["--max-file-size", "0"],
                {},
                "Invalid value for '--max-file-size': size must be at least 1 byte, not 0",
            ),
            (
                ["--max-file-size", "5 parsecs"],
                {},
                "Invalid value for '--max-file-size': '5 parsecs' is not a size like 5000000, 512K or 5M",
            ),
            (
                [],
                {"AITRENDS_MAX_FILE_SIZE": "lots"},
                "Invalid value for '--max-file-size': 'lots' is not a size like 5000000, 512K or 5M",
            ),
            (
                ["--max-depth", "0"],
                {},
                "Invalid value for '--max-depth' (env var: 'AITRENDS_MAX_DEPTH'): 0 is not in the range x>=1.",
            ),
            (
                [],
                {"AITRENDS_MAX_FACTS": "many"},
                "Invalid value for '--max-facts' (env var: 'AITRENDS_MAX_FACTS'): 'many' is not a whole number "
                "written with the digits 0-9.",
            ),
        ],
    )
    def test_bad_limit(self, data, args, env, error):
        result = CliRunner().invoke(app, [*args, "--no-bundled", "validate"], env=env)
        assert (result.exit_code, result.stdout, result.stderr) == (2, "", usage("", error))

    @pytest.mark.parametrize(
        ("text", "size"),
        [
            ("5242880", 5 * 1024**2),
            ("512K", 512 * 1024),
            ("5M", 5 * 1024**2),
            ("5MiB", 5 * 1024**2),
            ("1g", 1024**3),
        ],
    )
    def test_sizes(self, text, size):
        assert Limits.resolve({"max_file_size": text}, environ={}).max_file_size == size

    def test_keyword_arguments(self, data):
        with pytest.raises(aitrends.DataError) as info:
            aitrends.load(data, bundled=False, max_file_size="1K", max_values=10)
        hint = "(raise it with --max-values or AITRENDS_MAX_VALUES)"
        assert [str(p) for p in info.value.problems] == [
            f"{shown(data / 'facts' / 'a.yaml')}:5: file holds more than 10 values {hint}",
            f"{shown(data / 'sources.yaml')}:5: file holds more than 10 values {hint}",
        ]

    @pytest.mark.parametrize(
        ("kwargs", "env", "message"),
        [
            ({"max_depth": 0}, {}, "max_depth: must be at least 1, not 0"),
            ({"max_file_size": "big"}, {}, "max_file_size: 'big' is not a size like 5000000, 512K or 5M"),
            ({}, {"AITRENDS_MAX_VALUES": "lots"}, "AITRENDS_MAX_VALUES: 'lots' is not a whole number"),
        ],
    )
    def test_bad_keyword_or_environment(self, data, monkeypatch, kwargs, env, message):
        for k, v in env.items():
            monkeypatch.setenv(k, v)
        with pytest.raises(aitrends.UsageError) as info:
            aitrends.load(data, bundled=False, **kwargs)
        assert str(info.value) == message
