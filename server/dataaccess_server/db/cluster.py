"""The database cluster: one connection pool per node, and a monitor that probes each node.

Handlers never pick nodes themselves: they ask :meth:`Cluster.connection` for an
:class:`Intent`. The monitor probes every node on its own connection (so an exhausted
pool never makes a healthy node look dead), records reachability, role and replication
lag, and tells subscribers when a node's reachability changes.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import psycopg
from psycopg import sql
from psycopg.rows import TupleRow
from psycopg_pool import AsyncConnectionPool

from dataaccess_server.config import PoolSettings
from dataaccess_server.db.conninfo import redact_dsn
from dataaccess_server.db.errors import translated_errors
from dataaccess_server.errors import DatabaseUnavailableError

log = logging.getLogger(__name__)

Connection = psycopg.AsyncConnection[TupleRow]

# One round trip tells role, version and, on a replica, how far replay is behind.
# Lag is zero when everything received has been replayed: an idle primary sends
# nothing, and the last replay timestamp then ages without meaning anything.
PROBE_NODE = """
SELECT pg_is_in_recovery(),
       current_setting('server_version'),
       CASE WHEN pg_is_in_recovery() THEN
         CASE WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn()
              THEN 0.0
              ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8
         END
       END,
       CASE WHEN pg_is_in_recovery() THEN
         pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::bigint
       END
"""

# Statistics every pool reports, zero when psycopg_pool has not counted any yet.
POOL_STAT_KEYS = (
    "pool_min",
    "pool_max",
    "pool_size",
    "pool_available",
    "requests_waiting",
    "requests_num",
    "requests_queued",
    "requests_wait_ms",
    "requests_errors",
    "usage_ms",
    "returns_bad",
    "connections_num",
    "connections_ms",
    "connections_errors",
    "connections_lost",
)


class Role(enum.Enum):
    """What a node is configured as, or observed to be."""

    PRIMARY = "primary"
    REPLICA = "replica"


class Intent(enum.Enum):
    """What a caller needs a connection for."""

    WRITE = "write"
    """Writes, and reads that must see the latest committed state: the primary."""


@dataclass(frozen=True, slots=True)
class NodeStatus:
    """A snapshot of one node, as the monitor last saw it."""

    name: str
    dsn: str
    """Without password."""
    configured_role: Role
    observed_role: Role | None = None
    reachable: bool = False
    last_check_time: datetime | None = None
    last_error: str = ""
    replay_lag_seconds: float | None = None
    replay_lag_bytes: int | None = None
    server_version: str = ""
    pool_stats: dict[str, int] = field(default_factory=dict)


ReachabilityListener = Callable[["Node"], Awaitable[None]]


class Node:
    """One PostgreSQL server: its pool, and what the monitor knows of it."""

    def __init__(
        self,
        name: str,
        dsn: str,
        role: Role,
        *,
        schema: str,
        pool: PoolSettings,
        probe_timeout: float,
    ) -> None:
        self.name = name
        self.dsn = dsn
        self.configured_role = role
        self._schema = schema
        self._probe_timeout = probe_timeout
        self._probe_conn: Connection | None = None
        self._status = NodeStatus(name=name, dsn=redact_dsn(dsn), configured_role=role)
        self.pool: AsyncConnectionPool[Connection] = AsyncConnectionPool(
            dsn,
            kwargs={"autocommit": True, "application_name": "dataaccess"},
            min_size=pool.min_size,
            max_size=pool.max_size,
            max_lifetime=pool.max_lifetime,
            max_idle=pool.max_idle,
            timeout=pool.timeout,
            name=name,
            open=False,
            configure=self._configure,
        )

    @property
    def reachable(self) -> bool:
        """Whether the last probe reached the node."""
        return self._status.reachable

    def status(self) -> NodeStatus:
        """The monitor's last view of the node, with current pool statistics."""
        stats = self.pool.get_stats()
        return replace(
            self._status, pool_stats={key: int(stats.get(key, 0)) for key in POOL_STAT_KEYS}
        )

    async def _configure(self, conn: Connection) -> None:
        # Every connection resolves unqualified table names in the configured schema.
        await conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(self._schema)))

    async def probe(self) -> bool:
        """Probe the node once; return True if its reachability changed.

        Bounded by the probe timeout; never raises for database problems.
        """
        was_reachable = self._status.reachable
        now = datetime.now(UTC)
        try:
            async with asyncio.timeout(self._probe_timeout):
                row = await self._probe_once()
        except (psycopg.Error, TimeoutError, OSError) as exc:
            await self._drop_probe_connection()
            self._status = replace(
                self._status,
                reachable=False,
                last_check_time=now,
                last_error=_describe(exc),
            )
        else:
            in_recovery, version, lag_seconds, lag_bytes = row
            self._status = replace(
                self._status,
                reachable=True,
                observed_role=Role.REPLICA if in_recovery else Role.PRIMARY,
                last_check_time=now,
                last_error="",
                server_version=str(version).split(" ")[0],
                replay_lag_seconds=float(lag_seconds) if lag_seconds is not None else None,
                replay_lag_bytes=int(lag_bytes) if lag_bytes is not None else None,
            )
        changed = was_reachable != self._status.reachable
        if changed and self._status.reachable and not self.pool.closed:
            # Connections made before the outage are dead: drop them now rather than
            # on a caller's request.
            await self.pool.check()
        return changed

    async def _probe_once(self) -> tuple[bool, str, float | None, int | None]:
        if self._probe_conn is None or self._probe_conn.closed:
            self._probe_conn = await psycopg.AsyncConnection.connect(
                self.dsn,
                autocommit=True,
                application_name="dataaccess-monitor",
                connect_timeout=max(2, int(self._probe_timeout + 0.999)),
            )
        cursor = await self._probe_conn.execute(PROBE_NODE)
        row = await cursor.fetchone()
        assert row is not None  # a SELECT without FROM returns one row
        return (bool(row[0]), str(row[1]), row[2], row[3])

    async def _drop_probe_connection(self) -> None:
        conn, self._probe_conn = self._probe_conn, None
        if conn is not None:
            with contextlib.suppress(psycopg.Error, OSError):
                await conn.close()

    async def close(self, timeout: float) -> None:
        """Close the probe connection and the pool, if it was opened (waiting up to
        ``timeout`` for lent connections)."""
        await self._drop_probe_connection()
        if not self.pool.closed:
            await self.pool.close(timeout=timeout)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "no answer within the probe timeout"
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:300]


