"""A real Prometheus (Debian's, unpacked into .tools by ``make .tools/prometheus``) that
scrapes the targets a test names, and its HTTP API to read back what it scraped.

``prometheus`` must be on PATH: the tests run with ``PATH=$PWD/.tools:$PATH``. Each use
gets its own configuration, storage and port, all removed at exit::

    with prometheus(["127.0.0.1:9464"]) as prom:
        ...  # make the calls to be counted
        result = prom.wait_for('sum(rpc_calls_total)', lambda r: value(r) == 3)

In an async test whose scrape target is served by the test's own event loop, use
:func:`prometheus_async` and :meth:`Prometheus.wait_for_async`: the blocking forms would
hold the loop, and with it the endpoint Prometheus scrapes.

Scrapes are periodic (every ``scrape_interval``): what a test has just done is visible
after the next scrape, so read it with :meth:`Prometheus.wait_for`, never a sleep. The
first scrape comes about 5 s after start whatever the interval (Prometheus 2.42 hands
discovered targets to its scrape loops every 5 s, with no flag to change it): start one
Prometheus per test, not per step.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import subprocess
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

from tests.harness.waiting import wait_until, wait_until_sync

JOB = "dataaccess"
READY_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
HTTP_TIMEOUT = 5.0
# A port picked free can be taken before Prometheus binds it: pick another, this often.
BIND_ATTEMPTS = 3

Result = list[dict[str, Any]]


class PrometheusError(Exception):
    """Prometheus could not be started, answered an error, or is gone; the message
    includes the end of its log."""


def value(result: Result) -> float | None:
    """The value of a one-sample result (``None`` when there is no sample); an
    AssertionError when there are several (the query should have aggregated them)."""
    if not result:
        return None
    if len(result) > 1:
        raise AssertionError(f"expected one sample, got {len(result)}: {result}")
    return float(result[0]["value"][1])


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _config(targets: list[str], scrape_interval: float) -> str:
    # JSON is YAML: no YAML library needed. A scrape's timeout may not exceed its interval.
    interval = f"{round(scrape_interval * 1000)}ms"
    config = {
        "global": {"scrape_interval": interval, "scrape_timeout": interval},
        "scrape_configs": [{"job_name": JOB, "static_configs": [{"targets": targets}]}],
    }
    return json.dumps(config, indent=2)


class Prometheus:
    """One Prometheus process scraping ``targets`` (``host:port``, path ``/metrics``)
    every ``scrape_interval`` seconds as job ``dataaccess``, on a port of 127.0.0.1.

    :meth:`start` and :meth:`stop` bracket it (or use :func:`prometheus`). The HTTP
    methods raise :class:`PrometheusError` when Prometheus answers an error or is gone.
    """

    def __init__(self, targets: list[str], scrape_interval: float = 0.5) -> None:
        if not targets:
            raise ValueError("targets: at least one host:port to scrape")
        if scrape_interval <= 0:
            raise ValueError(f"scrape_interval must be positive, got {scrape_interval}")
        self.scrape_targets = list(targets)
        self.scrape_interval = scrape_interval
        self.url = ""
        self._directory: Path | None = None
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def log_path(self) -> Path:
        """Prometheus's own log (its stderr)."""
        if self._directory is None:
            raise RuntimeError("Prometheus is not started")
        return self._directory / "prometheus.log"

    def start(self) -> None:
        """Write the configuration, start Prometheus and return once ``/-/ready`` answers
        (at most 30 s). PrometheusError if it exits or never gets ready."""
        binary = shutil.which("prometheus")
        if binary is None:
            raise PrometheusError(
                "no prometheus on PATH: run `make .tools/prometheus` and the tests with "
                "PATH=$PWD/.tools:$PATH"
            )
        self._directory = Path(tempfile.mkdtemp(prefix="dataaccess-prometheus-"))
        config = self._directory / "prometheus.yml"
        config.write_text(_config(self.scrape_targets, self.scrape_interval))
        try:
            for attempt in range(1, BIND_ATTEMPTS + 1):
                if self._launch(binary, config, _free_port(), last=attempt == BIND_ATTEMPTS):
                    return
        except BaseException:
            self.stop()
            raise

    def _launch(self, binary: str, config: Path, port: int, *, last: bool) -> bool:
        """Start on ``port`` and wait until ready: True; False if the port was taken
        (retry on another unless ``last``)."""
        assert self._directory is not None
        self.url = f"http://127.0.0.1:{port}"
        with self.log_path.open("ab") as log:
            logged_before = log.tell()
            self._process = subprocess.Popen(
                [
                    binary,
                    f"--config.file={config}",
                    f"--storage.tsdb.path={self._directory / 'data'}",
                    f"--web.listen-address=127.0.0.1:{port}",
                    "--log.level=info",
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )
        process = self._process

        def ready() -> bool:
            if process.poll() is not None:
                return True  # judged below
            try:
                with urllib.request.urlopen(f"{self.url}/-/ready", timeout=1) as answer:
                    return bool(answer.status == 200)
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                return False

        try:
            wait_until_sync(ready, what=f"Prometheus ready on {self.url}", timeout=READY_TIMEOUT)
        except AssertionError as exc:
            raise PrometheusError(f"{exc}{self._log_tail()}") from None
        if process.poll() is None:
            return True
        self._process = None
        with self.log_path.open("rb") as written:
            written.seek(logged_before)
            taken = b"address already in use" in written.read()
        if taken and not last:
            return False
        raise PrometheusError(f"Prometheus exited with code {process.returncode}{self._log_tail()}")

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 10 s; the temporary directory is removed. Idempotent."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        directory, self._directory = self._directory, None
        if directory is not None:
            shutil.rmtree(directory, ignore_errors=True)

    def _log_tail(self, lines: int = 20) -> str:
        if self._directory is None or not self.log_path.exists():
            return ""
        tail = self.log_path.read_text(errors="replace").splitlines()[-lines:]
        return "\nPrometheus's log, last lines:\n  " + "\n  ".join(tail)

    def _get(self, path: str, **params: str) -> Any:
        """The ``data`` of a successful API answer; PrometheusError naming the error."""
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        try:
            with urllib.request.urlopen(f"{self.url}{path}{query}", timeout=HTTP_TIMEOUT) as answer:
                body = json.load(answer)
        except urllib.error.HTTPError as exc:
            # The API answers a bad query with 400 and a JSON body that says why.
            body = json.loads(exc.read() or b"{}")
            body.setdefault("error", f"HTTP {exc.code}")
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            raise PrometheusError(f"Prometheus at {self.url}: {exc}{self._log_tail()}") from exc
        if body.get("status") != "success":
            raise PrometheusError(
                f"Prometheus refused {path} {params}: {body.get('errorType', '')} "
                f"{body.get('error', body)}"
            )
        return body["data"]

    def query(self, promql: str) -> Result:
        """An instant query at the current time (``/api/v1/query``): its samples, each
        ``{"metric": {label: value}, "value": [time, "text of the number"]}``; a scalar
        or string result comes as one sample with no labels."""
        data = self._get("/api/v1/query", query=promql)
        if data["resultType"] in ("scalar", "string"):
            return [{"metric": {}, "value": data["result"]}]
        result: Result = data["result"]
        return result

    def targets(self) -> list[dict[str, Any]]:
        """The active scrape targets (``/api/v1/targets``): ``health`` ("up", "down" or
        "unknown" before the first scrape), ``scrapeUrl``, ``lastError`` ..."""
        data = self._get("/api/v1/targets", state="active")
        active: list[dict[str, Any]] = data["activeTargets"]
        return active

    def targets_up(self) -> bool:
        """Whether every target's last scrape succeeded."""
        active = self.targets()
        return bool(active) and all(target["health"] == "up" for target in active)

    def _describe_targets(self) -> str:
        try:
            active = self.targets()
        except PrometheusError as exc:
            return str(exc)
        return "; ".join(
            f"{t['scrapeUrl']} {t['health']}" + (f" ({t['lastError']})" if t["lastError"] else "")
            for t in active
        )

    def wait_for(
        self, promql: str, predicate: Callable[[Result], bool], timeout: float = 20.0
    ) -> Result:
        """Query ``promql`` until ``predicate(result)`` is true and return that result;
        AssertionError after ``timeout`` seconds with the last result and the targets'
        state. Blocks the calling thread (see :meth:`wait_for_async`)."""
        last: Result = []

        def satisfied() -> bool:
            nonlocal last
            last = self.query(promql)
            return predicate(last)

        try:
            wait_until_sync(satisfied, what=f"{promql!r} to match", timeout=timeout, interval=0.1)
        except AssertionError as exc:
            raise self._unmatched(exc, last) from None
        return last

    async def wait_for_async(
        self, promql: str, predicate: Callable[[Result], bool], timeout: float = 20.0
    ) -> Result:
        """:meth:`wait_for` that lets the event loop run between queries (each query
        runs in a thread)."""
        last: Result = []

        async def satisfied() -> bool:
            nonlocal last
            last = await asyncio.to_thread(self.query, promql)
            return predicate(last)

        try:
            await wait_until(satisfied, what=f"{promql!r} to match", timeout=timeout, interval=0.1)
        except AssertionError as exc:
            raise self._unmatched(exc, last) from None
        return last

    def _unmatched(self, exc: AssertionError, last: Result) -> AssertionError:
        return AssertionError(
            f"{exc}; last result {last}; targets: {self._describe_targets()}{self._log_tail(5)}"
        )


@contextmanager
def prometheus(targets: list[str], scrape_interval: float = 0.5) -> Iterator[Prometheus]:
    """A ready :class:`Prometheus` scraping ``targets``, stopped and removed at exit."""
    server = Prometheus(targets, scrape_interval)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@asynccontextmanager
async def prometheus_async(
    targets: list[str], scrape_interval: float = 0.5
) -> AsyncIterator[Prometheus]:
    """:func:`prometheus` for async tests: start and stop run in a thread, so the event
    loop (and an endpoint it serves) keeps running meanwhile."""
    server = Prometheus(targets, scrape_interval)
    await asyncio.to_thread(server.start)
    try:
        yield server
    finally:
        await asyncio.to_thread(server.stop)
