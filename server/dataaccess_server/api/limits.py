"""Limits on what one caller may take of a server process (the settings live here so
both the configuration and the servicers speak them). Pure."""

from __future__ import annotations

import math
from dataclasses import dataclass

DEFAULT_MAX_DEADLINE = 60.0
MESSAGE_BASE_BYTES = 1024 * 1024
MESSAGE_BYTES_PER_RECORD = 1536
"""Room for one batch record: a usage counter, or a request log with long text fields
(about 2.5 times a typical proxy's log). Logs near their text caps (7 KiB of user agent,
path and error message) fill it sooner: such batches must be smaller, or the limit
(DATAACCESS_MAX_MESSAGE_BYTES) set higher."""


def message_bytes_for(max_batch: int) -> int:
    """The largest incoming message: a full batch of ``max_batch`` records and headroom
    (about 16 MiB at the default of 10,000)."""
    return MESSAGE_BASE_BYTES + max_batch * MESSAGE_BYTES_PER_RECORD


@dataclass(frozen=True, slots=True)
class CallLimits:
    """What each call, and all calls together, may use. Durations in seconds.

    Raises ValueError (naming the field) for a duration that is not positive and finite,
    or a count below 1.
    """

    max_deadline: float = DEFAULT_MAX_DEADLINE
    """A caller's longer deadline is capped to this (the call then ends by it)."""
    max_concurrent_rpcs: int = 1000
    """Calls served at once by this process (health checks aside); more are refused."""
    max_concurrent_streams: int = 100
    """Streams (StreamRequestLogs, WatchConfig) among those calls; more are refused."""
    max_message_bytes: int = message_bytes_for(10_000)
    """The largest request message; grpc refuses larger with RESOURCE_EXHAUSTED."""
    stream_idle_timeout: float = 30.0
    """The longest wait for a client stream's next message."""
    stream_max_duration: float = 600.0
    """The longest a client stream may stay open."""
    validation_stream_max_duration: float = 3600.0
    """The longest a StreamValidateAPIKeys stream stays open (a proxy's, long-lived: then
    it ends with UNAVAILABLE and the proxy reopens it, perhaps on another server)."""

    def __post_init__(self) -> None:
        for name in (
            "max_deadline",
            "stream_idle_timeout",
            "stream_max_duration",
            "validation_stream_max_duration",
        ):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a positive number of seconds, got {value}")
        for name in ("max_concurrent_rpcs", "max_concurrent_streams", "max_message_bytes"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
