"""GetCacheEntry and SetCacheEntry through gRPC (driven by ghz) beside raw psycopg running
the same statements on the same table, in one run on one PostgreSQL.

``python -m bench cache [--rounds N]`` (default 3). One server process on a durable
PostgreSQL 18; KEYS entries of VALUE_BYTES bytes are seeded first (an UNLOGGED table, as
migration 0010 makes it). Each round runs, in order: gRPC get, raw get, gRPC set, raw set,
so drift on a shared machine lands on all of them alike. Every gRPC call and every raw
statement picks one of the KEYS keys at random (ghz's ``randomInt`` template), so gets are
all hits and sets overwrite live entries.

The raw baseline is an asyncio loop in this process: RAW_CONCURRENCY closed loops over a
psycopg pool of POOL_SIZE autocommit connections (the server's pool size), executing
``db.cache.GET_ENTRY`` / ``SET_ENTRY`` with the same parameters the server passes. It is a
Python client too, so on a small machine it may be bound by its own CPU before
PostgreSQL's: the PostgreSQL CPU per call (the postmaster and all its children, from
/proc) is the figure that compares the database work of both paths.

After the rounds the table is made LOGGED and both sets run once more: what UNLOGGED
saves (no WAL; on this durable instance, no flush at every commit).

The report gives each workload's medians over the rounds (calls/s, p50, p99, CPU per call
of the server process and of PostgreSQL), then gRPC/raw ratios per round (median, lowest,
highest).
"""

from __future__ import annotations

import asyncio
import base64
import random
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

import psycopg

from bench.cpu import postmaster_pid, tree_cpu_seconds
from bench.ghz import Call, Load, run_ghz
from bench.harness import postgres, raw_pool, server
from dataaccess_server.db.cache import GET_ENTRY, SET_ENTRY

ROUNDS = 3
DURATION = 10.0
LOAD = Load(concurrency=16, connections=1, duration=DURATION)
WARMUP = Load(concurrency=16, connections=1, duration=1.0)
RAW_CONCURRENCY = 16
POOL_SIZE = 10
KEYS = 1000
VALUE_BYTES = 256
TTL = timedelta(hours=1)
TAGS = ["bench"]
SERVER_ENV = {"DB_POOL_MIN_CONNS": str(POOL_SIZE), "DB_POOL_MAX_CONNS": str(POOL_SIZE)}
VALUE = random.Random(1).randbytes(VALUE_BYTES)
KEY_TEMPLATE = "bench-{{randomInt 0 %d}}" % KEYS  # noqa: UP031  (braces are ghz's)
GET = Call("dataaccess.v1.CacheService/GetCacheEntry", {"key": KEY_TEMPLATE})
SET = Call(
    "dataaccess.v1.CacheService/SetCacheEntry",
    {
        "key": KEY_TEMPLATE,
        "value": base64.b64encode(VALUE).decode(),
        "ttl": f"{TTL.total_seconds():.0f}s",
        "tags": TAGS,
    },
)


@dataclass(frozen=True)
class Run:
    """One measured workload of one round; CPU in microseconds per call."""

    rps: float
    p50_ms: float
    p99_ms: float
    server_cpu_us: float | None
    postgres_cpu_us: float
    other_cores: float | None = None
    """Cores busy outside the run (ghz's runs only): near 0 on a quiet machine."""


def _seed(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO cache_entries (key, value, tags, expires_at)"
            " SELECT 'bench-' || n, %(value)s, %(tags)s, now() + %(ttl)s"
            " FROM generate_series(0, %(last)s) AS n",
            {"value": VALUE, "tags": TAGS, "ttl": TTL, "last": KEYS - 1},
        )


async def _raw(
    dsn: str,
    postgres_pid: int,
    statement: Callable[[psycopg.AsyncConnection[tuple[object, ...]]], Awaitable[None]],
) -> tuple[float, list[float], float]:
    """RAW_CONCURRENCY loops of ``statement`` for DURATION seconds after a 1 s warm-up:
    calls/s, every call's latency (ms), and PostgreSQL's CPU seconds over the run."""
    async with raw_pool(dsn, POOL_SIZE) as pool:

        async def loop(until: float, latencies: list[float] | None) -> int:
            count = 0
            while time.perf_counter() < until:
                started = time.perf_counter()
                async with pool.connection() as conn:
                    await statement(conn)
                if latencies is not None:
                    latencies.append((time.perf_counter() - started) * 1000)
                count += 1
            return count

        warm = time.perf_counter() + 1.0
        await asyncio.gather(*(loop(warm, None) for _ in range(RAW_CONCURRENCY)))
        latencies: list[float] = []
        cpu_before = tree_cpu_seconds(postgres_pid)
        started = time.perf_counter()
        counts = await asyncio.gather(
            *(loop(started + DURATION, latencies) for _ in range(RAW_CONCURRENCY))
        )
        elapsed = time.perf_counter() - started
        return sum(counts) / elapsed, latencies, tree_cpu_seconds(postgres_pid) - cpu_before


