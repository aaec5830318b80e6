"""SQL of API keys: records, hash lookup, rate windows, quotas, last-used flushes; and
PostgresAPIKeyStore, the domain's APIKeyStore over the cluster.

Only SHA-256 hashes of keys reach this module. Every change that can alter a validation
answer notifies ``channel`` with the affected hashes in the same transaction, so every
server's cache hears of it at commit; the change's result names the hashes notified, so
the writing server's cache need not wait for the round trip.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from psycopg import sql
from psycopg.rows import TupleRow
from psycopg.types.json import Jsonb

from dataaccess_server.db import key_settings, key_uses
from dataaccess_server.db.cluster import Cluster, Connection, Intent
from dataaccess_server.db.conditions import with_given_conditions
from dataaccess_server.db.key_channel import notify_hashes
from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.model.api_keys import (
    APIKey,
    KeyChange,
    KeyQuery,
    KeyRotation,
    KeyUse,
    Known,
    NewAPIKey,
)
from dataaccess_server.domain.model.key_policies import (
    OwnerPolicy,
    Refill,
    RefillInterval,
    Scope,
)

log = logging.getLogger(__name__)

COLUMNS = f"""
k.id::text, k.key_prefix, k.name, k.description, k.owner_id, k.rate_limit_per_minute,
k.expire_time, {key_settings.SHOWN_REMAINING_USES}, k.metadata, k.revoked_at, k.last_used_at,
k.created_at, k.updated_at, k.disabled_at, k.allowed_models, k.allowed_providers,
k.refill_amount, k.refill_interval, k.refill_day, {key_settings.SHOWN_LAST_REFILL},
{key_settings.KEY_RULES}
"""
INSERT_KEY = f"""
INSERT INTO api_keys AS k (id, key_hash, key_prefix, name, description, owner_id,
    rate_limit_per_minute, expire_time, remaining_uses, metadata, create_request_id)
VALUES (%(id)s, %(hash)s, %(prefix)s, %(name)s, %(description)s, %(owner_id)s,
    %(rate_limit)s, %(expire_time)s, %(remaining_uses)s, %(metadata)s, %(request_id)s)
ON CONFLICT (create_request_id) DO NOTHING
RETURNING {COLUMNS}
"""
FETCH_BY_REQUEST_ID = f"SELECT {COLUMNS} FROM api_keys k WHERE k.create_request_id = %(id)s"
FETCH_BY_ID = f"SELECT {COLUMNS} FROM api_keys k WHERE k.id = %(id)s"
# A current key, or a key replaced by rotation (with the end of its grace period).
LOOKUP_BY_HASH = f"""
SELECT {COLUMNS}, NULL::timestamptz, {key_settings.OWNER_RULES}
FROM api_keys k WHERE k.key_hash = %(hash)s
UNION ALL
SELECT {COLUMNS}, r.valid_until, {key_settings.OWNER_RULES}
FROM api_key_retired_hashes r JOIN api_keys k ON k.id = r.api_key_id
WHERE r.key_hash = %(hash)s
LIMIT 1
"""
HASHES_OF_KEY = """
SELECT key_hash FROM api_keys WHERE id = %(id)s
UNION ALL
SELECT key_hash FROM api_key_retired_hashes WHERE api_key_id = %(id)s
"""
LIST_KEYS = f"SELECT {COLUMNS} FROM api_keys k WHERE {{conditions}} ORDER BY k.id LIMIT %(limit)s"
LIST_CONDITIONS = {
    "key_prefix": "left(k.key_prefix, length(%(key_prefix)s)) = %(key_prefix)s",
    "owner_id": "k.owner_id = %(owner_id)s",
    "active_only": "k.revoked_at IS NULL",
    "unexpired_only": "(k.expire_time IS NULL OR k.expire_time > now())",
    "after": "k.id > %(after)s::uuid",
}
UPDATE_KEY = "UPDATE api_keys k SET {changes}, updated_at = now() WHERE k.id = %(id)s "
RETURNING = f"RETURNING {COLUMNS}"
REVOKE_KEY = f"""
UPDATE api_keys k SET revoked_at = coalesce(k.revoked_at, now()),
    updated_at = CASE WHEN k.revoked_at IS NULL THEN now() ELSE k.updated_at END
