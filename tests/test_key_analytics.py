"""Per-key analytics against a real PostgreSQL: validation counts flushed into the hourly
rollup add up across flushes and servers; GetKeyValidations answers from that rollup per
key and per owner, by hour and by day; GetKeySpend answers from the spend that real usage
writes add to key_spend_daily, with each budget in its current period as its ledger holds
it; bad questions are INVALID_ARGUMENT naming the field; both reads use the rollups'
(subject, time) indexes."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import grpc
import psycopg
import pytest
from google.protobuf import timestamp_pb2
from psycopg import sql

from dataaccess.v1 import analytics_pb2 as pb
from dataaccess.v1 import api_keys_pb2 as keys_pb
from dataaccess.v1 import usage_pb2
from dataaccess_server.app import Application
from dataaccess_server.db.key_analytics import (
    SPEND,
    SUBJECTS,
    VALIDATIONS,
    PostgresValidationCountStore,
)
from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.key_analytics import ValidationCounts
from dataaccess_server.domain.model.api_keys import APIKey, Reason
from dataaccess_server.domain.model.key_analytics import CountKey
from dataaccess_server.errors import DatabaseUnavailableError
from tests.harness import leaks, stubs
from tests.harness.waiting import wait_until

if TYPE_CHECKING:
    from dataaccess.v1.analytics_pb2_grpc import AnalyticsServiceAsyncStub
    from dataaccess.v1.api_keys_pb2_grpc import APIKeyServiceAsyncStub
    from dataaccess.v1.usage_pb2_grpc import UsageServiceAsyncStub

HOUR = 3600
# A fixed past day: whole hours of it, every count in the past.
BASE = datetime(2026, 3, 10, tzinfo=UTC)
R = keys_pb
VALID = R.API_KEY_VALIDATION_REASON_VALID
REVOKED = R.API_KEY_VALIDATION_REASON_REVOKED
RATE_LIMITED = R.API_KEY_VALIDATION_REASON_RATE_LIMITED
BUDGET_EXCEEDED = R.API_KEY_VALIDATION_REASON_BUDGET_EXCEEDED
KEY_A = "0191c7a0-0000-7000-8000-00000000000a"
KEY_B = "0191c7a0-0000-7000-8000-00000000000b"
KEY_C = "0191c7a0-0000-7000-8000-00000000000c"


def record(key_id: str, owner_id: str) -> APIKey:
    """A key's record as a validation has it (only id and owner matter here)."""
    return APIKey(
        id=key_id,
        key_prefix="dak_test",
        name="",
        description="",
        owner_id=owner_id,
        rate_limit_per_minute=None,
        expire_time=None,
        remaining_uses=None,
        metadata={},
        revoked_at=None,
        last_used_at=None,
        created_at=BASE,
        updated_at=BASE,
    )


def stamp(when: datetime) -> timestamp_pb2.Timestamp:
    value = timestamp_pb2.Timestamp()
    value.FromDatetime(when)
    return value


def at(hours: float) -> float:
    """Epoch seconds ``hours`` after BASE."""
    return BASE.timestamp() + hours * HOUR


def rollup(dsn: str) -> dict[tuple[datetime, str, str, str], int]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT hour, api_key_id::text, owner_id, reason, count FROM key_validation_hourly"
        ).fetchall()
    return {(hour, key, owner, reason): int(count) for hour, key, owner, reason, count in rows}


def counts(message: Any) -> dict[int, int]:
    return {entry.reason: entry.count for entry in message.counts}


class Unavailable:
    """A store that cannot be reached (what Cluster.run raises when no primary serves)."""

    async def add_validation_counts(
        self, counts: Mapping[CountKey, int], deadline: Deadline
    ) -> None:
        raise DatabaseUnavailableError("no primary")


# --- counting and flushing ------------------------------------------------------------


