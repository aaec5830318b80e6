"""Key rotation: `dataaccess rotate-encryption-key` moves every token to the newest key
while servers keep serving, resumes after being killed, and a removed key fails only the
calls that need it."""

from __future__ import annotations

import asyncio
import base64
import random
import signal
from typing import TYPE_CHECKING

import grpc
import psycopg
import pytest

from dataaccess.v1 import oauth_tokens_pb2 as pb
from dataaccess_server.app import Application
from dataaccess_server.domain.crypto import Keyring
from tests.harness import leaks, stubs
from tests.harness.server import (
    clean_environment,
    dataaccess_command,
    server_settings,
)

if TYPE_CHECKING:
    from dataaccess.v1.oauth_tokens_pb2_grpc import OAuthTokenServiceAsyncStub

KEY_A = "keyA:" + base64.b64encode(b"A" * 32).decode()
KEY_B = "keyB:" + base64.b64encode(b"B" * 32).decode()
leaks.register_secret(KEY_A.split(":")[1], KEY_B.split(":")[1])


def secret(n: int, generation: int = 0) -> str:
    value = f"rotation-secret-{n:04d}-gen{generation}-xxxxxxxx"
    leaks.register_secret(value)
    return value


async def start(dsn: str, keyring: str) -> Application:
    app = Application(server_settings(dsn, encryption_keys=Keyring.parse(keyring)))
    await app.start()
    return app


async def seed(dsn: str, keyring: str, count: int, offset: int = 0) -> dict[str, str]:
    """``count`` tokens written under ``keyring``: id -> access token."""
    app = await start(dsn, keyring)
    written: dict[str, str] = {}
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{app.port}") as channel:
            stub = stubs.oauth_tokens(channel)
            for n in range(offset, offset + count):
                reply = await stub.UpsertOAuthToken(
                    pb.UpsertOAuthTokenRequest(
                        token=pb.OAuthToken(
                            provider="rot",
                            user_id=f"user-{n}",
                            access_token=secret(n),
                            refresh_token=secret(n) + "-refresh",
                        )
                    )
                )
                written[reply.token.id] = secret(n)
    finally:
        await app.stop()
    return written


def key_ids(dsn: str) -> dict[str, int]:
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "SELECT encryption_key_id, count(*) FROM oauth_tokens GROUP BY 1"
        ).fetchall()
    return {key: int(count) for key, count in rows}


