"""RequestLogService against a real PostgreSQL: de-duplicated batch and stream ingestion,
rollups that agree with the raw logs, partitions for new days, whole-batch validation."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import grpc
import psycopg
import pytest
from google.protobuf import timestamp_pb2

from dataaccess.v1 import request_logs_pb2 as pb
from dataaccess_server.app import Application
from dataaccess_server.db.migrations import Migrator
from tests.harness import stubs
from tests.harness.postgres import InstanceFactory
from tests.harness.server import (
    clean_environment,
    health_status,
    run_cli,
    server_settings,
)
from tests.harness.waiting import wait_until

if TYPE_CHECKING:
    from dataaccess.v1.request_logs_pb2_grpc import RequestLogServiceAsyncStub

# The full volume of the acceptance test; DATAACCESS_TEST_LOG_ROWS lowers it for quick runs.
VOLUME = int(os.environ.get("DATAACCESS_TEST_LOG_ROWS", "1000000"))


def stamp(when: datetime) -> timestamp_pb2.Timestamp:
    value = timestamp_pb2.Timestamp()
    value.FromDatetime(when)
    return value


def log(n: int, when: datetime, **fields: Any) -> pb.RequestLog:
    """Log ``n`` of a test's data, at ``when`` (the test's ``now``, or a time from it)."""
    values: dict[str, Any] = {
        "request_id": f"req-{n}",
        "request_time": stamp(when),
        "provider": ("claude", "gemini", "codex")[n % 3],
        "model": f"model-{n % 4}",
        "auth_id": f"auth-{n % 10}",
        "status_code": (200, 200, 200, 429, 500)[n % 5],
        "latency_ms": (n * 37) % 5000,
        "input_tokens": n % 100,
        "output_tokens": n % 50,
    }
    values.update(fields)
    return pb.RequestLog(**values)


def scalar(dsn: str, query: str) -> Any:
    with psycopg.connect(dsn) as conn:
        row = conn.execute(query.encode()).fetchone()
    assert row is not None
    return row[0]


def assert_rollups_match_raw(dsn: str, suffix: str = "_all") -> None:
    """The rollups equal plain SQL over the raw logs: as analytics reads them (each
    rollup plus its unfolded deltas, the ``_all`` views), or with ``suffix=""`` the
    rollup tables alone (once every delta is folded)."""
    with psycopg.connect(dsn) as conn:
        raw = conn.execute(
            "SELECT date_trunc('hour', request_time, 'UTC'), provider, model, count(*),"
            " count(*) FILTER (WHERE status_code >= 400 OR status_code = 0),"
            " sum(input_tokens), sum(output_tokens), sum(latency_ms)"
            " FROM request_logs GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
        ).fetchall()
        rolled = conn.execute(
            "SELECT hour, provider, model, sum(requests), sum(errors), sum(input_tokens),"
            f" sum(output_tokens), sum(latency_ms_sum) FROM request_log_hourly{suffix}"
            " GROUP BY 1, 2, 3 ORDER BY 1, 2, 3".encode()
        ).fetchall()
        histogram = conn.execute(
            f"SELECT hour, provider, model, sum(count) FROM request_log_latency_hourly{suffix}"
            " GROUP BY 1, 2, 3 ORDER BY 1, 2, 3".encode()
        ).fetchall()
        daily = conn.execute(
            "SELECT day, provider, model, bucket, sum(count)"
            f" FROM request_log_latency_daily{suffix}"
            " GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4".encode()
        ).fetchall()
        daily_from_hourly = conn.execute(
            "SELECT (hour AT TIME ZONE 'UTC')::date, provider, model, bucket, sum(count)"
            f" FROM request_log_latency_hourly{suffix}"
            " GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4".encode()
        ).fetchall()
    assert rolled == raw
    assert histogram == [(row[0], row[1], row[2], row[3]) for row in raw]
    assert daily == daily_from_hourly


async def test_a_resent_batch_stores_nothing_new_and_rollups_match(
    request_logs_stub: RequestLogServiceAsyncStub, pg_database: str, now: datetime
) -> None:
    batch = pb.BatchInsertRequestLogsRequest(logs=[log(n, now) for n in range(1000)])
    first = await request_logs_stub.BatchInsertRequestLogs(batch)
    assert (first.inserted, first.duplicates) == (1000, 0)
    again = await request_logs_stub.BatchInsertRequestLogs(batch)
    assert (again.inserted, again.duplicates) == (0, 1000)
    inside = await request_logs_stub.BatchInsertRequestLogs(
        pb.BatchInsertRequestLogsRequest(logs=[log(5000, now), log(5000, now), log(1, now)])
    )
    assert (inside.inserted, inside.duplicates) == (1, 2)
    assert scalar(pg_database, "SELECT count(*) FROM request_logs") == 1001
    assert_rollups_match_raw(pg_database)


async def test_a_batch_over_three_new_days_creates_their_partitions(
    request_logs_stub: RequestLogServiceAsyncStub, pg_database: str, now: datetime
) -> None:
    days = [now - timedelta(days=d) for d in (20, 21, 22)]
    reply = await request_logs_stub.BatchInsertRequestLogs(
        pb.BatchInsertRequestLogsRequest(logs=[log(n, when=days[n % 3]) for n in range(30)])
    )
    assert reply.inserted == 30
    names = {f"request_logs_p{day:%Y%m%d}" for day in days}
    with psycopg.connect(pg_database) as conn:
        for name in names:
            count = conn.execute(f'SELECT count(*) FROM "{name}"'.encode()).fetchone()
            assert count == (10,)


async def test_the_server_creates_partitions_ahead_of_time(
    request_logs_stub: RequestLogServiceAsyncStub, pg_database: str
) -> None:
    # The server fixture runs with the default DB_LOG_PARTITIONS_AHEAD=3: for the request
    # logs and for the audit trail alike.
    today = datetime.now(UTC).date()
    expected = [
        f"{parent}_p{today + timedelta(days=d):%Y%m%d}"
        for parent in ("request_logs", "audit_events")
        for d in range(4)
    ]

    def created() -> bool:
        present = scalar(
            pg_database,
            "SELECT array_agg(c.relname::text ORDER BY c.relname) FROM pg_inherits i"
            " JOIN pg_class c ON c.oid = i.inhrelid"
            " WHERE i.inhparent IN ('request_logs'::regclass, 'audit_events'::regclass)",
        )
        return present is not None and all(name in present for name in expected)

    await wait_until(lambda: asyncio.to_thread(created), what=f"partitions {expected}", timeout=10)


async def test_one_bad_log_rejects_the_batch_naming_its_index_and_field(
    request_logs_stub: RequestLogServiceAsyncStub, pg_database: str, now: datetime
) -> None:
    logs = [log(n, now) for n in range(1000)]
    logs[537].status_code = 999
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await request_logs_stub.BatchInsertRequestLogs(pb.BatchInsertRequestLogsRequest(logs=logs))
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "logs[537].status_code" in (caught.value.details() or "")
    assert scalar(pg_database, "SELECT count(*) FROM request_log_hourly_all") == 0
    assert scalar(pg_database, "SELECT to_regclass('request_logs_incoming')") is None


def stream(messages: list[list[pb.RequestLog]]) -> Iterator[pb.StreamRequestLogsRequest]:
    for logs in messages:
        yield pb.StreamRequestLogsRequest(logs=logs)


async def test_a_stream_stores_in_chunks_and_a_resent_stream_only_adds_duplicates(
    request_logs_stub: RequestLogServiceAsyncStub, pg_database: str, now: datetime
) -> None:
    messages = [[log(m * 300 + n, now) for n in range(300)] for m in range(10)]

    async def send() -> pb.StreamRequestLogsResponse:
        async def requests() -> AsyncIterator[pb.StreamRequestLogsRequest]:
            for request in stream(messages):
                yield request

        return await request_logs_stub.StreamRequestLogs(requests())

    first = await send()
    assert (first.inserted, first.duplicates, first.messages) == (3000, 0, 10)
    again = await send()
    assert (again.inserted, again.duplicates) == (0, 3000)
    assert scalar(pg_database, "SELECT count(*) FROM request_logs") == 3000
    assert_rollups_match_raw(pg_database)


async def test_list_is_newest_first_and_filters(
    request_logs_stub: RequestLogServiceAsyncStub,
    now: datetime,
) -> None:
    logs = [log(n, when=now - timedelta(minutes=n)) for n in range(20)]
    await request_logs_stub.BatchInsertRequestLogs(pb.BatchInsertRequestLogsRequest(logs=logs))
    page = await request_logs_stub.ListRequestLogs(pb.ListRequestLogsRequest(page_size=5))
    assert [entry.request_id for entry in page.logs] == [f"req-{n}" for n in range(5)]
    second = await request_logs_stub.ListRequestLogs(
        pb.ListRequestLogsRequest(page_size=5, page_token=page.next_page_token)
    )
    assert [entry.request_id for entry in second.logs] == [f"req-{n}" for n in range(5, 10)]
    errors = await request_logs_stub.ListRequestLogs(
        pb.ListRequestLogsRequest(status_class=pb.STATUS_CLASS_SERVER_ERROR)
    )
    assert {entry.status_code for entry in errors.logs} == {500}
    client = await request_logs_stub.ListRequestLogs(
        pb.ListRequestLogsRequest(status_class=pb.STATUS_CLASS_CLIENT_ERROR, auth_id="auth-3")
    )
    assert [(e.status_code, e.auth_id) for e in client.logs] == [(429, "auth-3")] * 2


@pytest.mark.timeout(300)
async def test_volume_through_batches_and_a_stream_counts_exactly(
    request_logs_stub: RequestLogServiceAsyncStub, pg_database: str, now: datetime
) -> None:
    half = VOLUME // 2
    started = time.monotonic()
    batch_size = 1000
    for offset in range(0, half, batch_size):
        reply = await request_logs_stub.BatchInsertRequestLogs(
            pb.BatchInsertRequestLogsRequest(
                logs=[log(n, now) for n in range(offset, offset + batch_size)]
            ),
            timeout=30,
        )
        assert reply.inserted == batch_size
    batches_done = time.monotonic()

    async def requests() -> AsyncIterator[pb.StreamRequestLogsRequest]:
        for offset in range(half, VOLUME, batch_size):
            yield pb.StreamRequestLogsRequest(
                logs=[log(n, now) for n in range(offset, offset + batch_size)]
            )

    streamed = await request_logs_stub.StreamRequestLogs(requests(), timeout=600)
    assert streamed.inserted == VOLUME - half
    finished = time.monotonic()
    print(
        f"\n{half} logs in batches of {batch_size}: {half / (batches_done - started):.0f} rows/s;"
        f" {VOLUME - half} streamed: {(VOLUME - half) / (finished - batches_done):.0f} rows/s"
    )
    # Re-sending a batch inserts nothing new.
    again = await request_logs_stub.BatchInsertRequestLogs(
        pb.BatchInsertRequestLogsRequest(logs=[log(n, now) for n in range(0, batch_size)])
    )
    assert (again.inserted, again.duplicates) == (0, batch_size)
    assert scalar(pg_database, "SELECT count(*) FROM request_logs") == VOLUME
    assert scalar(pg_database, "SELECT sum(requests) FROM request_log_hourly_all") == VOLUME
    assert_rollups_match_raw(pg_database)


async def test_cleanup_drops_partitions_past_retention_and_reports_them(
    request_logs_stub: RequestLogServiceAsyncStub, pg_database: str, now: datetime
) -> None:
    old_days = [now - timedelta(days=d) for d in (3, 4, 5)]
    # Two batches: one may touch at most three days (DATAACCESS_MAX_BATCH_DAYS).
    for logs in (
        [log(n, when=old_days[n % 3]) for n in range(30)],
        [log(100 + n, now) for n in range(5)],
    ):
        await request_logs_stub.BatchInsertRequestLogs(pb.BatchInsertRequestLogsRequest(logs=logs))
    with psycopg.connect(pg_database) as conn:
        # Usage request ids past retention (2 of 3) and rate windows over an hour old (1 of 2).
        conn.execute(
            "INSERT INTO usage_applied_requests (request_id, applied_at, fingerprint)"
            " VALUES ('old-1', now() - interval '2 days', ''),"
            " ('old-2', now() - interval '30 hours', ''), ('new', now(), '')"
        )
        conn.execute(
            "INSERT INTO api_key_rate_windows (api_key_id, window_start, count)"
            " VALUES (gen_random_uuid(), now() - interval '2 hours', 1),"
            " (gen_random_uuid(), now(), 1)"
        )
    env = clean_environment(DATABASE_URL=pg_database, DB_LOG_RETENTION_DAYS="1")
    result = await asyncio.to_thread(run_cli, "cleanup", env=env)
    assert result.returncode == 0, result.stderr
    for day in old_days:
        assert f"dropped partition request_logs_p{day:%Y%m%d}" in result.stdout
    assert "dropped 3 partition(s)" in result.stdout
    assert "deleted 2 usage request id(s), 1 rate-limit window(s)" in result.stdout
    assert scalar(pg_database, "SELECT count(*) FROM usage_applied_requests") == 1
    assert scalar(pg_database, "SELECT count(*) FROM request_logs") == 5  # today's kept
    assert scalar(pg_database, "SELECT sum(requests) FROM request_log_hourly_all") == 35  # stay
    again = await asyncio.to_thread(run_cli, "cleanup", env=env)
    assert "dropped 0 partition(s)" in again.stdout


@pytest.mark.timeout(300)  # about 3 s; generous, as it restarts a durable server
async def test_primary_lost_mid_stream_gives_unavailable_and_a_resend_stores_each_log_once(
    pg_instance_factory: InstanceFactory,
    now: datetime,
) -> None:
    # Durable: an acknowledged chunk must survive the crash, as on a real server.
    durable = {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on"}
    instance = await asyncio.to_thread(pg_instance_factory, settings=durable)
    await Migrator(instance.dsn()).up()
    app = Application(server_settings(instance.dsn()))
    await app.start()
    messages = [[log(m * 500 + n, now) for n in range(500)] for m in range(40)]
    stored_before_kill = 0
    stopping: list[asyncio.Future[None]] = []
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{app.port}") as channel:
            stub = stubs.request_logs(channel)

            async def slow_stream() -> AsyncIterator[pb.StreamRequestLogsRequest]:
                nonlocal stored_before_kill
                for number, logs in enumerate(messages):
                    if number == 12:  # once a few chunks are stored, lose the primary

                        async def stored_enough() -> bool:
                            nonlocal stored_before_kill
                            stored_before_kill = await asyncio.to_thread(
                                scalar, instance.dsn(), "SELECT count(*) FROM request_logs"
                            )
                            return stored_before_kill >= 5000

                        # Raised in here, the timeout would only cancel the call: the
                        # stream goes on, and the assertion after the call tells.
                        with contextlib.suppress(AssertionError):
                            await wait_until(
                                stored_enough,
                                what="5000 stored logs",
                                timeout=20.0,
                                interval=0.05,
                            )
                        # The call may fail (UNAVAILABLE) while the stop runs, which
                        # cancels this generator: the stop itself must not be cancelled
                        # half-way, and the test waits for it below.
                        stopping.append(
                            asyncio.ensure_future(asyncio.to_thread(instance.stop, "immediate"))
                        )
                        await asyncio.shield(stopping[0])
                    yield pb.StreamRequestLogsRequest(logs=logs)

            with pytest.raises(grpc.aio.AioRpcError) as caught:
                await stub.StreamRequestLogs(slow_stream(), timeout=60)
            assert caught.value.code() == grpc.StatusCode.UNAVAILABLE
            assert stored_before_kill >= 5000  # chunks of about 1000 logs, committed

            assert len(stopping) == 1
            await stopping[0]  # stopped for sure before it starts again
            await asyncio.to_thread(instance.start)
            after_restart = await asyncio.to_thread(
                scalar, instance.dsn(), "SELECT count(*) FROM request_logs"
            )
            assert after_restart >= stored_before_kill  # acknowledged chunks survived

            async def whole_stream() -> AsyncIterator[pb.StreamRequestLogsRequest]:
                for logs in messages:
                    yield pb.StreamRequestLogsRequest(logs=logs)

            target = f"127.0.0.1:{app.port}"

            async def serving() -> bool:
                return await asyncio.to_thread(health_status, target) == "SERVING"

            await wait_until(serving, what="SERVING", timeout=30)
            resent = await stub.StreamRequestLogs(whole_stream(), timeout=60)
    finally:
        await app.stop()
    assert resent.duplicates == after_restart
    assert resent.inserted + resent.duplicates == 20_000
    assert scalar(instance.dsn(), "SELECT count(*) FROM request_logs") == 20_000
    assert scalar(instance.dsn(), "SELECT count(DISTINCT request_id) FROM request_logs") == 20_000
    assert_rollups_match_raw(instance.dsn())
