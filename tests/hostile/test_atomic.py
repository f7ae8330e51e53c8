"""Atomic writes: a failure at any point leaves the old file whole, and no temporary file."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

from aitrends.atomic import ExistsError, atomic_path, atomic_write
from aitrends.errors import WriteError

OLD = "old content, complete\n"


@pytest.fixture
def target(tmp_path):
    path = tmp_path / "out" / "export.json"
    path.parent.mkdir()
    path.write_text(OLD, encoding="utf-8")
    return path


def leftovers(path):
    return sorted(p.name for p in path.parent.iterdir() if p != path)


class TestFailures:
    """An error injected at each step of a write."""

    def test_error_while_writing(self, target):
        with pytest.raises(RuntimeError, match="disk on fire"), atomic_write(target, force=True) as fh:
            fh.write("new content, half writ")
            raise RuntimeError("disk on fire")
        assert (target.read_text(encoding="utf-8"), leftovers(target)) == (OLD, [])

    def test_interrupt_while_writing(self, target):
        with pytest.raises(KeyboardInterrupt), atomic_write(target, force=True) as fh:
            fh.write("new")
            raise KeyboardInterrupt
        assert (target.read_text(encoding="utf-8"), leftovers(target)) == (OLD, [])

    def test_fsync_fails(self, target, monkeypatch):
        def fail(fd):
            raise OSError(5, "Input/output error")

        monkeypatch.setattr(os, "fsync", fail)
        with pytest.raises(OSError, match="Input/output error"), atomic_write(target, force=True) as fh:
            fh.write("new content")
        assert (target.read_text(encoding="utf-8"), leftovers(target)) == (OLD, [])

    def test_rename_fails(self, target, monkeypatch):
        def fail(src, dst):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(os, "replace", fail)
        with pytest.raises(WriteError) as info, atomic_write(target, force=True) as fh:
            fh.write("new content")
        assert str(info.value) == f"cannot write {target}: No space left on device"
        assert (target.read_text(encoding="utf-8"), leftovers(target)) == (OLD, [])

    def test_cannot_create(self, tmp_path):
        blocker = tmp_path / "a-file"
        blocker.write_text("x", encoding="utf-8")
        with pytest.raises(WriteError) as info, atomic_path(blocker / "out.json"):
            pass
        assert str(info.value) == f"cannot write {blocker / 'out.json'}: {blocker} is not a directory"

    def test_process_killed_midway(self, target):
        """A hard crash: the old file stays whole; the temporary file is left beside it."""
        code = (
            "import os, sys\n"
            "from pathlib import Path\n"
            "from aitrends.atomic import atomic_write\n"
            "with atomic_write(Path(sys.argv[1]), force=True) as fh:\n"
            "    fh.write('new content, half')\n"
            "    fh.flush()\n"
            "    os._exit(9)\n"
        )
        done = subprocess.run([sys.executable, "-c", code, str(target)], timeout=60)
        assert done.returncode == 9
        assert target.read_text(encoding="utf-8") == OLD
        (tmp,) = leftovers(target)
        assert tmp.startswith(".export.json.") and tmp.endswith(".tmp")


class TestRules:
    """What is and is not overwritten, and with what permissions."""

    def test_success_replaces(self, target):
        with atomic_write(target, force=True) as fh:
            fh.write("new\n")
        assert (target.read_text(encoding="utf-8"), leftovers(target)) == ("new\n", [])

    def test_existing_file_needs_force(self, target):
        with pytest.raises(ExistsError) as info, atomic_write(target) as fh:
            fh.write("new")
        assert str(info.value) == f"{target} exists; use --force to overwrite it"
        assert target.read_text(encoding="utf-8") == OLD

    def test_directory_is_never_replaced(self, tmp_path):
        with pytest.raises(ExistsError) as info, atomic_write(tmp_path, force=True):
            pass
        assert str(info.value) == f"{tmp_path} is a directory"

    @pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
    def test_permissions(self, target, tmp_path):
        """A replaced file keeps its mode; a new one gets the usual mode, not the 0600 of a
        temporary file."""
        target.chmod(0o640)
        with atomic_write(target, force=True) as fh:
            fh.write("new")
        assert stat.S_IMODE(target.stat().st_mode) == 0o640
        umask = os.umask(0o022)
        try:
            with atomic_write(tmp_path / "fresh.json") as fh:
                fh.write("new")
        finally:
            os.umask(umask)
        assert stat.S_IMODE((tmp_path / "fresh.json").stat().st_mode) == 0o644
