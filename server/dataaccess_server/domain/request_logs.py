"""Request logs: validation, size caps, daily partitions, de-duplicated bulk ingestion.

A batch is validated whole before anything is written; one bad log rejects it, naming
its index and field. Free-text fields are cut to their caps rather than refused (a
proxy should not lose a log over a long user agent). The partitions of a batch's days
are created first when missing, so a batch for a new day always succeeds. A stream is
validated message by message and stored in chunks, each in its own transaction. The
checks of a batch are domain/log_checks.py.

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
import json
from collections.abc import Collection, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Protocol

from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.log_checks import CheckedLogs, check_logs
from dataaccess_server.domain.model.request_logs import (
    Ingested,
    LogColumns,
    LogFilter,
    LogQuery,
    RequestLog,
    StatusClass,
    StreamIngested,
)
from dataaccess_server.domain.pagination import Pager, PageSigner
from dataaccess_server.errors import InvalidArgumentError

# Status ranges of the classes ListRequestLogs filters by; server errors also include 0
# (no status at all), which the store's ``server_errors`` handles.
STATUS_RANGES = {StatusClass.SUCCESS: (200, 299), StatusClass.CLIENT_ERROR: (400, 499)}
# A stream is stored in chunks of about this many logs, each in its own transaction.
STREAM_CHUNK = 1000


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
