"""Request logs: validation, size caps, daily partitions, de-duplicated bulk ingestion.

A batch is validated whole before anything is written; one bad log rejects it, naming
its index and field. Free-text fields are cut to their caps rather than refused (a
proxy should not lose a log over a long user agent). The partitions of a batch's days
are created first when missing, so a batch for a new day always succeeds.
"""

from __future__ import annotations

import functools
import ipaddress
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from dataaccess_server.db import request_logs as store
from dataaccess_server.db.cluster import Cluster, Connection, Intent
from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.ids import is_uuid
from dataaccess_server.domain.pagination import Pager
from dataaccess_server.errors import FieldViolation, InvalidArgumentError

# Cut to these lengths; longer values are kept in part, not refused.
CAPS = {"user_agent": 1024, "path": 2048, "error_message": 4096}
# Status ranges of the classes ListRequestLogs filters by; server errors also include 0
# (no status at all), which the storage layer handles.
STATUS_RANGES = {"success": (200, 299), "client_error": (400, 499)}
SERVER_ERROR = "server_error"


@dataclass(frozen=True, slots=True)
class LogInput:
    """A log as a request states it (time None means now)."""

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
    status_class: str = ""
    start_time: datetime | None = None
    end_time: datetime | None = None
    page_size: int = 0
    page_token: str = ""


@dataclass(frozen=True, slots=True)
class Ingested:
    """What a batch or stream stored."""

    inserted: int
    duplicates: int


def check_logs(
    logs: Sequence[LogInput], *, max_logs: int, now: datetime, prefix: str = "logs"
) -> list[store.LogRow]:
    """Every log as a row, or INVALID_ARGUMENT naming each bad field with its index."""
    if not logs:
        raise InvalidArgumentError.single(prefix, "must contain at least one log")
    if len(logs) > max_logs:
        raise InvalidArgumentError.single(
            prefix, f"has {len(logs)} logs; at most {max_logs} are allowed per call"
        )
    latest = now + timedelta(days=1)
    problems: list[FieldViolation] = []
    rows = []
    for index, log in enumerate(logs):
        found = _problems(log, latest)
        problems.extend(FieldViolation(f"{prefix}[{index}].{name}", text) for name, text in found)
        if len(problems) >= 20:
            break
        if not found:
            rows.append(_row(log, now))
    if problems:
        raise InvalidArgumentError(problems)
    return rows


def _problems(log: LogInput, latest: datetime) -> list[tuple[str, str]]:
    found = []
    if not 1 <= len(log.request_id) <= 128:
        found.append(("request_id", "must be 1-128 characters"))
    if not 1 <= len(log.provider) <= 64:
        found.append(("provider", "must be 1-64 characters"))
    if len(log.model) > 256:
        found.append(("model", "must be at most 256 characters"))
    if len(log.auth_id) > 256:
        found.append(("auth_id", "must be at most 256 characters"))
    if log.api_key_id and not _is_uuid(log.api_key_id):
        found.append(("api_key_id", "must be a UUID"))
    if log.client_ip and not _is_ip(log.client_ip):
        found.append(("client_ip", "must be an IPv4 or IPv6 address"))
    if len(log.method) > 16:
        found.append(("method", "must be at most 16 characters"))
    if log.status_code != 0 and not 100 <= log.status_code <= 599:
        found.append(("status_code", "must be 100-599, or 0 for no status"))
    for name in ("latency_ms", "input_tokens", "output_tokens"):
        if not 0 <= getattr(log, name) <= 2**53:
            found.append((name, f"must be between 0 and {2**53}"))
    if log.request_time is not None and log.request_time > latest:
        found.append(("request_time", "must not be more than a day in the future"))
    return found


# Clients and keys repeat from log to log: each distinct value is parsed once.
@functools.lru_cache(maxsize=4096)
def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


@functools.lru_cache(maxsize=4096)
def _is_uuid(text: str) -> bool:
    return is_uuid(text)


def _row(log: LogInput, now: datetime) -> store.LogRow:
    def capped(name: str) -> str | None:
        value: str = getattr(log, name)
        return value[: CAPS[name]] if value else None

    return store.LogRow(
        request_time=log.request_time or now,
        request_id=log.request_id,
        provider=log.provider,
        model=log.model,
        auth_id=log.auth_id,
        api_key_id=log.api_key_id.lower() or None,
        client_ip=log.client_ip or None,
        user_agent=capped("user_agent"),
        method=log.method or None,
        path=capped("path"),
        status_code=log.status_code,
        latency_ms=log.latency_ms,
        input_tokens=log.input_tokens,
        output_tokens=log.output_tokens,
        error_message=capped("error_message"),
    )


