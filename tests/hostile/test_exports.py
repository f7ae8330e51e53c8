"""Export targets (docs/security.md, "Exports"): only a regular file is ever replaced; ``-`` is
standard output for jsonl; an export of several files is all or nothing; an empty path is a
usage error."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest
from typer.testing import CliRunner

import aitrends
from aitrends.atomic import ExistsError, atomic_paths
from aitrends.cli import app
from aitrends.errors import UsageError, WriteError
from aitrends.export import CSV_TABLES, export, write_csv

from .conftest import fact, fact_file, make_base

posix = pytest.mark.skipif(os.name != "posix", reason="POSIX devices, FIFOs and signals")
AS_OF = "2025-06-01"


@pytest.fixture
def data(tmp_path):
    d = make_base(tmp_path / "data")
    (d / "facts" / "a.yaml").write_text(fact_file(), encoding="utf-8")
    return d


@pytest.fixture
def kb(data):
    return aitrends.load(data, bundled=False)


def run(data, *args):
    result = CliRunner().invoke(app, ["--no-bundled", "-d", str(data), "export", *args, "--as-of", AS_OF])
    assert "Traceback" not in result.output
    assert not result.exception or isinstance(result.exception, SystemExit), result.exception
    return result


def listing(directory):
    return sorted(p.name for p in directory.iterdir())


class TestTargets:
    """Anything but a regular file in the way is refused, with or without --force."""

    @pytest.mark.parametrize("force", [False, True], ids=["plain", "force"])
    def test_symlink_to_a_file_is_not_replaced(self, data, tmp_path, force):
        real = tmp_path / "real.jsonl"
        real.write_text("mine\n", encoding="utf-8")
        link = tmp_path / "link.jsonl"
        link.symlink_to(real)
        result = run(data, "--to", "jsonl", str(link), *(["--force"] if force else []))
        assert (result.exit_code, result.stderr) == (
            1,
            f"Error: {link} is a symbolic link; only a regular file is replaced (name the file it points to)\n",
        )
        assert (link.is_symlink(), real.read_text(encoding="utf-8")) == (True, "mine\n")

    def test_dangling_symlink_is_not_replaced(self, data, tmp_path):
        link = tmp_path / "out.jsonl"
        link.symlink_to(tmp_path / "nowhere")
        result = run(data, "--to", "jsonl", str(link))
        assert (result.exit_code, result.stderr) == (
            1,
            f"Error: {link} is a dangling symbolic link; only a regular file is replaced "
            "(name the file it points to)\n",
        )
        assert link.is_symlink() and not (tmp_path / "nowhere").exists()

    @posix
    @pytest.mark.parametrize("fmt", ["sqlite", "parquet"])
    def test_fifo_is_not_replaced_by_a_file_format(self, data, tmp_path, fmt):
        if fmt == "parquet":
            pytest.importorskip("pyarrow")
        fifo = tmp_path / "pipe"
        os.mkfifo(fifo)
        result = run(data, "--to", fmt, str(fifo), "--force")
        assert (result.exit_code, result.stderr) == (
            1,
            f"Error: {fifo} is a named pipe (FIFO); only a regular file is replaced\n",
        )
        assert listing(tmp_path) == ["data", "pipe"] and not (tmp_path / "pipe").is_file()

    @posix
    def test_character_device_is_never_replaced(self, kb, tmp_path):
        """/dev/null stands for any device: sqlite would replace it, so it is refused."""
        with pytest.raises(ExistsError) as info:
            export(kb, "sqlite", "/dev/null", force=True)
        assert str(info.value) == "/dev/null is a character device; only a regular file is replaced"

    def test_a_directory_is_not_replaced(self, data, tmp_path):
        result = run(data, "--to", "jsonl", str(tmp_path), "--force")
        assert (result.exit_code, result.stderr) == (1, f"Error: {tmp_path} is a directory\n")

    def test_a_regular_file_is_replaced_with_force(self, data, tmp_path):
        out = tmp_path / "out.jsonl"
        out.write_text("old\n", encoding="utf-8")
        assert run(data, "--to", "jsonl", str(out)).exit_code == 1
        assert out.read_text(encoding="utf-8") == "old\n"
        assert run(data, "--to", "jsonl", str(out), "--force").exit_code == 0
        assert json.loads(out.read_text(encoding="utf-8"))["id"] == "things-change"


@posix
class TestStreams:
    """jsonl streams: to '-', and into a device or a named pipe, which stay what they are."""

    def test_dash_is_standard_output(self, data, tmp_path):
        result = run(data, "--to", "jsonl", "-")
        assert (result.exit_code, result.stderr) == (0, "")
        assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["things-change"]
        assert not (tmp_path / "-").exists() and not os.path.exists("-")

    def test_dash_into_a_pipe_read_by_head(self, data):
        """``aitrends export --to jsonl - | head -1``: the first record, then a quiet end."""
        many = [fact(f"fact-{i:04d}") for i in range(400)]
        (data / "facts" / "a.yaml").write_text(fact_file(*many), encoding="utf-8")
        cmd = [sys.executable, "-m", "aitrends", "--no-bundled", "-d", str(data)]
        proc = subprocess.Popen(
            [*cmd, "export", "--to", "jsonl", "-", "--as-of", AS_OF],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        first = proc.stdout.readline()
        proc.stdout.close()
        err = proc.stderr.read()
        proc.stderr.close()
        assert proc.wait(timeout=120) in (0, 1)
        assert (json.loads(first)["id"], err) == ("fact-0000", b"")

    @pytest.mark.parametrize("fmt", ["csv", "sqlite", "parquet"])
    def test_dash_for_a_format_that_cannot_stream(self, data, tmp_path, fmt):
        result = run(data, "--to", fmt, "-")
        assert (result.exit_code, result.stderr) == (
            2,
            f"Error: --to {fmt} cannot be written to standard output ('-'); it can with --to jsonl\n",
        )

    def test_dev_stdout_is_written_into(self, data):
        cmd = [sys.executable, "-m", "aitrends", "--no-bundled", "-d", str(data)]
        done = subprocess.run(
            [*cmd, "export", "--to", "jsonl", "/dev/stdout", "--as-of", AS_OF],
            capture_output=True,
            timeout=120,
        )
        assert (done.returncode, done.stderr) == (0, b"wrote /dev/stdout\n")
        assert json.loads(done.stdout)["id"] == "things-change"

    def test_dev_null_is_written_into(self, data):
        result = run(data, "--to", "jsonl", "/dev/null")
        assert (result.exit_code, result.stderr) == (0, "wrote /dev/null\n")
        assert os.path.exists("/dev/null") and not os.path.isfile("/dev/null")

    @pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
    def test_dev_full_is_a_write_error_and_stays_a_device(self, data):
        result = run(data, "--to", "jsonl", "/dev/full", "--force")
        assert (result.exit_code, result.stderr) == (
            1,
            "Error: cannot write /dev/full: No space left on device\n",
        )
        assert not os.path.isfile("/dev/full")

    def test_named_pipe_is_written_into(self, data, tmp_path):
        fifo = tmp_path / "pipe"
        os.mkfifo(fifo)
        cmd = [sys.executable, "-m", "aitrends", "--no-bundled", "-d", str(data)]
        proc = subprocess.Popen(
            [*cmd, "export", "--to", "jsonl", str(fifo), "--as-of", AS_OF], stderr=subprocess.DEVNULL
        )
        with open(fifo, encoding="utf-8") as fh:  # opens when the writer does
            text = fh.read()
        assert proc.wait(timeout=120) == 0
        assert json.loads(text)["id"] == "things-change"
        assert fifo.is_fifo()


class TestEmptyPath:
    """An empty path is a usage error for every format; nothing is written anywhere."""

    @pytest.mark.parametrize("fmt", ["csv", "jsonl", "sqlite", "parquet"])
    def test_cli(self, data, tmp_path, monkeypatch, fmt):
        monkeypatch.chdir(tmp_path)
        result = run(data, "--to", fmt, "")
        assert (result.exit_code, result.stderr) == (
            2,
            "Error: empty export path (give a file, a directory for --to csv, or - for standard output)\n",
        )
        assert listing(tmp_path) == ["data"]

    def test_library(self, kb):
        with pytest.raises(UsageError, match="^the export path is empty$"):
            export(kb, "csv", "")


class TestAllOrNothing:
    """A failure or an interrupt midway leaves the old set of files whole, and no temporary file."""

    @pytest.fixture
    def old_set(self, kb, tmp_path):
        out = tmp_path / "out"
        out.mkdir()
        for name in CSV_TABLES:
            (out / f"{name}.csv").write_text(f"old {name}\n", encoding="utf-8")
        return out

    def assert_old(self, out):
        assert {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()} == {
            f"{n}.csv": f"old {n}\n" for n in CSV_TABLES
        }

    def test_a_directory_among_the_targets(self, kb, old_set):
        (old_set / "sources.csv").unlink()
        (old_set / "sources.csv").mkdir()
        with pytest.raises(ExistsError, match="sources.csv is a directory$"):
            write_csv(kb, old_set, force=True)
        assert (old_set / "facts.csv").read_text(encoding="utf-8") == "old facts\n"
        assert len(list(old_set.iterdir())) == len(CSV_TABLES)

    def test_sqlite_sidecar_is_a_directory(self, kb, tmp_path):
        (tmp_path / "kb.metadata.json").mkdir()
        with pytest.raises(ExistsError, match="kb.metadata.json is a directory$"):
            export(kb, "sqlite", tmp_path / "kb.db", force=True)
        assert listing(tmp_path) == ["data", "kb.metadata.json"]

    def test_error_while_writing(self, kb, old_set, monkeypatch):
        import aitrends.export as ex

        real = ex._cell
        calls = []

        def failing(value):
            calls.append(value)
            if len(calls) > 40:  # well into the second table
                raise OSError(28, "No space left on device")
            return real(value)

        monkeypatch.setattr(ex, "_cell", failing)
        with pytest.raises(OSError, match="No space left"):
            write_csv(kb, old_set, force=True)
        self.assert_old(old_set)

    def test_interrupt_while_writing(self, kb, old_set, monkeypatch):
        import aitrends.export as ex

        def interrupted(*args, **kwargs):
            raise KeyboardInterrupt

        monkeypatch.setattr(ex, "_text_file", interrupted)
        with pytest.raises(KeyboardInterrupt):
            write_csv(kb, old_set, force=True)
        self.assert_old(old_set)

    @pytest.mark.parametrize("at", [0, 3, len(CSV_TABLES) - 1])
    def test_rename_fails_midway(self, kb, old_set, monkeypatch, at):
        """The files already renamed get their old content back."""
        real = os.replace
        count = []

        def replace(src, dst):
            if str(src).endswith(".tmp"):
                if len(count) == at:
                    raise OSError(5, "Input/output error")
                count.append(dst)
            return real(src, dst)

        monkeypatch.setattr(os, "replace", replace)
        with pytest.raises(WriteError, match="Input/output error$"):
            write_csv(kb, old_set, force=True)
        self.assert_old(old_set)

    def test_interrupt_during_the_renames(self, tmp_path, monkeypatch):
        targets = [tmp_path / f"{n}.txt" for n in "abc"]
        for t in targets:
            t.write_text("old\n", encoding="utf-8")
        real = os.replace

        def replace(src, dst):
            if str(src).endswith(".tmp") and str(dst).endswith("c.txt"):
                raise KeyboardInterrupt
            return real(src, dst)

        monkeypatch.setattr(os, "replace", replace)
        with pytest.raises(KeyboardInterrupt), atomic_paths(targets, force=True) as temps:
            for t in temps:
                t.write_text("new\n", encoding="utf-8")
        monkeypatch.setattr(os, "replace", real)
        assert {p.name: p.read_text(encoding="utf-8") for p in tmp_path.iterdir()} == {
            "a.txt": "old\n",
            "b.txt": "old\n",
            "c.txt": "old\n",
        }

    def test_new_files_are_removed_when_a_later_one_fails(self, tmp_path, monkeypatch):
        targets = [tmp_path / "a.txt", tmp_path / "b.txt"]
        real = os.replace

        def replace(src, dst):
            if str(dst).endswith("b.txt"):
                raise OSError(28, "No space left on device")
            return real(src, dst)

        monkeypatch.setattr(os, "replace", replace)
        with pytest.raises(WriteError), atomic_paths(targets) as temps:
            for t in temps:
                t.write_text("new\n", encoding="utf-8")
        assert listing(tmp_path) == []

    @posix
    def test_sigint_of_the_command(self, old_set, tmp_path):
        """SIGINT to a real ``export --to csv DIR --force`` at any moment: afterwards the
        directory holds either the whole old set or the whole new one, and no temporary file."""
        d = make_base(tmp_path / "big")
        many = [fact(f"fact-{i:05d}") for i in range(3000)]
        (d / "facts" / "a.yaml").write_text(fact_file(*many), encoding="utf-8")
        cmd = [sys.executable, "-m", "aitrends", "--no-bundled", "-d", str(d), "--no-cache"]
        proc = subprocess.Popen(
            [*cmd, "export", "--to", "csv", str(old_set), "--force", "--as-of", AS_OF],
            stderr=subprocess.PIPE,
        )
        # wait until the export is under way: the data is read and a temporary file exists
        import time

        for _ in range(6000):
            if any(p.name.endswith(".tmp") for p in old_set.iterdir()) or proc.poll() is not None:
                break
            time.sleep(0.01)
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=120)
        proc.stderr.close()
        names = listing(old_set)
        assert names == sorted(f"{n}.csv" for n in CSV_TABLES)
        contents = {(old_set / f"{n}.csv").read_text(encoding="utf-8").startswith("old") for n in CSV_TABLES}
        assert len(contents) == 1  # all old, or all new
        assert code in (0, 130)


def test_sqlite_pair_is_all_or_nothing(kb, tmp_path, monkeypatch):
    """The database and its metadata: a failure renaming the second leaves both old ones."""
    for name in ("kb.db", "kb.metadata.json"):
        (tmp_path / name).write_text(f"old {name}\n", encoding="utf-8")
    real = os.replace

    def replace(src, dst):
        # the final rename of the new file (not the one inside write_database, not the restore)
        if str(dst) == str(tmp_path / "kb.metadata.json") and not str(src).endswith(".old"):
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(WriteError, match="No space left on device$"):
        export(kb, "sqlite", tmp_path / "kb.db", force=True)
    assert {p.name: p.read_text(encoding="utf-8") for p in tmp_path.iterdir() if p.is_file()} == {
        "kb.db": "old kb.db\n",
        "kb.metadata.json": "old kb.metadata.json\n",
    }
    assert listing(tmp_path) == ["data", "kb.db", "kb.metadata.json"]
    monkeypatch.setattr(os, "replace", real)
    assert export(kb, "sqlite", tmp_path / "kb.db", force=True) == [
        tmp_path / "kb.db",
        tmp_path / "kb.metadata.json",
    ]
    assert json.loads((tmp_path / "kb.metadata.json").read_text(encoding="utf-8"))
