"""The audit trail: one row per call that returns secrets, changes a credential, or
changes a config (creation, activation, rollback: they steer every proxy at once).

Rows are appended, never changed, in daily partitions that ``cleanup`` drops after
``DB_AUDIT_RETENTION_DAYS``. A row names the caller, method, resource, outcome and peer;
never a secret.

Rows are written by group commit: the events of calls that arrive while a write is in
flight go together in the next one, so under load one statement (and one round trip,
one commit) carries many rows, while a lone call's row is written at once. Every call
still returns only once its own row is stored. (The write's database span hangs under
the call that started the batch.)
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.model.access import AuditEvent, AuditQuery
from dataaccess_server.domain.pagination import Pager, PageSigner
from dataaccess_server.errors import (
    DataAccessError,
    DatabaseUnavailableError,
    DeadlineExceededError,
    InvalidArgumentError,
)


class AuditStore(Protocol):
    """Where audit rows are kept."""

    async def append_many(self, events: Sequence[AuditEvent], deadline: Deadline) -> None:
        """Store the rows in one statement, all or none (creating their days' partitions
        if needed)."""
        ...

    async def ensure_partitions(self, days: Sequence[date], deadline: Deadline) -> list[str]:
        """Create the missing daily partitions of ``days``; the names created."""
        ...

    async def list_events(
        self,
        query: AuditQuery,
        *,
        after: tuple[datetime, str] | None,
        limit: int,
        deadline: Deadline,
    ) -> list[AuditEvent]:
        """Rows matching ``query``, newest first, after the key (time, event id)."""
        ...


@dataclass(frozen=True, slots=True)
class AuditListQuery:
    """ListAuditEvents: the filters and the paging."""

    filters: AuditQuery
    page_size: int = 0
    page_token: str = ""


@dataclass(frozen=True, slots=True)
class _Queued:
    event: AuditEvent
    deadline: Deadline
    stored: asyncio.Future[None]


class AuditTrail:
    """Records audited calls and reads them back."""

    def __init__(self, store: AuditStore, *, pages: PageSigner) -> None:
        self._store = store
        self._pages = pages
        self._queued: list[_Queued] = []
        self._writer: asyncio.Task[None] | None = None

    async def record(self, event: AuditEvent, deadline: Deadline) -> None:
        """Append ``event``: stored when this returns (with the events of concurrent
        calls, in one statement). Raises as the store does (the caller decides what a
        lost row means for the call), DeadlineExceededError once ``deadline`` passes
        first (the row may still be written, as a statement cancelled late may
        commit)."""
        stored: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queued.append(_Queued(event, deadline, stored))
        if self._writer is None:
            # A task of its own, not the caller's: a caller that is cancelled must not
            # cancel the write of the other callers' rows.
            self._writer = asyncio.create_task(self._write_queued(), name="audit-writer")
        try:
            async with asyncio.timeout(deadline.remaining()):
                await stored
        except TimeoutError:
            raise DeadlineExceededError("the audit row was not stored in time") from None

    async def _write_queued(self) -> None:
        try:
            while self._queued:
                # One turn of the event loop first: the calls whose reads are answered
                # in it queue their rows too, and ride along.
                await asyncio.sleep(0)
                batch, self._queued = self._queued, []
                await self._write(batch)
        finally:
            self._writer = None
            # Only if this task was cancelled (shutdown): nobody is left to write them.
            for item in self._queued:
                _settle(item.stored, DatabaseUnavailableError("the audit writer stopped"))
            self._queued = []

    async def _write(self, batch: list[_Queued]) -> None:
        waiting = [item for item in batch if not item.stored.done()]
        if not waiting:
            return
        try:
            # The latest deadline: an impatient call must not fail the others' rows.
            latest = Deadline(max(item.deadline.expires_at for item in waiting))
            await self._store.append_many([item.event for item in waiting], latest)
        except (DatabaseUnavailableError, DeadlineExceededError) as exc:
            for item in waiting:
                _settle(item.stored, exc)
        except DataAccessError as exc:
            if len(waiting) == 1:
                _settle(waiting[0].stored, exc)
                return
            # A row the database refuses (a value it cannot hold) fails only its call.
            for item in waiting:
                await self._write([item])
        except Exception as exc:  # noqa: BLE001  (a bug: each waiter raises it, none hangs)
            for item in waiting:
                _settle(item.stored, exc)
        except BaseException:
            for item in waiting:
                _settle(item.stored, DatabaseUnavailableError("the audit write was cancelled"))
            raise
        else:
            for item in waiting:
                if not item.stored.done():
                    item.stored.set_result(None)

    async def prepare_ahead(self, today: date, days_ahead: int, deadline: Deadline) -> list[str]:
        """Create the partitions of ``today`` and the ``days_ahead`` days after it, so
        that no audited call has to; the names created now."""
        days = [today + timedelta(days=n) for n in range(days_ahead + 1)]
        return await self._store.ensure_partitions(days, deadline)

    async def list(self, query: AuditListQuery, deadline: Deadline) -> tuple[list[AuditEvent], str]:
        """A page of rows, newest first, and the next page's token."""
        f = query.filters
        if f.start_time and f.end_time and f.start_time >= f.end_time:
            raise InvalidArgumentError.single("end_time", "must be after start_time")
        pager = Pager(query.page_size, query.page_token, _token_filters(f), self._pages)
        after = None
        if pager.after:
            after = _decode_key(pager.after)
        rows = await self._store.list_events(f, after=after, limit=pager.limit, deadline=deadline)
        return pager.page(rows, key=lambda row: f"{row.time.isoformat()} {row.event_id}")


def _settle(stored: asyncio.Future[None], exc: BaseException) -> None:
    if not stored.done():
        stored.set_exception(exc)


def _token_filters(f: AuditQuery) -> dict[str, object]:
    # Every filter binds the token to its query: a field added later is bound too.
    return asdict(f)


def _decode_key(text: str) -> tuple[datetime, str]:
    when, _, event_id = text.partition(" ")
    try:
        return datetime.fromisoformat(when), event_id
    except ValueError:
        raise InvalidArgumentError.single(
            "page_token", "is not a token this service returned"
        ) from None
