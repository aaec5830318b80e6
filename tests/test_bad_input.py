"""Bad input answers a clear error naming the field, and writes nothing: one regression
test per class of input that reached the database (or the decoder) and came back
INTERNAL or UNKNOWN. Real server, real PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import grpc
import psycopg
import pytest
from google.protobuf import duration_pb2, struct_pb2, timestamp_pb2
from google.rpc import error_details_pb2, status_pb2
from grpc import aio

from dataaccess.v1 import api_keys_pb2 as keys_pb
from dataaccess.v1 import oauth_tokens_pb2 as tokens_pb
from dataaccess.v1 import request_logs_pb2 as logs_pb
from dataaccess.v1 import usage_pb2 as usage_pb
from tests.harness import leaks

if TYPE_CHECKING:
    from dataaccess.v1.api_keys_pb2_grpc import APIKeyServiceAsyncStub
    from dataaccess.v1.oauth_tokens_pb2_grpc import OAuthTokenServiceAsyncStub
    from dataaccess.v1.request_logs_pb2_grpc import RequestLogServiceAsyncStub
    from dataaccess.v1.usage_pb2_grpc import UsageServiceAsyncStub

ACCESS = "ya29.bad-input-PLAINTEXT-cccccccccccccccccccccccccccccccccccccccc"
leaks.register_secret(ACCESS)
TABLES = ("api_keys", "oauth_tokens", "usage_stats", "request_logs")


async def rpc_error(call: Awaitable[object]) -> aio.AioRpcError:
    with pytest.raises(aio.AioRpcError) as caught:
        await call
    return caught.value


def violations(error: aio.AioRpcError) -> list[str]:
    """The fields of the BadRequest detail of ``error``."""
    status = status_pb2.Status()
    for key, value in error.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            status.ParseFromString(value)
    bad_request = error_details_pb2.BadRequest()
    assert status.details, error.details()
    assert status.details[0].Unpack(bad_request), error.details()
    return [item.field for item in bad_request.field_violations]


def row_counts(dsn: str) -> dict[str, int]:
    with psycopg.connect(dsn) as conn:
        return {
            table: int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # type: ignore[index]
            for table in TABLES
        }


async def refused(call: Awaitable[object], field: str) -> aio.AioRpcError:
    """The call's INVALID_ARGUMENT, which must name ``field``."""
    error = await rpc_error(call)
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, (error.code(), error.details())
    assert field in violations(error), (field, error.details())
    return error


def log(**fields: Any) -> logs_pb.RequestLog:
    values: dict[str, Any] = {"request_id": "r-1", "provider": "claude", "latency_ms": 5}
    values.update(fields)
    message = logs_pb.RequestLog(**values)
    if "request_time" not in fields:  # required: a resend must be recognised
        message.request_time.FromDatetime(datetime.now(UTC))
    return message


def batch(*logs: logs_pb.RequestLog) -> logs_pb.BatchInsertRequestLogsRequest:
    return logs_pb.BatchInsertRequestLogsRequest(logs=logs)


def stamp(when: datetime) -> timestamp_pb2.Timestamp:
    message = timestamp_pb2.Timestamp()
    message.FromDatetime(when)
    return message


# --- NUL characters -------------------------------------------------------------------


