"""Every caller is bounded: each limit refuses at the limit and serves just under it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime

import grpc
import psycopg
import pytest
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_health.v1 import health_pb2

from dataaccess.v1 import api_keys_pb2 as keys_pb
from dataaccess.v1 import request_logs_pb2 as logs_pb
from dataaccess_server.api.limits import CallLimits, message_bytes_for
from dataaccess_server.api.status import to_status
from dataaccess_server.app import Application
from dataaccess_server.config import ConfigError, load_settings
from dataaccess_server.domain.request_logs import STREAM_CHUNK
from dataaccess_server.errors import ResourceExhaustedError
from tests.harness import stubs
from tests.harness.server import TEST_KEYRING_TEXT, server_settings
from tests.harness.waiting import wait_until

BLOCK_KEYS = "LOCK TABLE api_keys IN ACCESS EXCLUSIVE MODE"
INSERT_LOGS = "/dataaccess.v1.RequestLogService/BatchInsertRequestLogs"


@asynccontextmanager
async def served(dsn: str, **overrides: object) -> AsyncIterator[grpc.aio.Channel]:
    app = Application(server_settings(dsn, **overrides))
    await app.start()
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{app.port}") as channel:
            yield channel
    finally:
        await app.stop()


async def rpc_error(call: Awaitable[object]) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return caught.value


async def list_keys_while_locked(dsn: str, channel: grpc.aio.Channel, held: float) -> object:
    """ListAPIKeys (30 s deadline) while the table is locked for ``held`` seconds."""
    async with await psycopg.AsyncConnection.connect(dsn) as blocker:
        await blocker.execute(BLOCK_KEYS)
        release = asyncio.get_running_loop().call_later(
            held, lambda: asyncio.ensure_future(blocker.rollback())
        )
        try:
            return await stubs.api_keys(channel).ListAPIKeys(
                keys_pb.ListAPIKeysRequest(), timeout=30
            )
        finally:
            release.cancel()
            await blocker.rollback()


def log(request_id: str) -> logs_pb.RequestLog:
    message = logs_pb.RequestLog(request_id=request_id, provider="claude", status_code=200)
    message.request_time.FromDatetime(datetime.now(UTC))  # required
    return message


async def test_a_longer_deadline_is_capped_to_the_max_deadline(pg_database: str) -> None:
    limits = CallLimits(max_deadline=1.5)
    async with served(pg_database, limits=limits) as channel:
        await list_keys_while_locked(pg_database, channel, held=0.3)  # under the cap: served
        started = time.monotonic()
        error = await rpc_error(list_keys_while_locked(pg_database, channel, held=4.0))
        assert error.code() == grpc.StatusCode.DEADLINE_EXCEEDED, error.details()
        # The caller asked for 30 s; the call ended at the cap, before the lock went.
        assert 1.4 < time.monotonic() - started < 3.5


async def test_a_statement_is_ended_at_the_statement_timeout(pg_database: str) -> None:
    settings = server_settings(pg_database)
    pool = replace(settings.pool, statement_timeout=0.5)
    async with served(pg_database, pool=pool) as channel:
        await list_keys_while_locked(pg_database, channel, held=0.1)  # under it: served
        error = await rpc_error(list_keys_while_locked(pg_database, channel, held=3.0))
        assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED, error.details()
        assert "0.5s" in (error.details() or "")
        assert "DB_STATEMENT_TIMEOUT" in (error.details() or "")


def padded(size: int) -> bytes:
    """A valid BatchInsertRequestLogs message of exactly ``size`` bytes: one log, and an
    unknown field (which the server skips) as padding."""
    base = logs_pb.BatchInsertRequestLogsRequest(logs=[log("padded")]).SerializeToString()
    tag = bytes([0xC2, 0x3E])  # field 1000, length-delimited
    for length in range(size, 0, -1):
        prefix = _varint(length)
        if len(base) + len(tag) + len(prefix) + length == size:
            return base + tag + prefix + b"x" * length
    raise AssertionError(f"cannot pad to {size} bytes")


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def test_the_default_message_size_holds_a_full_batch_of_long_logs() -> None:
    # 2.5 times a typical proxy's log: long agent, path and error, every field set.
    long = log("0b7c2a51-6f0e-4bd4-9a4f-2f1d0c9e8a77")
    long.MergeFrom(
        logs_pb.RequestLog(
            model="claude-sonnet-4-5-20250929",
            auth_id="auth-" + "x" * 60,
            api_key_id="0b7c2a51-6f0e-4bd4-9a4f-2f1d0c9e8a77",
            client_ip="2001:db8::1234",
            user_agent="u" * 400,
            method="POST",
            path="/v1/" + "p" * 300,
            status_code=529,
            latency_ms=2**31 - 1,
            input_tokens=2**62,
            output_tokens=2**62,
            error_message="e" * 600,
        )
    )
    batch = logs_pb.BatchInsertRequestLogsRequest(logs=[long] * 10_000)
    assert batch.ByteSize() < message_bytes_for(10_000) == CallLimits().max_message_bytes


async def test_a_message_larger_than_the_largest_batch_is_refused(pg_database: str) -> None:
    limit = 64 * 1024
    async with served(pg_database, limits=CallLimits(max_message_bytes=limit)) as channel:
        insert = channel.unary_unary(
            INSERT_LOGS,
            request_serializer=lambda raw: raw,
            response_deserializer=logs_pb.BatchInsertRequestLogsResponse.FromString,
        )
        reply = await insert(padded(limit), timeout=10)
        assert reply.inserted == 1
        error = await rpc_error(insert(padded(limit + 1), timeout=10))
        assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert str(limit) in (error.details() or "")


class HeldStreams:
    """StreamRequestLogs calls kept open, each having stored one full chunk."""

    def __init__(self, channel: grpc.aio.Channel, dsn: str, count: int) -> None:
        self._dsn = dsn
        self._count = count
        self._done = [asyncio.Event() for _ in range(count)]
        logs = stubs.request_logs(channel)
        self.calls = [logs.StreamRequestLogs(self._messages(n), timeout=30) for n in range(count)]

    async def _messages(self, n: int) -> AsyncIterator[logs_pb.StreamRequestLogsRequest]:
        # A full chunk: the server stores it at once, which shows the call is in.
        yield logs_pb.StreamRequestLogsRequest(
            logs=[log(f"held-{n}-{i}") for i in range(STREAM_CHUNK)]
        )
        await self._done[n].wait()

    async def in_flight(self) -> None:
        async def stored() -> bool:
            async with await psycopg.AsyncConnection.connect(self._dsn) as conn:
                row = await (await conn.execute("SELECT count(*) FROM request_logs")).fetchone()
                return row is not None and row[0] == self._count * STREAM_CHUNK

        await wait_until(stored, what=f"{self._count} streams in flight")

    async def finish(self, n: int) -> None:
        self._done[n].set()
        assert (await self.calls[n]).inserted == STREAM_CHUNK


def retry_delay(error: grpc.aio.AioRpcError) -> float:
    """The RetryInfo delay (seconds) in the error's status details."""
    raw = dict(error.trailing_metadata() or ()).get("grpc-status-details-bin")
    assert isinstance(raw, bytes), "no status details"
    for detail in status_pb2.Status.FromString(raw).details:
        retry = error_details_pb2.RetryInfo()
        if detail.Unpack(retry):
            return retry.retry_delay.ToTimedelta().total_seconds()
    raise AssertionError("no RetryInfo")


