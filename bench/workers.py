"""``serve --workers N`` scaling: calls/s and CPU per call with 1 and 2 worker processes.

``python -m bench workers [--rounds N] [--duration S]`` (default 3 rounds of 15 s). One
durable PostgreSQL 18 and two servers on it, started first: ``DATAACCESS_WORKERS=1`` and
``DATAACCESS_WORKERS=2`` (each worker with hot_path's pool of POOL_SIZE connections).
Each round runs every workload on one server, then on the other, each after a 1 s
warm-up of its own (which also fills each worker's key cache), so drift on this shared
machine lands on both alike. The workloads are hot_path's (seeded the same way, through
the 1-worker server):

- dataaccess Health/Check, ValidateAPIKey with a cached key, GetOAuthToken FULL,
  UpsertUsage with a fresh request id per call.

ghz runs with CONNECTIONS = CONCURRENCY = 16: the kernel spreads connections over the
workers by a hash of their addresses (SO_REUSEPORT), and 16 connections split near half
and half where hot_path's 4 could land 3 to 1. The server's CPU is its whole process
tree, supervisor and workers. The report gives, per workload and worker count, calls/s,
p50/p99 and CPU per call of the server, PostgreSQL and ghz; then the 2-worker/1-worker
ratios of the same round, and what the CPU per call predicts: calls/s on N cores with
the load generator elsewhere is about N / (server + PostgreSQL CPU per call), as long as
PostgreSQL's own locks do not bind first.
"""

from __future__ import annotations

import asyncio
import statistics
from collections.abc import Iterable
from datetime import UTC, datetime

from bench.cpu import postmaster_pid
from bench.ghz import Load
from bench.harness import postgres, server
from bench.hot_path import (
    HEALTH,
    OAUTH,
    SERVER_ENV,
    USAGE,
    VALIDATE,
    seed,
    workloads,
)
from bench.rounds import WARMUP_SECONDS, Row, Run, run_rounds
from dataaccess_server.domain.crypto import Keyring

ROUNDS = 3
DURATION = 15.0
CONCURRENCY = 16
CONNECTIONS = 16
WORKER_COUNTS = (1, 2)
MEASURED = (HEALTH, VALIDATE, OAUTH, USAGE)


def measure(rounds: int = ROUNDS, duration: float = DURATION) -> str:
    """Start PostgreSQL and both servers, seed, run the interleaved rounds; the report.

    Raises:
        GhzRunError: a call failed; RuntimeError: seeding failed.
    """
    if rounds < 1 or duration <= 0:
        raise ValueError("rounds must be at least 1 and duration positive")
    load = Load(concurrency=CONCURRENCY, connections=CONNECTIONS, duration=duration)
    # One keyring for both: the token seeded through one is read through the other.
    env = {**SERVER_ENV, "DATAACCESS_ENCRYPTION_KEYS": Keyring.generate("bench").serialize()}
    with (
        postgres() as instance,
        server(instance.dsn(), {**env, "DATAACCESS_WORKERS": "1"}) as one,
        server(instance.dsn(), {**env, "DATAACCESS_WORKERS": "2"}) as two,
    ):
        postgres_pid = postmaster_pid(instance.data_dir)
        now = datetime.now(UTC)
        chosen = [
            w
            for w in workloads(seed(one.target, now), now.date().isoformat())
            if w.name in MEASURED
        ]
        runs = [
            Run((w.name, count), f"{w.name}, {count} worker(s)", process, w.call, load)
            for w in chosen
            for count, process in zip(WORKER_COUNTS, (one, two), strict=True)
        ]
        rows = run_rounds(runs, rounds=rounds, postgres_pid=postgres_pid, label="workers")
    return report(rows, rounds, load)


def report(rows: dict[tuple[str, int], list[Row]], rounds: int, load: Load) -> str:
    lines = [
        f"workers: dataaccess serve with 1 and 2 workers (pool {SERVER_ENV['DB_POOL_MAX_CONNS']}"
        f" each), on PostgreSQL 18; ghz -c {load.concurrency} --connections "
        f"{load.connections}, {load.duration:g} s per run after a {WARMUP_SECONDS:g} s "
        f"warm-up, {rounds} round(s) interleaved; medians over the rounds",
        f"{'RPC':<28} {'workers':>7} {'calls/s':>8} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'server us/call':>14} {'pg us/call':>10} {'ghz us/call':>11} {'server cores':>12} "
        f"{'other cores':>11} {'calls/s per core':>16}",
    ]
    for (name, count), runs in rows.items():
        server_us = _median(r.server_us for r in runs)
        postgres_us = _median(r.postgres_us for r in runs)
        lines.append(
            f"{name:<28} {count:>7} {_median(r.rps for r in runs):>8.0f} "
            f"{_median(r.p50_ms for r in runs):>7.2f} {_median(r.p99_ms for r in runs):>7.2f} "
            f"{server_us:>14.0f} {postgres_us:>10.0f} {_median(r.ghz_us for r in runs):>11.0f} "
            f"{_median(r.server_cores for r in runs):>12.2f} "
            f"{_median(r.other_cores for r in runs):>11.2f} "
            f"{1e6 / (server_us + postgres_us):>16.0f}"
        )
    lines.append("same-round ratios, 2 workers / 1 worker: median (lowest-highest)")
    for name in dict.fromkeys(name for name, _ in rows):
        pairs = list(zip(rows[(name, 1)], rows[(name, 2)], strict=True))
        for label, ratios in (
            ("calls/s", [b.rps / a.rps for a, b in pairs]),
            ("server CPU/call", [b.server_us / a.server_us for a, b in pairs]),
        ):
            lines.append(
                f"{name + ' ' + label:<50} {statistics.median(ratios):>5.2f} "
                f"({min(ratios):.2f}-{max(ratios):.2f})"
            )
    return "\n".join(lines)


def _median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


async def run(rounds: int = ROUNDS, duration: float = DURATION) -> str:
    """The benchmark as ``python -m bench`` runs it: blocking work, off the event loop."""
    return await asyncio.to_thread(measure, rounds, duration)
