"""How many database reads a key validation costs when the cache misses: one, for an
unknown key too, wherever the answer is final; a second on the primary only while a
replica's "none" could be a key created moments ago."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import psycopg
import pytest

from dataaccess_server.db.api_keys import PostgresAPIKeyStore
from dataaccess_server.db.cluster import Cluster
from dataaccess_server.db.key_channel import channel_for
from dataaccess_server.db.key_policies import PostgresPolicyStore
from dataaccess_server.db.migrations import Migrator
from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.api_keys import APIKeyService
from dataaccess_server.domain.key_cache import KeyCache
from dataaccess_server.domain.key_policies import Allowances
from dataaccess_server.domain.key_rules import generate_key
from dataaccess_server.domain.model.api_keys import KeyInput, Known, Reason
from dataaccess_server.domain.pagination import PageSigner
from dataaccess_server.embedded import PostgresInstance
from tests.harness.postgres import InstanceFactory
from tests.harness.waiting import wait_until

FRESH_WINDOW = 0.2


def execute(dsn: str, statement: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(statement)


class CountingStore(PostgresAPIKeyStore):
    """The real store, noting where each key lookup was sent."""

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster, channel_for("public"))
        self.cluster = cluster
        self.lookups: list[str] = []

    async def lookup_hash(
        self, key_hash: bytes, deadline: Deadline, *, primary: bool = False
    ) -> Known | None:
        self.lookups.append("primary" if primary else "any")
        return await super().lookup_hash(key_hash, deadline, primary=primary)


def subscribed_cache() -> KeyCache[Known]:
    # As the application's cache is while its invalidation listener is connected.
    cache: KeyCache[Known] = KeyCache(fresh_window=FRESH_WINDOW)
    cache.set_enabled(True)
    return cache


@pytest.fixture
async def replicated(
    pg_instance_factory: InstanceFactory,
) -> AsyncIterator[tuple[Cluster, PostgresInstance]]:
    """A cluster of a primary and one replica in read rotation, and the replica."""
    primary = await asyncio.to_thread(pg_instance_factory)
    await Migrator(primary.dsn()).up()
    replica = await asyncio.to_thread(pg_instance_factory.replica, primary)
    cluster = Cluster(primary.dsn(), replica_dsns=(replica.dsn(),), monitor_interval=0.1)
    await cluster.open()
    try:
        await wait_until(cluster.replicas_serving, what="the replica in read rotation")
        yield cluster, replica
    finally:
        await cluster.close()


async def test_an_unknown_key_costs_one_replica_read_once_the_subscription_settled(
    replicated: tuple[Cluster, PostgresInstance],
) -> None:
    cluster, _ = replicated
    store = CountingStore(cluster)
    cache = subscribed_cache()
    keys = APIKeyService(store, cache, pages=PageSigner.ephemeral(), allowances=allowances(store))
    soon = Deadline.after(10)

    # Just subscribed: a key created before may not have reached the replica yet.
    assert not cache.absence_is_final()
    assert (await keys.validate(generate_key(), soon)).reason is Reason.NOT_FOUND
    assert store.lookups == ["any", "primary"]

    await asyncio.sleep(FRESH_WINDOW * 1.5)
    assert cache.absence_is_final()
    store.lookups.clear()
    for _ in range(5):  # five different made-up keys: five reads, all on a replica
        assert (await keys.validate(generate_key(), soon)).reason is Reason.NOT_FOUND
    assert store.lookups == ["any"] * 5


async def test_a_key_this_server_created_validates_at_once_while_the_replica_is_paused(
    replicated: tuple[Cluster, PostgresInstance],
) -> None:
    cluster, replica = replicated
    store = CountingStore(cluster)
    keys = APIKeyService(
        store, subscribed_cache(), pages=PageSigner.ephemeral(), allowances=allowances(store)
    )
    soon = Deadline.after(10)
    await asyncio.sleep(FRESH_WINDOW * 1.5)  # absence on the replica would be final
    execute(replica.dsn(), "SELECT pg_wal_replay_pause()")
    try:
        _, key = await keys.create(KeyInput(name="new", owner_id="o"), "", soon)
        assert key is not None
        # Creating it told this process: read on the primary, where the key is.
        assert (await keys.validate(key, soon)).valid
        assert store.lookups == ["primary"]
    finally:
        execute(replica.dsn(), "SELECT pg_wal_replay_resume()")


async def test_without_a_replica_in_rotation_an_unknown_key_costs_one_primary_read(
    pg_database: str,
) -> None:
    cluster = Cluster(pg_database)
    await cluster.open()
    try:
        store = CountingStore(cluster)
        keys = APIKeyService(
            store, subscribed_cache(), pages=PageSigner.ephemeral(), allowances=allowances(store)
        )  # not settled: still one read
        assert not cluster.replicas_serving()
        assert (await keys.validate(generate_key(), Deadline.after(10))).reason is (
            Reason.NOT_FOUND
        )
        assert store.lookups == ["primary"]
    finally:
        await cluster.close()


def test_absence_is_final_only_after_the_fresh_window_of_an_unbroken_subscription() -> None:
    cache: KeyCache[Known] = KeyCache(fresh_window=0.0)
    assert not cache.absence_is_final()  # never subscribed
    cache.set_enabled(True)
    assert cache.absence_is_final()
    cache.set_enabled(False)  # invalidations lost meanwhile
    assert not cache.absence_is_final()
    slow: KeyCache[Known] = KeyCache(fresh_window=60.0)
    slow.set_enabled(True)
    assert not slow.absence_is_final()


def allowances(store: CountingStore) -> Allowances:
    """Key limits' allowances over the store's cluster (the keys here have none)."""
    return Allowances(PostgresPolicyStore(store.cluster))
