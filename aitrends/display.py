"""HTML views for Jupyter: a fact as a small card, a list of facts (or any records) as a table.

Every model has ``_repr_html_`` (it calls :func:`model_html`), so a fact on the last line of
a notebook cell shows as a card. :func:`table` turns a result list into an HTML table:

>>> aitrends.display.table(kb.facts(topic="inference-cost"), kb=kb)   # doctest: +SKIP

All text from the data is escaped; the HTML has no scripts and only inline styles.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from . import models as m
from .dates import PartialDate
from .render import NO_TIME_STATED

if TYPE_CHECKING:
    from .kb import KnowledgeBase

_CARD = "border:1px solid #ccc;border-radius:6px;padding:8px 12px;margin:4px 0;max-width:52em"
_BADGE = "display:inline-block;padding:0 6px;border-radius:4px;background:#eef;font-size:85%;margin-right:6px"
_KEY = "text-align:left;vertical-align:top;padding:1px 10px 1px 0;color:#555;white-space:nowrap"
_VALUE = "text-align:left;vertical-align:top;padding:1px 0"


class HTML(str):
    """A string of HTML that Jupyter displays as HTML (and ``print`` shows as source)."""

    __slots__ = ()

    def _repr_html_(self) -> str:
        return str(self)


def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def _names(ids: Sequence[str], kb: KnowledgeBase | None) -> str:
    return ", ".join(kb.name_of(i) if kb is not None else i for i in ids)


def number(value: float, unit: str = "") -> str:
    """A value as a reader says it: '$0.75', '$118.06 billion', '1.6 trillion parameters'."""
    for size, word in ((1e12, " trillion"), (1e9, " billion"), (1e6, " million")):
        if abs(value) >= size:
            text = f"{value / size:.5g}{word}"
            break
    else:
        text = f"{int(value):,}" if value == int(value) else f"{value:.4g}"
    if unit == "USD":
        return "$" + text
    if unit == "percent":
        return text + "%"
    return f"{text} {unit}" if unit and unit not in ("count",) else text


def quantity_text(q: m.Quantity) -> str:
    """'$0.75 per query (approx, as of 2023-05)'."""
    if q.bound is m.Bound.range:
        assert q.low is not None and q.high is not None
        value = f"{number(q.low, q.unit)}–{number(q.high, q.unit)}"
    else:
        value = number(q.value or 0.0, q.unit)
    value += f" per {q.per}" if q.per else ""
    when = f"as of {q.as_of}" + (f"–{q.as_of_end}" if q.as_of_end else "") if q.as_of else ""
    details = ", ".join(x for x in (q.bound.value if q.bound is not m.Bound.exact else "", when) if x)
    return value + (f" ({details})" if details else "")


def rate_text(rate: m.Rate) -> str:
    """'decline ×10 per year = ×10/year, halving in 3.6 months (-90%/year)'."""
    from .quantity import percent_per_year, rate_bounds, time_to_factor_two

    _slow, central, _fast = rate_bounds(rate)
    factor = f"×{rate.factor:g}" + (f"–{rate.factor_high:g}" if rate.factor_high else "")
    period = f"{rate.period:g}" + (f"–{rate.period_high:g}" if rate.period_high else "")
    word = "halving" if rate.direction is m.Direction.decline else "doubling"
    return (
        f"{rate.direction.value} {factor} per {period} {rate.period_unit.value}(s) = ×{central:.3g}/year, "
        f"{word} in {time_to_factor_two(central):.3g} months "
        f"({percent_per_year(central, rate.direction):+.1f}%/year)"
    )


def _rows(pairs: Iterable[tuple[str, Any]]) -> str:
    return "".join(
        f'<tr><th style="{_KEY}">{_e(k)}</th><td style="{_VALUE}">{v}</td></tr>'
        for k, v in pairs
        if v not in (None, "")
    )


def fact_card(fact: m.FactBase, kb: KnowledgeBase | None = None) -> HTML:
    """A fact as a card: kind and id, the statement, the excerpt verbatim with its English,
    who said it, where and when, and its number, rate or horizon. With ``kb``, ids are shown
    as names and the date falls back to the source's."""
    said = kb.said(fact) if kb is not None else (fact.said if isinstance(fact.said, PartialDate) else None)
    source = kb.table("sources")[fact.source].title_en if kb is not None else fact.source
    translation = "" if fact.excerpt_en_original else " <i>(our translation)</i>"
    pairs: list[tuple[str, Any]] = [
        (
            "said by",
            _e(_names(fact.speaker, kb)) + ("" if fact.attribution.value == "direct" else " (reported)"),
        ),
        (
            "cited from",
            _e(", ".join(c.name(kb) if kb is not None else c.by or m.UNNAMED for c in fact.cited)),
        ),
        ("about", _e(_names(fact.about, kb))),
        ("source", _e(source)),
        ("date", _e(said) if said else ("unknown" if fact.said == "unknown" else "")),
        ("topics", _e(_names(fact.topics, kb))),
        ("metric", _e(kb.name_of(fact.metric) if kb is not None and fact.metric else fact.metric)),
        ("hedge", _e(fact.hedge)),
    ]
    if fact.quantity is not None:
        pairs.append(("quantity", f"{_e(quantity_text(fact.quantity))} — “{_e(fact.quantity.stated)}”"))
    if fact.rate is not None:
        pairs.append(("rate", f"{_e(rate_text(fact.rate))} — “{_e(fact.rate.stated)}”"))
    if isinstance(fact, m.Forecast):
        stated = fact.horizon.stated
        pairs.append(
            (
                "horizon",
                f"{_e(fact.horizon.type.value)} — " + (f"“{_e(stated)}”" if stated else NO_TIME_STATED),
            )
        )
        pairs.append(("criteria", _e(fact.criteria)))
        pairs.append(("condition", _e(fact.condition)))
        if kb is not None and fact.id in kb.resolutions:
            res = kb.resolutions[fact.id]
            pairs.append(("resolved", _e(f"{res.outcome.value} ({res.date}): {res.evidence}")))
    pairs.append(("note", _e(fact.note)))
    return HTML(
        f'<div class="aitrends-fact" style="{_CARD}">'
        f'<div><span style="{_BADGE}">{_e(fact.kind.value)}</span><code>{_e(fact.id)}</code></div>'
        f'<p style="margin:6px 0"><b>{_e(fact.statement)}</b></p>'
        f'<blockquote style="margin:4px 0 4px 8px;padding-left:8px;border-left:3px solid #ddd">'
        f'{_e(fact.excerpt)}<br><span style="color:#555">{_e(fact.excerpt_en)}</span>{translation}'
        f"</blockquote>"
        f"<table>{_rows(pairs)}</table></div>"
    )


