"""SQL of per-key analytics (migration 0016): validation counts added to
``key_validation_hourly``; validations and spend of a key or an owner read from the
rollups ``key_validation_hourly`` and ``key_spend_daily`` through their (key, time) and
(owner, time) indexes, never from raw validations or usage rows; budgets in their
current period from ``key_limits`` and the ledger ``key_limit_ledger``.

The reads run in one snapshot of the node analytics read (db/analytics.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from functools import partial
from typing import Any

from psycopg import sql

from dataaccess_server.db.cluster import Cluster, Connection, Intent
from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.model.analytics import Granularity
from dataaccess_server.domain.model.api_keys import Reason
from dataaccess_server.domain.model.key_analytics import (
    BudgetSpend,
    CountKey,
    KeySpend,
    KeySubject,
    SpendDay,
    ValidationBucket,
)
from dataaccess_server.domain.model.key_policies import LimitRule, Period, Scope, Unit

# One statement per flush, rows in key order (two servers flushing the same rows never
# deadlock); a key whose owner changed between counts goes in once per (hour, reason).
ADD_VALIDATION_COUNTS = """
INSERT INTO key_validation_hourly AS h (hour, api_key_id, owner_id, reason, count)
SELECT to_timestamp(c.hour * 3600), c.api_key_id, min(c.owner_id), c.reason, sum(c.count)
FROM unnest(%(hours)s::bigint[], %(key_ids)s::uuid[], %(owner_ids)s::text[],
    %(reasons)s::text[], %(counts)s::bigint[]) AS c(hour, api_key_id, owner_id, reason, count)
GROUP BY c.hour, c.api_key_id, c.reason
ORDER BY c.hour, c.api_key_id, c.reason
ON CONFLICT (hour, api_key_id, reason) DO UPDATE SET count = h.count + excluded.count
"""
# {subject}: "api_key_id = %(subject)s::uuid" or "owner_id = %(subject)s"; both columns
# lead an index with the time column second.
SUBJECTS = {"key": "api_key_id = %(subject)s::uuid", "owner": "owner_id = %(subject)s"}
VALIDATIONS = """
SELECT date_trunc(%(unit)s, hour, 'UTC'), reason, sum(count)::bigint
FROM key_validation_hourly
WHERE {subject} AND hour >= %(start_time)s AND hour < %(end_time)s
GROUP BY 1, 2 ORDER BY 1, 2
"""
SPEND = """
SELECT day, sum(requests)::bigint, sum(tokens)::bigint, sum(cost)::bigint
FROM key_spend_daily
WHERE {subject} AND day BETWEEN %(start_date)s AND %(end_date)s
GROUP BY day ORDER BY day
"""
# The budgets of the key and of its owner (or of the owner), each in its current period
# on the policy clock (migration 0015), with what the ledger row of that period holds
# (none yet: nothing taken).
BUDGETS = """
SELECT l.api_key_id IS NOT NULL, l.id::text, l.name, l.amount, l.period, l.anchor,
    l.time_zone, p.period_start, p.period_end, coalesce(g.taken, 0)
FROM key_limits l
CROSS JOIN LATERAL policy_period(l.period, l.anchor, l.time_zone, dataaccess_now()) p
LEFT JOIN key_limit_ledger g ON g.limit_id = l.id AND g.period_start = p.period_start
WHERE l.period IS NOT NULL AND ({budgets})
ORDER BY l.api_key_id IS NULL, l.name
"""
BUDGETS_OF = {
    "key": "l.api_key_id = %(subject)s::uuid"
    " OR l.owner_id = (SELECT k.owner_id FROM api_keys k WHERE k.id = %(subject)s::uuid)",
    "owner": "l.owner_id = %(subject)s",
}


def _kind(subject: KeySubject) -> tuple[str, str]:
    return ("key", subject.api_key_id) if subject.api_key_id else ("owner", subject.owner_id)


async def add_validation_counts(conn: Connection, *, counts: Mapping[CountKey, int]) -> None:
    """Add ``counts`` to key_validation_hourly in one statement."""
    keys = sorted(counts)
    await conn.execute(
        ADD_VALIDATION_COUNTS,
        {
            "hours": [key[0] for key in keys],
            "key_ids": [key[1] for key in keys],
            "owner_ids": [key[2] for key in keys],
            "reasons": [key[3] for key in keys],
            "counts": [counts[key] for key in keys],
        },
    )


async def key_validations(
    conn: Connection,
    *,
    subject: KeySubject,
    start_time: datetime,
    end_time: datetime,
    granularity: Granularity,
) -> list[ValidationBucket]:
    """Validations by reason per hour or UTC day of [start_time, end_time) (whole
    units) with any, oldest first."""
    kind, value = _kind(subject)
    cursor = await conn.execute(
        sql.SQL(VALIDATIONS.replace("{subject}", SUBJECTS[kind])),
        {
            "subject": value,
            "start_time": start_time,
            "end_time": end_time,
            "unit": granularity.value,
        },
    )
    buckets: dict[datetime, dict[Reason, int]] = {}
    for start, reason, count in await cursor.fetchall():
        buckets.setdefault(start, {})[Reason(reason)] = int(count)
    return [ValidationBucket(start, counts) for start, counts in buckets.items()]


async def key_spend(
    conn: Connection, *, subject: KeySubject, start_date: date, end_date: date
) -> KeySpend:
    """Spend per day of the inclusive range (days with some), and the budgets that
    apply in their current periods (the key's first, then its owner's; by name)."""
    kind, value = _kind(subject)
    cursor = await conn.execute(
        sql.SQL(SPEND.replace("{subject}", SUBJECTS[kind])),
        {"subject": value, "start_date": start_date, "end_date": end_date},
    )
    days = [
        SpendDay(day, int(requests), int(tokens), int(cost))
        for day, requests, tokens, cost in await cursor.fetchall()
    ]
    cursor = await conn.execute(
        sql.SQL(BUDGETS.replace("{budgets}", BUDGETS_OF[kind])),
        {"subject": value},
    )
    budgets = [_budget(row) for row in await cursor.fetchall()]
    return KeySpend(days, budgets)


def _budget(row: tuple[Any, ...]) -> BudgetSpend:
    on_key, limit_id, name, amount, period, anchor, time_zone, start, end, taken = row
    rule = LimitRule(
        id=limit_id,
        scope=Scope.KEY if on_key else Scope.OWNER,
        name=name,
        unit=Unit.COST,
        amount=int(amount),
        period=Period(period),
        anchor=int(anchor),
        time_zone=time_zone,
    )
    return BudgetSpend(rule, start, end, int(taken))


class PostgresValidationCountStore:
    """``ValidationCountStore`` in the cluster's database: counts are added on the
    primary. Raises what Cluster.run raises."""

    def __init__(self, cluster: Cluster) -> None:
        self._cluster = cluster

    async def add_validation_counts(
        self, counts: Mapping[CountKey, int], deadline: Deadline
    ) -> None:
        """``add_validation_counts`` in one statement."""
        write = partial(add_validation_counts, counts=counts)
        await self._cluster.run(Intent.WRITE, write, deadline=deadline)
