"""What telemetry costs on the hottest path: cached ValidateAPIKey driven by ghz, with
telemetry off, with metrics on (the Prometheus endpoint; and with OTLP pushes as well),
and with traces sampled at 1% and at 100% on top (metrics on the Prometheus endpoint and
spans by OTLP, as deploy/ runs it), one server process per variant on one PostgreSQL, in
interleaved rounds (the machinery of bench/auth_overhead.py).

``python -m bench telemetry_overhead [--rounds N]`` (default 5). The spans and metrics
go by OTLP to a sink in this process that takes every export and keeps only counts; a
variant whose exports all failed would measure an exporter retrying, not one working.
Issue 14's target: with traces at 1% and metrics on, at least 90% of the throughput of
telemetry off, same rounds. ghz sends no traceparent, so every call is a root: the 1%
is the sampler's own choice.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from concurrent import futures
from contextlib import contextmanager
from pathlib import Path

import grpc
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2 as metrics_pb
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2_grpc as metrics_grpc
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2 as trace_pb
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2_grpc as trace_grpc

from bench import auth_overhead
from bench.auth_overhead import NO_AUTH, Variant

TARGET = 0.90


class _Sink(trace_grpc.TraceServiceServicer, metrics_grpc.MetricsServiceServicer):
    """Accepts every export, counting spans and metric exports."""

    def __init__(self) -> None:
        self.spans = 0
        self.metric_exports = 0
        self._lock = threading.Lock()

    def Export(self, request: object, context: object) -> object:
        with self._lock:
            if isinstance(request, trace_pb.ExportTraceServiceRequest):
                self.spans += sum(
                    len(scope.spans)
                    for resource in request.resource_spans
                    for scope in resource.scope_spans
                )
                return trace_pb.ExportTraceServiceResponse()
            self.metric_exports += 1
            return metrics_pb.ExportMetricsServiceResponse()


@contextmanager
def otlp_sink() -> Iterator[tuple[str, _Sink]]:
    """An OTLP/gRPC receiver on a free port: its endpoint and its counts."""
    sink = _Sink()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    trace_grpc.add_TraceServiceServicer_to_server(sink, server)  # type: ignore[no-untyped-call]
    metrics_grpc.add_MetricsServiceServicer_to_server(sink, server)  # type: ignore[no-untyped-call]
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        yield f"http://127.0.0.1:{port}", sink
    finally:
        server.stop(None)


def variants_for(endpoint: str) -> Callable[[str, Path], list[Variant]]:
    """The variants beside the baseline, exporting to ``endpoint``."""
    # As deploy/ runs it: metrics on the Prometheus endpoint, traces by OTLP.
    metrics_on = {**NO_AUTH, "DATAACCESS_METRICS_LISTEN": "127.0.0.1:0"}
    both_exports = {
        **metrics_on,
        "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT": endpoint,
        "OTEL_METRIC_EXPORT_INTERVAL": "5000",
    }

    def traced(ratio: str) -> dict[str, str]:
        return {
            **metrics_on,
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": endpoint,
            "OTEL_TRACES_SAMPLER": "parentbased_traceidratio",
            "OTEL_TRACES_SAMPLER_ARG": ratio,
        }

    def others(_dsn: str, _workdir: Path) -> list[Variant]:
        return [
            Variant("telemetry off (again)", server_env=NO_AUTH),
            Variant("metrics (Prometheus)", server_env=metrics_on),
            Variant("metrics (Prometheus + OTLP)", server_env=both_exports),
            Variant("metrics + traces 1%", server_env=traced("0.01"), target=TARGET),
            Variant("metrics + traces 100%", server_env=traced("1.0")),
        ]

    return others


def measure(rounds: int) -> str:
    with otlp_sink() as (endpoint, sink):
        text = auth_overhead.measure(
            rounds,
            baseline=Variant("telemetry off", server_env=NO_AUTH),
            others=variants_for(endpoint),
            title="telemetry_overhead",
        )
        received = (
            f"the OTLP sink received {sink.spans} spans and {sink.metric_exports} metric exports"
        )
    if sink.spans == 0 or sink.metric_exports == 0:  # the OTLP variants exported nothing
        raise RuntimeError(f"telemetry was not exported: {received}")
    return f"{text}\n{received}"


async def run(rounds: int = auth_overhead.ROUNDS) -> str:
    """The benchmark as ``python -m bench`` runs it: blocking work, off the event loop."""
    return await asyncio.to_thread(measure, rounds)
