"""The OpenTelemetry SDK, set up from the telemetry settings: the one module that
imports it (every other layer records through ``telemetry.Telemetry``).

- Spans are made only when a traces endpoint is set (``OTEL_EXPORTER_OTLP_ENDPOINT``
  or ``..._TRACES_ENDPOINT``), sampled by ``OTEL_TRACES_SAMPLER``, and exported in
  batches by OTLP/gRPC.
- Metrics go to OTLP every ``OTEL_METRIC_EXPORT_INTERVAL`` when a metrics endpoint is
  set, and to a Prometheus scrape endpoint when ``DATAACCESS_METRICS_LISTEN`` is.
- The providers are this process's own, not OpenTelemetry's globals: several servers in
  one process (tests) each export what is theirs.

The exporters read the rest of the standard variables themselves (headers, TLS
certificates, timeouts, compression).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Any, Protocol

from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from opentelemetry.exporter.prometheus import PrometheusMetricReader
from opentelemetry.metrics import CallbackOptions, Observation
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import MetricReader, PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import ALWAYS_ON, ParentBased
from prometheus_client import CollectorRegistry, start_http_server

from dataaccess_server.config.telemetry import TelemetrySettings
from dataaccess_server.db.cluster import Cluster
from dataaccess_server.domain.model.operations import NodeStatus, Role
from dataaccess_server.telemetry import Telemetry

log = logging.getLogger(__name__)


class KeyCacheStats(Protocol):
    """What the cache gauges read: hits and misses so far (``domain.key_cache``)."""

    @property
    def hits(self) -> int: ...

    @property
    def misses(self) -> int: ...


@dataclass
class Observability:
    """The telemetry of one server process, and what to close at its end."""

    telemetry: Telemetry
    metrics_port: int | None = None
    """The Prometheus endpoint's bound port, if one is served."""
    _tracer_provider: TracerProvider | None = None
    _meter_provider: MeterProvider | None = None
    _http: Any = None

    def shutdown(self) -> None:
        """Export what is buffered, then stop the exporters and the endpoint (blocking:
        run it in a thread)."""
        if self._tracer_provider is not None:
            self._tracer_provider.shutdown()
        if self._meter_provider is not None:
            self._meter_provider.shutdown()
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()


def start_telemetry(settings: TelemetrySettings) -> Observability:
    """The providers, exporters and endpoint ``settings`` ask for; Telemetry.off() (and
    nothing started) when they ask for none."""
    if (
        settings.traces_endpoint is None
        and not settings.metering
        and settings.slow_statement is None
    ):
        return Observability(Telemetry.off())
    resource = Resource.create(
        {"service.name": settings.service_name, "service.version": _version()}
    )
    tracer_provider = tracer = None
    if settings.traces_endpoint is not None:
        # Telemetry.sample decides first; the provider then records what it is given.
        tracer_provider = TracerProvider(resource=resource, sampler=ParentBased(ALWAYS_ON))
        tracer_provider.add_span_processor(
            BatchSpanProcessor(OTLPSpanExporter(endpoint=settings.traces_endpoint))
        )
        tracer = tracer_provider.get_tracer("dataaccess_server", _version())
    readers: list[MetricReader] = []
    if settings.metrics_endpoint is not None:
        readers.append(
            PeriodicExportingMetricReader(
                OTLPMetricExporter(endpoint=settings.metrics_endpoint),
                export_interval_millis=settings.metric_export_interval * 1000,
            )
        )
    http = port = None
    if settings.metrics_listen is not None:
        registry = CollectorRegistry()
        readers.append(PrometheusMetricReader(registry=registry))
        host, _, port_text = settings.metrics_listen.rpartition(":")
        http, _thread = start_http_server(int(port_text), addr=host, registry=registry)
        port = int(http.server_port)
    meter_provider = meter = None
    if readers:
        meter_provider = MeterProvider(resource=resource, metric_readers=readers)
        meter = meter_provider.get_meter("dataaccess_server", _version())
    telemetry = Telemetry(
        tracer=tracer,
        meter=meter,
        slow_statement=settings.slow_statement,
        sampler=settings.sampler,
        ratio=settings.sampler_ratio,
    )
    return Observability(telemetry, port, tracer_provider, meter_provider, http)


class StatusPerCollection:
    """``cluster.status()`` taken once per metrics collection, for all its instruments.

    Eight instruments read the nodes' status; each asking the cluster again would build
    eight snapshots per scrape (and might mix two). The SDK calls every instrument's
    callback once per collection, one collection at a time (under its lock, whichever
    reader asks), so an instrument asking a second time means a new collection has
    begun: the snapshot is retaken then, and only then.
    """

    def __init__(self, status: Callable[[], list[NodeStatus]]) -> None:
        self._status = status
        self._snapshot: list[NodeStatus] = []
        self._served: set[str] = set()

    def read(self, instrument: str) -> list[NodeStatus]:
        """The current collection's snapshot, for ``instrument``'s callback."""
        if not self._served or instrument in self._served:
            self._snapshot = self._status()
            self._served = set()
        self._served.add(instrument)
        return self._snapshot


