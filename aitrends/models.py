"""The data model: every YAML file in ``data/`` validates against these classes.

Each field's docstring is its description in the JSON Schema and in ``docs/data-format.md``.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from .dates import PartialDate

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=120)]


def _visible(value: str) -> str:
    """Refuse a text of only spaces and invisible characters (U+00A0, U+200B, U+3000...)."""
    if not any(not c.isspace() and unicodedata.category(c) not in _INVISIBLE for c in value):
        raise ValueError("text is blank (only spaces or invisible characters)")
    return value


_INVISIBLE = {"Zs", "Zl", "Zp", "Cc", "Cf"}
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=False), AfterValidator(_visible)]
Number = Annotated[float, Field(strict=True)]
"""A YAML number (an int or a float); a quoted or YAML-1.1-ambiguous '68.7e9' string is an error."""


def _listify(value: Any) -> Any:
    """Accept a single id where a list of ids is expected (``speaker: dario-amodei``)."""
    return [value] if isinstance(value, str | dict) else value


SlugList = Annotated[list[Slug], BeforeValidator(_listify)]


class Model(BaseModel):
    """Base of every model: unknown fields are errors, instances are immutable."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        use_attribute_docstrings=True,
        populate_by_name=True,
    )

    def _repr_html_(self) -> str:
        """Jupyter's rich display: a fact as a card, anything else as a field table."""
        from .display import model_html

        return str(model_html(self))


class Record(Model):
    """Something with an id that other records can refer to."""

    id: Slug
    """Stable, readable, kebab-case identifier, unique across the knowledge base."""

    override: bool = Field(default=False, exclude=True)
    """Set in a data directory layered above another to replace the record with the same id
    from a lower layer. Without it a repeated id is an error."""


# --------------------------------------------------------------------------- reference data


class Language(StrEnum):
    """BCP 47 language tags used by the articles."""

    zh_hans = "zh-Hans"
    zh_hant = "zh-Hant"
    en = "en"


class SourceKind(StrEnum):
    """What kind of article a source is."""

    interview = "interview"
    column = "column"
    report_summary = "report-summary"
    speech_write_up = "speech-write-up"
    news = "news"
    other = "other"


class Source(Record):
    """One article the facts are extracted from."""

    title: Text
    """Title as published, in the article's language and script."""
    title_en: Text
    """English title: the article's own where it has one, else our translation."""
    title_en_original: bool = False
    """True when ``title_en`` is the article's own English title, not our translation."""
    kind: SourceKind
    """Interview, column, report summary, speech write-up, ..."""
    language: list[Language] = Field(min_length=1)
    """Languages of the text, main one first (an article with a translation has two)."""
    outlet: Slug
    """Organization that published the article (id in organizations)."""
    platform: Slug | None = None
    """Where the copy we have was reposted, when that differs from the outlet."""
    authors: SlugList = []
    """People who wrote or reported it (ids in people)."""
    editors: SlugList = []
    """Editors credited by the article."""
    published: PartialDate | None = None
    """Publication date as the article states it (None when it does not say)."""
    date_note: str | None = None
    """What the article says about its date when it gives none, or how precise it is."""
    url: str | None = None
    """URL of the article, only when the article text itself gives one."""
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    """SHA-256 of the article's text file, which ``aitrends verify`` matches articles by."""
    notes: str | None = None
    """Anything a reader of the source should know (saved with navigation, word-segmented...)."""


class Role(Model):
    """A role or affiliation, as an article states it."""

    title: Text
    """The role in English, e.g. 'founding CEO'."""
    title_zh: str | None = None
    """The role as the Chinese text words it, when it does."""
    org: Slug | None = None
    """Organization the role is at (id in organizations)."""
    source: Slug | None = None
    """Article that states the role."""
    current: bool | None = None
    """False for a former role, when the article says so."""


class Entity(Record):
    """Shared fields of people and organizations."""

    name_en: Text
    """Name in English (or the Latin-script name the articles use)."""
    name_zh_hans: str | None = None
    """Name in Simplified Chinese, where the articles or common usage give one."""
    name_zh_hant: str | None = None
    """Name in Traditional Chinese."""
    aliases: list[str] = []
    """Other names a user may type: initials, nicknames, the other name order..."""
    notes: str | None = None
    """Anything worth knowing that is not a role."""


