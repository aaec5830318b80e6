"""SQL of request logs: daily partitions, COPY ingestion with de-duplication, rollups.

A batch is first COPYed (binary, in key order) straight into ``request_logs``, and the
sums of its rows inserted into ``request_log_delta`` (migration 0011) in the same
transaction: rows of its own, which no other batch touches, so concurrent batches never
wait on each other's rollup rows. That is the cheapest load PostgreSQL has (a COPY's
multi-row inserts, no staging, no per-row conflict check), and it is exact whenever
every log is new. If one is not (stored before, or repeated in the batch: a retry), the
primary key refuses the COPY, the transaction rolls back with nothing written, and the
batch takes the path that skips duplicates: COPYed into a per-connection temporary
staging table, then one statement moves it into ``request_logs`` in the same key order,
``ON CONFLICT DO NOTHING``, and inserts the sums of exactly the rows it inserted. Either
way logs and rollups + deltas never disagree. db/rollup_fold.py folds the deltas into
the rollups in the background.
"""

from __future__ import annotations

import functools
import operator
import socket
import struct
import uuid
import weakref
from collections.abc import Collection, Iterable, Sequence
from datetime import date, datetime
from functools import partial
from itertools import chain, repeat
from typing import Any, Self

from psycopg import AsyncCursor, errors, postgres
from psycopg.adapt import Dumper
from psycopg.pq import Format

from dataaccess_server.db.cluster import Cluster, Connection, Intent
from dataaccess_server.db.conditions import with_given_conditions
from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.model.request_logs import Ingested, LogFilter, RequestLog

