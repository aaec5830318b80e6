"""A server span and RED metrics for every call: the outermost interceptor.

The span continues the caller's W3C ``traceparent`` and carries ``rpc.system``,
``rpc.service``, ``rpc.method`` and ``rpc.grpc.status_code``; spans made while the
call runs (database operations) are its children. The duration histogram and the
in-flight counter are labelled by method (and the duration by status code) only:
nothing from the request reaches telemetry.

Outermost, so that calls refused by admission or authentication are seen too.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import grpc
from grpc import aio
from opentelemetry import trace
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from dataaccess_server.api.handlers import WrappingInterceptor, rewrapped
from dataaccess_server.telemetry import Telemetry

if TYPE_CHECKING:
    from dataaccess_server.api.handlers import Handler

Context = aio.ServicerContext[Any, Any]
_PROPAGATOR = TraceContextTextMapPropagator()
_CARRIED = frozenset(_PROPAGATOR.fields)


class TelemetryInterceptor(WrappingInterceptor):
    """Spans and metrics of every unary and client-streaming call."""

    def __init__(self, telemetry: Telemetry) -> None:
        super().__init__()
        self._telemetry = telemetry

    def wrap(self, method: str, handler: Handler[Any, Any]) -> Handler[Any, Any]:
        service, _, name = method.lstrip("/").partition("/")
        attributes = {"rpc.system": "grpc", "rpc.service": service, "rpc.method": name}

        def wrap(call: Any, kind: Any) -> Any:
            if not kind.answers_once:
                return call  # reflection's stream: an operator's tool, not traffic
            return self._observed(call, attributes)

        return rewrapped(handler, wrap)

    def _observed(
        self, call: Callable[[Any, Context], Awaitable[Any]], attributes: dict[str, str]
    ) -> Callable[[Any, Context], Awaitable[Any]]:
        telemetry = self._telemetry
        tracer = telemetry.tracer
        name = f"{attributes['rpc.service']}/{attributes['rpc.method']}"
        # The duration's labels, one dict per status code, built once.
        labelled: dict[grpc.StatusCode, dict[str, str | int]] = {
            code: {**attributes, "rpc.grpc.status_code": code.value[0]} for code in grpc.StatusCode
        }

        async def observed(request: Any, context: Context) -> Any:
            started = time.perf_counter()
            span: contextlib.AbstractContextManager[Any] = contextlib.nullcontext()
            if tracer is not None:
                parent, sampled = _parent(context)
                if telemetry.sample(sampled):
                    span = tracer.start_as_current_span(
                        name,
                        context=parent,
                        kind=trace.SpanKind.SERVER,
                        attributes=attributes,
                        record_exception=False,
                        set_status_on_exception=False,
                    )
            code = grpc.StatusCode.OK
            with span as current:
                try:
                    return await call(request, context)
                except aio.AbortError:
                    code = _code(context.code())
                    raise
                except BaseException:
                    code = grpc.StatusCode.UNKNOWN
                    raise
                finally:
                    if code is grpc.StatusCode.OK:
                        code = _code(context.code())
                    if current is not None:
                        current.set_attribute("rpc.grpc.status_code", code.value[0])
                        if code is not grpc.StatusCode.OK:
                            current.set_status(trace.StatusCode.ERROR, code.name)
                    telemetry.rpc_duration.record(time.perf_counter() - started, labelled[code])

        return observed


def _parent(context: Context) -> tuple[Any, bool | None]:
    """The caller's span context (for ``start_as_current_span``) and its sampled flag;
    (None, None) without a valid ``traceparent``."""
    carrier = {
        key: value
        for key, value in context.invocation_metadata() or ()
        if key in _CARRIED and isinstance(value, str)
    }
    if "traceparent" not in carrier:
        return None, None
    parent = _PROPAGATOR.extract(carrier)
    span_context = trace.get_current_span(parent).get_span_context()
    if not span_context.is_valid:
        return None, None
    return parent, span_context.trace_flags.sampled


def _code(code: Any) -> grpc.StatusCode:
    # context.code() is None while nothing was set, or an int (grpc.aio), or the enum.
    if code is None:
        return grpc.StatusCode.OK
    if isinstance(code, grpc.StatusCode):
        return code
    for member in grpc.StatusCode:
        if member.value[0] == code:
            return member
    return grpc.StatusCode.UNKNOWN
