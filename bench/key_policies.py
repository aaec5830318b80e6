"""Issue 18's acceptance 6: validations of a key with limits, leases warm, beside
validations of a key without, in one run; and the database writes they cost.

``python -m bench key_policies [--rounds N] [--duration S]`` (default 3 rounds of 15 s).
One ``dataaccess serve`` process (pool POOL_SIZE, auth none) on a durable PostgreSQL 18;
ghz with the hot path's load (CONNECTIONS connections, CONCURRENCY workers). Each round
runs, in order, after a 1 s warm-up run of its own (which warms the leases):

- ValidateAPIKey of a key without limits (cached: the hottest path, no I/O);
- ValidateAPIKey of a key with three limits (requests and tokens per minute, a daily
  cost budget, all far above the load so that nothing is refused), each call stating
  100 tokens and 10 cost units, as a proxy's would.

Writes: the rows PostgreSQL counted as inserted, updated or deleted in the server's
schema (pg_stat_user_tables) over the limited runs, warm-ups included, read once every
backend has reported its statistics (PostgreSQL flushes them at the latest 10 s after a
backend goes idle), per 1,000 limited validations; beside them, how many grants and
give-backs the ledger rows show. Target (acceptance 6): limited >= 0.7 x unlimited
calls/s, same round, median over rounds; fewer than 20 writes per 1,000 validations.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Iterable

import grpc
import psycopg
from google.protobuf import duration_pb2

from bench.cpu import postmaster_pid
from bench.ghz import Call, GhzResult, Load
from bench.harness import postgres, server
from bench.hot_path import CONCURRENCY, CONNECTIONS, SERVER_ENV, check_serving
from bench.rounds import WARMUP_SECONDS, Row, Run, run_rounds
from dataaccess.v1 import api_keys_pb2 as keys_pb2
from dataaccess.v1 import api_keys_pb2_grpc as keys_grpc

ROUNDS = 3
DURATION = 15.0
MIN_SHARE = 0.7  # acceptance 6: limited calls/s over unlimited, same round
MAX_WRITES_PER_1000 = 20.0  # acceptance 6's target
STATS_SETTLE = 11.0  # seconds: backends report their table statistics within 10 s idle
VALIDATE = "dataaccess.v1.APIKeyService/ValidateAPIKey"
UNLIMITED = "ValidateAPIKey, no limits"
LIMITED = "ValidateAPIKey, 3 limits"
WRITTEN = """
SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_user_tables
WHERE schemaname = current_schema()
"""
LEDGER = "SELECT count(*), coalesce(sum(taken), 0) FROM key_limit_ledger"


def seed(target: str) -> tuple[str, str]:
    """The two keys (plaintexts), each validated once."""
    check_serving(target)
    minute = duration_pb2.Duration(seconds=60)
    big = 10**15
    with grpc.insecure_channel(target) as channel:
        keys = keys_grpc.APIKeyServiceStub(channel)
        plain = keys.CreateAPIKey(
            keys_pb2.CreateAPIKeyRequest(api_key=keys_pb2.APIKey(name="plain", owner_id="bench"))
        ).key
        limited = keys.CreateAPIKey(
            keys_pb2.CreateAPIKeyRequest(
                api_key=keys_pb2.APIKey(
                    name="limited",
                    owner_id="bench",
                    limits=[
                        keys_pb2.Limit(
                            name="rpm", unit=keys_pb2.LIMIT_UNIT_REQUESTS, window=minute, limit=big
                        ),
                        keys_pb2.Limit(
                            name="tpm", unit=keys_pb2.LIMIT_UNIT_TOKENS, window=minute, limit=big
                        ),
                    ],
                    budgets=[
                        keys_pb2.Budget(
                            name="daily", limit=big, period=keys_pb2.BUDGET_PERIOD_DAILY
                        )
                    ],
                )
            )
        ).key
        for key in (plain, limited):
            reply = keys.ValidateAPIKey(
                keys_pb2.ValidateAPIKeyRequest(key=key, tokens=100, cost=10)
            )
            if not reply.valid:
                raise RuntimeError(f"seeding: a seeded key does not validate: {reply}")
        if len(reply.limits) != 3:
            raise RuntimeError(f"seeding: the limited key has {len(reply.limits)} limits")
    return plain, limited


def _written(dsn: str) -> int:
    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute(WRITTEN).fetchone()
    return int(row[0]) if row is not None else 0


def measure(rounds: int = ROUNDS, duration: float = DURATION) -> str:
    """Start PostgreSQL and the server, seed, run the interleaved rounds; the report."""
    if rounds < 1 or duration <= 0:
        raise ValueError("rounds must be at least 1 and duration positive")
    load = Load(concurrency=CONCURRENCY, connections=CONNECTIONS, duration=duration)
    limited_calls = 0
    with postgres() as instance, server(instance.dsn(), SERVER_ENV) as dataaccess:
        dsn = instance.dsn()
        plain, limited = seed(dataaccess.target)
        runs = [
            Run(UNLIMITED, UNLIMITED, dataaccess, Call(VALIDATE, {"key": plain}), load),
            Run(
                LIMITED,
                LIMITED,
                dataaccess,
                Call(VALIDATE, {"key": limited, "tokens": 100, "cost": 10}),
                load,
            ),
        ]

        def count(run: Run[str], warm: GhzResult, result: GhzResult) -> None:
            # Writes are read around the whole set of rounds (statistics lag behind):
            # the unlimited runs write nothing of their own (the last-used flushes, a row
            # every few seconds, are shared), so every row written counts against the
            # limited runs.
            nonlocal limited_calls
            if run.key == LIMITED:
                limited_calls += warm.calls + result.calls

        time.sleep(STATS_SETTLE)
        written_before = _written(dsn)
        rows = run_rounds(
            runs,
            rounds=rounds,
            postgres_pid=postmaster_pid(instance.data_dir),
            label="key_policies",
            on_run=count,
        )
        time.sleep(STATS_SETTLE)
        writes = _written(dsn) - written_before
        with psycopg.connect(dsn, autocommit=True) as conn:
            ledger = conn.execute(LEDGER).fetchone()
    return report(rows, rounds, load, limited_calls, writes, ledger)


def report(
    rows: dict[str, list[Row]],
    rounds: int,
    load: Load,
    limited_calls: int,
    writes: int,
    ledger: tuple[int, int] | None,
) -> str:
    """The table (medians), the same-round ratio, the writes per 1,000 validations."""
    lines = [
        f"key_policies: one dataaccess server process, PostgreSQL 18; ghz -c "
        f"{load.concurrency} --connections {load.connections}, {load.duration:g} s per run "
        f"after a {WARMUP_SECONDS:g} s warm-up, {rounds} round(s) interleaved; medians",
        f"{'RPC':<28} {'calls/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'server us/call':>14} "
        f"{'pg us/call':>10}",
    ]
    for name, runs in rows.items():
        lines.append(
            f"{name:<28} {_median(r.rps for r in runs):>8.0f} "
            f"{_median(r.p50_ms for r in runs):>7.2f} {_median(r.p99_ms for r in runs):>7.2f} "
            f"{_median(r.server_us for r in runs):>14.0f} "
            f"{_median(r.postgres_us for r in runs):>10.0f}"
        )
    shares = [
        limited.rps / plain.rps
        for limited, plain in zip(rows[LIMITED], rows[UNLIMITED], strict=True)
    ]
    share = statistics.median(shares)
    lines.append(
        f"{LIMITED} calls/s / {UNLIMITED}'s: {share:.2f} ({min(shares):.2f}-{max(shares):.2f})"
        f"  acceptance 6, >= {MIN_SHARE:.2f}: {'met' if share >= MIN_SHARE else 'NOT met'}"
    )
    per_1000 = 1000 * writes / max(limited_calls, 1)
    lines.append(
        f"rows written in the schema during the rounds: {writes} for {limited_calls} limited "
        f"validations = {per_1000:.2f} per 1,000  target < {MAX_WRITES_PER_1000:g}: "
        f"{'met' if per_1000 < MAX_WRITES_PER_1000 else 'NOT met'}"
    )
    if ledger is not None:
        lines.append(f"ledger rows (limit x window): {ledger[0]}, units taken: {ledger[1]}")
    return "\n".join(lines)


def _median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


async def run(rounds: int = ROUNDS, duration: float = DURATION) -> str:
    """The benchmark as ``python -m bench`` runs it: blocking work, off the event loop."""
    return await asyncio.to_thread(measure, rounds, duration)