class Person(Entity):
    """A person who says something, is cited, or wrote a source."""

    roles: list[Role] = []
    """Roles and affiliations as the articles state them."""


class OrgKind(StrEnum):
    """What kind of organization."""

    company = "company"
    research = "research"
    university = "university"
    media = "media"
    investor = "investor"
    government = "government"
    nonprofit = "nonprofit"
    consultancy = "consultancy"
    platform = "platform"
    other = "other"


class Organization(Entity):
    """A company, institute, outlet, government body..."""

    kind: OrgKind
    """Company, research institute, university, media outlet, ..."""
    country: str | None = None
    """Country as the articles state it (ISO 3166 alpha-2)."""
    parent: Slug | None = None
    """Parent organization."""


class Topic(Record):
    """A node of the topic taxonomy."""

    label_en: Text
    """English label."""
    label_zh: Text
    """Chinese label (Simplified)."""
    aliases: list[str] = []
    """Other words for it, in any language."""
    parent: Slug | None = None
    """Broader topic; facts of this topic are found under the parent too."""
    description: str | None = None
    """What belongs here."""


class Metric(Record):
    """A measurable quantity that figures and rates are about (e.g. inference cost)."""

    label_en: Text
    """English label."""
    label_zh: str | None = None
    """Chinese label."""
    aliases: list[str] = []
    """Other words for it."""
    topics: SlugList = []
    """Topics the metric belongs to."""
    parent: Slug | None = None
    """A broader metric this one is a narrower measure of (price per query is a measure of
    inference cost); rates on the parent are checked against figures on the child."""
    unit: str | None = None
    """Usual unit of its figures (USD, FLOP, parameters...)."""
    description: str | None = None
    """What exactly is measured, and what is not."""


# --------------------------------------------------------------------------- numbers


class Bound(StrEnum):
    """How a number is hedged: exact, about, at least ('more than', 'over'), at most, a range."""

    exact = "exact"
    approx = "approx"
    at_least = "at-least"
    at_most = "at-most"
    range = "range"


class Quantity(Model):
    """A number as data: value in base units, unit, bound and the text as stated."""

    value: Number | None = None
    """The value in base units (68.7e9 for '687亿美元'); omitted for a range."""
    low: Number | None = None
    """Lower end of a range, in base units."""
    high: Number | None = None
    """Upper end of a range, in base units."""
    unit: Text
    """Unit or currency: USD, CNY, percent, count, parameters, GPUs, PF-days, years..."""
    per: str | None = None
    """Denominator of a rate-like unit, e.g. 'query' for USD per query."""
    bound: Bound = Bound.exact
    """exact, approx, at-least, at-most or range, as the text hedges it."""
    stated: Text
    """The number exactly as the excerpt words it, e.g. '超过687亿美元'."""
    as_of: PartialDate | None = None
    """The date or period the figure describes (start of the period for a span)."""
    as_of_end: PartialDate | None = None
    """End of the period the figure describes, for a span such as 2023-2032."""

    @model_validator(mode="after")
    def _check_shape(self) -> Quantity:
        if self.bound is Bound.range:
            if self.low is None or self.high is None:
                raise ValueError("a range needs low and high")
            if self.low > self.high:
                raise ValueError(f"low {self.low} is above high {self.high}")
        elif self.value is None:
            raise ValueError("value is required unless bound is 'range'")
        elif self.low is not None or self.high is not None:
            raise ValueError("low and high go with bound 'range' only")
        return self


class Direction(StrEnum):
    """Whether a rate makes the metric smaller or larger."""

    decline = "decline"
    growth = "growth"


class PeriodUnit(StrEnum):
    """Unit of a rate's period."""

    day = "day"
    week = "week"
    month = "month"
    year = "year"


def _singular_unit(value: Any) -> Any:
    """``months``, ``Years`` as ``month``, ``year``: a plural or capitalised unit is accepted."""
    if isinstance(value, str):
        word = value.strip().lower()
        return word[:-1] if word.endswith("s") and word[:-1] in PeriodUnit._value2member_map_ else word
    return value


