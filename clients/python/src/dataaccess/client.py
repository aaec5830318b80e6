"""A small typed client for the dataaccess gRPC API.

Two flavours share one configuration: :class:`DataAccessClient` for asyncio code (over
``grpc.aio``) and :class:`SyncDataAccessClient` for blocking code. Both:

* connect to a target such as ``"127.0.0.1:50051"``, in plaintext unless given TLS
  roots (``root_certificates``), a client certificate and key for mTLS
  (``client_certificate``, ``client_key``), each as PEM bytes or a file path, or ready
  ``grpc.ChannelCredentials`` (e.g. ``grpc.ssl_channel_credentials()``);
* send ``bearer_token``, when given, as ``authorization: Bearer <token>`` on every
  call (over plaintext too, for servers behind a TLS-terminating mesh); see
  :mod:`dataaccess.security`;
* give every call a deadline: the ``timeout`` passed to the method, else the client's
  ``default_timeout``. The deadline covers all attempts, retries included;
* retry read-only methods (:data:`READ_ONLY_METHODS`) that fail with ``UNAVAILABLE``, up to
  3 attempts with exponential backoff, through the channel's gRPC service config. Other
  methods are never retried by the client;
* raise ``grpc.RpcError`` (``grpc.aio.AioRpcError`` in the async client, a subclass) when a
  call fails; ``err.code()`` is the ``grpc.StatusCode`` and ``err.details()`` the message.

The standard health service (``grpc.health.v1.Health/Check``) is called through a generic
unary-unary call with a hand-written codec for its two one-field messages (see
``_encode_health_check_request``), so the client needs only ``grpcio`` and ``protobuf``,
not ``grpcio-health-checking``.

For services this client has no method for yet, build the generated stub on
:attr:`DataAccessClient.channel`, e.g. ``OperationsServiceStub(client.channel)``.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Sequence
from types import TracebackType
from typing import Any, Final, Self

import grpc
import grpc.aio

from dataaccess.security import (
    BearerInterceptor,
    PemSource,
    async_bearer_interceptors,
    channel_credentials,
)
from dataaccess.v1 import operations_pb2, operations_pb2_grpc

__all__ = [
    "DEFAULT_TIMEOUT",
    "READ_ONLY_METHODS",
    "DataAccessClient",
    "HealthStatus",
    "PemSource",
    "SyncDataAccessClient",
]

DEFAULT_TIMEOUT: Final = 5.0
"""Default per-call deadline, in seconds."""

HEALTH_CHECK_METHOD: Final = "/grpc.health.v1.Health/Check"

READ_ONLY_METHODS: Final[tuple[tuple[str, str], ...]] = (
    ("dataaccess.v1.OperationsService", "GetDatabaseStatus"),
    ("grpc.health.v1.Health", "Check"),
)
"""(service, method) pairs that are safe to retry: they change nothing on the server."""

_RETRY_POLICY: Final = {
    "maxAttempts": 3,
    "initialBackoff": "0.1s",
    "maxBackoff": "1s",
    "backoffMultiplier": 2,
    "retryableStatusCodes": ["UNAVAILABLE"],
}

SERVICE_CONFIG: Final = json.dumps(
    {
        "methodConfig": [
            {
                "name": [{"service": s, "method": m} for s, m in READ_ONLY_METHODS],
                "retryPolicy": _RETRY_POLICY,
            }
        ]
    },
    sort_keys=True,
)
"""The gRPC service config installed on every channel (JSON): retries for reads."""


class HealthStatus(enum.IntEnum):
    """``grpc.health.v1.HealthCheckResponse.ServingStatus``."""

    UNKNOWN = 0
    SERVING = 1
    NOT_SERVING = 2
    SERVICE_UNKNOWN = 3  # only sent by Watch


def _channel_options(options: Sequence[tuple[str, Any]]) -> list[tuple[str, Any]]:
    # Caller options come last so they can override ours (gRPC keeps the last value).
    return [("grpc.enable_retries", 1), ("grpc.service_config", SERVICE_CONFIG), *options]


# --- grpc.health.v1 wire format -------------------------------------------------------
# message HealthCheckRequest  { string service = 1; }
# message HealthCheckResponse { ServingStatus status = 1; }   // enum, varint-encoded


def _encode_varint(value: int) -> bytes:
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _decode_varint(data: bytes, pos: int) -> tuple[int, int]:
    """Return (value, position after it); raise ValueError if truncated or too long."""
    value = 0
    for shift in range(0, 70, 7):
        if pos >= len(data):
            raise ValueError("truncated varint")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
    raise ValueError("varint longer than 10 bytes")


def _encode_health_check_request(service: str) -> bytes:
    """Serialise ``HealthCheckRequest(service=service)``; "" encodes as no bytes at all."""
    name = service.encode("utf-8")
    if not name:
        return b""
    return b"\x0a" + _encode_varint(len(name)) + name  # field 1, wire type 2 (LEN)


def _decode_health_check_response(data: bytes) -> HealthStatus:
    """Parse ``HealthCheckResponse``, skipping unknown fields as protobuf requires.

    A missing status is UNKNOWN (proto3 default); a value outside the enum also reads as
    UNKNOWN. Raises ValueError on malformed input (gRPC reports it as INTERNAL).
    """
    status = 0
    pos = 0
    while pos < len(data):
        key, pos = _decode_varint(data, pos)
        field, wire_type = key >> 3, key & 0x7
        if wire_type == 0:  # VARINT
            value, pos = _decode_varint(data, pos)
            if field == 1:
                status = value  # last one wins, as for any scalar field
        elif wire_type == 1:  # I64
            pos += 8
        elif wire_type == 2:  # LEN
            length, pos = _decode_varint(data, pos)
            pos += length
        elif wire_type == 5:  # I32
            pos += 4
        else:
            raise ValueError(f"unsupported wire type {wire_type}")
        if pos > len(data):
            raise ValueError("truncated field")
    try:
        return HealthStatus(status)
    except ValueError:
        return HealthStatus.UNKNOWN


# --- clients --------------------------------------------------------------------------


class DataAccessClient:
    """Asyncio client for dataaccess over a ``grpc.aio`` channel.

    Use it from one event loop: ``async with DataAccessClient(target) as client: ...``,
    or call :meth:`close` when done. The channel connects lazily, on the first call, and
    reconnects by itself after failures.
    """

    def __init__(
        self,
        target: str,
        *,
        credentials: grpc.ChannelCredentials | None = None,
        root_certificates: PemSource | None = None,
        client_certificate: PemSource | None = None,
        client_key: PemSource | None = None,
        bearer_token: str | None = None,
        default_timeout: float = DEFAULT_TIMEOUT,
        options: Sequence[tuple[str, Any]] = (),
    ) -> None:
        """Create the channel; no I/O happens here but reading the PEM files given.

        ``target`` is a gRPC target ("host:port", "dns:///host:port", "unix:/path").
        The channel uses TLS when given ``root_certificates`` (the CA that signed the
        server's certificate; default: the system's roots), a ``client_certificate`` and
        ``client_key`` (mTLS; both or neither), or ``credentials`` (instead of the three);
        otherwise plaintext. PEM arguments are bytes or a path. ``bearer_token`` is sent
        as ``authorization: Bearer <token>`` on every call. ``default_timeout`` (seconds,
        > 0) is the deadline of calls that pass no ``timeout``. ``options`` are extra
        gRPC channel arguments. Raises ValueError if ``default_timeout`` is not positive
        or the security arguments do not fit together (or a PEM file cannot be read).
        """
        if not default_timeout > 0:
            raise ValueError(f"default_timeout must be positive, got {default_timeout!r}")
        self._default_timeout = default_timeout
        channel_options = _channel_options(options)
        secure = channel_credentials(
            credentials=credentials,
            root_certificates=root_certificates,
            client_certificate=client_certificate,
            client_key=client_key,
            bearer_token=bearer_token,
        )
        if secure is None:
            interceptors = [] if bearer_token is None else async_bearer_interceptors(bearer_token)
            self._channel = grpc.aio.insecure_channel(
                target, options=channel_options, interceptors=interceptors
            )
        else:
            self._channel = grpc.aio.secure_channel(target, secure, options=channel_options)
        self._operations = operations_pb2_grpc.OperationsServiceStub(self._channel)
        self._health_check = self._channel.unary_unary(
            HEALTH_CHECK_METHOD,
            request_serializer=_encode_health_check_request,
            response_deserializer=_decode_health_check_response,
        )

    @property
    def channel(self) -> grpc.aio.Channel:
        """The underlying channel, for generated stubs of services not wrapped here."""
        return self._channel

    # ASYNC109: `timeout` is the gRPC deadline, sent to the server with the call so the
    # server bounds its own work by it; asyncio.timeout() would only stop our waiting.
    async def get_database_status(
        self,
        *,
        timeout: float | None = None,
    ) -> operations_pb2.GetDatabaseStatusResponse:
        """Return every database node's state and the schema's migration state.

        Calls ``OperationsService.GetDatabaseStatus``, which answers even while the
        database is down (unreachable nodes say so). Read-only: retried on UNAVAILABLE.
        ``timeout`` (seconds) defaults to the client's ``default_timeout``.
        Raises ``grpc.aio.AioRpcError``: UNAVAILABLE when the server cannot be reached
        after the retries, DEADLINE_EXCEEDED when the deadline passes.
        """
        return await self._operations.GetDatabaseStatus(
            operations_pb2.GetDatabaseStatusRequest(), timeout=self._timeout(timeout)
        )

    async def get_health_status(
        self,
        service: str = "",
        *,
        timeout: float | None = None,
    ) -> HealthStatus:
        """Return the serving status from ``grpc.health.v1.Health/Check``.

        ``service`` "" asks about the server as a whole (readiness); otherwise a fully
        qualified service name such as "dataaccess.v1.OperationsService". Read-only:
        retried on UNAVAILABLE. ``timeout`` (seconds) defaults to ``default_timeout``.
        Raises ``grpc.aio.AioRpcError``: NOT_FOUND for a service name the server does not
        know, UNIMPLEMENTED if the server has no health service, UNAVAILABLE when it
        cannot be reached after the retries, DEADLINE_EXCEEDED when the deadline passes.
        """
        return await self._health_check(service, timeout=self._timeout(timeout))

    async def check_health(
        self,
        service: str = "",
        *,
        timeout: float | None = None,
    ) -> bool:
        """Return True if ``service`` ("" = the whole server) is SERVING, else False.

        Same call, timeout and errors as :meth:`get_health_status`; NOT_SERVING and
        UNKNOWN both give False, while a failed call raises rather than returning False.
        """
        status = await self.get_health_status(service, timeout=timeout)
        return status is HealthStatus.SERVING

    async def close(self, grace: float | None = None) -> None:
        """Close the channel; idempotent.

        Calls still in flight are cancelled at once, or after ``grace`` seconds when given.
        """
        await self._channel.close(grace)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def _timeout(self, timeout: float | None) -> float:
        return self._default_timeout if timeout is None else timeout


class SyncDataAccessClient:
    """Blocking client for dataaccess; the same API as :class:`DataAccessClient`.

    Thread-safe. Use ``with SyncDataAccessClient(target) as client: ...``, or call
    :meth:`close` when done. The channel connects lazily, on the first call.
    """

    def __init__(
        self,
        target: str,
        *,
        credentials: grpc.ChannelCredentials | None = None,
        root_certificates: PemSource | None = None,
        client_certificate: PemSource | None = None,
        client_key: PemSource | None = None,
        bearer_token: str | None = None,
        default_timeout: float = DEFAULT_TIMEOUT,
        options: Sequence[tuple[str, Any]] = (),
    ) -> None:
        """Create the channel; no I/O happens here but reading the PEM files given.

        Arguments as for :class:`DataAccessClient`. Raises ValueError if
        ``default_timeout`` is not positive or the security arguments do not fit.
        """
        if not default_timeout > 0:
            raise ValueError(f"default_timeout must be positive, got {default_timeout!r}")
        self._default_timeout = default_timeout
        channel_options = _channel_options(options)
        secure = channel_credentials(
            credentials=credentials,
            root_certificates=root_certificates,
            client_certificate=client_certificate,
            client_key=client_key,
            bearer_token=bearer_token,
        )
        channel: grpc.Channel
        if secure is None:
            channel = grpc.insecure_channel(target, options=channel_options)
            if bearer_token is not None:
                channel = grpc.intercept_channel(channel, BearerInterceptor(bearer_token))
        else:
            channel = grpc.secure_channel(target, secure, options=channel_options)
        self._channel = channel
        self._operations = operations_pb2_grpc.OperationsServiceStub(self._channel)
        self._health_check = self._channel.unary_unary(
            HEALTH_CHECK_METHOD,
            request_serializer=_encode_health_check_request,
            response_deserializer=_decode_health_check_response,
        )

    @property
    def channel(self) -> grpc.Channel:
        """The underlying channel, for generated stubs of services not wrapped here."""
        return self._channel

    def get_database_status(
        self, *, timeout: float | None = None
    ) -> operations_pb2.GetDatabaseStatusResponse:
        """Return every database node's state and the schema's migration state.

        Same contract as :meth:`DataAccessClient.get_database_status`; blocks for at most
        ``timeout`` seconds (default ``default_timeout``). Raises ``grpc.RpcError``
        (UNAVAILABLE after the retries, DEADLINE_EXCEEDED, ...).
        """
        return self._operations.GetDatabaseStatus(
            operations_pb2.GetDatabaseStatusRequest(), timeout=self._timeout(timeout)
        )

    def get_health_status(self, service: str = "", *, timeout: float | None = None) -> HealthStatus:
        """Return the serving status from ``grpc.health.v1.Health/Check``.

        Same contract as :meth:`DataAccessClient.get_health_status`; blocks for at most
        ``timeout`` seconds (default ``default_timeout``). Raises ``grpc.RpcError``
        (NOT_FOUND, UNIMPLEMENTED, UNAVAILABLE, DEADLINE_EXCEEDED).
        """
        return self._health_check(service, timeout=self._timeout(timeout))

    def check_health(self, service: str = "", *, timeout: float | None = None) -> bool:
        """Return True if ``service`` ("" = the whole server) is SERVING, else False.

        Same call, timeout and errors as :meth:`get_health_status`; a failed call raises
        ``grpc.RpcError`` rather than returning False.
        """
        return self.get_health_status(service, timeout=timeout) is HealthStatus.SERVING

    def close(self) -> None:
        """Close the channel, cancelling calls in flight; idempotent."""
        self._channel.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _timeout(self, timeout: float | None) -> float:
        return self._default_timeout if timeout is None else timeout
