"""Reading an article's text for facts: sentences, numbers, rates, horizons, hedges and cues.

Pure functions over text (no knowledge base): :mod:`aitrends.draft` turns what they find
into candidate facts. Numbers are read by :func:`aitrends.quantity.parse_expression`, and
every rate found here passes :func:`aitrends.quantity.check_rate`, so a draft agrees with
what ``validate`` checks.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from . import models as m
from .models import DRAFT_MARK
from .quantity import check_rate, cn_number, parse_expression

# --------------------------------------------------------------------------- sentences

_CJK_CHAR = r"\u3400-\u9fff\uf900-\ufaff"
_CJK_PUNCT = r"\u3000-\u303f\uff00-\uffef“”‘’·—…"
_CJK = re.compile(f"[{_CJK_CHAR}]")
_SPACE_IN_CJK = re.compile(f"(?<=[{_CJK_CHAR}])[ \\t\\u3000]+(?=[{_CJK_CHAR}])")
_SPACE_NEAR_CJK = re.compile(
    f"(?<=[{_CJK_CHAR}{_CJK_PUNCT}])[ \\t\\u3000]+|[ \\t\\u3000]+(?=[{_CJK_CHAR}{_CJK_PUNCT}])"
)
_CLOSERS = "”’」』)）】\"'"
_ZH_END = re.compile(f"[。！？；!?;]+[{_CLOSERS}]*")
_EN_END = re.compile(
    r"(?<![A-Z])(?<!\bMr)(?<!\bMrs)(?<!\bDr)(?<!\bMs)(?<!\bvs)\.[\"”’')]*(?=\s+[\"“‘(A-Z0-9])"
)
_ABBREV = re.compile(r"\b(?:e\.g|i\.e|U\.S|etc)$")


@dataclass(frozen=True)
class Sentence:
    """A sentence of the article, verbatim (up to whitespace, which ``verify`` ignores)."""

    text: str
    line: int
    """Line of the article it starts on (1-based)."""


def word_segmented(text: str) -> bool:
    """True for Chinese saved with a space between words (``每日 经济 新闻``)."""
    cjk = len(_CJK.findall(text))
    return cjk > 0 and len(_SPACE_IN_CJK.findall(text)) > cjk / 10


def tidy(text: str, *, segmented: bool = False) -> str:
    """A sentence as an excerpt: spaces between Chinese characters dropped (for a
    word-segmented article, every space but those between two Latin letters), ends
    stripped; nothing else changed (``verify`` ignores whitespace)."""
    if segmented:
        text = re.sub(r"(?<![A-Za-z])\s+|\s+(?![A-Za-z])", "", text)
    else:
        text = _SPACE_IN_CJK.sub("", text)
    return re.sub(r"\s+", " ", text).strip()


_SENTENCE_END_AT_EOL = re.compile(f"[。！？!?；;:：.…{_CLOSERS}]\\s*$")
WRAP_WIDTH = 60
"""A line at least this long that ends without punctuation is taken to be hard-wrapped: the
next line continues its sentence."""


def logical_lines(text: str) -> list[tuple[int, str]]:
    """The article's lines with hard-wrapped paragraphs joined, each with the number of the
    line it starts on."""
    out: list[tuple[int, str]] = []
    joining = False
    for number, line in enumerate(text.splitlines(), start=1):
        if joining and line.strip():
            start, before = out[-1]
            out[-1] = (start, before + " " + line)
        else:
            out.append((number, line))
        current = out[-1][1]
        last = current.splitlines()[-1] if current else ""
        joining = (
            bool(line.strip()) and len(line.strip()) >= WRAP_WIDTH and not _SENTENCE_END_AT_EOL.search(last)
        )
    return out


def split_sentences(text: str) -> list[Sentence]:
    """Split an article into sentences: at line breaks, at Chinese 。！？； (with any closing
    quote), and at English sentence ends. Blank pieces are dropped."""
    segmented = word_segmented(text)
    out: list[Sentence] = []
    for number, raw in logical_lines(text):
        line = tidy(raw, segmented=segmented)
        pieces: list[str] = []
        start = 0
        ends = sorted([*_ZH_END.finditer(line), *_EN_END.finditer(line)], key=lambda mt: mt.start())
        for mt in ends:
            if mt.start() < start:
                continue
            if mt.group().startswith(".") and _ABBREV.search(line[start : mt.start()]):
                continue
            pieces.append(line[start : mt.end()])
            start = mt.end()
        pieces.append(line[start:])
        for piece in pieces:
            sentence = tidy(piece, segmented=segmented)
            if sentence:
                out.append(Sentence(sentence, number))
    return out


# --------------------------------------------------------------------------- numbers

_CN_NUM = "零〇一二两兩三四五六七八九十百千万萬亿億"
_AR = r"\d+(?:[.,]\d+)*"
_SCALE = r"(?:\s?[十百千万萬亿億]+|\s?(?:thousand|million|billion|trillion|bn|mn)\b)?"
_UNIT_WORDS = (
    r"美元|美金|人民币|元|%|％|倍|个月|個月|年|天|周|张|張|颗|顆|家|名|位|个|個|次|款|种|種|项|項|篇|大|"
    r"参数|參數|PF-days|GPUs?|dollars?|percent|times|fold|people|parameters|years?|months?|"
    r"companies|engineers|users"
)
_PRE = (
    r"(?:超过了?|超過了?|逾|至少|约为|約為|大约|大約|约|約|近|接近|不到|不足|突破|高达|高達|达到|達到|"
    r"远远低于|遠遠低于|遠遠低於|低于|低於|相差|"
    r"more than|over|about|around|nearly|almost|at least|less than|fewer than|up to|no more than|at most|"
    r"below|under|roughly|approximately)\s?"
)
_POST = r"(?:\s?(?:左右|以上|多|余|餘))?"
_CN_COUNT = rf"[数數上]?[{_CN_NUM}]*[二两兩三四五六七八九十百千万萬亿億][{_CN_NUM}]*|一[十百千万萬亿億][{_CN_NUM}]*|[{_CN_NUM}]*半"
_RANGE_SEP = r"\s?(?:-|–|~|至|到|或|、)\s?"
_EXPR = re.compile(
    rf"(?P<pre>{_PRE})?"
    rf"(?P<num>(?:\$\s?)?(?:{_AR}{_SCALE}(?:\s?%)?(?:{_RANGE_SEP}{_AR}{_SCALE}(?:\s?%)?)*|(?:{_CN_COUNT})(?:{_RANGE_SEP}(?:{_CN_COUNT}))?))"
    rf"(?P<unit>\s?(?:{_UNIT_WORDS}))?"
    rf"(?P<post>{_POST})",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?<![\d.])(19\d\d|20\d\d)(?!\d)(?!\s?(?:%|倍|亿|億|万|萬|美元|个|個))")
_NUMBER_WORDS = re.compile(
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|"
    r"hundreds?|thousands?|millions?|billions?|trillions?|dozens?|half|double[sd]?|tenfold|"
    r"hundredfold)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Expression:
    """A number as the sentence words it, with where it stands."""

    stated: str
    start: int
    end: int
    unit_word: str


def _is_year(mt: re.Match[str]) -> bool:
    num = mt.group("num").strip()
    unit = (mt.group("unit") or "").strip()
    return bool(re.fullmatch(r"(19|20)\d\d", num)) and unit in ("", "年") and not mt.group("pre")


_DATE_TIME = re.compile(
    r"\d{4}\s?[-/.]\s?\d{1,2}\s?[-/.]\s?\d{1,2}|\d{1,2}\s?:\s?\d{2}(?:\s?:\s?\d{2})?|\d{1,2}\s?月\s?\d{1,2}\s?[日号號]"
)


def _masked(sentence: str) -> str:
    """The sentence with dates and clock times blanked out (same length), so that their
    digits are not read as amounts."""
    return _DATE_TIME.sub(lambda mt: "\0" * len(mt.group()), sentence)


def number_expressions(sentence: str) -> list[Expression]:
    """The numbers of a sentence (amounts, percentages, multiples, counts, durations), with
    their hedge and unit words; years, dates and clock times are left out (see :func:`years`)."""
    out: list[Expression] = []
    masked = _masked(sentence)
    for mt in _EXPR.finditer(masked):
        num = mt.group("num")
        if not re.search(r"\d", num):
            unit = (mt.group("unit") or "").strip()
            # Chinese numerals count only with a unit ('三年', '十倍'), never in words like 一些.
            big = re.search("[万萬亿億]", num) is not None
            if not big and (
                not unit
                or num.strip("数數上") in ("", "一")
                or unit in ("个", "個", "种", "種", "位", "名", "次")
            ):
                if not (unit in ("个", "個", "名", "位", "种", "種") and num not in ("一", "两", "兩")):
                    continue
        if _is_year(mt):
            continue
        if re.fullmatch(r"\d", num) and not mt.group("unit") and not mt.group("pre"):
            continue  # a footnote mark or a list number
        if re.match(r"\s?[月日号號]", sentence[mt.end() :]) and not mt.group("unit"):
            continue  # a date: 12月5日
        if mt.start() > 0 and re.match(r"[A-Za-z\-]", sentence[mt.start() - 1]) and not mt.group("pre"):
            continue  # part of a name: H100, GPT-4
        stated = mt.group().strip()
        start = mt.start() + (len(mt.group()) - len(mt.group().lstrip()))
        out.append(Expression(stated, start, start + len(stated), (mt.group("unit") or "").strip()))
    return out


def years(sentence: str) -> list[int]:
    """The years a sentence names (2017, 2024年...)."""
    return [int(y) for y in _YEAR.findall(sentence)]


def has_number(sentence: str) -> bool:
    """True when the sentence holds a number, amount, year, multiple or number word."""
    return bool(number_expressions(sentence) or years(sentence) or _NUMBER_WORDS.search(sentence))


_UNITS: list[tuple[str, re.Pattern[str]]] = [
    ("percent", re.compile(r"%|％|percent|百分之", re.I)),
    ("times", re.compile(r"倍|times|fold", re.I)),
    ("months", re.compile(r"个月|個月|months?", re.I)),
    ("years", re.compile(r"^年$|years?", re.I)),
    ("parameters", re.compile(r"参数|參數|parameters?", re.I)),
    ("GPUs", re.compile(r"GPUs?|张|張|颗|顆", re.I)),
    ("PF-days", re.compile(r"PF-days", re.I)),
]


def quantity_of(expr: Expression, sentence: str) -> m.Quantity | None:
    """A quantity for a number expression, from :func:`aitrends.quantity.parse_expression`:
    value in base units, unit (currency, percent, times, months, years, parameters, GPUs,
    else count), bound from the hedge words; None when it reads as no number."""
    p = parse_expression(expr.stated)
    if not p.values:
        return None
    if re.fullmatch(r"[^\d半]*半年", expr.stated):  # half a year is six months
        return m.Quantity(value=6, unit="months", bound=p.bound or m.Bound.exact, stated=expr.stated)
    unit = p.currency
    if unit is None:
        for name, pattern in _UNITS:
            if pattern.search(expr.unit_word) or (name == "percent" and p.percent):
                unit = name
                break
    if unit is None:
        after = sentence[expr.end : expr.end + 4]
        before = sentence[max(0, expr.start - 6) : expr.start]
        unit = "parameters" if re.search(r"参数|參數|parameters?", before + after, re.I) else "count"
    bound = p.bound or m.Bound.exact
    values = [float(f"{v:.12g}") for v in p.values]  # 1180.6亿 is 118060000000, not ...99998
    try:
        if len(values) >= 2 and re.search(_RANGE_SEP, expr.stated):
            return m.Quantity(
                low=min(values), high=max(values), unit=unit, bound=m.Bound.range, stated=expr.stated
            )
        return m.Quantity(value=values[0], unit=unit, bound=bound, stated=expr.stated)
    except ValueError:
        return None


# --------------------------------------------------------------------------- rates

_FACTOR = (
    r"(?P<double>翻一番|翻番|翻倍|doubl\w*)|(?P<halve>下降一半|降低一半|减少一半|減少一半|一半|减半|減半|halv\w*)"
    r"|(?P<times>(?:\d+(?:\.\d+)?|[一二两三四五六七八九十百千]+)\s*(?:倍|x|×|times|-fold|fold))"
    r"|(?P<tenfold>tenfold)"
)
_PERIOD = r"每\s*(?:\d+(?:\.\d+)?|[一二两三四五六七八九十]+)?(?:\s*[-–至到]\s*\d+(?:\.\d+)?)?\s*(?:个月|個月|年|天|周)|every\s*(?:\d+(?:\.\d+)?\s*(?:[-–]\s*\d+\s*)?)?(?:months?|years?|days?|weeks?)|(?:a|per) year|annually"
_RATE_PATTERNS = [
    re.compile(rf"(?P<period>{_PERIOD})(?P<mid>[^。；;,，]{{0,24}}?)(?P<factor>{_FACTOR})", re.I),
    re.compile(rf"(?P<factor>{_FACTOR})(?P<mid>[^。；;,，]{{0,12}}?)(?P<period>{_PERIOD})", re.I),
]
_CAGR = re.compile(r"(?:复合)?年(?:均|平均)?(?:复合)?增长率?(?:为|达到?|是)?\s*(?P<pct>\d+(?:\.\d+)?)\s*%")
_DECLINE = re.compile(r"下降|降低|减少|減少|下跌|降|跌|减|減|cheaper|declin|fall|drop|cut|halv|一半", re.I)
_RATE_PRE = re.compile(r"(?:大约|大約|约|約|可能|about|roughly|approximately)\s?$", re.I)
_RATE_POST = re.compile(r"^(?:或甚至更多|甚至更多|或更多|or (?:even )?more)")


def rates(sentence: str) -> list[tuple[m.Rate, int, int]]:
    """The rates of change a sentence states ('每18个月就下降一半', '每年十倍的下降',
    'doubles every 3-4 months', '复合年均增长率为27.02%'), with their spans."""
    out: list[tuple[m.Rate, int, int]] = []
    taken: list[tuple[int, int]] = []
    for pattern in _RATE_PATTERNS:
        for mt in pattern.finditer(sentence):
            start, end = mt.start(), mt.end()
            if any(s < end and start < e for s, e in taken):
                continue
            rate = _rate_from(sentence, start, end, mt)
            if rate is not None:
                out.append((rate, start, end))
                taken.append((start, end))
    for mt in _CAGR.finditer(sentence):
        if any(s < mt.end() and mt.start() < e for s, e in taken):
            continue
        factor = 1 + float(mt.group("pct")) / 100
        stated = mt.group()
        rate = _checked(m.Direction.growth, factor, None, 1, None, "year", m.Bound.exact, stated)
        if rate is not None:
            out.append((rate, mt.start(), mt.end()))
    return sorted(out, key=lambda r: r[1])


def _rate_from(sentence: str, start: int, end: int, mt: re.Match[str]) -> m.Rate | None:
    bound = m.Bound.exact
    pre = _RATE_PRE.search(sentence[:start])
    if pre:
        start = pre.start()
        word = pre.group().strip()
        bound = m.Bound.approx if word not in ("可能",) else m.Bound.exact
    post = _RATE_POST.match(sentence[end:])
    if post:
        end += post.end()
        bound = m.Bound.at_least
    stated = sentence[start:end]
    period_text = mt.group("period")
    pm = re.search(
        r"(\d+(?:\.\d+)?|[一二两三四五六七八九十]+)?(?:\s*[-–至到]\s*(\d+(?:\.\d+)?))?\s*(个月|個月|months?|年|years?|天|days?|周|weeks?|year|annually)",
        period_text,
        re.I,
    )
    if pm is None:
        return None
    unit = {"个": "month", "個": "month", "m": "month", "年": "year", "y": "year", "a": "year"}
    unit.update({"天": "day", "d": "day", "周": "week", "w": "week"})
    period_unit = unit[pm.group(3)[0].lower()]
    period = _number(pm.group(1)) if pm.group(1) else 1.0
    period_high = float(pm.group(2)) if pm.group(2) else None
    if mt.group("double") or mt.group("halve"):
        factor = 2.0
    elif mt.group("tenfold"):
        factor = 10.0
    else:
        fm = re.match(r"(\d+(?:\.\d+)?|[一二两三四五六七八九十百千]+)", mt.group("times"))
        assert fm is not None
        factor = _number(fm.group(1))
    if mt.group("halve"):
        direction = m.Direction.decline
    elif mt.group("double"):
        direction = m.Direction.growth
    else:
        window = sentence[max(0, start - 12) : min(len(sentence), end + 6)]
        direction = m.Direction.decline if _DECLINE.search(window) else m.Direction.growth
    return _checked(direction, factor, None, period, period_high, period_unit, bound, stated)


def _checked(
    direction: m.Direction,
    factor: float,
    factor_high: float | None,
    period: float,
    period_high: float | None,
    period_unit: str,
    bound: m.Bound,
    stated: str,
) -> m.Rate | None:
    try:
        rate = m.Rate(
            direction=direction,
            factor=factor,
            factor_high=factor_high,
            period=period,
            period_high=period_high,
            period_unit=m.PeriodUnit(period_unit),
            bound=bound,
            stated=stated,
        )
    except ValueError:
        return None
    return None if check_rate(rate) else rate


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        value = cn_number(text)
        return float(value) if isinstance(value, int | float) else float("nan")


# --------------------------------------------------------------------------- cues, hedges, horizons

FORECAST_CUES = (
    "将会", "將會", "将", "將", "预计", "預計", "有望", "未来", "未來", "明年", "后年", "後年", "即将", "即將",
    "很快", "逐渐", "逐漸", "逐步", "最终", "最終", "必将", "必將", "长期来看", "長期來看", "下一阶段", "会", "會",
    "可能", "届时", "屆時", "如果", "将来", "將來", "今后", "今後", "指日可待", "趋势", "趨勢",
    "will", "expect", "forecast", "predict", "within", "next year", "by 20", "in the future", "soon",
)  # fmt: skip
_NOT_FUTURE = re.compile(
    r"社会|社會|会议|會議|机会|機會|大会|大會|协会|協會|学会|學會|委员会|委員會|理事会|理事會|会员|會員|"
    r"会长|會長|会计|會計|体会|體會|聚会|聚會|年会|年會|都会|都會|会上|會上|将近|將近|将军|將軍|"
    r"\bwill(?:ing|ingly)\b"
)
_CUE = re.compile("|".join(re.escape(c) for c in FORECAST_CUES), re.IGNORECASE)
_TO_YEAR = re.compile(r"(?:到|至|在)\s?(20\d\d)\s?年")

HEDGE_WORDS = (
    "可能", "也许", "也許", "或许", "或許", "预计", "預計", "有望", "大约", "大約", "约", "約", "超过", "超過",
    "至少", "左右", "估计", "估計", "似乎", "我认为", "我認為", "我相信", "我想", "我猜", "不确定", "不確定",
    "may", "might", "could", "about", "around", "roughly", "approximately", "more than", "at least",
    "likely", "perhaps", "probably", "I think", "I believe", "expect",
)  # fmt: skip
_HEDGE = re.compile(
    "|".join(rf"\b{re.escape(h)}\b" if h[0].isascii() else re.escape(h) for h in HEDGE_WORDS), re.I
)


def forecast_cues(sentence: str) -> list[str]:
    """The words that mark a sentence as a forecast (将, 预计, 有望, 未来, 到2030年, will...),
    in order, leaving out words that only contain a cue (社会, 机会...)."""
    masked = _NOT_FUTURE.sub(lambda mt: "\0" * len(mt.group()), sentence)
    found = [mt.group() for mt in _CUE.finditer(masked)]
    found += [mt.group() for mt in _TO_YEAR.finditer(masked) if mt.group().startswith("到")]
    return found


def hedges(sentence: str) -> list[str]:
    """The hedge words of a sentence, each once, in order (可能, 预计, about, more than...)."""
    out: list[str] = []
    for mt in _HEDGE.finditer(sentence):
        if mt.group() not in out:
            out.append(mt.group())
    return out


_CN_AMOUNT = r"\d+|[一二两兩三四五六七八九十]+"
_HORIZONS: list[tuple[str, re.Pattern[str]]] = [
    ("between", re.compile(r"(20\d\d)\s?年?\s?(?:至|到|-|–|~|and|to)\s?(20\d\d)\s?年?", re.I)),
    ("between", re.compile(r"between (20\d\d) and (20\d\d)", re.I)),
    ("after", re.compile(r"(20\d\d)\s?年\s?(?:以后|以後|之后|之後|后|後)|after (20\d\d)", re.I)),
    ("by", re.compile(r"到\s?(20\d\d)\s?年|by (?:the end of )?(20\d\d)", re.I)),
    (
        "within",
        re.compile(
            rf"(?<![到至\-–~或])(?:未来|未來|在)?\s?({_CN_AMOUNT})\s?(年|个月|個月)\s?(?:内|內|里|裡|之内|之內)|within (\d+|one|two|three|four|five|ten) (years?|months?)",
            re.I,
        ),
    ),
    ("next", re.compile(r"明年|next year|后年|後年", re.I)),
    ("in", re.compile(r"(?<![\d.])(20\d\d)\s?年|\bin (20\d\d)\b", re.I)),
]
_EN_NUM = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "ten": 10}


def horizons_of(sentence: str, cues: list[str], *, since: int | None = None) -> list[m.Horizon]:
    """The horizons a forecast sentence states, in order: by/between/after/within/next/in a
    year ('到2032年', '2030年至2050年', '未來兩年內', '明年', 'in 2025'); else one ``none``
    horizon with the forecast cue as ``stated``. Years before ``since`` (the article's year)
    are the past, not horizons."""
    found: list[tuple[int, m.Horizon]] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _HORIZONS:
        for mt in pattern.finditer(sentence):
            if any(s < mt.end() and mt.start() < e for s, e in taken):
                continue
            horizon = _horizon(kind, mt)
            if (
                horizon is not None
                and since is not None
                and horizon.date is not None
                and horizon.date.year < since
            ):
                continue
            if horizon is not None:
                found.append((mt.start(), horizon))
                taken.append((mt.start(), mt.end()))
    if not found:
        return [m.Horizon(type=m.HorizonType.none, stated=cues[0] if cues else DRAFT_MARK)]
    return [h for _, h in sorted(found, key=lambda f: f[0])]


def _horizon(kind: str, mt: re.Match[str]) -> m.Horizon | None:
    groups = [g for g in mt.groups() if g]
    stated = mt.group().strip()
    try:
        if kind == "between":
            if int(groups[1]) < int(groups[0]):
                return None
            return m.Horizon(type=m.HorizonType.between, stated=stated, date=groups[0], end=groups[1])
        if kind in ("after", "by", "in"):
            return m.Horizon(type=m.HorizonType(kind), stated=stated, date=groups[0])
        if kind == "within":
            amount = _EN_NUM.get(groups[0].lower()) or _number(groups[0])
            unit = "year" if groups[1][0] in "年yY" else "month"
            if amount != amount or amount < 1 or amount != int(amount):
                return None
            return m.Horizon(type=m.HorizonType.within, stated=stated, amount=int(amount), unit=unit)
        ahead = 2 if stated in ("后年", "後年") else 1
        return m.Horizon(type=m.HorizonType.next, stated=stated, amount=ahead, unit="year")
    except ValueError:
        return None


# --------------------------------------------------------------------------- quotations

SPEECH_VERBS = (
    "表示", "说", "說", "认为", "認為", "指出", "称", "稱", "强调", "強調", "坦言", "透露", "介绍", "介紹",
    "预测", "預測", "预计", "預計", "写道", "寫道", "提到", "直言", "回答", "告诉", "告訴",
    "said", "says", "say", "told", "argued", "wrote", "believes", "predicted", "expects",
)  # fmt: skip
_SPEECH = re.compile("|".join(rf"\b{v}\b" if v.isascii() else v for v in SPEECH_VERBS), re.I)
_QUOTE = re.compile(r"[“「\"].{4,}?[”」\"]")


_NOT_SPEECH = re.compile(
    r"胡说八道|胡說八道|说法|說法|小说|小說|虽说|雖說|传说|傳說|学说|學說|据说|據說|换句话说|換句話說"
)


def speech_verbs(sentence: str) -> list[tuple[str, int]]:
    """The speech verbs of a sentence (说, 表示, 认为, said...) and where they stand, leaving
    out words that only contain one (胡说八道, 说法...)."""
    masked = _NOT_SPEECH.sub(lambda mt: "\0" * len(mt.group()), sentence)
    return [(mt.group(), mt.start()) for mt in _SPEECH.finditer(masked)]


def has_quotation(sentence: str) -> bool:
    """True when the sentence quotes someone's words in quotation marks."""
    return bool(_QUOTE.search(sentence))


def normalize(text: str) -> str:
    """NFKC without whitespace: how excerpts are compared (as ``verify`` does)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@dataclass
class Found:
    """Everything the text alone says about a sentence."""

    numbers: list[Expression] = field(default_factory=list)
    rates: list[tuple[m.Rate, int, int]] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    cues: list[str] = field(default_factory=list)
    hedges: list[str] = field(default_factory=list)
    quotation: bool = False
    verbs: list[tuple[str, int]] = field(default_factory=list)
    number_words: bool = False
    list_item: int | None = None
    """The number of a numbered list's item ('3. 智能算力...'), which may be one of a report's
    'ten trends'."""

    @property
    def numeric(self) -> bool:
        """True when the sentence has any number (a list item's number included)."""
        return bool(self.numbers or self.rates or self.years or self.number_words or self.list_item)


_LIST_ITEM = re.compile(r"\s*(\d{1,2})\s?[.、．](?!\d)\s?(?=\S)")
_OUTLOOK = re.compile(r"趋势|趨勢|展望|预测|預測|预计|預計|trends?|outlook|predictions?|forecasts?", re.I)
_TITLE_YEAR = re.compile(r"(?<![\d.])(?:19|20)\d\d(?!\d)\s?年?")


def title_horizon(title: str) -> m.Horizon | None:
    """The year an outlook's title names ('2024年人工智能产业十大发展趋势', 'Trends for 2025'),
    as the horizon of the numbered items under it; None when the title names no single year
    or is no outlook."""
    stated = {mt.group().strip() for mt in _TITLE_YEAR.finditer(title)}
    found = {int(t[:4]) for t in stated}
    if len(found) != 1 or not _OUTLOOK.search(title):
        return None
    text = sorted(stated, key=len)[-1]
    return m.Horizon(type=m.HorizonType.in_, stated=text, date=str(found.pop()))


def examine(sentence: str) -> Found:
    """What a sentence holds: numbers (outside its rates), rates, years, cues, hedges, quotes."""
    found = Found()
    found.rates = rates(sentence)
    spans = [(s, e) for _, s, e in found.rates]
    found.numbers = [
        x for x in number_expressions(sentence) if not any(s <= x.start and x.end <= e for s, e in spans)
    ]
    found.years = years(sentence)
    found.cues = forecast_cues(sentence)
    found.hedges = hedges(sentence)
    found.quotation = has_quotation(sentence)
    found.verbs = speech_verbs(sentence)
    found.number_words = bool(_NUMBER_WORDS.search(sentence))
    item = _LIST_ITEM.match(sentence)
    found.list_item = int(item.group(1)) if item else None
    return found
