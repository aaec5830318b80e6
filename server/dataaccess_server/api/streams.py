"""Client streams held to their limits: idle time between messages and total time."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Generic, TypeVar

from dataaccess_server.deadline import Deadline
from dataaccess_server.errors import ResourceExhaustedError

Message = TypeVar("Message")


class BoundedStream(Generic[Message]):
    """The messages of a client stream, ending it with RESOURCE_EXHAUSTED (naming the
    limit) when none comes for ``idle`` seconds or it stays open past ``longest``.

    A stream that goes quiet or lasts too long holds a call slot and buffered work.
    Waiting does not help, so there is no RetryInfo. Not DEADLINE_EXCEEDED: the
    caller's own deadline has not passed.
    """

    def __init__(self, messages: AsyncIterator[Message], *, idle: float, longest: float) -> None:
        self._messages = aiter(messages)
        self._idle = idle
        self._longest = longest
        self.ends = Deadline.after(longest)

    def within(self, deadline: Deadline) -> Deadline:
        """``deadline``, or the stream's end if that comes first."""
        return deadline.capped(self.ends.remaining())

    def __aiter__(self) -> BoundedStream[Message]:
        return self

    async def __anext__(self) -> Message:
        wait = min(self._idle, self.ends.remaining())
        try:
            async with asyncio.timeout(wait):
                return await anext(self._messages)
        except TimeoutError:
            if wait < self._idle:
                raise ResourceExhaustedError(
                    f"the stream was open longer than {self._longest:g}s"
                    " (DATAACCESS_STREAM_MAX_DURATION): send the rest in a new stream"
                ) from None
            raise ResourceExhaustedError(
                f"no message for {self._idle:g}s on the stream"
                " (DATAACCESS_STREAM_IDLE_TIMEOUT): close it sooner, or open it when"
                " logs are ready"
            ) from None
