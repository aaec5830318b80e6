"""db/prepared.py: the FULL read's statement, prepared per connection and run on libpq
directly, survives what can happen to a prepared statement and to its connection."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import grpc
import psycopg
import pytest
from grpc import aio
from psycopg import errors as pg_errors
from psycopg.pq import TransactionStatus

from dataaccess.v1 import oauth_tokens_pb2 as pb
from dataaccess_server.app import Application
from dataaccess_server.db import session
from dataaccess_server.db.pool import Connection
from dataaccess_server.db.prepared import PreparedStatement, text
from dataaccess_server.db.token_reads import fetch_token_audited
from dataaccess_server.domain.model.access import AuditedRead, AuditEvent
from tests.harness import stubs

FULL = pb.O_AUTH_TOKEN_VIEW_FULL


def audit(now: datetime) -> AuditedRead:
    return AuditedRead(
        AuditEvent(
            time=now,
            event_id=str(uuid.uuid4()),
            caller="test",
            method="/dataaccess.v1.OAuthTokenService/GetOAuthToken",
            resource_id="ignored",
            outcome="OK",
            peer="ipv4:127.0.0.1:1",
        )
    )


@pytest.fixture
async def conn(pg_database: str) -> AsyncIterator[Connection]:
    connection = await session.connect(pg_database, autocommit=True)
    try:
        yield connection
    finally:
        await connection.close()


def insert_token(dsn: str) -> str:
    with psycopg.connect(dsn, autocommit=True) as admin:
        row = admin.execute(
            "INSERT INTO oauth_tokens (id, provider, user_id, access_token_ciphertext,"
            " encryption_key_id, scopes) VALUES (gen_random_uuid(), 'p', 'u', '\\x0102', 'k',"
            " '{a,b}') RETURNING id::text"
        ).fetchone()
    assert row is not None
    return str(row[0])


def audit_count(dsn: str) -> int:
    with psycopg.connect(dsn) as admin:
        row = admin.execute("SELECT count(*) FROM audit_events").fetchone()
    assert row is not None
    return int(row[0])


async def prepared_names(conn: Connection) -> list[str]:
    cursor = await conn.execute("SELECT name FROM pg_prepared_statements ORDER BY name")
    return [str(row[0]) for row in await cursor.fetchall()]


async def test_the_read_is_prepared_again_after_deallocate_and_after_a_column_changes_type(
    conn: Connection, pg_database: str, now: datetime
) -> None:
    token_id = insert_token(pg_database)
    first = audit(now)
    stored = await fetch_token_audited(conn, first, token_id=token_id)
    assert stored is not None
    assert (stored.id, stored.scopes, stored.secrets.access) == (token_id, ("a", "b"), b"\x01\x02")
    assert stored.create_time.tzinfo is not None
    assert first.stored
    assert "dataaccess_token_audited_by_id" in await prepared_names(conn)
    # Forgotten by the server (DEALLOCATE ALL, DISCARD ALL): prepared again.
    await conn.execute("DEALLOCATE ALL")
    again = audit(now)
    assert await fetch_token_audited(conn, again, token_id=token_id) == stored
    assert again.stored
    # A migration changes a column's type: the old plan's row type no longer fits
    # ("cached plan must not change result type"), so the statement is prepared anew.
    with psycopg.connect(pg_database, autocommit=True) as admin:
        admin.execute("ALTER TABLE oauth_tokens ALTER COLUMN token_type TYPE varchar(64)")
    changed = audit(now)
    assert await fetch_token_audited(conn, changed, token_id=token_id) == stored
    assert changed.stored
    by_user = audit(now)
    assert await fetch_token_audited(conn, by_user, provider="p", user_id="u") == stored
    missing = audit(now)
    assert await fetch_token_audited(conn, missing, token_id=str(uuid.uuid4())) is None
    assert not missing.stored
    # A day without a partition: made, and the same statement runs again.
    later = audit(now + timedelta(days=40))
    assert await fetch_token_audited(conn, later, token_id=token_id) == stored
    assert later.stored
    assert audit_count(pg_database) == 5


async def test_an_error_is_psycopgs_and_leaves_the_connection_usable(conn: Connection) -> None:
    divide = PreparedStatement("test_divide", "SELECT 1 / $1::int")
    assert await divide.run(conn, [b"1"]) == (1,)
    with pytest.raises(pg_errors.DivisionByZero):
        await divide.run(conn, [b"0"])
    assert await divide.run(conn, [None]) == (None,)
    with pytest.raises(pg_errors.UndefinedTable):
        await PreparedStatement("test_nothing", "SELECT * FROM no_such_table").run(conn, [])
    assert await divide.run(conn, [b"2"]) == (0,)
    with pytest.raises(pg_errors.DataError, match="NUL"):
        text("bad\x00")


async def test_a_cancelled_statement_is_cancelled_on_the_server_and_keeps_its_connection(
    conn: Connection,
) -> None:
    sleep = PreparedStatement("test_sleep", "SELECT pg_sleep($1::float8)")
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.2):
            await sleep.run(conn, [b"30"])
    # The sleep was cancelled, not waited for, and its answer read away: the connection
    # is idle for the next statement (the pool lends it again).
    assert time.monotonic() - started < 5
    assert not conn.closed
    assert conn.pgconn.transaction_status == TransactionStatus.IDLE
    assert await PreparedStatement("test_after", "SELECT $1::int").run(conn, [b"7"]) == (7,)


async def test_a_connection_the_server_ended_is_broken(conn: Connection, pg_database: str) -> None:
    one = PreparedStatement("test_one", "SELECT $1::int")
    assert await one.run(conn, [b"1"]) == (1,)
    with psycopg.connect(pg_database, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (conn.info.backend_pid,))

    async def until_it_fails() -> None:
        for _ in range(50):  # the termination reaches the socket soon after
            await one.run(conn, [b"1"])
            await asyncio.sleep(0.02)

    with pytest.raises(psycopg.OperationalError):
        await until_it_fails()
    assert conn.broken  # so the pool discards it and the cluster says UNAVAILABLE


async def test_full_reads_recover_after_the_servers_connections_are_ended(
    server: Application, channel: aio.Channel, pg_database: str
) -> None:
    tokens = stubs.oauth_tokens(channel)
    token = pb.OAuthToken(provider="claude", user_id="u1", access_token="a", refresh_token="r")
    made = await tokens.UpsertOAuthToken(pb.UpsertOAuthTokenRequest(token=token))
    read = pb.GetOAuthTokenRequest(id=made.token.id, view=FULL)
    for _ in range(3):
        assert (await tokens.GetOAuthToken(read)).token.access_token == "a"
    with psycopg.connect(pg_database, autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE application_name = 'dataaccess' AND pid <> pg_backend_pid()"
        )
    codes = []
    for _ in range(20):
        try:
            answer = await tokens.GetOAuthToken(read)
        except aio.AioRpcError as exc:
            codes.append(exc.code())
            await asyncio.sleep(0.1)
        else:
            assert answer.token.refresh_token == "r"
            break
    else:
        pytest.fail(f"no FULL read succeeded after the connections ended: {codes}")
    assert set(codes) <= {grpc.StatusCode.UNAVAILABLE}  # never INTERNAL or UNKNOWN