def _raw_run(dsn: str, postgres_pid: int, kind: str) -> Run:
    rng = random.Random()

    async def get(conn: psycopg.AsyncConnection[tuple[object, ...]]) -> None:
        cursor = await conn.execute(GET_ENTRY, {"key": f"bench-{rng.randrange(KEYS)}"})
        if await cursor.fetchone() is None:
            raise RuntimeError("raw get: a seeded key was a miss")

    async def put(conn: psycopg.AsyncConnection[tuple[object, ...]]) -> None:
        params = {"key": f"bench-{rng.randrange(KEYS)}", "value": VALUE, "tags": TAGS, "ttl": TTL}
        await (await conn.execute(SET_ENTRY, params)).fetchone()

    rps, latencies, used = asyncio.run(_raw(dsn, postgres_pid, get if kind == "get" else put))
    ordered = sorted(latencies)
    calls = len(ordered)
    return Run(
        rps,
        ordered[calls // 2],
        ordered[min(calls - 1, int(0.99 * calls))],
        None,
        used / calls * 1e6,
    )


def measure(rounds: int = ROUNDS) -> str:
    """Seed, run the interleaved rounds, return the report."""
    runs: dict[str, list[Run]] = {}
    with postgres() as instance, server(instance.dsn(), SERVER_ENV) as process:
        dsn = instance.dsn()
        postgres_pid = postmaster_pid(instance.data_dir)
        _seed(dsn)

        def both(kind: str, suffix: str = "") -> None:
            call = GET if kind == "get" else SET
            run_ghz(process.target, call, WARMUP)
            result = run_ghz(
                process.target, call, LOAD, server_pid=process.pid, postgres_pid=postgres_pid
            )
            runs.setdefault(f"gRPC {kind}{suffix}", []).append(
                Run(
                    result.rps,
                    result.p50_ms,
                    result.p99_ms,
                    result.server_cpu_us,
                    result.postgres_cpu_us or 0.0,
                    result.other_cores,
                )
            )
            runs.setdefault(f"raw {kind}{suffix}", []).append(_raw_run(dsn, postgres_pid, kind))

        for round_ in range(rounds):
            both("get")
            both("set")
            print(f"cache: round {round_ + 1}/{rounds} done", file=sys.stderr, flush=True)
        _check_keys(dsn)
        # What UNLOGGED saves: the same sets once more on the table made LOGGED (WAL, and
        # a flush at every commit on this durable instance), after the rounds.
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("ALTER TABLE cache_entries SET LOGGED")
        both("set", LOGGED)
    return report(runs, rounds)


LOGGED = ", LOGGED"


def _check_keys(dsn: str) -> None:
    """Every set went to one of the seeded keys: ghz expanded the key template, so the
    gets (which use the same template) asked for seeded keys and were hits."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE key !~ '^bench-[0-9]+$') FROM cache_entries"
        ).fetchone()
    if row is None or (row[0], row[1]) != (KEYS, 0):
        raise RuntimeError(f"cache: expected {KEYS} seeded keys and no other, found {row}")


def report(runs: dict[str, list[Run]], rounds: int) -> str:
    """Medians per workload, then gRPC/raw ratios per round."""
    lines = [
        f"cache: GetCacheEntry / SetCacheEntry ({KEYS} keys, {VALUE_BYTES}-byte values, all "
        f"hits) through gRPC (ghz -c {LOAD.concurrency}, one server process, pool "
        f"{POOL_SIZE}) vs raw psycopg (asyncio, {RAW_CONCURRENCY} loops, pool {POOL_SIZE}), "
        f"same statements, same table; {DURATION:g} s per run, {rounds} rounds interleaved; "
        "medians",
        f"{'workload':<18} {'calls/s':>8} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'server us/call':>14} {'pg us/call':>10} {'other cores':>11}",
    ]
    for name, measured in runs.items():
        server_cpu = [r.server_cpu_us for r in measured if r.server_cpu_us is not None]
        other = [r.other_cores for r in measured if r.other_cores is not None]
        lines.append(
            f"{name:<18} {_median(r.rps for r in measured):>8.0f} "
            f"{_median(r.p50_ms for r in measured):>7.2f} "
            f"{_median(r.p99_ms for r in measured):>7.2f} "
            f"{(f'{_median(server_cpu):.0f}' if server_cpu else '-'):>14} "
            f"{_median(r.postgres_cpu_us for r in measured):>10.1f} "
            f"{(f'{_median(other):.2f}' if other else '-'):>11}"
        )
    lines.append("gRPC / raw, per round: median, lowest, highest, then each round")
    for kind in ("get", "set"):
        grpc_runs, raw_runs = runs[f"gRPC {kind}"], runs[f"raw {kind}"]
        for label, ratios in (
            ("calls/s", [g.rps / r.rps for g, r in zip(grpc_runs, raw_runs, strict=True)]),
            (
                "pg CPU/call",
                [
                    g.postgres_cpu_us / r.postgres_cpu_us
                    for g, r in zip(grpc_runs, raw_runs, strict=True)
                ],
            ),
        ):
            lines.append(
                f"{kind} {label:<12} {statistics.median(ratios):>7.1%} {min(ratios):>7.1%} "
                f"{max(ratios):>7.1%}  " + " ".join(f"{ratio:.1%}" for ratio in ratios)
            )
    for side in ("gRPC", "raw"):
        logged, unlogged = runs[f"{side} set{LOGGED}"], runs[f"{side} set"]
        lines.append(
            f"{side} set on a LOGGED table (one run, after the rounds) / UNLOGGED median: "
            f"calls/s {logged[0].rps / _median(r.rps for r in unlogged):.1%}, pg CPU/call "
            f"{logged[0].postgres_cpu_us / _median(r.postgres_cpu_us for r in unlogged):.1%}"
        )
    return "\n".join(lines)


def _median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


async def run(rounds: int = ROUNDS) -> str:
    """The benchmark as ``python -m bench`` runs it: blocking work (and its own event
    loops for the raw runs), off the caller's event loop."""
    return await asyncio.to_thread(measure, rounds)


if __name__ == "__main__":
    print(measure(int(sys.argv[1]) if len(sys.argv) > 1 else ROUNDS))
