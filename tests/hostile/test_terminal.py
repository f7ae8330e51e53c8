"""Terminal safety: text from data files cannot rewrite the terminal, set its title, hide
lines or reorder text, and rich markup in data is shown as written.

The payload below goes into every kind of text field a command prints; every output is
checked to hold no character a terminal would act on instead of showing.
"""

from __future__ import annotations

import json
import re
import unicodedata

import pytest
from typer.testing import CliRunner

from aitrends.cli import app
from aitrends.render import safe_text

from .conftest import make_base

# As written in YAML (double-quoted escapes): set the window title, clear the screen, hide
# text, a C1 CSI, right-to-left override, an isolate, a zero-width space, an invisible tag
# character, a line separator, carriage return and backspace (overwrite), then rich markup.
PAYLOAD_YAML = (
    r"\e]0;pwned\a\e[2J\e[8m\x9b31m\u202e\u2066\u200b\U000E0041\L\r\b"
    r"[bold red]markup[/][link=https://evil.example]click[/link]"
)
PAYLOAD = (
    "\x1b]0;pwned\x07\x1b[2J\x1b[8m\x9b31m\u202e\u2066\u200b\U000e0041\u2028\r\x08"
    "[bold red]markup[/][link=https://evil.example]click[/link]"
)
SHOWN = (
    "\\x1b]0;pwned\\x07\\x1b[2J\\x1b[8m\\x9b31m\\u202e\\u2066\\u200b\\U000e0041\\u2028\\x0d\\x08"
    "[bold red]markup[/][link=https://evil.example]click[/link]"
)
UNSAFE = {"Cc", "Cf", "Zl", "Zp", "Cs"}

FACTS = f"""\
source: src
facts:
  - id: things-change
    kind: claim
    speaker: ann
    topics: [things]
    statement: "Ann says {PAYLOAD_YAML}"
    excerpt: "事物总是在不断变化之中。{PAYLOAD_YAML}"
    excerpt_en: "Things are always changing. {PAYLOAD_YAML}"
    hedge: "{PAYLOAD_YAML}"
    note: "{PAYLOAD_YAML}"
"""


@pytest.fixture
def data(tmp_path):
    d = make_base(tmp_path / "data")
    (d / "people.yaml").write_text(
        f'people:\n  - {{id: ann, name_en: "Ann {PAYLOAD_YAML}", aliases: ["{PAYLOAD_YAML}"]}}\n',
        encoding="utf-8",
    )
    (d / "topics.yaml").write_text(
        f'topics:\n  - {{id: things, label_en: "Things {PAYLOAD_YAML}", label_zh: 事物}}\n', encoding="utf-8"
    )
    (d / "facts" / "a.yaml").write_text(FACTS, encoding="utf-8")
    return d


def flat(text: str) -> str:
    """Output with table borders, padding and wrapping removed."""
    return "".join(c for c in text if c not in " \n│┃┏┓┗┛━┡┩└┘─┌┐├┤┼╇╈╋┃")


def unsafe_characters(text: str) -> list[str]:
    return [c for c in text if c != "\n" and unicodedata.category(c) in UNSAFE]


def run(data, *args):
    # a wide terminal, so that no cell wraps and the text can be found whole
    result = CliRunner().invoke(
        app, ["--no-bundled", "-d", str(data), *args], env={"COLUMNS": "3000"}, catch_exceptions=False
    )
    assert result.exit_code == 0, result.stderr
    return result


