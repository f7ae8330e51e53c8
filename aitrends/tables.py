"""Text tables for the terminal: boxes, word wrapping and East Asian widths.

Every table the command line draws comes from :func:`draw`, and so does every table of the
fast path (:mod:`aitrends.fastpath`), which imports this module instead of rich: it needs only
the standard library and draws a few hundred rows in a few milliseconds, where rich took
tens of milliseconds for a hundred rows and seconds for thousands.

Cells are plain text, already made safe to print (:func:`safe_text`): a
newline starts a new paragraph in a cell; every other character is drawn as it is, two
columns wide if it is East Asian Wide or Fullwidth, and zero if it is a combining mark. The
characters :data:`MARK_ON` and :data:`MARK_OFF` (control characters, which safe text never
holds) mark highlighted text, drawn reversed on a terminal.
"""

from __future__ import annotations

import os
import re
import unicodedata

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Any, TextIO

MARK_ON = "\x01"
"""Starts highlighted text in a cell."""
MARK_OFF = "\x02"
"""Ends highlighted text in a cell."""
DEFAULT_WIDTH = 80
"""The width of a table written anywhere but a terminal, unless ``$COLUMNS`` says otherwise."""

# top, header separator, row separator and bottom rules: (left, fill, between, right)
_UNICODE = {
    "top_head": "┏━┳┓",
    "head": "┃┃┃",
    "head_rule": "┡━╇┩",
    "top": "┌─┬┐",
    "row": "│││",
    "rule": "├─┼┤",
    "bottom": "└─┴┘",
}
_ASCII = {
    "top_head": "+-++",
    "head": "|||",
    "head_rule": "+=++",
    "top": "+-++",
    "row": "|||",
    "rule": "+-++",
    "bottom": "+-++",
}
_BOLD, _ITALIC, _REVERSE, _RESET = "\x1b[1m", "\x1b[3m", "\x1b[7m", "\x1b[0m"

_NO_LINE_START = frozenset("。，、；：？！）》」』】〉…,.;:?!)]}%")
"""Characters a line of East Asian text does not start with."""

_widths: dict[str, int] = {MARK_ON: 0, MARK_OFF: 0}


# Unicode categories that a terminal does not show as text: controls (C0, DEL, C1: escape
# sequences start with ESC or CSI), format characters (bidi overrides and isolates,
# zero-width characters, invisible tag characters), line and paragraph separators, and
# surrogates (which cannot even be encoded).
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


def _escape(ch: str) -> str:
    cp = ord(ch)
    if cp < 0x100:
        return f"\\x{cp:02x}"
    return f"\\u{cp:04x}" if cp < 0x10000 else f"\\U{cp:08x}"


MESSAGE_WIDTH = 2000
"""Longest message printed on stderr (a value pasted into an argument cannot flood it)."""


def one_line(message: str) -> str:
    """``message`` for stderr: one line, control characters made visible, cut to
    :data:`MESSAGE_WIDTH` characters with a count of the rest."""
    text = safe_text(message)
    if len(text) > MESSAGE_WIDTH:
        text = f"{text[:MESSAGE_WIDTH]}… ({len(text) - MESSAGE_WIDTH:,} more characters)"
    return text


