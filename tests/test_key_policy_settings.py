"""Key policy settings against a real PostgreSQL: what CreateAPIKey and UpdateAPIKey
store and read back, owner policies, allowed models and providers, disable and enable
on every process at once (acceptance 5 of issue 18), scheduled refills that happen
once with two processes and a restart (acceptance 4), and bad input named."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import grpc
import psycopg
import pytest
from google.protobuf import duration_pb2, field_mask_pb2

from dataaccess.v1 import api_keys_pb2 as pb
from dataaccess_server.app import Application
from tests.harness import stubs
from tests.harness.server import server_settings
from tests.test_key_reservations import create, set_clock

if TYPE_CHECKING:
    from dataaccess.v1.api_keys_pb2_grpc import APIKeyServiceAsyncStub

VALID = pb.API_KEY_VALIDATION_REASON_VALID
DISABLED = pb.API_KEY_VALIDATION_REASON_DISABLED
MODEL_NOT_ALLOWED = pb.API_KEY_VALIDATION_REASON_MODEL_NOT_ALLOWED
USAGE_EXCEEDED = pb.API_KEY_VALIDATION_REASON_USAGE_EXCEEDED
MINUTE = duration_pb2.Duration(seconds=60)


async def update(
    stub: APIKeyServiceAsyncStub, key_id: str, *paths: str, **settings: Any
) -> pb.APIKey:
    reply = await stub.UpdateAPIKey(
        pb.UpdateAPIKeyRequest(
            api_key=pb.APIKey(id=key_id, **settings),
            update_mask=field_mask_pb2.FieldMask(paths=list(paths)),
        ),
        timeout=5,
    )
    return reply.api_key


@pytest.fixture
async def two(
    two_apps: tuple[Application, Application],
) -> AsyncIterator[tuple[APIKeyServiceAsyncStub, APIKeyServiceAsyncStub]]:
    async with (
        grpc.aio.insecure_channel(f"127.0.0.1:{two_apps[0].port}") as one,
        grpc.aio.insecure_channel(f"127.0.0.1:{two_apps[1].port}") as other,
    ):
        yield stubs.api_keys(one), stubs.api_keys(other)


async def test_settings_round_trip_and_lists_replace_by_name(
    api_keys_stub: APIKeyServiceAsyncStub, pg_database: str
) -> None:
    made = await create(
        api_keys_stub,
        limits=[pb.Limit(name="rpm", unit=pb.LIMIT_UNIT_REQUESTS, window=MINUTE, limit=60)],
        budgets=[
            pb.Budget(
                name="monthly",
                limit=5_000_000,
                period=pb.BUDGET_PERIOD_MONTHLY,
                anchor=15,
                time_zone="America/New_York",
            )
        ],
        refill=pb.Refill(amount=100, interval=pb.REFILL_INTERVAL_MONTHLY, day_of_month=1),
        allowed_models=["gpt-4o*", "claude-*"],
        allowed_providers=["openai"],
    )
    record = made.api_key
    assert [(lim.name, lim.unit, lim.window.seconds, lim.limit) for lim in record.limits] == [
        ("rpm", pb.LIMIT_UNIT_REQUESTS, 60, 60)
    ]
    (budget,) = record.budgets
    assert (budget.name, budget.period, budget.anchor, budget.time_zone) == (
        "monthly",
        pb.BUDGET_PERIOD_MONTHLY,
        15,
        "America/New_York",
    )
    assert (record.refill.amount, record.refill.day_of_month) == (100, 1)
    assert record.refill.HasField("last_refill_time")
    assert record.remaining_uses == 100  # a refilled key starts full
    assert list(record.allowed_models) == ["gpt-4o*", "claude-*"]
    assert not record.disabled
    fetched = await api_keys_stub.GetAPIKey(pb.GetAPIKeyRequest(id=record.id), timeout=5)
    assert fetched.api_key == record

    with psycopg.connect(pg_database, autocommit=True) as conn:
        (rpm_id,) = conn.execute(
            "SELECT id FROM key_limits WHERE api_key_id = %s AND name = 'rpm'", (record.id,)
        ).fetchone() or (None,)
    changed = await update(
        api_keys_stub,
        record.id,
        "limits",
        limits=[
            pb.Limit(name="rpm", unit=pb.LIMIT_UNIT_REQUESTS, window=MINUTE, limit=120),
            pb.Limit(name="tpm", unit=pb.LIMIT_UNIT_TOKENS, window=MINUTE, limit=10_000),
        ],
    )
    assert [(lim.name, lim.limit) for lim in changed.limits] == [("rpm", 120), ("tpm", 10_000)]
    assert [b.name for b in changed.budgets] == ["monthly"]  # not in the mask: kept
    with psycopg.connect(pg_database, autocommit=True) as conn:
        (kept,) = conn.execute(
            "SELECT id FROM key_limits WHERE api_key_id = %s AND name = 'rpm'", (record.id,)
        ).fetchone() or (None,)
    assert kept == rpm_id  # the same row: what its windows counted is kept
    cleared = await update(api_keys_stub, record.id, "limits", "allowed_models", "refill")
    assert (list(cleared.limits), list(cleared.allowed_models)) == ([], [])
    assert not cleared.HasField("refill")


async def test_owner_policies(api_keys_stub: APIKeyServiceAsyncStub) -> None:
    empty = await api_keys_stub.GetOwnerPolicy(pb.GetOwnerPolicyRequest(owner_id="nobody"))
    assert empty.policy.owner_id == "nobody"
    assert not empty.policy.HasField("update_time")
    assert not empty.policy.limits
    made = await create(api_keys_stub, owner_id="team-1")
    assert (await api_keys_stub.ValidateAPIKey(pb.ValidateAPIKeyRequest(key=made.key))).valid
    reply = await api_keys_stub.UpdateOwnerPolicy(
        pb.UpdateOwnerPolicyRequest(
            policy=pb.OwnerPolicy(
                owner_id="team-1",
                limits=[
                    pb.Limit(name="team-rpm", unit=pb.LIMIT_UNIT_REQUESTS, window=MINUTE, limit=1)
                ],
            ),
            update_mask=field_mask_pb2.FieldMask(paths=["limits"]),
        )
    )
    assert [lim.name for lim in reply.policy.limits] == ["team-rpm"]
    # The cached key hears of its owner's new limit at once.
    first = await api_keys_stub.ValidateAPIKey(pb.ValidateAPIKeyRequest(key=made.key))
    assert first.valid
    assert [(s.name, s.scope, s.remaining) for s in first.limits] == [
        ("team-rpm", pb.LIMIT_SCOPE_OWNER, 0)
    ]
    second = await api_keys_stub.ValidateAPIKey(pb.ValidateAPIKeyRequest(key=made.key))
    assert (second.valid, second.decided_by) == (False, "owner.limits.team-rpm")


async def test_models_and_providers_are_checked_with_the_list_named(
    api_keys_stub: APIKeyServiceAsyncStub,
) -> None:
    key = (
        await create(api_keys_stub, allowed_models=["gpt-4o*"], allowed_providers=["openai"])
    ).key

    async def ask(model: str, provider: str) -> pb.ValidateAPIKeyResponse:
        return await api_keys_stub.ValidateAPIKey(
            pb.ValidateAPIKeyRequest(key=key, model=model, provider=provider), timeout=5
        )

    assert (await ask("gpt-4o-mini", "openai")).valid
    assert (await ask("gpt-4o", "openai")).valid
    for model, provider, decided_by in [
        ("claude-3", "openai", "allowed_models"),
        ("xgpt-4o", "openai", "allowed_models"),
        ("", "openai", "allowed_models"),
        ("gpt-4o", "anthropic", "allowed_providers"),
    ]:
        reply = await ask(model, provider)
        assert (reply.valid, reply.reason, reply.decided_by) == (
            False,
            MODEL_NOT_ALLOWED,
            decided_by,
        )


async def test_enable_after_disable_is_valid_again_at_once_on_every_process(
    two: tuple[APIKeyServiceAsyncStub, APIKeyServiceAsyncStub],
) -> None:
    writer, other = two
    made = await create(writer)
    for stub in two:  # cached as valid on both
        assert (await stub.ValidateAPIKey(pb.ValidateAPIKeyRequest(key=made.key))).valid
    disabled = await update(writer, made.api_key.id, "disabled", disabled=True)
    assert disabled.disabled
    assert disabled.HasField("disable_time")
    reply = await writer.ValidateAPIKey(pb.ValidateAPIKeyRequest(key=made.key))
    assert (reply.reason, reply.decided_by) == (DISABLED, "disabled")
    await within(other, made.key, DISABLED)
    enabled = await update(writer, made.api_key.id, "disabled", disabled=False)
    assert not enabled.HasField("disable_time")
    assert (await writer.ValidateAPIKey(pb.ValidateAPIKeyRequest(key=made.key))).valid
    await within(other, made.key, VALID)


async def within(
    stub: APIKeyServiceAsyncStub,
    key: str,
    reason: pb.APIKeyValidationReason.ValueType,
    bound: float = 0.5,
) -> None:
    # The other process hears of the change by NOTIFY: within milliseconds.
    started = time.monotonic()
    while (await stub.ValidateAPIKey(pb.ValidateAPIKeyRequest(key=key))).reason != reason:
        assert time.monotonic() - started < bound, f"not {pb.APIKeyValidationReason.Name(reason)}"
        await asyncio.sleep(0.005)


async def test_a_refill_happens_once_per_scheduled_time_with_two_processes_and_a_restart(
    two_apps: tuple[Application, Application], pg_database: str
) -> None:
    day = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    set_clock(pg_database, day + timedelta(hours=23, minutes=59))
    apps = list(two_apps)
    channels = [grpc.aio.insecure_channel(f"127.0.0.1:{app.port}") for app in apps]
    try:
        keys = [stubs.api_keys(channel) for channel in channels]
        made = await create(
            keys[0], remaining_uses=3, refill=pb.Refill(amount=5, interval=pb.REFILL_INTERVAL_DAILY)
        )
        key = made.key
        for stub in keys[:2]:
            assert (await stub.ValidateAPIKey(pb.ValidateAPIKeyRequest(key=key))).valid

        async def burst(count: int) -> Counter[int]:
            answers = await asyncio.gather(
                *(
                    keys[n % 2].ValidateAPIKey(pb.ValidateAPIKeyRequest(key=key))
                    for n in range(count)
                )
            )
            return Counter(answer.reason for answer in answers)

        # Past midnight: a read shows the refill due as applied (without applying it)...
        set_clock(pg_database, day + timedelta(days=1, seconds=5))
        for _ in range(2):
            shown = (await keys[1].GetAPIKey(pb.GetAPIKeyRequest(id=made.api_key.id))).api_key
            assert shown.remaining_uses == 5
            assert shown.refill.last_refill_time.ToDatetime(UTC) == day + timedelta(days=1)
        listed = await keys[0].ListAPIKeys(pb.ListAPIKeysRequest(owner_id=made.api_key.owner_id))
        assert [k.remaining_uses for k in listed.api_keys] == [5]
        with psycopg.connect(pg_database, autocommit=True) as conn:
            assert conn.execute("SELECT remaining_uses FROM api_keys").fetchone() == (1,)
        # ... and both processes validating at once refill once, to 5 (not +5).
        assert await burst(12) == Counter({VALID: 5, USAGE_EXCEEDED: 7})

        # A restart of one process in between: no second refill for the same time.
        await apps[1].stop()
        await channels[1].close()
        restarted = Application(server_settings(pg_database))
        await restarted.start()
        apps[1] = restarted
        channels[1] = grpc.aio.insecure_channel(f"127.0.0.1:{restarted.port}")
        keys[1] = stubs.api_keys(channels[1])
        assert await burst(4) == Counter({USAGE_EXCEEDED: 4})

        # The next scheduled time refills once more.
        set_clock(pg_database, day + timedelta(days=2, seconds=5))
        assert await burst(8) == Counter({VALID: 5, USAGE_EXCEEDED: 3})
        record = await keys[1].GetAPIKey(pb.GetAPIKeyRequest(id=made.api_key.id))
        assert record.api_key.refill.last_refill_time.ToDatetime(UTC) == day + timedelta(days=2)
        assert record.api_key.remaining_uses == 0
    finally:
        for channel in channels:
            await channel.close()
        if apps[1] is not two_apps[1]:
            await apps[1].stop()


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        (
            {"limits": [pb.Limit(name="a b", unit=pb.LIMIT_UNIT_REQUESTS, window=MINUTE, limit=1)]},
            "api_key.limits[0].name",
        ),
        ({"limits": [pb.Limit(name="a", window=MINUTE, limit=1)]}, "api_key.limits[0].unit"),
        (
            {"limits": [pb.Limit(name="a", unit=pb.LIMIT_UNIT_TOKENS, limit=1)]},
            "api_key.limits[0].window",
        ),
        (
            {"limits": [pb.Limit(name="a", unit=pb.LIMIT_UNIT_TOKENS, window=MINUTE)]},
            "api_key.limits[0].limit",
        ),
        (
            {
                "limits": [
                    pb.Limit(
                        name="a",
                        unit=pb.LIMIT_UNIT_TOKENS,
                        limit=1,
                        window=duration_pb2.Duration(seconds=32 * 86_400),
                    )
                ]
            },
            "api_key.limits[0].window",
        ),
        (
            {
                "limits": [
                    pb.Limit(
                        name="a",
                        unit=pb.LIMIT_UNIT_TOKENS,
                        limit=1,
                        window=duration_pb2.Duration(seconds=1, nanos=5),
                    )
                ]
            },
            "api_key.limits[0].window",
        ),
        (
            {
                "limits": [pb.Limit(name="x", unit=pb.LIMIT_UNIT_TOKENS, window=MINUTE, limit=1)],
                "budgets": [pb.Budget(name="x", limit=1, period=pb.BUDGET_PERIOD_DAILY)],
            },
            "api_key.budgets[0].name",
        ),
        ({"budgets": [pb.Budget(name="b", limit=1)]}, "api_key.budgets[0].period"),
        (
            {"budgets": [pb.Budget(name="b", limit=1, period=pb.BUDGET_PERIOD_MONTHLY, anchor=32)]},
            "api_key.budgets[0].anchor",
        ),
        (
            {"budgets": [pb.Budget(name="b", limit=1, period=pb.BUDGET_PERIOD_WEEKLY, anchor=8)]},
            "api_key.budgets[0].anchor",
        ),
        (
            {
                "budgets": [
                    pb.Budget(name="b", limit=1, period=pb.BUDGET_PERIOD_DAILY, time_zone="EST5")
                ]
            },
            "api_key.budgets[0].time_zone",
        ),
        (
            {
                "budgets": [
                    pb.Budget(name=zone, limit=1, period=pb.BUDGET_PERIOD_DAILY, time_zone=zone)
                    for zone in ("UTC", "localtime")
                ]
            },
            "api_key.budgets[1].time_zone",
        ),
        (
            {"refill": pb.Refill(amount=0, interval=pb.REFILL_INTERVAL_DAILY)},
            "api_key.refill.amount",
        ),
        ({"refill": pb.Refill(amount=1)}, "api_key.refill.interval"),
        (
            {"refill": pb.Refill(amount=1, interval=pb.REFILL_INTERVAL_DAILY, day_of_month=3)},
            "api_key.refill.day_of_month",
        ),
        ({"allowed_models": [""]}, "api_key.allowed_models[0]"),
        ({"allowed_providers": ["p" * 65]}, "api_key.allowed_providers[0]"),
    ],
)
async def test_bad_settings_are_named_and_nothing_is_stored(
    api_keys_stub: APIKeyServiceAsyncStub, pg_database: str, settings: dict[str, Any], field: str
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await create(api_keys_stub, **settings)
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field in (raised.value.details() or "")
    with psycopg.connect(pg_database, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM api_keys").fetchone() == (0,)


@pytest.mark.parametrize(
    ("request_fields", "field"),
    [
        ({"tokens": -1}, "tokens"),
        ({"cost": 2**53 + 1}, "cost"),
        ({"model": "m" * 257}, "model"),
        (
            {"reservation_ttl": duration_pb2.Duration(seconds=86_401), "reserve": True},
            "reservation_ttl",
        ),
        ({"request_id": "r"}, "request_id"),
    ],
)
async def test_bad_validation_asks_are_named(
    api_keys_stub: APIKeyServiceAsyncStub, request_fields: dict[str, Any], field: str
) -> None:
    key = (await create(api_keys_stub)).key
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await api_keys_stub.ValidateAPIKey(pb.ValidateAPIKeyRequest(key=key, **request_fields))
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field in (raised.value.details() or "")


async def test_validations_are_counted_per_key_and_reason_for_analytics(
    server: Application, api_keys_stub: APIKeyServiceAsyncStub, pg_database: str
) -> None:
    from dataaccess_server.deadline import Deadline

    made = await create(api_keys_stub, owner_id="team-7")
    for _ in range(3):
        assert (await api_keys_stub.ValidateAPIKey(pb.ValidateAPIKeyRequest(key=made.key))).valid
    await update(api_keys_stub, made.api_key.id, "disabled", disabled=True)
    for _ in range(2):
        reply = await api_keys_stub.ValidateAPIKey(pb.ValidateAPIKeyRequest(key=made.key))
        assert reply.reason == DISABLED
    await server.validation_counts.flush(Deadline.after(10))
    with psycopg.connect(pg_database, autocommit=True) as conn:
        counted = conn.execute(
            "SELECT owner_id, reason, sum(count) FROM key_validation_hourly WHERE api_key_id = %s"
            " GROUP BY 1, 2 ORDER BY 2",
            (made.api_key.id,),
        ).fetchall()
    assert counted == [("team-7", "disabled", 2), ("team-7", "valid", 3)]
