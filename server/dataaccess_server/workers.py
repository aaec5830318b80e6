"""``dataaccess serve --workers N``: a supervisor and N server processes on one port.

The supervisor never creates a gRPC object. It starts the embedded database (when
used) and applies migrations once, checks that each listen address is free and holds
it (a bound, non-listening socket with SO_REUSEPORT, as grpc's multiprocessing example
does), then starts each worker as a fresh interpreter (``python -m dataaccess_server
serve --worker I``: fork and exec). Exec rather than a bare fork: a worker inherits
no thread, lock, event loop or socket of the supervisor, whose metrics endpoint and
child watcher run in threads; a restart is the same as a first start. The price is the
interpreter's start-up (well under a second) per worker start.

Workers bind the same ports with SO_REUSEPORT, so the kernel spreads connections over
them. Each reports on a pipe once it serves (or why it could not start). A worker that
dies is restarted at once; one that dies before serving is restarted after a growing
pause, and when no worker serves and every one has failed at start, the supervisor
stops with the worker's error. SIGTERM/SIGINT are passed on to every worker, which
drains as a single server does; the supervisor exits 0 once all have exited, or kills
those left after DATAACCESS_SHUTDOWN_GRACE plus a margin and exits 1.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import socket
import sys
import time
from dataclasses import dataclass, field, replace
from typing import Any

from dataaccess_server import embedded
from dataaccess_server.config import Settings
from dataaccess_server.db.cluster import Cluster
from dataaccess_server.errors import DataAccessError
from dataaccess_server.startup import StartupError, prepare_schema, start_embedded
from dataaccess_server.worker_metrics import MetricsTarget, serve_merged_metrics

log = logging.getLogger(__name__)

# A worker that fails at start is started again after 0.5 s, 1 s, 2 s, ... at most 10 s.
BACKOFF_FIRST = 0.5
BACKOFF_MAX = 10.0
# Beyond DATAACCESS_SHUTDOWN_GRACE, what a worker's bounded stop steps may still take.
SHUTDOWN_MARGIN = 15.0


class WorkerStartError(StartupError):
    """Every worker failed at start; ``code`` is the exit code of the last one."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class _Worker:
    number: int
    process: asyncio.subprocess.Process | None = None
    serving: bool = False
    start_failures: int = 0
    """Consecutive starts that ended before the worker served."""
    error: str | None = None
    metrics_port: int | None = None


@dataclass
class _Ports:
    listen: str
    health_listen: str | None
    held: list[socket.socket] = field(default_factory=list)


