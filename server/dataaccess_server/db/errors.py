"""Translation of driver errors into the service's errors, done once at this boundary."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import psycopg
from psycopg import errors as pg_errors

from dataaccess_server.errors import (
    DataAccessError,
    DatabaseUnavailableError,
    DeadlineExceededError,
    FailedPreconditionError,
    InvalidArgumentError,
    ResourceExhaustedError,
    TransactionAbortedError,
)

# How much of the driver's message a data error repeats (it may quote the input).
_DETAIL_CHARS = 120


@asynccontextmanager
async def translated_errors(
    node: str, role: str | None = None, *, statement_timeout: float | None = None
) -> AsyncIterator[None]:
    """Re-raise psycopg errors from the body as the most specific service error.

    ``role`` is the database role the body's connection runs as, named when it lacks a
    privilege (a grant revoked, or never made: a deployment problem, not a bug).
    ``statement_timeout`` is the connections' limit (DB_STATEMENT_TIMEOUT), named when a
    statement reaches it (RESOURCE_EXHAUSTED).

    A value the column cannot hold (a NUL character, a number out of range, a bad
    timestamp or text representation: the DataError family, raised by PostgreSQL or by
    the driver before sending) is INVALID_ARGUMENT; validation should have named the
    field first, so this is the backstop. A serialization failure or a deadlock is
    ABORTED (nothing changed, retry as is).

    Errors that are bugs (syntax, constraint violations the caller should have
    prevented) pass through unchanged and surface as INTERNAL.
    """
    try:
        yield
    except Exception as exc:
        translated = translate_error(exc, node, role, statement_timeout=statement_timeout)
        if translated is None:
            raise
        raise translated from exc


def translate_error(
    exc: BaseException,
    node: str,
    role: str | None = None,
    *,
    statement_timeout: float | None = None,
) -> DataAccessError | None:
    """The service error :func:`translated_errors` raises for ``exc``; None for an error
    it lets through (not the driver's, or a bug). No I/O: the hot path of
    ``Cluster.run`` calls it without a context manager. A pool with no connection to
    lend is not the driver's error: ``Node.checkout`` names it (NodeFailure)."""
    if isinstance(exc, pg_errors.QueryCanceled):
        if "statement timeout" in (exc.diag.message_primary or ""):
            limit = f" of {statement_timeout:g}s" if statement_timeout else ""
            return ResourceExhaustedError(
                f"a statement on {node} reached the statement timeout{limit}"
                " (DB_STATEMENT_TIMEOUT): ask for less (a shorter range, a smaller page)"
            )
        return DeadlineExceededError(f"the statement on {node} ran out of time")
    if isinstance(exc, (pg_errors.UndefinedTable, pg_errors.InvalidSchemaName)):
        return FailedPreconditionError(
            "the database schema is not migrated: run `dataaccess migrate up`"
        )
    if isinstance(exc, pg_errors.InsufficientPrivilege):
        who = f"role {role}" if role else "the server's database role"
        fix = f" with DB_APP_ROLE={role}" if role else ""
        return FailedPreconditionError(
            f"{who} lacks a privilege on {node} ({exc.diag.message_primary}):"
            f" run `dataaccess migrate up`{fix} to grant what the server needs"
        )
    if isinstance(exc, psycopg.DataError):
        what = exc.diag.message_primary or str(exc).split("\n", 1)[0]
        if len(what) > _DETAIL_CHARS:
            what = what[:_DETAIL_CHARS] + "..."
        return InvalidArgumentError.single(
            "request", f"holds a value the database cannot store ({what})"
        )
    if isinstance(exc, (pg_errors.SerializationFailure, pg_errors.DeadlockDetected)):
        return TransactionAbortedError(
            f"the transaction on {node} was aborted by a concurrent one: retry the call"
        )
    if isinstance(exc, pg_errors.ReadOnlySqlTransaction):
        return DatabaseUnavailableError(f"{node} is read-only (in recovery)")
    if isinstance(exc, psycopg.OperationalError):
        # AdminShutdown, CannotConnectNow, TooManyConnections, ConnectionException, and
        # the connection failures the driver raises itself.
        return DatabaseUnavailableError(f"{node} is unavailable")
    return None
