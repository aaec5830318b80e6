"""The typed Python client: a method per RPC on both flavours, typed errors with their
google.rpc details from the real server, and the README's "Calling from Python" snippets
(a key validated; a reservation made and settled) run as written against a live server."""

from __future__ import annotations

import ast
import asyncio
import inspect
import re
import sys
import typing
import uuid
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import grpc
import psycopg
import pytest
from google.protobuf import descriptor_pool

import dataaccess.client
import dataaccess.errors
from dataaccess import errors
from dataaccess.client import RPC_METHODS, AsyncClient, Client, HealthStatus
from dataaccess.security import Credentials
from dataaccess.v1 import api_keys_pb2, request_logs_pb2, usage_pb2
from dataaccess_server.api.limits import CallLimits
from dataaccess_server.app import Application
from tests.harness import readme
from tests.harness.calls import api_methods, credential
from tests.harness.reservations import read_reservation, start_a_minute
from tests.harness.server import server_settings
from tests.harness.waiting import wait_until

REPO = Path(__file__).resolve().parents[1]
BLOCK_KEYS = "LOCK TABLE api_keys IN ACCESS EXCLUSIVE MODE"
WAITING_ON_LOCK = (
    "SELECT count(*) FROM pg_stat_activity"
    " WHERE wait_event_type = 'Lock' AND datname = current_database()"
)


