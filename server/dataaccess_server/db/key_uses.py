"""SQL of counting API key uses on the primary: the shared one-minute rate windows,
quotas (remaining_uses) with their scheduled refills, and the coalesced last-used times.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from dataaccess_server.db.cluster import Connection
from dataaccess_server.db.key_settings import REFILL
from dataaccess_server.domain.model.api_keys import KeyUse

# Fixed one-minute windows on the database's clock, shared by every server.
COUNT_IN_WINDOW = """
INSERT INTO api_key_rate_windows AS w (api_key_id, window_start, count)
VALUES (%(id)s, date_trunc('minute', now()), 1)
ON CONFLICT (api_key_id, window_start) DO UPDATE SET count = w.count + 1
RETURNING count, window_start
"""
USE_QUOTA = """
UPDATE api_keys SET remaining_uses = remaining_uses - 1
WHERE id = %(id)s AND remaining_uses > 0
RETURNING remaining_uses
"""
# Both at once: a validation over the rate limit does not use the quota.
COUNT_AND_USE_QUOTA = """
WITH w AS (
    INSERT INTO api_key_rate_windows AS w (api_key_id, window_start, count)
    VALUES (%(id)s, date_trunc('minute', now()), 1)
    ON CONFLICT (api_key_id, window_start) DO UPDATE SET count = w.count + 1
    RETURNING count, window_start
), q AS (
    UPDATE api_keys SET remaining_uses = remaining_uses - 1
    WHERE id = %(id)s AND remaining_uses > 0 AND (SELECT count FROM w) <= %(limit)s
    RETURNING remaining_uses
)
SELECT (SELECT count FROM w), (SELECT window_start FROM w),
       (SELECT remaining_uses FROM q), (SELECT remaining_uses FROM api_keys WHERE id = %(id)s)
"""
FLUSH_LAST_USED = """
UPDATE api_keys k SET last_used_at = greatest(k.last_used_at, u.used_at)
FROM unnest(%(ids)s::uuid[], %(times)s::timestamptz[]) AS u(id, used_at)
WHERE k.id = u.id
"""
# Columns UpdateAPIKey may change.


async def count_use(
    conn: Connection,
    key_id: str,
    *,
    rate_limit: int | None,
    has_quota: bool,
    refills: bool = False,
) -> KeyUse:
    """Count one validation in the key's current window and/or use one of its quota,
    in one statement (after the refill that is due, if ``refills``). A validation over
    the rate limit does not use the quota."""
    if refills:
        await conn.execute(REFILL, {"id": key_id})
    if rate_limit is not None and has_quota:
        cursor = await conn.execute(COUNT_AND_USE_QUOTA, {"id": key_id, "limit": rate_limit})
        values = await cursor.fetchone()
        assert values is not None
        used = values[2] is not None
        return KeyUse(values[0], values[1], used, values[2] if used else values[3])
    if rate_limit is not None:
        cursor = await conn.execute(COUNT_IN_WINDOW, {"id": key_id})
        values = await cursor.fetchone()
        assert values is not None
        return KeyUse(values[0], values[1], False, None)
    cursor = await conn.execute(USE_QUOTA, {"id": key_id})
    values = await cursor.fetchone()
    return KeyUse(None, None, values is not None, values[0] if values is not None else 0)


async def flush_last_used(conn: Connection, used: Mapping[str, datetime]) -> None:
    """Record last-used times of many keys in one statement (never moving one back)."""
    await conn.execute(FLUSH_LAST_USED, {"ids": list(used), "times": list(used.values())})
