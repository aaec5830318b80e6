"""API keys: the record of a key, what a request states about one, and the answers of
lookups, validations and changes. Pure.

A key itself (``dak_`` + 43 characters) appears in none of these: only its SHA-256
(``key_hash``) and its first characters (``key_prefix``) are ever kept.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dataaccess_server.domain.model.key_policies import LimitRule, LimitState, Refill


class Reason(enum.Enum):
    """Why a validation answered as it did."""

    VALID = "valid"
    NOT_FOUND = "not_found"
    REVOKED = "revoked"
    EXPIRED = "expired"
    RATE_LIMITED = "rate_limited"
    USAGE_EXCEEDED = "usage_exceeded"
    DISABLED = "disabled"
    MODEL_NOT_ALLOWED = "model_not_allowed"
    LIMIT_EXCEEDED = "limit_exceeded"
    BUDGET_EXCEEDED = "budget_exceeded"


@dataclass(frozen=True, slots=True)
class APIKey:
    """The public record of a key (never its hash)."""

    id: str
    key_prefix: str
    name: str
    description: str
    owner_id: str
    rate_limit_per_minute: int | None
    expire_time: datetime | None
    remaining_uses: int | None
    metadata: dict[str, Any]
    revoked_at: datetime | None
    last_used_at: datetime | None
    created_at: datetime
    updated_at: datetime
    rules: tuple[LimitRule, ...] = ()
    """The key's own limits and budgets (scope KEY), by name."""
    refill: Refill | None = None
    allowed_models: tuple[str, ...] = ()
    allowed_providers: tuple[str, ...] = ()
    disabled_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class NewAPIKey:
    """A key to store, as CreateAPIKey issued it."""

    id: str
    key_hash: bytes
    key_prefix: str
    name: str
    description: str
    owner_id: str
    rate_limit_per_minute: int | None
    expire_time: datetime | None
    remaining_uses: int | None
    metadata: dict[str, Any]
    request_id: str | None
    rules: tuple[LimitRule, ...] = ()
    refill: Refill | None = None
    allowed_models: tuple[str, ...] = ()
    allowed_providers: tuple[str, ...] = ()
    disabled: bool = False


@dataclass(frozen=True, slots=True)
class KeyUse:
    """What counting one validation found: the rate window's count and start, and the
    quota left (``used_quota`` False when the quota was already empty or the call was
    over the rate limit)."""

    window_count: int | None
    window_start: datetime | None
    used_quota: bool
    remaining_uses: int | None


@dataclass(frozen=True, slots=True)
class Known:
    """What a lookup by hash found: the record and, for a key replaced by rotation, when
    its grace period ends."""

    record: APIKey
    retired_until: datetime | None
    owner_rules: tuple[LimitRule, ...] = ()
    """The limits and budgets of the key's owner (scope OWNER)."""
    unlimited_until: float = field(init=False, repr=False, compare=False)
    """The epoch second (``time.time()``) before which the key is valid without
    counting a use: no rate limit, no quota, not revoked, before its expiry and the end
    of its grace period. -inf when every validation must be judged in full."""
    valid_answer: Validation = field(init=False, repr=False, compare=False)
    """The answer while ``unlimited_until`` has not passed: one object, shared."""

    def __post_init__(self) -> None:
        # Derived once per lookup, so that a cached key's validation is a comparison of
        # two floats (key_rules.judge gives the same answer: tests compare them).
        record = self.record
        until = math.inf
        if (
            record.revoked_at is not None
            or record.rate_limit_per_minute is not None
            or record.remaining_uses is not None
            or record.disabled_at is not None
            or record.rules
            or self.owner_rules
            or record.allowed_models
            or record.allowed_providers
        ):
            until = -math.inf
        for end in (record.expire_time, self.retired_until):
            if end is not None:
                until = min(until, end.timestamp())
        object.__setattr__(self, "unlimited_until", until)
        object.__setattr__(self, "valid_answer", Validation(True, Reason.VALID, record))


@dataclass(frozen=True, slots=True)
class KeyChange:
    """A changed record and the hashes of its keys notified of the change (which every
    server's cache must forget)."""

    record: APIKey
    notified: tuple[bytes, ...]


@dataclass(frozen=True, slots=True)
class KeyRotation:
    """A record given a new key; the old key works until ``old_key_valid_until``. Both
    hashes were notified."""

    record: APIKey
    old_key_valid_until: datetime
    notified: tuple[bytes, ...]


@dataclass(frozen=True, slots=True)
class KeyInput:
    """A key's settings as a request states them."""

    name: str = ""
    description: str = ""
    owner_id: str = ""
    rate_limit_per_minute: int = 0
    expire_time: datetime | None = None
    remaining_uses: int | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    metadata_size: int = 0
    rules: tuple[LimitRule, ...] = ()
    """Limits then budgets as stated (scope KEY, no ids)."""
    refill: Refill | None = None
    allowed_models: tuple[str, ...] = ()
    allowed_providers: tuple[str, ...] = ()
    disabled: bool = False


@dataclass(frozen=True, slots=True)
class KeyQuery:
    """Filters and page of a list call."""

    key_prefix: str = ""
    owner_id: str = ""
    include_revoked: bool = False
    include_expired: bool = False
    page_size: int = 0
    page_token: str = ""


@dataclass(frozen=True, slots=True)
class RateState:
    """The key's current rate-limit window."""

    limit: int
    remaining: int
    reset_time: datetime


@dataclass(frozen=True, slots=True)
class Validation:
    """The answer to ValidateAPIKey."""

    valid: bool
    reason: Reason
    record: APIKey | None = None
    rate: RateState | None = None
    decided_by: str = ""
    """What decided: see ValidateAPIKeyResponse.decided_by."""
    limits: tuple[LimitState, ...] = ()
    reservation_id: str = ""
    reservation_expires: datetime | None = None
