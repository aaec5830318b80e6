"""SIGTERM while a call is in flight: the call completes, new calls are refused, exit 0."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import grpc
import psycopg

from dataaccess.v1 import api_keys_pb2 as keys_pb2
from dataaccess.v1 import api_keys_pb2_grpc as keys_grpc
from dataaccess.v1 import operations_pb2 as ops_pb2
from dataaccess.v1 import operations_pb2_grpc as ops_grpc
from tests.harness.server import Serve, clean_environment, health_status
from tests.harness.waiting import wait_until_sync

# ListAPIKeys reads api_keys: holding this lock keeps the call in flight for as long as
# the test needs (GetDatabaseStatus would give up its schema read after 2 s, and answer).
BLOCK_KEYS = "LOCK TABLE api_keys IN ACCESS EXCLUSIVE MODE"
# Sessions waiting for that lock (by the lock, not the statement's text, which
# pg_stat_activity cuts at track_activity_query_size).
WAITING_CALLS = """
SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
WHERE l.relation = 'api_keys'::regclass AND NOT l.granted AND d.datname = current_database()
"""


def test_sigterm_drains_in_flight_calls_refuses_new_ones_and_exits_0(
    pg_database: str, tmp_path: Path
) -> None:
    env = clean_environment(
        DATABASE_URL=pg_database,
        DATAACCESS_LISTEN="127.0.0.1:0",
        DATAACCESS_SHUTDOWN_GRACE="20",
        DB_MONITOR_INTERVAL="0.1",
    )
    serve = Serve(env, tmp_path / "serve.log")
    try:
        target = serve.target()
        wait_until_sync(lambda: health_status(target) == "SERVING", what="SERVING", timeout=30)

        with psycopg.connect(pg_database) as blocker, grpc.insecure_channel(target) as channel:
            blocker.execute(BLOCK_KEYS)
            stub = keys_grpc.APIKeyServiceStub(channel)
            in_flight = stub.ListAPIKeys.future(keys_pb2.ListAPIKeysRequest(), timeout=30)
            with psycopg.connect(pg_database, autocommit=True) as observer:
                wait_until_sync(
                    lambda: observer.execute(WAITING_CALLS).fetchone() == (1,),
                    what="the call to wait on the lock",
                    timeout=30,
                )

            serve.process.send_signal(signal.SIGTERM)

            def fresh_call() -> grpc.StatusCode:
                with grpc.insecure_channel(target) as fresh:
                    try:
                        ops_grpc.OperationsServiceStub(fresh).GetDatabaseStatus(
                            ops_pb2.GetDatabaseStatusRequest(), timeout=2
                        )
                    except grpc.RpcError as exc:
                        return exc.code()
                return grpc.StatusCode.OK

            # Health flips to NOT_SERVING first, then the listener closes. A connection
            # that gRPC core accepted in the moment before has its call CANCELLED; once
            # the listener is closed, a new call on a new connection is UNAVAILABLE
            # (refused) while the old call drains.
            wait_until_sync(
                lambda: fresh_call() == grpc.StatusCode.UNAVAILABLE,
                what="new connections refused",
                timeout=30,
            )
            assert health_status(target) == "UNREACHABLE"
            assert not in_flight.done()

            released = threading.Timer(0.2, blocker.rollback)
            released.start()
            reply = in_flight.result(timeout=15)
            released.join()
        assert list(reply.api_keys) == []  # answered from the database, once it could
        assert serve.process.wait(timeout=15) == 0
    finally:
        serve.kill()
    assert "shutdown requested" in serve.log()
    assert "dataaccess stopped" in serve.log()


def test_sigterm_while_waiting_for_the_primary_exits_promptly(tmp_path: Path) -> None:
    env = clean_environment(
        DATABASE_URL="postgresql://nobody@127.0.0.1:1/none",
        DATAACCESS_LISTEN="127.0.0.1:0",
        DATAACCESS_STARTUP_TIMEOUT="60",
    )
    serve = Serve(env, tmp_path / "serve.log")
    try:
        wait_until_sync(
            lambda: "waiting for the primary database" in serve.log(),
            what="the server to wait for its primary",
            timeout=30,
        )
        assert serve.stop(timeout=10) == 0
    finally:
        serve.kill()
    assert "serving gRPC" not in serve.log()
