"""Request logs: validation, size caps, daily partitions, de-duplicated bulk ingestion.

A batch is validated whole before anything is written; one bad log rejects it, naming
its index and field. Free-text fields are cut to their caps rather than refused (a
proxy should not lose a log over a long user agent). The partitions of a batch's days
are created first when missing, so a batch for a new day always succeeds. A stream is
validated message by message and stored in chunks, each in its own transaction.

A log is identified by (request_time, request_id), so ``request_time`` is required: a
time filled in by the server would differ on every resend, and a client retrying after
a lost answer would store its logs twice. Requiring it keeps de-duplication exact (the
unique key does it, forever) and free (no table of seen ids, no window to choose).

What a caller can make the server create is bounded too: ``request_time`` lies between
the first day retention keeps (DB_LOG_RETENTION_DAYS) and a day ahead, and one batch (one
stored chunk of a stream) touches at most ``max_batch_days`` days, so a call creates at
most that many partitions and the table at most retention + 2 days of them.
"""

from __future__ import annotations

import dataclasses
import functools
import ipaddress
import json
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from typing import Protocol, cast

from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.batches import check_batch_size
from dataaccess_server.domain.ids import is_uuid
from dataaccess_server.domain.model.request_logs import (
    Ingested,
    LogColumns,
    LogFilter,
    LogInput,
    LogQuery,
    RequestLog,
    StatusClass,
    StreamIngested,
)
from dataaccess_server.domain.pagination import Pager, PageSigner
from dataaccess_server.errors import FieldViolation, InvalidArgumentError

# Cut to these lengths; longer values are kept in part, not refused.
CAPS = {"user_agent": 1024, "path": 2048, "error_message": 4096}
# Status ranges of the classes ListRequestLogs filters by; server errors also include 0
# (no status at all), which the store's ``server_errors`` handles.
STATUS_RANGES = {StatusClass.SUCCESS: (200, 299), StatusClass.CLIENT_ERROR: (400, 499)}
# A stream is stored in chunks of about this many logs, each in its own transaction.
STREAM_CHUNK = 1000
# What each number's column holds: latency_ms is an integer, the token counts bigint
# (kept far below its limit, so that sums over a day cannot reach it).
_NUMBER_LIMITS = (("latency_ms", 2**31 - 1), ("input_tokens", 2**53), ("output_tokens", 2**53))

REQUIRED_TIME = (
    "is required: a log is identified by (request_time, request_id), and a time the"
    " server filled in would differ on every resend, storing a retried log twice"
)


@dataclass(frozen=True, slots=True)
class CheckedLogs:
    """A validated batch: its logs to store and the (UTC) days they fall on."""

    rows: list[RequestLog]
    days: frozenset[date]


class RequestLogStore(Protocol):
    """Where request logs are kept (db.request_logs.PostgresRequestLogStore). Every
    method is bounded by ``deadline`` and raises DatabaseUnavailableError,
    DeadlineExceededError or the translated error of its statements."""

    async def ensure_partitions(self, days: Collection[date], deadline: Deadline) -> list[str]:
        """Create the missing daily partitions of ``days``; return the names created."""
        ...

    async def insert_logs(self, logs: Sequence[RequestLog], deadline: Deadline) -> Ingested:
        """Store ``logs`` and their rollups in one transaction; a log already stored
        (same request_time and request_id), or earlier in ``logs``, is a duplicate.
        Their days' partitions must exist."""
        ...

    async def list_logs(
        self,
        filters: LogFilter,
        *,
        after: tuple[datetime, str] | None,
        limit: int,
        deadline: Deadline,
    ) -> list[RequestLog]:
        """Up to ``limit`` logs matching ``filters``, newest first, after the key
        (request_time, request_id) ``after``. May read a replica."""
        ...


