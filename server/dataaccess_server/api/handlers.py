"""The one way the server's interceptors wrap a method handler's behaviour."""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

import grpc
from grpc import aio

Request = TypeVar("Request")
Response = TypeVar("Response")
if TYPE_CHECKING:  # generic in the stubs only
    from typing import TypeAlias

    Handler: TypeAlias = grpc.RpcMethodHandler[Request, Response]
    Continuation: TypeAlias = Callable[
        [grpc.HandlerCallDetails], Awaitable["grpc.RpcMethodHandler[Any, Any] | None"]
    ]


class Kind(enum.Enum):
    """How a method takes its requests and gives its answers."""

    UNARY_UNARY = "unary_unary"
    STREAM_UNARY = "stream_unary"  # a client stream, one answer
    UNARY_STREAM = "unary_stream"
    STREAM_STREAM = "stream_stream"  # reflection

    @property
    def answers_once(self) -> bool:
        """Whether the behaviour is a coroutine returning the one answer."""
        return self in (Kind.UNARY_UNARY, Kind.STREAM_UNARY)


_FACTORIES = {
    Kind.UNARY_UNARY: grpc.unary_unary_rpc_method_handler,
    Kind.STREAM_UNARY: grpc.stream_unary_rpc_method_handler,
    Kind.UNARY_STREAM: grpc.unary_stream_rpc_method_handler,
    Kind.STREAM_STREAM: grpc.stream_stream_rpc_method_handler,
}


def kind_of(handler: Handler[Any, Any]) -> Kind:
    """The kind of ``handler`` (the one behaviour it has)."""
    return next(kind for kind in Kind if getattr(handler, kind.value) is not None)


def rewrapped(
    handler: Handler[Request, Response],
    wrap: Callable[[Any, Kind], Any],
    *,
    request_deserializer: Callable[[bytes], Any] | None = None,
) -> Handler[Request, Response]:
    """``handler`` with its behaviour replaced by ``wrap(behaviour, kind)``, and its
    request deserializer by ``request_deserializer`` if given."""
    kind = kind_of(handler)
    behaviour = getattr(handler, kind.value)
    return cast(
        "Handler[Request, Response]",
        _FACTORIES[kind](
            wrap(behaviour, kind),
            request_deserializer=request_deserializer or handler.request_deserializer,
            response_serializer=handler.response_serializer,
        ),
    )


class HandlerCache:
    """An interceptor's wrapped handlers, kept per method.

    grpc calls ``intercept_service`` for every call, and the handler below it is the same
    object each time (the servicer's, or the next interceptor's kept one): rewrapping it
    per call would rebuild per-method state on the hottest path. Kept while the handler
    below is the same object; bounded by the number of methods.
    """

    def __init__(self) -> None:
        self._kept: dict[str, tuple[Any, Any]] = {}

    def wrapped(
        self,
        method: str,
        handler: Handler[Request, Response],
        build: Callable[[], Handler[Request, Response]],
    ) -> Handler[Request, Response]:
        """The handler ``build()`` made for ``method`` over ``handler``, made once."""
        kept = self._kept.get(method)
        if kept is not None and kept[0] is handler:
            return cast("Handler[Request, Response]", kept[1])
        made = build()
        self._kept[method] = (handler, made)
        return made


class WrappingInterceptor(aio.ServerInterceptor):
    """A layer of the server: what it does to a method's handler is :meth:`wrap`, a
    function of the method and the handler only, so it can be done once per method.

    The server applies it once at start-up (``method_table.MethodTable``); as a grpc
    interceptor it does the same per call, kept per method by a HandlerCache.
    """

    def __init__(self) -> None:
        self._handlers = HandlerCache()

    def wrap(self, method: str, handler: Handler[Any, Any]) -> Handler[Any, Any]:
        """``handler`` of ``method`` as this layer serves it (``handler`` itself for a
        method the layer leaves alone)."""
        raise NotImplementedError

    async def intercept_service(
        self, continuation: Continuation, handler_call_details: grpc.HandlerCallDetails
    ) -> Handler[Any, Any] | None:
        handler = await continuation(handler_call_details)
        if handler is None:
            return None
        method = handler_call_details.method
        return self._handlers.wrapped(method, handler, lambda: self.wrap(method, handler))