def safe_text(value: object) -> str:
    """A value as one printable line: newlines and tabs become spaces, and every character a
    terminal would not show as text (escape sequences, bidi overrides, zero-width and other
    invisible characters) is shown as an escape such as ``\\x1b`` or ``\\u202e``."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = ", ".join(safe_text(v) for v in value)
    text = str(value).replace("\r\n", " ").replace("\n", " ").replace("\t", " ")
    if text.isprintable():  # the common case (unprintable also covers Zs, Co and Cn, kept below)
        return text
    return "".join(
        _escape(c) if unicodedata.category(c) in _UNSAFE_CATEGORIES and not _joins_emoji(text, i) else c
        for i, c in enumerate(text)
    )


def _joins_emoji(text: str, i: int) -> bool:
    """Whether ``text[i]`` is a zero-width joiner between two pictographs (👨‍👩‍👧), which a
    terminal draws as one emoji: kept, where any other invisible character is escaped."""
    if text[i] != "\u200d" or i == 0 or i + 1 >= len(text):
        return False
    before = text[i - 1]
    if before == "\ufe0f" or "\U0001f3fb" <= before <= "\U0001f3ff":
        before = text[i - 2] if i >= 2 else ""
    return all(c and (0x2600 <= ord(c) <= 0x27BF or ord(c) >= 0x1F000) for c in (before, text[i + 1]))


_PLURALS = {"person": "people", "summary": "summaries", "is": "are", "entry": "entries"}


def counted(n: int, word: str) -> str:
    """``n`` and ``word`` in agreement: "1 claim", "2 claims", "1 person", "0 people"."""
    if n == 1:
        return f"{n:,} {word}"
    return f"{n:,} {_PLURALS.get(word, word + 's')}"


_ZWJ, _VS16 = "\u200d", "\ufe0f"
_SEQUENCES = re.compile("[\u200d\ufe0f\U0001f3fb-\U0001f3ff]")
"""Characters whose width depends on their neighbours: the zero-width joiner, the emoji
variation selector (VS16) and the skin-tone modifiers."""


def char_width(ch: str) -> int:
    """Columns a character takes on a terminal by itself: 2 for East Asian Wide and Fullwidth,
    0 for combining marks (categories Mn and Me, such as Thai vowel signs and VS16), format
    characters, Hangul medial vowels and final consonants, and the highlight marks; else 1."""
    w = _widths.get(ch)
    if w is None:
        cp = ord(ch)
        if (
            unicodedata.combining(ch)
            or unicodedata.category(ch) in ("Mn", "Me", "Cf")
            or 0x1160 <= cp <= 0x11FF
            or 0xD7B0 <= cp <= 0xD7FF
        ):
            w = 0
        else:
            w = 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
        _widths[ch] = w
    return w


def _emoji(ch: str) -> bool:
    """A wide pictograph that a skin-tone modifier attaches to."""
    return char_width(ch) == 2 and (0x2600 <= ord(ch) <= 0x27BF or ord(ch) >= 0x1F000)


def _wide_with_vs16(ch: str) -> bool:
    """A narrow character that VS16 draws as a two-column emoji (1️⃣, ❤️, ©️, ‼️)."""
    if ch in "0123456789#*\u203c\u2049":
        return True
    return not ch.isascii() and char_width(ch) == 1 and unicodedata.category(ch) in ("So", "Sm")


def _sequence_width(text: str) -> int:
    """:func:`text_width` of text with emoji sequences: a ZWJ joins the next character into
    the one before it, VS16 widens a narrow emoji base, a skin tone adds nothing to an emoji."""
    total, i, n = 0, 0, len(text)
    last: str | None = None  # the last character that took columns
    while i < n:
        ch = text[i]
        if ch == _ZWJ:
            i += 2  # the joined character is drawn within the cluster before it
            continue
        if ch == _VS16:
            if last is not None and _wide_with_vs16(last):
                total += 1
            last = None
        elif "\U0001f3fb" <= ch <= "\U0001f3ff" and last is not None and _emoji(last):
            pass
        else:
            w = char_width(ch)
            total += w
            if w:
                last = ch
        i += 1
    return total


def text_width(text: str) -> int:
    """Columns a line of text takes on a terminal: East Asian wide characters take two,
    combining marks none, and an emoji sequence (skin tone, ZWJ, VS16) its drawn width."""
    if text.isascii() and MARK_ON not in text:
        return len(text)
    if _SEQUENCES.search(text):
        return _sequence_width(text)
    get = _widths.get
    total = 0
    for ch in text:
        w = get(ch)
        total += char_width(ch) if w is None else w
    return total


def _clusters(word: str, *, by_char: bool = False) -> list[str]:
    """What East Asian text is broken between (:data:`_UNITS`; each character with
    ``by_char``), with combining marks, joined characters, VS16 and skin tones kept on the
    character they belong to."""
    out: list[str] = []
    joined = False
    for unit in word if by_char else _UNITS.findall(word):
        first = unit[0]
        if out and (
            joined
            or (char_width(first) == 0 and first not in (MARK_ON, MARK_OFF))
            or ("\U0001f3fb" <= first <= "\U0001f3ff" and _emoji(out[-1][-1]))
        ):
            out[-1] += unit
        else:
            out.append(unit)
        joined = unit[-1] == _ZWJ
    return out


def wrap(text: str, width: int) -> list[tuple[str, int]]:
    """Lines of at most ``width`` columns, with their widths: words are kept whole where they
    fit on a line; a word longer than a line, or one holding East Asian characters, is broken
    between characters (so Chinese text fills its lines)."""
    width = max(width, 1)
    out: list[tuple[str, int]] = []
    for paragraph in text.split("\n"):
        if paragraph.isascii() and MARK_ON not in paragraph:
            if len(paragraph) <= width:
                paragraph = paragraph.strip()
                out.append((paragraph, len(paragraph)))
            else:
                _wrap_ascii(paragraph, width, out)
            continue
        cur, used = "", 0
        for word in paragraph.split():
            w = text_width(word)
            if cur and used + 1 + w <= width:
                cur, used = f"{cur} {word}", used + 1 + w
                continue
            if not cur and w <= width:
                cur, used = word, w
                continue
            if cur and (w <= width and w == len(word) or width - used - 1 < 2):
                # a word without wide characters that fits on a line of its own, or no room
                out.append((cur, used))
                if w <= width:
                    cur, used = word, w
                    continue
                cur, used = "", 0
            if word.isascii():
                if cur:
                    out.append((cur, used))
                cur, used = _fold_ascii(word, width, out)
                continue
            if cur:
                cur, used = cur + " ", used + 1
            # East Asian text breaks between characters, but not inside a run of ASCII
            # ("10%", "GPT-4") unless the run is longer than the line
            for unit in _clusters(word):
                uw = len(unit) if unit.isascii() else text_width(unit)
                if used + uw > width and used:
                    carry = ""
                    last = _clusters(cur)[-1] if unit[0] in _NO_LINE_START and cur else ""
                    if (
                        last
                        and len(cur) > len(last)
                        and " " not in cur[-len(last) - 1 :]
                        and not last.isascii()  # not the end of a run such as "10%"
                        and text_width(last) + uw <= width
                    ):
                        carry, cur = last, cur[: -len(last)]  # closing punctuation keeps a character
                        used -= text_width(carry)
                    kept = cur.rstrip(" ")
                    out.append((kept, used - (len(cur) - len(kept))))
                    cur, used = carry, text_width(carry)
                if uw <= width or len(unit) == 1:
                    cur += unit
                    used += uw
                    continue
                for piece in _clusters(unit, by_char=True):  # an ASCII run longer than a line
                    pw = text_width(piece)
                    if used + pw > width and used:
                        out.append((cur, used))
                        cur, used = "", 0
                    cur += piece
                    used += pw
        out.append((cur, used))
    return out


_UNITS = re.compile(r"[!-~]+|.", re.DOTALL)
"""What East Asian text is broken between: a run of printable ASCII, or one character."""


_lines: dict[int, re.Pattern[str]] = {}


def _line(width: int) -> re.Pattern[str]:
    """The longest run of whole words, joined by single spaces, that fits ``width``."""
    line = _lines.get(width)
    if line is None:
        line = _lines[width] = re.compile(f"(.{{1,{width}}})(?: |$)")
    return line


def _wrap_ascii(paragraph: str, width: int, out: list[tuple[str, int]]) -> None:
    """:func:`wrap` of a paragraph of ASCII text longer than ``width``, onto ``out``."""
    words = paragraph.split()
    if not words:
        out.append(("", 0))
        return
    if max(map(len, words)) <= width:
        # every word fits a line: the longest run of whole words that fits, line after line
        out.extend((t, len(t)) for t in _line(width).findall(" ".join(words)))
        return
    cur, used = "", 0
    for word in words:
        w = len(word)
        if used and used + 1 + w <= width:
            cur += " " + word
            used += 1 + w
        elif w <= width:
            if used:
                out.append((cur, used))
            cur, used = word, w
        else:
            if used:
                out.append((cur, used))
            cur, used = _fold_ascii(word, width, out)
    out.append((cur, used))


def _fold_ascii(word: str, width: int, out: list[tuple[str, int]]) -> tuple[str, int]:
    """Lines of an ASCII word longer than ``width`` onto ``out``, broken after the last hyphen
    that fits (so ids break between their parts); the rest of the word and its width."""
    while len(word) > width:
        cut = word.rfind("-", 0, width) + 1
        cut = cut if cut > 0 else width
        out.append((word[:cut], cut))
        word = word[cut:]
    return word, len(word)


MAX_CELL_CHARS = 10_000
"""Longest text drawn in one cell; the rest is left out and counted ("… (4,490,000 more
characters)"), so that a huge value cannot make drawing a table take seconds."""