def check_logs(
    logs: LogColumns,
    *,
    max_logs: int,
    max_days: int,
    retention_days: int,
    now: datetime,
    prefix: str = "logs",
) -> CheckedLogs:
    """Every log as a row, with the days they touch; or INVALID_ARGUMENT naming each bad
    field with its index: a missing request_time, one outside the window from midnight
    UTC ``retention_days`` before ``now`` (UTC) to a day after it, or the first log on a
    day past the ``max_days`` distinct days a batch may touch."""
    check_batch_size(logs, field=prefix, noun="logs", maximum=max_logs)
    earliest = datetime.combine(now.date() - timedelta(days=retention_days), time(), UTC)
    latest = now + timedelta(days=1)
    # A whole column at a time (what a batch costs to check is most of what the server
    # spends on it); only a batch with a bad log is gone through log by log, to name it.
    if _all_valid(logs, earliest, latest):
        rows = _rows(logs)
    else:
        rows = _checked_one_by_one(logs, earliest, latest, retention_days, prefix)
    days = frozenset(row.request_time.astimezone(UTC).date() for row in rows)
    if len(days) > max_days:
        raise _too_many_days(rows, max_days, prefix)
    return CheckedLogs(rows, days)


def _all_valid(logs: LogColumns, earliest: datetime, latest: datetime) -> bool:
    # What _problems and the window check accept, column by column.
    if None in logs.request_time:
        return False
    times = cast("list[datetime]", logs.request_time)
    if not (earliest <= min(times) and max(times) <= latest):
        return False
    lengths = (
        (logs.request_id, 1, 128),
        (logs.provider, 1, 64),
        (logs.model, 0, 256),
        (logs.auth_id, 0, 256),
        (logs.method, 0, 16),
    )
    for values, shortest, longest in lengths:
        if min(map(len, values)) < shortest or max(map(len, values)) > longest:
            return False
    for name, top in _NUMBER_LIMITS:
        numbers: list[int] = getattr(logs, name)
        if min(numbers) < 0 or max(numbers) > top:
            return False
    return (
        all(code == 0 or 100 <= code <= 599 for code in set(logs.status_code))
        and all(_is_uuid(key) for key in set(logs.api_key_id) if key)
        and all(_is_ip(ip) for ip in set(logs.client_ip) if ip)
    )


_new_log = cast("Callable[[Iterable[object]], RequestLog]", partial(tuple.__new__, RequestLog))


def _rows(logs: LogColumns) -> list[RequestLog]:
    # The rows of a valid batch, as _row builds them, a column at a time.
    def optional(values: list[str]) -> list[str | None]:
        return [value or None for value in values]

    def capped(values: list[str], cap: int) -> list[str | None]:
        return [value[:cap] or None for value in values]

    columns = zip(
        logs.request_time,
        logs.request_id,
        logs.provider,
        logs.model,
        logs.auth_id,
        [key.lower() or None for key in logs.api_key_id],
        optional(logs.client_ip),
        capped(logs.user_agent, CAPS["user_agent"]),
        optional(logs.method),
        capped(logs.path, CAPS["path"]),
        logs.status_code,
        logs.latency_ms,
        logs.input_tokens,
        logs.output_tokens,
        capped(logs.error_message, CAPS["error_message"]),
        strict=True,
    )
    # tuple.__new__ builds each in C (RequestLog._make is a Python call per log).
    return list(map(_new_log, columns))


def _checked_one_by_one(
    logs: LogColumns, earliest: datetime, latest: datetime, retention_days: int, prefix: str
) -> list[RequestLog]:
    # The rows, or INVALID_ARGUMENT naming every bad field (the first 20).
    window = (
        f"must lie from {earliest:%Y-%m-%dT%H:%M:%SZ} (the first day kept,"
        f" DB_LOG_RETENTION_DAYS={retention_days} days back) to {latest:%Y-%m-%dT%H:%M:%SZ}"
        " (a day ahead)"
    )
    problems: list[FieldViolation] = []
    rows = []
    said: dict[str, str] = {}
    for index in range(len(logs)):
        log = logs.at(index)
        found = _problems(log)
        when = log.request_time
        if when is None or not earliest <= when <= latest:
            # Each explanation once, in full; after that a short reference, so that 20
            # of them still make an error that fits in a status's headers.
            reason = REQUIRED_TIME if when is None else window
            found.append(("request_time", f"{said[reason]} too" if reason in said else reason))
            said[reason] = "is missing" if when is None else "is outside that window"
        problems.extend(FieldViolation(f"{prefix}[{index}].{name}", text) for name, text in found)
        if len(problems) >= 20:
            break
        if not found and when is not None:
            rows.append(_row(log, when))
    if problems:
        raise InvalidArgumentError(problems)
    return rows


