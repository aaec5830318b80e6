"""Request logs that a resend cannot duplicate and a batch cannot bomb: request_time is
required, lies in the retention window, a batch touches a few days at most; partition
names are zero-padded and cleanup goes by the partitions' bounds, not their names."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

import grpc
import psycopg
import pytest

from dataaccess.v1 import request_logs_pb2 as pb
from tests.harness import stubs
from tests.harness.proxy import lossy_proxy
from tests.harness.server import clean_environment, run_cli
from tests.harness.waiting import wait_until
from tests.test_request_logs import log, scalar

if TYPE_CHECKING:
    from dataaccess.v1.request_logs_pb2_grpc import RequestLogServiceAsyncStub


def today() -> date:
    """The server's today (UTC), asked when a test runs, not when the module was
    imported: a suite that runs past midnight must not test yesterday's window."""
    return datetime.now(UTC).date()


# The server fixture runs with the defaults: DB_LOG_RETENTION_DAYS=30,
# DATAACCESS_MAX_BATCH_DAYS=3.
RETENTION_DAYS = 30
# Partitions of days before today (the server creates today's and later ones at start).
PARTITIONS = (
    "SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
    " WHERE i.inhparent = 'request_logs'::regclass"
    " AND c.relname < 'request_logs_p' || to_char(now() AT TIME ZONE 'UTC', 'YYYYMMDD')"
)


COUNT = "SELECT count(*) FROM request_logs"


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12), UTC)


def untimed(n: int) -> pb.RequestLog:
    message = log(n, datetime.now(UTC))
    message.ClearField("request_time")
    return message


async def refused(call: object) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call  # type: ignore[misc]
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    return caught.value


async def test_a_batch_resent_after_a_lost_response_stores_each_log_once(
    request_logs_stub: RequestLogServiceAsyncStub, pg_database: str, now: datetime
) -> None:
    timed = pb.BatchInsertRequestLogsRequest(logs=[log(n, now) for n in range(100)])
    # The first answer is "lost": the client ignores it and sends the batch again.
    await request_logs_stub.BatchInsertRequestLogs(timed)
    again = await request_logs_stub.BatchInsertRequestLogs(timed)
    assert (again.inserted, again.duplicates) == (0, 100)
    # Without request_time a log has no identity a resend could match: every attempt is
    # refused, naming the field and saying it is required, and stores nothing.
    bare = pb.BatchInsertRequestLogsRequest(logs=[untimed(n) for n in range(1000, 1100)])
    for _ in range(2):
        error = await refused(request_logs_stub.BatchInsertRequestLogs(bare))
        assert "logs[0].request_time" in (error.details() or "")
        assert "required" in (error.details() or "")
    assert scalar(pg_database, "SELECT count(*) FROM request_logs") == 100
    assert scalar(pg_database, "SELECT count(DISTINCT request_id) FROM request_logs") == 100


async def test_a_stream_resent_after_a_lost_response_stores_each_log_once(
    request_logs_stub: RequestLogServiceAsyncStub, pg_database: str, now: datetime
) -> None:
    def send(messages: list[list[pb.RequestLog]]) -> object:
        async def requests() -> AsyncIterator[pb.StreamRequestLogsRequest]:
            for logs in messages:
                yield pb.StreamRequestLogsRequest(logs=logs)

        return request_logs_stub.StreamRequestLogs(requests())

    timed = [[log(m * 700 + n, now) for n in range(700)] for m in range(3)]  # two chunks
    await send(timed)  # type: ignore[misc]
    again = await send(timed)  # type: ignore[misc]
    assert (again.inserted, again.duplicates, again.messages) == (0, 2100, 3)
    bare = [[untimed(5000 + n) for n in range(10)], [untimed(6000 + n) for n in range(10)]]
    for _ in range(2):
        error = await refused(send(bare))
        assert "messages[0].logs[0].request_time" in (error.details() or "")
        assert "required" in (error.details() or "")
    assert scalar(pg_database, "SELECT count(*) FROM request_logs") == 2100


