"""grpc.health.v1 statuses that tell the truth about the database.

``""`` and every API service are SERVING only while the primary answers the monitor's
probe. ``liveness`` is SERVING for as long as the process runs: Kubernetes liveness
probes use it, so that a database outage takes pods out of rotation without
restarting them.
"""

from __future__ import annotations

from collections.abc import Sequence

from grpc_health.v1 import health, health_pb2

from dataaccess_server.db.cluster import Cluster, Node

OVERALL = ""
LIVENESS = "liveness"


class HealthReporter:
    """Drives a health servicer from the cluster's reachability events."""

    def __init__(
        self, servicer: health.aio.HealthServicer, cluster: Cluster, services: Sequence[str]
    ) -> None:
        self._servicer = servicer
        self._cluster = cluster
        self._services = (OVERALL, *services)

    async def start(self) -> None:
        """Publish the current state and follow the cluster's changes from now on."""
        await self._servicer.set(LIVENESS, health_pb2.HealthCheckResponse.SERVING)
        self._cluster.subscribe(self._on_change)
        await self._publish()

    async def shutdown(self) -> None:
        """Report NOT_SERVING for everything, for good: the server is going away."""
        await self._servicer.enter_graceful_shutdown()

    async def _on_change(self, node: Node) -> None:
        if node is self._cluster.primary:
            await self._publish()

    async def _publish(self) -> None:
        status = (
            health_pb2.HealthCheckResponse.SERVING
            if self._cluster.primary.reachable
            else health_pb2.HealthCheckResponse.NOT_SERVING
        )
        for name in self._services:
            await self._servicer.set(name, status)
