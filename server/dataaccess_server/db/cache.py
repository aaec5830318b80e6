"""SQL of the shared cache: one statement per call, always on the primary.

``cache_entries`` is UNLOGGED (migration 0010): a hot standby cannot read it, so every
function here runs on the primary (Intent.WRITE, reads included). Expiry uses the
database's clock: ``now()`` is the statement's start in autocommit.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from functools import partial
from typing import Any

from dataaccess_server.db.cluster import Cluster, Connection, Intent
from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.model.cache import CacheEntry, CacheWrite

GET_ENTRY = """
SELECT value, tags, expires_at FROM cache_entries
WHERE key = %(key)s AND expires_at > now()
"""
GET_ENTRIES = """
SELECT key, value, tags, expires_at FROM cache_entries
WHERE key = ANY(%(keys)s::text[]) AND expires_at > now()
"""
# An expired entry replaced by a set is a new entry: its creation time restarts.
SET_ENTRY = """
INSERT INTO cache_entries AS c (key, value, tags, expires_at)
VALUES (%(key)s, %(value)s, %(tags)s::text[], now() + %(ttl)s::interval)
ON CONFLICT (key) DO UPDATE SET
    value = excluded.value, tags = excluded.tags, expires_at = excluded.expires_at,
    created_at = CASE WHEN c.expires_at > now() THEN c.created_at ELSE now() END,
    updated_at = now()
RETURNING expires_at
"""
# Tags of each entry travel as one JSON array (unnest cannot take a ragged 2-D array).
# ORDER BY key COLLATE "C" (byte order, as the domain sorts): every batch locks its rows
# in one order, so two concurrent batches sharing keys never deadlock.
SET_ENTRIES = """
INSERT INTO cache_entries AS c (key, value, tags, expires_at)
SELECT b.key, b.value, ARRAY(SELECT jsonb_array_elements_text(b.tags)), now() + b.ttl
FROM unnest(%(keys)s::text[], %(values)s::bytea[], %(tags)s::jsonb[], %(ttls)s::interval[])
    AS b(key, value, tags, ttl)
ORDER BY b.key COLLATE "C"
ON CONFLICT (key) DO UPDATE SET
    value = excluded.value, tags = excluded.tags, expires_at = excluded.expires_at,
    created_at = CASE WHEN c.expires_at > now() THEN c.created_at ELSE now() END,
    updated_at = now()
