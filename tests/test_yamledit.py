"""Round-trip editing of a user's YAML file: the edit is made, nothing else changes."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aitrends import yamledit
from aitrends.yamledit import EditError

SAMPLE = """\
# yaml-language-server: $schema=../../schemas/facts.schema.json
# My notes: kept as written.
source: my-source    # a trailing comment

facts:
  # first section
  - id: 'quoted-id'
    kind: claim
    topics: [a, b]   # flow list kept
  - id: "double"
    statement: >-
      folded text
      over two lines

# resolutions below
resolutions:
- fact: old-one
  outcome: "true"
  date: 2025-01-15
  evidence: It happened.
  # a note inside the item
- fact: other
  outcome: false
  date: 2025-02-01
  evidence: It did not.

# the end
"""


def _write(tmp_path: Path, text: str, name: str = "notes.yaml") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode())
    return p


class TestAppend:
    """append_item adds one item and leaves every other byte alone."""

    def test_appends_after_the_last_item_in_its_style(self, tmp_path: Path) -> None:
        p = _write(tmp_path, SAMPLE)
        yamledit.append_item(p, "resolutions", {"fact": "new", "outcome": "partly", "evidence": "x: y"})
        text = p.read_text()
        assert text.replace("- fact: new\n  outcome: partly\n  evidence: 'x: y'\n", "", 1) == SAMPLE
        assert [r["fact"] for r in yaml.safe_load(text)["resolutions"]] == ["old-one", "other", "new"]

    def test_follows_an_indented_list(self, tmp_path: Path) -> None:
        p = _write(tmp_path, SAMPLE)
        yamledit.append_item(p, "facts", {"id": "third"})
        assert p.read_text() == SAMPLE.replace(
            "      over two lines\n", "      over two lines\n  - id: third\n", 1
        )

    def test_creates_a_missing_key_in_the_files_style(self, tmp_path: Path) -> None:
        p = _write(tmp_path, "source: s\nfacts:\n    - id: a\n")
        yamledit.append_item(p, "resolutions", {"fact": "a"})
        assert p.read_text() == "source: s\nfacts:\n    - id: a\n\nresolutions:\n    - fact: a\n"

    def test_creates_a_missing_file(self, tmp_path: Path) -> None:
        p = tmp_path / "new" / "mine.yaml"
        yamledit.append_item(p, "resolutions", {"fact": "a", "outcome": "true"})
        assert yaml.safe_load(p.read_text()) == {"resolutions": [{"fact": "a", "outcome": "true"}]}

    @pytest.mark.parametrize("line", ["resolutions:", "resolutions: []", "resolutions: [ ]  # none yet"])
    def test_fills_an_empty_or_null_list(self, tmp_path: Path, line: str) -> None:
        p = _write(tmp_path, f"# top\n{line}\nother: 1\n")
        yamledit.append_item(p, "resolutions", {"fact": "a"})
        data = yaml.safe_load(p.read_text())
        assert data == {"resolutions": [{"fact": "a"}], "other": 1}
        assert p.read_text().startswith("# top\nresolutions:")

    def test_a_flow_list_is_rewritten_not_refused(self, tmp_path: Path) -> None:
        p = _write(tmp_path, "# keep me\nresolutions: [{fact: a}]\n")
        yamledit.append_item(p, "resolutions", {"fact": "b"})
        text = p.read_text()
        assert "# keep me" in text
        assert yaml.safe_load(text) == {"resolutions": [{"fact": "a"}, {"fact": "b"}]}

    def test_keeps_crlf_line_endings(self, tmp_path: Path) -> None:
        p = _write(tmp_path, "resolutions:\r\n  - fact: a\r\n")
        yamledit.append_item(p, "resolutions", {"fact": "b"})
        assert p.read_bytes() == b"resolutions:\r\n  - fact: a\r\n  - fact: b\r\n"

    def test_a_file_without_final_newline(self, tmp_path: Path) -> None:
        p = _write(tmp_path, "resolutions:\n  - fact: a")
        yamledit.append_item(p, "resolutions", {"fact": "b"})
        assert p.read_text() == "resolutions:\n  - fact: a\n  - fact: b\n"

    @pytest.mark.parametrize(
        "text", ["resolutions: 3\n", "- a\n- b\n", "a: [\n", "a: 1\n---\nb: 2\n", "resolutions: {a: 1}\n"]
    )
    def test_refuses_what_it_cannot_edit_and_leaves_it(self, tmp_path: Path, text: str) -> None:
        p = _write(tmp_path, text)
        with pytest.raises(EditError, match=str(p).replace("\\", "\\\\")):
            yamledit.append_item(p, "resolutions", {"fact": "a"})
        assert p.read_text() == text


class TestRemoveAndReplace:
    """remove_items and replace_items touch only the matching items."""

    def test_remove_cuts_the_item_and_keeps_comments_around_it(self, tmp_path: Path) -> None:
        p = _write(tmp_path, SAMPLE)
        assert yamledit.remove_items(p, "resolutions", lambda r: r["fact"] == "other") == 1
        removed = "- fact: other\n  outcome: false\n  date: 2025-02-01\n  evidence: It did not.\n"
        assert p.read_text() == SAMPLE.replace(removed, "", 1)

    def test_removing_every_item_leaves_an_empty_list(self, tmp_path: Path) -> None:
        p = _write(tmp_path, SAMPLE)
        assert yamledit.remove_items(p, "resolutions", lambda r: True) == 2
        data = yaml.safe_load(p.read_text())
        assert data["resolutions"] == [] and len(data["facts"]) == 2
        assert "# the end" in p.read_text() and "# resolutions below" in p.read_text()

    def test_no_match_does_not_rewrite(self, tmp_path: Path) -> None:
        p = _write(tmp_path, SAMPLE)
        before = p.stat().st_mtime_ns
        assert yamledit.remove_items(p, "resolutions", lambda r: False) == 0
        assert yamledit.remove_items(tmp_path / "missing.yaml", "resolutions", lambda r: True) == 0
        assert p.stat().st_mtime_ns == before and p.read_text() == SAMPLE

    def test_replace_renders_the_item_anew_in_place(self, tmp_path: Path) -> None:
        p = _write(tmp_path, SAMPLE)
        n = yamledit.replace_items(
            p,
            "resolutions",
            lambda r: r["fact"] == "old-one",
            lambda old: {**old, "superseded": "2026-01-01"},
        )
        assert n == 1
        text = p.read_text()
        data = yaml.safe_load(text)
        assert data["resolutions"][0]["superseded"] == "2026-01-01"
        assert data["resolutions"][0]["date"].isoformat() == "2025-01-15"
        assert [r["fact"] for r in data["resolutions"]] == ["old-one", "other"]
        head, tail = SAMPLE.split("- fact: old-one", 1)
        assert text.startswith(head) and text.endswith(tail[tail.index("- fact: other") :])

    def test_read_items_gives_plain_values(self, tmp_path: Path) -> None:
        p = _write(tmp_path, SAMPLE)
        items = yamledit.read_items(p, "resolutions")
        assert [type(v) for v in items[0].values()][:2] == [str, str]
        assert items[1]["outcome"] is False
        assert yamledit.read_items(tmp_path / "none.yaml", "resolutions") == []


# --------------------------------------------------------------------------- property


_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=8).filter(
    lambda s: not s.startswith("-") and s not in {"n", "y", "no", "yes", "on", "off", "null", "true", "false"}
)
_scalar = st.one_of(
    _word,
    _word.map(lambda w: f"'{w}'"),
    _word.map(lambda w: f'"{w}"'),
    st.integers(-1000, 1000).map(str),
    st.sampled_from(["2025-01-15", "true", "~", "[a, b]", "{k: v}", "可能 会"]),
)
_comment = st.text(alphabet="abc XYZ-#:可能", max_size=20).map(lambda s: f"# {s}".rstrip())


@st.composite
def _yaml_file(draw: st.DrawFn) -> str:
    """A file of top-level keys with scalars and block lists of small mappings, in a random
    indentation, with comments and blank lines anywhere between them."""
    lines: list[str] = []
    keys = draw(st.lists(_word, min_size=1, max_size=4, unique=True))
    if "resolutions" not in keys and draw(st.booleans()):
        keys.insert(draw(st.integers(0, len(keys))), "resolutions")
    for key in keys:
        lines += draw(st.lists(st.sampled_from(["", "COMMENT"]), max_size=2))
        if key != "resolutions" and draw(st.booleans()):
            lines.append(f"{key}: {draw(_scalar)}")
            continue
        dash = draw(st.sampled_from([0, 2, 4]))
        lines.append(f"{key}:")
        for _ in range(draw(st.integers(1 if key == "resolutions" else 0, 3))):
            fields = draw(st.lists(_word, min_size=1, max_size=3, unique=True))
            for j, f in enumerate(fields):
                prefix = " " * dash + ("- " if j == 0 else "  ")
                lines.append(f"{prefix}{f}: {draw(_scalar)}")
            lines += [" " * dash + "  " + "COMMENT" for _ in range(draw(st.integers(0, 1)))]
            lines += draw(st.lists(st.sampled_from(["", "COMMENT"]), max_size=1))
        if lines[-1] == f"{key}:":
            lines[-1] += " []"
    text = "\n".join(lines) + "\n"
    while "COMMENT" in text:
        text = text.replace("COMMENT", draw(_comment), 1)
    return text


_new_item = st.dictionaries(
    _word,
    st.one_of(_word, st.text(max_size=15), st.integers(), st.booleans(), st.dates()),
    min_size=1,
    max_size=4,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_yaml_file(), item=_new_item)
def test_round_trip_keeps_the_rest_of_the_file(text: str, item: dict[str, object]) -> None:
    """Appending an item and removing it again gives back the very same bytes; in between,
    every original line is still there, in order, and the data gained exactly that item."""
    before = yaml.safe_load(text)
    marker = {**item, "marker-key": "round-trip-marker"}
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "f.yaml"
        p.write_bytes(text.encode())
        yamledit.append_item(p, "resolutions", marker)
        middle = p.read_text()
        after = yaml.safe_load(middle)
        assert after["resolutions"][-1] == marker
        assert after["resolutions"][:-1] == (before.get("resolutions") or [])
        assert {k: v for k, v in after.items() if k != "resolutions"} == {
            k: v for k, v in before.items() if k != "resolutions"
        }
        it = iter(middle.splitlines())
        assert all(line in it or line.endswith("[]") for line in text.splitlines())  # a subsequence
        removed = yamledit.remove_items(
            p, "resolutions", lambda r: r.get("marker-key") == "round-trip-marker"
        )
        assert removed == 1
        result = p.read_text()
        if "resolutions" in before and before["resolutions"]:
            assert result == text
        else:  # the list the item went into is left behind, empty
            assert yaml.safe_load(result) == {**before, "resolutions": []}
        assert not [f for f in os.listdir(d) if f.endswith(".tmp")]


@pytest.mark.parametrize("char", ["\x85", "\u2028", "\u2029", "\x0b", "\x0c", "\x1c"])
def test_a_text_with_a_line_break_of_yaml_1_1_reads_back_the_same(tmp_path: Path, char: str) -> None:
    """NEL, the Unicode line and paragraph separators and the other breaks of YAML 1.1 (which
    PyYAML reads) and of ``str.splitlines`` are written escaped, not raw (found by the property
    test above: ``'x\x85y'`` came back as ``'x y'``)."""
    p = tmp_path / "f.yaml"
    p.write_text("resolutions: []\n", encoding="utf-8")
    item = {"evidence": f"one{char}two", "note": "可能 会"}
    yamledit.append_item(p, "resolutions", item)
    assert yaml.safe_load(p.read_text(encoding="utf-8"))["resolutions"] == [item]


class TestFlowAndQuotedKeys:
    """Flow lists are rewritten through ruamel.yaml; a quoted key is still found."""

    def test_remove_and_replace_in_a_flow_list(self, tmp_path: Path) -> None:
        p = _write(tmp_path, "# keep\nresolutions: [{fact: a}, {fact: b}]\n")
        assert (
            yamledit.replace_items(p, "resolutions", lambda r: r["fact"] == "a", lambda o: {"fact": "c"}) == 1
        )
        assert yamledit.remove_items(p, "resolutions", lambda r: r["fact"] == "b") == 1
        assert yaml.safe_load(p.read_text()) == {"resolutions": [{"fact": "c"}]}
        assert p.read_text().startswith("# keep\n")

    def test_emptying_a_list_under_a_quoted_key_keeps_its_comment(self, tmp_path: Path) -> None:
        p = _write(tmp_path, '"resolutions":   # mine\n  - fact: a\nother: 1\n')
        assert yamledit.remove_items(p, "resolutions", lambda r: True) == 1
        assert p.read_text() == '"resolutions": []   # mine\nother: 1\n'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("---\nresolutions:\n  - fact: a\n...\n", "---\nresolutions:\n  - fact: a\n  - fact: b\n...\n"),
        ("---\nsource: s\n...\n", "---\nsource: s\n\nresolutions:\n  - fact: b\n...\n"),
    ],
)
def test_document_markers_stay_around_the_document(tmp_path: Path, text: str, expected: str) -> None:
    p = _write(tmp_path, text)
    yamledit.append_item(p, "resolutions", {"fact": "b"})
    assert p.read_text() == expected