MONTHS_PER_UNIT: dict[PeriodUnit, float] = {
    PeriodUnit.day: 12 / 365.25,
    PeriodUnit.week: 7 * 12 / 365.25,
    PeriodUnit.month: 1.0,
    PeriodUnit.year: 12.0,
}
MAX_LN_ANNUAL_FACTOR = 690.0
"""A rate whose annual factor exceeds e**690 (about 1e300) cannot be computed with floats."""


class Rate(Model):
    """A rate as data: a factor per period ('halves every 18 months' is 2 per 18 months)."""

    direction: Direction
    """decline or growth."""
    factor: Number = Field(gt=1)
    """The factor of change per period, above 1 (halving is 2 with direction decline;
    27% a year is 1.27 with direction growth)."""
    factor_high: Number | None = Field(default=None, gt=1)
    """Upper end when the factor is a range (10-100 times)."""
    period: Number = Field(gt=0)
    """Length of the period in ``period_unit``."""
    period_high: Number | None = Field(default=None, gt=0)
    """Upper end when the period is a range ('every 3-4 months')."""
    period_unit: Annotated[PeriodUnit, BeforeValidator(_singular_unit)]
    """day, week, month or year. The plural (``months``) is accepted too."""
    bound: Bound = Bound.exact
    """How the text hedges it ('or even more' is at-least)."""
    stated: Text
    """The rate exactly as the excerpt words it."""

    @model_validator(mode="after")
    def _check_rate(self) -> Rate:
        if self.factor_high is not None and self.factor_high < self.factor:
            raise ValueError(f"factor_high {self.factor_high:g} is below factor {self.factor:g}")
        if self.period_high is not None and self.period_high < self.period:
            raise ValueError(f"period_high {self.period_high:g} is below period {self.period:g}")
        months = self.period * MONTHS_PER_UNIT[self.period_unit]
        if months <= 0 or math.log(self.factor_high or self.factor) * 12 > MAX_LN_ANNUAL_FACTOR * months:
            raise ValueError("rate is too fast to compute: its annual factor exceeds 1e300")
        return self


# --------------------------------------------------------------------------- forecasts


class HorizonType(StrEnum):
    """How a forecast's deadline is stated."""

    in_ = "in"
    by = "by"
    between = "between"
    after = "after"
    within = "within"
    next = "next"
    none = "none"


class Horizon(Model):
    """When a forecast should come true, as stated and as data.

    - ``in``: during ``date`` ('in 2024');
    - ``by``: no later than the end of ``date`` ('by 2032');
    - ``between``: from ``date`` to ``end`` ('2030 to 2050');
    - ``after``: some time after ``date`` ('after 2030'); open-ended;
    - ``within``: within ``amount`` ``unit`` of when it was said ('within five years');
    - ``next``: the calendar ``unit`` after the one it was said in, ``amount`` ahead
      ('next year' is amount 1);
    - ``none``: no date or span given; never due. ``stated`` is left out when the excerpt has
      no time expression at all ('will converge'), and holds an undated one ('未来', 'one day').

    ``stated`` is the time expression only: a condition ('if scaling laws hold') goes in the
    forecast's ``condition``, a hedge ('有望', 'may') in its ``hedge``.
    """

    type: HorizonType
    """in, by, between, after, within, next or none."""
    stated: Text | None = None
    """The time expression exactly as the excerpt words it ('明年', 'by 2032', '未来两年内'),
    and nothing else; left out when the excerpt states no time (type none)."""
    date: PartialDate | None = None
    """The date or period for in, by, between (start) and after."""
    end: PartialDate | None = None
    """End of a 'between' horizon."""
    amount: int | None = Field(default=None, ge=1)
    """How many units for within and next."""
    unit: Literal["year", "month"] | None = None
    """year or month, for within and next."""

    @model_validator(mode="after")
    def _check_shape(self) -> Horizon:
        t = self.type
        needs = {
            HorizonType.in_: {"date"},
            HorizonType.by: {"date"},
            HorizonType.after: {"date"},
            HorizonType.between: {"date", "end"},
            HorizonType.within: {"amount", "unit"},
            HorizonType.next: {"amount", "unit"},
            HorizonType.none: set(),
        }[t]
        given = {f for f in ("date", "end", "amount", "unit") if getattr(self, f) is not None}
        if missing := needs - given:
            raise ValueError(f"horizon type '{t.value}' needs {', '.join(sorted(missing))}")
        if extra := given - needs:
            raise ValueError(f"horizon type '{t.value}' takes no {', '.join(sorted(extra))}")
        if t is not HorizonType.none and self.stated is None:
            raise ValueError(f"horizon type '{t.value}' needs stated (the time as the excerpt words it)")
        if t is HorizonType.between:
            assert self.date is not None and self.end is not None
            if self.end.end < self.date.start:
                raise ValueError("horizon end is before its start")
        return self


