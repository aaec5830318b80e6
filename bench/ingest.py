"""BatchInsertRequestLogs and BatchUpsertUsage through gRPC, in rows per second, beside
raw psycopg loading the same kind of 1,000-row batches on the same database in the same
run.

What it shows: for request logs, what the server adds (grpc.aio, conversion, validation,
the staging COPY and the statement that de-duplicates and writes the batch's rollup
deltas, folded into the rollups by the server in the background) on top of the cheapest
way to load the rows, a plain COPY into request_logs, one transaction per batch (target:
at least 60% of it). pg_stat_activity is sampled during each workload: how many backends
wait on a lock (Lock:transactionid: on another batch's rows) and, since migration 0011,
how many delta rows are not folded yet (the fold keeping up, or not). A second baseline runs
store.insert_logs itself on a pooled connection, to tell what the SQL costs from what
gRPC and Python add. For usage, what the server adds to the multi-row upsert
(store.UPSERT_USAGE of rows summed per key and sorted) of the same batches.

The batches are built before the timed loops: a pool of templates, each used by one
call at a time. A log is identified by its time and request id, so a template sent again
would only add duplicates: every call first stamps fresh request ids into its template
(one assignment per log, timed separately and reported). Every workload starts from
empty tables after a checkpoint, and is checked afterwards: each log sent stored exactly
once, the rollups counting exactly the logs that went through the server's SQL, the
usage sums equal to what was sent. The CPU time of this process (the client), the server
process and PostgreSQL is sampled around each workload (warm-up included), to show where
the time goes on this machine.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Generic, TypeVar

import psycopg
from grpc import aio
from psycopg.rows import TupleRow
from psycopg_pool import AsyncConnectionPool

from bench.harness import Result, measure, postgres, raw_pool, report, server_process, verdict
from dataaccess.v1 import request_logs_pb2 as logs_pb2
from dataaccess.v1 import request_logs_pb2_grpc as logs_grpc
from dataaccess.v1 import usage_pb2
from dataaccess.v1 import usage_pb2_grpc as usage_grpc
from dataaccess_server.api.convert.request_logs import log_to_proto
from dataaccess_server.db import request_logs as logs_store
from dataaccess_server.db import usage as usage_store
from dataaccess_server.domain.model.request_logs import RequestLog
from dataaccess_server.domain.model.usage import COUNTERS, DailyUsage
from dataaccess_server.domain.usage import sum_by_key

CONCURRENCY = 4
DURATION = 10.0
POOL_SIZE = 4
BATCH = 1000
# Templates per kind of batch: more than CONCURRENCY, so a call never waits for one.
TEMPLATES = 16
SEED = 1000
LOGS_TARGET = 0.60
# Logs spread over today and yesterday by default (most rollup rows per batch: nearly a
# delta row per log); BENCH_INGEST_SPAN=60 puts each batch in the last minute, as a
# proxy flushing its recent requests sends them (a few delta rows per provider, model).
SPAN_VARIABLE = "BENCH_INGEST_SPAN"

# The raw baseline COPYs text, as psycopg does by default; the server COPYs binary.
COPY_LOGS = f"COPY request_logs ({', '.join(logs_store.LOG_COLUMNS)}) FROM STDIN"
REQUEST_ID = logs_store.LOG_COLUMNS.index("request_id")
TRUNCATE_LOGS = """
TRUNCATE request_logs, request_log_hourly, request_log_latency_hourly,
    request_log_latency_daily
"""
# Since migration 0011 batches write deltas that a background fold moves into the
# rollups; the bench also runs against servers from before it (bench.ab, a baseline).
HAS_DELTAS = "SELECT to_regclass('request_log_delta') IS NOT NULL"
# With the deltas in the same statement: the server's fold, running in the background,
# would otherwise move the last workload's deltas into rollups just emptied.
TRUNCATE_DELTAS = TRUNCATE_LOGS.rstrip() + ", request_log_delta"
# Since migration 0014 the histograms are dense tables (the sparse names are views).
HAS_DENSE = "SELECT to_regclass('request_log_histogram_hourly') IS NOT NULL"
TRUNCATE_DENSE = """
TRUNCATE request_logs, request_log_hourly, request_log_histogram_hourly,
    request_log_histogram_daily, request_log_histogram_weekly, request_log_delta
