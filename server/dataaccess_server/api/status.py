"""The one mapping from service errors to gRPC statuses (with google.rpc error details)."""

from __future__ import annotations

from datetime import timedelta

import grpc
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from dataaccess_server import errors

_CODES: tuple[tuple[type[errors.DataAccessError], int], ...] = (
    (errors.InvalidArgumentError, code_pb2.INVALID_ARGUMENT),
    (errors.OutOfRangeError, code_pb2.OUT_OF_RANGE),
    (errors.NotFoundError, code_pb2.NOT_FOUND),
    (errors.ConflictError, code_pb2.ABORTED),
    (errors.FailedPreconditionError, code_pb2.FAILED_PRECONDITION),
    (errors.MigrationError, code_pb2.FAILED_PRECONDITION),
    (errors.DataCorruptionError, code_pb2.DATA_LOSS),
    (errors.DatabaseUnavailableError, code_pb2.UNAVAILABLE),
    (errors.ServerStoppingError, code_pb2.UNAVAILABLE),
    (errors.DeadlineExceededError, code_pb2.DEADLINE_EXCEEDED),
    (errors.ResourceExhaustedError, code_pb2.RESOURCE_EXHAUSTED),
)


def status_code(error: errors.DataAccessError) -> int:
    """The gRPC status code (a google.rpc.Code value) for ``error``."""
    return next((code for kind, code in _CODES if isinstance(error, kind)), code_pb2.INTERNAL)


def to_status(error: errors.DataAccessError) -> grpc.Status:
    """The gRPC status for ``error``: its code, its message, and the details a client
    can act on (BadRequest field violations)."""
    status = status_pb2.Status(code=status_code(error), message=str(error))
    if isinstance(error, errors.InvalidArgumentError):
        detail = any_pb2.Any()
        detail.Pack(
            error_details_pb2.BadRequest(
                field_violations=[
                    error_details_pb2.BadRequest.FieldViolation(
                        field=item.field, description=item.description
                    )
                    for item in error.violations
                ]
            )
        )
        status.details.append(detail)
    if isinstance(error, errors.ResourceExhaustedError) and error.retry_after is not None:
        retry = error_details_pb2.RetryInfo()
        retry.retry_delay.FromTimedelta(timedelta(seconds=error.retry_after))
        detail = any_pb2.Any()
        detail.Pack(retry)
        status.details.append(detail)
    return rpc_status.to_status(status)
