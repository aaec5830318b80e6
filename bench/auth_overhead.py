"""What TLS and caller authentication cost on the hottest path: ValidateAPIKey with one
seeded key, the cache warm, driven by ghz, one server process per variant on one
PostgreSQL, in the same run.

``python -m bench auth_overhead [--rounds N]`` (default 5). Every variant's server starts
first; then each round runs every variant once, in order (A B A B ...), so drift on this
shared machine lands on all of them alike, and the idle servers wait while one is
measured. Each measured run follows a short warm-up run of its own (connections, cache).
The report gives each variant's medians over the rounds: calls/s, p50, p99, and the CPU
per call of its server process, of PostgreSQL (the postmaster and all its children) and
of ghz; then each variant's throughput as a share of the baseline's in the same round
(median, with the lowest and highest round), which is the number to quote.

The baseline is "plaintext, no auth". "plaintext (again)" is the same set-up on a second
server process: it shows that the machinery compares like with like, and how wide the
noise between two identical servers is. "plaintext + bearer" adds the credential check
alone (DATAACCESS_AUTH=on, a bearer credential of role proxy on every call); "TLS +
bearer" adds TLS on top (issue 12's target: at least 85% of the baseline's throughput).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import grpc

from bench.certs import make_certificates
from bench.cpu import postmaster_pid
from bench.ghz import PLAINTEXT, TLS, Call, GhzResult, Load, run_ghz
from bench.harness import ServerProcess, postgres, server
from dataaccess.v1 import api_keys_pb2 as keys_pb2
from dataaccess.v1 import api_keys_pb2_grpc as keys_grpc

ROUNDS = 5
LOAD = Load(concurrency=16, connections=1, duration=5.0)
WARMUP = Load(concurrency=16, connections=1, duration=1.0)
POOL_SIZE = 10
TLS_BEARER_TARGET = 0.85
METHOD = "dataaccess.v1.APIKeyService/ValidateAPIKey"
# Every server of this benchmark is on the same settings but for its variant's.
SERVER_ENV = {"DB_POOL_MIN_CONNS": str(POOL_SIZE), "DB_POOL_MAX_CONNS": str(POOL_SIZE)}
# Says outright that the plaintext servers trust the network: once auth is on by
# default outside the embedded database (issue 12), a server refuses to start without it.
NO_AUTH = {"DATAACCESS_AUTH": "none"}


@dataclass(frozen=True)
class Variant:
    """One way of serving and calling: the server's environment (on top of SERVER_ENV),
    how ghz connects, the metadata ghz sends with every call, and the share of the
    baseline's throughput the variant must reach (None: no target)."""

    name: str
    server_env: Mapping[str, str] = field(default_factory=dict)
    tls: TLS = PLAINTEXT
    metadata: Mapping[str, str] = field(default_factory=dict)
    target: float | None = None


BASELINE = Variant("plaintext, no auth", server_env=NO_AUTH)


def variants(dsn: str, workdir: Path) -> list[Variant]:
    """The variants measured beside the baseline, in round order. ``dsn`` is the
    benchmark's database, already migrated; ``workdir`` a private temporary directory
    for files a variant needs (certificates)."""
    certs = make_certificates(workdir)
    token = create_caller_token(dsn, "bench", role="proxy")
    bearer = {"authorization": f"Bearer {token}"}
    auth_on = {"DATAACCESS_AUTH": "on"}
    return [
        Variant("plaintext (again)", server_env=NO_AUTH),
        # Each credential check: the metadata read, a SHA-256 and a cache hit.
        Variant("plaintext + bearer", server_env=auth_on, metadata=bearer),
        Variant(
            "TLS + bearer",
            server_env={
                **auth_on,
                "DATAACCESS_TLS_CERT": str(certs.server_cert),
                "DATAACCESS_TLS_KEY": str(certs.server_key),
            },
            tls=TLS(cacert=certs.ca_cert),
            metadata=bearer,
            target=TLS_BEARER_TARGET,
        ),
    ]


def create_caller_token(dsn: str, name: str, *, role: str) -> str:
    """``dataaccess callers create NAME --role ROLE`` on ``dsn``; its token (the last
    line it prints on stdout)."""
    result = subprocess.run(
        [sys.executable, "-m", "dataaccess_server", "callers", "create", name, "--role", role],
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith(("DB_", "DATAACCESS_"))},
            "DATABASE_URL": dsn,
        },
        capture_output=True,
        text=True,
        check=False,
    )
    lines = result.stdout.strip().splitlines()
    if result.returncode != 0 or not lines:
        raise RuntimeError(f"callers create {name} failed: {result.stderr.strip()}")
    return lines[-1].strip()


def _seed_key(target: str) -> str:
    """One key with no rate limit and no quota (a validation never writes), created
    through the baseline's server; its plaintext."""
    with grpc.insecure_channel(target) as channel:
        response = keys_grpc.APIKeyServiceStub(channel).CreateAPIKey(
            keys_pb2.CreateAPIKeyRequest(
                api_key=keys_pb2.APIKey(name="bench-auth-overhead", owner_id="bench")
            )
        )
    if not response.key:
        raise RuntimeError("seeding: CreateAPIKey came back without the key")
    return response.key


def _root_certificates(variant: Variant) -> bytes | None:
    return None if variant.tls.cacert is None else variant.tls.cacert.read_bytes()


