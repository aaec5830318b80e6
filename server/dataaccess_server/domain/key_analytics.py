"""Per-key analytics: validations counted in memory per hour, key and reason and added
to the hourly rollup every few seconds; the rules of the per-key questions.

Counting is on the hottest path (every validation), so :meth:`ValidationCounts.note` is
one dict increment keyed by plain values (the hour as epoch seconds // 3600); the
server's flush loop writes what was counted in one statement (``ValidationCountStore``)
and puts it back when that fails, so a count is lost only when a server dies between
flushes. Unknown keys are not counted: they have no id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Protocol

from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.ids import is_uuid
from dataaccess_server.domain.model.analytics import Answer, Granularity, TimeRange
from dataaccess_server.domain.model.api_keys import APIKey, Reason
from dataaccess_server.domain.model.key_analytics import (
    CountKey,
    KeySpend,
    KeySubject,
    SpendDay,
    ValidationBucket,
)
from dataaccess_server.errors import FieldViolation, InvalidArgumentError

MAX_OWNER_ID = 256


class ValidationCountStore(Protocol):
    """Where validation counts are added up (the hourly rollup)."""

    async def add_validation_counts(
        self, counts: Mapping[CountKey, int], deadline: Deadline
    ) -> None:
        """Add ``counts`` to the rollup's rows in one statement, on the primary. Raises
        DatabaseUnavailableError, DeadlineExceededError."""
        ...


class KeyAnalyticsStore(Protocol):
    """The per-key figures, read as AnalyticsStore reads (one node, one snapshot, the
    answer's freshness; the same errors)."""

    async def key_validations(
        self,
        subject: KeySubject,
        time_range: TimeRange,
        *,
        granularity: Granularity,
        deadline: Deadline,
    ) -> Answer[list[ValidationBucket]]:
        """Validations of the key or owner by reason per hour or day (UTC) of the range
        (whole units) that has some, oldest first, from the hourly rollup."""
        ...

    async def key_spend(
        self, subject: KeySubject, start_date: date, end_date: date, deadline: Deadline
    ) -> Answer[KeySpend]:
        """Spend of the key or owner per day of the inclusive range that has some, from
        the daily rollup, and the budgets that apply in their current periods."""
        ...


class ValidationCounts:
    """Validations per (UTC hour, key, owner, reason), kept in memory between flushes."""

    def __init__(self, store: ValidationCountStore | None = None) -> None:
        self._pending: dict[CountKey, int] = {}
        self.store = store
        """Where :meth:`flush` adds the counts (None: nowhere yet, nothing is flushed)."""

    def note(self, record: APIKey | None, reason: Reason, now: float) -> None:
        """Count one validation of ``record`` (None: an unknown key, not counted) at
        ``now`` (epoch seconds, ``time.time()``)."""
        if record is None:
            return
        key = (int(now // 3600), record.id, record.owner_id, reason.value)
        pending = self._pending
        pending[key] = pending.get(key, 0) + 1

    def take(self) -> dict[CountKey, int]:
        """Everything counted since the last take."""
        pending, self._pending = self._pending, {}
        return pending

    def put_back(self, pending: Mapping[CountKey, int]) -> None:
        """Return counts a flush could not write, to go with the next one."""
        counts = self._pending
        for key, count in pending.items():
            counts[key] = counts.get(key, 0) + count

    async def flush(self, deadline: Deadline) -> int:
        """Add the counts to the store in one statement; how many (hour, key, reason)
        counts. On failure they are kept for the next flush."""
        store = self.store
        if store is None or not self._pending:
            return 0
        pending = self.take()
        try:
            await store.add_validation_counts(pending, deadline)
        except BaseException:
            self.put_back(pending)
            raise
        return len(pending)


def check_subject(api_key_id: str, owner_id: str) -> KeySubject:
    """The key or the owner asked about; INVALID_ARGUMENT naming the field unless
    exactly one is set and well formed (a key id is a UUID, an owner 1-256 characters)."""
    if bool(api_key_id) == bool(owner_id):
        message = "exactly one of api_key_id and owner_id is required"
        raise InvalidArgumentError(
            [FieldViolation("api_key_id", message), FieldViolation("owner_id", message)]
        )
    if api_key_id:
        if not is_uuid(api_key_id):
            raise InvalidArgumentError.single("api_key_id", "must be a key id (a UUID)")
        return KeySubject(api_key_id=api_key_id.lower())
    if len(owner_id) > MAX_OWNER_ID:
        raise InvalidArgumentError.single("owner_id", f"must be at most {MAX_OWNER_ID} characters")
    return KeySubject(owner_id=owner_id)


def every_bucket(
    start: datetime, end: datetime, step: timedelta, found: Iterable[ValidationBucket]
) -> list[ValidationBucket]:
    """A bucket for every ``step`` of [start, end), oldest first: those ``found``, and
    empty ones between."""
    by_time = {bucket.time.astimezone(UTC): bucket for bucket in found}
    buckets = []
    moment = start
    while moment < end:
        buckets.append(by_time.get(moment) or ValidationBucket(moment, {}))
        moment += step
    return buckets


def every_day(start: date, end: date, found: Iterable[SpendDay]) -> list[SpendDay]:
    """A day for every day of [start, end], oldest first: those ``found``, and zeros."""
    by_day = {spend.day: spend for spend in found}
    count = (end - start).days + 1
    days = (start + timedelta(days=n) for n in range(count))
    return [by_day.get(day) or SpendDay(day, 0, 0, 0) for day in days]