async def lost_answer(server_target: str, send: Callable[[Any], Awaitable[object]]) -> int:
    """Make a call through a proxy that loses the server's answer; the bytes dropped."""
    async with (
        lossy_proxy(server_target) as proxy,
        grpc.aio.insecure_channel(proxy.address) as lossy,
    ):
        stub = stubs.request_logs(lossy)
        await stub.ListRequestLogs(pb.ListRequestLogsRequest(page_size=1), timeout=5)
        proxy.losing = True  # connected: from now on the client hears nothing
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await send(stub)
        assert caught.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
        return proxy.dropped


@pytest.mark.parametrize("kind", ["batch", "stream"])
async def test_a_resend_after_the_server_committed_and_the_answer_was_lost_stores_nothing_new(
    server_target: str,
    request_logs_stub: RequestLogServiceAsyncStub,
    pg_database: str,
    kind: str,
    now: datetime,
) -> None:
    # Literally what AC3 describes: the server commits, its answer never arrives (the
    # proxy drops it), the client times out and sends the same logs again on a new
    # connection. Small messages: they fit in HTTP/2's first window, so the request
    # needs nothing back from the server to be sent whole.
    logs = [log(n, now) for n in range(20)]

    def send(stub: RequestLogServiceAsyncStub, timeout: float) -> Awaitable[Any]:
        if kind == "batch":
            return stub.BatchInsertRequestLogs(
                pb.BatchInsertRequestLogsRequest(logs=logs), timeout=timeout
            )

        async def messages() -> AsyncIterator[pb.StreamRequestLogsRequest]:
            yield pb.StreamRequestLogsRequest(logs=logs[:10])
            yield pb.StreamRequestLogsRequest(logs=logs[10:])

        return stub.StreamRequestLogs(messages(), timeout=timeout)

    dropped = await lost_answer(server_target, lambda stub: send(stub, 1.5))
    assert dropped > 0  # the answer was sent, and lost

    async def committed() -> bool:
        return await asyncio.to_thread(scalar, pg_database, COUNT) == 20

    await wait_until(committed, what="the lost call's logs committed")
    again = await send(request_logs_stub, 10)
    assert (again.inserted, again.duplicates) == (0, 20)
    assert scalar(pg_database, COUNT) == 20


async def test_logs_over_two_thousand_past_days_are_refused_and_create_no_partition(
    request_logs_stub: RequestLogServiceAsyncStub, pg_database: str
) -> None:
    before = scalar(pg_database, PARTITIONS)
    logs = [log(n, when=noon(today() - timedelta(days=n + 1))) for n in range(2001)]
    error = await refused(
        request_logs_stub.BatchInsertRequestLogs(pb.BatchInsertRequestLogsRequest(logs=logs))
    )
    details = error.details() or ""
    oldest = today() - timedelta(days=RETENTION_DAYS)
    # logs[29] is 30 days old, the oldest day kept; logs[30] is one day older.
    assert f"logs[{RETENTION_DAYS}].request_time" in details
    assert f"logs[{RETENTION_DAYS - 1}].request_time" not in details
    assert f"{oldest.isoformat()}T00:00:00Z" in details
    assert "DB_LOG_RETENTION_DAYS" in details
    assert scalar(pg_database, PARTITIONS) == before
    assert scalar(pg_database, "SELECT count(*) FROM request_logs") == 0


