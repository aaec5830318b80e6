"""One prepared statement of the hot path, run on libpq directly: one send, one wait,
one result in binary.

psycopg's ``execute`` is general: a cursor, a lock, query conversion and dumping,
its prepared-statement cache, and a generator whose every step goes through the event
loop. For the one statement of an audited token read that machinery cost more Python
than the rest of the call (~180 us of ~320 us of handler per call, bench/README.md
"GetOAuthToken FULL"). Here the statement is prepared once per connection under its own
name, its parameters are text the server types by the statement, the results come in
binary (bytea and timestamptz loaded in C by psycopg's Transformer) and the call waits
on the socket once.

What psycopg would otherwise do is kept: errors are psycopg's exception classes (so
db/errors.py and the cluster translate them as any other), a lost connection is a
broken one (so reads fail over and writes are UNAVAILABLE), and a statement the
server no longer has (``DEALLOCATE ALL``, ``DISCARD ALL``) or whose plan no longer fits
the table (a migration changed a column: "cached plan must not change result type") is
prepared again and run once more. A call cancelled mid-statement (its deadline) has
the statement cancelled on the server and its answer read away, as psycopg does.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import Sequence

import psycopg
from psycopg import errors as pg_errors
from psycopg.adapt import Transformer
from psycopg.pq import ConnStatus, ExecStatus, Format
from psycopg.pq.abc import PGresult
from psycopg.rows import TupleRow

from dataaccess_server.db.pool import Connection

# What a statement needs again after these: the server forgot it, or its plan's row type.
_STALE = (pg_errors.InvalidSqlStatementName, pg_errors.FeatureNotSupported)


def text(value: str) -> bytes:
    """A parameter in text format, as psycopg would dump it: UTF-8 (every connection's
    encoding, db/session.py), and a DataError for what PostgreSQL text cannot hold (libpq
    would cut a text parameter at its first NUL without a word)."""
    if "\x00" in value:
        raise pg_errors.DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes")
    try:
        return value.encode()
    except UnicodeEncodeError as exc:
        raise pg_errors.DataError(f"text not encodable as UTF-8: {exc.reason}") from None


# One Transformer for every result (loading a row never awaits, so no two calls share
# it at once): one per call rebuilt its loaders each time (~4 us of ~9). Without a
# connection it loads with psycopg's default adapters (no connection here has others)
# and timestamptz in UTC, every session's time zone (db/session.py).
_LOADER = Transformer(None)

# How long a cancelled statement may take to end before its connection is closed.
ABANDON_SECONDS = 1.0


class PreparedStatement:
    """``sql`` (with ``$1``... placeholders), prepared on each connection that runs it.

    ``run`` returns the first row of the result (None if there is none), loaded as
    psycopg loads binary results; parameters are given as text (None for NULL).
    """

    def __init__(self, name: str, sql: str) -> None:
        self.name = name.encode()
        self.sql = sql.encode()
        # The connections this statement is prepared on; forgotten with them.
        self._prepared: weakref.WeakSet[Connection] = weakref.WeakSet()

    async def run(self, conn: Connection, params: Sequence[bytes | None]) -> TupleRow | None:
        """The statement's first row on ``conn`` (idle, in autocommit mode)."""
        if conn not in self._prepared:
            await self._prepare(conn)
        try:
            return await _first_row(conn, await _execute(conn, self.name, params))
        except _STALE as exc:
            if isinstance(exc, pg_errors.FeatureNotSupported) and "cached plan" not in str(exc):
                raise
        # Prepared again (the server may have it still, with its old plan).
        self._prepared.discard(conn)
        with contextlib.suppress(pg_errors.InvalidSqlStatementName):
            await conn.execute(f"DEALLOCATE {self.name.decode()}")
        await self._prepare(conn)
        return await _first_row(conn, await _execute(conn, self.name, params))

    async def _prepare(self, conn: Connection) -> None:
        pgconn = conn.pgconn
        pgconn.send_prepare(self.name, self.sql)
        result = await _wait_result(conn)
        if result.status != ExecStatus.COMMAND_OK:
            raise _error(conn, result)
        self._prepared.add(conn)


async def _execute(conn: Connection, name: bytes, params: Sequence[bytes | None]) -> PGresult:
    conn.pgconn.send_query_prepared(name, params, result_format=Format.BINARY)
    return await _wait_result(conn)


async def _first_row(conn: Connection, result: PGresult) -> TupleRow | None:
    if result.status != ExecStatus.TUPLES_OK:
        raise _error(conn, result)
    if result.ntuples == 0:
        return None
    _LOADER.set_pgresult(result)
    return _LOADER.load_row(0, tuple)


def _error(conn: Connection, result: PGresult) -> psycopg.Error:
    # The server's error as psycopg raises it; a connection lost mid-statement (libpq
    # makes that an error result without SQLSTATE) an OperationalError, as psycopg's.
    if conn.pgconn.status == ConnStatus.BAD:
        return psycopg.OperationalError(result.get_error_message(conn.info.encoding))
    return pg_errors.error_from_result(result, encoding=conn.info.encoding)


async def _wait_result(conn: Connection) -> PGresult:
    # Flush what was sent, then read until libpq has the whole result and the end of
    # the command; one reader registered for the whole wait.
    pgconn = conn.pgconn
    fileno = pgconn.socket
    sent = False
    try:
        while pgconn.flush():  # 1: more to send (rare: the socket buffer is full)
            await _ready(fileno, writer=True)
        sent = True
        # No read before the first wait: the answer cannot be there yet, and the
        # recv that would say so is a syscall per call.
        while pgconn.is_busy():
            await _ready(fileno, writer=False)
            pgconn.consume_input()
    except psycopg.OperationalError:
        raise  # the connection is broken: the pool discards it, the cluster fails over
    except BaseException:
        # Cancelled (the deadline) mid-statement.
        await _abandon(conn, sent=sent)
        raise
    result = None
    while (next_result := pgconn.get_result()) is not None:
        if result is None or next_result.status == ExecStatus.FATAL_ERROR:
            result = next_result
    if result is None:
        raise psycopg.OperationalError("the server sent no result")
    return result


async def _abandon(conn: Connection, *, sent: bool) -> None:
    # As psycopg does with its own statements: cancel the statement on the server and
    # read its answer away, so the connection goes back to the pool idle (closing it
    # would make every deadline a reconnection, when the server is slow already). A
    # statement not sent in full, or one that does not end within ABANDON_SECONDS, takes
    # its connection with it.
    pgconn = conn.pgconn
    if not sent:
        await conn.close()
        return
    try:
        async with asyncio.timeout(ABANDON_SECONDS):
            await conn.cancel_safe(timeout=ABANDON_SECONDS)
            while pgconn.is_busy():
                await _ready(pgconn.socket, writer=False)
                pgconn.consume_input()
        while pgconn.get_result() is not None:
            pass
    except (psycopg.Error, TimeoutError, OSError):
        await conn.close()


async def _ready(fileno: int, *, writer: bool) -> None:
    loop = asyncio.get_running_loop()
    future: asyncio.Future[None] = loop.create_future()

    def wakeup() -> None:
        if not future.done():
            future.set_result(None)

    if writer:
        loop.add_writer(fileno, wakeup)
        try:
            await future
        finally:
            loop.remove_writer(fileno)
    else:
        loop.add_reader(fileno, wakeup)
        try:
            await future
        finally:
            loop.remove_reader(fileno)
