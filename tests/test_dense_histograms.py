"""The dense latency histograms of migration 0014 against a real PostgreSQL and a real
server: the boundary buckets 0 and 226 land in the first and last of the 227 counts, a
bucket out of range is refused, a fold rolled back midway leaves the dense rows as they
were, retention keeps them, and the down migration gives back the sparse rows exactly."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import psycopg
import pytest

from dataaccess.v1 import analytics_pb2 as pb
from dataaccess.v1 import request_logs_pb2 as logs_pb
from dataaccess_server.app import Application
from dataaccess_server.db import retention
from dataaccess_server.db.migrations import Migrator
from dataaccess_server.db.rollup_fold import fold_chunk, fold_lock_key
from dataaccess_server.domain.analytics import bucket_estimate
from dataaccess_server.domain.model.analytics import MAX_BUCKET
from dataaccess_server.embedded import PostgresInstance
from tests.harness import stubs
from tests.test_request_logs import assert_rollups_match_raw, log, stamp
from tests.test_rollup_fold import channel_to

LONGEST = 2**31 - 1  # the largest latency_ms a log may have (domain/log_checks.py)
DENSE = (
    "request_log_histogram_hourly",
    "request_log_histogram_daily",
    "request_log_histogram_weekly",
)
SPARSE = ("request_log_latency_hourly", "request_log_latency_daily", "request_log_latency_weekly")


def rows(dsn: str, query: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
    with psycopg.connect(dsn) as conn:
        return conn.execute(query.encode(), params).fetchall()


def dense_rows(dsn: str) -> dict[str, list[tuple[Any, ...]]]:
    return {table: rows(dsn, f"SELECT * FROM {table} ORDER BY 1, 2, 3") for table in DENSE}


@pytest.fixture
def empty_database(pg_primary: PostgresInstance) -> Iterator[str]:
    """A database with no migration applied."""
    name = f"d_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_primary.dsn(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield pg_primary.dsn(name)
    with psycopg.connect(pg_primary.dsn(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_the_highest_logged_latency_is_the_last_bucket() -> None:
    # What bounds the arrays: the bucket of 2^31-1 ms, in ingestion's float8 arithmetic.
    import math

    assert math.ceil(math.log(LONGEST) / math.log(1.1)) == MAX_BUCKET == 226


async def test_boundary_buckets_fill_the_first_and_last_counts_and_survive_retention(
    unfolding: Application, pg_database: str, now: datetime
) -> None:
    hour = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=2)
    # 1 ms and 0 ms: bucket 0; 2 ms: bucket 8 (1.1^7 < 2 <= 1.1^8); 2^31-1 ms: bucket 226.
    latencies = [1, 0, 2, 2, LONGEST, LONGEST, LONGEST]
    batch = logs_pb.BatchInsertRequestLogsRequest(
        logs=[
            log(n, hour + timedelta(minutes=n), provider="claude", model="m", latency_ms=ms)
            for n, ms in enumerate(latencies)
        ]
    )
    request = pb.GetLatencyPercentilesRequest(
        start_time=stamp(hour),
        end_time=stamp(hour + timedelta(hours=1)),
        percentiles=[1.0, 50.0, 100.0],
    )
    async with channel_to(unfolding) as channel:
        await stubs.request_logs(channel).BatchInsertRequestLogs(batch)
        unfolded = await stubs.analytics(channel).GetLatencyPercentiles(request)
        assert unfolding.rollup_fold is not None
        assert await unfolding.rollup_fold.fold_all() > 0
        folded = await stubs.analytics(channel).GetLatencyPercentiles(request)
        expected = {0: 2, 8: 2, MAX_BUCKET: 3}
        for table in DENSE:
            ((counts,),) = rows(pg_database, f"SELECT counts FROM {table}")
            assert len(counts) == MAX_BUCKET + 1, table
            assert {b: c for b, c in enumerate(counts) if c} == expected, table
        assert_rollups_match_raw(pg_database, suffix="")
        before = dense_rows(pg_database)
        async with await psycopg.AsyncConnection.connect(pg_database, autocommit=True) as conn:
            today = now.date() + timedelta(days=1)
            removed = await retention.cleanup(
                conn, keep_from=today, retention_days=30, audit_keep_from=today
            )
        assert removed.partitions
        assert rows(pg_database, "SELECT count(*) FROM request_logs") == [(0,)]
        assert dense_rows(pg_database) == before  # retention keeps the rollups
        kept = await stubs.analytics(channel).GetLatencyPercentiles(request)
    for reply in (unfolded, folded, kept):
        (row,) = reply.rows
        assert row.requests == len(latencies)
        assert [p.latency_ms for p in row.percentiles] == [
            bucket_estimate(0),
            bucket_estimate(8),
            bucket_estimate(MAX_BUCKET),
        ]


def test_a_bucket_out_of_range_or_a_short_array_is_refused(pg_database: str) -> None:
    with psycopg.connect(pg_database) as conn:
        refusals = (
            ([MAX_BUCKET + 1], psycopg.errors.CheckViolation),  # would widen the array
            ([-1], psycopg.errors.CheckViolation),  # would move its lower bound
            ([None], psycopg.errors.NullValueNotAllowed),
        )
        for buckets, refusal in refusals:
            with pytest.raises(refusal), conn.transaction():
                conn.execute(
                    "INSERT INTO request_log_histogram_hourly"
                    " VALUES (now(), 'p', 'm', latency_counts(%s::smallint[], '{1}'))",
                    (buckets,),
                )
        with pytest.raises(psycopg.errors.CheckViolation), conn.transaction():
            conn.execute(
                "INSERT INTO request_log_histogram_daily"
                " VALUES (current_date, 'p', 'm', array_fill(0::int8, ARRAY[226]))"
            )


async def test_a_fold_rolled_back_midway_leaves_the_dense_rows_as_they_were(
    unfolding: Application, pg_database: str, now: datetime
) -> None:
    hour = now.replace(minute=0, second=0, microsecond=0)
    async with channel_to(unfolding) as channel:
        logs = stubs.request_logs(channel)
        for first in (0, 1000):
            await logs.BatchInsertRequestLogs(
                logs_pb.BatchInsertRequestLogsRequest(
                    logs=[
                        log(n, hour - timedelta(minutes=n % 1500))
                        for n in range(first, first + 1000)
                    ]
                )
            )
        assert unfolding.rollup_fold is not None
        await unfolding.rollup_fold.fold_all()
        await logs.BatchInsertRequestLogs(
            logs_pb.BatchInsertRequestLogsRequest(
                logs=[log(n, hour - timedelta(minutes=n % 1500)) for n in range(2000, 3000)]
            )
        )
    before = dense_rows(pg_database)
    key = fold_lock_key(unfolding.settings.schema)
    async with (
        await psycopg.AsyncConnection.connect(pg_database, autocommit=True) as conn,
        conn.transaction(force_rollback=True),  # aborts, as a killed fold's does
    ):
        assert (await fold_chunk(conn, limit=500, lock_key=key) or 0) > 0
    assert dense_rows(pg_database) == before
    assert_rollups_match_raw(pg_database)
    await unfolding.rollup_fold.fold_all()
    assert_rollups_match_raw(pg_database, suffix="")
    assert dense_rows(pg_database) != before


async def test_up_fills_the_dense_rows_and_down_gives_back_the_sparse_rows_exactly(
    empty_database: str,
) -> None:
    migrator = Migrator(empty_database)
    await migrator.up(target=13)
    monday = "2026-11-02"
    sparse = {
        "request_log_latency_hourly": [
            ("2026-11-02 10:00+00", "claude", "opus", 0, 3),
            ("2026-11-02 10:00+00", "claude", "opus", MAX_BUCKET, 5),
            ("2026-11-02 11:00+00", "claude", "opus", 70, 2**40),
            ("2026-11-02 10:00+00", "gemini", "pro", 8, 1),
        ],
        "request_log_latency_daily": [
            (monday, "claude", "opus", 0, 3),
            (monday, "claude", "opus", 70, 2**40),
            (monday, "claude", "opus", MAX_BUCKET, 5),
            (monday, "gemini", "pro", 8, 1),
        ],
        "request_log_latency_weekly": [
            (monday, "claude", "opus", 0, 3),
            (monday, "claude", "opus", 70, 2**40),
            (monday, "claude", "opus", MAX_BUCKET, 5),
            (monday, "gemini", "pro", 8, 1),
        ],
    }
    with psycopg.connect(empty_database) as conn:
        for table, values in sparse.items():
            for value in values:
                conn.execute(f"INSERT INTO {table} VALUES (%s, %s, %s, %s, %s)".encode(), value)
    before = {table: rows(empty_database, f"TABLE {table} ORDER BY 1, 2, 3, 4") for table in SPARSE}
    await migrator.up(target=14)
    counts = rows(
        empty_database,
        "SELECT provider, counts FROM request_log_histogram_daily ORDER BY provider",
    )
    assert [(p, {b: c for b, c in enumerate(a) if c}) for p, a in counts] == [
        ("claude", {0: 3, 70: 2**40, MAX_BUCKET: 5}),
        ("gemini", {8: 1}),
    ]
    # The sparse names are views over the dense rows: the same rows as before.
    assert {t: rows(empty_database, f"SELECT * FROM {t} ORDER BY 1, 2, 3, 4") for t in SPARSE} == (
        before
    )
    await migrator.down()
    kinds = rows(
        empty_database,
        "SELECT relname, relkind FROM pg_class WHERE relname = ANY(%(names)s) ORDER BY 1",
        {"names": list(SPARSE + DENSE)},
    )
    assert kinds == [(table, "r") for table in sorted(SPARSE)]
    assert {
        table: rows(empty_database, f"TABLE {table} ORDER BY 1, 2, 3, 4") for table in SPARSE
    } == (before)
    await migrator.up()
