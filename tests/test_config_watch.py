"""WatchConfig: the active version at once, then every activation made through any
server, within a second, even across a lost listener connection; slow watchers skip to
the latest (issue 16, AC2)."""

from __future__ import annotations

import asyncio
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import grpc
import psycopg
import pytest
from grpc import aio

from dataaccess import errors as client_errors
from dataaccess.client import AsyncClient
from dataaccess.v1 import configs_pb2
from dataaccess.v1 import configs_pb2 as pb
from dataaccess_server.app import Application
from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.config_watch import ConfigWatchers
from dataaccess_server.domain.model.configs import Activation, ConfigVersion
from tests.harness import readme, stubs
from tests.harness.configs import Watch, create
from tests.harness.server import server_settings
from tests.harness.waiting import wait_until

Stub = Any


@pytest.fixture
def configs(channel: aio.Channel) -> Stub:
    """A ConfigService stub on the ``server`` fixture."""
    return stubs.configs(channel)


async def test_a_watch_on_one_server_sees_an_activation_through_the_other_within_a_second(
    two_apps: tuple[Application, Application],
) -> None:
    server_a, server_b = two_apps
    async with (
        aio.insecure_channel(f"127.0.0.1:{server_a.port}") as a,
        aio.insecure_channel(f"127.0.0.1:{server_b.port}") as b,
    ):
        stub_a, stub_b = stubs.configs(a), stubs.configs(b)
        await create(stub_b, "edge", "v: 1", activate=True)
        await create(stub_b, "edge", "v: 2")
        watch = Watch(stub_a, "edge")
        try:
            await wait_until(lambda: watch.versions() == [1], what="the active version at once")
            lags = []
            for version in (2, 1, 2):
                count = len(watch.received)
                started = time.monotonic()
                answer = await stub_b.ActivateConfigVersion(
                    pb.ActivateConfigVersionRequest(name="edge", version=version)
                )
                await wait_until(watch.more_than(count), what="the activation", timeout=5)
                at, message = watch.received[-1]
                assert (message.config.version, message.revision) == (version, answer.revision)
                lags.append(at - started)
            print(
                f"\nwatch lag across servers: {', '.join(f'{lag * 1000:.1f} ms' for lag in lags)}"
            )
            assert max(lags) < 1.0, lags
            assert server_a.config_watchers is not None
            assert len(server_a.config_watchers) == 1
        finally:
            await watch.close()
        await wait_until(lambda: len(server_a.config_watchers or ()) == 0, what="the watcher gone")


async def test_a_watch_waits_for_the_first_activation_and_an_unknown_name_is_not_found(
    configs: Stub,
) -> None:
    missing = Watch(configs, "ghost")
    await wait_until(lambda: missing.error is not None, what="NOT_FOUND")
    assert missing.error is not None
    assert missing.error.code() == grpc.StatusCode.NOT_FOUND
    await create(configs, "later", "a: 1")
    watch = Watch(configs, "later")
    try:
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.3):
                await wait_until(lambda: watch.received, what="nothing before the activation")
        await configs.ActivateConfigVersion(
            pb.ActivateConfigVersionRequest(name="later", version=1)
        )
        await wait_until(lambda: watch.versions() == [1], what="the first activation")
    finally:
        await watch.close()


async def test_a_watcher_whose_listener_is_killed_still_receives_the_latest_version(
    two_apps: tuple[Application, Application], pg_database: str
) -> None:
    server_a, server_b = two_apps
    async with (
        aio.insecure_channel(f"127.0.0.1:{server_a.port}") as a,
        aio.insecure_channel(f"127.0.0.1:{server_b.port}") as b,
    ):
        stub_b = stubs.configs(b)
        for n in (1, 2, 3):
            await create(stub_b, "flaky", f"v: {n}", activate=n == 1)
        watch = Watch(stubs.configs(a), "flaky")
        try:
            await wait_until(lambda: watch.versions() == [1], what="the first version")
            listener = server_a.listener
            assert listener is not None
            pid = listener.backend_pid
            assert pid is not None
            with psycopg.connect(pg_database, autocommit=True) as conn:
                conn.execute("SELECT pg_terminate_backend(%s)", (pid,))
            await wait_until(lambda: not listener.connected, what="the listener to see the loss")
            # Activated while server A hears nothing: the notifications are lost.
            await stub_b.ActivateConfigVersion(
                pb.ActivateConfigVersionRequest(name="flaky", version=2)
            )
            last = await stub_b.ActivateConfigVersion(
                pb.ActivateConfigVersionRequest(name="flaky", version=3)
            )
            assert not listener.connected  # both were made while it was down (0.5 s)
            await wait_until(
                lambda: watch.versions()[-1:] == [3], what="the latest version after recovery"
            )
            assert watch.received[-1][1].revision == last.revision
            assert listener.backend_pid not in (None, pid)
        finally:
            await watch.close()


