"""GetDatabaseStatus and a health Check through gRPC, beside raw psycopg doing the same
read (the applied migrations) in the same run.

What it shows: the fixed cost of one unary call through this server (grpc.aio, the
interceptor, conversion) on top of one pooled PostgreSQL round trip.
"""

from __future__ import annotations

import asyncio
from typing import Any

from grpc import aio
from grpc_health.v1 import health_pb2, health_pb2_grpc

from bench.harness import Result, measure, postgres, raw_pool, report, server_process
from dataaccess.v1 import operations_pb2 as ops_pb2
from dataaccess.v1 import operations_pb2_grpc as ops_grpc

CONCURRENCY = 16
DURATION = 5.0
POOL_SIZE = 10
RAW_QUERY = "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version"


async def run() -> str:
    """Run the workloads and return the report."""
    with postgres() as instance:
        dsn = instance.dsn()
        env = {"DB_POOL_MIN_CONNS": str(POOL_SIZE), "DB_POOL_MAX_CONNS": str(POOL_SIZE)}
        with server_process(dsn, **env) as target:
            async with raw_pool(dsn, POOL_SIZE) as pool:

                async def raw() -> None:
                    async with pool.connection() as conn:
                        cursor = await conn.execute(RAW_QUERY)
                        await cursor.fetchall()

                baseline = await measure(
                    "raw psycopg: SELECT schema_migrations",
                    raw,
                    concurrency=CONCURRENCY,
                    duration=DURATION,
                )
            results: list[Result] = [baseline]
            async with aio.insecure_channel(target) as channel:
                ops = ops_grpc.OperationsServiceStub(channel)
                # Typed Any: the published health stubs declare none of the stub's methods.
                health: Any = health_pb2_grpc.HealthStub(channel)
                request = ops_pb2.GetDatabaseStatusRequest()
                check = health_pb2.HealthCheckRequest(service="")
                results.append(
                    await measure(
                        "gRPC: OperationsService/GetDatabaseStatus",
                        lambda: ops.GetDatabaseStatus(request),
                        concurrency=CONCURRENCY,
                        duration=DURATION,
                    )
                )
                results.append(
                    await measure(
                        "gRPC: Health/Check (no database)",
                        lambda: health.Check(check),
                        concurrency=CONCURRENCY,
                        duration=DURATION,
                    )
                )
    return report(
        f"operations (concurrency {CONCURRENCY}, {DURATION:g} s each, pool {POOL_SIZE})",
        results,
        baseline,
    )


if __name__ == "__main__":
    print(asyncio.run(run()))