"""
TRUNCATE_USAGE = "TRUNCATE usage_stats"
CHECKPOINT = "CHECKPOINT"
COUNT_LOGS = """
SELECT (SELECT count(*) FROM request_logs),
       (SELECT coalesce(sum(requests), 0) FROM request_log_hourly),
       (SELECT coalesce(sum(count), 0) FROM request_log_latency_hourly),
       (SELECT coalesce(sum(count), 0) FROM request_log_latency_daily)
"""
# The rollups as analytics reads them: plus the deltas not folded yet.
COUNT_LOGS_WITH_DELTAS = """
SELECT (SELECT count(*) FROM request_logs),
       (SELECT coalesce(sum(requests), 0) FROM request_log_hourly_all),
       (SELECT coalesce(sum(count), 0) FROM request_log_latency_hourly_all),
       (SELECT coalesce(sum(count), 0) FROM request_log_latency_daily_all)
"""
# Sampled during each workload: PostgreSQL backends running a statement, those waiting
# on a lock (and on another transaction: the rollup-row waits of concurrent batches),
# and (SAMPLE_BACKLOG) the deltas not folded yet, since migration 0011.
SAMPLE_WAITS = """
SELECT count(*) FILTER (WHERE state = 'active' AND backend_type = 'client backend'
        AND pid <> pg_backend_pid()),
    count(*) FILTER (WHERE wait_event_type = 'Lock'),
    count(*) FILTER (WHERE wait_event_type = 'Lock' AND wait_event = 'transactionid'),
    -1
FROM pg_stat_activity
"""
SAMPLE_BACKLOG = SAMPLE_WAITS.replace("-1", "(SELECT count(*) FROM request_log_delta)")
SAMPLE_EVERY = 0.1
SUM_USAGE = """
SELECT coalesce(sum(request_count), 0), coalesce(sum(input_tokens), 0),
       coalesce(sum(output_tokens), 0)
FROM usage_stats
"""

# Request logs: a few providers and models, as a proxy in front of them sees them.
LOG_MODELS = {
    "openai": ("gpt-4.1", "gpt-4.1-mini", "o3"),
    "anthropic": ("claude-sonnet-4-5", "claude-opus-4-1"),
    "gemini": ("gemini-2.5-pro", "gemini-2.5-flash"),
    "mistral": ("mistral-large-latest",),
}
LOG_PATHS = {
    "openai": "/v1/chat/completions",
    "anthropic": "/v1/messages",
    "gemini": "/v1beta/models/{model}:generateContent",
    "mistral": "/v1/chat/completions",
}
LOG_AUTHS = 40
API_KEYS = 25
CLIENT_IPS = 300
USER_AGENTS = (
    "claude-cli/2.0.14 (external, cli)",
    "OpenAI/Python 1.109.1",
    "AsyncOpenAI/Python 1.109.1",
    "Anthropic/Python 0.69.0",
    "google-genai-sdk/1.41.0 gl-python/3.12.11",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Cursor/1.7.44 Chrome/132.0.6834.210 Electron/34.5.8 Safari/537.36",
    "curl/8.5.0",
    "Go-http-client/2.0",
)
# (status, weight, error message)
STATUSES = (
    (200, 900, ""),
    (429, 40, "rate limit exceeded: retry after 12s"),
    (400, 20, "invalid request: messages: at least one message is required"),
    (401, 10, "invalid api key"),
    (500, 10, "upstream returned 500: internal server error"),
    (502, 10, "upstream connect error or disconnect/reset before headers"),
    (0, 10, "context deadline exceeded (Client.Timeout exceeded while awaiting headers)"),
)

# Usage: the key space batches draw from, so concurrent and successive batches overlap.
USAGE_PROVIDERS = ("openai", "anthropic", "gemini", "mistral", "deepseek")
USAGE_MODELS = 10
USAGE_AUTHS = 2000
USAGE_DAYS = 2

T = TypeVar("T")


class InvalidAnswerError(Exception):
    """A batch was not stored as sent: the workload would not measure what it claims."""


class Templates(Generic[T]):
    """Pre-built batches, each lent to one call at a time, in rotation."""

    def __init__(self, batches: Sequence[T]) -> None:
        self._free = deque(batches)

    @contextlib.contextmanager
    def take(self) -> Iterator[T]:
        batch = self._free.popleft()  # never empty: more templates than loops
        try:
            yield batch
        finally:
            self._free.append(batch)


class RequestIds:
    """Fresh request ids, 32 hex digits like a UUID's: a run prefix and a counter."""

    def __init__(self, rng: random.Random) -> None:
        self._prefix = f"{rng.getrandbits(80):020x}"
        self._next = 0
        self.issued = 0

    def batch(self, count: int) -> list[str]:
        first, self._next = self._next, self._next + count
        self.issued += count
        prefix = self._prefix
        return [f"{prefix}{n:012x}" for n in range(first, first + count)]


