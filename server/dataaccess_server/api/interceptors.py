"""Server interceptors: the boundary where errors become gRPC statuses."""

from __future__ import annotations

import inspect
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

import grpc
from grpc import aio

from dataaccess_server import errors
from dataaccess_server.api.access import REFLECTION_PREFIXES
from dataaccess_server.api.decoding import Refused, checked
from dataaccess_server.api.handlers import Kind, WrappingInterceptor, kind_of, rewrapped
from dataaccess_server.api.status import to_status

if TYPE_CHECKING:
    from dataaccess_server.api.handlers import Handler

log = logging.getLogger(__name__)

Request = TypeVar("Request")
Response = TypeVar("Response")
# The stubs describe synchronous behaviours; under grpc.aio they are coroutines.
_AsyncUnary = Callable[[Any, aio.ServicerContext[Any, Any]], Awaitable[Any]]


class ErrorInterceptor(WrappingInterceptor):
    """Turns service errors into their gRPC status, and anything else into a bare
    INTERNAL (logged with its traceback here, never sent to the caller).

    Requests are decoded by ``decoding.checked``: bytes that do not decode, or a string
    with a NUL, reach the guard as ``Refused`` and answer INVALID_ARGUMENT.
    """

    def wrap(self, method: str, handler: Handler[Any, Any]) -> Handler[Any, Any]:
        kind = kind_of(handler)
        if kind is Kind.STREAM_STREAM and method.startswith(REFLECTION_PREFIXES):
            return handler  # reflection: grpc's own
        if not kind.answers_once:
            # A server stream (WatchConfig), or a bidirectional one whose servicer reads
            # the requests as decoded, ``Refused`` included (StreamValidateAPIKeys
            # answers those that decoded with an item error).
            return rewrapped(
                handler,
                lambda behaviour, _kind: _answers_guarded(behaviour, method),
                request_deserializer=checked(handler.request_deserializer),
            )

        # Unary and client-streaming calls answer once: the same guard serves both.
        def wrap(behaviour: Any, kind: Kind) -> Any:
            call = cast(_AsyncUnary, behaviour)
            streaming = kind is Kind.STREAM_UNARY

            async def guarded(request: Any, context: aio.ServicerContext[Any, Any]) -> Any:
                if isinstance(request, Refused):
                    await context.abort_with_status(to_status(request.error))
                if streaming:
                    request = _accepted(request)
                try:
                    return await call(request, context)
                except aio.AbortError:
                    raise  # the servicer chose its status already
                except errors.DataAccessError as exc:
                    await context.abort_with_status(to_status(exc))
                except Exception:  # the one boundary that must catch everything (logged)
                    log.exception("unexpected error in %s", method)
                    await context.abort(grpc.StatusCode.INTERNAL, "internal error")

            return guarded

        return rewrapped(handler, wrap, request_deserializer=checked(handler.request_deserializer))


async def _accepted(requests: AsyncIterator[Any]) -> AsyncIterator[Any]:
    # A stream's messages are decoded as the servicer reads them: a refused one ends
    # the call with its error, raised where the servicer iterates (inside the guard).
    async for request in requests:
        if isinstance(request, Refused):
            raise request.error
        yield request


def _answers_guarded(call: Any, method: str) -> Any:
    # A server stream (WatchConfig): the same translation, around every step of the
    # servicer's async generator; answers already sent stay sent.
    async def guarded(request: Any, context: aio.ServicerContext[Any, Any]) -> AsyncIterator[Any]:
        if isinstance(request, Refused):
            await context.abort_with_status(to_status(request.error))
        try:
            result = call(request, context)
            if inspect.isasyncgen(result):
                async for answer in result:
                    yield answer
            else:  # a coroutine that writes its answers through the context (health)
                await result
        except aio.AbortError:
            raise
        except errors.DataAccessError as exc:
            await context.abort_with_status(to_status(exc))
        except Exception:  # the one boundary that must catch everything (logged)
            log.exception("unexpected error in %s", method)
            await context.abort(grpc.StatusCode.INTERNAL, "internal error")

    return guarded
