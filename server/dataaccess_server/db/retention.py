"""Retention: dropping old request-log and audit partitions, deleting expired rows elsewhere."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dataaccess_server.db import audit, cache, request_logs
from dataaccess_server.db.pool import Connection
from dataaccess_server.domain.model.cache import SWEEP_BATCH

DELETE_APPLIED_REQUESTS = """
DELETE FROM usage_applied_requests WHERE applied_at < now() - make_interval(days => %(days)s)
"""
DELETE_RATE_WINDOWS = """
DELETE FROM api_key_rate_windows WHERE window_start < now() - interval '1 hour'
"""
DELETE_RETIRED_HASHES = "DELETE FROM api_key_retired_hashes WHERE valid_until < now()"
# Key policies (0016): ledger rows of limits' windows over for a day (budgets' periods
# are kept: they are spend history), and reservations settled or expired before the
# usage request ids' retention (a settlement retried later would charge as new).
DELETE_LIMIT_WINDOWS = """
DELETE FROM key_limit_ledger g USING key_limits l
WHERE l.id = g.limit_id AND l.window_seconds IS NOT NULL
  AND g.period_end < dataaccess_now() - interval '1 day'
"""
DELETE_RESERVATIONS = """
DELETE FROM key_reservations
WHERE state <> 'held' AND finished_at < now() - make_interval(days => %(days)s)
"""


@dataclass(frozen=True, slots=True)
class Removed:
    """What one cleanup removed."""

    partitions: list[str]
    applied_requests: int
    rate_windows: int
    retired_hashes: int
    audit_partitions: list[str]
    cache_entries: int = 0
    """Expired cache entries deleted."""
    limit_windows: int = 0
    """Ledger rows of key limits' windows that ended over a day ago."""
    reservations: int = 0
    """Finished key reservations past the retention."""


async def cleanup(
    conn: Connection, *, keep_from: date, retention_days: int, audit_keep_from: date
) -> Removed:
    """Drop log partitions of days before ``keep_from`` and audit partitions of days
    before ``audit_keep_from`` (through the owner's function, so the server's DML-only
    role can run it too); delete usage request ids older than ``retention_days``, rate
    windows older than an hour, retired key hashes past their grace and expired cache
    entries (10,000 rows per statement, as the servers' sweeps do). Each step is its own
    statement (a dropped partition stays dropped if a later step fails)."""
    dropped = await request_logs.drop_partitions_before(conn, keep_from)
    audit_dropped = await audit.drop_partitions_before(conn, audit_keep_from)
    applied = await conn.execute(DELETE_APPLIED_REQUESTS, {"days": retention_days})
    windows = await conn.execute(DELETE_RATE_WINDOWS)
    retired = await conn.execute(DELETE_RETIRED_HASHES)
    limit_windows = await conn.execute(DELETE_LIMIT_WINDOWS)
    reservations = await conn.execute(DELETE_RESERVATIONS, {"days": retention_days})
    swept = 0
    while (batch := await cache.sweep_expired(conn, SWEEP_BATCH)) > 0:
        swept += batch
        if batch < SWEEP_BATCH:
            break
    return Removed(
        dropped,
        applied.rowcount,
        windows.rowcount,
        retired.rowcount,
        audit_dropped,
        swept,
        limit_windows.rowcount,
        reservations.rowcount,
    )