async def test_calls_beyond_the_concurrent_rpc_limit_are_resource_exhausted(
    pg_database: str,
) -> None:
    limits = CallLimits(max_concurrent_rpcs=2)
    async with served(pg_database, limits=limits) as channel:
        keys = stubs.api_keys(channel)
        held = HeldStreams(channel, pg_database, 2)
        await held.in_flight()
        refused = await rpc_error(keys.ListAPIKeys(keys_pb.ListAPIKeysRequest(), timeout=5))
        assert refused.code() == grpc.StatusCode.RESOURCE_EXHAUSTED, refused.details()
        assert "limit of 2 concurrent calls" in (refused.details() or "")
        assert "DATAACCESS_MAX_CONCURRENT_RPCS" in (refused.details() or "")
        assert retry_delay(refused) == 1.0  # a slot frees when any call ends
        # A busy server is not a dead one: health checks are never refused.
        answer = await stubs.health(channel).Check(health_pb2.HealthCheckRequest(), timeout=5)
        assert answer.status == health_pb2.HealthCheckResponse.SERVING

        await held.finish(1)
        # One call still in flight: the next one is under the limit and served.
        await keys.ListAPIKeys(keys_pb.ListAPIKeysRequest(), timeout=5)
        assert not held.calls[0].done()
        await held.finish(0)


async def test_streams_beyond_the_concurrent_stream_limit_are_resource_exhausted(
    pg_database: str,
) -> None:
    limits = CallLimits(max_concurrent_rpcs=100, max_concurrent_streams=2)
    async with served(pg_database, limits=limits) as channel:
        held = HeldStreams(channel, pg_database, 2)
        await held.in_flight()
        refused = await rpc_error(stream(channel, [0.0]))
        assert refused.code() == grpc.StatusCode.RESOURCE_EXHAUSTED, refused.details()
        assert "limit of 2 concurrent streams" in (refused.details() or "")
        assert "DATAACCESS_MAX_CONCURRENT_STREAMS" in (refused.details() or "")
        assert retry_delay(refused) == 1.0
        # Unary calls are still under their own limit: served.
        await stubs.api_keys(channel).ListAPIKeys(keys_pb.ListAPIKeysRequest(), timeout=5)
        await held.finish(1)
        # One stream still open: the next one is under the limit and served.
        assert (await stream(channel, [0.0])).inserted == 1  # type: ignore[attr-defined]
        await held.finish(0)


