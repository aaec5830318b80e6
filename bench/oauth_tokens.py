"""GetOAuthToken and UpsertOAuthToken through gRPC, beside raw psycopg running the same
SQL on the same database in the same run.

What it shows: what the server adds (grpc.aio, validation, AES-GCM, conversion, the
cluster's routing) on top of the statements a token read and a token refresh cost.

The baseline writes ciphertexts sealed in this process under the server's own keyring,
bound to each row, so its writes leave rows the server reads back: the order of the
workloads does not matter.
"""

from __future__ import annotations

import asyncio
import random
import string
from dataclasses import dataclass

from grpc import aio
from psycopg.types.json import Jsonb

from bench.harness import Result, measure, postgres, raw_pool, report, server_process
from dataaccess.v1 import oauth_tokens_pb2 as tokens_pb2
from dataaccess.v1 import oauth_tokens_pb2_grpc as tokens_grpc
from dataaccess_server.db import oauth_tokens as store
from dataaccess_server.db import token_reads
from dataaccess_server.db.wal import CURRENT_WAL_LSN
from dataaccess_server.domain.crypto import Keyring, place
from dataaccess_server.domain.oauth_token_cipher import TABLE

CONCURRENCY = 16
DURATION = 5.0
POOL_SIZE = 10
TOKENS = 1000
PROVIDER = "bench"
SECRET_CHARS = 200
# Distinct token values the gRPC upserts pick from: new values without paying for
# random text on every call.
SECRET_VARIANTS = 64
SEED = 1000
ALPHABET = string.ascii_letters + string.digits + "-_"


@dataclass(frozen=True, slots=True)
class SeededToken:
    """A token stored by the seeding, with a replacement sealed for the baseline."""

    id: str
    user_id: str
    access_ciphertext: bytes
    refresh_ciphertext: bytes


def _secret(rng: random.Random) -> str:
    return "".join(rng.choices(ALPHABET, k=SECRET_CHARS))


async def _seed(
    stub: tokens_grpc.OAuthTokenServiceAsyncStub, rng: random.Random, keyring: Keyring
) -> list[SeededToken]:
    """Create TOKENS tokens through UpsertOAuthToken, CONCURRENCY at a time."""
    requests = [
        tokens_pb2.UpsertOAuthTokenRequest(
            token=tokens_pb2.OAuthToken(
                provider=PROVIDER,
                user_id=f"user-{i}",
                access_token=_secret(rng),
                refresh_token=_secret(rng),
            )
        )
        for i in range(TOKENS)
    ]
    ids: list[str] = [""] * TOKENS

    async def worker(first: int) -> None:
        for i in range(first, TOKENS, CONCURRENCY):
            response = await stub.UpsertOAuthToken(requests[i])
            if not response.created:
                raise RuntimeError(f"seeding: user-{i} already had a token")
            ids[i] = response.token.id

    await asyncio.gather(*(worker(first) for first in range(CONCURRENCY)))
    return [
        SeededToken(
            id=row_id,
            user_id=f"user-{i}",
            access_ciphertext=keyring.seal(
                _secret(rng).encode(), place=place(TABLE, row_id, "access_token")
            ),
            refresh_ciphertext=keyring.seal(
                _secret(rng).encode(), place=place(TABLE, row_id, "refresh_token")
            ),
        )
        for i, row_id in enumerate(ids)
    ]


async def _check_readable(
    stub: tokens_grpc.OAuthTokenServiceAsyncStub, seeded: list[SeededToken]
) -> None:
    """Read every token back in the FULL view: the rows the baseline wrote too must
    decrypt, or it did not do the server's work."""

    async def worker(first: int) -> None:
        for token in seeded[first::CONCURRENCY]:
            await stub.GetOAuthToken(
                tokens_pb2.GetOAuthTokenRequest(id=token.id, view=tokens_pb2.O_AUTH_TOKEN_VIEW_FULL)
            )

    await asyncio.gather(*(worker(first) for first in range(CONCURRENCY)))


