"""Key limits and budgets on one server against a real PostgreSQL: reserve, then settle
(acceptance 2 of issue 18), budgets charged by usage writes, a monthly budget's reset
at local midnight across daylight-saving changes with the clock set through the
database (acceptance 3), and the refusals naming what decided them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import psycopg
import pytest
from google.protobuf import duration_pb2, field_mask_pb2

from dataaccess.v1 import api_keys_pb2 as pb
from dataaccess.v1 import usage_pb2
from tests.harness import leaks, stubs

if TYPE_CHECKING:
    from grpc import aio

    from dataaccess.v1.api_keys_pb2_grpc import APIKeyServiceAsyncStub
    from dataaccess.v1.usage_pb2_grpc import UsageServiceAsyncStub

VALID = pb.API_KEY_VALIDATION_REASON_VALID
LIMIT_EXCEEDED = pb.API_KEY_VALIDATION_REASON_LIMIT_EXCEEDED
BUDGET_EXCEEDED = pb.API_KEY_VALIDATION_REASON_BUDGET_EXCEEDED
MONTH = duration_pb2.Duration(seconds=31 * 86_400)


def set_clock(dsn: str, at: datetime) -> None:
    """Move the database's policy clock (migration 0015) so that now() reads ``at``."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            "UPDATE policy_clock SET offset_seconds = extract(epoch FROM %s::timestamptz - now())",
            (at,),
        )


def ledger(dsn: str, key_id: str) -> dict[str, int]:
    """taken per limit name in the ledger's newest period of each of the key's limits."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT DISTINCT ON (l.name) l.name, g.taken FROM key_limit_ledger g"
            " JOIN key_limits l ON l.id = g.limit_id WHERE l.api_key_id = %s"
            " ORDER BY l.name, g.period_start DESC",
            (key_id,),
        ).fetchall()
    return {name: int(taken) for name, taken in rows}


async def create(stub: APIKeyServiceAsyncStub, **settings: Any) -> pb.CreateAPIKeyResponse:
    settings.setdefault("owner_id", "auth-1")
    reply = await stub.CreateAPIKey(
        pb.CreateAPIKeyRequest(api_key=pb.APIKey(**settings)), timeout=5
    )
    leaks.register_secret(reply.key)
    return reply


def remaining(reply: pb.ValidateAPIKeyResponse) -> dict[str, int]:
    return {state.name: state.remaining for state in reply.limits}


async def settle(
    usage: UsageServiceAsyncStub,
    key_id: str,
    *,
    reservation_id: str = "",
    request_id: str = "",
    input_tokens: int = 0,
    output_tokens: int = 0,
    cost: int = 0,
) -> usage_pb2.UpsertUsageResponse:
    record = usage_pb2.UsageRecord(
        provider="openai",
        model="gpt-4o",
        auth_id="auth-1",
        date=datetime.now(UTC).date().isoformat(),
        request_count=1,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        cost=cost,
        api_key_id=key_id,
        reservation_id=reservation_id,
    )
    return await usage.UpsertUsage(
        usage_pb2.UpsertUsageRequest(record=record, request_id=request_id), timeout=5
    )


@pytest.fixture
def usage(channel: aio.Channel) -> UsageServiceAsyncStub:
    return stubs.usage(channel)


@pytest.fixture
def midday(pg_database: str) -> datetime:
    """The database's clock set to 12:00 UTC today: no day ends during the test."""
    at = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    set_clock(pg_database, at)
    return at