async def rotate(dsn: str, keyring: str, *extra: str) -> asyncio.subprocess.Process:
    env = clean_environment(DATABASE_URL=dsn, DATAACCESS_ENCRYPTION_KEYS=keyring)
    return await asyncio.create_subprocess_exec(
        *dataaccess_command("rotate-encryption-key", *extra),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_rotation_moves_every_token_to_the_new_key_while_serving(
    pg_database: str,
) -> None:
    written = await seed(pg_database, KEY_A, 300)
    assert key_ids(pg_database) == {"keyA": 300}

    # Servers now hold [B, A]: they write under B and read both.
    app = await start(pg_database, f"{KEY_B},{KEY_A}")
    failures: list[BaseException] = []
    operations = 0
    stop = asyncio.Event()
    latest = dict(written)

    async def traffic(stub: OAuthTokenServiceAsyncStub, worker: int) -> None:
        # Each worker owns its own tokens, so `latest` is exact for what it reads.
        nonlocal operations
        everything = list(written)
        ids = everything[worker::4]
        generation = 0
        while not stop.is_set():
            token_id = random.choice(ids)
            try:
                full = await stub.GetOAuthToken(
                    pb.GetOAuthTokenRequest(id=token_id, view=pb.O_AUTH_TOKEN_VIEW_FULL),
                    timeout=5,
                )
                assert full.token.access_token == latest[token_id]
                generation += 1
                value = secret(everything.index(token_id), generation)
                await stub.UpsertOAuthToken(
                    pb.UpsertOAuthTokenRequest(
                        token=pb.OAuthToken(
                            provider="rot", user_id=full.token.user_id, access_token=value
                        )
                    ),
                    timeout=5,
                )
                latest[token_id] = value
                operations += 1
            except (grpc.aio.AioRpcError, AssertionError) as exc:
                failures.append(exc)

    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{app.port}") as channel:
            stub = stubs.oauth_tokens(channel)
            workers = [asyncio.create_task(traffic(stub, worker)) for worker in range(4)]
            process = await rotate(pg_database, f"{KEY_B},{KEY_A}", "--batch-size", "20")
            out, err = await asyncio.wait_for(process.communicate(), timeout=120)
            stop.set()
            await asyncio.gather(*workers)
    finally:
        await app.stop()
    output = out.decode()
    leaks.register_output(output + err.decode())
    assert process.returncode == 0, err.decode()
    assert "re-encrypted" in output
    assert "every token is under key 'keyB'" in output
    assert failures == []
    assert operations > 10  # the servers really were serving during the rotation
    assert key_ids(pg_database) == {"keyB": 300}

    # The old key can go: [B] alone reads every token, with the latest values.
    app = await start(pg_database, KEY_B)
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{app.port}") as channel:
            stub = stubs.oauth_tokens(channel)
            for token_id, access in latest.items():
                full = await stub.GetOAuthToken(
                    pb.GetOAuthTokenRequest(id=token_id, view=pb.O_AUTH_TOKEN_VIEW_FULL)
                )
                assert full.token.access_token == access
                assert full.token.refresh_token.endswith("-refresh")
    finally:
        await app.stop()


async def test_an_interrupted_rotation_finishes_when_run_again(pg_database: str) -> None:
    await seed(pg_database, KEY_A, 120)
    process = await rotate(pg_database, f"{KEY_B},{KEY_A}", "--batch-size", "5")
    assert process.stdout is not None
    seen = 0
    while seen < 3:  # let it do a few batches, then kill it without warning
        line = await asyncio.wait_for(process.stdout.readline(), timeout=60)
        assert line, "rotation ended before it could be interrupted"
        seen += line.startswith(b"re-encrypted")
    process.send_signal(signal.SIGKILL)
    await process.wait()
    halfway = key_ids(pg_database)
    assert halfway.get("keyB", 0) >= 15
    assert halfway.get("keyA", 0) > 0

    again = await rotate(pg_database, f"{KEY_B},{KEY_A}")
    out, err = await asyncio.wait_for(again.communicate(), timeout=120)
    leaks.register_output(out.decode() + err.decode())
    assert again.returncode == 0, err.decode()
    assert key_ids(pg_database) == {"keyB": 120}
    assert f"done: {halfway['keyA']} token(s) re-encrypted" in out.decode()


async def test_a_value_under_a_removed_key_fails_only_its_own_calls(pg_database: str) -> None:
    old = await seed(pg_database, KEY_A, 1)
    app = await start(pg_database, KEY_B)  # A removed before rotating: a mistake
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{app.port}") as channel:
            stub = stubs.oauth_tokens(channel)
            (token_id,) = old
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                await stub.GetOAuthToken(
                    pb.GetOAuthTokenRequest(id=token_id, view=pb.O_AUTH_TOKEN_VIEW_FULL)
                )
            assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
            assert "'keyA'" in (caught.value.details() or "")
            assert "rotate-encryption-key" in (caught.value.details() or "")
            # The server is fine: BASIC reads of that token and new tokens work.
            basic = await stub.GetOAuthToken(pb.GetOAuthTokenRequest(id=token_id))
            assert basic.token.id == token_id
            fresh = await stub.UpsertOAuthToken(
                pb.UpsertOAuthTokenRequest(
                    token=pb.OAuthToken(provider="rot", user_id="new", access_token=secret(999))
                )
            )
            full = await stub.GetOAuthToken(
                pb.GetOAuthTokenRequest(id=fresh.token.id, view=pb.O_AUTH_TOKEN_VIEW_FULL)
            )
            assert full.token.access_token == secret(999)
    finally:
        await app.stop()
    # And rotation refuses clearly instead of half-working.
    process = await rotate(pg_database, KEY_B)
    _, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 1
    assert "'keyA'" in err.decode()
    assert key_ids(pg_database) == {"keyA": 1, "keyB": 1}
