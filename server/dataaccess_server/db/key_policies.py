"""SQL of key policies: grants from the limits' ledger, give-backs, reservations and
their expiry; and PostgresPolicyStore, the domain's PolicyStore over the cluster.

Everything here runs on the primary: the ledger is the truth that keeps every server's
slices within the limits (see domain/key_policies.py and migration 0016). Ledger rows
are always changed in limit id order, so concurrent statements never deadlock.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import partial

from dataaccess_server.db.cluster import Cluster, Connection, Intent
from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.model.key_policies import (
    Expired,
    Grant,
    NewReservation,
    Reservation,
    Return,
    Taken,
)

TAKE = """
SELECT limit_id::text, period_start, period_end, amount, taken, granted, clock
FROM key_limit_take(%(ids)s::uuid[], %(wants)s::bigint[], %(forced)s)
"""
GIVE_BACK = """
UPDATE key_limit_ledger g SET taken = g.taken - r.amount
FROM (SELECT limit_id, period_start, sum(amount) AS amount
      FROM unnest(%(ids)s::uuid[], %(starts)s::timestamptz[], %(amounts)s::bigint[])
          AS r(limit_id, period_start, amount)
      GROUP BY 1, 2 ORDER BY 1, 2) r
WHERE g.limit_id = r.limit_id AND g.period_start = r.period_start
"""
READ_TAKEN = """
SELECT g.limit_id::text, g.period_start, g.taken, dataaccess_now()
FROM unnest(%(ids)s::uuid[], %(starts)s::timestamptz[]) AS r(limit_id, period_start)
JOIN key_limit_ledger g USING (limit_id, period_start)
"""
# A retried reservation (same request id) stores nothing and reads the first one.
RESERVE = """
INSERT INTO key_reservations (id, api_key_id, request_id, expires_at, hold_limit_ids,
    hold_starts, hold_amounts, requests, tokens, cost)
VALUES (%(id)s, %(api_key_id)s, %(request_id)s, %(expires_at)s, %(limit_ids)s::uuid[],
    %(starts)s::timestamptz[], %(amounts)s::bigint[], %(requests)s, %(tokens)s, %(cost)s)
ON CONFLICT (request_id) DO NOTHING
RETURNING id
"""
FIRST_RESERVATION = """
SELECT id::text, expires_at FROM key_reservations WHERE request_id = %(request_id)s
"""
# Reservations past their expiry, a bounded number per sweep, their holds released: the
# rows are claimed with SKIP LOCKED (two servers sweeping take different ones; one
# being settled is skipped, and the settlement decides it).
EXPIRE = """
WITH due AS (
    SELECT id FROM key_reservations
    WHERE state = 'held' AND expires_at <= dataaccess_now()
    ORDER BY expires_at LIMIT %(limit)s
    FOR UPDATE SKIP LOCKED
), expired AS (
    UPDATE key_reservations r SET state = 'expired', finished_at = now()
    FROM due WHERE r.id = due.id
    RETURNING r.hold_limit_ids, r.hold_starts, r.hold_amounts
), released AS (
    SELECT h.limit_id, h.period_start, sum(h.amount) AS amount
    FROM expired, unnest(expired.hold_limit_ids, expired.hold_starts, expired.hold_amounts)
        AS h(limit_id, period_start, amount)
    GROUP BY 1, 2 ORDER BY 1, 2
), ledger AS (
    UPDATE key_limit_ledger g SET taken = g.taken - released.amount
    FROM released
    WHERE g.limit_id = released.limit_id AND g.period_start = released.period_start
    RETURNING g.limit_id::text, g.period_start, g.taken
)
SELECT (SELECT count(*) FROM expired), ledger.* FROM (SELECT 1) one LEFT JOIN ledger ON true
"""
EXPIRE_BATCH = 1000


async def take(
    conn: Connection, wants: Sequence[tuple[str, int]], *, forced: bool = False
) -> list[Grant]:
    """Grant each limit up to its want in its current period (all of it if ``forced``)."""
    cursor = await conn.execute(
        TAKE,
        {"ids": [w[0] for w in wants], "wants": [w[1] for w in wants], "forced": forced},
    )
    return [Grant(*row) for row in await cursor.fetchall()]


async def give_back(conn: Connection, returns: Sequence[Return]) -> None:
    """Give unspent allowance back to the ledger rows it came from."""
    await conn.execute(
        GIVE_BACK,
        {
            "ids": [r.limit_id for r in returns],
            "starts": [r.period_start for r in returns],
            "amounts": [r.amount for r in returns],
        },
    )


async def read_taken(conn: Connection, periods: Sequence[tuple[str, datetime]]) -> Taken:
    """``taken`` of these ledger rows (rows that do not exist are left out), and the
    database's clock."""
    cursor = await conn.execute(
        READ_TAKEN, {"ids": [p[0] for p in periods], "starts": [p[1] for p in periods]}
    )
    rows = await cursor.fetchall()
    return Taken({(row[0], row[1]): int(row[2]) for row in rows}, rows[0][3] if rows else None)


