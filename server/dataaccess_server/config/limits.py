"""The call limits from the environment (kept apart from ``config`` to keep each module
about one thing): see the README's limits section."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dataaccess_server.api.limits import CallLimits, message_bytes_for

if TYPE_CHECKING:
    from dataaccess_server.config import _Reader


def read_call_limits(read: _Reader, *, max_batch: int) -> CallLimits:
    """The limits of DATAACCESS_MAX_DEADLINE, DATAACCESS_MAX_CONCURRENT_RPCS/_STREAMS and the
    DATAACCESS_STREAM_* variables; the message size is DATAACCESS_MAX_MESSAGE_BYTES, by
    default sized to a batch of ``max_batch`` records."""
    return CallLimits(
        max_deadline=read.duration("DATAACCESS_MAX_DEADLINE", 60.0, minimum=0.1),
        max_concurrent_rpcs=read.integer(
            "DATAACCESS_MAX_CONCURRENT_RPCS", 1000, minimum=1, maximum=1_000_000
        ),
        max_concurrent_streams=read.integer(
            "DATAACCESS_MAX_CONCURRENT_STREAMS", 100, minimum=1, maximum=1_000_000
        ),
        max_message_bytes=read.integer(
            "DATAACCESS_MAX_MESSAGE_BYTES",
            message_bytes_for(max_batch),
            minimum=64 * 1024,
            maximum=2**31 - 1,  # grpc's own bound
        ),
        stream_idle_timeout=read.duration("DATAACCESS_STREAM_IDLE_TIMEOUT", 30.0, minimum=0.1),
        stream_max_duration=read.duration("DATAACCESS_STREAM_MAX_DURATION", 600.0, minimum=0.1),
        validation_stream_max_duration=read.duration(
            "DATAACCESS_VALIDATION_STREAM_MAX_DURATION", 3600.0, minimum=0.1
        ),
    )
