"""Drawing tables (aitrends.tables): widths, wrapping, layout, boxes, styles, and the row cap."""

from __future__ import annotations

import io
import json
import os
import re
import sys
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from aitrends.cli import app
from aitrends.tables import MARK_OFF, MARK_ON, draw, layout, show, terminal, text_width, wrap

ANSI = re.compile(r"\x1b\[[0-9;]*m")

# words of ASCII, Chinese, and both, with the punctuation of either language
WORD = st.one_of(
    st.text(alphabet="abcdefghij-0123456789%.,", min_size=1, max_size=30),
    st.text(alphabet="推理成本每年下降十倍。，、的", min_size=1, max_size=30),
    st.text(alphabet="ab1推理。,", min_size=1, max_size=30),
)
TEXT = st.lists(WORD, max_size=12).map(" ".join)


class TestWidth:
    def test_ascii_chinese_and_combining(self):
        assert text_width("cost") == 4
        assert text_width("推理成本") == 8
        assert text_width("10倍") == 4
        assert text_width("e\u0301") == 1  # e and a combining acute accent
        assert text_width("ＡＩ") == 4  # fullwidth letters

    def test_highlight_marks_take_no_room(self):
        assert text_width(f"a{MARK_ON}bc{MARK_OFF}d") == 4


# grapheme clusters of scripts and emoji whose width is not one column per character
CLUSTER = st.sampled_from(
    [
        "a",
        "Z",
        "7",
        "推",
        "ＡＩ",
        "e\u0301",  # e + combining acute (Mn)
        "O\u20dd",  # O + combining enclosing circle (Me)
        "กั",  # Thai consonant + vowel sign (Mn)
        "ที่",
        "👍",
        "👍🏽",  # emoji + skin tone
        "👨\u200d👩\u200d👧",  # ZWJ sequence
        "👩🏽\u200d💻",
        "❤\ufe0f",  # VS16
        "1\ufe0f\u20e3",  # keycap
        "#\ufe0f\u20e3",
        "\u1112\u1161\u11ab",  # Hangul jamo L V T
        "\u1100\u1161",
        "한",
        "。",
        " ",
    ]
)


class TestUnicodeWidth:
    """Widths as wcwidth (the oracle) measures them, for every kind of cluster."""

    @settings(max_examples=400, deadline=None)
    @given(st.lists(CLUSTER, max_size=12).map("".join))
    def test_matches_wcwidth(self, text):
        import wcwidth

        assert text_width(text) == wcwidth.wcswidth(text)

    @pytest.mark.parametrize(("text", "width"), [("กั", 1), ("👍🏽", 2), ("1️⃣", 2), ("👨‍👩‍👧", 2), ("한", 2)])
    def test_issue_examples(self, text, width):
        assert text_width(text) == width

    @settings(max_examples=200, deadline=None)
    @given(st.lists(CLUSTER, min_size=1, max_size=12).map("".join), st.integers(2, 12))
    def test_wrap_never_splits_a_cluster(self, text, width):
        import wcwidth

        lines = [line for line, _ in wrap(text, width)]
        assert all(wcwidth.wcswidth(line) == w for line, w in wrap(text, width))
        for before, line in zip(lines, lines[1:], strict=False):
            # a new line never starts inside a cluster: with a mark, a joined character or a skin tone
            assert not before.endswith("\u200d"), lines
            assert not line or not (
                unicodedata.category(line[0]) in ("Mn", "Me") or "\U0001f3fb" <= line[0] <= "\U0001f3ff"
            ), lines

    def test_safe_text_keeps_emoji_joiners_only(self):
        from aitrends.tables import safe_text

        assert safe_text("👨\u200d👩") == "👨\u200d👩"
        assert safe_text("a\u200db") == "a\\u200db"


