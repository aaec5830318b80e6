"""One Prometheus endpoint for all the workers of ``serve --workers N``.

Kubernetes scrapes one port per pod, and OpenTelemetry's Prometheus exporter has no
multiprocess mode (prometheus_client's covers only its own metric classes). So each
worker serves its metrics on a private loopback port, and the supervisor's endpoint
(DATAACCESS_METRICS_LISTEN) scrapes them all at each scrape of its own and answers
with every family once, each sample labelled ``worker`` ("1" to "N"). A worker that
cannot be read (restarting) is left out of that answer, and says so in
``dataaccess_worker_up``.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from prometheus_client import CollectorRegistry, start_http_server
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.parser import text_string_to_metric_families

# A worker's endpoint answers from memory: a slow one is a stuck one.
SCRAPE_TIMEOUT = 2.0


@dataclass(frozen=True, slots=True)
class MetricsTarget:
    """A serving worker's own metrics endpoint, on 127.0.0.1."""

    worker: str
    port: int


class MergedMetrics:
    """A prometheus_client collector of every worker's metrics, read at each collection
    from ``targets()`` (the workers serving at that moment)."""

    def __init__(self, targets: Callable[[], list[MetricsTarget]]) -> None:
        self._targets = targets

    def collect(self) -> Iterator[Metric]:
        """Every family of every reachable worker, once, plus ``dataaccess_worker_up``."""
        merged: dict[str, Metric] = {}
        up = GaugeMetricFamily(
            "dataaccess_worker_up",
            "1 if the worker's own metrics were read for this scrape",
            labels=["worker"],
        )
        for target in self._targets():
            try:
                families = list(_scrape(target.port))
            except (OSError, ValueError):  # gone meanwhile, or cut short
                up.add_metric([target.worker], 0)
                continue
            up.add_metric([target.worker], 1)
            for family in families:
                into = merged.get(family.name)
                if into is None:
                    into = merged[family.name] = Metric(
                        family.name, family.documentation, family.type, family.unit
                    )
                into.samples.extend(
                    sample._replace(labels={**sample.labels, "worker": target.worker})
                    for sample in family.samples
                )
        yield up
        yield from merged.values()


def _scrape(port: int) -> Iterable[Metric]:
    url = f"http://127.0.0.1:{port}/metrics"
    with urllib.request.urlopen(url, timeout=SCRAPE_TIMEOUT) as response:
        text = response.read().decode()
    return text_string_to_metric_families(text)


def serve_merged_metrics(address: str, targets: Callable[[], list[MetricsTarget]]) -> Any:
    """Serve the merged metrics at ``http://address/metrics`` (in a thread); return the
    HTTP server (``shutdown()``, then ``server_close()``). Raises OSError if the address
    cannot be bound."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(MergedMetrics(targets))
    host, _, port = address.rpartition(":")
    http, _thread = start_http_server(int(port), addr=host.strip("[]"), registry=registry)
    return http