# --- where the CPU time goes ---------------------------------------------------------------

_TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    """/proc/<pid>/stat after the command name (field 3 on), or None if gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()


def _tree_cpu(root: int) -> float:
    """CPU seconds of ``root``, its children now alive and those it has reaped."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        fields = _stat(pid)
        if fields is None:
            continue
        if pid == root:  # utime, stime, cutime, cstime
            total += sum(int(value) for value in fields[11:15])
        elif int(fields[1]) == root:
            total += int(fields[11]) + int(fields[12])
    return total / _TICKS


def _server_pid() -> int:
    """The server process: the child of this one running dataaccess_server."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        fields = _stat(int(entry.name))
        if fields is None or int(fields[1]) != os.getpid():
            continue
        with contextlib.suppress(OSError):
            if b"dataaccess_server" in (entry / "cmdline").read_bytes():
                return int(entry.name)
    raise RuntimeError("the server process was not found among this process's children")


@dataclass(frozen=True, slots=True)
class CpuClock:
    """CPU seconds so far of the client (this process), the server and PostgreSQL."""

    server_pid: int
    postmaster_pid: int

    def read(self) -> tuple[float, float, float]:
        return (
            time.process_time(),
            _tree_cpu(self.server_pid),
            _tree_cpu(self.postmaster_pid),
        )


@dataclass(slots=True)
class Waits:
    """What pg_stat_activity showed every SAMPLE_EVERY seconds during a workload."""

    samples: int = 0
    active: int = 0
    """Backends running a statement, summed over the samples."""
    lock: int = 0
    """Of those, waiting on a lock."""
    transactionid: int = 0
    """Waiting on another transaction (Lock:transactionid)."""
    backlog_max: int = -1
    """The most delta rows not folded yet (-1: no delta table, before migration 0011)."""
    backlog_last: int = -1

    def line(self, name: str) -> str:
        share = self.lock / self.active if self.active else 0.0
        line = (
            f"waits: {name}: {self.lock / max(self.samples, 1):.2f} of "
            f"{self.active / max(self.samples, 1):.2f} active backends wait on a lock "
            f"({share:.0%}; Lock:transactionid {self.transactionid} of {self.active}"
            f" over {self.samples} samples)"
        )
        if self.backlog_max >= 0:
            line += f"; unfolded deltas at most {self.backlog_max} rows, {self.backlog_last} last"
        return line


async def _sample_waits(dsn: str, waits: Waits) -> None:
    """Add a sample to ``waits`` every SAMPLE_EVERY seconds until cancelled."""
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
        cursor = await conn.execute(HAS_DELTAS)
        deltas = await cursor.fetchone()
        sample = SAMPLE_BACKLOG if deltas is not None and deltas[0] else SAMPLE_WAITS
        while True:
            cursor = await conn.execute(sample)
            row = await cursor.fetchone()
            assert row is not None
            waits.samples += 1
            waits.active += int(row[0])
            waits.lock += int(row[1])
            waits.transactionid += int(row[2])
            waits.backlog_last = int(row[3])
            waits.backlog_max = max(waits.backlog_max, waits.backlog_last)
            await asyncio.sleep(SAMPLE_EVERY)


@dataclass(frozen=True, slots=True)
class Workload:
    """A measured workload, and over its whole run (warm-up included) the rows it sent,
    the seconds it took and the CPU seconds of client, server and PostgreSQL."""

    result: Result
    rows: int
    seconds: float
    cpu: tuple[float, float, float]
    waits: Waits

    def cpu_line(self) -> str:
        client, server, database = (seconds / self.rows * 1e6 for seconds in self.cpu)
        busy = sum(self.cpu) / self.seconds
        return (
            f"{self.result.name:<44} client {client:5.1f}, server {server:5.1f}, "
            f"postgres {database:5.1f} ms; {busy:.2f} of {os.cpu_count()} cores busy"
        )


async def _workload(
    name: str, call: Callable[[], Awaitable[int]], clock: CpuClock, dsn: str
) -> Workload:
    """measure() ``call``, which returns the rows it sent, counting rows and CPU, and
    sampling lock waits and the delta backlog on ``dsn``."""
    rows = 0

    async def counted() -> None:
        nonlocal rows
        sent = await call()
        rows += sent  # not ``rows += await call()``: that reads rows before awaiting

    waits = Waits()
    sampler = asyncio.create_task(_sample_waits(dsn, waits))
    before, started = clock.read(), time.perf_counter()
    try:
        result = await measure(name, counted, concurrency=CONCURRENCY, duration=DURATION)
    finally:
        sampler.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sampler
    after, seconds = clock.read(), time.perf_counter() - started
    cpu = (after[0] - before[0], after[1] - before[1], after[2] - before[2])
    return Workload(result, rows, seconds, cpu, waits)


# --- batches -------------------------------------------------------------------------------


def _log_rows(rng: random.Random, start: datetime, span: float) -> list[RequestLog]:
    """A batch of logs between ``start`` and ``span`` seconds later (request ids blank)."""
    providers = list(LOG_MODELS)
    api_keys = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(API_KEYS)]
    ips = [
        f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
        for _ in range(CLIENT_IPS - 20)
    ]
    ips += [f"2001:db8:{rng.randrange(65536):x}::{rng.randrange(1, 65536):x}" for _ in range(20)]
    statuses = [status for status, _, _ in STATUSES]
    weights = [weight for _, weight, _ in STATUSES]
    messages = {status: message for status, _, message in STATUSES}
    rows = []
    for _ in range(BATCH):
        provider = rng.choices(providers, weights=(5, 4, 2, 1))[0]
        model = rng.choice(LOG_MODELS[provider])
        status = rng.choices(statuses, weights=weights)[0]
        failed = status != 200
        listing = rng.random() < 0.01
        rows.append(
            RequestLog(
                request_time=start + timedelta(seconds=rng.uniform(0, span)),
                request_id="",
                provider=provider,
                model=model,
                auth_id=f"{provider}-auth-{rng.randrange(LOG_AUTHS):03d}",
                api_key_id=rng.choice(api_keys) if rng.random() < 0.9 else None,
                client_ip=rng.choice(ips),
                user_agent=rng.choice(USER_AGENTS),
                method="GET" if listing else "POST",
                path="/v1/models" if listing else LOG_PATHS[provider].format(model=model),
                status_code=status,
                latency_ms=int(rng.lognormvariate(3.5 if failed else 6.8, 1.0)),
                input_tokens=0 if failed else int(rng.lognormvariate(7.0, 1.3)),
                output_tokens=0 if failed else int(rng.lognormvariate(5.5, 1.0)),
                error_message=messages[status] or None,
            )
        )
    return rows


@dataclass(frozen=True, slots=True)
class UsageBatch:
    """One usage batch as the request, as the server's summed rows, and its totals."""

    request: usage_pb2.BatchUpsertUsageRequest
    params: dict[str, list[Any]]
    keys: int
    totals: tuple[int, int, int]  # request_count, input_tokens, output_tokens


