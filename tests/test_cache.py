"""CacheService against a real PostgreSQL: set/get/delete, expiry by the database's clock
to the second, tag invalidation that removes exactly the tagged entries, batches, limits
(INVALID_ARGUMENT naming the field, nothing written), the sweep and `cleanup`, and why
every cache call goes to the primary (a standby cannot read an UNLOGGED table), and
what a crash does to it (empties it; a clean restart keeps it)."""

from __future__ import annotations

import asyncio
import random
import urllib.request
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import grpc
import psycopg
import pytest
from google.protobuf import duration_pb2
from grpc import aio

from dataaccess.v1 import cache_pb2 as pb
from dataaccess_server.app import Application
from dataaccess_server.embedded import PostgresInstance
from tests.harness import stubs
from tests.harness.calls import bearer, credential
from tests.harness.postgres import InstanceFactory
from tests.harness.server import clean_environment, health_status, run_cli, server_settings
from tests.harness.waiting import wait_until, wait_until_sync
from tests.test_bad_input import refused
from tests.test_telemetry import scraped_value

if TYPE_CHECKING:
    from dataaccess.v1.cache_pb2_grpc import CacheServiceAsyncStub

MiB = 1024 * 1024
MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


def ttl(seconds: float) -> duration_pb2.Duration:
    duration = duration_pb2.Duration()
    duration.FromTimedelta(timedelta(seconds=seconds))
    return duration


