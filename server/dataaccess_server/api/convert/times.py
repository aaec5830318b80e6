"""Timestamps: the checks and conversions every service's messages share."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from google.protobuf import message as message_types
from google.protobuf import timestamp_pb2

from dataaccess_server.errors import InvalidArgumentError

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# The range every timestamp of a request must lie in. The columns (timestamptz) hold far
# more, but Python's datetime stops at 9999-12-31 and the SQL adds hours and days to
# some values (buckets, grace periods): a day of headroom below that keeps every value
# readable back. Nothing this service stores predates the epoch.
EARLIEST = EPOCH
LATEST = datetime(9999, 12, 30, 23, 59, 59, tzinfo=UTC)
RANGE = f"{EARLIEST:%Y-%m-%dT%H:%M:%SZ} and {LATEST:%Y-%m-%dT%H:%M:%SZ}"
_MIN_SECONDS = int((EARLIEST - EPOCH).total_seconds())
MAX_SECONDS = int((LATEST - EPOCH).total_seconds())


def set_times(message: message_types.Message, **times: datetime | None) -> None:
    """Set the Timestamp fields named by ``times``; None leaves a field unset.

    An aware datetime (what the database returns) is set from its distance to the epoch,
    what ``FromDatetime`` computes at several times the cost (it is paid on every read);
    a naive one (taken as UTC, as ``FromDatetime`` takes it) goes through it."""
    for name, value in times.items():
        if value is None:
            continue
        stamp = getattr(message, name)
        if value.tzinfo is None:
            stamp.FromDatetime(value)
            continue
        since = value - EPOCH
        stamp.seconds = since.days * 86_400 + since.seconds
        stamp.nanos = since.microseconds * 1000


def timestamp(seconds: float) -> timestamp_pb2.Timestamp:
    stamp = timestamp_pb2.Timestamp()
    stamp.FromNanoseconds(int(seconds * 1e9))
    return stamp


def timestamp_from_proto(message: message_types.Message, name: str, path: str) -> datetime | None:
    """The datetime (UTC) of timestamp field ``name`` of ``message``, None if unset.

    INVALID_ARGUMENT naming ``path`` for a timestamp outside ``RANGE`` (1970-01-01 to
    9999-12-30) or with invalid nanoseconds.
    """
    if not message.HasField(name):
        return None
    stamp: timestamp_pb2.Timestamp = getattr(message, name)
    if not 0 <= stamp.nanos < 10**9:
        raise InvalidArgumentError.single(path, "is not a valid timestamp (nanos out of range)")
    if not _MIN_SECONDS <= stamp.seconds <= MAX_SECONDS:
        raise InvalidArgumentError.single(path, f"must be between {RANGE}")
    # What ToDatetime(tzinfo=UTC) returns, at a fraction of its cost (it is paid per log).
    return EPOCH + timedelta(seconds=stamp.seconds, microseconds=stamp.nanos // 1000)
