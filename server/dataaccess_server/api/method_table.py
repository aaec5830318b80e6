"""Every method of the server, wrapped by its layers once, at start-up.

grpc.aio pays for interceptors on every call: each one is a coroutine awaiting the next
through a fresh ``functools.partial``, just to hand back the handler it handed back for
the previous call. And it pays for every *registered* method on every turn of its
serving loop: it waits on one pending request future per registered method (plus one
for unregistered methods) with ``asyncio.wait``, which adds and removes a callback on
each of them, some fifty with all of this server's services.

So the server registers no method with grpc: the generated ``add_*_to_server``
functions register into a :class:`MethodTable` instead, which wraps each handler by the
server's layers (telemetry, admission, authentication, errors: the same objects that
serve as interceptors) when it is added, and serves them to grpc as one generic handler:
one dict lookup per call, and one pending request future for all of them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, cast

import grpc
from grpc import aio

if TYPE_CHECKING:
    from dataaccess_server.api.handlers import Handler


class Layer(Protocol):
    """What a layer does to one method's handler (see ``handlers.WrappingInterceptor``)."""

    def wrap(self, method: str, handler: Handler[Any, Any]) -> Handler[Any, Any]:
        """``handler`` of ``method`` (``/package.Service/Method``), wrapped."""
        ...


class MethodTable(grpc.GenericRpcHandler):
    """The server's methods by full name, each wrapped by ``layers``; the first layer
    is the outermost, as in grpc's ``interceptors`` list.

    It takes the place of the server in ``add_*Servicer_to_server(servicer, table)``
    (and reflection's ``enable_server_reflection(names, table)``); then
    ``server.add_generic_rpc_handlers((table,))`` serves it all.
    """

    def __init__(self, layers: Sequence[Layer]) -> None:
        self._layers = tuple(reversed(layers))  # innermost first: the order of wrapping
        self._methods: dict[str, Handler[Any, Any]] = {}
        self._generic: list[grpc.GenericRpcHandler] = []

    def add_registered_method_handlers(
        self, service_name: str, method_handlers: Mapping[str, Handler[Any, Any]]
    ) -> None:
        """What the generated code registers: each handler, wrapped now."""
        for name, handler in method_handlers.items():
            self.add(f"/{service_name}/{name}", handler)

    def add_generic_rpc_handlers(self, handlers: Sequence[grpc.GenericRpcHandler]) -> None:
        """Generic handlers, asked (and their answer wrapped and kept) only for a method
        that no registered handler serves: the generated code registers each service
        both ways, and the registered handlers take precedence, as in grpc."""
        self._generic.extend(handlers)

    def add(self, method: str, handler: Handler[Any, Any]) -> None:
        """Serve ``method`` by ``handler``, wrapped by the layers."""
        for layer in self._layers:
            handler = layer.wrap(method, handler)
        self._methods[method] = handler

    def service(
        self, handler_call_details: grpc.HandlerCallDetails
    ) -> grpc.RpcMethodHandler[Any, Any] | None:
        method = handler_call_details.method
        found = self._methods.get(method)
        if found is not None or not self._generic:
            return found
        return self._from_generic(handler_call_details)

    def _from_generic(
        self, handler_call_details: grpc.HandlerCallDetails
    ) -> grpc.RpcMethodHandler[Any, Any] | None:
        # Unknown names are not kept: a caller choosing names must not grow the table.
        for generic in self._generic:
            handler = generic.service(handler_call_details)
            if handler is not None:
                self.add(handler_call_details.method, handler)
                return self._methods[handler_call_details.method]
        return None

    def as_server(self) -> aio.Server:
        """The table, typed as what the generated ``add_*_to_server`` take: they call
        only ``add_generic_rpc_handlers`` and ``add_registered_method_handlers``."""
        return cast("aio.Server", self)

    def methods(self) -> list[str]:
        """The full names of the methods served (registered ones)."""
        return list(self._methods)