async def test_a_slow_watcher_skips_to_the_latest_version(configs: Stub) -> None:
    await create(configs, "busy", "v: 1", activate=True)
    await create(configs, "busy", "v: 2")
    call = configs.WatchConfig(pb.WatchConfigRequest(name="busy"))
    try:
        first = await call.read()
        assert first.config.version == 1
        for n in range(40):  # nobody reads meanwhile
            last = await configs.ActivateConfigVersion(
                pb.ActivateConfigVersionRequest(name="busy", version=2 - n % 2)
            )
        revisions = [first.revision]
        while revisions[-1] < last.revision:
            async with asyncio.timeout(5):
                message = await call.read()
            revisions.append(message.revision)
        assert message.config.version == last.config.version
        assert revisions == sorted(set(revisions))  # only newer, never repeated
    finally:
        call.cancel()


async def test_the_mailbox_keeps_only_the_latest_activation_for_a_watcher_behind() -> None:
    heads: dict[str, Activation] = {}

    async def read(name: str, _deadline: Deadline) -> Activation | None:
        return heads.get(name)

    def at(revision: int) -> Activation:
        config = ConfigVersion("n", revision, "v: 1", "0" * 64, 4, datetime.now(UTC), "t", True)
        return Activation(config, revision)

    watchers = ConfigWatchers(read)
    heads["n"] = at(1)
    stream = watchers.watch("n", Deadline.after(5))
    assert (await anext(stream)).revision == 1
    for revision in range(2, 50):
        heads["n"] = at(revision)
        watchers.changed("n")
        await asyncio.sleep(0)  # each read runs and offers its activation
    await wait_until(lambda: not watchers._reading, what="the reads to finish")
    assert (await anext(stream)).revision == 49  # 2..48 were replaced, unseen
    await watchers.close()
    with pytest.raises(Exception, match="shutting down"):
        await anext(stream)


async def test_watches_end_with_unavailable_at_shutdown_without_holding_the_grace_period(
    pg_database: str,
) -> None:
    app = Application(server_settings(pg_database, shutdown_grace=10.0))
    await app.start()
    async with aio.insecure_channel(f"127.0.0.1:{app.port}") as chan:
        stub = stubs.configs(chan)
        await create(stub, "bye", "a: 1", activate=True)
        watch = Watch(stub, "bye")
        await wait_until(lambda: watch.received, what="the first version")
        started = time.monotonic()
        await app.stop()
        took = time.monotonic() - started
        await wait_until(lambda: watch.error is not None, what="the stream's end")
        assert watch.error is not None
        assert watch.error.code() == grpc.StatusCode.UNAVAILABLE
        assert "shutting down" in (watch.error.details() or "")
        assert took < 5.0, took


async def test_watches_count_against_the_concurrent_streams_limit(pg_database: str) -> None:
    settings = server_settings(pg_database)
    app = Application(replace(settings, limits=replace(settings.limits, max_concurrent_streams=2)))
    await app.start()
    try:
        async with aio.insecure_channel(f"127.0.0.1:{app.port}") as chan:
            stub = stubs.configs(chan)
            await create(stub, "w", "a: 1", activate=True)
            watches = [Watch(stub, "w") for _ in range(2)]
            await wait_until(lambda: all(w.received for w in watches), what="two watches open")
            third = Watch(stub, "w")
            await wait_until(lambda: third.error is not None, what="the third to be refused")
            assert third.error is not None
            assert third.error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
            assert "DATAACCESS_MAX_CONCURRENT_STREAMS" in (third.error.details() or "")
            for watch in watches:
                await watch.close()
    finally:
        await app.stop()


async def test_the_readme_python_watch_runs_against_a_live_server(
    server: Application, configs: Stub
) -> None:
    await create(configs, "proxy/routing", "default: claude\n", activate=True)
    snippet = readme.snippet("Configs: versioned YAML, activation, watch", "python")
    assert "127.0.0.1:50051" in snippet
    script = snippet.replace("127.0.0.1:50051", f"127.0.0.1:{server.port}")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        script,
        env={"PATH": "/usr/bin:/bin"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, stderr.decode()
    assert stdout.decode().splitlines() == ["1 1 default: claude"]


async def test_the_asyncio_client_watches_and_raises_the_status_class(
    server: Application, configs: Stub
) -> None:
    await create(configs, "client", "a: 1", activate=True)
    async with AsyncClient(f"127.0.0.1:{server.port}") as client:
        watch = client.watch_config(configs_pb2.WatchConfigRequest(name="client"))
        first = await anext(watch)
        assert (first.config.version, first.revision) == (1, 1)
        await create(configs, "client", "a: 2", activate=True)
        second = await anext(watch)
        assert (second.config.version, second.revision) == (2, 2)
        await watch.aclose()  # type: ignore[attr-defined]
        with pytest.raises(client_errors.NotFound):
            await anext(client.watch_config(configs_pb2.WatchConfigRequest(name="none")))
    await wait_until(lambda: len(server.config_watchers or ()) == 0, what="the watch cancelled")
