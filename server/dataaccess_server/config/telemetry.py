"""Telemetry settings from the environment: the standard ``OTEL_*`` variables this
service acts on, DATAACCESS_METRICS_LISTEN and DB_SLOW_QUERY_THRESHOLD (see the
README's telemetry section). Nothing is exported when none is set."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dataaccess_server.config import _Reader

SAMPLERS = (
    "always_on",
    "always_off",
    "traceidratio",
    "parentbased_always_on",
    "parentbased_always_off",
    "parentbased_traceidratio",
)


@dataclass(frozen=True, slots=True)
class TelemetrySettings:
    """What to export, and where."""

    traces_endpoint: str | None = None
    """OTLP/gRPC endpoint for spans; None: no spans are made at all."""
    metrics_endpoint: str | None = None
    """OTLP/gRPC endpoint for metrics; None: not pushed."""
    metrics_listen: str | None = None
    """host:port of the Prometheus scrape endpoint; None: not served."""
    service_name: str = "dataaccess"
    sampler: str = "parentbased_always_on"
    sampler_ratio: float = 1.0
    metric_export_interval: float = 60.0
    """Seconds between OTLP metric pushes (OTEL_METRIC_EXPORT_INTERVAL)."""
    slow_statement: float | None = None
    """Database operations at least this long (seconds) are logged; None: none."""

    @property
    def metering(self) -> bool:
        return self.metrics_endpoint is not None or self.metrics_listen is not None


def read_telemetry(read: _Reader) -> TelemetrySettings:
    """The telemetry settings of the environment ``read`` reads."""
    from dataaccess_server.config import ConfigError  # the package imports this module

    if (read.raw("OTEL_SDK_DISABLED") or "").strip().lower() == "true":
        return TelemetrySettings(metrics_listen=_listen(read), slow_statement=_slow(read))
    endpoint = read.raw("OTEL_EXPORTER_OTLP_ENDPOINT")

    def exported(signal: str) -> str | None:
        exporter = (read.raw(f"OTEL_{signal}_EXPORTER") or "otlp").strip().lower()
        if exporter not in ("otlp", "none"):
            raise ConfigError(f"OTEL_{signal}_EXPORTER", f"must be otlp or none, got {exporter!r}")
        if exporter == "none":
            return None
        return read.raw(f"OTEL_EXPORTER_OTLP_{signal}_ENDPOINT") or endpoint

    sampler = (read.raw("OTEL_TRACES_SAMPLER") or "parentbased_always_on").strip().lower()
    if sampler not in SAMPLERS:
        raise ConfigError("OTEL_TRACES_SAMPLER", f"must be one of {', '.join(SAMPLERS)}")
    ratio = 1.0
    if sampler.endswith("traceidratio"):
        text = read.raw("OTEL_TRACES_SAMPLER_ARG") or "1.0"
        try:
            ratio = float(text)
        except ValueError:
            ratio = math.nan
        if not 0.0 <= ratio <= 1.0:  # NaN fails too
            raise ConfigError(
                "OTEL_TRACES_SAMPLER_ARG", f"must be a ratio from 0 to 1, got {text!r}"
            )
    interval = read.integer("OTEL_METRIC_EXPORT_INTERVAL", 60_000, minimum=100, maximum=86_400_000)
    return TelemetrySettings(
        traces_endpoint=exported("TRACES"),
        metrics_endpoint=exported("METRICS"),
        metrics_listen=_listen(read),
        service_name=read.raw("OTEL_SERVICE_NAME") or "dataaccess",
        sampler=sampler,
        sampler_ratio=ratio,
        metric_export_interval=interval / 1000,
        slow_statement=_slow(read),
    )


def _listen(read: _Reader) -> str | None:
    from dataaccess_server.config import _listen_address

    text = read.raw("DATAACCESS_METRICS_LISTEN")
    if text is None:
        return None
    text = text.strip()
    # ":9464", as Prometheus exporters are usually given: every interface.
    return _listen_address(
        "DATAACCESS_METRICS_LISTEN",
        "0.0.0.0" + text if text[:1] == ":" else text,  # noqa: S104
    )


def _slow(read: _Reader) -> float | None:
    if read.raw("DB_SLOW_QUERY_THRESHOLD") is None:
        return None
    return read.duration("DB_SLOW_QUERY_THRESHOLD", 0.0, minimum=0.001)
