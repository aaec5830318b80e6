"""SQL of analytics: read-only queries over the usage counters and the log rollups, and
PostgresAnalyticsStore, which runs them on the cluster's read path.

No query here reads ``request_logs``: the log figures come from the hourly and daily
rollups plus the deltas not folded into them yet (the ``*_all`` views of migration
0011; for percentiles the dense histograms of 0014 plus ``request_log_delta`` itself;
db/request_logs.py, db/rollup_fold.py), so a query's cost follows the hours, days
and groups in its range, not the number of logs, and answers are exact at any moment.
The usage figures' SQL is in db/usage_analytics.py (rollups of usage_stats, 0012).

Every store call reads one node: its freshness (AS_OF) in autocommit, then the call's
statements in one read-only REPEATABLE READ snapshot (SNAPSHOT).
"""

from __future__ import annotations

import operator
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from functools import partial
from typing import Any, TypeVar

from psycopg import sql

from dataaccess_server.db.cluster import Cluster, Connection, Intent
from dataaccess_server.db.key_analytics import key_spend, key_validations
from dataaccess_server.db.usage_analytics import top_auths, usage_summary
from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.model.analytics import (
    MAX_BUCKET,
    Answer,
    AuthUsage,
    Filters,
    Granularity,
    GroupCounts,
    LatencyGroup,
    Piece,
    Point,
    TimeRange,
    TopAuthsOrder,
    UsageSummary,
)
from dataaccess_server.domain.model.key_analytics import KeySpend, KeySubject, ValidationBucket

T = TypeVar("T")

# One round trip: one snapshot for every statement of a call, and room for the sorts
# and hashes of a few hundred thousand rows in memory.
SNAPSHOT = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY; SET LOCAL work_mem = '64MB'"
# The time up to which this node holds every committed write. The primary: now. A
# replica: the commit time of the last transaction it replayed; or, when it has replayed
# all the WAL it received, the primary's send time of the last message it received
# (readable with pg_read_all_stats; NULL, and so ignored by greatest(), otherwise).
AS_OF = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN now()
    WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN
        greatest(pg_last_xact_replay_timestamp(),
                 (SELECT last_msg_send_time FROM pg_stat_wal_receiver))
    ELSE pg_last_xact_replay_timestamp()
END
"""

ERROR_RATES = """
SELECT provider, model, sum(requests)::bigint AS requests, sum(errors)::bigint AS errors
FROM request_log_hourly_all
WHERE hour >= %(start_time)s AND hour < %(end_time)s {filters}
GROUP BY provider, model
HAVING sum(requests) >= greatest(%(min_requests)s, 1)
ORDER BY sum(errors)::float8 / sum(requests) DESC, requests DESC, provider, model
"""
TIME_SERIES = """
SELECT date_trunc(%(unit)s, hour, 'UTC'), sum(requests)::bigint, sum(input_tokens)::bigint,
    sum(output_tokens)::bigint, sum(errors)::bigint
FROM request_log_hourly_all
WHERE hour >= %(start_time)s AND hour < %(end_time)s {filters}
GROUP BY 1 ORDER BY 1
"""
# Requests and exact mean latency per group.
LATENCY_MEANS = """
SELECT {keys}, sum(requests)::bigint, sum(latency_ms_sum)::bigint
FROM request_log_hourly_all
WHERE hour >= %(start_time)s AND hour < %(end_time)s {filters}
{grouping}
"""
# Per group: the histogram summed over pieces of the weekly, daily and hourly dense
# histograms (migration 0014: one row of MAX_BUCKET + 1 counts per key), the pieces
# added (sign 1) and subtracted (sign -1: a day minus its hours outside the range, see
# domain/analytics.py) summed apart, so no count is multiplied; then the unfolded deltas
# of the range (sign 0, sparse: one row per bucket, only the last seconds' batches). The
# cost follows the pieces' rows (keys x pairs), not the buckets the logs occupy; the
# ranks are computed in Python (domain.analytics.percentile_rows).
LATENCY_SUMS = ", ".join(f"sum(counts[{n}])::int8" for n in range(1, MAX_BUCKET + 2))
LATENCY_HISTOGRAM = f"""
SELECT {{keys}}, sign, NULL::smallint, ARRAY[{LATENCY_SUMS}]
FROM ({{pieces}}) pieces
GROUP BY {{columns}}sign
UNION ALL
SELECT {{keys}}, 0, bucket, ARRAY[sum(requests)::int8]
FROM request_log_delta
WHERE hour >= %(start_time)s AND hour < %(end_time)s {{filters}}
GROUP BY {{columns}}bucket
"""
LATENCY_PIECE = {
    "week": "SELECT provider, model, counts, {sign} AS sign"
    " FROM request_log_histogram_weekly"
    " WHERE week >= %({name}_from)s AND week < %({name}_to)s {filters}",
    "day": "SELECT provider, model, counts, {sign} AS sign"
    " FROM request_log_histogram_daily"
    " WHERE day >= %({name}_from)s AND day < %({name}_to)s {filters}",
    "hour": "SELECT provider, model, counts, {sign} AS sign"
    " FROM request_log_histogram_hourly"
    " WHERE hour >= %({name}_from)s AND hour < %({name}_to)s {filters}",
}
# No pieces (cannot happen for a non-empty range): a FROM that yields no row.
EMPTY_PIECE = (
    "SELECT ''::text AS provider, ''::text AS model, NULL::int8[] AS counts, 1 AS sign WHERE false"
)
FILTERS = {"provider": "provider = %(provider)s", "model": "model = %(model)s"}


async def as_of(conn: Connection) -> datetime | None:
    """The time up to which ``conn``'s node holds every committed write (AS_OF); None
    when a replica cannot tell (it has replayed nothing since it started, and is not
    streaming). Read it before the queries it qualifies, outside their transaction:
    their snapshot then holds at least that much."""
    cursor = await conn.execute(AS_OF)
    row = await cursor.fetchone()
    assert row is not None
    value = row[0]
    return value if isinstance(value, datetime) else None


async def read_in_snapshot(
    conn: Connection, query: Callable[[Connection], Awaitable[T]]
) -> Answer[T]:
    """``query(conn)`` in one snapshot (SNAPSHOT), with the freshness of ``conn``'s node
    (``as_of``) read just before, outside it: the figures hold at least that much."""
    fresh_to = await as_of(conn)
    async with conn.transaction():
        await conn.execute(SNAPSHOT)
        value = await query(conn)
    return Answer(value, fresh_to)


def _filtered(query: str, filters: Filters, known: dict[str, str]) -> sql.SQL:
    """``query`` with a condition for each filter of ``known`` that is set."""
    conditions = "".join(
        f" AND {condition}" for name, condition in known.items() if getattr(filters, name)
    )
    return sql.SQL(query.replace("{filters}", conditions))


def _filter_params(filters: Filters, known: dict[str, str]) -> dict[str, str | None]:
    """The parameters of ``known``'s conditions (None for a filter not set)."""
    return {name: getattr(filters, name) or None for name in known}


