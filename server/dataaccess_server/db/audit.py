"""SQL of the audit trail, and PostgresAuditStore, the domain's AuditStore.

Rows go into daily partitions of ``audit_events``; a row for a day without one creates
it through ``create_daily_partition`` (a SECURITY DEFINER function of the owner role,
migration 0006), since the server's role may not create tables.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from functools import partial
from typing import Any

from psycopg import errors as pg_errors

from dataaccess_server.db.cluster import Cluster, Connection, Intent
from dataaccess_server.db.conditions import with_given_conditions
from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.model.access import AuditEvent, AuditQuery

COLUMNS = ("event_time", "event_id", "caller", "method", "resource_id", "outcome", "peer")
INSERT = """
INSERT INTO audit_events (event_time, event_id, caller, method, resource_id, outcome, peer)
VALUES (%(time)s, %(id)s, %(caller)s, %(method)s, %(resource_id)s, %(outcome)s, %(peer)s)
"""
# Many rows in one statement: the trail writes the events of concurrent calls together.
INSERT_MANY = """
INSERT INTO audit_events (event_time, event_id, caller, method, resource_id, outcome, peer)
SELECT * FROM unnest(%(times)b::timestamptz[], %(ids)b::uuid[], %(callers)b::text[],
    %(methods)b::text[], %(resource_ids)b::text[], %(outcomes)b::text[], %(peers)b::text[])
"""
CREATE_PARTITION = "SELECT create_daily_partition('audit_events', %(day)s)"
DROP_PARTITIONS_BEFORE = "SELECT drop_daily_partitions_before('audit_events', %(keep_from)s)"
LIST = f"""
SELECT {", ".join(COLUMNS)} FROM audit_events WHERE {{conditions}}
ORDER BY event_time DESC, event_id DESC LIMIT %(limit)s
"""
CONDITIONS = {
    "caller": "caller = %(caller)s",
    "method": "method = %(method)s",
    "resource_id": "resource_id = %(resource_id)s",
    "outcome": "outcome = %(outcome)s",
    "start_time": "event_time >= %(start_time)s",
    "end_time": "event_time < %(end_time)s",
}
AFTER = "(event_time, event_id) < (%(after_time)s, %(after_id)s)"


def _event_id(event: AuditEvent) -> uuid.UUID:
    return uuid.UUID(event.event_id) if event.event_id else uuid.uuid4()


async def append_audit_event(conn: Connection, event: AuditEvent) -> None:
    """Insert one row, creating its day's partition if it is missing."""
    params = {
        "time": event.time,
        "id": _event_id(event),
        "caller": event.caller,
        "method": event.method,
        "resource_id": event.resource_id,
        "outcome": event.outcome,
        "peer": event.peer,
    }
    try:
        await conn.execute(INSERT, params)
    except pg_errors.CheckViolation:
        # "no partition of relation audit_events found for row" (SQLSTATE 23514).
        await conn.execute(CREATE_PARTITION, {"day": event.time.date()})
        await conn.execute(INSERT, params)


async def append_audit_events(conn: Connection, events: Sequence[AuditEvent]) -> None:
    """Insert the rows in one statement (all or none), creating the missing partitions
    of their days first if one is missing."""
    if len(events) == 1:
        await append_audit_event(conn, events[0])
        return
    params = {
        "times": [event.time for event in events],
        "ids": [_event_id(event) for event in events],
        "callers": [event.caller for event in events],
        "methods": [event.method for event in events],
        "resource_ids": [event.resource_id for event in events],
        "outcomes": [event.outcome for event in events],
        "peers": [event.peer for event in events],
    }
    try:
        await conn.execute(INSERT_MANY, params)
    except pg_errors.CheckViolation:
        await ensure_partitions(conn, sorted({event.time.date() for event in events}))
        await conn.execute(INSERT_MANY, params)


async def ensure_partitions(conn: Connection, days: Sequence[date]) -> list[str]:
    """Create the missing partitions of ``days``; the names of those created."""
    created = []
    for day in days:
        cursor = await conn.execute(CREATE_PARTITION, {"day": day})
        row = await cursor.fetchone()
        if row is not None and row[0] is not None:
            created.append(str(row[0]))
    return created


async def drop_partitions_before(conn: Connection, keep_from: date) -> list[str]:
    """Drop the audit partitions of days before ``keep_from``; their names, oldest first."""
    cursor = await conn.execute(DROP_PARTITIONS_BEFORE, {"keep_from": keep_from})
    return [str(row[0]) for row in await cursor.fetchall()]


async def list_events(
    conn: Connection, query: AuditQuery, *, after: tuple[datetime, str] | None, limit: int
) -> list[AuditEvent]:
    """Rows matching ``query``, newest first, after the key ``after``."""
    given = {
        "caller": query.caller or None,
        "method": query.method or None,
        "resource_id": query.resource_id or None,
        "outcome": query.outcome or None,
        "start_time": query.start_time,
        "end_time": query.end_time,
    }
    params: dict[str, Any] = {name: value for name, value in given.items() if value is not None}
    extra = [AFTER] if after is not None else []
    statement = with_given_conditions(LIST, CONDITIONS, params, extra=extra)
    if after is not None:
        params.update(after_time=after[0], after_id=_uuid_or_max(after[1]))
    cursor = await conn.execute(statement, {**params, "limit": limit})
    return [
        AuditEvent(
            time=values[0],
            event_id=str(values[1]),
            caller=values[2],
            method=values[3],
            resource_id=values[4],
            outcome=values[5],
            peer=values[6],
        )
        for values in await cursor.fetchall()
    ]


def _uuid_or_max(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        return uuid.UUID(int=(1 << 128) - 1)


class PostgresAuditStore:
    """The audit trail in the cluster's database: rows on the primary, lists on a
    replica in rotation (else the primary)."""

    def __init__(self, cluster: Cluster) -> None:
        self._cluster = cluster

    async def append_many(self, events: Sequence[AuditEvent], deadline: Deadline) -> None:
        """See :func:`append_audit_events`, on the primary."""
        await self._cluster.run(
            Intent.WRITE, partial(append_audit_events, events=events), deadline=deadline
        )

    async def ensure_partitions(self, days: Sequence[date], deadline: Deadline) -> list[str]:
        """See :func:`ensure_partitions`, on the primary."""
        create = partial(ensure_partitions, days=days)
        return await self._cluster.run(Intent.WRITE, create, deadline=deadline)

    async def list_events(
        self,
        query: AuditQuery,
        *,
        after: tuple[datetime, str] | None,
        limit: int,
        deadline: Deadline,
    ) -> list[AuditEvent]:
        """See :func:`list_events`."""
        read = partial(list_events, query=query, after=after, limit=limit)
        return await self._cluster.run(Intent.READ, read, deadline=deadline)
