"""Channels and calls under both clients: deadlines, credentials, retries, errors.

The generated methods (``_rpcs.py``) call :meth:`SyncCaller._unary` and friends; this
module decides which channel carries the call and turns a failure into a
:mod:`dataaccess.errors` exception.

Retries are gRPC's own, configured by the recommended service config that ships in this
package (``service_config.json``, a copy of the repository's
``clients/service_config.json``): ``UNAVAILABLE`` only, on idempotent methods only. A few
methods are idempotent only when their request carries a ``request_id`` (the server
applies a request id once): CreateAPIKey, UpsertUsage, BatchUpsertUsage,
CreateConfigVersion
(``REQUEST_ID_METHODS`` of the generated ``_rpcs.py``). A service config cannot look inside a
request, so each client keeps a second channel, created on first use, whose service
config also retries those methods, and sends a request with a non-empty ``request_id``
over it. The same request without one goes over the first channel: never retried, so a
lost answer cannot apply it twice. gRPC retries only attempts whose response has not
begun; every attempt shares the call's one deadline.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator, Sequence
from importlib import resources
from typing import Any, Final, TypeAlias, TypeVar

import grpc
import grpc.aio
from google.protobuf.message import Message

from dataaccess.errors import error_from_rpc
from dataaccess.security import AUTHORIZATION, Credentials

Metadata: TypeAlias = Sequence[tuple[str, str | bytes]]
"""Extra call metadata: (key, value) pairs; keys ending in ``-bin`` take bytes."""

R = TypeVar("R")
T = TypeVar("T")
M = TypeVar("M", bound=Message)

AnyIterable: TypeAlias = Iterable[T] | AsyncIterable[T]
"""What the asyncio client streams from: a plain or an async iterable."""

DEFAULT_TIMEOUT: Final = 5.0
"""Default per-call deadline, in seconds."""

SERVICE_CONFIG: Final[str] = (
    resources.files("dataaccess").joinpath("service_config.json").read_text(encoding="utf-8")
)
"""The recommended gRPC service config (JSON), installed on every client channel."""


def request_id_service_config(
    methods: Iterable[tuple[str, str]], base: str = SERVICE_CONFIG
) -> str:
    """``base`` plus a method config retrying ``methods`` ((service, method) pairs) with the
    retry policy of ``base``'s first method config (the config of the second channel).

    gRPC rejects a config naming one method twice, so methods ``base`` names already
    are left out (a service-wide name does not clash with a method's own name)."""
    config = json.loads(base)
    method_configs = config.setdefault("methodConfig", [])
    named = {(n.get("service"), n.get("method")) for mc in method_configs for n in mc["name"]}
    extra = [
        {"service": service, "method": method}
        for service, method in methods
        if (service, method) not in named
    ]
    if extra and method_configs:
        policy = copy.deepcopy(method_configs[0]["retryPolicy"])
        method_configs.append({"name": extra, "retryPolicy": policy})
    return json.dumps(config, sort_keys=True)


def _serialize(message: Message) -> bytes:
    return message.SerializeToString()


class _Settings:
    """What both flavours need to open channels and to send calls, validated once."""

    def __init__(
        self,
        target: str,
        credentials: Credentials | None,
        timeout: float,
        options: Sequence[tuple[str, Any]],
    ) -> None:
        if not isinstance(target, str) or not target:
            raise ValueError("target must be a non-empty gRPC target such as 'host:50051'")
        if credentials is not None and not isinstance(credentials, Credentials):
            raise ValueError("credentials must be a dataaccess.security.Credentials or None")
        self.target = target
        self.credentials = credentials or Credentials()
        self.timeout = _positive(timeout, "timeout")
        self.auth_metadata = self.credentials.metadata()
        self._options = tuple(options)

    def options(self, config: str) -> list[tuple[str, Any]]:
        # Caller options come last so they override ours (gRPC keeps the last value).
        return [("grpc.enable_retries", 1), ("grpc.service_config", config), *self._options]

    def deadline(self, timeout: float | None) -> float:
        return self.timeout if timeout is None else _positive(timeout, "timeout")

    def metadata(self, extra: Metadata) -> tuple[tuple[str, str | bytes], ...]:
        # A caller's own authorization header (a gateway forwarding its callers') wins
        # over the client's token.
        if any(key.lower() == AUTHORIZATION for key, _ in extra):
            return tuple(extra)
        return (*extra, *self.auth_metadata)


def _positive(value: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ValueError(f"{name} must be a positive number of seconds, got {value!r}")
    return float(value)


class SyncCaller:
    """Base of the blocking client: its channels and the one way calls are made.
    Thread-safe: channels are, and the second channel is created under a lock."""

    _REQUEST_ID_METHODS: tuple[tuple[str, str], ...] = ()
    """(service, method) retried only with a request_id: set by the generated subclass."""

    def __init__(
        self,
        target: str,
        *,
        credentials: Credentials | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        options: Sequence[tuple[str, Any]] = (),
    ) -> None:
        self._settings = _Settings(target, credentials, timeout, options)
        self._channel = self._open(request_ids=False)
        self._request_id_channel: grpc.Channel | None = None
        self._lock = threading.Lock()

    def _open(self, *, request_ids: bool) -> grpc.Channel:
        s = self._settings
        config = SERVICE_CONFIG
        if request_ids:
            config = request_id_service_config(self._REQUEST_ID_METHODS)
        options = s.options(config)
        secure = s.credentials.channel_credentials
        if secure is None:
            return grpc.insecure_channel(s.target, options=options)
        return grpc.secure_channel(s.target, secure, options=options)

    def _channel_for(self, request_id: str) -> grpc.Channel:
        if not request_id:
            return self._channel
        with self._lock:
            if self._request_id_channel is None:
                self._request_id_channel = self._open(request_ids=True)
            return self._request_id_channel

    def _invoke(
        self,
        method: str,
        request: Any,
        serializer: Callable[[Any], bytes],
        deserializer: Callable[[bytes], R],
        timeout: float | None,
        metadata: Metadata,
        request_id: str = "",
    ) -> R:
        call = self._channel_for(request_id).unary_unary(
            method, request_serializer=serializer, response_deserializer=deserializer
        )
        try:
            return call(
                request,
                timeout=self._settings.deadline(timeout),
                metadata=self._settings.metadata(metadata),
            )
        except grpc.RpcError as exc:
            raise error_from_rpc(exc) from exc

    def _unary(
        self,
        method: str,
        request: Message,
        response_type: type[M],
        timeout: float | None,
        metadata: Metadata,
        request_id: str = "",
    ) -> M:
        return self._invoke(
            method, request, _serialize, response_type.FromString, timeout, metadata, request_id
        )

    def _stream_unary(
        self,
        method: str,
        requests: Iterable[Message],
        response_type: type[M],
        timeout: float | None,
        metadata: Metadata,
    ) -> M:
        call = self._channel.stream_unary(
            method, request_serializer=_serialize, response_deserializer=response_type.FromString
        )
        try:
            return call(
                iter(requests),
                timeout=self._settings.deadline(timeout),
                metadata=self._settings.metadata(metadata),
            )
        except grpc.RpcError as exc:
            raise error_from_rpc(exc) from exc

    def _unary_stream(
        self,
        method: str,
        request: Message,
        response_type: type[M],
        timeout: float | None,
        metadata: Metadata,
    ) -> Iterator[M]:
        # A stream of answers (WatchConfig) lasts until cancelled: no default deadline,
        # only the caller's own. Closing the iterator cancels the call.
        call = self._channel.unary_stream(
            method, request_serializer=_serialize, response_deserializer=response_type.FromString
        )
        responses = call(
            request,
            timeout=None if timeout is None else _positive(timeout, "timeout"),
            metadata=self._settings.metadata(metadata),
        )
        try:
            yield from responses
        except grpc.RpcError as exc:
            raise error_from_rpc(exc) from exc
        finally:
            responses.cancel()

    def _stream_stream(
        self,
        method: str,
        requests: Iterable[Message],
        response_type: type[M],
        timeout: float | None,
        metadata: Metadata,
    ) -> Iterator[M]:
        # Requests are sent from ``requests`` (by a gRPC thread) while answers are read
        # here: as the server stream, no default deadline; closing cancels the call.
        call = self._channel.stream_stream(
            method, request_serializer=_serialize, response_deserializer=response_type.FromString
        )
        responses = call(
            iter(requests),
            timeout=None if timeout is None else _positive(timeout, "timeout"),
            metadata=self._settings.metadata(metadata),
        )
        try:
            yield from responses
        except grpc.RpcError as exc:
            raise error_from_rpc(exc) from exc
        finally:
            responses.cancel()

    def close(self) -> None:
        """Close the channels, cancelling calls in flight; idempotent."""
        self._channel.close()
        with self._lock:
            if self._request_id_channel is not None:
                self._request_id_channel.close()


class AsyncCaller:
    """Base of the asyncio client: the same, over ``grpc.aio`` channels (one loop)."""

    _REQUEST_ID_METHODS: tuple[tuple[str, str], ...] = ()
    """(service, method) retried only with a request_id: set by the generated subclass."""

    def __init__(
        self,
        target: str,
        *,
        credentials: Credentials | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        options: Sequence[tuple[str, Any]] = (),
    ) -> None:
        self._settings = _Settings(target, credentials, timeout, options)
        self._channel = self._open(request_ids=False)
        self._request_id_channel: grpc.aio.Channel | None = None

    def _open(self, *, request_ids: bool) -> grpc.aio.Channel:
        s = self._settings
        config = SERVICE_CONFIG
        if request_ids:
            config = request_id_service_config(self._REQUEST_ID_METHODS)
        options = s.options(config)
        secure = s.credentials.channel_credentials
        if secure is None:
            return grpc.aio.insecure_channel(s.target, options=options)
        return grpc.aio.secure_channel(s.target, secure, options=options)

    def _channel_for(self, request_id: str) -> grpc.aio.Channel:
        if not request_id:
            return self._channel
        if self._request_id_channel is None:  # one event loop: no race to guard
            self._request_id_channel = self._open(request_ids=True)
        return self._request_id_channel

    async def _invoke(
        self,
        method: str,
        request: Any,
        serializer: Callable[[Any], bytes],
        deserializer: Callable[[bytes], R],
        timeout: float | None,
        metadata: Metadata,
        request_id: str = "",
    ) -> R:
        call = self._channel_for(request_id).unary_unary(
            method, request_serializer=serializer, response_deserializer=deserializer
        )
        try:
            response: R = await call(
                request,
                timeout=self._settings.deadline(timeout),
                metadata=grpc.aio.Metadata(*self._settings.metadata(metadata)),
            )
        except grpc.RpcError as exc:
            raise error_from_rpc(exc) from exc
        return response

    async def _unary(
        self,
        method: str,
        request: Message,
        response_type: type[M],
        timeout: float | None,
        metadata: Metadata,
        request_id: str = "",
    ) -> M:
        return await self._invoke(
            method, request, _serialize, response_type.FromString, timeout, metadata, request_id
        )

    async def _stream_unary(
        self,
        method: str,
        requests: Iterable[Message] | AsyncIterable[Message],
        response_type: type[M],
        timeout: float | None,
        metadata: Metadata,
    ) -> M:
        call = self._channel.stream_unary(
            method, request_serializer=_serialize, response_deserializer=response_type.FromString
        )
        stream: AsyncIterator[Message] | Iterator[Message] = (
            aiter(requests) if isinstance(requests, AsyncIterable) else iter(requests)
        )
        try:
            response: M = await call(
                stream,
                timeout=self._settings.deadline(timeout),
                metadata=grpc.aio.Metadata(*self._settings.metadata(metadata)),
            )
        except grpc.RpcError as exc:
            raise error_from_rpc(exc) from exc
        return response

    async def _unary_stream(
        self,
        method: str,
        request: Message,
        response_type: type[M],
        timeout: float | None,
        metadata: Metadata,
    ) -> AsyncIterator[M]:
        # As the blocking one: the caller's deadline only; closing cancels the call.
        call = self._channel.unary_stream(
            method, request_serializer=_serialize, response_deserializer=response_type.FromString
        )
        responses = call(
            request,
            timeout=None if timeout is None else _positive(timeout, "timeout"),
            metadata=grpc.aio.Metadata(*self._settings.metadata(metadata)),
        )
        try:
            async for response in responses:
                yield response
        except grpc.RpcError as exc:
            raise error_from_rpc(exc) from exc
        finally:
            responses.cancel()

    async def _stream_stream(
        self,
        method: str,
        requests: Iterable[Message] | AsyncIterable[Message],
        response_type: type[M],
        timeout: float | None,
        metadata: Metadata,
    ) -> AsyncIterator[M]:
        # As the blocking one; grpc.aio sends ``requests`` from a task of its own.
        call = self._channel.stream_stream(
            method, request_serializer=_serialize, response_deserializer=response_type.FromString
        )
        stream: AsyncIterator[Message] | Iterator[Message] = (
            aiter(requests) if isinstance(requests, AsyncIterable) else iter(requests)
        )
        responses = call(
            stream,
            timeout=None if timeout is None else _positive(timeout, "timeout"),
            metadata=grpc.aio.Metadata(*self._settings.metadata(metadata)),
        )
        try:
            async for response in responses:
                yield response
        except grpc.RpcError as exc:
            raise error_from_rpc(exc) from exc
        finally:
            responses.cancel()

    async def close(self, grace: float | None = None) -> None:
        """Close the channels; idempotent. Calls in flight are cancelled at once, or
        after ``grace`` seconds when given."""
        await self._channel.close(grace)
        if self._request_id_channel is not None:
            await self._request_id_channel.close(grace)