async def error_rates(
    conn: Connection,
    *,
    start_time: datetime,
    end_time: datetime,
    min_requests: int,
    filters: Filters,
) -> list[GroupCounts]:
    """Requests and errors per provider and model with at least ``min_requests`` (and at
    least one) in [start_time, end_time) (whole hours), by error rate, highest first."""
    cursor = await conn.execute(
        _filtered(ERROR_RATES, filters, FILTERS),
        {
            "start_time": start_time,
            "end_time": end_time,
            "min_requests": min_requests,
            **_filter_params(filters, FILTERS),
        },
    )
    return [
        GroupCounts(str(provider), str(model), int(requests), int(errors))
        for provider, model, requests, errors in await cursor.fetchall()
    ]


async def time_series(
    conn: Connection,
    *,
    start_time: datetime,
    end_time: datetime,
    granularity: Granularity,
    filters: Filters,
) -> list[Point]:
    """Totals per hour or day (``granularity``, UTC) that has logs in the range."""
    cursor = await conn.execute(
        _filtered(TIME_SERIES, filters, FILTERS),
        {
            "start_time": start_time,
            "end_time": end_time,
            "unit": granularity.value,
            **_filter_params(filters, FILTERS),
        },
    )
    return [
        Point(start, int(requests), int(input_tokens), int(output_tokens), int(errors))
        for start, requests, input_tokens, output_tokens, errors in await cursor.fetchall()
    ]


async def latency(
    conn: Connection,
    *,
    start_time: datetime,
    end_time: datetime,
    pieces: list[Piece],
    group_by: tuple[str, ...],
    filters: Filters,
) -> list[LatencyGroup]:
    """Per group (``group_by`` ⊆ provider, model): requests and latency sum over
    [start_time, end_time) (whole hours), and the histogram summed over ``pieces``
    (which must cover exactly that range) plus the deltas not folded yet, every bucket's
    count. Run it in one snapshot."""
    columns: list[str] = [name for name in ("provider", "model") if name in group_by]
    keys = ", ".join(columns) if columns else "''"
    grouping = f"GROUP BY {keys} ORDER BY {keys}" if columns else ""  # else one row
    params: dict[str, Any] = {
        "start_time": start_time,
        "end_time": end_time,
        **_filter_params(filters, FILTERS),
    }
    means_query = LATENCY_MEANS.replace("{keys}", keys).replace("{grouping}", grouping)
    means = await conn.execute(_filtered(means_query, filters, FILTERS), params)
    totals: dict[tuple[str, str], tuple[int, int]] = {}
    width = len(columns) or 1
    for values in await means.fetchall():
        if values[width] is None:  # no logs at all, ungrouped
            continue
        totals[_group_key(columns, values[:width])] = (values[width], values[width + 1])
    selects = []
    for n, piece in enumerate(pieces):
        name = f"piece{n}"
        selects.append(
            LATENCY_PIECE[piece.kind]
            .replace("{sign}", "-1" if piece.sign < 0 else "1")
            .replace("{name}", name)
        )
        params[f"{name}_from"], params[f"{name}_to"] = piece.start, piece.end
    histogram_query = (
        LATENCY_HISTOGRAM.replace("{keys}", keys)
        .replace("{columns}", "".join(f"{column}, " for column in columns))
        .replace("{pieces}", " UNION ALL ".join(selects) if selects else EMPTY_PIECE)
    )
    # Binary: 227 int8 per row parse as fixed-width values instead of decimal text.
    sums = await conn.execute(_filtered(histogram_query, filters, FILTERS), params, binary=True)
    histograms: dict[tuple[str, str], list[int]] = {}
    for values in await sums.fetchall():
        sign, bucket, counts = values[width:]
        histogram = histograms.setdefault(
            _group_key(columns, values[:width]), [0] * (MAX_BUCKET + 1)
        )
        if bucket is not None:  # an unfolded delta's bucket
            histogram[bucket] += counts[0]
        elif sign > 0:
            histogram[:] = map(operator.add, histogram, counts)
        else:
            histogram[:] = map(operator.sub, histogram, counts)
    groups = []
    for key, (requests, latency_ms_sum) in totals.items():
        if requests > 0:
            histogram = histograms.get(key, [0] * (MAX_BUCKET + 1))
            groups.append(LatencyGroup(*key, requests, latency_ms_sum, histogram))
    return groups


