"""Request logs: what a request states, what is stored, what ingestion did. Pure."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import NamedTuple


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


class RequestLog(NamedTuple):
    """One validated (or stored) request log; absent optional values are None.

    A named tuple, in the order of the table's columns: ingestion builds a thousand per
    batch from columns in one C call each and COPYs them as they are (a dataclass cost
    a keyword call to build and an attrgetter to COPY, per log).
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
class LogColumns:
    """A batch of logs as a request states them, one list per field (all of the same
    length; a time None: not given, which validation refuses).

    Columns, not a LogInput per log: the transport fills each list in one pass over its
    messages, and validation checks a whole column at once (lengths by min and max,
    identifiers by their distinct values), building per-log inputs only to name the
    fields of a batch it refuses.
    """

    request_id: list[str]
    request_time: list[datetime | None]
    provider: list[str]
    model: list[str]
    auth_id: list[str]
    api_key_id: list[str]
    client_ip: list[str]
    user_agent: list[str]
    method: list[str]
    path: list[str]
    status_code: list[int]
    latency_ms: list[int]
    input_tokens: list[int]
    output_tokens: list[int]
    error_message: list[str]

    @classmethod
    def of(cls, logs: Sequence[LogInput]) -> LogColumns:
        """The columns of ``logs``."""
        return cls(
            **{field.name: [getattr(log, field.name) for log in logs] for field in fields(cls)}
        )

    def __len__(self) -> int:
        return len(self.request_id)

    def at(self, index: int) -> LogInput:
        """Log ``index`` of the batch."""
        return LogInput(**{field.name: getattr(self, field.name)[index] for field in fields(self)})


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
