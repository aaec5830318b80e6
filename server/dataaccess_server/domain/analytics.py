"""Analytics: range rules, and percentiles from latency histograms; storage through the
AnalyticsStore port.

Every call reads one node (a replica in rotation, else the primary), first the node's
freshness (``as_of``), then its figures in one snapshot (the store's contract). Day
ranges are inclusive; time ranges are half-open and widened to whole hours (whole days
for a daily series), the granularity of the rollups they are read from.

Percentiles come from histograms whose bucket b > 0 holds latencies in
(1.1^(b-1), 1.1^b] ms and bucket 0 those of at most 1 ms. The nearest-rank percentile
lies in the bucket where the cumulative count reaches its rank; the estimate is the
bucket's geometric middle, 1.1^(b-0.5), moved inside the whole milliseconds the bucket
holds (latencies are whole milliseconds). So it is within a factor of sqrt(1.1) (4.9%)
of the exact value, and within 1 ms in bucket 0.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from itertools import accumulate
from typing import Protocol

from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.key_analytics import (
    KeyAnalyticsStore,
    check_subject,
    every_bucket,
    every_day,
)
from dataaccess_server.domain.model.analytics import (
    Answer,
    AuthUsage,
    DayPieces,
    Filters,
    Granularity,
    GroupCounts,
    LatencyGroup,
    PercentileRow,
    Piece,
    Point,
    TimeRange,
    TopAuthsOrder,
    UsageSummary,
)
from dataaccess_server.domain.model.key_analytics import KeySpend, ValidationBucket
from dataaccess_server.domain.ranges import DAY, HOUR, STEPS, Ranges, floor
from dataaccess_server.errors import DataCorruptionError, FieldViolation, InvalidArgumentError

WEEK = timedelta(days=7)
MAX_PERCENTILES = 20
DEFAULT_PERCENTILES = (50.0, 95.0, 99.0)
DEFAULT_TOP = 10
MAX_TOP = 1000
BUCKET_GROWTH = 1.1
MAX_FILTER = {"provider": 64, "model": 256, "auth_id": 256}


def check_filters(filters: Filters, *, allow_auth: bool) -> Filters:
    """The filters as used (``auth_id`` dropped unless ``allow_auth``), or
    INVALID_ARGUMENT naming each one too long."""
    used = filters if allow_auth else replace(filters, auth_id="")
    values = {"provider": used.provider, "model": used.model, "auth_id": used.auth_id}
    problems = [
        FieldViolation(name, f"must be at most {MAX_FILTER[name]} characters")
        for name, value in values.items()
        if len(value) > MAX_FILTER[name]
    ]
    if problems:
        raise InvalidArgumentError(problems)
    return used


class AnalyticsStore(KeyAnalyticsStore, Protocol):
    """Where the figures are read. Each call reads one node (a replica in rotation, else
    the primary): first the node's freshness (the answer's ``as_of``), then every figure
    of the call in one snapshot, within ``deadline``. Every method raises
    DatabaseUnavailableError when no node can serve it, DeadlineExceededError when the
    deadline passes first."""

    async def usage_summary(
        self, start_date: date, end_date: date, filters: Filters, deadline: Deadline
    ) -> Answer[UsageSummary]:
        """Totals per provider and model with usage in the inclusive day range, and the
        grand total."""
        ...

    async def top_auths(
        self,
        start_date: date,
        end_date: date,
        *,
        order: TopAuthsOrder,
        limit: int,
        filters: Filters,
        deadline: Deadline,
    ) -> Answer[list[AuthUsage]]:
        """The ``limit`` auths with the most ``order`` in the inclusive day range."""
        ...

    async def error_rates(
        self, time_range: TimeRange, *, min_requests: int, filters: Filters, deadline: Deadline
    ) -> Answer[list[GroupCounts]]:
        """Requests and errors per provider and model with at least ``min_requests`` (and
        at least one) in the range (whole hours), by error rate, highest first."""
        ...

    async def latency(
        self,
        time_range: TimeRange,
        *,
        pieces: list[Piece],
        group_by: tuple[str, ...],
        filters: Filters,
        deadline: Deadline,
    ) -> Answer[list[LatencyGroup]]:
        """Per group with requests in the range (whole hours): requests, latency sum, and
        the histogram summed over ``pieces`` (which cover exactly the range), its count
        per bucket (index b is bucket b; every bucket, 0 to MAX_BUCKET)."""
        ...

    async def time_series(
        self,
        time_range: TimeRange,
        *,
        granularity: Granularity,
        filters: Filters,
        deadline: Deadline,
    ) -> Answer[list[Point]]:
        """Totals per hour or day (UTC) of the range that has logs, oldest first."""
        ...


class AnalyticsService:
    """The analytics queries: their range and argument rules, and the figures derived
    from what the store reads."""

    def __init__(self, store: AnalyticsStore, *, max_days: int = 366) -> None:
        self._store = store
        self._ranges = Ranges(max_days)

    async def usage_summary(
        self, start_date: str, end_date: str, filters: Filters, deadline: Deadline
    ) -> Answer[UsageSummary]:
        """Usage per provider and model over the inclusive day range, and the total."""
        start, end = self._ranges.days(start_date, end_date)
        used_filters = check_filters(filters, allow_auth=True)
        return await self._store.usage_summary(start, end, used_filters, deadline)

    async def top_auths(
        self,
        start_date: str,
        end_date: str,
        *,
        order: TopAuthsOrder | None,
        limit: int,
        filters: Filters,
        deadline: Deadline,
    ) -> Answer[list[AuthUsage]]:
        """The auths with the most requests or total tokens over the day range (``order``
        None: one this server does not know)."""
        start, end = self._ranges.days(start_date, end_date)
        if order is None:
            raise InvalidArgumentError.single("order_by", "is not a known order")
        if limit < 0 or limit > MAX_TOP:
            raise InvalidArgumentError.single("limit", f"must be between 0 and {MAX_TOP}")
        used_filters = check_filters(filters, allow_auth=False)
        return await self._store.top_auths(
            start,
            end,
            order=order,
            limit=limit or DEFAULT_TOP,
            filters=used_filters,
            deadline=deadline,
        )

    async def error_rates(
        self,
        start_time: datetime | None,
        end_time: datetime | None,
        *,
        min_requests: int,
        filters: Filters,
        deadline: Deadline,
    ) -> tuple[TimeRange, Answer[list[GroupCounts]]]:
        """Requests and errors per provider and model, highest error rate first."""
        used = self._ranges.times(start_time, end_time, HOUR)
        if min_requests < 0:
            raise InvalidArgumentError.single("min_requests", "must be at least 0")
        used_filters = check_filters(filters, allow_auth=False)
        answer = await self._store.error_rates(
            used, min_requests=min_requests, filters=used_filters, deadline=deadline
        )
        return used, answer

    async def latency_percentiles(
        self,
        start_time: datetime | None,
        end_time: datetime | None,
        *,
        percentiles: Sequence[float],
        group_by: tuple[str, ...],
        filters: Filters,
        deadline: Deadline,
    ) -> tuple[TimeRange, Answer[list[PercentileRow]]]:
        """Latency percentiles per group (``group_by`` ⊆ provider, model).
        DATA_CORRUPTION when a group's histogram does not count its requests."""
        used = self._ranges.times(start_time, end_time, HOUR)
        wanted = check_percentiles(percentiles)
        used_filters = check_filters(filters, allow_auth=False)
        answer = await self._store.latency(
            used,
            pieces=histogram_pieces(used.start, used.end),
            group_by=group_by,
            filters=used_filters,
            deadline=deadline,
        )
        return used, Answer(percentile_rows(answer.value, wanted), answer.as_of)

    async def time_series(
        self,
        start_time: datetime | None,
        end_time: datetime | None,
        *,
        granularity: Granularity | None,
        filters: Filters,
        deadline: Deadline,
    ) -> tuple[TimeRange, Answer[list[Point]]]:
        """Every hour or day of the range, oldest first, zeros where there were no logs
        (``granularity`` None: unspecified or unknown)."""
        used, unit = self._ranges.series(start_time, end_time, granularity)
        step = STEPS[unit]
        points = (used.end - used.start) // step
        used_filters = check_filters(filters, allow_auth=False)
        answer = await self._store.time_series(
            used, granularity=unit, filters=used_filters, deadline=deadline
        )
        found = {point.time: point for point in answer.value}
        starts = (used.start + n * step for n in range(points))
        series = [found.get(start) or Point(start, 0, 0, 0, 0) for start in starts]
        return used, Answer(series, answer.as_of)

    async def key_validations(
        self,
        api_key_id: str,
        owner_id: str,
        start_time: datetime | None,
        end_time: datetime | None,
        *,
        granularity: Granularity | None,
        deadline: Deadline,
    ) -> tuple[TimeRange, Answer[list[ValidationBucket]]]:
        """Validations of one key, or of one owner's keys, by reason in every hour or
        day of the range, oldest first (empty buckets where there were none)."""
        subject = check_subject(api_key_id, owner_id)
        used, unit = self._ranges.series(start_time, end_time, granularity)
        answer = await self._store.key_validations(
            subject, used, granularity=unit, deadline=deadline
        )
        buckets = every_bucket(used.start, used.end, STEPS[unit], answer.value)
        return used, Answer(buckets, answer.as_of)

    async def key_spend(
        self, api_key_id: str, owner_id: str, start_date: str, end_date: str, deadline: Deadline
    ) -> Answer[KeySpend]:
        """Spend of one key, or of one owner's keys, in every day of the inclusive range,
        oldest first (zeros where there was none), and each budget that applies in its
        current period."""
        subject = check_subject(api_key_id, owner_id)
        start, end = self._ranges.days(start_date, end_date)
        answer = await self._store.key_spend(subject, start, end, deadline)
        days = every_day(start, end, answer.value.days)
        return Answer(replace(answer.value, days=days), answer.as_of)


