"""The cache's settings from the environment (apart from ``config`` to keep each module
about one thing): see the README's cache section."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from dataaccess_server.domain.model.cache import (
    DEFAULT_MAX_TTL,
    DEFAULT_MAX_VALUE_BYTES,
    CacheLimits,
)

if TYPE_CHECKING:
    from dataaccess_server.config import _Reader

MESSAGE_ROOM = 8 * 1024
"""What a SetCacheEntry request carries beside its value: a key (512 bytes), 32 tags of
128 characters (up to 4 bytes each in UTF-8, so 16 KiB at worst; 4 KiB in ASCII) and
framing. A value cap that leaves less than this under DATAACCESS_MAX_MESSAGE_BYTES would
let grpc refuse a request the cache accepts."""


@dataclass(frozen=True, slots=True)
class CacheSettings:
    """``DATAACCESS_CACHE_*``."""

    limits: CacheLimits = field(default_factory=CacheLimits)
    sweep_interval: float = 60.0
    """Seconds between two sweeps of expired entries by each server process."""


def read_cache_settings(read: _Reader, *, max_message_bytes: int) -> CacheSettings:
    """DATAACCESS_CACHE_MAX_VALUE_BYTES (default 1 MiB, or less when
    DATAACCESS_MAX_MESSAGE_BYTES leaves less room), DATAACCESS_CACHE_MAX_TTL (7 days) and
    DATAACCESS_CACHE_SWEEP_INTERVAL (60 s). ConfigError naming the variable."""
    from dataaccess_server.config import ConfigError

    room = max_message_bytes - MESSAGE_ROOM
    value_bytes = read.integer(
        "DATAACCESS_CACHE_MAX_VALUE_BYTES",
        min(DEFAULT_MAX_VALUE_BYTES, room),
        minimum=0,
        maximum=2**31 - 1,
    )
    if value_bytes > room:
        raise ConfigError(
            "DATAACCESS_CACHE_MAX_VALUE_BYTES",
            f"must leave {MESSAGE_ROOM} bytes for key and tags under"
            f" DATAACCESS_MAX_MESSAGE_BYTES ({max_message_bytes}): at most {room}, got"
            f" {value_bytes}",
        )
    max_ttl = read.duration(
        "DATAACCESS_CACHE_MAX_TTL", DEFAULT_MAX_TTL.total_seconds(), minimum=1.0
    )
    if max_ttl > 100 * 365 * 86_400:
        raise ConfigError(
            "DATAACCESS_CACHE_MAX_TTL", f"must be at most 100 years, got {max_ttl:g}s"
        )
    return CacheSettings(
        limits=CacheLimits(max_value_bytes=value_bytes, max_ttl=timedelta(seconds=max_ttl)),
        sweep_interval=read.duration("DATAACCESS_CACHE_SWEEP_INTERVAL", 60.0, minimum=0.1),
    )