async def test_reserve_then_settle_restores_the_difference_exactly(
    api_keys_stub: APIKeyServiceAsyncStub,
    usage: UsageServiceAsyncStub,
    pg_database: str,
    midday: datetime,
) -> None:
    created = await create(
        api_keys_stub,
        limits=[pb.Limit(name="tpm", unit=pb.LIMIT_UNIT_TOKENS, window=MONTH, limit=10_000)],
        budgets=[pb.Budget(name="daily", limit=100_000, period=pb.BUDGET_PERIOD_DAILY)],
    )
    key, key_id = created.key, created.api_key.id
    first = await api_keys_stub.ValidateAPIKey(
        pb.ValidateAPIKeyRequest(key=key, tokens=3_000, cost=20_000, reserve=True), timeout=5
    )
    assert first.valid, first
    assert first.reservation_id
    assert first.reservation_expire_time.ToDatetime(UTC) > midday
    assert remaining(first) == {"tpm": 7_000, "daily": 80_000}

    # With the reservation outstanding, further validations see the reduced remaining.
    second = await api_keys_stub.ValidateAPIKey(pb.ValidateAPIKeyRequest(key=key), timeout=5)
    assert second.valid
    assert remaining(second) == {"tpm": 7_000, "daily": 80_000}
    over = await api_keys_stub.ValidateAPIKey(
        pb.ValidateAPIKeyRequest(key=key, tokens=7_001), timeout=5
    )
    assert (over.valid, over.reason, over.decided_by) == (False, LIMIT_EXCEEDED, "key.limits.tpm")
    too_dear = await api_keys_stub.ValidateAPIKey(
        pb.ValidateAPIKeyRequest(key=key, cost=80_001), timeout=5
    )
    assert (too_dear.reason, too_dear.decided_by) == (BUDGET_EXCEEDED, "key.budgets.daily")

    # The actual: 1,500 tokens and 12,000 cost units. The estimate is released and the
    # actual charged: the difference comes back exactly.
    settled = await settle(
        usage,
        key_id,
        reservation_id=first.reservation_id,
        input_tokens=1_000,
        output_tokens=500,
        cost=12_000,
    )
    assert settled.reservations_settled == 1
    after = await api_keys_stub.ValidateAPIKey(pb.ValidateAPIKeyRequest(key=key), timeout=5)
    assert remaining(after) == {"tpm": 8_500, "daily": 88_000}

    # Settling the same reservation again (another write naming it) charges nothing.
    again = await settle(usage, key_id, reservation_id=first.reservation_id, cost=12_000)
    assert again.reservations_settled == 0
    assert remaining(
        await api_keys_stub.ValidateAPIKey(pb.ValidateAPIKeyRequest(key=key), timeout=5)
    ) == {"tpm": 8_500, "daily": 88_000}
    with psycopg.connect(pg_database, autocommit=True) as conn:
        state = conn.execute(
            "SELECT state, actual_tokens, actual_cost FROM key_reservations WHERE id = %s",
            (first.reservation_id,),
        ).fetchone()
    assert state == ("settled", 1_500, 12_000)


async def test_settlement_by_request_id_charges_once_whatever_the_retries(
    api_keys_stub: APIKeyServiceAsyncStub, usage: UsageServiceAsyncStub, midday: datetime
) -> None:
    created = await create(
        api_keys_stub,
        budgets=[pb.Budget(name="daily", limit=50_000, period=pb.BUDGET_PERIOD_DAILY)],
    )
    key, key_id = created.key, created.api_key.id
    ask = pb.ValidateAPIKeyRequest(key=key, cost=10_000, reserve=True, request_id="call-7")
    reserved = await api_keys_stub.ValidateAPIKey(ask, timeout=5)
    assert remaining(reserved) == {"daily": 40_000}
    # A retried validation with the same request id holds nothing more.
    retried = await api_keys_stub.ValidateAPIKey(ask, timeout=5)
    assert retried.reservation_id == reserved.reservation_id
    assert remaining(retried) == {"daily": 40_000}

    for attempt in range(3):  # the proxy retries its usage write
        reply = await settle(usage, key_id, request_id="call-7", cost=4_000)
        assert reply.replayed == (attempt > 0)
        assert reply.reservations_settled == (1 if attempt == 0 else 0)
    after = await api_keys_stub.ValidateAPIKey(pb.ValidateAPIKeyRequest(key=key), timeout=5)
    assert remaining(after) == {"daily": 46_000}


async def test_an_unsettled_reservation_is_released_at_its_expiry(
    api_keys_stub: APIKeyServiceAsyncStub,
    usage: UsageServiceAsyncStub,
    pg_database: str,
    midday: datetime,
) -> None:
    created = await create(
        api_keys_stub,
        limits=[pb.Limit(name="tpm", unit=pb.LIMIT_UNIT_TOKENS, window=MONTH, limit=1_000)],
    )
    key, key_id = created.key, created.api_key.id
    held = await api_keys_stub.ValidateAPIKey(
        pb.ValidateAPIKeyRequest(
            key=key, tokens=900, reserve=True, reservation_ttl=duration_pb2.Duration(seconds=1)
        ),
        timeout=5,
    )
    assert remaining(held) == {"tpm": 100}
    refused = await api_keys_stub.ValidateAPIKey(
        pb.ValidateAPIKeyRequest(key=key, tokens=200), timeout=5
    )
    assert refused.reason == LIMIT_EXCEEDED
    # The servers' sweep (every second) releases it once expired.
    deadline = asyncio.get_running_loop().time() + 10
    while True:
        reply = await api_keys_stub.ValidateAPIKey(pb.ValidateAPIKeyRequest(key=key), timeout=5)
        if remaining(reply) == {"tpm": 1_000}:
            break
        assert asyncio.get_running_loop().time() < deadline, remaining(reply)
        await asyncio.sleep(0.2)
    with psycopg.connect(pg_database, autocommit=True) as conn:
        (state,) = conn.execute(
            "SELECT state FROM key_reservations WHERE id = %s", (held.reservation_id,)
        ).fetchone() or (None,)
    assert state == "expired"
    # Settled after its expiry: the actual is charged as new (the estimate was released).
    late = await settle(usage, key_id, reservation_id=held.reservation_id, input_tokens=300)
    assert late.reservations_settled == 1
    reply = await api_keys_stub.ValidateAPIKey(pb.ValidateAPIKeyRequest(key=key), timeout=5)
    assert remaining(reply) == {"tpm": 700}


