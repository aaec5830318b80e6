"""ConfigService across two real server processes (`dataaccess serve`, each its own OS
process with its own pools and listener): an activation through one reaches a watcher
on the other within a second, and concurrent activations through both leave exactly one
active version (issue 16, AC1 and AC2; test_configs.py and test_config_watch.py hold the
same properties, more finely, for two servers in one process)."""

from __future__ import annotations

import asyncio
import random
import time
from typing import Any

import grpc
import psycopg
from grpc import aio

from dataaccess.v1 import configs_pb2 as pb
from tests.harness import stubs
from tests.harness.configs import Watch, create
from tests.harness.waiting import wait_until


async def test_two_processes_watch_and_race_activations_with_one_active_version(
    two_servers: tuple[str, str], pg_database: str
) -> None:
    target_a, target_b = two_servers
    versions = 10
    async with aio.insecure_channel(target_a) as a, aio.insecure_channel(target_b) as b:
        stub_a, stub_b = stubs.configs(a), stubs.configs(b)
        for n in range(versions):
            await create(stub_a if n % 2 else stub_b, "fleet", f"n: {n}", activate=n == 0)
        watch = Watch(stub_a, "fleet")
        try:
            await wait_until(lambda: watch.versions() == [1], what="the active version at once")
            lags = []
            for version in (2, 3):
                count, started = len(watch.received), time.monotonic()
                answer = await stub_b.ActivateConfigVersion(
                    pb.ActivateConfigVersionRequest(name="fleet", version=version), timeout=10
                )
                await wait_until(watch.more_than(count), what="the activation", timeout=5)
                at, message = watch.received[-1]
                assert (message.config.version, message.revision) == (version, answer.revision)
                lags.append(at - started)
            assert max(lags) < 1.0, lags

            chooser = random.Random(16)

            async def activate(stub: Any) -> grpc.StatusCode:
                request = pb.ActivateConfigVersionRequest(
                    name="fleet", version=chooser.randint(1, versions)
                )
                if chooser.random() < 0.5:
                    request.expected_active_version = chooser.randint(0, versions)
                try:
                    await stub.ActivateConfigVersion(request, timeout=20)
                except aio.AioRpcError as exc:
                    return exc.code()
                return grpc.StatusCode.OK

            codes = await asyncio.gather(
                *(activate(stub_a if n % 2 else stub_b) for n in range(100))
            )
            assert set(codes) <= {grpc.StatusCode.OK, grpc.StatusCode.ABORTED}, codes
            active = (
                await stub_b.GetConfig(pb.GetConfigRequest(name="fleet"), timeout=10)
            ).config.version
            # The watcher on A ends on the version the race left active.
            await wait_until(
                lambda: watch.versions()[-1] == active, what="the watcher at the last activation"
            )
        finally:
            await watch.close()
    with psycopg.connect(pg_database) as conn:
        heads = conn.execute(
            "SELECT active_version FROM config_heads WHERE name = 'fleet'"
        ).fetchall()
    assert heads == [(active,)]