def _group_key(columns: list[str], values: tuple[Any, ...]) -> tuple[str, str]:
    named = dict(zip(columns, values, strict=False))
    return (str(named.get("provider", "")), str(named.get("model", "")))


class PostgresAnalyticsStore:
    """The analytics figures, read from one node of ``cluster`` per call (a replica in
    rotation, else the primary: Intent.READ) in one snapshot (``read_in_snapshot``).
    Every method raises what Cluster.run raises: DatabaseUnavailableError,
    DeadlineExceededError."""

    def __init__(self, cluster: Cluster) -> None:
        self._cluster = cluster

    async def usage_summary(
        self, start_date: date, end_date: date, filters: Filters, deadline: Deadline
    ) -> Answer[UsageSummary]:
        """``usage_summary`` over the inclusive day range."""
        query = partial(usage_summary, start_date=start_date, end_date=end_date, filters=filters)
        return await self._read(query, deadline)

    async def top_auths(
        self,
        start_date: date,
        end_date: date,
        *,
        order: TopAuthsOrder,
        limit: int,
        filters: Filters,
        deadline: Deadline,
    ) -> Answer[list[AuthUsage]]:
        """``top_auths`` over the inclusive day range."""
        query = partial(
            top_auths,
            start_date=start_date,
            end_date=end_date,
            order=order,
            limit=limit,
            filters=filters,
        )
        return await self._read(query, deadline)

    async def error_rates(
        self, time_range: TimeRange, *, min_requests: int, filters: Filters, deadline: Deadline
    ) -> Answer[list[GroupCounts]]:
        """``error_rates`` over ``time_range`` (whole hours)."""
        query = partial(
            error_rates,
            start_time=time_range.start,
            end_time=time_range.end,
            min_requests=min_requests,
            filters=filters,
        )
        return await self._read(query, deadline)

    async def latency(
        self,
        time_range: TimeRange,
        *,
        pieces: list[Piece],
        group_by: tuple[str, ...],
        filters: Filters,
        deadline: Deadline,
    ) -> Answer[list[LatencyGroup]]:
        """``latency`` over ``time_range`` (whole hours), which ``pieces`` cover exactly."""
        query = partial(
            latency,
            start_time=time_range.start,
            end_time=time_range.end,
            pieces=pieces,
            group_by=group_by,
            filters=filters,
        )
        return await self._read(query, deadline)

    async def time_series(
        self,
        time_range: TimeRange,
        *,
        granularity: Granularity,
        filters: Filters,
        deadline: Deadline,
    ) -> Answer[list[Point]]:
        """``time_series`` over ``time_range`` (whole units of ``granularity``)."""
        query = partial(
            time_series,
            start_time=time_range.start,
            end_time=time_range.end,
            granularity=granularity,
            filters=filters,
        )
        return await self._read(query, deadline)

    async def key_validations(
        self,
        subject: KeySubject,
        time_range: TimeRange,
        *,
        granularity: Granularity,
        deadline: Deadline,
    ) -> Answer[list[ValidationBucket]]:
        """``key_validations`` (db/key_analytics.py) over ``time_range`` (whole units)."""
        query = partial(
            key_validations,
            subject=subject,
            start_time=time_range.start,
            end_time=time_range.end,
            granularity=granularity,
        )
        return await self._read(query, deadline)

    async def key_spend(
        self, subject: KeySubject, start_date: date, end_date: date, deadline: Deadline
    ) -> Answer[KeySpend]:
        """``key_spend`` (db/key_analytics.py) over the inclusive day range."""
        query = partial(key_spend, subject=subject, start_date=start_date, end_date=end_date)
        return await self._read(query, deadline)

    async def _read(
        self, query: Callable[[Connection], Awaitable[T]], deadline: Deadline
    ) -> Answer[T]:
        return await self._cluster.run(
            Intent.READ, partial(read_in_snapshot, query=query), deadline=deadline
        )