def _usage_batch(rng: random.Random, days: Sequence[date]) -> UsageBatch:
    records = []
    rows = []
    for _ in range(BATCH):
        provider = rng.choice(USAGE_PROVIDERS)
        model = f"{provider}-model-{rng.randrange(USAGE_MODELS)}"
        auth_id = f"auth-{rng.randrange(USAGE_AUTHS):05d}"
        day = rng.choice(days)
        requests = rng.randint(1, 20)
        errors = rng.choices((0, 1, 2), weights=(90, 8, 2))[0]
        counters: dict[str, Any] = {
            "request_count": requests,
            "input_tokens": requests * int(rng.lognormvariate(7.0, 1.2)),
            "output_tokens": requests * int(rng.lognormvariate(5.5, 1.0)),
            "reasoning_tokens": requests * int(rng.lognormvariate(5.0, 1.0))
            if rng.random() < 0.3
            else 0,
            "cached_tokens": requests * int(rng.lognormvariate(6.0, 1.0))
            if rng.random() < 0.5
            else 0,
            "success_count": requests - min(errors, requests),
            "error_count": min(errors, requests),
        }
        records.append(
            usage_pb2.UsageRecord(
                provider=provider, model=model, auth_id=auth_id, date=day.isoformat(), **counters
            )
        )
        rows.append(DailyUsage(day, provider, model, auth_id, **counters))
    summed = sum_by_key(rows)
    params: dict[str, list[Any]] = {
        "dates": [row.usage_date for row in summed],
        "providers": [row.provider for row in summed],
        "models": [row.model for row in summed],
        "auth_ids": [row.auth_id for row in summed],
    }
    for name in COUNTERS:
        params[f"{name}s" if name.endswith("count") else name] = [
            getattr(row, name) for row in summed
        ]
    return UsageBatch(
        request=usage_pb2.BatchUpsertUsageRequest(records=records),
        params=params,
        keys=len(summed),
        totals=(
            sum(row.request_count for row in rows),
            sum(row.input_tokens for row in rows),
            sum(row.output_tokens for row in rows),
        ),
    )


