"""Conversion of RequestLogService messages."""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Sequence
from datetime import timedelta
from itertools import repeat
from typing import Any

from dataaccess.v1 import request_logs_pb2 as logs_pb2
from dataaccess_server.api.convert.times import EPOCH, MAX_SECONDS, timestamp_from_proto
from dataaccess_server.domain.model.request_logs import (
    LogColumns,
    LogQuery,
    RequestLog,
    StatusClass,
)

_STATUS_CLASSES: dict[int, StatusClass] = {
    logs_pb2.STATUS_CLASS_SUCCESS: StatusClass.SUCCESS,
    logs_pb2.STATUS_CLASS_CLIENT_ERROR: StatusClass.CLIENT_ERROR,
    logs_pb2.STATUS_CLASS_SERVER_ERROR: StatusClass.SERVER_ERROR,
}


def status_class_from_proto(value: int) -> StatusClass:
    """The domain's status class (ANY for unspecified, or a value this server does not
    know)."""
    return _STATUS_CLASSES.get(value, StatusClass.ANY)


def log_query_from_proto(request: logs_pb2.ListRequestLogsRequest) -> LogQuery:
    """The domain query of a ListRequestLogs request; INVALID_ARGUMENT naming a bad
    start_time or end_time."""
    return LogQuery(
        auth_id=request.auth_id,
        provider=request.provider,
        model=request.model,
        status_class=status_class_from_proto(request.status_class),
        start_time=timestamp_from_proto(request, "start_time", "start_time"),
        end_time=timestamp_from_proto(request, "end_time", "end_time"),
        page_size=request.page_size,
        page_token=request.page_token,
    )


# The fields of a log that convert as they are, each read for a whole batch in one pass.
_PLAIN_FIELDS = tuple(
    field.name for field in dataclasses.fields(LogColumns) if field.name != "request_time"
)
_TIME = operator.attrgetter("request_time")
_SECONDS = operator.attrgetter("seconds")
_NANOS = operator.attrgetter("nanos")


def log_columns_from_proto(logs: Sequence[logs_pb2.RequestLog], prefix: str) -> LogColumns:
    """The domain columns of a message's logs; ``prefix`` names them in errors
    (``logs`` gives ``logs[3]``): INVALID_ARGUMENT for a request_time that is not a
    valid timestamp."""
    messages = list(logs)  # a list's iteration is cheaper than the container's, 15 times
    columns: dict[str, Any] = {
        name: list(map(operator.attrgetter(name), messages)) for name in _PLAIN_FIELDS
    }
    stamps = list(map(_TIME, messages))
    seconds, nanos = list(map(_SECONDS, stamps)), list(map(_NANOS, stamps))
    # An unset time reads as 0 seconds: a batch of times all past the epoch and in range
    # is converted at once; any other is read log by log, to tell unset from invalid.
    if (
        stamps
        and 0 < min(seconds) <= max(seconds) <= MAX_SECONDS
        and 0 <= min(nanos) <= max(nanos) < 10**9
    ):
        # In C: the epoch plus timedelta(0, seconds, microseconds), log by log.
        micros = map(operator.floordiv, nanos, repeat(1000))
        columns["request_time"] = list(
            map(operator.add, repeat(EPOCH), map(timedelta, repeat(0), seconds, micros))
        )
    else:
        columns["request_time"] = [
            timestamp_from_proto(log, "request_time", f"{prefix}[{n}].request_time")
            for n, log in enumerate(messages)
        ]
    return LogColumns(**columns)


def log_to_proto(row: RequestLog) -> logs_pb2.RequestLog:
    """A stored log."""
    message = logs_pb2.RequestLog(
        request_id=row.request_id,
        provider=row.provider,
        model=row.model,
        auth_id=row.auth_id,
        api_key_id=row.api_key_id or "",
        client_ip=row.client_ip or "",
        user_agent=row.user_agent or "",
        method=row.method or "",
        path=row.path or "",
        status_code=row.status_code,
        latency_ms=row.latency_ms,
        input_tokens=row.input_tokens,
        output_tokens=row.output_tokens,
        error_message=row.error_message or "",
    )
    message.request_time.FromDatetime(row.request_time)
    return message
