"""Conversion of CacheService messages."""

from __future__ import annotations

from datetime import timedelta

from google.protobuf import duration_pb2

from dataaccess.v1 import cache_pb2
from dataaccess_server.domain.model.cache import CacheEntry, CacheWriteInput

# A Duration may state about 10,000 years (a raw int64 far more), past what a timedelta
# holds: beyond a century it is clamped, and the domain's cap refuses it by its bounds.
_CENTURY_SECONDS = 100 * 366 * 86_400


def ttl_from_proto(
    message: cache_pb2.SetCacheEntryRequest | cache_pb2.SetCacheEntriesItem,
) -> timedelta | None:
    """The requested TTL, None when the field is unset (its bounds are the domain's)."""
    if not message.HasField("ttl"):
        return None
    ttl: duration_pb2.Duration = message.ttl
    seconds = max(-_CENTURY_SECONDS, min(ttl.seconds, _CENTURY_SECONDS))
    return timedelta(seconds=seconds, microseconds=ttl.nanos // 1000)


def write_from_proto(
    message: cache_pb2.SetCacheEntryRequest | cache_pb2.SetCacheEntriesItem,
) -> CacheWriteInput:
    """The domain input of one entry to set."""
    return CacheWriteInput(
        key=message.key, value=message.value, ttl=ttl_from_proto(message), tags=tuple(message.tags)
    )


def entry_to_proto(entry: CacheEntry) -> cache_pb2.CacheEntry:
    """One stored entry."""
    message = cache_pb2.CacheEntry(key=entry.key, value=entry.value, tags=entry.tags)
    message.expire_time.FromDatetime(entry.expires_at)
    return message