RETURNING key, expires_at
"""
DELETE_ENTRY = """
DELETE FROM cache_entries WHERE key = %(key)s RETURNING expires_at > now()
"""
# One statement: every tagged entry goes (the GIN index answers &&), live ones counted.
INVALIDATE_TAGS = """
WITH gone AS (
    DELETE FROM cache_entries WHERE tags && %(tags)s::text[] RETURNING expires_at
)
SELECT count(*) FILTER (WHERE expires_at > now()) FROM gone
"""
# A bounded batch of expired rows, oldest expiry first (the btree on expires_at), by
# physical address; SKIP LOCKED lets concurrent sweeps of several servers take disjoint
# rows instead of queueing behind each other (or behind a set refreshing an entry).
SWEEP_EXPIRED = """
DELETE FROM cache_entries WHERE ctid = ANY(ARRAY(
    SELECT ctid FROM cache_entries WHERE expires_at <= now()
    ORDER BY expires_at LIMIT %(limit)s FOR UPDATE SKIP LOCKED
))
"""


async def get_entry(conn: Connection, key: str) -> CacheEntry | None:
    """The live entry under ``key``, None if none."""
    cursor = await conn.execute(GET_ENTRY, {"key": key})
    row = await cursor.fetchone()
    if row is None:
        return None
    return CacheEntry(key, bytes(row[0]), tuple(row[1]), row[2])


async def get_entries(conn: Connection, keys: Sequence[str]) -> list[CacheEntry]:
    """The live entries among ``keys``."""
    cursor = await conn.execute(GET_ENTRIES, {"keys": list(keys)})
    return [
        CacheEntry(row[0], bytes(row[1]), tuple(row[2]), row[3]) for row in await cursor.fetchall()
    ]


async def set_entry(conn: Connection, write: CacheWrite) -> CacheEntry:
    """Store one entry; it with its expiry."""
    params = {"key": write.key, "value": write.value, "tags": list(write.tags), "ttl": write.ttl}
    cursor = await conn.execute(SET_ENTRY, params)
    row = await cursor.fetchone()
    assert row is not None  # an upsert always returns its row
    return CacheEntry(write.key, write.value, write.tags, row[0])


async def set_entries(conn: Connection, writes: Sequence[CacheWrite]) -> list[CacheEntry]:
    """Store ``writes`` (distinct keys) in one statement; them with their expiry."""
    params: dict[str, Any] = {
        "keys": [write.key for write in writes],
        "values": [write.value for write in writes],
        "tags": [json.dumps(list(write.tags)) for write in writes],
        "ttls": [write.ttl for write in writes],
    }
    cursor = await conn.execute(SET_ENTRIES, params)
    expiry: dict[str, datetime] = {row[0]: row[1] for row in await cursor.fetchall()}
    return [CacheEntry(w.key, w.value, w.tags, expiry[w.key]) for w in writes]


async def delete_entry(conn: Connection, key: str) -> bool:
    """Remove the entry under ``key``; whether it was live."""
    cursor = await conn.execute(DELETE_ENTRY, {"key": key})
    row = await cursor.fetchone()
    return bool(row is not None and row[0])


async def invalidate_tags(conn: Connection, tags: Sequence[str]) -> int:
    """Remove every entry carrying any of ``tags``; the live ones removed."""
    cursor = await conn.execute(INVALIDATE_TAGS, {"tags": list(tags)})
    row = await cursor.fetchone()
    assert row is not None  # an aggregate always returns a row
    return int(row[0])


async def sweep_expired(conn: Connection, limit: int) -> int:
    """Delete up to ``limit`` expired entries no one else holds; how many."""
    cursor = await conn.execute(SWEEP_EXPIRED, {"limit": limit})
    return cursor.rowcount


class PostgresCacheStore:
    """The cache in PostgreSQL (the domain's CacheStore). Every method runs on the
    primary within ``deadline`` and raises as ``Cluster.run`` does."""

    def __init__(self, cluster: Cluster) -> None:
        self._cluster = cluster

    async def get(self, key: str, deadline: Deadline) -> CacheEntry | None:
        """:func:`get_entry`."""
        return await self._cluster.run(Intent.WRITE, partial(get_entry, key=key), deadline=deadline)

    async def get_many(self, keys: Sequence[str], deadline: Deadline) -> list[CacheEntry]:
        """:func:`get_entries`."""
        read = partial(get_entries, keys=keys)
        return await self._cluster.run(Intent.WRITE, read, deadline=deadline)

    async def set_one(self, write: CacheWrite, deadline: Deadline) -> CacheEntry:
        """:func:`set_entry`."""
        store = partial(set_entry, write=write)
        return await self._cluster.run(Intent.WRITE, store, deadline=deadline)

    async def set_many(self, writes: Sequence[CacheWrite], deadline: Deadline) -> list[CacheEntry]:
        """:func:`set_entries`."""
        store = partial(set_entries, writes=writes)
        return await self._cluster.run(Intent.WRITE, store, deadline=deadline)

    async def delete(self, key: str, deadline: Deadline) -> bool:
        """:func:`delete_entry`."""
        remove = partial(delete_entry, key=key)
        return await self._cluster.run(Intent.WRITE, remove, deadline=deadline)

    async def invalidate_tags(self, tags: Sequence[str], deadline: Deadline) -> int:
        """:func:`invalidate_tags`."""
        remove = partial(invalidate_tags, tags=tags)
        return await self._cluster.run(Intent.WRITE, remove, deadline=deadline)

    async def sweep(self, limit: int, deadline: Deadline) -> int:
        """:func:`sweep_expired`."""
        remove = partial(sweep_expired, limit=limit)
        return await self._cluster.run(Intent.WRITE, remove, deadline=deadline)
