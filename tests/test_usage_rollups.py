"""The usage rollups of migration 0012 against a real PostgreSQL: after concurrent
batches that bring new auths, after a delete, and after the migration's backfill of
counters written before it, every rollup row equals its recomputation from usage_stats;
and the analytics over more auths than a chunk holds equal
plain SQL over usage_stats."""

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
from dataaccess_server.app import Application
from dataaccess_server.db.migrations import Migrator
from dataaccess_server.embedded import PostgresInstance
from tests.harness import stubs
from tests.harness.server import server_settings

PAIRS = [("claude", "opus"), ("claude", "haiku"), ("gemini", "pro")]
# More than two chunks of 256 auth numbers.
AUTHS = 700
DAYS = 5

COUNTERS = (
    "request_count, input_tokens, output_tokens, reasoning_tokens, cached_tokens, "
    "total_tokens, success_count, error_count"
)
SUMS = ", ".join(f"sum({name})::bigint" for name in COUNTERS.split(", "))
EXPECTED_CHUNKS = f"""
SELECT usage_date, provider, model, n.auth_number >> 8, {SUMS},
    bit_or(set_bit(B'0'::bit(256), n.auth_number & 255, 1))::text
FROM usage_stats JOIN usage_auth_numbers n USING (auth_id)
GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
"""
STORED_CHUNKS = f"""
SELECT usage_date, provider, model, chunk, {COUNTERS}, auths::text FROM usage_daily_chunks
ORDER BY 1, 2, 3, 4
"""
EXPECTED_AUTH_DAYS = """
SELECT usage_date, n.auth_number, sum(request_count)::bigint, sum(total_tokens)::bigint
FROM usage_stats JOIN usage_auth_numbers n USING (auth_id) GROUP BY 1, 2 ORDER BY 1, 2
"""
STORED_AUTH_DAYS = """
SELECT usage_date, auth_number, request_count, total_tokens FROM usage_auth_daily
ORDER BY 1, 2
"""
NUMBERS = "SELECT auth_id, auth_number FROM usage_auth_numbers ORDER BY auth_number"
STATS_AUTHS = "SELECT DISTINCT auth_id FROM usage_stats ORDER BY 1"


def rows(dsn: str, query: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
    with psycopg.connect(dsn) as conn:
        return conn.execute(query.encode(), params).fetchall()


def assert_rollups_exact(dsn: str) -> None:
    """Every rollup row equals its recomputation from usage_stats, and every auth of
    usage_stats has a number."""
    numbers = rows(dsn, NUMBERS)
    # Numbers are distinct; a race between two batches bringing one new auth may skip one.
    assert len({number for _, number in numbers}) == len(numbers)
    assert {(auth,) for auth, _ in numbers} >= set(rows(dsn, STATS_AUTHS))
    assert rows(dsn, STORED_CHUNKS) == rows(dsn, EXPECTED_CHUNKS)
    assert rows(dsn, STORED_AUTH_DAYS) == rows(dsn, EXPECTED_AUTH_DAYS)


def batch(rng: random.Random, size: int, today: date) -> usage_pb2.BatchUpsertUsageRequest:
    """``size`` random records over the ``DAYS`` days up to ``today``."""
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
                cached_tokens=rng.randrange(9_000),
                success_count=requests - requests // 4,
                error_count=requests // 4,
            )
        )
    return usage_pb2.BatchUpsertUsageRequest(records=records)


async def test_rollups_stay_exact_under_concurrent_batches_that_bring_new_auths(
    channel: grpc.aio.Channel, pg_database: str, today: date
) -> None:
    usage = stubs.usage(channel)

    async def writer(seed: int) -> None:
        rng = random.Random(seed)
        for _ in range(6):
            await usage.BatchUpsertUsage(batch(rng, 150, today))

    await asyncio.gather(*(writer(seed) for seed in range(6)))
    assert len(rows(pg_database, NUMBERS)) > 512  # three chunks in use
    assert_rollups_exact(pg_database)