def _too_many_days(rows: Sequence[RequestLog], max_days: int, prefix: str) -> InvalidArgumentError:
    # Only called with more than max_days days among rows: the loop finds the first log
    # on one day too many.
    seen: set[date] = set()
    index = 0
    while len(seen) <= max_days:
        seen.add(rows[index].request_time.astimezone(UTC).date())
        index += 1
    index -= 1
    unit = "batch" if prefix == "logs" else "message"
    return InvalidArgumentError.single(
        f"{prefix}[{index}].request_time",
        f"is on another day than the {max_days} before it in this {unit}: one {unit} may"
        f" touch at most {max_days} distinct days (DATAACCESS_MAX_BATCH_DAYS)",
    )


def _problems(log: LogInput) -> list[tuple[str, str]]:
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
        found.append(("client_ip", "must be an IPv4 or IPv6 address, without a zone id"))
    if len(log.method) > 16:
        found.append(("method", "must be at most 16 characters"))
    if log.status_code != 0 and not 100 <= log.status_code <= 599:
        found.append(("status_code", "must be 100-599, or 0 for no status"))
    for name, top in _NUMBER_LIMITS:
        if not 0 <= getattr(log, name) <= top:
            found.append((name, f"must be between 0 and {top}"))
    return found


# Clients and keys repeat from log to log: each distinct value is parsed once.
@functools.lru_cache(maxsize=4096)
def _is_ip(text: str) -> bool:
    # ipaddress takes an IPv6 zone id (fe80::1%eth0); the inet column does not.
    if "%" in text:
        return False
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


@functools.lru_cache(maxsize=4096)
def _is_uuid(text: str) -> bool:
    return is_uuid(text)


