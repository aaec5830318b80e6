"""The telemetry harness is real, apart from the server: the OTLP receiver serves the
collector's services to the generated OTLP client and flattens what it is sent, and the
Prometheus from .tools scrapes a ``prometheus_client`` endpoint and answers queries."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator

import grpc
import pytest
from grpc import aio
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2, logs_service_pb2_grpc
from opentelemetry.proto.collector.metrics.v1 import (
    metrics_service_pb2,
    metrics_service_pb2_grpc,
)
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc
from opentelemetry.proto.common.v1.common_pb2 import (
    AnyValue,
    ArrayValue,
    InstrumentationScope,
    KeyValue,
)
from opentelemetry.proto.logs.v1 import logs_pb2
from opentelemetry.proto.metrics.v1 import metrics_pb2
from opentelemetry.proto.resource.v1.resource_pb2 import Resource
from opentelemetry.proto.trace.v1 import trace_pb2
from prometheus_client import CollectorRegistry, Counter, start_http_server

from tests.harness import leaks
from tests.harness.otlp import (
    MetricPoint,
    OtlpReceiver,
    Span,
    otlp_receiver,
    otlp_receiver_fixture,  # noqa: F401  (the fixture)
)
from tests.harness.prometheus import PrometheusError, prometheus, prometheus_async, value

TRACE_ID = bytes.fromhex("4bf92f3577b34da6a3ce929d0e0e4736")
PARENT_ID = bytes.fromhex("00f067aa0ba902b7")
SPAN_ID = bytes.fromhex("b7ad6b7169203331")
ROOT_ID = bytes.fromhex("1111111111111111")


def text(key: str, text_value: str) -> KeyValue:
    return KeyValue(key=key, value=AnyValue(string_value=text_value))


def number(key: str, int_value: int) -> KeyValue:
    return KeyValue(key=key, value=AnyValue(int_value=int_value))


RESOURCE = Resource(attributes=[text("service.name", "harness-test")])
SCOPE = InstrumentationScope(name="tests.telemetry")


def trace_request() -> trace_service_pb2.ExportTraceServiceRequest:
    server_span = trace_pb2.Span(
        trace_id=TRACE_ID,
        span_id=SPAN_ID,
        parent_span_id=PARENT_ID,
        name="dataaccess.v1.APIKeyService/ValidateAPIKey",
        kind=trace_pb2.Span.SPAN_KIND_SERVER,
        start_time_unix_nano=1_000,
        end_time_unix_nano=2_500,
        attributes=[
            text("rpc.system", "grpc"),
            number("rpc.grpc.status_code", 0),
            KeyValue(key="db.replica", value=AnyValue(bool_value=True)),
            KeyValue(key="ratio", value=AnyValue(double_value=0.25)),
            KeyValue(
                key="nodes",
                value=AnyValue(array_value=ArrayValue(values=[AnyValue(string_value="primary")])),
            ),
        ],
        status=trace_pb2.Status(code=trace_pb2.Status.STATUS_CODE_ERROR, message="boom"),
    )
    root_span = trace_pb2.Span(
        trace_id=TRACE_ID, span_id=ROOT_ID, name="root", kind=trace_pb2.Span.SPAN_KIND_CLIENT
    )
    return trace_service_pb2.ExportTraceServiceRequest(
        resource_spans=[
            trace_pb2.ResourceSpans(
                resource=RESOURCE,
                scope_spans=[trace_pb2.ScopeSpans(scope=SCOPE, spans=[server_span, root_span])],
            )
        ]
    )


async def test_a_span_sent_by_the_generated_otlp_client_is_read_back_flattened(
    otlp_receiver: OtlpReceiver,
) -> None:
    assert otlp_receiver.endpoint == f"http://{otlp_receiver.target}"
    async with aio.insecure_channel(otlp_receiver.target) as channel:
        stub = trace_service_pb2_grpc.TraceServiceStub(channel)  # type: ignore[no-untyped-call]
        answer = await stub.Export(trace_request(), timeout=5)
    assert isinstance(answer, trace_service_pb2.ExportTraceServiceResponse)

    [span] = await otlp_receiver.wait_for_spans(lambda s: s.kind == "SERVER")
    assert span == Span(
        name="dataaccess.v1.APIKeyService/ValidateAPIKey",
        trace_id="4bf92f3577b34da6a3ce929d0e0e4736",
        span_id="b7ad6b7169203331",
        parent_span_id="00f067aa0ba902b7",
        kind="SERVER",
        attributes={
            "rpc.system": "grpc",
            "rpc.grpc.status_code": 0,
            "db.replica": True,
            "ratio": 0.25,
            "nodes": ["primary"],
        },
        status_code="ERROR",
        status_message="boom",
        start_time_unix_nano=1_000,
        end_time_unix_nano=2_500,
        resource={"service.name": "harness-test"},
        scope="tests.telemetry",
    )
    [root] = [s for s in otlp_receiver.spans() if s.name == "root"]
    assert (root.parent_span_id, root.kind, root.status_code) == ("", "CLIENT", "UNSET")


async def test_metric_points_and_log_records_are_read_back_and_searchable_for_secrets(
    otlp_receiver: OtlpReceiver,
) -> None:
    secret = "dak_" + os.urandom(16).hex()
    histogram = metrics_pb2.Metric(
        name="rpc.server.duration",
        unit="ms",
        histogram=metrics_pb2.Histogram(
            data_points=[
                metrics_pb2.HistogramDataPoint(
                    attributes=[text("rpc.method", "ValidateAPIKey")],
                    count=3,
                    sum=7.5,
                    bucket_counts=[1, 2, 0],
                    explicit_bounds=[1.0, 5.0],
                    time_unix_nano=9,
                )
            ]
        ),
    )
    counter = metrics_pb2.Metric(
        name="dataaccess.api_key.validations",
        sum=metrics_pb2.Sum(
            is_monotonic=True,
            data_points=[
                metrics_pb2.NumberDataPoint(attributes=[text("reason", "VALID")], as_int=4)
            ],
        ),
    )
    gauge = metrics_pb2.Metric(
        name="db.client.connections.usage",
        gauge=metrics_pb2.Gauge(data_points=[metrics_pb2.NumberDataPoint(as_double=0.5)]),
    )
    metrics = metrics_service_pb2.ExportMetricsServiceRequest(
        resource_metrics=[
            metrics_pb2.ResourceMetrics(
                resource=RESOURCE,
                scope_metrics=[
                    metrics_pb2.ScopeMetrics(scope=SCOPE, metrics=[histogram, counter, gauge])
                ],
            )
        ]
    )
    log = logs_pb2.LogRecord(
        body=AnyValue(string_value=f"validated {secret}"),
        severity_text="INFO",
        trace_id=TRACE_ID,
        span_id=SPAN_ID,
    )
    logs = logs_service_pb2.ExportLogsServiceRequest(
        resource_logs=[
            logs_pb2.ResourceLogs(
                resource=RESOURCE,
                scope_logs=[logs_pb2.ScopeLogs(scope=SCOPE, log_records=[log])],
            )
        ]
    )
    async with aio.insecure_channel(otlp_receiver.target) as channel:
        await metrics_service_pb2_grpc.MetricsServiceStub(channel).Export(metrics, timeout=5)  # type: ignore[no-untyped-call]
        await logs_service_pb2_grpc.LogsServiceStub(channel).Export(logs, timeout=5)  # type: ignore[no-untyped-call]

    points = await otlp_receiver.wait_for_metrics(lambda p: True, count=3)
    resource: dict[str, object] = {"service.name": "harness-test"}
    scope = "tests.telemetry"
    assert points == [
        MetricPoint(
            name="rpc.server.duration",
            kind="histogram",
            unit="ms",
            attributes={"rpc.method": "ValidateAPIKey"},
            value=None,
            count=3,
            sum=7.5,
            bucket_counts=(1, 2, 0),
            explicit_bounds=(1.0, 5.0),
            monotonic=False,
            time_unix_nano=9,
            resource=resource,
            scope=scope,
        ),
        MetricPoint(
            name="dataaccess.api_key.validations",
            kind="sum",
            unit="",
            attributes={"reason": "VALID"},
            value=4,
            count=None,
            sum=None,
            bucket_counts=(),
            explicit_bounds=(),
            monotonic=True,
            time_unix_nano=0,
            resource=resource,
            scope=scope,
        ),
        MetricPoint(
            name="db.client.connections.usage",
            kind="gauge",
            unit="",
            attributes={},
            value=0.5,
            count=None,
            sum=None,
            bucket_counts=(),
            explicit_bounds=(),
            monotonic=False,
            time_unix_nano=0,
            resource=resource,
            scope=scope,
        ),
    ]
    [record] = otlp_receiver.logs()
    assert (record.body, record.severity_text, record.trace_id, record.span_id) == (
        f"validated {secret}",
        "INFO",
        TRACE_ID.hex(),
        SPAN_ID.hex(),
    )
    # The secret scan over what was exported finds the one in the log record, and only it.
    assert len(otlp_receiver.raw_texts()) == 2
    exported = leaks.Evidence(texts=otlp_receiver.raw_texts())
    assert len(leaks.find_leaks(exported, [secret])) == 1
    assert leaks.find_leaks(exported, ["dak_" + os.urandom(16).hex()]) == []


async def test_an_export_made_while_the_event_loop_waits_for_it_is_answered(
    otlp_receiver: OtlpReceiver,
) -> None:
    # What the SDK's force_flush() or shutdown() does when an in-process server calls it
    # from the loop: a blocking export. A receiver served by this loop would never answer.
    with grpc.insecure_channel(otlp_receiver.target) as channel:
        stub = trace_service_pb2_grpc.TraceServiceStub(channel)  # type: ignore[no-untyped-call]
        stub.Export(trace_request(), timeout=5)
    assert {span.name for span in otlp_receiver.spans()} == {
        "dataaccess.v1.APIKeyService/ValidateAPIKey",
        "root",
    }


async def test_waiting_for_spans_that_never_come_fails_listing_what_came() -> None:
    with otlp_receiver() as receiver:
        async with aio.insecure_channel(receiver.target) as channel:
            stub = trace_service_pb2_grpc.TraceServiceStub(channel)  # type: ignore[no-untyped-call]
            await stub.Export(trace_request(), timeout=5)
        with pytest.raises(AssertionError, match=r"0 matched; 2 received(.|\n)*'root'"):
            await receiver.wait_for_spans(lambda s: s.kind == "PRODUCER", timeout=0.3)
        receiver.clear()
        assert receiver.spans() == []
        assert receiver.raw_texts() == []
    with pytest.raises(RuntimeError, match="not started"):
        _ = receiver.endpoint


# --- Prometheus -------------------------------------------------------------------------


@pytest.fixture
def counted_endpoint() -> Iterator[tuple[str, Counter]]:
    """A ``prometheus_client`` endpoint on a free port (in its own thread) and its
    counter, for Prometheus to scrape."""
    registry = CollectorRegistry()
    counter = Counter("harness_calls", "Calls made by the harness test.", registry=registry)
    httpd, thread = start_http_server(0, addr="127.0.0.1", registry=registry)
    try:
        yield f"127.0.0.1:{httpd.server_address[1]}", counter
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


def test_prometheus_scrapes_a_counter_and_answers_its_exact_value(
    counted_endpoint: tuple[str, Counter],
) -> None:
    target, counter = counted_endpoint
    for _ in range(3):
        counter.inc()
    with prometheus([target]) as prom:
        result = prom.wait_for("harness_calls_total", lambda r: value(r) == 3)
        assert result[0]["metric"] == {
            "__name__": "harness_calls_total",
            "instance": target,
            "job": "dataaccess",
        }
        assert prom.targets_up()
        # A later increment shows in a later scrape: the value is scraped, not remembered.
        counter.inc()
        prom.wait_for("harness_calls_total", lambda r: value(r) == 4)
        with pytest.raises(PrometheusError, match="bad_data"):
            prom.query("harness_calls_total{")
        directory = prom.log_path.parent
    assert not directory.exists()


async def test_prometheus_sees_a_target_that_does_not_answer_as_down(
    counted_endpoint: tuple[str, Counter],
) -> None:
    live, _ = counted_endpoint
    httpd = socket_bound_but_not_listening()
    dead = f"127.0.0.1:{httpd.getsockname()[1]}"
    try:
        async with prometheus_async([live, dead]) as prom:
            await prom.wait_for_async(f'up{{instance="{dead}"}}', lambda r: value(r) == 0)
            await prom.wait_for_async(f'up{{instance="{live}"}}', lambda r: value(r) == 1)
            assert not prom.targets_up()
            with pytest.raises(AssertionError, match=r"targets: .*down"):
                await prom.wait_for_async("harness_calls_total", lambda r: False, timeout=0.5)
    finally:
        httpd.close()


def socket_bound_but_not_listening() -> socket.socket:
    """A port nobody accepts on (and nobody else can take while the test runs)."""
    bound = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    bound.bind(("127.0.0.1", 0))
    return bound


def test_prometheus_that_exits_at_start_is_an_error_showing_its_log() -> None:
    with (
        pytest.raises(PrometheusError, match=r"exited with code 2(.|\n)*is not a valid hostname"),
        prometheus(["http://127.0.0.1:1"]),
    ):
        pass


def test_prometheus_not_on_path_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(PrometheusError, match=r"make \.tools/prometheus"), prometheus(["x:1"]):
        pass