class Probability(Model):
    """A probability the speaker attaches to a forecast."""

    low: Number = Field(ge=0, le=1)
    """Lowest probability stated (0.6 for '60-40 or 70-30')."""
    high: Number = Field(ge=0, le=1)
    """Highest probability stated (equal to low for a single number)."""
    stated: Text
    """As worded in the excerpt."""

    @model_validator(mode="after")
    def _order(self) -> Probability:
        if self.low > self.high:
            raise ValueError("low is above high")
        return self


class Outcome(StrEnum):
    """How a forecast turned out."""

    true = "true"
    false = "false"
    partly = "partly"
    ambiguous = "ambiguous"
    void = "void"


class Resolution(Model):
    """The outcome of a forecast, recorded in any fact file, usually a user's own layer."""

    fact: Slug
    """Id of the forecast it resolves."""
    outcome: Annotated[Outcome, BeforeValidator(lambda v: str(v).lower() if isinstance(v, bool) else v)]
    """true, false, partly, ambiguous (cannot be judged) or void (the question no longer
    applies); YAML's unquoted true/false are accepted."""
    date: PartialDate
    """When it was resolved (the event that settles it)."""
    evidence: Text
    """What shows the outcome, in our own words, or where to read it."""
    source: Slug | None = None
    """Source in the knowledge base that settles it, if any."""
    url: str | None = None
    """Where the evidence can be read."""
    by: str | None = None
    """Who judged it."""
    note: str | None = None
    """Anything else about the judgement."""
    recorded: PartialDate | None = None
    """When the resolution was written down (``aitrends resolve`` sets it); every ``--as-of``
    (``forecasts``, ``show``, ``scores``...) counts it from then. Defaults to ``date``."""
    superseded: PartialDate | None = None
    """When a later resolution replaced this one (``resolve --replace``); kept as history, it
    still counts ``--as-of`` a day before then."""

    @property
    def recorded_on(self) -> dt.date:
        """The day it counts from: ``recorded``, else ``date`` (its first day)."""
        return (self.recorded or self.date).start


# --------------------------------------------------------------------------- facts


class FactKind(StrEnum):
    """The four kinds of fact."""

    claim = "claim"
    forecast = "forecast"
    quote = "quote"
    figure = "figure"


class Attribution(StrEnum):
    """Whose words the excerpt is."""

    direct = "direct"
    indirect = "indirect"


UNNAMED = "unnamed"

DRAFT_MARK = "TODO(draft)"
"""Marks text that only a person can write in a file made by ``aitrends draft`` or
``aitrends add-source``: ``validate`` refuses any record that still holds it."""
DRAFT_ID = "todo-draft"
"""Stands for an id (a speaker, a topic, an outlet) that ``aitrends draft`` could not decide;
``validate`` refuses it until a person chooses."""
"""How a cited origin the article does not name is shown (``cited: [{work: ...}]``)."""


