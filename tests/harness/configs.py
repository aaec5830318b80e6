"""ConfigService helpers of the tests: a creation in one call, a watch read in the
background."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from grpc import aio

from dataaccess.v1 import configs_pb2 as pb


async def create(stub: Any, name: str, text: str, **fields: Any) -> pb.CreateConfigVersionResponse:
    """A new version of ``name`` through ``stub`` (a ConfigService stub); the answer."""
    request = pb.CreateConfigVersionRequest(name=name, yaml=text, **fields)
    response: pb.CreateConfigVersionResponse = await stub.CreateConfigVersion(request, timeout=10)
    return response


class Watch:
    """A WatchConfig stream read in the background, its messages with their arrival."""

    def __init__(self, stub: Any, name: str) -> None:
        self.call = stub.WatchConfig(pb.WatchConfigRequest(name=name))
        self.received: list[tuple[float, pb.WatchConfigResponse]] = []
        self.error: aio.AioRpcError | None = None
        self._task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for message in self.call:
                self.received.append((time.monotonic(), message))
        except aio.AioRpcError as exc:
            self.error = exc

    def more_than(self, count: int) -> Callable[[], bool]:
        """A condition: more than ``count`` messages received."""
        return lambda: len(self.received) > count

    def versions(self) -> list[int]:
        return [message.config.version for _at, message in self.received]

    async def close(self) -> None:
        self.call.cancel()
        await asyncio.wait({self._task}, timeout=5)
