"""The weekly latency histogram of migration 0013 against a real PostgreSQL: percentiles
read as whole ISO weeks, edge days and edge hours equal the same estimate computed from
the raw logs' own histogram, for ranges that start mid-week, are shorter than a week,
are one whole week or cross week boundaries; with the deltas of concurrent batches
unfolded, after the fold, and after retention dropped the logs' partitions."""

from __future__ import annotations

import asyncio
import math
import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import grpc
import psycopg
from google.protobuf import timestamp_pb2

from dataaccess.v1 import analytics_pb2 as pb
from dataaccess.v1 import request_logs_pb2 as logs_pb
from dataaccess_server.app import Application
from dataaccess_server.db import retention
from dataaccess_server.db.request_logs import LATENCY_BUCKET
from dataaccess_server.domain.analytics import estimate_percentile, histogram_pieces
from tests.harness import stubs
from tests.test_rollup_fold import channel_to

LOG_DAYS = 22
PAIRS = [("claude", "opus"), ("claude", "haiku"), ("gemini", "pro")]
PERCENTILES = [1.0, 50.0, 90.0, 99.0, 100.0]


def first_day(today: date) -> datetime:
    """Where the logs start: 23 days before ``today`` (asked per test, never at import)."""
    return datetime.combine(today - timedelta(days=23), time(), UTC)


def ranges_from(base: datetime) -> list[tuple[datetime, datetime]]:
    """The ranges read, around the first Monday after ``base``."""
    monday = base + timedelta(days=7 - base.weekday())
    return [
        (monday + timedelta(days=2, hours=5), monday + timedelta(days=5, hours=3)),  # < a week
        (monday, monday + timedelta(days=7)),  # one whole week
        (monday + timedelta(days=3, hours=13), monday + timedelta(days=17, hours=20)),
        (monday - timedelta(days=2), monday + timedelta(days=14)),  # Saturday to Monday
        (monday + timedelta(days=6, hours=23), monday + timedelta(days=8, hours=1)),  # hours
        (base, base + timedelta(days=LOG_DAYS)),
    ]


# The raw logs' histogram per group, bucketed as ingestion buckets them.
RAW_HISTOGRAM = f"""
SELECT provider, model, {LATENCY_BUCKET} AS bucket, count(*) FROM request_logs
WHERE request_time >= %(start)s AND request_time < %(end)s
GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
"""


def stamp(when: datetime) -> timestamp_pb2.Timestamp:
    value = timestamp_pb2.Timestamp()
    value.FromDatetime(when)
    return value


def generated_logs(base: datetime, count: int, seed: int) -> list[logs_pb.RequestLog]:
    rng = random.Random(seed)
    logs = []
    for n in range(count):
        provider, model = rng.choice(PAIRS)
        logs.append(
            logs_pb.RequestLog(
                request_id=f"w{seed}-{n}",
                request_time=stamp(base + timedelta(seconds=rng.randrange(LOG_DAYS * 86_400))),
                provider=provider,
                model=model,
                auth_id="auth-1",
                status_code=200,
                latency_ms=int(rng.lognormvariate(math.log(800), 1.2)),
            )
        )
    return sorted(logs, key=lambda log: log.request_time.ToNanoseconds())


def rows(dsn: str, query: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    with psycopg.connect(dsn) as conn:
        return conn.execute(query.encode(), params).fetchall()


def expected_from_logs(dsn: str, start: datetime, end: datetime) -> list[tuple[Any, ...]]:
    """(provider, model, requests, percentiles) from the raw logs' histogram."""
    groups: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for provider, model, bucket, count in rows(dsn, RAW_HISTOGRAM, {"start": start, "end": end}):
        groups.setdefault((provider, model), []).append((int(bucket), int(count)))
    return [
        (*key, sum(c for _, c in buckets), [estimate_percentile(buckets, p) for p in PERCENTILES])
        for key, buckets in sorted(groups.items())
    ]


async def answers(channel: grpc.aio.Channel, start: datetime, end: datetime) -> list[Any]:
    reply = await stubs.analytics(channel).GetLatencyPercentiles(
        pb.GetLatencyPercentilesRequest(
            start_time=stamp(start),
            end_time=stamp(end),
            percentiles=PERCENTILES,
            group_by_provider=True,
            group_by_model=True,
        )
    )
    return [
        (row.provider, row.model, row.requests, [p.latency_ms for p in row.percentiles])
        for row in reply.rows
    ]


def test_the_ranges_read_whole_weeks_and_ranges_without_one(today: date) -> None:
    kinds = [
        {piece.kind for piece in histogram_pieces(start, end)}
        for start, end in ranges_from(first_day(today))
    ]
    assert {"week", "day", "hour"} in kinds
    assert any("week" not in found for found in kinds)
    assert {"week"} in kinds  # Monday to Monday: the weekly histogram alone


async def test_percentiles_over_weeks_equal_the_raw_logs_histogram(
    unfolding: Application, pg_database: str, today: date
) -> None:
    # A channel to the server that does not fold by itself (the ``channel`` fixture's
    # server would fold behind the test's back, and its own folds find nothing).
    async with channel_to(unfolding) as channel:
        await check_percentiles(unfolding, channel, pg_database, today)


async def check_percentiles(
    unfolding: Application, channel: grpc.aio.Channel, pg_database: str, today: date
) -> None:
    log_stub = stubs.request_logs(channel)
    base = first_day(today)
    ranges = ranges_from(base)

    async def writer(seed: int) -> None:  # concurrent batches, each over a few days
        sent = generated_logs(base, 2000, seed)
        for first in range(0, len(sent), 100):
            await log_stub.BatchInsertRequestLogs(
                logs_pb.BatchInsertRequestLogsRequest(logs=sent[first : first + 100])
            )

    await asyncio.gather(*(writer(seed) for seed in range(2)))
    for start, end in ranges:  # every delta unfolded
        assert await answers(channel, start, end) == expected_from_logs(pg_database, start, end)
    assert unfolding.rollup_fold is not None
    assert await unfolding.rollup_fold.fold_all() > 0
    await asyncio.gather(*(writer(seed) for seed in range(2, 4)))
    for start, end in ranges:  # folded weeks plus unfolded deltas of the same weeks
        assert await answers(channel, start, end) == expected_from_logs(pg_database, start, end)
    assert await unfolding.rollup_fold.fold_all() > 0  # adds to existing weekly rows
    before_cleanup = {}
    for start, end in ranges:
        expected = expected_from_logs(pg_database, start, end)
        assert await answers(channel, start, end) == expected, (start, end)
        before_cleanup[start, end] = expected
    # Retention drops the logs' partitions; the rollups, weekly ones too, stay.
    async with await psycopg.AsyncConnection.connect(pg_database, autocommit=True) as conn:
        removed = await retention.cleanup(
            conn, keep_from=today, retention_days=30, audit_keep_from=today
        )
    assert len(removed.partitions) >= LOG_DAYS
    assert rows(pg_database, "SELECT count(*) FROM request_logs", {}) == [(0,)]
    for (start, end), expected in before_cleanup.items():
        assert await answers(channel, start, end) == expected, (start, end)
