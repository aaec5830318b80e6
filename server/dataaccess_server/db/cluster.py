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

Each node's monitor probes it (``db/node.py``) once per interval, or at once when a call
failed on it. A replica is in read rotation while it is reachable, in recovery and no
further behind than ``replica_max_lag``, measured against the primary's WAL history
(``db/wal.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import itertools
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import replace
from typing import TypeVar

import psycopg
from psycopg import errors as pg_errors
from psycopg.pq import TransactionStatus

from dataaccess_server.db.errors import translate_error
from dataaccess_server.db.node import Lease, Node, NodeFailure
from dataaccess_server.db.observed import StatementObserver
from dataaccess_server.db.pool import Connection, PoolSettings
from dataaccess_server.db.wal import WalHistory
from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.model.operations import NodeStatus, Role
from dataaccess_server.errors import (
    DataAccessError,
    DatabaseUnavailableError,
    DeadlineExceededError,
)
from dataaccess_server.telemetry import Telemetry

# Callers name the connection type and the intent here.
__all__ = ["Cluster", "Connection", "Intent"]

log = logging.getLogger(__name__)

T = TypeVar("T")


class Intent(enum.Enum):
    """What a caller needs a connection for."""

    WRITE = "write"
    """Writes, and reads that must see the latest state: the node observed as primary."""
    READ = "read"
    """Reads that may be served by a replica in rotation."""


NodeListener = Callable[[NodeStatus], Awaitable[None]]
"""Told a node's new snapshot when its reachability or role changed."""


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
        telemetry: Telemetry | None = None,
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
        self._listeners: list[NodeListener] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._round_robin = itertools.count()
        self._closing = False
        # Enough history to tell any lag up to well past the rotation bound.
        self._wal_history = WalHistory(horizon=max(60.0, 10 * replica_max_lag))
        self.read_retries = 0
        self._observer = StatementObserver(telemetry or Telemetry.off())

    @property
    def nodes(self) -> list[Node]:
        """The primary first, then the replicas in configuration order."""
        return [self.primary, *self.replicas]

    def subscribe(self, listener: NodeListener) -> None:
        """Await ``listener(snapshot)`` whenever a node's reachability or role changes.

        Listeners run in the node's monitor task, one after the other: they must be
        quick. One that raises is logged with its traceback and skipped; the monitor and
        the other listeners go on.
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
        """Stop the monitors, then close every pool within ``timeout`` seconds.

        The monitors and the idle-connection check are cancelled and awaited before the
        pools close; the pools close even when the caller's time bound cuts that short.
        """
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

    def replicas_serving(self) -> bool:
        """Whether some replica is in read rotation: a read may be served by one now."""
        return any(self.in_rotation(node) for node in self.replicas)

    def writable(self) -> bool:
        """Whether a node observed as primary answers: writes can be served."""
        return self.writer() is not None

    def readable(self) -> bool:
        """Whether some node answers: reads can be served."""
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
            return await self._run_on(fallback, operation, deadline, share=1.0, fallback=True)

    @contextlib.asynccontextmanager
    async def write_session(self, deadline: Deadline, *, name: str) -> AsyncIterator[Connection]:
        """A connection of the writer in autocommit mode, within ``deadline``, for work
        that :meth:`run` cannot express: a transaction the caller drives statement by
        statement, then work on the same connection after its commit (its WAL
        position, say). Never retried (the body may have had effects outside the
        database). Raises as :meth:`run` does. ``name`` names the work in telemetry."""
        writer = self.writer()
        if writer is None:
            raise DatabaseUnavailableError("no reachable primary: writes are unavailable")
        with contextlib.ExitStack() as observed:
            if self._observer.active:
                observed.enter_context(self._observer.observing(writer, name, fallback=False))
            async with self._connection(writer, deadline, share=1.0) as conn:
                yield conn

    async def _run_on(
        self,
        node: Node,
        operation: Callable[[Connection], Awaitable[T]],
        deadline: Deadline,
        *,
        share: float,
        fallback: bool = False,
    ) -> T:
        if not self._observer.active:
            return await self._call(node, operation, deadline, share)
        with self._observer.observing(node, operation, fallback=fallback):
            return await self._call(node, operation, deadline, share)

    async def _call(
        self,
        node: Node,
        operation: Callable[[Connection], Awaitable[T]],
        deadline: Deadline,
        share: float,
    ) -> T:
        # What _connection does around its body, written out without a context manager
        # (nested ones cost more Python per call than the statement itself does).
        lease = await self._checkout(node, deadline, share)
        conn = lease.conn
        try:
            async with asyncio.timeout(deadline.remaining()):
                result = await operation(conn)
                if conn.pgconn.transaction_status == TransactionStatus.INTRANS:
                    await conn.commit()  # as leaving the pool's connection() would
        except Exception as exc:
            failure = self._failure(node, conn, exc)
            if failure is None:
                raise
            raise failure from exc
        else:
            return result
        finally:
            await node.checkin(lease)

    @contextlib.asynccontextmanager
    async def _connection(
        self, node: Node, deadline: Deadline, *, share: float
    ) -> AsyncIterator[Connection]:
        # A connection of ``node`` for the body, bounded by the deadline, its errors
        # translated as _call translates them: the same steps, around a yield.
        lease = await self._checkout(node, deadline, share)
        conn = lease.conn
        try:
            async with asyncio.timeout(deadline.remaining()):
                yield conn
                if conn.pgconn.transaction_status == TransactionStatus.INTRANS:
                    await conn.commit()
        except Exception as exc:
            failure = self._failure(node, conn, exc)
            if failure is None:
                raise
            raise failure from exc
        finally:
            await node.checkin(lease)

    async def _checkout(self, node: Node, deadline: Deadline, share: float) -> Lease:
        # A connection of ``node`` within ``share`` of the remaining budget (the pool's
        # timeout at most); the node suspected when it has none to give.
        wait = min(self._pool_settings.timeout, deadline.remaining() * share)
        try:
            return await node.checkout(wait)
        except NodeFailure:
            node.suspect()
            raise

    def _failure(self, node: Node, conn: Connection, exc: Exception) -> DataAccessError | None:
        # The one translation of an error raised while ``conn`` of ``node`` did a call's
        # work: the deadline, a node going away (suspected, so a read retries elsewhere),
        # then db/errors for the rest. None for an error it does not know (a bug), which
        # goes up unchanged.
        if isinstance(exc, TimeoutError):
            return DeadlineExceededError(f"the call ran out of time on {node.name}")
        failure: DataAccessError | None
        if isinstance(exc, (pg_errors.AdminShutdown, pg_errors.CannotConnectNow)):
            failure = NodeFailure(f"{node.name} is shutting down")
        elif isinstance(exc, psycopg.OperationalError) and conn.broken:
            failure = NodeFailure(f"the connection to {node.name} was lost")
        else:
            limit = self._pool_settings.statement_timeout
            failure = translate_error(exc, node.name, node.login_role, statement_timeout=limit)
        if isinstance(failure, NodeFailure):
            node.suspect()
        return failure

    # --- monitoring -----------------------------------------------------------------

    def status(self) -> list[NodeStatus]:
        """A snapshot of every node, primary first, with its rotation state. No I/O."""
        return [self._snapshot(node) for node in self.nodes]

    def _snapshot(self, node: Node) -> NodeStatus:
        reason = self._rotation_reason(node)
        return replace(
            node.status(),
            in_rotation=reason == "",
            rotation_reason=reason,
            replay_lag_seconds=self.replay_lag(node),
        )

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
                await self._notify(node)
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

    async def _notify(self, node: Node) -> None:
        # A subscriber's bug must not stop the monitoring of the node (and with it
        # failover and health), as psycopg_pool's maintenance tasks outlive theirs.
        snapshot = self._snapshot(node)
        for listener in self._listeners:
            try:
                await listener(snapshot)
            except Exception:
                log.exception(
                    "a listener failed on the change of %s; monitoring goes on", node.name
                )

    async def _check_pools(self) -> None:
        # Idle connections can die silently (firewalls); find them before a caller does.
        while not self._closing:
            await asyncio.sleep(self._pool_settings.health_check_interval)
            for node in self.nodes:
                await node.check_idle_connections()
