"""Conversion of RequestLogService messages."""

from __future__ import annotations

from dataaccess.v1 import request_logs_pb2 as logs_pb2
from dataaccess_server.api.convert.times import timestamp_from_proto
from dataaccess_server.db.request_logs import LogRow
from dataaccess_server.domain.request_logs import LogInput

_STATUS_CLASSES: dict[int, str] = {
    logs_pb2.STATUS_CLASS_SUCCESS: "success",
    logs_pb2.STATUS_CLASS_CLIENT_ERROR: "client_error",
    logs_pb2.STATUS_CLASS_SERVER_ERROR: "server_error",
}


def status_class_from_proto(value: int) -> str:
    """The domain name of a status class ("" for unspecified)."""
    return _STATUS_CLASSES.get(value, "")


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


def log_to_proto(row: LogRow) -> logs_pb2.RequestLog:
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
