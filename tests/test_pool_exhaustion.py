"""A call that finds its node's pool exhausted: UNAVAILABLE, naming the pool's wait.

The pool's connections are all held by calls blocked on a row another session keeps
locked (real PostgreSQL, real gRPC server). A further call waits DB_POOL_TIMEOUT for a
connection, then answers UNAVAILABLE (retry later, elsewhere) with a message that says
no connection became free, not that the database is down; the blocked calls finish once
the lock goes.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date

import grpc
import psycopg
import pytest

from dataaccess.v1 import usage_pb2 as pb
from dataaccess_server.app import Application
from dataaccess_server.db.pool import PoolSettings
from tests.harness import stubs
from tests.harness.server import server_settings
from tests.harness.waiting import wait_until

POOL_SIZE = 2
POOL_TIMEOUT = 0.5
# Calls waiting on a lock in the test's database: the ones holding the pool's connections.
LOCK_WAITERS = (
    "SELECT count(*) FROM pg_stat_activity"
    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
)


@pytest.fixture
async def small_pool_server(pg_database: str) -> AsyncIterator[Application]:
    pool = PoolSettings(min_size=1, max_size=POOL_SIZE, timeout=POOL_TIMEOUT)
    app = Application(server_settings(pg_database, pool=pool))
    await app.start()
    try:
        yield app
    finally:
        await app.stop()


def record(day: date) -> pb.UsageRecord:
    return pb.UsageRecord(
        provider="claude", model="m", auth_id="held", date=day.isoformat(), request_count=1
    )


async def test_a_call_finding_the_pool_exhausted_is_unavailable_naming_the_pool_wait(
    small_pool_server: Application, pg_database: str, today: date
) -> None:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{small_pool_server.port}") as channel:
        usage = stubs.usage(channel)
        await usage.UpsertUsage(pb.UpsertUsageRequest(record=record(today)), timeout=10)
        with psycopg.connect(pg_database) as holder:
            holder.execute("SELECT 1 FROM usage_stats WHERE auth_id = 'held' FOR UPDATE")
            # Each blocked upsert keeps one of the pool's connections until the lock goes.
            blocked = [
                asyncio.ensure_future(
                    usage.UpsertUsage(pb.UpsertUsageRequest(record=record(today)), timeout=30)
                )
                for _ in range(POOL_SIZE)
            ]

            def waiting() -> bool:
                with psycopg.connect(pg_database) as conn:
                    row = conn.execute(LOCK_WAITERS).fetchone()
                return row is not None and row[0] == POOL_SIZE

            await wait_until(waiting, what=f"{POOL_SIZE} upserts waiting on the lock")
            loop = asyncio.get_running_loop()
            started = loop.time()
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                await usage.ListUsage(pb.ListUsageRequest(auth_id="held"), timeout=10)
            waited = loop.time() - started
            assert not any(call.done() for call in blocked)
            holder.rollback()
        await asyncio.gather(*blocked)
        listed = await usage.ListUsage(pb.ListUsageRequest(auth_id="held"), timeout=10)
    error = caught.value
    assert error.code() == grpc.StatusCode.UNAVAILABLE, (error.code(), error.details())
    assert error.details() == (
        f"no connection to primary became free within {POOL_TIMEOUT:.2f}s"
    ), error.details()
    # It waited the pool's timeout (not the call's 10 s deadline) before answering.
    assert POOL_TIMEOUT <= waited < 5.0
    assert [row.request_count for row in listed.records] == [1 + POOL_SIZE]