async def test_budgets_are_charged_by_usage_writes_of_the_key_and_its_owner(
    api_keys_stub: APIKeyServiceAsyncStub, usage: UsageServiceAsyncStub, midday: datetime
) -> None:
    await api_keys_stub.UpdateOwnerPolicy(
        pb.UpdateOwnerPolicyRequest(
            policy=pb.OwnerPolicy(
                owner_id="team-9",
                budgets=[pb.Budget(name="team", limit=30_000, period=pb.BUDGET_PERIOD_DAILY)],
            ),
            update_mask=field_mask_pb2.FieldMask(paths=["budgets"]),
        ),
        timeout=5,
    )
    one = await create(
        api_keys_stub,
        owner_id="team-9",
        budgets=[pb.Budget(name="mine", limit=20_000, period=pb.BUDGET_PERIOD_DAILY)],
    )
    two = await create(api_keys_stub, owner_id="team-9")
    await settle(usage, one.api_key.id, cost=15_000)
    await settle(usage, two.api_key.id, cost=10_000)
    reply = await api_keys_stub.ValidateAPIKey(pb.ValidateAPIKeyRequest(key=one.key), timeout=5)
    assert reply.valid
    assert remaining(reply) == {"mine": 5_000, "team": 5_000}
    await settle(usage, two.api_key.id, cost=5_000)
    refused = await api_keys_stub.ValidateAPIKey(pb.ValidateAPIKeyRequest(key=one.key), timeout=5)
    assert (refused.valid, refused.reason) == (False, BUDGET_EXCEEDED)
    assert refused.decided_by == "owner.budgets.team"
    other = await api_keys_stub.ValidateAPIKey(pb.ValidateAPIKeyRequest(key=two.key), timeout=5)
    assert (other.reason, other.decided_by) == (BUDGET_EXCEEDED, "owner.budgets.team")


async def until_valid(stub: APIKeyServiceAsyncStub, key: str) -> pb.ValidateAPIKeyResponse:
    # A server learns of a moved database clock at its next contact with the ledger
    # (at most a second or so for a refused budget).
    deadline = asyncio.get_running_loop().time() + 10
    while True:
        reply = await stub.ValidateAPIKey(pb.ValidateAPIKeyRequest(key=key), timeout=5)
        if reply.valid:
            return reply
        assert asyncio.get_running_loop().time() < deadline, reply
        await asyncio.sleep(0.2)


@pytest.mark.parametrize(
    ("before", "boundary", "next_boundary"),
    [
        # Feb 15 - Mar 15 holds the change to daylight time (Mar 8): Mar 15 00:00 EDT.
        ("2026-03-15T03:59:30+00:00", "2026-03-15T04:00:00+00:00", "2026-04-15T04:00:00+00:00"),
        # Oct 15 - Nov 15 holds the change back (Nov 1): Nov 15 00:00 EST.
        ("2026-11-15T04:59:30+00:00", "2026-11-15T05:00:00+00:00", "2026-12-15T05:00:00+00:00"),
    ],
)
async def test_a_monthly_budget_resets_at_local_midnight_across_dst(
    api_keys_stub: APIKeyServiceAsyncStub,
    usage: UsageServiceAsyncStub,
    pg_database: str,
    before: str,
    boundary: str,
    next_boundary: str,
) -> None:
    set_clock(pg_database, datetime.fromisoformat(before))
    created = await create(
        api_keys_stub,
        budgets=[
            pb.Budget(
                name="monthly",
                limit=1_000,
                period=pb.BUDGET_PERIOD_MONTHLY,
                anchor=15,
                time_zone="America/New_York",
            )
        ],
    )
    key, key_id = created.key, created.api_key.id
    await settle(usage, key_id, cost=1_000)
    refused = await api_keys_stub.ValidateAPIKey(pb.ValidateAPIKeyRequest(key=key), timeout=5)
    assert (refused.reason, refused.decided_by) == (BUDGET_EXCEEDED, "key.budgets.monthly")
    (state,) = refused.limits
    assert state.reset_time.ToDatetime(UTC) == datetime.fromisoformat(boundary)
    assert state.remaining == 0

    # A few seconds before the boundary (the clock runs on while the test waits).
    set_clock(pg_database, datetime.fromisoformat(boundary) - timedelta(seconds=5))
    await asyncio.sleep(1.5)  # long enough for the server to read the ledger again
    still = await api_keys_stub.ValidateAPIKey(pb.ValidateAPIKeyRequest(key=key), timeout=5)
    assert still.reason == BUDGET_EXCEEDED

    set_clock(pg_database, datetime.fromisoformat(boundary))
    reset = await until_valid(api_keys_stub, key)
    (state,) = reset.limits
    assert state.remaining == 1_000
    assert state.reset_time.ToDatetime(UTC) == datetime.fromisoformat(next_boundary)
