"""The typed clients of the dataaccess gRPC API: :class:`Client` and :class:`AsyncClient`.

``Client`` blocks and is thread-safe; ``AsyncClient`` runs on one asyncio event loop
(``grpc.aio``). Both have one method per RPC of ``proto/`` (generated into
``dataaccess/_rpcs.py``: ``client.create_api_key(request)``, ``client.get_usage_summary(
request)``, ...), taking the request message and returning the response message, plus
the health methods :meth:`Client.get_health_status` and :meth:`Client.check_health`.

* ``Client(target, *, credentials=None, timeout=5.0, options=())``: ``target`` is a gRPC
  target ("host:port", "dns:///host:port", "unix:/path"); ``credentials`` a
  :class:`dataaccess.security.Credentials` (TLS, mTLS, bearer token; None: plaintext
  without a token); ``timeout`` the default deadline of a call in seconds (each method
  takes ``timeout=`` too), covering all its attempts; ``options`` extra gRPC channel
  arguments (they override the client's own, e.g. ``grpc.service_config``).
* A failed call raises a :mod:`dataaccess.errors` exception of its status code
  (``NotFound``, ``InvalidArgument`` with ``field_violations``, ``ResourceExhausted``
  with ``retry_delay``, ``Unavailable``, ...), ``from`` the ``grpc.RpcError``.
* Retries follow the recommended service config shipped in the package
  (``service_config.json``): ``UNAVAILABLE`` only, on idempotent methods, and on
  CreateAPIKey, UpsertUsage and BatchUpsertUsage only when the request carries a
  ``request_id`` (those go over a second channel whose config retries them; see
  :mod:`dataaccess._calls`). The caller never needs to retry an idempotent call itself.

Channels connect lazily, on the first call, and reconnect by themselves after failures.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from dataaccess._calls import DEFAULT_TIMEOUT, SERVICE_CONFIG, Metadata
from dataaccess._health import (
    HEALTH_CHECK_METHOD,
    HealthStatus,
    decode_health_check_response,
    encode_health_check_request,
)
from dataaccess._rpcs import RPC_METHODS, AsyncRPCs, SyncRPCs
from dataaccess.security import Credentials

__all__ = [
    "DEFAULT_TIMEOUT",
    "RPC_METHODS",
    "SERVICE_CONFIG",
    "AsyncClient",
    "Client",
    "Credentials",
    "HealthStatus",
]


class Client(SyncRPCs):
    """Blocking client; thread-safe. ``with Client(target) as client: ...``, or call
    :meth:`close` when done. Creating it does no I/O (besides reading PEM files, in
    :class:`Credentials`). Raises ValueError for an empty target, a ``timeout`` that is
    not a positive number, or ``credentials`` that are not a :class:`Credentials`."""

    def get_health_status(
        self, service: str = "", *, timeout: float | None = None, metadata: Metadata = ()
    ) -> HealthStatus:
        """The serving status from ``grpc.health.v1.Health/Check``.

        ``service`` "" asks about the server as a whole (readiness); otherwise a fully
        qualified service name such as "dataaccess.v1.OperationsService". Read-only:
        retried on UNAVAILABLE. Raises :class:`dataaccess.errors.NotFound` for a service
        the server does not know, ``Unimplemented`` without a health service,
        ``Unavailable`` when it cannot be reached, ``DeadlineExceeded``.
        """
        return self._invoke(
            HEALTH_CHECK_METHOD,
            service,
            encode_health_check_request,
            decode_health_check_response,
            timeout,
            metadata,
        )

    def check_health(
        self, service: str = "", *, timeout: float | None = None, metadata: Metadata = ()
    ) -> bool:
        """True if ``service`` ("" = the whole server) is SERVING. Same call and errors
        as :meth:`get_health_status`: a failed call raises rather than returning False."""
        status = self.get_health_status(service, timeout=timeout, metadata=metadata)
        return status is HealthStatus.SERVING

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncClient(AsyncRPCs):
    """Asyncio client: the same methods as :class:`Client`, as coroutines. Use it from
    one event loop: ``async with AsyncClient(target) as client: ...``, or await
    :meth:`close`. The client-streaming method (``stream_request_logs``) takes a plain
    or an async iterable of requests."""

    async def get_health_status(
        self, service: str = "", *, timeout: float | None = None, metadata: Metadata = ()
    ) -> HealthStatus:
        """The serving status from ``grpc.health.v1.Health/Check``; as
        :meth:`Client.get_health_status`."""
        return await self._invoke(
            HEALTH_CHECK_METHOD,
            service,
            encode_health_check_request,
            decode_health_check_response,
            timeout,
            metadata,
        )

    async def check_health(
        self, service: str = "", *, timeout: float | None = None, metadata: Metadata = ()
    ) -> bool:
        """True if ``service`` ("" = the whole server) is SERVING; as
        :meth:`Client.check_health`."""
        status = await self.get_health_status(service, timeout=timeout, metadata=metadata)
        return status is HealthStatus.SERVING

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
