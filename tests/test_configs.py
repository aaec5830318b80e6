"""ConfigService: numbered immutable versions, one active per name, and watches that see
every server's activations (issue 16, AC1 and AC2)."""

from __future__ import annotations

import asyncio
import hashlib
import random
import sys
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import grpc
import psycopg
import pytest
from google.rpc import error_details_pb2
from grpc import aio
from grpc_status import rpc_status

from dataaccess import errors as client_errors
from dataaccess.client import AsyncClient
from dataaccess.v1 import audit_pb2, configs_pb2
from dataaccess.v1 import configs_pb2 as pb
from dataaccess_server.app import Application
from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.config_watch import ConfigWatchers
from dataaccess_server.domain.model.configs import Activation, ConfigVersion
from tests.harness import readme, stubs
from tests.harness.calls import bearer, credential
from tests.harness.server import server_settings
from tests.harness.waiting import wait_until

Stub = Any


@pytest.fixture
def configs(channel: aio.Channel) -> Stub:
    """A ConfigService stub on the ``server`` fixture."""
    return stubs.configs(channel)


async def create(stub: Stub, name: str, text: str, **fields: Any) -> pb.CreateConfigVersionResponse:
    request = pb.CreateConfigVersionRequest(name=name, yaml=text, **fields)
    response: pb.CreateConfigVersionResponse = await stub.CreateConfigVersion(request, timeout=10)
    return response


async def failure(call: Any) -> aio.AioRpcError:
    """The error ``call`` (an awaitable gRPC call) ends with."""
    with pytest.raises(aio.AioRpcError) as caught:
        await call
    return caught.value


def violations(error: aio.AioRpcError) -> dict[str, str]:
    """The BadRequest field violations of an INVALID_ARGUMENT, by field."""
    status = rpc_status.from_call(error)  # type: ignore[arg-type]
    assert status is not None
    found = {}
    for detail in status.details:
        bad = error_details_pb2.BadRequest()
        if detail.Unpack(bad):
            found.update({v.field: v.description for v in bad.field_violations})
    return found


async def active(stub: Stub, name: str) -> pb.ConfigVersion:
    got = await stub.GetConfig(pb.GetConfigRequest(name=name), timeout=10)
    config: pb.ConfigVersion = got.config
    return config


# --- AC1: versions, YAML, limits ----------------------------------------------------------


async def test_versions_are_numbered_one_to_n_per_name_and_listed_newest_first(
    configs: Stub,
) -> None:
    for n in range(1, 4):
        made = await create(configs, "proxy/routing", f"routes: {n}\n")
        assert made.config.version == n
        assert not made.config.active
    assert (await create(configs, "limits", "rpm: 10")).config.version == 1
    text = "routes: 2\n"
    second = await configs.GetConfig(pb.GetConfigRequest(name="proxy/routing", version=2))
    assert second.config.yaml == text
    assert second.config.sha256 == hashlib.sha256(text.encode()).hexdigest()
    assert second.config.size_bytes == len(text)
    assert second.config.created_by == "anonymous"  # authentication is off here
    assert second.config.HasField("create_time")
    first_page = await configs.ListConfigVersions(
        pb.ListConfigVersionsRequest(name="proxy/routing", page_size=2)
    )
    assert [c.version for c in first_page.configs] == [3, 2]
    rest = await configs.ListConfigVersions(
        pb.ListConfigVersionsRequest(
            name="proxy/routing", page_size=2, page_token=first_page.next_page_token
        )
    )
    assert [c.version for c in rest.configs] == [1]
    assert rest.next_page_token == ""
    # A token is bound to its name.
    refused = await failure(
        configs.ListConfigVersions(
            pb.ListConfigVersionsRequest(name="limits", page_token=first_page.next_page_token)
        )
    )
    assert refused.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "page_token" in violations(refused)