async def test_request_time_window_runs_from_the_retention_to_a_day_ahead(
    request_logs_stub: RequestLogServiceAsyncStub, pg_database: str
) -> None:
    oldest = datetime.combine(today() - timedelta(days=RETENTION_DAYS), time(), UTC)
    too_old = pb.BatchInsertRequestLogsRequest(logs=[log(1, when=oldest - timedelta(seconds=1))])
    error = await refused(request_logs_stub.BatchInsertRequestLogs(too_old))
    assert "logs[0].request_time" in (error.details() or "")
    edge = pb.BatchInsertRequestLogsRequest(logs=[log(2, when=oldest)])
    assert (await request_logs_stub.BatchInsertRequestLogs(edge)).inserted == 1
    ahead = datetime.now(UTC) + timedelta(days=1, minutes=5)
    future = pb.BatchInsertRequestLogsRequest(logs=[log(3, when=ahead)])
    error = await refused(request_logs_stub.BatchInsertRequestLogs(future))
    assert "logs[0].request_time" in (error.details() or "")
    assert scalar(pg_database, "SELECT count(*) FROM request_logs") == 1


async def test_a_batch_over_more_days_than_the_limit_is_refused_and_writes_nothing(
    request_logs_stub: RequestLogServiceAsyncStub, pg_database: str
) -> None:
    before = scalar(pg_database, PARTITIONS)
    days = [noon(today() - timedelta(days=d)) for d in (10, 11, 12, 13)]
    logs = [log(n, when=days[n % 4]) for n in range(40)]
    error = await refused(
        request_logs_stub.BatchInsertRequestLogs(pb.BatchInsertRequestLogsRequest(logs=logs))
    )
    details = error.details() or ""
    assert "logs[3].request_time" in details  # the first log on a fourth day
    assert "at most 3 distinct days" in details
    assert "DATAACCESS_MAX_BATCH_DAYS" in details
    assert scalar(pg_database, PARTITIONS) == before
    assert scalar(pg_database, "SELECT count(*) FROM request_logs") == 0
    # Just under the limit: three days are stored.
    under = pb.BatchInsertRequestLogsRequest(logs=[m for n, m in enumerate(logs) if n % 4 != 3])
    assert (await request_logs_stub.BatchInsertRequestLogs(under)).inserted == 30


async def test_a_stream_message_over_more_days_than_the_limit_is_refused(
    request_logs_stub: RequestLogServiceAsyncStub, pg_database: str
) -> None:
    before = scalar(pg_database, PARTITIONS)
    days = [noon(today() - timedelta(days=d)) for d in (10, 11, 12, 13)]

    async def requests() -> AsyncIterator[pb.StreamRequestLogsRequest]:
        yield pb.StreamRequestLogsRequest(logs=[log(n, when=days[n % 4]) for n in range(8)])

    error = await refused(request_logs_stub.StreamRequestLogs(requests()))
    assert "messages[0].logs[3].request_time" in (error.details() or "")
    assert "DATAACCESS_MAX_BATCH_DAYS" in (error.details() or "")
    assert scalar(pg_database, PARTITIONS) == before

    # Messages of one day each, over five days: each chunk stored touches at most three.
    async def daily() -> AsyncIterator[pb.StreamRequestLogsRequest]:
        for d in range(5):
            when = noon(today() - timedelta(days=20 + d))
            yield pb.StreamRequestLogsRequest(logs=[log(100 * d + n, when=when) for n in range(5)])

    assert (await request_logs_stub.StreamRequestLogs(daily())).inserted == 25
    # A chunk is one transaction, so its rows share xmin: two chunks (3 days, then 2),
    # though 25 logs are far below the chunk size.
    chunks = scalar(
        pg_database,
        "SELECT array_agg(days ORDER BY days) FROM (SELECT xmin::text,"
        " count(DISTINCT (request_time AT TIME ZONE 'UTC')::date) AS days"
        " FROM request_logs GROUP BY 1) AS t",
    )
    assert chunks == [2, 3]


async def test_a_day_covered_by_a_partition_named_by_hand_takes_its_logs(
    request_logs_stub: RequestLogServiceAsyncStub, pg_database: str
) -> None:
    day = today() - timedelta(days=6)
    with psycopg.connect(pg_database, autocommit=True) as conn:
        conn.execute(
            psycopg.sql.SQL(
                'CREATE TABLE "Hand Made" PARTITION OF request_logs FOR VALUES FROM ({}) TO ({})'
            ).format(
                psycopg.sql.Literal(f"{day.isoformat()} 00:00:00+00"),
                psycopg.sql.Literal(f"{(day + timedelta(days=1)).isoformat()} 00:00:00+00"),
            )
        )
    logs = [log(n, when=noon(day)) for n in range(10)]
    reply = await request_logs_stub.BatchInsertRequestLogs(
        pb.BatchInsertRequestLogsRequest(logs=logs)
    )
    assert reply.inserted == 10
    assert scalar(pg_database, 'SELECT count(*) FROM "Hand Made"') == 10


