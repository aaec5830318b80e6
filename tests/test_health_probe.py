"""grpc-health-probe, the exec probe of Kubernetes clusters without native gRPC probes,
against a live server: its exit code is what the kubelet acts on.

The tool's documented codes: 0 SERVING, 1 bad arguments, 2 connection failure, 3 RPC
failure, 4 the RPC answered a status other than SERVING.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from dataaccess_server.app import Application
from dataaccess_server.db.migrations import Migrator
from dataaccess_server.embedded import PostgresInstance
from tests.harness.postgres import InstanceFactory
from tests.harness.server import server_settings
from tests.harness.waiting import wait_until

REPO = Path(__file__).resolve().parents[1]
SERVING = 0
CONNECTION_FAILURE = 2
NOT_SERVING = 4
READ_ONLY_SERVICE = "dataaccess.v1.AnalyticsService"
WRITE_SERVICE = "dataaccess.v1.OperationsService"


def health_probe() -> str:
    found = shutil.which("grpc-health-probe") or shutil.which(
        "grpc-health-probe", path=str(REPO / ".tools")
    )
    assert found, "grpc-health-probe is missing: `make test` installs it into .tools/"
    return found


async def probe(target: str, service: str = "") -> int:
    """The probe's exit code for ``service`` at ``target``, as a kubelet would see it."""
    command = [health_probe(), "-addr", target, "-connect-timeout", "2s", "-rpc-timeout", "2s"]
    if service:
        command += ["-service", service]
    result = await asyncio.to_thread(
        subprocess.run, command, capture_output=True, text=True, timeout=30, check=False
    )
    return result.returncode


async def probe_becomes(target: str, service: str, code: int) -> None:
    """Wait until the probe exits with ``code`` (health follows the monitor's next round)."""

    async def answered() -> bool:
        return await probe(target, service) == code

    await wait_until(answered, what=f"grpc-health-probe {service!r} exit {code}", timeout=15)


@pytest.fixture
async def started() -> AsyncIterator[list[Application]]:
    """Applications the test started, stopped after it."""
    apps: list[Application] = []
    try:
        yield apps
    finally:
        for app in apps:
            await app.stop()


async def test_probe_exits_0_while_serving_and_4_with_the_database_stopped(
    pg_instance_factory: InstanceFactory, started: list[Application]
) -> None:
    instance: PostgresInstance = await asyncio.to_thread(pg_instance_factory)
    await Migrator(instance.dsn()).up()
    app = Application(server_settings(instance.dsn()))
    started.append(app)
    target = f"127.0.0.1:{await app.start()}"
    assert await probe(target) == SERVING
    assert await probe(target, WRITE_SERVICE) == SERVING

    await asyncio.to_thread(instance.stop)
    await probe_becomes(target, "", NOT_SERVING)
    assert await probe(target, WRITE_SERVICE) == NOT_SERVING

    await asyncio.to_thread(instance.start)
    await probe_becomes(target, "", SERVING)


async def test_a_read_only_service_probes_serving_while_a_replica_answers(
    pg_instance_factory: InstanceFactory, started: list[Application]
) -> None:
    primary: PostgresInstance = await asyncio.to_thread(pg_instance_factory)
    await Migrator(primary.dsn()).up()
    replica = await asyncio.to_thread(pg_instance_factory.replica, primary)
    app = Application(server_settings(primary.dsn(), replica_dsns=(replica.dsn(),)))
    started.append(app)
    target = f"127.0.0.1:{await app.start()}"
    assert await probe(target) == SERVING
    assert await probe(target, READ_ONLY_SERVICE) == SERVING

    await asyncio.to_thread(primary.stop)
    await probe_becomes(target, "", NOT_SERVING)
    assert await probe(target, WRITE_SERVICE) == NOT_SERVING
    assert await probe(target, READ_ONLY_SERVICE) == SERVING

    # The replica gone too: nothing answers reads either.
    await asyncio.to_thread(replica.stop)
    await probe_becomes(target, READ_ONLY_SERVICE, NOT_SERVING)


async def test_probe_of_a_port_nobody_listens_on_is_a_connection_failure() -> None:
    # Port 1 on loopback: refused at once, so a down pod is told apart from an unhealthy one.
    assert await probe("127.0.0.1:1") == CONNECTION_FAILURE
