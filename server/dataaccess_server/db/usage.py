"""SQL of daily usage counters: one transaction per batch, one statement for its rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from psycopg import sql

from dataaccess_server.db.cluster import Connection

# Claiming the request id first: a concurrent duplicate waits on this row's unique key
# until the first transaction ends, then finds it and replays instead of adding again.
CLAIM_REQUEST = """
INSERT INTO usage_applied_requests (request_id, fingerprint, records_received, keys_updated)
VALUES (%(request_id)s, %(fingerprint)s, %(records_received)s, %(keys_updated)s)
ON CONFLICT (request_id) DO NOTHING
RETURNING request_id
"""
FETCH_REQUEST = """
SELECT fingerprint, records_received, keys_updated FROM usage_applied_requests
WHERE request_id = %(request_id)s
"""
# Rows arrive summed per key and sorted by the primary key; ORDER BY keeps that order
# through the insert, so every batch locks rows in the same order: no deadlocks. The
# arrays go in binary (%b): cheaper to encode than their text form.
UPSERT_USAGE = """
INSERT INTO usage_stats AS u (usage_date, provider, model, auth_id, request_count,
    input_tokens, output_tokens, reasoning_tokens, cached_tokens, success_count, error_count)
SELECT * FROM unnest(%(dates)b::date[], %(providers)b::text[], %(models)b::text[],
    %(auth_ids)b::text[], %(request_counts)b::bigint[], %(input_tokens)b::bigint[],
    %(output_tokens)b::bigint[], %(reasoning_tokens)b::bigint[], %(cached_tokens)b::bigint[],
    %(success_counts)b::bigint[], %(error_counts)b::bigint[])
ORDER BY 1, 2, 3, 4
ON CONFLICT (usage_date, provider, model, auth_id) DO UPDATE SET
    request_count = u.request_count + excluded.request_count,
    input_tokens = u.input_tokens + excluded.input_tokens,
    output_tokens = u.output_tokens + excluded.output_tokens,
    reasoning_tokens = u.reasoning_tokens + excluded.reasoning_tokens,
    cached_tokens = u.cached_tokens + excluded.cached_tokens,
    success_count = u.success_count + excluded.success_count,
    error_count = u.error_count + excluded.error_count,
    updated_at = now()
"""
USAGE_COLUMNS = """
usage_date, provider, model, auth_id, request_count, input_tokens, output_tokens,
reasoning_tokens, cached_tokens, success_count, error_count, total_tokens
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

COUNTERS = (
    "request_count",
    "input_tokens",
    "output_tokens",
    "reasoning_tokens",
    "cached_tokens",
    "success_count",
    "error_count",
)


@dataclass(frozen=True, slots=True)
class UsageRow:
    """One key and day with its counters (sums, or one batch's increments)."""

    usage_date: date
    provider: str
    model: str
    auth_id: str
    request_count: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    reasoning_tokens: int = 0
    cached_tokens: int = 0
    success_count: int = 0
    error_count: int = 0
    total_tokens: int = 0

    @property
    def key(self) -> tuple[date, str, str, str]:
        """The primary key, in its column order."""
        return (self.usage_date, self.provider, self.model, self.auth_id)


@dataclass(frozen=True, slots=True)
class Applied:
    """What a batch did (or, replayed, what its first application did)."""

    records_received: int
    keys_updated: int
    replayed: bool
    fingerprint: str


async def apply_batch(
    conn: Connection,
    rows: Sequence[UsageRow],
    *,
    records_received: int,
    request_id: str | None,
    fingerprint: str,
) -> Applied:
    """Add ``rows`` (distinct keys, sorted) in one transaction, once per ``request_id``.

    A request id applied before adds nothing and returns the first application's figures
    (with its fingerprint, for the caller to compare).
    """
    async with conn.transaction():
        if request_id is not None:
            cursor = await conn.execute(
                CLAIM_REQUEST,
                {
                    "request_id": request_id,
                    "fingerprint": fingerprint,
                    "records_received": records_received,
                    "keys_updated": len(rows),
                },
            )
            if await cursor.fetchone() is None:
                cursor = await conn.execute(FETCH_REQUEST, {"request_id": request_id})
                first = await cursor.fetchone()
                assert first is not None  # the conflict was on this id
                return Applied(int(first[1]), int(first[2]), True, str(first[0]))
        await conn.execute(UPSERT_USAGE, _columns(rows))
    return Applied(records_received, len(rows), False, fingerprint)


def _columns(rows: Sequence[UsageRow]) -> dict[str, list[Any]]:
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
    *,
    auth_id: str | None,
    provider: str | None,
    model: str | None,
    start_date: date | None,
    end_date: date | None,
    after: tuple[date, str, str, str] | None,
    limit: int,
) -> list[UsageRow]:
    """Counters matching the filters, in key order, after the key ``after``."""
    params: dict[str, Any] = {
        "auth_id": auth_id,
        "provider": provider,
        "model": model,
        "start_date": start_date,
        "end_date": end_date,
        "after": after,
    }
    conditions = [sql.SQL("true")] + [
        sql.SQL(LIST_CONDITIONS[name]) for name, value in params.items() if value is not None
    ]
    if after is not None:
        params.update(
            after_date=after[0],
            after_provider=after[1],
            after_model=after[2],
            after_auth_id=after[3],
        )
    query = sql.SQL(LIST_USAGE).format(conditions=sql.SQL(" AND ").join(conditions))
    cursor = await conn.execute(query, {**params, "limit": limit})
    return [UsageRow(*values) for values in await cursor.fetchall()]
