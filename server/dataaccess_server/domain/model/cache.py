"""Cache entries: what a request states, what is stored, and the limits. Pure."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

MAX_KEY_BYTES = 512
MAX_TAGS = 32
MAX_TAG_CHARS = 128
MAX_BATCH = 1000
"""Keys of one GetCacheEntries, entries of one SetCacheEntries."""
MIN_TTL = timedelta(seconds=1)
DEFAULT_MAX_VALUE_BYTES = 1024 * 1024
DEFAULT_MAX_TTL = timedelta(days=7)
SWEEP_BATCH = 10_000
"""Expired rows one sweep statement deletes at most: a huge backlog is removed in short
statements, none holding many row locks for long."""


@dataclass(frozen=True, slots=True)
class CacheLimits:
    """The configurable bounds (DATAACCESS_CACHE_MAX_VALUE_BYTES, DATAACCESS_CACHE_MAX_TTL).

    Raises ValueError for a maximum below the fixed minimum (a value of 0 bytes is
    allowed; a TTL cap under 1 s would refuse every set)."""

    max_value_bytes: int = DEFAULT_MAX_VALUE_BYTES
    max_ttl: timedelta = DEFAULT_MAX_TTL

    def __post_init__(self) -> None:
        if self.max_value_bytes < 0:
            raise ValueError(f"max_value_bytes must be at least 0, got {self.max_value_bytes}")
        if self.max_ttl < MIN_TTL:
            raise ValueError(f"max_ttl must be at least {MIN_TTL}, got {self.max_ttl}")


@dataclass(frozen=True, slots=True)
class CacheWriteInput:
    """One entry as a set request states it (``ttl`` None when missing)."""

    key: str
    value: bytes
    ttl: timedelta | None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CacheWrite:
    """One validated entry to store: tags without duplicates, ttl within bounds."""

    key: str
    value: bytes
    ttl: timedelta
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CacheEntry:
    """One live entry; ``expires_at`` by the database's clock."""

    key: str
    value: bytes
    tags: tuple[str, ...]
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class CacheLookup:
    """What a batch read found (in key order) and which keys it did not."""

    entries: list[CacheEntry] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