async def reserve(conn: Connection, reservation: NewReservation) -> Reservation | None:
    """Store ``reservation``; None if stored, else (its request id was seen) the first."""
    holds = reservation.holds
    cursor = await conn.execute(
        RESERVE,
        {
            "id": reservation.id,
            "api_key_id": reservation.api_key_id,
            "request_id": reservation.request_id,
            "expires_at": reservation.expires_at,
            "limit_ids": [h.limit_id for h in holds],
            "starts": [h.period_start for h in holds],
            "amounts": [h.amount for h in holds],
            "requests": reservation.requests,
            "tokens": reservation.tokens,
            "cost": reservation.cost,
        },
    )
    if await cursor.fetchone() is not None:
        return None
    cursor = await conn.execute(FIRST_RESERVATION, {"request_id": reservation.request_id})
    first = await cursor.fetchone()
    assert first is not None  # the conflict was on this request id
    return Reservation(first[0], first[1])


async def expire(conn: Connection, *, limit: int = EXPIRE_BATCH) -> Expired:
    """Release the holds of up to ``limit`` expired reservations: how many, and the
    ledger rows changed."""
    cursor = await conn.execute(EXPIRE, {"limit": limit})
    rows = await cursor.fetchall()
    released = tuple((row[1], row[2], int(row[3])) for row in rows if row[1] is not None)
    return Expired(int(rows[0][0]) if rows else 0, released)


class PostgresPolicyStore:
    """The ledger and reservations on the cluster's primary: the domain's PolicyStore."""

    def __init__(self, cluster: Cluster) -> None:
        self._cluster = cluster

    async def take(self, wants: Sequence[tuple[str, int]], deadline: Deadline) -> list[Grant]:
        """See :func:`take`."""
        return await self._cluster.run(Intent.WRITE, partial(take, wants=wants), deadline=deadline)

    async def give_back(self, returns: Sequence[Return], deadline: Deadline) -> None:
        """See :func:`give_back`."""
        await self._cluster.run(
            Intent.WRITE, partial(give_back, returns=returns), deadline=deadline
        )

    async def read(self, periods: Sequence[tuple[str, datetime]], deadline: Deadline) -> Taken:
        """See :func:`read_taken` (on the primary: a replica's view lags)."""
        read = partial(read_taken, periods=periods)
        return await self._cluster.run(Intent.WRITE, read, deadline=deadline)

    async def reserve(self, reservation: NewReservation, deadline: Deadline) -> Reservation | None:
        """See :func:`reserve`."""
        write = partial(reserve, reservation=reservation)
        return await self._cluster.run(Intent.WRITE, write, deadline=deadline)

    async def expire(self, deadline: Deadline) -> Expired:
        """See :func:`expire`."""
        return await self._cluster.run(Intent.WRITE, expire, deadline=deadline)
