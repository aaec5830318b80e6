"""APIKeyService against a real PostgreSQL: issuing, every validation outcome, instant
revocation across server processes, shared rate limits, exact quotas, coalesced
last-used writes, replica outage, validation of input."""

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
from google.protobuf import duration_pb2, field_mask_pb2, timestamp_pb2

from dataaccess.v1 import api_keys_pb2 as pb
from dataaccess_server.app import Application
from dataaccess_server.db.api_keys import PostgresAPIKeyStore
from dataaccess_server.db.cluster import Cluster
from dataaccess_server.db.key_channel import channel_for
from dataaccess_server.db.key_policies import PostgresPolicyStore
from dataaccess_server.db.migrations import Migrator
from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.api_keys import APIKeyService
from dataaccess_server.domain.key_cache import KeyCache
from dataaccess_server.domain.key_policies import Allowances
from dataaccess_server.domain.model import api_keys as model
from dataaccess_server.domain.model.api_keys import KeyInput, Known
from dataaccess_server.domain.pagination import PageSigner
from tests.harness import leaks, stubs
from tests.harness.postgres import InstanceFactory
from tests.harness.server import server_settings

if TYPE_CHECKING:
    from dataaccess.v1.api_keys_pb2_grpc import APIKeyServiceAsyncStub

Reason = pb.APIKeyValidationReason
VALID = pb.API_KEY_VALIDATION_REASON_VALID


async def create(stub: APIKeyServiceAsyncStub, **settings: Any) -> pb.CreateAPIKeyResponse:
    request_id = settings.pop("request_id", "")
    settings.setdefault("owner_id", "auth-1")
    reply = await stub.CreateAPIKey(
        pb.CreateAPIKeyRequest(api_key=pb.APIKey(**settings), request_id=request_id), timeout=5
    )
    if reply.key:
        leaks.register_secret(reply.key)
    return reply


async def validate(stub: APIKeyServiceAsyncStub, key: str) -> pb.ValidateAPIKeyResponse:
    return await stub.ValidateAPIKey(pb.ValidateAPIKeyRequest(key=key), timeout=5)


def rows(dsn: str, query: str, *params: object) -> list[tuple[Any, ...]]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        cursor = conn.execute(query.encode(), params)
        return cursor.fetchall() if cursor.description is not None else []


# --- issuing -------------------------------------------------------------------------------


async def test_create_returns_the_key_once_and_stores_only_its_hash(
    api_keys_stub: APIKeyServiceAsyncStub, pg_database: str
) -> None:
    reply = await create(api_keys_stub, name="ci", request_id="req-1")
    key = reply.key
    assert key.startswith("dak_")
    assert len(key) >= 4 + 43  # 256 bits
    assert reply.api_key.key_prefix == key[:8]
    assert not reply.replayed
    dump = " ".join(str(row) for row in rows(pg_database, "SELECT k::text FROM api_keys k"))
    for form in [*leaks.encodings(key), key[8:]]:
        assert form not in dump
    import hashlib

    (stored,) = rows(pg_database, "SELECT key_hash FROM api_keys")
    assert bytes(stored[0]) == hashlib.sha256(key.encode()).digest()

    again = await create(api_keys_stub, name="ci", request_id="req-1")
    assert again.replayed
    assert again.key == ""  # shown once
    assert again.api_key.id == reply.api_key.id
    assert rows(pg_database, "SELECT count(*) FROM api_keys") == [(1,)]
    fetched = await api_keys_stub.GetAPIKey(pb.GetAPIKeyRequest(id=reply.api_key.id))
    assert fetched.api_key.key_prefix == key[:8]


# --- every outcome -------------------------------------------------------------------------