def snake_case(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


# --- the surface -------------------------------------------------------------------------


def test_every_rpc_has_a_method_on_both_clients_with_its_request_and_response_types() -> None:
    methods = api_methods()
    assert len(methods) == 43
    pool = descriptor_pool.Default()
    assert sorted(path for path, _name in RPC_METHODS) == sorted(m.path for m in methods)
    for method in methods:
        service_name, rpc_name = method.path.strip("/").split("/")
        rpc = pool.FindServiceByName(service_name).FindMethodByName(rpc_name)
        name = snake_case(rpc_name.replace("OAuth", "Oauth"))
        assert (method.path, name) in RPC_METHODS
        for flavour in (Client, AsyncClient):
            function = getattr(flavour, name)
            hints = typing.get_type_hints(function)
            if rpc.server_streaming:
                # A stream: a plain method returning (Async)Iterator[Response] in both.
                assert not inspect.iscoroutinefunction(function), name
                assert typing.get_args(hints["return"])[0].DESCRIPTOR is rpc.output_type, name
            else:
                assert inspect.iscoroutinefunction(function) is (flavour is AsyncClient), name
                assert hints["return"].DESCRIPTOR is rpc.output_type, name
            assert list(inspect.signature(function).parameters)[2:] == ["timeout", "metadata"]
            if rpc.client_streaming:
                # Iterable[Req] (sync); Iterable[Req] | AsyncIterable[Req] (asyncio).
                accepted = typing.get_args(hints["requests"])
                kinds = accepted if flavour is AsyncClient else (hints["requests"],)
                for kind in kinds:
                    assert typing.get_args(kind)[0].DESCRIPTOR is rpc.input_type, name
                assert len(kinds) == (2 if flavour is AsyncClient else 1)
            else:
                assert hints["request"].DESCRIPTOR is rpc.input_type, name
            assert f"``{rpc.containing_service.name}.{rpc_name}``" in (function.__doc__ or "")


def test_the_public_surface_is_pinned() -> None:
    assert dataaccess.client.__all__ == [
        "DEFAULT_TIMEOUT",
        "RPC_METHODS",
        "SERVICE_CONFIG",
        "AsyncClient",
        "Client",
        "Credentials",
        "HealthStatus",
    ]
    public = {n for n in dir(Client) if not n.startswith("_")}
    rpc_names = {name for _path, name in RPC_METHODS}
    assert public - rpc_names == {"check_health", "close", "get_health_status"}
    assert {n for n in dir(AsyncClient) if not n.startswith("_")} == public
    every_code = {code for code in grpc.StatusCode if code is not grpc.StatusCode.OK}
    classes = [getattr(errors, name) for name in dataaccess.errors.__all__]
    by_code = {cls: code for code in every_code for cls in classes if cls.__name__ == _camel(code)}
    assert set(by_code.values()) == every_code  # one class per status code
    assert all(issubclass(cls, errors.DataAccessError) for cls in by_code)


def _camel(code: grpc.StatusCode) -> str:
    return "".join(part.title() for part in code.name.split("_"))


# --- errors from the real server --------------------------------------------------------


async def test_a_bad_request_is_invalid_argument_naming_the_field(server_target: str) -> None:
    bad = api_keys_pb2.CreateAPIKeyRequest(api_key=api_keys_pb2.APIKey(name="no owner"))
    async with AsyncClient(server_target) as client:
        with pytest.raises(errors.InvalidArgument) as caught:
            await client.create_api_key(bad)
    error = caught.value
    assert error.code is grpc.StatusCode.INVALID_ARGUMENT
    assert ("api_key.owner_id", "is required") in error.field_violations
    assert any(type(d).__name__ == "BadRequest" for d in error.details)  # unpacked
    assert error.retry_delay is None
    assert isinstance(error.__cause__, grpc.aio.AioRpcError)
    assert str(error).startswith("INVALID_ARGUMENT: ")

    def blocking() -> errors.DataAccessError:
        with Client(server_target) as sync, pytest.raises(errors.InvalidArgument) as sync_caught:
            sync.create_api_key(bad)
        return sync_caught.value

    sync_error = await asyncio.to_thread(blocking)
    assert sync_error.field_violations == error.field_violations
    assert isinstance(sync_error.__cause__, grpc.RpcError)


async def test_an_unknown_key_is_not_found(server_target: str) -> None:
    async with AsyncClient(server_target) as client:
        with pytest.raises(errors.NotFound) as caught:
            await client.get_api_key(api_keys_pb2.GetAPIKeyRequest(id=str(uuid.uuid4())))
    assert caught.value.code is grpc.StatusCode.NOT_FOUND
    assert caught.value.message
    assert caught.value.field_violations == ()


async def test_a_call_without_a_token_is_unauthenticated(auth_app: Application) -> None:
    target = f"127.0.0.1:{auth_app.port}"
    token = await credential(auth_app, "admin")
    request = api_keys_pb2.ListAPIKeysRequest()
    async with AsyncClient(target) as anonymous:
        with pytest.raises(errors.Unauthenticated):
            await anonymous.list_api_keys(request)
        assert await anonymous.check_health()  # health stays open
    async with AsyncClient(target, credentials=Credentials.bearer(token)) as client:
        assert (await client.list_api_keys(request)).api_keys == []
        assert await client.get_health_status() is HealthStatus.SERVING


async def test_an_admission_refusal_is_resource_exhausted_with_a_retry_delay(
    pg_database: str,
) -> None:
    app = Application(server_settings(pg_database, limits=CallLimits(max_concurrent_rpcs=1)))
    await app.start()
    target = f"127.0.0.1:{app.port}"
    try:
        async with (
            await psycopg.AsyncConnection.connect(pg_database) as blocker,
            await psycopg.AsyncConnection.connect(pg_database, autocommit=True) as watcher,
            AsyncClient(target, timeout=30) as client,
        ):
            await blocker.execute(BLOCK_KEYS)
            held = asyncio.ensure_future(client.list_api_keys(api_keys_pb2.ListAPIKeysRequest()))

            async def held_in_flight() -> bool:
                row = await (await watcher.execute(WAITING_ON_LOCK)).fetchone()
                return row is not None and row[0] == 1

            await wait_until(held_in_flight, what="the first call waiting on the lock")
            with pytest.raises(errors.ResourceExhausted) as caught:
                await client.list_usage(usage_pb2.ListUsageRequest())
            await blocker.rollback()
            await held
    finally:
        await app.stop()
    assert caught.value.retry_delay == timedelta(seconds=1)
    assert "DATAACCESS_MAX_CONCURRENT_RPCS" in caught.value.message


async def test_streaming_takes_plain_and_async_iterables(server_target: str) -> None:
    when = datetime.now(UTC)  # one time: with the request_id it identifies a log

    def logs(prefix: str) -> Iterable[request_logs_pb2.StreamRequestLogsRequest]:
        for n in range(3):
            entry = request_logs_pb2.RequestLog(
                request_id=f"{prefix}-{n}", provider="claude", status_code=200
            )
            entry.request_time.FromDatetime(when)
            yield request_logs_pb2.StreamRequestLogsRequest(logs=[entry])

    async def async_logs(prefix: str) -> AsyncIterator[request_logs_pb2.StreamRequestLogsRequest]:
        for message in logs(prefix):
            yield message

    async with AsyncClient(server_target) as client:
        assert (await client.stream_request_logs(logs("plain"))).inserted == 3
        assert (await client.stream_request_logs(async_logs("async"))).inserted == 3
        again = await client.stream_request_logs(async_logs("async"))
        assert (again.inserted, again.duplicates) == (0, 3)

    def blocking() -> int:
        with Client(server_target) as sync:
            return sync.stream_request_logs(logs("sync")).inserted

    assert await asyncio.to_thread(blocking) == 3


async def test_usage_written_through_the_client_reads_back(server_target: str) -> None:
    record = usage_pb2.UsageRecord(
        provider="claude", model="m", auth_id="a", date="2026-11-20", request_count=2
    )
    async with AsyncClient(server_target) as client:
        first = await client.upsert_usage(
            usage_pb2.UpsertUsageRequest(record=record, request_id="u1")
        )
        replay = await client.upsert_usage(
            usage_pb2.UpsertUsageRequest(record=record, request_id="u1")
        )
        listed = await client.list_usage(usage_pb2.ListUsageRequest())
    assert (first.replayed, replay.replayed) == (False, True)
    assert [r.request_count for r in listed.records] == [2]


# --- README ------------------------------------------------------------------------------


README_ADDRESS = "127.0.0.1:50051"


def readme_python_snippets() -> list[str]:
    return readme.snippets("Calling from Python", "python")


async def run_readme_snippet(snippet: str, app: Application, token: str) -> list[str]:
    """Run ``snippet`` as written, against ``app``, with ``token`` as DATAACCESS_TOKEN and
    nothing else of this environment; the lines it printed."""
    assert README_ADDRESS in snippet
    script = snippet.replace(README_ADDRESS, f"127.0.0.1:{app.port}")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        script,
        env={"DATAACCESS_TOKEN": token, "PATH": "/usr/bin:/bin"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, stderr.decode()
    return stdout.decode().splitlines()


def test_the_client_package_readme_snippets_are_python() -> None:
    text = (REPO / "clients" / "python" / "README.md").read_text()
    blocks = re.findall(r"^```python\n(.*?)^```", text, re.DOTALL | re.MULTILINE)
    assert len(blocks) == 4
    for block in blocks:
        compile(block, "clients/python/README.md", "exec")


def test_the_readme_has_two_python_snippets() -> None:
    assert len(readme_python_snippets()) == 2


async def test_the_readme_python_snippet_runs_against_a_live_server(auth_app: Application) -> None:
    token = await credential(auth_app, "admin")
    lines = await run_readme_snippet(readme_python_snippets()[0], auth_app, token)
    assert lines[0] == "True API_KEY_VALIDATION_REASON_VALID team-a"
    assert lines[1].startswith("NOT_FOUND ")
    assert len(lines) == 2


async def test_the_readme_reserve_then_settle_snippet_restores_the_difference(
    auth_app: Application, pg_database: str
) -> None:
    token = await credential(auth_app, "admin")
    start_a_minute(pg_database)
    lines = await run_readme_snippet(readme_python_snippets()[1], auth_app, token)
    assert len(lines) == 3, lines
    # The estimate (2,000 tokens, 30,000 cost units) held; tpm has the least left.
    valid, decided_by, reservation_id, held = lines[0].split(" ", 3)
    assert (valid, decided_by) == ("True", "key.limits.tpm")
    assert ast.literal_eval(held) == {"tpm": 10_000 - 2_000, "daily": 5_000_000 - 30_000}
    assert lines[1] == "1"
    # The actual (900 + 300 tokens, 18,000) charged instead, as the snippet's comment says.
    after = {"tpm": 10_000 - 1_200, "daily": 5_000_000 - 18_000}
    assert ast.literal_eval(lines[2]) == after
    assert f"# {lines[2]}" in readme_python_snippets()[1]
    # The database's own record of it.
    reservation = read_reservation(pg_database, reservation_id)
    assert (reservation.state, reservation.tokens, reservation.cost) == ("settled", 2_000, 30_000)
    assert (reservation.actual_tokens, reservation.actual_cost) == (1_200, 18_000)