LOG_COLUMNS = (
    "request_time",
    "request_id",
    "provider",
    "model",
    "auth_id",
    "api_key_id",
    "client_ip",
    "user_agent",
    "method",
    "path",
    "status_code",
    "latency_ms",
    "input_tokens",
    "output_tokens",
    "error_message",
)
CREATE_STAGING = """
CREATE TEMPORARY TABLE IF NOT EXISTS request_logs_incoming
    (LIKE request_logs INCLUDING DEFAULTS) ON COMMIT DELETE ROWS
"""
COPY_LOGS = f"COPY request_logs ({', '.join(LOG_COLUMNS)}) FROM STDIN (FORMAT BINARY)"
COPY_STAGING = f"COPY request_logs_incoming ({', '.join(LOG_COLUMNS)}) FROM STDIN (FORMAT BINARY)"
# The columns' types, for binary COPY (uuid and inet dumped from their validated text).
COPY_TYPES = (
    "timestamptz",
    "text",
    "text",
    "text",
    "text",
    "uuid",
    "inet",
    "text",
    "text",
    "text",
    "int4",
    "int4",
    "int8",
    "int8",
    "text",
)
# Latency bucket b > 0 holds (1.1^(b-1), 1.1^b] ms; bucket 0 holds up to 1 ms.
LATENCY_BUCKET = (
    "CASE WHEN latency_ms <= 1 THEN 0"
    " ELSE least(ceil(ln(latency_ms::float8) / ln(1.1)), 32767) END::smallint"
)
# What the rollups count as an error: a status of 400 or more, or none at all (0).
ERRORS = "status_code >= 400 OR status_code = 0"
MERGE_STAGING = f"""
WITH inserted AS (
    INSERT INTO request_logs ({", ".join(LOG_COLUMNS)})
    SELECT {", ".join(LOG_COLUMNS)} FROM request_logs_incoming
    ORDER BY request_time, request_id COLLATE "C"
    ON CONFLICT (request_time, request_id) DO NOTHING
    RETURNING request_time, provider, model, status_code, latency_ms, input_tokens,
        output_tokens
), delta AS (
    INSERT INTO request_log_delta (hour, provider, model, bucket, requests, errors,
        input_tokens, output_tokens, latency_ms_sum)
    SELECT date_trunc('hour', request_time, 'UTC'), provider, model, {LATENCY_BUCKET},
        count(*), count(*) FILTER (WHERE {ERRORS}),
        sum(input_tokens), sum(output_tokens), sum(latency_ms)
    FROM inserted GROUP BY 1, 2, 3, 4
    RETURNING 1
)
SELECT count(*) FROM inserted
"""
# The deltas of a batch COPYed whole: the same sums over the columns they need. Every
# array is an integer array in binary packed by one struct call (psycopg dumps a list
# element by element in Python: about a millisecond a batch for these, and a text
# literal costs a str per number, then PostgreSQL's parsing): a log's time as its whole
# seconds since the Unix epoch (its hour is their quotient by 3600, as date_trunc('hour') in UTC
# gives it: no zone has leap seconds in epoch time), its provider and model as indexes
# into the batch's few distinct values.
INSERT_DELTA = f"""
INSERT INTO request_log_delta (hour, provider, model, bucket, requests, errors,
    input_tokens, output_tokens, latency_ms_sum)
SELECT to_timestamp(hour * 3600), (%(providers)s::text[])[provider],
    (%(models)s::text[])[model], bucket, requests, errors, input_tokens, output_tokens,
    latency_ms_sum
FROM (
    SELECT second / 3600 AS hour, provider, model, {LATENCY_BUCKET} AS bucket,
        count(*) AS requests, count(*) FILTER (WHERE {ERRORS}) AS errors,
        sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
        sum(latency_ms) AS latency_ms_sum
    FROM unnest(%(seconds)b, %(provider)b, %(model)b, %(status_code)b, %(latency_ms)b,
        %(input_tokens)b, %(output_tokens)b)
        AS batch(second, provider, model, status_code, latency_ms, input_tokens,
            output_tokens)
    GROUP BY 1, 2, 3, 4
) AS sums
"""
# Daily partitions are created and dropped by the SECURITY DEFINER functions of
# migration 0006 (as 0008 replaced them: zero-padded names, drops by catalog bounds),
# which run as the schema's owner: the server's own role owns nothing. They serialise
# on one advisory lock, so two batches for a new day do not race.
CREATE_PARTITIONS = """
SELECT created FROM unnest(%(days)s::date[]) AS d(day),
    LATERAL create_daily_partition('request_logs', d.day) AS created
WHERE created IS NOT NULL ORDER BY d.day
"""
DROP_PARTITIONS_BEFORE = "SELECT drop_daily_partitions_before('request_logs', %(keep_from)s)"
LIST_LOGS = f"""
SELECT {", ".join(LOG_COLUMNS)} FROM request_logs WHERE {{conditions}}
ORDER BY request_time DESC, request_id DESC LIMIT %(limit)s
"""
LIST_CONDITIONS = {
    "auth_id": "auth_id = %(auth_id)s",
    "provider": "provider = %(provider)s",
    "model": "model = %(model)s",
    "status_from": "status_code >= %(status_from)s",
    "status_to": "status_code <= %(status_to)s",
    "start_time": "request_time >= %(start_time)s",
    "end_time": "request_time < %(end_time)s",
    "after": "(request_time, request_id) < (%(after_time)s, %(after_id)s)",
}
# Server errors include logs with no status at all (0).
SERVER_ERRORS = "(status_code >= 500 OR status_code = 0)"

# Connections whose staging table exists (temporary tables live as long as the session).
_staged: weakref.WeakSet[Connection] = weakref.WeakSet()


# A row is its values in LOG_COLUMNS order: COPYed as it is.
assert RequestLog._fields == LOG_COLUMNS, "RequestLog's fields are the table's columns"
# Key order, the one the staging path sorts by: a code point order, as "C" sorts UTF-8.
# Batches that share logs take their row locks in the same order: no deadlock.
_KEY = operator.itemgetter(0, 1)
_COLUMN = {name: operator.itemgetter(index) for index, name in enumerate(LOG_COLUMNS)}
_TIME, _PROVIDER, _MODEL = _COLUMN["request_time"], _COLUMN["provider"], _COLUMN["model"]


async def ensure_partitions(conn: Connection, days: Iterable[date]) -> list[str]:
    """Create the missing daily partitions of ``days``; return the names created.

    One statement, so one transaction holding the partition lock throughout.
    """
    cursor = await conn.execute(CREATE_PARTITIONS, {"days": sorted(set(days))})
    return [str(row[0]) for row in await cursor.fetchall()]