async def test_a_nul_in_any_text_field_is_invalid_argument_naming_it(
    api_keys_stub: APIKeyServiceAsyncStub,
    oauth_tokens_stub: OAuthTokenServiceAsyncStub,
    request_logs_stub: RequestLogServiceAsyncStub,
    usage_stub: UsageServiceAsyncStub,
    pg_database: str,
) -> None:
    before = row_counts(pg_database)
    await refused(
        api_keys_stub.CreateAPIKey(
            keys_pb.CreateAPIKeyRequest(api_key=keys_pb.APIKey(owner_id="o", name="a\x00b"))
        ),
        "api_key.name",
    )
    await refused(
        api_keys_stub.ListAPIKeys(keys_pb.ListAPIKeysRequest(owner_id="\x00")), "owner_id"
    )
    await refused(
        oauth_tokens_stub.GetOAuthToken(
            tokens_pb.GetOAuthTokenRequest(provider="claude", user_id="u\x00")
        ),
        "user_id",
    )
    await refused(
        request_logs_stub.BatchInsertRequestLogs(
            batch(log(), log(request_id="r-2", user_agent="x\x00"))
        ),
        "logs[1].user_agent",
    )
    await refused(
        usage_stub.UpsertUsage(
            usage_pb.UpsertUsageRequest(
                record=usage_pb.UsageRecord(
                    provider="claude", model="m", auth_id="a", date="2026-01-01"
                ),
                request_id="id\x00",
            )
        ),
        "request_id",
    )
    metadata = struct_pb2.Struct()
    metadata.update({"k\x00": "v"})
    await refused(
        api_keys_stub.CreateAPIKey(
            keys_pb.CreateAPIKeyRequest(api_key=keys_pb.APIKey(owner_id="o", metadata=metadata))
        ),
        "api_key.metadata.fields",
    )
    assert row_counts(pg_database) == before


# --- numbers the columns cannot hold ---------------------------------------------------


async def test_nan_or_infinity_in_metadata_is_invalid_argument_naming_it(
    api_keys_stub: APIKeyServiceAsyncStub,
    oauth_tokens_stub: OAuthTokenServiceAsyncStub,
    pg_database: str,
) -> None:
    before = row_counts(pg_database)
    nan = struct_pb2.Struct()
    nan.update({"score": float("nan")})
    await refused(
        api_keys_stub.CreateAPIKey(
            keys_pb.CreateAPIKeyRequest(api_key=keys_pb.APIKey(owner_id="o", metadata=nan))
        ),
        "api_key.metadata",
    )
    infinite = struct_pb2.Struct()
    infinite.update({"deep": {"list": [1, float("-inf")]}})
    token = tokens_pb.OAuthToken(
        provider="claude", user_id="u", access_token=ACCESS, metadata=infinite
    )
    await refused(
        oauth_tokens_stub.UpsertOAuthToken(tokens_pb.UpsertOAuthTokenRequest(token=token)),
        "token.metadata",
    )
    assert row_counts(pg_database) == before


async def test_latency_ms_is_bounded_by_its_integer_column(
    request_logs_stub: RequestLogServiceAsyncStub, pg_database: str
) -> None:
    before = row_counts(pg_database)
    await refused(
        request_logs_stub.BatchInsertRequestLogs(batch(log(latency_ms=2**31))),
        "logs[0].latency_ms",
    )
    assert row_counts(pg_database) == before
    done = await request_logs_stub.BatchInsertRequestLogs(batch(log(latency_ms=2**31 - 1)))
    assert done.inserted == 1


async def test_a_grace_period_near_int64_max_is_refused_before_any_arithmetic(
    api_keys_stub: APIKeyServiceAsyncStub,
) -> None:
    created = await api_keys_stub.CreateAPIKey(
        keys_pb.CreateAPIKeyRequest(api_key=keys_pb.APIKey(owner_id="o"))
    )
    leaks.register_secret(created.key)
    for seconds in (2**63 - 1, -(2**63), 315_576_000_000):
        grace = duration_pb2.Duration(seconds=seconds)
        await refused(
            api_keys_stub.RotateAPIKey(
                keys_pb.RotateAPIKeyRequest(id=created.api_key.id, grace_period=grace)
            ),
            "grace_period",
        )


# --- addresses and timestamps ----------------------------------------------------------


async def test_an_ipv6_address_with_a_zone_id_is_refused(
    request_logs_stub: RequestLogServiceAsyncStub, pg_database: str
) -> None:
    before = row_counts(pg_database)
    await refused(
        request_logs_stub.BatchInsertRequestLogs(batch(log(client_ip="fe80::1%eth0"))),
        "logs[0].client_ip",
    )
    assert row_counts(pg_database) == before
    done = await request_logs_stub.BatchInsertRequestLogs(batch(log(client_ip="fe80::1")))
    assert done.inserted == 1