WHERE k.id = %(id)s
RETURNING {COLUMNS}
"""
LOCK_KEY_HASH = "SELECT key_hash FROM api_keys WHERE id = %(id)s FOR UPDATE"
RETIRE_HASH = """
INSERT INTO api_key_retired_hashes (key_hash, api_key_id, valid_until)
VALUES (%(hash)s, %(id)s, now() + make_interval(secs => %(grace)s))
RETURNING valid_until
"""
REPLACE_HASH = f"""
UPDATE api_keys k SET key_hash = %(hash)s, key_prefix = %(prefix)s, updated_at = now()
WHERE k.id = %(id)s
RETURNING {COLUMNS}
"""
# Hashes per notification: 65 characters each, well below NOTIFY's 8000 bytes.
NOTIFY_HASHES = 100
UPDATABLE = frozenset(
    {"name", "description", "rate_limit_per_minute", "expire_time", "remaining_uses", "metadata"}
)
# Key policy settings UpdateAPIKey may change, written apart from the plain columns.
POLICY_FIELDS = frozenset(
    {"limits", "budgets", "refill", "allowed_models", "allowed_providers", "disabled"}
)


def _record(values: TupleRow) -> APIKey:
    refill = None
    if values[16] is not None:
        refill = Refill(
            amount=values[16],
            interval=RefillInterval(values[17]),
            day=values[18],
            last_refill_at=values[19],
        )
    return APIKey(
        id=values[0],
        key_prefix=values[1],
        name=values[2],
        description=values[3],
        owner_id=values[4],
        rate_limit_per_minute=values[5],
        expire_time=values[6],
        remaining_uses=values[7],
        metadata=dict(values[8]),
        revoked_at=values[9],
        last_used_at=values[10],
        created_at=values[11],
        updated_at=values[12],
        disabled_at=values[13],
        allowed_models=tuple(values[14]),
        allowed_providers=tuple(values[15]),
        refill=refill,
        rules=key_settings.rules_from_json(values[20], Scope.KEY),
    )


async def _hashes(conn: Connection, key_id: str) -> list[bytes]:
    cursor = await conn.execute(HASHES_OF_KEY, {"id": key_id})
    return [bytes(row[0]) for row in await cursor.fetchall()]


async def insert_key(conn: Connection, key: NewAPIKey, *, channel: str) -> tuple[APIKey, bool]:
    """Store a new key; with a request id seen before, return that key's record and
    False instead (nothing stored). Notifies the new hash (negative caches)."""
    async with conn.transaction():
        cursor = await conn.execute(
            INSERT_KEY,
            {
                "id": key.id,
                "hash": key.key_hash,
                "prefix": key.key_prefix,
                "name": key.name,
                "description": key.description,
                "owner_id": key.owner_id,
                "rate_limit": key.rate_limit_per_minute,
                "expire_time": key.expire_time,
                "remaining_uses": key.remaining_uses,
                "metadata": Jsonb(key.metadata),
                "request_id": key.request_id,
            },
        )
        inserted = await cursor.fetchone()
        if inserted is not None:
            await notify_hashes(conn, channel, [key.key_hash])
            if (
                key.rules
                or key.refill
                or key.allowed_models
                or key.allowed_providers
                or key.disabled
            ):
                await key_settings.set_policy(conn, key.id, key)
                await key_settings.put_rules(conn, "api_key_id", key.id, key.rules, limits=True)
                await key_settings.put_rules(conn, "api_key_id", key.id, key.rules, limits=False)
                record = await fetch_key(conn, key.id)
                assert record is not None
                return record, True
            return _record(inserted), True
        cursor = await conn.execute(FETCH_BY_REQUEST_ID, {"id": key.request_id})
        existing = await cursor.fetchone()
        assert existing is not None  # the conflict was on this request id
        return _record(existing), False


async def lookup(conn: Connection, key_hash: bytes) -> Known | None:
    """The key with this hash and, for a key replaced by rotation, when its grace ends."""
    cursor = await conn.execute(LOOKUP_BY_HASH, {"hash": key_hash})
    values = await cursor.fetchone()
    if values is None:
        return None
    return Known(_record(values), values[21], key_settings.rules_from_json(values[22], Scope.OWNER))


async def fetch_key(conn: Connection, key_id: str) -> APIKey | None:
    """The key's record by id."""
    cursor = await conn.execute(FETCH_BY_ID, {"id": key_id})
    values = await cursor.fetchone()
    return _record(values) if values is not None else None


async def list_keys(
    conn: Connection, query: KeyQuery, *, after: str | None, limit: int
) -> list[APIKey]:
    """Keys matching the query's filters (an empty string matches any), by id (creation
    order), after ``after``."""
    params: dict[str, Any] = {
        "key_prefix": query.key_prefix or None,
        "owner_id": query.owner_id or None,
        "active_only": None if query.include_revoked else True,
        "unexpired_only": None if query.include_expired else True,
        "after": after,
    }
    statement = with_given_conditions(LIST_KEYS, LIST_CONDITIONS, params)
    cursor = await conn.execute(statement, {**params, "limit": limit})
    return [_record(values) for values in await cursor.fetchall()]


