"""What operators ask of the service about itself: database nodes and schema state."""

from __future__ import annotations

from dataclasses import dataclass

from dataaccess_server.db.cluster import Cluster
from dataaccess_server.db.migrations import MigrationFile, MigrationStatus, read_status
from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.model.operations import NodeStatus
from dataaccess_server.errors import DatabaseUnavailableError, DeadlineExceededError

# The schema part of the status is best effort: an operator asking during an outage
# wants the node list at once, not a call that waits for the pool.
SCHEMA_READ_TIMEOUT = 2.0


@dataclass(frozen=True, slots=True)
class DatabaseStatus:
    """Every node's state, and the schema's migration state when the primary answered."""

    nodes: list[NodeStatus]
    schema: MigrationStatus | None
    latest_version: int


class OperationsService:
    """Reports on the database cluster and the schema behind the service."""

    def __init__(self, cluster: Cluster, migrations: tuple[MigrationFile, ...]) -> None:
        self._cluster = cluster
        self._migrations = migrations

    async def database_status(self, deadline: Deadline) -> DatabaseStatus:
        """Snapshot the nodes and read the applied migrations from the primary.

        Never fails for a database outage: ``schema`` is None when the primary could not
        be read within the deadline (at most 2 s of it).
        """
        budget = deadline.capped(SCHEMA_READ_TIMEOUT)
        schema: MigrationStatus | None = None
        if self._cluster.writer() is not None:
            try:
                schema = await read_status(self._cluster, self._migrations, deadline=budget)
            except (DatabaseUnavailableError, DeadlineExceededError):
                schema = None
        return DatabaseStatus(
            nodes=self._cluster.status(),
            schema=schema,
            latest_version=max((item.version for item in self._migrations), default=0),
        )
