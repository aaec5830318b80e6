"""A real OTLP/gRPC receiver in the test process: what an OpenTelemetry exporter sends.

The collector's three services (``TraceService``, ``MetricsService``, ``LogsService``, each
with its one ``Export`` method, from ``opentelemetry-proto``) are served by a ``grpc.aio``
server on ``127.0.0.1:0`` in the test's event loop. Every request is kept as received;
tests read it back flattened (:class:`Span`, :class:`MetricPoint`, :class:`LogRecord`) or
as text (:meth:`OtlpReceiver.raw_texts`, for the secret scan). A server under test is
pointed at it with ``OTEL_EXPORTER_OTLP_ENDPOINT=receiver.endpoint``::

    async with otlp_receiver() as receiver:
        ...  # start the server with OTEL_EXPORTER_OTLP_ENDPOINT=receiver.endpoint, call it
        [span] = await receiver.wait_for_spans(lambda s: s.kind == "SERVER")
        assert leaks.find_leaks(leaks.Evidence(texts=receiver.raw_texts())) == []

or, as a fixture (pytest finds it under the name ``otlp_receiver``)::

    from tests.harness.otlp import OtlpReceiver, otlp_receiver_fixture  # noqa: F401

    async def test_x(otlp_receiver: OtlpReceiver) -> None: ...

Exporters send periodically and in batches: wait for what you expect
(:meth:`~OtlpReceiver.wait_for_spans`, :meth:`~OtlpReceiver.wait_for_metrics`), never
sleep. Stop the exporting server before the receiver (a fixture set up earlier is torn
down later), or its exporter retries against a closed port until its timeout.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TypeVar

import grpc
import pytest
from google.protobuf import text_format
from google.protobuf.descriptor import FileDescriptor
from google.protobuf.message import Message
from grpc import aio
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

    async def export(
        request: _Request, _context: aio.ServicerContext[_Request, _Response]
    ) -> _Response:
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

    Everything runs in the event loop that called :meth:`start`; the readers return
    copies of what has arrived so far, in arrival order.
    """

    def __init__(self) -> None:
        self._server: aio.Server | None = None
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

    async def start(self) -> None:
        """Listen on a free port of 127.0.0.1; returns once the server accepts calls."""
        if self._server is not None:
            raise RuntimeError("the OTLP receiver is already started")
        server = aio.server(
            options=[
                ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                ("grpc.so_reuseport", 0),
            ]
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
        await server.start()
        self._server = server

    async def stop(self) -> None:
        """Stop listening at once (no grace: exporters resend what was not acknowledged).
        What was received stays readable. Stopping a stopped receiver does nothing."""
        server, self._server = self._server, None
        if server is not None:
            await server.stop(None)

    def _store_traces(self, request: trace_service_pb2.ExportTraceServiceRequest) -> None:
        self._requests.append(request)
        self._spans.extend(flatten_spans(request))

    def _store_metrics(self, request: metrics_service_pb2.ExportMetricsServiceRequest) -> None:
        self._requests.append(request)
        self._metrics.extend(flatten_metrics(request))

    def _store_logs(self, request: logs_service_pb2.ExportLogsServiceRequest) -> None:
        self._requests.append(request)
        self._logs.extend(flatten_logs(request))

    def spans(self) -> list[Span]:
        """Every span received so far."""
        return list(self._spans)

    def metrics(self) -> list[MetricPoint]:
        """Every metric data point received so far (each export of a series is one)."""
        return list(self._metrics)

    def logs(self) -> list[LogRecord]:
        """Every log record received so far."""
        return list(self._logs)

    def raw_texts(self) -> list[str]:
        """Every request received (traces, metrics, logs), each in protobuf's text form
        with UTF-8 kept as is: what a secret scan searches
        (``leaks.find_leaks(leaks.Evidence(texts=receiver.raw_texts()))``)."""
        return [text_format.MessageToString(request, as_utf8=True) for request in self._requests]

    def clear(self) -> None:
        """Forget everything received so far (to look only at what a later step sends)."""
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


@asynccontextmanager
async def otlp_receiver() -> AsyncIterator[OtlpReceiver]:
    """A started :class:`OtlpReceiver`, stopped when the block ends."""
    receiver = OtlpReceiver()
    await receiver.start()
    try:
        yield receiver
    finally:
        await receiver.stop()


@pytest.fixture(name="otlp_receiver")
async def otlp_receiver_fixture() -> AsyncIterator[OtlpReceiver]:
    """A started :class:`OtlpReceiver` for one test (import this into the test module)."""
    async with otlp_receiver() as receiver:
        yield receiver
