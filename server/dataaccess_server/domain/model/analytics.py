"""Analytics: the questions (ranges, filters, orders, histogram pieces) and the figures
that answer them. Pure values; the rules that check a question are in domain/analytics.py.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Generic, TypeVar

T = TypeVar("T")

# The highest latency bucket: latency_ms <= 2^31-1 (domain/log_checks.py), and bucket
# b = ceil(ln(ms) / ln 1.1) (0 for <= 1 ms), so b <= 226. The dense histograms of
# migration 0014 hold MAX_BUCKET + 1 counts per row.
MAX_BUCKET = 226


@dataclass(frozen=True, slots=True)
class Answer(Generic[T]):
    """Figures, and the time up to which they include every committed write (None: the
    replica could not tell)."""

    value: T
    as_of: datetime | None


# --- questions ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TimeRange:
    """A half-open range widened to whole units, as used."""

    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class Filters:
    """Optional equality filters ("" does not filter)."""

    provider: str = ""
    model: str = ""
    auth_id: str = ""


class TopAuthsOrder(enum.Enum):
    """What the top auths are ranked by."""

    REQUESTS = "requests"
    TOTAL_TOKENS = "total_tokens"


class Granularity(enum.Enum):
    """The unit of a time series (UTC hours or days)."""

    HOUR = "hour"
    DAY = "day"


@dataclass(frozen=True, slots=True)
class Piece:
    """Part of a latency histogram query: the weekly (``kind`` "week", Mondays), daily
    ("day", dates) or hourly ("hour", times) histogram over [start, end), added (sign
    1) or subtracted (-1)."""

    kind: str
    start: date | datetime
    end: date | datetime
    sign: int = 1


@dataclass(frozen=True, slots=True)
class DayPieces:
    """An inclusive day range as the usage rollups read it: the ISO weeks wholly inside
    it (Mondays ``week_from`` to ``week_to``, inclusive; none when ``week_from`` is after
    ``week_to``) from the weekly rollups, and the edge days before and after them
    (``head``, ``tail``: inclusive, empty when the first is after the second) from the
    daily ones. The three are disjoint and cover the range exactly."""

    week_from: date
    week_to: date
    head: tuple[date, date]
    tail: tuple[date, date]

    @classmethod
    def of(cls, start: date, end: date) -> DayPieces:
        """The pieces of [start, end] (start <= end)."""
        week_from = start + timedelta(days=(7 - start.weekday()) % 7)
        week_to = end - timedelta(days=(end.weekday() + 1) % 7) - timedelta(days=6)
        if week_from > week_to:  # no whole week: every day is an edge day
            return cls(week_from, week_to, (start, end), (end + DAY, end))
        return cls(week_from, week_to, (start, week_from - DAY), (week_to + WEEK, end))


DAY = timedelta(days=1)
WEEK = timedelta(days=7)


# --- figures ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UsageTotals:
    """Usage counters summed over a range."""

    requests: int
    input_tokens: int
    output_tokens: int
    reasoning_tokens: int
    cached_tokens: int
    total_tokens: int
    successes: int
    errors: int
    distinct_auths: int


@dataclass(frozen=True, slots=True)
class SummaryRow:
    """One provider and model's totals."""

    provider: str
    model: str
    totals: UsageTotals


@dataclass(frozen=True, slots=True)
class UsageSummary:
    """Totals per provider and model with usage in a range, and the grand total."""

    rows: list[SummaryRow]
    total: UsageTotals


@dataclass(frozen=True, slots=True)
class AuthUsage:
    """One auth's usage over a range."""

    auth_id: str
    requests: int
    total_tokens: int
    distinct_models: int


@dataclass(frozen=True, slots=True)
class GroupCounts:
    """Requests and errors of one provider and model."""

    provider: str
    model: str
    requests: int
    errors: int


@dataclass(frozen=True, slots=True)
class Point:
    """Totals of one hour or day."""

    time: datetime
    requests: int
    input_tokens: int
    output_tokens: int
    errors: int


@dataclass(frozen=True, slots=True)
class LatencyGroup:
    """A group's latency figures: requests, the latency sum, and its histogram: the
    count of each bucket, index b for bucket b (every bucket, 0 to MAX_BUCKET)."""

    provider: str
    model: str
    requests: int
    latency_ms_sum: int
    histogram: list[int]


@dataclass(frozen=True, slots=True)
class PercentileRow:
    """A group's request count, exact mean and estimated percentiles (in asked order)."""

    provider: str
    model: str
    requests: int
    mean_ms: float
    percentiles: list[tuple[float, float]] = field(default_factory=list)