async def test_summary_and_top_auths_over_several_chunks_equal_sql(
    channel: grpc.aio.Channel, pg_database: str, today: date
) -> None:
    usage = stubs.usage(channel)
    rng = random.Random(3)
    for _ in range(8):
        await usage.BatchUpsertUsage(batch(rng, 300, today))
    analytics = stubs.analytics(channel)
    start, end = today - timedelta(days=DAYS - 2), today
    days = {"start_date": start.isoformat(), "end_date": end.isoformat()}
    summary = await analytics.GetUsageSummary(pb.GetUsageSummaryRequest(**days))
    params = {"start": start, "end": end}
    expected = rows(
        pg_database,
        "SELECT provider, model, sum(request_count), count(DISTINCT auth_id) FROM usage_stats"
        " WHERE usage_date BETWEEN %(start)s AND %(end)s GROUP BY 1, 2 ORDER BY 1, 2",
        params,
    )
    got = [(r.provider, r.model, r.totals.requests, r.totals.distinct_auths) for r in summary.rows]
    assert got == expected
    (everyone,) = rows(
        pg_database,
        "SELECT count(DISTINCT auth_id) FROM usage_stats"
        " WHERE usage_date BETWEEN %(start)s AND %(end)s",
        params,
    )
    assert summary.total.distinct_auths == everyone[0] > 256
    top = await analytics.GetTopAuthsByUsage(
        pb.GetTopAuthsByUsageRequest(limit=30, order_by=pb.TOP_AUTHS_ORDER_TOTAL_TOKENS, **days)
    )
    expected_top = rows(
        pg_database,
        "SELECT auth_id, sum(request_count), sum(total_tokens),"
        " count(DISTINCT provider || '/' || model) FROM usage_stats"
        " WHERE usage_date BETWEEN %(start)s AND %(end)s"
        " GROUP BY auth_id ORDER BY 3 DESC, auth_id LIMIT 30",
        params,
    )
    got_top = [(a.auth_id, a.requests, a.total_tokens, a.distinct_models) for a in top.auths]
    assert got_top == expected_top


async def test_a_delete_rebuilds_the_rollups_of_the_days_it_touched(
    channel: grpc.aio.Channel, pg_database: str, today: date
) -> None:
    rng = random.Random(5)
    for _ in range(3):
        await stubs.usage(channel).BatchUpsertUsage(batch(rng, 200, today))
    with psycopg.connect(pg_database, autocommit=True) as conn:
        deleted = conn.execute(
            "DELETE FROM usage_stats WHERE auth_id LIKE 'auth-1%%' AND usage_date = %(day)s",
            {"day": today},
        )
        assert deleted.rowcount > 0
    assert_rollups_exact(pg_database)


@pytest.fixture
def empty_database(pg_primary: PostgresInstance) -> Iterator[str]:
    name = f"r_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_primary.dsn(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield pg_primary.dsn(name)
    with psycopg.connect(pg_primary.dsn(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


async def test_the_migration_backfills_counters_written_before_it(
    empty_database: str, today: date
) -> None:
    migrator = Migrator(empty_database)
    await migrator.up(target=10)  # the last before 0012 on this branch
    day: date = today - timedelta(days=1)
    with psycopg.connect(empty_database, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO usage_stats (usage_date, provider, model, auth_id, request_count,"
            " input_tokens, output_tokens, success_count)"
            " SELECT %(day)s::date - (g %% 3), 'claude', 'opus', 'auth-' || (g %% 400), g, g * 10,"
            " g, g FROM generate_series(1, 900) AS g",
            {"day": day},
        )
    await Migrator(empty_database).up()
    assert len(rows(empty_database, NUMBERS)) == 400
    assert_rollups_exact(empty_database)
    # And the server's writes take it from there, new auths and old.
    app = Application(server_settings(empty_database))
    port = await app.start()
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            await stubs.usage(channel).BatchUpsertUsage(batch(random.Random(9), 300, today))
    finally:
        await app.stop()
    assert len(rows(empty_database, NUMBERS)) > 400
    assert_rollups_exact(empty_database)
