"""The weekly usage rollups of migration 0013 against a real PostgreSQL: every weekly row
equals its recomputation from usage_stats after concurrent batches, a delete, a cleanup
and the migration's backfill; and the summary and top auths, read as whole ISO weeks
plus edge days, equal plain SQL over usage_stats for ranges that start and end on every
weekday, ranges shorter than a week, and ranges of whole weeks."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import grpc
import psycopg
import pytest

from dataaccess.v1 import analytics_pb2 as pb
from dataaccess.v1 import usage_pb2
from dataaccess_server.db import retention
from dataaccess_server.db.migrations import Migrator
from dataaccess_server.domain.model.analytics import DayPieces
from dataaccess_server.embedded import PostgresInstance
from tests.harness import stubs

PAIRS = [("claude", "opus"), ("claude", "haiku"), ("gemini", "pro")]
AUTHS = 600  # three chunks of 256 auth numbers
DAYS = 29  # four ISO weeks and their edges, whatever weekday today is

COUNTERS = (
    "request_count, input_tokens, output_tokens, reasoning_tokens, cached_tokens, "
    "total_tokens, success_count, error_count"
)
SUMS = ", ".join(f"sum({name})::bigint" for name in COUNTERS.split(", "))
WEEK = "usage_date - (extract(isodow FROM usage_date)::integer - 1)"
EXPECTED_WEEK_CHUNKS = f"""
SELECT {WEEK}, provider, model, n.auth_number >> 8, {SUMS},
    bit_or(set_bit(B'0'::bit(256), n.auth_number & 255, 1))::text
FROM usage_stats JOIN usage_auth_numbers n USING (auth_id)
GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
"""
STORED_WEEK_CHUNKS = f"""
SELECT week, provider, model, chunk, {COUNTERS}, auths::text FROM usage_weekly_chunks
ORDER BY 1, 2, 3, 4
"""
EXPECTED_AUTH_WEEKS = f"""
SELECT {WEEK}, n.auth_number, sum(request_count)::bigint, sum(total_tokens)::bigint
FROM usage_stats JOIN usage_auth_numbers n USING (auth_id) GROUP BY 1, 2 ORDER BY 1, 2
"""
STORED_AUTH_WEEKS = """
SELECT week, auth_number, request_count, total_tokens FROM usage_auth_weekly ORDER BY 1, 2
"""
PLAIN_SUMMARY = """
SELECT provider, model, sum(request_count), sum(total_tokens), sum(error_count),
    count(DISTINCT auth_id)
FROM usage_stats WHERE usage_date BETWEEN %(start)s AND %(end)s GROUP BY 1, 2 ORDER BY 1, 2
"""
PLAIN_EVERYONE = """
SELECT count(DISTINCT auth_id), coalesce(sum(request_count), 0) FROM usage_stats
WHERE usage_date BETWEEN %(start)s AND %(end)s
"""
PLAIN_TOP = """
SELECT auth_id, sum(request_count), sum(total_tokens), count(DISTINCT provider || '/' || model)
FROM usage_stats WHERE usage_date BETWEEN %(start)s AND %(end)s
GROUP BY auth_id ORDER BY {order} DESC, auth_id LIMIT 25
"""


def rows(dsn: str, query: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
    with psycopg.connect(dsn) as conn:
        return conn.execute(query.encode(), params).fetchall()


def assert_weekly_rollups_exact(dsn: str) -> None:
    """Every weekly row equals its recomputation from usage_stats, and there are some."""
    stored = rows(dsn, STORED_WEEK_CHUNKS)
    assert stored
    assert stored == rows(dsn, EXPECTED_WEEK_CHUNKS)
    assert rows(dsn, STORED_AUTH_WEEKS) == rows(dsn, EXPECTED_AUTH_WEEKS)


def batch(rng: random.Random, size: int, today: date) -> usage_pb2.BatchUpsertUsageRequest:
    records = []
    for _ in range(size):
        provider, model = rng.choice(PAIRS)
        requests = rng.randrange(1, 40)
        records.append(
            usage_pb2.UsageRecord(
                provider=provider,
                model=model,
                auth_id=f"auth-{rng.randrange(AUTHS)}",
                date=(today - timedelta(days=rng.randrange(DAYS))).isoformat(),
                request_count=requests,
                input_tokens=rng.randrange(50_000),
                output_tokens=rng.randrange(20_000),
                reasoning_tokens=rng.randrange(5_000),
                success_count=requests - requests // 4,
                error_count=requests // 4,
            )
        )
    return usage_pb2.BatchUpsertUsageRequest(records=records)


async def write_concurrently(
    channel: grpc.aio.Channel, today: date, writers: int, batches: int
) -> None:
    usage = stubs.usage(channel)

    async def writer(seed: int) -> None:
        rng = random.Random(seed)
        for _ in range(batches):
            await usage.BatchUpsertUsage(batch(rng, 150, today))

    await asyncio.gather(*(writer(seed) for seed in range(writers)))


async def assert_answers_equal_sql(
    channel: grpc.aio.Channel, dsn: str, start: date, end: date
) -> None:
    analytics = stubs.analytics(channel)
    days = {"start_date": start.isoformat(), "end_date": end.isoformat()}
    params = {"start": start, "end": end}
    summary = await analytics.GetUsageSummary(pb.GetUsageSummaryRequest(**days))
    got = [
        (r.provider, r.model, r.totals.requests, r.totals.total_tokens, r.totals.errors, n)
        for r in summary.rows
        for n in [r.totals.distinct_auths]
    ]
    assert got == rows(dsn, PLAIN_SUMMARY, params), (start, end)
    (everyone,) = rows(dsn, PLAIN_EVERYONE, params)
    assert (summary.total.distinct_auths, summary.total.requests) == everyone, (start, end)
    for order, column in (
        (pb.TOP_AUTHS_ORDER_TOTAL_TOKENS, "3"),
        (pb.TOP_AUTHS_ORDER_REQUESTS, "2"),
    ):
        top = await analytics.GetTopAuthsByUsage(
            pb.GetTopAuthsByUsageRequest(limit=25, order_by=order, **days)
        )
        got_top = [(a.auth_id, a.requests, a.total_tokens, a.distinct_models) for a in top.auths]
        assert got_top == rows(dsn, PLAIN_TOP.replace("{order}", column), params), (start, end)


def ranges(today: date) -> list[tuple[date, date]]:
    """Ranges over the data that start on each weekday; shorter than a week, one whole
    week, a week's days split over two weeks, and longer than three weeks."""
    first = today - timedelta(days=DAYS - 1)
    found = []
    for offset in range(7):
        start = first + timedelta(days=offset)
        for length in (1, 3, 7, 9, 16, 22):
            end = start + timedelta(days=length - 1)
            if end <= today:
                found.append((start, end))
    return found