class TestWholeTokens:
    """Ids, dates, numbers and headers stay whole; prose gives way."""

    def test_ids_stay_whole_at_60_columns(self):
        rows = [["kpmg-zgc-ai-trends-2024", "2024-02-19", "168", "a cost falls ten times a year " * 4]]
        table = draw(["id", "date", "forecast", "text"], rows, ratios=[2, None, None, 5], width=60)
        assert all(w <= 60 for w in map(text_width, table.splitlines()))
        for token in ("kpmg-zgc-ai-trends-2024", "2024-02-19", "forecast"):
            assert token in table, table

    def test_sources_at_100_columns(self):
        result = CliRunner().invoke(app, ["sources"], env={"COLUMNS": "100"})
        for sid in ("kpmg-zgc-ai-trends-2024", "wired-lee-think-lighter", "nbd-etzioni-2023"):
            assert sid in result.stdout, result.stdout
        assert "fcst" in result.stdout

    def test_too_many_columns_become_cards(self):
        result = CliRunner().invoke(app, ["sources"], env={"COLUMNS": "60"})
        lines = result.stdout.splitlines()
        assert all(text_width(line) <= 60 for line in lines)
        for sid in ("kpmg-zgc-ai-trends-2024", "wired-lee-think-lighter", "nbd-etzioni-2023"):
            assert any(f"│ {sid} " in line for line in lines), result.stdout
        assert sum(line.startswith("│ id ") for line in lines) == 5

    def test_dates_stay_whole_when_nothing_else_fits(self):
        rows = [["kpmg-zgc-ai-trends-2024", "a title of words", "2024-02-19", "12"]]
        table = draw(["id", "title", "date", "n"], rows, ratios=[1, 3, None, None], width=40)
        assert "2024-02-19" in table


class TestWrap:
    @settings(max_examples=300, deadline=None)
    @given(TEXT, st.integers(min_value=1, max_value=40))
    def test_lines_fit_and_lose_nothing(self, text, width):
        lines = wrap(text, width)
        assert all(w == text_width(line) for line, w in lines)
        assert all(w <= width or width == 1 for _, w in lines)
        assert "".join(line for line, _ in lines).replace(" ", "") == text.replace(" ", "")

    def test_english_words_stay_whole(self):
        lines = [line for line, _ in wrap("the cost of inference falls tenfold a year", 12)]
        assert lines == ["the cost of", "inference", "falls", "tenfold a", "year"]

    def test_chinese_fills_its_lines(self):
        lines = wrap("如果你有更好的推理方法即使只有", 10)
        assert [w for _, w in lines] == [10, 10, 10]

    def test_closing_punctuation_does_not_start_a_line(self):
        # 。 would open the third line alone: 降 goes down with it
        assert [line for line, _ in wrap("推理成本每年下降。", 8)] == ["推理成本", "每年下", "降。"]
        assert [line for line, _ in wrap("推理成本，每年下降十倍。成本", 8)] == [
            "推理成",
            "本，每年",
            "下降十",
            "倍。成本",
        ]

    def test_numbers_in_chinese_stay_whole(self):
        for width in range(6, 16):  # from the widest run, GPT-4
            lines = [line for line, _ in wrap("即使只有10%、20%或30%的改进,GPT-4也能产生", width)]
            for run in ("10%", "20%", "30%", "GPT-4"):
                assert any(run in line for line in lines), (width, lines)

    def test_a_long_id_breaks_after_a_hyphen(self):
        assert [line for line, _ in wrap("kai-fu-lee-inference-cost", 12)] == [
            "kai-fu-lee-",
            "inference-",
            "cost",
        ]

    def test_paragraphs(self):
        assert [line for line, _ in wrap("one two\nthree", 20)] == ["one two", "three"]


class TestLayout:
    def test_natural_widths_when_they_fit(self):
        assert layout([5, 10, 7], [None, 2, 1], [False] * 3, 40) == [5, 10, 7]

    @settings(max_examples=300, deadline=None)
    @given(
        st.lists(
            st.tuples(st.integers(1, 200), st.sampled_from([None, 1, 2, 4]), st.booleans()),
            min_size=1,
            max_size=8,
        ),
        st.integers(20, 200),
    )
    def test_fits_when_it_can(self, columns, available):
        natural = [c[0] for c in columns]
        widths = layout(natural, [c[1] for c in columns], [c[2] for c in columns], available)
        assert all(1 <= w <= nw for w, nw in zip(widths, natural, strict=True))
        if available >= len(columns):
            assert sum(widths) <= available

    def test_columns_that_do_not_wrap_keep_their_width(self):
        widths = layout([10, 8, 200], [None, None, 5], [True, True, False], 60)
        assert widths[:2] == [10, 8] and widths[2] == 42

    def test_ratios_share_what_is_left(self):
        assert layout([100, 100], [1, 3], [False, False], 80) == [20, 60]

    def test_a_column_without_a_ratio_keeps_its_width_if_it_can(self):
        assert layout([20, 300], [None, 4], [False, False], 60) == [20, 40]


