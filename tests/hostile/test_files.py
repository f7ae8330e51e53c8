"""Hostile and broken data files: each gives its exact one-line error, or reads correctly.

Three kinds of case: the files of ``corpus/`` (each states what it tests and the exact
problems it must give in ``# expect:`` lines, ``FILE`` standing for its path), byte-level
cases (encodings, line endings, control characters) written here because they cannot live
in a text file, and cases about the file system (links, directories, special files) and
size (files and lines of megabytes, nesting of thousands of levels).
"""

from __future__ import annotations

import os
import sys
import tracemalloc
from pathlib import Path

import pytest

import aitrends
from aitrends.loader import load_dirs

from .conftest import CORPUS, fact, fact_file, problems, shown

CASES = sorted(CORPUS.glob("*.yaml"))


def expected(case: Path, target: Path) -> list[str]:
    lines = case.read_text(encoding="utf-8").splitlines()
    return [
        line.removeprefix("# expect: ").replace("FILE", shown(target))
        for line in lines
        if line.startswith("# expect: ")
    ]


class TestCorpus:
    """Every file of corpus/, placed in facts/ of a valid data directory."""

    @pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
    def test_case(self, case, base, monkeypatch):
        monkeypatch.chdir(base)  # a tag that ran a command would leave a file here
        target = base / "facts" / case.name
        target.write_bytes(case.read_bytes())
        want = expected(case, target)
        if want:
            assert problems(base) == want
        else:
            assert aitrends.load(base, bundled=False).get("things-change")
        assert not (base / "aitrends-hostile-pwned").exists()

    def test_every_case_says_what_it_tests(self):
        for case in CASES:
            assert case.read_text(encoding="utf-8").startswith("# "), case.name

    def test_escapes_load_as_characters(self, base):
        (base / "facts" / "x.yaml").write_bytes((CORPUS / "escapes-in-text.yaml").read_bytes())
        statement = aitrends.load(base, bundled=False).get("things-change").statement
        assert statement == "\x1b]0;pwned\x07\x1b[2J[bold]Ann[/bold] says\u202e things change."

    def test_all_problems_of_all_files_together(self, base):
        """One run reports every problem of every file, sorted by file and line."""
        for name in (
            "duplicate-key.yaml",
            "billion-laughs.yaml",
            "unknown-field.yaml",
            "top-level-list.yaml",
        ):
            (base / "facts" / name).write_bytes((CORPUS / name).read_bytes())
        (base / "facts" / "empty.yaml").write_bytes(b"")
        (base / "facts" / "notes.txt").write_text("not data", encoding="utf-8")
        found = problems(base)
        want = sorted(
            [
                *expected(CORPUS / "duplicate-key.yaml", base / "facts" / "duplicate-key.yaml"),
                *expected(CORPUS / "billion-laughs.yaml", base / "facts" / "billion-laughs.yaml"),
                *expected(CORPUS / "unknown-field.yaml", base / "facts" / "unknown-field.yaml"),
                *expected(CORPUS / "top-level-list.yaml", base / "facts" / "top-level-list.yaml"),
                f"{shown(base / 'facts' / 'empty.yaml')}: file is empty",
                f"{shown(base / 'facts' / 'notes.txt')}: not a YAML file (facts/ holds *.yaml files only)",
            ]
        )
        assert found == want


GOOD = fact_file().encode()
# The same file with an error on line 5 (speaker is a number); every line ending must keep it there.
BAD_LINE_5 = fact_file().replace("speaker: ann", "speaker: [7]").encode()
BAD_5_MESSAGE = "5: facts[0].speaker[0]: Input should be a valid string"