async def update_key(
    conn: Connection, key_id: str, changes: Mapping[str, Any], *, channel: str
) -> KeyChange | None:
    """Set ``changes`` (columns of UPDATABLE) on the key and notify its hashes; None if
    there is no such key."""
    unknown = set(changes) - UPDATABLE - POLICY_FIELDS
    if unknown or not changes:
        raise ValueError(f"update_key: bad columns {sorted(unknown) or 'none'}")
    plain = {column: value for column, value in changes.items() if column in UPDATABLE}
    assignments = sql.SQL(", ").join(
        [
            sql.SQL("{} = {}").format(sql.Identifier(column), sql.Placeholder(column))
            for column in sorted(plain)
        ]
        + [sql.SQL("updated_at = now()")]
    )
    params = {
        column: Jsonb(value) if column == "metadata" else value for column, value in plain.items()
    }
    query = sql.SQL(UPDATE_KEY.replace(", updated_at = now()", "")).format(changes=assignments)
    async with conn.transaction():
        cursor = await conn.execute(query + sql.SQL(RETURNING), {**params, "id": key_id})
        values = await cursor.fetchone()
        if values is None:
            return None
        if set(changes) & POLICY_FIELDS:
            await key_settings.update_policy(conn, key_id, changes)
            record = await fetch_key(conn, key_id)
            assert record is not None  # the row is locked by the update
        else:
            record = _record(values)
        notified = await notify_hashes(conn, channel, await _hashes(conn, key_id))
        return KeyChange(record, notified)


async def update_owner_policy(
    conn: Connection, owner_id: str, changes: Mapping[str, Any], *, channel: str
) -> tuple[OwnerPolicy, tuple[bytes, ...]]:
    """Replace the owner's ``limits`` and/or ``budgets`` and notify the hashes of every
    key of the owner (several notifications when they would not fit one)."""
    async with conn.transaction():
        await conn.execute(key_settings.TOUCH_OWNER, {"owner_id": owner_id})
        for kind in ("limits", "budgets"):
            if kind in changes:
                await key_settings.put_rules(
                    conn, "owner_id", owner_id, changes[kind], limits=kind == "limits"
                )
        cursor = await conn.execute(key_settings.HASHES_OF_OWNER, {"owner_id": owner_id})
        hashes = [bytes(row[0]) for row in await cursor.fetchall()]
        notified: tuple[bytes, ...] = ()
        for start in range(0, len(hashes), NOTIFY_HASHES):
            notified += await notify_hashes(conn, channel, hashes[start : start + NOTIFY_HASHES])
        return await key_settings.fetch_owner_policy(conn, owner_id), notified


async def revoke_key(conn: Connection, key_id: str, *, channel: str) -> KeyChange | None:
    """Revoke the key (kept if already revoked) and notify its hashes; None if there is
    no such key."""
    async with conn.transaction():
        cursor = await conn.execute(REVOKE_KEY, {"id": key_id})
        values = await cursor.fetchone()
        if values is None:
            return None
        notified = await notify_hashes(conn, channel, await _hashes(conn, key_id))
        return KeyChange(_record(values), notified)


async def rotate_key(
    conn: Connection,
    key_id: str,
    *,
    new_hash: bytes,
    new_prefix: str,
    grace_seconds: float,
    channel: str,
) -> KeyRotation | None:
    """Give the key a new hash; the old one works until now + grace. Notifies both
    hashes. None if there is no such key."""
    async with conn.transaction():
        cursor = await conn.execute(LOCK_KEY_HASH, {"id": key_id})
        current = await cursor.fetchone()
        if current is None:
            return None
        old_hash = bytes(current[0])
        cursor = await conn.execute(
            RETIRE_HASH, {"hash": old_hash, "id": key_id, "grace": grace_seconds}
        )
        until = await cursor.fetchone()
        assert until is not None
        cursor = await conn.execute(
            REPLACE_HASH, {"hash": new_hash, "prefix": new_prefix, "id": key_id}
        )
        values = await cursor.fetchone()
        assert values is not None  # the row is locked
        notified = await notify_hashes(conn, channel, [old_hash, new_hash])
        return KeyRotation(_record(values), until[0], notified)


def _reading(primary: bool) -> Intent:
    # The writer also serves reads that must see the latest state.
    return Intent.WRITE if primary else Intent.READ