def _row(log: LogInput, when: datetime) -> RequestLog:
    def capped(name: str) -> str | None:
        value: str = getattr(log, name)
        return value[: CAPS[name]] if value else None

    return RequestLog(
        request_time=when,
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
    """The rules of request logs, over a store."""

    def __init__(
        self,
        store: RequestLogStore,
        *,
        max_batch: int = 10_000,
        max_batch_days: int = 3,
        retention_days: int = 30,
        stream_chunk: int = STREAM_CHUNK,
        pages: PageSigner,
    ) -> None:
        self._store = store
        self._pages = pages
        self._max_batch = max_batch
        self._max_batch_days = max_batch_days
        self._retention_days = retention_days
        self._stream_chunk = stream_chunk
        self._partitions: set[date] = set()  # days known to have a partition

    @property
    def max_batch_days(self) -> int:
        """The most distinct days one batch, or one stored chunk of a stream, touches."""
        return self._max_batch_days

    def check(self, logs: LogColumns, *, prefix: str = "logs") -> CheckedLogs:
        """Validate a batch (INVALID_ARGUMENT naming ``prefix[i].field``) into logs to store."""
        return check_logs(
            logs,
            max_logs=self._max_batch,
            max_days=self._max_batch_days,
            retention_days=self._retention_days,
            now=datetime.now(UTC),
            prefix=prefix,
        )

    async def insert(self, logs: LogColumns, deadline: Deadline) -> Ingested:
        """Store a batch in one transaction; logs stored before count as duplicates.

        INVALID_ARGUMENT (nothing written, no partition created) for a bad log, an
        oversized batch or one over more than ``max_batch_days`` days.
        """
        checked = self.check(logs)
        return await self.store_checked(checked.rows, deadline, days=checked.days)

    def stream(self) -> StreamIngest:
        """A stream's ingestion: feed it each message's logs, then finish it."""
        return StreamIngest(self, chunk=self._stream_chunk)

    async def store_checked(
        self,
        logs: Sequence[RequestLog],
        deadline: Deadline,
        *,
        days: Collection[date] | None = None,
    ) -> Ingested:
        """Store validated logs in one transaction (creating the partitions of their
        ``days``, computed when not given)."""
        if days is None:
            days = {log.request_time.astimezone(UTC).date() for log in logs}
        await self.ensure_partitions(set(days), deadline)
        return await self._store.insert_logs(logs, deadline)

    async def ensure_partitions(self, days: set[date], deadline: Deadline) -> list[str]:
        """Create the partitions of ``days`` that this process has not seen yet; return
        the names of those created now (by this call)."""
        missing = days - self._partitions
        if not missing:
            return []
        created = await self._store.ensure_partitions(missing, deadline)
        self._partitions |= missing
        return created

    async def prepare_ahead(self, today: date, days_ahead: int, deadline: Deadline) -> list[str]:
        """Create the partitions of ``today`` and the ``days_ahead`` days after it, so
        that ingestion never has to; return the names created now."""
        days = {today + timedelta(days=n) for n in range(days_ahead + 1)}
        # Forget days gone by: the set stays small in a process that runs for months.
        self._partitions = {day for day in self._partitions if day >= today - timedelta(days=2)}
        return await self.ensure_partitions(days, deadline)

    async def list(self, query: LogQuery, deadline: Deadline) -> tuple[list[RequestLog], str]:
        """A page of logs, newest first, and the next page's token."""
        if query.start_time and query.end_time and query.start_time >= query.end_time:
            raise InvalidArgumentError.single("end_time", "must be after start_time")
        status_from, status_to = STATUS_RANGES.get(query.status_class, (None, None))
        selected = LogFilter(
            auth_id=query.auth_id or None,
            provider=query.provider or None,
            model=query.model or None,
            status_from=status_from,
            status_to=status_to,
            server_errors=query.status_class is StatusClass.SERVER_ERROR,
            start_time=query.start_time,
            end_time=query.end_time,
        )
        pager = Pager(
            query.page_size,
            query.page_token,
            _token_filters(selected, query.status_class),
            self._pages,
        )
        after = _decode_key(pager.after) if pager.after else None
        rows = await self._store.list_logs(
            selected, after=after, limit=pager.limit, deadline=deadline
        )
        return pager.page(rows, key=_key_text)


class StreamIngest:
    """One stream's ingestion. Each message is validated as it arrives (a bad one ends
    the stream with INVALID_ARGUMENT naming ``messages[m].logs[i].field``); valid logs
    are stored in chunks of about ``chunk`` logs, each in its own transaction, so a
    broken stream keeps the chunks already stored (resending them only adds duplicates).
    A chunk is stored early rather than touch more than ``max_batch_days`` days.
    """

    def __init__(self, service: RequestLogService, *, chunk: int) -> None:
        self._service = service
        self._chunk = chunk
        self._pending: list[RequestLog] = []
        self._pending_days: set[date] = set()
        self._inserted = self._duplicates = self._messages = 0

    @property
    def next_prefix(self) -> str:
        """The field path of the next message's logs (``messages[3].logs``), for errors
        found while reading it."""
        return f"messages[{self._messages}].logs"

    async def add(self, logs: LogColumns, deadline: Deadline) -> None:
        """Validate the next message's logs, and store a chunk within ``deadline`` once
        about ``chunk`` logs are waiting. Raises as RequestLogService.insert does."""
        checked = self._service.check(logs, prefix=self.next_prefix)
        self._messages += 1
        if len(self._pending_days | checked.days) > self._service.max_batch_days:
            await self._flush(deadline)
        self._pending.extend(checked.rows)
        self._pending_days |= checked.days
        if len(self._pending) >= self._chunk:
            await self._flush(deadline)

    @property
    def stored(self) -> tuple[int, int]:
        """(inserted, duplicates) of the chunks stored so far."""
        return self._inserted, self._duplicates

    async def finish(self, deadline: Deadline) -> StreamIngested:
        """Store what is still waiting within ``deadline``; the totals of the stream."""
        await self._flush(deadline)
        return StreamIngested(self._inserted, self._duplicates, self._messages)

    async def _flush(self, deadline: Deadline) -> None:
        if self._pending:
            result = await self._service.store_checked(
                self._pending, deadline, days=self._pending_days
            )
            self._inserted += result.inserted
            self._duplicates += result.duplicates
            self._pending, self._pending_days = [], set()


def _token_filters(selected: LogFilter, status_class: StatusClass) -> dict[str, object]:
    # What a page token has always been bound to: the filters, with the class by its
    # name in place of the server_errors flag it stands for.
    filters = {field.name: getattr(selected, field.name) for field in dataclasses.fields(selected)}
    del filters["server_errors"]
    return {**filters, "class": status_class.value}


def _key_text(row: RequestLog) -> str:
    return json.dumps([row.request_time.isoformat(), row.request_id])


def _decode_key(text: str) -> tuple[datetime, str]:
    try:
        when, request_id = json.loads(text)
        return datetime.fromisoformat(when), str(request_id)
    except (ValueError, TypeError):
        raise InvalidArgumentError.single(
            "page_token", "is not a token this service returned"
        ) from None