async def test_timestamps_outside_the_documented_range_name_their_field(
    api_keys_stub: APIKeyServiceAsyncStub,
    oauth_tokens_stub: OAuthTokenServiceAsyncStub,
    pg_database: str,
) -> None:
    before = row_counts(pg_database)
    last_day = datetime(9999, 12, 31, 12, tzinfo=UTC)
    error = await refused(
        api_keys_stub.CreateAPIKey(
            keys_pb.CreateAPIKeyRequest(
                api_key=keys_pb.APIKey(owner_id="o", expire_time=stamp(last_day))
            )
        ),
        "api_key.expire_time",
    )
    assert "9999-12-30T23:59:59Z" in (error.details() or "")
    year_one = stamp(datetime(1, 1, 1, tzinfo=UTC))
    await refused(
        oauth_tokens_stub.ListOAuthTokens(
            tokens_pb.ListOAuthTokensRequest(expiring_before=year_one)
        ),
        "expiring_before",
    )
    assert row_counts(pg_database) == before
    # The last second of the range is stored and read back.
    latest = datetime(9999, 12, 30, 23, 59, 59, tzinfo=UTC)
    token = tokens_pb.OAuthToken(
        provider="claude", user_id="u", access_token=ACCESS, expiry_time=stamp(latest)
    )
    await oauth_tokens_stub.UpsertOAuthToken(tokens_pb.UpsertOAuthTokenRequest(token=token))
    (listed,) = (await oauth_tokens_stub.ListOAuthTokens(tokens_pb.ListOAuthTokensRequest())).tokens
    assert listed.expiry_time.ToDatetime(tzinfo=UTC) == latest


# --- request decoding --------------------------------------------------------------------

UNDECODABLE = {
    # A length prefix promising more bytes than follow.
    "truncated": b"\x0a\x05ab",
    # Field 1 (id, a string) holding bytes that are not UTF-8.
    "not utf-8": b"\x0a\x02\xff\xfe",
}


@pytest.mark.parametrize("body", list(UNDECODABLE.values()), ids=list(UNDECODABLE))
async def test_an_undecodable_request_is_invalid_argument_in_plain_words(
    channel: aio.Channel, body: bytes
) -> None:
    unary: Any = channel.unary_unary("/dataaccess.v1.APIKeyService/GetAPIKey")
    error = await rpc_error(unary(body, timeout=5))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, (error.code(), error.details())
    text = error.details() or ""
    assert "not a valid message" in text
    assert "Error" not in text, text
    assert "Exception" not in text, text


async def test_an_undecodable_stream_message_is_invalid_argument_and_stores_nothing(
    channel: aio.Channel, pg_database: str
) -> None:
    good = logs_pb.StreamRequestLogsRequest(logs=[log()]).SerializeToString()

    async def messages() -> AsyncIterator[bytes]:
        yield good
        yield b"\x0a\x05ab"

    streaming: Any = channel.stream_unary("/dataaccess.v1.RequestLogService/StreamRequestLogs")
    error = await rpc_error(streaming(messages(), timeout=5))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, (error.code(), error.details())
    assert "Error" not in (error.details() or "")


# --- echoes --------------------------------------------------------------------------------


async def test_a_huge_stale_etag_is_not_echoed_whole(
    oauth_tokens_stub: OAuthTokenServiceAsyncStub,
) -> None:
    token = tokens_pb.OAuthToken(provider="claude", user_id="u", access_token=ACCESS)
    stored = await oauth_tokens_stub.UpsertOAuthToken(
        tokens_pb.UpsertOAuthTokenRequest(token=token)
    )
    update = tokens_pb.UpdateOAuthTokenRequest(
        token=tokens_pb.OAuthToken(id=stored.token.id, email="a@example.com"),
        etag="e" * 1_000_000,
    )
    error = await rpc_error(oauth_tokens_stub.UpdateOAuthToken(update, timeout=5))
    assert error.code() == grpc.StatusCode.ABORTED, (error.code(), (error.details() or "")[:200])
    assert len(error.details() or "") < 500
