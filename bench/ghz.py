"""ghz, the native gRPC load generator, as a subprocess: one method, one load, one result.

A Python client cannot saturate a Python server on two cores, so the load that measures
the server comes from ghz (installed by ``make .tools/ghz``, a pinned ``go install``).
ghz reads the API from ``proto/`` (``--import-paths``/``--proto``), not from reflection,
so a server that requires credentials is measurable like any other; a library's service
(grpc.health.v1) goes to it as a protoset made from its registered descriptor.

What a run reports (:class:`GhzResult`): calls, calls/s, p50/p99 from ghz's JSON, and the
CPU that the server process tree, every PostgreSQL process and ghz itself spent per call,
sampled from /proc before and after (:mod:`bench.cpu`). A run in which any call failed
raises :class:`GhzRunError` naming the counts by status: it would not measure what it
claims.

The request data and metadata (which may carry a bearer token) reach ghz in files in a
private temporary directory, never on its command line, which any local user can read.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from google.protobuf import descriptor_pb2, descriptor_pool

from bench.cpu import machine_busy_seconds, tree_cpu_seconds

REPO = Path(__file__).resolve().parent.parent
PROTO_ROOT = REPO / "proto"
GHZ_ENV = "BENCH_GHZ"
# Latency is in nanoseconds in ghz's JSON.
_NS_PER_MS = 1_000_000


class GhzRunError(RuntimeError):
    """ghz failed, or some of its calls did: the run measured something else."""


@dataclass(frozen=True)
class TLS:
    """How ghz connects: ``cacert`` None is plaintext (``--insecure``); otherwise TLS
    verified against ``cacert``, with a client certificate when ``cert``/``key`` are set
    (mTLS), and ``server_name`` overriding the name checked in the server's
    certificate."""

    cacert: Path | None = None
    cert: Path | None = None
    key: Path | None = None
    server_name: str | None = None

    def __post_init__(self) -> None:
        if (self.cert is None) != (self.key is None):
            raise ValueError("TLS: cert and key go together")
        if self.cacert is None and (self.cert is not None or self.server_name is not None):
            raise ValueError("TLS: cert, key and server_name need cacert")

    @property
    def plaintext(self) -> bool:
        return self.cacert is None

    def flags(self) -> list[str]:
        """ghz's command-line flags for this connection."""
        if self.cacert is None:
            return ["--insecure"]
        flags = [f"--cacert={self.cacert}"]
        if self.cert is not None and self.key is not None:
            flags += [f"--cert={self.cert}", f"--key={self.key}"]
        if self.server_name is not None:
            flags.append(f"--cname={self.server_name}")
        return flags


PLAINTEXT = TLS()


@dataclass(frozen=True)
class Load:
    """How hard ghz pushes: ``concurrency`` workers over ``connections`` HTTP/2
    connections for ``duration`` seconds. For a streaming method, each call sends
    ``stream_call_count`` messages (ghz's ``--stream-call-count``; None: all of the
    data's messages) and a call is one stream."""

    concurrency: int = 16
    connections: int = 1
    duration: float = 5.0
    timeout: float = 20.0
    stream_call_count: int | None = None

    def __post_init__(self) -> None:
        if self.concurrency < 1 or self.connections < 1:
            raise ValueError("Load: concurrency and connections must be at least 1")
        if self.connections > self.concurrency:
            raise ValueError("Load: connections cannot exceed concurrency")
        if self.duration <= 0 or self.timeout <= 0:
            raise ValueError("Load: duration and timeout must be positive")

    def flags(self) -> list[str]:
        flags = [
            f"--concurrency={self.concurrency}",
            f"--connections={self.connections}",
            f"--duration={self.duration:g}s",
            f"--timeout={self.timeout:g}s",
            # "wait": calls in flight at the end finish and count. ghz's default ("close")
            # cuts them off and reports them as UNAVAILABLE, a failure the server did not
            # cause.
            "--duration-stop=wait",
        ]
        if self.stream_call_count is not None:
            flags.append(f"--stream-call-count={self.stream_call_count}")
        return flags


@dataclass(frozen=True)
class Call:
    """One method with its request: ``method`` is ``package.Service/Method``; ``data``
    the request as proto JSON (a list of them for a client stream); ``metadata`` the
    call's headers, e.g. ``{"authorization": "Bearer …"}``."""

    method: str
    data: Mapping[str, object] | Sequence[Mapping[str, object]]
    metadata: Mapping[str, str] = field(default_factory=dict)

    @property
    def service(self) -> str:
        return self.method.split("/", 1)[0]


@dataclass(frozen=True)
class GhzResult:
    """One ghz run. CPU is in microseconds per call; None where no process was given.
    ``other_cores`` is how many cores, on average over the run, were busy with anything
    else than ghz and the given processes: near 0 on a quiet machine; more means that
    the run shared the CPU with something (on 2 cores, 0.5 is a quarter of them)."""

    name: str
    calls: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    server_cpu_us: float | None
    postgres_cpu_us: float | None
    ghz_cpu_us: float
    other_cores: float


def ghz_binary() -> Path:
    """ghz: ``$BENCH_GHZ``, else this checkout's ``.tools/ghz``, else the PATH's.

    Raises:
        GhzRunError: none is there (``make .tools/ghz`` installs it).
    """
    override = os.environ.get(GHZ_ENV)
    if override:
        return Path(override)
    local = REPO / ".tools" / "ghz"
    if local.exists():
        return local
    found = shutil.which("ghz")
    if found is None:
        raise GhzRunError(f"ghz not found in {local} or on PATH: run `make .tools/ghz`")
    return Path(found)