class Cluster:
    """The primary and the replicas, with a pool and a monitor each.

    Lifecycle: ``await open()`` once, ``await close()`` once. ``open`` does not wait for
    any node to answer: use :meth:`wait_for_primary` where that matters.
    """

    def __init__(
        self,
        primary_dsn: str,
        replica_dsns: Sequence[str] = (),
        *,
        schema: str = "public",
        pool: PoolSettings | None = None,
        monitor_interval: float = 1.0,
    ) -> None:
        pool = pool or PoolSettings()
        probe_timeout = max(1.0, monitor_interval)
        self.primary = Node(
            "primary",
            primary_dsn,
            Role.PRIMARY,
            schema=schema,
            pool=pool,
            probe_timeout=probe_timeout,
        )
        self.replicas = [
            Node(
                f"replica-{index}",
                dsn,
                Role.REPLICA,
                schema=schema,
                pool=pool,
                probe_timeout=probe_timeout,
            )
            for index, dsn in enumerate(replica_dsns, start=1)
        ]
        self.schema = schema
        self._pool_settings = pool
        self._monitor_interval = monitor_interval
        self._listeners: list[ReachabilityListener] = []
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def nodes(self) -> list[Node]:
        """The primary first, then the replicas in configuration order."""
        return [self.primary, *self.replicas]

    def subscribe(self, listener: ReachabilityListener) -> None:
        """Await ``listener(node)`` whenever a node becomes reachable or unreachable.

        Listeners run in the node's monitor task: they must be quick and must not raise.
        """
        self._listeners.append(listener)

    async def open(self) -> None:
        """Open every pool (connecting in the background) and start the monitors."""
        for node in self.nodes:
            await node.pool.open(wait=False)
        self._tasks = [
            asyncio.create_task(self._monitor(node), name=f"monitor-{node.name}")
            for node in self.nodes
        ]
        self._tasks.append(asyncio.create_task(self._check_pools(), name="pool-health-check"))

    async def close(self, timeout: float = 5.0) -> None:
        """Stop the monitors, then close every pool within ``timeout`` seconds.

        Safe on a cluster that was never opened (it closes the probe connections).
        """
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        await asyncio.gather(*(node.close(timeout) for node in self.nodes))

    async def wait_for_primary(self, timeout: float) -> None:
        """Return once the primary answers a probe; DatabaseUnavailableError after ``timeout``."""
        deadline = time.monotonic() + timeout
        while True:
            await self.primary.probe()
            if self.primary.reachable:
                return
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise DatabaseUnavailableError(
                    f"the primary did not answer within {timeout:g}s: "
                    f"{self.primary.status().last_error}"
                )
            log.info("waiting for the primary database: %s", self.primary.status().last_error)
            await asyncio.sleep(min(1.0, remaining))

    @contextlib.asynccontextmanager
    async def connection(
        self, intent: Intent = Intent.WRITE, *, timeout: float | None = None
    ) -> AsyncIterator[Connection]:
        """Lend a connection (autocommit on; open a transaction explicitly) for ``intent``.

        ``timeout`` bounds the wait for a pooled connection (default: DB_POOL_TIMEOUT).
        Raises DatabaseUnavailableError when none becomes free in time or the node is
        down, DeadlineExceededError when a statement is cancelled by a timeout.
        """
        node = self.primary
        wait = self._pool_settings.timeout if timeout is None else max(0.0, timeout)
        async with translated_errors(node.name), node.pool.connection(timeout=wait) as conn:
            yield conn

    def status(self) -> list[NodeStatus]:
        """A snapshot of every node, primary first."""
        return [node.status() for node in self.nodes]

    async def _monitor(self, node: Node) -> None:
        while True:
            started = time.monotonic()
            if await node.probe():
                log.warning(
                    "database node %s is %s%s",
                    node.name,
                    "reachable again" if node.reachable else "unreachable",
                    "" if node.reachable else f": {node.status().last_error}",
                )
                for listener in self._listeners:
                    await listener(node)
            elapsed = time.monotonic() - started
            await asyncio.sleep(max(0.0, self._monitor_interval - elapsed))

    async def _check_pools(self) -> None:
        # Idle connections can die silently (server restart, firewall); find them
        # before a caller does. psycopg_pool replaces what it discards.
        while True:
            await asyncio.sleep(self._pool_settings.health_check_interval)
            for node in self.nodes:
                if node.reachable:
                    with contextlib.suppress(psycopg.Error):
                        await node.pool.check()
