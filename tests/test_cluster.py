"""Primary and replicas, against a real primary and two streaming replicas: routing,
failover of reads, rotation by lag, read-your-writes, deadlines and pool exhaustion.

Which node served a call is read from the server itself (``inet_server_port()``).
"""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import psycopg
import pytest
from grpc import aio
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from dataaccess.v1 import operations_pb2 as ops_pb2
from dataaccess.v1 import operations_pb2_grpc as ops_grpc
from dataaccess_server.api.health import HealthReporter
from dataaccess_server.app import Application
from dataaccess_server.db.cluster import Cluster, Connection, Intent
from dataaccess_server.db.migrations import Migrator
from dataaccess_server.db.pool import PoolSettings
from dataaccess_server.db.wal import current_wal_lsn
from dataaccess_server.deadline import Deadline
from dataaccess_server.domain.model.operations import NodeStatus
from dataaccess_server.embedded import PostgresInstance
from dataaccess_server.errors import DatabaseUnavailableError, DeadlineExceededError
from tests.harness import stubs
from tests.harness.postgres import InstanceFactory
from tests.harness.server import server_settings
from tests.harness.waiting import wait_until

MAX_LAG = 1.0
MONITOR_INTERVAL = 0.1


@dataclass
class Replicated:
    """A migrated primary and two streaming replicas of it."""

    primary: PostgresInstance
    replicas: list[PostgresInstance]

    @property
    def replica_dsns(self) -> list[str]:
        return [replica.dsn() for replica in self.replicas]


@pytest.fixture
def replicated(pg_instance_factory: InstanceFactory) -> Replicated:
    primary = pg_instance_factory()
    asyncio.run(Migrator(primary.dsn()).up())
    with psycopg.connect(primary.dsn(), autocommit=True) as conn:
        conn.execute("CREATE TABLE probe_rows (id int PRIMARY KEY, note text)")
    return Replicated(primary, [pg_instance_factory.replica(primary) for _ in range(2)])


def make_cluster(setup: Replicated, pool: PoolSettings | None = None) -> Cluster:
    return Cluster(
        setup.primary.dsn(),
        setup.replica_dsns,
        pool=pool or PoolSettings(min_size=1, max_size=10, timeout=2.0),
        monitor_interval=MONITOR_INTERVAL,
        replica_max_lag=MAX_LAG,
    )


@pytest.fixture
async def cluster(replicated: Replicated) -> AsyncIterator[Cluster]:
    cluster = make_cluster(replicated)
    await cluster.open()
    try:
        yield cluster
    finally:
        await cluster.close()


async def server_port(conn: Connection) -> int:
    cursor = await conn.execute("SELECT inet_server_port()")
    row = await cursor.fetchone()
    assert row is not None
    return int(row[0])


def soon(seconds: float = 5.0) -> Deadline:
    return Deadline.after(seconds)


