"""SQL of daily usage counters: one statement (and so one transaction) per batch."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from typing import Any

from psycopg import errors as pg_errors

from dataaccess_server.db.cluster import Cluster, Connection, Intent
from dataaccess_server.db.conditions import with_given_conditions
from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.model.usage import (
    BIGINT_MAX,
    COUNTERS,
    TOTALLED,
    AppliedBatch,
    Charge,
    DailyUsage,
    UsageFilter,
    UsageKey,
    describe_key,
)
from dataaccess_server.errors import OutOfRangeError

# Rows arrive summed per key and sorted by the primary key; ORDER BY keeps that order
# through the insert, so every batch locks rows in the same order: no deadlocks. The
# arrays go in binary (%b): cheaper to encode than their text form.
_ROWS = """
SELECT * FROM unnest(%(dates)b::date[], %(providers)b::text[], %(models)b::text[],
    %(auth_ids)b::text[], %(request_counts)b::bigint[], %(input_tokens)b::bigint[],
    %(output_tokens)b::bigint[], %(reasoning_tokens)b::bigint[], %(cached_tokens)b::bigint[],
    %(success_counts)b::bigint[], %(error_counts)b::bigint[], %(cost)b::bigint[])
    AS i(usage_date, provider, model, auth_id, request_count, input_tokens, output_tokens,
        reasoning_tokens, cached_tokens, success_count, error_count, cost)
"""
# One row (UpsertUsage, and most batches of one key): plain parameters, which cost less
# to encode than eleven one-element arrays.
_ONE_ROW = """
SELECT %(date)s::date AS usage_date, %(provider)s::text AS provider,
    %(model)s::text AS model, %(auth_id)s::text AS auth_id,
    %(request_count)s::bigint AS request_count, %(input_tokens)s::bigint AS input_tokens,
    %(output_tokens)s::bigint AS output_tokens,
    %(reasoning_tokens)s::bigint AS reasoning_tokens,
    %(cached_tokens)s::bigint AS cached_tokens, %(success_count)s::bigint AS success_count,
    %(error_count)s::bigint AS error_count, %(cost)s::bigint AS cost
