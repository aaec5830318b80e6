"""What every benchmark needs: a real PostgreSQL, the server as its own process, a
closed-loop load generator, and a report with ratios to a baseline."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import grpc
from psycopg import AsyncConnection
from psycopg.rows import TupleRow
from psycopg_pool import AsyncConnectionPool

from dataaccess_server.domain.crypto import Keyring
from dataaccess_server.embedded import PostgresInstance


@dataclass(frozen=True)
class Result:
    """One measured workload."""

    name: str
    calls: int
    seconds: float
    latencies_ms: list[float]

    @property
    def throughput(self) -> float:
        return self.calls / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


async def measure(
    name: str,
    call: Callable[[], Awaitable[object]],
    *,
    concurrency: int,
    duration: float,
    warmup: float = 1.0,
) -> Result:
    """Run ``call`` from ``concurrency`` closed loops for ``duration`` seconds after a
    ``warmup``; every call's latency is recorded."""

    async def loop(until: float, latencies: list[float] | None) -> int:
        count = 0
        while time.perf_counter() < until:
            started = time.perf_counter()
            await call()
            if latencies is not None:
                latencies.append((time.perf_counter() - started) * 1000)
            count += 1
        return count

    warm_until = time.perf_counter() + warmup
    await asyncio.gather(*(loop(warm_until, None) for _ in range(concurrency)))
    latencies: list[float] = []
    started = time.perf_counter()
    counts = await asyncio.gather(
        *(loop(started + duration, latencies) for _ in range(concurrency))
    )
    return Result(name, sum(counts), time.perf_counter() - started, latencies)


def report(
    title: str, results: list[Result], baseline: Result, *, rows_per_call: int | None = None
) -> str:
    """A table: throughput, p50, p99, and throughput as a share of ``baseline``.

    With ``rows_per_call`` (every call carrying that many rows), throughput is in rows/s
    (calls/s times rows per call); latencies stay per call."""
    unit = "calls/s" if rows_per_call is None else "rows/s"
    scale = 1 if rows_per_call is None else rows_per_call
    lines = [
        title,
        f"{'workload':<44} {unit:>10} {'p50 ms':>8} {'p99 ms':>8} {'vs baseline':>12}",
    ]
    for result in results:
        lines.append(
            f"{result.name:<44} {result.throughput * scale:>10.0f} {result.percentile(50):>8.2f} "
            f"{result.percentile(99):>8.2f} {result.throughput / baseline.throughput:>11.0%}"
        )
    lines.append(
        f"baseline: {baseline.name}; median of {len(baseline.latencies_ms)} samples "
        f"{statistics.median(baseline.latencies_ms):.2f} ms"
    )
    return "\n".join(lines)


def verdict(what: str, result: Result, baseline: Result, target: float) -> str:
    """One line: ``result``'s throughput as a share of ``baseline``'s, against ``target``."""
    share = result.throughput / baseline.throughput
    met = "met" if share >= target else "NOT met"
    return f"{what}: {share:.0%} of {baseline.name} (target >= {target:.0%}: {met})"


def raw_pool(dsn: str, size: int) -> AsyncConnectionPool[AsyncConnection[TupleRow]]:
    """The baselines' pool: ``size`` autocommit connections, like the server's pool of
    the same size (open it with ``async with``)."""
    return AsyncConnectionPool(
        dsn, min_size=size, max_size=size, open=False, kwargs={"autocommit": True}
    )


@contextlib.contextmanager
def postgres() -> Iterator[PostgresInstance]:
    """A durable PostgreSQL 18 in a temporary directory, removed afterwards."""
    directory = Path(tempfile.mkdtemp(prefix="dataaccess-bench-"))
    directory.chmod(0o755)
    instance = PostgresInstance(directory / "pg", durable=True)
    try:
        instance.init()
        instance.start()
        yield instance
    finally:
        with contextlib.suppress(Exception):
            instance.stop()
        shutil.rmtree(directory, ignore_errors=True)


SERVER_SOURCE = "BENCH_SERVER_SOURCE"


@dataclass(frozen=True)
class ServerProcess:
    """A running ``dataaccess serve``: its address and its pid (for CPU sampling)."""

    target: str
    pid: int


@contextlib.contextmanager
def server_process(dsn: str, **env: str) -> Iterator[str]:
    """``dataaccess serve`` on ``dsn`` (migrated by it), in its own process; yields its
    target. Stopped with SIGTERM afterwards."""
    with server(dsn, env) as process:
        yield process.target


@contextlib.contextmanager
def server(
    dsn: str, env: Mapping[str, str], *, root_certificates: bytes | None = None
) -> Iterator[ServerProcess]:
    """Like server_process, with ``env`` as a mapping, and the process's pid too. With
    ``root_certificates`` (PEM), the server is awaited over TLS verified by them, for an
    ``env`` that turns TLS on."""
    log = tempfile.NamedTemporaryFile("w+", prefix="dataaccess-bench-", suffix=".log")  # noqa: SIM115
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DB_", "DATAACCESS_"))},
        "DATABASE_URL": dsn,
        "DB_AUTO_MIGRATE": "true",
        "DATAACCESS_LISTEN": "127.0.0.1:0",
        # A throwaway keyring: benchmarks store only generated data.
        "DATAACCESS_ENCRYPTION_KEYS": Keyring.generate("bench").serialize(),
        # INFO: the bound port is read from the start-up line.
        "DATAACCESS_LOG_LEVEL": "INFO",
        # A loopback benchmark: no credentials unless a benchmark measures them
        # (auth_overhead passes DATAACCESS_AUTH=on).
        "DATAACCESS_AUTH": "none",
        **env,
    }
    # The server under test may come from another checkout (bench/ab.py: a baseline
    # commit's server/ directory ahead of the installed one); the load stays this one's.
    source = os.environ.get(SERVER_SOURCE)
    if source:
        environment["PYTHONPATH"] = os.pathsep.join(
            [source, *filter(None, [os.environ.get("PYTHONPATH")])]
        )
    process = subprocess.Popen(
        [sys.executable, "-m", "dataaccess_server", "serve"], env=environment, stderr=log
    )
    try:
        target = _wait_for_port(Path(log.name), process)
        _wait_serving(target, root_certificates)
        yield ServerProcess(target, process.pid)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _wait_for_port(log: Path, process: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for line in log.read_text(errors="replace").splitlines():
            if "serving gRPC on" in line:
                return line.rsplit(" ", 1)[1]
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text()}")
        time.sleep(0.05)
    raise RuntimeError("server did not start within 60 s")


def _wait_serving(target: str, root_certificates: bytes | None) -> None:
    channel = (
        grpc.insecure_channel(target)
        if root_certificates is None
        else grpc.secure_channel(target, grpc.ssl_channel_credentials(root_certificates))
    )
    with channel:
        grpc.channel_ready_future(channel).result(timeout=30)