def execute(dsn: str, statement: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(statement.encode())


def active_statements(dsn: str, marker: str) -> int:
    """How many statements containing ``marker`` run on ``dsn`` now (other sessions')."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE query LIKE %s AND state = 'active'"
            " AND pid <> pg_backend_pid()",
            (f"%{marker}%",),
        ).fetchone()
    assert row is not None
    return int(row[0])


def pids(dsn: str, query: str) -> list[int]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        return [row[0] for row in conn.execute(query.encode()).fetchall()]


def insert_row(key: int) -> Callable[[Connection], Awaitable[object]]:
    async def insert(conn: Connection) -> None:
        await conn.execute("INSERT INTO probe_rows VALUES (%s, 'row')", (key,))

    return insert


async def test_reads_go_to_replicas_round_robin_and_writes_to_the_primary(
    cluster: Cluster, replicated: Replicated
) -> None:
    read_ports = Counter(
        [await cluster.run(Intent.READ, server_port, deadline=soon()) for _ in range(20)]
    )
    assert set(read_ports) == {replica.port for replica in replicated.replicas}
    assert sorted(read_ports.values()) == [10, 10]  # round-robin
    write_port = await cluster.run(Intent.WRITE, server_port, deadline=soon())
    assert write_port == replicated.primary.port


async def test_a_replica_is_never_sent_a_write(replicated: Replicated) -> None:
    # Misconfigured: the "primary" is a replica. Writes must fail, not go there.
    cluster = Cluster(replicated.replica_dsns[0], monitor_interval=MONITOR_INTERVAL)
    await cluster.open()
    try:
        started = time.monotonic()
        with pytest.raises(DatabaseUnavailableError, match="no reachable primary"):
            await cluster.run(Intent.WRITE, server_port, deadline=soon())
        assert time.monotonic() - started < 0.5
        assert await cluster.run(Intent.READ, server_port, deadline=soon()) == (
            replicated.replicas[0].port
        )
    finally:
        await cluster.close()


async def test_a_listener_that_raises_is_logged_and_the_monitor_goes_on(
    pg_instance_factory: InstanceFactory, caplog: pytest.LogCaptureFixture
) -> None:
    instance = await asyncio.to_thread(pg_instance_factory)
    cluster = Cluster(instance.dsn(), monitor_interval=MONITOR_INTERVAL)
    seen: list[bool] = []

    async def broken(_node: object) -> None:
        raise RuntimeError("a bug in a listener")

    async def record(node: NodeStatus) -> None:
        seen.append(node.reachable)

    cluster.subscribe(broken)  # first: it must not keep the others from being told
    cluster.subscribe(record)
    await cluster.open()
    try:
        await asyncio.to_thread(instance.stop)
        await wait_until(lambda: seen == [False], what="the primary seen down")
        await asyncio.to_thread(instance.start)
        await wait_until(lambda: seen == [False, True], what="the primary seen up again")
        assert cluster.writer() is cluster.primary
    finally:
        await cluster.close()
    logged = [
        record
        for record in caplog.records
        if record.exc_info is not None and "a bug in a listener" in str(record.exc_info[1])
    ]
    assert len(logged) == 2, "each failure is logged with its traceback"


@pytest.fixture
async def app(replicated: Replicated) -> AsyncIterator[Application]:
    settings = server_settings(
        replicated.primary.dsn(),
        replica_dsns=tuple(replicated.replica_dsns),
        monitor_interval=MONITOR_INTERVAL,
        replica_max_lag=MAX_LAG,
    )
    application = Application(settings)
    await application.start()
    try:
        yield application
    finally:
        await application.stop()


async def node_status(app: Application) -> dict[str, ops_pb2.DatabaseNode]:
    async with aio.insecure_channel(f"127.0.0.1:{app.port}") as channel:
        reply = await ops_grpc.OperationsServiceStub(channel).GetDatabaseStatus(
            ops_pb2.GetDatabaseStatusRequest(), timeout=5
        )
    return {node.name: node for node in reply.nodes}


async def test_status_reports_every_node_with_rotation_lag_and_pool_stats(
    app: Application, replicated: Replicated
) -> None:
    nodes = await node_status(app)
    assert list(nodes) == ["primary", "replica-1", "replica-2"]
    assert nodes["primary"].observed_role == ops_pb2.NODE_ROLE_PRIMARY
    assert not nodes["primary"].in_rotation
    for name in ("replica-1", "replica-2"):
        replica = nodes[name]
        assert replica.configured_role == ops_pb2.NODE_ROLE_REPLICA
        assert replica.observed_role == ops_pb2.NODE_ROLE_REPLICA
        assert replica.reachable
        assert replica.in_rotation, replica.rotation_reason
        assert replica.rotation_reason == ""
        assert replica.HasField("replay_lag")
        assert replica.HasField("replay_lag_bytes")
        assert replica.wal_lsn
        assert replica.pool.pool_max == 4
        assert f"port={replicated.replicas[int(name[-1]) - 1].port}" in replica.dsn


async def test_stopped_replica_leaves_rotation_reads_still_succeed_and_it_returns(
    app: Application, replicated: Replicated
) -> None:
    cluster = app.cluster
    assert cluster is not None
    victim = replicated.replicas[0]
    await asyncio.to_thread(victim.stop)
    # Some of these are routed to the stopped replica before the monitor notices.
    ports = [await cluster.run(Intent.READ, server_port, deadline=soon()) for _ in range(40)]
    assert victim.port not in ports
    await wait_until(lambda: not cluster.in_rotation(cluster.replicas[0]), what="rotation exit")
    status = (await node_status(app))["replica-1"]
    assert not status.reachable
    assert not status.in_rotation
    assert status.rotation_reason == "unreachable"

    restarted = time.monotonic()
    await asyncio.to_thread(victim.start)
    await wait_until(lambda: cluster.in_rotation(cluster.replicas[0]), what="rotation return")
    # Back within the probe period (DB_MONITOR_INTERVAL, itself below DB_POOL_HEALTH_CHECK).
    assert time.monotonic() - restarted < 5 * MONITOR_INTERVAL + 1.0
    ports = [await cluster.run(Intent.READ, server_port, deadline=soon()) for _ in range(10)]
    assert victim.port in ports
    assert (await node_status(app))["replica-1"].in_rotation


async def test_replica_lagging_beyond_the_bound_leaves_rotation_until_it_catches_up(
    cluster: Cluster, replicated: Replicated
) -> None:
    lagging = cluster.replicas[0]
    await asyncio.to_thread(execute, replicated.replica_dsns[0], "SELECT pg_wal_replay_pause()")
    try:
        keys = itertools.count()

        async def write_then_left_rotation() -> bool:
            # A row per poll keeps WAL flowing, so that replay falls behind.
            await cluster.run(Intent.WRITE, insert_row(next(keys)), deadline=soon())
            return not cluster.in_rotation(lagging)

        await wait_until(
            write_then_left_rotation,
            what="the paused replica to leave rotation",
            timeout=10.0,
            interval=0.05,
        )
        assert not cluster.in_rotation(lagging)
        reason = cluster.status()[1].rotation_reason
        assert reason.startswith("replay lag")
        assert "DB_REPLICA_MAX_LAG 1s" in reason
        ports = {await cluster.run(Intent.READ, server_port, deadline=soon()) for _ in range(10)}
        assert ports == {replicated.replicas[1].port}
    finally:
        await asyncio.to_thread(
            execute, replicated.replica_dsns[0], "SELECT pg_wal_replay_resume()"
        )
    await wait_until(lambda: cluster.in_rotation(lagging), what="the replica to catch up")


async def test_read_your_writes_never_sees_the_state_before_the_write(
    cluster: Cluster, replicated: Replicated
) -> None:
    for dsn in replicated.replica_dsns:
        await asyncio.to_thread(execute, dsn, "SELECT pg_wal_replay_pause()")

    async def insert(conn: Connection) -> int:
        async with conn.transaction():
            await conn.execute("INSERT INTO probe_rows VALUES (1, 'written')")
        return await current_wal_lsn(conn)

    async def read(conn: Connection) -> tuple[int, str | None]:
        cursor = await conn.execute("SELECT note FROM probe_rows WHERE id = 1")
        row = await cursor.fetchone()
        return await server_port(conn), (row[0] if row else None)

    lsn = await cluster.run(Intent.WRITE, insert, deadline=soon())
    # Replicas in rotation have not replayed it: a plain read may be stale...
    port, note = await cluster.run(Intent.READ, read, deadline=soon())
    assert port in {replica.port for replica in replicated.replicas}
    assert note is None
    # ...a read carrying the write's LSN never is.
    for _ in range(10):
        assert await cluster.run(Intent.READ, read, deadline=soon(), min_lsn=lsn) == (
            replicated.primary.port,
            "written",
        )

    for dsn in replicated.replica_dsns:
        await asyncio.to_thread(execute, dsn, "SELECT pg_wal_replay_resume()")
    await wait_until(lambda: all((r.wal_lsn or 0) >= lsn for r in cluster.replicas), what="replay")
    port, note = await cluster.run(Intent.READ, read, deadline=soon(), min_lsn=lsn)
    assert port in {replica.port for replica in replicated.replicas}  # caught up: replica
    assert note == "written"


async def test_primary_down_writes_fail_fast_reads_continue_and_health_says_so(
    cluster: Cluster, replicated: Replicated
) -> None:
    servicer = health.aio.HealthServicer()
    reporter = HealthReporter(
        servicer,
        cluster,
        write_services=["dataaccess.v1.OperationsService"],
        read_services=["dataaccess.v1.AnalyticsService"],
    )
    await reporter.start()
    server = aio.server()
    health_pb2_grpc.add_HealthServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        await asyncio.to_thread(replicated.primary.stop)
        started = time.monotonic()
        with pytest.raises(DatabaseUnavailableError):
            await cluster.run(Intent.WRITE, server_port, deadline=soon(5.0))
        assert time.monotonic() - started < 2.5  # fails fast, not at the 5 s deadline
        for _ in range(10):
            read_port = await cluster.run(Intent.READ, server_port, deadline=soon())
            assert read_port in {replica.port for replica in replicated.replicas}
        await wait_until(lambda: cluster.writer() is None, what="the primary to be seen down")
        async with aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = stubs.health(channel)

            async def status(service: str) -> int:
                request = health_pb2.HealthCheckRequest(service=service)
                return int((await stub.Check(request, timeout=2)).status)

            not_serving = health_pb2.HealthCheckResponse.NOT_SERVING
            serving = health_pb2.HealthCheckResponse.SERVING

            async def overall_not_serving() -> bool:
                return await status("") == not_serving

            await wait_until(overall_not_serving, what="overall health NOT_SERVING")
            assert await status("dataaccess.v1.OperationsService") == not_serving
            assert await status("dataaccess.v1.AnalyticsService") == serving
    finally:
        await server.stop(None)


async def test_exhausted_pool_fails_waiting_calls_at_their_deadline_and_recovers(
    replicated: Replicated,
) -> None:
    settings = server_settings(
        replicated.primary.dsn(),
        pool=PoolSettings(min_size=1, max_size=2, timeout=30.0),
        monitor_interval=MONITOR_INTERVAL,
    )
    app = Application(settings)
    await app.start()
    cluster = app.cluster
    assert cluster is not None
    try:

        async def hold(conn: Connection) -> None:
            await conn.execute("SELECT pg_sleep(2) /* pool-holder */")

        holders = [
            asyncio.create_task(cluster.run(Intent.WRITE, hold, deadline=soon(10)))
            for _ in range(2)
        ]
        # Wait for both holders' statements to run. Before, the pool can look exhausted
        # (grown to 2, none free) while the server's start-up work holds a connection it
        # frees within milliseconds, letting the call below through.
        primary_dsn = replicated.primary.dsn()

        async def both_running() -> bool:
            return await asyncio.to_thread(active_statements, primary_dsn, "pool-holder") == 2

        await wait_until(both_running, what="both holders' statements running")
        await wait_until(
            lambda: (
                cluster.primary.status().pool_stats["pool_available"] == 0
                and cluster.primary.status().pool_stats["pool_size"] == 2
            ),
            what="both connections lent out",
        )
        started = time.monotonic()
        with pytest.raises(DatabaseUnavailableError, match="no connection to primary"):
            await cluster.run(Intent.WRITE, server_port, deadline=soon(0.5))
        elapsed = time.monotonic() - started
        assert 0.4 < elapsed < 1.5, elapsed  # at its deadline, not at the 30 s pool timeout

        # Meanwhile the server is healthy: health answers from the monitor's own connection.
        async with aio.insecure_channel(f"127.0.0.1:{app.port}") as channel:
            reply = await stubs.health(channel).Check(
                health_pb2.HealthCheckRequest(service=""), timeout=2
            )
            assert reply.status == health_pb2.HealthCheckResponse.SERVING
        await asyncio.gather(*holders)
        assert await cluster.run(Intent.WRITE, server_port, deadline=soon()) == (
            replicated.primary.port
        )
        primary = (await node_status(app))["primary"]
        assert primary.pool.requests_errors >= 1
        assert primary.pool.requests_queued >= 1
    finally:
        await app.stop()


async def test_deadline_cancels_the_statement_on_the_server(
    cluster: Cluster, replicated: Replicated
) -> None:
    async def sleep(conn: Connection) -> None:
        await conn.execute("SELECT pg_sleep(30) /* deadline-test */")

    started = time.monotonic()
    with pytest.raises(DeadlineExceededError):
        await cluster.run(Intent.WRITE, sleep, deadline=soon(0.3))
    assert time.monotonic() - started < 1.5

    assert (
        await asyncio.to_thread(active_statements, replicated.primary.dsn(), "deadline-test") == 0
    )


async def test_200_concurrent_reads_survive_a_replica_killed_mid_run(
    replicated: Replicated,
) -> None:
    cluster = make_cluster(replicated, PoolSettings(min_size=2, max_size=10, timeout=5.0))
    await cluster.open()
    failures: list[BaseException] = []
    served: Counter[int] = Counter()
    stop_at = time.monotonic() + 10.0

    async def reader() -> None:
        while time.monotonic() < stop_at:
            try:
                served[await cluster.run(Intent.READ, server_port, deadline=soon(5.0))] += 1
            except Exception as exc:  # counted, and reported below
                failures.append(exc)

    try:
        readers = [asyncio.create_task(reader()) for _ in range(200)]
        await asyncio.sleep(3.0)
        victim = replicated.replicas[0]
        served_before = served[victim.port]
        await asyncio.to_thread(victim.stop, "immediate")
        await asyncio.gather(*readers)
    finally:
        await cluster.close()
    print(
        f"\n200 readers, 10 s, replica killed at 3 s: {sum(served.values())} reads, "
        f"{len(failures)} failed, {cluster.read_retries} retried on another node; by port "
        f"{dict(served)} (killed: {replicated.replicas[0].port})"
    )
    assert failures == [], f"{len(failures)} failed calls, first: {failures[:3]}"
    assert served_before > 0
    assert served[replicated.replicas[1].port] > 0
    assert sum(served.values()) > 1000


async def test_a_promoted_replica_takes_the_writes(
    cluster: Cluster, replicated: Replicated
) -> None:
    await asyncio.to_thread(replicated.primary.stop)
    await wait_until(lambda: cluster.writer() is None, what="the primary to be seen down")
    await asyncio.to_thread(replicated.replicas[0].promote)
    await wait_until(lambda: cluster.writer() is cluster.replicas[0], what="the promotion")
    assert await cluster.run(Intent.WRITE, server_port, deadline=soon()) == (
        replicated.replicas[0].port
    )
    status = cluster.status()[1]
    assert not status.in_rotation
    assert status.rotation_reason.startswith("not a replica")


POOLED_BACKENDS = """
SELECT pid FROM pg_stat_activity
WHERE application_name = 'dataaccess' AND datname = current_database()
"""


async def test_close_ends_even_when_the_pool_check_swallows_its_cancellation(
    pg_database: str,
) -> None:
    # psycopg_pool's AsyncConnectionPool.check() takes a cancellation that lands in its
    # round trip for a broken connection, and returns: the pool-check loop must stop on
    # the cluster's own word. Else close() never ends, and the server's time bound on it
    # leaves the monitor's probe connection open (found garbage-collected unclosed).
    cluster = Cluster(
        pg_database,
        pool=PoolSettings(min_size=1, max_size=1, health_check_interval=0.1),
        monitor_interval=MONITOR_INTERVAL,
    )
    await cluster.open()
    stopped: list[int] = []

    def available() -> int:
        return cluster.primary.status().pool_stats["pool_available"]

    try:
        await wait_until(lambda: available() == 1, what="the pooled connection")
        # A stopped backend leaves the pool's check round trip waiting, and psycopg's
        # cancellation of it too (5 s, then it drops the connection).
        (pid,) = await asyncio.to_thread(pids, pg_database, POOLED_BACKENDS)
        os.kill(pid, signal.SIGSTOP)
        stopped.append(pid)
        await wait_until(lambda: available() == 0, what="the pool check to be waiting")
        closing = time.monotonic()
        async with asyncio.timeout(30):
            await cluster.close()
        assert time.monotonic() - closing < 15
    finally:
        for pid in stopped:
            os.kill(pid, signal.SIGCONT)
