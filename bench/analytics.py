"""Every AnalyticsService RPC over 7-day and 30-day ranges, at three volumes, on a
streaming replica; then batch log ingestion with and without a steady stream of analytics calls.

What it shows:
- the latency of each RPC through gRPC (targets: p50 < 50 ms, p99 < 200 ms; and issue
  17's, p99 < 30 ms and p50 within 1.3x the same RPC's at 10,000 logs) with
  BENCH_ANALYTICS_LOGS request logs (default 10,000,000, over 30 days) and
  BENCH_ANALYTICS_USAGE usage rows (default 1,000,000, over BENCH_ANALYTICS_USAGE_DAYS,
  default 365), loaded by
  ``load()``;
- the same RPCs with 10,000 and with 1,000,000 logs (the same usage rows): they should
  not be meaningfully faster (the log-based ones read rollups, whose size follows
  hours, groups and occupied histogram buckets, not logs);
- ingestion (BatchInsertRequestLogs, 1,000 logs a call) alone and with ANALYTICS_RATE
  analytics calls a second, in interleaved rounds (target: slowed by less than 10%).

The loader writes the data set with SQL inside PostgreSQL (generate_series, random)
and builds the rollups with the same bucket expression ingestion uses, for speed: it
is not a measurement of ingestion. It writes the rollup rows in time order, as
ingestion does (an hour's rows are written while the hour is current): rows in hash
order would scatter an hour over thousands of pages, a cost no server would see. The
usage rollups (migration 0012) are built from the usage rows as its backfill builds them.
The replica is made after each load (a base backup), and every analytics call is
checked to have run there.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from google.protobuf import timestamp_pb2
from grpc import aio

from bench.harness import Result, measure, postgres, server_process
from dataaccess.v1 import analytics_pb2 as pb
from dataaccess.v1 import analytics_pb2_grpc as pb_grpc
from dataaccess.v1 import request_logs_pb2 as logs_pb
from dataaccess.v1 import request_logs_pb2_grpc as logs_grpc
from dataaccess_server.db import request_logs as logs_store
from dataaccess_server.db.migrations import Migrator
from dataaccess_server.embedded import PostgresInstance

BIG_LOGS = int(os.environ.get("BENCH_ANALYTICS_LOGS", "10000000"))
BIG_USAGE = int(os.environ.get("BENCH_ANALYTICS_USAGE", "1000000"))
SMALL_LOGS = 10_000
# Between the two: the log-based RPCs' cost grows only while the latency histograms
# fill the buckets the latencies spread over.
MEDIUM_LOGS = 1_000_000
LOG_DAYS = 30
# Usage rows are one per (day, auth, model): their number in a range is what the usage
# RPCs cost. 1,000,000 rows over a year is about 2,700 active (auth, model) pairs a day;
# BENCH_ANALYTICS_USAGE_DAYS=120 packs them three times denser.
USAGE_DAYS = int(os.environ.get("BENCH_ANALYTICS_USAGE_DAYS", "365"))
RANGES = {"7d": timedelta(days=7), "30d": timedelta(days=30)}
DURATION = 5.0
INGEST_DURATION = 8.0
INGEST_ROUNDS = 3
INGEST_CONCURRENCY = 4
ANALYTICS_RATE = 5.0  # calls a second during the ingestion run
BATCH = 1000
PROVIDERS = {
    "anthropic": ["claude-opus", "claude-sonnet", "claude-haiku"],
    "google": ["gemini-pro", "gemini-flash", "gemini-lite"],
    "openai": ["gpt-5", "gpt-5-mini", "o4"],
    "mistral": ["large", "medium", "small"],
}
PAIRS = [(provider, model) for provider, models in PROVIDERS.items() for model in models]
AUTHS = 5000
P50_TARGET, P99_TARGET = 50.0, 200.0
FLAT_P99_TARGET, FLAT_RATIO_TARGET = 30.0, 1.3  # issue 17, acceptance 6
SLOWDOWN_TARGET = 0.10

# One row per log: a (provider, model) pair, an auth, a status mix, log-normal latencies
# around 800 ms (random_normal: PostgreSQL 16 and later).
LOAD_LOGS = """
INSERT INTO request_logs (request_time, request_id, provider, model, auth_id, method, path,
    status_code, latency_ms, input_tokens, output_tokens)
SELECT %(start)s::timestamptz + g * %(step)s::interval, 'load-' || g,
    (%(providers)s::text[])[1 + g %% %(pairs)s], (%(models)s::text[])[1 + g %% %(pairs)s],
    'auth-' || floor(random() * %(auths)s)::int, 'POST', '/v1/messages',
    (ARRAY[200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 201,
           400, 429, 429, 500, 0])[1 + floor(random() * 21)::int],
    least(greatest(exp(ln(800) + random_normal()), 0), 600000)::bigint,
    floor(random() * 8000)::bigint, floor(random() * 2000)::bigint
FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS g
"""
BUILD_HOURLY = f"""
INSERT INTO request_log_hourly (hour, provider, model, requests, errors, input_tokens,
    output_tokens, latency_ms_sum)
SELECT date_trunc('hour', request_time, 'UTC'), provider, model, count(*),
    count(*) FILTER (WHERE {logs_store.ERRORS}),
    sum(input_tokens), sum(output_tokens), sum(latency_ms)
FROM request_logs GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
"""
BUILD_LATENCY_HOURLY = f"""
INSERT INTO request_log_histogram_hourly (hour, provider, model, counts)
SELECT hour, provider, model, latency_counts(array_agg(bucket), array_agg(count))
FROM (
    SELECT date_trunc('hour', request_time, 'UTC') AS hour, provider, model,
        {logs_store.LATENCY_BUCKET} AS bucket, count(*) AS count
    FROM request_logs GROUP BY 1, 2, 3, 4
) buckets GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
"""
# Days and weeks from the sparse views of the finer rows (migration 0014).
BUILD_LATENCY_DAILY = """
INSERT INTO request_log_histogram_daily (day, provider, model, counts)
SELECT day, provider, model, latency_counts(array_agg(bucket), array_agg(count))
FROM (
    SELECT (hour AT TIME ZONE 'UTC')::date AS day, provider, model, bucket,
        sum(count)::bigint AS count
    FROM request_log_latency_hourly GROUP BY 1, 2, 3, 4
) buckets GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
"""
BUILD_LATENCY_WEEKLY = """
INSERT INTO request_log_histogram_weekly (week, provider, model, counts)
SELECT week_of(day), provider, model, latency_counts(array_agg(bucket), array_agg(count))
FROM request_log_latency_daily GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
"""
# Each day: a random set of (auth, pair) keys.
LOAD_USAGE = """
INSERT INTO usage_stats (usage_date, provider, model, auth_id, request_count, input_tokens,
    output_tokens, reasoning_tokens, cached_tokens, success_count, error_count)
SELECT %(day)s::date, (%(providers)s::text[])[1 + k %% %(pairs)s],
    (%(models)s::text[])[1 + k %% %(pairs)s], 'auth-' || (k / %(pairs)s),
    r, r * 900, r * 300, r * 50, r * 200, r - r / 20, r / 20
FROM (
    SELECT k FROM generate_series(0, %(auths)s::int * %(pairs)s::int - 1) AS k
    ORDER BY random() LIMIT %(rows)s
) keys, LATERAL (SELECT k AS key, 1 + floor(random() * 200)::bigint AS r) counts
"""
BUILD_USAGE_ROLLUPS = (
    "SELECT usage_rollups_rebuild(ARRAY(SELECT DISTINCT usage_date FROM usage_stats))"
)
TRUNCATE = """
TRUNCATE request_logs, request_log_hourly, request_log_histogram_hourly,
    request_log_histogram_daily, request_log_histogram_weekly, usage_stats, usage_auth_numbers,
    usage_daily_chunks, usage_auth_daily, usage_weekly_chunks, usage_auth_weekly