def histogram_pieces(start: datetime, end: datetime) -> list[Piece]:
    """The pieces of the weekly, daily and hourly latency histograms that sum to
    [start, end) (whole hours): whole ISO weeks from the weekly one, other whole days
    from the daily one; a partial day either as its hours in
    the range, or, when those are more than half the day, as the day minus its hours
    outside the range. So at most 12 hours are read hourly at each end."""
    pieces: list[Piece] = []
    first_day, last_day = floor(start, DAY), floor(end - HOUR, DAY)
    hourly_days = set()  # partial days read from the hourly histogram alone
    for day in sorted({first_day, last_day}):
        inside_from, inside_to = max(start, day), min(end, day + DAY)
        if inside_to - inside_from == DAY:
            continue
        if inside_to - inside_from > DAY / 2:  # the day, minus its hours outside
            for outside_from, outside_to in ((day, inside_from), (inside_to, day + DAY)):
                if outside_from < outside_to:
                    pieces.append(Piece("hour", outside_from, outside_to, -1))
        else:
            pieces.append(Piece("hour", inside_from, inside_to))
            hourly_days.add(day)
    day_from = first_day + (DAY if first_day in hourly_days else timedelta())
    day_to = last_day + (timedelta() if last_day in hourly_days else DAY)
    if day_from < day_to:
        pieces.extend(_week_pieces(day_from.date(), (day_to - DAY).date()))
    return pieces


