"""AnalyticsService against a real PostgreSQL: each RPC's answer equals the same figure
computed by a plain SQL query over the raw tables (usage_stats, request_logs) of a
generated data set; percentiles lie within the documented bound; ranges are validated;
empty ranges answer with zeros; calls run on a replica and survive the primary's loss."""

from __future__ import annotations

import asyncio
import math
import random
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

import grpc
import psycopg
import pytest
from google.protobuf import timestamp_pb2

from dataaccess.v1 import analytics_pb2 as pb
from dataaccess.v1 import request_logs_pb2 as logs_pb
from dataaccess.v1 import usage_pb2
from dataaccess_server.app import Application
from dataaccess_server.db.migrations import Migrator
from dataaccess_server.db.rollup_fold import FOLD_DELTAS
from dataaccess_server.domain.analytics import histogram_pieces
from tests.harness import stubs
from tests.harness.postgres import InstanceFactory
from tests.harness.server import health_status, server_settings
from tests.harness.waiting import wait_until

if TYPE_CHECKING:
    from dataaccess.v1.analytics_pb2_grpc import AnalyticsServiceAsyncStub

# A fixed instant for requests refused before any date matters.
ANY_TIME = datetime(2026, 1, 1, tzinfo=UTC)
LOG_DAYS = 4


def first_log_day(today: date) -> datetime:
    """The logs' first day: whole days in the past, so no log is in the future."""
    return datetime.combine(today - timedelta(days=8), time(), UTC)


@pytest.fixture
def base(today: date) -> datetime:
    """``first_log_day`` of the test's ``today``: its data and its queries agree."""
    return first_log_day(today)


PROVIDERS = {"claude": ["opus", "sonnet", "haiku"], "gemini": ["pro", "flash"], "codex": ["gpt"]}
STATUSES = [200] * 14 + [201, 400, 404, 429, 500, 502, 0]
# The documented bound: within a factor of sqrt(1.1) of the exact value, or 1 ms.
RELATIVE_BOUND = math.sqrt(1.1) - 1
ANALYTICS = pb.DESCRIPTOR.services_by_name["AnalyticsService"].full_name


def stamp(when: datetime) -> timestamp_pb2.Timestamp:
    value = timestamp_pb2.Timestamp()
    value.FromDatetime(when)
    return value


def latency(rng: random.Random) -> int:
    """Mostly log-normal around a second, with some 0-2 ms and some very slow ones."""
    roll = rng.random()
    if roll < 0.03:
        return rng.choice([0, 1, 2])
    if roll < 0.05:
        return rng.randint(60_000, 300_000)
    return int(rng.lognormvariate(math.log(800), 1.0))


def generated_logs(base: datetime, count: int, seed: int = 7) -> list[logs_pb.RequestLog]:
    rng = random.Random(seed)
    pairs = [(p, m) for p, models in PROVIDERS.items() for m in models]
    logs = []
    for n in range(count):
        provider, model = rng.choice(pairs)
        when = base + timedelta(seconds=rng.randrange(LOG_DAYS * 86_400))
        logs.append(
            logs_pb.RequestLog(
                request_id=f"req-{n}",
                request_time=stamp(when),
                provider=provider,
                model=model,
                auth_id=f"auth-{rng.randrange(25)}",
                status_code=rng.choice(STATUSES),
                latency_ms=latency(rng),
                input_tokens=rng.randrange(5000),
                output_tokens=rng.randrange(2000),
            )
        )
    return logs


