"""SQL of the rollup fold: unfolded request-log deltas moved into the rollups.

Ingestion inserts per-batch rows into ``request_log_delta`` (migration 0011) and never
updates a shared rollup row. A fold chunk takes up to ``limit`` delta rows, deletes
them and adds their sums to ``request_log_hourly`` and to the dense latency histograms
``request_log_histogram_{hourly,daily,weekly}`` (migration 0014: one row of 227 bucket
counts per key, built from the chunk's sparse deltas by ``latency_counts`` and added
element by element by ``latency_counts_add``), upserts in key order, in one statement,
so in one transaction: a chunk that dies midway (its backend terminated, its deadline
passed, the server killed) is rolled back whole, and nothing is lost or counted twice.
Readers (the ``*_all`` views, the dense tables) see the rows before the chunk or after
it, never in between.

One process folds at a time: the chunk's transaction first takes a transaction-level
advisory lock, without waiting; a process that does not get it leaves the work to the
one holding it. Workers, servers and the down migration never fold the same rows twice.
"""

from __future__ import annotations

import hashlib
from functools import partial

from dataaccess_server.db.cluster import Cluster, Connection, Intent
from dataaccess_server.deadline import Deadline

TRY_FOLD_LOCK = "SELECT pg_try_advisory_xact_lock(%(key)s)"
# The rows are taken in heap order (oldest first, mostly), by physical address: the
# table has no index, and no one else deletes or updates its rows (the lock above).
FOLD_DELTAS = """
WITH folded AS (
    DELETE FROM request_log_delta WHERE ctid = ANY(ARRAY(
        SELECT ctid FROM request_log_delta LIMIT %(limit)s
    ))
    RETURNING hour, provider, model, bucket, requests, errors, input_tokens, output_tokens,
        latency_ms_sum
), hourly AS (
    INSERT INTO request_log_hourly AS h (hour, provider, model, requests, errors,
        input_tokens, output_tokens, latency_ms_sum)
    SELECT hour, provider, model, sum(requests), sum(errors), sum(input_tokens),
        sum(output_tokens), sum(latency_ms_sum)
    FROM folded GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (hour, provider, model) DO UPDATE SET
        requests = h.requests + excluded.requests,
        errors = h.errors + excluded.errors,
        input_tokens = h.input_tokens + excluded.input_tokens,
        output_tokens = h.output_tokens + excluded.output_tokens,
        latency_ms_sum = h.latency_ms_sum + excluded.latency_ms_sum
    RETURNING 1
), buckets AS (
    SELECT hour, provider, model, bucket, sum(requests)::bigint AS count
    FROM folded GROUP BY 1, 2, 3, 4
), latency AS (
    INSERT INTO request_log_histogram_hourly AS l (hour, provider, model, counts)
    SELECT hour, provider, model, latency_counts(array_agg(bucket), array_agg(count))
    FROM buckets GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (hour, provider, model) DO UPDATE
    SET counts = latency_counts_add(l.counts, excluded.counts)
    RETURNING 1
), latency_daily AS (
    INSERT INTO request_log_histogram_daily AS d (day, provider, model, counts)
    SELECT (hour AT TIME ZONE 'UTC')::date, provider, model,
        latency_counts(array_agg(bucket), array_agg(count))
    FROM buckets GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (day, provider, model) DO UPDATE
    SET counts = latency_counts_add(d.counts, excluded.counts)
    RETURNING 1
), latency_weekly AS (
    INSERT INTO request_log_histogram_weekly AS w (week, provider, model, counts)
    SELECT week_of((hour AT TIME ZONE 'UTC')::date), provider, model,
        latency_counts(array_agg(bucket), array_agg(count))
    FROM buckets GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (week, provider, model) DO UPDATE
    SET counts = latency_counts_add(w.counts, excluded.counts)
    RETURNING 1
)
SELECT count(*) FROM folded
"""
COUNT_DELTAS = "SELECT count(*) FROM request_log_delta"


def fold_lock_key(schema: str) -> int:
    """The advisory-lock key of ``schema``'s fold: a stable signed 64-bit integer (one
    per schema, so deployments sharing a database do not hold each other up)."""
    digest = hashlib.sha256(f"dataaccess.rollup_fold:{schema}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


async def fold_chunk(conn: Connection, *, limit: int, lock_key: int) -> int | None:
    """Fold up to ``limit`` delta rows into the rollups in one transaction; the number
    folded, or None when another session holds the fold lock (nothing was done).

    Inside a transaction the caller opened, the chunk becomes part of it (a savepoint):
    rolling that back undoes the chunk, as a test of an interrupted fold does.
    """
    async with conn.transaction():
        cursor = await conn.execute(TRY_FOLD_LOCK, {"key": lock_key})
        locked = await cursor.fetchone()
        if locked is None or not locked[0]:
            return None
        cursor = await conn.execute(FOLD_DELTAS, {"limit": limit})
        row = await cursor.fetchone()
    assert row is not None
    return int(row[0])


async def count_deltas(conn: Connection) -> int:
    """The delta rows not folded yet (the backlog)."""
    cursor = await conn.execute(COUNT_DELTAS)
    row = await cursor.fetchone()
    assert row is not None
    return int(row[0])


class PostgresRollupFolder:
    """The fold on the cluster's primary (the domain's RollupFolder). Every method
    raises as ``Cluster.run`` does (DatabaseUnavailableError, DeadlineExceededError)."""

    def __init__(self, cluster: Cluster, *, schema: str) -> None:
        self._cluster = cluster
        self._lock_key = fold_lock_key(schema)

    async def fold_chunk(self, limit: int, deadline: Deadline) -> int | None:
        """:func:`fold_chunk` on the primary within ``deadline``."""
        fold = partial(fold_chunk, limit=limit, lock_key=self._lock_key)
        return await self._cluster.run(Intent.WRITE, fold, deadline=deadline)

    async def backlog(self, deadline: Deadline) -> int:
        """:func:`count_deltas` on the primary within ``deadline``."""
        return await self._cluster.run(Intent.WRITE, count_deltas, deadline=deadline)
