"""Health follows the primary: SERVING → database stopped → NOT_SERVING → restarted →
SERVING, seen through Watch, with the same server process throughout."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

from grpc import aio
from grpc_health.v1 import health_pb2

from dataaccess.v1 import operations_pb2 as ops_pb2
from dataaccess.v1 import operations_pb2_grpc as ops_grpc
from dataaccess_server.app import Application
from dataaccess_server.db.migrations import Migrator
from dataaccess_server.embedded import PostgresInstance
from tests.harness import stubs
from tests.harness.postgres import InstanceFactory
from tests.harness.server import server_settings

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


async def _next_status(
    stream: AsyncIterator[health_pb2.HealthCheckResponse], timeout: float
) -> int:
    async with asyncio.timeout(timeout):
        reply = await anext(stream)
    return int(reply.status)


async def test_health_follows_the_primary_through_an_outage(
    pg_instance_factory: InstanceFactory,
) -> None:
    instance: PostgresInstance = await asyncio.to_thread(pg_instance_factory)
    await Migrator(instance.dsn()).up()
    app = Application(server_settings(instance.dsn()))
    port = await app.start()
    try:
        async with aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            health = stubs.health(channel)
            overall = health.Watch(health_pb2.HealthCheckRequest(service="")).__aiter__()
            operations = health.Watch(
                health_pb2.HealthCheckRequest(service="dataaccess.v1.OperationsService")
            ).__aiter__()
            assert await _next_status(overall, 5) == SERVING
            assert await _next_status(operations, 5) == SERVING

            stopped_at = time.monotonic()
            await asyncio.to_thread(instance.stop)
            assert await _next_status(overall, 10) == NOT_SERVING
            assert await _next_status(operations, 10) == NOT_SERVING
            assert time.monotonic() - stopped_at < 5  # "a few seconds at most"

            # During the outage: liveness stays up, and operators still get an answer.
            reply = await health.Check(health_pb2.HealthCheckRequest(service="liveness"))
            assert reply.status == SERVING
            status = await ops_grpc.OperationsServiceStub(channel).GetDatabaseStatus(
                ops_pb2.GetDatabaseStatusRequest(), timeout=5
            )
            assert not status.nodes[0].reachable
            assert status.nodes[0].last_error
            assert not status.schema.known

            await asyncio.to_thread(instance.start)
            assert await _next_status(overall, 10) == SERVING
            assert await _next_status(operations, 10) == SERVING
            status = await ops_grpc.OperationsServiceStub(channel).GetDatabaseStatus(
                ops_pb2.GetDatabaseStatusRequest(), timeout=5
            )
            assert status.nodes[0].reachable
            assert status.schema.known  # pooled connections were renewed
    finally:
        await app.stop()
