"""UsageService against a real PostgreSQL: exactly-once retries (also concurrent, from two
server processes), no deadlock and no lost increment under overlapping concurrent
batches, summing within a batch, whole-batch validation."""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from datetime import date
from typing import TYPE_CHECKING, Any

import grpc
import psycopg
import pytest

from dataaccess.v1 import usage_pb2 as pb
from dataaccess_server.app import Application
from dataaccess_server.db.pool import PoolSettings
from tests.harness import stubs
from tests.harness.server import server_settings

if TYPE_CHECKING:
    from dataaccess.v1.usage_pb2_grpc import UsageServiceAsyncStub

# A day for requests refused before their day matters (any past day is a valid one).
ANY_DAY = date(2026, 1, 1)
COUNTERS = (
    "request_count",
    "input_tokens",
    "output_tokens",
    "reasoning_tokens",
    "cached_tokens",
    "success_count",
    "error_count",
)


def record(
    day: date, auth_id: str = "auth-1", model: str = "m1", **counters: int
) -> pb.UsageRecord:
    """A usage record of ``day`` (the test's ``today``)."""
    values: dict[str, Any] = {"request_count": 1, "input_tokens": 10, "output_tokens": 5}
    values.update(counters)
    return pb.UsageRecord(
        provider="claude", model=model, auth_id=auth_id, date=day.isoformat(), **values
    )


def totals(dsn: str) -> dict[tuple[str, str], tuple[int, ...]]:
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "SELECT model, auth_id, request_count, input_tokens, output_tokens,"
            " reasoning_tokens, cached_tokens, success_count, error_count, total_tokens"
            " FROM usage_stats"
        ).fetchall()
    return {(row[0], row[1]): tuple(row[2:]) for row in rows}


async def test_upsert_adds_and_lists_with_total_tokens(
    usage_stub: UsageServiceAsyncStub, pg_database: str, today: date
) -> None:
    await usage_stub.UpsertUsage(pb.UpsertUsageRequest(record=record(today, reasoning_tokens=2)))
    await usage_stub.UpsertUsage(pb.UpsertUsageRequest(record=record(today, cached_tokens=4)))
    listed = await usage_stub.ListUsage(pb.ListUsageRequest(auth_id="auth-1"))
    (row,) = listed.records
    assert (row.request_count, row.input_tokens, row.output_tokens) == (2, 20, 10)
    assert (row.reasoning_tokens, row.cached_tokens) == (2, 4)
    assert row.total_tokens == 20 + 10 + 2  # cached tokens are part of the input
    assert row.date == today.isoformat()


async def test_duplicate_keys_in_one_batch_are_summed(
    usage_stub: UsageServiceAsyncStub, pg_database: str, today: date
) -> None:
    reply = await usage_stub.BatchUpsertUsage(
        pb.BatchUpsertUsageRequest(
            records=[
                record(today),
                record(today, model="m2"),
                record(today, input_tokens=7),
                record(today),
            ]
        )
    )
    assert (reply.records_received, reply.keys_updated) == (4, 2)
    assert totals(pg_database)[("m1", "auth-1")][:2] == (3, 27)
    assert totals(pg_database)[("m2", "auth-1")][:2] == (1, 10)


async def test_a_retried_batch_counts_once_and_a_reused_id_is_refused(
    usage_stub: UsageServiceAsyncStub, pg_database: str, today: date
) -> None:
    batch = pb.BatchUpsertUsageRequest(
        records=[record(today), record(today, model="m2")], request_id="b-1"
    )
    first = await usage_stub.BatchUpsertUsage(batch)
    assert not first.replayed
    again = await usage_stub.BatchUpsertUsage(batch)
    assert again.replayed
    assert (again.records_received, again.keys_updated) == (2, 2)
    assert totals(pg_database)[("m1", "auth-1")][0] == 1
    other = pb.BatchUpsertUsageRequest(records=[record(today, input_tokens=99)], request_id="b-1")
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await usage_stub.BatchUpsertUsage(other)
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert totals(pg_database)[("m1", "auth-1")][1] == 10


