"""What every layer records into: one tracer and the service's instruments.

Built by ``observability.start_telemetry`` (the entry layer, which alone imports the
OpenTelemetry SDK) from the standard ``OTEL_*`` variables and
``DATAACCESS_METRICS_LISTEN``; ``Telemetry.off()`` records nothing. Code on a hot path
checks ``tracing`` before it builds a span, so telemetry that is off costs an attribute
read; instruments of a meter that is off are OpenTelemetry's no-op ones.

Names follow OpenTelemetry's semantic conventions where one exists (``rpc.server.*``,
``db.client.*``), else ``dataaccess.*``. No value recorded here may hold a secret: span
and metric attributes are method names, statement names, node names, status codes and
reasons, never request values.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable

from opentelemetry import metrics, trace

# Seconds: a cached call takes well under a millisecond, a slow analytics one seconds.
DURATION_BUCKETS = (
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
)  # fmt: skip


class Telemetry:
    """The tracer (None: no spans) and the instruments of one server process."""

    def __init__(
        self,
        *,
        tracer: trace.Tracer | None = None,
        meter: metrics.Meter | None = None,
        slow_statement: float | None = None,
        sampler: str = "parentbased_always_on",
        ratio: float = 1.0,
    ) -> None:
        self.tracer = tracer
        self.tracing = tracer is not None
        """Whether spans are made at all (an exporter is configured)."""
        self.sample = _sampling(sampler, ratio)
        """Whether a call gets a span, from its parent's sampled flag (None: no parent).
        Decided before any span exists, so an unsampled call costs no span object: the
        tracer's own sampler then follows the parent, or records a root."""
        self.meter = meter or metrics.NoOpMeter("dataaccess_server")
        self.metering = meter is not None
        self.slow_statement = slow_statement
        """Seconds after which a database operation is logged as slow; None: never."""
        m = self.meter
        self.rpc_duration = m.create_histogram(
            "rpc.server.call.duration",
            unit="s",
            description="Duration of RPCs served, by method and status code.",
            explicit_bucket_boundaries_advisory=DURATION_BUCKETS,
        )
        self.db_duration = m.create_histogram(
            "db.client.operation.duration",
            unit="s",
            description="Duration of database operations, by name and node.",
            explicit_bucket_boundaries_advisory=DURATION_BUCKETS,
        )
        # Counted in plain integers and read at collection: on the hottest path, an
        # SDK counter's add costs several microseconds per reader.
        self.validations: dict[str, int] = {}
        """API key validations answered so far, by reason; add with count_validation."""

        def validations(_options: metrics.CallbackOptions) -> Iterable[metrics.Observation]:
            for reason, count in list(self.validations.items()):
                yield metrics.Observation(count, {"reason": reason})

        m.create_observable_counter(
            "dataaccess.api_key.validations",
            [validations],
            unit="{validation}",
            description="API key validations answered, by reason.",
        )
        self.cache_lookups: dict[str, int] = {"hit": 0, "miss": 0}
        """CacheService keys looked up so far, by result; add with count_cache_lookups."""

        def cache_lookups(_options: metrics.CallbackOptions) -> Iterable[metrics.Observation]:
            for result, count in list(self.cache_lookups.items()):
                yield metrics.Observation(count, {"result": result})

        m.create_observable_counter(
            "dataaccess.cache.lookups",
            [cache_lookups],
            unit="{lookup}",
            description="CacheService keys looked up, by result (hit or miss).",
        )
        self.invalidation_lag = m.create_histogram(
            "dataaccess.api_key.invalidation.lag",
            unit="s",
            description="From a key change's notification to this process forgetting it.",
            explicit_bucket_boundaries_advisory=DURATION_BUCKETS,
        )
        self.logs_written = m.create_counter(
            "dataaccess.request_logs.written",
            unit="{log}",
            description="Request logs stored.",
        )
        self.logs_duplicates = m.create_counter(
            "dataaccess.request_logs.duplicates",
            unit="{log}",
            description="Request logs skipped as already stored (resends).",
        )
        self.usage_records = m.create_counter(
            "dataaccess.usage.records",
            unit="{record}",
            description="Usage records received in batches applied (replays excluded).",
        )
        self.partitions_created = m.create_counter(
            "dataaccess.partitions.created",
            unit="{partition}",
            description="Daily partitions created ahead (request logs, audit events).",
        )
        self.partitions_dropped = m.create_counter(
            "dataaccess.partitions.dropped",
            unit="{partition}",
            description="Daily partitions dropped past their retention.",
        )

    @classmethod
    def off(cls) -> Telemetry:
        """Telemetry that records nothing."""
        return cls()

    def count_validation(self, reason: str) -> None:
        """One more validation answered with ``reason``."""
        self.validations[reason] = self.validations.get(reason, 0) + 1

    def count_cache_lookups(self, *, hits: int, misses: int) -> None:
        """Cache keys found (``hits``) and not found (``misses``) by one call."""
        self.cache_lookups["hit"] += hits
        self.cache_lookups["miss"] += misses

    def observe_in_flight(self, count: Callable[[], int]) -> None:
        """Report ``count()`` as the RPCs in flight (the admission counter: no work per
        call)."""

        def callback(_options: metrics.CallbackOptions) -> Iterable[metrics.Observation]:
            yield metrics.Observation(count())

        self.meter.create_observable_up_down_counter(
            "rpc.server.active_requests",
            [callback],
            unit="{request}",
            description="RPCs in flight (health checks aside).",
        )


def _sampling(sampler: str, ratio: float) -> Callable[[bool | None], bool]:
    # OTEL_TRACES_SAMPLER's meanings, decided from the parent's flag and one draw.
    root: Callable[[], bool]
    if sampler.endswith("always_on"):
        root = lambda: True  # noqa: E731
    elif sampler.endswith("always_off"):
        root = lambda: False  # noqa: E731
    else:
        root = lambda: random.random() < ratio  # noqa: E731, S311 (not for secrets)
    if not sampler.startswith("parentbased_"):
        return lambda _parent: root()
    return lambda parent: root() if parent is None else parent


def current_trace_ids() -> tuple[str, str] | None:
    """(trace id, span id) in hex of the span current in this context, if one is being
    recorded or was propagated; None otherwise."""
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return format(context.trace_id, "032x"), format(context.span_id, "016x")
