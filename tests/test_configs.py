"""ConfigService: numbered immutable versions, one active per name, switched atomically
even by two servers at once (issue 16, AC1). Watches: test_config_watch.py."""

from __future__ import annotations

import asyncio
import hashlib
import random
from typing import Any

import grpc
import psycopg
import pytest
from google.rpc import error_details_pb2
from grpc import aio
from grpc_status import rpc_status

from dataaccess.v1 import audit_pb2, configs_pb2
from dataaccess.v1 import configs_pb2 as pb
from dataaccess_server.app import Application
from tests.harness import stubs
from tests.harness.calls import bearer, credential
from tests.harness.configs import create
from tests.harness.server import server_settings

Stub = Any


@pytest.fixture
def configs(channel: aio.Channel) -> Stub:
    """A ConfigService stub on the ``server`` fixture."""
    return stubs.configs(channel)


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


async def test_concurrent_activations_from_two_servers_leave_one_active_version_and_no_gaps(
    two_apps: tuple[Application, Application], pg_database: str
) -> None:
    versions = 20
    async with (
        aio.insecure_channel(f"127.0.0.1:{two_apps[0].port}") as a,
        aio.insecure_channel(f"127.0.0.1:{two_apps[1].port}") as b,
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
