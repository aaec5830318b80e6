"""The errors every layer speaks.

The storage layer translates driver errors into these once, at its boundary; the API
layer maps them to gRPC status codes in one place (``api/status.py``). Messages are
written for developers: they never carry secrets, SQL or stack traces.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class DataAccessError(Exception):
    """Base class of every error the service raises on purpose."""


@dataclass(frozen=True, slots=True)
class FieldViolation:
    """One invalid field of a request: its path (``page_size``, ``records[537].model``)
    and what is wrong with it."""

    field: str
    description: str


class InvalidArgumentError(DataAccessError):
    """The request is malformed; nothing was written."""

    def __init__(self, violations: Sequence[FieldViolation]) -> None:
        if not violations:
            raise ValueError("InvalidArgumentError needs at least one violation")
        self.violations = tuple(violations)
        super().__init__("; ".join(f"{v.field}: {v.description}" for v in self.violations))

    @classmethod
    def single(cls, field: str, description: str) -> InvalidArgumentError:
        """An error about one field."""
        return cls([FieldViolation(field, description)])


def excerpt(value: str, limit: int = 40) -> str:
    """``value`` quoted for an error message, cut to ``limit`` characters (the rest
    counted, not echoed): a message must stay small whatever the caller sent."""
    if len(value) <= limit:
        return repr(value)
    return f"{value[:limit]!r}... ({len(value)} characters)"


class OutOfRangeError(DataAccessError):
    """A value, or a sum the request would make, passes what its column can hold;
    nothing was written."""


class NotFoundError(DataAccessError):
    """The addressed resource does not exist."""


class ConflictError(DataAccessError):
    """An optimistic-concurrency check (etag) failed; nothing changed."""


class TransactionAbortedError(ConflictError):
    """The database aborted the transaction to break a conflict (serialization failure,
    deadlock); nothing changed and the call may be retried as it is."""


class FailedPreconditionError(DataAccessError):
    """The request is valid but the system is not in a state to perform it."""


class DataCorruptionError(DataAccessError):
    """Stored data cannot be read back (e.g. a ciphertext that does not decrypt where it
    is). Not retryable; needs an operator."""


class DatabaseUnavailableError(DataAccessError):
    """No database node could serve the call (down, unreachable, pool exhausted).

    Safe to retry: the operation either did not start or was rolled back.
    """


class ResourceExhaustedError(DataAccessError):
    """A limit of the service was reached; the message names the limit and its value.

    ``retry_after`` (seconds) is set when waiting helps (a busy resource), None when
    only a smaller request does.
    """

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class DeadlineExceededError(DataAccessError):
    """The caller's deadline ran out before the work finished."""


class MigrationError(DataAccessError):
    """A schema migration could not be applied, rolled back or verified."""


class ServerStoppingError(DataAccessError):
    """The server is shutting down and ends a long-lived call (a watch) early, so the
    caller reconnects, to another server. Safe to retry at once."""


class StreamRecycledError(ServerStoppingError):
    """A long-lived stream reached its longest duration and ends, so the caller opens a
    new one (perhaps on another server: that spreads load). Safe to retry at once."""