def measure(
    rounds: int,
    load: Load = LOAD,
    *,
    baseline: Variant = BASELINE,
    others: Callable[[str, Path], list[Variant]] = variants,
    title: str = "auth_overhead",
) -> str:
    """Start the servers (``baseline``, then ``others(dsn, workdir)``), run the
    interleaved rounds, return the report. Other benchmarks of the hot path reuse it
    with variants of their own (bench/telemetry_overhead.py)."""
    if rounds < 1:
        raise ValueError("rounds must be at least 1")
    results: dict[str, list[GhzResult]] = {}
    with postgres() as instance, contextlib.ExitStack() as stack:
        dsn = instance.dsn()
        postgres_pid = postmaster_pid(instance.data_dir)
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-auth-")))
        # The baseline's server first: it migrates the database the others need.
        servers: list[tuple[Variant, ServerProcess]] = [
            (baseline, stack.enter_context(server(dsn, {**SERVER_ENV, **baseline.server_env})))
        ]
        key = _seed_key(servers[0][1].target)
        for variant in others(dsn, workdir):
            starting = server(
                dsn,
                {**SERVER_ENV, **variant.server_env},
                root_certificates=_root_certificates(variant),
            )
            servers.append((variant, stack.enter_context(starting)))
        names = [variant.name for variant, _ in servers]
        if len(set(names)) != len(names):
            raise ValueError(f"variant names must differ: {names}")
        for round_ in range(rounds):
            for variant, process in servers:
                call = Call(METHOD, {"key": key}, variant.metadata)
                run_ghz(process.target, call, WARMUP, tls=variant.tls)
                result = run_ghz(
                    process.target,
                    call,
                    load,
                    tls=variant.tls,
                    name=variant.name,
                    server_pid=process.pid,
                    postgres_pid=postgres_pid,
                )
                results.setdefault(variant.name, []).append(result)
            print(f"{title}: round {round_ + 1}/{rounds} done", file=sys.stderr, flush=True)
    return report([variant for variant, _ in servers], results, rounds, load, title=title)


def report(
    measured: Sequence[Variant],
    results: Mapping[str, list[GhzResult]],
    rounds: int,
    load: Load,
    *,
    title: str = "auth_overhead",
) -> str:
    """Medians per variant, then each variant's same-round share of the baseline's
    throughput; the first variant is the baseline."""
    baseline = results[measured[0].name]
    lines = [
        f"{title}: ValidateAPIKey, one key, cache warm; ghz -c {load.concurrency} "
        f"--connections {load.connections}, {load.duration:g} s per run, {rounds} rounds "
        f"interleaved; medians over the rounds",
        f"{'variant':<24} {'calls/s':>8} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'server us/call':>14} {'pg us/call':>10} {'ghz us/call':>11} {'other cores':>11}",
    ]
    for variant in measured:
        runs = results[variant.name]
        lines.append(
            f"{variant.name:<24} {_median(r.rps for r in runs):>8.0f} "
            f"{_median(r.p50_ms for r in runs):>7.2f} {_median(r.p99_ms for r in runs):>7.2f} "
            f"{_median(r.server_cpu_us or 0.0 for r in runs):>14.0f} "
            f"{_median(r.postgres_cpu_us or 0.0 for r in runs):>10.1f} "
            f"{_median(r.ghz_cpu_us for r in runs):>11.0f} "
            f"{_median(r.other_cores for r in runs):>11.2f}"
        )
    lines.append(f"same-round ratios to {measured[0].name!r}: median, lowest, highest, per round")
    for variant in measured[1:]:
        runs = results[variant.name]
        shares = [r.rps / b.rps for r, b in zip(runs, baseline, strict=True)]
        lines.append(_ratio_row(f"{variant.name}: calls/s", shares))
        # The server's CPU per call hardly depends on what else the machine runs, so it
        # corroborates a throughput ratio that the machine's noise may have moved.
        costs = [
            (r.server_cpu_us or 0.0) / (b.server_cpu_us or 1.0)
            for r, b in zip(runs, baseline, strict=True)
        ]
        lines.append(_ratio_row(f"{variant.name}: server CPU/call", costs))
        if variant.target is not None:
            median = statistics.median(shares)
            met = "met" if median >= variant.target else "NOT met"
            lines.append(f"  calls/s target >= {variant.target:.0%}: {met}")
    lines.append(
        f"{measured[0].name} calls/s per round: " + " ".join(f"{r.rps:.0f}" for r in baseline)
    )
    busiest = [
        max(results[variant.name][round_].other_cores for variant in measured)
        for round_ in range(rounds)
    ]
    lines.append(
        "other load per round (cores busy outside the run, its busiest run): "
        + " ".join(f"{cores:.2f}" for cores in busiest)
    )
    return "\n".join(lines)


def _ratio_row(label: str, ratios: Sequence[float]) -> str:
    return (
        f"{label:<36} {statistics.median(ratios):>7.1%} {min(ratios):>7.1%} "
        f"{max(ratios):>7.1%}  " + " ".join(f"{ratio:.1%}" for ratio in ratios)
    )


def _median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


async def run(rounds: int = ROUNDS) -> str:
    """The benchmark as ``python -m bench`` runs it: blocking work, off the event loop."""
    return await asyncio.to_thread(measure, rounds)
