"""Transport security for the clients: TLS/mTLS channel credentials and bearer tokens.

Kept apart from ``client.py`` so that both client flavours build their channels from
one set of rules:

* TLS when any of ``root_certificates``, ``client_certificate``, ``client_key`` is
  given (roots default to the system's), or when ``credentials`` are; plaintext
  otherwise. PEM arguments are ``bytes`` (the PEM itself) or a path (``str`` or
  ``os.PathLike``), read once, when the client is created.
* A bearer token is sent as ``authorization: Bearer <token>`` on every call. Over TLS it
  rides on gRPC call credentials (composited into the channel credentials). gRPC
  refuses call credentials on a plaintext channel, yet a mesh sidecar may terminate
  TLS in front of the server, so over plaintext a client interceptor adds the header.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterable, Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any, TypeAlias

import grpc
import grpc.aio

PemSource: TypeAlias = bytes | str | os.PathLike[str]
"""PEM data as bytes, or the path of a PEM file."""

AUTHORIZATION = "authorization"


def _pem(name: str, source: PemSource) -> bytes:
    if isinstance(source, bytes):
        data = source
    else:
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise ValueError(f"{name}: cannot read {source}: {exc.strerror}") from None
    if b"-----BEGIN " not in data:
        raise ValueError(f"{name} is not PEM (no -----BEGIN line)")
    return data


def _bearer_value(token: str) -> str:
    # A header value with a line break would let a token smuggle headers; gRPC would
    # refuse it later with a less helpful error.
    if not token or token != token.strip() or any(ch in token for ch in " \r\n\t"):
        raise ValueError("bearer_token must be a non-empty token without whitespace")
    return f"Bearer {token}"


def channel_credentials(
    *,
    credentials: grpc.ChannelCredentials | None,
    root_certificates: PemSource | None,
    client_certificate: PemSource | None,
    client_key: PemSource | None,
    bearer_token: str | None,
) -> grpc.ChannelCredentials | None:
    """The channel credentials for these arguments; None means a plaintext channel.

    Raises ValueError for combinations that cannot work: ``credentials`` together with
    the PEM arguments, a client certificate without its key (or the reverse), a file that
    cannot be read or is not PEM, a malformed token.
    """
    pem_given = any(x is not None for x in (root_certificates, client_certificate, client_key))
    if credentials is not None and pem_given:
        raise ValueError(
            "give either credentials or root_certificates/client_certificate/client_key"
        )
    if (client_certificate is None) != (client_key is None):
        raise ValueError("client_certificate and client_key go together (mTLS)")
    if bearer_token is not None:
        _bearer_value(bearer_token)
    if pem_given:
        credentials = grpc.ssl_channel_credentials(
            root_certificates=_pem("root_certificates", root_certificates)
            if root_certificates is not None
            else None,
            private_key=_pem("client_key", client_key) if client_key is not None else None,
            certificate_chain=_pem("client_certificate", client_certificate)
            if client_certificate is not None
            else None,
        )
    if credentials is not None and bearer_token is not None:
        call = grpc.access_token_call_credentials(bearer_token)  # "Bearer <token>"
        credentials = grpc.composite_channel_credentials(credentials, call)
    return credentials


def _with_header(metadata: Iterable[tuple[str, Any]] | None, value: str) -> list[tuple[str, Any]]:
    kept = [(k, v) for k, v in (metadata or ()) if k.lower() != AUTHORIZATION]
    return [*kept, (AUTHORIZATION, value)]


class _AsyncBearer:
    def __init__(self, token: str) -> None:
        self._value = _bearer_value(token)

    def _details(self, details: grpc.aio.ClientCallDetails) -> grpc.aio.ClientCallDetails:
        metadata = grpc.aio.Metadata(*_with_header(details.metadata, self._value))
        return grpc.aio.ClientCallDetails(
            details.method, details.timeout, metadata, details.credentials, details.wait_for_ready
        )


# One class per kind of call: grpc.aio files each interceptor under the first kind it
# implements (an if/elif on isinstance), so one object doing all four would only ever
# see unary-unary calls.
class _AsyncUnaryUnary(_AsyncBearer, grpc.aio.UnaryUnaryClientInterceptor):
    async def intercept_unary_unary(
        self,
        continuation: Callable[[grpc.aio.ClientCallDetails, Any], Awaitable[Any]],
        client_call_details: grpc.aio.ClientCallDetails,
        request: Any,
    ) -> Any:
        return await continuation(self._details(client_call_details), request)


class _AsyncUnaryStream(_AsyncBearer, grpc.aio.UnaryStreamClientInterceptor):
    async def intercept_unary_stream(
        self,
        continuation: Callable[[grpc.aio.ClientCallDetails, Any], Awaitable[Any]],
        client_call_details: grpc.aio.ClientCallDetails,
        request: Any,
    ) -> Any:
        return await continuation(self._details(client_call_details), request)


class _AsyncStreamUnary(_AsyncBearer, grpc.aio.StreamUnaryClientInterceptor):
    async def intercept_stream_unary(
        self,
        continuation: Callable[[grpc.aio.ClientCallDetails, Any], Awaitable[Any]],
        client_call_details: grpc.aio.ClientCallDetails,
        request_iterator: AsyncIterable[Any] | Iterable[Any],
    ) -> Any:
        return await continuation(self._details(client_call_details), request_iterator)


class _AsyncStreamStream(_AsyncBearer, grpc.aio.StreamStreamClientInterceptor):
    async def intercept_stream_stream(
        self,
        continuation: Callable[[grpc.aio.ClientCallDetails, Any], Awaitable[Any]],
        client_call_details: grpc.aio.ClientCallDetails,
        request_iterator: AsyncIterable[Any] | Iterable[Any],
    ) -> Any:
        return await continuation(self._details(client_call_details), request_iterator)


def async_bearer_interceptors(token: str) -> list[grpc.aio.ClientInterceptor]:
    """Interceptors for a plaintext ``grpc.aio`` channel adding ``authorization: Bearer
    <token>`` to every call, of each of the four kinds. Raises ValueError for a bad token."""
    return [
        cls(token)
        for cls in (_AsyncUnaryUnary, _AsyncUnaryStream, _AsyncStreamUnary, _AsyncStreamStream)
    ]


class _CallDetails(grpc.ClientCallDetails):
    def __init__(self, details: grpc.ClientCallDetails, metadata: list[tuple[str, Any]]) -> None:
        self.method = details.method
        self.timeout = details.timeout
        self.metadata = tuple(metadata)
        self.credentials = details.credentials
        self.wait_for_ready = details.wait_for_ready
        self.compression = details.compression


class BearerInterceptor(
    grpc.UnaryUnaryClientInterceptor,
    grpc.UnaryStreamClientInterceptor,
    grpc.StreamUnaryClientInterceptor,
    grpc.StreamStreamClientInterceptor,
):
    """Adds ``authorization: Bearer <token>`` to every call of a plaintext sync channel."""

    def __init__(self, token: str) -> None:
        self._value = _bearer_value(token)

    def _details(self, details: grpc.ClientCallDetails) -> grpc.ClientCallDetails:
        return _CallDetails(details, _with_header(details.metadata, self._value))

    def intercept_unary_unary(
        self, continuation: Any, client_call_details: Any, request: Any
    ) -> Any:
        return continuation(self._details(client_call_details), request)

    def intercept_unary_stream(
        self, continuation: Any, client_call_details: Any, request: Any
    ) -> Any:
        return continuation(self._details(client_call_details), request)

    def intercept_stream_unary(
        self, continuation: Any, client_call_details: Any, request_iterator: Any
    ) -> Any:
        return continuation(self._details(client_call_details), request_iterator)

    def intercept_stream_stream(
        self, continuation: Any, client_call_details: Any, request_iterator: Any
    ) -> Any:
        return continuation(self._details(client_call_details), request_iterator)