async def test_each_kind_of_key_gets_its_answer(
    api_keys_stub: APIKeyServiceAsyncStub, pg_database: str
) -> None:
    good = await create(api_keys_stub)
    answer = await validate(api_keys_stub, good.key)
    assert (answer.valid, answer.reason) == (True, VALID)
    assert answer.api_key.id == good.api_key.id
    assert not answer.HasField("rate_limit")

    unknown = await validate(api_keys_stub, "dak_" + "x" * 43)
    assert (unknown.valid, unknown.reason) == (False, pb.API_KEY_VALIDATION_REASON_NOT_FOUND)
    assert not unknown.HasField("api_key")

    revoked = await create(api_keys_stub)
    await api_keys_stub.RevokeAPIKey(pb.RevokeAPIKeyRequest(id=revoked.api_key.id))
    answer = await validate(api_keys_stub, revoked.key)
    assert (answer.valid, answer.reason) == (False, pb.API_KEY_VALIDATION_REASON_REVOKED)

    expiring = await create(
        api_keys_stub, expire_time=timestamp_pb2.Timestamp(seconds=int(time.time()) + 3600)
    )
    rows(
        pg_database,
        "UPDATE api_keys SET expire_time = now() - interval '1 second' WHERE id = %s",
        expiring.api_key.id,
    )  # time passes (the service cannot be asked for an expiry in the past)
    await api_keys_stub.UpdateAPIKey(  # any change notifies the caches
        pb.UpdateAPIKeyRequest(
            api_key=pb.APIKey(id=expiring.api_key.id, name="expired"),
            update_mask=field_mask_pb2.FieldMask(paths=["name"]),
        )
    )
    answer = await validate(api_keys_stub, expiring.key)
    assert (answer.valid, answer.reason) == (False, pb.API_KEY_VALIDATION_REASON_EXPIRED)

    rotated = await create(api_keys_stub)
    assert (await validate(api_keys_stub, rotated.key)).valid  # cached as valid
    within = await api_keys_stub.RotateAPIKey(
        pb.RotateAPIKeyRequest(
            id=rotated.api_key.id, grace_period=duration_pb2.Duration(seconds=3600)
        )
    )
    leaks.register_secret(within.key)
    assert within.api_key.id == rotated.api_key.id
    assert within.api_key.key_prefix == within.key[:8]
    assert (await validate(api_keys_stub, rotated.key)).valid  # old key, within grace
    assert (await validate(api_keys_stub, within.key)).valid  # new key
    after = await api_keys_stub.RotateAPIKey(
        pb.RotateAPIKeyRequest(id=rotated.api_key.id)
    )  # no grace
    leaks.register_secret(after.key)
    answer = await validate(api_keys_stub, within.key)
    assert (answer.valid, answer.reason) == (False, pb.API_KEY_VALIDATION_REASON_EXPIRED)
    assert (await validate(api_keys_stub, rotated.key)).valid  # the first key's grace still runs
    assert (await validate(api_keys_stub, after.key)).valid


async def test_a_key_created_a_moment_ago_validates_at_once_with_a_lagging_replica(
    pg_instance_factory: InstanceFactory,
) -> None:
    primary = await asyncio.to_thread(pg_instance_factory)
    await Migrator(primary.dsn()).up()
    replica = await asyncio.to_thread(pg_instance_factory.replica, primary)
    rows(replica.dsn(), "SELECT pg_wal_replay_pause()")
    app = Application(server_settings(primary.dsn(), replica_dsns=(replica.dsn(),)))
    await app.start()
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{app.port}") as channel:
            stub = stubs.api_keys(channel)
            made = await create(stub)
            assert (await validate(stub, made.key)).valid  # not on the replica: primary
            # Replica down: validation goes on (primary), no error.
            await asyncio.to_thread(replica.stop)
            other = await create(stub)
            for _ in range(20):
                assert (await validate(stub, other.key)).valid
                assert (await validate(stub, made.key)).valid
    finally:
        await app.stop()


# --- two server processes --------------------------------------------------------------------


@pytest.fixture
async def two_stubs(
    two_servers: tuple[str, str],
) -> AsyncIterator[tuple[APIKeyServiceAsyncStub, APIKeyServiceAsyncStub]]:
    async with (
        grpc.aio.insecure_channel(two_servers[0]) as one,
        grpc.aio.insecure_channel(two_servers[1]) as two,
    ):
        yield stubs.api_keys(one), stubs.api_keys(two)


