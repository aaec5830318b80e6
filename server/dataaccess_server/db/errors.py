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
)


@asynccontextmanager
async def translated_errors(node: str) -> AsyncIterator[None]:
    """Re-raise psycopg errors from the body as the most specific service error.

    Errors that are bugs (syntax, constraint violations the caller should have
    prevented) pass through unchanged and surface as INTERNAL.
    """
    try:
        yield
    except PoolTimeout as exc:
        raise DatabaseUnavailableError(f"no connection to {node} became free in time") from exc
    except pg_errors.QueryCanceled as exc:
        raise DeadlineExceededError(f"the statement on {node} ran out of time") from exc
    except (pg_errors.UndefinedTable, pg_errors.InvalidSchemaName) as exc:
        raise FailedPreconditionError(
            "the database schema is not migrated: run `dataaccess migrate up`"
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
