"""Admission: how many calls, and how many streams, one process serves at once.

The first interceptor, before authentication, so that a flood costs a counter and not a
credential lookup. Over a limit the call is refused at once with RESOURCE_EXHAUSTED
naming the limit, and a RetryInfo: a slot frees as soon as any call ends, so waiting
helps. Health checks are never refused: a busy server is not a dead one, and a probe
that failed under load would have the orchestrator restart it.

grpc's own ``maximum_concurrent_rpcs`` stays set above these limits as a backstop (see
:func:`backstop`): it answers with its own text, without the limit or a RetryInfo.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from grpc import aio

from dataaccess_server.api.access import OPEN_PREFIXES, REFLECTION_PREFIXES
from dataaccess_server.api.handlers import Kind, WrappingInterceptor, rewrapped
from dataaccess_server.api.status import to_status
from dataaccess_server.errors import ResourceExhaustedError

if TYPE_CHECKING:
    from dataaccess_server.api.handlers import Handler

Request = TypeVar("Request")
Response = TypeVar("Response")
Context = aio.ServicerContext[Any, Any]

RETRY_AFTER = 1.0
"""The wait a refused caller is told (RetryInfo): about one short call's time under load."""


def backstop(max_calls: int) -> int:
    """grpc's own limit, for calls it accepts before this interceptor counts them."""
    return 2 * max_calls + 16


class AdmissionInterceptor(WrappingInterceptor):
    """Counts calls in flight, and long-lived streams among them (StreamRequestLogs'
    client streams, WatchConfig's server streams, StreamValidateAPIKeys' bidirectional
    ones); refuses a call beyond ``max_calls``, or a stream beyond ``max_streams``, with
    RESOURCE_EXHAUSTED."""

    def __init__(self, *, max_calls: int, max_streams: int) -> None:
        super().__init__()
        self.max_calls = max_calls
        self.max_streams = max_streams
        self.calls = 0
        """Calls in flight now (one event loop: a plain counter is exact)."""
        self.streams = 0
        """Calls with a client stream in flight now (counted in ``calls`` too)."""

    def wrap(self, method: str, handler: Handler[Any, Any]) -> Handler[Any, Any]:
        if method.startswith(OPEN_PREFIXES):
            return handler
        reflection = method.startswith(REFLECTION_PREFIXES)
        return rewrapped(handler, lambda call, kind: self._admitting(call, kind, reflection))

    def _admitting(self, call: Any, kind: Kind, reflection: bool) -> Any:
        if kind.answers_once:
            return self._answering(call, stream=kind is Kind.STREAM_UNARY)
        # A server stream (WatchConfig) or a validation stream holds its slot as long as
        # a client stream does; reflection is short-lived, an operator's, and not counted.
        return self._streaming(call, stream=not reflection)

    def refusal(self, *, stream: bool) -> ResourceExhaustedError | None:
        """Why one more call (a client stream if ``stream``) may not start now, if so."""
        if self.calls >= self.max_calls:
            return ResourceExhaustedError(
                f"the server is serving its limit of {self.max_calls} concurrent calls"
                f" (DATAACCESS_MAX_CONCURRENT_RPCS): retry in {RETRY_AFTER:g}s",
                retry_after=RETRY_AFTER,
            )
        if stream and self.streams >= self.max_streams:
            return ResourceExhaustedError(
                f"the server is serving its limit of {self.max_streams} concurrent streams"
                f" (DATAACCESS_MAX_CONCURRENT_STREAMS: log streams, config watches and"
                f" validation streams): retry in {RETRY_AFTER:g}s, or use the unary calls",
                retry_after=RETRY_AFTER,
            )
        return None

    def _enter(self, stream: bool) -> None:
        self.calls += 1
        self.streams += stream

    def _leave(self, stream: bool) -> None:
        self.calls -= 1
        self.streams -= stream

    def _answering(self, call: Any, *, stream: bool) -> Callable[[Any, Context], Awaitable[Any]]:
        # refusal(), _enter() and _leave() written out: this runs on every unary call.
        async def admitted(request: Any, context: Context) -> Any:
            if self.calls >= self.max_calls or (stream and self.streams >= self.max_streams):
                refused = self.refusal(stream=stream)
                assert refused is not None
                await context.abort_with_status(to_status(refused))
            self.calls += 1
            self.streams += stream
            try:
                return await call(request, context)
            finally:
                self.calls -= 1
                self.streams -= stream

        return admitted

    def _streaming(self, call: Any, *, stream: bool) -> Callable[[Any, Context], Any]:
        # Server-streaming behaviours (watches, reflection): an async generator, or a
        # coroutine that writes its answers through the context.
        async def admitted(request: Any, context: Context) -> AsyncIterator[Any]:
            refused = self.refusal(stream=stream)
            if refused is not None:
                await context.abort_with_status(to_status(refused))
            self._enter(stream)
            try:
                result = call(request, context)
                if inspect.isasyncgen(result):
                    async for item in result:
                        yield item
                else:
                    await result
            finally:
                self._leave(stream)

        return admitted
