"""``dataaccess serve --workers 2``: real supervisor and worker processes on the test
database, seen the way a caller sees them (through the port they share)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import grpc
import psycopg
import pytest
from prometheus_client.parser import text_string_to_metric_families

from dataaccess.client import Client
from dataaccess.v1 import api_keys_pb2 as keys_pb2
from dataaccess.v1 import api_keys_pb2_grpc as keys_grpc
from dataaccess.v1 import operations_pb2 as ops_pb2
from dataaccess.v1 import operations_pb2_grpc as ops_grpc
from dataaccess_server.config import load_settings
from dataaccess_server.embedded import PostgresInstance
from tests.harness import leaks
from tests.harness.server import Serve, clean_environment, health_status, run_cli
from tests.harness.waiting import wait_until_sync

BLOCK_KEYS = "LOCK TABLE api_keys IN ACCESS EXCLUSIVE MODE"
# Sessions waiting for that lock (by the lock, not the statement's text, which
# pg_stat_activity cuts at track_activity_query_size).
WAITING_CALLS = """
SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
WHERE l.relation = 'api_keys'::regclass AND NOT l.granted AND d.datname = current_database()
"""


def _environment(pg_database: str, **extra: str) -> dict[str, str]:
    settings = {
        "DATABASE_URL": pg_database,
        "DATAACCESS_LISTEN": "127.0.0.1:0",
        "DB_MONITOR_INTERVAL": "0.1",
        "DB_POOL_MIN_CONNS": "1",
        "DB_POOL_MAX_CONNS": "4",
    }
    return clean_environment(**{**settings, **extra})


def _start(env: dict[str, str], log: Path) -> tuple[Serve, str]:
    serve = Serve(env, log, "--workers", "2")
    wait_until_sync(
        lambda: "2 workers (pids" in serve.log(), what="both workers serving", timeout=60
    )
    target = serve.target()
    wait_until_sync(lambda: health_status(target) == "SERVING", what="SERVING", timeout=30)
    return serve, target


@pytest.fixture
def workers(pg_database: str, tmp_path: Path) -> Iterator[tuple[Serve, str]]:
    """``serve --workers 2`` on the test's database, and its target."""
    serve, target = _start(_environment(pg_database), tmp_path / "serve.log")
    try:
        yield serve, target
    finally:
        serve.kill()


def _answering(channel: grpc.Channel) -> ops_pb2.ServerProcess:
    reply = ops_grpc.OperationsServiceStub(channel).GetDatabaseStatus(
        ops_pb2.GetDatabaseStatusRequest(), timeout=10
    )
    return reply.server


def _channel_per_worker(target: str, stack: ExitStack) -> dict[int, grpc.Channel]:
    """A channel (one connection) landing on each worker: SO_REUSEPORT spreads
    connections, so new ones are opened until both workers have answered."""
    found: dict[int, grpc.Channel] = {}
    for _ in range(200):
        # Its own subchannel pool: channels to one target share connections otherwise.
        channel = stack.enter_context(
            grpc.insecure_channel(target, options=[("grpc.use_local_subchannel_pool", 1)])
        )
        found.setdefault(_answering(channel).worker, channel)
        if len(found) == 2:
            return found
    raise AssertionError(f"200 connections reached only workers {sorted(found)}")


def _parent_of(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[1])


def test_both_workers_serve_each_answering_as_itself(workers: tuple[Serve, str]) -> None:
    serve, target = workers
    with ExitStack() as stack:
        channels = _channel_per_worker(target, stack)
        processes = {number: _answering(channel) for number, channel in channels.items()}
    assert sorted(processes) == [1, 2]
    pids = {process.pid for process in processes.values()}
    assert len(pids) == 2
    # Both are children of the supervisor, which serves nothing itself.
    assert {_parent_of(pid) for pid in pids} == {serve.process.pid}
    assert serve.process.pid not in pids
    log = serve.log()
    assert "each with its own pools of up to 4 connections per database node" in log
    assert "up to 8 per node in all): dataaccess serving gRPC on 127.0.0.1:" in log
    assert re.search(r"worker-1\[\d+\] dataaccess_server", log)  # workers' lines say so
    assert serve.stop() == 0


def test_embedded_database_is_started_and_migrated_once_by_the_supervisor(
    tmp_path: Path, pg_major: int
) -> None:
    # Not pytest's tmp_path for the data: its parent is 0700, and the database's OS user
    # must reach it.
    parent = Path(tempfile.mkdtemp(prefix="dataaccess-workers-"))
    parent.chmod(0o755)
    data_dir = parent / "data"
    env = clean_environment(
        DATAACCESS_DATA_DIR=str(data_dir),
        DATAACCESS_LISTEN="127.0.0.1:0",
        DATAACCESS_EMBEDDED_PG_MAJOR=str(pg_major),
        DATAACCESS_ENCRYPTION_KEYS="",  # the development key of the embedded mode
        DATAACCESS_AUTH="",  # the open development mode, on loopback
    )
    try:
        serve, target = _start(env, tmp_path / "serve.log")
        try:
            with ExitStack() as stack:
                assert sorted(_channel_per_worker(target, stack)) == [1, 2]
            log = serve.log()
            assert log.count("DEVELOPMENT DATABASE: embedded PostgreSQL") == 1
            assert log.count("applied migration 0001_initial_schema") == 1
            assert re.search(r"WARNING +dataaccess_server\.startup: DEVELOPMENT DATABASE", log)
            assert serve.stop() == 0
        finally:
            serve.kill()
        # Stopped by the supervisor, once its workers were gone.
        assert not PostgresInstance(data_dir, major=pg_major).is_running()
    finally:
        instance = PostgresInstance(data_dir, major=pg_major)
        if data_dir.exists() and instance.is_running():  # the test failed midway
            instance.stop()
        shutil.rmtree(parent, ignore_errors=True)