async def insert_logs(conn: Connection, rows: Sequence[RequestLog]) -> Ingested:
    """Store ``rows`` and their rollups in one transaction.

    Their days' partitions must exist (ensure_partitions). A row already stored (same
    request_time and request_id), in the table or earlier in ``rows``, is a duplicate.
    """
    ordered = sorted(rows, key=_KEY)
    try:
        async with conn.transaction(), conn.cursor() as cursor:
            await _copy(cursor, COPY_LOGS, ordered)
            if ordered:  # no logs, no deltas
                cursor.adapters.register_dumper(_Int4Array, _Int4ArrayDumper)
                cursor.adapters.register_dumper(_Int8Array, _Int8ArrayDumper)
                await cursor.execute(INSERT_DELTA, _delta_params(ordered))
        return Ingested(len(ordered), 0)
    except errors.UniqueViolation:
        pass  # a log stored before, or twice in the batch: nothing was written
    if conn not in _staged:
        await conn.execute(CREATE_STAGING)
        _staged.add(conn)
    async with conn.transaction(), conn.cursor() as cursor:
        await _copy(cursor, COPY_STAGING, ordered)
        await cursor.execute(MERGE_STAGING)
        counts = await cursor.fetchone()
    assert counts is not None
    inserted = int(counts[0])
    return Ingested(inserted, len(ordered) - inserted)


def _delta_params(rows: Sequence[RequestLog]) -> dict[str, Any]:
    # The parameters of INSERT_DELTA: each column one C-level pass over the rows.
    seconds = map(int, map(datetime.timestamp, map(_TIME, rows)))  # truncated: floor, >= 1970
    params: dict[str, Any] = {"seconds": _Int8Array.of(list(seconds))}
    for name, value in (("provider", _PROVIDER), ("model", _MODEL)):
        column = list(map(value, rows))
        distinct = list(dict.fromkeys(column))
        position = {item: index for index, item in enumerate(distinct, 1)}
        params[f"{name}s"] = distinct
        params[name] = _Int4Array.of(list(map(position.__getitem__, column)))
    for name, kind in _DELTA_NUMBERS:
        params[name] = kind.of(list(map(_COLUMN[name], rows)))
    return params


class _Int4Array(bytes):
    """An int4[] in PostgreSQL's binary array format (array_send's): dimensions (1),
    flags (no NULLs), element type, length and lower bound (1), then each element as
    its length and big-endian value."""

    ELEMENT = "i"
    SIZE = 4
    OID = postgres.types["int4"].oid

    @classmethod
    def of(cls, values: Sequence[int]) -> Self:
        """The array of ``values`` (each within the element type)."""
        header = _ARRAY_HEADER.pack(1, 0, cls.OID, len(values), 1)
        elements = _elements(cls.ELEMENT, len(values))
        return cls(header + elements.pack(*chain.from_iterable(zip(repeat(cls.SIZE), values))))


class _Int8Array(_Int4Array):
    """An int8[] in the binary array format."""

    ELEMENT = "q"
    SIZE = 8
    OID = postgres.types["int8"].oid


_ARRAY_HEADER = struct.Struct(">iiIii")


@functools.lru_cache(maxsize=64)
def _elements(element: str, count: int) -> struct.Struct:
    # Length then value, ``count`` times (a batch's size: a few sizes recur).
    return struct.Struct(">" + ("i" + element) * count)


_DELTA_NUMBERS = (
    ("status_code", _Int4Array),
    ("latency_ms", _Int4Array),
    ("input_tokens", _Int8Array),
    ("output_tokens", _Int8Array),
)


class _ArrayDumper(Dumper):
    """Sends an array packed by _Int4Array.of as it is."""

    format = Format.BINARY

    def dump(self, obj: bytes) -> bytes:
        return obj


class _Int4ArrayDumper(_ArrayDumper):
    oid = postgres.types["int4"].array_oid


class _Int8ArrayDumper(_ArrayDumper):
    oid = postgres.types["int8"].array_oid


async def _copy(cursor: AsyncCursor[Any], statement: str, rows: Sequence[RequestLog]) -> None:
    # Binary, so that PostgreSQL parses no text; psycopg has binary dumpers of uuid and
    # inet for UUID and ipaddress objects only: these take the validated text instead.
    cursor.adapters.register_dumper(None, _UuidTextDumper)
    cursor.adapters.register_dumper(None, _InetTextDumper)
    async with cursor.copy(statement) as copy:
        copy.set_types(COPY_TYPES)
        for row in rows:
            await copy.write_row(row)


class _UuidTextDumper(Dumper):
    """A uuid in binary from its text (a canonical UUID: validated)."""

    format = Format.BINARY
    oid = postgres.types["uuid"].oid

    def dump(self, obj: str) -> bytes:
        return _uuid_bytes(obj)