async def stream(channel: grpc.aio.Channel, gaps: list[float]) -> object:
    async def messages() -> AsyncIterator[logs_pb.StreamRequestLogsRequest]:
        for n, gap in enumerate(gaps):
            await asyncio.sleep(gap)
            yield logs_pb.StreamRequestLogsRequest(logs=[log(f"s-{n}-{time.time_ns()}")])

    return await stubs.request_logs(channel).StreamRequestLogs(messages(), timeout=30)


async def test_a_stream_idle_longer_than_the_idle_timeout_is_ended(pg_database: str) -> None:
    limits = CallLimits(stream_idle_timeout=0.6, stream_max_duration=30.0)
    async with served(pg_database, limits=limits) as channel:
        reply = await stream(channel, [0.0, 0.3, 0.3, 0.3])  # each gap under the limit
        assert reply.inserted == 4  # type: ignore[attr-defined]
        error = await rpc_error(stream(channel, [0.0, 1.2]))
        assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED, error.details()
        assert "0.6s" in (error.details() or "")
        assert "DATAACCESS_STREAM_IDLE_TIMEOUT" in (error.details() or "")


async def test_a_stream_open_longer_than_the_max_duration_is_ended(pg_database: str) -> None:
    limits = CallLimits(stream_idle_timeout=5.0, stream_max_duration=1.0)
    async with served(pg_database, limits=limits) as channel:
        reply = await stream(channel, [0.0, 0.25, 0.25])  # 0.5 s in all: under the limit
        assert reply.inserted == 3  # type: ignore[attr-defined]
        error = await rpc_error(stream(channel, [0.0, 0.4, 0.4, 0.4, 0.4]))
        assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED, error.details()
        assert "1s" in (error.details() or "")
        assert "DATAACCESS_STREAM_MAX_DURATION" in (error.details() or "")


def test_limits_are_read_from_the_environment_and_bad_values_name_the_variable() -> None:
    env = {"DATAACCESS_ENCRYPTION_KEYS": TEST_KEYRING_TEXT}
    defaults = load_settings(env)
    assert defaults.limits == CallLimits()
    assert defaults.pool.statement_timeout == 30.0
    settings = load_settings(
        env
        | {
            "DATAACCESS_MAX_DEADLINE": "2m",
            "DB_STATEMENT_TIMEOUT": "5s",
            "DATAACCESS_MAX_CONCURRENT_RPCS": "64",
            "DATAACCESS_MAX_CONCURRENT_STREAMS": "8",
            "DATAACCESS_STREAM_IDLE_TIMEOUT": "10s",
            "DATAACCESS_STREAM_MAX_DURATION": "1h",
            "DATAACCESS_MAX_BATCH": "100",
        }
    )
    assert settings.limits == CallLimits(
        max_deadline=120.0,
        max_concurrent_rpcs=64,
        max_concurrent_streams=8,
        max_message_bytes=message_bytes_for(100),
        stream_idle_timeout=10.0,
        stream_max_duration=3600.0,
    )
    assert settings.pool.statement_timeout == 5.0
    sized = load_settings(env | {"DATAACCESS_MAX_MESSAGE_BYTES": "1048576"})
    assert sized.limits.max_message_bytes == 1048576
    for bad in ("1000", "2147483648", "16MiB"):
        with pytest.raises(ConfigError) as refused:
            load_settings(env | {"DATAACCESS_MAX_MESSAGE_BYTES": bad})
        assert refused.value.variable == "DATAACCESS_MAX_MESSAGE_BYTES"
    for name in (
        "DATAACCESS_MAX_DEADLINE",
        "DB_STATEMENT_TIMEOUT",
        "DATAACCESS_MAX_CONCURRENT_RPCS",
        "DATAACCESS_MAX_CONCURRENT_STREAMS",
        "DATAACCESS_STREAM_IDLE_TIMEOUT",
        "DATAACCESS_STREAM_MAX_DURATION",
    ):
        with pytest.raises(ConfigError) as caught:
            load_settings(env | {name: "0"})
        assert caught.value.variable == name


def test_resource_exhausted_carries_retry_info_only_when_waiting_helps() -> None:
    def details(error: ResourceExhaustedError) -> status_pb2.Status:
        status = to_status(error)
        assert status.code == grpc.StatusCode.RESOURCE_EXHAUSTED
        return status_pb2.Status.FromString(
            dict(status.trailing_metadata)["grpc-status-details-bin"]
        )

    waiting = details(ResourceExhaustedError("busy (limit 3)", retry_after=1.5))
    assert waiting.code == code_pb2.RESOURCE_EXHAUSTED
    assert waiting.message == "busy (limit 3)"
    retry = error_details_pb2.RetryInfo()
    assert waiting.details[0].Unpack(retry)
    assert retry.retry_delay.ToTimedelta().total_seconds() == 1.5
    assert list(details(ResourceExhaustedError("too big (limit 3)")).details) == []
