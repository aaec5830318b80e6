"""What storage cannot hold, and how its errors are told: sums past bigint are
OUT_OF_RANGE naming the key (nothing written, the key still usable), timestamps are read
in UTC whatever zone the server's environment names, and the driver's errors are mapped
once (data errors INVALID_ARGUMENT, conflicts ABORTED). Real server, real PostgreSQL."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import UTC, date, datetime
from typing import Any

import grpc
import psycopg
import pytest
from google.rpc import code_pb2
from grpc import aio

from dataaccess.v1 import oauth_tokens_pb2 as tokens_pb
from dataaccess.v1 import usage_pb2 as usage_pb
from dataaccess_server.api.status import to_status
from dataaccess_server.app import Application
from dataaccess_server.db.errors import translated_errors
from dataaccess_server.domain.model.usage import COUNTERS, TOTALLED, UsageInput
from dataaccess_server.domain.usage import (
    MAX_COUNTER,
    SAFE_RECORDS_PER_KEY,
    check_records,
    check_sums,
    sum_by_key,
)
from dataaccess_server.errors import (
    DataAccessError,
    InvalidArgumentError,
    OutOfRangeError,
    TransactionAbortedError,
)
from tests.harness import leaks, stubs
from tests.harness.server import server_settings

BIGINT_MAX = 2**63 - 1
ACCESS = "ya29.storage-PLAINTEXT-dddddddddddddddddddddddddddddddddddddddd"
leaks.register_secret(ACCESS)


async def rpc_error(call: Awaitable[object]) -> aio.AioRpcError:
    with pytest.raises(aio.AioRpcError) as caught:
        await call
    return caught.value


def record(day: date, auth_id: str, **counters: int) -> usage_pb.UsageRecord:
    values: dict[str, Any] = dict(counters)
    return usage_pb.UsageRecord(
        provider="claude", model="m", auth_id=auth_id, date=day.isoformat(), **values
    )


def stored(dsn: str) -> list[tuple[str, int, int]]:
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "SELECT auth_id, input_tokens, request_count FROM usage_stats ORDER BY auth_id"
        ).fetchall()
    return [(str(row[0]), int(row[1]), int(row[2])) for row in rows]


# --- usage sums past bigint ------------------------------------------------------------


async def test_a_stored_sum_past_bigint_is_out_of_range_naming_the_key_and_writes_nothing(
    server: Application, channel: aio.Channel, pg_database: str, today: date
) -> None:
    usage = stubs.usage(channel)
    with psycopg.connect(pg_database) as conn:
        conn.execute(
            "INSERT INTO usage_stats (usage_date, provider, model, auth_id, input_tokens)"
            " VALUES (%s, 'claude', 'm', 'near-full', %s)",
            (today, BIGINT_MAX - 10),
        )
    before = stored(pg_database)
    batch = usage_pb.BatchUpsertUsageRequest(
        records=[
            record(today, "other", input_tokens=1),
            record(today, "near-full", input_tokens=11),
        ],
        request_id="batch-1",
    )
    error = await rpc_error(usage.BatchUpsertUsage(batch, timeout=5))
    assert error.code() == grpc.StatusCode.OUT_OF_RANGE, (error.code(), error.details())
    assert "auth_id 'near-full'" in (error.details() or "")
    assert stored(pg_database) == before  # not even the other key's increment
    # The key still takes what fits, and the refused batch's request id was not used up.
    fitting = usage_pb.BatchUpsertUsageRequest(
        records=[record(today, "near-full", input_tokens=10)], request_id="batch-1"
    )
    done = await usage.BatchUpsertUsage(fitting, timeout=5)
    assert not done.replayed
    assert ("near-full", BIGINT_MAX, 0) in stored(pg_database)


async def test_a_batch_summing_past_bigint_by_itself_is_out_of_range(
    server: Application, channel: aio.Channel, pg_database: str, today: date
) -> None:
    usage = stubs.usage(channel)
    # Each record is within bounds (2^53); 1025 of them for one key pass 2^63.
    batch = usage_pb.BatchUpsertUsageRequest(
        records=[record(today, "big", input_tokens=2**53) for _ in range(1025)]
    )
    error = await rpc_error(usage.BatchUpsertUsage(batch, timeout=10))
    assert error.code() == grpc.StatusCode.OUT_OF_RANGE, (error.code(), error.details())
    assert "auth_id 'big'" in (error.details() or "")
    assert stored(pg_database) == []


# --- the session time zone ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("variable", "value"),
    [("PGTZ", "Pacific/Kiritimati"), ("PGOPTIONS", "-c TimeZone=Pacific/Kiritimati")],
)
async def test_far_future_expiries_read_back_whatever_zone_the_environment_sets(
    pg_database: str, monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    # libpq applies these to every connection the server opens: in UTC+14 an expiry late
    # on 9999-12-31 (stored by an older server, or by hand) reads as a time in year
    # 10000, which Python cannot hold, and every list holding it would fail.
    monkeypatch.setenv(variable, value)
    expiry = datetime(9999, 12, 31, 12, tzinfo=UTC)
    app = Application(server_settings(pg_database))
    await app.start()
    try:
        async with aio.insecure_channel(f"127.0.0.1:{app.port}") as channel:
            tokens = stubs.oauth_tokens(channel)
            token = tokens_pb.OAuthToken(provider="claude", user_id="u", access_token=ACCESS)
            await tokens.UpsertOAuthToken(tokens_pb.UpsertOAuthTokenRequest(token=token))
            with psycopg.connect(pg_database) as conn:
                conn.execute("UPDATE oauth_tokens SET expiry_time = %s", (expiry,))
            listed = await tokens.ListOAuthTokens(tokens_pb.ListOAuthTokensRequest(), timeout=5)
    finally:
        await app.stop()
    (only,) = listed.tokens
    assert only.expiry_time.ToDatetime(tzinfo=UTC) == expiry


# --- driver errors, mapped once ------------------------------------------------------------


async def raised_by(dsn: str, statement: str, params: tuple[object, ...] = ()) -> DataAccessError:
    """The service error ``translated_errors`` makes of what ``statement`` raises."""
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
        with pytest.raises(DataAccessError) as caught:
            async with translated_errors("primary"):
                await conn.execute(statement, params)
    return caught.value


def raising(sqlstate: str) -> str:
    return f"DO $$ BEGIN RAISE EXCEPTION 'raised' USING ERRCODE = '{sqlstate}'; END $$"


@pytest.mark.parametrize(
    ("statement", "params"),
    [
        ("SELECT %s::text", ("a\x00b",)),  # refused by the driver before sending
        ("SELECT 'not-a-uuid'::uuid", ()),  # invalid text representation
        ("SELECT 2147483647::integer + 1", ()),  # numeric value out of range
        ("SELECT '10000-01-01'::timestamptz + interval '300000 years'", ()),  # datetime
        ("SELECT convert_from('\\xff'::bytea, 'UTF8')", ()),  # invalid byte sequence
    ],
)
async def test_data_errors_are_invalid_argument(
    pg_database: str, statement: str, params: tuple[object, ...]
) -> None:
    error = await raised_by(pg_database, statement, params)
    assert isinstance(error, InvalidArgumentError), repr(error)
    assert to_status(error).code == grpc.StatusCode.INVALID_ARGUMENT
    assert len(str(error)) < 300


@pytest.mark.parametrize("sqlstate", ["40001", "40P01"])
async def test_serialization_failures_and_deadlocks_are_aborted(
    pg_database: str, sqlstate: str
) -> None:
    error = await raised_by(pg_database, raising(sqlstate))
    assert isinstance(error, TransactionAbortedError), repr(error)
    assert to_status(error).code == grpc.StatusCode.ABORTED
    assert "retry" in str(error)


def test_out_of_range_maps_to_its_own_code() -> None:
    status = to_status(OutOfRangeError("too much"))
    assert status.code == grpc.StatusCode.OUT_OF_RANGE
    assert status.code.value[0] == code_pb2.OUT_OF_RANGE


# --- the overflow check's shortcut -------------------------------------------------------


@pytest.mark.parametrize("count", [SAFE_RECORDS_PER_KEY, SAFE_RECORDS_PER_KEY + 1])
def test_sums_are_checked_whenever_a_key_could_pass_bigint(count: int, today: date) -> None:
    # Every counter at its maximum, total_tokens three of them: the worst a key can get.
    maxed = {name: MAX_COUNTER for name in COUNTERS}
    records = [
        UsageInput(provider="p", model="m", auth_id="a", date=today.isoformat(), counters=maxed)
    ] * count + [
        UsageInput(
            provider="p", model="m", auth_id=f"other-{n}", date=today.isoformat(), counters=maxed
        )
        for n in range(50)
    ]
    checked = check_records(records, prefix="records", max_records=10_000)
    rows = sum_by_key(checked)
    total = count * len(TOTALLED) * MAX_COUNTER
    if total <= BIGINT_MAX:
        check_sums(rows, records=len(checked))  # the shortcut may skip: nothing can pass
    else:
        with pytest.raises(OutOfRangeError):
            check_sums(rows, records=len(checked))
    assert (total <= BIGINT_MAX) is (count <= SAFE_RECORDS_PER_KEY)
