"""The gRPC surface: reflection, GetDatabaseStatus, health names, error mapping."""

from __future__ import annotations

import asyncio
from pathlib import Path

import grpc
import pytest
from google.rpc import error_details_pb2, status_pb2
from grpc import aio
from grpc_health.v1 import health_pb2
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import (
    ProtoReflectionDescriptorDatabase,
)
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from dataaccess.v1 import operations_pb2 as ops_pb2
from dataaccess.v1 import operations_pb2_grpc as ops_grpc
from dataaccess_server.api.status import to_status
from dataaccess_server.app import Application
from dataaccess_server.db.migrations import default_directory, discover
from dataaccess_server.errors import (
    DatabaseUnavailableError,
    FieldViolation,
    InvalidArgumentError,
)
from tests.harness import leaks, stubs
from tests.harness.server import server_settings


def _reflected_services(target: str) -> list[str]:
    with grpc.insecure_channel(target) as channel:
        return sorted(ProtoReflectionDescriptorDatabase(channel).get_services())


async def test_reflection_lists_the_api_health_and_reflection(server_target: str) -> None:
    services = await asyncio.to_thread(_reflected_services, server_target)
    assert "dataaccess.v1.OperationsService" in services
    assert "grpc.health.v1.Health" in services
    assert "grpc.reflection.v1alpha.ServerReflection" in services


async def test_database_status_reports_the_primary_pool_and_schema(
    channel: aio.Channel,
) -> None:
    stub = ops_grpc.OperationsServiceStub(channel)
    reply = await stub.GetDatabaseStatus(ops_pb2.GetDatabaseStatusRequest(), timeout=5)
    assert [node.name for node in reply.nodes] == ["primary"]
    primary = reply.nodes[0]
    assert primary.configured_role == ops_pb2.NODE_ROLE_PRIMARY
    assert primary.observed_role == ops_pb2.NODE_ROLE_PRIMARY
    assert primary.reachable
    assert primary.server_version
    assert "password" not in primary.dsn
    assert primary.pool.pool_max == 4
    assert primary.pool.pool_size >= 1
    assert primary.pool.requests_num >= 1  # this very call borrowed a connection
    latest = max(m.version for m in discover(default_directory()))
    assert reply.schema.known
    assert reply.schema.current_version == latest
    assert reply.schema.latest_version == latest
    assert list(reply.schema.pending_migrations) == []


async def test_every_api_service_and_liveness_report_serving(channel: aio.Channel) -> None:
    stub = stubs.health(channel)
    for service in ("", "dataaccess.v1.OperationsService", "liveness"):
        reply = await stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=5)
        assert reply.status == health_pb2.HealthCheckResponse.SERVING, service


async def test_unknown_health_service_is_not_found(channel: aio.Channel) -> None:
    stub = stubs.health(channel)
    with pytest.raises(aio.AioRpcError) as caught:
        await stub.Check(health_pb2.HealthCheckRequest(service="no.such.Service"), timeout=5)
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND


async def test_a_second_server_on_the_same_port_is_refused(
    server: Application, pg_database: str
) -> None:
    from dataaccess_server.startup import StartupError
    from tests.harness.server import server_settings

    other = Application(server_settings(pg_database, listen=f"127.0.0.1:{server.port}"))
    try:
        with pytest.raises(StartupError, match=f"cannot listen on 127.0.0.1:{server.port}"):
            await other.start()
    finally:
        await other.stop()


def test_invalid_argument_carries_field_violations() -> None:
    status = to_status(
        InvalidArgumentError(
            [FieldViolation("page_size", "must be >= 0"), FieldViolation("provider", "empty")]
        )
    )
    assert status.code == grpc.StatusCode.INVALID_ARGUMENT
    assert "page_size: must be >= 0" in status.details
    proto = _status_proto(status)
    bad_request = error_details_pb2.BadRequest()
    assert proto.details[0].Unpack(bad_request)
    assert [v.field for v in bad_request.field_violations] == ["page_size", "provider"]


def test_an_unavailable_database_maps_to_unavailable() -> None:
    assert to_status(DatabaseUnavailableError("down")).code == grpc.StatusCode.UNAVAILABLE


def _status_proto(status: grpc.Status) -> status_pb2.Status:
    for key, value in status.trailing_metadata:
        if key == "grpc-status-details-bin":
            proto = status_pb2.Status()
            proto.ParseFromString(value)
            return proto
    raise AssertionError("no rich status details")


async def test_database_status_shows_only_the_allowed_connection_parameters(
    pg_database: str, tmp_path: Path
) -> None:
    # A DSN with everything a status page must not show: secrets, file paths, options.
    passfile = tmp_path / "pgpass"
    passfile.write_text("")
    base = make_conninfo("", **conninfo_to_dict(pg_database))
    dsn = (
        f"{base} password=hunter2-pw sslpassword=hunter2-ssl"
        f" passfile={passfile} sslkey=/secret/client.key options='-c work_mem=64MB'"
        " application_name=status-test sslmode=disable"
    )
    leaks.register_secret("hunter2-pw", "hunter2-ssl")
    app = Application(server_settings(dsn))
    await app.start()
    try:
        async with aio.insecure_channel(f"127.0.0.1:{app.port}") as chan:
            stub = ops_grpc.OperationsServiceStub(chan)
            reply = await stub.GetDatabaseStatus(ops_pb2.GetDatabaseStatusRequest(), timeout=5)
    finally:
        await app.stop()
    shown = conninfo_to_dict(reply.nodes[0].dsn)
    assert set(shown) <= {"host", "port", "dbname", "user", "sslmode", "application_name"}
    assert shown["application_name"] == "status-test"
    assert shown["sslmode"] == "disable"
    for hidden in ("hunter2", "pgpass", "client.key", "work_mem"):
        assert hidden not in reply.nodes[0].dsn
