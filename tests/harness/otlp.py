"""A real OTLP/gRPC receiver in the test process: what an OpenTelemetry exporter sends.

The collector's three services (``TraceService``, ``MetricsService``, ``LogsService``, each
with its one ``Export`` method, from ``opentelemetry-proto``) are served on
``127.0.0.1:0`` by a gRPC server with threads of its own, not by the test's event loop:
an in-process server's exporter thread that flushes while the loop waits for it (a
``force_flush()`` or ``shutdown()`` of the SDK called from the loop) is answered all the
same, and sync tests can use it too. Every request is kept as received; tests read it
back flattened (:class:`Span`, :class:`MetricPoint`, :class:`LogRecord`) or as text
(:meth:`OtlpReceiver.raw_texts`, for the secret scan). A server under test is pointed at
it with ``OTEL_EXPORTER_OTLP_ENDPOINT=receiver.endpoint``::

    with otlp_receiver() as receiver:
        ...  # start the server with OTEL_EXPORTER_OTLP_ENDPOINT=receiver.endpoint, call it
        [span] = await receiver.wait_for_spans(lambda s: s.kind == "SERVER")
        assert leaks.find_leaks(leaks.Evidence(texts=receiver.raw_texts())) == []

or, as a fixture (pytest finds it under the name ``otlp_receiver``)::

    from tests.harness.otlp import OtlpReceiver, otlp_receiver_fixture  # noqa: F401

    async def test_x(otlp_receiver: OtlpReceiver) -> None: ...

Exporters send periodically and in batches: wait for what you expect
(:meth:`~OtlpReceiver.wait_for_spans`, :meth:`~OtlpReceiver.wait_for_metrics`; a sync
test polls :meth:`~OtlpReceiver.spans` with ``waiting.wait_until_sync``), never sleep.
Stop the exporting server before the receiver (a fixture set up earlier is torn down
later), or its exporter retries against a closed port until its timeout.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

import grpc
import pytest
from google.protobuf import text_format
from google.protobuf.descriptor import FileDescriptor
from google.protobuf.message import Message
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

from tests.harness.otlp_data import (
    LogRecord,
    MetricPoint,
    Span,
    flatten_logs,
    flatten_metrics,
    flatten_spans,
)
from tests.harness.waiting import wait_until

__all__ = [
    "LogRecord",
    "MetricPoint",
    "OtlpReceiver",
    "Span",
    "otlp_receiver",
    "otlp_receiver_fixture",
]

# OTLP exporters batch (512 spans by default) and may compress: allow any sane batch.
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
# Exports are few and quick; a handful of threads serves several exporters at once.
SERVER_THREADS = 4
STOP_TIMEOUT = 5.0

_Item = TypeVar("_Item")
_Request = TypeVar("_Request", bound=Message)
_Response = TypeVar("_Response", bound=Message)


def _export_handler(
    service: str,
    request_type: type[_Request],
    response_type: type[_Response],
    store: Callable[[_Request], None],
) -> grpc.GenericRpcHandler:
    """The generic handler of one collector service: ``Export`` stores and acknowledges.

    The service's full name comes from the proto's own descriptor, so the paths are the
    ones every OTLP exporter calls. The answer is an empty response: everything accepted.
    """

    def export(request: _Request, _context: grpc.ServicerContext) -> _Response:
        store(request)
        return response_type()

    handler = grpc.unary_unary_rpc_method_handler(
        export,
        request_deserializer=request_type.FromString,
        response_serializer=response_type.SerializeToString,
    )
    return grpc.method_handlers_generic_handler(service, {"Export": handler})


def _service_name(file_descriptor: FileDescriptor, name: str) -> str:
    return file_descriptor.services_by_name[name].full_name


class OtlpReceiver:
    """An OTLP/gRPC receiver on ``127.0.0.1``: :meth:`start`, point exporters at
    :attr:`endpoint`, read what arrived, :meth:`stop`.

    Requests are stored from the server's threads; the readers return copies of what
    has arrived so far, in arrival order, and may be called from any thread.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._server: grpc.Server | None = None
        self._port = 0
        self._requests: list[Message] = []
        self._spans: list[Span] = []
        self._metrics: list[MetricPoint] = []
        self._logs: list[LogRecord] = []

    @property
    def endpoint(self) -> str:
        """``http://127.0.0.1:PORT``: the value for ``OTEL_EXPORTER_OTLP_ENDPOINT`` (the
        ``http`` scheme tells OpenTelemetry's gRPC exporters to connect without TLS)."""
        if self._server is None:
            raise RuntimeError("the OTLP receiver is not started")
        return f"http://127.0.0.1:{self._port}"

    @property
    def target(self) -> str:
        """``127.0.0.1:PORT``, for a gRPC channel of the test's own."""
        return self.endpoint.removeprefix("http://")

    def start(self) -> None:
        """Listen on a free port of 127.0.0.1; returns once the server accepts calls."""
        if self._server is not None:
            raise RuntimeError("the OTLP receiver is already started")
        server = grpc.server(
            ThreadPoolExecutor(SERVER_THREADS, thread_name_prefix="otlp-receiver"),
            options=[
                ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                ("grpc.so_reuseport", 0),
            ],
        )
        trace_file = trace_service_pb2.DESCRIPTOR
        metrics_file = metrics_service_pb2.DESCRIPTOR
        logs_file = logs_service_pb2.DESCRIPTOR
        server.add_generic_rpc_handlers(
            (
                _export_handler(
                    _service_name(trace_file, "TraceService"),
                    trace_service_pb2.ExportTraceServiceRequest,
                    trace_service_pb2.ExportTraceServiceResponse,
                    self._store_traces,
                ),
                _export_handler(
                    _service_name(metrics_file, "MetricsService"),
                    metrics_service_pb2.ExportMetricsServiceRequest,
                    metrics_service_pb2.ExportMetricsServiceResponse,
                    self._store_metrics,
                ),
                _export_handler(
                    _service_name(logs_file, "LogsService"),
                    logs_service_pb2.ExportLogsServiceRequest,
                    logs_service_pb2.ExportLogsServiceResponse,
                    self._store_logs,
                ),
            )
        )
        self._port = server.add_insecure_port("127.0.0.1:0")
        server.start()
        self._server = server

    def stop(self) -> None:
        """Stop listening at once (no grace: exporters resend what was not acknowledged),
        waiting at most 5 s for calls under way. What was received stays readable.
        Stopping a stopped receiver does nothing."""
        server, self._server = self._server, None
        if server is not None:
            server.stop(None).wait(STOP_TIMEOUT)

    def _store_traces(self, request: trace_service_pb2.ExportTraceServiceRequest) -> None:
        spans = flatten_spans(request)
        with self._lock:
            self._requests.append(request)
            self._spans.extend(spans)

    def _store_metrics(self, request: metrics_service_pb2.ExportMetricsServiceRequest) -> None:
        points = flatten_metrics(request)
        with self._lock:
            self._requests.append(request)
            self._metrics.extend(points)

    def _store_logs(self, request: logs_service_pb2.ExportLogsServiceRequest) -> None:
        records = flatten_logs(request)
        with self._lock:
            self._requests.append(request)
            self._logs.extend(records)

    def spans(self) -> list[Span]:
        """Every span received so far."""
        with self._lock:
            return list(self._spans)

    def metrics(self) -> list[MetricPoint]:
        """Every metric data point received so far (each export of a series is one)."""
        with self._lock:
            return list(self._metrics)

    def logs(self) -> list[LogRecord]:
        """Every log record received so far."""
        with self._lock:
            return list(self._logs)

    def raw_texts(self) -> list[str]:
        """Every request received (traces, metrics, logs), each in protobuf's text form
        with UTF-8 kept as is: what a secret scan searches
        (``leaks.find_leaks(leaks.Evidence(texts=receiver.raw_texts()))``)."""
        with self._lock:
            requests = list(self._requests)
        return [text_format.MessageToString(request, as_utf8=True) for request in requests]

    def clear(self) -> None:
        """Forget everything received so far (to look only at what a later step sends)."""
        with self._lock:
            self._requests.clear()
            self._spans.clear()
            self._metrics.clear()
            self._logs.clear()

    async def wait_for_spans(
        self, predicate: Callable[[Span], bool], *, count: int = 1, timeout: float = 10.0
    ) -> list[Span]:
        """The received spans for which ``predicate`` is true, once there are at least
        ``count``; AssertionError after ``timeout`` seconds, listing the spans that did
        arrive (name, kind, ids)."""
        return await self._wait_for(self.spans, predicate, count, timeout, "spans", _span_line)

    async def wait_for_metrics(
        self, predicate: Callable[[MetricPoint], bool], *, count: int = 1, timeout: float = 10.0
    ) -> list[MetricPoint]:
        """:meth:`wait_for_spans` for metric data points."""
        return await self._wait_for(
            self.metrics, predicate, count, timeout, "metric points", _point_line
        )

    async def _wait_for(
        self,
        read: Callable[[], list[_Item]],
        predicate: Callable[[_Item], bool],
        count: int,
        timeout: float,
        what: str,
        describe: Callable[[_Item], str],
    ) -> list[_Item]:
        matching: list[_Item] = []

        def enough() -> bool:
            nonlocal matching
            matching = [item for item in read() if predicate(item)]
            return len(matching) >= count

        try:
            await wait_until(enough, what=f"{count} matching {what}", timeout=timeout)
        except AssertionError as exc:
            received = read()
            shown = "\n  ".join(describe(item) for item in received[-30:])
            raise AssertionError(
                f"{exc} (OTLP receiver on {self.target}; {len(matching)} matched; "
                f"{len(received)} received, the last ones:\n  {shown or '(none)'})"
            ) from None
        return matching


def _span_line(span: Span) -> str:
    return (
        f"{span.kind} {span.name!r} trace={span.trace_id} span={span.span_id} "
        f"parent={span.parent_span_id or '-'} status={span.status_code}"
    )


def _point_line(point: MetricPoint) -> str:
    shown = point.value if point.count is None else f"count={point.count} sum={point.sum}"
    return f"{point.kind} {point.name} {point.attributes} {shown}"


@contextmanager
def otlp_receiver() -> Iterator[OtlpReceiver]:
    """A started :class:`OtlpReceiver`, stopped when the block ends (sync or async tests)."""
    receiver = OtlpReceiver()
    receiver.start()
    try:
        yield receiver
    finally:
        receiver.stop()


@pytest.fixture(name="otlp_receiver")
def otlp_receiver_fixture() -> Iterator[OtlpReceiver]:
    """A started :class:`OtlpReceiver` for one test (import this into the test module)."""
    with otlp_receiver() as receiver:
        yield receiver