def test_killed_worker_is_replaced_within_2s_without_a_failed_call(
    workers: tuple[Serve, str],
) -> None:
    serve, target = workers
    failures: list[BaseException] = []
    calls = 0
    stop = threading.Event()
    with Client(target) as client:
        victim = client.get_database_status(ops_pb2.GetDatabaseStatusRequest()).server

        def call_in_a_loop() -> None:
            nonlocal calls
            while not stop.is_set():
                try:  # idempotent: the client's service config retries UNAVAILABLE
                    client.get_database_status(ops_pb2.GetDatabaseStatusRequest(), timeout=10)
                except Exception as exc:  # the test reports any failure
                    failures.append(exc)
                calls += 1

        caller = threading.Thread(target=call_in_a_loop)
        caller.start()
        try:
            wait_until_sync(lambda: calls > 20, what="calls before the kill")
            killed = time.monotonic()
            os.kill(victim.pid, signal.SIGKILL)
            pattern = re.compile(rf"worker {victim.worker} \(pid (\d+)\) serving")

            def replaced() -> bool:
                return any(int(pid) != victim.pid for pid in pattern.findall(serve.log()))

            wait_until_sync(replaced, what="a new worker serving", timeout=10)
            took = time.monotonic() - killed
            before = calls
            wait_until_sync(lambda: calls > before + 20, what="calls after the restart")
        finally:
            stop.set()
            caller.join(timeout=30)
    assert failures == []
    assert took < 2.0, f"the worker was replaced after {took:.2f}s"
    assert f"worker {victim.worker} (pid {victim.pid}) was killed by SIGKILL" in serve.log()
    # The new worker serves: some connection lands on it.
    with ExitStack() as stack:
        channels = _channel_per_worker(target, stack)
        assert _answering(channels[victim.worker]).pid != victim.pid
    assert serve.stop() == 0


def test_sigterm_drains_an_in_flight_call_then_exits_0(
    workers: tuple[Serve, str], pg_database: str
) -> None:
    serve, target = workers
    with psycopg.connect(pg_database) as blocker, grpc.insecure_channel(target) as channel:
        blocker.execute(BLOCK_KEYS)
        in_flight = keys_grpc.APIKeyServiceStub(channel).ListAPIKeys.future(
            keys_pb2.ListAPIKeysRequest(), timeout=30
        )
        with psycopg.connect(pg_database, autocommit=True) as observer:
            wait_until_sync(
                lambda: observer.execute(WAITING_CALLS).fetchone() == (1,),
                what="the call to wait on the lock",
                timeout=30,
            )
        serve.process.send_signal(signal.SIGTERM)
        wait_until_sync(
            lambda: serve.log().count("draining in-flight calls") == 2,
            what="both workers draining",
        )
        assert not in_flight.done()
        blocker.rollback()
        reply = in_flight.result(timeout=15)
    assert list(reply.api_keys) == []
    assert serve.process.wait(timeout=30) == 0
    assert "shutdown requested: stopping 2 workers" in serve.log()
    assert serve.log().rstrip().endswith("dataaccess stopped")


def test_workers_of_a_killed_supervisor_stop_by_themselves(
    workers: tuple[Serve, str],
) -> None:
    serve, target = workers
    with ExitStack() as stack:
        pids = [_answering(channel).pid for channel in _channel_per_worker(target, stack).values()]
    serve.process.kill()
    serve.process.wait()

    def gone() -> bool:
        return not any(Path(f"/proc/{pid}").exists() for pid in pids)

    # They are not ours to reap: once the kernel has reparented them, /proc says so.
    wait_until_sync(gone, what="the orphaned workers to exit", timeout=15)
    assert serve.log().count("is gone: stopping") == 2
    assert health_status(target) == "UNREACHABLE"


def test_a_worker_that_does_not_stop_is_killed_and_the_supervisor_exits_1(
    pg_database: str, tmp_path: Path
) -> None:
    env = _environment(pg_database, DATAACCESS_SHUTDOWN_GRACE="0")
    serve, target = _start(env, tmp_path / "serve.log")
    try:
        with ExitStack() as stack:
            stuck = _answering(_channel_per_worker(target, stack)[2])
        os.kill(stuck.pid, signal.SIGSTOP)  # it cannot act on SIGTERM now
        began = time.monotonic()
        assert serve.stop(timeout=60) == 1
        # DATAACCESS_SHUTDOWN_GRACE (0) plus the supervisor's margin of 15 s.
        assert 14 < time.monotonic() - began < 30
        assert f"worker 2 (pid {stuck.pid}) did not stop within 15s: killing it" in serve.log()
        assert not Path(f"/proc/{stuck.pid}").exists()
    finally:
        serve.kill()


