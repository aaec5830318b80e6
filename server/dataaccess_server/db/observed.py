"""Database operations seen from outside: a client span each, their durations, and the
slow ones logged (``DB_SLOW_QUERY_THRESHOLD``).

An operation is named by the function that runs its statements (``lookup``,
``insert_logs``): names come from code, never from values, so neither spans, metrics
nor the slow-statement log can hold a parameter.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

from opentelemetry import trace
from psycopg.conninfo import conninfo_to_dict

from dataaccess_server.db.node import Node
from dataaccess_server.domain.model.operations import Role
from dataaccess_server.telemetry import Telemetry, current_trace_ids

log = logging.getLogger(__name__)


def operation_name(operation: Callable[..., Any]) -> str:
    """The name of the function behind ``operation`` (through ``functools.partial``)."""
    while isinstance(operation, functools.partial):
        operation = operation.func
    return getattr(operation, "__name__", type(operation).__name__)


class StatementObserver:
    """Spans, durations and the slow-statement log of one cluster's operations."""

    def __init__(self, telemetry: Telemetry) -> None:
        self._telemetry = telemetry
        self._addresses: dict[str, dict[str, Any]] = {}
        self.active = telemetry.tracing or telemetry.metering or bool(telemetry.slow_statement)
        """Whether anything is recorded: if not, the cluster skips the observer."""

    def _address(self, node: Node) -> dict[str, Any]:
        # server.address / server.port from the node's DSN, once (no password: only
        # those two parameters are read).
        found = self._addresses.get(node.name)
        if found is None:
            params = conninfo_to_dict(node.dsn)
            found = {"server.address": str(params.get("host") or "localhost")}
            if params.get("port"):
                found["server.port"] = int(str(params["port"]).split(",")[0])
            self._addresses[node.name] = found
        return found

    @contextlib.contextmanager
    def observing(
        self, node: Node, operation: Callable[..., Any] | str, *, fallback: bool
    ) -> Iterator[None]:
        """Around one operation on ``node``, named by its function or by the string given
        (``fallback``: a read retried there after another node failed it)."""
        telemetry = self._telemetry
        name = operation if isinstance(operation, str) else operation_name(operation)
        started = time.perf_counter()
        span: contextlib.AbstractContextManager[Any] = contextlib.nullcontext()
        # A child of the call's span only: an unsampled call, or background work, has
        # no span to hang one on.
        if telemetry.tracer is not None and trace.get_current_span().is_recording():
            attributes = {
                "db.system": "postgresql",
                "db.operation": name,
                "dataaccess.db.node": node.name,
                "dataaccess.db.replica": node.observed_role is Role.REPLICA,
                "dataaccess.db.fallback": fallback,
                **self._address(node),
            }
            # No exception recorded: a driver's message may quote a row.
            span = telemetry.tracer.start_as_current_span(
                name,
                kind=trace.SpanKind.CLIENT,
                attributes=attributes,
                record_exception=False,
                set_status_on_exception=False,
            )
        failed: str | None = None
        with span as current:
            try:
                yield
            except BaseException as exc:
                failed = type(exc).__name__
                if current is not None:
                    current.set_status(trace.StatusCode.ERROR, failed)
                raise
            finally:
                elapsed = time.perf_counter() - started
                labels = {"db.operation.name": name, "dataaccess.db.node": node.name}
                if failed is not None:
                    labels["error.type"] = failed
                telemetry.db_duration.record(elapsed, labels)
                slow = telemetry.slow_statement
                if slow is not None and elapsed >= slow:
                    _log_slow(name, node.name, elapsed, failed)


def _log_slow(name: str, node: str, elapsed: float, failed: str | None) -> None:
    ids = current_trace_ids()
    log.warning(
        "slow statement %s on %s: %.1f ms%s (trace_id %s)",
        name,
        node,
        elapsed * 1000,
        f", failed with {failed}" if failed else "",
        ids[0] if ids else "none",
    )
