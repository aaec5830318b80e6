"""Conversion of RequestLogService messages."""

from __future__ import annotations

from collections.abc import Iterable

from dataaccess.v1 import request_logs_pb2 as logs_pb2
from dataaccess_server.api.convert.times import timestamp_from_proto
from dataaccess_server.domain.model.request_logs import (
    LogInput,
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


def log_input_from_proto(log: logs_pb2.RequestLog, path: str) -> LogInput:
    """The domain input of one log; ``path`` names it in errors (``logs[3]``)."""
    return LogInput(
        request_id=log.request_id,
        request_time=timestamp_from_proto(log, "request_time", f"{path}.request_time"),
        provider=log.provider,
        model=log.model,
        auth_id=log.auth_id,
        api_key_id=log.api_key_id,
        client_ip=log.client_ip,
        user_agent=log.user_agent,
        method=log.method,
        path=log.path,
        status_code=log.status_code,
        latency_ms=log.latency_ms,
        input_tokens=log.input_tokens,
        output_tokens=log.output_tokens,
        error_message=log.error_message,
    )


def log_inputs_from_proto(logs: Iterable[logs_pb2.RequestLog], prefix: str) -> list[LogInput]:
    """The domain inputs of a message's logs; ``prefix`` names them in errors
    (``logs`` gives ``logs[3]``)."""
    return [log_input_from_proto(log, f"{prefix}[{n}]") for n, log in enumerate(logs)]


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
