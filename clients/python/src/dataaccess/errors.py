"""The exceptions the clients raise: one class per gRPC status code, with its details.

Every failed call of :class:`dataaccess.client.Client` and
:class:`dataaccess.client.AsyncClient` raises a :class:`DataAccessError` subclass chosen
by the status code (``except NotFound:``, ``except Unavailable:``), raised ``from`` the
``grpc.RpcError`` it translates. The server sends ``google.rpc`` details in the
``grpc-status-details-bin`` trailer (a serialized ``google.rpc.Status``); they are decoded
here, once, so callers read :attr:`DataAccessError.field_violations` and
:attr:`DataAccessError.retry_delay` instead of parsing trailers.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any, Final

import grpc
import grpc.aio
from google.protobuf import any_pb2
from google.protobuf.message import DecodeError, Message
from google.rpc import error_details_pb2, status_pb2

__all__ = [
    "Aborted",
    "AlreadyExists",
    "Cancelled",
    "DataAccessError",
    "DataLoss",
    "DeadlineExceeded",
    "FailedPrecondition",
    "Internal",
    "InvalidArgument",
    "NotFound",
    "OutOfRange",
    "PermissionDenied",
    "ResourceExhausted",
    "Unauthenticated",
    "Unavailable",
    "Unimplemented",
    "Unknown",
    "error_from_rpc",
]

STATUS_DETAILS_KEY: Final = "grpc-status-details-bin"

# Every detail type of google/rpc/error_details.proto, by its Any type URL suffix.
_DETAIL_TYPES: Final[dict[str, type[Message]]] = {
    cls.DESCRIPTOR.full_name: cls
    for cls in (
        error_details_pb2.BadRequest,
        error_details_pb2.DebugInfo,
        error_details_pb2.ErrorInfo,
        error_details_pb2.Help,
        error_details_pb2.LocalizedMessage,
        error_details_pb2.PreconditionFailure,
        error_details_pb2.QuotaFailure,
        error_details_pb2.RequestInfo,
        error_details_pb2.ResourceInfo,
        error_details_pb2.RetryInfo,
    )
}


class DataAccessError(Exception):
    """A call failed with a non-OK gRPC status.

    ``code`` is the ``grpc.StatusCode``; ``message`` the server's message (for
    developers; it never contains secrets); ``details`` every ``google.rpc`` detail
    message of the status, unpacked (an unknown type stays a ``google.protobuf.Any``);
    ``field_violations`` the (field, description) pairs of its ``BadRequest`` details;
    ``retry_delay`` its ``RetryInfo`` delay, or None when the server gave none.
    """

    def __init__(
        self, code: grpc.StatusCode, message: str, details: Iterable[Message] = ()
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details: tuple[Message, ...] = tuple(details)

    def __str__(self) -> str:
        return f"{self.code.name}: {self.message}"

    @property
    def field_violations(self) -> tuple[tuple[str, str], ...]:
        """(field, description) of every BadRequest field violation, in order."""
        return tuple(
            (violation.field, violation.description)
            for detail in self.details
            if isinstance(detail, error_details_pb2.BadRequest)
            for violation in detail.field_violations
        )

    @property
    def retry_delay(self) -> timedelta | None:
        """How long the server asks the caller to wait before trying again, if it said."""
        for detail in self.details:
            if isinstance(detail, error_details_pb2.RetryInfo):
                delay: timedelta = detail.retry_delay.ToTimedelta()
                return delay
        return None


class Cancelled(DataAccessError):
    """CANCELLED: the call was cancelled, usually by the caller."""


class Unknown(DataAccessError):
    """UNKNOWN: an error the server or the transport did not classify."""


class InvalidArgument(DataAccessError):
    """INVALID_ARGUMENT: the request is malformed; see :attr:`field_violations`."""


class DeadlineExceeded(DataAccessError):
    """DEADLINE_EXCEEDED: the deadline passed; the call may or may not have been applied."""


class NotFound(DataAccessError):
    """NOT_FOUND: the resource named by the request does not exist."""


class AlreadyExists(DataAccessError):
    """ALREADY_EXISTS: the resource to create exists already."""


class PermissionDenied(DataAccessError):
    """PERMISSION_DENIED: the caller's identity lacks the permission the RPC needs."""


