"""StreamValidateAPIKeys: many validations over one bidirectional stream (for proxies).

A unary call pays grpc's and the interceptors' fixed cost per key; a stream pays grpc's
cost per message (about 90 us of server CPU for a message in and one out, measured on a
bare grpc.aio server), so messages carry items: a request message holds one or more
items, and an answer message holds every answer ready when it is sent. Every item is
answered once, with its correlation id, as soon as its answer is ready, so answers may
overtake each other:

- a cached key that needs no counting (``APIKeyService.validate_now``) is answered at
  once by the task reading the stream: no task, no await per item;
- the others (a lookup, a rate limit or quota to count) run as tasks through
  ``APIKeyService.settle``, at most ``MAX_IN_FLIGHT`` per stream;
- at most ``MAX_PENDING`` items are read and not yet answered on the wire. At either
  bound the stream reads nothing more: HTTP/2 flow control pushes back on the client.

Both steps are the unary call's own, so answers, rate limits and quotas are the same,
counted once per item. An item that fails (a malformed correlation id or key, a NUL in a
string, a database outage) gets an item error and the stream goes on; bytes that do not
decode carry no correlation id to answer with, and end the stream with INVALID_ARGUMENT.

The stream ends with UNAVAILABLE when the server shuts down or when it has been open for
``longest`` seconds (DATAACCESS_VALIDATION_STREAM_MAX_DURATION, so long-lived proxies
spread over servers that came up since), after answering every item it has read; items
the client sent that were not read then were not counted: the client sends them again
on a new stream. There is no idle timeout: a quiet proxy keeps its stream (dead peers
are found by HTTP/2 keepalive), and the stream counts against
DATAACCESS_MAX_CONCURRENT_STREAMS while it is open.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

from dataaccess.v1 import api_keys_pb2 as pb
from dataaccess_server.api.convert.api_keys import ask_from_proto
from dataaccess_server.api.convert.validations import Answer, StreamAnswers, item_error
from dataaccess_server.api.decoding import HAS_NUL, Refused, nul_field
from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.api_keys import APIKeyService
from dataaccess_server.domain.key_answers import Unsettled
from dataaccess_server.domain.model.api_keys import Validation
from dataaccess_server.errors import (
    DataAccessError,
    InvalidArgumentError,
    ServerStoppingError,
    StreamRecycledError,
)

MAX_IN_FLIGHT = 64
"""Validations waiting on storage at once, per stream."""
MAX_PENDING = 256
"""Items read and not yet answered (in flight or waiting to be sent), per stream."""
MAX_CORRELATION_ID = 128
DEFAULT_MAX_DURATION = 3600.0

Response = pb.StreamValidateAPIKeysResponse
Item = pb.StreamValidateAPIKeysRequest.Item


class ValidationStreams:
    """The open validation streams of a server, so that shutdown ends them."""

    def __init__(self) -> None:
        self._open: set[ValidationStream] = set()
        self._closed = False

    def open(
        self,
        keys: APIKeyService,
        requests: AsyncIterator[Any],
        *,
        deadline: Callable[[], Deadline],
        longest: float,
        count: Callable[[Validation], None],
    ) -> AsyncIterator[Response]:
        """The answers to ``requests`` (messages, or ``Refused``); each validation that
        needs storage is bounded by ``deadline()`` as it stands when it starts.

        Raises ServerStoppingError (at once, or after the answers of what was read)
        once :meth:`close` is called."""
        if self._closed:
            raise ServerStoppingError("the server is shutting down: stream to another server")
        stream = ValidationStream(keys, requests, deadline=deadline, longest=longest, count=count)
        self._open.add(stream)
        return stream.answers(self._open)

    def close(self) -> None:
        """End every stream with ServerStoppingError (UNAVAILABLE) once the requests it
        has read are answered, and refuse new ones. Idempotent."""
        self._closed = True
        for stream in list(self._open):
            stream.stop(
                ServerStoppingError(
                    "the server is shutting down: send unanswered requests again on a stream"
                    " to another server"
                )
            )


class ValidationStream:
    """One call of StreamValidateAPIKeys: the task reading it, the validations in
    flight, the answers not yet sent."""

    def __init__(
        self,
        keys: APIKeyService,
        requests: AsyncIterator[Any],
        *,
        deadline: Callable[[], Deadline],
        longest: float,
        count: Callable[[Validation], None],
    ) -> None:
        self._keys = keys
        self._requests = requests
        self._deadline = deadline
        self._longest = longest
        self._count = count
        self._build = StreamAnswers()
        self._unsent: list[Answer] = []
        self._changed = asyncio.Event()  # an answer is ready, or the reader or a task ended
        self._pending = 0  # items read and not yet sent
        self._room = asyncio.Event()  # set when _pending drops below MAX_PENDING
        self._slots = asyncio.Semaphore(MAX_IN_FLIGHT)
        self._in_flight: set[asyncio.Task[None]] = set()
        self._reader: asyncio.Task[None] | None = None
        self._ending: DataAccessError | None = None  # why the stream ends once drained
        self._failure: BaseException | None = None  # a bug in a validation task

    def stop(self, why: DataAccessError) -> None:
        """Read no more; end with ``why`` once the requests read are answered."""
        if self._ending is None:
            self._ending = why
        if self._reader is not None:
            self._reader.cancel()

    async def answers(self, registry: set[ValidationStream]) -> AsyncIterator[Response]:
        """Every answer, as it is ready; then the stream's end (an error, or none when
        the client closed its side). Leaves ``registry`` when it ends."""
        if self._ending is not None:  # stopped before it started
            registry.discard(self)
            raise self._ending
        self._reader = asyncio.create_task(self._read(), name="validation-stream-read")
        try:
            while True:
                if self._unsent:
                    ready, self._unsent = self._unsent, []
                    self._pending -= len(ready)
                    self._room.set()
                    yield Response(items=ready)
                    continue
                if self._failure is not None:
                    raise self._failure
                if self._reader.done() and not self._in_flight and not self._unsent:
                    break
                self._changed.clear()
                await self._changed.wait()
            if not self._reader.cancelled():
                self._reader.result()  # a refused request that ended the stream
            if self._ending is not None:
                raise self._ending
        finally:
            registry.discard(self)
            self._reader.cancel()
            for task in self._in_flight:
                task.cancel()

    async def _read(self) -> None:
        try:
            async with asyncio.timeout(self._longest):
                async for message in self._requests:
                    screened = isinstance(message, Refused)
                    if screened:
                        message = self._refused(message)
                    for item in message.items:
                        while self._pending >= MAX_PENDING:
                            self._room.clear()
                            await self._room.wait()
                        self._pending += 1
                        if screened and (path := nul_field(item)) is not None:
                            error = InvalidArgumentError.single(path, HAS_NUL)
                            self._send(item_error(item.correlation_id, error))
                        else:
                            await self._take(item)
        except TimeoutError:
            self._ending = self._ending or StreamRecycledError(
                f"the stream was open for {self._longest:g}s"
                " (DATAACCESS_VALIDATION_STREAM_MAX_DURATION): send unanswered requests"
                " again on a new stream"
            )
        finally:
            self._changed.set()

    def _refused(self, refused: Refused) -> pb.StreamValidateAPIKeysRequest:
        # A message that decoded but holds a NUL: its items without one are answered
        # as usual, those with one get an error. One that did not decode has no
        # correlation ids to answer with: it ends the stream.
        if refused.message is None:
            raise refused.error
        message: pb.StreamValidateAPIKeysRequest = refused.message
        return message

    async def _take(self, request: Item) -> None:
        correlation_id = request.correlation_id
        if not 0 < len(correlation_id) <= MAX_CORRELATION_ID:
            self._send(
                item_error(
                    correlation_id,
                    InvalidArgumentError.single(
                        "correlation_id", f"must be 1-{MAX_CORRELATION_ID} characters"
                    ),
                )
            )
            return
        try:
            item = request.request
            now = self._keys.validate_now(item.key, ask_from_proto(item, "request."))
        except InvalidArgumentError as exc:
            # The key's errors name "key"; the ask's already carry the prefix.
            prefix = (
                "" if any(v.field.startswith("request.") for v in exc.violations) else "request."
            )
            self._send(item_error(correlation_id, exc, prefix=prefix))
            return
        if not isinstance(now, Unsettled):
            self._count(now)
            self._send(self._build.answer(correlation_id, now))
            return
        await self._slots.acquire()
        # The call's deadline as it stands (or the default one, per validation), not
        # the stream's end: what was read is answered even after the stream's time.
        task = asyncio.create_task(self._settle(correlation_id, now, self._deadline()))
        self._in_flight.add(task)
        task.add_done_callback(self._settled)

    async def _settle(self, correlation_id: str, unsettled: Unsettled, deadline: Deadline) -> None:
        try:
            result = await self._keys.settle(unsettled, deadline)
        except DataAccessError as exc:  # the unary call's status, for this request only
            self._send(item_error(correlation_id, exc, prefix="request."))
            return
        self._count(result)
        self._send(self._build.answer(correlation_id, result))

    def _settled(self, task: asyncio.Task[None]) -> None:
        self._in_flight.discard(task)
        self._slots.release()
        if not task.cancelled() and task.exception() is not None:
            self._failure = task.exception()  # a bug: the stream ends with INTERNAL
        self._changed.set()

    def _send(self, answer: Answer) -> None:
        self._unsent.append(answer)
        self._changed.set()
