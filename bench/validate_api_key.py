"""ValidateAPIKey with the cache warm and cold, beside a trivial RPC and raw psycopg
running the lookup's SQL, on one PostgreSQL in one run.

What it shows: hot, what a validation answered from the in-process cache costs on top
of the fixed cost of any unary call (Health/Check on the same server; target: at least
70% of its throughput); cold, what the server adds to the one PostgreSQL round trip a
cache miss costs (LOOKUP_BY_HASH through a pool of the same size; target: at least 50%).

The keys have no rate limit and no quota, so a validation never writes. A process keeps
a key it looked up cached for minutes, so the cold run goes to a second server process
on the same database and validates each key at most once; it ends early, with the calls
made, if the keys run out.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from grpc import aio
from grpc_health.v1 import health_pb2, health_pb2_grpc

from bench.harness import Result, measure, postgres, raw_pool, report, server_process, verdict
from dataaccess.v1 import api_keys_pb2 as keys_pb2
from dataaccess.v1 import api_keys_pb2_grpc as keys_grpc
from dataaccess_server.db.api_keys import LOOKUP_BY_HASH

CONCURRENCY = 16
DURATION = 5.0
# The cold run's warm-up uses up keys too: short, enough for connections and prepared
# statements.
COLD_WARMUP = 0.5
POOL_SIZE = 10
KEYS = 10_000
SEED_IN_FLIGHT = 32
SEED = 1000
HOT_TARGET = 0.70
COLD_TARGET = 0.50

T = TypeVar("T")


class InvalidAnswerError(Exception):
    """A validation or lookup of a seeded key did not find it valid: the workload would
    not be measuring what it claims."""


async def _seed(stub: keys_grpc.APIKeyServiceAsyncStub) -> list[str]:
    """Create KEYS keys (no rate limit, no quota) through CreateAPIKey, SEED_IN_FLIGHT at
    a time; return the plaintext keys."""
    keys: list[str] = [""] * KEYS

    async def worker(first: int) -> None:
        for i in range(first, KEYS, SEED_IN_FLIGHT):
            response = await stub.CreateAPIKey(
                keys_pb2.CreateAPIKeyRequest(
                    api_key=keys_pb2.APIKey(name=f"bench-{i}", owner_id=f"owner-{i % 100}")
                )
            )
            if not response.key:
                raise RuntimeError(f"seeding: bench-{i} came back without its key")
            keys[i] = response.key

    await asyncio.gather(*(worker(first) for first in range(SEED_IN_FLIGHT)))
    return keys


async def _validate(
    stub: keys_grpc.APIKeyServiceAsyncStub, request: keys_pb2.ValidateAPIKeyRequest
) -> None:
    response = await stub.ValidateAPIKey(request)
    if not response.valid:
        raise InvalidAnswerError(f"a seeded key was answered {response.reason}")


async def _validate_each_once(
    stub: keys_grpc.APIKeyServiceAsyncStub, requests: Sequence[keys_pb2.ValidateAPIKeyRequest]
) -> None:
    """Validate every key once, CONCURRENCY at a time: afterwards all are cached."""

    async def worker(first: int) -> None:
        for request in requests[first::CONCURRENCY]:
            await _validate(stub, request)

    await asyncio.gather(*(worker(first) for first in range(CONCURRENCY)))


async def _measure_each_once(
    name: str,
    items: Sequence[T],
    call: Callable[[T], Awaitable[object]],
    *,
    concurrency: int,
    duration: float,
    warmup: float,
) -> tuple[Result, int]:
    """Like harness.measure, but every call takes the next of ``items`` and none is used
    twice (the warm-up's included): the loops stop after ``duration`` seconds or when
    the items run out. Returns the result and how many items the warm-up used."""
    pending = iter(items)

    async def loop(until: float, latencies: list[float] | None) -> int:
        count = 0
        while time.perf_counter() < until:
            item = next(pending, None)
            if item is None:
                break
            started = time.perf_counter()
            await call(item)
            if latencies is not None:
                latencies.append((time.perf_counter() - started) * 1000)
            count += 1
        return count

    warm_until = time.perf_counter() + warmup
    warmed = await asyncio.gather(*(loop(warm_until, None) for _ in range(concurrency)))
    latencies: list[float] = []
    started = time.perf_counter()
    counts = await asyncio.gather(
        *(loop(started + duration, latencies) for _ in range(concurrency))
    )
    return Result(name, sum(counts), time.perf_counter() - started, latencies), sum(warmed)


async def run() -> str:
    """Run the workloads and return the report."""
    rng = random.Random(SEED)
    env = {"DB_POOL_MIN_CONNS": str(POOL_SIZE), "DB_POOL_MAX_CONNS": str(POOL_SIZE)}
    with postgres() as instance:
        dsn = instance.dsn()
        with server_process(dsn, **env) as target:
            async with aio.insecure_channel(target) as channel:
                stub = keys_grpc.APIKeyServiceStub(channel)
                # Typed Any: the published health stubs declare none of the stub's methods.
                health: Any = health_pb2_grpc.HealthStub(channel)
                check = health_pb2.HealthCheckRequest(service="")
                seeding_started = time.perf_counter()
                keys = await _seed(stub)
                seeding = time.perf_counter() - seeding_started
                requests = [keys_pb2.ValidateAPIKeyRequest(key=key) for key in keys]
                await _validate_each_once(stub, requests)
                # Right before the hot run, after seeding's aftermath: the same conditions.
                trivial = await measure(
                    "gRPC: Health/Check (no database)",
                    lambda: health.Check(check),
                    concurrency=CONCURRENCY,
                    duration=DURATION,
                )
                hot = await measure(
                    "gRPC: ValidateAPIKey, hot (cached)",
                    lambda: _validate(stub, rng.choice(requests)),
                    concurrency=CONCURRENCY,
                    duration=DURATION,
                )
        # A second process: its cache has seen none of the keys.
        with server_process(dsn, **env) as target:
            async with raw_pool(dsn, POOL_SIZE) as pool:

                async def raw_lookup() -> None:
                    key_hash = hashlib.sha256(rng.choice(keys).encode()).digest()
                    async with pool.connection() as conn:
                        cursor = await conn.execute(LOOKUP_BY_HASH, {"hash": key_hash})
                        if await cursor.fetchone() is None:
                            raise InvalidAnswerError("raw lookup: a seeded key was not found")

                raw = await measure(
                    "raw psycopg: LOOKUP_BY_HASH",
                    raw_lookup,
                    concurrency=CONCURRENCY,
                    duration=DURATION,
                )
            async with aio.insecure_channel(target) as channel:
                stub = keys_grpc.APIKeyServiceStub(channel)
                cold, warmed = await _measure_each_once(
                    "gRPC: ValidateAPIKey, cold (each key once)",
                    rng.sample(requests, len(requests)),
                    lambda request: _validate(stub, request),
                    concurrency=CONCURRENCY,
                    duration=DURATION,
                    warmup=COLD_WARMUP,
                )
    setting = f"concurrency {CONCURRENCY}, {DURATION:g} s each, pool {POOL_SIZE}, {KEYS} keys"
    ran_out = (
        f"; the keys ran out after {cold.seconds:.1f} s" if cold.seconds < DURATION - 0.1 else ""
    )
    return "\n\n".join(
        [
            f"validate_api_key: {KEYS} keys seeded through CreateAPIKey in {seeding:.1f} s "
            f"({SEED_IN_FLIGHT} in flight)",
            report(
                f"validate_api_key: hot cache vs a trivial RPC, target >= {HOT_TARGET:.0%} "
                f"({setting})",
                [trivial, hot],
                trivial,
            )
            + "\n"
            + verdict("hot-cache validation", hot, trivial, HOT_TARGET),
            report(
                f"validate_api_key: cold cache vs raw psycopg, target >= {COLD_TARGET:.0%} "
                f"({setting})",
                [raw, cold],
                raw,
            )
            + "\n"
            + verdict("cold-cache validation", cold, raw, COLD_TARGET)
            + f"\ncold run: a second server process, each key validated at most once "
            f"({warmed} in a {COLD_WARMUP:g} s warm-up, {cold.calls} measured){ran_out}",
        ]
    )


if __name__ == "__main__":
    print(asyncio.run(run()))
