"""TAB completion, driven through the shell protocol: values come from the index, never YAML."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
import typer.main

from aitrends import cache, config, fastpath
from aitrends.cli import app

from .conftest import FIXTURE_DATA, ROOT

FIX = f"--no-bundled -d {FIXTURE_DATA}"
# the normal path (typer's completion calling the options' autocompletion), without the fast path
TYPER = "from aitrends.cli import app; app(prog_name='aitrends')"
# ...and with reading YAML made impossible
NO_YAML = (
    "import aitrends.loader as loader\n"
    "def refuse(*args, **kwargs): raise SystemExit('YAML was read')\n"
    "loader.read_document = refuse\n" + TYPER
)


@pytest.fixture(autouse=True)
def indexed(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.getbasetemp() / "completion-cache"
    monkeypatch.setenv("AITRENDS_CACHE_DIR", str(home))
    monkeypatch.delenv("AITRENDS_NO_CACHE", raising=False)
    assert cache.open_fresh([str(FIXTURE_DATA)]) is not None
    fastpath.reset()
    yield home
    fastpath.reset()


def bash(line: str) -> dict[str, str]:
    words = line.split(" ")
    return {"_AITRENDS_COMPLETE": "complete_bash", "COMP_WORDS": line, "COMP_CWORD": str(len(words) - 1)}


def zsh(line: str) -> dict[str, str]:
    return {"_AITRENDS_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": line}


def fish(line: str, action: str = "get-args") -> dict[str, str]:
    return {
        "_AITRENDS_COMPLETE": "complete_fish",
        "_TYPER_COMPLETE_ARGS": line,
        "_TYPER_COMPLETE_FISH_ACTION": action,
    }


def slow(env: dict[str, str], code: str = TYPER) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, done.stdout


def fast(capsys, env: dict[str, str]) -> tuple[int, str] | None:
    fastpath.reset()
    capsys.readouterr()
    code = fastpath.answer([], {**os.environ, **env})
    return None if code is None else (code, capsys.readouterr().out)


CASES = [
    (bash(f"aitrends {FIX} claims --topic c"), "compute\ncost\n"),
    (bash(f"aitrends {FIX} claims -t "), None),
    (bash(f"aitrends {FIX} claims --person j"), "jane-roe\njohn-roe\n"),
    (bash(f"aitrends {FIX} claims -p 张"), "张三\n"),
    (bash(f"aitrends {FIX} claims --kind quote --source b"), "beta-column\n"),
    (bash(f"aitrends {FIX} quote --topic market"), "market-size\n"),
    (
        bash(f"aitrends {FIX} show roe-"),
        "roe-compute-doubles-6-months\nroe-data-runs-out-2026\nroe-model-175b-parameters\n",
    ),
    (bash(f"aitrends {FIX} claims --topic zzz"), "\n"),
    (zsh(f"aitrends {FIX} claims --source=al"), "_arguments '*: :((\"alpha-interview\"))'\n"),
    (zsh(f"aitrends {FIX} show zhang-market"), None),
    (zsh(f"aitrends {FIX} claims --topic zzz"), "_files\n"),
    (fish(f"aitrends {FIX} claims --person li"), "li-si\n"),
    (fish(f"aitrends {FIX} claims --person zzz"), "\n"),
]


class TestValues:
    """Topic, person, source and fact-id values: the fast path prints what typer prints."""

    @pytest.mark.parametrize(
        ("env", "expected"),
        CASES,
        ids=lambda x: x.get("COMP_WORDS", x.get("_TYPER_COMPLETE_ARGS")) if isinstance(x, dict) else None,
    )
    def test_same_as_typer(self, capsys, env, expected):
        answered = fast(capsys, env)
        assert answered is not None, "the fast path should answer this"
        assert answered == slow(env)
        if expected is not None:
            assert answered[1] == expected

    @pytest.mark.parametrize(("action", "code"), [("is-args", 0), ("get-args", 0)])
    def test_fish_asks_whether_there_are_values(self, capsys, action, code):
        env = fish(f"aitrends {FIX} claims --topic co", action)
        assert fast(capsys, env)[0] == slow(env)[0] == code
        empty = fish(f"aitrends {FIX} claims --topic zzz", "is-args")
        assert fast(capsys, empty)[0] == slow(empty)[0] == 1

    def test_bundled_people(self, capsys):
        env = bash("aitrends claims --person dario")
        fastpath.reset()
        assert cache.open_fresh(config.data_dirs()) is not None
        assert fast(capsys, env) == slow(env) == (0, "dario-amodei\n")


class TestNeverYaml:
    """Completion reads the index as it is: it never reads a data file."""

    def test_not_even_when_the_files_are_gone(self, capsys, data_copy):
        assert cache.open_fresh([str(data_copy)]) is not None
        for path in data_copy.rglob("*.yaml"):
            path.unlink()
        env = bash(f"aitrends --no-bundled -d {data_copy} claims --topic c")
        assert fast(capsys, env) == (0, "compute\ncost\n")
        assert slow(env, NO_YAML) == (0, "compute\ncost\n")

    def test_no_index_builds_it(self, capsys, tmp_path):
        """The first TAB with no index builds it (the one time it reads YAML), then answers."""
        env = {**bash(f"aitrends {FIX} claims --topic c"), "AITRENDS_CACHE_DIR": str(tmp_path / "empty")}
        assert fast(capsys, env) == (0, "compute\ncost\n")
        assert (tmp_path / "empty").exists()
        assert slow(env, NO_YAML) == (0, "compute\ncost\n")  # read from the index just built

    def test_typer_path_builds_it_too(self, tmp_path):
        env = {**bash(f"aitrends {FIX} claims --topic c"), "AITRENDS_CACHE_DIR": str(tmp_path / "other")}
        assert slow(env) == (0, "compute\ncost\n")

    def test_no_cache_no_values(self, capsys):
        env = bash(f"aitrends --no-cache {FIX} claims --topic c")
        assert fast(capsys, env) is None
        assert slow(env, NO_YAML) == (0, "\n")


class TestCommandsAndOptions:
    """Command and option names come from typer itself."""

    @pytest.mark.parametrize(
        ("line", "wanted"),
        [
            (f"aitrends {FIX} cl", "claims"),
            (f"aitrends {FIX} claims --to", "--topic"),
            ("aitrends --no-b", "--no-bundled"),
        ],
    )
    def test_names(self, capsys, line, wanted):
        env = bash(line)
        assert fast(capsys, env) is None
        code, out = slow(env, NO_YAML)
        assert code == 0 and wanted in out.split("\n")

    def test_the_fast_path_completes_what_the_cli_completes(self):
        """Every parameter the fast path completes has a completion callback in the CLI, and
        every option or argument with a callback is completed by the fast path (the spec is
        generated from the app: this checks the generator reads the callbacks right)."""
        from aitrends import _spec

        group = typer.main.get_command(app)
        for name, command in group.commands.items():
            for param in command.params:
                has_callback = param._custom_shell_complete is not None
                if param.param_type_name == "argument":
                    kinds = [a[1] for a in _spec.COMMANDS[name]["arguments"] if a[0] == param.name]
                else:
                    kinds = [_spec.COMMANDS[name]["options"][o][3] for o in param.opts]
                assert all((k is not None) == has_callback for k in kinds), (name, param.name)
        assert _spec.COMMANDS["show"]["arguments"][0][1] == "facts"
        assert _spec.COMMANDS["claims"]["options"]["--topic"][3] == "topics"


def test_install_completion_is_offered():
    assert (
        "--install-completion"
        in subprocess.run(
            [sys.executable, "-m", "aitrends", "--help"], capture_output=True, text=True, check=True, cwd=ROOT
        ).stdout
    )


def test_completion_works_from_the_installed_script_when_present(capsys):
    script = shutil.which("aitrends", path=os.path.dirname(sys.executable))
    if script is None:
        pytest.skip("no aitrends script beside this Python")
    env = bash(f"aitrends {FIX} claims --topic c")
    done = subprocess.run([script], env={**os.environ, **env}, capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout) == (0, "compute\ncost\n")
