"""What a starting server says about itself: how it is reached, and how open it is.
Said at every start, in lines operators and tests read."""

from __future__ import annotations

import logging

from dataaccess_server.config import Settings

log = logging.getLogger("dataaccess_server.app")


def warn_if_open(settings: Settings) -> None:
    # Said at every start: an open service holding secrets must never go unnoticed.
    if settings.authenticating:
        host = settings.listen.rsplit(":", 1)[0].strip("[]")
        if settings.tls is None and host not in ("127.0.0.1", "localhost", "::1"):
            log.warning(
                "bearer credentials reach %s in plaintext (no DATAACCESS_TLS_CERT): only"
                " behind a mesh or proxy that encrypts",
                settings.listen,
            )
        return
    if settings.auth == "none":
        log.warning(
            "AUTHENTICATION OFF (DATAACCESS_AUTH=none): every caller that reaches %s may"
            " read every secret and change everything; only for a trusted network",
            settings.listen,
        )
    else:
        log.warning(
            "AUTHENTICATION OFF: open development mode (embedded database on loopback);"
            " set DATAACCESS_AUTH=on to require credentials"
        )


def log_listeners(settings: Settings, port: int, health_port: int | None) -> None:
    tls = settings.tls
    if tls is None:
        log.info("serving gRPC in plaintext (no DATAACCESS_TLS_CERT)")
    elif tls.client_ca is None:
        log.info("serving gRPC with TLS (certificate %s, reloaded on change)", tls.cert)
    else:
        log.info(
            "serving gRPC with mTLS (certificate %s, client certificates signed by %s)",
            tls.cert,
            tls.client_ca,
        )
    # Tests and operators read the port from this line: keep its shape.
    log.info("dataaccess serving gRPC on %s:%d", settings.listen.rsplit(":", 1)[0], port)
    if health_port is not None and settings.health_listen is not None:
        host = settings.health_listen.rsplit(":", 1)[0]
        log.info("serving grpc.health.v1 only, in plaintext, on %s:%d", host, health_port)


def log_telemetry(settings: Settings, metrics_port: int | None) -> None:
    """Where telemetry goes, if anywhere."""
    telemetry = settings.telemetry
    if telemetry.traces_endpoint is not None:
        log.info(
            "exporting traces by OTLP to %s (sampler %s)",
            telemetry.traces_endpoint,
            telemetry.sampler,
        )
    if telemetry.metrics_endpoint is not None:
        log.info("exporting metrics by OTLP to %s", telemetry.metrics_endpoint)
    if metrics_port is not None and telemetry.metrics_listen is not None:
        host = telemetry.metrics_listen.rsplit(":", 1)[0]
        log.info("serving Prometheus metrics on http://%s:%d/metrics", host, metrics_port)