async def test_validation_counts_add_up_across_flushes_and_servers(
    two_apps: tuple[Application, Application], pg_database: str
) -> None:
    first, second = two_apps
    assert first.cluster is not None
    assert second.cluster is not None
    servers = [
        ValidationCounts(PostgresValidationCountStore(first.cluster)),
        ValidationCounts(PostgresValidationCountStore(second.cluster)),
    ]
    a, b = record(KEY_A, "owner-1"), record(KEY_B, "owner-1")
    for _ in range(3):
        servers[0].note(a, Reason.VALID, at(0.2))
    servers[0].note(a, Reason.RATE_LIMITED, at(0.9))
    servers[0].note(a, Reason.VALID, at(1.0))  # the next hour
    servers[0].note(None, Reason.NOT_FOUND, at(0.5))  # unknown keys are not counted
    servers[1].note(a, Reason.VALID, at(0.7))
    servers[1].note(b, Reason.REVOKED, at(0.1))
    assert await servers[0].flush(Deadline.after(5)) == 3
    assert await servers[1].flush(Deadline.after(5)) == 2
    assert await servers[0].flush(Deadline.after(5)) == 0  # nothing new
    # A flush that fails keeps its counts for the next, which adds them up.
    servers[1].note(a, Reason.VALID, at(0.3))
    reachable, servers[1].store = servers[1].store, Unavailable()
    with pytest.raises(DatabaseUnavailableError):
        await servers[1].flush(Deadline.after(5))
    servers[1].store = reachable
    servers[1].note(a, Reason.VALID, at(0.4))
    assert await servers[1].flush(Deadline.after(5)) == 1

    hour0, hour1 = BASE, BASE + timedelta(hours=1)
    assert await asyncio.to_thread(rollup, pg_database) == {
        (hour0, KEY_A, "owner-1", "valid"): 3 + 1 + 2,
        (hour0, KEY_A, "owner-1", "rate_limited"): 1,
        (hour1, KEY_A, "owner-1", "valid"): 1,
        (hour0, KEY_B, "owner-1", "revoked"): 1,
    }


async def test_the_server_flushes_its_validation_counts_with_last_used_times(
    server: Application, pg_database: str
) -> None:
    server.validation_counts.note(record(KEY_C, "owner-9"), Reason.DISABLED, at(2.5))
    expected = {(BASE + timedelta(hours=2), KEY_C, "owner-9", "disabled"): 1}

    async def flushed() -> bool:
        return await asyncio.to_thread(rollup, pg_database) == expected

    await wait_until(flushed, what="the flush loop to add the count")


# --- GetKeyValidations -----------------------------------------------------------------


@pytest.fixture
async def validations(server: Application) -> None:
    """Counts of two keys of owner-1 and one of owner-2 over two days, flushed."""
    assert server.cluster is not None
    tally = ValidationCounts(PostgresValidationCountStore(server.cluster))
    a, b, c = record(KEY_A, "owner-1"), record(KEY_B, "owner-1"), record(KEY_C, "owner-2")
    for hours, key, reason, times in [
        (0.5, a, Reason.VALID, 5),
        (0.6, a, Reason.RATE_LIMITED, 2),
        (3.1, a, Reason.VALID, 1),
        (1.2, b, Reason.BUDGET_EXCEEDED, 4),
        (1.3, b, Reason.VALID, 3),
        (25.0, a, Reason.VALID, 7),  # the next day
        (0.5, c, Reason.VALID, 100),  # another owner
    ]:
        for _ in range(times):
            tally.note(key, reason, at(hours))
    await tally.flush(Deadline.after(5))


async def test_key_validations_by_hour_of_one_key(
    analytics_stub: AnalyticsServiceAsyncStub, validations: None
) -> None:
    reply = await analytics_stub.GetKeyValidations(
        pb.GetKeyValidationsRequest(
            api_key_id=KEY_A.upper(),  # ids are not case-sensitive
            start_time=stamp(BASE + timedelta(minutes=10)),  # widened to whole hours
            end_time=stamp(BASE + timedelta(hours=3, minutes=5)),
            granularity=pb.GRANULARITY_HOUR,
        )
    )
    assert reply.start_time.ToDatetime(UTC) == BASE
    assert reply.end_time.ToDatetime(UTC) == BASE + timedelta(hours=4)
    assert [p.time.ToDatetime(UTC) for p in reply.points] == [
        BASE + timedelta(hours=n) for n in range(4)
    ]
    assert [(p.total, counts(p)) for p in reply.points] == [
        (7, {VALID: 5, RATE_LIMITED: 2}),
        (0, {}),
        (0, {}),
        (1, {VALID: 1}),
    ]
    assert (reply.total, counts(reply)) == (8, {VALID: 6, RATE_LIMITED: 2})
    assert [entry.reason for entry in reply.counts] == [VALID, RATE_LIMITED]  # by number
    assert reply.HasField("as_of_time")