"""
# A batch with a request id claims it in the same statement (one transaction, one round
# trip): the claim and the counters commit together or not at all, and the counters are
# added only if the claim inserted its row. A concurrent duplicate's claim waits on the
# first's unique key until that transaction ends; if it committed, the claim does
# nothing, nothing else is touched, and the statement answers false (then FETCH_REQUEST
# reads the first application's figures).
_CLAIM = """
claim AS (
    INSERT INTO usage_applied_requests (request_id, fingerprint, records_received, keys_updated)
    VALUES (%(request_id)s, %(fingerprint)s, %(records_received)s, %(keys_updated)s)
    ON CONFLICT (request_id) DO NOTHING
    RETURNING request_id
),"""
# The same statement keeps the usage rollups of migration 0012 (db/usage_analytics.py):
# a batch's rows are exactly the increments, and `xmax = 0` tells the keys it created.
# Auth ids new to usage_auth_numbers are numbered (ON CONFLICT DO UPDATE, so an id a
# concurrent batch numbered after this statement's snapshot comes back too); then the
# chunk rows and the auth-day rows take the sums, in key order, and so do the weekly
# rows of migration 0013 (a new day key sets its auth's bit in the week too). Every
# batch takes its locks in the same sequence (counters, new auth ids, chunks,
# auth-days, week chunks, auth-weeks), each in key order: concurrent batches cannot
# deadlock. (Data-modifying CTEs run to completion
# whether or not the final SELECT reads them.)
_UPSERT = """
input AS ({rows}), upserted AS (
    INSERT INTO usage_stats AS u (usage_date, provider, model, auth_id, request_count,
        input_tokens, output_tokens, reasoning_tokens, cached_tokens, success_count, error_count,
        cost)
    SELECT * FROM input {guard}
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (usage_date, provider, model, auth_id) DO UPDATE SET
        request_count = u.request_count + excluded.request_count,
        input_tokens = u.input_tokens + excluded.input_tokens,
        output_tokens = u.output_tokens + excluded.output_tokens,
        reasoning_tokens = u.reasoning_tokens + excluded.reasoning_tokens,
        cached_tokens = u.cached_tokens + excluded.cached_tokens,
        success_count = u.success_count + excluded.success_count,
        error_count = u.error_count + excluded.error_count,
        cost = u.cost + excluded.cost,
        updated_at = now()
    RETURNING usage_date, provider, model, auth_id, xmax = 0 AS added
), known AS (
    SELECT auth_id, auth_number FROM usage_auth_numbers
    WHERE auth_id IN (SELECT auth_id FROM input)
), interned AS (
    INSERT INTO usage_auth_numbers (auth_id)
    SELECT DISTINCT auth_id FROM upserted WHERE auth_id NOT IN (SELECT auth_id FROM known)
    ORDER BY 1
    ON CONFLICT (auth_id) DO UPDATE SET auth_id = excluded.auth_id
    RETURNING auth_id, auth_number
), changes AS (
    SELECT i.*, i.input_tokens + i.output_tokens + i.reasoning_tokens AS total_tokens,
        n.auth_number, u.added
    FROM input i JOIN upserted u USING (usage_date, provider, model, auth_id)
    JOIN (SELECT * FROM known UNION ALL SELECT * FROM interned) n USING (auth_id)
), chunks AS (
    INSERT INTO usage_daily_chunks AS r
    SELECT usage_date, provider, model, auth_number >> 8, sum(request_count),
        sum(input_tokens), sum(output_tokens), sum(reasoning_tokens), sum(cached_tokens),
        sum(total_tokens), sum(success_count), sum(error_count),
        bit_or(CASE WHEN added THEN set_bit(B'0'::bit(256), auth_number & 255, 1)
                    ELSE B'0'::bit(256) END)
    FROM changes GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (usage_date, provider, model, chunk) DO UPDATE SET
        request_count = r.request_count + excluded.request_count,
        input_tokens = r.input_tokens + excluded.input_tokens,
        output_tokens = r.output_tokens + excluded.output_tokens,
        reasoning_tokens = r.reasoning_tokens + excluded.reasoning_tokens,
        cached_tokens = r.cached_tokens + excluded.cached_tokens,
        total_tokens = r.total_tokens + excluded.total_tokens,
        success_count = r.success_count + excluded.success_count,
        error_count = r.error_count + excluded.error_count,
        auths = r.auths | excluded.auths
), auth_days AS (
    INSERT INTO usage_auth_daily AS r
    SELECT usage_date, auth_number, sum(request_count), sum(total_tokens)
    FROM changes GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (usage_date, auth_number) DO UPDATE SET
        request_count = r.request_count + excluded.request_count,
        total_tokens = r.total_tokens + excluded.total_tokens
), week_chunks AS (
    INSERT INTO usage_weekly_chunks AS r
    SELECT week_of(usage_date), provider, model, auth_number >> 8, sum(request_count),
        sum(input_tokens), sum(output_tokens), sum(reasoning_tokens), sum(cached_tokens),
        sum(total_tokens), sum(success_count), sum(error_count),
        bit_or(CASE WHEN added THEN set_bit(B'0'::bit(256), auth_number & 255, 1)
                    ELSE B'0'::bit(256) END)
    FROM changes GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (week, provider, model, chunk) DO UPDATE SET
        request_count = r.request_count + excluded.request_count,
        input_tokens = r.input_tokens + excluded.input_tokens,
        output_tokens = r.output_tokens + excluded.output_tokens,
        reasoning_tokens = r.reasoning_tokens + excluded.reasoning_tokens,
        cached_tokens = r.cached_tokens + excluded.cached_tokens,
        total_tokens = r.total_tokens + excluded.total_tokens,
        success_count = r.success_count + excluded.success_count,
        error_count = r.error_count + excluded.error_count,
        auths = r.auths | excluded.auths
), auth_weeks AS (
    INSERT INTO usage_auth_weekly AS r
    SELECT week_of(usage_date), auth_number, sum(request_count), sum(total_tokens)
    FROM changes GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (week, auth_number) DO UPDATE SET
        request_count = r.request_count + excluded.request_count,
        total_tokens = r.total_tokens + excluded.total_tokens
)
"""


def _statement(rows: str, *, claimed: bool) -> str:
    upsert = _UPSERT.format(rows=rows, guard="WHERE EXISTS (SELECT FROM claim)" if claimed else "")
    if claimed:
        return "WITH " + _CLAIM + upsert + "SELECT EXISTS (SELECT FROM claim)"
    return "WITH " + upsert + "SELECT count(*) FROM changes"


UPSERT_USAGE = _statement(_ROWS, claimed=False)
UPSERT_ONE = _statement(_ONE_ROW, claimed=False)
CLAIM_AND_UPSERT = _statement(_ROWS, claimed=True)
CLAIM_AND_UPSERT_ONE = _statement(_ONE_ROW, claimed=True)
# Key policies (migration 0016): settlements of reservations and budget charges, in the
# batch's transaction, after its counters.
CHARGE_KEYS = """
SELECT limit_id::text, period_start, taken, settled
FROM key_usage_charge(%(refs)s::text[], %(key_ids)s::uuid[], %(tokens)s::bigint[],
    %(costs)s::bigint[])
