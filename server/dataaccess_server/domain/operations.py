"""What operators ask of the service about itself: database nodes and schema state.

Also the ports through which the domain and health see the database. The cluster and
the migrations in ``db/`` satisfy them structurally; ``app.py`` wires them:

- :class:`DatabaseAvailability`: whether writes and reads can be served now, and news
  of every change (what health reports);
- :class:`ClusterView`: every node's snapshot (what the operations status lists);
- :class:`SchemaInspector`: the schema's migration state on the primary.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.model.operations import DatabaseStatus, NodeStatus, SchemaStatus
from dataaccess_server.errors import DatabaseUnavailableError, DeadlineExceededError

# The schema part of the status is best effort: an operator asking during an outage
# wants the node list at once, not a call that waits for the pool.
SCHEMA_READ_TIMEOUT = 2.0

NodeListener = Callable[[NodeStatus], Awaitable[None]]
"""Told a node's new snapshot when its reachability or role changed."""


class DatabaseAvailability(Protocol):
    """Whether the database can serve writes and reads, as its monitor last saw it."""

    def writable(self) -> bool:
        """Whether a node observed as primary answers: writes can be served."""
        ...

    def readable(self) -> bool:
        """Whether any node answers: reads can be served."""
        ...

    def subscribe(self, listener: NodeListener) -> None:
        """Await ``listener(node)`` whenever a node's reachability or role changes.

        Listeners must be quick; one that raises is logged and does not stop the others.
        """
        ...


class ClusterView(Protocol):
    """The database nodes, as their monitors last saw them."""

    def writable(self) -> bool:
        """Whether a node observed as primary answers."""
        ...

    def status(self) -> Sequence[NodeStatus]:
        """A snapshot of every node, primary first, with its rotation state. No I/O."""
        ...


class SchemaInspector(Protocol):
    """The schema's migration state, against the migrations this code ships."""

    @property
    def latest_version(self) -> int:
        """Highest migration version this code ships, 0 when none. No I/O."""
        ...

    async def status(self, deadline: Deadline) -> SchemaStatus:
        """Read the applied migrations on the primary within ``deadline``.

        Raises DatabaseUnavailableError or DeadlineExceededError when it cannot.
        """
        ...


class OperationsService:
    """Reports on the database cluster and the schema behind the service."""

    def __init__(self, cluster: ClusterView, schema: SchemaInspector) -> None:
        self._cluster = cluster
        self._schema = schema

    async def database_status(self, deadline: Deadline) -> DatabaseStatus:
        """Snapshot the nodes and read the applied migrations from the primary.

        Never fails for a database outage: ``schema`` is None when the primary could not
        be read within the deadline (at most 2 s of it).
        """
        budget = deadline.capped(SCHEMA_READ_TIMEOUT)
        schema: SchemaStatus | None = None
        if self._cluster.writable():
            try:
                schema = await self._schema.status(budget)
            except (DatabaseUnavailableError, DeadlineExceededError):
                schema = None
        return DatabaseStatus(
            nodes=tuple(self._cluster.status()),
            schema=schema,
            latest_version=self._schema.latest_version,
        )
