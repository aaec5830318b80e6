"""Request logs: what a request states, what is stored, what ingestion did. Pure."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class StatusClass(enum.Enum):
    """The classes of status ListRequestLogs filters by."""

    ANY = ""
    SUCCESS = "success"
    CLIENT_ERROR = "client_error"
    SERVER_ERROR = "server_error"
    """5xx, and logs with no status at all (0)."""


@dataclass(frozen=True, slots=True)
class LogInput:
    """A log as a request states it (time None: not given, which validation refuses)."""

    request_id: str = ""
    request_time: datetime | None = None
    provider: str = ""
    model: str = ""
    auth_id: str = ""
    api_key_id: str = ""
    client_ip: str = ""
    user_agent: str = ""
    method: str = ""
    path: str = ""
    status_code: int = 0
    latency_ms: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    error_message: str = ""


@dataclass(frozen=True, slots=True)
class LogQuery:
    """Filters and page of ListRequestLogs."""

    auth_id: str = ""
    provider: str = ""
    model: str = ""
    status_class: StatusClass = StatusClass.ANY
    start_time: datetime | None = None
    end_time: datetime | None = None
    page_size: int = 0
    page_token: str = ""


@dataclass(frozen=True, slots=True)
class LogFilter:
    """Which logs a list reads; None (False) for no condition. Statuses are inclusive,
    times half-open; ``server_errors`` keeps 5xx and logs with no status (0)."""

    auth_id: str | None = None
    provider: str | None = None
    model: str | None = None
    status_from: int | None = None
    status_to: int | None = None
    server_errors: bool = False
    start_time: datetime | None = None
    end_time: datetime | None = None


@dataclass(frozen=True, slots=True)
class RequestLog:
    """One validated (or stored) request log; absent optional values are None.

    Built once per log on the ingest path: keep it a slots dataclass with no work in
    construction.
    """

    request_time: datetime
    request_id: str
    provider: str
    model: str
    auth_id: str
    api_key_id: str | None
    client_ip: str | None
    user_agent: str | None
    method: str | None
    path: str | None
    status_code: int
    latency_ms: int
    input_tokens: int
    output_tokens: int
    error_message: str | None


@dataclass(frozen=True, slots=True)
class Ingested:
    """What a batch (or a chunk of a stream) stored: logs new to storage, and logs
    already there (or repeated within it)."""

    inserted: int
    duplicates: int


@dataclass(frozen=True, slots=True)
class StreamIngested:
    """What a stream stored, over all its messages."""

    inserted: int
    duplicates: int
    messages: int