def test_the_ranges_cover_whole_weeks_and_ranges_without_one(today: date) -> None:
    pieces = [DayPieces.of(start, end) for start, end in ranges(today)]
    assert any(p.week_from > p.week_to for p in pieces)  # no whole week
    assert any(p.week_to > p.week_from for p in pieces)  # several weeks
    assert any(p.week_from <= p.week_to and p.head[0] <= p.head[1] for p in pieces)
    assert any(p.week_from <= p.week_to and p.head[0] > p.head[1] for p in pieces)


async def test_weekly_rollups_stay_exact_under_concurrent_batches(
    channel: grpc.aio.Channel, pg_database: str, today: date
) -> None:
    await write_concurrently(channel, today, writers=6, batches=5)
    assert_weekly_rollups_exact(pg_database)


async def test_answers_equal_sql_for_ranges_starting_on_every_weekday(
    channel: grpc.aio.Channel, pg_database: str, today: date
) -> None:
    await write_concurrently(channel, today, writers=3, batches=6)
    for start, end in ranges(today):
        await assert_answers_equal_sql(channel, pg_database, start, end)


async def test_a_delete_mid_week_rebuilds_its_week(
    channel: grpc.aio.Channel, pg_database: str, today: date
) -> None:
    await write_concurrently(channel, today, writers=2, batches=6)
    day = today - timedelta(days=10)
    with psycopg.connect(pg_database, autocommit=True) as conn:
        deleted = conn.execute(
            "DELETE FROM usage_stats WHERE auth_id LIKE 'auth-2%%' AND usage_date = %(day)s",
            {"day": day},
        )
        assert deleted.rowcount > 0
    assert_weekly_rollups_exact(pg_database)
    monday = day - timedelta(days=day.weekday())
    await assert_answers_equal_sql(channel, pg_database, monday, monday + timedelta(days=6))


async def test_a_cleanup_keeps_the_weekly_rollups_equal_to_the_counters(
    channel: grpc.aio.Channel, pg_database: str, today: date
) -> None:
    await write_concurrently(channel, today, writers=2, batches=4)
    async with await psycopg.AsyncConnection.connect(pg_database, autocommit=True) as conn:
        await retention.cleanup(conn, keep_from=today, retention_days=0, audit_keep_from=today)
    assert_weekly_rollups_exact(pg_database)
    await assert_answers_equal_sql(channel, pg_database, today - timedelta(days=DAYS - 1), today)


@pytest.fixture
def empty_database(pg_primary: PostgresInstance) -> Iterator[str]:
    name = f"w_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_primary.dsn(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield pg_primary.dsn(name)
    with psycopg.connect(pg_primary.dsn(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


async def test_the_migration_backfills_weeks_and_its_down_migration_reverts(
    empty_database: str, today: date
) -> None:
    await Migrator(empty_database).up(target=12)  # the last before 0013
    with psycopg.connect(empty_database, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO usage_stats (usage_date, provider, model, auth_id, request_count,"
            " input_tokens, output_tokens, success_count)"
            " SELECT %(day)s::date - (g %% 17), 'claude', 'opus', 'auth-' || (g %% 400), g,"
            " g * 10, g, g FROM generate_series(1, 900) AS g",
            {"day": today},
        )
        conn.execute("SELECT usage_rollups_rebuild(ARRAY[%(day)s::date])", {"day": today})
    await Migrator(empty_database).up(target=13)  # 0013 alone: the down below reverts it
    assert_weekly_rollups_exact(empty_database)
    await Migrator(empty_database).down()  # 0013
    tables = rows(
        empty_database,
        "SELECT count(*) FROM pg_class"
        " WHERE relname IN ('usage_weekly_chunks', 'usage_auth_weekly')",
    )
    assert tables == [(0,)]
    # 0012's rebuild, as it was: the delete trigger works without the weekly tables.
    with psycopg.connect(empty_database, autocommit=True) as conn:
        conn.execute("DELETE FROM usage_stats WHERE auth_id = 'auth-7'")
    await Migrator(empty_database).up()
    assert_weekly_rollups_exact(empty_database)