"""
FETCH_REQUEST = """
SELECT fingerprint, records_received, keys_updated FROM usage_applied_requests
WHERE request_id = %(request_id)s
"""
# After an upsert failed on a sum out of range: the first key whose stored counters
# plus the batch's (or their total_tokens) pass bigint, computed in numeric.
_SUMS = ", ".join(f"u.{name}::numeric + d.{name}" for name in COUNTERS)
_TOTAL = " + ".join(f"u.{name}::numeric + d.{name}" for name in TOTALLED)
FIND_OVERFLOW = f"""
SELECT d.usage_date, d.provider, d.model, d.auth_id
FROM unnest(%(dates)b::date[], %(providers)b::text[], %(models)b::text[],
    %(auth_ids)b::text[], %(request_counts)b::bigint[], %(input_tokens)b::bigint[],
    %(output_tokens)b::bigint[], %(reasoning_tokens)b::bigint[], %(cached_tokens)b::bigint[],
    %(success_counts)b::bigint[], %(error_counts)b::bigint[], %(cost)b::bigint[])
    AS d(usage_date, provider, model, auth_id, {", ".join(COUNTERS)})
JOIN usage_stats AS u USING (usage_date, provider, model, auth_id)
WHERE greatest({_SUMS}, {_TOTAL}) > {BIGINT_MAX}
ORDER BY 1, 2, 3, 4 LIMIT 1
"""
USAGE_COLUMNS = """
usage_date, provider, model, auth_id, request_count, input_tokens, output_tokens,
reasoning_tokens, cached_tokens, success_count, error_count, total_tokens, cost
"""
LIST_USAGE = f"""
SELECT {USAGE_COLUMNS} FROM usage_stats WHERE {{conditions}}
ORDER BY usage_date, provider, model, auth_id LIMIT %(limit)s
"""
LIST_CONDITIONS = {
    "auth_id": "auth_id = %(auth_id)s",
    "provider": "provider = %(provider)s",
    "model": "model = %(model)s",
    "start_date": "usage_date >= %(start_date)s",
    "end_date": "usage_date <= %(end_date)s",
    "after": "(usage_date, provider, model, auth_id) > "
    "(%(after_date)s, %(after_provider)s, %(after_model)s, %(after_auth_id)s)",
}


async def apply_batch(
    conn: Connection,
    rows: Sequence[DailyUsage],
    *,
    records_received: int,
    request_id: str | None,
    fingerprint: str,
    charges: Sequence[Charge] = (),
) -> AppliedBatch:
    """Add ``rows`` (distinct keys, sorted) in one transaction, once per ``request_id``.

    A request id applied before adds nothing and returns the first application's figures
    (with its fingerprint, for the caller to compare). OUT_OF_RANGE naming the key when
    a sum would pass bigint: the transaction is rolled back, so nothing is written and
    the key takes later batches that fit.
    """
    try:
        if not charges:
            return await _apply(conn, rows, records_received, request_id, fingerprint)
        async with conn.transaction():
            applied = await _apply(conn, rows, records_received, request_id, fingerprint)
            if applied.replayed:
                return applied  # its charges were made by the first application
            return await _charge(conn, applied, charges)
    except pg_errors.NumericValueOutOfRange:
        cursor = await conn.execute(FIND_OVERFLOW, _columns(rows))
        found = await cursor.fetchone()
        if found is None:
            raise  # not a counter's sum: the generic data-error translation applies
        key = (found[0], found[1], found[2], found[3])
        raise OutOfRangeError(
            f"the counters stored for {describe_key(key)} plus this batch's would pass"
            f" {BIGINT_MAX}, the most a counter holds: nothing was written"
        ) from None


async def _apply(
    conn: Connection,
    rows: Sequence[DailyUsage],
    records_received: int,
    request_id: str | None,
    fingerprint: str,
) -> AppliedBatch:
    # One autocommit statement in the common case, not BEGIN, claim, upsert, COMMIT:
    # a quarter of the round trips, and the same single transaction.
    one = len(rows) == 1
    columns = _row(rows[0]) if one else _columns(rows)
    if request_id is None:
        await conn.execute(UPSERT_ONE if one else UPSERT_USAGE, columns)
        return AppliedBatch(records_received, len(rows), False, fingerprint)
    params: dict[str, Any] = {
        **columns,
        "request_id": request_id,
        "fingerprint": fingerprint,
        "records_received": records_received,
        "keys_updated": len(rows),
    }
    cursor = await conn.execute(CLAIM_AND_UPSERT_ONE if one else CLAIM_AND_UPSERT, params)
    claimed = await cursor.fetchone()
    if claimed is not None and claimed[0]:
        return AppliedBatch(records_received, len(rows), False, fingerprint)
    # Claimed before (and committed: a claim that waited on an aborted one inserts).
    cursor = await conn.execute(FETCH_REQUEST, {"request_id": request_id})
    first = await cursor.fetchone()
    assert first is not None  # the conflict was on this id, whose row is committed
    return AppliedBatch(int(first[1]), int(first[2]), True, str(first[0]))


async def _charge(
    conn: Connection, applied: AppliedBatch, charges: Sequence[Charge]
) -> AppliedBatch:
    cursor = await conn.execute(
        CHARGE_KEYS,
        {
            "refs": [c.reservation for c in charges],
            "key_ids": [c.api_key_id for c in charges],
            "tokens": [c.tokens for c in charges],
            "costs": [c.cost for c in charges],
        },
    )
    rows = await cursor.fetchall()
    charged = tuple((row[0], row[1], int(row[2])) for row in rows if row[0] is not None)
    settled = int(rows[0][3]) if rows else 0
    return replace(applied, settled=settled, charged=charged)


def _row(row: DailyUsage) -> dict[str, Any]:
    return {
        "date": row.usage_date,
        "provider": row.provider,
        "model": row.model,
        "auth_id": row.auth_id,
        **{name: getattr(row, name) for name in COUNTERS},
    }


def _columns(rows: Sequence[DailyUsage]) -> dict[str, list[Any]]:
    return {
        "dates": [row.usage_date for row in rows],
        "providers": [row.provider for row in rows],
        "models": [row.model for row in rows],
        "auth_ids": [row.auth_id for row in rows],
        **{
            f"{name}s" if name.endswith("count") else name: [getattr(r, name) for r in rows]
            for name in COUNTERS
        },
    }


async def list_usage(
    conn: Connection,
    filters: UsageFilter,
    *,
    after: UsageKey | None,
    limit: int,
) -> list[DailyUsage]:
    """Counters matching ``filters``, in key order, after the key ``after``."""
    params: dict[str, Any] = {
        "auth_id": filters.auth_id,
        "provider": filters.provider,
        "model": filters.model,
        "start_date": filters.start_date,
        "end_date": filters.end_date,
        "after": after,
    }
    query = with_given_conditions(LIST_USAGE, LIST_CONDITIONS, params)
    if after is not None:
        params.update(
            after_date=after[0],
            after_provider=after[1],
            after_model=after[2],
            after_auth_id=after[3],
        )
    cursor = await conn.execute(query, {**params, "limit": limit})
    return [DailyUsage(*values) for values in await cursor.fetchall()]


class PostgresUsageStore:
    """Usage counters in PostgreSQL (the domain's UsageStore): batches on the primary,
    lists on a replica in rotation (else the primary)."""

    def __init__(self, cluster: Cluster) -> None:
        self._cluster = cluster

    async def apply_batch(
        self,
        rows: Sequence[DailyUsage],
        *,
        records_received: int,
        request_id: str | None,
        fingerprint: str,
        deadline: Deadline,
        charges: Sequence[Charge] = (),
    ) -> AppliedBatch:
        """:func:`apply_batch` on the primary within ``deadline``; raises as
        ``Cluster.run`` does."""
        write = partial(
            apply_batch,
            rows=rows,
            records_received=records_received,
            request_id=request_id,
            fingerprint=fingerprint,
            charges=charges,
        )
        return await self._cluster.run(Intent.WRITE, write, deadline=deadline)

    async def list_usage(
        self,
        filters: UsageFilter,
        *,
        after: UsageKey | None,
        limit: int,
        deadline: Deadline,
    ) -> list[DailyUsage]:
        """:func:`list_usage` on a node that may be a replica, within ``deadline``;
        raises as ``Cluster.run`` does."""
        read = partial(list_usage, filters=filters, after=after, limit=limit)
        return await self._cluster.run(Intent.READ, read, deadline=deadline)