class TestBytes:
    """Encodings, line endings and characters: a clear error or a correct reading."""

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (b"", "file is empty"),
            (b"source: src\nfacts:\n  - statement: caf\xe9\n", "3: invalid UTF-8 (byte 0xe9)"),  # Latin-1
            (b"source: src\xc0\xaf\n", "1: invalid UTF-8 (byte 0xc0)"),  # overlong encoding of '/'
            (b"source: src\nx: \xed\xa0\x80\n", "2: invalid UTF-8 (byte 0xed)"),  # an encoded surrogate
            (b"source: src\nx: \xe4\xb8", "2: invalid UTF-8 (byte 0xe4)"),  # cut in the middle of a character
            (b"\xff\xfes\x00o\x00", "1: file is UTF-16; save it as UTF-8"),
            (b"\xfe\xff\x00s\x00o", "1: file is UTF-16; save it as UTF-8"),
            (b"s\x00o\x00u\x00", "1: file looks like UTF-16 or UTF-32 (NUL bytes); save it as UTF-8"),
            (b"\xff\xfe\x00\x00s\x00\x00\x00", "1: file is UTF-32; save it as UTF-8"),
            (b"source: src\nfacts: []\x00\n", "2: file contains a NUL byte"),
            (
                b"source: src\nx: \x1b[2J\n",
                "2: control character U+001B is not allowed (write it as an escape in double quotes)",
            ),
            (
                b"source: src\nx: a\x7fb\n",
                "2: control character U+007F is not allowed (write it as an escape in double quotes)",
            ),
            (
                "source: src\nx: a\x9b2Jb\n".encode(),  # C1 CSI, an escape sequence without ESC
                "2: control character U+009B is not allowed (write it as an escape in double quotes)",
            ),
            (
                "source: src\nx: a\x85b: c\n".encode(),
                "2: NEXT LINE character (U+0085) is not allowed; use an ordinary line break",
            ),
            (
                "source: src\nx: a\u2028b: c\n".encode(),
                "2: LINE SEPARATOR character (U+2028) is not allowed; use an ordinary line break",
            ),
            (
                "source: src\nx: a\u2029b\n".encode(),
                "2: PARAGRAPH SEPARATOR character (U+2029) is not allowed; use an ordinary line break",
            ),
            (
                "source: src\n\ufefffacts: []\n".encode(),
                "2: byte-order mark (U+FEFF) is only allowed at the start of the file",
            ),
            (BAD_LINE_5, BAD_5_MESSAGE),
            (BAD_LINE_5.replace(b"\n", b"\r\n"), BAD_5_MESSAGE),  # Windows
            (BAD_LINE_5.replace(b"\n", b"\r"), BAD_5_MESSAGE),  # classic Mac
            (BAD_LINE_5.replace(b"\n", b"\r\n", 3), BAD_5_MESSAGE),  # mixed
            (b"source: src\r\nfacts: [\r\n", "3: invalid YAML: did not find expected node content"),
            (b"source: src\r\n\r\nx: \xff\r\n", "3: invalid UTF-8 (byte 0xff)"),
            (
                b"source: src\r\rx: \x01\r\n",
                "3: control character U+0001 is not allowed (write it as an escape in double quotes)",
            ),
        ],
    )
    def test_refused(self, base, content, message):
        f = base / "facts" / "x.yaml"
        f.write_bytes(content)
        sep = ":" if message[0].isdigit() else ": "
        assert problems(base) == [f"{shown(f)}{sep}{message}"]

    @pytest.mark.parametrize(
        "content",
        [
            GOOD,
            b"\xef\xbb\xbf" + GOOD,  # a UTF-8 byte-order mark
            GOOD.replace(b"\n", b"\r\n"),
            GOOD.replace(b"\n", b"\r"),
            GOOD.replace(b"\n", b"\r\n", 4),
            GOOD.replace(b"speaker: ann", b"speaker:\tann"),  # a tab after a key is not indentation
        ],
        ids=["lf", "bom", "crlf", "cr", "mixed", "tab-after-colon"],
    )
    def test_read_correctly(self, base, content):
        (base / "facts" / "x.yaml").write_bytes(content)
        got = aitrends.load(base, bundled=False).get("things-change")
        assert (got.speaker, got.statement, got.excerpt) == (
            ["ann"],
            "Ann says things change.",
            "事物总是在不断变化之中。",
        )

    @pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"])
    def test_block_text_keeps_its_line_breaks(self, base, newline):
        text = fact_file().replace(
            "statement: Ann says things change.", "statement: |\n      Line one.\n      Line two."
        )
        (base / "facts" / "x.yaml").write_bytes(text.encode().replace(b"\n", newline))
        assert aitrends.load(base, bundled=False).get("things-change").statement == "Line one.\nLine two.\n"


