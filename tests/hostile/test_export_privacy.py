"""An export tells what the data says, nothing about the machine that wrote it.

The SQLite export once shipped the cache's internals: ``files`` (absolute paths, inode
numbers, mtimes, ``checked_ns``), ``names``, ``lookups``, ``meta``, and ``facts.file`` as an
absolute path. Now it holds the public tables only, paths relative to their data directory,
and two exports of the same data are byte-identical wherever and whenever they are made.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

import aitrends
from aitrends.sqlite_export import PRIVATE_TABLES, write_database

from .conftest import fact, fact_file, make_base

AS_OF = dt.date(2025, 6, 1)
MACHINE_COLUMNS = {"mtime_ns", "ctime_ns", "inode", "checked_ns", "sha256", "layer"}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    root = make_base(tmp_path / "somewhere" / "private-user-dir" / "data")
    (root / "facts" / "a.yaml").write_text(
        fact_file(fact(), fact("things-stay", "Ann says some things stay.")), encoding="utf-8"
    )
    return root


def export(data: Path, out: Path) -> bytes:
    kb = aitrends.load(data, bundled=False)
    db, meta = write_database(kb, out, as_of=AS_OF)
    return db.read_bytes() + b"\0" + meta.read_bytes()


def test_only_public_tables(data, tmp_path):
    export(data, tmp_path / "kb.db")
    con = sqlite3.connect(tmp_path / "kb.db")
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables.isdisjoint(PRIVATE_TABLES)
    assert tables.isdisjoint({"files", "names", "lookups", "meta", "items", "pending"})
    for table in tables:
        columns = {r[1] for r in con.execute(f"PRAGMA table_info({table})")}
        assert columns.isdisjoint(MACHINE_COLUMNS), table


def test_paths_are_relative_to_the_data_directory(data, tmp_path):
    export(data, tmp_path / "kb.db")
    con = sqlite3.connect(tmp_path / "kb.db")
    assert {r[0] for r in con.execute("SELECT file FROM facts")} == {"facts/a.yaml"}


def test_no_local_path_anywhere_in_the_files(data, tmp_path, monkeypatch):
    monkeypatch.chdir(data)  # where a relative display path would differ from an absolute one
    blob = export(data, tmp_path / "kb.db")
    for secret in (str(data), str(tmp_path), "private-user-dir", os.path.expanduser("~")):
        assert secret.encode() not in blob, secret


def test_two_exports_of_the_same_data_are_byte_identical(data, tmp_path, monkeypatch):
    (tmp_path / "one").mkdir()
    first = export(data, tmp_path / "one" / "kb.db")
    # the same data elsewhere, copied later (other inodes and times), exported from another directory
    copy = tmp_path / "elsewhere" / "data"
    shutil.copytree(data, copy)
    for path in copy.rglob("*.yaml"):
        os.utime(path, ns=(10**18, 10**18))
    (tmp_path / "two").mkdir()
    monkeypatch.chdir(tmp_path / "two")
    second = export(copy, Path("kb.db"))
    assert first == second


def test_other_data_differs(data, tmp_path):
    """The comparison above can fail: a change that shows in the data shows in the bytes."""
    (tmp_path / "a").mkdir()
    first = export(data, tmp_path / "a" / "kb.db")
    (data / "facts" / "a.yaml").write_text(fact_file(fact()), encoding="utf-8")
    (tmp_path / "b").mkdir()
    assert export(data, tmp_path / "b" / "kb.db") != first