class Cited(Model):
    """Where a relayed figure or claim originally comes from: a named person or organization,
    or, with ``by`` left out, the unnamed others an article attributes it to ("some say...")."""

    by: Slug | None = None
    """Person or organization it comes from; left out when the article does not name it."""
    work: str | None = None
    """The report, paper or survey, as the article names it; for an unnamed origin, how the
    article refers to it (e.g. 也有观点认为, "some hold the view")."""
    date: PartialDate | None = None
    """When the origin published it, as the article states."""
    url: str | None = None
    """Link, only when the article gives one."""

    @model_validator(mode="after")
    def _named_or_described(self) -> Cited:
        if self.by is None and not self.work:
            raise ValueError("a cited origin needs 'by' (who) or, when the article names no one, 'work'")
        return self

    def name(self, kb: Any) -> str:
        """The origin's name in ``kb``, or :data:`UNNAMED`."""
        return str(kb.name_of(self.by)) if self.by is not None else UNNAMED


def _cited_list(value: Any) -> Any:
    value = _listify(value)
    if isinstance(value, list):
        return [{"by": v} if isinstance(v, str) else v for v in value]
    return value


class LinkRel(StrEnum):
    """How two facts relate.

    - ``supports`` / ``contradicts``: agrees / disagrees with the other fact about the same
      thing at the same time (not for two periods of one series, nor a later change of view);
    - ``same-as``: the same fact stated twice;
    - ``derived-from``: computed or concluded from the other fact;
    - ``part-of``: a part of the other fact;
    - ``responds-to``: answers the other fact (a question, an argument);
    - ``paraphrases``: restates the other fact in other words (a writer's heading or summary
      of what someone said);
    - ``follows``: a later period of the same series as the other fact (compute doubling
      every 6 months after the 20-month era);
    - ``rival-estimate``: another estimate of the same thing over the same period;
    - ``updates``: a later view that revises the other fact's (a change of mind over time).
    """

    supports = "supports"
    contradicts = "contradicts"
    same_as = "same-as"
    derived_from = "derived-from"
    part_of = "part-of"
    responds_to = "responds-to"
    paraphrases = "paraphrases"
    follows = "follows"
    rival_estimate = "rival-estimate"
    updates = "updates"


class Link(Model):
    """A relation from this fact to another."""

    rel: LinkRel
    """supports, contradicts, same-as, derived-from, part-of, responds-to, paraphrases,
    follows, rival-estimate or updates."""
    fact: Slug
    """The other fact's id."""
    inferred: bool = False
    """True when the article does not state the relation and we infer it (say why in
    ``note``); false for a relation the article states or plainly shows."""
    note: str | None = None
    """Why."""


class Waiver(Model):
    """A deliberate exception to one ``aitrends lint`` rule, with the reason."""

    rule: Slug
    """The rule id that ``aitrends lint`` reports (e.g. ``hedge-unrecorded``)."""
    reason: Text
    """Why the warning does not apply to this fact."""


class FactBase(Record):
    """Fields every fact has."""

    kind: FactKind
    """claim, forecast, quote or figure (each kind is its own class below)."""

    source: Slug
    """The article it comes from (defaults to the file's ``source``)."""
    speaker: SlugList = Field(min_length=1)
    """Who asserts it in the article's own words: person or organization ids (several for a
    joint report). A writer's headline, heading, lead or summary is the writer's or outlet's
    claim (speaker: the outlet), never the words of the person it presents: name that person
    in ``attributed_to``."""
    attribution: Attribution = Attribution.direct
    """direct: the excerpt is the speaker's own words (quote, transcript, own column, or the
    outlet's own headline or summary); indirect: the writer reports in the body what the
    speaker said (伊奇奥尼表示…, "he said…")."""
    attributed_to: SlugList = []
    """For a writer's headline, heading, lead or summary: the people whose words or views it
    presents. The fact is what others say they said; link it (``paraphrases``) to what they
    actually said."""
    cited: Annotated[list[Cited], BeforeValidator(_cited_list)] = []
    """The origin of the figure or claim when the speaker relays it."""
    about: SlugList = []
    """People or organizations the fact is about (xAI for xAI's GPUs)."""
    topics: SlugList = Field(min_length=1)
    """Topic ids."""
    metric: Slug | None = None
    """The metric its quantity or rate measures (id in metrics)."""
    statement: Text
    """One English sentence in our own words, keeping the hedges."""
    excerpt: Text
    """Verbatim text of the article, in its language and script."""
    excerpt_en: Text
    """English of the excerpt: the article's own where it has one, else our translation. May
    be left out for a source written in English only: it is then the excerpt (and original)."""
    excerpt_en_original: bool = False
    """True when ``excerpt_en`` is verbatim from the article (then it is verified too)."""
    said: PartialDate | Literal["unknown"] | None = None
    """When it was said, when that differs from the source's date or is more precise;
    ``unknown`` for a relayed statement whose date the article does not give (so it is not
    taken to be the source's date)."""
    hedge: str | None = None
    """Hedge words as stated ('可能', 'may', '有望'), kept so nothing is strengthened."""
    quantity: Quantity | None = None
    """The number the fact states, if it states one."""
    rate: Rate | None = None
    """The rate of change the fact states, if it states one."""
    note: str | None = None
    """Anything a reader must know: contradictions, ambiguity, context."""
    links: list[Link] = []
    """Relations to other facts."""
    waivers: list[Waiver] = []
    """``aitrends lint`` warnings deliberately waived for this fact, each with its reason."""