class Supervisor:
    """Runs ``count`` workers of ``settings`` until SIGTERM/SIGINT: ``await run()``."""

    def __init__(self, settings: Settings, count: int) -> None:
        self.settings = settings
        self._workers = [_Worker(number) for number in range(1, count + 1)]
        self._stopping = asyncio.Event()
        self._failure: WorkerStartError | None = None
        self._postgres: embedded.PostgresInstance | None = None
        self._announced = False
        self._environment: dict[str, str] = {}

    async def run(self) -> int:
        """Serve until a signal; return the exit code (0 after a clean drain).

        Raises StartupError when the database, a listen address or every worker
        cannot start.
        """
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self._stop)
        ports: _Ports | None = None
        metrics: Any = None
        try:
            preparing = asyncio.create_task(self._prepare())
            stopping = asyncio.create_task(self._stopping.wait())
            await asyncio.wait({preparing, stopping}, return_when=asyncio.FIRST_COMPLETED)
            if not preparing.done():
                preparing.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await preparing
                log.info("shutdown requested")
                return 0
            stopping.cancel()
            settings = preparing.result()  # raises StartupError
            ports = _hold_ports(settings)
            if settings.telemetry.metrics_listen is not None:
                metrics = _serve_metrics(settings.telemetry.metrics_listen, self._targets)
                log.info(
                    "serving Prometheus metrics of every worker on http://%s:%d/metrics",
                    settings.telemetry.metrics_listen.rpartition(":")[0],
                    metrics.server_port,
                )
            self._environment = self._worker_environment(settings, ports)
            keepers = [asyncio.create_task(self._keep(worker)) for worker in self._workers]
            await self._stopping.wait()
            if self._failure is None:
                log.info("shutdown requested: stopping %d workers", len(self._workers))
            return await self._stop_workers(keepers)
        finally:
            if metrics is not None:
                metrics.shutdown()
                metrics.server_close()
            for held in ports.held if ports else ():
                held.close()
            if self._postgres is not None:
                await asyncio.to_thread(self._postgres.stop)
            log.info("dataaccess stopped")

    def _stop(self) -> None:
        self._stopping.set()

    async def _prepare(self) -> Settings:
        # What must happen once, before any worker: the database, the migrations.
        settings = self.settings
        if settings.embedded:
            self._postgres, settings = await start_embedded(settings)
        if settings.auto_migrate:
            assert settings.primary_dsn is not None
            cluster = Cluster(settings.primary_dsn, schema=settings.schema, pool=settings.pool)
            try:
                await cluster.wait_for_primary(settings.startup_timeout)
            except DataAccessError as exc:
                raise StartupError(str(exc)) from exc
            finally:
                await cluster.close()
            await prepare_schema(settings)
        return settings

    def _worker_environment(self, settings: Settings, ports: _Ports) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            DATAACCESS_WORKERS="1",
            DATAACCESS_LISTEN=ports.listen,
            # Migrated above (or checked by each worker, which refuses a stale schema).
            DB_AUTO_MIGRATE="false",
        )
        if ports.health_listen is not None:
            env["DATAACCESS_HEALTH_LISTEN"] = ports.health_listen
        if settings.telemetry.metrics_listen is not None:
            # Each worker's own, on loopback: the supervisor's endpoint merges them.
            env["DATAACCESS_METRICS_LISTEN"] = "127.0.0.1:0"
        return env

    def _environment_of(self, worker: _Worker) -> dict[str, str]:
        # OTLP receivers tell the workers' series apart by their resource.
        env = dict(self._environment)
        attributes = env.get("OTEL_RESOURCE_ATTRIBUTES", "").strip().rstrip(",")
        attribute = f"dataaccess.worker={worker.number}"
        env["OTEL_RESOURCE_ATTRIBUTES"] = f"{attributes},{attribute}" if attributes else attribute
        return env

    def _targets(self) -> list[MetricsTarget]:
        return [
            MetricsTarget(str(worker.number), worker.metrics_port)
            for worker in self._workers
            if worker.serving and worker.metrics_port is not None
        ]

    async def _keep(self, worker: _Worker) -> None:
        # One worker's life: start it, wait for it to end, start it again.
        while not self._stopping.is_set():
            started = time.monotonic()
            try:
                code = await self._run_once(worker)
            except OSError as exc:  # no process (fork refused: memory, process limit)
                log.error("cannot start worker %d: %s", worker.number, exc)  # noqa: TRY400
                worker.start_failures += 1
                worker.error, worker.process, code = f"cannot start a worker: {exc}", None, 1
            if self._stopping.is_set():
                return
            pid = worker.process.pid if worker.process else 0
            how = _describe_exit(code)
            if worker.start_failures == 0:
                log.error(
                    "worker %d (pid %d) %s after %.1fs; starting it again",
                    worker.number,
                    pid,
                    how,
                    time.monotonic() - started,
                )
                continue
            if not any(w.serving for w in self._workers) and all(
                w.start_failures > 0 for w in self._workers
            ):
                self._failure = WorkerStartError(
                    worker.error or f"worker {worker.number} {how} during start-up",
                    code if code in (1, 2) else 1,
                )
                self._stopping.set()
                return
            pause = min(BACKOFF_FIRST * 2 ** (worker.start_failures - 1), BACKOFF_MAX)
            log.error(
                "worker %d (pid %d) %s during start-up (%d time(s) in a row); starting it"
                " again in %gs",
                worker.number,
                pid,
                how,
                worker.start_failures,
                pause,
            )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), pause)

    async def _run_once(self, worker: _Worker) -> int:
        read_end, write_end = os.pipe()
        try:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "dataaccess_server",
                "serve",
                "--worker",
                str(worker.number),
                "--report-fd",
                str(write_end),
                env=self._environment_of(worker),
                stdin=asyncio.subprocess.DEVNULL,
                pass_fds=(write_end,),
            )
        finally:
            os.close(write_end)
        worker.process = process
        log.info("started worker %d (pid %d)", worker.number, process.pid)
        reports = asyncio.create_task(self._read_reports(worker, read_end))
        try:
            code = await process.wait()
        finally:
            await reports
        served, worker.serving, worker.metrics_port = worker.serving, False, None
        if not served:
            worker.start_failures += 1
        return code

    async def _read_reports(self, worker: _Worker, fd: int) -> None:
        # One JSON line: {"serving": true, ...} or {"error": "..."}; then end of file.
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader()
        transport, _ = await loop.connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(fd, "rb")
        )
        try:
            while line := await reader.readline():
                try:
                    report = json.loads(line)
                except ValueError:  # cut short by the worker's death
                    continue
                if "error" in report:
                    worker.error = str(report["error"])
                elif report.get("serving"):
                    self._serving(worker, report)
        finally:
            transport.close()

    def _serving(self, worker: _Worker, report: dict[str, Any]) -> None:
        worker.serving, worker.start_failures, worker.error = True, 0, None
        worker.metrics_port = report.get("metrics_port")
        log.info("worker %d (pid %d) serving", worker.number, report.get("pid"))
        if self._announced or not all(w.serving for w in self._workers):
            return
        self._announced = True
        pool = self.settings.pool.max_size
        count = len(self._workers)
        # Tests and operators read the port from the end of this line, as from a
        # single server's.
        log.info(
            "%d workers (pids %s), each with its own pools of up to %d connections per"
            " database node (DB_POOL_MAX_CONNS; up to %d per node in all): dataaccess"
            " serving gRPC on %s",
            count,
            ", ".join(str(w.process.pid) for w in self._workers if w.process),
            pool,
            pool * count,
            self._environment["DATAACCESS_LISTEN"],
        )

    async def _stop_workers(self, keepers: list[asyncio.Task[None]]) -> int:
        # Every worker drains as a single server does; those left after the bound die.
        for worker in self._workers:
            if worker.process is not None and worker.process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    worker.process.send_signal(signal.SIGTERM)
        bound = self.settings.shutdown_grace + SHUTDOWN_MARGIN
        _done, left = await asyncio.wait(keepers, timeout=bound)
        code = 0
        if left:
            for worker in self._workers:
                if worker.process is not None and worker.process.returncode is None:
                    log.error(
                        "worker %d (pid %d) did not stop within %gs: killing it",
                        worker.number,
                        worker.process.pid,
                        bound,
                    )
                    with contextlib.suppress(ProcessLookupError):
                        worker.process.kill()
            await asyncio.wait(left)
            code = 1
        if self._failure is not None:
            raise self._failure
        return code


