"""The database cluster: a connection pool per node, a monitor per node, and routing.

Handlers never pick nodes: they hand :meth:`Cluster.run` an operation and an
:class:`Intent`.

- ``WRITE`` runs on the node observed to be primary (the configured primary while it is
  one; a promoted replica otherwise). It is never retried: the caller decides.
- ``READ`` runs on a replica in rotation (round-robin), else on the primary. If the node
  fails under it (connection lost, server shutting down, no connection in time), it is
  retried once on another node within the same deadline.
- ``READ`` with ``min_lsn`` (read-your-writes) runs only on a replica known to have
  replayed past that WAL position, else on the primary.

Each node's monitor probes it on a connection of its own (an exhausted pool never makes a
healthy node look dead): reachability, observed role (``pg_is_in_recovery()``), replay
lag in time and bytes, WAL position. A replica is in read rotation while it is reachable,
in recovery and no further behind than ``replica_max_lag``.

A node's pool exists only while the node is reachable. When a probe finds it down, the
pool is closed, which fails every caller queued on it at once (so reads fail over now,
not at their pool timeout); when the node is back, a new pool is opened. Statistics are
carried over from one pool to the next.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import itertools
import logging
import select
import time
from collections import Counter, deque
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TypeVar

import psycopg
from psycopg import errors as pg_errors
from psycopg import sql
from psycopg.rows import TupleRow
from psycopg_pool import AsyncConnectionPool, PoolClosed, PoolTimeout

from dataaccess_server.config import PoolSettings
from dataaccess_server.db.conninfo import redact_dsn
from dataaccess_server.db.errors import translated_errors
from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.model.wal import parse_lsn
from dataaccess_server.errors import DatabaseUnavailableError, DeadlineExceededError

log = logging.getLogger(__name__)

Connection = psycopg.AsyncConnection[TupleRow]
T = TypeVar("T")

# One round trip: role, version, WAL position and, on a replica, how far replay is behind
# by its own account. That account is only a fallback (see WalHistory): it is the age of
# the last replayed commit (or of the server's start, before any), zero when everything
# received is replayed; it overestimates after idle spells, the safe side.
PROBE_NODE = """
SELECT pg_is_in_recovery(),
       current_setting('server_version'),
       CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()
            ELSE pg_current_wal_lsn() END::text,
       CASE WHEN pg_is_in_recovery() THEN
         CASE WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn()
              THEN 0.0
              ELSE extract(epoch FROM now() - coalesce(pg_last_xact_replay_timestamp(),
                                                       pg_postmaster_start_time()))::float8
         END
       END,
       CASE WHEN pg_is_in_recovery() THEN
         pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::bigint
       END