def proto_file(service: str, root: Path = PROTO_ROOT) -> Path:
    """The file under ``root`` that declares ``service`` (``package.Service``), relative
    to ``root`` as ghz's ``--proto`` wants it with ``--import-paths=root``.

    Raises:
        GhzRunError: no file declares it.
    """
    package, _, name = service.rpartition(".")
    declares = re.compile(rf"^service\s+{re.escape(name)}\s*\{{", re.MULTILINE)
    for path in sorted(root.rglob("*.proto")):
        text = path.read_text()
        if re.search(rf"^package\s+{re.escape(package)}\s*;", text, re.MULTILINE) and (
            declares.search(text)
        ):
            return path.relative_to(root)
    raise GhzRunError(f"no .proto under {root} declares service {service}")


def schema_flags(service: str, directory: Path) -> list[str]:
    """ghz's flags that give it ``service``'s API: its file under ``proto/``; else, for a
    service from a library (grpc.health.v1, whose .proto no wheel ships), a protoset
    written into ``directory`` from the descriptor that its generated module registered
    in this process (import the module first).

    Raises:
        GhzRunError: neither knows the service.
    """
    try:
        return [f"--import-paths={PROTO_ROOT}", f"--proto={proto_file(service)}"]
    except GhzRunError:
        try:
            found = descriptor_pool.Default().FindServiceByName(service)
        except KeyError:
            raise GhzRunError(
                f"no .proto under {PROTO_ROOT} and no imported module declares service {service}"
            ) from None
    files = descriptor_pb2.FileDescriptorSet()
    pending, seen = [found.file], set()
    while pending:  # the file and every file it imports, each once
        file = pending.pop()
        if file.name not in seen:
            seen.add(file.name)
            file.CopyToProto(files.file.add())
            pending.extend(file.dependencies)
    protoset = directory / "service.protoset"
    protoset.write_bytes(files.SerializeToString())
    return [f"--protoset={protoset}"]


def run_ghz(
    target: str,
    call: Call,
    load: Load,
    *,
    tls: TLS = PLAINTEXT,
    name: str = "",
    server_pid: int | None = None,
    postgres_pid: int | None = None,
) -> GhzResult:
    """Run ghz against ``target`` (``host:port``) and return what it measured.

    ``server_pid`` and ``postgres_pid`` (the postmaster) are the roots of the process
    trees whose CPU is charged to the calls; ghz's own CPU comes from the rusage of
    reaped children, so nothing else may be reaped by this process while it runs.

    Raises:
        GhzRunError: ghz exited non-zero, made no call, or any call failed.
    """
    with tempfile.TemporaryDirectory(prefix="dataaccess-ghz-") as directory:
        data_file = Path(directory) / "data.json"
        metadata_file = Path(directory) / "metadata.json"
        data_file.write_text(json.dumps(call.data))
        metadata_file.write_text(json.dumps(dict(call.metadata)))
        command = [
            str(ghz_binary()),
            *tls.flags(),
            *schema_flags(call.service, Path(directory)),
            f"--call={call.method}",
            f"--data-file={data_file}",
            f"--metadata-file={metadata_file}",
            *load.flags(),
            "--format=json",
            target,
        ]
        server_before = _cpu(server_pid)
        postgres_before = _cpu(postgres_pid)
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        machine_before = machine_busy_seconds()
        started = time.monotonic()
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        elapsed = time.monotonic() - started
        machine_after = machine_busy_seconds()
        children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        server_after = _cpu(server_pid)
        postgres_after = _cpu(postgres_pid)
    label = name or call.method
    if result.returncode != 0:
        raise GhzRunError(f"{label}: ghz exited {result.returncode}: {result.stderr.strip()}")
    summary = json.loads(result.stdout)
    statuses: dict[str, int] = summary.get("statusCodeDistribution") or {}
    calls = int(summary.get("count", 0))
    failed = {status: n for status, n in statuses.items() if status != "OK"}
    if failed or calls == 0:
        messages = summary.get("errorDistribution") or {}
        detail = "; ".join(f"{n} x {message}" for message, n in list(messages.items())[:5])
        raise GhzRunError(
            f"{label}: {calls} calls, statuses {statuses or 'none'}"
            + (f": {detail}" if detail else "")
        )
    percentiles = {
        int(row["percentage"]): row["latency"] / _NS_PER_MS
        for row in summary["latencyDistribution"]
    }
    ghz_cpu = (children_after.ru_utime + children_after.ru_stime) - (
        children_before.ru_utime + children_before.ru_stime
    )
    ours = ghz_cpu + sum(
        after - before
        for before, after in ((server_before, server_after), (postgres_before, postgres_after))
        if before is not None and after is not None
    )
    return GhzResult(
        name=label,
        calls=calls,
        seconds=summary["total"] / 1e9,
        rps=float(summary["rps"]),
        p50_ms=percentiles[50],
        p99_ms=percentiles[99],
        server_cpu_us=_per_call(server_before, server_after, calls),
        postgres_cpu_us=_per_call(postgres_before, postgres_after, calls),
        ghz_cpu_us=ghz_cpu / calls * 1e6,
        other_cores=max(0.0, (machine_after - machine_before - ours) / elapsed),
    )


def _cpu(pid: int | None) -> float | None:
    return None if pid is None else tree_cpu_seconds(pid)


def _per_call(before: float | None, after: float | None, calls: int) -> float | None:
    if before is None or after is None:
        return None
    return (after - before) / calls * 1e6