async def test_key_validations_by_day_of_an_owner(
    analytics_stub: AnalyticsServiceAsyncStub, validations: None
) -> None:
    reply = await analytics_stub.GetKeyValidations(
        pb.GetKeyValidationsRequest(
            owner_id="owner-1",
            start_time=stamp(BASE + timedelta(hours=5)),
            end_time=stamp(BASE + timedelta(days=2)),
            granularity=pb.GRANULARITY_DAY,
        )
    )
    assert reply.start_time.ToDatetime(UTC) == BASE
    assert [(p.time.ToDatetime(UTC), p.total, counts(p)) for p in reply.points] == [
        (BASE, 15, {VALID: 9, RATE_LIMITED: 2, BUDGET_EXCEEDED: 4}),
        (BASE + timedelta(days=1), 7, {VALID: 7}),
    ]
    assert (reply.total, counts(reply)) == (22, {VALID: 16, RATE_LIMITED: 2, BUDGET_EXCEEDED: 4})
    # Another owner, and an owner without validations: zeros, not an error.
    first_day = pb.GetKeyValidationsRequest(
        start_time=stamp(BASE), end_time=stamp(BASE + timedelta(days=1))
    )
    other_owner = pb.GetKeyValidationsRequest(owner_id="owner-2", granularity=pb.GRANULARITY_DAY)
    other_owner.MergeFrom(first_day)
    other = await analytics_stub.GetKeyValidations(other_owner)
    assert (other.total, counts(other)) == (100, {VALID: 100})
    no_owner = pb.GetKeyValidationsRequest(owner_id="nobody", granularity=pb.GRANULARITY_HOUR)
    no_owner.MergeFrom(first_day)
    nobody = await analytics_stub.GetKeyValidations(no_owner)
    assert nobody.total == 0
    assert len(nobody.points) == 24
    assert all(p.total == 0 and not p.counts for p in nobody.points)


# --- GetKeySpend -----------------------------------------------------------------------

# Stand-ins for migration 0015's policy clock (dataaccess_now, policy_period), created
# only when the schema lacks them: the daily period in a time zone, the clock now().
CLOCK_STAND_INS = """
CREATE FUNCTION dataaccess_now() RETURNS timestamptz LANGUAGE sql STABLE AS 'SELECT now()';
CREATE FUNCTION policy_period(period text, anchor integer, time_zone text, at timestamptz,
    OUT period_start timestamptz, OUT period_end timestamptz)
LANGUAGE sql STABLE AS $$
    SELECT date_trunc('day', at AT TIME ZONE time_zone) AT TIME ZONE time_zone,
           (date_trunc('day', at AT TIME ZONE time_zone) + interval '1 day') AT TIME ZONE time_zone
    WHERE period = 'daily'
$$;
"""


