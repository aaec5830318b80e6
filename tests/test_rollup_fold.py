"""The rollup fold against a real PostgreSQL and a real server: batches write deltas of
their own, the background fold moves them into the rollups, and the counts stay exact
through concurrent batches, duplicates, and a fold that dies midway."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import psycopg
import pytest
from grpc import aio

from dataaccess.v1 import analytics_pb2
from dataaccess.v1 import request_logs_pb2 as pb
from dataaccess_server.app import Application
from dataaccess_server.config.rollup_fold import RollupFoldSettings
from dataaccess_server.db.rollup_fold import count_deltas, fold_chunk, fold_lock_key
from dataaccess_server.errors import DataAccessError
from tests.harness import stubs
from tests.harness.server import server_settings
from tests.harness.waiting import wait_until
from tests.test_request_logs import assert_rollups_match_raw, log, scalar, stamp

# A fold blocked on a rollup row: its DELETE of the deltas is done, its upsert waits.
BLOCKED_FOLD = """
SELECT pid FROM pg_stat_activity
WHERE wait_event_type = 'Lock' AND query LIKE '%%DELETE FROM request_log_delta%%'
"""
ERRORS_SQL = """
SELECT provider, model, count(*), count(*) FILTER (WHERE status_code >= 400 OR status_code = 0)
FROM request_logs WHERE request_time >= %(start)s AND request_time < %(end)s
GROUP BY provider, model
"""


@pytest.fixture
def hour(now: datetime) -> datetime:
    """The start of the test's hour: its logs are of the three hours before it."""
    return now.replace(minute=0, second=0)


def batch(hour: datetime, first: int, count: int = 1000) -> pb.BatchInsertRequestLogsRequest:
    """Logs ``first`` .. ``first + count - 1``, over the three hours before ``hour``."""
    return pb.BatchInsertRequestLogsRequest(
        logs=[log(n, when=hour - timedelta(minutes=n % 180)) for n in range(first, first + count)]
    )


def channel_to(app: Application) -> aio.Channel:
    return aio.insecure_channel(f"127.0.0.1:{app.port}")


def deltas(dsn: str) -> int:
    return int(scalar(dsn, "SELECT count(*) FROM request_log_delta"))


async def all_folded(dsn: str) -> bool:
    return await asyncio.to_thread(deltas, dsn) == 0


async def started(dsn: str, interval: float) -> Application:
    app = Application(server_settings(dsn, rollup_fold=RollupFoldSettings(interval=interval)))
    await app.start()
    return app


@pytest.fixture
async def folding(pg_database: str) -> AsyncIterator[Application]:
    """A server folding every 50 ms in the background."""
    app = await started(pg_database, 0.05)
    try:
        yield app
    finally:
        await app.stop()


async def error_rates(app: Application, hour: datetime) -> list[tuple[Any, ...]]:
    async with channel_to(app) as channel:
        reply = await stubs.analytics(channel).GetErrorRates(
            analytics_pb2.GetErrorRatesRequest(
                start_time=stamp(hour - timedelta(hours=4)),
                end_time=stamp(hour + timedelta(hours=1)),
            )
        )
    return sorted((g.provider, g.model, g.requests, g.errors) for g in reply.rates)


def error_rates_sql(dsn: str, hour: datetime) -> list[tuple[Any, ...]]:
    with psycopg.connect(dsn) as conn:
        params = {"start": hour - timedelta(hours=4), "end": hour + timedelta(hours=1)}
        return sorted(conn.execute(ERRORS_SQL, params).fetchall())


async def test_concurrent_batches_with_shared_duplicates_then_the_fold_count_each_log_once(
    unfolding: Application, pg_database: str, hour: datetime
) -> None:
    # Eight batches at once, each sharing 200 logs with the next: 6,600 distinct logs.
    async with channel_to(unfolding) as channel:
        logs = stubs.request_logs(channel)
        replies = await asyncio.gather(
            *(logs.BatchInsertRequestLogs(batch(hour, n * 800)) for n in range(8))
        )
    assert sum(reply.inserted for reply in replies) == 6600
    assert sum(reply.duplicates for reply in replies) == 8000 - 6600
    assert deltas(pg_database) > 0
    assert scalar(pg_database, "SELECT count(*) FROM request_log_hourly") == 0
    # Unfolded: analytics (rollups plus deltas) already equals plain SQL over the logs.
    assert_rollups_match_raw(pg_database)
    assert await error_rates(unfolding, hour) == error_rates_sql(pg_database, hour)

    assert unfolding.rollup_fold is not None
    assert await unfolding.rollup_fold.fold_all() > 0
    assert deltas(pg_database) == 0
    assert_rollups_match_raw(pg_database, suffix="")  # the rollup tables alone
    assert await error_rates(unfolding, hour) == error_rates_sql(pg_database, hour)


