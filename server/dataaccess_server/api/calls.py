"""What every servicer needs from a call's context."""

from __future__ import annotations

from typing import Any

from grpc import aio

from dataaccess_server.deadline import Deadline


class CallDeadline:
    """Turns a call's gRPC deadline (or, when it has none, the default) into a Deadline."""

    def __init__(self, default: float) -> None:
        self._default = default

    def __call__(self, context: aio.ServicerContext[Any, Any]) -> Deadline:
        return Deadline.from_remaining(context.time_remaining(), self._default)
