"""Issue 17's table, in one run: what one server process spends per call on the hot
RPCs, beside a bare grpc.aio server that serves only grpc.health.v1.

``python -m bench hot_path [--rounds N] [--duration S]`` (default 3 rounds of 15 s).
One ``dataaccess serve`` process (pool POOL_SIZE, auth none) on a durable PostgreSQL 18,
and bench/bare_server.py as its own process. ghz drives every workload with the load of
the issue's table: CONNECTIONS (4) HTTP/2 connections, CONCURRENCY (16) workers, which
keeps a one-process server at one core (the report's "server cores" column shows it).
Each round runs every workload once, in order, each after a 1 s warm-up run of its own,
so drift on this shared machine lands on all of them alike. The workloads:

- the bare server's Health/Check: the floor of any unary call in grpc.aio;
- dataaccess Health/Check: the floor of this server's assembly (interceptors, options);
- ValidateAPIKey with one seeded key, cached after the warm-up (no rate limit, no
  quota: a validation never writes);
- GetOAuthToken, FULL view, of one seeded token (a read and an AES-GCM open per call);
- UpsertUsage with a fresh request_id per call (ghz's ``newUUID``): proxies send one,
  since the clients retry UpsertUsage only when it has one, so this is the production
  path (an idempotency row and a counter upsert in one transaction). The auth_id is one
  of USAGE_AUTHS at random, so calls do not queue on one counter row's lock. After the
  rounds the run fails unless every call was applied exactly once;
- GetErrorRates over the last 7 days, on LOG_DAYS * 24 * LOGS_PER_HOUR seeded logs
  (rollups built by ingestion, through BatchInsertRequestLogs);
- StreamValidateAPIKeys: streams of STREAM_KEYS validations, 10 or 1 key to a message
  (:func:`stream_validate_workloads`), per validation.

Every figure is a median over the rounds; every ratio is taken within a round, then the
median. The ratios: each workload's calls/s over dataaccess Health/Check's (the issue's
last column; acceptance 2: ValidateAPIKey >= 0.9), and dataaccess Health/Check's server
CPU per call over the bare server's (acceptance 1: <= 1.15). The issue's server CPU per
call is printed beside each row for reference; acceptance 4 compares checkouts in one
run, which is ``python -m bench.ab BASE hot_path`` (the report ends with two blocks in
the formats bench/ab.py reads).
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import subprocess
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import grpc
import psycopg
from google.protobuf import json_format, timestamp_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc

from bench.cpu import postmaster_pid
from bench.ghz import Call, GhzResult, Load
from bench.harness import ServerProcess, postgres, server
from bench.rounds import WARMUP_SECONDS, Row, Run, run_rounds
from dataaccess.v1 import analytics_pb2, analytics_pb2_grpc
from dataaccess.v1 import api_keys_pb2 as keys_pb2
from dataaccess.v1 import api_keys_pb2_grpc as keys_grpc
from dataaccess.v1 import oauth_tokens_pb2 as tokens_pb2
from dataaccess.v1 import oauth_tokens_pb2_grpc as tokens_grpc
from dataaccess.v1 import request_logs_pb2 as logs_pb2
from dataaccess.v1 import request_logs_pb2_grpc as logs_grpc

ROUNDS = 3
DURATION = 15.0
CONCURRENCY = 16
CONNECTIONS = 4
POOL_SIZE = 10
SERVER_ENV = {"DB_POOL_MIN_CONNS": str(POOL_SIZE), "DB_POOL_MAX_CONNS": str(POOL_SIZE)}
LOG_DAYS = 7
LOGS_PER_HOUR = 20
LOG_PAIRS = [("claude", "claude-sonnet"), ("claude", "claude-haiku"), ("gemini", "gemini-pro")]
USAGE_AUTHS = 1000
HEALTH_MAX_RATIO = 1.15  # acceptance 1: Health/Check's CPU per call over the bare server's
VALIDATE_MIN_SHARE = 0.9  # acceptance 2: ValidateAPIKey's calls/s over Health/Check's

BARE = "bare grpc.aio, Health/Check"
HEALTH = "dataaccess Health/Check"
VALIDATE = "ValidateAPIKey, cached key"
OAUTH = "GetOAuthToken FULL"
USAGE = "UpsertUsage"
ERRORS = "GetErrorRates, 7 days"
STREAM = "StreamValidate, 10 keys/msg"
STREAM_ONE = "StreamValidate, 1 key/msg"
# A stream carries STREAM_KEYS validations: 20 messages of 10 keys (what a busy proxy has
# at hand at once), or 200 of one key (the worst case: a message per key).
STREAM_KEYS = 200
STREAM_ITEMS = {STREAM: 10, STREAM_ONE: 1}
STREAM_MIN_FACTOR = 3.0  # acceptance 3: over the unary ValidateAPIKey's validations/s
STREAM_MIN_RATE = 10_000.0  # acceptance 3: validations/s
# Server CPU per call (µs) in issue 17's table: the "before" this run is quoted against.
ISSUE_SERVER_US = {BARE: 230, HEALTH: 330, VALIDATE: 405, OAUTH: 950, USAGE: 1450, ERRORS: 1275}
HEALTH_CHECK = "grpc.health.v1.Health/Check"
BARE_SERVER = Path(__file__).with_name("bare_server.py")


@dataclass(frozen=True)
class Workload:
    """One measured RPC: ``call`` for ghz; ``bare`` when the bare server serves it;
    ``messages_per_call`` the answers one ghz call gets (a stream's messages), by which
    calls/s and CPU per call become per answer; ``load`` to override the common one
    (a stream's ``stream_call_count``)."""

    name: str
    call: Call
    bare: bool = False
    messages_per_call: int = 1
    load: Load | None = None


@dataclass(frozen=True)
class Seeded:
    """What the workloads call with: a key's plaintext, a token's id, and the 7-day
    range of the seeded logs (whole hours)."""

    key: str
    token_id: str
    logs: int
    start: datetime
    end: datetime


@contextlib.contextmanager
def bare_server() -> Iterator[ServerProcess]:
    """bench/bare_server.py in its own process (this Python, nothing of the service on
    its path but grpc); stopped with SIGTERM afterwards."""
    process = subprocess.Popen(
        [sys.executable, str(BARE_SERVER)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None  # stdout=PIPE
        line = process.stdout.readline()
        if not line.startswith("serving gRPC on "):
            raise RuntimeError(f"bare server did not start: {line!r}, exit {process.poll()}")
        target = line.rsplit(" ", 1)[1].strip()
        check_serving(target)
        yield ServerProcess(target, process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def check_serving(target: str) -> None:
    """Health/Check answers SERVING at ``target`` (waiting up to 30 s for it to listen).
    It also registers grpc.health.v1's descriptor, from which bench/ghz.py gives ghz
    the Health API.

    Raises:
        RuntimeError: it answered another status.
    """
    with grpc.insecure_channel(target) as channel:
        health: Any = health_pb2_grpc.HealthStub(channel)  # the generated stub is untyped
        response = health.Check(health_pb2.HealthCheckRequest(), timeout=30, wait_for_ready=True)
    if response.status != health_pb2.HealthCheckResponse.SERVING:
        raise RuntimeError(f"{target}: Health/Check answered {response.status}")


def _timestamp(moment: datetime) -> timestamp_pb2.Timestamp:
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(moment)
    return stamp


def _rfc3339(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def seed(target: str, now: datetime) -> Seeded:
    """One API key, one OAuth token, and LOGS_PER_HOUR logs an hour over the LOG_DAYS days
    before ``now``, through the server's own RPCs; each read workload is called once
    and checked, so a run measures answers, not errors.

    Raises:
        RuntimeError: a seeded thing did not read back as seeded.
    """
    end = now.replace(minute=0, second=0, microsecond=0)
    start = end - timedelta(days=LOG_DAYS)
    check_serving(target)
    with grpc.insecure_channel(target) as channel:
        keys = keys_grpc.APIKeyServiceStub(channel)
        key = keys.CreateAPIKey(
            keys_pb2.CreateAPIKeyRequest(api_key=keys_pb2.APIKey(name="hot", owner_id="bench"))
        ).key
        if not keys.ValidateAPIKey(keys_pb2.ValidateAPIKeyRequest(key=key)).valid:
            raise RuntimeError("seeding: the seeded key does not validate")
        check_stream(target, key)
        tokens = tokens_grpc.OAuthTokenServiceStub(channel)
        token_id = tokens.UpsertOAuthToken(
            tokens_pb2.UpsertOAuthTokenRequest(
                token=tokens_pb2.OAuthToken(
                    provider="claude", user_id="bench", access_token="a" * 200, refresh_token="r"
                )
            )
        ).token.id
        full = tokens.GetOAuthToken(
            tokens_pb2.GetOAuthTokenRequest(id=token_id, view=tokens_pb2.O_AUTH_TOKEN_VIEW_FULL)
        )
        if full.token.access_token != "a" * 200:
            raise RuntimeError("seeding: the FULL view did not return the access token")
        logs = logs_grpc.RequestLogServiceStub(channel)
        step = 3600 // LOGS_PER_HOUR
        stored = 0
        for day in range(LOG_DAYS):  # a batch a day: a batch may span 3 UTC days at most
            first = start + timedelta(days=day)
            batch = [
                logs_pb2.RequestLog(
                    request_id=f"hot-{day}-{i}",
                    request_time=_timestamp(first + timedelta(seconds=i * step)),
                    provider=LOG_PAIRS[i % len(LOG_PAIRS)][0],
                    model=LOG_PAIRS[i % len(LOG_PAIRS)][1],
                    auth_id=f"auth-{i % 7}",
                    status_code=(500, 429, *(200,) * 8)[i % 10],
                    latency_ms=200 + (i * 37) % 2000,
                    input_tokens=900,
                    output_tokens=300,
                )
                for i in range(24 * LOGS_PER_HOUR)
            ]
            response = logs.BatchInsertRequestLogs(
                logs_pb2.BatchInsertRequestLogsRequest(logs=batch)
            )
            stored += response.inserted
        rates = analytics_pb2_grpc.AnalyticsServiceStub(channel).GetErrorRates(
            analytics_pb2.GetErrorRatesRequest(
                start_time=_timestamp(start), end_time=_timestamp(end)
            )
        )
        counted = sum(rate.requests for rate in rates.rates)
        if stored != LOG_DAYS * 24 * LOGS_PER_HOUR or counted != stored:
            raise RuntimeError(f"seeding: {stored} logs stored, GetErrorRates counts {counted}")
    return Seeded(key, token_id, stored, start, end)


def workloads(seeded: Seeded, today: str) -> list[Workload]:
    """The table's rows, in round order; the first two are the ratios' baselines."""
    usage = {
        "record": {
            "provider": "claude",
            "model": "claude-sonnet",
            "auth_id": "auth-{{randomInt 0 %d}}" % USAGE_AUTHS,  # noqa: UP031  (ghz's braces)
            "date": today,
            "request_count": 1,
            "input_tokens": 900,
            "output_tokens": 300,
            "success_count": 1,
        },
        "request_id": "{{newUUID}}",
    }
    measured = [
        Workload(BARE, Call(HEALTH_CHECK, {}), bare=True),
        Workload(HEALTH, Call(HEALTH_CHECK, {})),
        Workload(VALIDATE, Call("dataaccess.v1.APIKeyService/ValidateAPIKey", {"key": seeded.key})),
        Workload(
            OAUTH,
            Call(
                "dataaccess.v1.OAuthTokenService/GetOAuthToken",
                {"id": seeded.token_id, "view": "O_AUTH_TOKEN_VIEW_FULL"},
            ),
        ),
        Workload(USAGE, Call("dataaccess.v1.UsageService/UpsertUsage", usage)),
        Workload(
            ERRORS,
            Call(
                "dataaccess.v1.AnalyticsService/GetErrorRates",
                {"start_time": _rfc3339(seeded.start), "end_time": _rfc3339(seeded.end)},
            ),
        ),
    ]
    return [*measured, *stream_validate_workloads(seeded)]


def stream_validate_workloads(seeded: Seeded) -> list[Workload]:
    """StreamValidateAPIKeys as a proxy would use it: one stream per ghz call, carrying
    STREAM_KEYS validations of the seeded key (each item with its own correlation id),
    10 or 1 to a message; the rows are validations/s and CPU per validation (acceptance
    3: at least 3x the unary validations/s, at least 10,000/s). Their p50/p99 are a
    whole stream's."""
    return [
        Workload(
            name,
            Call("dataaccess.v1.APIKeyService/StreamValidateAPIKeys", _stream_json(seeded.key, n)),
            messages_per_call=STREAM_KEYS,
        )
        for name, n in STREAM_ITEMS.items()
    ]


def _stream_json(key: str, per_message: int) -> list[dict[str, Any]]:
    return [
        {
            "items": [
                {"correlation_id": f"m{m}-i{i}", "request": {"key": key}}
                for i in range(per_message)
            ]
        }
        for m in range(STREAM_KEYS // per_message)
    ]


def check_stream(target: str, key: str) -> None:
    """One stream of the workload's shape, read in full: every item answered once, VALID,
    so the ghz rows count validations, not errors (ghz sees only the stream's status).

    Raises:
        RuntimeError: an item was missing, repeated, or not VALID.
    """
    requests = [
        json_format.ParseDict(message, keys_pb2.StreamValidateAPIKeysRequest())
        for message in _stream_json(key, STREAM_ITEMS[STREAM])
    ]
    answers: dict[str, bool] = {}
    with grpc.insecure_channel(target) as channel:
        stub = keys_grpc.APIKeyServiceStub(channel)
        for response in stub.StreamValidateAPIKeys(iter(requests), timeout=30):
            for item in response.items:
                if item.correlation_id in answers:
                    raise RuntimeError(f"stream: {item.correlation_id} answered twice")
                answers[item.correlation_id] = item.HasField("result") and item.result.valid
    if len(answers) != STREAM_KEYS or not all(answers.values()):
        raise RuntimeError(
            f"stream: {len(answers)} of {STREAM_KEYS} items answered, {sum(answers.values())} VALID"
        )


def _check_usage(dsn: str, calls: int) -> None:
    """Every UpsertUsage call was applied once, under its own request id: ghz expanded
    the template, and the run measured applied writes, not replays."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        applied = conn.execute("SELECT count(*) FROM usage_applied_requests").fetchone()
        counted = conn.execute("SELECT coalesce(sum(request_count), 0) FROM usage_stats").fetchone()
    if applied is None or counted is None or (applied[0], counted[0]) != (calls, calls):
        raise RuntimeError(
            f"UpsertUsage: {calls} calls made, {applied} request ids applied, {counted} counted"
        )


def measure(rounds: int = ROUNDS, duration: float = DURATION) -> str:
    """Start PostgreSQL and both servers, seed, run the interleaved rounds; the report.

    Raises:
        GhzRunError: a call failed; RuntimeError: seeding or the usage check failed.
    """
    if rounds < 1 or duration <= 0:
        raise ValueError("rounds must be at least 1 and duration positive")
    load = Load(concurrency=CONCURRENCY, connections=CONNECTIONS, duration=duration)
    usage_calls = 0
    with (
        postgres() as instance,
        server(instance.dsn(), SERVER_ENV) as dataaccess,
        bare_server() as bare,
    ):
        postgres_pid = postmaster_pid(instance.data_dir)
        now = datetime.now(UTC)
        measured = workloads(seed(dataaccess.target, now), now.date().isoformat())
        runs = [
            Run(
                w.name,
                w.name,
                bare if w.bare else dataaccess,
                w.call,
                w.load or load,
                w.messages_per_call,
            )
            for w in measured
        ]

        def count_usage(run: Run[str], warm: GhzResult, result: GhzResult) -> None:
            nonlocal usage_calls
            if run.key == USAGE:
                usage_calls += warm.calls + result.calls

        rows = run_rounds(
            runs, rounds=rounds, postgres_pid=postgres_pid, label="hot_path", on_run=count_usage
        )
        _check_usage(instance.dsn(), usage_calls)
    return report(rows, rounds, load)


def report(rows: dict[str, list[Row]], rounds: int, load: Load) -> str:
    """The table (medians), the acceptance ratios (same-round, median and range), then
    the blocks bench/ab.py parses."""
    lines = [
        f"hot_path: one dataaccess server process (pool {POOL_SIZE}, auth none) and a bare "
        f"grpc.aio server, on PostgreSQL 18; ghz -c {load.concurrency} --connections "
        f"{load.connections}, {load.duration:g} s per run after a {WARMUP_SECONDS:g} s "
        f"warm-up, {rounds} round(s) interleaved; medians over the rounds",
        f"{'RPC':<28} {'calls/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'server us/call':>14} "
        f"{'pg us/call':>10} {'ghz us/call':>11} {'server cores':>12} {'other cores':>11} "
        f"{'vs Health/Check':>15} {'issue 17 server us':>18}",
    ]
    health = rows[HEALTH]
    for name, runs in rows.items():
        share = _median(r.rps / h.rps for r, h in zip(runs, health, strict=True))
        issue = ISSUE_SERVER_US.get(name)
        lines.append(
            f"{name:<28} {_median(r.rps for r in runs):>8.0f} "
            f"{_median(r.p50_ms for r in runs):>7.2f} {_median(r.p99_ms for r in runs):>7.2f} "
            f"{_median(r.server_us for r in runs):>14.0f} "
            f"{_median(r.postgres_us for r in runs):>10.0f} "
            f"{_median(r.ghz_us for r in runs):>11.0f} "
            f"{_median(r.server_cores for r in runs):>12.2f} "
            f"{_median(r.other_cores for r in runs):>11.2f} {share:>15.2f} "
            # "~": the issue's figure, and no number at the end of the line (bench/ab.py
            # would read a row ending in four numbers as a latency row).
            f"{(f'~{issue}' if issue is not None else '-'):>18}"
        )
    lines.append("same-round ratios: median (lowest-highest)")
    health_cpu = [h.server_us / b.server_us for h, b in zip(health, rows[BARE], strict=True)]
    lines.append(
        _ratio_line(f"{HEALTH} server CPU/call / bare's", health_cpu)
        + f"  acceptance 1, <= {HEALTH_MAX_RATIO:.2f}: "
        + ("met" if statistics.median(health_cpu) <= HEALTH_MAX_RATIO else "NOT met")
    )
    validate = [v.rps / h.rps for v, h in zip(rows[VALIDATE], health, strict=True)]
    lines.append(
        _ratio_line(f"{VALIDATE} calls/s / Health/Check's", validate)
        + f"  acceptance 2, >= {VALIDATE_MIN_SHARE:.2f}: "
        + ("met" if statistics.median(validate) >= VALIDATE_MIN_SHARE else "NOT met")
    )
    for stream in (name for name in STREAM_ITEMS if name in rows):  # bench.fixed_cost: none
        factor = [s.rps / v.rps for s, v in zip(rows[stream], rows[VALIDATE], strict=True)]
        rate = _median(r.rps for r in rows[stream])
        met = statistics.median(factor) >= STREAM_MIN_FACTOR and rate >= STREAM_MIN_RATE
        verdict = (
            f"  acceptance 3, >= {STREAM_MIN_FACTOR:g}x and >= {STREAM_MIN_RATE:,.0f}/s "
            f"({rate:,.0f}/s): {'met' if met else 'NOT met'}"
            if stream == STREAM
            else f"  ({rate:,.0f}/s; a message per key, the worst case)"
        )
        lines.append(_ratio_line(f"{stream} validations/s / unary's", factor) + verdict)
    for name, runs in rows.items():
        if name not in (BARE, HEALTH):
            costs = [r.server_us / h.server_us for r, h in zip(runs, health, strict=True)]
            lines.append(_ratio_line(f"{name} server CPU/call / Health/Check's", costs))
    # For bench/ab.py: harness.report's row format (throughput as a share of the first
    # row, the bare server: the same in both checkouts, so it normalises the machine),
    # then ingest's CPU line format, per call in ms.
    lines.append("for bench.ab: calls/s as a share of the bare server's (medians)")
    bare_rps = _median(r.rps for r in rows[BARE])
    for name, runs in rows.items():
        rps = _median(r.rps for r in runs)
        lines.append(
            f"{name:<44} {rps:>10.0f} {_median(r.p50_ms for r in runs):>8.2f} "
            f"{_median(r.p99_ms for r in runs):>8.2f} {rps / bare_rps:>11.0%}"
        )
    lines.append("for bench.ab: CPU per call (medians)")
    for name, runs in rows.items():
        lines.append(
            f"gRPC {name:<30} client {_median(r.ghz_us for r in runs) / 1000:.4f}, server "
            f"{_median(r.server_us for r in runs) / 1000:.4f}, postgres "
            f"{_median(r.postgres_us for r in runs) / 1000:.4f} ms"
        )
    return "\n".join(lines)


def _ratio_line(label: str, ratios: Sequence[float]) -> str:
    return f"{label:<58} {statistics.median(ratios):>5.2f} ({min(ratios):.2f}-{max(ratios):.2f})"


def _median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


async def run(rounds: int = ROUNDS, duration: float = DURATION) -> str:
    """The benchmark as ``python -m bench`` runs it: blocking work, off the event loop."""
    return await asyncio.to_thread(measure, rounds, duration)