def sql(dsn: str, query: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        cursor = conn.execute(query, params)
        return cursor.fetchall() if cursor.description else []


def stored_keys(dsn: str) -> set[str]:
    return {row[0] for row in sql(dsn, "SELECT key FROM cache_entries")}


def database_now(dsn: str) -> datetime:
    value = sql(dsn, "SELECT clock_timestamp()")[0][0]
    assert isinstance(value, datetime)
    return value


async def test_set_get_delete_round_trip(
    cache_stub: CacheServiceAsyncStub, pg_database: str
) -> None:
    value = bytes(range(256)) * 4  # every byte value, NUL included
    set_reply = await cache_stub.SetCacheEntry(
        pb.SetCacheEntryRequest(
            key="models/anthropic", value=value, ttl=ttl(60), tags=["a", "b", "a"]
        )
    )
    assert set_reply.entry.key == "models/anthropic"
    assert list(set_reply.entry.tags) == ["a", "b"]  # order kept, duplicate dropped
    got = await cache_stub.GetCacheEntry(pb.GetCacheEntryRequest(key="models/anthropic"))
    assert got.found
    assert got.entry.value == value
    assert list(got.entry.tags) == ["a", "b"]
    assert got.entry.expire_time == set_reply.entry.expire_time
    # Overwriting replaces the value and the tags.
    await cache_stub.SetCacheEntry(
        pb.SetCacheEntryRequest(key="models/anthropic", value=b"v2", ttl=ttl(60))
    )
    got = await cache_stub.GetCacheEntry(pb.GetCacheEntryRequest(key="models/anthropic"))
    assert (got.entry.value, list(got.entry.tags)) == (b"v2", [])

    deleted = await cache_stub.DeleteCacheEntry(pb.DeleteCacheEntryRequest(key="models/anthropic"))
    assert deleted.deleted
    missing = await cache_stub.GetCacheEntry(pb.GetCacheEntryRequest(key="models/anthropic"))
    assert not missing.found
    assert not missing.HasField("entry")
    again = await cache_stub.DeleteCacheEntry(pb.DeleteCacheEntryRequest(key="models/anthropic"))
    assert not again.deleted
    assert stored_keys(pg_database) == set()


async def test_expire_time_is_the_database_clock_plus_the_ttl(
    cache_stub: CacheServiceAsyncStub, pg_database: str
) -> None:
    before = database_now(pg_database)
    reply = await cache_stub.SetCacheEntry(
        pb.SetCacheEntryRequest(key="k", value=b"v", ttl=ttl(90.25))
    )
    after = database_now(pg_database)
    expire = reply.entry.expire_time.ToDatetime(tzinfo=before.tzinfo)
    assert before + timedelta(seconds=90.25) <= expire <= after + timedelta(seconds=90.25)
    ((stored, written),) = sql(pg_database, "SELECT expires_at, updated_at FROM cache_entries")
    assert stored == expire
    assert stored - written == timedelta(seconds=90.25)  # now() + ttl, to the microsecond


async def test_an_entry_read_after_its_expiry_is_a_miss_by_the_database_clock(
    cache_stub: CacheServiceAsyncStub, pg_database: str
) -> None:
    reply = await cache_stub.SetCacheEntry(pb.SetCacheEntryRequest(key="k", value=b"v", ttl=ttl(1)))
    expire = reply.entry.expire_time.ToDatetime(tzinfo=database_now(pg_database).tzinfo)
    # Read well inside its second: a hit (the database's clock decides, not ours).
    if database_now(pg_database) < expire - timedelta(milliseconds=300):
        assert (await cache_stub.GetCacheEntry(pb.GetCacheEntryRequest(key="k"))).found
    await asyncio.to_thread(
        wait_until_sync,
        lambda: database_now(pg_database) > expire,
        what="the database's clock past the entry's expire_time",
        timeout=5,
    )
    assert not (await cache_stub.GetCacheEntry(pb.GetCacheEntryRequest(key="k"))).found
    batch = await cache_stub.GetCacheEntries(pb.GetCacheEntriesRequest(keys=["k"]))
    assert (list(batch.entries), list(batch.missing_keys)) == ([], ["k"])
    assert stored_keys(pg_database) == {"k"}  # still stored, never returned
    assert not (await cache_stub.DeleteCacheEntry(pb.DeleteCacheEntryRequest(key="k"))).deleted


async def test_expiry_is_exact_whatever_the_ttl_said(
    cache_stub: CacheServiceAsyncStub, pg_database: str
) -> None:
    # The boundary itself, set by SQL on the database's clock: a moment ago is a miss, a
    # few seconds ahead a hit, and the same entry becomes a miss once its instant passes.
    await cache_stub.SetCacheEntry(pb.SetCacheEntryRequest(key="k", value=b"v", ttl=ttl(3600)))
    sql(pg_database, "UPDATE cache_entries SET expires_at = clock_timestamp() - interval '1 ms'")
    assert not (await cache_stub.GetCacheEntry(pb.GetCacheEntryRequest(key="k"))).found
    (expire,) = sql(
        pg_database,
        "UPDATE cache_entries SET expires_at = clock_timestamp() + interval '1500 ms'"
        " RETURNING expires_at",
    )[0]
    assert (await cache_stub.GetCacheEntry(pb.GetCacheEntryRequest(key="k"))).found
    await asyncio.to_thread(
        wait_until_sync, lambda: database_now(pg_database) > expire, what="expiry", timeout=5
    )
    assert not (await cache_stub.GetCacheEntry(pb.GetCacheEntryRequest(key="k"))).found


async def test_tag_invalidation_removes_exactly_the_tagged_entries_and_counts_the_live_ones(
    cache_stub: CacheServiceAsyncStub, pg_database: str
) -> None:
    tagged = {"a": ["t1"], "b": ["t1", "t2"], "c": ["t2"], "d": ["t3"], "e": [], "f": ["t1"]}
    await cache_stub.SetCacheEntries(
        pb.SetCacheEntriesRequest(
            entries=[
                pb.SetCacheEntriesItem(key=key, value=key.encode(), ttl=ttl(600), tags=tags)
                for key, tags in tagged.items()
            ]
        )
    )
    sql(pg_database, "UPDATE cache_entries SET expires_at = now() - interval '1 s' WHERE key = 'f'")

    first = await cache_stub.InvalidateCacheTags(pb.InvalidateCacheTagsRequest(tags=["t1"]))
    assert first.deleted_count == 2  # a and b; f carried t1 but had expired: removed, not counted
    assert stored_keys(pg_database) == {"c", "d", "e"}
    second = await cache_stub.InvalidateCacheTags(
        pb.InvalidateCacheTagsRequest(tags=["t2", "unknown", "t2"])
    )
    assert second.deleted_count == 1
    assert stored_keys(pg_database) == {"d", "e"}
    none = await cache_stub.InvalidateCacheTags(pb.InvalidateCacheTagsRequest(tags=["t1"]))
    assert none.deleted_count == 0
    found = await cache_stub.GetCacheEntries(pb.GetCacheEntriesRequest(keys=list(tagged)))
    assert [entry.key for entry in found.entries] == ["d", "e"]


async def test_batches_answer_in_key_order_with_the_missing_keys(
    cache_stub: CacheServiceAsyncStub, pg_database: str
) -> None:
    keys = ["k3", "k1", "ключ", "k2"]
    stored = await cache_stub.SetCacheEntries(
        pb.SetCacheEntriesRequest(
            entries=[
                pb.SetCacheEntriesItem(key=key, value=key.encode(), ttl=ttl(60 + n), tags=["b"])
                for n, key in enumerate(keys)
            ]
        )
    )
    assert [entry.key for entry in stored.entries] == sorted(keys)
    by_key = {entry.key: entry for entry in stored.entries}
    assert by_key["k2"].expire_time.seconds - by_key["k3"].expire_time.seconds in (3, 4)
    found = await cache_stub.GetCacheEntries(
        pb.GetCacheEntriesRequest(keys=["k3", "nope", "k1", "k1", "ключ", "also-nope"])
    )
    assert [entry.key for entry in found.entries] == ["k1", "k3", "ключ"]
    assert [entry.value for entry in found.entries] == [b"k1", b"k3", "ключ".encode()]
    assert list(found.missing_keys) == ["also-nope", "nope"]


async def test_concurrent_overlapping_batches_never_deadlock(
    cache_stub: CacheServiceAsyncStub, pg_database: str
) -> None:
    keys = [f"key-{n:03d}" for n in range(300)]

    async def one(seed: int) -> None:
        shuffled = random.Random(seed).sample(keys, len(keys))
        await cache_stub.SetCacheEntries(
            pb.SetCacheEntriesRequest(
                entries=[
                    pb.SetCacheEntriesItem(key=key, value=str(seed).encode(), ttl=ttl(60))
                    for key in shuffled
                ]
            ),
            timeout=20,
        )

    await asyncio.gather(*(one(seed) for seed in range(12)))
    assert stored_keys(pg_database) == set(keys)


def _set(**fields: Any) -> pb.SetCacheEntryRequest:
    values: dict[str, Any] = {"key": "k", "value": b"v", "ttl": ttl(60), **fields}
    return pb.SetCacheEntryRequest(**{name: v for name, v in values.items() if v is not None})


def _item(key: str, **fields: Any) -> pb.SetCacheEntriesItem:
    values: dict[str, Any] = {"key": key, "value": b"v", "ttl": ttl(60), **fields}
    return pb.SetCacheEntriesItem(**{name: v for name, v in values.items() if v is not None})


Call = Callable[["CacheServiceAsyncStub"], Awaitable[object]]
BAD_REQUESTS: dict[str, tuple[Call, str]] = {
    "oversized value": (lambda s: s.SetCacheEntry(_set(value=b"x" * (MiB + 1))), "value"),
    "missing ttl": (lambda s: s.SetCacheEntry(_set(ttl=None)), "ttl"),
    "zero ttl": (lambda s: s.SetCacheEntry(_set(ttl=duration_pb2.Duration())), "ttl"),
    "ttl under 1s": (lambda s: s.SetCacheEntry(_set(ttl=ttl(0.5))), "ttl"),
    "negative ttl": (lambda s: s.SetCacheEntry(_set(ttl=ttl(-60))), "ttl"),
    "ttl over the cap": (lambda s: s.SetCacheEntry(_set(ttl=ttl(7 * 86400 + 1))), "ttl"),
    "ttl of 10,000 years": (
        lambda s: s.SetCacheEntry(_set(ttl=duration_pb2.Duration(seconds=315_576_000_000))),
        "ttl",
    ),
    "too many tags": (lambda s: s.SetCacheEntry(_set(tags=[f"t{n}" for n in range(33)])), "tags"),
    "empty tag": (lambda s: s.SetCacheEntry(_set(tags=["ok", ""])), "tags[1]"),
    "long tag": (lambda s: s.SetCacheEntry(_set(tags=["t" * 129])), "tags[0]"),
    "empty key": (lambda s: s.SetCacheEntry(_set(key="")), "key"),
    "key over 512 bytes": (lambda s: s.SetCacheEntry(_set(key="é" * 257)), "key"),
    "duplicate keys": (
        lambda s: s.SetCacheEntries(
            pb.SetCacheEntriesRequest(entries=[_item("a"), _item("b"), _item("a")])
        ),
        "entries[2].key",
    ),
    "a bad entry in a batch": (
        lambda s: s.SetCacheEntries(
            pb.SetCacheEntriesRequest(entries=[_item("a"), _item("b", ttl=None)])
        ),
        "entries[1].ttl",
    ),
    "empty batch": (lambda s: s.SetCacheEntries(pb.SetCacheEntriesRequest()), "entries"),
    "too many keys": (
        lambda s: s.GetCacheEntries(pb.GetCacheEntriesRequest(keys=[f"k{n}" for n in range(1001)])),
        "keys",
    ),
    "empty key in a batch read": (
        lambda s: s.GetCacheEntries(pb.GetCacheEntriesRequest(keys=["a", ""])),
        "keys[1]",
    ),
    "no tags to invalidate": (
        lambda s: s.InvalidateCacheTags(pb.InvalidateCacheTagsRequest()),
        "tags",
    ),
    "get without a key": (lambda s: s.GetCacheEntry(pb.GetCacheEntryRequest()), "key"),
    "delete without a key": (lambda s: s.DeleteCacheEntry(pb.DeleteCacheEntryRequest()), "key"),
}


@pytest.mark.parametrize("case", list(BAD_REQUESTS))
async def test_bad_requests_are_invalid_argument_naming_the_field_and_write_nothing(
    cache_stub: CacheServiceAsyncStub, pg_database: str, case: str
) -> None:
    await cache_stub.SetCacheEntry(pb.SetCacheEntryRequest(key="kept", value=b"v", ttl=ttl(60)))
    call, field = BAD_REQUESTS[case]
    await refused(call(cache_stub), field)
    assert stored_keys(pg_database) == {"kept"}
    ((value,),) = sql(pg_database, "SELECT value FROM cache_entries")
    assert bytes(value) == b"v"


async def test_a_value_at_the_limit_is_stored(
    cache_stub: CacheServiceAsyncStub, pg_database: str
) -> None:
    value = random.randbytes(MiB)
    await cache_stub.SetCacheEntry(pb.SetCacheEntryRequest(key="big", value=value, ttl=ttl(60)))
    got = await cache_stub.GetCacheEntry(pb.GetCacheEntryRequest(key="big"))
    assert got.entry.value == value


def _insert_expired(dsn: str, count: int) -> None:
    sql(
        dsn,
        "INSERT INTO cache_entries (key, value, expires_at)"
        " SELECT 'old-' || n, '\\x00'::bytea, now() - interval '1 s' * n"
        " FROM generate_series(1, %(count)s) AS n",
        {"count": count},
    )


async def test_each_server_sweeps_expired_entries_in_bounded_batches(pg_database: str) -> None:
    # More expired rows than one sweep statement takes (10,000): the sweep loops.
    _insert_expired(pg_database, 25_000)
    settings = server_settings(pg_database)
    app = Application(replace(settings, cache=replace(settings.cache, sweep_interval=0.2)))
    await app.start()
    try:
        async with aio.insecure_channel(f"127.0.0.1:{app.port}") as channel:
            await stubs.cache(channel).SetCacheEntry(
                pb.SetCacheEntryRequest(key="live", value=b"v", ttl=ttl(600))
            )
            await wait_until(
                lambda: stored_keys(pg_database) == {"live"},
                what="expired entries swept",
                timeout=20,
            )
    finally:
        await app.stop()


def test_cleanup_deletes_expired_entries(pg_database: str) -> None:
    _insert_expired(pg_database, 12)
    sql(
        pg_database,
        "INSERT INTO cache_entries (key, value, expires_at)"
        " VALUES ('live', '', now() + interval '1 h')",
    )
    result = run_cli("cleanup", env=clean_environment(DATABASE_URL=pg_database))
    assert result.returncode == 0, result.stderr
    assert "deleted 12 expired cache entr(y/ies)" in result.stdout
    assert stored_keys(pg_database) == {"live"}


async def test_a_standby_cannot_read_the_unlogged_table_so_the_cache_uses_the_primary(
    pg_primary: PostgresInstance,
    pg_database: str,
    pg_replica_factory: Callable[[PostgresInstance], PostgresInstance],
) -> None:
    replica = pg_replica_factory(pg_primary)
    dbname = psycopg.conninfo.conninfo_to_dict(pg_database)["dbname"]
    replica_dsn = replica.dsn(str(dbname))
    await wait_until(
        lambda: sql(replica_dsn, "SELECT to_regclass('cache_entries') IS NOT NULL")[0][0],
        what="the schema on the replica",
    )
    with pytest.raises(psycopg.errors.FeatureNotSupported, match="unlogged"):
        sql(replica_dsn, "SELECT count(*) FROM cache_entries")

    app = Application(server_settings(pg_database, replica_dsns=(replica_dsn,)))
    await app.start()
    try:
        assert app.cluster is not None
        cluster = app.cluster
        await wait_until(
            lambda: any(cluster.in_rotation(node) for node in cluster.nodes),
            what="the replica in read rotation",
        )
        target = f"127.0.0.1:{app.port}"
        async with aio.insecure_channel(target) as channel:
            cache = stubs.cache(channel)
            await cache.SetCacheEntry(pb.SetCacheEntryRequest(key="k", value=b"v", ttl=ttl(60)))
            for _ in range(4):  # reads would round-robin onto the replica: these do not
                assert (await cache.GetCacheEntry(pb.GetCacheEntryRequest(key="k"))).found
                found = await cache.GetCacheEntries(pb.GetCacheEntriesRequest(keys=["k"]))
                assert [entry.key for entry in found.entries] == ["k"]
        status = await asyncio.to_thread(health_status, target, "dataaccess.v1.CacheService")
        assert status == "SERVING"
    finally:
        await app.stop()


async def test_proxy_reads_and_writes_the_cache_and_reader_only_reads(
    auth_app: Application,
) -> None:
    proxy = bearer(await credential(auth_app, "proxy", "gw"))
    reader = bearer(await credential(auth_app, "reader", "dash"))
    async with aio.insecure_channel(f"127.0.0.1:{auth_app.port}") as channel:
        cache = stubs.cache(channel)
        await cache.SetCacheEntry(_set(), metadata=proxy)
        assert (await cache.GetCacheEntry(pb.GetCacheEntryRequest(key="k"), metadata=proxy)).found
        assert (await cache.GetCacheEntry(pb.GetCacheEntryRequest(key="k"), metadata=reader)).found
        with pytest.raises(aio.AioRpcError) as caught:
            await cache.SetCacheEntry(_set(), metadata=reader)
        assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
        assert "cache.write" in (caught.value.details() or "")


async def test_lookups_are_counted_by_result_on_the_scrape_endpoint(pg_database: str) -> None:
    settings = server_settings(pg_database)
    app = Application(
        replace(settings, telemetry=replace(settings.telemetry, metrics_listen="127.0.0.1:0"))
    )
    await app.start()
    try:
        async with aio.insecure_channel(f"127.0.0.1:{app.port}") as channel:
            cache = stubs.cache(channel)
            await cache.SetCacheEntry(_set(key="here"))
            await cache.GetCacheEntry(pb.GetCacheEntryRequest(key="here"))
            await cache.GetCacheEntry(pb.GetCacheEntryRequest(key="absent"))
            await cache.GetCacheEntries(pb.GetCacheEntriesRequest(keys=["here", "x", "y"]))
        url = f"http://127.0.0.1:{app.metrics_port}/metrics"
        text = await asyncio.to_thread(lambda: urllib.request.urlopen(url).read().decode())
    finally:
        await app.stop()
    assert scraped_value(text, "dataaccess_cache_lookups_total", 'result="hit"') == 2
    assert scraped_value(text, "dataaccess_cache_lookups_total", 'result="miss"') == 3


def test_a_crash_empties_the_cache_and_a_clean_restart_keeps_it(
    pg_instance_factory: InstanceFactory,
) -> None:
    # What the README promises about UNLOGGED, on the migration's own table.
    instance = pg_instance_factory()
    dsn = instance.dsn()
    sql(dsn, (MIGRATIONS / "0010_cache.up.sql").read_text())
    sql(dsn, "CREATE TABLE logged_control (n int)")
    sql(dsn, "INSERT INTO logged_control VALUES (1)")
    sql(dsn, "INSERT INTO cache_entries (key, value, expires_at) VALUES ('k', '', now() + '1 h')")
    sql(dsn, "CHECKPOINT")  # the row is on disk: only the crash recovery can remove it
    instance.stop("fast")
    instance.start()
    assert stored_keys(dsn) == {"k"}
    instance.stop("immediate")
    instance.start()
    assert stored_keys(dsn) == set()
    assert sql(dsn, "SELECT n FROM logged_control") == [(1,)]