def clip(text: str, limit: int = MAX_CELL_CHARS) -> str:
    """``text`` cut to ``limit`` characters, saying how many were left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit:,} more characters)"


SHORT_TOKEN = 10
"""Widest token (a date, a number, a kind) kept whole however narrow the terminal."""
_IDS = re.compile(r"(?<!\S)[a-z0-9]+(?:-[a-z0-9]+){2,}[,;]?(?!\S)")
"""Words that are ids (three or more parts: fact, source and topic ids), perhaps listed."""
PROSE_WORD = 6
"""Longest word of prose that a narrow table still keeps whole (longer ones may break)."""
_LONG_WORD = re.compile(f"[!-~]{{{PROSE_WORD}}}")
"""A run of ASCII as long as :data:`PROSE_WORD`."""
MIN_WIDTH = 12
"""Narrowest a wrapping column is made while others are wider (unless its text is narrower)."""


def layout(
    natural: Sequence[int],
    ratios: Sequence[int | None],
    no_wrap: Sequence[bool],
    available: int,
    minimum: Sequence[int] | None = None,
    whole: Sequence[int] | None = None,
) -> list[int]:
    """Column widths that fit ``available`` columns: each column as wide as its widest cell
    if all fit; else columns that do not wrap keep their width (if they can), and the others
    share what is left in proportion to their ratios, none narrower than its ``minimum``
    (:data:`MIN_WIDTH` by default) and a column narrower than its share giving the rest to
    the others. Columns without a ratio are kept as wide as their widest cell while the
    columns with one can still have their minimum. ``whole`` is the narrowest each column
    can be without breaking a word (a wrapping column is never made narrower)."""
    if sum(natural) <= available:
        return list(natural)
    n = len(natural)
    widths = list(natural)
    pool = [i for i in range(n) if not no_wrap[i]]
    rest = available - sum(natural[i] for i in range(n) if no_wrap[i])
    if not pool or rest < len(pool):
        pool, rest = list(range(n)), available  # even the fixed columns must give way
    floor = max(1, rest // len(pool))
    low = [min(natural[i], minimum[i] if minimum else MIN_WIDTH, floor) for i in range(n)]
    if whole is not None:
        low = [max(low[i], min(whole[i], natural[i])) for i in range(n)]
    short = [i for i in pool if ratios[i] is None]
    shared = [i for i in pool if ratios[i] is not None]
    if short and shared and rest - sum(natural[i] for i in short) >= sum(low[i] for i in shared):
        rest -= sum(natural[i] for i in short)  # columns without a ratio keep their width if they can
        pool = shared
    while pool:
        total = sum(ratios[i] or 1 for i in pool)
        share = {i: rest * (ratios[i] or 1) / total for i in pool}
        settled = {i: low[i] for i in pool if share[i] < low[i]}
        if not settled:
            settled = {i: natural[i] for i in pool if natural[i] <= share[i]}
        if not settled:
            break
        for i, w in settled.items():
            widths[i] = w
            rest -= w
        pool = [i for i in pool if i not in settled]
    if pool:
        total = sum(ratios[i] or 1 for i in pool)
        given = 0
        for i in pool:
            widths[i] = max(1, int(rest * (ratios[i] or 1) // total))
            given += widths[i]
        for i in pool[: max(0, rest - given)]:
            widths[i] += 1
    return widths


def draw(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    ratios: Sequence[int | None] | None = None,
    no_wrap: Sequence[bool] | None = None,
    title: str | None = None,
    width: int = DEFAULT_WIDTH,
    show_header: bool = True,
    show_lines: bool = True,
    bold_first: bool = False,
    styled: bool = False,
    unicode: bool = True,
    group: int = 1,
) -> str:
    """A boxed table as text, each line ending in a newline.

    ``styled`` adds terminal styles (a bold header, an italic title, reversed highlights);
    ``unicode=False`` draws the box with ASCII characters; ``group`` rows go between two rules
    (with ``show_lines``). A table that cannot keep its short tokens and header words whole
    in ``width`` is drawn stacked: each row as a card of header and value. The title is made
    safe here (:func:`safe_text`); cells must already be. A cell longer than
    :data:`MAX_CELL_CHARS` is cut (:func:`clip`), as is the title.
    """
    n = len(headers)
    if title:
        title = clip(safe_text(title))
    if any(len(c) > MAX_CELL_CHARS for row in rows for c in row):
        rows = [[clip(c) for c in row] for row in rows]
    ratios = ratios or [None] * n
    no_wrap = no_wrap or [False] * n
    box = _UNICODE if unicode else _ASCII
    natural = [text_width(h) if show_header else 1 for h in headers]
    for i in range(n):
        column = [row[i] for row in rows]
        every = "".join(column)
        if every.isascii() and "\n" not in every and MARK_ON not in every:
            widest = max(map(len, column), default=0)
        else:
            widest = max((text_width(p) for c in column for p in c.split("\n")), default=0)
        natural[i] = max(natural[i], widest, 1)
    minimum = [max(MIN_WIDTH, text_width(h)) if show_header else MIN_WIDTH for h in headers]
    available = max(width - 3 * n - 1, n)
    widths = None
    if sum(natural) > available:
        # Ids, dates, numbers (a column without spaces) and header words stay whole while the
        # table can fit: such columns keep their width, and prose columns give way.
        whole = _whole_widths(headers if show_header else [""] * n, rows, natural, no_wrap)
        if sum(whole) > available and show_header and n > 2 and rows:
            # too many columns for the terminal: one card per row, so that ids stay whole
            return draw(
                ["", ""],
                [[h, row[i]] for row in rows for i, h in enumerate(headers)],
                ratios=[None, 1],
                no_wrap=[True, False],
                title=title,
                width=width,
                show_header=False,
                show_lines=show_lines,
                bold_first=True,
                styled=styled,
                unicode=unicode,
                group=n,
            )
        if sum(whole) > available:
            # a card too narrow for that: still keep short tokens (dates, numbers, kinds) and
            # header words whole; long ids break after a hyphen
            heads = [
                max((text_width(w) for w in h.split()), default=1) if show_header else 1 for h in headers
            ]
            whole = [
                w if w <= SHORT_TOKEN and (no_wrap[i] or w == natural[i]) else heads[i]
                for i, w in enumerate(whole)
            ]
        if sum(whole) <= available:
            token = [(no_wrap[i] or whole[i] == natural[i]) and whole[i] >= natural[i] for i in range(n)]
            widths = layout(natural, ratios, token, available, minimum, whole)

    if widths is None:
        widths = layout(natural, ratios, no_wrap, available, minimum)
    # a wide character needs two columns, even on a terminal too narrow for the table
    widths = [max(w, 2) if nw >= 2 else w for w, nw in zip(widths, natural, strict=True)]

    def rule(chars: str) -> str:
        left, fill, between, right = tuple(chars)
        return left + between.join(fill * (w + 2) for w in widths) + right + "\n"

    def cells(column: Sequence[str], w: int, on: str | None) -> list[list[str]]:
        """Each cell of a column as its lines, padded to ``w`` columns (styled with ``on``)."""
        out = []
        line = _line(w)
        for cell in column:
            plain = cell.isascii() and "\n" not in cell and MARK_ON not in cell
            if plain and not on:  # the common cases, as wrap() has them, padded with ljust
                if len(cell) <= w:
                    out.append([cell.strip().ljust(w)])
                    continue
                words = cell.split()
                if words and max(map(len, words)) <= w:
                    out.append([t.ljust(w) for t in line.findall(" ".join(words))])
                    continue
            if plain and len(cell) <= w:
                lines = [(cell.strip(), len(cell.strip()))]
            else:
                lines = _marked(wrap(cell, w), styled) if MARK_ON in cell else wrap(cell, w)
            if on:
                out.append([f"{on}{t}{_RESET}{' ' * (w - tw)}" if t else " " * w for t, tw in lines])
            else:  # padded to w columns: a wide character takes two but counts one in len
                out.append([t.ljust(w - tw + len(t)) for t, tw in lines])
        return out

    def body(rows: Sequence[Sequence[str]], edge: str, style: str | None, lines: bool) -> list[str]:
        left, between, right = tuple(edge)
        start, sep, end = f"{left} ", f" {between} ", f" {right}\n"
        columns = [
            cells(
                [row[i] for row in rows],
                w,
                (style or (_BOLD if bold_first and i == 0 else None)) if styled else None,
            )
            for i, w in enumerate(widths)
        ]
        blank = [" " * w for w in widths]
        separator = rule(box["rule"])
        out = []
        for k, parts in enumerate(zip(*columns, strict=True)):
            if k and lines and k % group == 0:
                out.append(separator)
            height = max(map(len, parts))
            if height == 1:
                out.append(start + sep.join([p[0] for p in parts]) + end)
                continue
            padded = [
                p if len(p) == height else p + [b] * (height - len(p))
                for p, b in zip(parts, blank, strict=True)
            ]
            out += [start + sep.join(line) + end for line in zip(*padded, strict=True)]
        return out

    total_width = sum(widths) + 3 * n + 1
    out = []
    if title:
        for line, tw in wrap(title, total_width):
            line = " " * ((total_width - tw) // 2) + (f"{_ITALIC}{line}{_RESET}" if styled else line)
            out.append(line + "\n")
    if show_header:
        out.append(rule(box["top_head"]))
        out += body([headers], box["head"], _BOLD, False)
        out.append(rule(box["head_rule"] if rows else box["bottom"]))
    else:
        out.append(rule(box["top"]))
    if rows:
        out += body(rows, box["row"], None, show_lines)
        out.append(rule(box["bottom"]))
    return "".join(out)


def _whole_widths(
    headers: Sequence[str], rows: Sequence[Sequence[str]], natural: Sequence[int], no_wrap: Sequence[bool]
) -> list[int]:
    """The narrowest each column can be without breaking a word: a column whose cells are ASCII
    without spaces (ids, dates, numbers) or that does not wrap, its widest cell; any other column its
    longest header word, or its longest word up to :data:`PROSE_WORD` (longer words may break)."""
    out = []
    for i, header in enumerate(headers):
        head = max((text_width(w) for w in header.split()), default=1)
        cells = [row[i] for row in rows]
        if no_wrap[i] or not any(" " in c.strip() or not c.isascii() for c in cells):
            out.append(natural[i])
            continue
        # a word of Chinese breaks between characters; an English word may break if it must;
        # an id in a list of them ("a-b-c, d-e") never
        text = "\n".join(cells)
        ids = max(map(len, _IDS.findall(text)), default=0)
        if _LONG_WORD.search(text):
            longest = PROSE_WORD
        else:
            longest = max((len(w) if w.isascii() else 2 for w in text.split()), default=1)
        out.append(max(head, ids, min(longest, PROSE_WORD)))
    return out


def _marked(lines: list[tuple[str, int]], styled: bool) -> list[tuple[str, int]]:
    """A cell's lines with its highlight marks drawn reversed (``styled``) or removed; a
    highlight broken across lines is closed at the end of each and reopened on the next."""
    out = []
    lit = False
    for text, w in lines:
        if styled:
            drawn = (_REVERSE if lit else "") + text.replace(MARK_ON, _REVERSE).replace(MARK_OFF, _RESET)
            on, off = text.rfind(MARK_ON), text.rfind(MARK_OFF)
            lit = on > off or (on == off and lit)
            out.append((drawn + _RESET if lit else drawn, w))
        else:
            out.append((text.replace(MARK_ON, "").replace(MARK_OFF, ""), w))
    return out


def terminal(stream: TextIO, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """How to draw for ``stream``: its width (``$COLUMNS``, else the terminal's, else
    :data:`DEFAULT_WIDTH`), whether to style it (a terminal, not ``TERM=dumb``, no
    ``$NO_COLOR``) and whether its encoding has the box-drawing characters."""
    env = os.environ if environ is None else environ
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    width = DEFAULT_WIDTH
    columns = env.get("COLUMNS", "")
    if columns.isascii() and columns.isdigit() and int(columns) > 0:
        width = int(columns)
    elif tty:
        try:
            width = os.get_terminal_size(stream.fileno()).columns or DEFAULT_WIDTH
        except (AttributeError, ValueError, OSError):
            pass
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    return {
        "width": width,
        "styled": tty and not env.get("NO_COLOR") and env.get("TERM") != "dumb",
        "unicode": encoding.startswith("utf"),
    }


def show(text: str, stream: TextIO, environ: Mapping[str, str] | None = None) -> None:
    """Write a table to ``stream``, through a pager when ``stream`` is a terminal and the
    table is taller than it (as git does): ``$AITRENDS_PAGER``, else ``$PAGER``, else
    ``less`` (with ``LESS=FRX`` unless ``$LESS`` is set: quit if the text fits, keep colours,
    leave the text on the screen; a ``$LESS`` without ``R`` gets it, so that colours are not
    shown as escape codes). A pager of ``cat`` or an empty ``$AITRENDS_PAGER`` turns paging
    off, and so does ``TERM=dumb``; a pager that cannot start means the text is written as it is."""
    env = os.environ if environ is None else environ
    command = _pager(text, stream, env)
    if command is None or not _page(text, command, stream, env):
        stream.write(text)


def _pager(text: str, stream: TextIO, env: Mapping[str, str]) -> list[str] | None:
    """The pager to run for ``text`` on ``stream``, or None to write it directly."""
    try:
        if not stream.isatty():
            return None
        height = os.get_terminal_size(stream.fileno()).lines
    except (AttributeError, ValueError, OSError):
        return None
    if text.count("\n") < height or env.get("TERM") == "dumb":
        return None  # short enough, or a terminal that cannot run a pager
    choice = env.get("AITRENDS_PAGER", env.get("PAGER", "less"))
    import shlex

    try:
        words = shlex.split(choice)
    except ValueError:
        return None
    return None if not words or words == ["cat"] else words


def _page(text: str, command: list[str], stream: TextIO, env: Mapping[str, str]) -> bool:
    """Run the pager on ``text``; False if it could not be started."""
    import signal
    import subprocess

    stream.flush()
    less = env.get("LESS")
    if less is None:
        less = "FRX"
    elif "R" not in less and "r" not in less:
        less += "R"  # the user's options, and colours drawn rather than shown as escape codes
    pager_env = {**env, "LESS": less}
    try:
        proc = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            env=pager_env,
            encoding=getattr(stream, "encoding", None) or "utf-8",
            errors="replace",
        )
    except OSError:
        return False
    # Ctrl-C belongs to the pager (less uses it to stop a search), not to us
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        assert proc.stdin is not None
        try:
            proc.stdin.write(text)
            proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass  # the pager was quit before it read everything
        proc.wait()
    finally:
        signal.signal(signal.SIGINT, previous)
    return True