def observe_state(
    telemetry: Telemetry,
    cluster: Cluster,
    caches: Mapping[str, KeyCacheStats],
    pending_migrations: Callable[[], int | None],
) -> None:
    """Gauges of the cluster's nodes and pools, the key caches, and the migrations this
    server knows and the primary has not applied; read at each collection."""
    if not telemetry.metering:
        return
    meter = telemetry.meter
    statuses = StatusPerCollection(cluster.status)

    def gauge(name: str, unit: str, description: str, read: Callable[[Any], Any]) -> None:
        def callback(_options: CallbackOptions) -> Iterable[Observation]:
            for status in statuses.read(name):
                value = read(status)
                if value is not None:
                    yield Observation(value, {"dataaccess.db.node": status.name})

        meter.create_observable_gauge(name, [callback], unit=unit, description=description)

    gauge(
        "dataaccess.db.node.reachable",
        "1",
        "1 if the node answers its probe",
        lambda s: int(s.reachable),
    )
    gauge(
        "dataaccess.db.node.in_rotation",
        "1",
        "1 if the node serves reads",
        lambda s: int(s.in_rotation),
    )
    gauge(
        "dataaccess.db.replica.lag",
        "s",
        "replay lag of a replica, in time",
        lambda s: s.replay_lag_seconds if s.observed_role is Role.REPLICA else None,
    )
    gauge(
        "dataaccess.db.replica.lag_bytes",
        "By",
        "WAL a replica received and has not replayed",
        lambda s: s.replay_lag_bytes if s.observed_role is Role.REPLICA else None,
    )
    gauge(
        "db.client.connection.max",
        "{connection}",
        "pool size limit",
        lambda s: s.pool_stats.get("pool_max"),
    )
    gauge(
        "db.client.connection.pending_requests",
        "{request}",
        "callers waiting for a connection",
        lambda s: s.pool_stats.get("requests_waiting"),
    )

    def connections(_options: CallbackOptions) -> Iterable[Observation]:
        for status in statuses.read("db.client.connection.count"):
            size = status.pool_stats.get("pool_size", 0)
            idle = status.pool_stats.get("pool_available", 0)
            for state, value in (("idle", idle), ("used", size - idle)):
                yield Observation(
                    value, {"dataaccess.db.node": status.name, "db.client.connection.state": state}
                )

    meter.create_observable_up_down_counter(
        "db.client.connection.count",
        [connections],
        unit="{connection}",
        description="pool connections by state",
    )

    def waited(_options: CallbackOptions) -> Iterable[Observation]:
        for status in statuses.read("dataaccess.db.pool.wait"):
            ms = status.pool_stats.get("requests_wait_ms", 0)
            yield Observation(ms / 1000, {"dataaccess.db.node": status.name})

    meter.create_observable_counter(
        "dataaccess.db.pool.wait",
        [waited],
        unit="s",
        description="time callers waited for a pooled connection, in all",
    )

    def cache_counts(attribute: str) -> Callable[[CallbackOptions], Iterable[Observation]]:
        def callback(_options: CallbackOptions) -> Iterable[Observation]:
            for name, cache in caches.items():
                yield Observation(getattr(cache, attribute), {"dataaccess.cache": name})

        return callback

    meter.create_observable_counter(
        "dataaccess.api_key.cache.hits",
        [cache_counts("hits")],
        unit="{lookup}",
        description="key and credential lookups answered from the process cache",
    )
    meter.create_observable_counter(
        "dataaccess.api_key.cache.misses",
        [cache_counts("misses")],
        unit="{lookup}",
        description="key and credential lookups that went to the database",
    )

    def pending(_options: CallbackOptions) -> Iterable[Observation]:
        count = pending_migrations()
        if count is not None:
            yield Observation(count)

    meter.create_observable_gauge(
        "dataaccess.migrations.pending",
        [pending],
        unit="{migration}",
        description="migrations this server knows that the primary has not applied",
    )


def observe_watchers(telemetry: Telemetry, count: Callable[[], int]) -> None:
    """A gauge of the WatchConfig streams open in this process, read at each collection."""
    if not telemetry.metering:
        return

    def watchers(_options: CallbackOptions) -> Iterable[Observation]:
        yield Observation(count())

    telemetry.meter.create_observable_gauge(
        "dataaccess.configs.watchers",
        [watchers],
        unit="{stream}",
        description="WatchConfig streams open in this process",
    )


def _version() -> str:
    try:
        return version("dataaccess-server")
    except PackageNotFoundError:  # run from a source tree without installing
        return "0+unknown"