class RequestLogService:
    """The rules of request logs, over the cluster."""

    def __init__(self, cluster: Cluster, *, max_batch: int = 10_000) -> None:
        self._cluster = cluster
        self._max_batch = max_batch
        self._partitions: set[date] = set()  # days known to have a partition

    def check(self, logs: Sequence[LogInput], *, prefix: str = "logs") -> list[store.LogRow]:
        """Validate a batch (INVALID_ARGUMENT naming ``prefix[i].field``) into rows."""
        return check_logs(logs, max_logs=self._max_batch, now=datetime.now(UTC), prefix=prefix)

    async def insert(self, logs: Sequence[LogInput], deadline: Deadline) -> Ingested:
        """Store a batch in one transaction; logs stored before count as duplicates.

        INVALID_ARGUMENT (nothing written) for a bad log or an oversized batch.
        """
        return await self.store_rows(self.check(logs), deadline)

    async def store_rows(self, rows: Sequence[store.LogRow], deadline: Deadline) -> Ingested:
        """Store validated rows in one transaction (creating their days' partitions)."""
        await self.ensure_partitions(
            {row.request_time.astimezone(UTC).date() for row in rows}, deadline
        )

        async def write(conn: Connection) -> tuple[int, int]:
            return await store.insert_logs(conn, rows)

        inserted, duplicates = await self._cluster.run(Intent.WRITE, write, deadline=deadline)
        return Ingested(inserted, duplicates)

    async def ensure_partitions(self, days: set[date], deadline: Deadline) -> list[str]:
        """Create the partitions of ``days`` that this process has not seen yet; return
        the names of those created now (by this call)."""
        missing = days - self._partitions
        if not missing:
            return []

        async def create(conn: Connection) -> list[str]:
            return await store.ensure_partitions(conn, missing)

        created = await self._cluster.run(Intent.WRITE, create, deadline=deadline)
        self._partitions |= missing
        return created

    async def prepare_ahead(self, today: date, days_ahead: int, deadline: Deadline) -> list[str]:
        """Create the partitions of ``today`` and the ``days_ahead`` days after it, so
        that ingestion never has to; return the names created now."""
        days = {today + timedelta(days=n) for n in range(days_ahead + 1)}
        # Forget days gone by: the set stays small in a process that runs for months.
        self._partitions = {day for day in self._partitions if day >= today - timedelta(days=2)}
        return await self.ensure_partitions(days, deadline)

    async def list(self, query: LogQuery, deadline: Deadline) -> tuple[list[store.LogRow], str]:
        """A page of logs, newest first, and the next page's token."""
        if query.start_time and query.end_time and query.start_time >= query.end_time:
            raise InvalidArgumentError.single("end_time", "must be after start_time")
        status_from, status_to = STATUS_RANGES.get(query.status_class, (None, None))
        filters = {
            "auth_id": query.auth_id or None,
            "provider": query.provider or None,
            "model": query.model or None,
            "status_from": status_from,
            "status_to": status_to,
            "start_time": query.start_time,
            "end_time": query.end_time,
        }
        pager = Pager(query.page_size, query.page_token, {**filters, "class": query.status_class})
        after = _decode_key(pager.after) if pager.after else None

        async def read(conn: Connection) -> list[store.LogRow]:
            return await store.list_logs(
                conn,
                filters=filters,
                server_errors=query.status_class == SERVER_ERROR,
                after=after,
                limit=pager.limit,
            )

        rows = await self._cluster.run(Intent.READ, read, deadline=deadline)
        return pager.page(rows, key=_key_text)


def _key_text(row: store.LogRow) -> str:
    return json.dumps([row.request_time.isoformat(), row.request_id])


def _decode_key(text: str) -> tuple[datetime, str]:
    try:
        when, request_id = json.loads(text)
        return datetime.fromisoformat(when), str(request_id)
    except (ValueError, TypeError):
        raise InvalidArgumentError.single(
            "page_token", "is not a token this service returned"
        ) from None