def _plain(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_plain(v)}" for k, v in value.items() if v not in (None, [], ""))
    return "" if value is None else str(value)


def model_html(model: BaseModel, kb: KnowledgeBase | None = None) -> HTML:
    """Any model as HTML: a fact as :func:`fact_card`, anything else as a field/value table."""
    if isinstance(model, m.FactBase):
        return fact_card(model, kb)
    data = model.model_dump(mode="json", exclude_defaults=True)
    title = f"{type(model).__name__}" + (f" <code>{_e(data.pop('id'))}</code>" if "id" in data else "")
    rows = _rows((k, _e(_plain(v))) for k, v in data.items())
    return HTML(f'<div class="aitrends-record" style="{_CARD}"><div>{title}</div><table>{rows}</table></div>')


_FACT_COLUMNS = ("id", "kind", "speaker", "date", "statement")


def _fact_cell(fact: m.FactBase, column: str, kb: KnowledgeBase | None) -> Any:
    if column == "speaker":
        return _names(fact.speaker, kb)
    if column == "date":
        said = kb.said(fact) if kb is not None else fact.said
        return said or ""
    if column == "source" and kb is not None:
        return kb.table("sources")[fact.source].title_en
    if column == "quantity":
        return quantity_text(fact.quantity) if fact.quantity else ""
    if column == "rate":
        return rate_text(fact.rate) if fact.rate else ""
    value = getattr(fact, column, None)
    return value.value if isinstance(value, m.FactKind) else value


def table(
    items: Iterable[BaseModel | dict[str, Any]],
    kb: KnowledgeBase | None = None,
    columns: Sequence[str] | None = None,
) -> HTML:
    """A list of facts, other models or dicts as an HTML table.

    Facts default to the columns id, kind, speaker, date and statement (``source``,
    ``quantity`` and ``rate`` are also available); other items default to every field of the
    first item. With ``kb``, speakers are names and dates fall back to the source's.
    """
    items = list(items)
    if columns is None:
        if items and isinstance(items[0], m.FactBase):
            columns = _FACT_COLUMNS
        elif items:
            first = items[0]
            columns = list(first.model_dump() if isinstance(first, BaseModel) else first)
        else:
            columns = _FACT_COLUMNS
    head = "".join(f'<th style="text-align:left">{_e(c)}</th>' for c in columns)
    body = []
    for item in items:
        if isinstance(item, m.FactBase):
            cells = [_fact_cell(item, c, kb) for c in columns]
        else:
            data = item.model_dump(mode="json") if isinstance(item, BaseModel) else item
            cells = [data.get(c) for c in columns]
        body.append(
            "<tr>"
            + "".join(f'<td style="text-align:left;vertical-align:top">{_e(_plain(c))}</td>' for c in cells)
            + "</tr>"
        )
    n = len(items)
    caption = f'<caption style="text-align:left">{n} result{"s" if n != 1 else ""}</caption>'
    return HTML(
        f'<table class="aitrends-table">{caption}<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
    )