def test_partition_names_are_zero_padded_and_years_past_9999_refused(pg_database: str) -> None:
    with psycopg.connect(pg_database, autocommit=True) as conn:
        created = conn.execute(
            "SELECT create_daily_partition('request_logs', '0999-03-04'),"
            " create_daily_partition('request_logs', '0001-01-01')"
        ).fetchone()
        assert created == ("request_logs_p09990304", "request_logs_p00010101")
        bounds = conn.execute(
            "SELECT pg_get_expr(relpartbound, oid) FROM pg_class"
            " WHERE relname = 'request_logs_p09990304'"
        ).fetchone()
        assert bounds is not None
        assert "0999-03-04 00:00:00+00" in bounds[0]
        with pytest.raises(psycopg.errors.InvalidParameterValue):
            conn.execute("SELECT create_daily_partition('request_logs', '10000-01-01')")


async def test_cleanup_goes_by_bounds_and_survives_partitions_named_unexpectedly(
    pg_database: str,
) -> None:
    old, older, edge = (today() - timedelta(days=d) for d in (5, 8, 2))
    with psycopg.connect(pg_database, autocommit=True) as conn:
        conn.execute("SELECT create_daily_partition('request_logs', %s)", (older,))
        for name, start, end in (
            # Named by hand, oddly: wholly past retention, so dropped like any other.
            ("request_logs_p10101", old, old + timedelta(days=1)),
            ("Old Logs", old + timedelta(days=1), old + timedelta(days=2)),
            # Straddles the retention's start: it still holds logs to keep, so it stays.
            ("request_logs_straddle", edge - timedelta(days=1), edge + timedelta(days=1)),
        ):
            conn.execute(
                psycopg.sql.SQL(
                    "CREATE TABLE {} PARTITION OF request_logs FOR VALUES FROM ({}) TO ({})"
                ).format(
                    psycopg.sql.Identifier(name),
                    psycopg.sql.Literal(f"{start.isoformat()} 00:00:00+00"),
                    psycopg.sql.Literal(f"{end.isoformat()} 00:00:00+00"),
                )
            )
        # As the old function named a day of year 10000 (nine digits): in the future, so kept.
        conn.execute(
            "CREATE TABLE request_logs_p100000101 PARTITION OF request_logs"
            " FOR VALUES FROM ('10000-01-01 00:00:00+00') TO ('10000-01-02 00:00:00+00')"
        )
        conn.execute("CREATE TABLE request_logs_other PARTITION OF request_logs DEFAULT")
    env = clean_environment(DATABASE_URL=pg_database, DB_LOG_RETENTION_DAYS="2")
    result = await asyncio.to_thread(run_cli, "cleanup", env=env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    dropped = [
        line.removeprefix("dropped partition ")
        for line in lines
        if line.startswith(("dropped partition request_logs", "dropped partition Old"))
    ]
    assert dropped == [f"request_logs_p{older:%Y%m%d}", "request_logs_p10101", "Old Logs"]
    remaining = scalar(
        pg_database,
        "SELECT array_agg(c.relname::text ORDER BY c.relname) FROM pg_inherits i"
        " JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'request_logs'::regclass",
    )
    for kept in ("request_logs_straddle", "request_logs_other", "request_logs_p100000101"):
        assert kept in remaining
    again = await asyncio.to_thread(run_cli, "cleanup", env=env)
    assert again.returncode == 0, again.stderr
    assert "dropped 0 partition(s)" in again.stdout
