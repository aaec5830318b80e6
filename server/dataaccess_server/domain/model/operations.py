"""What the service reports about its database: nodes, their roles, the schema's state.

The cluster's monitor produces the node snapshots and the migrations runner the schema
state; the operations status and health read them, and the API converts them.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime


class Role(enum.Enum):
    """What a database node is configured as, or observed to be."""

    PRIMARY = "primary"
    REPLICA = "replica"


@dataclass(frozen=True, slots=True)
class NodeStatus:
    """A snapshot of one database node, as the monitor last saw it."""

    name: str
    dsn: str
    """Without password."""
    configured_role: Role
    observed_role: Role | None = None
    reachable: bool = False
    last_check_time: datetime | None = None
    last_error: str = ""
    replay_lag_seconds: float | None = None
    """Replicas: how far behind the primary, in time."""
    replay_lag_bytes: int | None = None
    """Replicas: WAL received but not yet replayed."""
    wal_lsn: int | None = None
    """Replay position on a replica, current WAL position on a primary."""
    server_version: str = ""
    in_rotation: bool = False
    rotation_reason: str = ""
    """Why the node is not in read rotation; empty when it is."""
    pool_stats: Mapping[str, int] = field(default_factory=dict)
    """The node's connection pool: gauges of the current pool, totals since start."""


@dataclass(frozen=True, slots=True)
class Migration:
    """A schema migration, by its version and name."""

    version: int
    name: str


@dataclass(frozen=True, slots=True)
class SchemaStatus:
    """The schema's migration state on the primary, against the migrations of this code."""

    current_version: int
    """Highest applied version, 0 when none."""
    latest_version: int
    """Highest version this code ships, 0 when none."""
    pending: tuple[Migration, ...]
    """Shipped but not applied, in version order."""
    drifted: tuple[Migration, ...]
    """Applied, but the shipped file changed since."""


@dataclass(frozen=True, slots=True)
class DatabaseStatus:
    """Every node's state, and the schema's state when the primary answered in time."""

    nodes: tuple[NodeStatus, ...]
    """The primary first, then the replicas in configuration order."""
    schema: SchemaStatus | None
    latest_version: int
    """Highest migration version this code ships, known even when ``schema`` is not."""
