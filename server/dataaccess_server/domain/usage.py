"""Daily usage counters: validation, summing within a batch, exactly-once application.

A batch is validated whole before anything is written (one bad record rejects it,
naming the record's index and field). Records for the same (date, provider, model,
auth_id) are summed, and the sums are written in primary-key order in one statement, so
concurrent batches take row locks in the same order and cannot deadlock. A request id
makes a retry, on any server and at any time, add nothing and answer as the first call.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Protocol

from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.batches import check_batch_size
from dataaccess_server.domain.ids import is_uuid
from dataaccess_server.domain.model.usage import (
    BIGINT_MAX,
    COUNTERS,
    TOTALLED,
    AppliedBatch,
    BatchResult,
    Charge,
    DailyUsage,
    UsageFilter,
    UsageInput,
    UsageKey,
    UsageQuery,
    describe_key,
)
from dataaccess_server.domain.pagination import Pager, PageSigner
from dataaccess_server.errors import (
    FailedPreconditionError,
    FieldViolation,
    InvalidArgumentError,
    OutOfRangeError,
    excerpt,
)

# Counters summed over a batch and then over a day must stay far from int64's limit.
MAX_COUNTER = 2**53
EARLIEST_DATE = date(2000, 1, 1)
LIMITS = {"provider": 64, "model": 256, "auth_id": 256}


class UsageStore(Protocol):
    """Where usage counters are kept (db.usage.PostgresUsageStore). Every method is
    bounded by ``deadline`` and raises DatabaseUnavailableError, DeadlineExceededError
    or the translated error of its statements."""

    async def apply_batch(
        self,
        rows: Sequence[DailyUsage],
        *,
        records_received: int,
        request_id: str | None,
        fingerprint: str,
        deadline: Deadline,
        charges: Sequence[Charge] = (),
    ) -> AppliedBatch:
        """Add ``rows`` (distinct keys, sorted by key) in one transaction, once per
        ``request_id`` (None: always). A request id applied before adds nothing and
        answers the first application's figures and fingerprint, ``replayed`` set.
        ``charges`` settle reservations and charge budgets in the same transaction."""
        ...

    async def list_usage(
        self, filters: UsageFilter, *, after: UsageKey | None, limit: int, deadline: Deadline
    ) -> list[DailyUsage]:
        """Up to ``limit`` counters matching ``filters``, in key order, after the key
        ``after``. May read a replica."""
        ...


def parse_date(text: str, name: str) -> date:
    """An ISO day; INVALID_ARGUMENT naming ``name`` otherwise."""
    if len(text) == 10:  # fromisoformat also takes "20250101" and week dates
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise InvalidArgumentError.single(name, "must be a date YYYY-MM-DD")


def check_records(
    records: Sequence[UsageInput], *, prefix: str, max_records: int
) -> list[DailyUsage]:
    """Every record as a row, or INVALID_ARGUMENT naming each bad field (with its index)."""
    check_batch_size(records, field=prefix, noun="records", maximum=max_records)
    latest = datetime.now(UTC).date() + timedelta(days=1)
    problems: list[FieldViolation] = []
    rows = []
    for index, record in enumerate(records):
        path = f"{prefix}[{index}]" if len(records) > 1 or prefix == "records" else prefix
        for name, limit in LIMITS.items():
            value = getattr(record, name)
            if not value:
                problems.append(FieldViolation(f"{path}.{name}", "is required"))
            elif len(value) > limit:
                problems.append(
                    FieldViolation(f"{path}.{name}", f"must be at most {limit} characters")
                )
        day = None
        try:
            day = parse_date(record.date, f"{path}.date")
            if not EARLIEST_DATE <= day <= latest:
                problems.append(
                    FieldViolation(f"{path}.date", f"must be between {EARLIEST_DATE} and {latest}")
                )
        except InvalidArgumentError as exc:
            problems.extend(exc.violations)
        for name in COUNTERS:
            value = record.counters.get(name, 0)
            if not 0 <= value <= MAX_COUNTER:
                problems.append(
                    FieldViolation(f"{path}.{name}", f"must be between 0 and {MAX_COUNTER}")
                )
        for name in ("api_key_id", "reservation_id"):
            value = getattr(record, name)
            if value and not is_uuid(value):
                problems.append(FieldViolation(f"{path}.{name}", "must be an id (a UUID)"))
        if len(problems) >= 20:  # enough to act on; the rest would drown it
            break
        if day is not None:
            rows.append(
                DailyUsage(
                    day,
                    record.provider,
                    record.model,
                    record.auth_id,
                    **{name: record.counters.get(name, 0) for name in COUNTERS},
                )
            )
    if problems:
        raise InvalidArgumentError(problems)
    return rows


def sum_by_key(rows: Sequence[DailyUsage]) -> list[DailyUsage]:
    """One row per key with the counters added up, sorted by key. Pure."""
    sums: dict[UsageKey, DailyUsage] = {}
    for row in rows:
        seen = sums.get(row.key)
        if seen is None:
            sums[row.key] = row
        else:
            sums[row.key] = replace(
                seen, **{name: getattr(seen, name) + getattr(row, name) for name in COUNTERS}
            )
    return [sums[key] for key in sorted(sums)]


# The most records one key may sum without any check: each counter is at most
# MAX_COUNTER, so neither a counter's sum nor total_tokens (three of them) can pass
# bigint until a key has more records than this (341).
SAFE_RECORDS_PER_KEY = BIGINT_MAX // (len(TOTALLED) * MAX_COUNTER)


def check_sums(rows: Sequence[DailyUsage], *, records: int) -> None:
    """OUT_OF_RANGE naming the first key whose summed counters (or their total) pass
    what a bigint column holds: a batch no store could take, refused before writing.
    ``rows`` are the sums of ``records`` records: when no key can have more than
    SAFE_RECORDS_PER_KEY of them, none can overflow, and nothing is looked at."""
    if records - len(rows) + 1 <= SAFE_RECORDS_PER_KEY:
        return
    for row in rows:
        totals = [getattr(row, name) for name in COUNTERS]
        totals.append(sum(getattr(row, name) for name in TOTALLED))
        if max(totals) > BIGINT_MAX:
            raise OutOfRangeError(
                f"the counters of this batch for {describe_key(row.key)} add up past"
                f" {BIGINT_MAX}, the most a counter holds: nothing was written"
            )


def fingerprint(rows: Sequence[DailyUsage]) -> str:
    """A digest of what a batch adds (after summing), to recognise its retries."""
    text = json.dumps(
        [
            [
                row.usage_date.isoformat(),
                row.provider,
                row.model,
                row.auth_id,
                *(getattr(row, name) for name in COUNTERS),
            ]
            for row in rows
        ]
    )
    return hashlib.sha256(text.encode()).hexdigest()


def charges_of(records: Sequence[UsageInput], request_id: str) -> list[Charge]:
    """What the records charge to key policies (records that name neither a key nor a
    reservation charge nothing). ``request_id`` (UpsertUsage's) settles the reservation
    made with it for a record naming a key but no reservation. Pure."""
    charges = []
    for record in records:
        reservation = record.reservation_id.lower() or None
        if reservation is None and record.api_key_id and request_id:
            reservation = request_id
        if record.api_key_id or reservation:
            counters = record.counters
            charges.append(
                Charge(
                    api_key_id=record.api_key_id.lower() or None,
                    reservation=reservation,
                    tokens=sum(counters.get(name, 0) for name in TOTALLED),
                    cost=counters.get("cost", 0),
                )
            )
    return charges


Charged = Callable[[Sequence[tuple[str, datetime, int]]], None]
"""Told the key-policy ledger rows a usage write changed (limit, period start, taken)."""


class UsageService:
    """The rules of usage counters, over a store."""

    def __init__(
        self,
        store: UsageStore,
        *,
        max_batch: int = 10_000,
        pages: PageSigner,
        on_charged: Charged | None = None,
    ) -> None:
        self._store = store
        self._pages = pages
        self._max_batch = max_batch
        self._on_charged = on_charged

    async def upsert(
        self,
        records: Sequence[UsageInput],
        request_id: str,
        deadline: Deadline,
        *,
        prefix: str = "records",
        settle_by_request_id: bool = False,
    ) -> BatchResult:
        """Add the records' counters once per ``request_id``, whole or not at all; settle
        the reservations they name and charge their keys' budgets in the same
        transaction (``settle_by_request_id``: UpsertUsage's request id names the
        reservation of a record that names a key).

        INVALID_ARGUMENT (nothing written) for a bad record or an oversized batch;
        FAILED_PRECONDITION when ``request_id`` was used for a different batch.
        """
        if len(request_id) > 128:
            raise InvalidArgumentError.single("request_id", "must be at most 128 characters")
        checked = check_records(records, prefix=prefix, max_records=self._max_batch)
        rows = sum_by_key(checked)
        check_sums(rows, records=len(checked))
        # Only a request id's retries are recognised by it.
        digest = fingerprint(rows) if request_id else ""
        charges = charges_of(records, request_id if settle_by_request_id else "")
        applied = await self._store.apply_batch(
            rows,
            records_received=len(records),
            request_id=request_id or None,
            fingerprint=digest,
            deadline=deadline,
            charges=charges,
        )
        if applied.charged and self._on_charged is not None:
            self._on_charged(applied.charged)
        if applied.replayed and applied.fingerprint != digest:
            raise FailedPreconditionError(
                f"request_id {excerpt(request_id)} was already used for a different batch: "
                "use a new request_id for new data"
            )
        return BatchResult(
            applied.records_received, applied.keys_updated, applied.replayed, applied.settled
        )

    async def list(self, query: UsageQuery, deadline: Deadline) -> tuple[list[DailyUsage], str]:
        """A page of daily counters, in key order, and the next page's token."""
        start = parse_date(query.start_date, "start_date") if query.start_date else None
        end = parse_date(query.end_date, "end_date") if query.end_date else None
        if start is not None and end is not None and start > end:
            raise InvalidArgumentError.single("end_date", "must not be before start_date")
        pager = Pager.of(query, self._pages)
        after = _decode_key(pager.after) if pager.after else None
        selected = UsageFilter(
            auth_id=query.auth_id or None,
            provider=query.provider or None,
            model=query.model or None,
            start_date=start,
            end_date=end,
        )
        rows = await self._store.list_usage(
            selected, after=after, limit=pager.limit, deadline=deadline
        )
        return pager.page(rows, key=_key_text)


def _key_text(row: DailyUsage) -> str:
    day, provider, model, auth_id = row.key
    return json.dumps([day.isoformat(), provider, model, auth_id])


def _decode_key(text: str) -> UsageKey:
    try:
        day, provider, model, auth_id = json.loads(text)
        return (date.fromisoformat(day), str(provider), str(model), str(auth_id))
    except (ValueError, TypeError):
        raise InvalidArgumentError.single(
            "page_token", "is not a token this service returned"
        ) from None
