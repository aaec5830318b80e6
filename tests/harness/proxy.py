"""A TCP proxy in front of a server that can lose the server's answers on demand: the
request reaches the server, which does the work, and the client never hears back; then
:meth:`LossyProxy.cut` drops the connections, so the client's call fails UNAVAILABLE."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator


class LossyProxy:
    """Forwards bytes both ways between clients and ``target`` (host, port) while
    ``losing`` is false; while it is true, what the server sends is read and dropped
    (what clients send still goes through)."""

    def __init__(self, target: tuple[str, int]) -> None:
        self._target = target
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.losing = False
        self.dropped = 0
        """Bytes from the server dropped so far."""
        self.connections = 0
        """Connections accepted so far."""
        self._writers: set[asyncio.StreamWriter] = set()

    @property
    def address(self) -> str:
        assert self._server is not None
        host, port = self._server.sockets[0].getsockname()[:2]
        return f"{host}:{port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, OSError):
                await task
        if self._server is not None:
            await self._server.wait_closed()

    def cut(self) -> None:
        """Close every open connection, both sides, then stop losing: what the server
        sent meanwhile is gone, and a call in flight fails as a broken connection does
        (UNAVAILABLE). New connections are served normally."""
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()
        self.losing = False

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        upstream_reader, upstream_writer = await asyncio.open_connection(*self._target)
        self._writers.update((writer, upstream_writer))
        for pump in (
            self._pump(reader, upstream_writer, lossy=False),
            self._pump(upstream_reader, writer, lossy=True),
        ):
            task = asyncio.ensure_future(pump)
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _pump(
        self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, *, lossy: bool
    ) -> None:
        try:
            while data := await source.read(65536):
                if lossy and self.losing:
                    self.dropped += len(data)
                    continue
                sink.write(data)
                await sink.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            self._writers.discard(sink)
            sink.close()


@contextlib.asynccontextmanager
async def lossy_proxy(target: str) -> AsyncIterator[LossyProxy]:
    """A started LossyProxy in front of ``target`` ("host:port"), stopped at exit."""
    host, _, port = target.rpartition(":")
    proxy = LossyProxy((host, int(port)))
    await proxy.start()
    try:
        yield proxy
    finally:
        await proxy.stop()