def generated_usage(today: date, count: int, seed: int = 11) -> list[usage_pb2.UsageRecord]:
    rng = random.Random(seed)
    pairs = [(p, m) for p, models in PROVIDERS.items() for m in models]
    records = []
    for _ in range(count):
        provider, model = rng.choice(pairs)
        requests = rng.randrange(1, 50)
        errors = rng.randrange(0, requests // 5 + 1)
        records.append(
            usage_pb2.UsageRecord(
                provider=provider,
                model=model,
                auth_id=f"auth-{rng.randrange(40)}",
                date=(today - timedelta(days=rng.randrange(12))).isoformat(),
                request_count=requests,
                input_tokens=rng.randrange(100_000),
                output_tokens=rng.randrange(50_000),
                reasoning_tokens=rng.randrange(10_000),
                cached_tokens=rng.randrange(20_000),
                success_count=requests - errors,
                error_count=errors,
            )
        )
    return records


async def load(
    channel: grpc.aio.Channel, today: date, *, logs: int = 6000, usage: int = 3000
) -> None:
    log_stub = stubs.request_logs(channel)
    # In time order, so that each batch touches few days (DATAACCESS_MAX_BATCH_DAYS).
    sent = sorted(
        generated_logs(first_log_day(today), logs), key=lambda log: log.request_time.ToNanoseconds()
    )
    for first in range(0, len(sent), 1000):
        reply = await log_stub.BatchInsertRequestLogs(
            logs_pb.BatchInsertRequestLogsRequest(logs=sent[first : first + 1000])
        )
        assert reply.inserted == len(sent[first : first + 1000])
    usage_stub = stubs.usage(channel)
    records = generated_usage(today, usage)
    for first in range(0, len(records), 1000):
        await usage_stub.BatchUpsertUsage(
            usage_pb2.BatchUpsertUsageRequest(records=records[first : first + 1000])
        )


def rows(dsn: str, query: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
    with psycopg.connect(dsn) as conn:
        return conn.execute(query.encode(), params).fetchall()


@pytest.fixture
def server(unfolding: Application) -> Application:
    """The conftest's server, with a fold that never runs by itself: ``loaded`` decides
    whether the deltas are folded, so each state is tested, not whichever came first."""
    return unfolding


@pytest.fixture(params=["deltas unfolded", "deltas folded"])
async def loaded(
    request: pytest.FixtureRequest,
    server: Application,
    channel: grpc.aio.Channel,
    pg_database: str,
    today: date,
) -> str:
    """The test's database after ``load``: every answer must equal plain SQL over the
    raw tables with the logs' rollup deltas unfolded (as right after ingestion) and
    after the fold."""
    await load(channel, today)
    assert server.rollup_fold is not None
    if request.param == "deltas folded":
        assert await server.rollup_fold.fold_all() > 0
    return pg_database


# --- usage counters ---------------------------------------------------------------------

SUMMARY_SQL = """
SELECT provider, model, sum(request_count), sum(input_tokens), sum(output_tokens),
    sum(reasoning_tokens), sum(cached_tokens),
    sum(input_tokens + output_tokens + reasoning_tokens), sum(success_count),
    sum(error_count), count(DISTINCT auth_id)
FROM usage_stats WHERE usage_date BETWEEN %(start)s AND %(end)s {where}
GROUP BY provider, model ORDER BY provider, model
"""
TOTAL_SQL = """
SELECT coalesce(sum(request_count), 0), coalesce(sum(input_tokens), 0),
    coalesce(sum(output_tokens), 0), coalesce(sum(reasoning_tokens), 0),
    coalesce(sum(cached_tokens), 0),
    coalesce(sum(input_tokens + output_tokens + reasoning_tokens), 0),
    coalesce(sum(success_count), 0), coalesce(sum(error_count), 0), count(DISTINCT auth_id)
FROM usage_stats WHERE usage_date BETWEEN %(start)s AND %(end)s {where}
"""


def totals(message: pb.UsageTotals) -> tuple[int, ...]:
    return (
        message.requests,
        message.input_tokens,
        message.output_tokens,
        message.reasoning_tokens,
        message.cached_tokens,
        message.total_tokens,
        message.successes,
        message.errors,
        message.distinct_auths,
    )


@pytest.mark.parametrize(
    "filters",
    [{}, {"provider": "claude"}, {"provider": "claude", "model": "opus"}, {"auth_id": "auth-3"}],
)
async def test_usage_summary_equals_sql_over_usage_stats(
    analytics_stub: AnalyticsServiceAsyncStub, loaded: str, filters: dict[str, str], today: date
) -> None:
    start, end = today - timedelta(days=9), today - timedelta(days=3)
    reply = await analytics_stub.GetUsageSummary(
        pb.GetUsageSummaryRequest(start_date=start.isoformat(), end_date=end.isoformat(), **filters)
    )
    where = "".join(f" AND {name} = %({name})s" for name in filters)
    params = {"start": start, "end": end, **filters}
    expected = rows(loaded, SUMMARY_SQL.replace("{where}", where), params)
    assert len(expected) > 0
    assert [(r.provider, r.model, *totals(r.totals)) for r in reply.rows] == expected
    assert totals(reply.total) == rows(loaded, TOTAL_SQL.replace("{where}", where), params)[0]
    assert reply.HasField("as_of_time")


TOP_SQL = """
SELECT auth_id, sum(request_count) AS requests,
    sum(input_tokens + output_tokens + reasoning_tokens) AS tokens,
    count(DISTINCT provider || '/' || model)
FROM usage_stats WHERE usage_date BETWEEN %(start)s AND %(end)s {where}
GROUP BY auth_id ORDER BY {order} DESC, auth_id LIMIT %(limit)s
"""


@pytest.mark.parametrize(
    ("order", "column", "limit", "filters"),
    [
        (pb.TOP_AUTHS_ORDER_UNSPECIFIED, "requests", 0, {}),
        (pb.TOP_AUTHS_ORDER_REQUESTS, "requests", 5, {"provider": "gemini"}),
        (pb.TOP_AUTHS_ORDER_TOTAL_TOKENS, "tokens", 1000, {}),
        (pb.TOP_AUTHS_ORDER_TOTAL_TOKENS, "tokens", 3, {"model": "flash"}),
    ],
)
async def test_top_auths_equal_sql_over_usage_stats(
    analytics_stub: AnalyticsServiceAsyncStub,
    loaded: str,
    order: int,
    column: str,
    limit: int,
    filters: dict[str, str],
    today: date,
) -> None:
    start, end = today - timedelta(days=6), today
    reply = await analytics_stub.GetTopAuthsByUsage(
        pb.GetTopAuthsByUsageRequest(
            start_date=start.isoformat(),
            end_date=end.isoformat(),
            limit=limit,
            order_by=order,  # type: ignore[arg-type]
            **filters,
        )
    )
    where = "".join(f" AND {name} = %({name})s" for name in filters)
    sql = TOP_SQL.replace("{where}", where).replace("{order}", column)
    expected = rows(loaded, sql, {"start": start, "end": end, "limit": limit or 10, **filters})
    assert len(expected) == (limit or 10 if limit != 1000 else 40)
    got = [(a.auth_id, a.requests, a.total_tokens, a.distinct_models) for a in reply.auths]
    assert got == expected


# --- request-log rollups ------------------------------------------------------------------

ERRORS_SQL = """
SELECT provider, model, count(*) AS requests,
    count(*) FILTER (WHERE status_code >= 400 OR status_code = 0) AS errors
FROM request_logs WHERE request_time >= %(start)s AND request_time < %(end)s {where}
GROUP BY provider, model HAVING count(*) >= %(min)s
ORDER BY count(*) FILTER (WHERE status_code >= 400 OR status_code = 0)::float8 / count(*) DESC,
    requests DESC, provider, model
"""


@pytest.mark.parametrize(("min_requests", "filters"), [(0, {}), (530, {}), (0, {"model": "gpt"})])
async def test_error_rates_equal_sql_over_the_raw_logs_of_the_widened_range(
    analytics_stub: AnalyticsServiceAsyncStub,
    loaded: str,
    min_requests: int,
    filters: dict[str, str],
    base: datetime,
) -> None:
    asked_start = base + timedelta(hours=5, minutes=17)
    asked_end = base + timedelta(days=2, hours=7, seconds=1)
    reply = await analytics_stub.GetErrorRates(
        pb.GetErrorRatesRequest(
            start_time=stamp(asked_start),
            end_time=stamp(asked_end),
            min_requests=min_requests,
            **filters,
        )
    )
    start, end = base + timedelta(hours=5), base + timedelta(days=2, hours=8)
    assert reply.start_time.ToDatetime(UTC) == start
    assert reply.end_time.ToDatetime(UTC) == end
    where = "".join(f" AND {name} = %({name})s" for name in filters)
    expected = rows(
        loaded,
        ERRORS_SQL.replace("{where}", where),
        {"start": start, "end": end, "min": min_requests, **filters},
    )
    assert len(expected) > 0
    got = [(r.provider, r.model, r.requests, r.errors) for r in reply.rates]
    assert got == expected
    for rate in reply.rates:
        assert rate.error_rate == rate.errors / rate.requests
    if min_requests == 530:
        assert len(expected) < 6  # the filter dropped some groups


def test_histogram_pieces_cover_each_hour_of_the_range_exactly_once() -> None:
    rng = random.Random(3)
    origin = datetime(2026, 3, 1, tzinfo=UTC)
    for _ in range(2000):
        start = origin + timedelta(hours=rng.randrange(24 * 10))
        end = start + timedelta(hours=rng.randrange(1, 24 * 5))
        pieces = histogram_pieces(start, end)
        hourly = {True: 0, False: 0}
        for piece in pieces:
            if piece.kind == "hour":
                assert isinstance(piece.start, datetime)
                assert isinstance(piece.end, datetime)
                hourly[piece.start < start + timedelta(days=1)] += int(
                    (piece.end - piece.start) / timedelta(hours=1)
                )
        assert max(hourly.values()) <= 24  # at most 12 per end, whatever the range
        hour = start - timedelta(days=2)
        while hour < end + timedelta(days=2):
            covered = 0
            for piece in pieces:
                if piece.kind == "day":
                    inside = piece.start <= hour.date() < piece.end
                else:
                    inside = piece.start <= hour < piece.end
                covered += piece.sign if inside else 0
            assert covered == (1 if start <= hour < end else 0), (start, end, hour, pieces)
            hour += timedelta(hours=1)


PERCENTILES = [1, 50, 90, 95, 99, 99.9, 100]
PERCENTILE_SQL = """
SELECT {groups}, count(*), avg(latency_ms)::float8,
    percentile_disc(%(fractions)s::float8[]) WITHIN GROUP (ORDER BY latency_ms)
FROM request_logs WHERE request_time >= %(start)s AND request_time < %(end)s {where}
{grouping}
"""


def within_bound(estimate: float, exact: int) -> bool:
    return abs(estimate - exact) <= max(1.0, exact * RELATIVE_BOUND) + 1e-9


@pytest.mark.parametrize(
    ("by_provider", "by_model", "start_from_base", "end_from_base"),
    [
        # Partial days at both edges and whole days between: daily and hourly histograms.
        (True, True, timedelta(hours=13), timedelta(days=3, hours=2)),
        (True, False, timedelta(0), timedelta(days=LOG_DAYS)),  # whole days only
        (False, False, timedelta(hours=3), timedelta(hours=20)),  # hours only
        (False, True, timedelta(days=-1), timedelta(days=9)),
        # More than half of each edge day inside: the day minus its hours outside.
        (True, True, timedelta(hours=3), timedelta(days=2, hours=20)),
        (False, True, timedelta(days=1, hours=2), timedelta(days=1, hours=22)),
    ],
)
async def test_latency_percentiles_are_within_the_bound_of_sql_percentile_disc(
    analytics_stub: AnalyticsServiceAsyncStub,
    loaded: str,
    by_provider: bool,
    by_model: bool,
    start_from_base: timedelta,
    end_from_base: timedelta,
    base: datetime,
) -> None:
    start, end = base + start_from_base, base + end_from_base
    reply = await analytics_stub.GetLatencyPercentiles(
        pb.GetLatencyPercentilesRequest(
            start_time=stamp(start),
            end_time=stamp(end),
            percentiles=PERCENTILES,
            group_by_provider=by_provider,
            group_by_model=by_model,
        )
    )
    columns = [name for name, on in (("provider", by_provider), ("model", by_model)) if on]
    groups = ", ".join(columns) or "''"
    expected = rows(
        loaded,
        PERCENTILE_SQL.replace("{groups}", groups)
        .replace("{where}", "")
        .replace("{grouping}", f"GROUP BY {groups} ORDER BY {groups}" if columns else ""),
        {"start": start, "end": end, "fractions": [p / 100 for p in PERCENTILES]},
    )
    assert len(reply.rows) == len(expected) > 0
    compared = 0
    for row, sql_row in zip(reply.rows, expected, strict=True):
        width = len(columns) or 1
        key = tuple(sql_row[:width])
        got_key = tuple(getattr(row, name) for name in columns) or ("",)
        assert got_key == key
        count, mean, exact = sql_row[width], sql_row[width + 1], sql_row[width + 2]
        assert row.requests == count
        assert row.mean_ms == pytest.approx(mean, rel=1e-12)
        assert [p.percentile for p in row.percentiles] == PERCENTILES
        for percentile, value in zip(row.percentiles, exact, strict=True):
            assert within_bound(percentile.latency_ms, value), (row, percentile, value)
            compared += 1
    assert compared == len(expected) * len(PERCENTILES)


async def test_latency_percentiles_default_to_50_95_99_and_filter(
    analytics_stub: AnalyticsServiceAsyncStub, loaded: str, base: datetime
) -> None:
    start, end = base, base + timedelta(days=LOG_DAYS)
    reply = await analytics_stub.GetLatencyPercentiles(
        pb.GetLatencyPercentilesRequest(
            start_time=stamp(start), end_time=stamp(end), provider="gemini", group_by_model=True
        )
    )
    assert [(row.provider, row.model) for row in reply.rows] == [("", "flash"), ("", "pro")]
    for row in reply.rows:
        assert [p.percentile for p in row.percentiles] == [50, 95, 99]
    expected = rows(
        loaded,
        PERCENTILE_SQL.replace("{groups}", "model")
        .replace("{where}", " AND provider = 'gemini'")
        .replace("{grouping}", "GROUP BY model ORDER BY model"),
        {"start": start, "end": end, "fractions": [0.5, 0.95, 0.99]},
    )
    for row, sql_row in zip(reply.rows, expected, strict=True):
        assert row.requests == sql_row[1]
        for percentile, value in zip(row.percentiles, sql_row[3], strict=True):
            assert within_bound(percentile.latency_ms, value)


async def test_a_histogram_that_misses_requests_is_data_loss(
    analytics_stub: AnalyticsServiceAsyncStub, loaded: str, base: datetime
) -> None:
    # The daily histogram of one day lost (as if written by a server older than it):
    # the percentiles would silently leave that day out, so the call refuses. The
    # deltas are folded first: the loss is of the rollup's rows.
    with psycopg.connect(loaded) as conn:
        conn.execute(FOLD_DELTAS, {"limit": 10**9})
        conn.execute(
            "DELETE FROM request_log_histogram_daily WHERE day = %s",
            ((base + timedelta(days=1)).date(),),
        )
    request = pb.GetLatencyPercentilesRequest(
        start_time=stamp(base), end_time=stamp(base + timedelta(days=LOG_DAYS))
    )
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await analytics_stub.GetLatencyPercentiles(request)
    assert caught.value.code() == grpc.StatusCode.DATA_LOSS
    assert "latency histogram" in (caught.value.details() or "")


SERIES_SQL = """
SELECT t, count(l.request_time), coalesce(sum(l.input_tokens), 0),
    coalesce(sum(l.output_tokens), 0),
    count(l.request_time) FILTER (WHERE l.status_code >= 400 OR l.status_code = 0)
FROM generate_series(%(start)s::timestamptz, %(end)s::timestamptz - %(step)s::interval,
    %(step)s::interval) AS t
LEFT JOIN request_logs l ON l.request_time >= t AND l.request_time < t + %(step)s::interval
    {where}
GROUP BY t ORDER BY t
"""


@pytest.mark.parametrize(
    ("granularity", "step", "asked_from_base", "used_from_base", "filters"),
    [
        (
            pb.GRANULARITY_HOUR,
            timedelta(hours=1),
            (-timedelta(hours=2, minutes=30), timedelta(days=1, hours=6)),
            (-timedelta(hours=3), timedelta(days=1, hours=6)),
            {},
        ),
        (
            pb.GRANULARITY_DAY,
            timedelta(days=1),
            (-timedelta(days=2, hours=1), timedelta(days=LOG_DAYS, minutes=1)),
            (-timedelta(days=3), timedelta(days=LOG_DAYS + 1)),
            {"provider": "claude"},
        ),
    ],
)
async def test_time_series_equals_sql_with_every_bucket_present(
    analytics_stub: AnalyticsServiceAsyncStub,
    loaded: str,
    granularity: int,
    step: timedelta,
    asked_from_base: tuple[timedelta, timedelta],
    used_from_base: tuple[timedelta, timedelta],
    filters: dict[str, str],
    base: datetime,
) -> None:
    asked = (base + asked_from_base[0], base + asked_from_base[1])
    used = (base + used_from_base[0], base + used_from_base[1])
    reply = await analytics_stub.GetUsageTimeSeries(
        pb.GetUsageTimeSeriesRequest(
            start_time=stamp(asked[0]),
            end_time=stamp(asked[1]),
            granularity=granularity,  # type: ignore[arg-type]
            **filters,
        )
    )
    assert (reply.start_time.ToDatetime(UTC), reply.end_time.ToDatetime(UTC)) == used
    where = "".join(f" AND l.{name} = %({name})s" for name in filters)
    expected = rows(
        loaded,
        SERIES_SQL.replace("{where}", where),
        {"start": used[0], "end": used[1], "step": step, **filters},
    )
    got = [
        (p.time.ToDatetime(UTC), p.requests, p.input_tokens, p.output_tokens, p.errors)
        for p in reply.points
    ]
    assert got == expected
    assert len(got) == (used[1] - used[0]) // step
    assert any(point[1] == 0 for point in got)  # empty buckets are there, as zeros
    assert all(p.total_tokens == p.input_tokens + p.output_tokens for p in reply.points)


# --- empty ranges, bad ranges -------------------------------------------------------------


async def test_empty_ranges_answer_with_zeros_not_errors(
    analytics_stub: AnalyticsServiceAsyncStub, loaded: str, today: date, base: datetime
) -> None:
    old_day = (today - timedelta(days=300)).isoformat()
    start, end = base - timedelta(days=200), base - timedelta(days=199)
    summary = await analytics_stub.GetUsageSummary(
        pb.GetUsageSummaryRequest(start_date=old_day, end_date=old_day)
    )
    assert list(summary.rows) == []
    assert totals(summary.total) == (0,) * 9
    top = await analytics_stub.GetTopAuthsByUsage(
        pb.GetTopAuthsByUsageRequest(start_date=old_day, end_date=old_day)
    )
    assert list(top.auths) == []
    nobody = await analytics_stub.GetUsageSummary(
        pb.GetUsageSummaryRequest(
            start_date=today.isoformat(), end_date=today.isoformat(), auth_id="nobody"
        )
    )
    assert list(nobody.rows) == []
    rates = await analytics_stub.GetErrorRates(
        pb.GetErrorRatesRequest(start_time=stamp(start), end_time=stamp(end))
    )
    assert list(rates.rates) == []
    latency = await analytics_stub.GetLatencyPercentiles(
        pb.GetLatencyPercentilesRequest(start_time=stamp(start), end_time=stamp(end))
    )
    assert list(latency.rows) == []
    series = await analytics_stub.GetUsageTimeSeries(
        pb.GetUsageTimeSeriesRequest(
            start_time=stamp(start), end_time=stamp(end), granularity=pb.GRANULARITY_HOUR
        )
    )
    assert len(series.points) == 24
    assert all(p.requests == p.errors == p.input_tokens == 0 for p in series.points)
    for reply in (summary, top, rates, latency, series):
        assert reply.HasField("as_of_time")


def time_request(start: datetime | None, end: datetime | None, **fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = dict(fields)
    if start is not None:
        values["start_time"] = stamp(start)
    if end is not None:
        values["end_time"] = stamp(end)
    return values


BAD_REQUESTS: list[tuple[str, dict[str, Any], str, str]] = [
    ("GetUsageSummary", {"end_date": "2026-01-01"}, "start_date", "required"),
    ("GetUsageSummary", {"start_date": "2026-01-01", "end_date": "2026-1-2"}, "end_date", "date"),
    (
        "GetUsageSummary",
        {"start_date": "2026-01-02", "end_date": "2026-01-01"},
        "end_date",
        "before start_date",
    ),
    (
        "GetUsageSummary",
        {"start_date": "2024-01-01", "end_date": "2026-01-01"},
        "end_date",
        "366 days",
    ),
    (
        "GetUsageSummary",
        {"start_date": "2026-01-01", "end_date": "2026-01-01", "auth_id": "a" * 257},
        "auth_id",
        "256",
    ),
    (
        "GetTopAuthsByUsage",
        {"start_date": "2026-01-01", "end_date": "2026-01-01", "limit": 1001},
        "limit",
        "1000",
    ),
    (
        "GetTopAuthsByUsage",
        {"start_date": "2026-01-01", "end_date": "2026-01-01", "order_by": 7},
        "order_by",
        "known",
    ),
    ("GetErrorRates", time_request(ANY_TIME, None), "end_time", "required"),
    ("GetErrorRates", time_request(ANY_TIME, ANY_TIME), "end_time", "after start_time"),
    (
        "GetErrorRates",
        time_request(ANY_TIME, ANY_TIME + timedelta(days=367)),
        "end_time",
        "366 days",
    ),
    (
        "GetErrorRates",
        time_request(ANY_TIME, ANY_TIME + timedelta(hours=1), min_requests=-1),
        "min_requests",
        "at least 0",
    ),
    (
        "GetLatencyPercentiles",
        time_request(ANY_TIME, ANY_TIME + timedelta(hours=1), percentiles=[50, 0]),
        "percentiles[1]",
        "greater than 0",
    ),
    (
        "GetLatencyPercentiles",
        time_request(ANY_TIME, ANY_TIME + timedelta(hours=1), percentiles=[100.5]),
        "percentiles[0]",
        "at most 100",
    ),
    (
        "GetLatencyPercentiles",
        time_request(ANY_TIME, ANY_TIME + timedelta(hours=1), percentiles=[50] * 21),
        "percentiles",
        "at most 20",
    ),
    (
        "GetUsageTimeSeries",
        time_request(ANY_TIME, ANY_TIME + timedelta(hours=1)),
        "granularity",
        "HOUR",
    ),
    (
        "GetUsageTimeSeries",
        time_request(ANY_TIME, ANY_TIME + timedelta(days=300), granularity=pb.GRANULARITY_HOUR),
        "granularity",
        "7200 points",
    ),
]


@pytest.mark.parametrize(("method", "fields", "field", "message"), BAD_REQUESTS)
async def test_bad_ranges_are_invalid_argument_naming_the_field(
    analytics_stub: AnalyticsServiceAsyncStub,
    pg_database: str,
    method: str,
    fields: dict[str, Any],
    field: str,
    message: str,
) -> None:
    request_type = getattr(pb, f"{method}Request")
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await getattr(analytics_stub, method)(request_type(**fields))
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    details = caught.value.details() or ""
    assert field in details, details
    assert message in details, details


# --- replicas -------------------------------------------------------------------------------


async def test_analytics_runs_on_the_replica_and_keeps_answering_without_the_primary(
    pg_instance_factory: InstanceFactory, base: datetime
) -> None:
    primary = pg_instance_factory()
    await Migrator(primary.dsn()).up()
    replica = await asyncio.to_thread(pg_instance_factory.replica, primary)
    # A generous lag bound: the replica stays in rotation while its replay is paused.
    app = Application(
        server_settings(primary.dsn(), replica_dsns=(replica.dsn(),), replica_max_lag=60.0)
    )
    await app.start()
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{app.port}") as channel:
            stub = stubs.analytics(channel)
            logs = stubs.request_logs(channel)
            window = pb.GetUsageTimeSeriesRequest(
                start_time=stamp(base),
                end_time=stamp(base + timedelta(days=1)),
                granularity=pb.GRANULARITY_DAY,
            )

            async def requests_seen() -> int:
                reply = await stub.GetUsageTimeSeries(window)
                return sum(point.requests for point in reply.points)

            async def seen(expected: int) -> bool:
                return await requests_seen() == expected

            first = generated_logs(base, 100)
            for log in first:
                log.request_time.FromDatetime(base + timedelta(hours=1))
            await logs.BatchInsertRequestLogs(logs_pb.BatchInsertRequestLogsRequest(logs=first))
            await wait_until(lambda: seen(100), what="100 requests in the time series")

            # Replay paused: the primary has more logs, the analytics answer does not.
            await asyncio.to_thread(execute, replica.dsn(), "SELECT pg_wal_replay_pause()")
            paused_at = datetime.now(UTC)
            second = [logs_pb.RequestLog(**_fields(log, "later-")) for log in first]
            await logs.BatchInsertRequestLogs(logs_pb.BatchInsertRequestLogsRequest(logs=second))
            on_primary = rows(
                primary.dsn(), "SELECT count(*) FROM request_logs WHERE request_id LIKE 'later-%'"
            )
            assert on_primary == [(100,)]
            assert await requests_seen() == 100
            stale = await stub.GetUsageTimeSeries(window)
            assert stale.as_of_time.ToDatetime(UTC) <= paused_at

            await asyncio.to_thread(execute, replica.dsn(), "SELECT pg_wal_replay_resume()")
            await wait_until(lambda: seen(200), what="200 requests in the time series")

            # The primary stopped: analytics still answers, from the replica.
            await asyncio.to_thread(primary.stop)
            assert await requests_seen() == 200
            summary = await stub.GetErrorRates(
                pb.GetErrorRatesRequest(
                    start_time=stamp(base), end_time=stamp(base + timedelta(days=1))
                )
            )
            assert sum(rate.requests for rate in summary.rates) == 200
            target = f"127.0.0.1:{app.port}"

            async def reported(service: str, status: str) -> bool:
                return await asyncio.to_thread(health_status, target, service) == status

            await wait_until(
                lambda: reported("", "NOT_SERVING"), what="overall NOT_SERVING", timeout=30
            )
            assert await asyncio.to_thread(health_status, target, ANALYTICS) == "SERVING"
    finally:
        await app.stop()


def _fields(log: logs_pb.RequestLog, prefix: str) -> dict[str, Any]:
    return {
        "request_id": prefix + log.request_id,
        "request_time": log.request_time,
        "provider": log.provider,
        "model": log.model,
        "status_code": log.status_code,
        "latency_ms": log.latency_ms,
    }


def execute(dsn: str, statement: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(statement.encode())


async def test_a_histogram_with_a_negative_bucket_is_data_loss(
    analytics_stub: AnalyticsServiceAsyncStub, loaded: str, base: datetime
) -> None:
    # Counts moved between two buckets of one day, one left negative: the sum still
    # matches the requests, but the histogram cannot be a count of anything.
    day = (base + timedelta(days=1)).date()
    with psycopg.connect(loaded) as conn:
        conn.execute(FOLD_DELTAS, {"limit": 10**9})
        rows = conn.execute(
            "SELECT provider, model, bucket, count FROM request_log_latency_daily"
            " WHERE day = %s ORDER BY provider, model, bucket LIMIT 2",
            (day,),
        ).fetchall()
        (provider, model, low, low_count), (_, _, high, _) = rows
        conn.execute(
            "UPDATE request_log_histogram_daily SET counts[%(low)s + 1] = -1,"
            " counts[%(high)s + 1] = counts[%(high)s + 1] + %(moved)s"
            " WHERE day = %(day)s AND provider = %(provider)s AND model = %(model)s",
            {
                "low": low,
                "high": high,
                "moved": low_count + 1,
                "day": day,
                "provider": provider,
                "model": model,
            },
        )
    # That day alone: its histogram is the one summed.
    request = pb.GetLatencyPercentilesRequest(
        start_time=stamp(base + timedelta(days=1)),
        end_time=stamp(base + timedelta(days=2)),
        group_by_provider=True,
        group_by_model=True,
    )
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await analytics_stub.GetLatencyPercentiles(request)
    assert caught.value.code() == grpc.StatusCode.DATA_LOSS
    assert "a bucket is negative" in (caught.value.details() or "")
