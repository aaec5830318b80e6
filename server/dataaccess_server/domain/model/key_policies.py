"""Key policies for LLM traffic: limits and budgets of keys and owners, refills, what a
validation states it costs, and the state of a limit as a validation found it. Pure.

A *limit* counts one unit (requests, tokens or cost) per fixed window of
``window_seconds`` aligned to the Unix epoch; a *budget* counts cost per calendar
``period`` (daily, weekly, monthly) starting at local midnight of its ``anchor`` day in
``time_zone``. Both are ``LimitRule``s: a budget is the rule with a period.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta


class Unit(enum.Enum):
    """What a limit counts."""

    REQUESTS = "requests"
    TOKENS = "tokens"
    COST = "cost"


class Scope(enum.Enum):
    """Where a limit is set: on one key, or on every key of an owner."""

    KEY = "key"
    OWNER = "owner"


class Period(enum.Enum):
    """A budget's calendar period."""

    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


class RefillInterval(enum.Enum):
    """How often a refill sets remaining_uses back."""

    DAILY = "daily"
    MONTHLY = "monthly"


@dataclass(frozen=True, slots=True)
class LimitRule:
    """A limit (``window_seconds`` set) or a budget (``period`` set, unit COST)."""

    id: str
    """key_limits.id; empty in a request, before storage assigns one."""
    scope: Scope
    name: str
    unit: Unit
    amount: int
    window_seconds: int | None = None
    period: Period | None = None
    anchor: int = 0
    time_zone: str = "UTC"

    @property
    def budget(self) -> bool:
        """Whether this is a budget (a calendar period) rather than a limit."""
        return self.period is not None

    @property
    def label(self) -> str:
        """How answers name it: ``key.limits.rpm``, ``owner.budgets.monthly``."""
        kind = "budgets" if self.period is not None else "limits"
        return f"{self.scope.value}.{kind}.{self.name}"


@dataclass(frozen=True, slots=True)
class Refill:
    """Sets remaining_uses to ``amount`` every day, or every month on ``day``."""

    amount: int
    interval: RefillInterval
    day: int = 0
    last_refill_at: datetime | None = None
    """Output: the scheduled time of the last refill applied."""


@dataclass(frozen=True, slots=True)
class Cost:
    """What one validation costs: requests (1 by default), tokens, cost units."""

    requests: int = 1
    tokens: int = 0
    cost: int = 0

    def of(self, unit: Unit) -> int:
        """The amount in ``unit``."""
        if unit is Unit.REQUESTS:
            return self.requests
        if unit is Unit.TOKENS:
            return self.tokens
        return self.cost


ONE_REQUEST = Cost()
DEFAULT_RESERVATION_TTL = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class Ask:
    """What a validation states besides its key: its model and provider, its cost, and
    whether it reserves (with the reservation's life and idempotency key)."""

    model: str = ""
    provider: str = ""
    cost: Cost = ONE_REQUEST
    reserve: bool = False
    reservation_ttl: timedelta = DEFAULT_RESERVATION_TTL
    request_id: str = ""


PLAIN = Ask()
"""A validation that states nothing: one request, no model, no reservation."""


@dataclass(frozen=True, slots=True)
class LimitState:
    """One limit or budget after a validation: what is left and when it resets."""

    rule: LimitRule
    remaining: int
    reset_time: datetime


@dataclass(frozen=True, slots=True)
class OwnerPolicy:
    """The limits and budgets shared by every key of ``owner_id``."""

    owner_id: str
    rules: tuple[LimitRule, ...] = ()
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Reservation:
    """A reservation as a validation returns it."""

    id: str
    expires_at: datetime


# --- the ledger's answers (domain/key_policies.py, db/key_policies.py) ---


@dataclass(frozen=True, slots=True)
class Grant:
    """What the ledger answered for one limit: its current period, its limit, what is
    taken after the grant, what this server was granted, and the database's clock."""

    limit_id: str
    period_start: datetime
    period_end: datetime
    amount: int
    taken: int
    granted: int
    clock: datetime


@dataclass(frozen=True, slots=True)
class Hold:
    """Part of a reservation: ``amount`` held on a limit's period."""

    limit_id: str
    period_start: datetime
    amount: int


@dataclass(frozen=True, slots=True)
class NewReservation:
    """A reservation to store."""

    id: str
    api_key_id: str
    request_id: str | None
    expires_at: datetime
    holds: tuple[Hold, ...]
    requests: int
    tokens: int
    cost: int


@dataclass(frozen=True, slots=True)
class Expired:
    """What a sweep of expired reservations released: how many, and the ledger rows
    it changed (limit id, period start, taken after)."""

    count: int
    ledger: tuple[tuple[str, datetime, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Taken:
    """Ledger rows as read: taken per (limit id, period start), and the database's
    clock (None when no row was found)."""

    taken: dict[tuple[str, datetime], int]
    clock: datetime | None


@dataclass(frozen=True, slots=True)
class Return:
    """Allowance going back to (positive) the ledger of a limit's period."""

    limit_id: str
    period_start: datetime
    amount: int
