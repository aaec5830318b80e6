"""The watchers of configs in one server process, fed by change notifications.

Each watcher has a one-slot mailbox holding the latest activation it has not yet taken:
a newer activation replaces an untaken older one (conflation). A slow watcher therefore
skips intermediate versions but always ends up with the latest, and its memory stays one
message whatever the rate of activations. Revisions a watcher receives only increase.

What is delivered always comes from a read of the name's head on the primary, never from
a notification's payload: a notification (``changed``) only says "read this name
again". Reads of one name are coalesced: a notification arriving during a read makes
one more read after it, so the last read always starts after the last commit heard of.
Notifications are lost while the listener is disconnected, hence :meth:`refresh_all`
on every (re)connection, and :meth:`keep_fresh` re-reading every watched name every
``interval`` seconds as a cheap safety net against anything else going wrong.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.model.configs import Activation
from dataaccess_server.errors import DataAccessError, NotFoundError, ServerStoppingError

log = logging.getLogger(__name__)

ReadActivation = Callable[[str, Deadline], Awaitable[Activation | None]]
"""The head of a name on the primary (see ConfigStore.read_activation)."""
READ_TIMEOUT = 5.0
SAFETY_INTERVAL = 30.0


class _Watcher:
    """One stream's mailbox."""

    __slots__ = ("closed", "latest", "ready", "sent")

    def __init__(self) -> None:
        self.latest: Activation | None = None
        self.sent = -1
        self.ready = asyncio.Event()
        self.closed = False

    def offer(self, activation: Activation) -> None:
        newest = self.latest.revision if self.latest is not None else self.sent
        if activation.revision > newest:
            self.latest = activation
            self.ready.set()

    async def take(self) -> Activation:
        while True:
            if self.closed:
                raise ServerStoppingError(
                    "the server is shutting down: watch again (another server will answer)"
                )
            latest = self.latest
            if latest is not None:
                self.latest = None
                self.ready.clear()
                self.sent = latest.revision
                return latest
            await self.ready.wait()


class ConfigWatchers:
    """Every open WatchConfig stream of the process, by name."""

    def __init__(self, read: ReadActivation, *, read_timeout: float = READ_TIMEOUT) -> None:
        self._read = read
        self._read_timeout = read_timeout
        self._watchers: dict[str, set[_Watcher]] = {}
        self._reading: dict[str, asyncio.Task[None]] = {}
        self._again: set[str] = set()
        self._closed = False

    def __len__(self) -> int:
        """Open watchers (for the gauge)."""
        return sum(len(watchers) for watchers in self._watchers.values())

    async def watch(self, name: str, deadline: Deadline) -> AsyncIterator[Activation]:
        """The name's active version at once (or at its first activation, if none is
        active yet), then each newer activation, until the consumer stops or the server
        closes the registry (ServerStoppingError). ``deadline`` bounds the first read:
        NotFoundError if the name has no version, or as the store raises."""
        if self._closed:
            raise ServerStoppingError("the server is shutting down: watch another server")
        watcher = _Watcher()
        # Registered before the first read: an activation committed meanwhile is heard.
        self._watchers.setdefault(name, set()).add(watcher)
        try:
            first = await self._read(name, deadline)
            if first is not None:
                watcher.offer(first)
            while True:
                yield await watcher.take()
        finally:
            watchers = self._watchers.get(name)
            if watchers is not None:
                watchers.discard(watcher)
                if not watchers:
                    del self._watchers[name]

    def changed(self, name: str) -> None:
        """A notification said ``name`` was activated: read it again (in the background)
        if anyone watches it. Quick; for the listener's callback."""
        if name in self._watchers and not self._closed:
            self._schedule(name)

    def refresh_all(self) -> None:
        """Read every watched name again (the listener has just (re)connected)."""
        for name in list(self._watchers):
            self.changed(name)

    async def keep_fresh(self, interval: float = SAFETY_INTERVAL) -> None:
        """Forever: every ``interval`` seconds, read every watched name again."""
        while True:
            await asyncio.sleep(interval)
            self.refresh_all()

    async def close(self) -> None:
        """End every stream with ServerStoppingError, now, and refuse new ones; stop the
        reads in flight. Idempotent."""
        self._closed = True
        for watchers in self._watchers.values():
            for watcher in watchers:
                watcher.closed = True
                watcher.ready.set()
        tasks = list(self._reading.values())
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=1.0)

    def _schedule(self, name: str) -> None:
        if name in self._reading:
            self._again.add(name)  # once more after the read in flight
            return
        self._reading[name] = asyncio.create_task(self._refresh(name), name="config-read")

    async def _refresh(self, name: str) -> None:
        try:
            while True:
                self._again.discard(name)
                try:
                    activation = await self._read(name, Deadline.after(self._read_timeout))
                except NotFoundError:
                    activation = None
                except DataAccessError as exc:
                    # The next notification, reconnection or safety read tries again.
                    log.warning("could not read config %r for its watchers: %s", name, exc)
                    return
                if activation is not None:
                    for watcher in self._watchers.get(name, ()):
                        watcher.offer(activation)
                if name not in self._again:
                    return
        finally:
            del self._reading[name]
