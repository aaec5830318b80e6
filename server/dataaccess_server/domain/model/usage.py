"""Daily usage counters: what a request states, what is stored, what a batch did. Pure."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from dataaccess_server.errors import excerpt

# The counters of a key and day, in their column order.
COUNTERS = (
    "request_count",
    "input_tokens",
    "output_tokens",
    "reasoning_tokens",
    "cached_tokens",
    "success_count",
    "error_count",
    "cost",
)

UsageKey = tuple[date, str, str, str]
"""(usage_date, provider, model, auth_id): the key counters are kept under."""

BIGINT_MAX = 2**63 - 1
"""The most a counter column (bigint) holds."""
TOTALLED = ("input_tokens", "output_tokens", "reasoning_tokens")
"""The counters the stored ``total_tokens`` column adds up (so their sum is bounded too)."""


def describe_key(key: UsageKey) -> str:
    """A key as an error message names it (its texts cut short)."""
    day, provider, model, auth_id = key
    return (
        f"date {day.isoformat()}, provider {excerpt(provider)}, model {excerpt(model)},"
        f" auth_id {excerpt(auth_id)}"
    )


@dataclass(frozen=True, slots=True)
class UsageInput:
    """One record as a request states it (date still text)."""

    provider: str = ""
    model: str = ""
    auth_id: str = ""
    date: str = ""
    counters: dict[str, int] = field(default_factory=dict)
    api_key_id: str = ""
    """The key whose budgets the cost is charged to (empty: none)."""
    reservation_id: str = ""
    """The reservation the record settles (empty: none)."""


@dataclass(frozen=True, slots=True)
class UsageQuery:
    """Filters and page of ListUsage."""

    auth_id: str = ""
    provider: str = ""
    model: str = ""
    start_date: str = ""
    end_date: str = ""
    page_size: int = 0
    page_token: str = ""


@dataclass(frozen=True, slots=True)
class UsageFilter:
    """Which counters a list reads; None for no condition. Dates are inclusive."""

    auth_id: str | None = None
    provider: str | None = None
    model: str | None = None
    start_date: date | None = None
    end_date: date | None = None


@dataclass(frozen=True, slots=True)
class DailyUsage:
    """One key and day with its counters (sums, or one batch's increments)."""

    usage_date: date
    provider: str
    model: str
    auth_id: str
    request_count: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    reasoning_tokens: int = 0
    cached_tokens: int = 0
    success_count: int = 0
    error_count: int = 0
    total_tokens: int = 0
    cost: int = 0

    @property
    def key(self) -> UsageKey:
        """The key, in its column order."""
        return (self.usage_date, self.provider, self.model, self.auth_id)


@dataclass(frozen=True, slots=True)
class AppliedBatch:
    """What storing a batch did (or, replayed, what its first application did), with the
    fingerprint the first application recorded, for the caller to compare."""

    records_received: int
    keys_updated: int
    replayed: bool
    fingerprint: str
    settled: int = 0
    """Reservations the batch settled."""
    charged: tuple[tuple[str, datetime, int], ...] = ()
    """The key-policy ledger rows it changed: (limit id, period start, taken after)."""


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What an upsert of usage answers."""

    records_received: int
    keys_updated: int
    replayed: bool
    settled: int = 0


@dataclass(frozen=True, slots=True)
class Charge:
    """What one record charges to key policies: its key, the reservation it settles (by
    id, or by the request id its reservation was made with; None: none) and its actual
    tokens and cost."""

    api_key_id: str | None
    reservation: str | None
    tokens: int
    cost: int
