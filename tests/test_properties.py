"""Generated requests for every RPC: none may end in INTERNAL, UNKNOWN or a hang, and a
request answered with an error must leave every table as it was.

The requests come from the proto descriptors (tests/harness/requests.py), so every
method and field is covered and a new one is covered without a line here. Up to 120
requests per method (DATAACCESS_TEST_PROPERTY_EXAMPLES; fewer for a request with few
possible values), about 4,000 per run.
Generation is derandomized, so CI sees the same requests each run and a failure can be
reproduced; set DATAACCESS_TEST_PROPERTY_SEED to any integer to explore others.
"""

from __future__ import annotations

import asyncio
import collections
import functools
import os
from collections.abc import AsyncIterator, Iterator
from typing import Any, cast

import grpc
import psycopg
import pytest
from google.protobuf import descriptor_pool, message_factory
from grpc import aio
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from dataaccess_server.app import Application
from dataaccess_server.config.rollup_fold import RollupFoldSettings
from tests.harness.calls import Method, api_methods
from tests.harness.requests import message_strategy
from tests.harness.server import server_settings

# 120 per method; the second run of the suite (on PostgreSQL 16: `make pytest-pg16`) asks
# 40 more, from another seed, since what it fuzzes, the server's checks of requests, is
# the same on both versions.
EXAMPLES_PER_METHOD = int(os.environ.get("DATAACCESS_TEST_PROPERTY_EXAMPLES", "120"))
FORBIDDEN = {grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN, grpc.StatusCode.DEADLINE_EXCEEDED}
# The audit trail records failed calls on purpose; schema_migrations is not the API's.
NOT_CHECKSUMMED = {"audit_events", "schema_migrations"}
SEED = os.environ.get("DATAACCESS_TEST_PROPERTY_SEED")
CODES: collections.Counter[tuple[str, str]] = collections.Counter()


@pytest.fixture(scope="module", autouse=True)
def report_codes() -> Iterator[None]:
    """Print how many requests got which code (run with -s to see it)."""
    yield
    total = sum(CODES.values())
    by_code = collections.Counter({code: 0 for _m, code in CODES})
    for (_method, code), count in CODES.items():
        by_code[code] += count
    print(
        f"\nproperty suite: {total} requests; "
        + ", ".join(f"{code} {count}" for code, count in by_code.most_common())
    )


@pytest.fixture
async def app(pg_database: str) -> AsyncIterator[Application]:
    # Authentication off: every request reaches its servicer. Last-used times are not
    # flushed, nor log deltas folded, during the test, so no row changes behind a
    # request's back.
    application = Application(
        server_settings(
            pg_database,
            last_used_flush=3600.0,
            rollup_fold=RollupFoldSettings(interval=3600.0),
        )
    )
    await application.start()
    try:
        yield application
    finally:
        await application.stop()


@functools.cache
def _checksum_query(dsn: str) -> str:
    # Each test's database has the same tables: list them once per database, not per
    # generated request.
    with psycopg.connect(dsn) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')"
                " AND NOT c.relispartition ORDER BY c.relname"
            )
            if row[0] not in NOT_CHECKSUMMED
        ]
    parts = [
        f"(SELECT md5(coalesce(string_agg(md5(x::text), '' ORDER BY md5(x::text)), ''))"
        f" FROM {table} x)"
        for table in tables
    ]
    return "SELECT " + ", ".join(parts)


def _methods() -> list[Method]:
    return api_methods()