def test_revocation_through_one_worker_is_seen_by_every_worker_within_100ms(
    workers: tuple[Serve, str],
) -> None:
    _serve, target = workers
    with ExitStack() as stack:
        channels = _channel_per_worker(target, stack)
        keys = {n: keys_grpc.APIKeyServiceStub(channel) for n, channel in channels.items()}
        made = keys[1].CreateAPIKey(
            keys_pb2.CreateAPIKeyRequest(
                api_key=keys_pb2.APIKey(name="workers", owner_id="workers")
            ),
            timeout=10,
        )
        leaks.register_secret(made.key)
        request = keys_pb2.ValidateAPIKeyRequest(key=made.key)
        for stub in keys.values():  # now in both workers' caches
            assert stub.ValidateAPIKey(request, timeout=10).valid
        keys[1].RevokeAPIKey(keys_pb2.RevokeAPIKeyRequest(id=made.api_key.id), timeout=10)
        revoked = time.monotonic()
        seen: dict[int, float] = {}
        while len(seen) < 2 and time.monotonic() - revoked < 5:
            for number, stub in keys.items():
                if number not in seen:
                    reply = stub.ValidateAPIKey(request, timeout=10)
                    if reply.reason == keys_pb2.API_KEY_VALIDATION_REASON_REVOKED:
                        seen[number] = time.monotonic() - revoked
    assert sorted(seen) == [1, 2]
    assert max(seen.values()) < 0.1, seen


def test_metrics_endpoint_reports_every_worker(pg_database: str, tmp_path: Path) -> None:
    env = _environment(pg_database, DATAACCESS_METRICS_LISTEN="127.0.0.1:0")
    serve, target = _start(env, tmp_path / "serve.log")
    try:
        found = re.search(r"every worker on (http://\S+/metrics)", serve.log())
        assert found is not None
        with ExitStack() as stack:
            for channel in _channel_per_worker(target, stack).values():
                _answering(channel)
        with urllib.request.urlopen(found.group(1), timeout=10) as response:
            text = response.read().decode()
        families = list(text_string_to_metric_families(text))
        names = [family.name for family in families]
        assert len(names) == len(set(names)), "a family appears more than once"
        by_name = {family.name: family for family in families}
        up = {s.labels["worker"]: s.value for s in by_name["dataaccess_worker_up"].samples}
        assert up == {"1": 1.0, "2": 1.0}
        calls = by_name["rpc_server_call_duration_seconds"].samples
        answered = {
            s.labels["worker"]
            for s in calls
            if s.name.endswith("_count") and s.labels.get("rpc_method") == "GetDatabaseStatus"
        }
        assert answered == {"1", "2"}
        assert serve.stop() == 0
    finally:
        serve.kill()


def test_taken_port_fails_fast_with_a_clear_line(pg_database: str) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        env = _environment(pg_database, DATAACCESS_LISTEN=f"127.0.0.1:{port}")
        began = time.monotonic()
        result = run_cli("serve", "--workers", "2", env=env, timeout=60)
    assert result.returncode == 1
    assert time.monotonic() - began < 15
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f"dataaccess: cannot start: cannot listen on 127.0.0.1:{port}: ")
    assert "started worker" not in result.stderr


def test_every_worker_failing_at_start_exits_with_the_workers_error(tmp_path: Path) -> None:
    # Nothing listens on port 1: every worker gives up on the primary after 1 s.
    env = clean_environment(
        DATABASE_URL="postgresql://nobody@127.0.0.1:1/none",
        DATAACCESS_LISTEN="127.0.0.1:0",
        DATAACCESS_STARTUP_TIMEOUT="1",
    )
    result = run_cli("serve", "--workers", "2", env=env, timeout=60)
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("dataaccess: cannot start: the primary did not answer within 1s")
    # Restarted with a pause, not in a tight loop, and then given up on.
    assert result.stderr.count("started worker") <= 4
    assert "during start-up (1 time(s) in a row); starting it again in 0.5s" in result.stderr


@pytest.mark.parametrize("value", ["bad", "0", "65"])
def test_bad_worker_count_is_a_configuration_error(value: str) -> None:
    result = run_cli("serve", env=clean_environment(DATAACCESS_WORKERS=value))
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("dataaccess: configuration error: DATAACCESS_WORKERS: ")
    flag = run_cli("serve", "--workers", value, env=clean_environment())
    assert flag.returncode == 2
    assert "--workers" in flag.stderr


def test_auto_is_the_cpus_this_process_may_use() -> None:
    base = {"DATABASE_URL": "postgresql://u@h/d"}
    assert load_settings(base).workers == 1
    auto = load_settings({**base, "DATAACCESS_WORKERS": "auto"}).workers
    assert auto == min(len(os.sched_getaffinity(0)), 64)
    assert load_settings({**base, "DATAACCESS_WORKERS": " 3 "}).workers == 3
