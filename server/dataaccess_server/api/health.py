"""grpc.health.v1 statuses that tell the truth about the database.

````""`` and every service that writes are SERVING only while a primary answers the
monitor's probe; read-only services stay SERVING while any node answers (a replica
serves them when the primary is down). ``liveness`` is SERVING for as long as the
process runs: Kubernetes liveness probes use it, so that a database outage takes pods
out of rotation without restarting them.
"""

from __future__ import annotations

from collections.abc import Sequence

from grpc_health.v1 import health, health_pb2

from dataaccess_server.domain.model.operations import NodeStatus
from dataaccess_server.domain.operations import DatabaseAvailability

OVERALL = ""
LIVENESS = "liveness"


class HealthReporter:
    """Drives a health servicer from the database's availability events."""

    def __init__(
        self,
        servicer: health.aio.HealthServicer,
        database: DatabaseAvailability,
        *,
        write_services: Sequence[str],
        read_services: Sequence[str] = (),
    ) -> None:
        self._servicer = servicer
        self._database = database
        self._write_services = (OVERALL, *write_services)
        self._read_services = tuple(read_services)

    async def start(self) -> None:
        """Publish the current state and follow the database's changes from now on."""
        await self._servicer.set(LIVENESS, health_pb2.HealthCheckResponse.SERVING)
        self._database.subscribe(self._on_change)
        await self._publish()

    async def shutdown(self) -> None:
        """Report NOT_SERVING for everything, for good: the server is going away."""
        await self._servicer.enter_graceful_shutdown()

    async def _on_change(self, _node: NodeStatus) -> None:
        await self._publish()

    async def _publish(self) -> None:
        writable = _status(self._database.writable())
        readable = _status(self._database.readable())
        for name in self._write_services:
            await self._servicer.set(name, writable)
        for name in self._read_services:
            await self._servicer.set(name, readable)


def _status(serving: bool) -> int:
    return (
        health_pb2.HealthCheckResponse.SERVING
        if serving
        else health_pb2.HealthCheckResponse.NOT_SERVING
    )