async def test_a_fold_rolled_back_midway_leaves_every_delta_to_fold_again(
    unfolding: Application, pg_database: str, hour: datetime
) -> None:
    async with channel_to(unfolding) as channel:
        for first in (0, 1000, 2000):
            await stubs.request_logs(channel).BatchInsertRequestLogs(batch(hour, first))
    pending = deltas(pg_database)
    key = fold_lock_key(unfolding.settings.schema)
    async with (
        await psycopg.AsyncConnection.connect(pg_database, autocommit=True) as conn,
        conn.transaction(force_rollback=True),  # aborts, as a killed fold's does
    ):
        assert await fold_chunk(conn, limit=pending // 2, lock_key=key) == pending // 2
        assert await count_deltas(conn) == pending - pending // 2
    assert deltas(pg_database) == pending
    assert_rollups_match_raw(pg_database)
    assert unfolding.rollup_fold is not None
    assert await unfolding.rollup_fold.fold_all() == pending
    assert_rollups_match_raw(pg_database, suffix="")


async def test_a_fold_terminated_midway_loses_and_double_counts_nothing(
    folding: Application, pg_database: str, hour: datetime
) -> None:
    async with channel_to(folding) as channel:
        logs = stubs.request_logs(channel)
        await logs.BatchInsertRequestLogs(batch(hour, 0))
        await wait_until(partial(all_folded, pg_database), what="the first fold")
        async with await psycopg.AsyncConnection.connect(pg_database) as blocker:
            # Hold every rollup row: the next fold deletes its deltas, then waits here.
            await blocker.execute("SELECT 1 FROM request_log_hourly FOR UPDATE")
            await logs.BatchInsertRequestLogs(batch(hour, 1000))
            pending = await asyncio.to_thread(deltas, pg_database)
            assert pending > 0

            async def fold_backend() -> int | None:
                return await asyncio.to_thread(scalar_or_none, pg_database, BLOCKED_FOLD)

            await wait_until(fold_backend, what="a fold blocked mid-transaction")
            pid = await fold_backend()
            # Midway: the fold's delete is not committed, so readers still see the deltas.
            assert await asyncio.to_thread(deltas, pg_database) == pending
            await asyncio.to_thread(assert_rollups_match_raw, pg_database)
            assert await error_rates(folding, hour) == error_rates_sql(pg_database, hour)
            assert scalar(pg_database, f"SELECT pg_terminate_backend({pid})") is True
            await blocker.rollback()
        # The background fold logs the failure and folds everything on a later round.
        await wait_until(partial(all_folded, pg_database), what="a fold after the failure")
    assert_rollups_match_raw(pg_database, suffix="")
    assert scalar(pg_database, "SELECT sum(requests) FROM request_log_hourly") == 2000
    assert await error_rates(folding, hour) == error_rates_sql(pg_database, hour)


def scalar_or_none(dsn: str, query: str) -> Any:
    with psycopg.connect(dsn) as conn:
        row = conn.execute(query.encode()).fetchone()
    return None if row is None else row[0]


async def test_one_process_folds_at_a_time(
    unfolding: Application, pg_database: str, hour: datetime
) -> None:
    async with channel_to(unfolding) as channel:
        await stubs.request_logs(channel).BatchInsertRequestLogs(batch(hour, 0))
    pending = deltas(pg_database)
    assert unfolding.rollup_fold is not None
    key = fold_lock_key(unfolding.settings.schema)
    with psycopg.connect(pg_database, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", (key,))  # another process folding
        assert await unfolding.rollup_fold.fold_all() == 0
        assert deltas(pg_database) == pending
        other.execute("SELECT pg_advisory_unlock(%s)", (key,))
    assert await unfolding.rollup_fold.fold_all() == pending


async def test_a_fold_failing_on_a_lost_database_is_a_data_access_error(
    unfolding: Application, pg_database: str, hour: datetime
) -> None:
    # What the background loop catches and retries: never an unexpected exception.
    assert unfolding.rollup_fold is not None
    unfolding.rollup_fold.chunk = 10
    async with channel_to(unfolding) as channel:
        await stubs.request_logs(channel).BatchInsertRequestLogs(batch(hour, 0, 100))
    with psycopg.connect(pg_database) as conn:
        conn.execute("LOCK TABLE request_log_hourly IN ACCESS EXCLUSIVE MODE")

        async def terminate() -> None:
            await wait_until(
                lambda: asyncio.to_thread(scalar_or_none, pg_database, BLOCKED_FOLD),
                what="the fold waiting on the table lock",
            )
            pid = await asyncio.to_thread(scalar_or_none, pg_database, BLOCKED_FOLD)
            await asyncio.to_thread(scalar, pg_database, f"SELECT pg_terminate_backend({pid})")

        killer = asyncio.create_task(terminate())
        with pytest.raises(DataAccessError):
            await unfolding.rollup_fold.fold_all()
        await killer
    assert await unfolding.rollup_fold.fold_all() > 0
    assert_rollups_match_raw(pg_database, suffix="")