MIB = 1024 * 1024


def peak_memory(func):
    """Run ``func``; return (its result, the peak memory it allocated, in bytes)."""
    tracemalloc.start()
    try:
        result = func()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


class TestSize:
    """Huge files, lines, nesting and counts: one clear error, bounded memory (the time these
    take is measured in docs/security.md; tests do not time)."""

    def test_50_mb_file_is_not_read(self, base):
        f = base / "facts" / "big.yaml"
        with open(f, "wb") as fh:
            fh.write(b"source: src\nfacts: []\n# ")
            fh.truncate(50 * MIB)
        raw, peak = peak_memory(lambda: load_dirs([base]))
        assert [str(p) for p in raw.problems] == [
            f"{shown(f)}: file is larger than 5 MiB (raise it with --max-file-size or AITRENDS_MAX_FILE_SIZE)"
        ]
        assert peak < 12 * MIB  # at most the limit plus one byte is read

    def test_10_mb_line(self, base):
        f = base / "facts" / "line.yaml"
        long = "x" * (10 * MIB)
        f.write_text(fact_file(fact(statement=long)), encoding="utf-8")
        assert problems(base) == [
            f"{shown(f)}: file is larger than 5 MiB (raise it with --max-file-size or AITRENDS_MAX_FILE_SIZE)"
        ]
        kb = aitrends.load(base, bundled=False, max_file_size="11M")  # raised: a bounded result
        assert len(kb.get("things-change").statement) == 10 * MIB

    def test_limit_in_bytes(self, base):
        f = base / "facts" / "x.yaml"
        f.write_bytes(GOOD + b"#" * 2000)
        assert problems(base, max_file_size=1000) == [
            f"{shown(f)}: file is larger than 1,000 bytes (raise it with --max-file-size or AITRENDS_MAX_FILE_SIZE)"
        ]

    @pytest.mark.parametrize(
        ("text", "line"),
        [
            ("facts: " + "[" * 10_000 + "]" * 10_000, 1),
            ("facts: " + "{a: " * 10_000 + "1" + "}" * 10_000, 1),
            ("facts:\n" + "".join("  " * i + "- \n" for i in range(2_000)), 65),  # 10,000 would be 100 MB
            ("facts:\n" + "- " * 10_000 + "x\n", 2),
        ],
        ids=["flow-lists", "flow-mappings", "block-lists", "compact-lists"],
    )
    def test_10000_levels(self, base, text, line):
        f = base / "facts" / "deep.yaml"
        f.write_text(text, encoding="utf-8")
        raw, peak = peak_memory(lambda: load_dirs([base]))
        assert [str(p) for p in raw.problems] == [
            f"{shown(f)}:{line}: nesting deeper than 64 levels (raise it with --max-depth or AITRENDS_MAX_DEPTH)"
        ]
        assert peak < 8 * MIB + 4 * len(text)
        assert sys.getrecursionlimit() < 10_000  # no deep recursion was needed, nor allowed

    @pytest.mark.parametrize("limit_at", [3, 40, 200])
    def test_a_parser_limit_reached_before_ours(self, monkeypatch, limit_at):
        """Whatever depth the installed libyaml stops at, and whatever it says, our own limit
        and its hint are reported when the document would have reached them."""
        import yaml

        from aitrends import yamlio

        class Strict(yaml.SafeLoader):
            """A parser with a nesting limit of its own, like libyaml's."""

            def check_event(self, *choices):
                depth = len(self.states) if hasattr(self, "states") else 0
                if depth > limit_at:
                    raise yaml.parser.ParserError(None, None, "a parser's own wording", self.get_mark())
                return super().check_event(*choices)

        monkeypatch.setattr(yamlio, "_Loader", Strict)
        deep = "facts: " + "[" * 500 + "]" * 500
        with pytest.raises(yamlio.YamlError) as caught:
            yamlio.parse(deep)
        assert (caught.value.message, caught.value.limit) == ("nesting deeper than 64 levels", "max_depth")
        # a document within our limits keeps the parser's own error
        shallow = "facts: " + "[" * 30 + "]" * 30 + "\nother: [unclosed"
        with pytest.raises(yamlio.YamlError) as caught:
            yamlio.parse(shallow)
        assert caught.value.limit is None and caught.value.syntax

    def test_too_many_values(self, base):
        f = base / "facts" / "many.yaml"
        f.write_text("facts: [" + "1," * 300_000 + "1]\n", encoding="utf-8")
        assert problems(base) == [
            f"{shown(f)}:1: file holds more than 200,000 values (raise it with --max-values or AITRENDS_MAX_VALUES)"
        ]

    def test_problems_per_file_are_capped(self, base):
        """A file of garbage lists 100 problems and says there are more, not 50,000 lines."""
        f = base / "facts" / "junk.yaml"
        f.write_text("".join(f"k{i}: 1\n" for i in range(50_000)), encoding="utf-8")
        found = problems(base)
        assert len(found) == 101
        assert found[:2] == [
            f"{shown(f)}: more than 100 problems; the first 100 are listed",
            f"{shown(f)}:1: k0: unknown section (expected facts, resolutions, source)",
        ]

    def test_too_many_facts(self, base):
        for i in range(3):
            (base / "facts" / f"f{i}.yaml").write_text(
                fact_file(fact(f"a{i}"), fact(f"b{i}")), encoding="utf-8"
            )
        assert problems(base, max_facts=3) == [
            f"{shown(base / 'facts' / 'f1.yaml')}:2: facts: more than 3 facts in this run; "
            "the rest are not read (raise it with --max-facts or AITRENDS_MAX_FACTS)"
        ]
        assert len(aitrends.load(base, bundled=False, max_facts=6).all_facts) == 6