async def test_concurrent_retries_from_two_server_processes_apply_once(
    two_servers: tuple[str, str], pg_database: str, today: date
) -> None:
    batch = pb.BatchUpsertUsageRequest(
        records=[record(today, auth_id=f"a{n}") for n in range(200)], request_id="shared-id"
    )
    async with (
        grpc.aio.insecure_channel(two_servers[0]) as one,
        grpc.aio.insecure_channel(two_servers[1]) as two,
    ):
        both = [stubs.usage(one), stubs.usage(two)]
        replies = await asyncio.gather(
            *(both[n % 2].BatchUpsertUsage(batch, timeout=10) for n in range(10))
        )
    assert Counter(reply.replayed for reply in replies) == {True: 9, False: 1}
    sums = totals(pg_database)
    assert len(sums) == 200
    assert all(values[0] == 1 and values[1] == 10 for values in sums.values())


async def test_overlapping_concurrent_batches_never_deadlock_or_lose_an_increment(
    pg_database: str,
    today: date,
) -> None:
    app = Application(
        server_settings(pg_database, pool=PoolSettings(min_size=8, max_size=10, timeout=5.0))
    )
    await app.start()
    keys = [(f"m{m}", f"auth-{a}") for m in range(5) for a in range(10)]
    sent: Counter[tuple[str, str, str]] = Counter()
    failures: list[BaseException] = []
    batches = 0
    stop_at = time.monotonic() + 20.0

    async def client(seed: int) -> None:
        nonlocal batches
        rng = random.Random(seed)
        async with grpc.aio.insecure_channel(f"127.0.0.1:{app.port}") as channel:
            stub = stubs.usage(channel)
            while time.monotonic() < stop_at:
                chosen = rng.sample(keys, 30)  # overlapping keys, each batch in its own order
                records = []
                for model, auth_id in chosen:
                    counts = {name: rng.randint(0, 1000) for name in COUNTERS}
                    records.append(record(today, auth_id=auth_id, model=model, **counts))
                try:
                    await stub.BatchUpsertUsage(
                        pb.BatchUpsertUsageRequest(records=records), timeout=10
                    )
                except grpc.aio.AioRpcError as exc:
                    failures.append(exc)
                    continue
                for item in records:
                    for name in COUNTERS:
                        sent[(item.model, item.auth_id, name)] += getattr(item, name)
                batches += 1

    try:
        await asyncio.gather(*(client(seed) for seed in range(8)))
    finally:
        await app.stop()
    assert failures == []
    stored = totals(pg_database)
    for (model, auth_id), values in stored.items():
        for name, value in zip(COUNTERS, values, strict=False):
            assert value == sent[(model, auth_id, name)], (model, auth_id, name)
    print(f"\n8 clients, 20 s: {batches} batches of 30 overlapping keys, no deadlock")
    assert batches > 100


async def test_one_bad_record_rejects_the_batch_naming_its_index_and_field(
    usage_stub: UsageServiceAsyncStub, pg_database: str, today: date
) -> None:
    records = [record(today, auth_id=f"a{n}") for n in range(1000)]
    records[537].model = ""
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await usage_stub.BatchUpsertUsage(pb.BatchUpsertUsageRequest(records=records))
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "records[537].model" in (caught.value.details() or "")
    assert totals(pg_database) == {}


BAD: list[tuple[str, Any]] = [
    (
        "records[0].date",
        pb.BatchUpsertUsageRequest(
            records=[pb.UsageRecord(provider="p", model="m", auth_id="a", date="2025-13-01")]
        ),
    ),
    (
        "records[0].date",
        pb.BatchUpsertUsageRequest(
            records=[pb.UsageRecord(provider="p", model="m", auth_id="a", date="20250101")]
        ),
    ),
    (
        "records[0].input_tokens",
        pb.BatchUpsertUsageRequest(records=[record(ANY_DAY, input_tokens=-1)]),
    ),
    (
        "records[0].provider",
        pb.BatchUpsertUsageRequest(
            records=[pb.UsageRecord(model="m", auth_id="a", date=ANY_DAY.isoformat())]
        ),
    ),
    ("records", pb.BatchUpsertUsageRequest()),
    ("request_id", pb.BatchUpsertUsageRequest(records=[record(ANY_DAY)], request_id="r" * 129)),
]


