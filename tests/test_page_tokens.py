"""Page tokens are authenticated: only a token this deployment signed is read at all."""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable
from typing import TYPE_CHECKING

import grpc
import pytest

from dataaccess.v1 import api_keys_pb2 as keys_pb
from dataaccess.v1 import oauth_tokens_pb2 as tokens_pb
from dataaccess_server.app import Application
from dataaccess_server.domain.crypto import Keyring
from dataaccess_server.domain.pagination import PageSigner
from tests.harness import leaks, stubs
from tests.harness.server import server_settings

if TYPE_CHECKING:
    from dataaccess.v1.api_keys_pb2_grpc import APIKeyServiceAsyncStub
    from dataaccess.v1.oauth_tokens_pb2_grpc import OAuthTokenServiceAsyncStub


async def rpc_error(call: Awaitable[object]) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return caught.value


def forged(real: str, after: str) -> str:
    """A token as a caller can make one: the real token's body (its filter fingerprint
    is a public function of the filters), pointing ``after`` somewhere else."""
    body = real.split(".")[0]
    data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    data["a"] = after
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def assert_refused(error: grpc.aio.AioRpcError) -> None:
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, (error.code(), error.details())
    assert "page_token" in (error.details() or "")


async def test_forged_token_is_invalid_argument_not_internal(
    oauth_tokens_stub: OAuthTokenServiceAsyncStub,
    api_keys_stub: APIKeyServiceAsyncStub,
) -> None:
    # Before signing, these reached `id > %(after)s::uuid` and came back INTERNAL.
    for n in range(3):
        await oauth_tokens_stub.UpsertOAuthToken(
            tokens_pb.UpsertOAuthTokenRequest(
                token=tokens_pb.OAuthToken(provider="claude", user_id=f"u{n}", access_token="t")
            )
        )
        reply = await api_keys_stub.CreateAPIKey(
            keys_pb.CreateAPIKeyRequest(api_key=keys_pb.APIKey(owner_id="me"))
        )
        leaks.register_secret(reply.key)
    first = await oauth_tokens_stub.ListOAuthTokens(tokens_pb.ListOAuthTokensRequest(page_size=1))
    keys = await api_keys_stub.ListAPIKeys(keys_pb.ListAPIKeysRequest(page_size=1))
    for after in ("not-a-uuid", "x\x00y", "'; DROP TABLE api_keys; --"):
        assert_refused(
            await rpc_error(
                oauth_tokens_stub.ListOAuthTokens(
                    tokens_pb.ListOAuthTokensRequest(
                        page_size=1, page_token=forged(first.next_page_token, after)
                    )
                )
            )
        )
        assert_refused(
            await rpc_error(
                api_keys_stub.ListAPIKeys(
                    keys_pb.ListAPIKeysRequest(
                        page_size=1, page_token=forged(keys.next_page_token, after)
                    )
                )
            )
        )
    # The genuine token still pages on.
    second = await oauth_tokens_stub.ListOAuthTokens(
        tokens_pb.ListOAuthTokensRequest(page_size=1, page_token=first.next_page_token)
    )
    assert [t.user_id for t in second.tokens] == ["u1"]


async def test_tampered_token_is_invalid_argument(
    api_keys_stub: APIKeyServiceAsyncStub,
) -> None:
    for _ in range(2):
        leaks.register_secret(
            (
                await api_keys_stub.CreateAPIKey(
                    keys_pb.CreateAPIKeyRequest(api_key=keys_pb.APIKey(owner_id="me"))
                )
            ).key
        )
    token = (
        await api_keys_stub.ListAPIKeys(keys_pb.ListAPIKeysRequest(page_size=1))
    ).next_page_token
    assert "." in token
    # Not the very last character: unpadded base64 leaves some of its bits unused, so
    # another character there can stand for the same bytes (the same, valid, token).
    for position in (0, len(token) // 2, len(token) - 2):
        flipped = "A" if token[position] != "A" else "B"
        tampered = token[:position] + flipped + token[position + 1 :]
        assert_refused(
            await rpc_error(
                api_keys_stub.ListAPIKeys(
                    keys_pb.ListAPIKeysRequest(page_size=1, page_token=tampered)
                )
            )
        )


async def test_servers_sharing_a_keyring_accept_each_others_tokens_and_others_refuse(
    pg_database: str,
) -> None:
    # The deployment's servers derive one key; a server with another keyring (another
    # deployment) refuses the token; after a rotation the old key still verifies.
    old = Keyring.generate("old")
    new = Keyring.generate("new")
    rotated = Keyring.parse(new.serialize() + "," + old.serialize())
    leaks.register_secret(*(part.split(":")[1] for part in rotated.serialize().split(",")))
    apps = [
        Application(server_settings(pg_database, encryption_keys=keys))
        for keys in (old, old, new, rotated)
    ]
    for app in apps:
        await app.start()
    try:
        channels = [grpc.aio.insecure_channel(f"127.0.0.1:{app.port}") for app in apps]
        clients = [stubs.api_keys(channel) for channel in channels]
        for _ in range(3):
            leaks.register_secret(
                (
                    await clients[0].CreateAPIKey(
                        keys_pb.CreateAPIKeyRequest(api_key=keys_pb.APIKey(owner_id="me"))
                    )
                ).key
            )
        token = (
            await clients[0].ListAPIKeys(keys_pb.ListAPIKeysRequest(page_size=1))
        ).next_page_token
        for accepting in (clients[1], clients[3]):
            page = await accepting.ListAPIKeys(
                keys_pb.ListAPIKeysRequest(page_size=1, page_token=token)
            )
            assert len(page.api_keys) == 1
        assert_refused(
            await rpc_error(
                clients[2].ListAPIKeys(keys_pb.ListAPIKeysRequest(page_size=1, page_token=token))
            )
        )
        for channel in channels:
            await channel.close()
    finally:
        for app in apps:
            await app.stop()


def test_signer_signs_with_the_first_key_and_verifies_with_any() -> None:
    a, b = b"a" * 32, b"b" * 32
    rotated = PageSigner([b, a])
    assert rotated.verify(PageSigner([a]).sign("body")) == "body"
    assert PageSigner([a]).verify(rotated.sign("body")) is None
    assert PageSigner([b]).verify(rotated.sign("body")) == "body"
    for garbage in ("", ".", "body", "body.", "body.!!!!", "body." + "A" * 22, "\x00.\x00"):
        assert rotated.verify(garbage) is None
