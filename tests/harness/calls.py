"""Every RPC of the service, found in its descriptors, callable with raw bytes.

Tests that must cover every method (authentication, the permission matrix, database
privileges) enumerate them here, so a new RPC cannot slip past them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import grpc
from google.protobuf import descriptor_pool
from grpc import aio

from dataaccess.v1 import (  # noqa: F401  (importing registers the descriptors)
    analytics_pb2,
    api_keys_pb2,
    api_keys_pb2_grpc,
    audit_pb2,
    cache_pb2,
    configs_pb2,
    configs_pb2_grpc,
    oauth_tokens_pb2,
    operations_pb2,
    request_logs_pb2,
    usage_pb2,
)
from dataaccess_server.api.server import API_SERVICES
from dataaccess_server.app import Application
from dataaccess_server.deadline import Deadline
from tests.harness import leaks

Metadata = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Method:
    """One RPC: its full path and whether the client streams."""

    path: str
    client_streaming: bool
    server_streaming: bool


def api_methods() -> list[Method]:
    """Every method of every API service the server registers."""
    pool = descriptor_pool.Default()
    methods = []
    for name in API_SERVICES:
        service = pool.FindServiceByName(name)
        for method in service.methods:
            methods.append(
                Method(
                    f"/{service.full_name}/{method.name}",
                    method.client_streaming,
                    method.server_streaming,
                )
            )
    return methods


async def call_raw(
    channel: aio.Channel,
    method: Method,
    request: bytes = b"",
    *,
    metadata: Metadata = (),
    timeout: float = 10.0,
) -> grpc.StatusCode:
    """Call ``method`` with one serialized request (b"" is every message's empty
    value); the status code it ended with."""
    try:
        if method.client_streaming and method.server_streaming:
            # A bidirectional stream (StreamValidateAPIKeys): one request, every answer.
            both: Any = channel.stream_stream(method.path)

            async def single() -> AsyncIterator[bytes]:
                yield request

            async for _answer in both(single(), metadata=metadata, timeout=timeout):
                pass
        elif method.client_streaming:
            streaming: Any = channel.stream_unary(method.path)

            async def one() -> AsyncIterator[bytes]:
                yield request

            await streaming(one(), metadata=metadata, timeout=timeout)
        elif method.server_streaming:
            # A watch answers until cancelled: its first answer (or its end) decides.
            watching: Any = channel.unary_stream(method.path)
            call = watching(request, metadata=metadata, timeout=timeout)
            try:
                async for _answer in call:
                    break
            finally:
                call.cancel()
        else:
            unary: Any = channel.unary_unary(method.path)
            await unary(request, metadata=metadata, timeout=timeout)
    except aio.AioRpcError as exc:
        return exc.code()
    return grpc.StatusCode.OK


async def call_detailed(
    channel: aio.Channel,
    path: str,
    request: bytes = b"",
    *,
    metadata: Metadata = (),
    timeout: float = 10.0,
) -> tuple[grpc.StatusCode, str]:
    """A unary call's status code and details."""
    try:
        unary: Any = channel.unary_unary(path)
        await unary(request, metadata=metadata, timeout=timeout)
    except aio.AioRpcError as exc:
        return exc.code(), exc.details() or ""
    return grpc.StatusCode.OK, ""


def bearer(token: str) -> Metadata:
    """The metadata carrying a bearer credential."""
    return (("authorization", f"Bearer {token}"),)


async def credential(app: Application, role: str, name: str | None = None) -> str:
    """A new bearer credential of ``role`` on ``app`` (registered as a secret)."""
    assert app.callers is not None
    _record, token = await app.callers.create(name or role, role, Deadline.after(10))
    leaks.register_secret(token)
    return token


async def create_api_key(target: str, admin: str, name: str, owner_id: str) -> str:
    """A new API key named ``name`` of ``owner_id``, created through the server at
    ``target`` with the bearer credential ``admin``; its plaintext (registered as a secret)."""
    async with aio.insecure_channel(target) as channel:
        created = await api_keys_pb2_grpc.APIKeyServiceStub(channel).CreateAPIKey(
            api_keys_pb2.CreateAPIKeyRequest(
                api_key=api_keys_pb2.APIKey(name=name, owner_id=owner_id)
            ),
            metadata=bearer(admin),
            timeout=10,
        )
    leaks.register_secret(created.key)
    return str(created.key)


async def create_config(target: str, name: str, text: str, *, activate: bool) -> int:
    """A new version of config ``name`` made through the server at ``target``
    (authentication off), activated if asked; its version number."""
    async with aio.insecure_channel(target) as channel:
        created = await configs_pb2_grpc.ConfigServiceStub(channel).CreateConfigVersion(
            configs_pb2.CreateConfigVersionRequest(name=name, yaml=text, activate=activate),
            timeout=10,
        )
    return int(created.config.version)