class TestDraw:
    ROWS = [
        [
            "undated",
            "如果你有更好的推理方法,即使只有10%的改进,也能产生很大的影响。",
            "A better method of inference",
        ],
        ["2024-01-05", "推理成本每年下降十倍", "Inference cost falls tenfold a year"],
    ]

    @pytest.mark.parametrize("width", [30, 50, 80, 120])
    def test_every_line_as_wide_as_the_table(self, width):
        text = draw(
            ["date", "said", "English"],
            self.ROWS,
            ratios=[None, 4, 4],
            no_wrap=[True, False, False],
            width=width,
        )
        lines = text.splitlines()
        assert len({text_width(line) for line in lines}) == 1
        assert text_width(lines[0]) <= width
        assert lines[-1].startswith("└")
        assert sum(line.startswith("├") for line in lines) == len(self.ROWS) - 1
        if width >= 50:
            assert lines[0].startswith("┏") and sum(line.startswith("┡") for line in lines) == 1
        else:  # too narrow for three columns: a card per row, the headers repeated
            assert lines[0].startswith("┌") and sum(line.startswith("│ date ") for line in lines) == 2

    @settings(max_examples=200, deadline=None)
    @given(
        st.lists(st.lists(TEXT, min_size=3, max_size=3), min_size=1, max_size=5),
        st.integers(min_value=10, max_value=120),
    )
    def test_any_cells_any_width(self, rows, width):
        text = draw(["a", "b", "c"], rows, ratios=[1, None, 3], no_wrap=[False, True, False], width=width)
        lines = text.splitlines()
        assert len({text_width(line) for line in lines}) == 1
        drawn = sorted("".join(c for c in text if c not in " \n┏┓┗┛┃━┳┻╋┡┩╇│─┌┐└┘├┤┼┬┴"))
        headers = "abc" * (len(rows) if text.startswith("┌") else 1)  # stacked: a card per row
        assert drawn == sorted(headers + "".join("".join(row) for row in rows).replace(" ", ""))

    def test_title_is_centred(self):
        text = draw(["a"], [["x" * 20]], title="T")
        title, top = text.splitlines()[:2]
        assert title.strip() == "T" and abs(len(title) - 1 - (len(top) - len(title))) <= 1

    def test_ascii_box(self):
        text = draw(["a", "b"], [["1", "2"]], unicode=False)
        assert text.isascii() and text.splitlines()[2].startswith("+=")

    def test_no_header_no_lines(self):
        text = draw(["k", "v"], [["a", "1"], ["b", "2"]], show_header=False, show_lines=False)
        assert [line[0] for line in text.splitlines()] == ["┌", "│", "│", "└"]

    def test_styles_only_when_asked(self):
        plain = draw(["head"], [[f"x {MARK_ON}hit{MARK_OFF} y"]], title="T")
        styled = draw(["head"], [[f"x {MARK_ON}hit{MARK_OFF} y"]], title="T", styled=True)
        assert "\x1b" not in plain and MARK_ON not in plain and "x hit y" in plain
        assert "\x1b[1mhead\x1b[0m" in styled and "\x1b[7mhit\x1b[0m" in styled and "\x1b[3mT" in styled
        assert ANSI.sub("", styled) == plain

    def test_a_highlight_across_lines_is_closed_on_each(self):
        text = draw(["m"], [[f"{MARK_ON}one two three four{MARK_OFF}"]], width=12, styled=True)
        for line in text.splitlines()[3:-1]:
            if "\x1b[7m" in line:
                assert line.rindex("\x1b[0m") > line.rindex("\x1b[7m")


class TestTerminal:
    class Stream(io.StringIO):
        def __init__(self, tty: bool, encoding: str = "utf-8"):
            super().__init__()
            self._tty, self._encoding = tty, encoding

        def isatty(self) -> bool:
            return self._tty

        @property
        def encoding(self) -> str:
            return self._encoding

    def test_a_pipe(self):
        assert terminal(self.Stream(False), {}) == {"width": 80, "styled": False, "unicode": True}

    def test_columns_and_styles(self):
        t = terminal(self.Stream(True), {"COLUMNS": "132", "TERM": "xterm"})
        assert t["width"] == 132 and t["styled"]
        assert not terminal(self.Stream(True), {"COLUMNS": "100", "NO_COLOR": "1"})["styled"]
        assert not terminal(self.Stream(True), {"COLUMNS": "100", "TERM": "dumb"})["styled"]
        assert terminal(self.Stream(False), {"COLUMNS": "abc"})["width"] == 80

    def test_an_encoding_without_box_characters(self):
        assert terminal(self.Stream(False, "ascii"), {})["unicode"] is False
        assert terminal(self.Stream(False, "UTF-8"), {})["unicode"] is True