class ResourceExhausted(DataAccessError):
    """RESOURCE_EXHAUSTED: a limit was hit; wait :attr:`retry_delay` before retrying."""


class FailedPrecondition(DataAccessError):
    """FAILED_PRECONDITION: a valid request in the wrong state; do not retry as is."""


class Aborted(DataAccessError):
    """ABORTED: a concurrent change won (an etag mismatch); re-read, then retry."""


class OutOfRange(DataAccessError):
    """OUT_OF_RANGE: a value is outside what the server can store or page over."""


class Unimplemented(DataAccessError):
    """UNIMPLEMENTED: the server does not have this RPC (an older server?)."""


class Internal(DataAccessError):
    """INTERNAL: a bug, in the server or in gRPC."""


class Unavailable(DataAccessError):
    """UNAVAILABLE: the server or its database cannot be reached; safe to retry an
    idempotent call (the clients already did, see :mod:`dataaccess.client`)."""


class DataLoss(DataAccessError):
    """DATA_LOSS: stored data is corrupt (e.g. a ciphertext fails authentication)."""


class Unauthenticated(DataAccessError):
    """UNAUTHENTICATED: no credential, or one the server does not accept."""


_BY_CODE: Final[dict[grpc.StatusCode, type[DataAccessError]]] = {
    grpc.StatusCode.CANCELLED: Cancelled,
    grpc.StatusCode.UNKNOWN: Unknown,
    grpc.StatusCode.INVALID_ARGUMENT: InvalidArgument,
    grpc.StatusCode.DEADLINE_EXCEEDED: DeadlineExceeded,
    grpc.StatusCode.NOT_FOUND: NotFound,
    grpc.StatusCode.ALREADY_EXISTS: AlreadyExists,
    grpc.StatusCode.PERMISSION_DENIED: PermissionDenied,
    grpc.StatusCode.RESOURCE_EXHAUSTED: ResourceExhausted,
    grpc.StatusCode.FAILED_PRECONDITION: FailedPrecondition,
    grpc.StatusCode.ABORTED: Aborted,
    grpc.StatusCode.OUT_OF_RANGE: OutOfRange,
    grpc.StatusCode.UNIMPLEMENTED: Unimplemented,
    grpc.StatusCode.INTERNAL: Internal,
    grpc.StatusCode.UNAVAILABLE: Unavailable,
    grpc.StatusCode.DATA_LOSS: DataLoss,
    grpc.StatusCode.UNAUTHENTICATED: Unauthenticated,
}


def _unpack(detail: any_pb2.Any) -> Message:
    kind = _DETAIL_TYPES.get(detail.TypeName())
    if kind is None:
        return detail
    message = kind()
    return message if detail.Unpack(message) else detail


def _status_details(trailers: Any) -> tuple[Message, ...]:
    """The unpacked details of the ``google.rpc.Status`` in ``trailers``, if any."""
    for key, value in trailers or ():
        if key == STATUS_DETAILS_KEY and isinstance(value, bytes):
            try:
                status = status_pb2.Status.FromString(value)
            except DecodeError:
                return ()  # a broken trailer must not hide the status code itself
            return tuple(_unpack(detail) for detail in status.details)
    return ()


def error_from_rpc(error: grpc.RpcError) -> DataAccessError:
    """The :class:`DataAccessError` subclass for a failed call's status, with its
    message and decoded details. ``error`` is what gRPC raised: an ``AioRpcError``, or
    a sync call's error (which is also a ``grpc.Call``). An error without a status (not
    raised by a call) becomes :class:`Unknown`."""
    if isinstance(error, grpc.aio.AioRpcError | grpc.Call):
        code = error.code()
        message = error.details() or ""
        details = _status_details(error.trailing_metadata())
    else:
        code, message, details = grpc.StatusCode.UNKNOWN, str(error), ()
    return _BY_CODE.get(code, Unknown)(code, message, details)