async def test_a_retried_request_id_returns_the_first_version_and_stores_nothing(
    configs: Stub,
) -> None:
    first = await create(configs, "app", "a: 1", request_id="r-1")
    again = await create(configs, "app", "a: 1", request_id="r-1")
    assert (first.replayed, again.replayed) == (False, True)
    assert again.config == first.config
    assert (await create(configs, "app", "a: 2")).config.version == 2  # no number was used
    reused = await failure(
        configs.CreateConfigVersion(
            pb.CreateConfigVersionRequest(name="app", yaml="a: 3", request_id="r-1")
        )
    )
    assert reused.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "other YAML" in violations(reused)["request_id"]
    listed = await configs.ListConfigVersions(pb.ListConfigVersionsRequest(name="app"))
    assert [c.version for c in listed.configs] == [2, 1]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("routes:\n  - a\n  b: 1\n", "did not find expected '-' indicator at line 3, column 3"),
        ("a: [1, 2\n", "did not find expected ',' or ']' at line 2, column 1"),
        ("a: b: c\n", "mapping values are not allowed in this context at line 1, column 5"),
        ("ok: 1\nx: '\x07'\n", "character #x0007 is not allowed"),
        ("a: 1\n---\nb: 2\n", "expected a single document"),
        ("!!python/object:os.system {}\n", "could not determine a constructor"),
    ],
)
async def test_invalid_yaml_is_invalid_argument_with_the_parsers_line_and_column(
    configs: Stub, text: str, expected: str
) -> None:
    error = await failure(
        configs.CreateConfigVersion(pb.CreateConfigVersionRequest(name="y", yaml=text))
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    described = violations(error)["yaml"]
    assert expected in described, described
    assert "line" in described
    nothing = await failure(configs.GetConfig(pb.GetConfigRequest(name="y", version=1)))
    assert nothing.code() == grpc.StatusCode.NOT_FOUND


async def test_names_and_sizes_outside_the_rules_are_invalid_argument(pg_database: str) -> None:
    app = Application(server_settings(pg_database, config_max_bytes=1024))
    await app.start()
    try:
        async with aio.insecure_channel(f"127.0.0.1:{app.port}") as chan:
            stub = stubs.configs(chan)
            for name in ("", "Upper", "-lead", "sp ace", "a" * 129, "x\u00e9"):
                error = await failure(
                    stub.CreateConfigVersion(pb.CreateConfigVersionRequest(name=name, yaml="a: 1"))
                )
                assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, name
                assert "name" in violations(error), name
            assert (await create(stub, "a" * 128, "a: 1")).config.version == 1
            fits = "k: " + "x" * (1024 - 4) + "\n"
            assert len(fits.encode()) == 1024
            assert (await create(stub, "big", fits)).config.size_bytes == 1024
            error = await failure(
                stub.CreateConfigVersion(pb.CreateConfigVersionRequest(name="big", yaml=fits + " "))
            )
            assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
            assert "DATAACCESS_CONFIG_MAX_BYTES" in violations(error)["yaml"]
            empty = await failure(
                stub.CreateConfigVersion(pb.CreateConfigVersionRequest(name="big", yaml="  \n"))
            )
            assert "must not be empty" in violations(empty)["yaml"]
    finally:
        await app.stop()


async def test_activation_rollback_and_stale_expectations(configs: Stub) -> None:
    for n in (1, 2, 3):
        await create(configs, "svc", f"v: {n}")
    assert (await failure(configs.GetConfig(pb.GetConfigRequest(name="svc")))).code() == (
        grpc.StatusCode.NOT_FOUND
    )
    no_previous = await failure(configs.RollbackConfig(pb.RollbackConfigRequest(name="svc")))
    assert no_previous.code() == grpc.StatusCode.FAILED_PRECONDITION

    first = await configs.ActivateConfigVersion(
        pb.ActivateConfigVersionRequest(name="svc", version=2, expected_active_version=0)
    )
    assert (first.config.version, first.config.active, first.revision) == (2, True, 1)
    assert first.previous_version == 0
    # The same activation again (a retry): nothing changes, whatever it expected.
    again = await configs.ActivateConfigVersion(
        pb.ActivateConfigVersionRequest(name="svc", version=2, expected_active_version=0)
    )
    assert (again.config.version, again.revision) == (2, 1)

    # A stale expectation: ABORTED, and nothing changed.
    stale = await failure(
        configs.ActivateConfigVersion(
            pb.ActivateConfigVersionRequest(name="svc", version=3, expected_active_version=1)
        )
    )
    assert stale.code() == grpc.StatusCode.ABORTED
    assert "active version 2, not the expected 1" in (stale.details() or "")
    stale_rollback = await failure(
        configs.RollbackConfig(pb.RollbackConfigRequest(name="svc", expected_active_version=0))
    )
    assert stale_rollback.code() == grpc.StatusCode.ABORTED
    assert (await active(configs, "svc")).version == 2
    still = await configs.ActivateConfigVersion(
        pb.ActivateConfigVersionRequest(name="svc", version=2)
    )
    assert still.revision == 1

    third = await configs.ActivateConfigVersion(
        pb.ActivateConfigVersionRequest(name="svc", version=3, expected_active_version=2)
    )
    assert (third.revision, third.previous_version) == (2, 2)
    back = await configs.RollbackConfig(pb.RollbackConfigRequest(name="svc"))
    assert (back.config.version, back.revision, back.previous_version) == (2, 3, 3)
    toggled = await configs.RollbackConfig(pb.RollbackConfigRequest(name="svc"))
    assert (toggled.config.version, toggled.revision, toggled.previous_version) == (3, 4, 2)
    old = await configs.GetConfig(pb.GetConfigRequest(name="svc", version=2))
    assert not old.config.active

    for request, code in (
        (pb.ActivateConfigVersionRequest(name="svc", version=4), grpc.StatusCode.NOT_FOUND),
        (pb.ActivateConfigVersionRequest(name="nope", version=1), grpc.StatusCode.NOT_FOUND),
        (pb.ActivateConfigVersionRequest(name="svc", version=0), grpc.StatusCode.INVALID_ARGUMENT),
        (
            pb.ActivateConfigVersionRequest(name="svc", version=1, expected_active_version=-1),
            grpc.StatusCode.INVALID_ARGUMENT,
        ),
    ):
        assert (await failure(configs.ActivateConfigVersion(request))).code() == code, request
    assert (await active(configs, "svc")).version == 3


async def test_create_may_activate_in_the_same_transaction(configs: Stub) -> None:
    made = await create(configs, "now", "a: 1", activate=True)
    assert (made.config.active, made.revision) == (True, 1)
    assert (await active(configs, "now")).version == 1


# --- AC1: two server processes ------------------------------------------------------------


@pytest.fixture
async def two_servers(pg_database: str) -> AsyncIterator[tuple[Application, Application]]:
    """Two servers on one database, as two processes of a deployment would be."""
    apps = [Application(server_settings(pg_database)) for _ in range(2)]
    try:
        for app in apps:
            await app.start()
        yield apps[0], apps[1]
    finally:
        for app in apps:
            await app.stop()


async def test_concurrent_activations_from_two_servers_leave_one_active_version_and_no_gaps(
    two_servers: tuple[Application, Application], pg_database: str
) -> None:
    versions = 20
    async with (
        aio.insecure_channel(f"127.0.0.1:{two_servers[0].port}") as a,
        aio.insecure_channel(f"127.0.0.1:{two_servers[1].port}") as b,
    ):
        stub_a, stub_b = stubs.configs(a), stubs.configs(b)
        # Creations racing on both servers too: numbered 1..n, no gap, none twice.
        made = await asyncio.gather(
            *(create(stub_a if n % 2 else stub_b, "race", f"n: {n}") for n in range(versions))
        )
        assert sorted(m.config.version for m in made) == list(range(1, versions + 1))
        chooser = random.Random(16)

        async def activate(stub: Stub) -> Any:
            request = pb.ActivateConfigVersionRequest(
                name="race", version=chooser.randint(1, versions)
            )
            if chooser.random() < 0.5:
                request.expected_active_version = chooser.randint(0, versions)
            try:
                return await stub.ActivateConfigVersion(request, timeout=20)
            except aio.AioRpcError as exc:
                return exc.code()

        calls = [activate(stub_a if n % 2 else stub_b) for n in range(200)]
        results = await asyncio.gather(*calls)
        answers = [r for r in results if isinstance(r, pb.ActivateConfigVersionResponse)]
        refusals = [r for r in results if not isinstance(r, pb.ActivateConfigVersionResponse)]
        assert set(refusals) <= {grpc.StatusCode.ABORTED}, refusals

    with psycopg.connect(pg_database) as conn:
        heads = conn.execute(
            "SELECT active_version, revision FROM config_heads WHERE name = 'race'"
        ).fetchall()
        flags = conn.execute(
            "SELECT count(*) FROM configs c JOIN config_heads h ON h.name = c.name"
            " AND h.active_version = c.version"
        ).fetchone()
    assert len(heads) == 1
    assert flags == (1,)
    final_active, final_revision = heads[0]
    # Every revision from 1 to the last was handed out, each to one switch: the answers
    # at one revision agree on the version it activated, and each switch's previous
    # version is the one the revision before it activated (no lost update).
    by_revision: dict[int, tuple[int, int]] = {}
    for answer in answers:
        seen = (answer.config.version, answer.previous_version)
        assert by_revision.setdefault(answer.revision, seen) == seen, answer
    assert set(by_revision) == set(range(1, final_revision + 1))
    for revision in range(2, final_revision + 1):
        assert by_revision[revision][1] == by_revision[revision - 1][0]
    assert by_revision[final_revision][0] == final_active
    print(
        f"\nrace: {len(calls)} activations, {final_revision} switched,"
        f" {len(refusals)} ABORTED, {len(answers) - final_revision} no-ops"
    )
    assert final_revision > 10  # the race was real: many activations switched


# --- AC2: watches -------------------------------------------------------------------------


class Watch:
    """A WatchConfig stream read in the background, its messages with their arrival."""

    def __init__(self, stub: Stub, name: str) -> None:
        self.call = stub.WatchConfig(pb.WatchConfigRequest(name=name))
        self.received: list[tuple[float, pb.WatchConfigResponse]] = []
        self.error: aio.AioRpcError | None = None
        self._task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for message in self.call:
                self.received.append((time.monotonic(), message))
        except aio.AioRpcError as exc:
            self.error = exc

    def more_than(self, count: int) -> Callable[[], bool]:
        """A condition: more than ``count`` messages received."""
        return lambda: len(self.received) > count

    def versions(self) -> list[int]:
        return [message.config.version for _at, message in self.received]

    async def close(self) -> None:
        self.call.cancel()
        await asyncio.wait({self._task}, timeout=5)


async def test_a_watch_on_one_server_sees_an_activation_through_the_other_within_a_second(
    two_servers: tuple[Application, Application],
) -> None:
    server_a, server_b = two_servers
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
    two_servers: tuple[Application, Application], pg_database: str
) -> None:
    server_a, server_b = two_servers
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


