"""Translation of driver errors into the service's errors, done once at this boundary."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import psycopg
from psycopg import errors as pg_errors
from psycopg_pool import PoolTimeout

from dataaccess_server.errors import (
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
    except PoolTimeout as exc:
        raise DatabaseUnavailableError(f"no connection to {node} became free in time") from exc
    except pg_errors.QueryCanceled as exc:
        if "statement timeout" in (exc.diag.message_primary or ""):
            limit = f" of {statement_timeout:g}s" if statement_timeout else ""
            raise ResourceExhaustedError(
                f"a statement on {node} reached the statement timeout{limit}"
                " (DB_STATEMENT_TIMEOUT): ask for less (a shorter range, a smaller page)"
            ) from exc
        raise DeadlineExceededError(f"the statement on {node} ran out of time") from exc
    except (pg_errors.UndefinedTable, pg_errors.InvalidSchemaName) as exc:
        raise FailedPreconditionError(
            "the database schema is not migrated: run `dataaccess migrate up`"
        ) from exc
    except pg_errors.InsufficientPrivilege as exc:
        who = f"role {role}" if role else "the server's database role"
        fix = f" with DB_APP_ROLE={role}" if role else ""
        raise FailedPreconditionError(
            f"{who} lacks a privilege on {node} ({exc.diag.message_primary}):"
            f" run `dataaccess migrate up`{fix} to grant what the server needs"
        ) from exc
    except psycopg.DataError as exc:
        what = exc.diag.message_primary or str(exc).split("\n", 1)[0]
        if len(what) > _DETAIL_CHARS:
            what = what[:_DETAIL_CHARS] + "..."
        raise InvalidArgumentError.single(
            "request", f"holds a value the database cannot store ({what})"
        ) from exc
    except (pg_errors.SerializationFailure, pg_errors.DeadlockDetected) as exc:
        raise TransactionAbortedError(
            f"the transaction on {node} was aborted by a concurrent one: retry the call"
        ) from exc
    except pg_errors.ReadOnlySqlTransaction as exc:
        raise DatabaseUnavailableError(f"{node} is read-only (in recovery)") from exc
    except (
        pg_errors.AdminShutdown,
        pg_errors.CannotConnectNow,
        pg_errors.TooManyConnections,
        pg_errors.ConnectionException,
    ) as exc:
        raise DatabaseUnavailableError(f"{node} is unavailable") from exc
    except psycopg.OperationalError as exc:
        raise DatabaseUnavailableError(f"{node} is unavailable") from exc