@pytest.mark.parametrize(("field", "request_message"), BAD, ids=[f for f, _ in BAD])
async def test_bad_batches_are_invalid_argument_and_write_nothing(
    usage_stub: UsageServiceAsyncStub, pg_database: str, field: str, request_message: Any
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await usage_stub.BatchUpsertUsage(request_message)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field in (caught.value.details() or "")
    assert totals(pg_database) == {}


async def test_an_oversized_batch_names_the_limit(pg_database: str, today: date) -> None:
    app = Application(server_settings(pg_database, max_batch=100))
    await app.start()
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{app.port}") as channel:
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                await stubs.usage(channel).BatchUpsertUsage(
                    pb.BatchUpsertUsageRequest(records=[record(today)] * 101)
                )
    finally:
        await app.stop()
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "at most 100" in (caught.value.details() or "")


async def test_list_filters_dates_and_pages(usage_stub: UsageServiceAsyncStub) -> None:
    records = [
        pb.UsageRecord(provider="p", model="m", auth_id=f"a{n}", date=day, request_count=1)
        for n in range(3)
        for day in ("2025-01-01", "2025-01-02", "2025-01-03")
    ]
    await usage_stub.BatchUpsertUsage(pb.BatchUpsertUsageRequest(records=records))
    seen: list[tuple[str, str]] = []
    token = ""
    while True:
        page = await usage_stub.ListUsage(pb.ListUsageRequest(page_size=4, page_token=token))
        seen.extend((r.date, r.auth_id) for r in page.records)
        token = page.next_page_token
        if not token:
            break
    assert seen == sorted(seen)
    assert len(seen) == 9
    ranged = await usage_stub.ListUsage(
        pb.ListUsageRequest(start_date="2025-01-02", end_date="2025-01-02", auth_id="a1")
    )
    assert [(r.date, r.auth_id) for r in ranged.records] == [("2025-01-02", "a1")]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await usage_stub.ListUsage(
            pb.ListUsageRequest(start_date="2025-01-03", end_date="2025-01-01")
        )
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT


async def test_an_upsert_with_a_request_id_claims_it_and_counts_in_one_transaction(
    usage_stub: UsageServiceAsyncStub, pg_database: str, today: date
) -> None:
    # One record (plain parameters) and a batch of two keys (arrays): each path writes
    # its claim and its counters in one transaction, so a crash between them cannot
    # leave a claimed id without its counts, nor counts a retry would add again.
    await usage_stub.UpsertUsage(
        pb.UpsertUsageRequest(record=record(today, "one"), request_id="u-1")
    )
    batch = [record(today, "two"), record(today, "three")]
    await usage_stub.BatchUpsertUsage(pb.BatchUpsertUsageRequest(records=batch, request_id="u-2"))
    with psycopg.connect(pg_database) as conn:
        claims: dict[str, str] = dict(
            conn.execute("SELECT request_id, xmin::text FROM usage_applied_requests").fetchall()
        )
        counts: dict[str, str] = dict(
            conn.execute("SELECT auth_id, xmin::text FROM usage_stats").fetchall()
        )
    assert claims["u-1"] == counts["one"]
    assert claims["u-2"] == counts["two"] == counts["three"]
    assert claims["u-1"] != claims["u-2"]
    again = await usage_stub.UpsertUsage(
        pb.UpsertUsageRequest(record=record(today, "one"), request_id="u-1")
    )
    assert again.replayed
    assert totals(pg_database)[("m1", "one")][0] == 1