"""
# After a commit: a WAL position at or past the commit record, whatever synchronous_commit.
CURRENT_WAL_LSN = "SELECT pg_current_wal_insert_lsn()::text"
SET_SEARCH_PATH = "SET search_path TO {}"

# Statistics every pool reports; the gauges describe the current pool, the rest are
# totals since the server started.
POOL_GAUGES = ("pool_min", "pool_max", "pool_size", "pool_available", "requests_waiting")
POOL_COUNTERS = (
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


async def current_wal_lsn(conn: Connection) -> int:
    """The WAL position a read must reach to see everything this connection committed.

    Call it after the commit; pass the result as ``min_lsn`` of a later read.
    """
    cursor = await conn.execute(CURRENT_WAL_LSN)
    row = await cursor.fetchone()
    assert row is not None  # a SELECT without FROM returns one row
    return parse_lsn(str(row[0]))


class WalHistory:
    """When the primary's WAL reached which position, as the monitor saw it.

    A replica's lag is then how long ago the primary first held WAL the replica has not
    replayed: zero when the replica has everything the primary had at its last probe,
    whatever the age of the last commit, and no ever-growing lag while the primary is
    idle or down. Precision: one probe interval. Pure: no I/O.
    """

    def __init__(self, horizon: float) -> None:
        self._horizon = horizon
        self._samples: deque[tuple[float, int]] = deque()

    def record(self, at: float, lsn: int) -> None:
        """The primary was seen at ``lsn`` at monotonic time ``at``."""
        if not self._samples or lsn > self._samples[-1][1]:
            self._samples.append((at, lsn))
        # Drop what is older than the horizon, but keep the newest of those: it still
        # says the primary held that position by then, which a far-behind replica lacks.
        while len(self._samples) > 1 and self._samples[1][0] < at - self._horizon:
            self._samples.popleft()

    @property
    def known(self) -> bool:
        """Whether any primary position was recorded."""
        return bool(self._samples)

    def lag(self, replayed: int, now: float) -> float:
        """Seconds a replica at ``replayed`` is behind (to within a probe interval)."""
        for at, lsn in self._samples:
            if lsn > replayed:
                return max(0.0, now - at)
        return 0.0


class Role(enum.Enum):
    """What a node is configured as, or observed to be."""

    PRIMARY = "primary"
    REPLICA = "replica"


class Intent(enum.Enum):
    """What a caller needs a connection for."""

    WRITE = "write"
    """Writes, and reads that must see the latest state: the node observed as primary."""
    READ = "read"
    """Reads that may be served by a replica in rotation."""


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
    """Replicas: how far behind the primary, in time (see WalHistory)."""
    replay_lag_bytes: int | None = None
    """Replicas: WAL received but not yet replayed."""
    wal_lsn: int | None = None
    """Replay position on a replica, current WAL position on a primary."""
    server_version: str = ""
    in_rotation: bool = False
    rotation_reason: str = ""
    """Why the node is not in read rotation; empty when it is."""
    pool_stats: dict[str, int] = field(default_factory=dict)


class NodeFailure(DatabaseUnavailableError):
    """The node could not serve the call (down, connection lost, no connection in time).

    Reads are retried on another node; writes surface it as UNAVAILABLE.
    """


ChangeListener = Callable[["Node"], Awaitable[None]]


class Node:
    """One PostgreSQL server: its pool while reachable, and what the monitor knows of it."""

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
        self._pool_settings = pool
        self._probe_timeout = probe_timeout
        self._probe_conn: Connection | None = None
        self._probe_lock = asyncio.Lock()
        self._wakeup = asyncio.Event()
        self._pool: AsyncConnectionPool[Connection] | None = None
        self._generation = 0
        self._retired_stats: Counter[str] = Counter()
        self._status = NodeStatus(name=name, dsn=redact_dsn(dsn), configured_role=role)

    @property
    def reachable(self) -> bool:
        """Whether the last probe reached the node."""
        return self._status.reachable

    @property
    def observed_role(self) -> Role | None:
        """The role the last successful probe saw."""
        return self._status.observed_role

    @property
    def wal_lsn(self) -> int | None:
        """Replay position (replica) or WAL position (primary) at the last probe."""
        return self._status.wal_lsn

    @property
    def replay_lag_seconds(self) -> float | None:
        """Replay lag at the last probe (replicas)."""
        return self._status.replay_lag_seconds

    def status(self) -> NodeStatus:
        """The monitor's last view of the node, with pool statistics."""
        stats = Counter(self._retired_stats)
        current = self._pool.get_stats() if self._pool is not None else {}
        for key in POOL_COUNTERS:
            stats[key] += int(current.get(key, 0))
        for key in POOL_GAUGES:
            stats[key] = int(current.get(key, 0))
        stats["pool_min"] = self._pool_settings.min_size
        stats["pool_max"] = self._pool_settings.max_size
        return replace(self._status, pool_stats={k: stats[k] for k in POOL_GAUGES + POOL_COUNTERS})

    def suspect(self) -> None:
        """Ask the monitor to probe this node now (a call just failed on it)."""
        self._wakeup.set()

    async def wait_for_wakeup(self, timeout: float) -> None:
        """Sleep ``timeout`` seconds, or less if :meth:`suspect` is called."""
        # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a
        # cancellation that arrives as its timeout fires, and the monitor then never stops.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._wakeup.wait()
        self._wakeup.clear()

    @contextlib.asynccontextmanager
    async def connection(self, timeout: float) -> AsyncIterator[Connection]:
        """Lend a pooled connection, waiting at most ``timeout`` seconds.

        Raises NodeFailure if the node is down or no connection frees up in time.
        """
        pool = self._pool
        if pool is None:
            raise NodeFailure(f"{self.name} is unreachable")
        try:
            async with pool.connection(timeout=timeout) as conn:
                yield conn
        except PoolTimeout as exc:
            raise NodeFailure(
                f"no connection to {self.name} became free within {timeout:.2f}s"
            ) from exc
        except PoolClosed as exc:
            raise NodeFailure(f"{self.name} went down") from exc

    async def probe(self) -> bool:
        """Probe the node once; return True if its reachability or role changed.

        Opens the pool when the node comes up and closes it (failing queued callers) when
        it goes down. Bounded by the probe timeout; never raises for database problems.
        """
        async with self._probe_lock:
            before = (self._status.reachable, self._status.observed_role)
            now = datetime.now(UTC)
            try:
                async with asyncio.timeout(self._probe_timeout):
                    row = await self._probe_once()
            except (psycopg.Error, TimeoutError, OSError) as exc:
                await self._drop_probe_connection()
                self._status = replace(
                    self._status, reachable=False, last_check_time=now, last_error=_describe(exc)
                )
            else:
                in_recovery, version, lsn, lag_seconds, lag_bytes = row
                self._status = replace(
                    self._status,
                    reachable=True,
                    observed_role=Role.REPLICA if in_recovery else Role.PRIMARY,
                    last_check_time=now,
                    last_error="",
                    server_version=str(version).split(" ")[0],
                    wal_lsn=parse_lsn(lsn) if lsn is not None else None,
                    replay_lag_seconds=float(lag_seconds) if lag_seconds is not None else None,
                    replay_lag_bytes=int(lag_bytes) if lag_bytes is not None else None,
                )
            if self._status.reachable and self._pool is None:
                await self._open_pool()
            elif not self._status.reachable and self._pool is not None:
                await self._close_pool()
            return before != (self._status.reachable, self._status.observed_role)

    async def _probe_once(self) -> tuple[bool, str, str | None, float | None, int | None]:
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
        return (bool(row[0]), str(row[1]), row[2], row[3], row[4])

    async def _open_pool(self) -> None:
        settings = self._pool_settings
        self._generation += 1
        self._pool = AsyncConnectionPool(
            self.dsn,
            kwargs={"autocommit": True, "application_name": "dataaccess"},
            min_size=settings.min_size,
            max_size=settings.max_size,
            max_lifetime=settings.max_lifetime,
            max_idle=settings.max_idle,
            timeout=settings.timeout,
            name=f"{self.name}#{self._generation}",
            open=False,
            configure=self._configure,
            check=_check_idle_connection,
        )
        await self._pool.open(wait=False)

    async def _close_pool(self, timeout: float = 1.0) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        current = pool.get_stats()
        for key in POOL_COUNTERS:
            self._retired_stats[key] += int(current.get(key, 0))
        await pool.close(timeout=timeout)

    async def _configure(self, conn: Connection) -> None:
        # Every connection resolves unqualified table names in the configured schema.
        await conn.execute(sql.SQL(SET_SEARCH_PATH).format(sql.Identifier(self._schema)))

    async def _drop_probe_connection(self) -> None:
        conn, self._probe_conn = self._probe_conn, None
        if conn is not None:
            with contextlib.suppress(psycopg.Error, OSError):
                await conn.close()

    async def check_idle_connections(self) -> None:
        """Find idle pooled connections that died (server restart, firewall)."""
        if self._pool is not None:
            with contextlib.suppress(psycopg.Error, PoolClosed):
                await self._pool.check()

    async def close(self, timeout: float) -> None:
        """Close the probe connection and the pool (waiting up to ``timeout`` seconds).

        Does not wait for a probe in progress: closing its connection ends it.
        """
        await self._drop_probe_connection()
        await self._close_pool(timeout)