def _week_pieces(first: date, last: date) -> list[Piece]:
    """The whole days [first, last] as pieces: the ISO weeks wholly inside from the weekly
    histogram, the days before and after them from the daily one."""
    split = DayPieces.of(first, last)
    pieces = []
    if split.week_from <= split.week_to:
        pieces.append(Piece("week", split.week_from, split.week_to + WEEK))
    for from_day, to_day in (split.head, split.tail):
        if from_day <= to_day:
            pieces.append(Piece("day", from_day, to_day + timedelta(days=1)))
    return pieces


def percentile_rows(groups: Sequence[LatencyGroup], wanted: Sequence[float]) -> list[PercentileRow]:
    """Each group's mean and ``wanted`` percentiles, or DATA_CORRUPTION when a group's
    histogram has a negative count or does not count exactly its requests."""
    rows = []
    for group in groups:
        # Running totals, so each nearest rank is one bisection (estimate_percentile's
        # arithmetic: the first bucket whose running total reaches the rank).
        upto = list(accumulate(group.histogram))
        counted = upto[-1] if upto else 0
        negative = any(count < 0 for count in group.histogram)
        if counted != group.requests or negative:
            raise DataCorruptionError(
                f"the latency histogram of {group.provider or '*'}/{group.model or '*'} "
                f"counts {counted} requests where the hourly rollup has {group.requests}"
                + (" (a bucket is negative)" if negative else "")
            )
        estimates = []
        for p in wanted:
            rank = max(1, math.ceil(p / 100 * counted))
            estimates.append((p, bucket_estimate(bisect_left(upto, rank))))
        rows.append(
            PercentileRow(
                group.provider,
                group.model,
                group.requests,
                group.latency_ms_sum / group.requests,
                estimates,
            )
        )
    return rows


def check_percentiles(percentiles: Sequence[float]) -> list[float]:
    """The percentiles asked for (default 50, 95, 99), or INVALID_ARGUMENT."""
    if not percentiles:
        return list(DEFAULT_PERCENTILES)
    if len(percentiles) > MAX_PERCENTILES:
        raise InvalidArgumentError.single(
            "percentiles", f"has {len(percentiles)} values; at most {MAX_PERCENTILES}"
        )
    problems = [
        FieldViolation(f"percentiles[{i}]", "must be greater than 0 and at most 100")
        for i, p in enumerate(percentiles)
        if not (math.isfinite(p) and 0 < p <= 100)
    ]
    if problems:
        raise InvalidArgumentError(problems)
    return list(percentiles)


def estimate_percentile(buckets: Sequence[tuple[int, int]], percentile: float) -> float:
    """The nearest-rank ``percentile`` of a histogram of (bucket, count), by bucket (see
    the module's note on its error bound)."""
    total = sum(count for _, count in buckets)
    # PostgreSQL's percentile_disc, to the same floating-point rounding.
    rank = max(1, math.ceil(percentile / 100 * total))
    seen = 0
    for bucket, count in buckets:
        seen += count
        if seen >= rank:
            return bucket_estimate(bucket)
    raise ValueError("empty histogram")


def bucket_estimate(bucket: int) -> float:
    """A latency representing ``bucket``: its geometric middle, moved inside the whole
    milliseconds the bucket holds."""
    if bucket <= 0:
        return 1.0
    low: float = BUCKET_GROWTH ** (bucket - 1)
    high: float = BUCKET_GROWTH**bucket
    middle: float = BUCKET_GROWTH ** (bucket - 0.5)
    smallest, largest = math.floor(low) + 1, math.floor(high)
    if smallest > largest:  # no whole millisecond in it: cannot hold a logged latency
        return middle
    return min(max(middle, float(smallest)), float(largest))