def _stamping_ms(ids: RequestIds, stamp: Callable[[list[str]], None], repeat: int = 20) -> float:
    """Milliseconds one call spends stamping request ids into its batch (ids included)."""
    started = time.perf_counter()
    for _ in range(repeat):
        stamp(ids.batch(BATCH))
    return (time.perf_counter() - started) / repeat * 1000


# --- the run -------------------------------------------------------------------------------


async def _reset(
    pool: AsyncConnectionPool[psycopg.AsyncConnection[TupleRow]], truncate: str
) -> None:
    """Empty the tables and checkpoint: every workload starts from the same state."""
    async with pool.connection() as conn:
        cursor = await conn.execute(HAS_DELTAS)
        deltas = await cursor.fetchone()
        if truncate == TRUNCATE_LOGS and deltas is not None and deltas[0]:
            truncate = TRUNCATE_DELTAS
            cursor = await conn.execute(HAS_DENSE)
            dense = await cursor.fetchone()
            if dense is not None and dense[0]:
                truncate = TRUNCATE_DENSE
        await conn.execute(truncate)
        await conn.execute(CHECKPOINT)


async def _logs_stored(
    pool: AsyncConnectionPool[psycopg.AsyncConnection[TupleRow]],
    name: str,
    sent: int,
    *,
    rolled_up: bool,
) -> None:
    async with pool.connection() as conn:
        cursor = await conn.execute(HAS_DELTAS)
        deltas = await cursor.fetchone()
        with_deltas = deltas is not None and bool(deltas[0])
        cursor = await conn.execute(COUNT_LOGS_WITH_DELTAS if with_deltas else COUNT_LOGS)
        counts = await cursor.fetchone()
    assert counts is not None
    stored, hourly, latency, daily = (int(value) for value in counts)
    expected = sent if rolled_up else 0
    if stored != sent or hourly != latency or hourly != daily or hourly != expected:
        raise InvalidAnswerError(
            f"{name}: sent {sent} logs; stored {stored}, rollups count {hourly} (hourly), "
            f"{latency} (hourly latency), {daily} (daily latency); expected {expected}"
        )


async def _usage_stored(
    pool: AsyncConnectionPool[psycopg.AsyncConnection[TupleRow]],
    name: str,
    sent: tuple[int, int, int],
) -> None:
    async with pool.connection() as conn:
        cursor = await conn.execute(SUM_USAGE)
        sums = await cursor.fetchone()
    assert sums is not None
    stored = tuple(int(value) for value in sums)
    if stored != sent:
        raise InvalidAnswerError(
            f"{name}: sent (requests, input, output) {sent}, usage_stats sums to {stored}"
        )


