"""api/convert/times.py: set_times gives what protobuf's FromDatetime gives, for aware
datetimes in any zone (its fast path) and naive ones (taken as UTC), over the range every
request's timestamps must lie in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from dataaccess.v1 import oauth_tokens_pb2 as pb
from dataaccess_server.api.convert.times import EARLIEST, LATEST, set_times

MOMENTS = [
    EARLIEST,
    LATEST,
    LATEST.replace(microsecond=999_999),
    datetime(2026, 12, 2, 1, 2, 3, 456_789, tzinfo=UTC),
    datetime(2026, 3, 8, 2, 30, tzinfo=timezone(timedelta(hours=-5))),
    datetime(2026, 3, 8, 2, 30, tzinfo=timezone(timedelta(hours=5, minutes=45))),
    datetime(2020, 2, 29, 23, 59, 59, 1),  # naive: UTC
]


@pytest.mark.parametrize("moment", MOMENTS, ids=str)
def test_set_times_equals_from_datetime(moment: datetime) -> None:
    ours, theirs = pb.OAuthToken(), pb.OAuthToken()
    set_times(ours, create_time=moment, update_time=None)
    theirs.create_time.FromDatetime(moment)
    assert ours.create_time == theirs.create_time
    assert not ours.HasField("update_time")
