"""aitrends: a checked knowledge base of claims about the AI industry.

>>> import aitrends
>>> kb = aitrends.load()
>>> facts = kb.facts(topic="inference-cost")

The names below are imported on first use (PEP 562), so that ``import aitrends`` stays cheap
for the command line's fast path, which answers common queries without pydantic.
"""

from __future__ import annotations

from importlib import import_module

TYPE_CHECKING = False  # not typing's: the fast path imports this package and not typing

__version__ = "0.1.0"

_EXPORTS = {
    "add_source": "articles",
    "draft_article": "draft",
    "PartialDate": "dates",
    "Precision": "dates",
    "AitrendsError": "errors",
    "AmbiguousError": "errors",
    "DataError": "errors",
    "ExitCode": "errors",
    "NotFoundError": "errors",
    "Problem": "errors",
    "UsageError": "errors",
    "KnowledgeBase": "kb",
    "load": "hydrate",
    "Claim": "models",
    "Fact": "models",
    "FactBase": "models",
    "FactKind": "models",
    "Figure": "models",
    "Forecast": "models",
    "Horizon": "models",
    "Metric": "models",
    "Organization": "models",
    "Person": "models",
    "Quantity": "models",
    "Quote": "models",
    "Rate": "models",
    "Resolution": "models",
    "Source": "models",
    "Topic": "models",
}

__all__ = [
    "AitrendsError",
    "AmbiguousError",
    "Claim",
    "DataError",
    "ExitCode",
    "Fact",
    "FactBase",
    "FactKind",
    "Figure",
    "Forecast",
    "Horizon",
    "KnowledgeBase",
    "Metric",
    "NotFoundError",
    "Organization",
    "PartialDate",
    "Person",
    "Precision",
    "Problem",
    "Quantity",
    "Quote",
    "Rate",
    "Resolution",
    "Source",
    "Topic",
    "UsageError",
    "__version__",
    "add_source",
    "draft_article",
    "load",
]


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'aitrends' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # for type checkers and editors
    from .articles import add_source
    from .dates import PartialDate, Precision
    from .draft import draft_article
    from .errors import AitrendsError, AmbiguousError, DataError, ExitCode, NotFoundError, Problem, UsageError
    from .hydrate import load
    from .kb import KnowledgeBase
    from .models import (
        Claim,
        Fact,
        FactBase,
        FactKind,
        Figure,
        Forecast,
        Horizon,
        Metric,
        Organization,
        Person,
        Quantity,
        Quote,
        Rate,
        Resolution,
        Source,
        Topic,
    )