class Claim(FactBase):
    """An assertion, including cost-decline and growth-rate claims."""

    kind: Literal[FactKind.claim]
    """claim"""


class Quote(FactBase):
    """An opinion worth quoting."""

    kind: Literal[FactKind.quote]
    """quote"""


class Figure(FactBase):
    """A number describing the industry: market size, funding, price, count..."""

    kind: Literal[FactKind.figure]
    """figure"""
    quantity: Quantity
    """The figure itself."""


class Forecast(FactBase):
    """A prediction, with its horizon and what would make it true."""

    kind: Literal[FactKind.forecast]
    """forecast"""
    horizon: Horizon
    """When it should come true."""
    criteria: Text
    """What would make it true, in our own words."""
    condition: str | None = None
    """Condition it is made under ('if scaling laws hold')."""
    probability: Probability | None = None
    """Probability the speaker gives, if any."""


Fact = Annotated[Claim | Quote | Figure | Forecast, Field(discriminator="kind")]
FACT_CLASSES: dict[FactKind, type[FactBase]] = {
    FactKind.claim: Claim,
    FactKind.quote: Quote,
    FactKind.figure: Figure,
    FactKind.forecast: Forecast,
}


# --------------------------------------------------------------------------- files


class SourcesFile(Model):
    """``sources.yaml``"""

    sources: list[Source]
    """The articles."""


class PeopleFile(Model):
    """``people.yaml``"""

    people: list[Person]
    """The people."""


class OrganizationsFile(Model):
    """``organizations.yaml``"""

    organizations: list[Organization]
    """The organizations."""


class TopicsFile(Model):
    """``topics.yaml``"""

    topics: list[Topic]
    """The topic taxonomy."""


class MetricsFile(Model):
    """``metrics.yaml``"""

    metrics: list[Metric]
    """The metrics."""


class FactsFile(Model):
    """``facts/*.yaml``"""

    source: Slug | None = None
    """Default ``source`` for the facts of this file."""
    facts: list[Fact] = []
    """The facts."""
    resolutions: list[Resolution] = []
    """Outcomes of forecasts (of this file or any other)."""


# --------------------------------------------------------------------------- hedge words


class HedgeValue(Model):
    """The probability a word (or the unhedged default) stands for, and where it comes from."""

    probability: float = Field(ge=0, le=1)
    """The probability, 0 to 1."""
    kent: str | None = None
    """The point of Sherman Kent's scale it is placed at ('probable', 'chances about even')."""
    source: str
    """Id of the value's source in ``sources`` (``kent-1964``, ``own``...)."""
    note: str | None = None
    """Why this value, where it is not obvious."""


class HedgeWord(HedgeValue):
    """A hedge word and its probability."""

    word: str = Field(min_length=1)
    """The word or phrase as it appears in a fact's ``hedge`` (case does not matter)."""


class HedgesFile(Model):
    """``hedges.yaml``"""

    sources: dict[str, str] = {}
    """Sources of the values, by id: a full citation, or a note that a value is our own choice."""
    default: HedgeValue | None = None
    """The probability of a forecast worded without a hedge ('will')."""
    words: list[HedgeWord] = []
    """The hedge words."""