"""


@dataclass(frozen=True)
class Loaded:
    logs: int
    usage_rows: int
    seconds: float


def load(dsn: str, *, logs: int, usage: int, now: datetime) -> Loaded:
    """Replace every log and usage row with ``logs`` logs evenly over the LOG_DAYS days
    before ``now`` and about ``usage`` usage rows over the USAGE_DAYS days up to today;
    rebuild the rollups; vacuum and analyze. The logs' partitions must exist
    (``partitions``)."""
    started = time.perf_counter()
    first_time = now - timedelta(days=LOG_DAYS)
    step = timedelta(days=LOG_DAYS) / logs
    columns = {
        "providers": [provider for provider, _ in PAIRS],
        "models": [model for _, model in PAIRS],
        "pairs": len(PAIRS),
        "auths": AUTHS,
    }
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SELECT setseed(0.42)")
        conn.execute(TRUNCATE)
        chunk = 500_000
        for first in range(0, logs, chunk):
            conn.execute(
                LOAD_LOGS,
                {
                    "start": first_time,
                    "step": step,
                    "first": first,
                    "last": min(logs, first + chunk) - 1,
                    **columns,
                },
            )
        for statement in (
            BUILD_HOURLY,
            BUILD_LATENCY_HOURLY,
            BUILD_LATENCY_DAILY,
            BUILD_LATENCY_WEEKLY,
        ):
            conn.execute(statement)
        per_day = max(1, usage // USAGE_DAYS)
        for n in range(USAGE_DAYS):
            conn.execute(
                LOAD_USAGE,
                {"day": now.date() - timedelta(days=n), "rows": per_day, **columns},
            )
        conn.execute(BUILD_USAGE_ROLLUPS)
        conn.execute("VACUUM ANALYZE")
        count = conn.execute("SELECT count(*) FROM usage_stats").fetchone()
    assert count is not None
    return Loaded(logs, int(count[0]), time.perf_counter() - started)


async def partitions(dsn: str, now: datetime) -> None:
    """The partitions of the LOG_DAYS days before ``now``, made as the server makes them."""
    days = {(now - timedelta(days=n)).date() for n in range(LOG_DAYS + 1)}
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
        await logs_store.ensure_partitions(conn, days)


@contextlib.contextmanager
def replica_of(primary: PostgresInstance) -> Iterator[PostgresInstance]:
    directory = Path(tempfile.mkdtemp(prefix="dataaccess-bench-replica-"))
    directory.chmod(0o755)
    try:
        replica = primary.create_replica(directory / "pg", timeout=1800)
        try:
            yield replica
        finally:
            with contextlib.suppress(Exception):
                replica.stop()
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def stamp(when: datetime) -> timestamp_pb2.Timestamp:
    value = timestamp_pb2.Timestamp()
    value.FromDatetime(when)
    return value


def calls(
    stub: pb_grpc.AnalyticsServiceAsyncStub, span: timedelta = RANGES["7d"]
) -> dict[str, Callable[[], Awaitable[Any]]]:
    """Each RPC over the ``span`` up to now (a dashboard's "last 7 days")."""

    def times() -> dict[str, Any]:
        now = datetime.now(UTC)
        return {"start_time": stamp(now - span), "end_time": stamp(now)}

    def days() -> dict[str, str]:
        today = datetime.now(UTC).date()
        return {
            "start_date": (today - span + timedelta(days=1)).isoformat(),
            "end_date": today.isoformat(),
        }

    return {
        "GetUsageSummary": lambda: stub.GetUsageSummary(pb.GetUsageSummaryRequest(**days())),
        "GetTopAuthsByUsage": lambda: stub.GetTopAuthsByUsage(
            pb.GetTopAuthsByUsageRequest(
                limit=20, order_by=pb.TOP_AUTHS_ORDER_TOTAL_TOKENS, **days()
            )
        ),
        "GetErrorRates": lambda: stub.GetErrorRates(pb.GetErrorRatesRequest(**times())),
        "GetLatencyPercentiles": lambda: stub.GetLatencyPercentiles(
            pb.GetLatencyPercentilesRequest(group_by_provider=True, group_by_model=True, **times())
        ),
        "GetUsageTimeSeries (HOUR)": lambda: stub.GetUsageTimeSeries(
            pb.GetUsageTimeSeriesRequest(granularity=pb.GRANULARITY_HOUR, **times())
        ),
    }


async def check_answers(channel: aio.Channel, replica_dsn: str, loaded: Loaded) -> None:
    """The figures are there (the load is visible), and calls are served by the replica:
    with its replay paused, logs written meanwhile do not show; resumed, they do."""
    stub: pb_grpc.AnalyticsServiceAsyncStub = pb_grpc.AnalyticsServiceStub(channel)

    async def logs_seen() -> int:
        now = datetime.now(UTC)
        reply = await stub.GetErrorRates(
            pb.GetErrorRatesRequest(
                start_time=stamp(now - timedelta(days=LOG_DAYS + 1)), end_time=stamp(now)
            )
        )
        return sum(rate.requests for rate in reply.rates)

    seen = await logs_seen()
    if seen != loaded.logs:
        raise RuntimeError(f"analytics sees {seen} logs of {loaded.logs} loaded")
    with psycopg.connect(replica_dsn, autocommit=True) as conn:
        conn.execute("SELECT pg_wal_replay_pause()")
        try:
            batch = log_batches(1, random.Random(1), prefix="replica-check")[0]
            await logs_grpc.RequestLogServiceStub(channel).BatchInsertRequestLogs(batch)
            if await logs_seen() != loaded.logs:
                raise RuntimeError("analytics saw a write its replica had not replayed")
        finally:
            conn.execute("SELECT pg_wal_replay_resume()")
    deadline = time.monotonic() + 30
    while await logs_seen() != loaded.logs + BATCH:
        if time.monotonic() > deadline:
            raise RuntimeError("the replica did not catch up within 30 s")
        await asyncio.sleep(0.1)


def log_batches(
    count: int, rng: random.Random, *, prefix: str = "ingest"
) -> list[logs_pb.BatchInsertRequestLogsRequest]:
    now = datetime.now(UTC)
    batches = []
    for b in range(count):
        logs = []
        for n in range(BATCH):
            provider, model = PAIRS[(b + n) % len(PAIRS)]
            logs.append(
                logs_pb.RequestLog(
                    request_id=f"{prefix}-{b}-{n}",
                    request_time=stamp(now - timedelta(seconds=rng.randrange(3600))),
                    provider=provider,
                    model=model,
                    auth_id=f"auth-{rng.randrange(AUTHS)}",
                    method="POST",
                    path="/v1/messages",
                    status_code=rng.choice((200, 200, 200, 200, 429, 500)),
                    latency_ms=int(rng.lognormvariate(6.7, 1.0)),
                    input_tokens=rng.randrange(8000),
                    output_tokens=rng.randrange(2000),
                )
            )
        batches.append(logs_pb.BatchInsertRequestLogsRequest(logs=logs))
    return batches


async def ingest(
    stub: logs_grpc.RequestLogServiceAsyncStub,
    batches: list[logs_pb.BatchInsertRequestLogsRequest],
    name: str,
) -> Result:
    """Send the batches from INGEST_CONCURRENCY loops for INGEST_DURATION seconds (each
    batch once: new logs every call)."""
    queue = iter(batches)
    made = 0

    def next_batch() -> logs_pb.BatchInsertRequestLogsRequest:
        # Past the batches made ahead (a fast server on a small database), new ones are
        # made on the spot: every call must still carry new logs.
        nonlocal made
        try:
            return next(queue)
        except StopIteration:
            made += 1
            prefix = "extra-" + "".join(c for c in name if c.isalnum()) + f"-{made}"
            return log_batches(1, random.Random(made), prefix=prefix)[0]

    async def send() -> None:
        batch = next_batch()
        reply = await stub.BatchInsertRequestLogs(batch)
        if reply.inserted != BATCH:
            raise RuntimeError(f"a batch of new logs inserted {reply.inserted}")

    return await measure(
        name, send, concurrency=INGEST_CONCURRENCY, duration=INGEST_DURATION, warmup=0.5
    )


async def paced(work: list[Callable[[], Awaitable[Any]]], rate: float, stop: asyncio.Event) -> int:
    """Call ``work`` in turn, ``rate`` calls a second, until ``stop``; return the count."""
    made = 0
    started = time.perf_counter()
    while not stop.is_set():
        await work[made % len(work)]()
        made += 1
        delay = started + made / rate - time.perf_counter()
        if delay > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
    return made


def latency_table(title: str, results: dict[str, Result]) -> list[str]:
    lines = [title, f"{'RPC':<40} {'calls/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}"]
    for name, result in results.items():
        lines.append(
            f"{name:<40} {result.throughput:>8.0f} {result.percentile(50):>8.2f} "
            f"{result.percentile(99):>8.2f} {max(result.latencies_ms):>8.2f}"
        )
    return lines


async def measure_calls(target: str) -> dict[str, Result]:
    async with aio.insecure_channel(target) as channel:
        stub = pb_grpc.AnalyticsServiceStub(channel)
        results = {}
        for span_name, span in RANGES.items():
            for name, call in calls(stub, span).items():
                label = f"{name} {span_name}"
                results[label] = await measure(label, call, concurrency=1, duration=DURATION)
        return results


async def run() -> str:
    """Load, measure, and return the report."""
    lines: list[str] = []
    with postgres() as primary:
        dsn = primary.dsn()
        await Migrator(dsn).up()
        phases = [
            # Only the logs vary: the usage RPCs read no log, and their cost follows the
            # usage rows in the range (one per day, auth and model), the same each time.
            ("small", SMALL_LOGS, BIG_USAGE),
            ("medium", MEDIUM_LOGS, BIG_USAGE),
            ("big", BIG_LOGS, BIG_USAGE),
        ]
        measured: dict[str, dict[str, Result]] = {}
        for phase, logs, usage in phases:
            now = datetime.now(UTC)
            await partitions(dsn, now)
            loaded = await asyncio.to_thread(load, dsn, logs=logs, usage=usage, now=now)
            lines.append(
                f"{phase}: loaded {loaded.logs:,} logs ({LOG_DAYS} days) and "
                f"{loaded.usage_rows:,} usage rows ({USAGE_DAYS} days) in {loaded.seconds:.0f} s"
            )
            with replica_of(primary) as replica:
                env = {"DB_REPLICAS": replica.dsn(), "DB_REPLICA_MAX_LAG": "30s"}
                with server_process(dsn, **env) as target:
                    async with aio.insecure_channel(target) as channel:
                        await check_answers(channel, replica.dsn(), loaded)
                    measured[phase] = await measure_calls(target)
                    if phase == "big":
                        lines.extend(await ingest_with_analytics(target))
        lines.insert(0, "")
        lines[:0] = latency_table(
            f"analytics over 7 and 30 days, concurrency 1, {DURATION:g} s each, on the replica",
            {
                f"{name} [{phase}]": result
                for name in measured["big"]
                for phase, results in measured.items()
                for result in [results[name]]
            },
        )
    verdicts = []
    for name, result in measured["big"].items():
        small, medium = measured["small"][name], measured["medium"][name]
        met = result.percentile(50) < P50_TARGET and result.percentile(99) < P99_TARGET
        ratio = result.percentile(50) / small.percentile(50)
        flat = result.percentile(99) < FLAT_P99_TARGET and ratio <= FLAT_RATIO_TARGET
        verdicts.append(
            f"{name}: p50 {result.percentile(50):.1f} ms, p99 {result.percentile(99):.1f} ms "
            f"({'met' if met else 'NOT met'}); p50 small/big "
            f"{small.percentile(50) / result.percentile(50):.0%}, medium/big "
            f"{medium.percentile(50) / result.percentile(50):.0%}; big/small p50 {ratio:.2f}x "
            f"(flat: p99 < {FLAT_P99_TARGET:g} ms and <= {FLAT_RATIO_TARGET}x: "
            f"{'met' if flat else 'NOT met'})"
        )
    return "\n".join(
        [f"analytics ({BIG_LOGS:,} logs, {BIG_USAGE:,} usage rows)", *lines, "", *verdicts]
    )


async def ingest_with_analytics(target: str) -> list[str]:
    """INGEST_ROUNDS rounds of ingestion alone then with the analytics stream, each
    INGEST_DURATION seconds: interleaved, so that drift (the rollups' dead rows, the
    checkpointer) weighs on both sides alike."""
    rng = random.Random(5)
    runs = 2 * INGEST_ROUNDS
    # New batches for every run at well above the expected rate.
    per_run = int((INGEST_DURATION + 0.5) * 40)
    batches = log_batches(runs * per_run, rng)
    alone: list[Result] = []
    together: list[Result] = []
    analytics_calls = 0
    async with aio.insecure_channel(target) as channel:
        logs_stub = logs_grpc.RequestLogServiceStub(channel)
        analytics = list(calls(pb_grpc.AnalyticsServiceStub(channel)).values())
        for run in range(runs):
            chunk = batches[run * per_run : (run + 1) * per_run]
            if run % 2 == 0:
                alone.append(await ingest(logs_stub, chunk, f"alone, round {run // 2 + 1}"))
                continue
            stop = asyncio.Event()
            stream = asyncio.create_task(paced(analytics, ANALYTICS_RATE, stop))
            name = f"with analytics, round {run // 2 + 1}"
            together.append(await ingest(logs_stub, chunk, name))
            stop.set()
            analytics_calls += await stream
    base = statistics.mean(result.throughput for result in alone)
    loaded = statistics.mean(result.throughput for result in together)
    slowdown = 1 - loaded / base
    lines = [
        "",
        f"ingestion: BatchInsertRequestLogs of {BATCH} logs, concurrency {INGEST_CONCURRENCY}, "
        f"{INGEST_ROUNDS} rounds of {INGEST_DURATION:g} s alone then {INGEST_DURATION:g} s "
        f"with {ANALYTICS_RATE:g} analytics calls/s (the five RPCs in turn)",
    ]
    for pair in zip(alone, together, strict=True):
        for result in pair:
            lines.append(
                f"  {result.name:<28} {result.throughput * BATCH:>9.0f} rows/s  "
                f"p50 {result.percentile(50):.1f} ms  p99 {result.percentile(99):.1f} ms"
            )
    seconds = INGEST_ROUNDS * INGEST_DURATION
    lines.append(
        f"  mean alone {base * BATCH:.0f} rows/s, with analytics {loaded * BATCH:.0f} rows/s "
        f"({analytics_calls} calls, {analytics_calls / seconds:.1f}/s): slowdown {slowdown:.1%} "
        f"({'met' if slowdown < SLOWDOWN_TARGET else 'NOT met'}: target < 10%)"
    )
    return lines


if __name__ == "__main__":
    print(asyncio.run(run()))