@pytest.mark.timeout(600)
@pytest.mark.parametrize("method", _methods(), ids=lambda m: m.path.rsplit(".", 1)[-1])
@settings(
    max_examples=EXAMPLES_PER_METHOD,
    deadline=None,
    database=None,
    derandomize=SEED is None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@seed(int(SEED) if SEED is not None else 0)
@given(data=st.data())
async def test_no_request_is_internal_and_an_error_changes_nothing(
    method: Method, app: Application, pg_database: str, data: st.DataObject
) -> None:
    service, name = method.path.strip("/").split("/")
    desc = descriptor_pool.Default().FindServiceByName(service).methods_by_name[name]
    strategy = message_strategy(desc.input_type)
    if method.client_streaming:
        request: Any = data.draw(st.lists(strategy, min_size=1, max_size=3))
    else:
        request = data.draw(strategy)
    checksum = _checksum_query(pg_database)
    async with await psycopg.AsyncConnection.connect(pg_database, autocommit=True) as conn:
        before = await (await conn.execute(checksum)).fetchone()
        code = await _call(f"127.0.0.1:{app.port}", method, request)
        CODES[(method.path, code.name)] += 1
        assert code not in FORBIDDEN, (method.path, code, request)
        if code is not grpc.StatusCode.OK:
            after = await (await conn.execute(checksum)).fetchone()
            assert after == before, (method.path, code, "changed rows", request)


async def _call(target: str, method: Method, request: Any) -> grpc.StatusCode:
    if method.client_streaming and method.server_streaming:
        return await asyncio.to_thread(_bidi, target, method, request)
    if method.client_streaming:
        return await asyncio.to_thread(_stream, target, method, request)
    async with aio.insecure_channel(target) as channel:
        if method.server_streaming:
            return await _first_answer(channel, method, request)
        unary: Any = channel.unary_unary(
            method.path, request_serializer=lambda m: m.SerializeToString()
        )
        try:
            await unary(request, timeout=15)
        except aio.AioRpcError as exc:
            return exc.code()
    return grpc.StatusCode.OK


async def _first_answer(channel: aio.Channel, method: Method, request: Any) -> grpc.StatusCode:
    # A server stream (WatchConfig) answers until cancelled: its first answer is OK.
    call: Any = channel.unary_stream(
        method.path, request_serializer=lambda m: m.SerializeToString()
    )(request, timeout=15)
    try:
        async for _answer in call:
            break
    except aio.AioRpcError as exc:
        return exc.code()
    finally:
        call.cancel()
    return grpc.StatusCode.OK


def _stream(target: str, method: Method, request: list[Any]) -> grpc.StatusCode:
    # By the blocking client: when the server answers before the stream ends (it refused
    # a message), grpc.aio's client can report INTERNAL "Failed execute_batch" for the
    # write it was making, in place of the server's status (grpc/grpc#36066); the
    # blocking client stops sending and reports the server's.
    with grpc.insecure_channel(target) as channel:
        stream: Any = channel.stream_unary(
            method.path, request_serializer=lambda m: m.SerializeToString()
        )
        try:
            stream(iter(request), timeout=15)
        except grpc.RpcError as exc:
            return cast(grpc.Call, exc).code()
    return grpc.StatusCode.OK


def _bidi(target: str, method: Method, request: list[Any]) -> grpc.StatusCode:
    # A bidirectional stream (StreamValidateAPIKeys) answers a bad request with an item
    # error and goes on: the stream's status if it failed, else the first item error's
    # code (so that its changes are checked too), else OK. Blocking client, as _stream.
    service, name = method.path.strip("/").split("/")
    desc = descriptor_pool.Default().FindServiceByName(service).methods_by_name[name]
    answer_type = message_factory.GetMessageClass(desc.output_type)
    codes = {code.value[0]: code for code in grpc.StatusCode}
    errors: list[grpc.StatusCode] = []
    with grpc.insecure_channel(target) as channel:
        stream: Any = channel.stream_stream(
            method.path,
            request_serializer=lambda m: m.SerializeToString(),
            response_deserializer=answer_type.FromString,
        )
        try:
            for message in stream(iter(request), timeout=15):
                errors.extend(
                    codes.get(answer.error.code, grpc.StatusCode.UNKNOWN)
                    for answer in message.items
                    if answer.HasField("error")
                )
        except grpc.RpcError as exc:
            return cast(grpc.Call, exc).code()
    return errors[0] if errors else grpc.StatusCode.OK