async def revoked_within(
    checker: APIKeyServiceAsyncStub, key: str, started: float, bound: float = 0.1
) -> float:
    while True:
        answer = await validate(checker, key)
        elapsed = time.monotonic() - started
        if not answer.valid:
            assert answer.reason == pb.API_KEY_VALIDATION_REASON_REVOKED
            return elapsed
        assert elapsed < bound, f"still valid on the other server after {elapsed * 1000:.0f} ms"


async def test_revoked_through_one_server_is_rejected_by_the_other_within_100ms(
    two_stubs: tuple[APIKeyServiceAsyncStub, APIKeyServiceAsyncStub], pg_database: str
) -> None:
    writer, checker = two_stubs
    made = await create(writer)
    for _ in range(3):  # cached as valid on the checker
        assert (await validate(checker, made.key)).valid
    await writer.RevokeAPIKey(pb.RevokeAPIKeyRequest(id=made.api_key.id))
    elapsed = await revoked_within(checker, made.key, time.monotonic())
    print(f"\nrevocation seen by the other server after {elapsed * 1000:.1f} ms")

    # Listening connections killed, then a revocation: still no stale "valid".
    second = await create(writer)
    for _ in range(3):
        assert (await validate(checker, second.key)).valid
    killed = rows(
        pg_database,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        " WHERE application_name = 'dataaccess-listener' AND datname = current_database()",
    )
    assert len(killed) == 2
    await writer.RevokeAPIKey(pb.RevokeAPIKeyRequest(id=second.api_key.id))
    elapsed = await revoked_within(checker, second.key, time.monotonic())
    print(f"with the listener killed: revocation seen after {elapsed * 1000:.1f} ms")


async def test_rate_limit_is_shared_by_servers_and_resets_with_the_window(
    two_stubs: tuple[APIKeyServiceAsyncStub, APIKeyServiceAsyncStub], pg_database: str
) -> None:
    one, two = two_stubs
    (second,) = rows(pg_database, "SELECT extract(second FROM now())")[0]
    if second > 45:  # keep the 61 calls inside one window
        await asyncio.sleep(61 - float(second))
    made = await create(one, rate_limit_per_minute=60)
    answers = [await validate(one if n % 2 else two, made.key) for n in range(60)]
    assert all(answer.valid for answer in answers)
    assert [a.rate_limit.remaining for a in answers][-3:] == [2, 1, 0]
    over = await validate(one, made.key)
    assert (over.valid, over.reason) == (False, pb.API_KEY_VALIDATION_REASON_RATE_LIMITED)
    assert over.rate_limit.limit == 60
    assert over.rate_limit.remaining == 0
    reset = over.rate_limit.reset_time.ToDatetime(tzinfo=UTC)
    (db_now,) = rows(pg_database, "SELECT now()")[0]
    assert reset.second == 0
    assert reset.microsecond == 0
    assert timedelta(0) < reset - db_now <= timedelta(minutes=1)
    assert not (await validate(two, made.key)).valid  # the other server agrees
    # The minute ends (moved back rather than waited for): a new window allows again.
    rows(
        pg_database,
        "UPDATE api_key_rate_windows SET window_start = window_start - interval '1 minute'"
        " WHERE api_key_id = %s",
        made.api_key.id,
    )
    again = await validate(two, made.key)
    assert again.valid
    assert again.rate_limit.remaining == 59


async def test_quota_is_exact_under_concurrency_and_can_be_refilled(
    two_stubs: tuple[APIKeyServiceAsyncStub, APIKeyServiceAsyncStub],
) -> None:
    one, two = two_stubs
    made = await create(one, remaining_uses=10)
    answers = await asyncio.gather(*(validate(one if n % 2 else two, made.key) for n in range(100)))
    reasons = Counter(answer.reason for answer in answers)
    assert reasons == {VALID: 10, pb.API_KEY_VALIDATION_REASON_USAGE_EXCEEDED: 90}
    refill = await one.UpdateAPIKey(
        pb.UpdateAPIKeyRequest(
            api_key=pb.APIKey(id=made.api_key.id, remaining_uses=2),
            update_mask=field_mask_pb2.FieldMask(paths=["remaining_uses"]),
        )
    )
    assert refill.api_key.remaining_uses == 2
    first = await validate(two, made.key)
    assert (first.valid, first.api_key.remaining_uses) == (True, 1)
    assert (await validate(one, made.key)).valid
    assert not (await validate(two, made.key)).valid


