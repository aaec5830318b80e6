"""Change notifications between server processes: PostgreSQL LISTEN/NOTIFY.

A writer that changes something other processes may have cached (a revoked API key)
publishes it with :func:`notify`, on the connection and in the transaction of the change.
Every server process runs one :class:`ChangeListener`, which holds a dedicated connection
that LISTENs and hands each notification to a callback within milliseconds.

Delivery is at most once, and only while the listener is connected: PostgreSQL keeps no
notification for a session that is not listening, so whatever is sent between the loss
of the connection and the LISTEN on the next one is gone. That is why the listener
reports its state: a cache fed by it must be dropped and bypassed from
``on_state(False)`` until ``on_state(True)``, and must not admit an entry read before
that ``on_state(True)`` (it may predate an invalidation that was lost).

The loss has to be noticed fast, since the cache is trusted until then:

- a backend that is terminated, or a server that shuts down, sends an error and closes
  the socket; the listener is waiting on that socket, so it sees it within milliseconds;
- a silently dead network or a hung server is noticed by a periodic keepalive query
  that must answer within ``keepalive`` seconds, helped by the kernel's TCP keepalive
  and user timeout (which also bound a connection attempt into the void).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Callable, Sequence

import psycopg
from psycopg import sql

from dataaccess_server.db import session
from dataaccess_server.db.conninfo import redact_dsn
from dataaccess_server.db.pool import Connection
from dataaccess_server.deadline import Deadline

log = logging.getLogger(__name__)

APPLICATION_NAME = "dataaccess-listener"
LISTEN = "LISTEN {}"
KEEPALIVE = "SELECT 1"
PUBLISH = "SELECT pg_notify(%(channel)s, %(payload)s)"

# PostgreSQL's limits: a payload must be shorter than 8000 bytes, a channel name is an
# identifier (at most NAMEDATALEN - 1 bytes; LISTEN would silently truncate a longer one,
# while pg_notify() rejects it, so the two would never meet).
MAX_PAYLOAD_BYTES = 7999
MAX_CHANNEL_BYTES = 63

# Kernel TCP keepalive once the connection has been idle for `keepalive` seconds: a
# probe a second, the connection dropped after this many unanswered ones.
TCP_KEEPALIVE_INTERVAL = 1
TCP_KEEPALIVE_COUNT = 3


def _check_channel(channel: str) -> None:
    size = len(channel.encode())
    if not 0 < size <= MAX_CHANNEL_BYTES:
        raise ValueError(
            f"a channel name must have 1 to {MAX_CHANNEL_BYTES} bytes, not {size}: {channel!r}"
        )


async def notify(conn: Connection, channel: str, payload: str) -> None:
    """Publish ``payload`` on ``channel`` to every listener (every server process).

    Inside a transaction the notification is sent at commit, and not at all on rollback;
    on an autocommit connection it is sent at once. Identical notifications in one
    transaction are folded into one. Listeners that are disconnected miss it (see the
    module docstring).

    Raises ValueError if ``channel`` is empty or longer than 63 bytes, or ``payload`` is
    8000 bytes or more (UTF-8); psycopg errors of the statement pass through untranslated,
    like those of any other statement the caller runs on ``conn``.
    """
    _check_channel(channel)
    size = len(payload.encode())
    if size > MAX_PAYLOAD_BYTES:
        raise ValueError(
            f"a notification payload must be under {MAX_PAYLOAD_BYTES + 1} bytes, not {size}"
        )
    await conn.execute(PUBLISH, {"channel": channel, "payload": payload})


class ChangeListener:
    """A dedicated connection that LISTENs on ``channels`` and hands on what arrives.

    Each notification is passed to ``on_message(channel, payload)``; ``on_state(True)``
    is called once LISTEN is in place (again after each reconnection), ``on_state(False)``
    as soon as the connection is found lost, and at :meth:`close`. Initially the listener
    is down, with no call. Both callbacks run in the event loop, in the listener's task:
    they must be quick and must not block; an exception they raise is logged and ignored.

    After a loss the listener reconnects after ``reconnect_delay`` seconds, doubling the
    delay after each failed attempt up to ``max_reconnect_delay``. A connection attempt
    (connection and LISTEN) is given ``connect_timeout`` seconds. A connection that stops
    answering is found lost within about twice ``keepalive`` seconds.

    Lifecycle: ``await start()`` once, ``await close()`` once (also after a failed start).
    """

    def __init__(
        self,
        dsn: str,
        channels: Sequence[str],
        *,
        on_message: Callable[[str, str], None],
        on_state: Callable[[bool], None],
        reconnect_delay: float = 0.5,
        max_reconnect_delay: float = 5.0,
        connect_timeout: float = 5.0,
        keepalive: float = 5.0,
    ) -> None:
        if not channels:
            raise ValueError("a listener needs at least one channel")
        for channel in channels:
            _check_channel(channel)
        self._dsn = dsn
        self._channels = tuple(dict.fromkeys(channels))
        self._on_message = on_message
        self._on_state = on_state
        self._reconnect_delay = reconnect_delay
        self._max_reconnect_delay = max(reconnect_delay, max_reconnect_delay)
        self._connect_timeout = connect_timeout
        self._keepalive = keepalive
        self._conn: Connection | None = None
        self._connected = False
        self._first_attempt = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closed = False

    @property
    def connected(self) -> bool:
        """Whether LISTEN is in place, as far as the listener knows.

        True from ``on_state(True)`` to ``on_state(False)``.
        """
        return self._connected

    @property
    def backend_pid(self) -> int | None:
        """The process id of the listening server backend; None while disconnected."""
        conn = self._conn
        if conn is None or not self._connected:
            return None
        return conn.info.backend_pid

    async def start(self) -> None:
        """Connect and LISTEN, then keep listening (and reconnecting) in the background.

        Returns once LISTEN is in place, or once the first attempt failed (after at most
        about ``connect_timeout`` seconds): the database being down does not hold up the
        start of the server; the listener keeps trying in the background. Check
        :attr:`connected` to know which. Raises RuntimeError if called more than once or
        after :meth:`close`.
        """
        if self._task is not None or self._closed:
            raise RuntimeError("a ChangeListener can be started once")
        self._task = asyncio.create_task(self._run(), name="change-listener")
        self._task.add_done_callback(self._stopped)
        first_attempt = asyncio.ensure_future(self._first_attempt.wait())
        try:
            # The task only ends before its first attempt is over through a bug: do not
            # wait forever for it then.
            await asyncio.wait({first_attempt, self._task}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            first_attempt.cancel()

    async def close(self, timeout: float = 2.0) -> None:
        """Stop listening and close the connection, within about ``timeout`` seconds.

        Calls ``on_state(False)`` if the listener was connected. Idempotent. Never raises
        for the connection's sake; if the task does not stop in time, it is logged and
        left to finish on its own.
        """
        self._closed = True
        task, self._task = self._task, None
        if task is not None:
            deadline = Deadline.after(timeout)
            task.cancel()
            await asyncio.wait({task}, timeout=deadline.remaining() / 2)
            if not task.done():
                # Cancelled during a statement (the keepalive, or the LISTEN), psycopg
                # asks the server to cancel it and waits seconds for that to happen; a
                # second cancellation makes it drop the connection at once. (This one
                # may also have merged with the keepalive's own timeout into one.)
                task.cancel()
                await asyncio.wait({task}, timeout=deadline.remaining())
            if not task.done():
                # Close the connection under it, rather than leave it open to a task
                # that may never run again (its event loop may be about to close).
                conn = self._conn
                if conn is not None:
                    with contextlib.suppress(psycopg.Error, OSError):
                        await conn.close()
                log.warning("the change listener did not stop within %gs", timeout)
        self._set_state(False)

    # --- the listening task -----------------------------------------------------------

    async def _run(self) -> None:
        delay = self._reconnect_delay
        while True:
            try:
                conn = await self._connect()
            except (psycopg.Error, OSError, TimeoutError) as exc:
                log.warning(
                    "change listener cannot connect to %s: %s; next attempt in %gs",
                    redact_dsn(self._dsn),
                    _describe(exc),
                    delay,
                )
                self._first_attempt.set()
                await asyncio.sleep(delay)
                delay = min(2 * delay, self._max_reconnect_delay)
                continue
            self._conn = conn
            try:
                self._set_state(True)
                self._first_attempt.set()
                delay = self._reconnect_delay
                await self._listen(conn)
            except (psycopg.Error, OSError, TimeoutError) as exc:
                self._set_state(False)
                log.warning(
                    "change listener lost its connection: %s; reconnecting in %gs",
                    _describe(exc),
                    delay,
                )
            finally:
                self._conn = None
                # Only frees the socket: no round trip.
                await conn.close()
            await asyncio.sleep(delay)

    async def _connect(self) -> Connection:
        # One budget for the connection and the LISTEN; psycopg's own connect_timeout
        # counts in whole seconds, at least 2, hence the outer bound.
        async with asyncio.timeout(self._connect_timeout):
            conn = await session.connect(
                self._dsn,
                autocommit=True,
                application_name=APPLICATION_NAME,
                connect_timeout=max(2, math.ceil(self._connect_timeout)),
                keepalives=1,
                keepalives_idle=max(1, math.ceil(self._keepalive)),
                keepalives_interval=TCP_KEEPALIVE_INTERVAL,
                keepalives_count=TCP_KEEPALIVE_COUNT,
                # Unacknowledged data (the keepalive query) aborts the connection after
                # this long: the kernel notices a dead network even while a statement
                # is waiting for its answer.
                tcp_user_timeout=max(1, math.ceil(self._keepalive * 1000)),
            )
            try:
                await conn.execute(
                    sql.SQL("; ").join(
                        sql.SQL(LISTEN).format(sql.Identifier(channel))
                        for channel in self._channels
                    )
                )
            except BaseException:
                await conn.close()
                raise
        return conn

    async def _listen(self, conn: Connection) -> None:
        # Returns only by raising: the connection was lost (or the task cancelled).
        while True:
            # notifies() holds the connection's lock while it iterates, so a statement
            # run from the loop body would wait for it forever: the keepalive runs
            # between rounds instead. What arrives meanwhile is kept by psycopg and
            # yielded first by the next round, so nothing is lost at the seam.
            # aclosing: the lock is released even if the loop is left early.
            async with contextlib.aclosing(conn.notifies(timeout=self._keepalive)) as received:
                async for notification in received:
                    self._deliver(notification.channel, notification.payload)
            await self._ping(conn)

    async def _ping(self, conn: Connection) -> None:
        # On a timeout psycopg first asks the server to cancel the statement, which can
        # take it seconds more: report the loss at the deadline, not after that.
        report = asyncio.get_running_loop().call_later(self._keepalive, self._set_state, False)
        try:
            async with asyncio.timeout(self._keepalive):
                await conn.execute(KEEPALIVE)
        finally:
            report.cancel()

    def _deliver(self, channel: str, payload: str) -> None:
        try:
            self._on_message(channel, payload)
        except Exception:
            # The payload is not logged: it may identify a credential.
            log.exception("on_message failed for a notification on %s", channel)

    def _set_state(self, connected: bool) -> None:
        if connected == self._connected:
            return
        self._connected = connected
        try:
            self._on_state(connected)
        except Exception:
            log.exception("on_state(%s) failed", connected)

    def _stopped(self, task: asyncio.Task[None]) -> None:
        # The task ends only when cancelled: anything else is a bug, and a listener that
        # no longer listens must not leave the cache trusted.
        if task.cancelled():
            return
        exc = task.exception()
        log.error("the change listener stopped: %r", exc, exc_info=exc)
        self._first_attempt.set()
        self._set_state(False)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "no answer in time"
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__
