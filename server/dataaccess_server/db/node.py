"""One PostgreSQL server: its pool while it is reachable, and its monitor's probe.

The probe runs on a connection of its own (an exhausted pool never makes a healthy node
look dead) and reads reachability, observed role (``pg_is_in_recovery()``), replay lag
in time and bytes, and WAL position in one round trip.

The pool exists only while the node is reachable. When a probe finds it down, the pool
is closed, which fails every caller queued on it at once (so reads fail over now, not at
their pool timeout); when the node is back, a new pool is opened. Statistics are carried
over from one pool to the next.
"""

from __future__ import annotations

import asyncio
import contextlib
import select
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from typing import NamedTuple

import psycopg
from psycopg import sql
from psycopg.pq import TransactionStatus
from psycopg_pool import AsyncConnectionPool, PoolClosed, PoolTimeout

from dataaccess_server.db import session
from dataaccess_server.db.conninfo import redact_dsn
from dataaccess_server.db.pool import Connection, PoolSettings
from dataaccess_server.domain.model.operations import NodeStatus, Role
from dataaccess_server.domain.model.wal import parse_lsn
from dataaccess_server.errors import DatabaseUnavailableError

# One round trip: role, version, WAL position and, on a replica, how far replay is behind
# by its own account. That account is only a fallback (see db/wal.py): it is the age of
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
SET_SEARCH_PATH = "SET search_path TO {}"
SET_STATEMENT_TIMEOUT = "SELECT set_config('statement_timeout', %(ms)s, false)"

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


_OPEN = (TransactionStatus.INTRANS, TransactionStatus.INERROR)


class Lease(NamedTuple):
    """A connection lent by :meth:`Node.checkout`: the pool it goes back to, and when."""

    pool: AsyncConnectionPool[Connection]
    conn: Connection
    started: float


class NodeFailure(DatabaseUnavailableError):
    """The node could not serve the call (down, connection lost, no connection in time).

    Reads are retried on another node; writes surface it as UNAVAILABLE.
    """


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
        self.login_role: str | None = None
        """The role the node's connections log in as, once a probe has connected."""
        self._probe_lock = asyncio.Lock()
        self._wakeup = asyncio.Event()
        self._pool: AsyncConnectionPool[Connection] | None = None
        self._generation = 0
        self._retired_stats: Counter[str] = Counter()
        self._lent_ms = 0.0
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
        stats["usage_ms"] += int(self._lent_ms)
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

    async def checkout(self, timeout: float) -> Lease:
        """A pooled connection, lent until :meth:`checkin`, waiting at most ``timeout``
        seconds (a lease, not a context manager: the hot path of ``Cluster.run`` pays
        for each one it enters). Raises NodeFailure if the node is down or no connection
        frees up in time."""
        pool = self._pool
        if pool is None:
            raise NodeFailure(f"{self.name} is unreachable")
        try:
            return Lease(pool, await pool.getconn(timeout), time.monotonic())
        except (PoolTimeout, PoolClosed) as exc:
            raise self._failure(exc, timeout) from exc

    def _failure(self, exc: PoolTimeout | PoolClosed, timeout: float) -> NodeFailure:
        if isinstance(exc, PoolTimeout):
            return NodeFailure(f"no connection to {self.name} became free within {timeout:.2f}s")
        return NodeFailure(f"{self.name} went down")

    async def checkin(self, lease: Lease) -> None:
        """Give back a connection from :meth:`checkout`. A transaction left open (the
        work failed inside it) is rolled back first, as the pool's own connection() does
        on an error, so the pool gets it idle; one it cannot roll back, it discards."""
        conn = lease.conn
        if not conn.closed and conn.pgconn.transaction_status in _OPEN:
            with contextlib.suppress(psycopg.Error):
                await conn.rollback()
        await lease.pool.putconn(conn)
        # The pool counts usage only for its own context manager.
        self._lent_ms += 1000.0 * (time.monotonic() - lease.started)

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
            self._probe_conn = await session.connect(
                self.dsn,
                autocommit=True,
                application_name="dataaccess-monitor",
                connect_timeout=max(2, int(self._probe_timeout + 0.999)),
            )
            # The pool connects with the same DSN, so as the same role.
            self.login_role = self._probe_conn.info.user
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
        # Every connection resolves unqualified table names in the configured schema,
        # and has the session settings the SQL assumes (timestamps in UTC, ...).
        await conn.execute(sql.SQL(SET_SEARCH_PATH).format(sql.Identifier(self._schema)))
        await session.pin(conn)
        # And no statement runs longer than DB_STATEMENT_TIMEOUT, whatever its deadline.
        ms = max(1, round(self._pool_settings.statement_timeout * 1000))
        await conn.execute(SET_STATEMENT_TIMEOUT, {"ms": str(ms)})

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