# --- last used ------------------------------------------------------------------------------

COUNT_STATEMENTS = """
CREATE TABLE test_update_statements (at timestamptz DEFAULT clock_timestamp());
CREATE FUNCTION test_count_update() RETURNS trigger LANGUAGE plpgsql AS
  $$ BEGIN INSERT INTO test_update_statements DEFAULT VALUES; RETURN NULL; END $$;
CREATE TRIGGER test_count_update AFTER UPDATE ON api_keys
  FOR EACH STATEMENT EXECUTE FUNCTION test_count_update();
"""


async def test_a_thousand_validations_cost_a_handful_of_updates_and_last_use_is_kept(
    pg_database: str,
) -> None:
    rows(pg_database, COUNT_STATEMENTS)  # a statement counter, in this test's database
    app = Application(server_settings(pg_database, last_used_flush=1.0))
    await app.start()
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{app.port}") as channel:
            stub = stubs.api_keys(channel)
            made = await create(stub)
            started = time.monotonic()
            for _ in range(1000):
                assert (await validate(stub, made.key)).valid
            last_call = datetime.now(UTC)
            elapsed = time.monotonic() - started
    finally:
        await app.stop()  # flushes what is pending
    (updates,) = rows(pg_database, "SELECT count(*) FROM test_update_statements")[0]
    print(f"\n1000 validations in {elapsed:.2f} s: {updates} UPDATE statement(s) on api_keys")
    assert updates <= 2 + int(elapsed)  # one per flush period at most, plus the final one
    (last_used,) = rows(pg_database, "SELECT last_used_at FROM api_keys")[0]
    assert last_call - timedelta(seconds=1) <= last_used <= last_call


# --- bad input -------------------------------------------------------------------------------

BAD: list[tuple[str, str, Any]] = [
    ("ValidateAPIKey", "key", pb.ValidateAPIKeyRequest(key="")),
    ("ValidateAPIKey", "key", pb.ValidateAPIKeyRequest(key="dak_" + "x" * 10_240)),
    ("ValidateAPIKey", "key", pb.ValidateAPIKeyRequest(key="dak_ with spaces")),
    (
        "CreateAPIKey",
        "api_key.rate_limit_per_minute",
        pb.CreateAPIKeyRequest(api_key=pb.APIKey(owner_id="o", rate_limit_per_minute=-1)),
    ),
    (
        "CreateAPIKey",
        "api_key.expire_time",
        pb.CreateAPIKeyRequest(
            api_key=pb.APIKey(owner_id="o", expire_time=timestamp_pb2.Timestamp(seconds=1000))
        ),
    ),
    ("CreateAPIKey", "api_key.owner_id", pb.CreateAPIKeyRequest(api_key=pb.APIKey(name="n"))),
    (
        "CreateAPIKey",
        "api_key.remaining_uses",
        pb.CreateAPIKeyRequest(api_key=pb.APIKey(owner_id="o", remaining_uses=-3)),
    ),
    (
        "CreateAPIKey",
        "request_id",
        pb.CreateAPIKeyRequest(api_key=pb.APIKey(owner_id="o"), request_id="r" * 129),
    ),
    (
        "UpdateAPIKey",
        "update_mask",
        pb.UpdateAPIKeyRequest(
            api_key=pb.APIKey(id="01890000-0000-7000-8000-000000000000"),
            update_mask=field_mask_pb2.FieldMask(paths=["owner_id"]),
        ),
    ),
    (
        "UpdateAPIKey",
        "update_mask",
        pb.UpdateAPIKeyRequest(api_key=pb.APIKey(id="01890000-0000-7000-8000-000000000000")),
    ),
    ("ListAPIKeys", "page_size", pb.ListAPIKeysRequest(page_size=-5)),
    ("ListAPIKeys", "key_prefix", pb.ListAPIKeysRequest(key_prefix="dak_123456789")),
    ("GetAPIKey", "id", pb.GetAPIKeyRequest(id="nope")),
    (
        "RotateAPIKey",
        "grace_period",
        pb.RotateAPIKeyRequest(
            id="01890000-0000-7000-8000-000000000000",
            grace_period=duration_pb2.Duration(seconds=-1),
        ),
    ),
]