class TestLimitZero:
    """``-n 0`` shows every result; a table shows every result anyway."""

    def run(self, *args):
        result = CliRunner().invoke(app, ["--no-cache", *args], catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
        return result.stdout

    def test_every_fact_in_a_table(self):
        total = len(json.loads(self.run("claims", "--json")))
        assert total > 100
        for args in (["claims"], ["claims", "-n", "0"]):
            assert self.run(*args).count("\n├") == total - 1
        assert self.run("claims", "-n", "7").count("\n├") == 6

    def test_zero_in_json_and_search(self):
        every = json.loads(self.run("claims", "--json"))
        assert json.loads(self.run("claims", "-n", "0", "--json")) == every
        assert len(json.loads(self.run("search", "cost", "--json"))) == 20
        assert len(json.loads(self.run("search", "cost", "-n", "0", "--json"))) > 20


class TestPager:
    """A table taller than the terminal goes through a pager; nothing else does."""

    @pytest.fixture
    def tty(self):
        import fcntl
        import pty
        import struct
        import termios

        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 10, 80, 0, 0))  # 10 lines
        stream = open(slave, "w", encoding="utf-8")  # noqa: SIM115 - closed below
        yield stream
        stream.close()
        os.close(master)

    @pytest.fixture
    def pager(self, tmp_path):
        """A pager that saves what it is given (and the $LESS it ran with)."""
        out = tmp_path / "paged.txt"
        script = tmp_path / "pager.py"
        script.write_text(
            "import os, sys\n"
            f"open({str(out)!r}, 'w', encoding='utf-8').write(os.environ.get('LESS', '') + '|' + sys.stdin.read())\n",
            encoding="utf-8",
        )
        return f"{sys.executable} {script}", out

    TALL = "".join(f"line {i}\n" for i in range(30))

    def test_a_tall_table_on_a_terminal_is_paged(self, tty, pager):
        command, out = pager
        show(self.TALL, tty, {"PAGER": command})
        assert out.read_text(encoding="utf-8") == "FRX|" + self.TALL

    def test_aitrends_pager_wins_and_less_is_kept(self, tty, pager):
        command, out = pager
        show(self.TALL, tty, {"AITRENDS_PAGER": command, "PAGER": "false", "LESS": "R"})
        assert out.read_text(encoding="utf-8") == "R|" + self.TALL

    def test_less_without_r_gets_it(self, tty, pager):
        command, out = pager
        show(self.TALL, tty, {"PAGER": command, "LESS": "-S"})
        assert out.read_text(encoding="utf-8") == "-SR|" + self.TALL

    def test_no_pager_on_a_dumb_terminal(self, tty, pager):
        command, out = pager
        with open(os.devnull, "w", encoding="utf-8") as sink:
            tty_write = tty.write
            tty.write = sink.write
            try:
                show(self.TALL, tty, {"PAGER": command, "TERM": "dumb"})
            finally:
                tty.write = tty_write
        assert not out.exists()

    @pytest.mark.parametrize(
        "env", [{"PAGER": "cat"}, {"AITRENDS_PAGER": "", "PAGER": "less"}, {"PAGER": "no-such-pager-here"}]
    )
    def test_paging_off_or_impossible_writes_directly(self, env, tty, tmp_path):
        out = tmp_path / "direct.txt"
        with open(out, "w", encoding="utf-8") as plain:
            tty_write = tty.write
            tty.write = plain.write  # what the terminal would receive
            try:
                show(self.TALL, tty, env)
            finally:
                tty.write = tty_write
        assert out.read_text(encoding="utf-8") == self.TALL

    def test_a_pager_that_cannot_start_writes_directly(self, tty, tmp_path):
        from aitrends.tables import _page

        assert _page(self.TALL, [str(tmp_path / "missing")], tty, {}) is False

    def test_short_text_or_a_pipe_is_not_paged(self, tty, pager):
        command, out = pager
        show("short\n", tty, {"PAGER": command})
        show(self.TALL, io.StringIO(), {"PAGER": command})
        assert not out.exists()