def _describe_exit(code: int) -> str:
    if code < 0:
        return f"was killed by {signal.Signals(-code).name}"
    return f"exited with code {code}"


def _hold_ports(settings: Settings) -> _Ports:
    listen, held = _hold(settings.listen)
    ports = _Ports(listen, None, [held])
    if settings.health_listen is not None:
        ports.health_listen, held = _hold(settings.health_listen)
        ports.held.append(held)
    return ports


def _hold(address: str) -> tuple[str, socket.socket]:
    """``address`` with its port (picked if 0), and a socket holding it.

    Bound first without SO_REUSEPORT, which fails if any socket has the port (even one
    that would share it: another server's workers); then held with SO_REUSEPORT, which
    the workers' listeners join. A bound socket that does not listen is given no
    connections.
    """
    host, _, port_text = address.rpartition(":")
    try:
        family, kind, _proto, _name, where = socket.getaddrinfo(
            host.strip("[]"), int(port_text), type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        with socket.socket(family, kind) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT is fine
            probe.bind(where)
            port = probe.getsockname()[1]
        held = socket.socket(family, kind)
        held.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        held.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        held.bind((where[0], port, *where[2:]))
    except OSError as exc:
        raise StartupError(f"cannot listen on {address}: {exc.strerror or exc}") from exc
    return f"{host}:{port}", held


def _serve_metrics(address: str, targets: Any) -> Any:
    try:
        return serve_merged_metrics(address, targets)
    except OSError as exc:
        raise StartupError(f"cannot serve metrics on {address}: {exc}") from exc


def run_supervisor(settings: Settings, count: int) -> int:
    """``dataaccess serve`` with ``count`` > 1 workers; the exit code. Raises
    StartupError (a WorkerStartError with the worker's exit code when every worker
    failed at start)."""
    return asyncio.run(Supervisor(replace(settings, workers=count), count).run())


# --- the worker's side -----------------------------------------------------------------


@dataclass
class WorkerReport:
    """What a worker tells its supervisor on the pipe ``--report-fd`` names."""

    fd: int | None
    """None: no supervisor listens (``--worker`` run by hand)."""

    def serving(self, pid: int, metrics_port: int | None) -> None:
        """The worker serves (its listeners are bound)."""
        self._send({"serving": True, "pid": pid, "metrics_port": metrics_port})

    def failed(self, error: str) -> None:
        """The worker could not start, for the reason ``error``."""
        self._send({"error": error})

    def _send(self, report: dict[str, Any]) -> None:
        if self.fd is None:
            return
        with contextlib.suppress(OSError):  # a supervisor gone reads nothing
            os.write(self.fd, json.dumps(report).encode() + b"\n")


async def stop_when_orphaned(parent: int, interval: float = 0.5) -> None:
    """SIGTERM this process (a graceful stop) once its supervisor ``parent`` is gone:
    a supervisor killed outright leaves no worker serving on."""
    # Polled: the end of a parent is no event a process can wait on.
    while os.getppid() == parent:  # noqa: ASYNC110
        await asyncio.sleep(interval)
    log.error("the supervisor (pid %d) is gone: stopping", parent)
    os.kill(os.getpid(), signal.SIGTERM)