class PostgresAPIKeyStore:
    """API keys in the cluster's database: the domain's ``APIKeyStore``.

    Reads go to a replica in rotation unless ``primary`` asks for the primary; writes
    and use counts go to the primary. Every change notifies ``channel``. Every method is
    bounded by ``deadline`` and raises as :meth:`Cluster.run` does
    (DatabaseUnavailableError, DeadlineExceededError, the statement's translated error).
    """

    def __init__(self, cluster: Cluster, channel: str) -> None:
        self._cluster = cluster
        self.channel = channel

    async def insert(self, key: NewAPIKey, deadline: Deadline) -> tuple[APIKey, bool]:
        """Store ``key`` as :func:`insert_key` does: the record, and False for a
        request id seen before (that key's record; nothing stored)."""
        write = partial(insert_key, key=key, channel=self.channel)
        return await self._cluster.run(Intent.WRITE, write, deadline=deadline)

    def reads_on_replicas(self) -> bool:
        """Whether a read without ``primary`` may be served by a replica now."""
        return self._cluster.replicas_serving()

    async def lookup_hash(
        self, key_hash: bytes, deadline: Deadline, *, primary: bool = False
    ) -> Known | None:
        """The key whose current or retired hash is ``key_hash``; None if none."""
        read = partial(lookup, key_hash=key_hash)
        return await self._cluster.run(_reading(primary), read, deadline=deadline)

    async def fetch(
        self, key_id: str, deadline: Deadline, *, primary: bool = False
    ) -> APIKey | None:
        """The record of key ``key_id``; None if none."""
        read = partial(fetch_key, key_id=key_id)
        return await self._cluster.run(_reading(primary), read, deadline=deadline)

    async def list_page(
        self, query: KeyQuery, *, after: str | None, limit: int, deadline: Deadline
    ) -> list[APIKey]:
        """See :func:`list_keys`, on a node that may be a replica."""
        read = partial(list_keys, query=query, after=after, limit=limit)
        return await self._cluster.run(Intent.READ, read, deadline=deadline)

    async def update(
        self, key_id: str, changes: Mapping[str, Any], deadline: Deadline
    ) -> KeyChange | None:
        """Set ``changes`` (updatable fields) on the key; None if there is none."""
        write = partial(update_key, key_id=key_id, changes=changes, channel=self.channel)
        return await self._cluster.run(Intent.WRITE, write, deadline=deadline)

    async def revoke(self, key_id: str, deadline: Deadline) -> KeyChange | None:
        """Revoke the key (kept if already revoked); None if there is none."""
        write = partial(revoke_key, key_id=key_id, channel=self.channel)
        return await self._cluster.run(Intent.WRITE, write, deadline=deadline)

    async def rotate(
        self,
        key_id: str,
        deadline: Deadline,
        *,
        new_hash: bytes,
        new_prefix: str,
        grace: timedelta,
    ) -> KeyRotation | None:
        """Give the key a new hash, the old one kept for ``grace``; None if no key."""
        write = partial(
            rotate_key,
            key_id=key_id,
            new_hash=new_hash,
            new_prefix=new_prefix,
            grace_seconds=grace.total_seconds(),
            channel=self.channel,
        )
        return await self._cluster.run(Intent.WRITE, write, deadline=deadline)

    async def count_validation(
        self,
        key_id: str,
        deadline: Deadline,
        *,
        rate_limit: int | None,
        has_quota: bool,
        refills: bool = False,
    ) -> KeyUse:
        """Count one validation against the key's rate limit and/or quota."""
        write = partial(
            key_uses.count_use,
            key_id=key_id,
            rate_limit=rate_limit,
            has_quota=has_quota,
            refills=refills,
        )
        return await self._cluster.run(Intent.WRITE, write, deadline=deadline)

    async def fetch_owner_policy(self, owner_id: str, deadline: Deadline) -> OwnerPolicy:
        """See :func:`fetch_owner_policy` (on a node that may be a replica)."""
        read = partial(key_settings.fetch_owner_policy, owner_id=owner_id)
        return await self._cluster.run(Intent.READ, read, deadline=deadline)

    async def update_owner_policy(
        self, owner_id: str, changes: Mapping[str, Any], deadline: Deadline
    ) -> tuple[OwnerPolicy, tuple[bytes, ...]]:
        """See :func:`update_owner_policy`."""
        write = partial(
            update_owner_policy, owner_id=owner_id, changes=changes, channel=self.channel
        )
        return await self._cluster.run(Intent.WRITE, write, deadline=deadline)

    async def record_last_used(self, used: Mapping[str, datetime], deadline: Deadline) -> None:
        """Record the last-used times of many keys in one statement."""
        write = partial(key_uses.flush_last_used, used=used)
        await self._cluster.run(Intent.WRITE, write, deadline=deadline)