class _InetTextDumper(Dumper):
    """An inet in binary from its text (an IPv4 or IPv6 address: validated)."""

    format = Format.BINARY
    oid = postgres.types["inet"].oid

    def dump(self, obj: str) -> bytes:
        return _inet_bytes(obj)


# Keys and clients repeat from log to log: each distinct value is encoded once.
@functools.lru_cache(maxsize=4096)
def _uuid_bytes(text: str) -> bytes:
    return uuid.UUID(text).bytes


@functools.lru_cache(maxsize=4096)
def _inet_bytes(text: str) -> bytes:
    # PostgreSQL's inet_recv: family (2 for IPv4, 3 for IPv6), prefix bits, not a cidr,
    # address length, address. The text is a validated address, which inet_pton parses
    # in C (ipaddress takes microseconds an address: a batch from a few hundred clients
    # spent a millisecond here whenever they outnumbered the cache).
    if ":" in text:
        return _IPV6_PREFIX + socket.inet_pton(socket.AF_INET6, text)
    return _IPV4_PREFIX + socket.inet_pton(socket.AF_INET, text)


_IPV4_PREFIX = bytes((2, 32, 0, 4))
_IPV6_PREFIX = bytes((3, 128, 0, 16))


async def drop_partitions_before(conn: Connection, keep_from: date) -> list[str]:
    """Drop the partitions whose bounds (from the catalog, whatever their names) end at
    or before ``keep_from`` (their logs go with them; the rollups stay); return their
    names, oldest first."""
    cursor = await conn.execute(DROP_PARTITIONS_BEFORE, {"keep_from": keep_from})
    return [str(row[0]) for row in await cursor.fetchall()]


async def list_logs(
    conn: Connection,
    filters: LogFilter,
    *,
    after: tuple[datetime, str] | None,
    limit: int,
) -> list[RequestLog]:
    """Logs matching ``filters``, newest first, after the key (request_time, request_id)
    ``after``."""
    given = {
        "auth_id": filters.auth_id,
        "provider": filters.provider,
        "model": filters.model,
        "status_from": filters.status_from,
        "status_to": filters.status_to,
        "start_time": filters.start_time,
        "end_time": filters.end_time,
    }
    params: dict[str, Any] = {name: value for name, value in given.items() if value is not None}
    extra = [SERVER_ERRORS] if filters.server_errors else []
    if after is not None:
        extra.append(LIST_CONDITIONS["after"])
    query = with_given_conditions(LIST_LOGS, LIST_CONDITIONS, params, extra=extra)
    if after is not None:
        params.update(after_time=after[0], after_id=after[1])
    cursor = await conn.execute(query, {**params, "limit": limit})
    rows = []
    for values in await cursor.fetchall():
        fields = dict(zip(LOG_COLUMNS, values, strict=True))
        for column in ("api_key_id", "client_ip"):  # uuid and inet, as text
            fields[column] = None if fields[column] is None else str(fields[column])
        rows.append(RequestLog(**fields))
    return rows


class PostgresRequestLogStore:
    """Request logs in PostgreSQL (the domain's RequestLogStore): partitions and batches
    on the primary, lists on a replica in rotation (else the primary). Every method
    raises as ``Cluster.run`` does."""

    def __init__(self, cluster: Cluster) -> None:
        self._cluster = cluster

    async def ensure_partitions(self, days: Collection[date], deadline: Deadline) -> list[str]:
        """:func:`ensure_partitions` on the primary within ``deadline``."""
        create = partial(ensure_partitions, days=days)
        return await self._cluster.run(Intent.WRITE, create, deadline=deadline)

    async def insert_logs(self, logs: Sequence[RequestLog], deadline: Deadline) -> Ingested:
        """:func:`insert_logs` on the primary within ``deadline``."""
        insert = partial(insert_logs, rows=logs)
        return await self._cluster.run(Intent.WRITE, insert, deadline=deadline)

    async def list_logs(
        self,
        filters: LogFilter,
        *,
        after: tuple[datetime, str] | None,
        limit: int,
        deadline: Deadline,
    ) -> list[RequestLog]:
        """:func:`list_logs` on a node that may be a replica, within ``deadline``."""
        read = partial(list_logs, filters=filters, after=after, limit=limit)
        return await self._cluster.run(Intent.READ, read, deadline=deadline)