class TestFileSystem:
    """Links, directories, special and unreadable files: one clear error each."""

    def test_link_outside_the_data_directory(self, base, tmp_path):
        secret = tmp_path / "secret.yaml"
        secret.write_text(fact_file(), encoding="utf-8")
        (base / "facts" / "evil.yaml").symlink_to(secret)
        (base / "people.yaml").unlink()
        (base / "people.yaml").symlink_to("/etc/passwd")
        assert problems(base) == [
            f"{shown(base / 'facts' / 'evil.yaml')}: links outside the data directory",
            f"{shown(base / 'people.yaml')}: links outside the data directory",
        ]

    def test_facts_directory_linked_outside(self, base, tmp_path):
        outside = tmp_path / "elsewhere"
        outside.mkdir()
        (outside / "x.yaml").write_text(fact_file(), encoding="utf-8")
        (base / "facts").rmdir()
        (base / "facts").symlink_to(outside)
        assert problems(base) == [f"{shown(base / 'facts' / 'x.yaml')}: links outside the data directory"]

    def test_link_inside_is_followed(self, base):
        (base / "mine.txt").write_text(fact_file(), encoding="utf-8")
        (base / "facts" / "x.yaml").symlink_to(base / "mine.txt")
        assert aitrends.load(base, bundled=False).get("things-change").speaker == ["ann"]

    def test_broken_link_and_link_loop(self, base):
        (base / "facts" / "broken.yaml").symlink_to(base / "facts" / "gone.yaml")
        (base / "facts" / "loop.yaml").symlink_to(base / "facts" / "loop.yaml")
        assert problems(base) == [
            f"{shown(base / 'facts' / 'broken.yaml')}: cannot read file: No such file or directory",
            f"{shown(base / 'facts' / 'loop.yaml')}: cannot read file: Too many levels of symbolic links",
        ]

    def test_directories_where_files_are_expected(self, base):
        (base / "people.yaml").unlink()
        (base / "people.yaml").mkdir()
        (base / "facts" / "x.yaml").mkdir()
        (base / "facts" / "sub").mkdir()
        assert problems(base) == [
            f"{shown(base / 'facts' / 'sub')}: a directory (facts/ holds *.yaml files only)",
            f"{shown(base / 'facts' / 'x.yaml')}: is a directory, not a data file",
            f"{shown(base / 'people.yaml')}: is a directory, not a data file",
        ]

    def test_facts_is_a_file(self, base):
        (base / "facts").rmdir()
        (base / "facts").write_text(fact_file(), encoding="utf-8")
        assert problems(base) == [
            f"{shown(base / 'facts')}: is not a directory (facts/ holds the fact files)"
        ]

    def test_other_files_in_facts(self, base):
        (base / "facts" / "notes.txt").write_text("hello", encoding="utf-8")
        (base / "facts" / "x.yaml~").write_text(fact_file(), encoding="utf-8")  # an editor's backup
        (base / "facts" / ".DS_Store").write_bytes(b"\x00\x01")  # hidden files are ignored
        assert problems(base) == [
            f"{shown(base / 'facts' / 'notes.txt')}: not a YAML file (facts/ holds *.yaml files only)",
            f"{shown(base / 'facts' / 'x.yaml~')}: not a YAML file (facts/ holds *.yaml files only)",
        ]

    def test_yaml_files_at_the_top(self, base):
        """A fact file or a misspelt reference file at the top would be ignored: reported."""
        for name in ("mine.yaml", "topic.yaml", "sources.yml"):
            (base / name).write_text(fact_file(), encoding="utf-8")
        (base / "README.md").write_text("# my data\n", encoding="utf-8")  # not YAML: fine
        assert problems(base) == [
            f"{shown(base / 'mine.yaml')}: not a data file name (fact files go in facts/)",
            f"{shown(base / 'sources.yml')}: not a data file name (did you mean 'sources.yaml'?)",
            f"{shown(base / 'topic.yaml')}: not a data file name (did you mean 'topics.yaml'?)",
        ]

    @pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
    def test_fifo_does_not_block(self, base):
        os.mkfifo(base / "facts" / "pipe.yaml")
        assert problems(base) == [f"{shown(base / 'facts' / 'pipe.yaml')}: is not a regular file"]

    def test_unreadable_file(self, base, monkeypatch):
        f = base / "facts" / "secret.yaml"
        f.write_text(fact_file(), encoding="utf-8")
        if os.name == "posix" and os.geteuid() != 0:
            f.chmod(0)
        else:  # root reads anything: make the open fail as it would for another user
            real_open = os.open

            def deny(path, *args, **kwargs):
                if Path(path) == f:
                    raise PermissionError(13, "Permission denied", str(path))
                return real_open(path, *args, **kwargs)

            monkeypatch.setattr(os, "open", deny)
        assert problems(base) == [f"{shown(f)}: cannot read file: Permission denied"]

    def test_missing_and_wrong_data_directories(self, tmp_path):
        (tmp_path / "file").write_text("x", encoding="utf-8")
        with pytest.raises(aitrends.DataError) as info:
            aitrends.load(tmp_path / "nope", tmp_path / "file", bundled=False)
        assert [str(p) for p in info.value.problems] == [
            f"{shown(tmp_path / 'file')}: is not a directory",
            f"{shown(tmp_path / 'nope')}: data directory not found",
        ]
