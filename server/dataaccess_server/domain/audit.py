"""The audit trail: one row per call that returns secrets, changes a credential, or
changes a config (creation, activation, rollback: they steer every proxy at once).

Rows are appended, never changed, in daily partitions that ``cleanup`` drops after
``DB_AUDIT_RETENTION_DAYS``. A row names the caller, method, resource, outcome and peer;
never a secret.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.model.access import AuditEvent, AuditQuery
from dataaccess_server.domain.pagination import Pager, PageSigner
from dataaccess_server.errors import InvalidArgumentError


class AuditStore(Protocol):
    """Where audit rows are kept."""

    async def append(self, event: AuditEvent, deadline: Deadline) -> None:
        """Store one row (creating its day's partition if needed)."""
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


class AuditTrail:
    """Records audited calls and reads them back."""

    def __init__(self, store: AuditStore, *, pages: PageSigner) -> None:
        self._store = store
        self._pages = pages

    async def record(self, event: AuditEvent, deadline: Deadline) -> None:
        """Append ``event``; raises as the store does (the caller decides what a lost
        row means for the call)."""
        await self._store.append(event, deadline)

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