def ensure_clock(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute("SELECT to_regproc('dataaccess_now')").fetchone()
        if row is None or row[0] is None:
            conn.execute(CLOCK_STAND_INS)


def add_budget(dsn: str, *, key_id: str = "", owner_id: str = "", name: str, amount: int) -> None:
    """A daily UTC budget of a key or an owner, as the management RPCs would store it."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        if owner_id:
            conn.execute(
                "INSERT INTO key_owner_policies (owner_id) VALUES (%s) ON CONFLICT DO NOTHING",
                (owner_id,),
            )
        conn.execute(
            "INSERT INTO key_limits (id, api_key_id, owner_id, name, unit, amount, period)"
            " VALUES (gen_random_uuid(), %s, %s, %s, 'cost', %s, 'daily')",
            (key_id or None, owner_id or None, name, amount),
        )


async def create_key(stub: APIKeyServiceAsyncStub, owner_id: str) -> str:
    reply = await stub.CreateAPIKey(
        keys_pb.CreateAPIKeyRequest(api_key=keys_pb.APIKey(name="k", owner_id=owner_id)),
        timeout=5,
    )
    leaks.register_secret(reply.key)
    return reply.api_key.id


async def spend(
    usage: UsageServiceAsyncStub, key_id: str, day: date, *, tokens: int, cost: int
) -> None:
    record = usage_pb2.UsageRecord(
        provider="openai",
        model="gpt-4o",
        auth_id="auth-1",
        date=day.isoformat(),
        request_count=1,
        input_tokens=tokens,
        cost=cost,
        api_key_id=key_id,
    )
    await usage.UpsertUsage(usage_pb2.UpsertUsageRequest(record=record), timeout=5)


def spend_day(day: date, requests: int, tokens: int, cost: int) -> pb.KeySpendDay:
    return pb.KeySpendDay(
        date=day.isoformat(),
        spend=pb.KeySpendTotals(requests=requests, tokens=tokens, cost=cost),
    )


async def test_key_spend_per_day_and_against_budgets(
    server: Application,
    channel: grpc.aio.Channel,
    analytics_stub: AnalyticsServiceAsyncStub,
    api_keys_stub: APIKeyServiceAsyncStub,
    pg_database: str,
    today: date,
) -> None:
    await asyncio.to_thread(ensure_clock, pg_database)
    usage = stubs.usage(channel)
    first = await create_key(api_keys_stub, "team-1")
    second = await create_key(api_keys_stub, "team-1")
    await asyncio.to_thread(add_budget, pg_database, key_id=first, name="daily", amount=1_000)
    await asyncio.to_thread(add_budget, pg_database, owner_id="team-1", name="team", amount=5_000)
    await spend(usage, first, today, tokens=10, cost=300)
    await spend(usage, first, today, tokens=20, cost=200)
    await spend(usage, second, today, tokens=5, cost=1_500)
    # Spend of an earlier day (history the rollup already holds): read as it is.
    yesterday = today - timedelta(days=1)
    with psycopg.connect(pg_database, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO key_spend_daily VALUES (%s, %s, 'team-1', 4, 40, 400)", (yesterday, first)
        )

    by_key = await analytics_stub.GetKeySpend(
        pb.GetKeySpendRequest(
            api_key_id=first,
            start_date=(today - timedelta(days=2)).isoformat(),
            end_date=today.isoformat(),
        )
    )
    assert list(by_key.days) == [
        spend_day(today - timedelta(days=2), 0, 0, 0),
        spend_day(yesterday, 4, 40, 400),
        spend_day(today, 2, 30, 500),
    ]
    assert by_key.total == pb.KeySpendTotals(requests=6, tokens=70, cost=900)
    midnight = datetime.combine(today, datetime.min.time(), UTC)
    assert [
        (
            b.scope,
            b.budget.name,
            b.budget.limit,
            b.budget.period,
            b.taken,
            b.remaining,
            b.period_start.ToDatetime(UTC),
            b.reset_time.ToDatetime(UTC),
        )
        for b in by_key.budgets
    ] == [
        (R.LIMIT_SCOPE_KEY, "daily", 1_000, R.BUDGET_PERIOD_DAILY, 500, 500, midnight,
         midnight + timedelta(days=1)),
        (R.LIMIT_SCOPE_OWNER, "team", 5_000, R.BUDGET_PERIOD_DAILY, 2_000, 3_000, midnight,
         midnight + timedelta(days=1)),
    ]  # fmt: skip
    assert by_key.HasField("as_of_time")

    by_owner = await analytics_stub.GetKeySpend(
        pb.GetKeySpendRequest(
            owner_id="team-1", start_date=today.isoformat(), end_date=today.isoformat()
        )
    )
    assert list(by_owner.days) == [spend_day(today, 3, 35, 2_000)]
    assert [(b.scope, b.budget.name, b.taken) for b in by_owner.budgets] == [
        (R.LIMIT_SCOPE_OWNER, "team", 2_000)
    ]
    # A key of another owner: its days are zeros and no budget applies.
    other = await create_key(api_keys_stub, "team-2")
    alone = await analytics_stub.GetKeySpend(
        pb.GetKeySpendRequest(
            api_key_id=other, start_date=today.isoformat(), end_date=today.isoformat()
        )
    )
    assert list(alone.days) == [spend_day(today, 0, 0, 0)]
    assert not alone.budgets


# --- bad questions ---------------------------------------------------------------------

HOURS = {"start_time": stamp(BASE), "end_time": stamp(BASE + timedelta(hours=1))}
DAYS = {"start_date": "2026-03-01", "end_date": "2026-03-02"}
SERIES = {**HOURS, "granularity": pb.GRANULARITY_HOUR}
BAD_REQUESTS = [
    ("GetKeyValidations", SERIES, "api_key_id", "exactly one of"),
    ("GetKeyValidations", {**SERIES, "api_key_id": KEY_A, "owner_id": "o"}, "owner_id", "one of"),
    ("GetKeyValidations", {**SERIES, "api_key_id": "not-a-uuid"}, "api_key_id", "UUID"),
    ("GetKeyValidations", {**SERIES, "owner_id": "o" * 257}, "owner_id", "256"),
    ("GetKeyValidations", {**HOURS, "owner_id": "o"}, "granularity", "HOUR or DAY"),
    ("GetKeyValidations", {"owner_id": "o", "granularity": 1}, "start_time", "required"),
    (
        "GetKeyValidations",
        {"owner_id": "o", "granularity": 1, "start_time": stamp(BASE), "end_time": stamp(BASE)},
        "end_time",
        "after start_time",
    ),
    (
        "GetKeyValidations",
        {**SERIES, "owner_id": "o", "end_time": stamp(BASE + timedelta(days=300))},
        "granularity",
        "7200 points",
    ),
    (
        "GetKeyValidations",
        {**SERIES, "owner_id": "o", "end_time": stamp(BASE + timedelta(days=400))},
        "end_time",
        "366 days",
    ),
    ("GetKeySpend", DAYS, "api_key_id", "exactly one of"),
    ("GetKeySpend", {**DAYS, "api_key_id": "x"}, "api_key_id", "UUID"),
    ("GetKeySpend", {"owner_id": "o", "end_date": "2026-03-02"}, "start_date", "required"),
    ("GetKeySpend", {**DAYS, "owner_id": "o", "end_date": "2026-3-2"}, "end_date", "YYYY-MM-DD"),
    ("GetKeySpend", {**DAYS, "owner_id": "o", "end_date": "2026-02-01"}, "end_date", "before"),
    ("GetKeySpend", {**DAYS, "owner_id": "o", "end_date": "2027-12-01"}, "end_date", "366 days"),
]  # fmt: skip


async def refusal(call: Awaitable[object]) -> tuple[grpc.StatusCode, str]:
    """The status and details a call fails with (the test fails if it succeeds)."""
    try:
        await call
    except grpc.aio.AioRpcError as error:
        return error.code(), error.details() or ""
    pytest.fail("the call succeeded")


@pytest.mark.parametrize(("method", "fields", "field", "message"), BAD_REQUESTS)
async def test_bad_questions_are_invalid_argument_naming_the_field(
    analytics_stub: AnalyticsServiceAsyncStub,
    method: str,
    fields: dict[str, Any],
    field: str,
    message: str,
) -> None:
    request = getattr(pb, f"{method}Request")(**fields)
    code, details = await refusal(getattr(analytics_stub, method)(request))
    assert code == grpc.StatusCode.INVALID_ARGUMENT, details
    assert field in details, details
    assert message in details, details


# --- plans -----------------------------------------------------------------------------


def plan(conn: psycopg.Connection[Any], query: str, params: dict[str, Any]) -> str:
    rows = conn.execute(sql.SQL("EXPLAIN " + query), params).fetchall()
    return "\n".join(str(row[0]) for row in rows)


def test_key_reads_use_the_rollup_indexes(pg_database: str) -> None:
    params: dict[str, Any] = {
        "start_time": BASE,
        "end_time": BASE + timedelta(days=30),
        "unit": "hour",
        "start_date": BASE.date(),
        "end_date": BASE.date() + timedelta(days=30),
    }
    with psycopg.connect(pg_database, autocommit=True) as conn:
        # Rows of many keys and owners, so that a scan of everything costs what it would.
        conn.execute(
            "INSERT INTO key_validation_hourly"
            " SELECT %s::timestamptz + h * interval '1 hour', k, 'owner-' || (n %% 50),"
            " 'valid', 1 FROM (SELECT gen_random_uuid() AS k, n FROM generate_series(1, 2000) n)"
            " keys, generate_series(0, 23) h",
            (BASE,),
        )
        conn.execute(
            "INSERT INTO key_spend_daily SELECT day, k, 'owner-' || (n %% 50), 1, 1, 1"
            " FROM (SELECT gen_random_uuid() AS k, n FROM generate_series(1, 2000) n) keys,"
            " generate_series(%s::date, %s::date, interval '1 day') day",
            (BASE.date(), BASE.date() + timedelta(days=20)),
        )
        conn.execute("ANALYZE key_validation_hourly, key_spend_daily")
        for kind, value, table in [("key", KEY_A, "key"), ("owner", "owner-7", "owner")]:
            found = plan(
                conn, VALIDATIONS.replace("{subject}", SUBJECTS[kind]), {**params, "subject": value}
            )
            assert f"key_validation_hourly_{table}_idx" in found, found
            found = plan(
                conn, SPEND.replace("{subject}", SUBJECTS[kind]), {**params, "subject": value}
            )
            assert f"key_spend_daily_{table}_idx" in found, found