@pytest.mark.parametrize(
    ("method", "field", "request_message"), BAD, ids=[f"{m}-{f}" for m, f, _ in BAD]
)
async def test_bad_input_is_invalid_argument_naming_the_field_and_writes_nothing(
    api_keys_stub: APIKeyServiceAsyncStub,
    pg_database: str,
    method: str,
    field: str,
    request_message: Any,
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await getattr(api_keys_stub, method)(request_message, timeout=5)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field in (caught.value.details() or "")
    assert rows(pg_database, "SELECT count(*) FROM api_keys") == [(0,)]


async def test_lists_filter_by_owner_prefix_and_state(
    api_keys_stub: APIKeyServiceAsyncStub,
) -> None:
    mine = [await create(api_keys_stub, owner_id="me") for _ in range(3)]
    await create(api_keys_stub, owner_id="someone-else")
    await api_keys_stub.RevokeAPIKey(pb.RevokeAPIKeyRequest(id=mine[0].api_key.id))
    listed = await api_keys_stub.ListAPIKeys(pb.ListAPIKeysRequest(owner_id="me"))
    assert [k.id for k in listed.api_keys] == [m.api_key.id for m in mine[1:]]
    everything = await api_keys_stub.ListAPIKeys(
        pb.ListAPIKeysRequest(owner_id="me", include_revoked=True, page_size=2)
    )
    assert len(everything.api_keys) == 2
    assert everything.next_page_token
    by_prefix = await api_keys_stub.ListAPIKeys(pb.ListAPIKeysRequest(key_prefix=mine[1].key[:8]))
    assert [k.id for k in by_prefix.api_keys] == [mine[1].api_key.id]


async def test_the_server_making_a_change_forgets_the_key_without_its_notification(
    pg_database: str,
) -> None:
    # No change listener: the notifications never come back, so only the writing
    # server's own forgetting can keep its cache from answering with the old state.
    cluster = Cluster(pg_database)
    await cluster.open()
    try:
        cache: KeyCache[Known] = KeyCache()
        cache.set_enabled(True)
        keys = APIKeyService(
            PostgresAPIKeyStore(cluster, channel_for("public")),
            cache,
            pages=PageSigner.ephemeral(),
            allowances=Allowances(PostgresPolicyStore(cluster)),
        )
        soon = Deadline.after(10)

        record, key = await keys.create(KeyInput(name="revoked", owner_id="o"), "", soon)
        assert key is not None
        assert (await keys.validate(key, soon)).valid  # now cached as valid
        await keys.revoke(record.id, soon)
        assert (await keys.validate(key, soon)).reason is model.Reason.REVOKED

        record, key = await keys.create(KeyInput(name="rotated", owner_id="o"), "", soon)
        assert key is not None
        assert (await keys.validate(key, soon)).valid
        await keys.rotate(record.id, timedelta(0), soon)
        assert (await keys.validate(key, soon)).reason is model.Reason.EXPIRED

        record, key = await keys.create(KeyInput(name="limited", owner_id="o"), "", soon)
        assert key is not None
        assert (await keys.validate(key, soon)).valid
        await keys.update(record.id, KeyInput(remaining_uses=0), ("remaining_uses",), soon)
        assert (await keys.validate(key, soon)).reason is model.Reason.USAGE_EXCEEDED
    finally:
        await cluster.close()