async def run() -> str:
    """Run the workloads and return the report."""
    rng = random.Random(SEED)
    now = datetime.now(UTC)
    today = now.date()
    yesterday = today - timedelta(days=1)
    start = datetime.combine(yesterday, datetime.min.time(), UTC)
    span = (now - start).total_seconds()
    if os.environ.get(SPAN_VARIABLE):
        span = float(os.environ[SPAN_VARIABLE])
        start = now - timedelta(seconds=span)

    prepared = time.perf_counter()
    log_batches = [_log_rows(rng, start, span) for _ in range(TEMPLATES)]
    log_requests = Templates(
        [
            logs_pb2.BatchInsertRequestLogsRequest(logs=[log_to_proto(row) for row in rows])
            for rows in log_batches
        ]
    )
    copy_rows = Templates([[list(row) for row in rows] for rows in log_batches])
    store_rows = Templates([list(rows) for rows in log_batches])
    usage_batches = Templates([_usage_batch(rng, (yesterday, today)) for _ in range(TEMPLATES)])
    prepared = time.perf_counter() - prepared

    ids = RequestIds(rng)

    def stamp_proto(request: logs_pb2.BatchInsertRequestLogsRequest, fresh: list[str]) -> None:
        for log, request_id in zip(request.logs, fresh, strict=True):
            log.request_id = request_id

    def stamp_list(rows: list[list[Any]], fresh: list[str]) -> None:
        for row, request_id in zip(rows, fresh, strict=True):
            row[REQUEST_ID] = request_id

    def stamp_store(rows: list[RequestLog], fresh: list[str]) -> None:
        # Named tuples: each row replaced by a copy with its new id (the template is
        # this call's alone).
        for index, request_id in enumerate(fresh):
            rows[index] = rows[index]._replace(request_id=request_id)

    with log_requests.take() as request:
        proto_stamp_ms = _stamping_ms(ids, lambda fresh: stamp_proto(request, fresh))
    with copy_rows.take() as rows:
        list_stamp_ms = _stamping_ms(ids, lambda fresh: stamp_list(rows, fresh))

    with postgres() as instance:
        dsn = instance.dsn()
        postmaster_pid = int((instance.data_dir / "postmaster.pid").read_text().split()[0])
        env = {
            "DB_POOL_MIN_CONNS": str(POOL_SIZE),
            "DB_POOL_MAX_CONNS": str(POOL_SIZE),
            # A plaintext loopback server outside the embedded database must say so.
            "DATAACCESS_AUTH": "none",
        }
        with server_process(dsn, **env) as target:
            clock = CpuClock(_server_pid(), postmaster_pid)
            async with (
                aio.insecure_channel(target) as channel,
                raw_pool(dsn, POOL_SIZE) as pool,
            ):
                logs = logs_grpc.RequestLogServiceStub(channel)
                usage = usage_grpc.UsageServiceStub(channel)
                async with pool.connection() as conn:
                    await logs_store.ensure_partitions(conn, [yesterday, today])

                async def raw_copy() -> int:
                    with copy_rows.take() as rows:
                        stamp_list(rows, ids.batch(BATCH))
                        async with (
                            pool.connection() as conn,
                            conn.transaction(),
                            conn.cursor() as cursor,
                            cursor.copy(COPY_LOGS) as copy,
                        ):
                            for row in rows:
                                await copy.write_row(row)
                    return BATCH

                async def raw_insert_logs() -> int:
                    with store_rows.take() as rows:
                        stamp_store(rows, ids.batch(BATCH))
                        async with pool.connection() as conn:
                            stored = await logs_store.insert_logs(conn, rows)
                    if stored.inserted != BATCH or stored.duplicates:
                        raise InvalidAnswerError(
                            f"insert_logs: {stored.inserted} inserted, "
                            f"{stored.duplicates} duplicates"
                        )
                    return BATCH

                async def grpc_insert() -> int:
                    with log_requests.take() as request:
                        stamp_proto(request, ids.batch(BATCH))
                        response = await logs.BatchInsertRequestLogs(request)
                    if response.inserted != BATCH or response.duplicates:
                        raise InvalidAnswerError(
                            f"BatchInsertRequestLogs: {response.inserted} inserted, "
                            f"{response.duplicates} duplicates"
                        )
                    return BATCH

                usage_sent = [0, 0, 0]

                def count_usage(batch: UsageBatch) -> None:
                    for i, value in enumerate(batch.totals):
                        usage_sent[i] += value

                async def raw_upsert() -> int:
                    with usage_batches.take() as batch:
                        async with pool.connection() as conn, conn.transaction():
                            await conn.execute(usage_store.UPSERT_USAGE, batch.params)
                        count_usage(batch)
                    return BATCH

                async def grpc_upsert() -> int:
                    with usage_batches.take() as batch:
                        response = await usage.BatchUpsertUsage(batch.request)
                        if response.records_received != BATCH or response.keys_updated != (
                            batch.keys
                        ):
                            raise InvalidAnswerError(
                                f"BatchUpsertUsage: {response.records_received} received, "
                                f"{response.keys_updated} keys updated (sent {batch.keys})"
                            )
                        count_usage(batch)
                    return BATCH

                log_runs: list[Workload] = []
                for name, call, rolled_up in (
                    ("raw psycopg: COPY request_logs", raw_copy, False),
                    ("raw psycopg: store.insert_logs", raw_insert_logs, True),
                    ("gRPC: BatchInsertRequestLogs", grpc_insert, True),
                ):
                    await _reset(pool, TRUNCATE_LOGS)
                    workload = await _workload(name, call, clock, dsn)
                    await _logs_stored(pool, name, workload.rows, rolled_up=rolled_up)
                    log_runs.append(workload)

                usage_runs: list[Workload] = []
                for name, call in (
                    ("raw psycopg: store.UPSERT_USAGE", raw_upsert),
                    ("gRPC: BatchUpsertUsage", grpc_upsert),
                ):
                    await _reset(pool, TRUNCATE_USAGE)
                    usage_sent[:] = [0, 0, 0]
                    workload = await _workload(name, call, clock, dsn)
                    await _usage_stored(pool, name, (usage_sent[0], usage_sent[1], usage_sent[2]))
                    usage_runs.append(workload)

    spread = (
        f"the last {span:g} s ({SPAN_VARIABLE})"
        if os.environ.get(SPAN_VARIABLE)
        else "today and yesterday UTC"
    )
    setting = (
        f"concurrency {CONCURRENCY}, {DURATION:g} s each, pool {POOL_SIZE}, {BATCH} rows per call"
    )
    copy_run, store_run, grpc_run = (workload.result for workload in log_runs)
    raw_usage, grpc_usage = (workload.result for workload in usage_runs)
    cpu_header = "CPU time per 1,000 rows (warm-up included):"
    return "\n\n".join(
        [
            f"ingest: {TEMPLATES} templates of each kind built in {prepared:.1f} s; stamping "
            f"fresh request ids costs {proto_stamp_ms:.2f} ms per protobuf batch and "
            f"{list_stamp_ms:.2f} ms per row batch, inside the timings",
            report(
                f"ingest: request logs, {spread}, target >= {LOGS_TARGET:.0%} "
                f"of raw COPY ({setting})",
                [workload.result for workload in log_runs],
                copy_run,
                rows_per_call=BATCH,
            )
            + "\n"
            + verdict("BatchInsertRequestLogs", grpc_run, copy_run, LOGS_TARGET)
            + f"\nBatchInsertRequestLogs: {grpc_run.throughput / store_run.throughput:.0%} "
            f"of {store_run.name} (the server's SQL alone)"
            + f"\n{cpu_header}\n"
            + "\n".join(workload.cpu_line() for workload in log_runs)
            + "\n"
            + "\n".join(workload.waits.line(workload.result.name) for workload in log_runs)
            + f"\nchecked: each workload's logs stored once; {sum(w.rows for w in log_runs)} "
            "in all",
            report(
                f"ingest: usage, {len(USAGE_PROVIDERS)} providers x {USAGE_MODELS} models x "
                f"{USAGE_AUTHS} auths x {USAGE_DAYS} days ({setting})",
                [workload.result for workload in usage_runs],
                raw_usage,
                rows_per_call=BATCH,
            )
            + f"\nBatchUpsertUsage: {grpc_usage.throughput / raw_usage.throughput:.0%} of "
            f"{raw_usage.name}"
            + f"\n{cpu_header}\n"
            + "\n".join(workload.cpu_line() for workload in usage_runs)
            + "\nchecked: usage_stats sums equal to the counters sent",
        ]
    )


if __name__ == "__main__":
    print(asyncio.run(run()))