class TestOutput:
    """Every command that prints text from the data, in table and markdown form."""

    @pytest.mark.parametrize(
        "args",
        [
            ["claims"],
            ["claims", "-f", "markdown"],
            ["quote", "--person", "ann"],
            ["quote", "--person", "ann", "-f", "markdown"],
            ["show", "things-change"],
            ["people"],
            ["topics"],
            ["topics", "-f", "markdown"],
        ],
        ids=lambda a: "-".join(a),
    )
    def test_neutralised(self, data, args):
        result = run(data, *args)
        assert unsafe_characters(result.stdout + result.stderr) == []
        # visible, and the markup literal (markdown also backslash-escapes \ [ ] * _ ` |)
        shown = re.sub(r"([\\\[\]*_`|])", r"\\\1", SHOWN) if "markdown" in args else SHOWN
        assert flat(shown) in flat(result.stdout)

    def test_quote_title(self, data):
        """The person's name is the title of the quote table."""
        title = run(data, "quote", "--person", "ann").stdout.splitlines()[0].strip()
        assert title.startswith("Ann \\x1b]0;pwned\\x07")

    def test_show_card_fields(self, data):
        out = flat(run(data, "show", "things-change").stdout)
        for field in ("statement", "excerpt", "English", "hedge", "note", "speaker"):
            assert flat(field) in out
        assert out.count(flat(SHOWN)) >= 6

    def test_json_is_the_data_itself(self, data):
        """JSON carries the exact text (C0 controls as \\u escapes): it is data for programs,
        not a view for the terminal."""
        result = run(data, "claims", "--json")
        assert json.loads(result.stdout)[0]["note"] == PAYLOAD
        assert "\x1b" not in result.stdout and "\\u001b]0;pwned\\u0007" in result.stdout


class TestMessages:
    """Problems that echo text from a file show it escaped, on one line."""

    def test_echoed_value(self, data):
        f = data / "facts" / "a.yaml"
        f.write_text(FACTS.replace("speaker: ann", f'speaker: "{PAYLOAD_YAML}"'), encoding="utf-8")
        result = CliRunner().invoke(app, ["--no-bundled", "-d", str(data), "validate"])
        assert result.exit_code == 1
        assert unsafe_characters(result.stderr) == []
        first = result.stderr.splitlines()[0]
        assert first.endswith(  # cut to 40 characters, escapes included
            "facts[0].speaker[0]: '\\x1b]0;pwned\\x07\\x1b[2J\\x1b[8m\\x9b31m\\u…' is not a valid id "
            "(lower-case letters, digits and single hyphens)"
        )

    def test_echoed_key(self, data):
        f = data / "facts" / "a.yaml"
        f.write_text(FACTS.replace("    note:", f'    "{PAYLOAD_YAML}":'), encoding="utf-8")
        result = CliRunner().invoke(app, ["--no-bundled", "-d", str(data), "validate"])
        assert unsafe_characters(result.stderr) == []
        assert len(result.stderr.splitlines()) == 2  # the problem and the summary


class TestSafeText:
    """safe_text, which every table and markdown cell goes through."""

    @pytest.mark.parametrize(
        ("text", "shown"),
        [
            ("plain 中文 text", "plain 中文 text"),
            ("two\nlines\r\nand\ttab", "two lines and tab"),
            ("\x1b[31mred", "\\x1b[31mred"),
            ("bell\x07", "bell\\x07"),
            ("csi\x9b2J", "csi\\x9b2J"),
            ("cr\roverwrite", "cr\\x0doverwrite"),
            ("rlo\u202eevil", "rlo\\u202eevil"),
            ("lri\u2066x\u2069", "lri\\u2066x\\u2069"),
            ("zero\u200bwidth\u2060joiner\ufeffbom", "zero\\u200bwidth\\u2060joiner\\ufeffbom"),
            ("arabic mark\u061c", "arabic mark\\u061c"),
            ("line\u2028sep\u2029par", "line\\u2028sep\\u2029par"),
            ("tag\U000e0041chars", "tag\\U000e0041chars"),
            ("lone \udc80 surrogate", "lone \\udc80 surrogate"),
            ("ideographic\u3000space and nbsp\xa0kept", "ideographic\u3000space and nbsp\xa0kept"),
            ("[bold]markup[/bold]", "[bold]markup[/bold]"),
            (["a\x1b", "b"], "a\\x1b, b"),
            (None, ""),
            (1.5, "1.5"),
        ],
    )
    def test_examples(self, text, shown):
        assert safe_text(text) == shown

    def test_every_unsafe_character(self):
        """Whatever the Unicode version: no character of an unsafe category survives."""
        import sys

        every = "".join(
            chr(cp) for cp in range(sys.maxunicode + 1) if unicodedata.category(chr(cp)) in UNSAFE
        )
        assert unsafe_characters(safe_text(every)) == []