# --- who, and the audit trail -------------------------------------------------------------


async def test_versions_and_activations_name_the_caller_and_are_audited(
    auth_app: Application, auth_channel: aio.Channel
) -> None:
    admin = bearer(await credential(auth_app, "admin", "ops"))
    reader = bearer(await credential(auth_app, "reader", "dash"))
    stub = stubs.configs(auth_channel)
    made = await stub.CreateConfigVersion(
        pb.CreateConfigVersionRequest(name="audited", yaml="a: 1"), metadata=admin
    )
    assert made.config.created_by == "bearer:ops"
    await stub.ActivateConfigVersion(
        pb.ActivateConfigVersionRequest(name="audited", version=1), metadata=admin
    )
    got = await stub.GetConfig(configs_pb2.GetConfigRequest(name="audited"), metadata=reader)
    assert got.config.version == 1
    denied = await failure(
        stub.CreateConfigVersion(
            pb.CreateConfigVersionRequest(name="audited", yaml="a: 2"), metadata=reader
        )
    )
    assert denied.code() == grpc.StatusCode.PERMISSION_DENIED
    events = await stubs.audit(auth_channel).ListAuditEvents(
        audit_pb2.ListAuditEventsRequest(), metadata=admin
    )
    seen = {(e.method.rsplit("/", 1)[1], e.caller, e.resource_id, e.outcome) for e in events.events}
    assert ("CreateConfigVersion", "bearer:ops", "audited@1", "OK") in seen
    assert ("ActivateConfigVersion", "bearer:ops", "audited@1", "OK") in seen
    assert ("CreateConfigVersion", "bearer:dash", "audited", "PERMISSION_DENIED") in seen
    assert not any(method == "GetConfig" for method, *_ in seen)  # reads are not audited


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
