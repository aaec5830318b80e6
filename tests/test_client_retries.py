"""The Python client's retry policy (the recommended service config), shown on the wire.

A LossyProxy sits between the client and the real server. While it is losing, the
request reaches the server, which does the work, and the answer is dropped; once the
work is visible (in the database, or as bytes the server sent), the proxy cuts the
connections, so the call in flight fails with UNAVAILABLE exactly as when the server
restarts under it. What happens next is up to the client's service config alone: the
caller calls once.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

import psycopg
import pytest

from dataaccess import errors
from dataaccess.client import AsyncClient, Client
from dataaccess.v1 import usage_pb2
from tests.harness.proxy import LossyProxy, lossy_proxy
from tests.harness.waiting import wait_until

T = TypeVar("T")

COUNT_REQUESTS = (
    "SELECT coalesce(sum(request_count), 0) FROM usage_stats"
    " WHERE provider = 'claude' AND model = %(model)s"
)


@pytest.fixture
async def proxy(server_target: str) -> AsyncIterator[LossyProxy]:
    async with lossy_proxy(server_target) as started:
        yield started


def usage(model: str, request_id: str = "") -> usage_pb2.UpsertUsageRequest:
    record = usage_pb2.UsageRecord(
        provider="claude", model=model, auth_id="a", date="2026-11-20", request_count=1
    )
    return usage_pb2.UpsertUsageRequest(record=record, request_id=request_id)


async def requests_counted(dsn: str, model: str) -> int:
    async with await psycopg.AsyncConnection.connect(dsn) as conn:
        row = await (await conn.execute(COUNT_REQUESTS, {"model": model})).fetchone()
        assert row is not None
        return int(row[0])


async def answer_lost_then_cut(
    proxy: LossyProxy, call: Awaitable[T], server_did_it: Callable[[], object]
) -> asyncio.Future[T]:
    """Start ``call`` with the proxy losing the server's answers, wait until
    ``server_did_it()``, then cut the connections under the call; the call, still in
    flight (its outcome is the client's business now)."""
    proxy.losing = True
    in_flight = asyncio.ensure_future(call)
    await wait_until(server_did_it, what="the server did the work; its answer dropped")
    assert not in_flight.done()
    proxy.cut()
    return in_flight


async def test_an_idempotent_call_that_meets_unavailable_once_succeeds_without_the_caller_retrying(
    proxy: LossyProxy,
) -> None:
    async with AsyncClient(proxy.address, timeout=10) as client:
        await client.list_usage(usage_pb2.ListUsageRequest())  # connected
        assert proxy.connections == 1
        in_flight = await answer_lost_then_cut(
            proxy, client.list_usage(usage_pb2.ListUsageRequest()), lambda: proxy.dropped > 0
        )
        answer = await in_flight  # awaited once: gRPC retried under it
    assert list(answer.records) == []
    assert proxy.connections == 2  # the second attempt, over a new connection


async def test_a_write_without_request_id_is_not_retried_and_applied_once(
    proxy: LossyProxy, pg_database: str
) -> None:
    async def applied() -> bool:
        return await requests_counted(pg_database, "once") == 1

    async with AsyncClient(proxy.address, timeout=10) as client:
        await client.upsert_usage(usage("warm-up"))
        in_flight = await answer_lost_then_cut(proxy, client.upsert_usage(usage("once")), applied)
        with pytest.raises(errors.Unavailable):
            await in_flight
    assert await requests_counted(pg_database, "once") == 1


@pytest.mark.parametrize("flavour", ["asyncio", "blocking"])
async def test_a_write_with_request_id_is_retried_and_applied_once(
    proxy: LossyProxy, pg_database: str, flavour: str
) -> None:
    async def applied() -> bool:
        return await requests_counted(pg_database, "retried") == 1

    request = usage("retried", request_id="req-1")
    if flavour == "asyncio":
        async with AsyncClient(proxy.address, timeout=10) as client:
            # The warm-up opens the request_id channel's connection.
            await client.upsert_usage(usage("warm-up", request_id="req-0"))
            in_flight = await answer_lost_then_cut(proxy, client.upsert_usage(request), applied)
            answer = await in_flight
    else:
        with Client(proxy.address, timeout=10) as sync:
            await asyncio.to_thread(sync.upsert_usage, usage("warm-up", request_id="req-0"))
            call = asyncio.to_thread(sync.upsert_usage, request)
            in_flight = await answer_lost_then_cut(proxy, call, applied)
            answer = await in_flight
    # The second attempt reached the server, which had applied req-1 already.
    assert answer.replayed
    assert await requests_counted(pg_database, "retried") == 1
