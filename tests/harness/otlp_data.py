"""What an OTLP export request holds, flattened for tests to assert on (no I/O here).

:class:`Span`, :class:`MetricPoint` and :class:`LogRecord` are built from the
``opentelemetry-proto`` messages by :func:`flatten_spans`, :func:`flatten_metrics` and
:func:`flatten_logs`; the receiver that gets the requests is ``tests/harness/otlp.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from opentelemetry.proto.collector.logs.v1 import logs_service_pb2
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.metrics.v1 import metrics_pb2
from opentelemetry.proto.trace.v1 import trace_pb2

Attributes = dict[str, object]


@dataclass(frozen=True)
class Span:
    """One exported span, flattened: ids in lowercase hex, enums by their short name.

    ``kind`` is ``"SERVER"``, ``"CLIENT"``, ``"INTERNAL"``, ``"PRODUCER"``, ``"CONSUMER"``
    or ``"UNSPECIFIED"``; ``status_code`` is ``"UNSET"``, ``"OK"`` or ``"ERROR"``;
    ``parent_span_id`` is ``""`` for a root span. ``resource`` holds the resource's
    attributes (``service.name`` ...), ``scope`` the instrumentation scope's name.
    """

    name: str
    trace_id: str
    span_id: str
    parent_span_id: str
    kind: str
    attributes: Attributes
    status_code: str
    status_message: str
    start_time_unix_nano: int
    end_time_unix_nano: int
    resource: Attributes
    scope: str


@dataclass(frozen=True)
class MetricPoint:
    """One data point of one exported metric.

    ``kind`` is the metric's data type as OTLP names it: ``"gauge"``, ``"sum"``,
    ``"histogram"``, ``"exponential_histogram"`` or ``"summary"``. Gauges and sums carry
    ``value`` (an int or a float, as exported); the others carry ``count`` and ``sum``,
    and explicit-bucket histograms also ``bucket_counts`` and ``explicit_bounds``.
    Cumulative metrics are exported again at every interval: the newest point of a
    series is the last one in :meth:`OtlpReceiver.metrics`.
    """

    name: str
    kind: str
    unit: str
    attributes: Attributes
    value: int | float | None
    count: int | None
    sum: float | None
    bucket_counts: tuple[int, ...]
    explicit_bounds: tuple[float, ...]
    monotonic: bool
    time_unix_nano: int
    resource: Attributes
    scope: str


@dataclass(frozen=True)
class LogRecord:
    """One exported log record: its body (as a value), severity and trace context."""

    body: object
    severity_text: str
    severity_number: int
    trace_id: str
    span_id: str
    attributes: Attributes
    time_unix_nano: int
    resource: Attributes
    scope: str


def any_value(value: AnyValue) -> object:
    """The Python value of an OTLP ``AnyValue`` (``None`` when it holds none)."""
    which = value.WhichOneof("value")
    if which == "array_value":
        return [any_value(item) for item in value.array_value.values]
    if which == "kvlist_value":
        return attributes(value.kvlist_value.values)
    if which is None:
        return None
    result: object = getattr(value, which)
    return result


def attributes(pairs: Sequence[KeyValue]) -> Attributes:
    """OTLP key-value pairs as a dict (a repeated key keeps its last value)."""
    return {pair.key: any_value(pair.value) for pair in pairs}


def _short_enum_name(descriptor_name: str, prefix: str) -> str:
    return descriptor_name.removeprefix(prefix)


def flatten_spans(request: trace_service_pb2.ExportTraceServiceRequest) -> list[Span]:
    """Every span of one export request, in the order sent."""
    spans = []
    kinds = trace_pb2.Span.SpanKind
    codes = trace_pb2.Status.StatusCode
    for resource_spans in request.resource_spans:
        resource = attributes(resource_spans.resource.attributes)
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                spans.append(
                    Span(
                        name=span.name,
                        trace_id=span.trace_id.hex(),
                        span_id=span.span_id.hex(),
                        parent_span_id=span.parent_span_id.hex(),
                        kind=_short_enum_name(kinds.Name(span.kind), "SPAN_KIND_"),
                        attributes=attributes(span.attributes),
                        status_code=_short_enum_name(codes.Name(span.status.code), "STATUS_CODE_"),
                        status_message=span.status.message,
                        start_time_unix_nano=span.start_time_unix_nano,
                        end_time_unix_nano=span.end_time_unix_nano,
                        resource=resource,
                        scope=scope_spans.scope.name,
                    )
                )
    return spans


def _metric_points(
    metric: metrics_pb2.Metric, resource: Attributes, scope: str
) -> list[MetricPoint]:
    kind = metric.WhichOneof("data") or ""

    def point(
        pairs: Sequence[KeyValue],
        time: int,
        *,
        value: int | float | None = None,
        count: int | None = None,
        total: float | None = None,
        buckets: Sequence[int] = (),
        bounds: Sequence[float] = (),
    ) -> MetricPoint:
        return MetricPoint(
            name=metric.name,
            kind=kind,
            unit=metric.unit,
            attributes=attributes(pairs),
            value=value,
            count=count,
            sum=total,
            bucket_counts=tuple(buckets),
            explicit_bounds=tuple(bounds),
            monotonic=kind == "sum" and metric.sum.is_monotonic,
            time_unix_nano=time,
            resource=resource,
            scope=scope,
        )

    if kind in ("gauge", "sum"):
        numbers = metric.gauge.data_points if kind == "gauge" else metric.sum.data_points
        return [
            point(
                n.attributes,
                n.time_unix_nano,
                value=n.as_int if n.WhichOneof("value") == "as_int" else n.as_double,
            )
            for n in numbers
        ]
    if kind == "histogram":
        return [
            point(
                h.attributes,
                h.time_unix_nano,
                count=h.count,
                total=h.sum,
                buckets=h.bucket_counts,
                bounds=h.explicit_bounds,
            )
            for h in metric.histogram.data_points
        ]
    if kind == "exponential_histogram":
        return [
            point(e.attributes, e.time_unix_nano, count=e.count, total=e.sum)
            for e in metric.exponential_histogram.data_points
        ]
    if kind == "summary":
        return [
            point(q.attributes, q.time_unix_nano, count=q.count, total=q.sum)
            for q in metric.summary.data_points
        ]
    return []


def flatten_metrics(request: metrics_service_pb2.ExportMetricsServiceRequest) -> list[MetricPoint]:
    """Every data point of one export request, in the order sent."""
    points = []
    for resource_metrics in request.resource_metrics:
        resource = attributes(resource_metrics.resource.attributes)
        for scope_metrics in resource_metrics.scope_metrics:
            for metric in scope_metrics.metrics:
                points.extend(_metric_points(metric, resource, scope_metrics.scope.name))
    return points


def flatten_logs(request: logs_service_pb2.ExportLogsServiceRequest) -> list[LogRecord]:
    """Every log record of one export request, in the order sent."""
    records = []
    for resource_logs in request.resource_logs:
        resource = attributes(resource_logs.resource.attributes)
        for scope_logs in resource_logs.scope_logs:
            for record in scope_logs.log_records:
                records.append(
                    LogRecord(
                        body=any_value(record.body),
                        severity_text=record.severity_text,
                        severity_number=record.severity_number,
                        trace_id=record.trace_id.hex(),
                        span_id=record.span_id.hex(),
                        attributes=attributes(record.attributes),
                        time_unix_nano=record.time_unix_nano,
                        resource=resource,
                        scope=scope_logs.scope.name,
                    )
                )
    return records
