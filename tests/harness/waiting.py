"""Waiting for a condition: the one polling helper of the tests.

Tests never sleep to let something happen: they poll for what they expect, up to a
deadline, and fail saying what they waited for::

    await wait_until(lambda: cluster.writer() is None, what="the primary to be seen down")
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable

DEFAULT_TIMEOUT = 10.0
DEFAULT_INTERVAL = 0.02


async def wait_until(
    condition: Callable[[], object | Awaitable[object]],
    *,
    what: str,
    timeout: float = DEFAULT_TIMEOUT,
    interval: float = DEFAULT_INTERVAL,
) -> None:
    """Return as soon as ``condition()`` is true; AssertionError naming ``what`` once
    ``timeout`` seconds have passed without it.

    ``condition`` is a function or a coroutine function, called every ``interval``
    seconds (the event loop runs in between) and once more at the deadline. An
    exception it raises propagates at once: a broken probe is not retried.
    """
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _timed_out(what, timeout)
        await asyncio.sleep(min(interval, remaining))


def wait_until_sync(
    condition: Callable[[], object],
    *,
    what: str,
    timeout: float = DEFAULT_TIMEOUT,
    interval: float = DEFAULT_INTERVAL,
) -> None:
    """:func:`wait_until` for code that runs without an event loop; same contract.

    Needed by the synchronous tests and fixtures that drive blocking interfaces only:
    ``dataaccess serve`` and CLI processes (their health over a sync gRPC channel,
    their log files) and the embedded PostgreSQL's own control. There is no event
    loop there to yield to, and an async test would have to push every one of those
    calls to a thread. Coroutine functions are refused (they would never be awaited).
    """
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if inspect.isawaitable(result):
            if inspect.iscoroutine(result):
                result.close()  # never awaited: say so here, not in a RuntimeWarning
            raise TypeError(f"wait_until_sync cannot await {what}: use wait_until")
        if result:
            return
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _timed_out(what, timeout)
        time.sleep(min(interval, remaining))


def _timed_out(what: str, timeout: float) -> AssertionError:
    return AssertionError(f"timed out after {timeout:g} s waiting for {what}")
