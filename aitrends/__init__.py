"""aitrends: a checked knowledge base of claims about the AI industry.

>>> import aitrends
>>> kb = aitrends.load()
>>> facts = kb.facts(topic="inference-cost")
"""

from .dates import PartialDate, Precision
from .errors import (
    AitrendsError,
    AmbiguousError,
    DataError,
    ExitCode,
    NotFoundError,
    Problem,
    UsageError,
)
from .kb import KnowledgeBase, load
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

__version__ = "0.1.0"

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
    "load",
]