async def _check_idle_connection(conn: Connection) -> None:
    # Called by the pool before lending a connection. An idle connection has nothing to
    # read unless the server closed it or sent an error (restart, termination): look at
    # the socket instead of paying a round trip, and test for real only then.
    if conn.closed or conn.broken:
        raise psycopg.OperationalError("the connection is closed")
    poller = select.poll()
    poller.register(conn.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)
    if poller.poll(0):
        await AsyncConnectionPool.check_connection(conn)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "no answer within the probe timeout"
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:300]


class Cluster:
    """The primary and the replicas, with a pool and a monitor each, and the routing.

    Lifecycle: ``await open()`` once, ``await close()`` once (also after a failed start).
    """

    def __init__(
        self,
        primary_dsn: str,
        replica_dsns: Sequence[str] = (),
        *,
        schema: str = "public",
        pool: PoolSettings | None = None,
        monitor_interval: float = 1.0,
        replica_max_lag: float = 5.0,
    ) -> None:
        pool = pool or PoolSettings()
        probe_timeout = max(1.0, monitor_interval)

        def node(name: str, dsn: str, role: Role) -> Node:
            return Node(name, dsn, role, schema=schema, pool=pool, probe_timeout=probe_timeout)

        self.primary = node("primary", primary_dsn, Role.PRIMARY)
        self.replicas = [
            node(f"replica-{index}", dsn, Role.REPLICA)
            for index, dsn in enumerate(replica_dsns, start=1)
        ]
        self.schema = schema
        self._pool_settings = pool
        self._monitor_interval = monitor_interval
        self._replica_max_lag = replica_max_lag
        self._listeners: list[ChangeListener] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._round_robin = itertools.count()
        self._closing = False
        # Enough history to tell any lag up to well past the rotation bound.
        self._wal_history = WalHistory(horizon=max(60.0, 10 * replica_max_lag))
        self.read_retries = 0

    @property
    def nodes(self) -> list[Node]:
        """The primary first, then the replicas in configuration order."""
        return [self.primary, *self.replicas]

    def subscribe(self, listener: ChangeListener) -> None:
        """Await ``listener(node)`` whenever a node's reachability or role changes.

        Listeners run in the node's monitor task: they must be quick and must not raise.
        """
        self._listeners.append(listener)

    async def open(self) -> None:
        """Probe every node once (opening the pools of those that answer), then start
        the monitors. Does not fail when nodes are down: they are probed again."""
        await asyncio.gather(*(node.probe() for node in self.nodes))
        self._tasks = [
            asyncio.create_task(self._monitor(node), name=f"monitor-{node.name}")
            for node in self.nodes
        ]
        self._tasks.append(asyncio.create_task(self._check_pools(), name="pool-check"))

    async def close(self, timeout: float = 5.0) -> None:
        """Stop the monitors, then close every pool within ``timeout`` seconds."""
        # The flag too, not only cancel(): psycopg_pool's AsyncConnectionPool.check()
        # swallows a cancellation that lands in its round trip (it takes it for a broken
        # connection), after which the pool-check loop would never end.
        self._closing = True
        for task in self._tasks:
            task.cancel()
        try:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        finally:
            # Even when the caller's time bound cuts the wait short: no probe connection
            # or pool outlives the cluster.
            self._tasks = []
            await asyncio.gather(*(node.close(timeout) for node in self.nodes))

    async def wait_for_primary(self, timeout: float) -> None:
        """Return once the primary answers a probe; DatabaseUnavailableError after ``timeout``."""
        deadline = Deadline.after(timeout)
        while True:
            await self.primary.probe()
            if self.primary.reachable:
                return
            if deadline.expired:
                raise DatabaseUnavailableError(
                    f"the primary did not answer within {timeout:g}s: "
                    f"{self.primary.status().last_error}"
                )
            log.info("waiting for the primary database: %s", self.primary.status().last_error)
            await asyncio.sleep(min(1.0, deadline.remaining()))

    # --- routing --------------------------------------------------------------------

    def writer(self) -> Node | None:
        """The node writes go to: the configured primary while it is one, else a node
        observed as primary (a promoted replica), else None."""
        for node in self.nodes:
            if node.reachable and node.observed_role is Role.PRIMARY:
                return node
        return None

    def in_rotation(self, node: Node) -> bool:
        """Whether ``node`` serves reads: a reachable replica within the lag bound."""
        return self._rotation_reason(node) == ""

    def any_reachable(self) -> bool:
        """Whether some node answers (reads can be served)."""
        return any(node.reachable for node in self.nodes)

    def replay_lag(self, node: Node) -> float | None:
        """Seconds ``node`` (a replica) is behind the primary; None if unknown.

        Measured against the primary's WAL history when a primary was seen, else the
        replica's own account.
        """
        if node.observed_role is not Role.REPLICA:
            return None
        if self._wal_history.known and node.wal_lsn is not None:
            return self._wal_history.lag(node.wal_lsn, time.monotonic())
        return node.replay_lag_seconds

    def read_candidates(self, min_lsn: int | None = None) -> list[Node]:
        """Nodes to try for a read, in order: nodes observed as replicas and in rotation
        (round-robin; with ``min_lsn`` only those known to have replayed past it), then
        the writer."""
        rotation = [
            node
            for node in self.nodes
            if self.in_rotation(node)
            and (min_lsn is None or (node.wal_lsn is not None and node.wal_lsn >= min_lsn))
        ]
        if rotation:
            start = next(self._round_robin) % len(rotation)
            rotation = rotation[start:] + rotation[:start]
        writer = self.writer()
        return rotation + ([writer] if writer is not None else [])

    async def run(
        self,
        intent: Intent,
        operation: Callable[[Connection], Awaitable[T]],
        *,
        deadline: Deadline,
        min_lsn: int | None = None,
    ) -> T:
        """Run ``operation(conn)`` on the node ``intent`` calls for, within ``deadline``.

        The deadline bounds the wait for a connection and the statement time: at expiry
        the statement is cancelled on the server. The connection is in autocommit mode;
        open a transaction in ``operation`` for several statements. Raises
        DatabaseUnavailableError (no node can serve it, connection lost, pool exhausted
        until the deadline), DeadlineExceededError, or the translated error of the
        statement itself.
        """
        if intent is Intent.WRITE:
            writer = self.writer()
            if writer is None:
                raise DatabaseUnavailableError("no reachable primary: writes are unavailable")
            return await self._run_on(writer, operation, deadline, share=1.0)
        candidates = self.read_candidates(min_lsn)
        if not candidates:
            raise DatabaseUnavailableError("no database node is reachable")
        first, fallback = candidates[0], candidates[1] if len(candidates) > 1 else None
        try:
            # Leave half of the budget for the retry, if there is somewhere to retry.
            return await self._run_on(first, operation, deadline, share=0.5 if fallback else 1.0)
        except NodeFailure as failure:
            if fallback is None or deadline.expired:
                raise
            self.read_retries += 1
            log.info("read failed on %s (%s); retrying on %s", first.name, failure, fallback.name)
            return await self._run_on(fallback, operation, deadline, share=1.0)

    @contextlib.asynccontextmanager
    async def transaction(self, deadline: Deadline) -> AsyncIterator[Connection]:
        """A transaction on the writer, within ``deadline``: committed when the body
        returns, rolled back when it raises. Never retried (the body may have had
        effects outside the database). Raises as :meth:`run` does."""
        writer = self.writer()
        if writer is None:
            raise DatabaseUnavailableError("no reachable primary: writes are unavailable")
        async with self._connection(writer, deadline, share=1.0) as conn, conn.transaction():
            yield conn

    async def _run_on(
        self,
        node: Node,
        operation: Callable[[Connection], Awaitable[T]],
        deadline: Deadline,
        *,
        share: float,
    ) -> T:
        async with self._connection(node, deadline, share=share) as conn:
            return await operation(conn)

    @contextlib.asynccontextmanager
    async def _connection(
        self, node: Node, deadline: Deadline, *, share: float
    ) -> AsyncIterator[Connection]:
        # A connection of ``node`` for the body, bounded by the deadline, with the
        # driver's errors translated and the node suspected when it failed the call.
        wait = min(self._pool_settings.timeout, deadline.remaining() * share)
        try:
            async with translated_errors(node.name), node.connection(wait) as conn:
                try:
                    async with asyncio.timeout(deadline.remaining()):
                        yield conn
                except TimeoutError as exc:
                    raise DeadlineExceededError(f"the call ran out of time on {node.name}") from exc
                except (pg_errors.AdminShutdown, pg_errors.CannotConnectNow) as exc:
                    raise NodeFailure(f"{node.name} is shutting down") from exc
                except psycopg.OperationalError as exc:
                    if conn.broken:
                        raise NodeFailure(f"the connection to {node.name} was lost") from exc
                    raise
        except NodeFailure:
            node.suspect()
            raise

    # --- monitoring -----------------------------------------------------------------

    def status(self) -> list[NodeStatus]:
        """A snapshot of every node, primary first, with its rotation state."""
        snapshots = []
        for node in self.nodes:
            reason = self._rotation_reason(node)
            snapshots.append(
                replace(
                    node.status(),
                    in_rotation=reason == "",
                    rotation_reason=reason,
                    replay_lag_seconds=self.replay_lag(node),
                )
            )
        return snapshots

    def _rotation_reason(self, node: Node) -> str:
        if not node.reachable:
            return "unreachable"
        if node.observed_role is not Role.REPLICA:
            return "not a replica: serves writes, and reads when no replica is in rotation"
        lag = self.replay_lag(node)
        if lag is not None and lag > self._replica_max_lag:
            return f"replay lag {lag:.1f}s exceeds DB_REPLICA_MAX_LAG {self._replica_max_lag:g}s"
        return ""

    async def _monitor(self, node: Node) -> None:
        was_in_rotation = self.in_rotation(node)
        while not self._closing:
            changed = await node.probe()
            if node is self.writer() and node.wal_lsn is not None:
                self._wal_history.record(time.monotonic(), node.wal_lsn)
            if changed:
                status = node.status()
                log.warning(
                    "database node %s is %s%s",
                    node.name,
                    (status.observed_role.value if status.observed_role else "up")
                    if node.reachable
                    else "unreachable",
                    "" if node.reachable else f": {status.last_error}",
                )
                for listener in self._listeners:
                    await listener(node)
            in_rotation = self.in_rotation(node)
            if in_rotation != was_in_rotation and node.configured_role is Role.REPLICA:
                log.warning(
                    "%s %s read rotation%s",
                    node.name,
                    "joins" if in_rotation else "leaves",
                    "" if in_rotation else f": {self._rotation_reason(node)}",
                )
            was_in_rotation = in_rotation
            await node.wait_for_wakeup(self._monitor_interval)

    async def _check_pools(self) -> None:
        # Idle connections can die silently (firewalls); find them before a caller does.
        while not self._closing:
            await asyncio.sleep(self._pool_settings.health_check_interval)
            for node in self.nodes:
                await node.check_idle_connections()