async def run() -> str:
    """Run the workloads and return the report."""
    rng = random.Random(SEED)
    keyring = Keyring.generate("bench")
    with postgres() as instance:
        dsn = instance.dsn()
        env = {
            "DB_POOL_MIN_CONNS": str(POOL_SIZE),
            "DB_POOL_MAX_CONNS": str(POOL_SIZE),
            "DATAACCESS_ENCRYPTION_KEYS": keyring.serialize(),
        }
        with server_process(dsn, **env) as target:
            async with (
                aio.insecure_channel(target) as channel,
                raw_pool(dsn, POOL_SIZE) as pool,
            ):
                stub = tokens_grpc.OAuthTokenServiceStub(channel)
                seeded = await _seed(stub, rng, keyring)

                async def raw_get() -> None:
                    async with pool.connection() as conn:
                        cursor = await conn.execute(
                            token_reads.FETCH_LIVE_BY_ID, {"id": rng.choice(seeded).id}
                        )
                        await cursor.fetchone()

                async def raw_upsert() -> None:
                    # An upsert of an existing pair: lock, replace, commit; then the LSN.
                    token = rng.choice(seeded)
                    async with pool.connection() as conn:
                        async with conn.transaction():
                            cursor = await conn.execute(
                                store.LOCK_LIVE_BY_USER,
                                {"provider": PROVIDER, "user_id": token.user_id},
                            )
                            locked = await cursor.fetchone()
                            assert locked is not None  # seeded, never deleted
                            cursor = await conn.execute(
                                store.REPLACE_TOKEN,
                                {
                                    "id": locked[0],
                                    "email": None,
                                    "access": token.access_ciphertext,
                                    "refresh": token.refresh_ciphertext,
                                    "key_id": keyring.primary_key_id,
                                    "token_type": "Bearer",
                                    "expiry_time": None,
                                    "scopes": [],
                                    "metadata": Jsonb({}),
                                },
                            )
                            await cursor.fetchone()
                        cursor = await conn.execute(CURRENT_WAL_LSN)
                        await cursor.fetchone()

                get_requests = [
                    tokens_pb2.GetOAuthTokenRequest(
                        id=token.id, view=tokens_pb2.O_AUTH_TOKEN_VIEW_FULL
                    )
                    for token in seeded
                ]
                token_values = [_secret(rng) for _ in range(SECRET_VARIANTS)]

                def upsert_request() -> tokens_pb2.UpsertOAuthTokenRequest:
                    return tokens_pb2.UpsertOAuthTokenRequest(
                        token=tokens_pb2.OAuthToken(
                            provider=PROVIDER,
                            user_id=rng.choice(seeded).user_id,
                            access_token=rng.choice(token_values),
                            refresh_token=rng.choice(token_values),
                        )
                    )

                get_baseline = await measure(
                    "raw psycopg: SELECT by id",
                    raw_get,
                    concurrency=CONCURRENCY,
                    duration=DURATION,
                )
                gets: list[Result] = [get_baseline]
                gets.append(
                    await measure(
                        "gRPC: GetOAuthToken (FULL view)",
                        lambda: stub.GetOAuthToken(rng.choice(get_requests)),
                        concurrency=CONCURRENCY,
                        duration=DURATION,
                    )
                )
                upsert_baseline = await measure(
                    "raw psycopg: lock, UPDATE, commit, LSN",
                    raw_upsert,
                    concurrency=CONCURRENCY,
                    duration=DURATION,
                )
                await _check_readable(stub, seeded)
                upserts: list[Result] = [upsert_baseline]
                upserts.append(
                    await measure(
                        "gRPC: UpsertOAuthToken (replace)",
                        lambda: stub.UpsertOAuthToken(upsert_request()),
                        concurrency=CONCURRENCY,
                        duration=DURATION,
                    )
                )
    setting = f"concurrency {CONCURRENCY}, {DURATION:g} s each, pool {POOL_SIZE}, {TOKENS} tokens"
    return "\n\n".join(
        [
            report(f"oauth_tokens: get ({setting})", gets, get_baseline),
            report(f"oauth_tokens: upsert ({setting})", upserts, upsert_baseline),
        ]
    )


if __name__ == "__main__":
    print(asyncio.run(run()))
