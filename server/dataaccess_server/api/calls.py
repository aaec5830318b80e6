"""What every servicer needs from a call's context."""

from __future__ import annotations

from typing import Any

from grpc import aio

from dataaccess_server.api.limits import DEFAULT_MAX_DEADLINE
from dataaccess_server.deadline import Deadline


class CallDeadline:
    """Turns a call's gRPC deadline (or, when it has none, the default) into a Deadline,
    capped to ``maximum`` seconds (DATAACCESS_MAX_DEADLINE): a caller asking for longer
    gets the cap, and its call ends with DEADLINE_EXCEEDED once the cap has passed."""

    def __init__(self, default: float, maximum: float = DEFAULT_MAX_DEADLINE) -> None:
        self._default = min(default, maximum)
        self._maximum = maximum

    def __call__(self, context: aio.ServicerContext[Any, Any]) -> Deadline:
        remaining = context.time_remaining()
        if remaining is not None:
            remaining = min(remaining, self._maximum)
        return Deadline.from_remaining(remaining, self._default)
